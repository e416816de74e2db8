"""`microsys report --theme`: a finished theme's story printed after the team moved on."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_report import pdf_text, squash
from tests.conftest import call
from tests.unit.test_themes import moved_on


def test_a_finished_themes_storyboard_is_printed_after_the_move(capsys, tmp_path: Path) -> None:
    root = moved_on(tmp_path)
    out_pdf = tmp_path / "t1.pdf"
    code, _out, err = call(
        capsys, "report", str(root), "--theme", "T1", "-o", str(out_pdf), "--today", "2026-12-01"
    )
    assert code == 0, err
    text = squash(pdf_text(out_pdf))
    assert squash("Theme T1: Clinic flow") in text
    assert squash("Sustain (finished)") in text and squash("next theme 10 Nov 2026") in text
    # Its aims, its main chart and its cycles, not "Not yet".
    assert squash("Mean wait from check-in") in text and "Notyet" not in text
    assert squash("Mean clinic waiting time") in text
    assert "PDSA-5" in text and "PDSA-6" not in text


def test_the_theme_can_be_named_by_title_in_every_format(capsys, tmp_path: Path) -> None:
    root = moved_on(tmp_path)
    code, _out, err = call(
        capsys, "report", str(root), "--theme", "capacity", "-f", "md", "-f", "html", "--today", "2026-12-01"
    )
    assert code == 0, err
    md = (root / "build" / "storyboard.md").read_text(encoding="utf-8")
    assert "**Theme:** T2: Capacity" in md and "PDSA-6" in md and "PDSA-1" not in md
    assert "T2: Capacity" in (root / "build" / "storyboard.html").read_text(encoding="utf-8")


def test_an_unknown_theme_is_a_plain_error_listing_the_themes_and_nothing_is_written(
    capsys, tmp_path: Path
) -> None:
    root = moved_on(tmp_path)
    code, _out, err = call(capsys, "report", str(root), "--theme", "Capacty", "--kind", "all")
    assert code == 2
    assert "`Capacty` is not a theme of cf" in err
    assert (
        "did you mean T2 (Capacity)? The themes are: T1 (Clinic flow); T2 (Capacity); T3 (Adherence)" in err
    )
    assert "Traceback" not in err and not (root / "build").exists()


def test_a_themes_playbook_says_whose_entries_it_holds(capsys, tmp_path: Path) -> None:
    root = moved_on(tmp_path)
    code, _, err = call(
        capsys, "report", str(root), "--theme", "T1", "--kind", "playbook", "-f", "md", "-f", "pdf"
    )
    assert code == 0, err
    md = (root / "build" / "playbook.md").read_text(encoding="utf-8")
    assert "The entries of theme T1: Clinic flow." in md
    assert squash("Theme T1: Clinic flow") in squash(pdf_text(root / "build" / "playbook.pdf"))
