"""Output formats: one registry per command feeds its ``--format`` choices.

``REPORTERS`` is ``check``'s; :mod:`microsys.reporters.status` has ``ramp status`` and
``coach status``'s, :mod:`microsys.reporters.charts` ``chart``'s. A registry maps a format's
name to a function that writes the command's result; the CLI builds its ``--format`` enum
from the names, so adding a format is one function and one entry. Importing a registry
imports no implementation: each entry imports its module when called (start-up stays fast).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from microsys.engine import CheckResult

Reporter = Callable[["CheckResult", TextIO, bool], None]


def _text(result: CheckResult, out: TextIO, color: bool) -> None:
    from microsys.reporters.text import report

    report(result, out, color)


def _json(result: CheckResult, out: TextIO, color: bool) -> None:
    from microsys.reporters.json import report

    report(result, out, color)


def _github(result: CheckResult, out: TextIO, color: bool) -> None:
    from microsys.reporters.github import report

    report(result, out, color)


REPORTERS: dict[str, Reporter] = {"text": _text, "json": _json, "github": _github}


def get(name: str) -> Reporter:
    """The reporter called ``name``."""
    return REPORTERS[name]
