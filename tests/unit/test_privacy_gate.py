"""The quick looks in ``find`` skip patterns only where they could not find anything.

``find`` runs the detectors of identifiers of five digits or more only over texts holding a
chain of five digits (ISO dates standing alone aside), the date-of-birth patterns only over
texts holding one of their labels, and the titled-name pattern only over texts with a title.
These tests compare the gated scan with the ungated one on texts built to sit on those
edges: identifiers of every kind next to dates, split by each separator the patterns
accept, across line breaks and comments, labels and titles in any case.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microsys.privacy import detect
from microsys.privacy.detect import find

ROOT = Path(__file__).resolve().parents[2]

_IDENTIFIERS = [
    "943 476 5919",
    "9434765919",
    "943-476-5919",
    "943\n  476 5919",
    "943476\n  # 5919",
    "1201851234",
    "120185 1234",
    "CHI 120185 1234",
    "078-05-1120",
    "SSN 078 05 1120",
    "MRN: 12345",
    "MRN 12 345",
    "hospital number 1234567",
    "RHQ1234567",
    "07700 900123",
    "+44 7700 900123",
    "0114 271 1900",
    "(0114) 271 1900",
    "(212) 555-0199",
    "212-555-0199",
    "+1 212 555 0199",
    "tel 212 555 0199",
    "AB 12 34 56 C",
    "AB123456C",
    "NI ab 12 34 56 c",
    "S10 2JF",
    "Springfield, IL 62704",
    "62704",
    "John Smith, 62704",
    "DOB 01/02/1960",
    "born 3 March 1960",
    "b. 1.2.60",
    "12345-6789",
    "D.O.B",
    "d o b",
    "D. O. B.",
    "Birth date",
    "date of birth",
    "Born on",
    "B.",
    "d.o.b.",
    "date of b\u0131rth",
]
_DATES = ["2024-03-01", "2024-03-01 10:30", "01/03/2024", "1 March 2024"]
_SMALL = ["12", "3", "45.5", "120", "1,200", "0", "7.25", "2024", "1234"]
_GLUE = [
    " ",
    "  ",
    "\t",
    "-",
    ".",
    "(",
    ")",
    "/",
    ": ",
    ", ",
    "\n",
    "\n  ",
    "\n  # ",
    "\n- ",
    " - ",
    "{",
    "[",
    "'",
    '"',
    "=",
    "date: ",
    "value: ",
    "note: ",
    "a ",
    "NHS ",
    "Ward 4 ",
    "Mr Jones ",
    "road ",
    "Ms Ada Lee",
    "Miss Khan",
    "Mister Bell",
    "Madam Roe",
    "Mx Gray",
    "mr Jones",
    "MR JONES",
    "in bed 4",
    "room 3",
    "side room",
    "Dr Patel's clinic",
    "patient ",
    "Patient called ",
    "pt: ",
    "client named ",
    "Resident ",
    "service user ",
    "John Smith",
    "Ada Lee",
    "SW1A 1AA",
    "s10 2jf",
    "M1 1AE",
    "S10",
    "2JF",
    "Lives at 4 Mill Lane, ",
    "\r\n",
    ",\n",
    ",\r\n",
    ")\n",
    " \n",
    "x\n",
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


# --- beyond ASCII, and the patterns themselves ---------------------------------------------

# Digits of other scripts are digits to every pattern (`\d`), full-width ones become ASCII when
# normalised; look-alike spaces and dashes become ASCII ones; invisible characters vanish;
# a few non-ASCII letters match ASCII ones case-insensitively (Kelvin sign, long s, dotless i).
_DIGITS = "0123456789\u0660\u0669\u06f4\u0967\u096a\u09e8\uff11\uff19\U0001d7ce\U0001d7d7\u0e51"
_LOOKALIKES = "\u00a0\u2009\u202f\u3000\u2013\u2014\u2212\uff0d\u00ad\u200b\u200d\ufeff\u2060\u2028\x85\x0b"
_CONFUSABLES = "\u212a\u017f\u0131\u0130\u039c\u041c\uff2d\u2024\u00b7\uff0e\uff08\uff09\uff0f\u2044"
_WIDE = st.one_of(
    _FRAGMENT,
    st.text(alphabet=_DIGITS, min_size=1, max_size=6),
    st.sampled_from(list(_LOOKALIKES + _CONFUSABLES)),
    st.sampled_from(
        ["\u0662\u0660\u0662\u0664-\u0660\u0663-\u0660\u0661", "2024\u201303\u201301", "x: ", "\r\n", "\r"]
    ),
)


@settings(max_examples=400)
@given(st.lists(_WIDE, min_size=1, max_size=14).map("".join))
def test_the_gate_never_changes_what_is_found_beyond_ascii(text: str) -> None:
    assert find(text) == find(text, gate_off=True)


# Every pattern the long-number gate skips, as written, before any check digit or context is
# applied: none may match anywhere in a text the gate keeps closed.
_GATED = [
    detect._TEN,
    detect._CHI_LABELLED,
    detect._SSN_DASHED,
    detect._SSN_LABELLED,
    detect._MRN_LABELLED,
    detect._TRUST_NUMBER,
    detect._UK_PHONE,
    detect._US_PHONE_FORMATTED,
    detect._PHONE_LABEL,
    detect._NI,
    detect._NI_LABELLED,
    detect._US_ZIP,
    detect._BARE_ZIP,
]
_NEAR_DATES = st.one_of(
    st.sampled_from(
        [
            "a",
            "x:",
            "x: ",
            ",",
            "[",
            "{",
            '"',
            "'",
            "=",
            "A ",
            " ",
            "\t",
            "\n",
            "\n  # ",
            "(",
            ")",
            "/",
            ".",
            "-",
            "#",
            "T",
            ":",
            "- ",
            " - ",
            "MRN ",
            "tel ",
            "IL ",
            "CHI ",
            "SSN ",
            "AB",
            "RHQ",
            "+44 ",
            "+1 ",
            "(0",
            "0",
            "NI ",
            "ss# ",
            "K no ",
            "John Smith, ",
            ",\n",
            ",\r\n",
            ")\n",
            "\r\n",
            " \n",
            "\t\n",
            "\r",
            "#",
        ]
    ),
    st.tuples(
        *[st.sampled_from(_DIGITS)] * 4,
        st.just("-"),
        *[st.sampled_from(_DIGITS)] * 2,
        st.just("-"),
        *[st.sampled_from(_DIGITS)] * 2,
    ).map("".join),
    st.text(alphabet=_DIGITS, min_size=1, max_size=4),
)


@settings(max_examples=500)
@given(st.lists(_NEAR_DATES, min_size=1, max_size=16).map("".join))
def test_no_gated_pattern_matches_where_the_gate_stays_closed(text: str) -> None:
    text = detect.normalise(text).text
    if detect._has_long_number(text):
        return
    for pattern in _GATED:
        assert pattern.search(text) is None, (pattern.pattern[:40], text)


@settings(max_examples=300)
@given(st.text(alphabet="dDoObBiIrRtThHnN. \t:=-(0123456789/ae", max_size=40))
def test_no_date_of_birth_pattern_matches_an_ascii_text_without_a_label(text: str) -> None:
    low = text.lower()
    if "birth" not in low and detect._DOB_HINT.search(low) is None:
        assert detect._DOB_LABELLED.search(text) is None, text
    if "born" not in low and "b." not in low:
        assert detect._BORN.search(text) is None, text


@settings(max_examples=300)
@given(st.text(alphabet="MmRrSsXxIiAaTtEeDdNn. \t\nJonesBk'-", max_size=40))
def test_no_titled_name_matches_a_text_without_a_title(text: str) -> None:
    if not any(title in text for title in detect._TITLE_STARTS):
        assert detect._TITLED_NAME.search(text) is None, text


def test_the_gate_holds_past_the_candidate_limit() -> None:
    # More lone dates than one pattern examines, then an identifier: the gate still opens.
    text = "date: 2024-03-01\n" * (detect.MAX_CANDIDATES + 10) + "id: 943 476 5919\n"
    assert detect._has_long_number(text)
    assert find(text) == find(text, gate_off=True) != []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("date of b\u0131rth 01/02/1960", "date-of-birth"),  # dotless i: a non-ASCII text skips no look
        ("DATE OF B\u0130RTH: 01/02/1960", "date-of-birth"),
        ("d\u200bo\u200bb 01/02/1960", "date-of-birth"),  # invisible characters go before the look
        ("D\u00adO\u00adB 01/02/1960", "date-of-birth"),
        ("943  -  476  -  5919", "nhs-number"),  # the widest gap the number pattern allows, no run of 5
        ("943\t\t.\t\t476 \t-\t 5919", "nhs-number"),
        ("943 \t\n\t\t# \t476\n  #   5919", "nhs-number"),
        # Digits of other scripts: Arabic-Indic, and mathematical bold (both are `\d`).
        ("\u0669\u0664\u0663 \u0664\u0667\u0666 \u0665\u0669\u0661\u0669", "nhs-number"),
        ("".join(chr(0x1D7CE + int(d)) if d.isdigit() else d for d in "943 476 5919"), "nhs-number"),
        ("\uff19\uff14\uff13 476 5919", "nhs-number"),  # full-width digits
        ("Mr\u00a0Smith in bed\u00a04", "patient-name"),  # a title after normalising
        ("tel\u00a0(212)\u00a0555\u20130199", "phone-number"),
        ("2024-03-01 943 476 5919", "nhs-number"),  # a date right before an identifier
        ("x: 2024-03-01\n943 476 5919", "nhs-number"),
    ],
)
def test_identifiers_on_the_edges_of_the_quick_looks_are_found(text: str, kind: str) -> None:
    found = find(text)
    assert found == find(text, gate_off=True)
    assert kind in [m.kind for m in found]


@pytest.mark.parametrize(
    "text",
    [
        "date,value,note\n2025-11-03,39.7,\n2025-11-10,41,ward round moved (Christmas)\n2025-11-17,40,\n",
        "date,value,denominator,note\r\n2025-11-03,0,41,\r\n2025-11-10,3,40,\r\n",
    ],
)
def test_csv_rows_starting_with_a_date_keep_the_gate_closed(text: str) -> None:
    assert not detect._has_long_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "value: 12\n2024-03-01",  # a chain may cross a line break from a digit
        "value: 12 \n2024-03-01",
        "value: 12\r\n2024-03-01",
        "value: 12\t\r\n2024-03-01",
    ],
)
def test_a_date_after_a_line_ending_in_a_digit_opens_the_gate(text: str) -> None:
    assert detect._has_long_number(text)


_PROSE = st.lists(
    st.sampled_from(
        [
            "patient ",
            "Patient called ",
            "pt: ",
            "PT ",
            "client named ",
            "Resident, ",
            "service user ",
            "outpatient ",
            "John Smith",
            "Ada Lee ",
            "O'Neil ",
            "SW1A 1AA",
            "S10 2JF",
            "M1 1AE",
            "m1 1ae",
            "AB1",
            " ",
            "\t",
            "\n",
            ", ",
            "-",
            "is ",
            "was ",
            "12",
            "X",
        ]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=400)
@given(_PROSE)
def test_trying_a_pattern_only_where_it_can_start_finds_what_finditer_finds(text: str) -> None:
    # The two patterns run over every text are tried only at the offsets where they can begin.
    low = text.lower()
    pairs = [m.start() for m in detect._CAPITAL_DIGIT.finditer(text)]
    starts = [*pairs, *(p - 1 for p in pairs if p > 0)]
    for pattern, where in (
        (detect._UK_POSTCODE, starts),
        (detect._PATIENT_NAMED, list(detect._occurrences(low, detect._PATIENT_WORDS))),
    ):
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in detect._each_from(pattern, text, where)] == expected, pattern.pattern[:30]
        # Any superset of the offsets gives the same.
        assert [m.span() for m in detect._each_from(pattern, text, range(len(text) + 1))] == expected


def test_trying_only_where_a_pattern_can_start_stops_at_the_candidate_limit() -> None:
    text = "S10 2JF " * (detect.MAX_CANDIDATES + 5)
    found = list(detect._each_from(detect._UK_POSTCODE, text, range(len(text))))
    assert len(found) == detect.MAX_CANDIDATES == len(list(detect._each(detect._UK_POSTCODE, text)))


@settings(max_examples=500)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
    | st.text(alphabet=st.characters(max_codepoint=127))
)
def test_normalising_leaves_alone_only_what_needs_nothing(text: str) -> None:
    assert detect.normalise(text) == detect._normalise_all(text)


def test_no_ascii_character_but_those_the_table_maps_is_changed_by_normalising() -> None:
    for code in range(128):
        c = chr(code)
        assert detect.normalise(c) == detect._normalise_all(c), repr(c)
    assert detect._INVISIBLE.search("".join(map(chr, range(128)))) is None


# The gate's pattern before the search was told to pass over digits that follow a digit: up
# to the first chain (all the gate looks at), the one used now must make the very same matches.
# After a chain, the old one could start another inside the same run of digits.
_GATE_BEFORE = re.compile(
    rf"\d(?:(?:(?<={detect._BEFORE_DATE}\d)|(?<={detect._BEFORE_DATE} \d)|(?<=[^\d \t\r]\n\d)"
    rf"|(?<=[^\d \t]\r\n\d))\d{{3}}-\d\d-\d\d(?!\d|{detect._CHAIN_SEP}\d)|((?:{detect._CHAIN_SEP}?\d){{4}}))"
)


def _to_first_chain(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], str | None]]:
    out = []
    for m in pattern.finditer(text):
        out.append((m.span(), m.group(1)))
        if m.group(1) is not None:
            break
    return out


@settings(max_examples=500)
@given(st.lists(_NEAR_DATES, min_size=1, max_size=16).map("".join))
def test_the_gate_pattern_matches_as_it_did_near_dates(text: str) -> None:
    assert _to_first_chain(detect._LONE_DATE_OR_CHAIN, text) == _to_first_chain(_GATE_BEFORE, text)


@settings(max_examples=300)
@given(st.text(alphabet="0123456789 -./()\t\n\r#:,{[\"'=aAx", max_size=80))
def test_the_gate_pattern_matches_as_it_did_in_digit_soup(text: str) -> None:
    assert _to_first_chain(detect._LONE_DATE_OR_CHAIN, text) == _to_first_chain(_GATE_BEFORE, text)


# The ten-digit pattern as it was, before it started with its first digit.
_TEN_BEFORE = re.compile(
    r"(?=[\d])"
    rf"(?<!\d)(?<!\d-)(?<!\d\.)(\d{{3}}){detect._SEP}(\d{{3}}){detect._SEP}(\d{{4}})(?!\d)(?!-\d)(?!\.\d)"
    rf"|(?<!\d)(?<!\d-)(?<!\d\.)(\d{{2}})(\d{{2}})(\d{{2}}){detect._SEP}(\d{{4}})(?!\d)(?!-\d)(?!\.\d)"
)


@settings(max_examples=500)
@given(
    st.lists(_FRAGMENT, min_size=1, max_size=14).map("".join)
    | st.text(alphabet="0123456789 -.\t\n#:a", max_size=60)
)
def test_the_ten_digit_pattern_matches_as_it_did(text: str) -> None:
    assert [m.span() for m in detect._TEN.finditer(text)] == [m.span() for m in _TEN_BEFORE.finditer(text)]
