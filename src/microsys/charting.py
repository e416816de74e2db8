"""The chart use case: from a workbook or CSV file to analyses, then to image files.

Kept out of the CLI so that the command stays a thin shell. :func:`charts` analyses;
what is written (images, JSON) is chosen from the registry in
:mod:`microsys.reporters.charts`. matplotlib is imported only when an image is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from microsys.errors import UsageError
from microsys.sheets.values import MAX_MAGNITUDE
from microsys.shell import quote
from microsys.spc.analysis import Analysis, ChartError, ChartOptions, analyse
from microsys.spc.kinds import CHART_TYPES, DIRECTIONS, RULE_SETS, Direction, RuleSet, kind
from microsys.spc.output import XLabel, as_dict, date_label, iter_json, number_label
from microsys.workbook.series import Series, from_measure

if TYPE_CHECKING:
    from microsys.csvseries import CsvSeries
    from microsys.ramp.phases import PhaseSuggestion
    from microsys.workbook.loader import Workbook

IMAGE_SUFFIXES = (".png", ".svg", ".pdf")


@dataclass(frozen=True)
class Charted:
    """One analysed chart, where its image goes, and what it is of."""

    series: Series
    analysis: Analysis
    target: Path
    x_label: XLabel
    measure: str | None = None
    name: str | None = None
    # What the spreadsheet reader left out or noticed, one line each (not the command's output).
    notes: tuple[str, ...] = ()
    # The workbook folder or CSV file the chart is of: named in the image's ownership mark.
    source: Path | None = None
    # Replace an existing file that microsys did not make (never a workbook's own files).
    force: bool = False

    def as_dict(self) -> dict[str, object]:
        """The documented JSON form (docs/chart-json.md), named by its measure for a workbook's."""
        data = as_dict(self.analysis, self.x_label)
        return data if self.measure is None else {"measure": self.measure, "name": self.name, **data}

    def json_pieces(self) -> Iterator[str]:
        """The same JSON, indented, in pieces a batch of points at a time (joined by newlines).

        A long series is written without its whole text ever being in memory.
        """
        extra = None if self.measure is None else {"measure": self.measure, "name": self.name}
        return iter_json(self.analysis, self.x_label, extra)


@dataclass(frozen=True)
class CsvRequest:
    """Options that apply to a CSV source."""

    y: str | None = None
    x: str | None = None
    n: str | None = None
    chart: str = "run"
    part: str | None = None
    freeze: int | None = None
    exclude: str | None = None
    rules: str = "anhoej"
    direction: str = "neutral"
    target: float | None = None
    title: str | None = None


def _parse_exclude(text: str | None) -> frozenset[int]:
    if not text:
        return frozenset()
    try:
        values = frozenset(int(v) for v in text.replace(" ", "").split(",") if v)
    except ValueError:
        raise UsageError(
            f"`{text}` is not a list of point numbers", hint="write e.g. --exclude 3,7"
        ) from None
    if any(v < 1 for v in values):
        raise UsageError("point numbers start at 1", hint="write e.g. --exclude 3,7")
    return values


