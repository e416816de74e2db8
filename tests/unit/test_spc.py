"""SPC statistics against published reference values and qicharts2's definitions."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microsys.spc import ChartError, ChartOptions, analyse
from microsys.spc.output import as_dict, iter_json
from microsys.spc.stats import c4, qbinom_05_half, runs_limits_ihi


def ref_options(**kw: object) -> ChartOptions:
    """Options as qicharts2 and NHSRplotthedots apply them: limits and runs rules from any
    number of points (microsys's minimums are tested in tests/unit/test_min_points.py)."""
    return ChartOptions(**{"min_limit_points": 0, "min_runs_points": 0, **kw})  # type: ignore[arg-type]


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
    a = analyse(xs(30), OJ, [50] * 30, ref_options(chart="p"))
    (part,) = a.parts
    assert part.cl == pytest.approx(347 / 1500)
    assert a.points[0].ucl == pytest.approx(0.4102, abs=1e-4)
    assert a.points[0].lcl == pytest.approx(0.0524, abs=1e-4)
    assert [i + 1 for i, p in enumerate(a.points) if p.sigma_signal] == [15, 23]


def test_p_chart_excluding_assignable_causes() -> None:
    a = analyse(xs(30), OJ, [50] * 30, ref_options(chart="p", exclude=frozenset({15, 23})))
    assert a.parts[0].cl == pytest.approx(301 / 1400)
    assert a.points[0].ucl == pytest.approx(0.3893, abs=1e-4)
    assert a.points[0].lcl == pytest.approx(0.0407, abs=1e-4)
    # Excluded points are still drawn and still flagged.
    assert a.points[14].included is False and a.points[14].sigma_signal


def test_c_chart_matches_montgomery_example_7_3() -> None:
    a = analyse(xs(26), BOARDS, options=ref_options(chart="c"))
    assert a.parts[0].cl == pytest.approx(516 / 26)
    assert a.points[0].ucl == pytest.approx(33.22, abs=0.01)
    assert a.points[0].lcl == pytest.approx(6.48, abs=0.01)
    assert [i + 1 for i, p in enumerate(a.points) if p.sigma_signal] == [6, 20]
    a = analyse(xs(26), BOARDS, options=ref_options(chart="c", exclude=frozenset({6, 20})))
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
    a = analyse(xs(24), y, options=ref_options(chart="run", direction="down"))
    assert a.parts[0].runs_signal
    assert "Unusually long run: 12 points" in a.verdict and "limit 8" in a.verdict
    assert a.points[-1].point_type == "improvement"
    assert a.points[0].point_type == "concern"


def test_verdict_reads_as_one_sentence_when_several_findings() -> None:
    # A chart subtitle: "Unusually long run: ...; too few crossings ..." (no capital after ";").
    y = [10, 11, 9, 10, 12, 9, 11, 10, 9, 11, 10, 12, 5, 4, 6, 5, 4, 6, 5, 4, 5, 6, 4, 5]
    a = analyse(xs(24), y, options=ref_options(chart="run", direction="down"))
    assert a.verdict.startswith("Unusually long run: 12 points")
    assert "; too few crossings of the median: 1" in a.verdict


def test_i_chart_moving_range_screening() -> None:
    y = [10, 11, 10, 11, 10, 11, 10, 40, 10, 11, 10, 11]
    screened = analyse(xs(12), y, options=ref_options(chart="i"))
    plain = analyse(xs(12), y, options=ref_options(chart="i", screen_mr=False))
    mean = sum(y) / 12
    mrs = [abs(b - a) for a, b in itertools.pairwise(y)]
    amr = sum(mrs) / len(mrs)
    kept = [m for m in mrs if m < 3.267 * amr]
    assert plain.points[0].ucl == pytest.approx(mean + 3 * amr / 1.128)
    assert screened.points[0].ucl == pytest.approx(mean + 3 * (sum(kept) / len(kept)) / 1.128)
    assert screened.points[7].sigma_signal


def test_freeze_uses_baseline_for_limits_but_analyses_all_points() -> None:
    y = [5.0, 6, 5, 6, 5, 6, 5, 6, 9, 9, 9, 9]
    a = analyse(xs(12), y, options=ref_options(chart="i", freeze=8))
    assert a.parts[0].cl == pytest.approx(5.5)
    assert [p.baseline for p in a.points] == [True] * 8 + [False] * 4
    assert all(p.sigma_signal for p in a.points[8:])


def test_parts_recompute_everything_and_ignore_freeze() -> None:
    y = [5.0, 6, 5, 6, 5, 6, 9, 10, 9, 10, 9, 10]
    a = analyse(xs(12), y, options=ref_options(chart="i", parts=(6,), freeze=3))
    assert [p.part for p in a.points] == [1] * 6 + [2] * 6
    assert a.parts[0].cl == pytest.approx(5.5) and a.parts[1].cl == pytest.approx(9.5)


def test_subgroups_xbar_and_s_use_c4_constants() -> None:
    x = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]
    y = [1, 2, 3, 2, 3, 4, 1, 3, 5, 2, 2, 5]
    a = analyse(x, y, options=ref_options(chart="xbar"))
    sds = [1.0, 1.0, 2.0, math.sqrt(3)]
    sbar = sum(sds) / 4
    cl = sum(y) / 12
    assert a.parts[0].cl == pytest.approx(cl)
    assert a.points[0].ucl == pytest.approx(cl + 3 / (c4(3) * math.sqrt(3)) * sbar)
    s = analyse(x, y, options=ref_options(chart="s"))
    assert s.parts[0].cl == pytest.approx(sbar)
    assert c4(5) == pytest.approx(0.9400, abs=1e-4)


