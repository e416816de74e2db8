"""Centre lines and limits, one function per chart kind (qicharts2's ``qic.*`` functions).

Each function takes the subgroups of one part, which of them are in the baseline, and
whether to screen large moving ranges, and returns the plotted values with their lines.
:mod:`microsys.spc.kinds` says which function each chart kind uses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from microsys.spc import stats
from microsys.spc.stats import NAN, isnan

MR_SCREEN = 3.267
D2 = 1.128
NHS_LIMIT = 2.66


class ChartError(ValueError):
    """The data cannot make this chart (e.g. a t chart with a time of zero)."""


@dataclass(slots=True)
class Subgroup:
    """The rows sharing one x, aggregated."""

    x: float
    y: float
    n: float
    y_sum: float
    y_length: int
    y_mean: float
    y_sd: float
    note: str | None


@dataclass
class Lines:
    """Plotted values of one part with their centre line, 3-sigma and 2-sigma limits (NaN: none)."""

    y: list[float]
    cl: list[float]
    lcl: list[float]
    ucl: list[float]
    lcl2: list[float]
    ucl2: list[float]


# subgroups of one part, which are in the baseline, screen large moving ranges
LimitFunction = Callable[[Sequence[Subgroup], Sequence[bool], bool], Lines]


def _const(v: float, k: int) -> list[float]:
    return [v] * k


def _amr(values: Sequence[float], screen: bool) -> float:
    mr = stats.abs_diff(values)
    amr = stats.mean(mr)
    if screen:
        ulmr = MR_SCREEN * amr
        amr = stats.mean([v for v in mr if v < ulmr])
    return amr


def _symmetric(y: list[float], cl: list[float], sd: Sequence[float]) -> Lines:
    return Lines(
        y=y,
        cl=cl,
        lcl=[c - 3 * s for c, s in zip(cl, sd, strict=True)],
        ucl=[c + 3 * s for c, s in zip(cl, sd, strict=True)],
        lcl2=[c - 2 * s for c, s in zip(cl, sd, strict=True)],
        ucl2=[c + 2 * s for c, s in zip(cl, sd, strict=True)],
    )


def _clip(values: list[float], low: float | None = None, high: float | None = None) -> list[float]:
    out = []
    for v in values:
        if low is not None and math.isfinite(v) and v < low:
            v = low
        if high is not None and math.isfinite(v) and v > high:
            v = high
        out.append(v)
    return out


def _baseline_y(sg: Sequence[Subgroup], base: Sequence[bool]) -> list[float]:
    return [s.y for s, b in zip(sg, base, strict=True) if b]


def run(sg: Sequence[Subgroup], base: Sequence[bool], screen: bool) -> Lines:
    """Run chart: the median, no limits."""
    k = len(sg)
    cl = stats.median(_baseline_y(sg, base))
    none = _const(NAN, k)
    return Lines([s.y for s in sg], _const(cl, k), none, list(none), list(none), list(none))


def individuals(sg: Sequence[Subgroup], base: Sequence[bool], screen: bool) -> Lines:
    """I chart: mean ± 3 sigma from the average moving range."""
    k = len(sg)
    by = _baseline_y(sg, base)
    cl = stats.mean(by)
    sigma = _amr(by, screen) / D2
    return _symmetric([s.y for s in sg], _const(cl, k), _const(sigma, k))


def moving_range(sg: Sequence[Subgroup], base: Sequence[bool], screen: bool) -> Lines:
    """Moving range chart: the ranges between neighbours, upper limit 3.267 × their mean."""
    k = len(sg)
    mr = [NAN, *stats.abs_diff([s.y for s in sg])]
    cl = stats.mean([v for v, b in zip(mr, base, strict=True) if b])
    return Lines(
        mr,
        _const(cl, k),
        _const(0.0, k),
        _const(MR_SCREEN * cl, k),
        _const(0.0, k),
        _const(MR_SCREEN / 3 * 2 * cl, k),
    )


def _pooled_sd(sg: Sequence[Subgroup], base: Sequence[bool]) -> tuple[list[float], list[int], float]:
    """Subgroup sizes, baseline sizes and the pooled standard deviation of the baseline."""
    lengths = [float(s.y_length) for s in sg]
    bl = [s.y_length for s, b in zip(sg, base, strict=True) if b]
    bsd = [s.y_sd for s, b in zip(sg, base, strict=True) if b]
    if len(set(lengths)) > 1:
        pooled = math.sqrt(
            stats.total([(n - 1) * v**2 for n, v in zip(bl, bsd, strict=True)])
            / stats.total([float(n - 1) for n in bl])
        )
    else:
        pooled = stats.mean(bsd)
    return lengths, bl, pooled


def xbar(sg: Sequence[Subgroup], base: Sequence[bool], screen: bool) -> Lines:
    """X-bar chart: subgroup means around the weighted grand mean."""
    k = len(sg)
    lengths, bl, pooled = _pooled_sd(sg, base)
    bmean = [s.y_mean for s, b in zip(sg, base, strict=True) if b]
    cl = stats.total([n * m for n, m in zip(bl, bmean, strict=True)]) / stats.total([float(n) for n in bl])
    return Lines(
        [s.y_mean for s in sg],
        _const(cl, k),
        [cl - stats.a3(n) * pooled for n in lengths],
        [cl + stats.a3(n) * pooled for n in lengths],
        [cl - stats.a3(n, 2) * pooled for n in lengths],
        [cl + stats.a3(n, 2) * pooled for n in lengths],
    )


def sd(sg: Sequence[Subgroup], base: Sequence[bool], screen: bool) -> Lines:
    """S chart: subgroup standard deviations around the pooled one."""
    k = len(sg)
    lengths, _, cl = _pooled_sd(sg, base)
    return Lines(
        [s.y_sd for s in sg],
        _const(cl, k),
        [stats.b3(n) * cl for n in lengths],
        [stats.b4(n) * cl for n in lengths],
        [stats.b3(n, 2) * cl for n in lengths],
        [stats.b4(n, 2) * cl for n in lengths],
    )


def time_between(sg: Sequence[Subgroup], base: Sequence[bool], screen: bool) -> Lines:
    """T chart: an I chart of the times transformed by the power 1/3.6, then back."""
    k = len(sg)
    y = [s.y for s in sg]
    present = [v for v in y if not isnan(v)]
    if present and min(present) <= 0:
        raise ChartError("a t chart needs times between events greater than zero")
    ty = [math.pow(v, 1 / 3.6) if not isnan(v) else NAN for v in y]
    bty = [v for v, b in zip(ty, base, strict=True) if b]
    cl = stats.mean(bty)
    sigma = _amr(bty, screen) / D2
    lines = _symmetric(ty, _const(cl, k), _const(sigma, k))

    def back(v: float) -> float:
        if isnan(v):
            return NAN
        if v < 0:
            return NAN  # R: a negative number to a fractional power is NaN
        return math.pow(v, 3.6)

    lcl = [back(v) for v in lines.lcl]
    lcl = [0.0 if isnan(v) or v < 0 else v for v in lcl]
    return Lines(
        y,
        [back(v) for v in lines.cl],
        lcl,
        [back(v) for v in lines.ucl],
        [back(v) for v in lines.lcl2],
        [back(v) for v in lines.ucl2],
    )


def _rate(
    sg: Sequence[Subgroup], base: Sequence[bool], screen: bool, *, proportion: bool, laney: bool
) -> Lines:
    """P, P', U and U' charts: a pooled proportion or rate, limits by each subgroup's size."""
    k = len(sg)
    y = [s.y for s in sg]
    n = [s.n for s in sg]
    bsum = stats.total([s.y_sum for s, b in zip(sg, base, strict=True) if b])
    bn = stats.total([s.n for s, b in zip(sg, base, strict=True) if b])
    cl = bsum / bn if bn else NAN
    sds = [
        math.sqrt(cl * (1 - cl) / m)
        if proportion and m > 0 and 0 <= cl <= 1
        else math.sqrt(cl / m)
        if not proportion and m > 0 and cl >= 0
        else NAN
        for m in n
    ]
    if laney:
        z = [(v - cl) / s if s and not isnan(s) else NAN for v, s, b in zip(y, sds, base, strict=True) if b]
        sigma_z = _amr(z, screen) / D2
        sds = [s * sigma_z for s in sds]
    lines = _symmetric(y, _const(cl, k), sds)
    high = 1.0 if proportion else None
    return Lines(
        y,
        lines.cl,
        _clip(lines.lcl, 0.0),
        _clip(lines.ucl, None, high),
        _clip(lines.lcl2, 0.0),
        _clip(lines.ucl2, None, high),
    )