def _csv_series(path: Path, req: CsvRequest, screen: bool) -> CsvSeries:
    if req.y is None:
        raise UsageError("say which column holds the values", hint="add --y COLUMN")
    if req.chart not in CHART_TYPES:
        raise UsageError(f"`{req.chart}` is not a chart type", hint="use one of: " + ", ".join(CHART_TYPES))
    if req.rules not in RULE_SETS:
        raise UsageError(f"`{req.rules}` is not a rule set", hint="use anhoej, ihi or nhs")
    if kind(req.chart).denominator and req.n is None:
        raise UsageError(
            f"a {req.chart} chart needs a denominator for every value",
            hint="name the column of denominators with --n COLUMN",
        )
    if req.direction not in DIRECTIONS:
        raise UsageError(f"`{req.direction}` is not a direction", hint="use up, down or neutral")
    if req.target is not None and not (math.isfinite(req.target) and abs(req.target) <= MAX_MAGNITUDE):
        # nan and inf would be drawn as nothing (with warnings) and written as invalid JSON.
        raise UsageError(
            f"--target {req.target} is not a value a chart can show",
            hint="give the target as a plain number, e.g. --target 15",
        )
    from microsys import sheets
    from microsys.csvseries import CsvSeriesError, series_from_csv

    try:
        raw = sheets.read_path(path)
        text, _ = sheets.decode(raw)
    except OSError as exc:
        raise UsageError(f"{path} cannot be read: {exc.strerror or exc}") from None
    except sheets.SheetError as exc:
        raise UsageError(str(exc), hint=exc.hint) from None
    from microsys.workbook.privacy_gate import (
        refuse_identifiers_in_name,
        refuse_identifiers_in_text,
        refuse_typed_identifiers,
    )

    # The file's name is the default title and the image's name: judged as its text is.
    refuse_identifiers_in_name(path, "chart it")
    refuse_identifiers_in_text(path, text, "chart it")
    if req.title is not None:
        refuse_typed_identifiers("--title", req.title, "chart it")
    options = ChartOptions(
        chart=req.chart,
        rules=cast(RuleSet, req.rules),
        direction=cast(Direction, req.direction),
        target=req.target,
        freeze=req.freeze,
        exclude=_parse_exclude(req.exclude),
        screen_mr=screen,
    )
    try:
        return series_from_csv(
            raw, y=req.y, x=req.x, n=req.n, part=req.part, options=options, title=req.title or path.stem
        )
    except CsvSeriesError as exc:
        raise UsageError(f"{path}: {exc}") from None


def _analyse(series: Series, where: str) -> Analysis:
    try:
        return analyse(series.xs, series.ys, series.ns, series.options, series.notes or None)
    except ChartError as exc:
        raise UsageError(f"{where}: {exc}") from None


def _draw(chart: Charted) -> bytes:
    """The chart as the bytes of an image file, marked as made by microsys from its source."""
    from microsys import ownership
    from microsys.render.chart import draw, image

    source = ownership.source_name(chart.source or chart.target)
    return image(draw(chart.series, chart.analysis), chart.target.suffix, source)


def write_images(charts: Sequence[Charted]) -> Iterator[str]:
    """Draw the charts and write them together; yields what was written, for the user.

    Every target is looked at before any (slow) drawing: only files microsys made are
    replaced (any file, with ``force``), never a workbook's own files. The bytes read
    are checked again as the files are replaced, so a file changed meanwhile is
    refused, not overwritten.
    """
    from microsys import ownership
    from microsys.storage import Change, commit, read_bytes

    targets = [c.target for c in charts]
    force = any(c.force for c in charts)
    ownership.refuse_all(targets, force=force)
    images = {c.target: _draw(c) for c in charts}
    ownership.refuse_all(targets, force=force)
    sources = {c.source for c in charts if c.source is not None and c.source.is_dir()}
    root = ownership.contained_in(targets, next(iter(sources))) if len(sources) == 1 else None
    commit([Change(path, content, read_bytes(path)) for path, content in images.items()], root=root)
    yield from (f"wrote {target}" for target in images)


def charts(
    source: Path,
    measure_ids: Sequence[str],
    out: Path | None,
    *,
    csv: CsvRequest,
    screen: bool = True,
    force: bool = False,
) -> list[Charted]:
    """Analyse a CSV file, or a workbook's measures (all, or those named), and say where each image goes.

    With ``force``, :func:`write_images` replaces existing files microsys did not make
    (never a workbook's own files).
    """
    _refuse_other_file_kinds(out)
    if source.is_file() and source.suffix.lower() in (".csv", ".txt"):
        read = _csv_series(source, csv, screen)
        series = read.series
        analysis = _analyse(series, str(source))
        label = date_label if series.dates else number_label
        target = out or source.with_suffix(".png")
        if target.suffix.lower() not in IMAGE_SUFFIXES:
            target = target / (source.stem + ".png")
        notes = tuple(f"{source}: {note}" for note in read.notes)
        return [Charted(series, analysis, target, label, notes=notes, source=source, force=force)]
    return _workbook_charts(source, measure_ids, out, screen=screen, force=force)


