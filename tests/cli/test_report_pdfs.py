"""Every PDF the examples make, read back: no text printed over other text, text large enough
to read on a wall or a desk, and a file that PDF tools read without complaint.

The examples are rendered once for the session (every workbook, every kind) and each
PDF is read once (:mod:`tests.pdfgeometry`), so that these checks cost one render.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pikepdf
import pytest

from tests.conftest import EXAMPLES, NOT_SOURCE, RENDER_ALL, Rendered
from tests.pdfgeometry import Run, overlaps, runs

TODAY = "2026-11-22"
# Body text (the size most of a report's words are set in) and any text at all, charts
# and diagrams included, in points as printed.
BODY_MIN_PT = 9.0
ANY_MIN_PT = 7.0
WORKBOOKS = sorted(p.parent.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("microsys.yaml"))
KINDS = ("storyboard", "5p-summary", "playbook")


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory: pytest.TempPathFactory, rendered: Callable[[str], Rendered]) -> Path:
    """Every example's reports as PDF, made once (the playbook only where there is one).

    An example that is one workbook is the session's ``rendered(example)`` (the same
    command, with HTML and Markdown too): those PDFs are not typeset a second time.
    """
    from microsys.cli import run

    assert RENDER_ALL[-2:] == ("--today", TODAY)
    root = tmp_path_factory.mktemp("examples")
    out = root / "out"
    out.mkdir()
    for example in sorted({w.split("/")[0] for w in WORKBOOKS}):
        if (EXAMPLES / example / "microsys.yaml").is_file():
            (out / example).symlink_to(rendered(example).build, target_is_directory=True)
            continue
        shutil.copytree(EXAMPLES / example, root / "examples" / example, ignore=NOT_SOURCE)
        args = [str(root / "examples" / example), "--all", "--kind", "all", "-f", "pdf"]
        assert run(["report", *args, "-o", str(out / example), "--today", TODAY]) == 0, example
    return out


@cache
def _runs(path: Path) -> tuple[Run, ...]:
    return tuple(runs(path))


def _pdfs(pdfs: Path, workbook: str) -> list[Path]:
    example, _, inner = workbook.partition("/")
    folder = pdfs / example / inner
    found = [folder / f"{kind}.pdf" for kind in KINDS if (folder / f"{kind}.pdf").exists()]
    assert found, f"no PDF made for {workbook}"
    return found


def _where(run: Run) -> str:
    return f"page {run.page} ({run.box[0]:.0f}, {run.box[1]:.0f}) {run.size} pt {run.text[:40]!r}"


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_no_text_is_printed_over_other_text(pdfs: Path, workbook: str) -> None:
    for pdf in _pdfs(pdfs, workbook):
        found = _runs(pdf)
        assert found, f"{pdf.name} has no text"
        clashes = [f"{_where(a)} / {_where(b)}" for a, b in overlaps(list(found))]
        assert clashes == [], f"{workbook}/{pdf.name}: text over text: {clashes[:5]}"


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_text_is_large_enough_to_read(pdfs: Path, workbook: str) -> None:
    for pdf in _pdfs(pdfs, workbook):
        found = _runs(pdf)
        words = Counter[float]()
        for run in found:
            if not run.in_figure:
                words[run.size] += len(run.text.strip())
        body = words.most_common(1)[0][0]
        assert body >= BODY_MIN_PT, f"{workbook}/{pdf.name}: body text at {body} pt"
        small = [_where(r) for r in found if r.text.strip() and r.size < ANY_MIN_PT]
        assert small == [], f"{workbook}/{pdf.name}: text under {ANY_MIN_PT} pt: {small[:5]}"


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_pdfs_are_valid_and_pdf_tools_read_them_quietly(pdfs: Path, workbook: str) -> None:
    for pdf in _pdfs(pdfs, workbook):
        with pikepdf.open(pdf) as doc:
            assert doc.check_pdf_syntax() == [], pdf
            # Tagged for screen readers, without the default /Suspects false poppler misreads.
            assert doc.Root.MarkInfo.get("/Marked") is True
            assert "/Suspects" not in doc.Root.MarkInfo
        if shutil.which("pdfinfo"):
            done = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False)
            assert done.returncode == 0 and done.stderr == "", done.stderr


def test_the_overlap_finder_finds_lines_printed_over_each_other(tmp_path: Path) -> None:
    # The finder itself: a paragraph set right under a block that keeps no space below it.
    import typst

    source = tmp_path / "clash.typ"
    source.write_text(
        '#set page(width: 120mm, height: 60mm)\n#set text(font: "DejaVu Sans")\n'
        "#block(below: 0pt)[Quote with descenders: gjpq]\n"
        "#block(above: 0pt)[A note right under it]\n",
        encoding="utf-8",
    )
    pdf = tmp_path / "clash.pdf"
    pdf.write_bytes(typst.compile(str(source)))
    clashes = overlaps(list(runs(pdf)))
    assert [(a.text, b.text) for a, b in clashes] in (
        [("Quote with descenders: gjpq", "A note right under it")],
        [("A note right under it", "Quote with descenders: gjpq")],
    )
    kept = tmp_path / "kept.typ"
    kept.write_text(source.read_text(encoding="utf-8").replace("0pt", "0.6em"), encoding="utf-8")
    pdf.write_bytes(typst.compile(str(kept)))
    assert overlaps(list(runs(pdf))) == []


def test_a_column_nobody_filled_in_is_left_out_of_the_summary(pdfs: Path) -> None:
    # Millbrook recorded head counts but no percentages, and has rated itself once.
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(pdfs / "millbrook-surgery" / "5p-summary.pdf").pages)
    assert "Patients" in text and "Characteristic" in text and "Now" in text
    headers = [line for line in text.splitlines() if "Patients" in line or "Characteristic" in line]
    assert not any(line.rstrip().endswith(("%", "First")) for line in headers), headers


def test_the_road_ahead_keeps_its_heading_with_its_first_stage_and_each_stage_whole(pdfs: Path) -> None:
    # ED North's "not yet" box used to start at the foot of one column and end, headless, atop
    # the next. Now the road ahead is a group per stage: the heading stays with the first
    # group, and a group is never split (its stage's name sits above its last line).
    found = [r for r in runs(pdfs / "sepsis-big-room" / "ed-north" / "storyboard.pdf") if not r.in_figure]
    (head,) = [r for r in found if r.text.startswith("Still to come on the ramp")]
    (first,) = [r for r in found if r.text.strip() == "Diagnose" and r.box[1] < head.box[1]]
    assert abs(head.box[0] - first.box[0]) < 10 and head.box[1] - first.box[1] < 40, (head, first)
    (stage,) = [r for r in found if r.text.strip() == "Sustain" and r.box[1] < head.box[1] + 1000]
    (last,) = [r for r in found if r.text.strip() == "Next steps and holding the gain"]
    assert abs(stage.box[0] - last.box[0]) < 1 and stage.box[1] > last.box[1], (stage, last)


def test_every_summary_table_names_its_first_column(pdfs: Path) -> None:
    # A table whose first column has no heading reads as if a heading fell off the page.
    from pypdf import PdfReader

    def text(path: Path) -> str:
        return "\n".join(p.extract_text() for p in PdfReader(path).pages)

    five_p = text(pdfs / "millbrook-surgery" / "5p-summary.pdf")
    assert re.search(r"^Diagnosis or reason Patients", five_p, re.M)
    assert re.search(r"^Who Patients", five_p, re.M)
    five_v = text(pdfs / "heart-attack-journey" / "pathway" / "5v-summary.pdf")
    assert re.search(r"^What Figure", five_v, re.M)


def test_an_early_poster_is_spread_over_every_column_at_about_its_usual_size(pdfs: Path) -> None:
    # Millbrook is in Diagnose: four sections. Before, they took two of three columns with
    # text blown up to 130%; now every column has its share, and the text grows 10% at most.
    from pypdf import PdfReader

    pdf = pdfs / "millbrook-surgery" / "storyboard.pdf"
    box = PdfReader(pdf).pages[0].mediabox
    width, height = float(box.width), float(box.height)
    page = [r for r in _runs(pdf) if not r.in_figure and r.text.strip()]
    below_header = [r for r in page if r.box[3] < height * 0.75]
    words = Counter(int(r.box[0] // (width / 3)) for r in below_header for _ in r.text)
    assert set(words) == {0, 1, 2}, words
    assert min(words.values()) > 0.05 * sum(words.values()), words
    body = Counter[float]()
    for run in page:
        body[run.size] += len(run.text)
    assert BODY_MIN_PT <= body.most_common(1)[0][0] <= 10.0 * 1.1 + 0.01


@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_a_poster_uses_its_page_or_is_on_the_smallest_paper_at_the_usual_size(
    pdfs: Path, workbook: str
) -> None:
    # The linked teams' posters (a map and the road ahead) used to leave two thirds of an A3
    # page blank with text at 110%: a poster fills at least about half of its page (each
    # third of its width measured to its lowest line), or it is on A4 with body text at 9 pt.
    from pypdf import PdfReader

    pdf = _pdfs(pdfs, workbook)[0]
    assert pdf.name.endswith("storyboard.pdf")
    box = PdfReader(pdf).pages[0].mediabox
    width, height = float(box.width), float(box.height)
    a4 = round(width) == 842
    mm = 72 / 25.4 * (0.74 if a4 else width / 1190.55)
    top, foot = 10 * mm, height - 13 * mm  # from the top of the page
    page = [r for r in _runs(pdf) if r.text.strip() and height - r.box[1] < foot]
    thirds = [[height - r.box[1] for r in page if int(3 * r.box[0] // width) == k] for k in range(3)]
    lowest = [max(ys, default=top) for ys in thirds]
    fill = sum((y - top) / (foot - top) for y in lowest) / 3
    body = Counter[float]()
    for run in page:
        if not run.in_figure:
            body[run.size] += len(run.text)
    usual = body.most_common(1)[0][0] <= 9.5
    assert fill >= 0.45 or (a4 and usual), f"{workbook}: {fill:.2f} of a {width:.0f} pt wide page used"


def _printed_words(glyphs: list[Run]) -> list[str]:
    """The words a figure's glyphs spell, read line by line (a wide gap also ends a word)."""
    lines: dict[float, list[Run]] = {}
    for g in glyphs:
        lines.setdefault(round(g.box[1], 1), []).append(g)
    words: list[str] = []
    for _, row in sorted(lines.items(), reverse=True):
        text, last = "", None
        for g in sorted(row, key=lambda r: r.box[0]):
            if last is not None and g.box[0] - last > 0.3 * g.size:
                text += " "
            text += g.text
            last = g.box[2]
        words += text.split()
    return words


