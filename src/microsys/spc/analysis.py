"""Run and control chart analysis.

The flow follows qicharts2's ``qic()``: rows sharing an x are aggregated into one
subgroup; subgroups are split into parts (phases); each part gets its centre
line and limits from its baseline points (all included points, or the first K
with ``freeze``); runs analysis is done per part; then the chosen rule set
marks signals and the direction of improvement types them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from microsys.spc import stats
from microsys.spc.kinds import (
    CHART_TYPES,
    RULE_SETS,
    ChartKind,
    ChartType,
    Direction,
    RuleSet,
    kind,
)
from microsys.spc.limits import ChartError, LimitFunction, Lines, Subgroup
from microsys.spc.mdc import ASSURANCE_WORDS, Assurance, Variation, variation_of
from microsys.spc.stats import NAN, isnan

PointType = Literal["common", "improvement", "concern", "neutral"]


MIN_LIMIT_POINTS = 12
"""Points (with values, in the baseline) a phase needs before control limits are computed.

Fewer give limits too unsteady to judge by: NHSRplotthedots fixes limits on 12 points
and calls limits from fewer "trial limits"; The Health Care Data Guide (Provost and
Murray, 2011, p. 155) asks for 20 to 30 for an I chart. docs/chart-json.md, "Minimum points".
"""
MIN_RUNS_POINTS = 10
"""Points (with values) a phase needs before runs analysis and its rules are applied.

Anhøj and Olesen's tables of run chart limits (PLoS ONE 2014) and Balestracci's table
of the expected number of runs (Data Sanity) start at 10 points.
"""


@dataclass(frozen=True)
class ChartOptions:
    """How to analyse a series."""

    chart: ChartType = "run"
    rules: RuleSet = "anhoej"
    direction: Direction = "neutral"
    target: float | None = None
    freeze: int | None = None
    parts: tuple[int, ...] = ()
    exclude: frozenset[int] = field(default_factory=frozenset)
    screen_mr: bool = True
    min_limit_points: int = MIN_LIMIT_POINTS
    """Fewer baseline points in a phase: no control limits there (0: always, as qicharts2)."""
    min_runs_points: int = MIN_RUNS_POINTS
    """Fewer points in a phase: no runs analysis or signals there (0: always, as qicharts2)."""


@dataclass(frozen=True, slots=True)
class Point:
    """One plotted point (one subgroup) with its lines and signals. Missing values are None."""

    x: float
    y: float | None
    n: float | None
    part: int
    baseline: bool
    included: bool
    cl: float | None
    lcl: float | None
    ucl: float | None
    lcl_2sigma: float | None
    ucl_2sigma: float | None
    sigma_signal: bool
    runs_signal: bool
    signal: bool
    point_type: PointType
    note: str | None = None


@dataclass(frozen=True)
class PartSummary:
    """Runs analysis and average lines of one part (phase)."""

    part: int
    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    crossings: int | None
    crossings_min: int | None
    runs_signal: bool
    cl: float | None
    lcl: float | None
    ucl: float | None
    findings: tuple[str, ...] = ()
    points: int = 0
    """Included points with a value: what the minimums are counted in."""
    judged: bool = True
    """Enough points for runs analysis (:data:`MIN_RUNS_POINTS`): signals were looked for."""
    limits: bool = True
    """Control limits were computed (enough baseline points, and a kind that has limits)."""


@dataclass(frozen=True)
class Analysis:
    """The result: points in x order, a summary per part, the Making Data Count summary.

    ``variation`` is the type of the latest point and ``assurance`` the target verdict,
    in NHSRplotthedots' words (:mod:`microsys.spc.mdc`). ``recent`` is what the chart's
    variation icon, ``status``, the data wall and the export show: the latest phase's
    most recent special cause (see :func:`_recent`).
    """

    chart: ChartType
    rules: RuleSet
    direction: Direction
    target: float | None
    parts: tuple[PartSummary, ...]
    points: tuple[Point, ...]
    assurance: Assurance | None
    variation: Variation | None = None
    recent: Variation | None = None
    min_limit_points: int = MIN_LIMIT_POINTS
    min_runs_points: int = MIN_RUNS_POINTS

    @property
    def verdict(self) -> str:
        """The rule verdict of the latest part in words, for the chart's subtitle."""
        last = self.parts[-1] if self.parts else None
        if last is None:
            return "No data"
        row = kind(self.chart)
        if not last.judged:
            need = f"runs analysis needs {self.min_runs_points}"
            if row.control_limits:
                need += f", limits {self.min_limit_points}"
            return f"Too few points to judge yet: {_count(last.points)} ({need})"
        # One sentence: findings after the first go on in lower case ("...limits; too few crossings").
        words = "; ".join(f if i == 0 else f[:1].lower() + f[1:] for i, f in enumerate(last.findings))
        if not words:
            what = "median" if row.median else "centre line"
            words = f"Random variation only: no signal around the {what} ({last.n_useful} useful points)"
        if row.control_limits and not last.limits:
            words += f"; no control limits until {self.min_limit_points} points ({last.points} so far)"
        return words

    @property
    def target_words(self) -> str:
        """The target verdict in words, or why there is none; "" without a target to judge.

        A target is never said to be failed (or met) from limits computed over a process
        that changed: the latest part then shows a shift or trend, and the words say so.
        """
        if self.assurance is not None:
            return ASSURANCE_WORDS[self.assurance]
        last = self.parts[-1] if self.parts else None
        if self.target is None or self.direction == "neutral" or last is None:
            return ""
        if last.runs_signal and last.limits:
            return "target not judged: the process shifted"
        return ""


