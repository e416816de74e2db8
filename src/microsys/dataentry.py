"""Reading values typed by people or exported from spreadsheets, and judging them.

Dates come in many shapes (ISO, 03/04/2026, 3 Apr 2026, Excel's
2026-04-03 00:00:00); numbers come with stray spaces. Everything is parsed
here, and every point is judged against its measure (denominators, counts
that cannot be negative, proportions that cannot exceed their denominator,
dates that cannot be in the future) before anything is written.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from microsys.schema.measures import Measure
from microsys.spc.kinds import kind

_MONTHS = {
    m: i + 1
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
    for m in names
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]+)\.?,?[ -](\d{2}|\d{4})$")
_MONTH_DAY = re.compile(r"^([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class EntryError(ValueError):
    """A value that cannot be read or cannot be true; the message says why, for a person."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def _year(text: str) -> int:
    y = int(text)
    return y + 2000 if len(text) == 2 else y


def _make(y: int, m: int, d: int, original: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise EntryError(f"`{original}` is not a real date", hint="check the day and the month") from None


def parse_date(text: str, *, month_first: bool = False, fmt: str | None = None) -> dt.date:
    """A date from ISO, day/month/year (or month/day/year), or with a month name.

    Raises:
        EntryError: the text is not a date this function can read, or not a real date.
    """
    s = text.strip()
    if fmt:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            raise EntryError(f"`{text}` does not match the date format `{fmt}`") from None
    if m := _ISO.match(s):
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), text)
    if m := _NUMERIC.match(s):
        a, b, y = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        day, month = (b, a) if month_first else (a, b)
        if month > 12 and day <= 12:
            order = "day/month/year" if month_first else "month/day/year"
            flag = "without --month-first" if month_first else "with --month-first"
            raise EntryError(
                f"`{text}` has no month {month}: it looks like {order}", hint=f"run the command again {flag}"
            )
        return _make(y, month, day, text)
    if m := _DAY_MONTH.match(s):
        month_name = m.group(2).lower()
        if month_name in _MONTHS:
            return _make(_year(m.group(3)), _MONTHS[month_name], int(m.group(1)), text)
    if m := _MONTH_DAY.match(s):
        month_name = m.group(1).lower()
        if month_name in _MONTHS:
            return _make(int(m.group(3)), _MONTHS[month_name], int(m.group(2)), text)
    raise EntryError(
        f"`{text}` is not a date microsys can read",
        hint="write dates as YYYY-MM-DD (or 31/03/2026, 31 Mar 2026); "
        "for other layouts give --date-format, e.g. --date-format %d%m%Y",
    )


def parse_number(text: str, what: str = "value", *, decimal_comma: bool = False) -> float:
    """A plain number (``12``, ``12.5``, ``-3``); thousands separators are refused as ambiguous.

    With ``decimal_comma`` (semicolon-separated exports), ``9,5`` is nine and a half.
    """
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if decimal_comma and "," in s and "." not in s and s.count(",") == 1:
        s = s.replace(",", ".")
    if not _NUMBER.match(s):
        hint = "write numbers with a point for decimals and no thousands separator, e.g. 1234.5"
        if s.endswith("%"):
            hint = "write the count (and its denominator), or the percentage as a number without %"
        raise EntryError(f"the {what} `{text}` is not a number", hint=hint)
    value = float(s)
    if not math.isfinite(value):
        raise EntryError(f"the {what} `{text}` is not a finite number")
    return value


@dataclass(frozen=True)
class Entry:
    """One value to add."""

    date: dt.date
    value: float
    denominator: float | None = None
    note: str | None = None


def judge(measure: Measure, entry: Entry, today: dt.date) -> None:
    """Refuse values that cannot be true for this measure.

    Raises:
        EntryError: with a message that says what is wrong and how to fix it.
    """
    chart = measure.chart
    row = kind(chart)
    if entry.date > today:
        raise EntryError(
            f"{entry.date} is in the future",
            hint="check the date (and whether it is day/month or month/day)",
        )
    if row.non_negative and entry.value < 0:
        raise EntryError(f"a {chart} chart counts things, so {entry.value:g} cannot be right")
    if row.denominator and entry.denominator is None:
        raise EntryError(
            f"a {chart} chart needs the denominator "
            f"({measure.definition.denominator or 'what it is out of'})",
            hint="add --denominator N",
        )
    if entry.denominator is not None and entry.denominator <= 0:
        raise EntryError(f"the denominator {entry.denominator:g} must be more than 0")
    if row.proportion and entry.denominator is not None and entry.value > entry.denominator:
        raise EntryError(
            f"{entry.value:g} out of {entry.denominator:g} is more than all of them",
            hint="the value is the count (e.g. patients seen within 15 minutes), the denominator the total",
        )


def duplicates(
    measure: Measure, existing: Sequence[tuple[dt.date, float]], new: Sequence[Entry]
) -> list[str]:
    """Why new entries would duplicate dates already recorded (or each other)."""
    if kind(measure.chart).subgroups:
        return []
    seen = {d: v for d, v in existing}
    problems = []
    for e in new:
        if e.date in seen:
            problems.append(f"{e.date} already has a value ({seen[e.date]:g})")
        else:
            seen[e.date] = e.value
    return problems
