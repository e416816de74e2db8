"""Moving up the ramp (or to the next coaching phase) and recording the move.

A move is planned from the workbook: the criteria of the current stage are
evaluated, and the edit of ``ramp.yaml`` that records the move is computed
(stage, date, cycle and a history entry), ready for :func:`storage.commit`.
Nothing is written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from microsys.errors import RefusedError, UsageError
from microsys.ramp.criteria import Evaluated, evaluate, next_phase, next_stage
from microsys.ramp.facts import Facts
from microsys.storage import Change
from microsys.workbook.githistory import CycleHistory
from microsys.workbook.loader import Workbook, refuse_if_broken
from microsys.yaml.edit import YamlDocument, append_item, block_list, new_mapping

Track = Literal["stage", "coaching"]


@dataclass(frozen=True)
class Move:
    """A planned move and what it would write."""

    track: Track
    from_: str
    to: str
    date: dt.date
    by: str | None
    cycle: int
    theme: str | None
    evaluated: tuple[Evaluated, ...]
    forced: bool
    reason: str | None
    change: Change

    @property
    def missing(self) -> list[Evaluated]:
        """Required criteria not met."""
        return [e for e in self.evaluated if e.blocking]


def _entry(
    date: dt.date,
    from_: str,
    to: str,
    by: str | None,
    forced: bool,
    reason: str | None,
    theme: str | None,
    cycle: int | None,
) -> Any:
    entry = new_mapping()
    entry["date"] = date
    entry["from"] = from_
    entry["to"] = to
    if by:
        entry["by"] = by
    if forced:
        entry["forced"] = True
    if reason:
        # Kept whenever given: a reason typed with --force is never lost, even when the
        # evidence turned out to be there and forcing was not needed.
        entry["reason"] = reason
    if theme:
        entry["theme"] = theme
    if cycle is not None:
        entry["cycle"] = cycle
    return entry


def _move_date(date: dt.date | None, today: dt.date, since: dt.date | None, current: str) -> dt.date:
    if date is None:
        return today
    if date > today:
        raise UsageError(
            f"{date} is in the future", hint="a move is recorded on the day it happened: give a past date"
        )
    if since is not None and date < since:
        raise UsageError(
            f"{date} is before {current} began on {since}",
            hint=f"give a date on or after {since}, or correct `since:` in ramp.yaml first",
        )
    return date


def plan_move(
    wb: Workbook,
    track: Track,
    *,
    today: dt.date,
    by: str | None,
    force: bool = False,
    reason: str | None = None,
    date: dt.date | None = None,
    history: CycleHistory | None = None,
) -> Move:
    """Plan the next move on ``track``, recorded on ``date`` (default: ``today``).

    The history entry records the theme the team was working on and the
    improvement cycle the move belongs to, so that the story of one theme can be
    told after the team has moved on.

    Raises:
        RefusedError: ramp.yaml cannot be edited (missing, or with errors).
        UsageError: ``date`` is after ``today`` or before the current stage or phase began.
    """
    sf = wb.file("ramp.yaml")
    if sf is None:
        raise RefusedError(
            f"{wb.path / 'ramp.yaml'} does not exist",
            hint="create it with `stage: assess`, then run this again",
        )
    refuse_if_broken(wb, sf)
    facts = Facts(wb, today, history)
    ramp = wb.ramp
    doc = YamlDocument.read(wb.root / "ramp.yaml", sf.path)
    if not isinstance(doc.data, dict):
        raise RefusedError(f"{sf.path} does not hold `key: value` lines", hint="run `microsys check` first")
    data = doc.data
    current: str
    if track == "stage":
        current, target = ramp.stage, next_stage(ramp.stage)
        cycle = ramp.cycle + 1 if current == "sustain" else ramp.cycle
    else:
        current, target = ramp.coaching.phase, next_phase(ramp.coaching.phase)
        cycle = ramp.cycle
    since = ramp.since if track == "stage" else ramp.coaching.since
    when = _move_date(date, today, since, current)
    evaluated = tuple(evaluate(facts, current))
    forced = force and any(e.blocking for e in evaluated)
    theme = facts.theme.id if facts.theme is not None else None
    entry = _entry(when, current, target, by, forced, reason, theme, ramp.cycle if track == "stage" else None)
    if track == "stage":
        data["stage"] = target
        data["since"] = when
        if cycle != ramp.cycle or "cycle" in data:
            data["cycle"] = cycle
        append_item(block_list(data, "history"), entry)
    else:
        coaching = data.get("coaching")
        if not isinstance(coaching, dict):
            coaching = new_mapping()
            data["coaching"] = coaching
        coaching["phase"] = target
        coaching["since"] = when
        append_item(block_list(coaching, "history"), entry)
    return Move(
        track=track,
        from_=current,
        to=target,
        date=when,
        by=by,
        cycle=cycle,
        theme=theme,
        evaluated=evaluated,
        forced=forced,
        reason=reason,
        change=doc.change(),
    )