def test_missing_values_and_all_equal_values() -> None:
    a = analyse(xs(6), [1, None, 3, 4, None, 6], options=ref_options(chart="i"))
    assert a.points[1].y is None and a.parts[0].n_obs == 6
    flat = analyse(xs(10), [4] * 10, options=ref_options(chart="i"))
    assert flat.parts[0].n_useful == 0 and not any(p.signal for p in flat.points)


def test_t_chart_rejects_zero_times() -> None:
    with pytest.raises(ChartError, match="greater than zero"):
        analyse(xs(3), [1, 0, 2], options=ref_options(chart="t"))
    t = analyse(xs(8), [3, 5, 2, 8, 4, 6, 3, 7], options=ref_options(chart="t"))
    assert t.points[0].lcl is not None and t.points[0].lcl >= 0


def test_denominator_is_required_for_p_and_u() -> None:
    with pytest.raises(ChartError, match="denominator"):
        analyse(xs(3), [1, 2, 3], options=ref_options(chart="u"))


def test_g_chart_centre_line_is_the_median() -> None:
    y = [3, 8, 1, 12, 5, 30, 2, 9]
    a = analyse(xs(8), y, options=ref_options(chart="g"))
    assert a.parts[0].cl == pytest.approx(6.5)
    mean = sum(y) / 8
    assert a.points[0].ucl == pytest.approx(mean + 3 * math.sqrt(mean * (mean + 1)))


def test_nhs_rules_use_2_66_and_flag_trends_and_shifts() -> None:
    base = [10.0, 12, 11, 13, 10, 12, 11, 13, 10, 12]
    a = analyse(xs(10), base, options=ref_options(chart="i", rules="nhs", direction="up"))
    mrs = [abs(b - a) for a, b in itertools.pairwise(base)]
    assert a.points[0].ucl == pytest.approx(11.4 + 2.66 * sum(mrs) / len(mrs))
    trend = [*base, 11, 12, 13, 14, 15, 16, 17]
    t = analyse(xs(17), trend, options=ref_options(chart="i", rules="nhs", direction="up", freeze=10))
    assert [p.point_type for p in t.points[10:]] == ["improvement"] * 7
    assert "7-point trend up" in t.verdict
    shift = base + [11.6] * 7
    s = analyse(xs(17), shift, options=ref_options(chart="i", rules="nhs", direction="down", freeze=10))
    assert [p.point_type for p in s.points[10:]] == ["concern"] * 7
    assert s.parts[0].runs_signal
    # A single point outside the limits is a sigma signal, not a runs signal.
    spike = analyse(xs(11), [*base, 40.0], options=ref_options(chart="i", rules="nhs", freeze=10))
    assert spike.points[-1].sigma_signal and not spike.parts[0].runs_signal


