"""The identifier scan over a whole workbook, through the real CLI: every place an identifier
can hide, positions, masking in every output format, and suppression with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microsys.cli import app

runner = CliRunner()
NHS = "9434765919"
NHS_SPACED = "943 476 5919"


def check(root: Path, *args: str):
    return runner.invoke(app, ["check", *args, str(root)], catch_exceptions=False, env={"GITHUB_ACTIONS": ""})


def findings(root: Path) -> list[tuple[str, int, int, str]]:
    result = check(root, "-f", "json")
    data = json.loads(result.output)
    return [
        (
            Path(d["path"]).relative_to(root).as_posix() if d["path"].startswith(str(root)) else d["path"],
            d["line"] or 0,
            d["col"] or 0,
            d["rule"],
        )
        for d in data["diagnostics"]
    ]


def privacy_findings(root: Path) -> list[tuple[str, int, int, str]]:
    return [f for f in findings(root) if f[3].startswith("privacy.")]


def _digits_leak(output: str) -> bool:
    flat = "".join(ch for ch in output if ch.isdigit() or ch == "\n")
    return NHS in flat.replace("\n", "") or NHS in "".join(output.split())


@pytest.mark.parametrize(
    "value",
    [
        '"\\x39\\x34\\x33\\x34\\x37\\x36\\x35\\x39\\x31\\x39 waited"',  # YAML escapes
        '"\\u0039\\u0034\\u0033 476 5919"',
        "!!binary OTQzNDc2NTkxOQ==",  # base64 of the number
        "943\u00a0476\u00a05919",  # non-breaking spaces
        "943\u2009476\u20095919",  # thin spaces
        "943\u200b476\u200b5919",  # zero-width spaces
        "943 476\n    5919",  # a line break inside (plain scalar folds it)
        "|\n    943 476\n    5919",  # a literal block keeps the line break
        "943\u2013476\u20135919",  # en dashes
    ],
)
def test_hidden_nhs_numbers_are_found_at_their_value(workbook, value: str) -> None:
    root = workbook({"5ps/patients.yaml": f"what_patients_say:\n  - {value}\n"})
    found = privacy_findings(root)
    # One finding, on the value's line (the raw text shows a literal block's number on line 4).
    assert [(f[0], f[3]) for f in found] == [("5ps/patients.yaml", "privacy.nhs-number")]
    assert found[0][1] == (3 if value.startswith("|") else 2)


def test_an_identifier_in_a_key_is_found_and_no_message_echoes_it(workbook) -> None:
    root = workbook({"5ps/patients.yaml": f"notes: adults\n'{NHS}': waited\n"})
    result = check(root)
    assert "privacy.nhs-number" in result.output
    assert NHS not in result.output
    data = check(root, "-f", "json").output
    assert NHS not in data  # not in messages, hints or the YAML path of the unknown key


def test_raw_and_loaded_matches_of_the_same_identifier_give_one_finding(workbook) -> None:
    root = workbook({"5ps/patients.yaml": f"notes: |\n  seen {NHS_SPACED} today\n"})
    assert privacy_findings(root) == [("5ps/patients.yaml", 2, 8, "privacy.nhs-number")]


def test_comments_csv_cells_headers_and_unused_csv_are_scanned(workbook) -> None:
    root = workbook(
        {
            "5ps/patients.yaml": f"notes: adults  # seen {NHS_SPACED}\n",
            "measures/wait.yaml": "id: wait\nname: Wait\nchart: xmr\nunit: minutes\ndata: wait.csv\n",
            "measures/wait.csv": "date,value,note\n2026-01-05,31,call 07700 900123\n",
            "measures/old.csv": "date,value,note\n2026-01-05,31,MRN: 00482913\n",
        }
    )
    found = privacy_findings(root)
    assert ("5ps/patients.yaml", 1, 23, "privacy.nhs-number") in found
    assert ("measures/wait.csv", 2, 20, "privacy.phone-number") in found
    assert ("measures/old.csv", 2, 20, "privacy.hospital-number") in found


def test_markdown_assets_unknown_files_and_meeting_notes_are_scanned(workbook) -> None:
    root = workbook(
        {
            "README.md": "# Our clinic\n\nMrs Patel in bed 4 waited.\n",
            "assets/notes.txt": "contact jane.smith@nhs.net\n",
            "stray/todo.txt": "born 12/03/1951\n",
            "meetings/2026-01-05.yaml": "date: 2026-01-05\nnotes: d.o.b. 3 March 1951 given\n"
            "actions:\n  - what: ring SSN 123-45-6789\n    who: ward clerk\n",
            "assets/photo.png": b"\x89PNG\r\n\x1a\n\x00\x00" + NHS.encode(),
        }
    )
    found = {(f[0], f[3]) for f in privacy_findings(root)}
    assert ("README.md", "privacy.patient-name") in found
    assert ("assets/notes.txt", "privacy.email") in found
    assert ("stray/todo.txt", "privacy.date-of-birth") in found
    assert ("meetings/2026-01-05.yaml", "privacy.date-of-birth") in found
    assert ("meetings/2026-01-05.yaml", "privacy.ssn") in found
    assert not any(f[0] == "assets/photo.png" for f in found)  # binary files are not text


def test_a_fifo_in_the_workbook_does_not_hang_the_scan(workbook) -> None:
    import os

    root = workbook({"assets/readme.txt": "nothing here\n"})
    os.mkfifo(root / "assets" / "pipe.txt")
    result = check(root)
    assert result.exit_code == 0, result.output


def test_identifiers_in_file_and_folder_names_are_masked_everywhere(workbook) -> None:
    root = workbook({f"assets/{NHS_SPACED}.txt": "letter\n", f"notes_{NHS}/a.txt": "x\n"})
    for fmt in ("text", "json", "github"):
        out = check(root, "-f", fmt).output
        assert "privacy.nhs-number" in out
        assert NHS_SPACED not in out and NHS not in out, fmt
        assert "943 *** ****" in out


def test_a_finding_of_another_rule_does_not_echo_an_identifying_file_name(workbook) -> None:
    root = workbook({"measures/Mrs_Patel_bed_4.csv": "date,value\n2026-01-05,3\n"})
    out = check(root).output
    assert "measure.unused-csv" in out and "privacy.patient-name" in out
    assert "Patel" not in out


def test_patient_rows_in_a_csv_are_found_by_header_and_by_values(workbook) -> None:
    root = workbook(
        {
            "measures/list.csv": "date,value,NHS number\n2026-01-05,1,x\n",
            "measures/names.csv": "date,value,note\n2026-01-05,1,Mrs Jones\n2026-01-06,1,Mr Ali\n"
            "2026-01-07,1,Ms Chen\n2026-01-08,1,John Smith\n",
            "measures/ok.csv": "date,value,note\n2026-01-05,31,Bank holiday\n2026-01-12,28,New rota\n"
            "2026-01-19,25,PDSA-2 started\n",
        }
    )
    rows = [f for f in privacy_findings(root) if f[3] == "privacy.patient-rows"]
    assert [(f[0], f[1], f[2]) for f in rows] == [("measures/list.csv", 1, 12), ("measures/names.csv", 1, 12)]


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_no_output_format_echoes_any_kind_of_identifier(workbook, fmt: str) -> None:
    secrets = {
        "nhs": NHS_SPACED,
        "chi": "CHI 1009381318",
        "ssn": "123-45-6789",
        "mrn": "00482913",
        "email": "jane.smith@nhs.net",
        "phone": "07700 900123",
        "dob": "12/03/1951",
        "ni": "AB 12 34 56 C",
        "postcode": "S5 7AU",
        "name": "Patel",
    }
    text = (
        f"what_patients_say:\n  - {secrets['nhs']}\n  - {secrets['chi']}\n  - SSN {secrets['ssn']}\n"
        f"  - 'MRN: {secrets['mrn']}'\n  - {secrets['email']}\n  - ring {secrets['phone']}\n"
        f"  - born {secrets['dob']}\n  - NI {secrets['ni']}\n  - 4 Oak Road, {secrets['postcode']}\n"
        f"  - Mrs {secrets['name']} in bed 4\n"
    )
    root = workbook({"5ps/patients.yaml": text})
    out = check(root, "-f", fmt).output
    assert out.count("privacy.") >= len(secrets)
    for kind, secret in secrets.items():
        core = secret.split()[-1] if kind in ("chi", "name") else secret
        assert core not in out, kind


# --- suppression ----------------------------------------------------------------------------


def test_a_comment_with_a_reason_suppresses_the_rule_on_its_line(workbook) -> None:
    root = workbook(
        {
            "5ps/patients.yaml": "what_patients_say:\n"
            "  - 0114 271 1900  # microsys: disable=privacy.phone-number the clinic's public switchboard\n"
            "  - 0114 271 1901\n"
        }
    )
    assert [(f[1], f[3]) for f in findings(root)] == [(3, "privacy.phone-number")]


def test_a_comment_alone_on_the_line_above_covers_the_next_line(workbook) -> None:
    root = workbook(
        {
            "5ps/patients.yaml": "what_patients_say:\n"
            "  # microsys: disable=privacy.phone-number published switchboard number\n"
            "  - 0114 271 1900\n"
        }
    )
    assert findings(root) == []


def test_disable_file_covers_the_whole_file_and_other_rules_still_fire(workbook) -> None:
    root = workbook(
        {
            "5ps/patients.yaml": "# microsys: disable-file=privacy.phone-number,privacy.email public\n"
            "what_patients_say:\n  - 0114 271 1900\n  - desk@sth.nhs.uk\n  - DOB 12/03/1951\n"
        }
    )
    assert [(f[1], f[3]) for f in findings(root)] == [(5, "privacy.date-of-birth")]


def test_a_suppression_without_a_reason_is_an_error_and_suppresses_nothing(workbook) -> None:
    root = workbook({"5ps/patients.yaml": "notes: 0114 271 1900  # microsys: disable=privacy.phone-number\n"})
    assert sorted((f[1], f[3]) for f in findings(root)) == [
        (1, "privacy.phone-number"),
        (1, "suppress.missing-reason"),
    ]


def test_an_unused_suppression_is_a_warning_and_an_unknown_rule_an_error(workbook) -> None:
    root = workbook(
        {
            "5ps/patients.yaml": "notes: adults  # microsys: disable=privacy.email no longer needed\n"
            "what_patients_say: []  # microsys: disable=privacy.emial typo in the rule\n"
        }
    )
    result = check(root, "-f", "json")
    diags = json.loads(result.output)["diagnostics"]
    assert [(d["line"], d["rule"], d["severity"]) for d in diags] == [
        (1, "suppress.unused", "warning"),
        (2, "suppress.unknown-rule", "error"),
    ]


def test_suppression_works_for_any_rule_not_only_privacy(workbook) -> None:
    text = (
        "ideas:\n  - id: C1\n    title: huddle\n"
        "    titel: huddle  # microsys: disable=schema.extra-key old tool\n"
    )
    root = workbook({"change-ideas.yaml": text})
    assert [f[3] for f in findings(root)] == []
    root = workbook(
        {"change-ideas.yaml": text.replace("  # microsys: disable=schema.extra-key old tool", "")}
    )
    assert [f[3] for f in findings(root)] == ["schema.extra-key"]


def test_markdown_files_use_html_comments(workbook) -> None:
    root = workbook(
        {
            "README.md": "<!-- microsys: disable-file=privacy.email the team's mailbox -->\n"
            "mail team@sth.nhs.uk\n"
        }
    )
    assert findings(root) == []


def test_the_manifest_suppress_list_covers_csv_files_and_file_names(workbook) -> None:
    manifest = (
        "version: 1\nname: Test workbook\nsetting: clinic\nsuppress:\n"
        "  - path: assets/calls.csv\n    rule: privacy.phone-number\n    reason: the switchboard number\n"
        "  - path: assets/*.txt\n    rule: privacy.nhs-number\n    reason: a made-up test number\n"
        "  - path: measures/none.csv\n    rule: privacy.email\n    reason: stale entry\n"
    )
    root = workbook(
        {
            "assets/calls.csv": "date,value,note\n2026-01-05,3,switchboard 0114 271 1900\n",
            f"assets/{NHS}.txt": "x\n",
        },
        manifest=manifest,
    )
    assert findings(root) == [("microsys.yaml", 11, 5, "suppress.unused")]


def test_a_manifest_suppression_without_a_reason_is_refused(workbook) -> None:
    manifest = "version: 1\nname: T\nsetting: clinic\nsuppress:\n  - path: a.csv\n    rule: privacy.email\n"
    root = workbook({}, manifest=manifest)
    assert ("microsys.yaml", 5, 5, "schema.missing-key") in findings(root)