# Endings of files that are not charts: `--out x.gif` is a mistake, not a folder to create.
_OTHER_FILE_KINDS = frozenset(
    {
        *(".gif", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".eps", ".ps", ".html", ".htm"),
        *(".txt", ".csv", ".json", ".md", ".yaml", ".yml", ".xlsx", ".docx"),
    }
)


def _refuse_other_file_kinds(out: Path | None) -> None:
    # An existing file is judged by the ownership rules (never a workbook's, never a user's).
    if out is not None and out.suffix.lower() in _OTHER_FILE_KINDS and not out.exists():
        raise UsageError(
            f"`{out}` is not a chart file: microsys draws charts as " + ", ".join(IMAGE_SUFFIXES),
            hint="end the name with .png, .svg or .pdf, or give a folder for the charts",
        )


def _workbook_charts(
    source: Path, measure_ids: Sequence[str], out: Path | None, *, screen: bool, force: bool
) -> list[Charted]:
    from microsys.workbook.privacy_gate import for_output

    wb = for_output(source, "draw charts")
    by_id = {m.id: m for m in wb.measures}
    if not measure_ids and source.is_file() and source.parent.name == "measures" and source.stem in by_id:
        measure_ids = [source.stem]  # `chart measures/clinic-wait.yaml` means that measure
    unknown = [m for m in measure_ids if m not in by_id]
    broken = [m for m in unknown if wb.file(f"measures/{m}.yaml") is not None]
    if broken:
        raise UsageError(
            f"the measure {', '.join(f'`{b}`' for b in broken)} has errors and cannot be charted",
            hint=f"run `microsys check {quote(wb.path)}` and fix what it reports",
        )
    if unknown:
        raise UsageError(
            f"no measure called {', '.join(f'`{u}`' for u in unknown)} in {wb.path}",
            hint="measures here: " + (", ".join(sorted(by_id)) or "none (check `microsys check` for errors)"),
        )
    chosen = [by_id[m] for m in measure_ids] if measure_ids else sorted(by_id.values(), key=lambda m: m.id)
    if not chosen:
        raise UsageError(f"{wb.path} has no valid measures to chart", hint="run `microsys check` on it")
    if out is not None and out.suffix.lower() in IMAGE_SUFFIXES and len(chosen) > 1:
        raise UsageError(
            "several measures need a folder, not a file", hint="give --out a folder, or one measure"
        )
    results = []
    missing = _missing_phases(wb, {m.id for m in chosen})
    for measure in chosen:
        series = from_measure(wb, measure, screen=screen)
        if not series.xs:
            raise UsageError(
                f"the measure `{measure.id}` has no values yet", hint="add values before charting"
            )
        analysis = _analyse(series, f"measure `{measure.id}`")
        folder = (
            out
            if out is not None and out.suffix.lower() not in IMAGE_SUFFIXES
            else wb.root / "build" / "charts"
        )
        target = (
            out if out is not None and out.suffix.lower() in IMAGE_SUFFIXES else folder / f"{measure.id}.png"
        )
        notes = tuple(
            f"{s.reason}. To chart the process before and after the change apart, {s.edit}."
            for s in missing
            if s.measure == measure.id
        )
        results.append(
            Charted(
                series,
                analysis,
                target,
                date_label,
                measure.id,
                measure.name,
                notes=notes,
                source=wb.root,
                force=force,
            )
        )
    return results


def _missing_phases(wb: Workbook, measure_ids: set[str]) -> list[PhaseSuggestion]:
    """Phases the measures are missing after an adopted change (rule ``measure.phase-missing``)."""
    import datetime as dt

    from microsys.ramp.facts import Facts
    from microsys.ramp.phases import suggestions

    # The suggestions do not depend on today's date; Facts needs one.
    return suggestions(Facts(wb, dt.date.today()), measure_ids)