def _count(n: int) -> str:
    return f"{n} point{'' if n == 1 else 's'}"


# ---------------------------------------------------------------------------
# Aggregation into subgroups


def _aggregate(
    xs: Sequence[float],
    ys: Sequence[float | None],
    ns: Sequence[float | None] | None,
    notes: Sequence[str | None] | None,
) -> list[Subgroup]:
    got_n = ns is not None
    groups: dict[float, list[int]] = {}
    for i, x in enumerate(xs):
        groups.setdefault(x, []).append(i)
    out: list[Subgroup] = []
    for x in sorted(groups):
        rows = groups[x]
        if len(rows) == 1:
            out.append(_single(x, rows[0], ys, ns, notes))
            continue
        y = [_float(ys[i]) for i in rows]
        n = [_float(ns[i]) if ns is not None else NAN for i in rows]
        if got_n:
            # Like qicharts2: a value without its denominator (or the reverse) is missing.
            for j in range(len(rows)):
                if isnan(y[j]) or isnan(n[j]):
                    y[j] = n[j] = NAN
        present = [v for v in y if not isnan(v)]
        y_sum = stats.total(y) if len(y) > 1 else y[0]
        n_sum = stats.total(n) if got_n else NAN
        value = (stats.total(y) / n_sum if n_sum else NAN) if got_n else stats.mean(y)
        text = [str(notes[i]) for i in rows if notes is not None and notes[i]]
        out.append(
            Subgroup(
                x=x,
                y=value,
                n=n_sum,
                y_sum=y_sum,
                y_length=len(present),
                y_mean=stats.mean(y),
                y_sd=stats.sd(y),
                note=" | ".join(dict.fromkeys(text)) if text else None,
            )
        )
    return out


def _single(
    x: float,
    i: int,
    ys: Sequence[float | None],
    ns: Sequence[float | None] | None,
    notes: Sequence[str | None] | None,
) -> Subgroup:
    """The subgroup of one row: what the general case gives, without its lists (long series)."""
    y = _float(ys[i])
    n = _float(ns[i]) if ns is not None else NAN
    if ns is not None and (isnan(y) or isnan(n)):
        y, n = NAN, 0.0  # the general case's sum of no denominators
    value = (y / n if n else NAN) if ns is not None else y
    note = notes[i] if notes is not None else None
    return Subgroup(
        x=x,
        y=value,
        n=n,
        y_sum=y,
        y_length=0 if isnan(y) else 1,
        y_mean=y,
        y_sd=NAN,
        note=str(note) if note else None,
    )


def _float(v: float | None) -> float:
    return NAN if v is None else float(v)


