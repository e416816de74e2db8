"""Small helpers shared by commands: option parsing and terminal detection."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

# parse_size lives with the settings file, which reads sizes too; commands import it from here.
from microsys.config import parse_size as parse_size
from microsys.errors import UsageError


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
