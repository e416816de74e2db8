"""The data wall use case: every workbook below a folder on the pages leaders review quarterly.

It reuses what ``status`` finds for each workbook (stage, days in it, M3 stage,
signals, errors), and draws each workbook's key measures as small multiples with
the chart code and its cache. Every workbook (and the organisation file) is judged
by the privacy gate before anything is drawn or written: one identifier anywhere
refuses the whole wall.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from microsys.diagnostics import Diagnostic
from microsys.errors import IdentifierRefusedError, UsageError
from microsys.ownership import contained_in, refuse_all, source_name, stamp
from microsys.report.model import Prose, TileFigure
from microsys.report.wall import (
    KEY_MEASURES,
    OTHER_GROUP,
    TILE_SIZE,
    DataWall,
    Group,
    SystemMeasure,
    Team,
    Tile,
)
from microsys.storage import Change, commit, read_bytes

if TYPE_CHECKING:
    from microsys.overview import Overview, StatusRow
    from microsys.render.figures import Drawn
    from microsys.schema.measures import Measure
    from microsys.spc.analysis import Analysis
    from microsys.workbook.loader import Workbook

FORMATS = ("pdf", "html")
DOING = "make the data wall"


@dataclass(frozen=True)
class WallOptions:
    """What to render, and where."""

    formats: tuple[str, ...] = ("pdf",)
    out: Path | None = None
    today: dt.date = field(default_factory=dt.date.today)
    force: bool = False
    paper: str = "a3"
    jobs: int | None = None


@dataclass(frozen=True)
class Judged:
    """One workbook read for the wall: its status row and tiles, or why the privacy gate refused it."""

    root: Path
    refused: tuple[str, str | None, tuple[Diagnostic, ...]] | None
    """The refusal's message, hint and places (an exception does not cross processes whole)."""
    row: StatusRow | None = None
    tiles: tuple[Tile, ...] = ()
    drawn: tuple[tuple[str, str], ...] = ()
    """Each tile's chart drawn (file name, SVG), by the process that read the workbook."""


def read(root: Path, today: dt.date, doing: str = DOING) -> tuple[Judged, Workbook | None]:
    """Read one workbook once: the privacy gate, its status row, its tiles (never raising for bad files).

    Also returns the workbook read (without its broken files; None when refused). ``doing`` is
    what a refusal says microsys will not do (the data wall, or the site it is part of).
    """
    from microsys.overview import row_of
    from microsys.render.figures import draw as draw_figure
    from microsys.workbook.loader import load_workbook, without_broken
    from microsys.workbook.privacy_gate import refuse_identifiers

    loaded = load_workbook(root)
    try:
        refuse_identifiers(loaded, doing)
    except IdentifierRefusedError as exc:
        return Judged(root, (str(exc), exc.hint, exc.places)), None
    row = row_of(loaded, root, today)
    wb = without_broken(loaded)
    tiles, figures = _tiles(wb, row, slug(row.path))
    # Drawn here, in the worker: an SVG crosses back to the wall's process faster than its data.
    drawn = tuple((f.name, draw_figure(f)[0]) for f in figures)
    return Judged(root, None, row, tuple(tiles), drawn), wb


def screen(root: Path, doing: str = DOING) -> Judged:
    """Only the privacy gate of one workbook (no row, no tiles): once the folder is refused anyway.

    The refusal names every place in every workbook, so the workbooks after a refused one
    are still read, once each, but nothing is computed or drawn for them.
    """
    from microsys.workbook.loader import load_workbook
    from microsys.workbook.privacy_gate import refuse_identifiers

    try:
        refuse_identifiers(load_workbook(root), doing)
    except IdentifierRefusedError as exc:
        return Judged(root, (str(exc), exc.hint, exc.places))
    return Judged(root, None)


class Flag(Protocol):
    """An event (``threading`` or ``multiprocessing``): set once, seen by every process that shares it."""

    def is_set(self) -> bool: ...  # noqa: D102
    def set(self) -> None: ...  # noqa: D102


# Set, in every process reading the folder, once a workbook was refused: nothing will be
# written, so the workbooks read after that are only gated (:func:`screen`), not drawn.
_refused: Flag = threading.Event()


def watch(flag: Flag) -> None:
    """Share ``flag`` as the folder's refusal in this process (a pool's initializer, in each worker)."""
    global _refused
    _refused = flag


def watched(jobs: int) -> Flag:
    """A fresh refusal for a run in ``jobs`` processes, watched in this one (a pool's workers get it too)."""
    import multiprocessing

    flag: Flag = threading.Event() if jobs <= 1 else multiprocessing.Event()
    watch(flag)
    return flag