def _part_numbers(breaks: Sequence[int], count: int) -> list[int]:
    """qicharts2's makeparts: part number of each subgroup from break points."""
    points = sorted({0, *(b for b in breaks if 0 <= b < count)})
    out: list[int] = []
    for k, start in enumerate(points):
        end = points[k + 1] if k + 1 < len(points) else count
        out.extend([k + 1] * (end - start))
    return out


# ---------------------------------------------------------------------------
# Runs analysis and rule sets


@dataclass
class _Runs:
    n_obs: int
    n_useful: int
    longest: int | None
    longest_side: int
    crossings: int | None
    runs: list[tuple[int, int, list[int]]]  # (side, length, point indices)


def _runs(y: list[float], cl: list[float], include: list[bool]) -> _Runs:
    sides: list[tuple[int, int]] = []
    n_obs = 0
    for i, (v, c, inc) in enumerate(zip(y, cl, include, strict=True)):
        if not inc:
            continue
        n_obs += 1
        s = stats.sign(v - c) if not (isnan(v) or isnan(c)) else 0
        if s:
            sides.append((s, i))
    runs: list[tuple[int, int, list[int]]] = []
    for s, i in sides:
        if runs and runs[-1][0] == s:
            runs[-1][2].append(i)
            runs[-1] = (s, runs[-1][1] + 1, runs[-1][2])
        else:
            runs.append((s, 1, [i]))
    if not runs:
        return _Runs(n_obs, 0, None, 0, None, [])
    longest = max(r[1] for r in runs)
    side = next(r[0] for r in runs if r[1] == longest)
    return _Runs(n_obs, len(sides), longest, side, len(runs) - 1, runs)


def _side_word(side: int) -> str:
    return "above" if side > 0 else "below"


def _trend_members(y: list[float], idx: list[int], length: int) -> dict[int, int]:
    """Points in a run of ``length`` or more points all going up or all going down.

    IHI convention: a value equal to the one before it is ignored (it neither counts
    nor breaks the trend); missing values are skipped.
    """
    seq: list[int] = []
    for i in idx:
        if isnan(y[i]) or (seq and y[i] == y[seq[-1]]):
            continue
        seq.append(i)
    members: dict[int, int] = {}
    start = 0
    for j in range(1, len(seq) + 1):
        same = (
            j < len(seq)
            and j - start >= 2
            and (stats.sign(y[seq[j]] - y[seq[j - 1]]) == stats.sign(y[seq[j - 1]] - y[seq[j - 2]]))
        )
        if same:
            continue
        if j - start >= length:
            direction = stats.sign(y[seq[j - 1]] - y[seq[start]])
            for i in seq[start:j]:
                members[i] = direction
        start = max(j - 1, 0)
    return members


@dataclass
class _Flags:
    sigma: list[bool]
    special: list[int]  # side (+1 above/increasing, -1 below/decreasing), 2 for neutral, 0 none
    part_signal: bool
    findings: list[str]
    longest_max: int | None
    crossings_min: int | None


def _anhoej(lines: Lines, include: list[bool], runs: _Runs, chart: ChartKind) -> _Flags:
    k = len(lines.y)
    sigma = _sigma(lines)
    special = [0] * k
    findings: list[str] = []
    longest_max = crossings_min = None
    signal = False
    if runs.n_useful:
        longest_max = round(math.log2(runs.n_useful)) + 3
        crossings_min = stats.qbinom_05_half(max(runs.n_useful - 1, 0))
        long_run = runs.longest is not None and runs.longest > longest_max
        few = runs.crossings is not None and runs.crossings < crossings_min
        signal = (long_run or few) and chart.runs_signals
        line = "median" if chart.median else "centre line"
        if signal and long_run:
            findings.append(
                f"Unusually long run: {runs.longest} points {_side_word(runs.longest_side)} the {line}, "
                f"limit {longest_max}"
            )
            for side, run_length, members in runs.runs:
                if run_length > longest_max:
                    for i in members:
                        special[i] = side
        if signal and few:
            findings.append(
                f"Too few crossings of the {line}: {runs.crossings}, expected at least {crossings_min}"
            )
    _add_sigma(special, sigma, lines)
    _sigma_words(findings, sigma)
    return _Flags(sigma, special, signal, findings, longest_max, crossings_min)


