"""Fonts of a PDF report: scripts the built-in fonts lack are shown, or named when they cannot be."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from microsys.render import fonts
from microsys.render.fonts import builtin_folder
from tests.conftest import call

HAN = "门诊"


def make_font(path: Path, chars: str, family: str) -> Path:
    """A real font named ``family`` whose only characters are ``chars`` (drawn as DejaVu's A, B, ...)."""
    font = TTFont(builtin_folder() / "DejaVuSans.ttf")
    options = subset.Options()
    options.name_IDs = ["*"]
    options.layout_features = []
    options.drop_tables += ["FFTM"]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[: len(chars)]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=" " + letters)
    subsetter.subset(font)
    glyphs = font.getBestCmap()
    for table in font["cmap"].tables:
        table.cmap = {
            32: glyphs[32],
            **{ord(c): glyphs[ord(letter)] for c, letter in zip(chars, letters, strict=True)},
        }
    names = {1: family, 4: family, 16: family, 6: family.replace(" ", "")}
    for record in list(font["name"].names):
        if record.nameID in names:
            font["name"].setName(
                names[record.nameID], record.nameID, record.platformID, record.platEncID, record.langID
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(path))
    return path


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def write_han_theme(root: Path) -> None:
    themes = root / "themes.yaml"
    text = themes.read_text(encoding="utf-8")
    old = "title: Getting through at 8 o'clock"
    assert old in text
    themes.write_text(text.replace(old, f"title: Getting through at 8 {HAN}", 1), encoding="utf-8")


@pytest.fixture
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """This computer has no fonts of its own (as a bare CI machine)."""
    monkeypatch.setattr(fonts, "system_fonts", lambda: [])


def test_characters_no_font_has_are_named_with_where_they_were_written(
    capsys, millbrook: Path, no_system_fonts: None
) -> None:
    write_han_theme(millbrook)
    code, out, err = call(capsys, "report", str(millbrook))
    assert code == 0, err
    assert "2 character(s) show as empty boxes in the PDF" in out
    assert "门 诊 (themes.yaml line 3)" in out
    assert "assets/fonts/" in out and "Noto Sans CJK" in out
    assert len(PdfReader(millbrook / "build" / "storyboard.pdf").pages) == 1


def test_a_font_kept_in_the_workbook_shows_them(capsys, millbrook: Path, no_system_fonts: None) -> None:
    write_han_theme(millbrook)
    make_font(millbrook / "assets" / "fonts" / "TestHan.ttf", HAN, "Test Han")
    code, out, err = call(capsys, "report", str(millbrook))
    assert code == 0, err
    assert "empty boxes" not in out and "found on this computer" not in out
    assert f"Getting through at 8 {HAN}" in pdf_text(millbrook / "build" / "storyboard.pdf")


def test_a_font_of_this_computer_fills_in_and_is_named(
    capsys, millbrook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_han_theme(millbrook)
    latin_only = make_font(tmp_path / "system" / "Latin.ttf", "abc", "Test Latin")
    han = make_font(tmp_path / "system" / "Han.ttf", HAN, "Test Han")
    monkeypatch.setattr(fonts, "system_fonts", lambda: [latin_only, han])
    code, out, err = call(capsys, "report", str(millbrook))
    assert code == 0, err
    assert "characters the built-in fonts lack are set in Test Han, found on this computer" in out
    assert "Test Latin" not in out and "empty boxes" not in out
    assert f"Getting through at 8 {HAN}" in pdf_text(millbrook / "build" / "storyboard.pdf")


def test_text_the_built_in_fonts_cover_never_looks_at_this_computer(
    capsys, millbrook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> list[Path]:
        raise AssertionError("the computer's fonts were read for text the built-in fonts cover")

    monkeypatch.setattr(fonts, "system_fonts", refuse)
    themes = millbrook / "themes.yaml"
    themes.write_text(
        themes.read_text(encoding="utf-8").replace("8 o'clock", "8 o’clock – ≥ 80% ✓ Ωμέγα Привет", 1),
        encoding="utf-8",
    )
    code, out, err = call(capsys, "report", str(millbrook))
    assert code == 0, err
    assert "empty boxes" not in out and "found on this computer" not in out


def test_characters_needing_no_glyph_are_not_looked_for() -> None:
    text = "Plain, café\u00a0and\u200bspace\u200d\ufe0f\u2028\t"
    assert fonts.characters({"a": [text], "b": (text,)}) == set()
    assert fonts.characters({"title": f"flow {HAN}", "n": 3}) == set(HAN)


def test_what_a_font_has_is_read_once_then_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    font = make_font(tmp_path / "Han.ttf", HAN, "Test Han")
    cache = tmp_path / "cache" / "fonts.json"
    first = fonts.Coverage(cache)
    assert set(first.of(font)) == {32, *map(ord, HAN)}
    first.save()
    assert json.loads(json.loads(cache.read_text(encoding="utf-8"))["content"])["version"] == 1

    def unread(path: Path) -> frozenset[int]:
        raise AssertionError("read again although cached")

    monkeypatch.setattr(fonts, "_read_cmap", unread)
    assert fonts.Coverage(cache).of(font) == first.of(font)
    # A changed font is read again; a damaged cache is only a slower start.
    monkeypatch.undo()
    make_font(font, "abc", "Test Latin")
    assert set(fonts.Coverage(cache).of(font)) == {32, *map(ord, "abc")}
    cache.write_text("{not json", encoding="utf-8")
    assert set(fonts.Coverage(cache).of(font)) == {32, *map(ord, "abc")}
    assert fonts.Coverage(cache).of(tmp_path / "gone.ttf") == frozenset()


@given(st.sets(st.integers(min_value=0, max_value=0x10FFFF), max_size=200))
def test_cached_ranges_give_back_the_same_characters(codes: set[int]) -> None:
    ranges = fonts._ranges(codes)
    assert {c for start, end in ranges for c in range(start, end + 1)} == codes
    assert all(a[1] + 1 < b[0] for a, b in itertools.pairwise(ranges))
