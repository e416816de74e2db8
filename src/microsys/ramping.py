"""The ``ramp`` and ``coach`` use cases: load a workbook, evaluate, record moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from microsys.errors import UsageError
from microsys.ramp.moves import Move, Track, plan_move
from microsys.ramp.status import RampStatus, ramp_status
from microsys.storage import commit
from microsys.workbook.loader import open_for_writing, open_workbook
from microsys.workbook.privacy_gate import refuse_identifiers, refuse_new_identifiers
from microsys.yaml.edit import unified_diff


def status(path: Path, today: dt.date) -> RampStatus:
    """The ramp status of the workbook at ``path``; refused while it holds identifiers.

    What it shows (history, titles, JSON for tools) goes to terminals and CI logs.
    """
    from microsys.workbook.githistory import cycle_history

    wb = open_workbook(path)
    refuse_identifiers(wb, "show it")
    return ramp_status(wb, today, cycle_history(wb.root))


def who(by: str | None, folder: Path) -> str | None:
    """Who records a move: ``--by``, else ``git config user.name`` of the workbook's repository."""
    from microsys import gitinfo

    return (by or "").strip() or gitinfo.user_name(folder)


@dataclass(frozen=True)
class MoveResult:
    """What ``ramp next`` / ``coach next`` did."""

    move: Move
    written: bool
    diff: str


def next_move(
    path: Path,
    track: Track,
    *,
    today: dt.date,
    by: str | None,
    force: bool,
    reason: str | None,
    dry_run: bool,
    date: dt.date | None = None,
    ask_who: Callable[[], str | None] | None = None,
) -> MoveResult:
    """Plan the next move and, when its criteria hold (or it is forced), record it.

    The move is dated ``date`` (default: ``today``). ``by`` defaults to git's
    user.name in the workbook; when neither is known and the move will be
    written, ``ask_who`` is called (the command line asks the person), and with
    no answer the entry has no ``by:``.

    Raises:
        UsageError: ``--force`` without ``--reason`` (or the reverse), or an impossible date.
    """
    if force and not (reason or "").strip():
        raise UsageError(
            "--force needs --reason", hint='say why the team moves on without the evidence: --reason "..."'
        )
    if reason and not force:
        raise UsageError("--reason goes with --force", hint="drop --reason, or add --force")
    # A dry run only reads: it takes no lock and leaves no trace in the workbook.
    opened = nullcontext(open_workbook(path)) if dry_run else open_for_writing(path)
    with opened as wb:
        refuse_identifiers(wb, "record the move")
        from microsys.workbook.githistory import cycle_history

        history = cycle_history(wb.root)
        recorder = who(by, wb.root)
        move = plan_move(
            wb, track, today=today, by=recorder, force=force, reason=reason, date=date, history=history
        )
        refused = bool(move.missing) and not force
        if recorder is None and ask_who is not None and not dry_run and not refused:
            recorder = (ask_who() or "").strip() or None
            if recorder is not None:
                move = plan_move(
                    wb,
                    track,
                    today=today,
                    by=recorder,
                    force=force,
                    reason=reason,
                    date=date,
                    history=history,
                )
        change = move.change
        refuse_new_identifiers(
            wb.path / "ramp.yaml",
            change.expected.decode("utf-8") if change.expected is not None else None,
            change.content.decode("utf-8"),
            "record the move",
        )
        diff = unified_diff(move.change, "ramp.yaml")
        if dry_run or refused:
            return MoveResult(move, False, diff)
        commit([move.change], root=wb.root)
    return MoveResult(move, True, diff)
