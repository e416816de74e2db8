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
    assert kind_of("privacy.phone-number") == "a telephone number"
    assert kind_of("privacy.ssn") == "a US social security number"
    assert kind_of("privacy.patient-rows") == "a table of single patients"
    # A kind the detectors do not name yet still reads as words.
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


def _clean_csv(path: Path) -> Path:
    rows = ["date,value"] + [f"2026-01-{d:02d},{(d * 3) % 7 + 2}" for d in range(1, 13)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_chart_title_typed_with_an_identifier_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`--title` goes straight into the image and the JSON: it is judged before drawing."""
    source = _clean_csv(tmp_path / "waits.csv")
    before = unchanged(tmp_path)
    for fmt in ("image", "json"):
        code, out, err = call(
            capsys, "chart", str(source), "--y", "value", "--x", "date",
            "--title", "ring 943 476 5919", "-f", fmt, "--out", str(tmp_path / "w.svg"),
        )  # fmt: skip
        assert code == 1, out + err
        assert "the text given to --title holds what looks like patient-identifiable data" in err
        assert "--title:1:6: an NHS number [privacy.nhs-number]" in err
        assert "943 476 5919" not in out + err
        assert unchanged(tmp_path) == before


def test_a_csv_named_after_a_patient_is_not_charted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The file's name is the chart's default title and its image's name: never copied on."""
    source = _clean_csv(tmp_path / "bed 4 9434765919.csv")
    before = unchanged(tmp_path)
    for fmt in ("image", "json"):
        code, out, err = call(capsys, "chart", str(source), "--y", "value", "--x", "date", "-f", fmt)
        assert code == 1, out + err
        assert f"the name of {tmp_path}/b{'*' * 15}.csv holds" in err
        assert "rename the file" in err
        assert "9434765919" not in out + err
        assert unchanged(tmp_path) == before


def test_an_identifier_in_an_imported_spreadsheet_is_never_written_or_echoed(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, tmp_path: Path
) -> None:
    """In a value cell it was imported; in a cell that cannot be read it was quoted back."""
    sheets = {
        "value.csv": "date,value\n2026-11-23,9434765919\n",
        "date.csv": "date,value\n943 476 5919,5\n",
        "unread.csv": "date,value\n2026-11-23,abc 943 476 5919\n",
        "other column.csv": "date,value,patient\n2026-11-23,5,943 476 5919\n",
    }
    before = snapshot(cf_clinic)
    for name, text in sheets.items():
        source = tmp_path / name
        source.write_text(text, encoding="utf-8")
        code, out, err = call(capsys, "measure", "import", str(cf_clinic), "clinic-wait", str(source))
        assert code == 1, name + out + err
        assert f"{source} holds what looks like patient-identifiable data" in err
        assert "an NHS number [privacy.nhs-number]" in err
        assert "943 476 5919" not in out + err and "9434765919" not in out + err
        assert snapshot(cf_clinic) == before


@pytest.mark.parametrize("measure", ["clinic-wait", "inhaled-therapy-adherence"])
def test_a_value_typed_like_an_nhs_number_is_not_written(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, measure: str
) -> None:
    """CSV-backed and YAML-backed measures alike: the new lines are judged, not only the note."""
    before = snapshot(cf_clinic)
    extra = ["-n", "9434765919"] if measure == "inhaled-therapy-adherence" else []
    code, out, err = call(
        capsys, "measure", "add", str(cf_clinic), measure, "2026-11-23", "9434765919", *extra
    )
    assert code == 1, out + err
    assert "holds what looks like patient-identifiable data" in err
    assert "9434765919" not in out + err
    assert snapshot(cf_clinic) == before


@pytest.mark.parametrize(
    ("data", "line"),
    [
        ("title: café ring 943 476 5919\n".encode("cp1252"), 1),
        ("title: ring 943 476 5919\n".encode("utf-16"), 1),
        ("title: ring 9434765919\n".encode("utf-16-le"), 1),
        (b"title: x\n\x00 9434765919\n", 2),
    ],
    ids=["windows-1252", "utf-16", "utf-16-no-bom", "nul-bytes"],
)
def test_an_identifier_in_a_file_that_is_not_utf8_is_still_found(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, data: bytes, line: int
) -> None:
    """Such a file is left out of outputs, but the identifier is in the repository all the same."""
    (cf_clinic / "pdsa" / "PDSA-2.yaml").write_bytes(data)
    code, out, _ = call(capsys, "check", str(cf_clinic), "--no-git", "--today", TODAY)
    assert code == 1
    assert f"pdsa/PDSA-2.yaml:{line}:" in out and "[privacy.nhs-number]" in out
    before = snapshot(cf_clinic)
    code, out, err = call(capsys, "report", str(cf_clinic), "-f", "md", "--today", TODAY)
    assert code == 1, out + err
    assert "an NHS number [privacy.nhs-number]" in err
    assert snapshot(cf_clinic) == before


@pytest.mark.parametrize(
    "args",
    [
        ("measure", "add", "{wb}", "943 476 5919", "2026-11-20", "5"),
        ("new", "pdsa", "{wb}", "--change", "943 476 5919"),
        ("chart", "{wb}", "--type", "943 476 5919"),
        ("ramp", "status", "{wb}", "--today", "943 476 5919"),
    ],
)
def test_an_identifier_typed_by_mistake_is_not_repeated_in_the_error(capsys, millbrook: Path, args) -> None:
    before = snapshot(millbrook)
    code, out, err = call(capsys, *(a.format(wb=millbrook) for a in args))
    assert code in (1, 2), err
    assert "943 *** ****" in out + err
    assert "476" not in out + err and "5919" not in out + err
    assert snapshot(millbrook) == before


def test_an_action_carried_over_keeps_its_suppression_and_reason(capsys, cf_clinic: Path) -> None:
    last = cf_clinic / "meetings" / "2026-11-05.yaml"
    text = last.read_text(encoding="utf-8")
    comment = "# microsys: disable=privacy.nhs-number switchboard, not a patient"
    last.write_text(
        text.replace("  - action: Prepare the storyboard", f"  - action: Ring 943 476 5919 back  {comment}"),
        encoding="utf-8",
    )
    code, _, err = call(capsys, "new", "meeting", str(cf_clinic), "--date", "2026-12-01")
    assert code == 0, err
    new = (cf_clinic / "meetings" / "2026-12-01.yaml").read_text(encoding="utf-8")
    assert f"  - action: Ring 943 476 5919 back  {comment}\n" in new
    code, out, _ = call(capsys, "check", str(cf_clinic), "-f", "json")
    assert code == 0 and "privacy." not in out
    # Without the suppression the same carry-over is refused.
    plain = text.replace("  - action: Prepare the storyboard", "  - action: Ring 943 476 5919")
    last.write_text(plain, encoding="utf-8")
    (cf_clinic / "meetings" / "2026-12-01.yaml").unlink()
    code, _, err = call(capsys, "new", "meeting", str(cf_clinic), "--date", "2026-12-01")
    assert code == 1 and "5919" not in err


def test_actions_worded_alike_keep_their_own_suppressions(capsys, cf_clinic: Path) -> None:
    """Each carried action keeps the comment of its own line, even when two begin with the same words."""
    last = cf_clinic / "meetings" / "2026-11-05.yaml"
    text = last.read_text(encoding="utf-8")
    start = "Ring the switchboard and ask the duty manager to confirm the new clinic times"
    comment = "# microsys: disable=privacy.phone-number the ward's own switchboard"
    text = text.replace("  - action: Prepare the storyboard", f"  - action: {start} today")
    text = text.replace(
        "  - action: Self-assessment of the ten characteristics before the next theme",
        f"  - action: {start} on 0114 271 1900  {comment}",
    )
    last.write_text(text, encoding="utf-8")
    code, _, err = call(capsys, "new", "meeting", str(cf_clinic), "--date", "2026-12-01")
    assert code == 0, err
    new = (cf_clinic / "meetings" / "2026-12-01.yaml").read_text(encoding="utf-8")
    assert f"  - action: {start} today\n" in new
    assert f"  - action: {start} on 0114 271 1900  {comment}\n" in new
