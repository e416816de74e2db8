"""Cells microsys writes into CSV files that teams open in spreadsheets.

A text cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return) is run as a formula by Excel, LibreOffice and Google Sheets: a note
``=HYPERLINK("http://...")`` in a measure's CSV becomes a live link, or worse.
Such text is written with a leading ``'``, which spreadsheets read as "this is
text" and do not show. Numbers (``-5``, ``+3.5``) are numbers, never changed.
"""

from __future__ import annotations

from microsys.sheets.errors import SheetError
from microsys.sheets.values import parse_number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would run this cell as a formula (numbers are not formulas)."""
    if not text.startswith(FORMULA_STARTS):
        return False
    try:
        parse_number(text)
    except SheetError:
        return True
    return False


def neutralise(text: str) -> str:
    """The cell as text a spreadsheet shows and never runs: ``'=1+2`` for ``=1+2``."""
    return "'" + text if is_formula(text) else text
