"""Reading what spreadsheets export: one reader for every CSV microsys takes in.

The workbook's own measure data, ``measure import`` and ``chart FILE.csv`` all
read through this package, so the same file gives the same numbers everywhere
and every refusal names the row and the column. It is pure parsing on the
standard library (no pydantic), low in the layers so that the schema can use
its number and quantity readers too.

- :mod:`microsys.sheets.table`: bytes to rows (encodings, BOM, line ends,
  comma/semicolon/tab, quotes), refusing what cannot be read exactly.
- :mod:`microsys.sheets.values`: numbers (decimal commas, thousands
  separators, percentages), dates, quantities with units.
- :mod:`microsys.sheets.write`: cells written for spreadsheets, with formulas
  neutralised.
"""

from __future__ import annotations

from microsys.sheets.errors import SheetError
from microsys.sheets.table import Row, Table, decode, read_path, read_table
from microsys.sheets.values import (
    MAX_DATE,
    MAX_MAGNITUDE,
    MIN_DATE,
    Number,
    check_date_range,
    check_magnitude,
    column_date_order,
    column_decimal,
    is_percent_unit,
    looks_like_date,
    parse_date,
    parse_number,
    parse_quantity,
)
from microsys.sheets.write import is_formula, neutralise

__all__ = [
    "MAX_DATE",
    "MAX_MAGNITUDE",
    "MIN_DATE",
    "Number",
    "Row",
    "SheetError",
    "Table",
    "check_date_range",
    "check_magnitude",
    "column_date_order",
    "column_decimal",
    "decode",
    "is_formula",
    "is_percent_unit",
    "looks_like_date",
    "neutralise",
    "parse_date",
    "parse_number",
    "parse_quantity",
    "read_path",
    "read_table",
]
