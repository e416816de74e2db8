"""``microsys report``: storyboard, playbook and 5P summary as PDF, HTML and Markdown."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from tests.conftest import EXAMPLES, NOT_SOURCE, RENDER_ALL, call, snapshot

TODAY = "2026-11-22"
MM_PER_PT = 25.4 / 72


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def squash(text: str) -> str:
    """Text without whitespace, soft breaks or hyphens added by layout, for containment checks."""
    return re.sub(r"[\s\u200b]+", "", text)


def page_mm(path: Path) -> list[tuple[int, int]]:
    return [
        (round(float(p.mediabox.width) * MM_PER_PT), round(float(p.mediabox.height) * MM_PER_PT))
        for p in PdfReader(path).pages
    ]


def test_storyboard_of_the_cf_clinic_is_one_legible_page_in_ramp_order(rendered) -> None:
    # Its figures and text do not fit an A3 page at sizes people can read, nor an A2 one:
    # without --size it goes on the paper it needs, and says so.
    cf = rendered("sheffield-cf-clinic")  # the storyboard is the default report, a PDF its default format
    out, pdf = cf.out, cf.build / "storyboard.pdf"
    assert f"wrote {pdf}" in out or ("wrote" in out and "storyboard.pdf" in out)
    assert page_mm(pdf) == [(841, 594)]
    assert "set on A1: it does not fit one A3 page with text large enough to read" in " ".join(out.split())
    text = pdf_text(pdf)
    headings = [
        "Our purpose",
        "What we found",
        "Global aim",
        "The process as it was",
        "Specific aims",
        "Causes",
        "Driver diagram",
        "Change ideas",
        "Tests of change",
        "Measures",
        "Results",
        "What we learned",
        "Next steps",
    ]
    found = [squash(text).find(squash(h)) for h in headings]
    assert all(i >= 0 for i in found), dict(zip(headings, found, strict=True))
    for fact in (
        "Adult Cystic Fibrosis Outpatient Clinic",
        "Sarah Porter",
        "patient / family",
        "PDSA-4",
        "ABANDON",
        "Mean clinic waiting time",
        "Patients wait a mean",
        "Playbook",
        # The driver diagram is drawn as real text: its drivers and the gap nothing acts on yet.
        "Staff move, not patients",
        "no change idea yet",
    ):
        assert squash(fact) in squash(text), fact
    assert "Not yet" not in text


def test_a_team_in_diagnose_sees_what_is_still_to_come(rendered) -> None:
    # What the sections say is tested on the model (tests/unit/test_report_model.py); here, that
    # it reaches the file and that a playbook with no entries is skipped with a word of why.
    millbrook = rendered("millbrook-surgery")
    assert "skipped playbook" in millbrook.out and "microsys new playbook" in millbrook.out
    assert not any(millbrook.build.glob("playbook.*"))
    text = (millbrook.build / "storyboard.md").read_text(encoding="utf-8")
    assert "## Not yet" in text and "Tests of change (PDSA)" in text
    assert "Getting through at 8" in text
    summary = (millbrook.build / "5p-summary.md").read_text(encoding="utf-8")
    for heading in ("Purpose", "Patients", "Professionals", "Processes", "Patterns"):
        assert heading in summary


def test_a_new_workbook_in_assess_renders_without_empty_boxes(capsys, tmp_path: Path) -> None:
    assert call(capsys, "init", str(tmp_path / "new"), "--name", "Ward 7", "--setting", "ward")[0] == 0
    code, _, err = call(
        capsys,
        "report",
        str(tmp_path / "new"),
        "--kind",
        "all",
        "--format",
        "pdf",
        "--format",
        "html",
        "--format",
        "md",
    )
    assert code == 0, err
    text = pdf_text(tmp_path / "new" / "build" / "storyboard.pdf")
    assert "Ward 7" in text and "Still to come on the ramp" in text
    assert (tmp_path / "new" / "build" / "5p-summary.md").read_text(encoding="utf-8").count(
        "Not assessed yet"
    ) >= 1


def test_the_playbook_has_contents_and_a_chapter_per_standardised_process(rendered) -> None:
    pdf = rendered("sheffield-cf-clinic").build / "playbook.pdf"
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 3 and page_mm(pdf)[0] == (210, 297)
    assert "Contents" in reader.pages[0].extract_text()
    text = pdf_text(pdf)
    for part in (
        "The CF clinic day",
        "Purpose",
        "Scope",
        "Why: the driver diagram",
        "Roles: who does what",
        "The steps",
        "Standard work",
        "Measures that show it holds",
        "SDSA history",
        "SDSA-2",
        "Review by",
        "4 Mar 2027",
    ):
        assert part in text, part


@pytest.mark.parametrize(
    ("example", "size", "orientation", "expected"),
    [
        ("sheffield-cf-clinic", "a1", "--landscape", (841, 594)),
        ("millbrook-surgery", "a3", "--portrait", (297, 420)),
        ("millbrook-surgery", "a1", "--landscape", (841, 594)),
        ("millbrook-surgery", "a0", "--portrait", (841, 1189)),
    ],
)
def test_every_size_gives_one_page_of_that_size(
    capsys, tmp_path: Path, example: str, size: str, orientation: str, expected: tuple[int, int]
) -> None:
    root = tmp_path / example
    shutil.copytree(EXAMPLES / example, root, ignore=NOT_SOURCE)
    out_file = tmp_path / "poster.pdf"
    code, _, err = call(
        capsys,
        "report",
        str(root),
        "--size",
        size,
        orientation,
        "--out",
        str(out_file),
        "--today",
        TODAY,
    )
    assert code == 0, err
    assert page_mm(out_file) == [expected]


def test_a_poster_too_full_for_the_paper_asked_for_is_refused_or_set_over_pages(
    capsys, cf_clinic: Path, tmp_path: Path
) -> None:
    # Never shrunk below what people can read: refused on the A4 asked for, nothing written...
    out_file = tmp_path / "poster.pdf"
    args = ("report", str(cf_clinic), "--size", "a4", "--out", str(out_file), "--today", TODAY)
    code, _, err = call(capsys, *args)
    assert code != 0 and not out_file.exists()
    said = " ".join(err.split())
    assert "does not fit one A4 page with text large enough to read (at least 9 pt)" in said, said
    assert "nothing was written" in said and "--size a3 gives it more room" in said
    # ...or, when asked, over several A4 pages with the warning.
    code, out, err = call(capsys, *args, "--allow-pages")
    assert code == 0, err
    assert len(page_mm(out_file)) > 1 and set(page_mm(out_file)) == {(297, 210)}
    assert "WARNING: the storyboard does not fit one A4 page" in " ".join(out.split())


def test_output_is_byte_identical_run_after_run(
    capsys, rendered, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first run is the session's (charts drawn then, or taken from its cache); the second
    # draws its charts afresh, in a copy of the same name, with the same command.
    first = rendered("sheffield-cf-clinic")
    again = tmp_path / first.root.name
    shutil.copytree(EXAMPLES / first.root.name, again, ignore=NOT_SOURCE)
    monkeypatch.setenv("MICROSYS_CACHE_DIR", str(tmp_path / "fresh-cache"))
    code, _, err = call(capsys, "report", str(again), *RENDER_ALL)
    assert code == 0, err
    assert snapshot(again / "build") == snapshot(first.build)
    assert len(snapshot(first.build)) >= 9


def test_html_is_self_contained(rendered) -> None:
    build = rendered("sheffield-cf-clinic").build
    for name in ("storyboard.html", "playbook.html", "5p-summary.html"):
        html = (build / name).read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html), name
        assert (
            "<link" not in html and "<script" not in html and "@import" not in html and "url(http" not in html
        )
        # Inline figures keep unique ids, so several charts on a page do not borrow each other's clip paths.
        ids = re.findall(r'\bid="([^"]+)"', html)
        assert len(ids) == len(set(ids))
    # The ramp, the map, the fishbone, the Pareto chart, the driver diagram and three measures
    # (the fourth, with 6 values, is named as too few to judge).
    assert (build / "storyboard.html").read_text(encoding="utf-8").count("<svg") == 8


def test_markdown_reads_on_a_git_host(rendered) -> None:
    build = rendered("sheffield-cf-clinic").build
    text = (build / "playbook.md").read_text(encoding="utf-8")
    assert "```mermaid\nflowchart TD" in text and 'subgraph lane0["receptionist"]' in text
    for link in re.findall(r"\]\((playbook_files/[^)]+)\)", text):
        assert (build / link).is_file()
    assert "| **receptionist** |" in text


HOSTILE = "Wait # $5 and $6 *bold* _x_ `code` <b>tag</b> @ref [link](x) \\ {{ x }} {% y %} #panic()"


def _set(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_markup_in_workbook_text_is_shown_as_written(capsys, millbrook: Path) -> None:
    _set(millbrook / "themes.yaml", "title: Getting through at 8 o'clock", f"title: {json.dumps(HOSTILE)}")
    code, _, err = call(capsys, "report", str(millbrook), "-f", "pdf", "-f", "html", "-f", "md")
    assert code == 0, err
    assert squash(HOSTILE) in squash(pdf_text(millbrook / "build" / "storyboard.pdf"))
    html = (millbrook / "build" / "storyboard.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;tag&lt;/b&gt;" in html and "<b>tag</b>" not in html
    md = (millbrook / "build" / "storyboard.md").read_text(encoding="utf-8")
    assert r"\*bold\* \_x\_ \`code\` &lt;b&gt;tag&lt;/b&gt; @ref \[link\](x) \\ \{\{ x \}\}" in md


def test_very_long_text_is_cut_with_a_marker_and_reported(capsys, millbrook: Path) -> None:
    long = " ".join(["Reception is overwhelmed at eight"] * 400) + " " + "x" * 300
    purpose = millbrook / "5ps" / "purpose.yaml"
    text = purpose.read_text(encoding="utf-8")
    purpose.write_text(
        re.sub(r"(?ms)^statement:.*?(?=^\w)", lambda _: f"statement: {json.dumps(long)}\n", text),
        encoding="utf-8",
    )
    code, out, err = call(capsys, "report", str(millbrook))
    assert code == 0, err
    assert "shortened: Purpose: 5ps/purpose.yaml" in out
    pdf = millbrook / "build" / "storyboard.pdf"
    assert len(PdfReader(pdf).pages) == 1
    # (the file's name may be broken over two lines of a narrow column)
    assert squash("continued in the workbook: 5ps/purpose.yaml") in squash(pdf_text(pdf))


def test_html_and_markdown_have_no_page_so_nothing_is_cut(capsys, millbrook: Path) -> None:
    long = " ".join(f"Reception is overwhelmed at eight, day {i}." for i in range(120))
    purpose = millbrook / "5ps" / "purpose.yaml"
    text = purpose.read_text(encoding="utf-8")
    purpose.write_text(
        re.sub(r"(?ms)^statement:.*?(?=^\w)", lambda _: f"statement: {json.dumps(long)}\n", text),
        encoding="utf-8",
    )
    code, out, err = call(capsys, "report", str(millbrook), "-f", "html", "-f", "md", "--today", TODAY)
    assert code == 0, err
    assert "shortened" not in out
    for name in ("storyboard.html", "storyboard.md"):
        written = " ".join((millbrook / "build" / name).read_text(encoding="utf-8").split())
        assert "day 119." in written and "continued in the workbook" not in written, name


def test_broken_files_are_left_out_and_said(capsys, cf_clinic: Path) -> None:
    (cf_clinic / "pdsa" / "PDSA-2.yaml").write_text("id: PDSA-2\nchange: [\n", encoding="utf-8")
    code, out, err = call(capsys, "report", str(cf_clinic), "-f", "md", "--today", TODAY)
    assert code == 0, err
    assert "left out 1 file(s) with errors: pdsa/PDSA-2.yaml" in out


def test_all_renders_every_workbook_under_a_folder(capsys, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES, repo, ignore=NOT_SOURCE)
    code, _, err = call(
        capsys, "report", str(repo), "--all", "--kind", "summary", "-f", "md", "--today", TODAY
    )
    assert code == 0, err
    assert (repo / "sheffield-cf-clinic" / "build" / "5p-summary.md").is_file()
    assert (repo / "millbrook-surgery" / "build" / "5p-summary.md").is_file()


def test_all_into_one_folder_keeps_workbooks_of_the_same_name_apart(capsys, tmp_path: Path) -> None:
    """Two pathways both in a folder called ``pathway`` each get their own reports in --out."""
    repo = tmp_path / "repo"
    for name in ("sepsis-big-room", "heart-attack-journey"):
        shutil.copytree(EXAMPLES / name, repo / name, ignore=NOT_SOURCE)
    out = tmp_path / "out"
    code, _, err = call(
        capsys, "report", str(repo), "--all", "-k", "summary", "-f", "md", "--out", str(out), "--today", TODAY
    )
    assert code == 0, err
    sepsis = out / "sepsis-big-room" / "pathway" / "5v-summary.md"
    heart = out / "heart-attack-journey" / "pathway" / "5v-summary.md"
    assert "Sepsis" in sepsis.read_text(encoding="utf-8")
    assert "Heart attack" in heart.read_text(encoding="utf-8")


def test_usage_mistakes_are_plain_errors(capsys, cf_clinic: Path, tmp_path: Path) -> None:
    for args, words in (
        (
            ["--kind", "poster"],
            "'poster' is not one of the choices; use one of: storyboard, playbook, summary, all",
        ),
        (["--format", "docx"], "'docx' is not one of the choices; use one of: pdf, html, md"),
        (["--size", "b5"], "'b5' is not one of the choices; use one of: a4, a3, a2, a1, a0"),
        (["-k", "all", "--out", str(tmp_path / "x.pdf")], "names one file"),
    ):
        code, _, err = call(capsys, "report", str(cf_clinic), *args)
        assert code == 2 and words in err and "Traceback" not in err, (args, err)
    code, _, err = call(capsys, "report", str(tmp_path))
    assert code == 2 and "no workbook found" in err


def test_the_options_list_what_the_use_case_accepts() -> None:
    from microsys import reporting
    from microsys.cli import report

    assert (*reporting.KINDS, "all", *reporting.FOLDER_KINDS) == report.REPORT_KINDS
    assert report.REPORT_FORMATS == reporting.FORMATS
    assert report.PAPER_SIZES == reporting.SIZES


def test_workbook_templates_restyle_reports_but_cannot_read_outside(
    capsys, millbrook: Path, tmp_path: Path
) -> None:
    own = millbrook / "templates" / "report"
    own.mkdir(parents=True)
    builtin = (Path(__file__).resolve().parents[2] / "templates" / "report" / "style.typ").read_text(
        encoding="utf-8"
    )
    (own / "style.typ").write_text(builtin.replace('rgb("#0f6e8c")', 'rgb("#7a1f5c")'), encoding="utf-8")
    (own / "summary.html.j2").write_text(
        '{% extends "default:summary.html.j2" %}{% block kicker %}Our 5Ps{% endblock %}', encoding="utf-8"
    )
    code, _, err = call(capsys, "report", str(millbrook), "-k", "summary", "-f", "pdf", "-f", "html")
    assert code == 0, err
    assert "Our 5Ps" in (millbrook / "build" / "5p-summary.html").read_text(encoding="utf-8")

    secret = tmp_path / "secret.txt"
    secret.write_text("do not read", encoding="utf-8")
    (own / "storyboard.typ").write_text(f'#read("{secret}")\n#read("/../secret.txt")\n', encoding="utf-8")
    code, _, err = call(capsys, "report", str(millbrook))
    assert code == 2 and "could not be typeset" in err and "do not read" not in err
    (own / "storyboard.html.j2").write_text(
        "{{ ''.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8"
    )
    code, _, err = call(capsys, "report", str(millbrook), "-f", "html")
    assert code == 2 and "could not be used" in err
    (own / "storyboard.md.j2").symlink_to(secret)
    code, _, err = call(capsys, "report", str(millbrook), "-f", "md")
    assert code == 2 and "do not read" not in err


def test_report_changes_nothing_but_build(rendered) -> None:
    for example in ("sheffield-cf-clinic", "millbrook-surgery"):
        done = rendered(example)
        assert done.source_before == done.source_after and len(done.source_before) > 10
        assert (done.build / "storyboard.pdf").is_file()


# --- any text renders -------------------------------------------------------------

WORDS = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S"), exclude_characters="\u2028\u2029"),
    min_size=1,
    max_size=30,
)
ANY_TEXT = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)
SCRIPTS = st.sampled_from(
    ["مرحبا بالعالم", "שלום עולם", "你好，世界", "こんにちは", "😀🎉👩‍⚕️", "Ünïcødé ß", HOSTILE]
)
LATIN = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789#$*_`<>@[]\\{}%&~^|!?"),
    min_size=1,
    max_size=20,
)


def _hostile_workbook(root: Path, theme: str, purpose: str, step: str, cause: str) -> None:
    _set(root / "themes.yaml", "title: Getting through at 8 o'clock", f"title: {json.dumps(theme)}")
    path = root / "5ps" / "purpose.yaml"
    line = f"statement: {json.dumps(purpose)}\n"
    path.write_text(
        re.sub(r"(?ms)^statement:.*?(?=^\w)", lambda _: line, path.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    (root / "process-maps").mkdir(exist_ok=True)
    (root / "process-maps" / "calls.yaml").write_text(
        "id: calls\ntitle: Morning calls\nglobal_aim: GA1\nsteps:\n"
        f"  - id: a\n    label: {json.dumps(step)}\n    kind: start\n    owner: {json.dumps(step[:20])}\n"
        "  - id: b\n    label: Decide\n    kind: decision\n    owner: GP\n    branches:\n"
        f"      - label: {json.dumps(step[:8])}\n        to: a\n      - label: 'no'\n        to: c\n"
        "  - id: c\n    label: End\n    kind: end\n",
        encoding="utf-8",
    )
    (root / "fishbones").mkdir(exist_ok=True)
    (root / "fishbones" / "calls.yaml").write_text(
        f"id: calls\neffect: {json.dumps(cause)}\nglobal_aim: GA1\ncategories:\n"
        f"  - name: {json.dumps(cause[:15])}\n    causes:\n      - {json.dumps(cause)}\n"
        f"      - cause: {json.dumps(step)}\n        sub_causes: [{json.dumps(theme)}]\n",
        encoding="utf-8",
    )


# Typesetting is the slow part: a few examples here; HTML and Markdown of many more are
# rendered from the model in test_any_text_in_any_field_renders_as_html_and_markdown.
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    theme=st.one_of(ANY_TEXT, SCRIPTS), purpose=st.one_of(ANY_TEXT, SCRIPTS), step=ANY_TEXT, cause=ANY_TEXT
)
def test_any_text_in_any_field_renders_on_one_page(
    capsys, tmp_path: Path, theme: str, purpose: str, step: str, cause: str
) -> None:
    root = tmp_path / "wb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(EXAMPLES / "millbrook-surgery", root, ignore=NOT_SOURCE)
    _hostile_workbook(
        root, theme.strip() or "x", purpose.strip() or "x", step.strip() or "x", cause.strip() or "x"
    )
    code, _, err = call(capsys, "report", str(root), "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert len(PdfReader(tmp_path / "out" / "storyboard.pdf").pages) == 1


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    theme=st.one_of(ANY_TEXT, SCRIPTS), purpose=st.one_of(ANY_TEXT, SCRIPTS), step=ANY_TEXT, cause=ANY_TEXT
)
def test_any_text_in_any_field_renders_as_html_and_markdown(
    tmp_path: Path, theme: str, purpose: str, step: str, cause: str
) -> None:
    import datetime as dt

    from markupsafe import escape

    from microsys.render.figures import FigureStore
    from microsys.render.output import Request, render
    from microsys.render.pdf import Page
    from microsys.report.storyboard import storyboard
    from microsys.workbook.loader import load_workbook

    root = tmp_path / "wb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(EXAMPLES / "millbrook-surgery", root, ignore=NOT_SOURCE)
    theme = theme.strip() or "x"
    _hostile_workbook(root, theme, purpose.strip() or "x", step.strip() or "x", cause.strip() or "x")
    wb = load_workbook(root)
    report = storyboard(wb, dt.date(2026, 11, 22))
    store = FigureStore()
    page = Page("a3", True)
    html = render(Request(wb, report, "html", root / "out" / "storyboard.html", page), store)
    md = render(Request(wb, report, "md", root / "out" / "storyboard.md", page), store)
    text = html.files[root / "out" / "storyboard.html"].decode("utf-8")
    if wb.themes and RECORDED.search(theme):  # (json.dumps writes a character beyond the BMP as an
        # escaped surrogate pair, which YAML refuses: themes.yaml then has errors and is left out)
        assert str(escape(" ".join(theme.split()))) in " ".join(text.split())
    assert md.files[root / "out" / "storyboard.md"].decode("utf-8").startswith("# ")


# A text with no letter or digit is not recorded work (a template placeholder such as "<"
# or "?"): the storyboard rightly leaves it out, so the texts that must come out have one.
RECORDED = re.compile(r"\w")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    theme=st.lists(LATIN, min_size=1, max_size=6).map(" ".join).filter(RECORDED.search),
    purpose=st.lists(LATIN, min_size=1, max_size=10).map(" ".join).filter(RECORDED.search),
)
def test_text_comes_out_of_the_pdf_as_it_went_in(capsys, tmp_path: Path, theme: str, purpose: str) -> None:
    root = tmp_path / "wb"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(EXAMPLES / "millbrook-surgery", root, ignore=NOT_SOURCE)
    _hostile_workbook(root, theme, purpose, "Answer the phone", "Too few lines")
    code, _, err = call(capsys, "report", str(root))
    assert code == 0, err
    text = squash(pdf_text(root / "build" / "storyboard.pdf"))
    assert squash(theme) in text and squash(purpose) in text


def test_a_file_that_is_not_a_report_is_never_overwritten(
    capsys, cf_clinic: Path, tmp_path: Path, rendered
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("our own notes\n", encoding="utf-8")
    before = snapshot(cf_clinic)
    code, _, err = call(capsys, "report", str(cf_clinic), "-f", "md", "--out", str(notes), "--today", TODAY)
    assert code == 1 and "was not made by microsys" in err and "--force" in err
    assert notes.read_text(encoding="utf-8") == "our own notes\n"
    assert snapshot(cf_clinic) == before
    # A report made before (the session's, by the same command) is rebuilt in place.
    poster = tmp_path / "poster.pdf"
    shutil.copyfile(rendered("sheffield-cf-clinic").build / "storyboard.pdf", poster)
    code, out, err = call(capsys, "report", str(cf_clinic), "--out", str(poster), "--today", TODAY)
    assert code == 0, err
    assert "wrote" in out and "poster.pdf" in out


def test_a_workbook_can_restyle_one_storyboard_section(capsys, millbrook: Path) -> None:
    own = millbrook / "templates" / "report" / "storyboard"
    own.mkdir(parents=True)
    (own / "purpose.html.j2").write_text(
        '<p class="ours">Why we exist: {{ s.statement }}</p>\n', encoding="utf-8"
    )
    (own / "purpose.typ").write_text(
        '#import "/story.typ": *\n#let part(s) = section(s, [Why we exist: #s.statement])\n', encoding="utf-8"
    )
    code, _, err = call(capsys, "report", str(millbrook), "-f", "pdf", "-f", "html", "--today", TODAY)
    assert code == 0, err
    html = (millbrook / "build" / "storyboard.html").read_text(encoding="utf-8")
    assert '<p class="ours">Why we exist: ' in html and "Our purpose" in html
    assert "Whyweexist:" in squash(pdf_text(millbrook / "build" / "storyboard.pdf"))


def test_html_summary_shows_a_percent_column_only_when_one_was_recorded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    wb = tmp_path / "millbrook"
    shutil.copytree(EXAMPLES / "millbrook-surgery", wb, ignore=NOT_SOURCE)
    out = tmp_path / "s.html"
    args = ("report", str(wb), "--kind", "summary", "-f", "html", "-o", str(out), "--today", "2026-11-20")
    assert call(capsys, *args)[0] == 0
    # Head counts only: no empty "%" column (the PDF leaves it out too); every table names its first column.
    html = out.read_text(encoding="utf-8")
    assert "<th>%</th>" not in html and "<th></th><th>Patients</th>" not in html
    patients = wb / "5ps" / "patients.yaml"
    text = patients.read_text(encoding="utf-8")
    text = text.replace("    count: 1880\n", "    count: 1880\n    percent: 20\n", 1)
    patients.write_text(text, encoding="utf-8")
    out.unlink()
    assert call(capsys, *args)[0] == 0
    html = out.read_text(encoding="utf-8")
    band = r"<th>Band</th><th>Patients</th><th>%</th>.*?<td>0-17</td><td>1880</td><td>20</td>"
    assert re.search(band, html)
    assert html.count("<th>%</th>") == 1
