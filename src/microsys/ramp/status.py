"""Where a team is: every stage's checklist, the coaching phase and the score."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from microsys.ramp.criteria import (
    PHASE_TITLES,
    PHASES,
    STAGE_TITLES,
    STAGES,
    Evaluated,
    evaluate,
    next_phase,
    next_stage,
)
from microsys.ramp.facts import Facts
from microsys.ramp.progress import Progress, progress
from microsys.workbook.githistory import CycleHistory
from microsys.workbook.loader import Workbook

JSON_VERSION = 1


@dataclass(frozen=True)
class GateStatus:
    """A stage or coaching phase with its criteria."""

    gate: str
    title: str
    state: str
    """``passed``, ``current`` or ``ahead``."""
    evaluated: tuple[Evaluated, ...]

    @property
    def ready(self) -> bool:
        """True when no required criterion is missing."""
        return not any(e.blocking for e in self.evaluated)


@dataclass(frozen=True)
class HistoryItem:
    """One recorded move."""

    track: str
    date: dt.date
    from_: str | None
    to: str
    by: str | None
    forced: bool
    reason: str | None
    theme: str | None = None
    """The theme the team was working on, when the move recorded it."""
    cycle: int | None = None
    """The improvement cycle a ramp move belongs to, when recorded."""


@dataclass(frozen=True)
class RampStatus:
    """Everything ``ramp status`` shows."""

    name: str | None
    path: str
    stage: str
    since: dt.date | None
    cycle: int
    phase: str
    phase_since: dt.date | None
    today: dt.date
    stages: tuple[GateStatus, ...]
    phases: tuple[GateStatus, ...]
    progress: Progress
    history: tuple[HistoryItem, ...]
    errors: int
    ramp_valid: bool = True
    """False when ramp.yaml has errors: stage and phase are then the defaults, not the team's."""

    @property
    def days_in_stage(self) -> int | None:
        """Days since the current stage began."""
        return (self.today - self.since).days if self.since else None

    @property
    def days_in_phase(self) -> int | None:
        """Days since the current coaching phase began."""
        return (self.today - self.phase_since).days if self.phase_since else None

    @property
    def current(self) -> GateStatus:
        """The current stage."""
        return next(s for s in self.stages if s.state == "current")

    @property
    def current_phase(self) -> GateStatus:
        """The current coaching phase."""
        return next(p for p in self.phases if p.state == "current")


def _states(order: tuple[str, ...], current: str, repeat_from: str | None) -> dict[str, str]:
    i = order.index(current)
    states = {}
    for j, name in enumerate(order):
        if j < i:
            states[name] = "passed"
        elif j == i:
            states[name] = "current"
        else:
            states[name] = "ahead"
    if repeat_from is not None and order.index(repeat_from) > 0:
        states[order[0]] = "passed"
    return states


def ramp_status(wb: Workbook, today: dt.date, git_history: CycleHistory | None = None) -> RampStatus:
    """The status of one workbook on ``today``; ``git_history`` (its PDSA files in git) judges predictions."""
    facts = Facts(wb, today, git_history)
    ramp = wb.ramp
    stage_states = _states(STAGES, ramp.stage, "diagnose" if ramp.cycle > 1 else None)
    phase_states = _states(PHASES, ramp.coaching.phase, None)
    stages = tuple(GateStatus(s, STAGE_TITLES[s], stage_states[s], tuple(evaluate(facts, s))) for s in STAGES)
    phases = tuple(GateStatus(p, PHASE_TITLES[p], phase_states[p], tuple(evaluate(facts, p))) for p in PHASES)
    history = [
        HistoryItem("stage", h.date, h.from_, h.to, h.by, h.forced, h.reason, h.theme, h.cycle)
        for h in ramp.history
    ] + [
        HistoryItem("coaching", h.date, h.from_, h.to, h.by, h.forced, h.reason, h.theme)
        for h in ramp.coaching.history
    ]
    history.sort(key=lambda h: h.date)
    return RampStatus(
        name=wb.manifest.name if wb.manifest else None,
        path=wb.path.as_posix(),
        stage=ramp.stage,
        since=ramp.since,
        cycle=ramp.cycle,
        phase=ramp.coaching.phase,
        phase_since=ramp.coaching.since,
        today=today,
        stages=stages,
        phases=phases,
        progress=progress(facts),
        history=tuple(history),
        errors=sum(1 for f in wb.files for d in f.diagnostics if d.severity.value == "error"),
        ramp_valid=not ((sf := wb.file("ramp.yaml")) is not None and sf.has_errors),
    )


def _gate_dict(g: GateStatus) -> dict[str, Any]:
    return {
        "id": g.gate,
        "title": g.title,
        "state": g.state,
        "ready": g.ready,
        "criteria": [
            {
                "id": e.criterion.id,
                "title": e.criterion.title,
                "required": e.criterion.required,
                "met": e.outcome.ok,
                "detail": e.outcome.detail,
                "file": e.criterion.file,
            }
            for e in g.evaluated
        ],
    }


def as_dict(s: RampStatus) -> dict[str, Any]:
    """The status as JSON-ready data (documented in docs/ramp.md)."""

    def iso(d: dt.date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "version": JSON_VERSION,
        "workbook": s.path,
        "name": s.name,
        "today": s.today.isoformat(),
        "stage": {
            "id": s.stage,
            "since": iso(s.since),
            "days": s.days_in_stage,
            "cycle": s.cycle,
            "next": next_stage(s.stage),
            "ready": s.current.ready,
        },
        "coaching": {
            "id": s.phase,
            "since": iso(s.phase_since),
            "days": s.days_in_phase,
            "next": next_phase(s.phase),
            "ready": s.current_phase.ready,
        },
        "stages": [_gate_dict(g) for g in s.stages],
        "phases": [_gate_dict(g) for g in s.phases],
        "progress": {
            "score": s.progress.score,
            "label": s.progress.label,
            "reasons": list(s.progress.reasons),
            "next_level": s.progress.next_level,
        },
        "history": [
            {
                "track": h.track,
                "date": h.date.isoformat(),
                "from": h.from_,
                "to": h.to,
                "by": h.by,
                "forced": h.forced,
                "reason": h.reason,
                "theme": h.theme,
                "cycle": h.cycle,
            }
            for h in s.history
        ],
        "errors": s.errors,
        "ramp_valid": s.ramp_valid,
    }
