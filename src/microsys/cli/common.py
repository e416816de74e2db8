"""What commands share: options declared once, choice enums, option parsing, terminal detection."""

from __future__ import annotations

import datetime as dt
import enum
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import typer

# parse_size lives with the settings file, which reads sizes too; commands import it from here.
from microsys.config import parse_size as parse_size
from microsys.errors import UsageError


def choices(name: str, values: Iterable[str]) -> Any:
    """A string enum of ``values``, for an option typer validates and lists in ``--help``.

    Built from the table or registry that owns the values (chart kinds, output formats),
    so the option's choices cannot drift from what the code accepts.
    """
    return enum.Enum(name, [(v, v) for v in values], type=str)


def today_option(purpose: str = "Act as if today were this date") -> Any:
    """``--today YYYY-MM-DD``; ``purpose`` says what the date is used for in this command."""
    return typer.Option(None, "--today", metavar="YYYY-MM-DD", help=f"{purpose}.")


NO_COLOR: Any = typer.Option(False, "--no-color", help="No colours (NO_COLOR is honoured too).")


def color_wanted(no_color: bool) -> bool:
    """Colour only on a terminal, and never with --no-color or NO_COLOR set."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def interactive() -> bool:
    """True when a person can answer prompts."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def parse_today(text: str | None) -> dt.date:
    """``--today`` (YYYY-MM-DD), or the real date."""
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"`{text}` is not a date", hint="write it as YYYY-MM-DD, e.g. 2026-03-31") from None


def echo_undone(workbook: Path, undone: Sequence[str]) -> None:
    """Tell the user which files an earlier, killed command had half-written and were put back."""
    if undone:
        shown = ", ".join(str(workbook / rel) for rel in undone)
        sys.stderr.write(f"microsys: note: an earlier command was stopped half-way; put back {shown}\n")
