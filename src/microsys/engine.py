"""The check engine: paths in, a result out. It never prints and never exits."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from microsys import rules
from microsys.diagnostics import Diagnostic, Severity, sort_diagnostics
from microsys.errors import EXIT_FINDINGS, EXIT_OK
from microsys.workbook.discover import find_workbooks
from microsys.yaml.load import ReadLimits

if TYPE_CHECKING:
    from microsys.config import Settings
    from microsys.workbook.githistory import CycleHistory


@dataclass(frozen=True)
class WorkbookResult:
    """The findings of one workbook."""

    path: Path
    name: str | None
    files: int
    diagnostics: tuple[Diagnostic, ...]
    checked: tuple[Path, ...] = ()
    """The files counted in ``files``, in the order found (one JUnit test case each)."""
    load_errors: int = field(default=0, compare=False)
    """Errors found while loading, before method fidelity: what a pathway linking it counts."""

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
    linked_errors: Mapping[Path, int] | None = None,
) -> WorkbookResult:
    """Check one workbook folder: its files, then method fidelity.

    ``today`` dates the freshness of measures; ``git`` reads the history of
    PDSA files (when the workbook is in a git repository), unless ``history``
    was read already. ``linked_errors`` gives the load errors of workbooks
    checked already in this run (by resolved folder), so a pathway does not
    load its linked workbooks a second time.
    """
    from microsys.ramp import fidelity
    from microsys.workbook import leftovers, pathwaycheck
    from microsys.workbook.discover import display_path
    from microsys.workbook.githistory import cycle_history
    from microsys.workbook.loader import add_findings, load_workbook

    # Undo a write a killed command left half-done before reading, so the files checked are whole.
    interrupted = leftovers.repair(root, display_path(root))
    wb = load_workbook(root, limits)
    load_errors = sum(1 for d in wb.diagnostics if d.severity is Severity.ERROR)
    if history is None and git:
        history = cycle_history(root)
    add_findings(wb, fidelity.check(wb, today or dt.date.today(), history))
    add_findings(wb, pathwaycheck.check_links(wb, limits, linked_errors))
    manifest = wb.manifest
    extra = interrupted + leftovers.temporary_files(root, wb.path, wb.hidden_files)
    return WorkbookResult(
        path=wb.path,
        name=manifest.name if manifest else None,
        files=wb.yaml_file_count,
        checked=wb.checked_files,
        diagnostics=tuple(sort_diagnostics([*wb.diagnostics, *extra])) if extra else tuple(wb.diagnostics),
        load_errors=load_errors,
    )


def failed_workbook(root: Path, reason: str) -> WorkbookResult:
    """The result of a workbook microsys could not check: one finding that says why."""
    from microsys.workbook.discover import display_path

    shown = display_path(root)
    return WorkbookResult(
        path=shown,
        name=None,
        files=0,
        diagnostics=(
            Diagnostic.of(
                rules.WORKBOOK_CHECK_FAILED,
                shown,
                f"microsys could not check this workbook: {reason}",
                f"run `microsys check {shown.as_posix()}` on its own to see more; "
                "this is a bug in microsys, not in your workbook: please report it",
            ),
        ),
    )


def check_workbook_safely(
    root: Path,
    limits: ReadLimits | None = None,
    today: dt.date | None = None,
    git: bool = True,
    history: CycleHistory | None = None,
    linked_errors: Mapping[Path, int] | None = None,
) -> WorkbookResult:
    """:func:`check_workbook`, with an error while checking turned into the workbook's finding.

    One workbook that microsys cannot check must not stop the check of the others.
    """
    try:
        return check_workbook(root, limits, today, git, history, linked_errors)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        if os.environ.get("MICROSYS_DEBUG"):
            raise
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        what = type(exc).__name__ + (f": {detail}" if detail else "")
        return failed_workbook(root, f"an internal error stopped the check ({what})")


# Below this many workbooks a process pool costs more than it saves.
PARALLEL_MIN_WORKBOOKS = 40


def auto_jobs(workbooks: int, wanted: int | None = None) -> int:
    """Processes to use for a run of so many workbooks.

    ``wanted`` (``-j``) when given and above 0; else two for large runs on a machine with
    two or more cores.
    """
    if wanted is not None and wanted >= 1:
        return wanted
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
    skip_outside: bool = False,
    settings: Settings | None = None,
) -> CheckResult:
    """Check the workbooks at or below ``paths``.

    ``jobs`` is the number of processes; None chooses (one, or two for large runs).
    ``skip_outside`` leaves out files that belong to no workbook instead of refusing them.
    ``settings`` (from the repository's settings file) leaves out excluded workbooks
    and files and sets the level of each rule.

    Raises:
        UsageError: a path does not exist or holds no workbook.
    """
    roots = find_workbooks(paths, skip_outside)
    if settings is not None:
        roots = [r for r in roots if not settings.excluded(r)]
    if jobs is None:
        jobs = auto_jobs(len(roots))
    histories: dict[Path, CycleHistory] = {}
    if git:
        from microsys.workbook.githistory import cycle_histories

        histories = cycle_histories(roots)  # a few git calls per repository, not per workbook
    results = _check_roots(roots, limits, jobs, today, histories)
    if settings is not None:
        results = [apply_settings(r, settings) for r in results]
    return CheckResult(workbooks=tuple(results), strict=strict)


def _check_roots(
    roots: list[Path],
    limits: ReadLimits | None,
    jobs: int,
    today: dt.date | None,
    histories: Mapping[Path, CycleHistory],
) -> list[WorkbookResult]:
    """Results in the order of ``roots``: pathway workbooks last, so that each workbook is loaded once.

    A pathway counts the errors of the workbooks it links; those checked in this run
    give their count, and only the others are loaded for it.
    """
    from microsys.workbook.pathwaycheck import is_pathway_folder

    pathways = [r for r in roots if is_pathway_folder(r)]
    others = [r for r in roots if r not in set(pathways)] if pathways else roots
    results: dict[Path, WorkbookResult] = {}
    known: dict[Path, int] = {}
    for batch in (others, pathways):
        if not batch:
            continue
        if jobs > 1 and len(batch) > 1:
            from microsys.parallel import check_many

            done = check_many(
                check_workbook_safely, failed_workbook, batch, limits, jobs, today, histories, known
            )
        else:
            # With one workbook an internal error is the run's (exit 3); with several, it is
            # that workbook's finding, and the others are still checked.
            one = check_workbook if len(roots) == 1 else check_workbook_safely
            done = [one(root, limits, today, False, histories.get(root), known) for root in batch]
        results.update(zip(batch, done, strict=True))
        known.update((root.resolve(), result.load_errors) for root, result in zip(batch, done, strict=True))
    return [results[root] for root in roots]


def apply_settings(result: WorkbookResult, settings: Settings) -> WorkbookResult:
    """Leave out excluded files and rules turned off; give each finding its rule's set level."""
    if not settings.exclude and not settings.rules:
        return result
    kept = []
    for d in result.diagnostics:
        level = settings.rules.get(d.rule)
        if level == "off" or settings.excluded(d.path):
            continue
        kept.append(d if level is None else replace(d, severity=Severity(level)))
    checked = tuple(p for p in result.checked if not settings.excluded(p))
    files = result.files - (len(result.checked) - len(checked))
    return replace(result, diagnostics=tuple(kept), checked=checked, files=files)