def _ihi(lines: Lines, include: list[bool], runs: _Runs, chart: ChartKind) -> _Flags:
    k = len(lines.y)
    sigma = _sigma(lines)
    special = [0] * k
    findings: list[str] = []
    line = "median" if chart.median else "centre line"
    shift = [r for r in runs.runs if r[1] >= 6]
    for side, _length, members in shift:
        for i in members:
            special[i] = side
    if shift:
        longest = max(shift, key=lambda r: r[1])
        findings.append(f"Shift: {longest[1]} points in a row {_side_word(longest[0])} the {line}")
    idx = [i for i in range(k) if include[i]]
    trend = _trend_members(lines.y, idx, 5)
    for i, direction in trend.items():
        if not special[i]:
            special[i] = direction
    if trend:
        findings.append("Trend: 5 or more points in a row going " + ("up" if 1 in trend.values() else "down"))
    limits = stats.runs_limits_ihi(runs.n_useful)
    crossings_min = None
    few_or_many = False
    if limits is not None and runs.crossings is not None:
        lower, upper = limits
        crossings_min = lower - 1
        n_runs = runs.crossings + 1
        if n_runs < lower:
            findings.append(f"Too few runs: {n_runs}, expected at least {lower}")
            few_or_many = True
        elif n_runs > upper:
            findings.append(f"Too many runs: {n_runs}, expected at most {upper}")
            few_or_many = True
    _add_sigma(special, sigma, lines)
    _sigma_words(findings, sigma)
    signal = bool(shift or trend or few_or_many) and chart.runs_signals
    return _Flags(sigma, special, signal, findings, 5, crossings_min)


def _nhs(lines: Lines, include: list[bool], runs: _Runs, chart: ChartKind) -> _Flags:
    """NHSRplotthedots precedence: outside limits, 7-point trend, 2 of 3 near limits, 7 one side."""
    k = len(lines.y)
    y = lines.y
    outside = _sigma(lines)
    rel = [stats.sign(v - c) if not (isnan(v) or isnan(c)) else 0 for v, c in zip(y, lines.cl, strict=True)]
    close = [
        (not outside[i])
        and not isnan(y[i])
        and (
            (not isnan(lines.lcl2[i]) and y[i] < lines.lcl2[i])
            or (not isnan(lines.ucl2[i]) and y[i] > lines.ucl2[i])
        )
        for i in range(k)
    ]
    # 7-point trend: each point and the 6 before it strictly rising or falling
    # (ptd_seven_point_trend), found from the length of the current rise or fall.
    trend_end = [0] * k
    streak = 0
    for i in range(1, k):
        step = stats.sign(y[i] - y[i - 1]) if not (isnan(y[i]) or isnan(y[i - 1])) else 0
        streak = streak + step if step and streak * step > 0 else step
        if abs(streak) >= 6:
            trend_end[i] = 1 if streak > 0 else -1
    in_trend = _spread_back(trend_end, 7)
    trend = [_trend_direction(y, in_trend, i) if in_trend[i] else 0 for i in range(k)]
    # 2 of 3 consecutive points beyond 2 sigma (inside the limits), all three on one side.
    two3 = [0] * k
    for i in range(k):
        if not close[i]:
            continue
        for start in (i - 2, i - 1, i):
            if start < 0 or start + 3 > k:
                continue
            trio = range(start, start + 3)
            if sum(close[j] for j in trio) >= 2 and abs(sum(rel[j] for j in trio)) == 3:
                two3[i] = rel[i]
                break
    # 7 points in a row on one side of the mean.
    side_end = [0] * k
    streak = 0
    for i in range(k):
        streak = streak + 1 if i and rel[i] and rel[i] == rel[i - 1] else (1 if rel[i] else 0)
        if streak >= 7:
            side_end[i] = rel[i]
    side7 = _spread_back(side_end, 7)
    special = [0] * k
    findings: list[str] = []
    for i in range(k):
        if outside[i]:
            special[i] = rel[i]
        elif trend[i]:
            special[i] = trend[i]
        elif two3[i]:
            special[i] = two3[i]
        elif side7[i]:
            special[i] = side7[i]
    _sigma_words(findings, outside)
    if any(trend):
        findings.append("7-point trend " + ("up" if 1 in trend else "down"))
    if any(two3):
        findings.append("2 of 3 points close to a limit")
    if any(side7):
        findings.append("7 or more points in a row " + _side_word(next(v for v in side7 if v)) + " the mean")
    # The part-level flag is for patterns of runs; points outside the limits are sigma signals.
    patterns = any(trend) or any(two3) or any(side7)
    return _Flags(outside, special, patterns and chart.runs_signals, findings, None, None)


