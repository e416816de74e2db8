"""``microsys measure add|import|list|show|remove``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from microsys.cli.common import add_command, command_group, parse_today, today_option

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


def _measure_of(folder: Path, measure: str) -> tuple[Path, str]:
    """A measure given as its file (``measures/clinic-wait.yaml``) means that measure of its workbook."""
    if folder == Path(".") and measure.lower().endswith((".yaml", ".yml", ".csv")):
        return Path(measure), Path(measure).stem
    return folder, measure


def measure_add(
    args: list[str] = typer.Argument(
        ...,
        metavar="[FOLDER] MEASURE DATE VALUE",
        help="The workbook (default: the one you are in), the measure id (e.g. clinic-wait), "
        "the date (2026-03-31, 31/03/2026 or 31 Mar 2026) and the value (a count, minutes ...; "
        "negative numbers are fine).",
        show_default=False,
    ),
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

    Run it inside the workbook, or name the workbook first.

    Example: microsys measure add my-clinic seen-within-15 2026-03-31 28 --denominator 35
    """
    from microsys.cli.common import echo_undone, leading_folder
    from microsys.measuring import prepare_one
    from microsys.storage import commit
    from microsys.workbook.privacy_gate import open_to_write

    folder, (measure, date, value) = leading_folder(args, ("MEASURE", "DATE", "VALUE"), "measure add")
    folder, measure = _measure_of(folder, measure)
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
    args: list[str] = typer.Argument(
        ...,
        metavar="[FOLDER] MEASURE FILE",
        help="The workbook (default: the one you are in), the measure id (e.g. clinic-wait) and "
        "a CSV exported from a spreadsheet (comma, semicolon or tab).",
        show_default=False,
    ),
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

    Run it inside the workbook, or name the workbook first.

    Example: microsys measure import my-clinic clinic-wait waits.csv --date-column Week --value-column Wait
    """
    from microsys.cli.common import echo_undone, leading_folder
    from microsys.measuring import Columns, prepare, read_rows
    from microsys.storage import commit
    from microsys.workbook.privacy_gate import open_to_write

    folder, (measure, name) = leading_folder(args, ("MEASURE", "FILE"), "measure import")
    folder, measure = _measure_of(folder, measure)
    file = Path(name)
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


def _latest(values: tuple[Any, ...]) -> str:
    dated = [v for v in values if v.value is not None]
    return str(max(v.date for v in dated)) if dated else "no values yet"


def measure_list(
    folder: Path = typer.Argument(Path("."), help="The workbook (default: the one you are in)."),
) -> None:
    """List the workbook's measures: id, type, chart, how many values and the newest.

    Example: microsys measure list my-clinic
    """
    from microsys.measuring import views
    from microsys.workbook.discover import display_path

    wb, found = views(folder)
    if not found:
        typer.echo(f"{display_path(wb.root)} has no measures yet: create one with `microsys new measure`.")
        return
    width = max(len(v.measure.id) for v in found)
    for v in found:
        m = v.measure
        typer.echo(
            f"{m.id:<{width}}  {m.type:<9}  {m.chart:<4}  {len(v.values):>4} value(s), "
            f"newest {_latest(v.values)}  {m.name}"
        )


def measure_show(
    args: list[str] = typer.Argument(
        ...,
        metavar="[FOLDER] MEASURE",
        help="The workbook (default: the one you are in) and the measure id.",
        show_default=False,
    ),
    last: int = typer.Option(6, "--last", min=0, metavar="N", help="How many of the newest values to show."),
) -> None:
    """Show a measure's operational definition, its settings and its newest values.

    Example: microsys measure show my-clinic clinic-wait
    """
    from microsys.cli.common import leading_folder
    from microsys.measuring import view

    folder, (measure_id,) = leading_folder(args, ("MEASURE",), "measure show")
    folder, measure_id = _measure_of(folder, measure_id)
    wb, v = view(folder, measure_id)
    m, d = v.measure, v.measure.definition
    lines = [
        f"{m.id}: {m.name} ({m.type}, {m.chart} chart, {m.frequency}, better {m.direction})",
        f"  file:        {wb.path / v.rel}",
        f"  measures:    {d.unit or f'{d.numerator} out of {d.denominator}'}",
        f"  definition:  {' '.join((d.description or '(not written yet)').split())}",
        f"  data source: {m.data_source or '(not written yet)'}",
        f"  owner:       {m.owner or '-'}   target: {'-' if m.target is None else f'{m.target:g}'}",
        f"  values:      {len(v.values)}, newest {_latest(v.values)}",
    ]
    for point in v.values[-last:] if last else ():
        shown = "" if point.value is None else f"{point.value:g}"
        out_of = f" / {point.denominator:g}" if point.denominator is not None else ""
        lines.append(f"    {point.date}  {shown}{out_of}" + (f"  ({point.note})" if point.note else ""))
    typer.echo("\n".join(lines))


def measure_remove(
    args: list[str] = typer.Argument(
        ...,
        metavar="[FOLDER] MEASURE",
        help="The workbook (default: the one you are in) and the measure id.",
        show_default=False,
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Delete its values without asking."),
    force: bool = typer.Option(
        False, "--force", help="Remove files git could not give back (not committed, or no git)."
    ),
) -> None:
    """Remove a measure: its file and its data file, all at once.

    Refused while anything names it (a specific aim, a cycle, the playbook, the 5Ps,
    a hand-off), each place listed by file and line. Git is the undo: files that are
    not committed are refused unless --force. Deleting values asks first (or --yes).

    Example: microsys measure remove my-clinic old-wait --yes
    """
    from microsys.cli.common import echo_undone, interactive, leading_folder
    from microsys.errors import RefusedError
    from microsys.measuring import plan_removal
    from microsys.shell import quote
    from microsys.storage import commit
    from microsys.workbook.privacy_gate import open_to_write

    folder, (measure_id,) = leading_folder(args, ("MEASURE",), "measure remove")
    folder, measure_id = _measure_of(folder, measure_id)
    with open_to_write(folder, "remove a measure from it") as wb:
        echo_undone(wb.path, wb.undone)
        plan = plan_removal(wb, measure_id, force=force)
        files = ", ".join(str(wb.path / rel) for rel in plan.files)
        if plan.values and not yes:
            question = f"Remove {measure_id} and delete its {plan.values} value(s) ({files})?"
            if not interactive():
                raise RefusedError(
                    f"removing {measure_id} deletes its {plan.values} value(s); nothing was removed",
                    hint="add --yes to confirm",
                )
            if not typer.confirm(question, default=False):
                raise RefusedError("nothing was removed")
        commit(list(plan.changes), root=wb.root)
    typer.echo(f"Removed {measure_id} ({files}).")
    for rel in plan.kept:
        typer.echo(f"Kept {wb.path / rel}: another measure reads it too.")
    if not force:
        back = " ".join(quote(rel) for rel in plan.files)
        typer.echo(f"To get it back: git -C {quote(wb.path)} checkout HEAD -- {back}")


def register(app: typer.Typer) -> None:
    """Add the ``measure`` group to the app."""
    group = command_group(
        "Add values to measures (one at a time, or from a spreadsheet), list, show or remove them."
    )
    # Unknown options pass through as arguments so that `-5` is a value; leading_folder refuses the rest.
    loose = {"ignore_unknown_options": True}
    add_command(group, "add", measure_add, context_settings=loose)
    add_command(group, "import", measure_import, context_settings=loose)
    add_command(group, "list", measure_list)
    add_command(group, "show", measure_show)
    add_command(group, "remove", measure_remove, context_settings=loose)
    app.add_typer(group, name="measure")
