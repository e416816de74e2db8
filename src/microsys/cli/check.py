"""``microsys check``."""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from microsys.cli.common import (
    NO_COLOR,
    add_command,
    choices,
    color_wanted,
    parse_size,
    parse_today,
    today_option,
)
from microsys.reporters import REPORTERS

if TYPE_CHECKING:
    CheckFormat = enum.Enum
else:
    CheckFormat = choices("CheckFormat", REPORTERS)


def check(
    paths: list[Path] = typer.Argument(
        None, help="Workbook folders, files in them, or folders to search for workbooks. Default: here."
    ),
    format: list[CheckFormat] = typer.Option(
        [],
        "--format",
        "-f",
        help="Output format; `github` is chosen automatically when GITHUB_ACTIONS=true. "
        "Repeat it with --output-file for several formats in one run.",
    ),
    output_file: list[Path] = typer.Option(
        [],
        "--output-file",
        "-o",
        help="Write the --format given in the same position to this file (replaced if it exists); "
        "the terminal keeps the summary.",
    ),
    strict: bool = typer.Option(False, "--strict", help="Fail (exit 1) on warnings too."),
    max_file_size: str | None = typer.Option(
        None, "--max-file-size", help="Refuse files larger than this (e.g. 500KB, 2MB; default 2MB)."
    ),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Processes to use; 0 chooses for you."),
    no_color: bool = NO_COLOR,
    today: str | None = today_option("Check as if today were this date, e.g. for reproducible CI"),
    skip_outside: bool = typer.Option(
        False,
        "--skip-outside",
        help="Leave out files that belong to no workbook instead of stopping (for pre-commit and "
        "lists of changed files).",
    ),
    no_git: bool = typer.Option(
        False, "--no-git", help="Do not read git history (skips the prediction-after-the-fact check)."
    ),
    show_config: bool = typer.Option(
        False,
        "--show-config",
        help="Print the settings in effect (microsys.toml or pyproject.toml, and options) and where "
        "each came from, then stop.",
    ),
) -> None:
    """Check workbooks: every file against the format, ids and dates across files, and method fidelity.

    Exit code 0 when clean, 1 when there are findings, 2 for a usage error.

    Example: microsys check examples/sheffield-cf-clinic --format sarif --output-file check.sarif
    """
    from microsys import config, engine, reporters
    from microsys.errors import EXIT_OK
    from microsys.yaml.load import ReadLimits

    targets = paths or [Path(".")]
    found = config.find_config(targets[0] if targets[0].is_dir() else targets[0].parent)
    settings = config.with_overrides(
        config.load_settings(found),
        today=parse_today(today) if today else None,
        max_file_size=parse_size(max_file_size) if max_file_size else None,
    )
    if show_config:
        typer.echo("\n".join(config.describe(settings, found)))
        return
    default = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    chosen, outputs = reporters.pair_outputs([f.value for f in format], output_file, default)
    result = engine.check(
        targets,
        limits=ReadLimits(max_bytes=settings.max_file_size, max_depth=settings.max_depth),
        strict=strict,
        jobs=jobs or None,
        today=settings.today or parse_today(None),
        git=not no_git,
        skip_outside=skip_outside,
        settings=settings,
    )
    reporters.write_outputs(result, outputs)
    REPORTERS[chosen](result, sys.stdout, color_wanted(no_color) and chosen == "text")
    if result.exit_code != EXIT_OK:
        raise typer.Exit(result.exit_code)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    add_command(app, "check", check)
