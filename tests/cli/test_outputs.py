"""What ``chart`` and ``report`` write: only their own files, marked, from trusted inputs, bounded."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from microsys.ownership import is_ours
from microsys.render import bounded
from tests.conftest import EXAMPLES, NOT_SOURCE, call, snapshot

TODAY = "2026-11-22"


def sources(root: Path) -> dict[str, bytes]:
    """A workbook's own files (everything outside build/)."""
    return {k: v for k, v in snapshot(root).items() if not k.startswith("build/")}


# --- never replace a file microsys did not write ----------------------------------------


def test_chart_replaces_its_own_images_and_no_one_elses(capsys, cf_clinic: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.png"
    mine.write_bytes(b"\x89PNG\r\n\x1a\n a picture made by someone, with microsys in it")
    code, _, err = call(capsys, "chart", str(cf_clinic), "clinic-wait", "--out", str(mine))
    assert code == 1 and "was not made by microsys" in err and "--force" in err
    assert mine.read_bytes().startswith(b"\x89PNG\r\n\x1a\n a picture")
    code, _, err = call(capsys, "chart", str(cf_clinic), "clinic-wait", "--out", str(mine), "--force")
    assert code == 0, err
    assert is_ours(mine, mine.read_bytes())
    # A chart made before is rebuilt in place.
    for suffix, runs in ((".svg", 2), (".pdf", 1)):
        out = tmp_path / f"again{suffix}"
        for _ in range(runs):
            code, _, err = call(capsys, "chart", str(cf_clinic), "clinic-wait", "--out", str(out))
            assert code == 0, err
            assert is_ours(out, out.read_bytes()), suffix
    assert not list(tmp_path.glob(".*tmp"))


@pytest.mark.parametrize("out", ["5ps/purpose.yaml", "5ps", "measures/clinic-wait.png", "notes.png"])
def test_nothing_is_ever_written_among_a_workbooks_own_files(capsys, cf_clinic: Path, out: str) -> None:
    before = snapshot(cf_clinic)
    for force in ([], ["--force"]):
        code, _, err = call(
            capsys, "chart", str(cf_clinic), "clinic-wait", "--out", str(cf_clinic / out), *force
        )
        assert code == 1 and "inside the workbook" in err and "Traceback" not in err
        code, _, err = call(
            capsys, "report", str(cf_clinic), "-f", "md", "--out", str(cf_clinic / out), *force
        )
        assert code in (1, 2) and "Traceback" not in err
    assert snapshot(cf_clinic) == before


def test_a_chart_of_a_csv_inside_a_workbook_is_not_put_beside_it(capsys, cf_clinic: Path) -> None:
    data = cf_clinic / "measures" / "clinic-wait.csv"
    code, _, err = call(capsys, "chart", str(data), "--y", "value", "--x", "date")
    assert code == 1 and "inside the workbook" in err
    assert not data.with_suffix(".png").exists()


def test_links_in_build_are_never_written_through(capsys, cf_clinic: Path, tmp_path: Path) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    charts = cf_clinic / "build" / "charts"
    charts.mkdir(parents=True)
    # A link committed at the name the old writer used for its temporary file is never followed.
    (charts / ".clinic-wait.png.tmp").symlink_to(outside)
    code, _, err = call(capsys, "chart", str(cf_clinic), "clinic-wait")
    assert code == 0, err
    assert outside.read_text(encoding="utf-8") == "keep me\n"
    chart = charts / "clinic-wait.png"
    assert is_ours(chart, chart.read_bytes())
    assert [p.name for p in charts.iterdir() if p.name.startswith(".")] == [".clinic-wait.png.tmp"]
    # A link at the chart's own name is neither written through nor replaced, --force or not.
    chart.unlink()
    chart.symlink_to(outside)
    for force in ([], ["--force"]):
        code, _, err = call(capsys, "chart", str(cf_clinic), "clinic-wait", *force)
        assert code == 1 and "is a link" in err
    assert outside.read_text(encoding="utf-8") == "keep me\n" and chart.is_symlink()
    # A build folder that is a link: into the workbook's sources, or out of the workbook.
    shutil.rmtree(cf_clinic / "build")
    (cf_clinic / "build").symlink_to(cf_clinic / "5ps")
    before = snapshot(cf_clinic / "5ps")
    for args in (["chart", str(cf_clinic), "clinic-wait"], ["report", str(cf_clinic), "-f", "md"]):
        code, _, err = call(capsys, *args, "--force")
        assert code == 1 and "inside the workbook" in err, err
    assert snapshot(cf_clinic / "5ps") == before
    (cf_clinic / "build").unlink()
    (cf_clinic / "build").symlink_to(tmp_path, target_is_directory=True)
    code, _, err = call(capsys, "chart", str(cf_clinic), "clinic-wait", "--force")
    assert code == 1 and "is a link to another place" in err
    assert not (tmp_path / "charts").exists()


def test_every_report_file_is_marked_and_refuses_foreign_files(
    capsys, cf_clinic: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    code, _, err = call(
        capsys, "report", str(cf_clinic), "-k", "all", "-f", "html", "-f", "md", "--out", str(out)
    )
    assert code == 0, err
    written = [p for p in out.rglob("*") if p.is_file()]
    assert {p.suffix for p in written} == {".html", ".md", ".svg"} and len(written) > 9
    assert all(is_ours(p, p.read_bytes()) for p in written)
    first = (out / "storyboard.md").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("<!-- microsys; source: cf;")
    # A figure file replaced by the user's own drawing is not overwritten.
    figure = next(out.glob("storyboard_files/*.svg"))
    figure.write_text('<svg xmlns="http://www.w3.org/2000/svg"><!-- microsys --></svg>', encoding="utf-8")
    before = snapshot(out)
    code, _, err = call(capsys, "report", str(cf_clinic), "-k", "all", "-f", "md", "--out", str(out))
    assert code == 1 and figure.name in err
    assert snapshot(out) == before  # refused before anything was written


# --- committed caches are not trusted ---------------------------------------------------------

EVIL = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><image href="https://evil.example/x"/></svg>'


def test_svg_files_committed_to_a_workbook_never_reach_a_report(capsys, cf_clinic: Path) -> None:
    committed = cf_clinic / "build" / ".cache" / "charts"
    committed.mkdir(parents=True)
    for name in ("a.svg", "0123456789abcdef0123456789abcdef.svg"):
        (committed / name).write_text(EVIL, encoding="utf-8")
    code, _, err = call(capsys, "report", str(cf_clinic), "-f", "html", "--today", TODAY)
    assert code == 0, err
    html = (cf_clinic / "build" / "storyboard.html").read_text(encoding="utf-8")
    assert "<script" not in html and "evil.example" not in html
    assert html.count("<svg") >= 3 and "Mean clinic waiting time" in html


def test_copies_of_a_workbook_draw_the_same_charts_and_a_changed_measure_changes_its_own(
    capsys, tmp_path: Path
) -> None:
    one, two = (tmp_path / "one", tmp_path / "two")
    for copy in (one, two):
        shutil.copytree(EXAMPLES / "sheffield-cf-clinic", copy, ignore=NOT_SOURCE)

    def report(wb: Path) -> dict[str, bytes]:
        code, _, err = call(capsys, "report", str(wb), "-f", "md", "--today", TODAY)
        assert code == 0, err
        # (less the mark every output carries, which names the workbook's folder)
        files = (wb / "build" / "storyboard_files").glob("chart-*.svg")
        return {p.name: re.sub(rb"<metadata>[^<]*</metadata>", b"", p.read_bytes()) for p in files}

    first = report(one)
    assert len(first) == 3
    assert report(two) == first  # the same data gives the same bytes, wherever the workbook is
    # One changed value in one measure: that chart alone changes, and shows it.
    data = two / "measures" / "clinic-wait.csv"
    data.write_text(data.read_text(encoding="utf-8").replace("2025-11-03,39.0,", "2025-11-03,81.5,"), "utf-8")
    later = report(two)
    assert later["chart-clinic-wait.svg"] != first["chart-clinic-wait.svg"]
    assert {k: v for k, v in later.items() if k != "chart-clinic-wait.svg"} == {
        k: v for k, v in first.items() if k != "chart-clinic-wait.svg"
    }


# --- text drawn as written ---------------------------------------------------------------------

MATH = r"Cost in \pounds of $5...$6 visits \le 3 \frac{a}{b} $\alpha$"


def test_dollars_and_backslashes_in_measure_names_and_notes_are_drawn_as_written(
    capsys, cf_clinic: Path, tmp_path: Path
) -> None:
    measure = cf_clinic / "measures" / "clinic-wait.yaml"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(
        text.replace("name: Mean clinic waiting time", f"name: {json.dumps(MATH)}"), encoding="utf-8"
    )
    cycle = cf_clinic / "pdsa" / "PDSA-1.yaml"
    text = cycle.read_text(encoding="utf-8")
    cycle.write_text(
        text.replace("title: Pre-clinic huddle, one Tuesday clinic", r"title: '$1 \le $2 huddle'"),
        encoding="utf-8",
    )
    data = cf_clinic / "measures" / "clinic-wait.csv"
    rows = data.read_text(encoding="utf-8").splitlines()
    rows[2] = rows[2] + r"\le $x^2$ \pounds"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "wait.svg"
    code, _, err = call(capsys, "chart", str(cf_clinic), "clinic-wait", "--out", str(out))
    assert code == 0, err
    svg = out.read_text(encoding="utf-8")
    assert MATH.replace("$", "").split()[0] in svg
    literals = (
        r"\pounds",
        "$5...$6",
        r"\le 3",
        r"\frac{a}{b}",
        r"$\alpha$",
        r"\le $x^2$ \pounds",
        r"$1 \le $2 huddle",
    )
    for literal in literals:
        assert literal in svg, literal
    for fmt in ("png", "pdf"):
        code, _, err = call(
            capsys, "chart", str(cf_clinic), "clinic-wait", "--out", str(tmp_path / f"w.{fmt}")
        )
        assert code == 0, err


# --- a poster is one page, or says why not -----------------------------------------------------


def test_a_storyboard_that_spills_over_its_page_is_refused_unless_allowed(
    capsys, cf_clinic: Path, tmp_path: Path
) -> None:
    first = (cf_clinic / "pdsa" / "PDSA-1.yaml").read_text(encoding="utf-8")
    for i in range(10, 70):
        (cf_clinic / "pdsa" / f"PDSA-{i}.yaml").write_text(
            re.sub(r"PDSA-1\b", f"PDSA-{i}", first), encoding="utf-8"
        )
    poster = tmp_path / "poster.pdf"
    code, _, err = call(capsys, "report", str(cf_clinic), "--out", str(poster), "--today", TODAY)
    # Not even on the larger papers tried without --size: refused, naming them.
    said = " ".join(err.split())
    assert code == 1 and "does not fit one A3 page" in said and "nor does it fit on A2 or A1" in said
    assert "Tests of change" in err and "--allow-pages" in err
    assert not poster.exists()
    code, out, err = call(
        capsys, "report", str(cf_clinic), "--out", str(poster), "--today", TODAY, "--allow-pages"
    )
    assert code == 0, err
    assert "WARNING" in out and len(PdfReader(poster).pages) > 1
    # Over pages of the paper a user would print it on.
    assert {round(float(p.mediabox.width)) for p in PdfReader(poster).pages} == {1191}


# --- a workbook's own templates are bounded and offline -------------------------------------------


@pytest.fixture
def own_templates(millbrook: Path) -> Path:
    folder = millbrook / "templates" / "report"
    folder.mkdir(parents=True)
    return folder


@pytest.mark.parametrize(
    ("name", "template", "expected"),
    [
        (
            "storyboard.html.j2",
            "{% for i in range(99999) %}{% for j in range(99999) %}{{ i }}{% endfor %}{% endfor %}",
            "stopped after 2 seconds",
        ),
        # typst builds the range as an array first: the time or the memory bound stops it.
        ("storyboard.typ", "#for i in range(1000000000) { }\n", "was stopped"),
        ("storyboard.typ", '#let p = "@pre" + "view/cetz:0.3.0"\n#import p: *\n', "typst package"),
        pytest.param(
            "storyboard.md.j2",
            "{{ 'x' * 100000 * 100000 }}",
            "memory",
            marks=pytest.mark.skipif(
                not sys.platform.startswith("linux"), reason="memory is bounded on Linux"
            ),
        ),
    ],
)
def test_a_template_that_hangs_eats_memory_or_fetches_is_stopped(
    capsys, own_templates: Path, name: str, template: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A short bound for templates that never end; templates that do end keep the real one,
    # so a busy machine does not stop them.
    monkeypatch.setattr(bounded, "SECONDS", 2.0)
    (own_templates / name).write_text(template, encoding="utf-8")
    root = own_templates.parents[1]
    fmt = {"j2": name.split(".")[-2], "typ": "pdf"}[name.split(".")[-1]]
    before = snapshot(root)
    code, _, err = call(capsys, "report", str(root), "-f", fmt)
    assert code == 2 and expected in err and f"templates/report/{name}" in err, err
    assert snapshot(root) == before


def test_a_package_import_is_refused_before_typst_runs(capsys, own_templates: Path) -> None:
    builtin = (Path(__file__).resolve().parents[2] / "templates" / "report" / "style.typ").read_text(
        encoding="utf-8"
    )
    (own_templates / "style.typ").write_text(
        builtin + '\n#import "@preview/cetz:0.3.0": canvas\n', encoding="utf-8"
    )
    code, _, err = call(capsys, "report", str(own_templates.parents[1]))
    line = builtin.count("\n") + 2
    assert code == 2 and f"templates/report/style.typ line {line} imports a typst package" in err
    assert "internet" in err


def test_restyled_reports_still_render_and_are_marked(capsys, own_templates: Path, tmp_path: Path) -> None:
    builtin = Path(__file__).resolve().parents[2] / "templates" / "report"
    shutil.copyfile(builtin / "style.typ", own_templates / "style.typ")
    (own_templates / "summary.md.j2").write_text('{% extends "default:summary.md.j2" %}', encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = call(
        capsys,
        "report",
        str(own_templates.parents[1]),
        "-k",
        "summary",
        "-f",
        "pdf",
        "-f",
        "md",
        "--out",
        str(out),
    )
    assert code == 0, err
    for path in (out / "5p-summary.pdf", out / "5p-summary.md"):
        assert is_ours(path, path.read_bytes())


def test_a_workbook_template_that_leaves_no_room_for_the_mark_is_a_plain_error(
    capsys, own_templates: Path
) -> None:
    root = own_templates.parents[1]
    (own_templates / "summary.html.j2").write_text("<p>{{ d.name }}</p>", encoding="utf-8")
    code, _, err = call(capsys, "report", str(root), "-k", "summary", "-f", "html")
    assert code == 2 and "<head>" in err and not (root / "build").exists()
    (own_templates / "summary.typ").write_text(
        '#set document(keywords: ("ours",))\n#let d = json("/data.json")\n'
        "= #d.name\n#metadata(1) <last-page>\n",
        encoding="utf-8",
    )
    code, _, err = call(capsys, "report", str(root), "-k", "summary")
    assert code == 2 and "keywords" in err and not (root / "build").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_pipe_or_folder_at_an_outputs_name_is_refused_without_reading_it(capsys, cf_clinic: Path) -> None:
    charts = cf_clinic / "build" / "charts"
    charts.mkdir(parents=True)
    os.mkfifo(charts / "clinic-wait.png")  # reading it would wait for ever
    code, _, err = call(capsys, "chart", str(cf_clinic), "clinic-wait", "--force")
    assert code == 1 and "not a regular file" in err
    (charts / "clinic-wait.png").unlink()
    (charts / "clinic-wait.png").mkdir()
    code, _, err = call(capsys, "chart", str(cf_clinic), "clinic-wait", "--force")
    assert code == 1 and "is a folder" in err


def test_an_out_that_names_a_users_file_of_another_kind_says_so_and_keeps_it(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, tmp_path: Path
) -> None:
    """`--out notes.txt` is taken as a folder; the refusal said only "check its permissions"."""
    notes = tmp_path / "notes.txt"
    notes.write_text("a user's own notes\n")
    for argv in (
        ["report", str(cf_clinic), "-f", "md", "--out", str(notes)],
        ["chart", str(cf_clinic), "clinic-wait", "--out", str(notes), "--force"],
    ):
        code, out, err = call(capsys, *argv)
        assert code == 1, out + err
        assert f"{notes} is a file, not a folder" in err and "give --out a folder" in err
        assert "permissions" not in err
    assert notes.read_text() == "a user's own notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["notes.txt", cf_clinic.name])
