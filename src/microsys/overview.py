"""The ``status`` use case: one row for every micro- and mesosystem workbook below a folder.

What a quality department or a divisional lead looks at across teams: where each
team is on its ramp (or Flow roadmap), how long it has been there, whether it
meets and tests changes, which measures show a signal of improvement or concern
(the Making Data Count words), the suggested progress score, the M3 development
stage its coach recorded, and how many errors ``check`` would find in its files.

A file with errors contributes nothing to a row (as in reports), so an
identifier held in a broken file never reaches the table; the row still counts
the errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from microsys.diagnostics import Diagnostic, Severity
from microsys.errors import UsageError

if TYPE_CHECKING:
    from microsys.workbook.model import Workbook

SORT_KEYS = ("path", "name", "kind", "stage", "days", "score", "m3", "errors", "last-meeting", "last-pdsa")
STAGE_ORDER = {"assess": 0, "diagnose": 1, "treat": 2, "sustain": 3}


@dataclass(frozen=True)
class MeasureSignal:
    """A measure's chart summed up in Making Data Count words: its variation icon (``Analysis.recent``)."""

    measure: str
    signal: str
    """``improvement``, ``concern``, ``common`` (common cause only) or ``neutral``."""


@dataclass(frozen=True)
class StatusRow:
    """One workbook in the organisation's table."""

    path: str
    name: str | None
    kind: str
    pathway: str | None
    stage: str
    stage_since: dt.date | None
    days_in_stage: int | None
    phase: str
    last_meeting: dt.date | None
    last_pdsa: dt.date | None
    pdsa_count: int
    signals: tuple[MeasureSignal, ...]
    score: float
    m3_stage: int | None
    m3_date: dt.date | None
    errors: int
    warnings: int
    linked: tuple[str, ...] = ()
    open_actions: int = 0
    """Open actions for this team from the organisation's latest quarterly review."""
    """For a pathway: the paths of its linked microsystem workbooks, resolved."""

    @property
    def improving(self) -> list[str]:
        """Measures whose latest point is a signal of improvement."""
        return [s.measure for s in self.signals if s.signal == "improvement"]

    @property
    def concerning(self) -> list[str]:
        """Measures whose latest point is a signal of concern."""
        return [s.measure for s in self.signals if s.signal == "concern"]

    def as_dict(self) -> dict[str, Any]:
        """The row for JSON and CSV: dates as ISO text."""

        def iso(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "path": self.path,
            "name": self.name,
            "kind": self.kind,
            "pathway": self.pathway,
            "stage": self.stage,
            "stage_since": iso(self.stage_since),
            "days_in_stage": self.days_in_stage,
            "coaching_phase": self.phase,
            "last_meeting": iso(self.last_meeting),
            "last_pdsa": iso(self.last_pdsa),
            "pdsa_cycles": self.pdsa_count,
            "improvement": self.improving,
            "concern": self.concerning,
            "progress_score": self.score,
            "m3_stage": self.m3_stage,
            "m3_recorded": iso(self.m3_date),
            "errors": self.errors,
            "warnings": self.warnings,
            "open_review_actions": self.open_actions,
        }


@dataclass(frozen=True)
class StatusFilter:
    """Which rows to keep: every given condition must hold."""

    kind: str | None = None
    stage: str | None = None
    pathway: str | None = None
    with_errors: bool = False

    def keeps(self, row: StatusRow) -> bool:
        """True when ``row`` passes every condition."""
        return (
            (self.kind is None or row.kind == self.kind)
            and (self.stage is None or row.stage == self.stage)
            and (self.pathway is None or (row.pathway or "").lower() == self.pathway.lower())
            and (not self.with_errors or row.errors > 0)
        )


@dataclass(frozen=True)
class Overview:
    """The table, sorted and filtered, with how many workbooks were found in all."""

    folder: str
    today: dt.date
    rows: tuple[StatusRow, ...]
    found: int
    organisation: OrganisationView | None = None

    @property
    def exit_code(self) -> int:
        """1 when the organisation file has errors (the table is still shown), else 0."""
        return 1 if self.organisation is not None and self.organisation.errors else 0


def signal_word(variation: str | None) -> str | None:
    """A Making Data Count variation as one word: improvement, concern, neutral or common."""
    if variation is None:
        return None
    if variation == "common_cause":
        return "common"
    return variation.removeprefix("special_cause_").split("_", 1)[0]