def test_ihi_rules_shift_and_trend() -> None:
    y = [5.0, 7, 5, 7, 5, 7, 5, 7, 9, 9.5, 10, 10.5, 11, 12]
    a = analyse(xs(14), y, options=ref_options(rules="ihi", direction="up"))
    assert any("Shift" in f or "Trend" in f for f in a.parts[0].findings)
    assert a.points[-1].point_type == "improvement"
    assert runs_limits_ihi(9) is None
    lower, upper = runs_limits_ihi(20) or (0, 0)
    assert lower < 11 < upper


def test_assurance() -> None:
    # ptd_calculate_assurance_type: the target against the latest limits (mean 21.4,
    # limits 21.4 ± 2.66 x 1.78 = 16.66 .. 26.14 here).
    y = [20.0, 22, 21, 23, 20, 22, 21, 23, 20, 22]

    def assurance(direction: str, target: float) -> str | None:
        opts = ref_options(chart="i", rules="nhs", direction=direction, target=target)  # type: ignore[arg-type]
        return analyse(xs(10), y, options=opts).assurance

    assert assurance("down", 40) == "consistent_pass"
    assert assurance("up", 40) == "consistent_fail"
    assert assurance("up", 10) == "consistent_pass"
    assert assurance("down", 10) == "consistent_fail"
    assert assurance("up", 21) == "inconsistent"
    assert assurance("neutral", 21) is None


@pytest.mark.parametrize(
    "last,direction,variation,icon",
    [
        # 21.4 ± 6.4 from the 10 points before; the last point alone decides (summary's
        # variation_type is the latest point's type; geom_ptd_icon picks the file).
        (22.0, "up", "common_cause", "common_cause"),
        (40.0, "up", "special_cause_improvement", "improvement_high"),
        (40.0, "down", "special_cause_concern", "concern_high"),
        (2.0, "up", "special_cause_concern", "concern_low"),
        (2.0, "down", "special_cause_improvement", "improvement_low"),
        (40.0, "neutral", "special_cause_neutral_high", "neutral_high"),
        (2.0, "neutral", "special_cause_neutral_low", "neutral_low"),
    ],
)
def test_variation_is_the_latest_point_type_in_the_package_words(
    last: float, direction: str, variation: str, icon: str
) -> None:
    from microsys.spc.mdc import variation_icon

    y = [20.0, 22, 21, 23, 20, 22, 21, 23, 20, 22, last]
    opts = ref_options(chart="i", rules="nhs", direction=direction, freeze=10)  # type: ignore[arg-type]
    a = analyse(xs(11), y, options=opts)
    assert a.variation == variation
    assert variation_icon(variation, direction) == icon
    assert as_dict(a)["variation"] == variation


SERIES = st.lists(st.floats(0.5, 1000, allow_nan=False), min_size=4, max_size=40)


@settings(max_examples=60)
@given(SERIES)
def test_i_limits_are_symmetric_around_the_centre(y: list[float]) -> None:
    a = analyse(xs(len(y)), y, options=ref_options(chart="i"))
    p = a.points[0]
    if p.ucl is not None and p.lcl is not None and p.cl is not None:
        assert p.ucl - p.cl == pytest.approx(p.cl - p.lcl)


@settings(max_examples=60)
@given(SERIES, st.floats(0.1, 100))
def test_scaling_the_data_scales_the_lines(y: list[float], k: float) -> None:
    for chart in ("run", "i", "mr"):
        a = analyse(xs(len(y)), y, options=ref_options(chart=chart))
        b = analyse(xs(len(y)), [v * k for v in y], options=ref_options(chart=chart))
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
        a = analyse(xs(len(counts)), counts, ns, ref_options(chart=chart))
        b = analyse(xs(len(counts)), shuffled, ns, ref_options(chart=chart))
        assert a.parts[0].cl == pytest.approx(b.parts[0].cl)
        assert a.parts[0].ucl == pytest.approx(b.parts[0].ucl)


