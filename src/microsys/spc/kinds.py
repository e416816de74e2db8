"""The chart kinds: one row per kind, read by everything that treats kinds differently.

The schema's allowed values, the statistics, data entry, cross-reference checks, drawing
and the help text all come from :data:`KINDS`. Adding a kind is one row here plus its
limit function in :mod:`microsys.spc.limits`; ``tests/unit/test_chart_kinds.py`` walks the
table so a half-added kind fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from microsys.spc import limits
from microsys.spc.limits import LimitFunction

# The rule sets and directions a chart can be judged by (the command line lists them
# from here without loading the statistics).
RuleSet = Literal["anhoej", "ihi", "nhs"]
Direction = Literal["up", "down", "neutral"]
RULE_SETS: tuple[str, ...] = RuleSet.__args__  # type: ignore[attr-defined]
DIRECTIONS: tuple[str, ...] = Direction.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ChartKind:
    """What one chart kind needs and how its limits are computed."""

    id: str
    """What a measure's ``chart:`` and ``chart --type`` say, e.g. ``pp``."""
    title: str
    """The chart's name as drawn, e.g. "P' chart (Laney)"."""
    limits: LimitFunction
    """Centre line and limits of one part."""
    denominator: bool = False
    """Every value needs a denominator (what it is out of)."""
    proportion: bool = False
    """Values are a count out of the denominator: between 0 and it; shown as percentages."""
    non_negative: bool = False
    """Values count things or time between them, so cannot be negative."""
    subgroups: bool = False
    """Several values on one date are members of one subgroup (not duplicates)."""
    nhs_limits: LimitFunction | None = None
    """Limits under the NHS Making Data Count rules, when they differ."""
    median: bool = False
    """The centre line is a median (runs analysis speaks of "the median")."""
    runs_signals: bool = True
    """Runs rules can signal (not on a moving range chart, whose points are not independent)."""
    control_limits: bool = True
    """The kind has control limits (a run chart has only its median)."""


KINDS: tuple[ChartKind, ...] = (
    ChartKind("run", "Run chart", limits.run, median=True, control_limits=False),
    ChartKind("i", "I chart", limits.individuals, nhs_limits=limits.nhs_xmr),
    ChartKind("mr", "Moving range chart", limits.moving_range, runs_signals=False),
    ChartKind("xbar", "X-bar chart", limits.xbar, subgroups=True),
    ChartKind("s", "S chart", limits.sd, subgroups=True),
    ChartKind("t", "T chart", limits.time_between, non_negative=True),
    ChartKind("p", "P chart", limits.proportion, denominator=True, proportion=True, non_negative=True),
    ChartKind(
        "pp",
        "P' chart (Laney)",
        limits.proportion_laney,
        denominator=True,
        proportion=True,
        non_negative=True,
    ),
    ChartKind("c", "C chart", limits.count, non_negative=True),
    ChartKind("u", "U chart", limits.rate, denominator=True, non_negative=True),
    ChartKind("up", "U' chart (Laney)", limits.rate_laney, denominator=True, non_negative=True),
    ChartKind("g", "G chart", limits.geometric, non_negative=True),
)

BY_ID: dict[str, ChartKind] = {k.id: k for k in KINDS}
CHART_TYPES: tuple[str, ...] = tuple(BY_ID)

if TYPE_CHECKING:
    ChartType = str
else:
    # The schema's allowed values (and the JSON Schema's enum) come from the table.
    ChartType = Literal[CHART_TYPES]


def kind(chart: str) -> ChartKind:
    """The row of a chart kind.

    Raises:
        KeyError: for an id not in the table (the schema and options refuse those first).
    """
    return BY_ID[chart]


def is_proportion(chart: str | None) -> bool:
    """True for a kind whose values are proportions (False for unknown or no kind)."""
    row = BY_ID.get(chart or "")
    return row is not None and row.proportion


def choices_text() -> str:
    """The kinds as a sentence, for help text: "run, i, ... up or g"."""
    return ", ".join(CHART_TYPES[:-1]) + " or " + CHART_TYPES[-1]
