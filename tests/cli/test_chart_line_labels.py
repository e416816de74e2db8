"""The values written beside a report chart's centre line, limits and target say what they are.

Made from a workbook built with the real commands, drawn by ``microsys report`` (storyboard and
data wall): the labels at a line's right end are read from the SVG of the HTML report.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.conftest import call

TODAY = "2026-11-30"
# Text drawn beside the lines (8 pt at the plot's right), not the axis' ticks (right-aligned).
EDGE = re.compile(r'<text x="[\d.]+" y="[\d.]+" font-size="[\d.]+" fill="#[0-9a-f]{6}">([^<]*)</text>')
NUMBER = re.compile(r"-?[\d,.]+(e[+-]\d+)?%?")


def _measure(
    capsys: pytest.CaptureFixture[str], root: Path, chart: str, rows: list[tuple[float, int | None]]
) -> None:
    options = (
        ["--numerator", "harm", "--denominator", "patients"] if chart == "p" else ["--unit", "admissions"]
    )
    code, _, err = call(
        capsys, "new", "measure", str(root), "--id", "m", "--name", "M", "--chart", chart, "--csv", *options
    )
    assert code == 0, err
    csv = root.parent / "m.csv"
    start = dt.date(2025, 1, 6)
    lines = ["date,value,denominator"] + [
        f"{start + dt.timedelta(days=7 * k)},{v},{'' if n is None else n}" for k, (v, n) in enumerate(rows)
    ]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = call(capsys, "measure", "import", str(root), "m", str(csv), "--today", TODAY)
    assert code == 0, err


def _edge_labels(html: str) -> list[str]:
    """The numbers beside the lines (not the target's) of the first chart."""
    svg = next(part for part in html.split("<svg")[1:] if "centre line" in part)
    return [t for t in EDGE.findall(svg) if NUMBER.fullmatch(t)]


@pytest.fixture
def fresh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "org" / "ward"
    code, _, err = call(capsys, "init", str(root), "--name", "Ward 7", "--setting", "ward", "--no-input")
    assert code == 0, err
    return root


def test_a_rare_harm_s_centre_line_and_limits_are_not_all_labelled_0_percent(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 3 harms in 20 weeks of 5,000 patients each: the centre line is 0.003%, its limits 0% and 0.01%.
    _measure(capsys, fresh, "p", [(1 if k in (3, 9, 15) else 0, 5000) for k in range(20)])
    code, _, err = call(capsys, "report", str(fresh), "-f", "html", "--today", TODAY)
    assert code == 0, err
    labels = _edge_labels((fresh / "build" / "storyboard.html").read_text(encoding="utf-8"))
    assert len(labels) == 3 and len(set(labels)) == 3, labels
    assert "0.003%" in labels, labels
    # The same labels on the team's tile of the data wall.
    code, _, err = call(
        capsys, "report", str(fresh.parent), "--kind", "datawall", "-f", "html", "--today", TODAY
    )
    assert code == 0, err
    tiles = _edge_labels((fresh.parent / "build" / "datawall.html").read_text(encoding="utf-8"))
    assert "0.003%" in tiles, tiles


def test_a_count_in_the_thousands_is_labelled_as_a_number_not_in_scientific_notation(
    fresh: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _measure(capsys, fresh, "i", [(1400 + (k * 37) % 90, None) for k in range(20)])
    code, _, err = call(capsys, "report", str(fresh), "-f", "html", "--today", TODAY)
    assert code == 0, err
    labels = _edge_labels((fresh / "build" / "storyboard.html").read_text(encoding="utf-8"))
    assert len(labels) == 3 and not any("e+" in t for t in labels), labels
    assert all(re.fullmatch(r"1,\d{3}", t) for t in labels), labels


def _ticks(html: str) -> list[str]:
    """The y axis' tick labels of the first chart (right-aligned, left of the plot)."""
    svg = next(part for part in html.split("<svg")[1:] if "centre line" in part)
    return re.findall(
        r'<text x="[\d.]+" y="[\d.]+" font-size="[\d.]+" text-anchor="end"[^>]*>([^<]*)</text>', svg
    )


@pytest.mark.parametrize(("seen", "zero"), [(0, "0%"), (50, "100%"), (0, None)])
def test_a_flat_chart_s_axis_stays_within_what_its_values_can_be(
    fresh: Path, capsys: pytest.CaptureFixture[str], seen: int, zero: str | None
) -> None:
    """Twelve weeks of none (or all) of 50 patients: no -50% or 110% on the axis; none of a count, no -1."""
    chart = "p" if zero is not None else "c"
    _measure(capsys, fresh, chart, [(seen, 50 if chart == "p" else None) for _ in range(12)])
    for kind, page in (("storyboard", fresh / "build" / "storyboard.html"), ("datawall", None)):
        args = [str(fresh)] if page is not None else [str(fresh.parent), "--kind", "datawall"]
        code, _, err = call(capsys, "report", *args, "-f", "html", "--today", TODAY)
        assert code == 0, err
        ticks = _ticks((page or fresh.parent / "build" / "datawall.html").read_text(encoding="utf-8"))
        numbers = [float(t.rstrip("%").replace(",", "")) for t in ticks]
        assert numbers and min(numbers) >= 0 and (zero is None or max(numbers) <= 100), (kind, ticks)
        assert zero is None or float(zero.rstrip("%")) in numbers, (kind, ticks)