def _pascal_rows(last: int) -> Iterator[list[int]]:
    """Rows 0..last of Pascal's triangle, by additions only (an independent exact reference)."""
    row = [1]
    for _ in range(last + 1):
        yield row
        row = [1, *(a + b for a, b in itertools.pairwise(row)), 1]


def test_crossings_limit_is_exact_for_every_n_up_to_2000() -> None:
    # qbinom(0.05, n, 0.5) by definition: the smallest k with 20 * sum(C(n, 0..k)) >= 2^n.
    for n, row in enumerate(_pascal_rows(2000)):
        whole = 2**n
        cumulative = itertools.accumulate(row)
        quantile = next(k for k, below in enumerate(cumulative) if 20 * below >= whole)
        assert qbinom_05_half(n) == quantile, n


def test_ihi_runs_limits_are_exact_up_to_2000() -> None:
    # Swed-Eisenhart with n1 = n // 2 above and n2 = n - n1 below, a = n1 - 1, b = n2 - 1:
    # count(2k) = 2 C(a, k-1) C(b, k-1), count(2k+1) = C(a, k) C(b, k-1) + C(a, k-1) C(b, k);
    # the limits are the first r from each end where the tail exceeds 1/40 of C(n, n1).
    rows: dict[int, list[int]] = {}
    for m, row in enumerate(_pascal_rows(1000)):
        rows[m] = row
    # Every n to 600, then every 7th (the exact products make each n cost O(n) big numbers).
    for n in [*range(10, 601), *range(601, 2001, 7), 2000]:
        n1, n2 = n // 2, n - n // 2
        ra, rb, total = rows[n1 - 1], rows[n2 - 1], rows.get(n)

        def c(row: list[int], j: int) -> int:
            return row[j] if 0 <= j < len(row) else 0

        def count(r: int, ra: list[int] = ra, rb: list[int] = rb) -> int:
            k = r // 2
            if r % 2 == 0:
                return 2 * c(ra, k - 1) * c(rb, k - 1)
            return c(ra, k) * c(rb, k - 1) + c(ra, k - 1) * c(rb, k)

        whole = total[n1] if total is not None else math.comb(n, n1)
        limits = []
        for order in (range(2, n + 1), range(n, 1, -1)):
            cumulative = 0
            for r in order:
                cumulative += count(r)
                if 40 * cumulative > whole:
                    limits.append(r)
                    break
        assert runs_limits_ihi(n) == tuple(limits), n


def test_long_series_limits_take_linear_time() -> None:
    # A million useful points: the exact integer method took minutes; the running-ratio
    # method takes well under a second (bench/chart_speed.py gives the figures).
    # Normal approximation (p = 1/2 has no skew): mean 499,999.5, sd 500, continuity 0.5;
    # P(X <= 499,177) = Phi(-1.6440) = 0.0501 and P(X <= 499,176) = Phi(-1.6460) = 0.0499.
    assert qbinom_05_half(999_999) == 499_177
    # Runs of 500,000 + 500,000 points: mean 500,001, sd sqrt(999,999 / 4) = 500,
    # 1.96 sd = 980 on each side.
    lower, upper = runs_limits_ihi(1_000_000) or (0, 0)
    assert abs(lower - (500_001 - 980)) <= 1 and abs(upper - (500_001 + 980)) <= 1


@pytest.mark.parametrize("batch", [1, 2, 5])
@pytest.mark.parametrize("k", [0, 1, 9])
def test_streamed_json_is_the_whole_json(batch: int, k: int) -> None:
    y = [3.0, 5, 2, 8, 4, 6, 3, 7, 5][:k]
    notes = ['a "quoted", comma: é\nline', None, "", "x"] * 3
    a = analyse(
        xs(k), y, options=ref_options(chart="i", rules="nhs", direction="up", target=4), notes=notes[:k]
    )
    streamed = "\n".join(iter_json(a, batch=batch))
    assert streamed == json.dumps(as_dict(a), indent=2, ensure_ascii=False)
    assert json.loads(streamed)["points"] == json.loads(json.dumps(as_dict(a)))["points"]


