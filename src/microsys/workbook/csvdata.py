"""Measure values kept in a CSV file beside the measure (exported from a spreadsheet)."""

from __future__ import annotations

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
    wide = {r.line for r in rows if len(r.cells) > len(names)}
    for r in rows:
        if r.line in wide:
            err(
                r.line,
                r.col(len(names)),
                rules.CSV_EXTRA_CELLS,
                f"this row has {len(r.cells)} cells but the header has {len(names)}",
                "remove the extra separators, or put text holding the separator in quotes",
            )
    rows = [r for r in rows if r.line not in wide]
    di = names.index("date")
    numbers = [i for i, name in enumerate(names) if name in ("value", "denominator")]
    decimals: dict[int, sheets.values.Decimal] = {}
    for i in numbers:
        try:
            decimals[i] = sheets.column_decimal(((r.line, r.cell(i)) for r in rows), table.default_decimal)
        except SheetError as exc:
            err(exc.row or 1, 1, rules.CSV_NOT_A_NUMBER, f"column `{header[i]}`: {exc.message}", exc.hint)
            return [], diags
    try:
        order = sheets.column_date_order((r.line, r.cell(di)) for r in rows)
    except SheetError as exc:
        err(exc.row or 1, 1, rules.CSV_INVALID_DATE, exc.message, exc.hint)
        return [], diags

    points: list[tuple[int, DataPoint]] = []
    for r in rows:
        record: dict[str, object] = {}
        ok = True
        try:
            record["date"] = sheets.parse_date(r.cell(di), order)
        except SheetError as exc:
            err(r.line, r.col(di), rules.CSV_INVALID_DATE, exc.message, exc.hint)
            ok = False
        for i in numbers:
            text_i = r.cell(i)
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
        if "note" in names:
            record["note"] = r.cell(names.index("note")) or None
        if not ok:
            continue
        try:
            points.append((r.line, DataPoint.model_validate(record)))
        except ValidationError as exc:
            for e in exc.errors(include_url=False):
                field = str(e["loc"][0]) if e["loc"] else "value"
                col = r.col(names.index(field)) if field in names else 1
                err(r.line, col, rules.CSV_NOT_A_NUMBER, f"the {field} `{e.get('input')}`: {e['msg']}", None)
    return points, diags


def unused_csv(path: Path) -> Diagnostic:
    """Warning for a CSV in ``measures/`` that no measure names as its data."""
    return Diagnostic.of(
        path=path,
        rule=rules.MEASURE_UNUSED_CSV,
        message="no measure uses this CSV file",
        hint=f"add `data: {path.name}` to the measure it belongs to, or delete it",
    )
