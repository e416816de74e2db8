"""Measure values kept in a CSV file beside the measure (exported from a spreadsheet)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import ValidationError

from microsys import rules, sheets
from microsys.diagnostics import Diagnostic
from microsys.rules import Rule
from microsys.schema.measures import DataPoint
from microsys.schema.messages import did_you_mean
from microsys.sheets import SheetError

COLUMNS = ("date", "value", "denominator", "note")
REQUIRED = ("date", "value")


def parse_csv(
    path: Path, text: str, *, percent_unit: bool = False
) -> tuple[list[tuple[int, DataPoint]], list[Diagnostic]]:
    """Parse measure values from CSV text: header ``date,value[,denominator][,note]``.

    Read by :mod:`microsys.sheets` like every CSV (comma, semicolon or tab; decimal
    commas; dates as spreadsheets export them). ``45%`` is read as 45 only when the
    measure's unit is a percentage (``percent_unit``).

    Returns (line number, point) for every valid row, and findings for the others.
    """
    diags: list[Diagnostic] = []

    def err(line: int, col: int, rule: Rule, message: str, hint: str | None) -> None:
        diags.append(Diagnostic.of(rule, path, message, hint, line=line, col=col))

    try:
        table = sheets.read_table(text)
    except SheetError as exc:
        err(exc.row or 1, exc.col or 1, rules.CSV_SYNTAX, f"the CSV cannot be read: {exc.message}", exc.hint)
        return [], diags
    if not table.header:
        err(
            0,
            0,
            rules.CSV_EMPTY,
            "the file is empty",
            "the first line must be `date,value` (and optionally `denominator,note`)",
        )
        return [], diags
    header = table.header
    names = [h.strip().lower() for h in header]
    for i, name in enumerate(names):
        if name not in COLUMNS:
            guess = did_you_mean(name, list(COLUMNS))
            err(
                1,
                table.header_cols[i],
                rules.CSV_UNKNOWN_COLUMN,
                f"unknown column `{header[i]}`",
                f"did you mean `{guess}`?" if guess else "columns allowed: " + ", ".join(COLUMNS),
            )
    for need in REQUIRED:
        if need not in names:
            err(
                1,
                1,
                rules.CSV_MISSING_COLUMN,
                f"the column `{need}` is missing",
                "the first line must start `date,value`",
            )
    if diags:
        return [], diags

    rows = list(table.rows)
    width = len(names)
    for r in rows:
        if len(r.cells) > width:
            err(
                r.line,
                r.col(width),
                rules.CSV_EXTRA_CELLS,
                f"this row has {len(r.cells)} cells but the header has {width}",
                "remove the extra separators, or put text holding the separator in quotes",
            )
    rows = [r for r in rows if len(r.cells) <= width]
    di = names.index("date")
    numbers = [i for i, name in enumerate(names) if name in ("value", "denominator")]
    # Each column's cells, stripped (Row.cell), taken once: every column is read twice.
    column = {i: [_cell(r.cells, i) for r in rows] for i in {di, *numbers}}
    lines = [r.line for r in rows]
    decimals: dict[int, sheets.values.Decimal] = {}
    for i in numbers:
        try:
            decimals[i] = sheets.column_decimal(zip(lines, column[i], strict=True), table.default_decimal)
        except SheetError as exc:
            err(exc.row or 1, 1, rules.CSV_NOT_A_NUMBER, f"column `{header[i]}`: {exc.message}", exc.hint)
            return [], diags
    try:
        order = sheets.column_date_order(zip(lines, column[di], strict=True))
    except SheetError as exc:
        err(exc.row or 1, 1, rules.CSV_INVALID_DATE, exc.message, exc.hint)
        return [], diags

    note_at = names.index("note") if "note" in names else None
    points: list[tuple[int, DataPoint]] = []
    for n, r in enumerate(rows):
        record: dict[str, object] = {}
        ok = True
        try:
            record["date"] = sheets.parse_date(column[di][n], order)
        except SheetError as exc:
            err(r.line, r.col(di), rules.CSV_INVALID_DATE, exc.message, exc.hint)
            ok = False
        for i in numbers:
            text_i = column[i][n]
            if not text_i:
                record[names[i]] = None
                continue
            try:
                number = sheets.parse_number(text_i, decimals[i])
            except SheetError as exc:
                err(r.line, r.col(i), rules.CSV_NOT_A_NUMBER, f"the {names[i]} {exc.message}", exc.hint)
                ok = False
                continue
            if number.percent and not (percent_unit and names[i] == "value"):
                err(
                    r.line,
                    r.col(i),
                    rules.CSV_NOT_A_NUMBER,
                    f"the {names[i]} `{text_i}` is a percentage, but the measure is not measured in %",
                    "write the count (and its denominator), or the value in the measure's unit",
                )
                ok = False
                continue
            record[names[i]] = number.value
        if note_at is not None:
            record["note"] = _cell(r.cells, note_at) or None
        if not ok:
            continue
        try:
            points.append((r.line, point(record)))
        except ValidationError as exc:
            for e in exc.errors(include_url=False):
                field = str(e["loc"][0]) if e["loc"] else "value"
                col = r.col(names.index(field)) if field in names else 1
                err(r.line, col, rules.CSV_NOT_A_NUMBER, f"the {field} `{e.get('input')}`: {e['msg']}", None)
    return points, diags


def _cell(cells: tuple[str, ...], index: int) -> str:
    """:meth:`sheets.Row.cell` of a row's cells."""
    return cells[index].strip() if index < len(cells) else ""


