"""Numbers, dates and quantities as spreadsheets and people write them.

Numbers. ``1234.5``, ``1,234.5``, ``1 234,5``, ``1.234,5``, ``1'234.5``,
``-5``, ``45%`` and ``1.5e3`` are all read. The decimal mark of a column is
decided from the column itself: a cell that can only be read one way
(``12.5``, ``1,234.5``, ``0,75``, ``1.234.567``) settles it, and a column
holding both styles is refused at the first cell that disagrees. When no cell
settles it (only whole numbers and cells like ``1,234``), the file's separator
does: semicolon-separated exports come from spreadsheets set to a decimal
comma (``1.234`` is then one thousand two hundred and thirty-four), comma- and
tab-separated ones use a decimal point. Thousands are grouped by three; any
other grouping (``12,5`` in a decimal-point column) is refused, never guessed.

Dates. ISO (``2026-03-31``, with or without a time), ``31/03/2026``,
``31-03-2026``, ``31.03.2026`` (also with two-digit years, read as 20xx),
``31 Mar 2026``, ``31-Mar-2026``, ``Mar 31, 2026``, ``Mar 2026`` and
``2026-03`` (the first of the month). Whether ``03/04/2026`` is the 3rd of
April or the 4th of March is decided per column: a cell whose first number is
above 12 makes the column day-first, one whose second number is above 12 makes
it month-first, a column with both is refused; with neither, day-first is
assumed (the convention where microsys is used) unless the command is told
``--month-first``.

Refused everywhere: values that are not finite (``inf``, ``nan``), values
larger than :data:`MAX_MAGNITUDE`, and dates outside :data:`MIN_DATE` ..
:data:`MAX_DATE`, which no chart of improvement data can mean.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from microsys.sheets.errors import SheetError

Decimal = Literal[".", ","]
DateOrder = Literal["dmy", "mdy"]

# Larger than any count, time or cost a team records; 1e308 or 1e300 is a typing slip
# (and overflows the statistics' sums of squares).
MAX_MAGNITUDE = 1e15
# Dates a chart of improvement data can mean (and matplotlib can draw).
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)

_SPACES = "\u00a0\u202f\u2009 "
_MINUS = "-\u2212\u2013"
_NOT_FINITE = re.compile(r"^[+\-\u2212]?(inf|infinity|nan|#num!|#div/0!|#value!|#n/a)$", re.I)
_PLAIN = re.compile(r"^(\d+)(?:[.,](\d*))?$|^[.,](\d+)$")
_NUMBERISH = re.compile(r"^[\d.,' \u00a0\u202f\u2009]*\d[\d.,' \u00a0\u202f\u2009]*$")
_EXPONENT = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+$")
# A grouped number: 1-3 digits, then groups of 3 joined by one separator, then the decimals.
_GROUPED = re.compile(r"^(\d{1,3})((?:([.,' \u00a0\u202f\u2009])\d{3})(?:\3\d{3})*)(?:([.,])(\d*))?$")


@dataclass(frozen=True)
class Number:
    """A number read from a cell; ``percent`` when it was written with ``%`` (``45%`` is 45)."""

    value: float
    percent: bool = False


def check_magnitude(value: float, text: str) -> float:
    """``value`` if it is finite and not absurdly large.

    Raises:
        SheetError: the value is infinite, not a number, or larger than :data:`MAX_MAGNITUDE`.
    """
    if not math.isfinite(value):
        raise SheetError(
            f"`{text}` is not a number a chart can use",
            hint="write the value as a plain number, or leave the cell empty if it was not collected",
        )
    if abs(value) > MAX_MAGNITUDE:
        raise SheetError(
            f"`{text}` is far too large to be a measure value (more than {MAX_MAGNITUDE:,.0f})",
            hint="check the cell for a typing slip",
        )
    return value


# Digits, a point and digits, and nothing else (`39.7`): the commonest cell after a whole number.
_POINT_DECIMAL = re.compile(r"[0-9]+\.([0-9]+)")


def evidence(text: str) -> Decimal | None:
    """The decimal mark a number cell can only have been written with, or None if either fits."""
    if text.isdigit() and text.isascii():  # a whole number, the commonest cell: either fits
        return None
    simple = _POINT_DECIMAL.fullmatch(text)
    if simple is not None and len(simple.group(1)) != 3:
        return "."  # `39.7`: only a decimal point has other than three digits after it
    s = _strip(text)
    if _EXPONENT.match(s):
        return "."
    if not _NUMBERISH.match(s):
        return None
    dot, comma = s.rfind("."), s.rfind(",")
    if dot >= 0 and comma >= 0:
        return "." if dot > comma else ","
    mark: Decimal | None = "." if dot >= 0 else "," if comma >= 0 else None
    if mark is None:
        return None
    other: Decimal = "," if mark == "." else "."
    whole, _, decimals = s.rpartition(mark)
    if s.count(mark) > 1:
        # 1.234.567: the mark groups thousands, so the decimal mark is the other one.
        return other
    digits = whole.lstrip(_SPACES + "'")
    if len(decimals) != 3 or not digits or digits == "0" or len(digits.replace("'", "")) > 3:
        return mark
    if any(c in digits for c in _SPACES + "'"):
        return mark
    return None


def _strip(text: str) -> str:
    s = text.strip().strip(_SPACES)
    if s and s[0] in _MINUS + "+":
        s = s[1:]
    if s.endswith("%"):
        s = s[:-1].rstrip(_SPACES)
    return s


def column_decimal(cells: Iterable[tuple[int, str]], default: Decimal) -> Decimal:
    """The decimal mark of a column of number cells, given as (row, text).

    Raises:
        SheetError: (placed at a row) the column mixes decimal points and decimal commas.
    """
    seen: tuple[int, str, Decimal] | None = None
    for row, text in cells:
        mark = evidence(text)
        if mark is None:
            continue
        if seen is None:
            seen = (row, text, mark)
        elif mark != seen[2]:
            first_row, first_text, first = seen
            raise SheetError(
                f"`{text}` is written with a decimal {'point' if mark == '.' else 'comma'}, but "
                f"`{first_text}` on row {first_row} with a decimal {'point' if first == '.' else 'comma'}",
                hint="write every number of the column the same way (the spreadsheet's number format)",
                row=row,
            )
    return seen[2] if seen is not None else default


def parse_number(text: str, decimal: Decimal = ".") -> Number:
    """A number written as a spreadsheet shows it, with ``decimal`` as the decimal mark.

    Raises:
        SheetError: the cell is not a number written that way, not finite, or absurdly large.
    """
    if text.isdigit() and text.isascii():  # a whole number, the commonest cell
        return Number(check_magnitude(float(text), text))
    if decimal == "." and _POINT_DECIMAL.fullmatch(text):  # `39.7` in a decimal-point column
        return Number(check_magnitude(float(text), text))
    raw = text.strip().strip(_SPACES)
    if _NOT_FINITE.match(raw):
        check_magnitude(math.nan, raw)
    s = raw
    negative = False
    if s and s[0] in _MINUS + "+":
        negative = s[0] in _MINUS
        s = s[1:].lstrip(_SPACES)
    percent = s.endswith("%")
    if percent:
        s = s[:-1].rstrip(_SPACES)
    value: float | None = None
    plain_mark = "." if "." in s else "," if "," in s else None
    if _EXPONENT.match(s):
        value = float(s)
    elif _PLAIN.match(s) and plain_mark in (None, decimal):
        value = float(s.replace(",", "."))
    elif m := _GROUPED.match(s):
        sep, mark, decimals = m.group(3), m.group(4), m.group(5) or ""
        if sep != decimal and (mark is None or mark == decimal) and not (sep == "'" and decimal == ","):
            value = float(m.group(1) + m.group(2).replace(sep, "") + "." + (decimals or "0"))
    if value is None:
        raise SheetError(f"`{text.strip()}` is not a number", hint=_number_hint(s, decimal))
    if negative:
        value = -value
    return Number(check_magnitude(value, raw), percent)


def _number_hint(s: str, decimal: Decimal) -> str:
    if not any(c.isdigit() for c in s):
        return "write just the number (leave the cell empty if it was not collected)"
    if any(c.isalpha() for c in s):
        return "write just the number, without units"
    if decimal == ".":
        return "this column uses a decimal point: write e.g. 1234.5 or 1,234.5 (thousands grouped by three)"
    return "this column uses a decimal comma: write e.g. 1234,5 or 1.234,5 (thousands grouped by three)"


_QUANTITY = re.compile(
    r"^\s*(?P<num>[+\-\u2212]?(?:\d[\d,']*(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(?P<unit>\S.*?)?\s*$"
)


_QUANTITY_HINT = "use a point for decimals and group thousands by three: `1,200 patients`, `12.5 minutes`"


def parse_quantity(text: str) -> tuple[float, str]:
    """A number with its unit written as text, e.g. ``1,200 patients`` or ``52 minutes``.

    The number is read with a decimal point and thousands grouped by commas, the way
    it is read in every workbook file; ``12,5 minutes`` is refused, not read as 12.

    Raises:
        SheetError: there is no number followed by a unit.
    """
    m = _QUANTITY.match(text)
    if not m or not m.group("unit"):
        raise SheetError(
            f"`{text}` is not a number with a unit",
            hint="write it like `40 minutes` or `1,200 patients`",
        )
    unit = m.group("unit")
    if unit[0] in ",.'" or unit[0].isdigit():
        raise SheetError(
            f"`{text}` is not a number with a unit: the number does not end before `{unit}`",
            hint=_QUANTITY_HINT,
        )
    try:
        number = parse_number(m.group("num"), ".")
    except SheetError as exc:
        raise SheetError(
            f"`{text}`: {exc.message}",
            hint=_QUANTITY_HINT,
        ) from None
    return number.value, unit


_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        )
    )
    for name in names
}
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME + "$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
# The commonest date, YYYY-MM-DD with ASCII digits: read by position (it is what _ISO reads).
_ISO_DIGITS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMERIC = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})" + _TIME + "$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]+)\.?,?[ -](\d{2}|\d{4})$")
_MONTH_DAY = re.compile(r"^([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\.?[ -](\d{4})$")

DATE_HINT = "write dates as YYYY-MM-DD (or 31/03/2026, 31 Mar 2026)"


def _year(text: str) -> int:
    y = int(text)
    return y + 2000 if len(text) == 2 else y


def check_date_range(day: dt.date, text: str | None = None) -> dt.date:
    """``day`` if a chart of improvement data can mean it.

    Raises:
        SheetError: the date is before :data:`MIN_DATE` or after :data:`MAX_DATE`.
    """
    if not MIN_DATE <= day <= MAX_DATE:
        raise SheetError(
            f"`{text or day.isoformat()}` is outside the dates microsys charts "
            f"({MIN_DATE.year} to {MAX_DATE.year})",
            hint="check the year",
        )
    return day


def _make(y: int, m: int, d: int, text: str) -> dt.date:
    try:
        day = dt.date(y, m, d)
    except ValueError:
        raise SheetError(f"`{text}` is not a real date", hint="check the day and the month") from None
    return check_date_range(day, text)


def numeric_order(text: str) -> DateOrder | None:
    """The order a day/month/year date can only have been written in, or None if either fits."""
    m = _NUMERIC.match(text.strip())
    if not m or m.group(2) == ".":
        return None
    a, b = int(m.group(1)), int(m.group(3))
    if a > 12 >= b:
        return "dmy"
    if b > 12 >= a:
        return "mdy"
    return None


def column_date_order(cells: Iterable[tuple[int, str]], month_first: bool = False) -> DateOrder:
    """Whether the numeric dates of a column are day/month or month/day, from the column itself.

    Raises:
        SheetError: (placed at a row) the column has dates only one order can read and dates
            only the other can, or contradicts ``month_first``.
    """
    seen: tuple[int, str, DateOrder] | None = None
    for row, text in cells:
        order = numeric_order(text)
        if order is None:
            continue
        if seen is None:
            seen = (row, text, order)
        elif order != seen[2]:
            raise SheetError(
                f"`{text}` can only be {_order_words(order)}, but `{seen[1]}` on row {seen[0]} "
                f"can only be {_order_words(seen[2])}",
                hint="write every date of the column the same way, ideally YYYY-MM-DD",
                row=row,
            )
    if seen is None:
        return "mdy" if month_first else "dmy"
    if month_first and seen[2] == "dmy":
        raise SheetError(
            f"`{seen[1]}` can only be day/month/year, but --month-first was given",
            hint="run the command again without --month-first",
            row=seen[0],
        )
    return seen[2]


def _order_words(order: DateOrder) -> str:
    return "day/month/year" if order == "dmy" else "month/day/year"


def parse_date(text: str, order: DateOrder = "dmy", fmt: str | None = None) -> dt.date:
    """A date in one of the layouts spreadsheets export (see the module's docstring).

    ``order`` says how to read ``03/04/2026``; ``fmt`` (a strptime format) reads exactly one layout.

    Raises:
        SheetError: the text is not a date in a known layout, not a real date, or out of range.
    """
    if not fmt and _ISO_DIGITS.fullmatch(text):  # 2026-03-31, the commonest date, as _ISO reads it
        return _make(int(text[:4]), int(text[5:7]), int(text[8:]), text)
    s = text.strip()
    if fmt:
        try:
            exact = dt.datetime.strptime(s, fmt).date()
        except ValueError:
            raise SheetError(f"`{s}` does not match the date format `{fmt}`") from None
        return check_date_range(exact, s)
    if m := _ISO.match(s):
        return _make(int(m.group(1)), int(m.group(3)), int(m.group(4)), s)
    if m := _NUMERIC.match(s):
        a, b, y = int(m.group(1)), int(m.group(3)), _year(m.group(4))
        # 31.03.2026 is written day-first wherever dots are used.
        day, month = (b, a) if order == "mdy" and m.group(2) != "." else (a, b)
        if month > 12 and day <= 12:
            raise SheetError(
                f"`{s}` has no month {month}: it looks like "
                + _order_words("mdy" if order == "dmy" else "dmy"),
                hint="run the command again " + ("with" if order == "dmy" else "without") + " --month-first",
            )
        return _make(y, month, day, s)
    if (m := _DAY_MONTH.match(s)) and (month_number := _MONTHS.get(m.group(2).lower())) is not None:
        return _make(_year(m.group(3)), month_number, int(m.group(1)), s)
    if (m := _MONTH_DAY.match(s)) and (month_number := _MONTHS.get(m.group(1).lower())) is not None:
        return _make(int(m.group(3)), month_number, int(m.group(2)), s)
    if (m := _MONTH_YEAR.match(s)) and (month_number := _MONTHS.get(m.group(1).lower())) is not None:
        return _make(int(m.group(2)), month_number, 1, s)
    if m := _YEAR_MONTH.match(s):
        return _make(int(m.group(1)), int(m.group(2)), 1, s)
    raise SheetError(
        f"`{s}` is not a date microsys can read" if s else "the date is missing",
        hint=DATE_HINT,
    )


def looks_like_date(text: str) -> bool:
    """Whether a cell is written like a date (so a column of them is a date axis, not numbers)."""
    s = text.strip()
    return bool(
        _ISO.match(s)
        or _NUMERIC.match(s)
        or _DAY_MONTH.match(s)
        or _MONTH_DAY.match(s)
        or _MONTH_YEAR.match(s)
        or _YEAR_MONTH.match(s)
    )


_PERCENT_UNITS = frozenset({"%", "percent", "per cent", "percentage", "% of patients"})


def is_percent_unit(unit: str | None) -> bool:
    """Whether a measure's unit is a percentage, so a cell written ``45%`` means 45 of that unit."""
    return unit is not None and (unit.strip().lower() in _PERCENT_UNITS or unit.strip().startswith("%"))