def proportion(sg: Sequence[Subgroup], base: Sequence[bool], screen: bool) -> Lines:
    """P chart: a proportion with binomial limits."""
    return _rate(sg, base, screen, proportion=True, laney=False)


def proportion_laney(sg: Sequence[Subgroup], base: Sequence[bool], screen: bool) -> Lines:
    """P' chart: P chart limits widened by the variation between subgroups (Laney)."""
    return _rate(sg, base, screen, proportion=True, laney=True)


def rate(sg: Sequence[Subgroup], base: Sequence[bool], screen: bool) -> Lines:
    """U chart: a rate with Poisson limits."""
    return _rate(sg, base, screen, proportion=False, laney=False)


def rate_laney(sg: Sequence[Subgroup], base: Sequence[bool], screen: bool) -> Lines:
    """U' chart: U chart limits widened by the variation between subgroups (Laney)."""
    return _rate(sg, base, screen, proportion=False, laney=True)


def count(sg: Sequence[Subgroup], base: Sequence[bool], screen: bool) -> Lines:
    """C chart: the subgroup's total count with Poisson limits."""
    k = len(sg)
    ysum = [s.y_sum for s in sg]
    cl = stats.mean([v for v, b in zip(ysum, base, strict=True) if b])
    sigma = math.sqrt(cl) if cl >= 0 else NAN
    lines = _symmetric(ysum, _const(cl, k), _const(sigma, k))
    return Lines(ysum, lines.cl, _clip(lines.lcl, 0.0), lines.ucl, _clip(lines.lcl2, 0.0), lines.ucl2)