_POINT_FIELDS = tuple(DataPoint.model_fields)
_POINT_DEFAULTS = {name: f.default for name, f in DataPoint.model_fields.items() if not f.is_required()}
_set = object.__setattr__


def point(record: dict[str, object]) -> DataPoint:
    """``DataPoint.model_validate(record)``, built directly when validation provably passes unchanged.

    A row of a CSV file is read into a date and floats that the sheet reader has already
    checked (range, finite, magnitude). When every value is of the exact type its field
    takes and within every limit the model's validators and constraints apply, validating
    would return these same values: the point is then made as ``model_construct`` makes it,
    for a fifth of the time. Anything else is validated, and fails with the same errors.
    """
    if _passes_as_is(record):
        values = {name: record[name] if name in record else _POINT_DEFAULTS[name] for name in _POINT_FIELDS}
        made = DataPoint.__new__(DataPoint)
        _set(made, "__dict__", values)
        _set(made, "__pydantic_fields_set__", set(record))
        _set(made, "__pydantic_extra__", None)
        _set(made, "__pydantic_private__", None)
        return made
    return DataPoint.model_validate(record)


def _passes_as_is(record: dict[str, object]) -> bool:
    """True when ``record`` is a DataPoint's fields with values validation keeps as they are."""
    if not record.keys() <= _POINT_KEYS or "date" not in record or "value" not in record:
        return False
    day = record["date"]
    if type(day) is not dt.date or not sheets.MIN_DATE <= day <= sheets.MAX_DATE:
        return False
    for name in ("value", "denominator"):
        number = record.get(name)
        if number is None:
            continue
        if type(number) is not float or not abs(number) <= sheets.MAX_MAGNITUDE:  # also refuses nan
            return False
        if name == "denominator" and not number >= 0:
            return False
    note = record.get("note")
    return note is None or type(note) is str


_POINT_KEYS = frozenset(_POINT_FIELDS)


def unused_csv(path: Path) -> Diagnostic:
    """Warning for a CSV in ``measures/`` that no measure names as its data."""
    return Diagnostic.of(
        path=path,
        rule=rules.MEASURE_UNUSED_CSV,
        message="no measure uses this CSV file",
        hint=f"add `data: {path.name}` to the measure it belongs to, or delete it",
    )
