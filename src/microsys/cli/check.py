"""``microsys check``."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from microsys.cli.common import NO_COLOR, choices, color_wanted, parse_size, parse_today, today_option
from microsys.reporters import REPORTERS

if TYPE_CHECKING:
    CheckFormat = enum.Enum
else:
    CheckFormat = choices("CheckFormat", REPORTERS)


def check(
    paths: list[Path] = typer.Argument(
        None, help="Workbook folders, files in them, or folders to search for workbooks. Default: here."
    ),
    format: CheckFormat | None = typer.Option(
        None,
        "--format",
        "-f",
        help="Output format; `github` is chosen automatically when GITHUB_ACTIONS=true.",
    ),
    strict: bool = typer.Option(False, "--strict", help="Fail (exit 1) on warnings too."),
    max_file_size: str = typer.Option(
        "2MB", "--max-file-size", help="Refuse files larger than this (e.g. 500KB, 2MB)."
    ),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Processes to use; 0 chooses for you."),
    no_color: bool = NO_COLOR,
    today: str | None = today_option("Check as if today were this date, e.g. for reproducible CI"),
    no_git: bool = typer.Option(
        False, "--no-git", help="Do not read git history (skips the prediction-after-the-fact check)."
    ),
) -> None:
    """Check workbooks: every file against the format, ids and dates across files, and method fidelity.

    Exit code 0 when clean, 1 when there are findings, 2 for a usage error.

    Example: microsys check examples/sheffield-cf-clinic
    """
    from microsys import engine
    from microsys.errors import EXIT_OK
    from microsys.yaml.load import ReadLimits

    chosen = format.value if format else "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    result = engine.check(
        paths or [Path(".")],
        limits=ReadLimits(max_bytes=parse_size(max_file_size)),
        strict=strict,
        jobs=jobs or None,
        today=parse_today(today),
        git=not no_git,
    )
    REPORTERS[chosen](result, sys.stdout, color_wanted(no_color) and chosen == "text")
    if result.exit_code != EXIT_OK:
        raise typer.Exit(result.exit_code)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("check")(check)
