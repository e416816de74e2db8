"""``microsys ramp`` and ``microsys coach``."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from microsys.cli.common import (
    NO_COLOR,
    add_command,
    choices,
    color_wanted,
    command_group,
    parse_today,
    today_option,
)
from microsys.reporters.status import COACH_STATUS, RAMP_STATUS

if TYPE_CHECKING:
    RampFormat = enum.Enum
    CoachFormat = enum.Enum
else:
    RampFormat = choices("RampFormat", RAMP_STATUS)
    CoachFormat = choices("CoachFormat", COACH_STATUS)


def _console(no_color: bool) -> Any:
    from microsys.render.ramp_view import console

    return console(sys.stdout, color_wanted(no_color))


_DIR = typer.Argument(Path("."), help="The workbook folder (default: the current folder).")
_TODAY = today_option("Evaluate as if today were this date")
_NO_COLOR = NO_COLOR
_BY = typer.Option(
    None, "--by", metavar="NAME", help="Who records the move (default: git's user.name, else asked)."
)
_DATE = typer.Option(
    None,
    "--date",
    metavar="YYYY-MM-DD",
    help="When the move happened (default: today), for a team that starts part-way.",
)
_NO_INPUT = typer.Option(False, "--no-input", help="Never ask who records the move; leave it out if unknown.")
_DRY = typer.Option(False, "--dry-run", help="Show the change to ramp.yaml; write nothing.")
_FORCE = typer.Option(False, "--force", help="Move on although evidence is missing (needs --reason).")
_REASON = typer.Option(None, "--reason", help="Why the move is forced; kept in the history.")


def ramp_status(
    folder: Path = _DIR,
    format: RampFormat = typer.Option("text", "--format", "-f", help="What to print."),
    today: str | None = _TODAY,
    no_color: bool = _NO_COLOR,
) -> None:
    """Show every stage's checklist: what is done and which file to edit for what is missing.

    Also shows the current stage, days in it, the coaching phase and a suggested
    IHI progress score with its reasons.

    Example: microsys ramp status examples/sheffield-cf-clinic
    """
    from microsys.ramping import status

    result = status(folder, parse_today(today))
    RAMP_STATUS[format.value](result, sys.stdout, color_wanted(no_color))


def _next(
    track: str,
    folder: Path,
    by: str | None,
    dry_run: bool,
    force: bool,
    reason: str | None,
    today: str | None,
    no_color: bool,
    date: str | None,
    no_input: bool,
) -> None:
    from microsys.cli.common import interactive
    from microsys.ramping import next_move
    from microsys.render.ramp_view import show_move

    def ask() -> str | None:
        return str(typer.prompt("Who is recording this move?", default="", show_default=False))

    result = next_move(
        folder,
        "stage" if track == "stage" else "coaching",
        today=parse_today(today),
        by=by,
        force=force,
        reason=reason,
        dry_run=dry_run,
        date=parse_today(date) if date else None,
        ask_who=ask if interactive() and not no_input else None,
    )
    show_move(result.move, result.written, dry_run, _console(no_color), result.diff)
    if result.move.missing and not force:
        raise typer.Exit(1)


def ramp_next(
    folder: Path = _DIR,
    by: str | None = _BY,
    date: str | None = _DATE,
    dry_run: bool = _DRY,
    force: bool = _FORCE,
    reason: str | None = _REASON,
    today: str | None = _TODAY,
    no_input: bool = _NO_INPUT,
    no_color: bool = _NO_COLOR,
) -> None:
    """Move up the ramp when the current stage's evidence is complete, and record the move.

    Records the date, the stages and who moved in ramp.yaml's history. When
    evidence is missing, lists it, changes nothing and exits with 1. After
    Sustain the team returns to Diagnose with its next theme.

    Example: microsys ramp next my-clinic --by "Ana Silva" --dry-run
    """
    _next("stage", folder, by, dry_run, force, reason, today, no_color, date, no_input)


def ramp_history(folder: Path = _DIR, today: str | None = _TODAY, no_color: bool = _NO_COLOR) -> None:
    """Show the journey: every move up the ramp and through the coaching phases.

    Example: microsys ramp history examples/sheffield-cf-clinic
    """
    from microsys.ramping import status
    from microsys.render.ramp_view import show_history

    show_history(status(folder, parse_today(today)), _console(no_color))


def coach_status(
    folder: Path = _DIR,
    format: CoachFormat = typer.Option("text", "--format", "-f", help="What to print."),
    today: str | None = _TODAY,
    no_color: bool = _NO_COLOR,
) -> None:
    """Show the coaching phases (work before the work, pre-phase, action, transition) and their checklists.

    Example: microsys coach status examples/millbrook-surgery
    """
    from microsys.ramping import status

    result = status(folder, parse_today(today))
    COACH_STATUS[format.value](result, sys.stdout, color_wanted(no_color))


def coach_next(
    folder: Path = _DIR,
    by: str | None = _BY,
    date: str | None = _DATE,
    dry_run: bool = _DRY,
    force: bool = _FORCE,
    reason: str | None = _REASON,
    today: str | None = _TODAY,
    no_input: bool = _NO_INPUT,
    no_color: bool = _NO_COLOR,
) -> None:
    """Move the coaching to its next phase when the current phase's criteria hold, and record it.

    After the transition phase the coaching renews in the action phase for the next focus.

    Example: microsys coach next my-clinic --by "Jo Brown"
    """
    _next("coaching", folder, by, dry_run, force, reason, today, no_color, date, no_input)


def coach_history(folder: Path = _DIR, today: str | None = _TODAY, no_color: bool = _NO_COLOR) -> None:
    """Show the coaching phases the team has been through.

    Example: microsys coach history examples/sheffield-cf-clinic
    """
    from microsys.ramping import status
    from microsys.render.ramp_view import show_history

    show_history(status(folder, parse_today(today)), _console(no_color), track="coaching")


def register(app: typer.Typer) -> None:
    """Add the ``ramp`` and ``coach`` groups to the app."""
    ramp = command_group("The improvement ramp: Assess, Diagnose, Treat, Sustain.")
    add_command(ramp, "status", ramp_status)
    add_command(ramp, "next", ramp_next)
    add_command(ramp, "history", ramp_history)
    app.add_typer(ramp, name="ramp")
    coach = command_group("The coaching phases: work before the work, pre-phase, action, transition.")
    add_command(coach, "status", coach_status)
    add_command(coach, "next", coach_next)
    add_command(coach, "history", coach_history)
    app.add_typer(coach, name="coach")