# NHSRplotthedots 0.2.2, R/ptd_calculate_point_type.R and R/ptd_spc_standard.R.
NHS_BASE = [10.0, 20, 10, 20, 10, 20]  # mean 15, mean moving range 10: limits 15 ± 26.6


def test_nhs_peak_shared_by_a_rise_and_a_fall_belongs_to_the_fall() -> None:
    # Derivation from ptd_special_cause_type: ptd_seven_point_trend marks where a 7-point
    # trend ends (the rise 11..17 ends at point 13, the fall 17..11 at point 19);
    # ptd_part_of_seven_trend marks points 7..19 as part of a trend (0/1, no direction).
    # The direction is then `sign(diff(y))` taken on the RIGHT when the next point is also
    # part of a trend, else on the left. Point 13 (the peak, 17) has point 14 in a trend,
    # so its direction is sign(16 - 17) = -1: "7 Point Trend (Decreasing)". With
    # improvement up: points 7-12 improvement, 13-19 concern (microsys had 13 improvement).
    # No point is outside 15 ± 26.6 or beyond the 2-sigma lines 15 ± 17.73, and no 7 in a
    # row sit on one side of 15, so the trend rule alone decides.
    peak = [*NHS_BASE, 11, 12, 13, 14, 15, 16, 17, 16, 15, 14, 13, 12, 11]
    a = analyse(xs(19), peak, options=ref_options(chart="i", rules="nhs", direction="up", freeze=6))
    assert a.points[0].ucl == pytest.approx(15 + 2.66 * 10)
    types = [p.point_type for p in a.points]
    assert types[:6] == ["common"] * 6
    assert types[6:12] == ["improvement"] * 6
    assert types[12:] == ["concern"] * 7
    # A trough is shared the same way: it takes the rise that starts at it.
    trough = [*NHS_BASE, 17, 16, 15, 14, 13, 12, 11, 12, 13, 14, 15, 16, 17]
    t = analyse(xs(19), trough, options=ref_options(chart="i", rules="nhs", direction="up", freeze=6))
    types = [p.point_type for p in t.points]
    assert types[6:12] == ["concern"] * 6 and types[12:] == ["improvement"] * 7


def test_nhs_fixed_baseline_applies_within_each_rebase_group() -> None:
    # ptd_spc_standard groups by rebase_group and then takes
    # fix_y = y where row_number() <= fix_after_n_points, so each group's limits come
    # from its own first N points. Part 1, first 4 points 10, 12, 10, 12: mean 11,
    # moving ranges 2, 2, 2 (none above 3.267 x 2), limits 11 ± 2.66 x 2 = 5.68 .. 16.32.
    # Part 2, first 4 points 50, 54, 50, 54: mean 52, moving range 4, limits 52 ± 10.64.
    y = [10.0, 12, 10, 12, 30, 30, 30, 30, 50, 54, 50, 54, 10, 10, 10, 10]
    a = analyse(xs(16), y, options=ref_options(chart="i", rules="nhs", parts=(8,), freeze=4))
    first, second = a.parts
    assert (first.cl, first.ucl, first.lcl) == pytest.approx((11, 16.32, 5.68))
    assert (second.cl, second.ucl, second.lcl) == pytest.approx((52, 62.64, 41.36))
    assert [p.baseline for p in a.points] == ([True] * 4 + [False] * 4) * 2
    assert [i + 1 for i, p in enumerate(a.points) if p.sigma_signal] == [5, 6, 7, 8, 13, 14, 15, 16]
    # qicharts2 (the anhoej and ihi rules) ignores freeze when there are parts.
    q = analyse(xs(16), y, options=ref_options(chart="i", rules="anhoej", parts=(8,), freeze=4))
    assert q.parts[0].cl == pytest.approx(164 / 8) and all(p.baseline for p in q.points)


# Reference values computed from qicharts2 0.8.1's formulas (R/helper.functions.R: qic.u,
# qic.up, qic.pp, qic.mr, qic.t), step by step in the comments. No moving range in these
# series exceeds 3.267 times the average, so screening (on or off) changes nothing.


