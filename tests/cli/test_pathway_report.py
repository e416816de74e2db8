"""``microsys report`` on a pathway workbook: its storyboard and 5V summary reach the page in every format.

What each section says is tested on the model (tests/unit/test_pathway_report.py).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import EXAMPLES, NOT_SOURCE, call

TODAY = "2026-11-22"
MM_PER_PT = 25.4 / 72
HEADINGS = (
    "The pathway and its hand-offs",
    "The big room",
    "What we found: the 5Vs",
    "Patient stories",
    "The value stream as it was",
    "Tests of change",
)
FIVE_VS = ("Value", "inVolve", "Visualisation", "eVidence", "Vision")


def squash(text: str) -> str:
    return re.sub(r"[\s\u200b]+", "", text)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.fixture
def sepsis(tmp_path: Path) -> Path:
    """A private copy of the sepsis big room (pathway and linked workbooks); its pathway folder."""
    dest = tmp_path / "sepsis-big-room"
    shutil.copytree(EXAMPLES / "sepsis-big-room", dest, ignore=NOT_SOURCE)
    return dest / "pathway"


def _render(capsys: pytest.CaptureFixture[str], root: Path, fmt: str) -> Path:
    out = root / "build"
    code, stdout, err = call(
        capsys, "report", str(root), "--kind", "all", "-f", fmt, "-o", str(out), "--today", TODAY
    )
    assert code == 0, err
    assert "skipped playbook" in stdout  # a big room in Treat has no standard written yet
    assert not (out / f"5p-summary.{fmt}").exists()
    return out


def test_pdf_storyboard_is_one_a3_page_with_the_pathway_sections_and_a_5v_summary(
    capsys, sepsis: Path
) -> None:
    out = _render(capsys, sepsis, "pdf")
    reader = PdfReader(out / "storyboard.pdf")
    # One landscape page: A3, or the larger paper its text needs to stay legible (said in a note).
    assert [(round(float(p.mediabox.width) * MM_PER_PT), round(float(p.mediabox.height) * MM_PER_PT))
            for p in reader.pages] in ([(420, 297)], [(594, 420)])  # fmt: skip
    text = squash(pdf_text(out / "storyboard.pdf"))
    for heading in (
        *HEADINGS,
        "PATHWAY STORYBOARD",
        "Flow co-coaches",
        "ED north site",
        "Acute Medical Unit",
    ):
        assert squash(heading) in text, heading
    assert squash("Our purpose") not in text and squash("the 5Ps") not in text
    summary = squash(pdf_text(out / "5v-summary.pdf"))
    for v in FIVE_VS:
        assert squash(v) in summary, v
    assert squash("Not assessed yet") not in summary


def test_html_storyboard_and_summary_draw_the_pathway_inline(capsys, sepsis: Path) -> None:
    out = _render(capsys, sepsis, "html")
    page = (out / "storyboard.html").read_text(encoding="utf-8")
    for sid in ("pathway", "big_room", "fivevs", "stories", "value_stream"):
        assert f'<section id="{sid}">' in page, sid
    assert 'id="purpose"' not in page and "Pathway storyboard" in page
    assert page.count("<svg") >= 5  # ramp, pathway, value stream and charts, inline
    summary = (out / "5v-summary.html").read_text(encoding="utf-8")
    assert "5V summary" in summary and "inVolve" in summary and "<svg" in summary
    # Every linked workbook is fine: no "Note" column left empty (the PDF leaves it out too).
    assert "<th>Note</th>" not in summary and "<th>Ramp stage</th></tr>" in summary


def test_markdown_storyboard_and_summary_link_their_figures(capsys, sepsis: Path) -> None:
    out = _render(capsys, sepsis, "md")
    text = (out / "storyboard.md").read_text(encoding="utf-8")
    for heading in HEADINGS:
        assert f"## {heading}" in text, heading
    assert "storyboard_files/pathway.svg" in text
    assert (out / "storyboard_files" / "pathway.svg").is_file()
    assert (out / "storyboard_files" / "value-stream-arrival-to-antibiotics.svg").is_file()
    summary = (out / "5v-summary.md").read_text(encoding="utf-8")
    assert "# Sepsis big room: 5V summary" in summary
    assert (out / "5v-summary_files" / "pathway.svg").is_file()


def test_a_pathway_with_a_broken_link_is_reported_with_what_is_wrong(capsys, sepsis: Path) -> None:
    shutil.rmtree(sepsis.parent / "haematology")
    code, _, err = call(capsys, "report", str(sepsis), "-f", "pdf", "--today", TODAY)
    assert code == 0, err
    text = squash(pdf_text(sepsis / "build" / "storyboard.pdf"))
    assert squash("no workbook found at ../haematology") in text