def _latest_signal(wb: Any, measure: Any) -> str | None:
    from microsys.spc.analysis import analyse
    from microsys.workbook.series import from_measure

    try:
        series = from_measure(wb, measure)
        if not series.xs:
            return None
        # The chart as drawn, phases and all: what its variation icon says (Analysis.recent).
        analysis = analyse(series.xs, series.ys, series.ns, series.options)
    except (ValueError, ZeroDivisionError):  # ChartError is a ValueError
        return None
    if not any(p.y is not None for p in analysis.points):
        return None
    return signal_word(analysis.recent)


def days_since(since: dt.date | None, today: dt.date) -> int | None:
    """Days in the stage begun ``since``, counted to ``today`` (None when no start is recorded)."""
    return (today - since).days if since else None


def workbook_row(root: Path, today: dt.date) -> StatusRow:
    """The row of the workbook at ``root`` (loaded here, never raising for bad files)."""
    from microsys.workbook.loader import load_workbook

    return row_of(load_workbook(root), root, today)


def row_of(loaded: Workbook, root: Path, today: dt.date) -> StatusRow:
    """The row of a workbook loaded already (as :func:`~microsys.workbook.loader.load_workbook` gives it)."""
    from microsys.ramp.facts import Facts
    from microsys.ramp.progress import progress
    from microsys.workbook.discover import display_path
    from microsys.workbook.loader import without_broken

    errors = sum(1 for d in loaded.diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in loaded.diagnostics if d.severity is Severity.WARNING)
    wb = without_broken(loaded)
    manifest = wb.manifest
    ramp = wb.ramp
    pathway = wb.pathway
    meetings = [m.date for m in wb.meetings] + [m.date for m in wb.big_room]
    starts = [Facts.test_start(c) for c in wb.pdsa_cycles]
    dated = [d for d in starts if d is not None]
    signals = []
    for measure in sorted(wb.measures, key=lambda m: m.id):
        sig = _latest_signal(wb, measure)
        if sig is not None:
            signals.append(MeasureSignal(measure.id, sig))
    m3 = ramp.m3[-1] if ramp.m3 else None
    linked: tuple[str, ...] = ()
    if pathway is not None:
        linked = tuple(str((root / m.path).resolve()) for m in pathway.microsystems)
    return StatusRow(
        path=str(display_path(root)),
        name=manifest.name if manifest else None,
        kind=loaded.kind,
        pathway=(manifest.name if manifest else None)
        if pathway is not None
        else (manifest.mesosystem if manifest else None),
        stage=ramp.stage,
        stage_since=ramp.since,
        days_in_stage=days_since(ramp.since, today),
        phase=ramp.coaching.phase,
        last_meeting=max(meetings, default=None),
        last_pdsa=max(dated, default=None),
        pdsa_count=len(wb.pdsa_cycles),
        signals=tuple(signals),
        score=progress(Facts(wb, today)).score,
        m3_stage=m3.stage if m3 else None,
        m3_date=m3.date if m3 else None,
        errors=errors,
        warnings=warnings,
        linked=linked,
    )


def _row_of(args: tuple[Path, dt.date, bool]) -> StatusRow:
    root, today, use_cache = args
    if not use_cache:
        return workbook_row(root, today)
    return cached_row(root, today)


def cached_row(root: Path, today: dt.date) -> StatusRow:
    """The row of the workbook at ``root``, from the verified cache when none of its files changed.

    See :mod:`microsys.statuscache`: an entry is used only for the very same bytes
    of every file, and only when its signature holds; otherwise the workbook is
    loaded in full and the row stored for next time.
    """
    from microsys import statuscache
    from microsys.workbook.loader import load_workbook, without_broken

    key = statuscache.fingerprint(root)
    if key is not None:
        row = statuscache.read(root, key, today)
        if row is not None:
            return row
    parsed = statuscache.read_parsed(root) if key is not None else None
    loaded = load_workbook(root, parsed=parsed)
    row = row_of(loaded, root, today)
    # Stored only if nothing changed while it was loaded: the row must be of the bytes in the key.
    if key is not None and parsed is not None and statuscache.fingerprint(root) == key:
        pathway = without_broken(loaded).pathway
        links = [m.path for m in pathway.microsystems] if pathway is not None else []
        statuscache.write(root, key, row, links)
        # What the files parsed to is their text: a workbook holding anything that looks like
        # a patient identifier is never copied into the cache (a purge of the workbook's
        # history must leave no copy behind).
        if not any(d.rule.startswith("privacy.") for d in loaded.diagnostics):
            statuscache.write_parsed(root, parsed)
    return row


