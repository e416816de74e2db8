"""Output formats: one registry per command feeds its ``--format`` choices.

``REPORTERS`` is ``check``'s; :mod:`microsys.reporters.status` has ``ramp status`` and
``coach status``'s, :mod:`microsys.reporters.charts` ``chart``'s. A registry maps a format's
name to a function that writes the command's result; the CLI builds its ``--format`` enum
from the names, so adding a format is one function and one entry. Importing a registry
imports no implementation: each entry imports its module when called (start-up stays fast).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from microsys.errors import UsageError

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


def _sarif(result: CheckResult, out: TextIO, color: bool) -> None:
    from microsys.reporters.sarif import report

    report(result, out, color)


def _junit(result: CheckResult, out: TextIO, color: bool) -> None:
    from microsys.reporters.junit import report

    report(result, out, color)


def _gitlab(result: CheckResult, out: TextIO, color: bool) -> None:
    from microsys.reporters.gitlab import report

    report(result, out, color)


REPORTERS: dict[str, Reporter] = {
    "text": _text,
    "json": _json,
    "github": _github,
    "sarif": _sarif,
    "junit": _junit,
    "gitlab": _gitlab,
}


def get(name: str) -> Reporter:
    """The reporter called ``name``."""
    return REPORTERS[name]


# Workbook files: an output file must never replace one of them.
_WORKBOOK_SUFFIXES = (".yaml", ".yml", ".csv")


def pair_outputs(
    formats: Sequence[str], files: Sequence[Path], default: str
) -> tuple[str, list[tuple[str, Path]]]:
    """Decide what goes to the terminal and what to each ``--output-file``.

    The n-th ``--output-file`` takes the n-th ``--format``. A format left without a file
    goes to the terminal (one at most); when every format has a file, the terminal
    gets ``default`` (the human summary, or annotations on GitHub Actions).

    Raises:
        UsageError: more files than formats, two formats left for the terminal, or a
            file that would replace a workbook file.
    """
    if len(files) > len(formats):
        raise UsageError(
            f"{len(files)} --output-file for {len(formats)} --format",
            hint="give a --format before each --output-file, e.g. --format sarif --output-file check.sarif",
        )
    paired = list(zip(formats[: len(files)], files, strict=True))
    rest = list(formats[len(files) :])
    if len(rest) > 1:
        raise UsageError(
            f"only one format can go to the terminal, not {', '.join(rest)}",
            hint="add an --output-file after each --format that should go to a file",
        )
    for _, path in paired:
        if path.suffix.lower() in _WORKBOOK_SUFFIXES:
            raise UsageError(
                f"--output-file {path} looks like a workbook file; microsys will not write over it",
                hint="name report files by their format, e.g. check.sarif, check.xml or check.json",
            )
    return (rest[0] if rest else default), paired


def write_outputs(result: CheckResult, outputs: Sequence[tuple[str, Path]]) -> list[Path]:
    """Write each format to its file (atomically, all or none); return the paths written.

    An existing report file is replaced: report files are made to be written again on
    every run.

    Raises:
        RefusedError: a file cannot be written (a link, read-only, a full disk).
    """
    from microsys.storage import Change, commit, read_bytes

    changes = []
    for name, path in outputs:
        buffer = io.StringIO()
        get(name)(result, buffer, False)
        changes.append(Change(path, buffer.getvalue().encode("utf-8", "surrogateescape"), read_bytes(path)))
    return commit(changes)