def test_u_chart_reference_values() -> None:
    # qic.u: cl = sum(y) / sum(n) = 20 / 70 = 0.285714; sd_i = sqrt(cl / n_i);
    # n = 10: sd 0.169031, ucl 0.285714 + 0.507093 = 0.792807, lcl < 0 -> 0,
    #         ucl.95 = 0.285714 + 0.338062 = 0.623776;
    # n = 20: sd 0.119523, ucl 0.644283, lcl -> 0.
    a = analyse(xs(5), [3, 5, 2, 6, 4], [10, 20, 10, 20, 10], ref_options(chart="u"))
    assert a.parts[0].cl == pytest.approx(0.285714, abs=1e-6)
    assert a.points[0].ucl == pytest.approx(0.792807, abs=1e-6)
    assert a.points[0].ucl_2sigma == pytest.approx(0.623776, abs=1e-6)
    assert a.points[1].ucl == pytest.approx(0.644283, abs=1e-6)
    assert a.points[0].lcl == 0 and a.points[1].lcl == 0
    assert [p.y for p in a.points] == pytest.approx([0.3, 0.25, 0.2, 0.3, 0.4])


def test_laney_u_prime_reference_values() -> None:
    # qic.up: cl = 429 / 1185 = 0.362025; sd_i = sqrt(cl / n_i);
    # z_i = (y_i / n_i - cl) / sd_i; sigma_z = mean(|diff(z)|) / 1.128 = 0.680723;
    # limits cl ± 3 sd_i sigma_z: n = 100 -> 0.239151 .. 0.484900; n = 150 -> ucl 0.462352.
    y = [30, 45, 28, 52, 40, 61, 33, 47, 38, 55]
    n = [100, 120, 90, 140, 110, 150, 100, 130, 105, 140]
    a = analyse(xs(10), y, n, ref_options(chart="up"))
    assert a.parts[0].cl == pytest.approx(429 / 1185)
    assert a.points[0].ucl == pytest.approx(0.484900, abs=1e-6)
    assert a.points[0].lcl == pytest.approx(0.239151, abs=1e-6)
    assert a.points[5].ucl == pytest.approx(0.462352, abs=1e-6)
    # Between-subgroup variation is smaller than Poisson here (sigma_z < 1): narrower than u.
    u = analyse(xs(10), y, n, ref_options(chart="u"))
    assert u.points[0].ucl is not None and a.points[0].ucl < u.points[0].ucl


def test_laney_p_prime_reference_values() -> None:
    # qic.pp: cl = 105 / 500 = 0.21; sd_i = sqrt(cl (1 - cl) / n_i);
    # sigma_z = mean(|diff(z)|) / 1.128 = 1.270749;
    # n = 50: ucl 0.21 + 3 x 0.057602 x 1.270749 = 0.429593, lcl < 0 -> 0;
    # n = 60: ucl 0.410460, lcl 0.009540.
    y = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10]
    n = [50, 60, 40, 50, 45, 55, 50, 60, 50, 40]
    a = analyse(xs(10), y, n, ref_options(chart="pp"))
    assert a.parts[0].cl == pytest.approx(0.21)
    assert a.points[0].ucl == pytest.approx(0.429593, abs=1e-6)
    assert a.points[0].lcl == 0
    assert a.points[1].ucl == pytest.approx(0.410460, abs=1e-6)
    assert a.points[1].lcl == pytest.approx(0.009540, abs=1e-6)


def test_mr_chart_reference_values() -> None:
    # qic.mr: y = c(NA, |diff(y)|) = NA, 3, 2, 3, 2, 5; cl = 15 / 5 = 3;
    # ucl = 3.267 x 3 = 9.801; ucl.95 = 3.267 / 3 x 2 x 3 = 6.534; lcl = 0.
    a = analyse(xs(6), [5, 8, 6, 9, 7, 12], options=ref_options(chart="mr"))
    assert [p.y for p in a.points] == [None, 3, 2, 3, 2, 5]
    assert a.parts[0].cl == pytest.approx(3)
    assert a.points[1].ucl == pytest.approx(9.801)
    assert a.points[1].ucl_2sigma == pytest.approx(6.534)
    assert a.points[1].lcl == 0