def _spread_back(ends: list[int], length: int) -> list[int]:
    """Mark every point of a pattern of ``length`` points, given the points where one ends.

    Like NHSRplotthedots' ``ptd_part_of_seven_trend``: a point is part of a pattern when
    the pattern ends at it or at one of the ``length - 1`` points after it; it takes the
    mark of the first such end.
    """
    k = len(ends)
    out = [0] * k
    following = 0  # the mark of the nearest end at or after i, within reach
    reach = -1
    for i in range(k - 1, -1, -1):
        if ends[i]:
            following, reach = ends[i], i
        if reach >= 0 and reach - i < length:
            out[i] = following
    return out


def _trend_direction(y: list[float], in_trend: list[int], i: int) -> int:
    """The direction of the trend a point belongs to, by NHSRplotthedots' precedence.

    ``ptd_special_cause_type`` takes the step to the right when the next point is also in
    a trend, else the step from the left: a peak that ends a 7-point rise and starts a
    7-point fall belongs to the fall (and a trough to the rise). Where the step to the
    right is flat the package would call the point decreasing whatever the trend; this
    takes the step from the left instead (docs/chart-json.md, "Differences kept").
    """
    k = len(y)
    if i + 1 < k and in_trend[i + 1] and y[i + 1] != y[i] and not isnan(y[i + 1]):
        return stats.sign(y[i + 1] - y[i])
    if i > 0 and not isnan(y[i - 1]) and y[i] != y[i - 1]:
        return stats.sign(y[i] - y[i - 1])
    return in_trend[i]


def _sigma(lines: Lines) -> list[bool]:
    out = []
    for v, lo, hi in zip(lines.y, lines.lcl, lines.ucl, strict=True):
        above = not isnan(v) and not isnan(hi) and v > hi
        below = not isnan(v) and not isnan(lo) and v < lo
        out.append(above or below)
    return out


def _add_sigma(special: list[int], sigma: list[bool], lines: Lines) -> None:
    for i, flagged in enumerate(sigma):
        if flagged:
            special[i] = stats.sign(lines.y[i] - lines.cl[i]) or 2


def _sigma_words(findings: list[str], sigma: list[bool]) -> None:
    count = sum(sigma)
    if count:
        findings.insert(0, f"{count} point{'s' if count != 1 else ''} outside the control limits")


_RULES = {"anhoej": _anhoej, "ihi": _ihi, "nhs": _nhs}


def _point_type(side: int, direction: str) -> PointType:
    if side == 0:
        return "common"
    if side == 2 or direction == "neutral":
        return "neutral"
    good = 1 if direction == "up" else -1
    return "improvement" if side == good else "concern"


def _none(v: float) -> float | None:
    return None if not math.isfinite(v) else v


