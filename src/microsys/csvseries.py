"""A chart's series from the columns of a spreadsheet export (``microsys chart FILE.csv``).

The file is read by :mod:`microsys.sheets`, the reader ``measure import`` and
workbook data use too, so a file gives the same numbers in every command.
Like qicharts2, rows whose x or y is empty are left out (the notes say which);
values a chart type cannot have (a count above its denominator, a negative
count) are refused with their row, as ``measure add`` refuses them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from microsys import sheets
from microsys.dataentry import point_problem
from microsys.sheets import SheetError, Table
from microsys.sheets.values import DATE_HINT
from microsys.spc.analysis import ChartOptions
from microsys.spc.kinds import kind
from microsys.workbook.series import Series


class CsvSeriesError(ValueError):
    """The file cannot be charted; the message names the row and column."""


@dataclass(frozen=True)
class CsvSeries:
    """The series, and what the reader left out or noticed (one line each)."""

    series: Series
    notes: tuple[str, ...]


def _rows_listed(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10])
    return shown + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


def _column(table: Table, name: str) -> int:
    if name in table.header:
        return table.header.index(name)
    found = table.index(name)
    if found is None:
        raise CsvSeriesError(
            f"there is no column `{name}`; the columns are: " + ", ".join(f"`{c}`" for c in table.header)
        )
    return found


def series_from_csv(
    data: bytes,
    *,
    y: str,
    x: str | None = None,
    n: str | None = None,
    part: str | None = None,
    options: ChartOptions,
    title: str = "",
) -> CsvSeries:
    """A series from a CSV export; columns chosen by name. Without ``x`` the rows are numbered 1..N.

    Raises:
        CsvSeriesError: the file cannot be read exactly, a column is missing or a cell is impossible.
    """
    try:
        return _read(data, y=y, x=x, n=n, part=part, options=options, title=title)
    except SheetError as exc:
        raise CsvSeriesError(str(exc) + (f" ({exc.hint})" if exc.hint else "")) from None


def _read(
    data: bytes, *, y: str, x: str | None, n: str | None, part: str | None, options: ChartOptions, title: str
) -> CsvSeries:
    table = sheets.read_table(data)
    if not table.header:
        raise CsvSeriesError("the CSV file is empty")
    yi = _column(table, y)
    xi = _column(table, x) if x is not None else None
    ni = _column(table, n) if n is not None else None
    pi = _column(table, part) if part is not None else None
    width = len(table.header)
    for row in table.rows:
        if len(row.cells) > width:
            raise SheetError(
                f"this row has {len(row.cells)} cells but the header has {width}",
                hint="put text holding the separator in quotes, or remove the extra separators",
                row=row.line,
            )
    if not table.rows:
        raise CsvSeriesError("the CSV file has no data rows")
    notes: list[str] = []
    missing = [row.line for row in table.rows if not row.cell(yi) or (xi is not None and not row.cell(xi))]
    kept = [row for row in table.rows if row.cell(yi) and (xi is None or row.cell(xi))]
    if missing:
        what = f"`{x}` or `{y}`" if x is not None else f"`{y}`"
        notes.append(f"left out {len(missing)} row(s) with no {what}: row {_rows_listed(missing)}")
    if not kept:
        raise CsvSeriesError(f"no row has a value in column `{y}`")
    numbered = {row.line: i for i, row in enumerate(table.rows, start=1)}
    dates = False
    xs: list[float]
    if xi is None:
        xs = [float(numbered[row.line]) for row in kept]
    else:
        xs, dates = _x_values(table, kept, xi)
    ys = [v for v in _numbers(table, kept, yi) if v is not None]
    # A value without its denominator is a missing point, as in qicharts2.
    ns = _numbers(table, kept, ni) if ni is not None else None
    out_ys: list[float | None] = list(ys)
    out_ns: list[float | None] | None = list(ns) if ns is not None else None
    gaps = []
    for k, row in enumerate(kept):
        denominator = ns[k] if ns is not None else None
        problem = point_problem(options.chart, ys[k], denominator)
        if problem is not None:
            raise SheetError(problem, row=row.line, column=y)
        if denominator == 0:
            gaps.append(row.line)
    if gaps:
        notes.append(
            f"row {_rows_listed(gaps)}: a denominator of 0 (nothing to count) has no proportion or rate, "
            "so the point is left as a gap"
        )
    opts = options
    part_labels: tuple[str, ...] = ()
    if pi is not None:
        # A new part starts where the column's value changes (in x order).
        first: dict[float, str] = {}
        for xv, row in zip(xs, kept, strict=True):
            first.setdefault(xv, row.cell(pi))
        order = sorted(first)
        breaks = tuple(i for i in range(1, len(order)) if first[order[i]] != first[order[i - 1]])
        part_labels = tuple([first[order[0]]] + [first[order[i]] for i in breaks])
        opts = replace(opts, parts=breaks)
    series = Series(
        title=title,
        xs=tuple(xs),
        ys=tuple(out_ys),
        ns=tuple(out_ns) if out_ns is not None else None,
        options=opts,
        dates=dates,
        y_label=y,
        part_labels=part_labels,
        percent=kind(opts.chart).proportion,
    )
    return CsvSeries(series, tuple(notes))


def _numbers(table: Table, rows: list[sheets.Row], index: int) -> list[float | None]:
    """The numbers of a column (None for an empty cell)."""
    column = table.header[index]
    decimal = sheets.column_decimal(((r.line, r.cell(index)) for r in rows), table.default_decimal)
    out: list[float | None] = []
    for row in rows:
        text = row.cell(index)
        if not text:
            out.append(None)
            continue
        try:
            out.append(sheets.parse_number(text, decimal).value)
        except SheetError as exc:
            raise exc.at(row.line, column, row.col(index)) from None
    return out


def _x_values(table: Table, rows: list[sheets.Row], index: int) -> tuple[list[float], bool]:
    """The x of each row: numbers when every cell is one, else dates."""
    column = table.header[index]
    cells = [(r.line, r.cell(index)) for r in rows]
    decimal = table.default_decimal
    try:
        decimal = sheets.column_decimal(cells, decimal)
        return [sheets.parse_number(text, decimal).value for _, text in cells], False
    except SheetError:
        pass
    try:
        order = sheets.column_date_order(cells)
    except SheetError as exc:
        raise exc.at(None, column) from None
    xs = []
    for row in rows:
        text = row.cell(index)
        try:
            day: dt.date = sheets.parse_date(text, order)
        except SheetError as exc:
            if sheets.looks_like_date(text):
                raise exc.at(row.line, column, row.col(index)) from None
            raise SheetError(
                f"`{text}` is neither a number nor a date",
                hint=DATE_HINT + ", or number the rows",
                row=row.line,
                column=column,
                col=row.col(index),
            ) from None
        xs.append(float(day.toordinal()))
    return xs, True
