"""The quick looks in ``find`` skip patterns only where they could not find anything.

``find`` runs the detectors of identifiers of five digits or more only over texts holding a
chain of five digits (ISO dates standing alone aside), the date-of-birth patterns only over
texts holding one of their labels, and the titled-name pattern only over texts with a title.
These tests compare the gated scan with the ungated one on texts built to sit on those
edges: identifiers of every kind next to dates, split by each separator the patterns
accept, across line breaks and comments, labels and titles in any case.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microsys.privacy import detect
from microsys.privacy.detect import find

ROOT = Path(__file__).resolve().parents[2]

_IDENTIFIERS = [
    "943 476 5919", "9434765919", "943-476-5919", "943\n  476 5919", "943476\n  # 5919", "1201851234",
    "120185 1234", "CHI 120185 1234", "078-05-1120", "SSN 078 05 1120", "MRN: 12345", "MRN 12 345",
    "hospital number 1234567", "RHQ1234567", "07700 900123", "+44 7700 900123", "0114 271 1900",
    "(0114) 271 1900", "(212) 555-0199", "212-555-0199", "+1 212 555 0199", "tel 212 555 0199",
    "AB 12 34 56 C", "AB123456C", "NI ab 12 34 56 c", "S10 2JF", "Springfield, IL 62704", "62704",
    "John Smith, 62704", "DOB 01/02/1960", "born 3 March 1960", "b. 1.2.60", "12345-6789",
    "D.O.B", "d o b", "D. O. B.", "Birth date", "date of birth", "Born on", "B.", "d.o.b.",
    "date of b\u0131rth",
]
_DATES = ["2024-03-01", "2024-03-01 10:30", "01/03/2024", "1 March 2024"]
_SMALL = ["12", "3", "45.5", "120", "1,200", "0", "7.25", "2024", "1234"]
_GLUE = [
    " ", "  ", "\t", "-", ".", "(", ")", "/", ": ", ", ", "\n", "\n  ", "\n  # ", "\n- ", " - ", "{",
    "[", "'", '"', "=", "date: ", "value: ", "note: ", "a ", "NHS ", "Ward 4 ", "Mr Jones ", "road ",
    "Ms Ada Lee", "Miss Khan", "Mister Bell", "Madam Roe", "Mx Gray", "mr Jones", "MR JONES", "in bed 4",
    "room 3", "side room", "Dr Patel's clinic",
]
_FRAGMENT = st.sampled_from(_IDENTIFIERS + _DATES + _SMALL + _GLUE)


@settings(max_examples=400)
@given(st.lists(_FRAGMENT, min_size=1, max_size=14).map("".join))
def test_the_gate_never_changes_what_is_found(text: str) -> None:
    assert find(text) == find(text, gate_off=True)


@settings(max_examples=200)
@given(st.text(alphabet="0123456789 -./()\t\n#:,{[\"'=aAxRZ", max_size=60))
def test_digit_soup_finds_the_same_with_and_without_the_gate(text: str) -> None:
    assert find(text) == find(text, gate_off=True)


def test_every_bundled_text_finds_the_same_with_and_without_the_gate() -> None:
    files = [
        *(ROOT / "examples").rglob("*.yaml"),
        *(ROOT / "examples").rglob("*.csv"),
        *(ROOT / "tests" / "cases").rglob("*.yaml"),
        *(ROOT / "tests" / "privacy_corpus").glob("*.txt"),
    ]
    assert len(files) > 100
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert find(text) == find(text, gate_off=True), path


@pytest.mark.parametrize(
    "text",
    [
        "date: 2024-03-01\nvalue: 12\nnote: ward round moved to 10:30\n",
        "- {date: 2024-03-01, value: 45.5}\n- {date: 2024-03-08, value: 47}\n",
        "started: '2024-03-01'\npopulation: 9400 patients\n",
    ],
)
def test_dates_and_small_numbers_keep_the_gate_closed(text: str) -> None:
    # The point of the gate: a workbook file of dates and counts skips the long-number patterns.
    assert not detect._has_long_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "id: 943 476 5919",
        "2024-03-01 12",  # a number right after a date joins it
        "value: 12\n  2024-03-01",  # and one across a line break
        "date: 2024-03-011",
        "x 12345",
    ],
)
def test_five_digits_in_a_chain_open_the_gate(text: str) -> None:
    assert detect._has_long_number(text)
