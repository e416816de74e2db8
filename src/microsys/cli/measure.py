"""``microsys measure add|import``."""

from __future__ import annotations

from pathlib import Path

import typer

from microsys.cli.common import parse_today, today_option

_MONTH_FIRST = typer.Option(
    False, "--month-first", help="Read 03/04/2026 as 4 March (US order); the default is day first."
)
_DATE_FORMAT = typer.Option(
    None, "--date-format", help="The exact date layout, in strftime codes, e.g. %d%m%Y."
)
_TODAY = today_option("Treat this as today when refusing future dates")


def _report(
    wb_path: Path, added: int, skipped: int, rel: str, measure: str, notes: tuple[str, ...] = ()
) -> None:
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    rows = "value" if added == 1 else "values"
    text = f"Added {added} {rows} to {measure} ({wb_path / rel})"
    if skipped:
        text += f"; {skipped} already there, skipped"
    typer.echo(text + ".")


def measure_add(
    folder: Path = typer.Argument(..., help="The workbook folder."),
    measure: str = typer.Argument(..., help="The measure id, e.g. clinic-wait."),
    date: str = typer.Argument(..., help="The date: 2026-03-31, 31/03/2026 or 31 Mar 2026."),
    value: str = typer.Argument(..., help="The value (a count, a mean, minutes ...)."),
    denominator: str | None = typer.Option(
        None, "--denominator", "-n", help="What it is out of (p, u charts)."
    ),
    note: str | None = typer.Option(
        None, "--note", help="Something that explains this value; shown on charts."
    ),
    month_first: bool = _MONTH_FIRST,
    date_format: str | None = _DATE_FORMAT,
    today: str | None = _TODAY,
) -> None:
    """Add one value to a measure, in date order, refusing duplicates and impossible values.

    Example: microsys measure add my-clinic seen-within-15 2026-03-31 28 --denominator 35
    """
    from microsys.cli.common import echo_undone
    from microsys.measuring import prepare_one
    from microsys.storage import commit
    from microsys.workbook.privacy_gate import open_to_write

    with open_to_write(folder, "add values to it") as wb:
        echo_undone(wb.path, wb.undone)
        added = prepare_one(
            wb,
            measure,
            date,
            value,
            denominator=denominator,
            note=note,
            today=parse_today(today),
            month_first=month_first,
            date_format=date_format,
        )
        commit([added.change], root=wb.root)
    _report(wb.path, added.added, added.skipped, added.rel, measure, added.notes)


def measure_import(
    folder: Path = typer.Argument(..., help="The workbook folder."),
    measure: str = typer.Argument(..., help="The measure id, e.g. clinic-wait."),
    file: Path = typer.Argument(..., help="A CSV exported from a spreadsheet (comma, semicolon or tab)."),
    date_column: str | None = typer.Option(
        None, "--date-column", help="The column of dates (default: date)."
    ),
    value_column: str | None = typer.Option(
        None, "--value-column", help="The column of values (default: value)."
    ),
    denominator_column: str | None = typer.Option(
        None, "--denominator-column", help="The column of denominators (default: denominator, if present)."
    ),
    note_column: str | None = typer.Option(
        None, "--note-column", help="The column of notes (default: note, if present)."
    ),
    skip_existing: bool = typer.Option(
        False, "--skip-existing", help="Skip rows whose date already has the same value (re-imports)."
    ),
    month_first: bool = _MONTH_FIRST,
    date_format: str | None = _DATE_FORMAT,
    today: str | None = _TODAY,
) -> None:
    """Import values from a spreadsheet export: every row is checked first, and all are added or none.

    Semicolon-separated exports may write decimals with a comma (9,5).

    Example: microsys measure import my-clinic clinic-wait waits.csv --date-column Week --value-column Wait
    """
    from microsys.cli.common import echo_undone
    from microsys.measuring import Columns, prepare, read_rows
    from microsys.storage import commit
    from microsys.workbook.privacy_gate import open_to_write

    with open_to_write(folder, "add values to it") as wb:
        echo_undone(wb.path, wb.undone)
        entries = read_rows(
            file,
            Columns(date=date_column, value=value_column, denominator=denominator_column, note=note_column),
            month_first=month_first,
            date_format=date_format,
        )
        added = prepare(wb, measure, entries, parse_today(today), skip_existing=skip_existing)
        if added.added:
            commit([added.change], root=wb.root)
    _report(wb.path, added.added, added.skipped, added.rel, measure, added.notes)


def register(app: typer.Typer) -> None:
    """Add the ``measure`` group to the app."""
    group = typer.Typer(
        help="Add values to measures: one at a time, or from a spreadsheet.", no_args_is_help=True
    )
    group.command("add")(measure_add)
    group.command("import")(measure_import)
    app.add_typer(group, name="measure")