def analyse(
    xs: Sequence[float],
    ys: Sequence[float | None],
    ns: Sequence[float | None] | None = None,
    options: ChartOptions | None = None,
    notes: Sequence[str | None] | None = None,
) -> Analysis:
    """Analyse a series: x values (numbers; dates as ordinals), y values, optional denominators.

    Rows that share an x are one subgroup. Raises ChartError when the data cannot
    make the chart (no denominators for a p chart, times of zero on a t chart).
    """
    opts = options or ChartOptions()
    if opts.chart not in CHART_TYPES:
        raise ChartError(f"unknown chart type `{opts.chart}`; use one of {', '.join(CHART_TYPES)}")
    if opts.rules not in RULE_SETS:
        raise ChartError(f"unknown rule set `{opts.rules}`; use anhoej, ihi or nhs")
    if len(ys) != len(xs) or (ns is not None and len(ns) != len(xs)):
        raise ChartError("x, y and n must have the same length")
    row = kind(opts.chart)
    if row.denominator and ns is None:
        raise ChartError(f"a {opts.chart} chart needs a denominator (n) for every value")
    sg = _aggregate(xs, ys, ns, notes)
    count = len(sg)
    breaks = tuple(opts.parts)
    # qicharts2 ignores a freeze when there are parts; NHSRplotthedots fixes the limits on
    # the first N points of each rebase group (ptd_spc_standard: row_number() within
    # the group), so under the nhs rules the baseline counts from each part's start.
    per_part = opts.rules == "nhs"
    freeze = math.inf if opts.freeze is None or (breaks and not per_part) else opts.freeze
    part_of = _part_numbers(breaks, count)
    points: list[Point] = []
    summaries: list[PartSummary] = []
    last_side = 0
    last_special: list[int] = []
    last_runs: _Runs | None = None
    for part in sorted(set(part_of)):
        idx = [i for i in range(count) if part_of[i] == part]
        sub = [sg[i] for i in idx]
        include = [(i + 1) not in opts.exclude for i in idx]
        base = [
            ((j if per_part else i) + 1) <= freeze and inc
            for j, (i, inc) in enumerate(zip(idx, include, strict=True))
        ]
        compute = row.nhs_limits if opts.rules == "nhs" and row.nhs_limits is not None else row.limits
        lines = compute(sub, base, opts.screen_mr)
        present = sum(1 for s, inc in zip(sub, include, strict=True) if inc and not isnan(s.y))
        in_base = sum(1 for s, b in zip(sub, base, strict=True) if b and not isnan(s.y))
        has_limits = row.control_limits and in_base >= opts.min_limit_points
        if not has_limits:
            # Limits from too few points would be drawn and read as if they could be trusted.
            lines.lcl = lines.ucl = lines.lcl2 = lines.ucl2 = [NAN] * len(lines.y)
        runs = _runs(lines.y, lines.cl, include)
        judged = present >= opts.min_runs_points
        flags = (
            _RULES[opts.rules](lines, include, runs, row)
            if judged
            else _Flags([False] * len(lines.y), [0] * len(lines.y), False, [], None, None)
        )
        summaries.append(
            PartSummary(
                part=part,
                n_obs=runs.n_obs,
                n_useful=runs.n_useful,
                longest_run=runs.longest,
                longest_run_max=flags.longest_max,
                crossings=runs.crossings,
                crossings_min=flags.crossings_min,
                runs_signal=flags.part_signal,
                cl=_none(stats.mean([v for v in lines.cl if math.isfinite(v)])),
                lcl=_none(stats.mean([v for v in lines.lcl if math.isfinite(v)])),
                ucl=_none(stats.mean([v for v in lines.ucl if math.isfinite(v)])),
                findings=tuple(flags.findings),
                points=present,
                judged=judged,
                limits=has_limits,
            )
        )
        tail = flags.special[-1] if flags.special else 0
        # A signal with no side (on the centre line) is "Below" to the package (ifelse(rtm > 0)).
        last_side = -1 if tail == 2 else tail
        last_special, last_runs = flags.special, runs
        for j, i in enumerate(idx):
            side = flags.special[j]
            points.append(
                Point(
                    x=sg[i].x,
                    y=_none(lines.y[j]),
                    n=_none(sg[i].n) if ns is not None else None,
                    part=part,
                    baseline=base[j],
                    included=include[j],
                    cl=_none(lines.cl[j]),
                    lcl=_none(lines.lcl[j]),
                    ucl=_none(lines.ucl[j]),
                    lcl_2sigma=_none(lines.lcl2[j]),
                    ucl_2sigma=_none(lines.ucl2[j]),
                    sigma_signal=flags.sigma[j],
                    runs_signal=flags.part_signal,
                    # A point signals when it is itself part of a pattern; a part-level
                    # signal with no pattern to point at (too few crossings) is shown on
                    # the centre line, as qicharts2 does.
                    signal=flags.sigma[j] or side != 0,
                    point_type=_point_type(side, opts.direction),
                    note=sg[i].note,
                )
            )
    judged = bool(summaries) and summaries[-1].judged
    return Analysis(
        chart=opts.chart,
        rules=opts.rules,
        direction=opts.direction,
        target=opts.target,
        parts=tuple(summaries),
        points=tuple(points),
        assurance=_assurance(points, opts, summaries[-1] if summaries else None),
        variation=variation_of(last_side, opts.direction) if points and judged else None,
        recent=_recent(sg, part_of, (last_special, last_runs), opts, compute) if points else None,
        min_limit_points=opts.min_limit_points,
        min_runs_points=opts.min_runs_points,
    )


