"""Small numeric helpers with R's conventions (NaN for missing, na.rm where R uses it)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

NAN = float("nan")


def isnan(v: float) -> bool:
    """True for NaN (the missing value in this package)."""
    return v != v


def finite(values: Sequence[float]) -> list[float]:
    """The values that are not NaN or infinite."""
    return [v for v in values if math.isfinite(v)]


def mean(values: Sequence[float]) -> float:
    """The mean ignoring NaN, like R's ``mean(x, na.rm = TRUE)``; NaN when nothing is left."""
    kept = [v for v in values if not isnan(v)]
    return math.fsum(kept) / len(kept) if kept else NAN


def total(values: Sequence[float]) -> float:
    """The sum ignoring NaN, like R's ``sum(x, na.rm = TRUE)``."""
    return math.fsum(v for v in values if not isnan(v))


def median(values: Sequence[float]) -> float:
    """The median ignoring NaN, like R's ``median(x, na.rm = TRUE)``."""
    kept = sorted(v for v in values if not isnan(v))
    if not kept:
        return NAN
    mid = len(kept) // 2
    return kept[mid] if len(kept) % 2 else (kept[mid - 1] + kept[mid]) / 2


def sd(values: Sequence[float]) -> float:
    """The sample standard deviation ignoring NaN (R's ``sd``); NaN below two values."""
    kept = [v for v in values if not isnan(v)]
    if len(kept) < 2:
        return NAN
    m = math.fsum(kept) / len(kept)
    return math.sqrt(math.fsum((v - m) ** 2 for v in kept) / (len(kept) - 1))


def abs_diff(values: Sequence[float]) -> list[float]:
    """|x[i+1] - x[i]| (NaN where either is missing), like R's abs(diff(x))."""
    return [abs(b - a) for a, b in itertools.pairwise(values)]


def sign(v: float) -> int:
    """-1, 0 or 1; 0 for NaN."""
    if isnan(v) or v == 0:
        return 0
    return 1 if v > 0 else -1


# A float decision closer than this (relative) to its threshold is redone exactly. The
# log-space sums below lose about one ulp per term, so their relative error stays below
# 1e-10 up to 10^6 terms; 1e-9 leaves a wide margin and is reached only near ties.
_CLOSE = 1e-9


@lru_cache(maxsize=2048)
def qbinom_05_half(size: int) -> int:
    """R's qbinom(0.05, size, 0.5): smallest k with P(X <= k) >= 0.05, in linear time.

    The binomial terms are walked once in log space, each from the one before by the
    ratio (size - k) / (k + 1), so a million points cost a million additions instead of
    a million binomial coefficients. No probability is exactly 0.05 (2**size / 20 is not
    a whole number), and a decision within ``_CLOSE`` of it is redone in exact integers,
    so the result is the exact one (tests compare every size up to 2,000).
    """
    if size <= 0:
        return 0
    log_term = -size * math.log(2.0)  # log P(X = 0)
    cumulative = 0.0
    for k in range(size + 1):
        cumulative += math.exp(log_term)
        if cumulative >= 0.05:
            if abs(cumulative - 0.05) <= _CLOSE * 0.05 or abs(cumulative - math.exp(log_term) - 0.05) <= (
                _CLOSE * 0.05
            ):
                return _qbinom_05_half_exact(size)
            return k
        log_term += math.log((size - k) / (k + 1))
    return size  # pragma: no cover - the cumulative reaches 1


def _qbinom_05_half_exact(size: int) -> int:
    """The same quantile in exact integer arithmetic (quadratic in ``size``: only near ties)."""
    whole = 2**size
    term = 1  # comb(size, k)
    cumulative = 0
    for k in range(size + 1):
        cumulative += term
        if 20 * cumulative >= whole:
            return k
        term = term * (size - k) // (k + 1)
    return size  # pragma: no cover - the loop always returns


def c4(n: float) -> float:
    """The c4 bias-correction constant for subgroup size n (NaN for n <= 1)."""
    if isnan(n) or n <= 1:
        return NAN
    return math.sqrt(2 / (n - 1)) * math.exp(math.lgamma(n / 2) - math.lgamma((n - 1) / 2))


def c5(n: float) -> float:
    """sqrt(1 - c4^2)."""
    c = c4(n)
    return NAN if isnan(c) else math.sqrt(1 - c * c)


def a3(n: float, sigma: float = 3) -> float:
    """A3 constant for xbar limits from the pooled standard deviation."""
    c = c4(n)
    return NAN if isnan(c) else sigma / (c * math.sqrt(n))


