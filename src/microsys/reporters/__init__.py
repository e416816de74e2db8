"""Output formats of ``microsys check``: one registry feeds ``--format``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from microsys.engine import CheckResult

Reporter = Callable[[CheckResult, TextIO, bool], None]


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
