from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microsys.privacy import find, mask, normalise, patient_columns
from microsys.workbook.privacy import is_nhs_number, scan_text
from tests.unit.test_privacy_corpus import accuracy


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


# --- the detectors (microsys.privacy) -------------------------------------------------------


def test_offsets_point_into_the_original_text_when_invisible_characters_are_removed() -> None:
    text = "a\u200bb\u200b\u200b call 943\u200b476\u200b5919 now"
    [m] = find(text)
    assert (m.kind, text[m.start : m.end]) == ("nhs-number", "943\u200b476\u200b5919")
    assert normalise(text).text.count("\u200b") == 0


def test_masks_never_hold_more_than_three_characters_of_an_identifier() -> None:
    for kind, text in accuracy.load("identifiers.txt"):
        for m in find(text):
            fragment = text[m.start : m.end]
            shown = mask(m.kind, fragment)
            visible = [ch for ch in shown if ch.isalnum()]
            secret = [ch for ch in fragment if ch.isalnum()]
            # Labels such as "DOB" or a title may stay; the identifier's own characters may not.
            digits_shown = sum(ch.isdigit() for ch in shown)
            assert digits_shown <= 3, (kind, shown)
            if m.kind == "email":
                assert fragment.split("@")[0][1:] not in shown or len(fragment.split("@")[0]) <= 1
            assert len(visible) < len(secret) or m.kind == "patient-name", (kind, shown)


@pytest.mark.parametrize(
    "text",
    ["ext 4321", "bleep 2231", "x4021", "bed 4 was free", "5 mg", "v2.3.1", "2026-03-04", "9434765918"],
)
def test_clinic_texts_that_look_like_numbers_are_clean(text: str) -> None:
    assert find(text) == []


def test_chi_numbers_start_with_a_date_and_nhs_numbers_do_not() -> None:
    assert [m.kind for m in find("1009381318")] == ["chi-number"]
    assert [m.kind for m in find("NHS 1009381318")] == ["nhs-number"]
    assert [m.kind for m in find("726 018 1591")] == ["nhs-number"]


def test_ssn_validity_rules() -> None:
    assert [m.kind for m in find("123-45-6789")] == ["ssn"]
    for invalid in ("000-12-3456", "666-12-3456", "912-12-3456", "123-00-4567", "123-45-0000"):
        assert find(invalid) == [], invalid


def test_ni_prefixes_that_are_never_issued_are_clean() -> None:
    assert [m.kind for m in find("AB 12 34 56 C")] == ["ni-number"]
    for invalid in ("GB 12 34 56 C", "QQ 12 34 56 C", "AB 12 34 56 E"):
        assert find(invalid) == [], invalid


def test_a_postcode_alone_or_at_a_hospital_is_clean_but_next_to_an_address_is_not() -> None:
    assert find("most patients live in S10") == []
    assert find("Royal Hallamshire Hospital, Glossop Road, Sheffield S10 2JF") == []
    assert [m.kind for m in find("lives at 3 Elm Close, Leeds LS6 2QT")] == ["postcode"]


def test_titled_names_count_only_next_to_a_bed_bay_ward_or_room() -> None:
    assert find("Mrs Patel chaired the meeting") == []
    assert find("Mr Patel's clinic in room 3 overran") == []
    assert [m.kind for m in find("Mrs Patel in bed 4")] == ["patient-name"]


def test_patient_columns_by_header_and_by_values() -> None:
    assert [f.column for f in patient_columns(["date", "value", "DOB"], [])] == [2]
    names = ["Ann Lee", "Mr Ali", "Ms Chen", "Bob Ray"]
    rows = [[f"2026-01-0{i + 1}", "1", name] for i, name in enumerate(names)]
    assert [(f.column, f.kind) for f in patient_columns(["date", "value", "note"], rows)] == [(2, "names")]
    ok = [["2026-01-05", "3", "Bank holiday"], ["2026-01-12", "4", "New rota"], ["2026-01-19", "5", "PDSA-2"]]
    assert patient_columns(["date", "value", "note"], ok) == []


def test_a_number_after_a_word_and_hyphen_is_found_but_not_inside_longer_numbers() -> None:
    found = scan_text(Path("x.yaml"), "a: ref pt-9434765919\nb: 2026-9434765919\nc: 9434765919-2\n")
    assert [(d.rule, d.line) for d in found] == [("privacy.nhs-number", 1)]


# --- identifiers in file and folder names, worked out once per relative path ---------------------

_NAME_PART = st.sampled_from(
    [
        "measures",
        "pdsa",
        "5ps",
        "John_Smith",
        "Mr_Jones_bed_4",
        "943_476_5919",
        "9434765919",
        "clinic-wait",
        "PDSA-1",
        "S10_2JF",
        "notes",
        "a.b",
        ".hidden",
        "0114_271_1900",
        "dob_01-02-1960",
        "x",
    ]
)
_REL = st.lists(
    st.tuples(_NAME_PART, st.sampled_from(["", ".yaml", ".csv", ".tar.gz", ".5"])), min_size=1, max_size=4
).map(lambda parts: "/".join(p + (ext if i == len(parts) - 1 else "") for i, (p, ext) in enumerate(parts)))


def _scan_name_each_time(path: Path, rel: str) -> list:  # type: ignore[type-arg]
    # How names were scanned before the per-path results were remembered.
    from pathlib import PurePosixPath

    from microsys.workbook import privacy as wp

    out = []
    parts = PurePosixPath(rel).parts
    for i, part in enumerate(parts):
        stem = part.rsplit(".", 1)[0] if i == len(parts) - 1 and "." in part[1:] else part
        text = stem.replace("_", " ")
        for m in find(text):
            out.append(
                (
                    wp.masked_path(path, rel),
                    wp.rule_of(m.kind),
                    wp._message(m.kind, text[m.start : m.end], " in a file or folder name"),
                )
            )
    return out


@given(_REL)
def test_a_name_scanned_twice_finds_what_scanning_it_each_time_finds(rel: str) -> None:
    from microsys.workbook.privacy import scan_name

    path = Path("wb") / rel
    for _ in range(2):
        got = [(d.path, d.rule, d.message) for d in scan_name(path, rel)]
        assert got == _scan_name_each_time(path, rel)
