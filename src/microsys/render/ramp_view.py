"""Terminal views of the ramp: the checklist, a refused move, the history."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import IO, Any, TextIO, cast

from microsys.ramp.criteria import PHASE_TITLES, STAGE_TITLES, STAGES, Evaluated
from microsys.ramp.moves import Move
from microsys.ramp.status import GateStatus, RampStatus
from microsys.shell import quote
from microsys.terminal import visible, visible_all


class _StripTrailing(io.TextIOBase):
    """Drops the spaces rich pads table rows with, so output diffs and copies cleanly."""

    def __init__(self, target: TextIO) -> None:
        self._target = target

    def write(self, text: str) -> int:
        self._target.write(re.sub(r"[ \t]+(?=\n)", "", text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()


def console(out: TextIO, color: bool) -> Any:
    """A rich console writing to ``out``: 110 columns when not a terminal, colour only if asked."""
    from rich.console import Console

    return Console(
        file=cast(IO[str], _StripTrailing(out)),
        no_color=not color,
        highlight=False,
        soft_wrap=False,
        width=None if out.isatty() else 110,
    )


_MARK = {"met": "[green]✓[/]", "missing": "[red]✗[/]", "advice": "[yellow]○[/]"}


def _title(gate: str) -> str:
    return STAGE_TITLES.get(gate) or PHASE_TITLES.get(gate, gate)


def _since(date: object, days: int | None) -> str:
    if date is None:
        return ""
    return f"since {date}" + (f" ({days} day{'s' if days != 1 else ''})" if days is not None else "")


def _checklist(items: Sequence[Evaluated], ahead: bool = False) -> Any:
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False, expand=False)
    table.add_column(width=1, no_wrap=True)
    table.add_column(max_width=52)
    table.add_column(max_width=56, style="dim")
    for e in items:
        if e.outcome.ok:
            mark = _MARK["met"]
        elif ahead:
            mark = "[dim]·[/]"
        elif e.criterion.required:
            mark = _MARK["missing"]
        else:
            mark = _MARK["advice"]
        detail = escape(e.outcome.detail)
        if not e.outcome.ok:
            detail += f" [bold]→ {escape(e.criterion.file)}[/]"
        title = escape(e.criterion.title) + ("" if e.criterion.required else " [dim](advice)[/]")
        table.add_row(mark, title, detail)
    return table


def _ramp_line(status: RampStatus) -> str:
    parts = []
    for s in STAGES:
        gate = next(g for g in status.stages if g.gate == s)
        if gate.state == "passed":
            parts.append(f"[green]✓ {STAGE_TITLES[s]}[/]")
        elif gate.state == "current":
            parts.append(f"[bold]▶ {STAGE_TITLES[s]}[/]")
        else:
            parts.append(f"[dim]{STAGE_TITLES[s]}[/]")
    return " → ".join(parts)


def _gate_heading(g: GateStatus, command: str, can_move: bool = True) -> str:
    required = [e for e in g.evaluated if e.criterion.required]
    met = sum(1 for e in required if e.outcome.ok)
    mark = "[green]✓[/] " if g.state == "passed" and g.ready else ""
    text = f"{mark}[bold]{g.title}[/] [dim]({g.state}; {met} of {len(required)} required met)[/]"
    if g.state == "current" and g.ready and can_move:
        text += f"\n[green]Ready to move on: run `{command}`[/]"
    return text


def show_status(status: RampStatus, console: Any) -> None:
    """The whole checklist."""
    status = visible_all(status)  # workbook text never drives the terminal
    from rich.markup import escape

    name = escape(status.name or status.path)
    console.print(f"[bold]{name}[/]  [dim]{escape(status.path)}[/]")
    if not status.ramp_valid:
        console.print(
            f"[red]ramp.yaml has errors, so the team's stage is not known; the stage below is the "
            f"starting one. Run `microsys check {escape(quote(status.path))}` and fix ramp.yaml first.[/]"
        )
    console.print(
        f"Stage: [bold]{STAGE_TITLES[status.stage]}[/] (improvement cycle {status.cycle}) "
        f"{_since(status.since, status.days_in_stage)}"
    )
    console.print(
        f"Coaching: [bold]{PHASE_TITLES[status.phase]}[/] {_since(status.phase_since, status.days_in_phase)}"
    )
    console.print(_ramp_line(status))
    if status.errors:
        console.print(
            f"[red]The workbook has {status.errors} error(s); files with errors count as missing. "
            f"Run `microsys check {escape(quote(status.path))}`.[/]"
        )
    for g in status.stages:
        console.print()
        console.print(_gate_heading(g, f"microsys ramp next {quote(status.path)}", status.ramp_valid))
        if g.state == "passed" and all(e.outcome.ok for e in g.evaluated):
            continue  # everything still holds: the heading says so
        console.print(_checklist(g.evaluated, ahead=g.state == "ahead"))
    console.print()
    g = status.current_phase
    console.print("Coaching: " + _gate_heading(g, f"microsys coach next {status.path}", status.ramp_valid))
    console.print(_checklist(g.evaluated))
    console.print()
    p = status.progress
    console.print(f"Suggested progress score: [bold]{p.score:.1f}[/] {escape(p.label)} [dim](IHI scale)[/]")
    for r in p.reasons:
        console.print(f"  · {escape(r)}")
    if p.next_level:
        console.print(f"  [dim]next: {escape(p.next_level)}[/]")


def show_phases(status: RampStatus, console: Any) -> None:
    """The coaching phases' checklists."""
    status = visible_all(status)
    console.print(
        f"Coaching: [bold]{PHASE_TITLES[status.phase]}[/] {_since(status.phase_since, status.days_in_phase)}"
    )
    for g in status.phases:
        console.print()
        console.print(_gate_heading(g, f"microsys coach next {status.path}"))
        console.print(_checklist(g.evaluated, ahead=g.state == "ahead"))


