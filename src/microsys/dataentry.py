"""Reading values typed by people or exported from spreadsheets, and judging them.

Dates come in many shapes (ISO, 03/04/2026, 3 Apr 2026, Excel's
2026-04-03 00:00:00); numbers come with stray spaces. They are read by
:mod:`microsys.sheets`, as every CSV is, and every point is judged against its measure (denominators, counts
that cannot be negative, proportions that cannot exceed their denominator,
dates that cannot be in the future) before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from microsys import sheets
from microsys.schema.measures import Measure
from microsys.sheets import SheetError
from microsys.spc.kinds import kind


class EntryError(ValueError):
    """A value that cannot be read or cannot be true; the message says why, for a person."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def parse_date(text: str, *, month_first: bool = False, fmt: str | None = None) -> dt.date:
    """A date from ISO, day/month/year (or month/day/year), or with a month name.

    Read by :func:`microsys.sheets.parse_date`, as every CSV is.

    Raises:
        EntryError: the text is not a date this function can read, or not a real date.
    """
    try:
        return sheets.parse_date(text, "mdy" if month_first else "dmy", fmt)
    except SheetError as exc:
        hint = exc.hint
        if hint == sheets.values.DATE_HINT:
            hint += "; for other layouts give --date-format, e.g. --date-format %d%m%Y"
        raise EntryError(exc.message, hint) from None


def parse_number(text: str, what: str = "value", *, decimal_comma: bool = False) -> float:
    """A number (``12``, ``12.5``, ``-3``, ``1,234.5``) as :func:`microsys.sheets.parse_number` reads it.

    With ``decimal_comma`` (semicolon-separated exports), ``9,5`` is nine and a half.
    A percentage is refused: a measure's value is a count or a measurement.

    Raises:
        EntryError: the text is not a number, not finite, or a percentage.
    """
    try:
        number = sheets.parse_number(text, "," if decimal_comma else ".")
    except SheetError as exc:
        raise EntryError(f"the {what} {exc.message}", hint=exc.hint) from None
    if number.percent:
        raise EntryError(
            f"the {what} `{text.strip()}` is a percentage",
            hint="write the count (and its denominator), or the percentage as a number without %",
        )
    return number.value


def point_problem(chart: str, value: float, denominator: float | None) -> str | None:
    """Why a value (out of a denominator) cannot be true for a chart type, or None.

    A denominator of 0 means there was nothing to count: the value must be 0 too,
    and the point is a gap on the chart (there is no proportion or rate).
    """
    row = kind(chart)
    if row.non_negative and value < 0:
        return f"a {chart} chart counts things, so {value:g} cannot be right"
    if denominator is None:
        return None
    if denominator < 0:
        return f"the denominator {denominator:g} cannot be negative"
    if denominator == 0 and value != 0:
        return f"{value:g} out of 0 cannot be right: with nothing to count, the value is 0 too"
    if row.proportion and value > denominator:
        return f"{value:g} out of {denominator:g} is more than all of them"
    return None


ZERO_DENOMINATOR_NOTE = (
    "a denominator of 0 (nothing to count) has no proportion or rate: the chart shows a gap"
)


@dataclass(frozen=True)
class Entry:
    """One value to add."""

    date: dt.date
    value: float
    denominator: float | None = None
    note: str | None = None
    # Where it came from in an imported file (for messages), and whether it was written `45%`.
    row: int | None = None
    percent: bool = False


def judge(measure: Measure, entry: Entry, today: dt.date) -> None:
    """Refuse values that cannot be true for this measure.

    Raises:
        EntryError: with a message that says what is wrong and how to fix it.
    """
    chart = measure.chart
    row = kind(chart)
    if entry.percent and (row.proportion or not sheets.is_percent_unit(measure.definition.unit)):
        raise EntryError(
            f"{entry.value:g}% is a percentage, but {measure.id} is not measured in %",
            hint="write the count and its denominator"
            if row.proportion
            else f"write the value in {measure.definition.unit or 'the measure unit'}",
        )
    if entry.date > today:
        raise EntryError(
            f"{entry.date} is in the future",
            hint="check the date, and whether it is day/month or month/day",
        )
    if row.denominator and entry.denominator is None:
        raise EntryError(
            f"a {chart} chart needs the denominator "
            f"({measure.definition.denominator or 'what it is out of'})",
            hint="add --denominator N",
        )
    problem = point_problem(chart, entry.value, entry.denominator)
    if problem is not None:
        raise EntryError(
            problem,
            hint="the value is the count (e.g. patients seen within 15 minutes), the denominator the total"
            if entry.denominator is not None and row.proportion
            else None,
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
