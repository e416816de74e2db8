"""Phases a measure is missing: an adopted change followed by a sustained shift.

A measure charted with one set of limits over the values before and after a change
draws the whole baseline as "concern" and judges the target from limits that mix two
processes. When a PDSA or SDSA cycle adopted a change on a measure, and the chart's
own rules (:mod:`microsys.spc`) find a pattern of runs (a shift or a trend, not a
single point outside the limits) from the change onwards within the same phase, the
team should start a new phase where the change began. ``check`` reports it
(``measure.phase-missing``) and ``chart`` says how to add it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from microsys.ramp.facts import Facts
from microsys.schema.cycles import PDSA, SDSA
from microsys.schema.measures import Measure
from microsys.spc.analysis import Analysis, ChartError, analyse
from microsys.workbook.series import from_measure

# Signalled points from the change on that make a shift, not a single point outside the limits.
_SIGNALLED_AFTER = 2
# A phase label longer than this is the change idea's id instead of its title.
_LABEL_CHARACTERS = 40


@dataclass(frozen=True)
class PhaseSuggestion:
    """Where a measure should start a new phase, and why."""

    measure: str
    start: dt.date
    """The first value on or after the day the change's test began."""
    cycle: str
    change: str
    label: str
    has_phases: bool

    @property
    def reason(self) -> str:
        """Why, in one sentence."""
        return (
            f"{self.measure} shifted after {self.cycle} adopted {self.change}, but its limits are still "
            f"computed over the values before and after the change"
        )

    @property
    def edit(self) -> str:
        """The YAML the team should add to the measure's file."""
        item = f"start: {self.start.isoformat()}, label: {json.dumps(self.label, ensure_ascii=False)}"
        if self.has_phases:
            return f"add `- {{{item}}}` under `phases:` in measures/{self.measure}.yaml"
        return f"add `phases: [{{{item}}}]` to measures/{self.measure}.yaml"


def _began(cycle: PDSA | SDSA) -> dt.date | None:
    start = Facts.test_start(cycle)
    if start is None and isinstance(cycle, SDSA) and cycle.standardise and cycle.standardise.date:
        start = cycle.standardise.date
    return start


def _label(facts: Facts, change: str) -> str:
    idea = facts.change_ideas.get(change)
    title = " ".join((idea.title if idea else "").split())
    return title if title and len(title) <= _LABEL_CHARACTERS else f"{change} adopted"


def _shift_from(analysis: Analysis, start: float) -> float | None:
    """The x of the first point on or after ``start``, when a pattern of runs follows it in one phase.

    None when that phase starts at or after ``start`` (a phase is already there), or when
    the chart's rule set finds no pattern of runs (shift, trend, long run) in it, or fewer
    than two signalled points from ``start`` on.
    """
    first = next((p for p in analysis.points if p.x >= start), None)
    if first is None:
        return None
    same = [p for p in analysis.points if p.part == first.part]
    if not any(p.x < start for p in same):
        return None
    # A pattern of runs in the phase (points outside the limits alone are not a shift),
    # with signalled points from the change on: the process moved after the change.
    pattern = analysis.parts[first.part - 1].runs_signal
    after = sum(1 for p in same if p.x >= start and p.signal and p.point_type != "common")
    return first.x if pattern and after >= _SIGNALLED_AFTER else None


def suggestions(facts: Facts, measure_ids: set[str] | None = None) -> list[PhaseSuggestion]:
    """Phases the workbook's measures are missing, one per measure and date, oldest cycle first."""
    cycles: list[PDSA | SDSA] = [*facts.pdsa, *facts.sdsa]
    adopted = [c for c in cycles if c.act is not None and c.act.decision == "adopt"]
    analyses: dict[str, Analysis | None] = {}
    out: dict[tuple[str, dt.date], PhaseSuggestion] = {}
    for cycle in adopted:
        began = _began(cycle)
        if began is None:
            continue
        measures = (
            facts.adoption_measures_of_cycle(cycle)
            if isinstance(cycle, PDSA)
            else facts.cycle_measures(cycle)
        )
        for mid in measures:
            if measure_ids is not None and mid not in measure_ids:
                continue
            measure = facts.measures[mid]
            if mid not in analyses:
                analyses[mid] = _analysis(facts, measure)
            analysis = analyses[mid]
            if analysis is None:
                continue
            x = _shift_from(analysis, float(began.toordinal()))
            if x is None:
                continue
            start = dt.date.fromordinal(int(x))
            out.setdefault(
                (mid, start),
                PhaseSuggestion(
                    mid, start, cycle.id, cycle.change, _label(facts, cycle.change), bool(measure.phases)
                ),
            )
    return list(out.values())


def _analysis(facts: Facts, measure: Measure) -> Analysis | None:
    try:
        series = from_measure(facts.wb, measure)
        if not series.xs:
            return None
        return analyse(series.xs, series.ys, series.ns, series.options, None)
    except (ChartError, ValueError):
        return None
