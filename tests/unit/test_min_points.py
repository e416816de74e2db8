"""Too few points: no limits, no signals, and a verdict that says so (docs/chart-json.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microsys.spc import ChartOptions, analyse
from microsys.spc.analysis import MIN_LIMIT_POINTS, MIN_RUNS_POINTS
from microsys.spc.output import as_dict


def xs(k: int) -> list[float]:
    return [float(i) for i in range(1, k + 1)]


def test_a_p_chart_of_two_points_has_no_limits_and_is_not_judged() -> None:
    a = analyse(xs(2), [3, 30], [50, 50], ChartOptions(chart="p", direction="up", target=0.8))
    assert all(p.ucl is None and p.lcl is None for p in a.points)
    assert a.verdict == "Too few points to judge yet: 2 points (runs analysis needs 10, limits 12)"
    assert "Random variation" not in a.verdict
    assert a.variation is None and a.assurance is None
    assert not any(p.signal for p in a.points)
    part = a.parts[0]
    assert (part.points, part.judged, part.limits) == (2, False, False)


def test_the_numbers_used_are_in_the_json() -> None:
    doc = as_dict(analyse(xs(5), [1, 2, 3, 4, 5], options=ChartOptions(chart="i")))
    assert doc["version"] == 3
    assert (
        doc["min_points"]
        == {"limits": MIN_LIMIT_POINTS, "runs": MIN_RUNS_POINTS}
        == {"limits": 12, "runs": 10}
    )
    assert (doc["parts"][0]["points"], doc["parts"][0]["judged"], doc["parts"][0]["limits"]) == (
        5,
        False,
        False,
    )
    assert doc["variation"] is None
    json.dumps(doc, allow_nan=False)


def test_runs_are_judged_from_10_points_and_limits_drawn_from_12() -> None:
    y = [5.0, 7, 6, 8, 5, 7, 6, 8, 5, 7, 6, 8]
    nine = analyse(xs(9), y[:9], options=ChartOptions(chart="i"))
    ten = analyse(xs(10), y[:10], options=ChartOptions(chart="i"))
    twelve = analyse(xs(12), y, options=ChartOptions(chart="i"))
    assert nine.verdict.startswith("Too few points to judge yet: 9 points")
    assert ten.parts[0].judged and not ten.parts[0].limits
    assert ten.verdict.startswith("Random variation only")
    assert ten.verdict.endswith("no control limits until 12 points (10 so far)")
    assert all(p.ucl is None for p in ten.points)
    assert twelve.parts[0].limits and all(p.ucl is not None for p in twelve.points)
    assert "no control limits" not in twelve.verdict


def test_a_run_chart_never_speaks_of_limits() -> None:
    a = analyse(xs(4), [1, 2, 3, 4], options=ChartOptions(chart="run"))
    assert a.verdict == "Too few points to judge yet: 4 points (runs analysis needs 10)"
    b = analyse(xs(10), [1, 3, 2, 4, 3, 5, 2, 4, 3, 5], options=ChartOptions(chart="run"))
    assert "limits" not in b.verdict


def test_each_phase_is_counted_on_its_own() -> None:
    y = [40.0, 42, 39, 43, 41, 40, 44, 38, 42, 41, 39, 43, 20, 21, 19, 22]
    a = analyse(xs(16), y, options=ChartOptions(chart="i", parts=(12,)))
    first, second = a.parts
    assert first.judged and first.limits and not second.judged and not second.limits
    assert all(p.ucl is not None for p in a.points if p.part == 1)
    assert all(p.ucl is None and not p.signal for p in a.points if p.part == 2)
    assert a.verdict.startswith("Too few points to judge yet: 4 points")


def test_a_freeze_counts_baseline_points_for_limits() -> None:
    y = [float(v) for v in [5, 7, 6, 8, 5, 7, 6, 8, 5, 7, 6, 8, 5, 7]]
    few = analyse(xs(14), y, options=ChartOptions(chart="i", freeze=8))
    enough = analyse(xs(14), y, options=ChartOptions(chart="i", freeze=12))
    assert not few.parts[0].limits and few.parts[0].judged
    assert enough.parts[0].limits


def test_missing_values_do_not_count() -> None:
    y: list[float | None] = [1.0, None, 3, None, 5, 6, 7, 8, 9, 10, 11]
    a = analyse(xs(11), y, options=ChartOptions(chart="i"))
    assert a.parts[0].points == 9 and not a.parts[0].judged


def test_assurance_is_not_judged_from_limits_over_a_changed_process() -> None:
    # A whole baseline at 40 then 16 points at 18, no phase: one set of limits over both.
    y = [40.0, 42, 39, 43, 41, 40, 44, 38, 42, 41, 39, 43] + [18.0, 19, 17, 18, 20, 18, 17, 19] * 2
    opts = ChartOptions(chart="i", rules="nhs", direction="down", target=25)
    shifted = analyse(xs(len(y)), y, options=opts)
    assert shifted.parts[-1].runs_signal
    assert shifted.assurance is None
    assert shifted.target_words.startswith("target not judged: the process shifted")
    assert "fail" not in shifted.target_words
    # With a phase where the change began, the latest limits are the new process's.
    phased = analyse(
        xs(len(y)), y, options=ChartOptions(chart="i", rules="nhs", direction="down", target=25, parts=(12,))
    )
    assert phased.assurance == "consistent_pass"
    assert phased.target_words == "consistently passing the target"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=1, max_size=40), st.sampled_from(["i", "c", "run", "g"]))
def test_limits_and_signals_only_from_enough_points(y: list[float], chart: str) -> None:
    a = analyse(xs(len(y)), y, options=ChartOptions(chart=chart))
    part = a.parts[0]
    assert part.judged == (len(y) >= MIN_RUNS_POINTS)
    if len(y) < MIN_LIMIT_POINTS:
        assert all(p.ucl is None and not p.sigma_signal for p in a.points)
    if len(y) < MIN_RUNS_POINTS:
        assert not any(p.signal for p in a.points) and a.verdict.startswith("Too few points")


@pytest.mark.parametrize("rules", ["anhoej", "ihi", "nhs"])
def test_every_rule_set_waits_for_10_points(rules: str) -> None:
    # Nine points far apart: every rule set would flag them with no minimum.
    y = [1.0, 2, 3, 4, 5, 6, 7, 8, 100]
    a = analyse(xs(9), y, options=ChartOptions(chart="i", rules=rules))  # type: ignore[arg-type]
    assert not any(p.signal for p in a.points)
    loose = analyse(
        xs(9), y, options=ChartOptions(chart="i", rules=rules, min_limit_points=0, min_runs_points=0)
    )  # type: ignore[arg-type]
    assert any(p.signal for p in loose.points)


def test_the_chart_command_says_too_few_points_for_a_two_point_p_chart(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from microsys.cli import app

    data = tmp_path / "seen.csv"
    data.write_text("date,seen,visits\n2026-01-05,3,50\n2026-01-12,30,50\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["chart", str(data), "--y", "seen", "--x", "date", "--n", "visits", "-t", "p", "--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["verdict"].startswith("Too few points to judge yet: 2 points")
    assert all(p["ucl"] is None and p["lcl"] is None and not p["signal"] for p in doc["points"])
    svg = tmp_path / "seen.svg"
    drawn = CliRunner().invoke(
        app, ["chart", str(data), "--y", "seen", "--x", "date", "--n", "visits", "-t", "p", "--out", str(svg)]
    )
    assert drawn.exit_code == 0, drawn.output
    text = svg.read_text(encoding="utf-8")
    assert "Too few points to judge yet" in text
    assert ">control limits<" not in text  # no limits in the legend
    assert "Random variation" not in text