def show_move(move: Move, written: bool, dry_run: bool, console: Any, diff: str = "") -> None:
    """What a move did, would do, or why it was refused: one answer.

    A refused dry run says only what is missing; a dry run that would move shows
    the change to ramp.yaml after saying so.
    """
    from rich.markup import escape

    move = visible_all(move)
    frm, to = _title(move.from_), _title(move.to)
    missing = move.missing
    if missing and not move.forced:
        console.print(f"[red]Not ready to move from {frm} to {to}.[/] Missing:")
        console.print(_checklist(missing))
        if dry_run:
            console.print("[dim]ramp next would refuse and change nothing.[/]")
        else:
            console.print(
                '[dim]Nothing was changed. To move on anyway: --force --reason "why"; '
                "the reason is kept in the history.[/]"
            )
        return
    verb = "Would move" if dry_run else "Moved"
    who = f" (recorded by {escape(move.by)})" if move.by else ""
    console.print(f"{verb} from [bold]{frm}[/] to [bold]{to}[/] on {move.date}{who}.")
    if move.forced:
        console.print(f"[yellow]Forced past {len(missing)} missing item(s): {escape(move.reason or '')}[/]")
    if move.track == "stage" and move.from_ == "sustain":
        console.print(
            f"Improvement cycle {move.cycle} begins with the selected theme; "
            f"{escape(move.theme or 'the finished theme')} stays in the history."
        )
    if written:
        console.print(f"[dim]Recorded in {move.change.path}[/]")
    if dry_run and diff:
        console.print("[dim]Nothing was changed. ramp.yaml would change like this:[/]")
        console.print(escape(visible(diff, keep_newlines=True)), end="", highlight=False, soft_wrap=True)


def show_history(status: RampStatus, console: Any, track: str | None = None) -> None:
    """The journey: every recorded move, oldest first."""
    status = visible_all(status)
    from rich.markup import escape
    from rich.table import Table

    items = [h for h in status.history if track is None or h.track == track]
    if not items:
        console.print("No moves recorded yet.")
        return
    table = Table(box=None, padding=(0, 2), pad_edge=False, header_style="bold")
    for col in ("date", "", "move", "by", "note"):
        table.add_column(col)
    for h in items:
        move = f"{_title(h.from_) + ' → ' if h.from_ else 'start: '}{_title(h.to)}"
        note = f"[yellow]forced: {escape(h.reason or '')}[/]" if h.forced else ""
        table.add_row(
            str(h.date), "ramp" if h.track == "stage" else "coaching", move, escape(h.by or ""), note
        )
    console.print(table)