def test_the_cf_poster_fishbone_prints_every_label_whole_and_at_least_7_pt(pdfs: Path) -> None:
    # The fishbone's glyphs: figure text in its column, between its heading and the next one.
    from microsys.report.common import fishbone_bones
    from microsys.workbook.loader import load_workbook

    found = _runs(pdfs / "sheffield-cf-clinic" / "storyboard.pdf")
    page = [r for r in found if not r.in_figure]
    heading = next(r for r in page if r.text.strip() == "Causes")
    starts = sorted({r.box[0] for r in page if r.text.strip() in {"ASSESS", "DIAGNOSE", "TREAT", "SUSTAIN"}})
    right = next((x for x in starts if x > heading.box[0] + 1), float("inf"))
    below = [r.box[3] for r in page if heading.box[0] - 1 <= r.box[0] < right and r.box[3] < heading.box[1]]
    floor = max(below, default=0.0)
    glyphs = [
        r
        for r in found
        if r.in_figure
        and r.page == heading.page
        and heading.box[0] - 1 <= r.box[0] < right
        and floor < r.box[1] < heading.box[1]
        and r.text.strip()
    ]
    assert glyphs, "no fishbone text found under its heading"
    small = [_where(g) for g in glyphs if g.size < ANY_MIN_PT]
    assert small == [], f"fishbone text under {ANY_MIN_PT} pt: {small[:5]}"
    # Every category name and every word of every cause is printed whole: none broken mid-word.
    printed = Counter(_printed_words(glyphs))
    fishbone = load_workbook(EXAMPLES / "sheffield-cf-clinic").fishbones[0]
    wanted = Counter[str]()
    for bone in fishbone_bones(fishbone):
        wanted.update(bone.name.split())
        for cause, subs in bone.causes:
            wanted.update(cause.split())
            for sub in subs:
                wanted.update(sub.split())
    assert wanted - printed == Counter(), f"not printed whole: {sorted((wanted - printed).elements())}"
