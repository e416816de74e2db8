"""``microsys status``: the organisation's table of workbooks."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from microsys.cli.common import NO_COLOR, add_command, choices, color_wanted, parse_today, today_option
from microsys.reporters.overview import OVERVIEW, findings_text

if TYPE_CHECKING:
    StatusFormat = enum.Enum
else:
    StatusFormat = choices("StatusFormat", OVERVIEW)


def status(
    folder: Path = typer.Argument(Path("."), help="The folder to look below (default: the current folder)."),
    format: StatusFormat = typer.Option("text", "--format", "-f", help="text (a table), json or csv."),
    sort: str = typer.Option(
        "path", "--sort", help="path, name, kind, stage, days, score, m3, errors, last-meeting or last-pdsa."
    ),
    descending: bool = typer.Option(False, "--desc", help="Sort from the largest down."),
    kind: str | None = typer.Option(None, "--kind", help="Only `microsystem` or only `pathway` workbooks."),
    stage: str | None = typer.Option(
        None, "--stage", help="Only workbooks in this stage (assess ... sustain)."
    ),
    pathway: str | None = typer.Option(
        None, "--pathway", help="Only the workbooks of this pathway (its name)."
    ),
    with_errors: bool = typer.Option(False, "--with-errors", help="Only workbooks with errors."),
    jobs: int = typer.Option(
        0, "--jobs", "-j", help="Worker processes; 0 (default) uses two for 40+ workbooks."
    ),
    today: str | None = today_option("Count days as if today were this date"),
    no_cache: bool = typer.Option(
        False,
        "--no-cache",
        help="Load every workbook, not using the rows kept from the last run for unchanged ones.",
    ),
    no_color: bool = NO_COLOR,
) -> None:
    """One row for every micro- and mesosystem workbook below a folder.

    Name, kind, pathway, stage and days in it, coaching phase, last meeting,
    PDSA cycles, measures with a signal of improvement or concern, suggested
    progress score, M3 stage and errors. An organisation file at the top of the
    folder (microsys-organisation.yaml) adds its latest quarterly review's open
    actions per team; its errors are printed and make the exit code 1.

    Example: microsys status examples --sort score --desc
    """
    from microsys.overview import StatusFilter, status

    keep = StatusFilter(kind=kind, stage=stage, pathway=pathway, with_errors=with_errors)
    view = status(
        folder, parse_today(today), sort=sort, descending=descending, keep=keep, jobs=jobs, cache=not no_cache
    )
    OVERVIEW[format.value](view, sys.stdout, color_wanted(no_color))
    sys.stderr.write(findings_text(view))
    if view.exit_code:
        raise typer.Exit(view.exit_code)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    add_command(app, "status", status)