def geometric(sg: Sequence[Subgroup], base: Sequence[bool], screen: bool) -> Lines:
    """G chart: cases between events, geometric limits around the mean, the median drawn."""
    k = len(sg)
    by = _baseline_y(sg, base)
    mean = stats.mean(by)
    sigma = math.sqrt(mean * (mean + 1)) if mean >= 0 else NAN
    lines = _symmetric([s.y for s in sg], _const(mean, k), _const(sigma, k))
    cl = stats.median(by)  # qicharts2 draws the median as the g chart's centre line
    return Lines(lines.y, _const(cl, k), _clip(lines.lcl, 0.0), lines.ucl, _clip(lines.lcl2, 0.0), lines.ucl2)


def nhs_xmr(sg: Sequence[Subgroup], base: Sequence[bool], screen: bool) -> Lines:
    """Making Data Count XmR limits: mean ± 2.66 × average moving range."""
    k = len(sg)
    by = _baseline_y(sg, base)
    mean = stats.mean(by)
    amr = _amr(by, screen)
    return Lines(
        [s.y for s in sg],
        _const(mean, k),
        _const(mean - NHS_LIMIT * amr, k),
        _const(mean + NHS_LIMIT * amr, k),
        _const(mean - 2 / 3 * NHS_LIMIT * amr, k),
        _const(mean + 2 / 3 * NHS_LIMIT * amr, k),
    )
