"""The storyboard's measures and results: nothing tracked left off silently, "now" explained."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microsys.cli import app
from microsys.report.model import MeasuresSection, ResultsSection, Storyboard
from microsys.report.storyboard import storyboard
from microsys.workbook.loader import load_workbook
from tests.conftest import EXAMPLES

TODAY = dt.date(2026, 11, 22)


def render_report(root: Path, fmt: str, out: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["report", str(root), "-f", fmt, "--out", str(out), "--today", TODAY.isoformat()],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output


CF = EXAMPLES / "sheffield-cf-clinic"


@pytest.fixture
def cf(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CF, tmp_path / "cf", ignore=shutil.ignore_patterns("build")))


def _board(root: Path) -> Storyboard:
    body = storyboard(load_workbook(root), TODAY).body
    assert isinstance(body, Storyboard)
    return body


def _add_measure(root: Path, mid: str, mtype: str, values: list[float]) -> None:
    lines = [
        f"id: {mid}",
        f"name: Measure {mid}",
        f"type: {mtype}",
        "definition:",
        "  unit: minutes",
        "  description: a test measure",
        "direction: down",
        "data_source: a log",
        "frequency: monthly",
        "chart: run",
        "values:" if values else "values: []",
    ]
    for k, v in enumerate(values):
        lines += [f"  - date: 2026-{k + 1:02d}-01", f"    value: {v}"]
    (root / "measures" / f"{mid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_every_measure_is_charted_by_type_or_named_with_the_reason(cf: Path) -> None:
    _add_measure(
        cf, "phone-calls", "process", [3.0, 4, 5, 6, 4, 3, 5, 6, 4, 5, 3]
    )  # a process measure in no aim
    _add_measure(cf, "few", "outcome", [3.0, 4, 5])
    _add_measure(cf, "one-value", "balancing", [7.0])
    _add_measure(cf, "no-values", "process", [])
    section = _board(cf).section("measures")
    assert isinstance(section, MeasuresSection)
    types = [str(m.type) for m in section.items]
    assert types == sorted(types, key=["outcome", "process", "balancing"].index)
    assert "phone-calls" in [m.id for m in section.items]
    assert {(str(x.name), str(x.why)) for x in section.left_out} == {
        ("Measure one-value", "1 value, too few to judge yet: 10 needed"),
        ("Measure no-values", "no values yet"),
        ("Measure few", "3 values, too few to judge yet: 10 needed"),
        (
            "Median preventive inhaled therapy taken",
            "6 values, too few to judge yet: 10 needed",
        ),
    }
    charted = {str(m.id) for m in section.items} | {
        "one-value",
        "no-values",
        "few",
        "inhaled-therapy-adherence",
    }
    assert charted == {m.stem for m in (cf / "measures").glob("*.yaml")}


def test_the_left_out_measures_are_named_in_every_format(cf: Path, tmp_path: Path) -> None:
    _add_measure(cf, "one-value", "balancing", [7.0])
    for fmt in ("md", "html"):
        out = tmp_path / f"board.{fmt}"
        render_report(cf, fmt, out)
        text = out.read_text(encoding="utf-8")
        assert "Not charted:" in text
        assert "Measure one-value (balancing, 1 value, too few to judge yet" in text


def test_now_has_its_unit_and_is_coloured_by_the_chart_signal_only(cf: Path, tmp_path: Path) -> None:
    section = _board(cf).section("results")
    assert isinstance(section, ResultsSection)
    wait = section.items[0]
    assert wait.now.endswith(" minutes") and wait.baseline == "40 minutes"
    assert "median of the last 6 values" in section.note
    out = tmp_path / "board.html"
    render_report(cf, "html", out)
    html = out.read_text(encoding="utf-8")
    assert "met-no" not in html and "met-yes" not in html
    assert f'class="num signal-{wait.signal}">{wait.now}</td>' in html
    assert "median of the last 6 values" in html


def test_a_pdsa_card_labels_its_results_and_the_comparison_with_the_prediction(
    cf: Path, tmp_path: Path
) -> None:
    from microsys.report.model import CyclesSection

    section = _board(cf).section("cycles")
    assert isinstance(section, CyclesSection)
    first = section.items[0]
    assert first.result.startswith("Mean wait 31 minutes (11 patients)")
    assert first.against.startswith("The wait fell as predicted")
    assert "The wait fell as predicted" not in first.result
    out = tmp_path / "board.html"
    render_report(cf, "html", out)
    html = out.read_text(encoding="utf-8")
    assert '<b class="muted">Results</b> Mean wait 31 minutes' in html
    assert '<b class="muted">Against the prediction</b> The wait fell as predicted' in html
    md = tmp_path / "board.md"
    render_report(cf, "md", md)
    assert "| Predicted | Results | Against the prediction | Decision |" in md.read_text(encoding="utf-8")


def test_results_and_the_comparison_share_one_texts_room_with_one_marker() -> None:
    from microsys.report.common import Clip

    shortened: list[str] = []
    clip = Clip(1.0, shortened)
    assert clip.pair("short", "also short", "short", "pdsa/P.yaml", "Cycles") == ("short", "also short")
    a, b = clip.pair("results " * 40, "as predicted " * 40, "short", "pdsa/P.yaml", "Cycles")
    assert len(a) + len(b) < 160 + 60 and a and b
    assert "continued in the workbook" not in a and b.endswith("(continued in the workbook: pdsa/P.yaml)")
    assert shortened == ["Cycles: pdsa/P.yaml"]
    # Without a page limit (HTML, Markdown) nothing is cut.
    whole = Clip(None, []).pair("results " * 40, "as predicted " * 40, "short", "pdsa/P.yaml", "Cycles")
    assert whole == (("results " * 40).strip(), ("as predicted " * 40).strip())
    only, empty = clip.pair("results " * 40, "", "short", "pdsa/P.yaml", "Cycles")
    assert only.endswith("(continued in the workbook: pdsa/P.yaml)") and empty == ""
