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

from microsys.errors import RefusedError
from microsys.ramp.criteria import Evaluated, evaluate, next_phase, next_stage
from microsys.ramp.facts import Facts
from microsys.storage import Change
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
    by: str
    cycle: int
    evaluated: tuple[Evaluated, ...]
    forced: bool
    reason: str | None
    change: Change

    @property
    def missing(self) -> list[Evaluated]:
        """Required criteria not met."""
        return [e for e in self.evaluated if e.blocking]


def _entry(date: dt.date, from_: str, to: str, by: str, forced: bool, reason: str | None) -> Any:
    entry = new_mapping()
    entry["date"] = date
    entry["from"] = from_
    entry["to"] = to
    entry["by"] = by
    if forced:
        entry["forced"] = True
        entry["reason"] = reason
    return entry


def plan_move(
    wb: Workbook,
    track: Track,
    *,
    today: dt.date,
    by: str,
    force: bool = False,
    reason: str | None = None,
) -> Move:
    """Plan the next move on ``track``.

    Raises:
        RefusedError: ramp.yaml cannot be edited (missing, or with errors).
    """
    sf = wb.file("ramp.yaml")
    if sf is None:
        raise RefusedError(
            f"{wb.path / 'ramp.yaml'} does not exist",
            hint="create it with `stage: assess`, then run this again",
        )
    refuse_if_broken(wb, sf)
    facts = Facts(wb, today)
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
    evaluated = tuple(evaluate(facts, current))
    forced = force and any(e.blocking for e in evaluated)
    entry = _entry(today, current, target, by, forced, reason)
    if track == "stage":
        data["stage"] = target
        data["since"] = today
        if cycle != ramp.cycle or "cycle" in data:
            data["cycle"] = cycle
        append_item(block_list(data, "history"), entry)
    else:
        coaching = data.get("coaching")
        if not isinstance(coaching, dict):
            coaching = new_mapping()
            data["coaching"] = coaching
        coaching["phase"] = target
        coaching["since"] = today
        append_item(block_list(coaching, "history"), entry)
    return Move(
        track=track,
        from_=current,
        to=target,
        date=today,
        by=by,
        cycle=cycle,
        evaluated=evaluated,
        forced=forced,
        reason=reason,
        change=doc.change(),
    )
