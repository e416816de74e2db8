from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microsys.cli import app, run
from tests.conftest import EXAMPLES, call
from tests.unit.test_spc import OJ

runner = CliRunner()
GOLDEN = Path(__file__).resolve().parents[1] / "golden"
POINT_KEYS = {
    "x",
    "y",
    "n",
    "part",
    "baseline",
    "included",
    "cl",
    "lcl",
    "ucl",
    "lcl_2sigma",
    "ucl_2sigma",
    "sigma_signal",
    "runs_signal",
    "signal",
    "point_type",
    "note",
}
PART_KEYS = {
    "part",
    "n_obs",
    "n_useful",
    "longest_run",
    "longest_run_max",
    "crossings",
    "crossings_min",
    "runs_signal",
    "cl",
    "lcl",
    "ucl",
    "findings",
    "points",
    "judged",
    "limits",
}


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def oj_csv(tmp_path: Path) -> Path:
    p = tmp_path / "oj.csv"
    p.write_text("sample,defective,size\n" + "".join(f"{i},{c},50\n" for i, c in enumerate(OJ, start=1)))
    return p


def test_workbook_charts_are_written_to_build(cf_clinic: Path) -> None:
    result = invoke("chart", str(cf_clinic))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (cf_clinic / "build" / "charts").iterdir())
    assert written == [
        "clinic-overrun.png",
        "clinic-wait.png",
        "inhaled-therapy-adherence.png",
        "seen-within-15.png",
    ]
    assert (cf_clinic / "build" / "charts" / "clinic-wait.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_svg_is_reproducible_and_has_real_text(cf_clinic: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    assert invoke("chart", str(cf_clinic), "clinic-wait", "--out", str(a)).exit_code == 0
    assert invoke("chart", str(cf_clinic), "clinic-wait", "--out", str(b)).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text()
    assert "Mean clinic waiting time" in text and "PDSA-1" in text


def test_pdf_output_contains_the_title(cf_clinic: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "wait.pdf"
    assert invoke("chart", str(cf_clinic), "seen-within-15", "-o", str(out)).exit_code == 0
    assert "Patients seen within 15 minutes" in PdfReader(out).pages[0].extract_text()


def test_workbook_json_uses_measure_settings(cf_clinic: Path) -> None:
    result = invoke("chart", str(cf_clinic), "clinic-wait", "--format", "json")
    doc = json.loads(result.output)
    assert doc["measure"] == "clinic-wait" and doc["type"] == "i" and doc["direction"] == "down"
    assert doc["target"] == 10 and len(doc["parts"]) == 4
    assert doc["points"][0]["x"] == "2025-11-03"
    assert set(doc["points"][0]) == POINT_KEYS and set(doc["parts"][0]) == PART_KEYS
    notes = [p["note"] for p in doc["points"] if p["note"]]
    assert "two consultants off sick" in notes


def test_csv_json_matches_golden(oj_csv: Path) -> None:
    result = invoke(
        "chart",
        str(oj_csv),
        "--y",
        "defective",
        "--n",
        "size",
        "--type",
        "p",
        "-f",
        "json",
        "--exclude",
        "15,23",
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    golden = GOLDEN / "chart-montgomery-7.1.json"
    if os.environ.get("MICROSYS_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(doc, indent=2) + "\n")
    assert doc == json.loads(golden.read_text())
    assert doc["points"][0]["x"] == 1 and len(doc["points"]) == 30
    assert doc["parts"][0]["cl"] == pytest.approx(301 / 1400)


def test_rows_sharing_an_x_are_one_subgroup(tmp_path: Path) -> None:
    p = tmp_path / "d.csv"
    p.write_text("day,count,n\n2026-01-01,2,10\n2026-01-01,3,10\n2026-01-02,1,10\n2026-01-03,4,20\n")
    doc = json.loads(
        invoke("chart", str(p), "--x", "day", "--y", "count", "--n", "n", "-t", "p", "-f", "json").output
    )
    assert [pt["x"] for pt in doc["points"]] == ["2026-01-01", "2026-01-02", "2026-01-03"]
    assert doc["points"][0]["y"] == pytest.approx(0.25) and doc["points"][0]["n"] == 20
    doc = json.loads(invoke("chart", str(p), "--x", "day", "--y", "count", "-f", "json").output)
    assert doc["points"][0]["y"] == pytest.approx(2.5)


def test_part_column_freeze_and_rules(tmp_path: Path) -> None:
    p = tmp_path / "d.csv"
    rows = [(i, 40 + (i % 3), "before") for i in range(1, 11)] + [
        (i, 20 + (i % 3), "after") for i in range(11, 21)
    ]
    p.write_text("week,wait,phase\n" + "".join(f"{w},{v},{ph}\n" for w, v, ph in rows))
    doc = json.loads(
        invoke(
            "chart",
            str(p),
            "--x",
            "week",
            "--y",
            "wait",
            "--part",
            "phase",
            "-t",
            "i",
            "--rules",
            "nhs",
            "--direction",
            "down",
            "-f",
            "json",
        ).output
    )
    assert [pt["part"] for pt in doc["points"]] == [1] * 10 + [2] * 10
    frozen = json.loads(
        invoke(
            "chart", str(p), "--y", "wait", "-t", "i", "--freeze", "10", "--direction", "down", "-f", "json"
        ).output
    )
    assert [pt["baseline"] for pt in frozen["points"]] == [True] * 10 + [False] * 10
    assert all(pt["point_type"] == "improvement" for pt in frozen["points"][10:])


def test_csv_image_default_name(oj_csv: Path) -> None:
    result = invoke("chart", str(oj_csv), "--y", "defective", "--n", "size", "-t", "p")
    assert result.exit_code == 0
    assert oj_csv.with_suffix(".png").is_file()


@pytest.mark.parametrize(
    "args,message",
    [
        (["--y", "nope"], "there is no column `nope`"),
        (["--y", "defective", "-t", "p"], "needs a denominator"),
        (["--y", "defective", "--exclude", "a,b"], "not a list of point numbers"),
        # Choices come from the table of kinds; typer refuses others and lists them.
        (["--y", "defective", "-t", "zz"], "'zz' is not one of the choices; use one of: run, i, mr, xbar"),
        (
            ["--y", "defective", "--rules", "zz"],
            "'zz' is not one of the choices; use one of: anhoej, ihi, nhs",
        ),
        (
            ["--y", "defective", "--direction", "zz"],
            "'zz' is not one of the choices; use one of: up, down, neutral",
        ),
        ([], "--y COLUMN"),
    ],
)
def test_csv_usage_errors(
    oj_csv: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["chart", str(oj_csv), *args, "-f", "json"]) == 2
    assert message in capsys.readouterr().err


def test_unknown_measure_lists_the_known_ones(cf_clinic: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["chart", str(cf_clinic), "clinic-wiat"]) == 2
    err = capsys.readouterr().err
    assert "clinic-wiat" in err and "clinic-wait" in err


def test_json_analysis_does_not_import_matplotlib(cf_clinic: Path) -> None:
    code = (
        "import sys, io, contextlib\nfrom microsys.cli import run\n"
        f"with contextlib.redirect_stdout(io.StringIO()): run(['chart', {str(cf_clinic)!r}, '-f', 'json'])\n"
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_measure_with_errors_says_so(cf_clinic: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = cf_clinic / "measures" / "clinic-wait.yaml"
    path.write_text(path.read_text().replace("direction: down", "direction: downwards"))
    assert run(["chart", str(cf_clinic), "clinic-wait"]) == 2
    err = capsys.readouterr().err
    assert "has errors" in err and "microsys check" in err


@pytest.mark.parametrize("size", [(7.4, 3.9), (5.4, 3.2), (10.0, 5.2)])
def test_every_text_of_a_chart_lies_inside_it_and_the_plot_keeps_its_room(size: tuple[float, float]) -> None:
    """The chart's own layout: nothing cut at an edge, titles wrapped, the plot not crowded out."""
    import datetime as dt

    from matplotlib.text import Text

    from microsys.render.chart import draw
    from microsys.report.model import ChartFigure
    from microsys.report.storyboard import storyboard
    from microsys.workbook.loader import load_workbook

    report = storyboard(load_workbook(EXAMPLES / "sheffield-cf-clinic"), dt.date(2026, 11, 22))
    charts = [(f.series, f.analysis) for f in report.figures if isinstance(f, ChartFigure)]
    assert len(charts) == 3  # every measure the team tracks with enough values to judge
    for series, analysis in charts:
        fig = draw(series, analysis, width=size[0], height=size[1])
        fig.draw_without_rendering()  # as saving does: the legend's texts get their places
        renderer = fig.canvas.get_renderer()
        page = fig.bbox
        ax = fig.axes[0]
        low, high = sorted(ax.get_ylim())
        # matplotlib keeps a tick just beyond the axis range but does not draw it.
        undrawn = {id(t) for t in ax.get_yticklabels() if not low <= t.get_position()[1] <= high}
        for text in fig.findobj(Text):
            if not text.get_visible() or not text.get_text().strip() or id(text) in undrawn:
                continue
            box = text.get_window_extent(renderer)
            assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, (text.get_text(), box, page)
            assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, (text.get_text(), box, page)
        plot = fig.axes[0].get_window_extent(renderer)
        assert plot.width >= 0.45 * page.width, (series.title, plot.width / page.width)
        assert plot.height >= 0.3 * size[1] * fig.dpi


def test_a_narrow_chart_names_cycles_by_id_a_wide_one_by_title() -> None:
    import datetime as dt

    from matplotlib.text import Text

    from microsys.render.chart import draw
    from microsys.report.model import ChartFigure
    from microsys.report.storyboard import storyboard
    from microsys.workbook.loader import load_workbook

    report = storyboard(load_workbook(EXAMPLES / "sheffield-cf-clinic"), dt.date(2026, 11, 22))
    chart = next(f for f in report.figures if isinstance(f, ChartFigure) and f.series.annotations)
    series, analysis = chart.series, chart.analysis

    def texts(width: float) -> set[str]:
        return {t.get_text() for t in draw(series, analysis, width=width, height=3.2).findobj(Text)}

    ids = {a.short for a in series.annotations}
    assert ids and ids <= texts(5.4)
    wide = texts(10)
    assert not ids & wide
    assert any(t.startswith("PDSA-1: ") for t in wide)


def test_nhs_baseline_applies_within_each_phase_from_the_cli(tmp_path: Path) -> None:
    # NHSRplotthedots' rebase + fix_after_n_points: each phase's limits from its first 4 points
    # (values derived in tests/unit/test_spc.py::test_nhs_fixed_baseline_applies_within_each_rebase_group).
    p = tmp_path / "d.csv"
    ys = [10, 12, 10, 12, 30, 30, 30, 30, 50, 54, 50, 54, 10, 10, 10, 10]
    p.write_text("y,phase\n" + "".join(f"{y},{'a' if i < 8 else 'b'}\n" for i, y in enumerate(ys)))
    args = ["chart", str(p), "--y", "y", "--part", "phase", "-t", "i", "--freeze", "4", "-f", "json"]
    doc = json.loads(invoke(*args, "--rules", "nhs").output)
    assert [pt["baseline"] for pt in doc["points"]] == ([True] * 4 + [False] * 4) * 2
    assert [part["cl"] for part in doc["parts"]] == pytest.approx([11, 52])
    anhoej = json.loads(invoke(*args).output)
    assert [part["cl"] for part in anhoej["parts"]] == pytest.approx([164 / 8, 248 / 8])


def test_nhs_baseline_applies_within_each_phase_from_a_measure(cf_clinic: Path) -> None:
    path = cf_clinic / "measures" / "clinic-wait.yaml"
    path.write_text(path.read_text().replace("chart: i\n", "chart: i\nrules: nhs\nbaseline:\n  points: 3\n"))
    doc = json.loads(invoke("chart", str(cf_clinic), "clinic-wait", "--format", "json").stdout)
    assert len(doc["parts"]) == 4
    for part in doc["parts"]:
        points = [pt for pt in doc["points"] if pt["part"] == part["part"]]
        assert [pt["baseline"] for pt in points] == [True] * 3 + [False] * (len(points) - 3)
        assert part["cl"] == pytest.approx(sum(pt["y"] for pt in points[:3]) / 3)


@pytest.mark.parametrize("target", ["nan", "inf", "-inf", "1e308"])
def test_a_target_no_chart_can_show_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    """nan/inf were drawn as nothing, with numpy warnings, and written as invalid JSON (NaN)."""
    source = tmp_path / "waits.csv"
    source.write_text("date,value\n" + "".join(f"2026-01-{d:02d},{d % 5 + 3}\n" for d in range(1, 15)))
    for fmt in ("json", "image"):
        code = run(["chart", str(source), "--y", "value", f"--target={target}", "-f", fmt])
        out, err = capsys.readouterr()
        assert code == 2, out + err
        assert f"--target {float(target)} is not a value a chart can show" in err
        assert out == "" and "Warning" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["waits.csv"]


@pytest.mark.parametrize("target", [".nan", ".inf", "1e308"])
def test_a_measure_target_no_chart_can_show_is_a_finding(
    cf_clinic: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    path = cf_clinic / "measures" / "clinic-wait.yaml"
    path.write_text(path.read_text().replace("target: 10\n", f"target: {target}\n", 1))
    assert f"target: {target}\n" in path.read_text()
    assert run(["check", str(cf_clinic)]) == 1
    out, _ = capsys.readouterr()
    assert "measures/clinic-wait.yaml:14:9: error: target:" in out and "[schema.invalid-value]" in out
    code = run(["chart", str(cf_clinic), "clinic-wait", "-f", "json"])
    out, err = capsys.readouterr()
    assert "NaN" not in out and "Infinity" not in out and "Warning" not in err
    assert code == 2, out + err


@pytest.mark.parametrize("name", ["x.gif", "chart.jpg", "notes.txt"])
def test_out_with_another_files_ending_is_refused_not_a_folder(capsys, tmp_path: Path, name: str) -> None:
    data = tmp_path / "wait.csv"
    data.write_text("x,y\n1,5\n2,6\n3,4\n4,5\n5,7\n", encoding="utf-8")
    code, _, err = call(capsys, "chart", str(data), "--out", str(tmp_path / name))
    assert code == 2 and "is not a chart file" in err and ".png" in err
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize(("harm", "lowest", "highest"), [(0, "0%", "100%"), (50, "90%", "100%")])
def test_a_flat_proportion_keeps_its_axis_between_none_and_all(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, harm: int, lowest: str, highest: str
) -> None:
    """Twelve weeks of 0 (or 50) of 50: no tick below 0% or above 100%, as report charts draw it."""
    import datetime as dt

    data = tmp_path / "flat.csv"
    weeks = [dt.date(2026, 1, 5) + dt.timedelta(weeks=k) for k in range(12)]
    data.write_text("week,harm,n\n" + "".join(f"{w},{harm},50\n" for w in weeks), encoding="utf-8")
    out = tmp_path / "flat.svg"
    code, _, err = call(
        capsys, "chart", str(data), "--y", "harm", "--n", "n", "--x", "week", "-t", "p", "-o", str(out)
    )
    assert code == 0, err
    ticks = re.findall(r">(\S+%)</text>", out.read_text(encoding="utf-8"))
    assert lowest in ticks and highest in ticks
    assert not [
        t for t in ticks if t.startswith(("-", "\u2212")) or float(t.rstrip("%").replace(",", "")) > 100
    ]
