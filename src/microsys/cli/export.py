"""``microsys export``: every workbook below a folder as tables for analysts."""

from __future__ import annotations

from pathlib import Path

import typer

from microsys.cli.common import add_command, parse_today, today_option


def export(
    folder: Path = typer.Argument(
        ..., metavar="FOLDER", help="The folder to export (every workbook below it)."
    ),
    to: Path = typer.Option(
        ..., "--to", metavar="PATH", help="The SQLite file to write (or a folder with --format csv)."
    ),
    format: str = typer.Option(
        "sqlite", "--format", "-f", help="sqlite (default) or csv (one file a table)."
    ),
    today: str | None = today_option("Compute days and signals as if today were this date"),
    jobs: int = typer.Option(
        0, "--jobs", "-j", help="Worker processes; 0 (default) uses two for 40+ workbooks."
    ),
) -> None:
    """Export workbooks, measures, every value with its chart signals, cycles and moves as tables.

    The tables are described in docs/export.md. Re-exporting replaces an earlier
    export whole; any other file at the target is left alone and the export refused.

    Example: microsys export examples --to org.sqlite
    """
    from microsys.exporting import export as run_export

    result = run_export(folder, to, format, parse_today(today), jobs=jobs or None)
    shown = ", ".join(f"{n} {name}" for name, n in result.counts.items())
    typer.echo(f"{'Replaced' if result.replaced else 'Wrote'} {result.target}: {shown}.")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    add_command(app, "export", export)
