"""The check engine: paths in, a result out. It never prints and never exits."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from microsys.diagnostics import Diagnostic, Severity, sort_diagnostics
from microsys.errors import EXIT_FINDINGS, EXIT_OK
from microsys.workbook.discover import find_workbooks
from microsys.yaml.load import ReadLimits

if TYPE_CHECKING:
    from microsys.workbook.githistory import CycleHistory


@dataclass(frozen=True)
class WorkbookResult:
    """The findings of one workbook."""

    path: Path
    name: str | None
    files: int
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> int:
        """Number of errors."""
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        """Number of warnings."""
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)


@dataclass(frozen=True)
class CheckResult:
    """The findings of a whole run."""

    workbooks: tuple[WorkbookResult, ...]
    strict: bool = False

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every finding, workbook by workbook."""
        return [d for w in self.workbooks for d in w.diagnostics]

    @property
    def errors(self) -> int:
        """Number of errors."""
        return sum(w.errors for w in self.workbooks)

    @property
    def warnings(self) -> int:
        """Number of warnings."""
        return sum(w.warnings for w in self.workbooks)

    @property
    def files(self) -> int:
        """Number of files checked."""
        return sum(w.files for w in self.workbooks)

    @property
    def failed(self) -> bool:
        """True when the run should fail: errors, or warnings under ``--strict``."""
        return self.errors > 0 or (self.strict and self.warnings > 0)

    @property
    def exit_code(self) -> int:
        """0 when clean, 1 when there are findings that fail the run."""
        return EXIT_FINDINGS if self.failed else EXIT_OK


def check_workbook(
    root: Path,
    limits: ReadLimits | None = None,
    today: dt.date | None = None,
    git: bool = True,
    history: CycleHistory | None = None,
) -> WorkbookResult:
    """Check one workbook folder: its files, then method fidelity.

    ``today`` dates the freshness of measures; ``git`` reads the history of
    PDSA files (when the workbook is in a git repository), unless ``history``
    was read already.
    """
    from microsys.ramp import fidelity
    from microsys.workbook import leftovers, pathwaycheck
    from microsys.workbook.discover import display_path
    from microsys.workbook.githistory import cycle_history
    from microsys.workbook.loader import add_findings, load_workbook

    # Undo a write a killed command left half-done before reading, so the files checked are whole.
    interrupted = leftovers.repair(root, display_path(root))
    wb = load_workbook(root, limits)
    if history is None and git:
        history = cycle_history(root)
    add_findings(wb, fidelity.check(wb, today or dt.date.today(), history))
    add_findings(wb, pathwaycheck.check_links(wb))
    manifest = wb.manifest
    extra = interrupted + leftovers.temporary_files(root, wb.path)
    return WorkbookResult(
        path=wb.path,
        name=manifest.name if manifest else None,
        files=wb.yaml_file_count,
        diagnostics=tuple(sort_diagnostics([*wb.diagnostics, *extra])) if extra else tuple(wb.diagnostics),
    )


# Below this many workbooks a process pool costs more than it saves.
PARALLEL_MIN_WORKBOOKS = 40


def auto_jobs(workbooks: int) -> int:
    """Processes to use for a run: two for large runs on a machine with two or more cores."""
    cores = os.cpu_count() or 1
    return 2 if workbooks >= PARALLEL_MIN_WORKBOOKS and cores >= 2 else 1


def check(
    paths: Sequence[Path],
    *,
    limits: ReadLimits | None = None,
    strict: bool = False,
    jobs: int | None = None,
    today: dt.date | None = None,
    git: bool = True,
) -> CheckResult:
    """Check the workbooks at or below ``paths``.

    ``jobs`` is the number of processes; None chooses (one, or two for large runs).

    Raises:
        UsageError: a path does not exist or holds no workbook.
    """
    roots = find_workbooks(paths)
    if jobs is None:
        jobs = auto_jobs(len(roots))
    histories: dict[Path, CycleHistory] = {}
    if git:
        from microsys.workbook.githistory import cycle_histories

        histories = cycle_histories(roots)  # a few git calls per repository, not per workbook
    if jobs > 1 and len(roots) > 1:
        from microsys.parallel import check_many

        results = check_many(check_workbook, roots, limits, jobs, today, histories)
    else:
        results = [check_workbook(root, limits, today, False, histories.get(root)) for root in roots]
    return CheckResult(workbooks=tuple(results), strict=strict)
