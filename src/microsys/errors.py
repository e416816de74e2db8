"""Exceptions: the tool cannot go on.

Findings about the user's files are not exceptions: they are
:class:`microsys.diagnostics.Diagnostic` records. An exception here means a
command must stop; the CLI turns it into a plain message and an exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from microsys.diagnostics import Diagnostic

# Exit codes, documented in docs/exit-codes.md.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class MicrosysError(Exception):
    """Base of every error microsys raises on purpose."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(MicrosysError):
    """The command was asked for something it cannot do (bad path, bad option)."""

    exit_code = EXIT_USAGE


class WorkerDiedError(MicrosysError):
    """A process doing part of the work ended before it was done (killed, as a rule, for memory)."""

    exit_code = EXIT_USAGE


class WorkbookNotFoundError(UsageError):
    """A path given on the command line holds no workbook."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"no workbook found at {path}",
            hint="a workbook is a folder with a microsys.yaml file; create one with `microsys init FOLDER`",
        )
        self.path = path


class RefusedError(MicrosysError):
    """The command refused to act because acting could lose the user's work."""

    exit_code = EXIT_FINDINGS


class IdentifierRefusedError(RefusedError):
    """The command refused because a file holds what looks like patient-identifiable data.

    ``places`` are the findings (file, line, column, rule); the message names them
    without ever quoting the identifier.
    """

    def __init__(self, message: str, hint: str | None = None, places: tuple[Diagnostic, ...] = ()) -> None:
        super().__init__(message, hint)
        self.places = places
