"""A word too wide for its line is broken as a typesetter breaks it: with a hyphen, never a lone letter."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from microsys.report.text import width, wrap


def test_a_long_role_is_hyphenated_not_cut() -> None:
    lines = wrap("Seen by physiotherapist and dietitian", 60, 11)
    assert any(line.endswith("-") for line in lines), lines
    joined = " ".join(lines).replace("- ", "")
    assert "physiotherapist" in joined
    assert all(len(line.rstrip("-")) >= 3 for line in lines), lines


@given(
    word=st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=8, max_size=40),
    room=st.floats(min_value=30, max_value=120),
)
def test_the_pieces_of_a_broken_word_read_back_as_the_word(word: str, room: float) -> None:
    lines = wrap(word, room, 10)
    assert "".join(line[:-1] if line.endswith("-") else line for line in lines) == word
    if len(lines) > 1:
        assert all(line.endswith("-") for line in lines[:-1])
        assert len(lines[-1]) >= 3
    # Every piece fits, but for the few letters a very narrow room must take.
    assert all(width(line, 10) <= room or len(line) <= 6 for line in lines)


def test_a_cut_after_a_broken_word_stays_inside_its_room() -> None:
    """The ellipsis of a cut takes the hyphen's place, so the last line is no wider than the room."""
    from microsys.report.text import clamp_lines

    lines, cut = clamp_lines(wrap("0" * 81, 90, 9, True), 3)
    assert cut and lines[-1].endswith("…") and "-" not in lines[-1]
    assert all(width(line, 9, True) <= 90 for line in lines)
