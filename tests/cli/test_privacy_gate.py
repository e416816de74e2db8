"""The privacy gate: what a refusal says, and identifiers typed on the command line.

The leak test (tests/test_leaks.py) runs every writer over every kind and place;
these tests pin down the wording a clinician reads and the smaller paths.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from microsys.workbook.privacy_gate import kind_of
from tests.conftest import EXAMPLES, NOT_SOURCE, call, snapshot, unchanged

TODAY = "2026-11-22"


def _put(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_refusal_names_file_line_column_kind_and_both_ways_out(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path
) -> None:
    _put(
        cf_clinic / "pdsa" / "PDSA-2.yaml",
        "title: Pre-clinic huddle",
        "title: Pre-clinic huddle 943 476 5919",
    )
    _put(cf_clinic / "5ps" / "patients.yaml", "\n", "\n# seen: DOB 12/03/1951\n")
    before = snapshot(cf_clinic)
    code, out, err = call(capsys, "report", str(cf_clinic), "-f", "html", "--today", TODAY)
    assert code == 1
    assert out == ""
    assert "in 2 place(s), so microsys will not write reports; nothing was written" in err
    assert f"{cf_clinic}/5ps/patients.yaml:2:9: a date of birth [privacy.date-of-birth]" in err
    assert f"{cf_clinic}/pdsa/PDSA-2.yaml:2:26: an NHS number [privacy.nhs-number]" in err
    assert "git history" in err and "# microsys: disable=" in err and "suppress:" in err
    for form in ("943 476 5919", "9434765919", "12/03/1951", "1951"):
        assert form not in err
    assert snapshot(cf_clinic) == before


def test_a_file_named_after_a_patient_is_named_masked(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path
) -> None:
    source = cf_clinic / "pdsa" / "PDSA-3.yaml"
    named = cf_clinic / "pdsa" / "x 9434765919.yaml"
    named.write_text(source.read_text(encoding="utf-8") + "# 943 476 5919\n", encoding="utf-8")
    code, _, err = call(capsys, "chart", str(cf_clinic), "-f", "json")
    assert code == 1
    # The loader masks an identifying file name in every finding of that file (and reports
    # the name itself as a finding); the gate shows the path as the findings do.
    assert f"{cf_clinic}/pdsa/x 943*******.yaml:34:3: an NHS number" in err
    assert f"{cf_clinic}/pdsa/x 943*******.yaml: an NHS number" in err
    assert "9434765919" not in err and "943 476 5919" not in err


@pytest.mark.parametrize(
    ("argv", "changed"),
    [
        (["new", "change", "--title", "ring back on 943 476 5919", "--today", TODAY], "change-ideas.yaml"),
        (["new", "theme", "--title", "Mrs A, DOB 12/03/1951", "--today", TODAY], "themes.yaml"),
        (
            ["new", "pdsa", "--change", "C1", "--title", "for 9434765919 only", "--today", TODAY],
            "pdsa/PDSA-6.yaml",
        ),
        (
            ["new", "measure", "--id", "waits", "--name", "wait of 943 476 5919", "--unit", "min"],
            "measures/waits.yaml",
        ),
        (
            [
                "ramp",
                "next",
                "--by",
                "A Lead",
                "--force",
                "--reason",
                "asked by 943 476 5919",
                "--today",
                TODAY,
            ],
            "ramp.yaml",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v[:2]),
)
def test_an_identifier_typed_on_the_command_line_is_not_written(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, argv: list[str], changed: str
) -> None:
    before = snapshot(cf_clinic)
    code, out, err = call(capsys, *argv[:2], str(cf_clinic), *argv[2:])
    assert code == 1, out + err
    assert f"the new text of {cf_clinic}/{changed} holds what looks like patient-identifiable data" in err
    assert f"{cf_clinic}/{changed}:" in err
    assert "leave patient details out of what you type" in err
    assert "943 476 5919" not in err and "9434765919" not in err and "12/03/1951" not in err
    assert snapshot(cf_clinic) == before


def test_numbers_that_identify_no_one_are_written(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path
) -> None:
    """Room numbers, dates and counts typed in a title are not identifiers."""
    code, out, err = call(
        capsys,
        "new",
        "change",
        str(cf_clinic),
        "--title",
        "room 12 from 2026-05-03, 40 patients a week",
        "--today",
        TODAY,
    )
    assert code == 0, err
    assert "Updated" in out


def test_kinds_are_named_in_plain_words() -> None:
    assert kind_of("privacy.nhs-number") == "an NHS number"
    assert kind_of("privacy.date-of-birth") == "a date of birth"
    assert kind_of("privacy.phone-number") == "a phone number"
    assert kind_of("privacy.email-address") == "an email address"


def test_a_report_on_several_workbooks_writes_none_while_one_holds_an_identifier(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "sheffield-cf-clinic", repo / "a-clean", ignore=NOT_SOURCE)
    shutil.copytree(EXAMPLES / "sheffield-cf-clinic", repo / "b-leaky", ignore=NOT_SOURCE)
    _put(repo / "b-leaky" / "pdsa" / "PDSA-2.yaml", "title: Pre-clinic huddle", "title: 9434765919 huddle")
    before = unchanged(tmp_path)
    code, out, err = call(capsys, "report", str(repo), "--all", "-f", "md", "--today", TODAY)
    assert code == 1, out
    assert f"{repo}/b-leaky/pdsa/PDSA-2.yaml:2:8: an NHS number" in err
    assert unchanged(tmp_path) == before