def read_unless_refused(root: Path, today: dt.date, doing: str = DOING) -> tuple[Judged, Workbook | None]:
    """:func:`read`, or only :func:`screen` once a workbook of the folder was refused (told to the others)."""
    if _refused.is_set():
        return screen(root, doing), None
    judged, wb = read(root, today, doing)
    if judged.refused is not None:
        _refused.set()
    return judged, wb


def _judge(args: tuple[Path, dt.date]) -> Judged:
    return read_unless_refused(*args)[0]


def _judge_all(roots: list[Path], today: dt.date, jobs: int | None) -> list[Judged]:
    """:func:`read` of each root in order, in ``jobs`` processes (None: as ``check`` chooses).

    From the first workbook refused, the others are only gated: the wall will not be made.
    """
    from microsys.engine import auto_jobs
    from microsys.overview import map_workbooks

    jobs = auto_jobs(len(roots), jobs)
    flag = watched(jobs)
    return map_workbooks(_judge, [(root, today) for root in roots], jobs, initializer=watch, initargs=(flag,))


def gate(folder: Path, today: dt.date, jobs: int | None = None) -> dict[Path, Judged]:
    """Every workbook below ``folder`` read once, after all of them passed the privacy gate.

    Raises:
        UsageError: no workbook below the folder.
        IdentifierRefusedError: naming every place in every workbook (and the organisation
            file) that holds what looks like patient-identifiable data; nothing is written.
    """
    from microsys.workbook.discover import find_workbooks

    roots = find_workbooks([folder])
    if not roots:
        raise UsageError(
            f"no workbook found under {folder}", hint="a workbook is a folder with a microsys.yaml file"
        )
    judged = _judge_all(roots, today, jobs)
    refuse(judged, folder)
    return {j.root: j for j in judged}


def refuse(judged: Sequence[Judged], folder: Path, doing: str = DOING) -> None:
    """Refuse everything when any workbook judged, or the organisation file, holds an identifier.

    Raises:
        IdentifierRefusedError: naming every such place; nothing is written.
    """
    from microsys.schema.organisation import ORGANISATION
    from microsys.workbook.privacy_gate import refuse_identifiers_in_text

    refused = [IdentifierRefusedError(*j.refused) for j in judged if j.refused is not None]
    org = folder / ORGANISATION
    if org.is_file():
        try:
            refuse_identifiers_in_text(org, org.read_text(encoding="utf-8", errors="replace"), doing)
        except IdentifierRefusedError as exc:
            refused.append(exc)
    if refused:
        if len(refused) == 1:
            raise refused[0]
        raise IdentifierRefusedError(
            "\n".join(str(exc) for exc in refused),
            hint=refused[0].hint,
            places=tuple(d for exc in refused for d in exc.places),
        )


def key_measures(wb: Workbook) -> list[Measure]:
    """The measures a wall shows for a workbook: those its specific aims name, then outcomes, then others."""
    aimed = [a.measure for a in wb.aims.specific_aims] if wb.aims is not None else []
    rank = {"outcome": 1, "process": 2, "balancing": 3}

    def order(m: Measure) -> tuple[int, int, str]:
        return (aimed.index(m.id) if m.id in aimed else len(aimed), rank.get(m.type, 4), m.id)

    return sorted(wb.measures, key=order)[:KEY_MEASURES]


def _latest(wb: Workbook, m: Measure, percent: bool) -> str:
    values = [p for p in wb.values(m.id) if p.value is not None]
    if not values:
        return ""
    last = values[-1]
    assert last.value is not None
    value = last.value / last.denominator if last.denominator else last.value
    shown = f"{value * 100:.0f}%" if percent else f"{value:.3g}"
    return f"latest {shown} on {last.date.isoformat()}"


def _tiles(wb: Workbook, row: StatusRow, slug: str) -> tuple[list[Tile], list[TileFigure]]:
    from microsys.overview import signal_word
    from microsys.spc.analysis import analyse
    from microsys.spc.limits import ChartError
    from microsys.spc.mdc import variation_icon
    from microsys.workbook.series import from_measure

    tiles: list[Tile] = []
    figures: list[TileFigure] = []
    for m in key_measures(wb):
        try:
            series = from_measure(wb, m)
            if sum(1 for y in series.ys if y is not None) < 2:
                continue
            analysis = analyse(series.xs, series.ys, series.ns, series.options, series.notes or None)
        except (ChartError, ValueError, ZeroDivisionError):
            continue
        if analysis.recent is None:
            continue
        name = f"{slug}--{m.id}.svg"
        figures.append(TileFigure(name, Prose(m.name), series, analysis, TILE_SIZE))
        icon = variation_icon(analysis.recent, analysis.direction)
        tiles.append(
            Tile(
                workbook=Prose(row.name or row.path),
                path=row.path,
                measure=Prose(m.id),
                name=Prose(m.name),
                figure=name,
                signal=signal_word(analysis.recent) or "common",
                icon=icon,
                icon_words=Prose(_variation_words(analysis, icon)),
                assurance=analysis.assurance,
                verdict=Prose(analysis.verdict),
                latest=Prose(_latest(wb, m, series.percent)),
            )
        )
    return tiles, figures