def test_t_chart_reference_values() -> None:
    # qic.t: y^(1/3.6) then qic.i: mean 1.512895, average moving range 0.323309,
    # sigma 0.323309 / 1.128 = 0.286621; back-transformed with ^3.6:
    # cl 1.512895^3.6 = 4.439266, ucl (1.512895 + 0.859864)^3.6 = 22.434319,
    # lcl (1.512895 - 0.859864)^3.6 = 0.653030^3.6 = 0.215655 (positive, so kept),
    # ucl.95 (1.512895 + 0.573243)^3.6 = 14.113490.
    a = analyse(xs(8), [3, 5, 2, 8, 4, 6, 3, 7], options=ref_options(chart="t"))
    p = a.points[0]
    assert p.cl == pytest.approx(4.439266, abs=1e-6)
    assert p.ucl == pytest.approx(22.434319, abs=1e-6)
    assert p.lcl == pytest.approx(0.215655, abs=1e-6)
    assert p.ucl_2sigma == pytest.approx(14.113490, abs=1e-6)
    # A wide spread takes the transformed lower limit below 0: qicharts2 sets it to 0.
    wide = analyse(xs(6), [1, 60, 2, 80, 1, 70], options=ref_options(chart="t"))
    assert wide.points[0].lcl == 0


# A shift from about 20 to about 30 at point 13, held since.
SHIFT = [20.0, 22, 21, 23, 20, 22, 21, 23, 20, 22, 21, 20, 31, 30, 32, 29, 31, 30, 32, 31, 29, 30]


@pytest.mark.parametrize(
    "direction,recent", [("up", "special_cause_improvement"), ("down", "special_cause_concern")]
)
def test_recent_variation_sees_a_signal_still_going_on_when_the_latest_point_is_not_one(
    direction: str, recent: str
) -> None:
    # 21.4 ± 6.4 from the first ten points; one point far above, then two above the line, inside the limits.
    y = [20.0, 22, 21, 23, 20, 22, 21, 23, 20, 22, 45, 23, 24]
    opts = ref_options(chart="i", rules="nhs", direction=direction, freeze=10)
    a = analyse(xs(len(y)), y, options=opts)
    assert a.variation == "common_cause"  # NHSRplotthedots: the latest point alone
    assert a.recent == recent
    assert as_dict(a)["recent_variation"] == recent
    # Once the data cross the centre line, the signal is over.
    assert analyse(xs(14), [*y, 19.0], options=opts).recent == "common_cause"


def test_recent_variation_judges_the_latest_phase_against_the_one_before() -> None:
    # Recalculated at the change: the new phase alone is common cause, against the old one it is not.
    opts = ChartOptions(chart="i", rules="anhoej", direction="down", parts=(12,))
    a = analyse(xs(len(SHIFT)), SHIFT, options=opts)
    assert a.variation == "common_cause"
    assert all(p.point_type == "common" for p in a.points if p.part == 2)
    assert a.recent == "special_cause_concern"
    neutral = analyse(xs(len(SHIFT)), SHIFT, options=replace(opts, direction="neutral"))
    assert neutral.recent == "special_cause_neutral_high"


def test_recent_variation_is_common_cause_when_a_signal_is_over_or_there_is_none() -> None:
    # One point far out long ago, crossings of the centre line since: not going on any more.
    y = [20.0, 22, 21, 45, 20, 22, 21, 23, 20, 22, 21, 23, 20, 22]
    a = analyse(xs(len(y)), y, options=ChartOptions(chart="i", rules="nhs", direction="up"))
    assert a.points[3].point_type == "improvement"
    assert a.recent == "common_cause"
    # Two phases at the same level: the change did not hold.
    same = analyse(xs(len(y) - 1), y[:3] + y[4:], options=ChartOptions(chart="i", direction="up", parts=(6,)))
    assert same.recent == "common_cause"
