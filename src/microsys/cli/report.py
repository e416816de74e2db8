"""``microsys report``."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from microsys.cli.common import add_command, choices, parse_today, today_option

# The use case's own lists (reporting.KINDS/FORMATS/SIZES) import the whole report code, too
# slow for `--help`; tests/cli/test_report.py checks these stay equal to them.
REPORT_KINDS = ("storyboard", "playbook", "summary", "all", "datawall", "site")
REPORT_FORMATS = ("pdf", "html", "md")
PAPER_SIZES = ("a4", "a3", "a2", "a1", "a0")

if TYPE_CHECKING:
    ReportKind = enum.Enum
    ReportFormat = enum.Enum
    PaperSize = enum.Enum
else:
    ReportKind = choices("ReportKind", REPORT_KINDS)
    ReportFormat = choices("ReportFormat", REPORT_FORMATS)
    PaperSize = choices("PaperSize", PAPER_SIZES)


def report(
    paths: list[Path] = typer.Argument(
        None,
        metavar="[FOLDER]...",
        help="Workbook folders or files in them (default: the workbook you are in); "
        "with --all, folders holding workbooks.",
        show_default=False,
    ),
    kind: ReportKind = typer.Option(
        "storyboard",
        "--kind",
        "-k",
        case_sensitive=False,
        help="Which report (summary: the 5P summary, or a pathway's 5V summary). datawall and site are "
        "of every workbook below FOLDER: the data wall (PDF, HTML) and a static website (-o FOLDER).",
    ),
    format: list[ReportFormat] = typer.Option(
        ["pdf"], "--format", "-f", case_sensitive=False, help="Repeat for several, e.g. -f pdf -f html."
    ),
    size: PaperSize | None = typer.Option(
        None,
        "--size",
        case_sensitive=False,
        help="Paper (default: for the storyboard a3, or a4 when its content fills an A4 page, "
        "or larger when it does not fit; a4 otherwise).",
    ),
    landscape: bool | None = typer.Option(
        None,
        "--landscape/--portrait",
        help="Page orientation (default: landscape for the storyboard, portrait otherwise).",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Output file, or folder for several reports. Default: build/ in each workbook.",
    ),
    every: bool = typer.Option(
        False, "--all", help="Report on every workbook found under the folders given."
    ),
    today: str | None = today_option("Treat this date as today"),
    allow_pages: bool = typer.Option(
        False,
        "--allow-pages",
        help="Write a storyboard that does not fit one page over several, with a warning (default: refuse).",
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="Replace an existing file microsys did not make (never a workbook's own files).",
    ),
    jobs: int = typer.Option(
        0,
        "--jobs",
        "-j",
        min=0,
        help="Worker processes for --kind datawall and site; 0 (default) uses two for 40+ workbooks.",
    ),
    theme: str | None = typer.Option(
        None,
        "--theme",
        metavar="THEME",
        help="The theme whose story to tell, by id or title, e.g. T1 (default: the one being worked on). "
        "A finished theme's storyboard can be printed at any time.",
    ),
) -> None:
    """Render the storyboard poster, the playbook or the 5P summary as PDF, HTML or Markdown.

    A pathway workbook gets a pathway storyboard (its microsystems and hand-offs, the
    big room, the 5Vs, the value stream) and a 5V summary in place of the 5P one.

    Texts too long for the storyboard's one page are shortened with a marker saying
    where the rest is, and listed here. A workbook can restyle its reports with its
    own templates in templates/report/ and a logo in assets/.

    With --kind datawall, every workbook below FOLDER on the pages leaders review
    quarterly; with --kind site, a website of them all (index, data wall, each
    workbook's reports) that works from the files alone.

    Example: microsys report examples/sheffield-cf-clinic --kind all --format pdf --format html --theme T1
    """
    paths = paths or [Path(".")]
    if kind.value in ("datawall", "site"):
        from microsys.cli.organisation import folder_report

        folder_report(kind.value, paths, [f.value for f in format], size.value if size else None, out,
                      parse_today(today), force, jobs or None)  # fmt: skip
        return
    from microsys.reporting import Options, Renderer, find, kinds_of, plan, run_all
    from microsys.workbook.discover import display_path

    options = Options(
        kinds=kinds_of(kind.value),
        formats=tuple(dict.fromkeys(f.value for f in format)),
        size=size.value if size else None,
        landscape=landscape,
        out=out,
        today=parse_today(today),
        force=force,
        allow_pages=allow_pages,
        theme=theme,
    )
    tasks = plan(find(paths, every), options)
    outcomes = run_all(tasks, Renderer(options))
    if len(tasks) > 1 and sys.stderr.isatty():
        from rich.progress import Progress

        with Progress(transient=True) as progress:
            bar = progress.add_task("Rendering reports", total=len(tasks))
            done = []
            for outcome in outcomes:
                done.append(outcome)
                progress.advance(bar)
        outcomes = iter(done)
    said: set[tuple[Path, str, str]] = set()  # a note on one report is said once, not once per format
    for outcome in outcomes:
        task = outcome.task
        if outcome.skipped:
            typer.echo(f"skipped {task.kind} of {display_path(task.workbook)}: {outcome.skipped}")
            continue
        typer.echo(f"wrote {display_path(outcome.written[0])}")
        for line in [f"note: {n}" for n in outcome.notes] + [f"shortened: {c}" for c in outcome.shortened]:
            if (task.workbook, task.kind, line) not in said:
                said.add((task.workbook, task.kind, line))
                typer.echo(f"  {line}")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    add_command(app, "report", report)