def b3(n: float, sigma: float = 3) -> float:
    """B3 constant (lower s-chart limit factor), never below 0."""
    c = c4(n)
    return NAN if isnan(c) else max(0.0, 1 - sigma * c5(n) / c)


def b4(n: float, sigma: float = 3) -> float:
    """B4 constant (upper s-chart limit factor)."""
    c = c4(n)
    return NAN if isnan(c) else 1 + sigma * c5(n) / c


def runs_limits_ihi(n_useful: int) -> tuple[int, int] | None:
    """Fewest and most runs expected by chance for ``n_useful`` points (IHI runs rule).

    From the exact distribution of the number of runs (Swed and Eisenhart) with the
    points split evenly above and below the centre line, 2.5% in each tail. None below
    10 useful points, where the rule is not used.
    """
    if n_useful < 10:
        return None
    return _runs_limits(n_useful // 2, n_useful - n_useful // 2)


@lru_cache(maxsize=512)
def _runs_limits(n1: int, n2: int) -> tuple[int, int]:
    """2.5% tails of the number of runs of ``n1`` points above and ``n2`` below, in linear time.

    With a = n1 - 1, b = n2 - 1 and t = C(n1 + n2, n1), the number of runs R has
    P(R = 2k) = 2 C(a, k-1) C(b, k-1) / t and P(R = 2k+1) = (C(a, k) C(b, k-1) +
    C(a, k-1) C(b, k)) / t (Swed and Eisenhart). The logs of C(a, j) and C(b, j) are
    built once by running ratios; a tail sum within ``_CLOSE`` of 2.5% is redone exactly.
    """
    a, b = n1 - 1, n2 - 1
    log_a = _log_comb_row(a)
    log_b = _log_comb_row(b)
    log_total = math.lgamma(n1 + n2 + 1) - math.lgamma(n1 + 1) - math.lgamma(n2 + 1)

    def prob(r: int) -> float:
        if r % 2 == 0:
            k = r // 2
            return 2 * _exp_pair(log_a, k - 1, log_b, k - 1, log_total)
        k = (r - 1) // 2
        return _exp_pair(log_a, k, log_b, k - 1, log_total) + _exp_pair(log_a, k - 1, log_b, k, log_total)

    top = n1 + n2
    lower = _first_tail(prob, range(2, top + 1))
    upper = _first_tail(prob, range(top, 1, -1))
    if lower is None or upper is None:
        return _runs_limits_exact(n1, n2)
    return lower, upper


def _first_tail(prob: Callable[[int], float], order: Iterable[int]) -> int | None:
    """The first r (in ``order``) where the tail sum exceeds 2.5%; None when too close to call."""
    cumulative = 0.0
    for r in order:
        before = cumulative
        cumulative += prob(r)
        if cumulative > 0.025:
            if abs(cumulative - 0.025) <= _CLOSE * 0.025 or abs(before - 0.025) <= _CLOSE * 0.025:
                return None
            return r
    return None  # pragma: no cover - the tails sum to 1


def _log_comb_row(m: int) -> list[float]:
    """Log C(m, j) for j = 0..m, by running ratios (exact to a few ulps per step)."""
    row = [0.0] * (m + 1)
    for j in range(m):
        row[j + 1] = row[j] + math.log((m - j) / (j + 1))
    return row


def _exp_pair(row_a: list[float], i: int, row_b: list[float], j: int, log_total: float) -> float:
    if i < 0 or j < 0 or i >= len(row_a) or j >= len(row_b):
        return 0.0
    return math.exp(row_a[i] + row_b[j] - log_total)


def _runs_limits_exact(n1: int, n2: int) -> tuple[int, int]:
    """The same limits from exact integer counts (slow for long series: used only near ties)."""
    total_ways = math.comb(n1 + n2, n1)
    counts: dict[int, int] = {}
    for r in range(2, n1 + n2 + 1):
        if r % 2 == 0:
            k = r // 2
            counts[r] = 2 * math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k - 1)
        else:
            k = (r - 1) // 2
            counts[r] = math.comb(n1 - 1, k) * math.comb(n2 - 1, k - 1) + math.comb(
                n1 - 1, k - 1
            ) * math.comb(n2 - 1, k)
    # Lowest acceptable number of runs: the first r where P(R <= r) exceeds 2.5%.
    cumulative = 0
    lower = 2
    for r in sorted(counts):
        cumulative += counts[r]
        if 40 * cumulative > total_ways:
            lower = r
            break
    cumulative = 0
    upper = n1 + n2
    for r in sorted(counts, reverse=True):
        cumulative += counts[r]
        if 40 * cumulative > total_ways:
            upper = r
            break
    return lower, upper