def _variation_words(analysis: Analysis, icon: str) -> str:
    """The icon's words, unless the latest phase has too few points to judge at all.

    Its icon is then the grey one, but "common cause variation" would claim a judgement the
    chart cannot make yet (the storyboard leaves such a measure out for the same reason).
    """
    from microsys.render.mdc import words

    last = analysis.parts[-1] if analysis.parts else None
    if last is not None and not last.judged:
        verdict = analysis.verdict  # the chart's own words, so tile and chart say the same
        return verdict[:1].lower() + verdict[1:]
    return words("variation", icon)


def _team(row: StatusRow) -> Team:
    return Team(
        name=Prose(row.name or row.path),
        path=row.path,
        kind=row.kind,
        stage=row.stage,
        days_in_stage=row.days_in_stage,
        phase=row.phase,
        m3_stage=row.m3_stage,
        m3_date=row.m3_date.isoformat() if row.m3_date else None,
        last_meeting=row.last_meeting.isoformat() if row.last_meeting else None,
        pdsa_count=row.pdsa_count,
        score=row.score,
        errors=row.errors,
        warnings=row.warnings,
        open_actions=row.open_actions,
        improving=tuple(Prose(m) for m in row.improving),
        concerning=tuple(Prose(m) for m in row.concerning),
    )


def slug(path: str) -> str:
    """A file-name-safe form of a workbook's path."""
    import re

    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-").lower() or "workbook"


def _system_measures(folder: Path) -> tuple[list[SystemMeasure], list[tuple[str, str]]]:
    """The organisation file's whole-system measures, each with a run chart (drawn) when it has values."""
    from microsys.render.figures import draw as draw_figure
    from microsys.schema.organisation import ORGANISATION, Organisation
    from microsys.spc.analysis import ChartOptions, analyse
    from microsys.workbook.series import Series
    from microsys.yaml.load import load_file

    path = folder / ORGANISATION
    if not path.is_file():
        return [], []
    _, data, _ = load_file(path)
    try:
        org = Organisation.model_validate(data)
    except ValueError:
        return [], []
    measures: list[SystemMeasure] = []
    figures: list[tuple[str, str]] = []
    for m in org.measures:
        values = [v for v in m.values if v.value is not None]
        figure = None
        if len(values) >= 2:
            series = Series(
                title=m.name,
                xs=tuple(float(v.date.toordinal()) for v in values),
                ys=tuple(v.value for v in values),
                ns=None,
                options=ChartOptions(chart="run", direction=m.direction, target=m.target),
                y_label=m.unit or "",
            )
            analysis = analyse(series.xs, series.ys, None, series.options)
            figure = f"organisation--{m.id}.svg"
            drawn = draw_figure(TileFigure(figure, Prose(m.name), series, analysis, TILE_SIZE))[0]
            figures.append((figure, drawn))
        last = values[-1] if values else None
        unit = m.unit or ""
        latest = f"latest {last.value:g}{unit if unit == '%' else ' ' + unit} on {last.date}" if last else ""
        measures.append(
            SystemMeasure(
                name=Prose(m.name),
                goal=Prose(m.goal or ""),
                unit=Prose(unit),
                direction=m.direction,
                latest=Prose(latest.replace("  ", " ")),
                figure=figure,
            )
        )
    return measures, figures


