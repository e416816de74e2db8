from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from microsys.workbook.privacy import is_nhs_number, scan_text


def test_known_valid_and_invalid_nhs_numbers() -> None:
    assert is_nhs_number("9434765919")
    assert not is_nhs_number("9434765918")
    assert not is_nhs_number("0000000000")


def test_scan_finds_spaced_and_dashed_numbers_with_positions() -> None:
    text = "a: 1\nb: call 943 476 5919 today\nc: 943-476-5919\n"
    found = scan_text(Path("x.yaml"), text)
    assert [(d.line, d.col) for d in found] == [(2, 9), (3, 4)]


def test_dates_and_counts_are_not_flagged() -> None:
    text = "date: 2026-03-04\npopulation: 9400 patients\nphone: 0114 271 1900\n"
    assert [d for d in scan_text(Path("x.yaml"), text) if d.rule == "privacy.nhs-number"] == []


@given(st.lists(st.integers(0, 9), min_size=9, max_size=9))
def test_exactly_one_check_digit_completes_nine_digits(digits: list[int]) -> None:
    stem = "".join(map(str, digits))
    valid = [d for d in "0123456789" if is_nhs_number(stem + d)]
    assert len(valid) <= 1