def _run_start(runs: _Runs | None) -> int:
    """Where the latest run (the points since the last crossing of the centre line) starts."""
    return runs.runs[-1][2][0] if runs is not None and runs.runs else 0


def _ongoing_side(special: Sequence[int], start: int, end: int) -> int:
    """The side (+1 high, -1 low) of the latest special-cause point from ``start`` to ``end``; 0: none."""
    for i in range(end - 1, start - 1, -1):
        if special[i]:
            # A point beyond the limits with the centre line at its value has no side: low, as above.
            return -1 if special[i] == 2 else special[i]
    return 0


def _recent(
    sg: Sequence[Subgroup],
    part_of: Sequence[int],
    latest: tuple[Sequence[int], _Runs | None],
    opts: ChartOptions,
    compute: LimitFunction,
) -> Variation:
    """The chart's variation as a dashboard shows it: a special cause still going on.

    NHSRplotthedots' ``variation`` looks at the latest point alone, so a measure reads
    as common cause as soon as its latest point is not itself part of a pattern, and a
    chart recalculated at the change (a new phase) almost always does. For a team's
    summary the question is whether the process changed and is still changed, so this is:

    1. in the latest phase, the type of the most recent special-cause point, when the
       data have not crossed the centre line since (it is in the latest run); else
    2. with two phases or more, the latest phase judged against the centre line and
       limits of the phase before it (did the change hold?): the same, there; else
    3. common cause.

    ``latest`` is the latest phase's signal sides and runs, as the chart found them.
    """
    special, runs = latest
    side = _ongoing_side(special, _run_start(runs), len(special))
    parts = sorted(set(part_of))
    if side == 0 and len(parts) >= 2:
        before, last = parts[-2], parts[-1]
        idx = [i for i, p in enumerate(part_of) if p in (before, last)]
        include = [(i + 1) not in opts.exclude for i in idx]
        base = [part_of[i] == before and inc for i, inc in zip(idx, include, strict=True)]
        lines = compute([sg[i] for i in idx], base, opts.screen_mr)
        joined = _runs(lines.y, lines.cl, include)
        flags = _RULES[opts.rules](lines, include, joined, kind(opts.chart))
        first = sum(1 for i in idx if part_of[i] == before)
        side = _ongoing_side(flags.special, max(first, _run_start(joined)), len(idx))
    return variation_of(side, opts.direction)


def _assurance(points: list[Point], opts: ChartOptions, last_part: PartSummary | None) -> Assurance | None:
    """Passing when the process always meets the target, failing when it never does.

    ``ptd_calculate_assurance_type``: the target against the latest point's limits. Not
    judged when the latest phase shows a pattern of runs (a shift or trend): its limits
    are then computed over a process that changed, and say nothing about the process now
    (a new phase where the change began gives limits to judge by).
    """
    if opts.target is None or opts.direction == "neutral" or not points:
        return None
    if last_part is not None and last_part.runs_signal:
        return None
    last = points[-1]
    if last.ucl is None or last.lcl is None:
        return None
    up = opts.direction == "up"
    if opts.target > last.ucl:
        return "consistent_fail" if up else "consistent_pass"
    if opts.target < last.lcl:
        return "consistent_pass" if up else "consistent_fail"
    return "inconsistent"


__all__ = ["Analysis", "ChartError", "ChartOptions", "PartSummary", "Point", "analyse"]