def build(folder: Path, judged: dict[Path, Judged], view: Overview) -> DataWall:
    """The data wall of the workbooks ``judged`` (as :func:`gate` gives them), with the status rows."""
    from microsys.workbook.discover import display_path

    by_path = {str(display_path(root)): j for root, j in judged.items()}
    groups: dict[str, list[StatusRow]] = {}
    for row in view.rows:
        groups.setdefault(row.pathway or OTHER_GROUP, []).append(row)
    pages: list[Group] = []
    drawn: list[tuple[str, str]] = []
    # Pathways first (in name order), then groups of microsystems, "Other microsystems" last.
    for title in sorted(groups, key=lambda t: (t == OTHER_GROUP, not _is_pathway(groups[t]), t.lower())):
        rows = sorted(groups[title], key=lambda r: (r.kind != "pathway", (r.name or r.path).lower()))
        tiles: list[Tile] = []
        empty: list[Prose] = []
        for row in rows:
            found = by_path.get(row.path)
            if found is not None:
                tiles.extend(found.tiles)
                drawn.extend(found.drawn)
            if found is None or not found.tiles:
                empty.append(Prose(row.name or row.path))
        pages.append(
            Group(
                title=Prose(title),
                kind="pathway" if _is_pathway(rows) else "group",
                teams=tuple(_team(r) for r in rows),
                tiles=tuple(tiles),
                without_measures=tuple(empty),
            )
        )
    org = view.organisation
    measures, org_figures = _system_measures(folder)
    return DataWall(
        title=Prose(f"Data wall: {org.name}" if org is not None and org.name else "Data wall"),
        folder=view.folder,
        today=view.today.isoformat(),
        organisation=Prose(org.name) if org is not None and org.name else None,
        goals=tuple(Prose(g) for g in (org.goals if org else ())),
        measures=tuple(measures),
        last_review=org.last_review.isoformat() if org is not None and org.last_review else None,
        groups=tuple(pages),
        drawn=(*org_figures, *drawn),
    )


def _is_pathway(rows: Sequence[StatusRow]) -> bool:
    return any(r.kind == "pathway" for r in rows)


def make(folder: Path, today: dt.date, jobs: int | None = None) -> tuple[DataWall, Overview]:
    """Gate, read once and build the data wall of every workbook below ``folder``, with its status table."""
    from microsys.overview import status

    judged = gate(folder, today, jobs)
    made = {root: j.row for root, j in judged.items() if j.row is not None}
    view = status(folder, today, made=made)
    return build(folder, judged, view), view


def draw(wall: DataWall) -> Drawn:
    """The wall's small multiples as SVG (drawn where each workbook, and the organisation file, was read)."""
    from microsys.render.figures import Drawn, ratio

    return Drawn(dict(wall.drawn), {name: ratio(svg) for name, svg in wall.drawn})


def targets(folder: Path, options: WallOptions) -> dict[str, Path]:
    """Where each format goes: ``build/datawall.FORMAT`` in the folder, the --out file or folder."""
    for f in options.formats:
        if f not in FORMATS:
            raise UsageError(f"`{f}` is not a format of the data wall", hint="use pdf or html")
    out = options.out
    if out is None:
        return {f: folder / "build" / f"datawall.{f}" for f in options.formats}
    if out.suffix.lower() in (".pdf", ".html"):
        if len(options.formats) > 1 or out.suffix.lower() != "." + options.formats[0]:
            raise UsageError(
                f"--out {out} names one {out.suffix} file, but the data wall is asked for as "
                + ", ".join(options.formats),
                hint="give a folder to --out, or one --format that matches the file's ending",
            )
        return {options.formats[0]: out}
    return {f: out / f"datawall.{f}" for f in options.formats}


def render(folder: Path, options: WallOptions) -> list[Path]:
    """Make the data wall of ``folder`` in each format asked for and write it; the paths written."""
    from microsys.engine import auto_jobs
    from microsys.render.wall import html, pdf

    places = targets(folder, options)
    refuse_all(list(places.values()), force=options.force)
    wall, view = make(folder, options.today, options.jobs)
    drawn = draw(wall)
    jobs = auto_jobs(len(view.rows), options.jobs)
    files: dict[Path, bytes] = {}
    for fmt, target in places.items():
        if fmt == "html":
            files[target] = html(wall, drawn).encode("utf-8")
        else:
            files[target] = pdf(wall, drawn, folder, options.paper, jobs)
    return write(files, folder, options.force)


def write(files: dict[Path, bytes], folder: Path, force: bool, root: Path | None = None) -> list[Path]:
    """Write outputs of ``folder`` together (inside ``root`` when given), marked as microsys's.

    A file microsys did not make is refused (unless ``force``), before anything is written.
    """
    refuse_all(list(files), force=force)
    source = source_name(folder.resolve())
    return commit(
        [Change(path, stamp(path, content, source), read_bytes(path)) for path, content in files.items()],
        root=root or contained_in(list(files), folder) or _common_root(list(files)),
    )


def _common_root(paths: list[Path]) -> Path | None:
    import os

    try:
        return Path(os.path.commonpath([os.path.abspath(p.parent) for p in paths]))
    except ValueError:
        return None
