"""Turning a workbook measure, or columns of a CSV file, into a series to analyse.

Kept out of :mod:`microsys.spc`, which is pure statistics: this walks the workbook and reads text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, cast

from microsys.spc.analysis import ChartOptions
from microsys.spc.kinds import kind

if TYPE_CHECKING:
    from microsys.schema.measures import Measure
    from microsys.workbook.loader import Workbook


@dataclass(frozen=True)
class Annotation:
    """A labelled marker on the x axis, e.g. a PDSA cycle at its Do date."""

    x: float
    label: str
    # The cycle's id alone, for charts too narrow for whole labels (a poster's).
    short: str = ""


@dataclass(frozen=True)
class Series:
    """Everything needed to analyse and draw one chart."""

    title: str
    xs: tuple[float, ...]
    ys: tuple[float | None, ...]
    ns: tuple[float | None, ...] | None
    options: ChartOptions
    notes: tuple[str | None, ...] = ()
    dates: bool = True
    y_label: str = ""
    part_labels: tuple[str, ...] = ()
    annotations: tuple[Annotation, ...] = field(default_factory=tuple)
    percent: bool = False


class SeriesError(ValueError):
    """The data cannot be read as a series (a bad column, a value that is not a number)."""


def _subgroup_index(xs: Sequence[float]) -> dict[float, int]:
    """1-based position of each distinct x once rows are grouped and sorted."""
    return {x: i + 1 for i, x in enumerate(sorted(set(xs)))}


def from_measure(wb: Workbook, measure: Measure, *, screen: bool = True) -> Series:
    """The series of a workbook measure, with its own settings and its PDSA cycles marked."""
    points = wb.values(measure.id)
    xs = [float(p.date.toordinal()) for p in points]
    ys = [p.value for p in points]
    has_n = any(p.denominator is not None for p in points)
    ns = [p.denominator for p in points] if has_n else None
    order = sorted(set(xs))
    parts = tuple(sum(1 for x in order if x < ph.start.toordinal()) for ph in measure.phases)
    freeze = None
    if measure.baseline is not None:
        if measure.baseline.points is not None:
            freeze = measure.baseline.points
        elif measure.baseline.until is not None:
            freeze = sum(1 for x in order if x <= measure.baseline.until.toordinal())
    index = _subgroup_index(xs)
    exclude = frozenset(index[float(d.toordinal())] for d in measure.exclude if float(d.toordinal()) in index)
    annotations = []
    for cycle in sorted(wb.pdsa_cycles, key=lambda c: c.id):
        if measure.id in cycle.measures and cycle.do is not None and cycle.do.started is not None:
            label = cycle.id + (f": {cycle.title}" if cycle.title else "")
            annotations.append(Annotation(float(cycle.do.started.toordinal()), label, cycle.id))
    for s in wb.sdsa_cycles:
        if measure.id in s.measures and s.do is not None and s.do.started is not None:
            annotations.append(
                Annotation(float(s.do.started.toordinal()), s.id + (f": {s.title}" if s.title else ""), s.id)
            )
    unit = measure.definition.unit or ""
    proportion = kind(measure.chart).proportion
    return Series(
        title=measure.name,
        xs=tuple(xs),
        ys=tuple(ys),
        ns=tuple(ns) if ns is not None else None,
        options=ChartOptions(
            chart=measure.chart,
            rules=measure.rules,
            direction=measure.direction,
            target=measure.target,
            freeze=freeze,
            parts=parts,
            exclude=exclude,
            screen_mr=screen,
        ),
        notes=tuple(p.note for p in points),
        dates=True,
        y_label="proportion" if proportion else unit,
        part_labels=tuple(["before"] + [ph.label for ph in measure.phases]) if measure.phases else (),
        annotations=tuple(sorted(annotations, key=lambda a: a.x)),
        percent=proportion,
    )


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%b %Y",
    "%Y-%m",
)
_NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")


def parse_date(text: str) -> dt.date | None:
    """A date in ISO or a common spreadsheet format, or None."""
    cleaned = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def _number(text: str, column: str, row: int) -> float | None:
    cleaned = text.strip().replace(",", "") if text.count(",") and "." in text else text.strip()
    if cleaned == "":
        return None
    try:
        return float(cleaned.rstrip("%"))
    except ValueError:
        raise SeriesError(f"row {row}: `{text}` in column `{column}` is not a number") from None


def from_csv(
    text: str,
    *,
    y: str,
    x: str | None = None,
    n: str | None = None,
    part: str | None = None,
    options: ChartOptions,
    title: str = "",
) -> Series:
    """A series from CSV text; columns chosen by name. Without ``x`` the rows are numbered 1..N."""
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    for name in (y, x, n, part):
        if name is not None and name not in columns:
            raise SeriesError(
                f"there is no column `{name}`; the columns are: " + ", ".join(f"`{c}`" for c in columns)
            )
    rows = list(reader)
    if not rows:
        raise SeriesError("the CSV file has no data rows")
    raw_x = [r[x] for r in rows] if x else None
    dates = False
    xs: list[float]
    if raw_x is None:
        xs = [float(i) for i in range(1, len(rows) + 1)]
    elif all(_NUMBER.match(v) for v in raw_x):
        xs = [float(v) for v in raw_x]
    else:
        parsed = [parse_date(v) for v in raw_x]
        bad = next((i for i, d in enumerate(parsed) if d is None), None)
        if bad is not None:
            raise SeriesError(f"row {bad + 2}: `{raw_x[bad]}` in column `{x}` is neither a number nor a date")
        xs = [float(cast(dt.date, d).toordinal()) for d in parsed]
        dates = True
    ys = [_number(r[y], y, i + 2) for i, r in enumerate(rows)]
    ns = [_number(r[n], n, i + 2) for i, r in enumerate(rows)] if n else None
    opts = options
    if part:
        # A new part starts where the column's value changes (in x order).
        first: dict[float, str] = {}
        for xv, r in zip(xs, rows, strict=True):
            first.setdefault(xv, r[part])
        order = sorted(first)
        breaks = tuple(i for i in range(1, len(order)) if first[order[i]] != first[order[i - 1]])
        labels = [first[order[0]]] + [first[order[i]] for i in breaks]
        opts = replace(opts, parts=breaks)
        part_labels = tuple(labels)
    else:
        part_labels = ()
    return Series(
        title=title,
        xs=tuple(xs),
        ys=tuple(ys),
        ns=tuple(ns) if ns is not None else None,
        options=opts,
        dates=dates,
        y_label=y,
        part_labels=part_labels,
        percent=kind(opts.chart).proportion,
    )