def _rows(roots: list[Path], today: dt.date, jobs: int | None, cache: bool = True) -> list[StatusRow]:
    """The rows of ``roots`` in order, in ``jobs`` processes (None: as ``check`` chooses)."""
    return map_workbooks(_row_of, [(root, today, cache) for root in roots], jobs)


T = TypeVar("T")
A = TypeVar("A")


def map_workbooks(
    fn: Callable[[A], T],
    args: list[A],
    jobs: int | None,
    initializer: Callable[..., None] | None = None,
    chunksize: int | None = None,
    initargs: tuple[Any, ...] = (),
) -> list[T]:
    """``fn`` of each of ``args`` (one a workbook), in order, in ``jobs`` processes (None: automatic).

    ``fn`` (and ``initializer``, run once in each worker process with ``initargs``; not
    when there are none) must be module-level functions (they are sent to the workers by name).

    Raises:
        WorkerDiedError: a process ended before it was done (killed for memory, as a rule),
            where a ``multiprocessing.Pool`` would wait for ever.
    """
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from microsys.engine import auto_jobs
    from microsys.errors import WorkerDiedError

    jobs = auto_jobs(len(args), jobs)
    if jobs == 1 or len(args) < 2:
        return [fn(a) for a in args]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix" else "spawn"
    size = chunksize or max(1, len(args) // (jobs * 8))
    try:
        with ProcessPoolExecutor(
            min(jobs, len(args)),
            mp_context=multiprocessing.get_context(method),
            initializer=initializer,
            initargs=initargs,
        ) as pool:
            return list(pool.map(fn, args, chunksize=size))
    except BrokenProcessPool:
        raise WorkerDiedError(
            "a process reading the workbooks ended before it was done (the computer ran out of "
            "memory, as a rule); nothing was written",
            hint="close other programs and try again, or give -j 1 to use one process",
        ) from None


def attach_pathways(rows: list[StatusRow], roots: list[Path]) -> list[StatusRow]:
    """Rows with each microsystem's pathway set to the pathway linking it, whatever its manifest says."""
    belongs: dict[str, str] = {}
    for row in rows:
        for linked in row.linked:
            if row.name:
                belongs.setdefault(linked, row.name)
    return [
        replace(row, pathway=belongs.get(str(root.resolve()), row.pathway))
        if row.kind == "microsystem"
        else row
        for row, root in zip(rows, roots, strict=True)
    ]


def _sort_key(key: str) -> Any:
    def value(row: StatusRow) -> Any:
        if key == "stage":
            return (STAGE_ORDER.get(row.stage, 9), row.path)
        if key in ("days", "score", "m3", "errors"):
            attr = {"days": "days_in_stage", "score": "score", "m3": "m3_stage", "errors": "errors"}[key]
            v = getattr(row, attr)
            return (v is None, v if v is not None else 0, row.path)
        if key in ("last-meeting", "last-pdsa"):
            d = row.last_meeting if key == "last-meeting" else row.last_pdsa
            return (d is None, d or dt.date.min, row.path)
        v = getattr(row, key)
        return ((v or "").lower(), row.path)

    return value


def status(
    folder: Path,
    today: dt.date,
    *,
    sort: str = "path",
    descending: bool = False,
    keep: StatusFilter | None = None,
    jobs: int | None = None,
    cache: bool = True,
    made: dict[Path, StatusRow] | None = None,
) -> Overview:
    """Every workbook below ``folder``, one row each (``made``: rows already made, by workbook folder).

    With ``cache``, the row of a workbook none of whose files changed since the
    last run comes from the verified cache (:mod:`microsys.statuscache`).

    Raises:
        UsageError: an unknown sort key, or no workbook below the folder.
    """
    from microsys.workbook.discover import display_path, find_workbooks

    if keep is not None and keep.kind not in (None, "microsystem", "pathway"):
        raise UsageError(f"`{keep.kind}` is not a kind of workbook", hint="use `microsystem` or `pathway`")
    if keep is not None and keep.stage not in (None, *STAGE_ORDER):
        raise UsageError(f"`{keep.stage}` is not a stage", hint="use one of: " + ", ".join(STAGE_ORDER))
    if sort not in SORT_KEYS:
        raise UsageError(f"`{sort}` is not a column to sort by", hint="use one of: " + ", ".join(SORT_KEYS))
    roots = find_workbooks([folder])
    rows = attach_pathways(
        [made[root] for root in roots] if made is not None else _rows(roots, today, jobs, cache), roots
    )
    org = read_organisation(folder)
    if org is not None and org.open_actions:
        base = folder.resolve()
        actions = {str((base / team).resolve()): n for team, n in org.open_actions.items()}
        rows = [
            replace(r, open_actions=actions.get(str(root.resolve()), 0))
            for r, root in zip(rows, roots, strict=True)
        ]
    kept = [r for r in rows if keep is None or keep.keeps(r)]
    kept.sort(key=_sort_key(sort), reverse=descending)
    return Overview(
        folder=str(display_path(folder)), today=today, rows=tuple(kept), found=len(rows), organisation=org
    )


def columns() -> Sequence[str]:
    """The columns of the JSON and CSV rows, in order."""
    return tuple(
        StatusRow("", None, "", None, "", None, None, "", None, None, 0, (), 0.0, None, None, 0, 0).as_dict()
    )


@dataclass(frozen=True)
class OrganisationView:
    """What ``status`` shows of ``microsys-organisation.yaml``."""

    path: str
    name: str | None
    goals: tuple[str, ...]
    measures: tuple[str, ...]
    last_review: dt.date | None
    open_actions: dict[str, int]
    """Open actions of the latest review, by team folder (as written in the file)."""
    findings: tuple[Diagnostic, ...]

    @property
    def errors(self) -> int:
        """How many of the findings are errors."""
        return sum(1 for d in self.findings if d.severity is Severity.ERROR)


def read_organisation(folder: Path) -> OrganisationView | None:
    """The organisation file at the top of ``folder``, read and checked; None when there is none."""
    from pydantic import ValidationError

    from microsys import rules
    from microsys.schema.files import MANIFEST
    from microsys.schema.messages import translate
    from microsys.schema.organisation import ORGANISATION, Organisation
    from microsys.workbook import privacy
    from microsys.workbook.discover import display_path
    from microsys.yaml.load import load_file
    from microsys.yaml.positions import resolve

    path = folder / ORGANISATION
    if not path.is_file():
        return None
    shown = display_path(path)
    text, data, findings = load_file(path)
    findings = [replace(d, path=shown) for d in findings]
    model: Organisation | None = None
    if data is not None:
        try:
            model = Organisation.model_validate(data)
        except ValidationError as exc:
            findings.extend(translate(exc, Organisation, shown))
    if model is not None:
        for i, review in enumerate(model.reviews):
            for j, action in enumerate(review.actions):
                if not (folder / action.team / MANIFEST).is_file():
                    findings.append(
                        Diagnostic.of(
                            rules.ORGANISATION_UNKNOWN_TEAM,
                            shown,
                            f"there is no workbook at `{action.team}`",
                            "name the team's workbook folder relative to this file, "
                            "e.g. `sepsis-big-room/pathway`",
                            yaml_path=("reviews", i, "actions", j, "team"),
                            unresolved=True,
                        )
                    )
    if text is not None:
        findings.extend(privacy.scan_text(shown, text))
        findings = resolve(findings, text)
    if any(d.severity is Severity.ERROR for d in findings):
        model = None  # as everywhere: a file with errors contributes nothing
    last = model.reviews[-1] if model and model.reviews else None
    open_actions: dict[str, int] = {}
    for action in last.actions if last else []:
        if action.status == "open":
            key = action.team.strip("/")
            open_actions[key] = open_actions.get(key, 0) + 1
    return OrganisationView(
        path=str(shown),
        name=model.name if model else None,
        goals=tuple(model.goals) if model else (),
        measures=tuple(m.name for m in model.measures) if model else (),
        last_review=last.date if last else None,
        open_actions=open_actions,
        findings=tuple(findings),
    )
