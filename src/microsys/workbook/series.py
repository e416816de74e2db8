"""Turning a workbook measure into a series to analyse (CSV files: :mod:`microsys.csvseries`).

Kept out of :mod:`microsys.spc`, which is pure statistics: this walks the workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
