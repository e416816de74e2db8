"""SPC statistics against published reference values and qicharts2's definitions."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microsys.spc import ChartError, ChartOptions, analyse
from microsys.spc.stats import c4, qbinom_05_half, runs_limits_ihi

# Montgomery, Introduction to Statistical Quality Control, Example 7.1 (orange juice cans,
# 30 samples of 50): the data qicharts2's own tests use (tbl_07.03).
OJ = [
    12,
    15,
    8,
    10,
    4,
    7,
    16,
    9,
    14,
    10,
    5,
    6,
    17,
    12,
    22,
    8,
    10,
    5,
    13,
    11,
    20,
    18,
    24,
    15,
    9,
    12,
    7,
    13,
    9,
    6,
]
# Montgomery Example 7.3 (nonconformities on 26 circuit boards, tbl_07.08).
BOARDS = [
    21,
    24,
    16,
    12,
    15,
    5,
    28,
    20,
    31,
    25,
    20,
    24,
    16,
    19,
    10,
    17,
    13,
    22,
    18,
    39,
    30,
    24,
    16,
    19,
    17,
    15,
]


def xs(k: int) -> list[float]:
    return [float(i) for i in range(1, k + 1)]


def test_p_chart_matches_montgomery_example_7_1() -> None:
    a = analyse(xs(30), OJ, [50] * 30, ChartOptions(chart="p"))
    (part,) = a.parts
    assert part.cl == pytest.approx(347 / 1500)
    assert a.points[0].ucl == pytest.approx(0.4102, abs=1e-4)
    assert a.points[0].lcl == pytest.approx(0.0524, abs=1e-4)
    assert [i + 1 for i, p in enumerate(a.points) if p.sigma_signal] == [15, 23]


def test_p_chart_excluding_assignable_causes() -> None:
    a = analyse(xs(30), OJ, [50] * 30, ChartOptions(chart="p", exclude=frozenset({15, 23})))
    assert a.parts[0].cl == pytest.approx(301 / 1400)
    assert a.points[0].ucl == pytest.approx(0.3893, abs=1e-4)
    assert a.points[0].lcl == pytest.approx(0.0407, abs=1e-4)
    # Excluded points are still drawn and still flagged.
    assert a.points[14].included is False and a.points[14].sigma_signal


def test_c_chart_matches_montgomery_example_7_3() -> None:
    a = analyse(xs(26), BOARDS, options=ChartOptions(chart="c"))
    assert a.parts[0].cl == pytest.approx(516 / 26)
    assert a.points[0].ucl == pytest.approx(33.22, abs=0.01)
    assert a.points[0].lcl == pytest.approx(6.48, abs=0.01)
    assert [i + 1 for i, p in enumerate(a.points) if p.sigma_signal] == [6, 20]
    a = analyse(xs(26), BOARDS, options=ChartOptions(chart="c", exclude=frozenset({6, 20})))
    assert a.parts[0].cl == pytest.approx(472 / 24)
    assert a.points[0].ucl == pytest.approx(32.97, abs=0.01)
    assert a.points[0].lcl == pytest.approx(6.36, abs=0.01)


@pytest.mark.parametrize(
    "n,longest,crossings",
    # Anhøj & Olesen (2014), Table 1: upper limit for the longest run, lower limit for crossings.
    [
        (10, 6, 2),
        (11, 6, 2),
        (12, 7, 3),
        (14, 7, 4),
        (17, 7, 5),
        (19, 7, 6),
        (22, 7, 7),
        (23, 8, 7),
        (24, 8, 8),
        (27, 8, 9),
        (30, 8, 10),
    ],
)
def test_runs_limits_match_anhoej(n: int, longest: int, crossings: int) -> None:
    assert round(math.log2(n)) + 3 == longest
    assert qbinom_05_half(n - 1) == crossings


def test_runs_analysis_counts_useful_points_and_crossings() -> None:
    # Median 5: two points on the median are not useful.
    y = [1, 2, 3, 5, 5, 7, 8, 9, 1, 9]
    a = analyse(xs(10), y)
    (part,) = a.parts
    assert part.cl == 5 and part.n_obs == 10 and part.n_useful == 8
    assert part.longest_run == 3 and part.crossings == 3


def test_unusually_long_run_is_a_signal_with_words() -> None:
    y = [10, 11, 9, 10, 12, 9, 11, 10, 9, 11, 10, 12, 5, 4, 6, 5, 4, 6, 5, 4, 5, 6, 4, 5]
    a = analyse(xs(24), y, options=ChartOptions(chart="run", direction="down"))
    assert a.parts[0].runs_signal
    assert "Unusually long run: 12 points" in a.verdict and "limit 8" in a.verdict
    assert a.points[-1].point_type == "improvement"
    assert a.points[0].point_type == "concern"


def test_i_chart_moving_range_screening() -> None:
    y = [10, 11, 10, 11, 10, 11, 10, 40, 10, 11, 10, 11]
    screened = analyse(xs(12), y, options=ChartOptions(chart="i"))
    plain = analyse(xs(12), y, options=ChartOptions(chart="i", screen_mr=False))
    mean = sum(y) / 12
    mrs = [abs(b - a) for a, b in itertools.pairwise(y)]
    amr = sum(mrs) / len(mrs)
    kept = [m for m in mrs if m < 3.267 * amr]
    assert plain.points[0].ucl == pytest.approx(mean + 3 * amr / 1.128)
    assert screened.points[0].ucl == pytest.approx(mean + 3 * (sum(kept) / len(kept)) / 1.128)
    assert screened.points[7].sigma_signal


def test_freeze_uses_baseline_for_limits_but_analyses_all_points() -> None:
    y = [5.0, 6, 5, 6, 5, 6, 5, 6, 9, 9, 9, 9]
    a = analyse(xs(12), y, options=ChartOptions(chart="i", freeze=8))
    assert a.parts[0].cl == pytest.approx(5.5)
    assert [p.baseline for p in a.points] == [True] * 8 + [False] * 4
    assert all(p.sigma_signal for p in a.points[8:])


def test_parts_recompute_everything_and_ignore_freeze() -> None:
    y = [5.0, 6, 5, 6, 5, 6, 9, 10, 9, 10, 9, 10]
    a = analyse(xs(12), y, options=ChartOptions(chart="i", parts=(6,), freeze=3))
    assert [p.part for p in a.points] == [1] * 6 + [2] * 6
    assert a.parts[0].cl == pytest.approx(5.5) and a.parts[1].cl == pytest.approx(9.5)


def test_subgroups_xbar_and_s_use_c4_constants() -> None:
    x = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]
    y = [1, 2, 3, 2, 3, 4, 1, 3, 5, 2, 2, 5]
    a = analyse(x, y, options=ChartOptions(chart="xbar"))
    sds = [1.0, 1.0, 2.0, math.sqrt(3)]
    sbar = sum(sds) / 4
    cl = sum(y) / 12
    assert a.parts[0].cl == pytest.approx(cl)
    assert a.points[0].ucl == pytest.approx(cl + 3 / (c4(3) * math.sqrt(3)) * sbar)
    s = analyse(x, y, options=ChartOptions(chart="s"))
    assert s.parts[0].cl == pytest.approx(sbar)
    assert c4(5) == pytest.approx(0.9400, abs=1e-4)


def test_missing_values_and_all_equal_values() -> None:
    a = analyse(xs(6), [1, None, 3, 4, None, 6], options=ChartOptions(chart="i"))
    assert a.points[1].y is None and a.parts[0].n_obs == 6
    flat = analyse(xs(10), [4] * 10, options=ChartOptions(chart="i"))
    assert flat.parts[0].n_useful == 0 and not any(p.signal for p in flat.points)


def test_t_chart_rejects_zero_times() -> None:
    with pytest.raises(ChartError, match="greater than zero"):
        analyse(xs(3), [1, 0, 2], options=ChartOptions(chart="t"))
    t = analyse(xs(8), [3, 5, 2, 8, 4, 6, 3, 7], options=ChartOptions(chart="t"))
    assert t.points[0].lcl is not None and t.points[0].lcl >= 0


def test_denominator_is_required_for_p_and_u() -> None:
    with pytest.raises(ChartError, match="denominator"):
        analyse(xs(3), [1, 2, 3], options=ChartOptions(chart="u"))


def test_g_chart_centre_line_is_the_median() -> None:
    y = [3, 8, 1, 12, 5, 30, 2, 9]
    a = analyse(xs(8), y, options=ChartOptions(chart="g"))
    assert a.parts[0].cl == pytest.approx(6.5)
    mean = sum(y) / 8
    assert a.points[0].ucl == pytest.approx(mean + 3 * math.sqrt(mean * (mean + 1)))


def test_nhs_rules_use_2_66_and_flag_trends_and_shifts() -> None:
    base = [10.0, 12, 11, 13, 10, 12, 11, 13, 10, 12]
    a = analyse(xs(10), base, options=ChartOptions(chart="i", rules="nhs", direction="up"))
    mrs = [abs(b - a) for a, b in itertools.pairwise(base)]
    assert a.points[0].ucl == pytest.approx(11.4 + 2.66 * sum(mrs) / len(mrs))
    trend = [*base, 11, 12, 13, 14, 15, 16, 17]
    t = analyse(xs(17), trend, options=ChartOptions(chart="i", rules="nhs", direction="up", freeze=10))
    assert [p.point_type for p in t.points[10:]] == ["improvement"] * 7
    assert "7-point trend up" in t.verdict
    shift = base + [11.6] * 7
    s = analyse(xs(17), shift, options=ChartOptions(chart="i", rules="nhs", direction="down", freeze=10))
    assert [p.point_type for p in s.points[10:]] == ["concern"] * 7
    assert s.parts[0].runs_signal
    # A single point outside the limits is a sigma signal, not a runs signal.
    spike = analyse(xs(11), [*base, 40.0], options=ChartOptions(chart="i", rules="nhs", freeze=10))
    assert spike.points[-1].sigma_signal and not spike.parts[0].runs_signal


def test_ihi_rules_shift_and_trend() -> None:
    y = [5.0, 7, 5, 7, 5, 7, 5, 7, 9, 9.5, 10, 10.5, 11, 12]
    a = analyse(xs(14), y, options=ChartOptions(rules="ihi", direction="up"))
    assert any("Shift" in f or "Trend" in f for f in a.parts[0].findings)
    assert a.points[-1].point_type == "improvement"
    assert runs_limits_ihi(9) is None
    lower, upper = runs_limits_ihi(20) or (0, 0)
    assert lower < 11 < upper


def test_assurance() -> None:
    y = [20.0, 22, 21, 23, 20, 22, 21, 23, 20, 22]
    opts = dict(chart="i", rules="nhs")
    assert analyse(xs(10), y, options=ChartOptions(**opts, direction="down", target=40)).assurance == "pass"
    assert analyse(xs(10), y, options=ChartOptions(**opts, direction="up", target=40)).assurance == "fail"
    up21 = ChartOptions(**opts, direction="up", target=21)
    assert analyse(xs(10), y, options=up21).assurance == "inconsistent"
    assert analyse(xs(10), y, options=ChartOptions(**opts, direction="neutral", target=21)).assurance is None


SERIES = st.lists(st.floats(0.5, 1000, allow_nan=False), min_size=4, max_size=40)


@settings(max_examples=60)
@given(SERIES)
def test_i_limits_are_symmetric_around_the_centre(y: list[float]) -> None:
    a = analyse(xs(len(y)), y, options=ChartOptions(chart="i"))
    p = a.points[0]
    if p.ucl is not None and p.lcl is not None and p.cl is not None:
        assert p.ucl - p.cl == pytest.approx(p.cl - p.lcl)


@settings(max_examples=60)
@given(SERIES, st.floats(0.1, 100))
def test_scaling_the_data_scales_the_lines(y: list[float], k: float) -> None:
    for chart in ("run", "i", "mr"):
        a = analyse(xs(len(y)), y, options=ChartOptions(chart=chart))
        b = analyse(xs(len(y)), [v * k for v in y], options=ChartOptions(chart=chart))
        for pa, pb in zip(a.points, b.points, strict=False):
            for field in ("cl", "ucl", "lcl"):
                va, vb = getattr(pa, field), getattr(pb, field)
                if va is not None and vb is not None:
                    assert vb == pytest.approx(va * k, rel=1e-9, abs=1e-9)


@settings(max_examples=60)
@given(st.lists(st.integers(0, 60), min_size=3, max_size=30), st.randoms(use_true_random=False))
def test_c_and_p_lines_do_not_depend_on_order(counts: list[int], rnd) -> None:
    shuffled = counts[:]
    rnd.shuffle(shuffled)
    for chart, ns in (("c", None), ("p", [60] * len(counts))):
        a = analyse(xs(len(counts)), counts, ns, ChartOptions(chart=chart))
        b = analyse(xs(len(counts)), shuffled, ns, ChartOptions(chart=chart))
        assert a.parts[0].cl == pytest.approx(b.parts[0].cl)
        assert a.parts[0].ucl == pytest.approx(b.parts[0].ucl)
