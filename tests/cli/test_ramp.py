"""``microsys ramp`` and ``microsys coach`` on copies of the examples and fresh scaffolds."""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

from microsys.cli import run
from microsys.engine import check_workbook
from microsys.ramp.criteria import CRITERIA
from tests.conftest import EXAMPLES, call, snapshot

TODAY = "2026-11-22"


@pytest.fixture
def no_git_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No git identity anywhere: the user must say who with --by."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_AUTHOR_NAME", raising=False)


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_status_lists_every_stage_with_files_to_edit(capsys, millbrook: Path) -> None:
    code, out, _ = call(capsys, "ramp", "status", str(millbrook), "--today", TODAY)
    assert code == 0
    assert "Stage: Diagnose (improvement cycle 1) since 2026-11-11 (11 days)" in out
    assert "Coaching: Action phase" in out
    assert "✗  A process map of it from start to end" in out
    assert "no process map → process-maps/" in out
    for title in ("Assess", "Diagnose", "Treat", "Sustain"):
        assert title in out
    assert "Suggested progress score:" in out
    assert not any(line.endswith(" ") for line in out.splitlines())


def test_status_json_has_every_criterion(capsys) -> None:
    code, out, _ = call(
        capsys, "ramp", "status", str(EXAMPLES / "sheffield-cf-clinic"), "-f", "json", "--today", TODAY
    )
    assert code == 0
    data = json.loads(out)
    assert data["version"] == 1
    assert data["stage"] == {
        "id": "sustain",
        "since": "2026-06-15",
        "days": 160,
        "cycle": 1,
        "next": "diagnose",
        "ready": False,
    }
    ids = [c["id"] for g in data["stages"] + data["phases"] for c in g["criteria"]]
    assert ids == [c.id for c in CRITERIA if "microsystem" in c.kinds]
    sustain = next(g for g in data["stages"] if g["id"] == "sustain")
    missing = [c["id"] for c in sustain["criteria"] if not c["met"]]
    assert missing == ["sustain.next-theme"]
    assert 0.5 <= data["progress"]["score"] <= 5.0 and data["progress"]["reasons"]
    assert [h["to"] for h in data["history"] if h["track"] == "stage"] == [
        "assess",
        "diagnose",
        "treat",
        "sustain",
    ]


def test_next_refuses_when_evidence_is_missing_and_changes_nothing(capsys, millbrook: Path) -> None:
    before = snapshot(millbrook)
    code, out, _ = call(capsys, "ramp", "next", str(millbrook), "--by", "Fiona McLeod", "--today", TODAY)
    assert code == 1
    assert "Not ready to move from Diagnose to Treat" in out
    assert "fishbones/" in out and "aims.yaml" in out
    assert snapshot(millbrook) == before


def test_forced_move_records_the_reason_and_changes_only_its_lines(capsys, millbrook: Path) -> None:
    ramp = millbrook / "ramp.yaml"
    before = ramp.read_text()
    code, out, _ = call(
        capsys,
        "ramp",
        "next",
        str(millbrook),
        "--by",
        "Fiona McLeod",
        "--force",
        "--reason",
        "map drawn on paper at the away day",
        "--today",
        TODAY,
    )
    assert code == 0, out
    assert "Forced past 3 missing item(s)" in out
    after = ramp.read_text()
    assert changed_lines(before, after) == [
        "-stage: diagnose",
        "-since: 2026-11-11",
        "+stage: treat",
        "+since: 2026-11-22",
        "+  - date: 2026-11-22",
        "+    from: diagnose",
        "+    to: treat",
        "+    by: Fiona McLeod",
        "+    forced: true",
        "+    reason: map drawn on paper at the away day",
        "+    theme: T1",
        "+    cycle: 1",
    ]
    assert check_workbook(millbrook, git=False).errors == 0
    code, out, _ = call(capsys, "ramp", "history", str(millbrook))
    assert "Diagnose → Treat" in out and "forced: map drawn on paper" in out


def test_force_needs_a_reason(capsys, millbrook: Path) -> None:
    before = snapshot(millbrook)
    code, _, err = call(capsys, "ramp", "next", str(millbrook), "--by", "X", "--force")
    assert code == 2
    assert "--force needs --reason" in err
    assert snapshot(millbrook) == before


def test_dry_run_prints_the_diff_and_writes_nothing(capsys, cf_clinic: Path) -> None:
    themes = cf_clinic / "themes.yaml"
    themes.write_text(themes.read_text().replace("status: selected", "status: done"))
    before = snapshot(cf_clinic)
    code, out, _ = call(
        capsys, "ramp", "next", str(cf_clinic), "--by", "Helen Ashby", "--dry-run", "--today", TODAY
    )
    assert code == 0, out
    assert "Would move from Sustain to Diagnose" in out
    assert "+cycle: 2" in out and "-cycle: 1" in out
    assert "+    from: sustain" in out
    assert snapshot(cf_clinic) == before


def test_after_sustain_the_team_returns_to_diagnose_in_a_new_cycle(capsys, cf_clinic: Path) -> None:
    themes = cf_clinic / "themes.yaml"
    themes.write_text(themes.read_text().replace("status: selected", "status: done"))
    code, out, _ = call(capsys, "ramp", "next", str(cf_clinic), "--by", "Helen Ashby", "--today", TODAY)
    assert code == 0, out
    assert "Improvement cycle 2 begins" in out
    data = json.loads(call(capsys, "ramp", "status", str(cf_clinic), "-f", "json", "--today", TODAY)[1])
    assert data["stage"]["id"] == "diagnose" and data["stage"]["cycle"] == 2
    diagnose = next(g for g in data["stages"] if g["id"] == "diagnose")
    selected = next(c for c in diagnose["criteria"] if c["id"] == "diagnose.theme-selected")
    assert not selected["met"] and "select the next theme" in selected["detail"]
    assert check_workbook(cf_clinic, git=False).errors == 0


def test_who_is_left_out_when_neither_by_nor_git_knows_and_no_one_can_be_asked(
    capsys, millbrook: Path, no_git_name: None
) -> None:
    ramp = millbrook / "ramp.yaml"
    before = ramp.read_text()
    code, out, err = call(
        capsys, "ramp", "next", str(millbrook), "--force", "--reason", "x", "--no-input", "--today", TODAY
    )
    assert code == 0, out + err
    assert "recorded by" not in out
    added = changed_lines(before, ramp.read_text())
    assert "+    from: diagnose" in added and not any("by:" in line for line in added)
    assert check_workbook(millbrook, git=False).errors == 0


def test_who_comes_from_the_workbooks_git_config(capsys, millbrook: Path, no_git_name: None) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(millbrook)], check=True)
    subprocess.run(["git", "-C", str(millbrook), "config", "user.name", "Ward Sister Ann"], check=True)
    code, out, _ = call(capsys, "ramp", "next", str(millbrook), "--force", "--reason", "x", "--today", TODAY)
    assert code == 0
    assert "recorded by Ward Sister Ann" in out
    assert "    by: Ward Sister Ann\n" in (millbrook / "ramp.yaml").read_text()


def test_fresh_scaffold_is_in_assess_and_not_ready(capsys, tmp_path: Path) -> None:
    wb = tmp_path / "new"
    assert run(["init", str(wb), "--no-input", "--name", "New clinic"]) == 0
    capsys.readouterr()
    code, out, _ = call(capsys, "ramp", "next", str(wb), "--by", "Ana")
    assert code == 1
    assert "Purpose: an agreed statement" in out
    code, out, _ = call(capsys, "coach", "status", str(wb))
    assert code == 0 and "Work before the work" in out


def test_coach_next_moves_the_coaching_phase(capsys, cf_clinic: Path) -> None:
    code, out, _ = call(capsys, "coach", "next", str(cf_clinic), "--by", "Sarah Porter", "--today", TODAY)
    assert code == 0, out
    assert "Moved from Action phase to Transition phase" in out
    data = json.loads(call(capsys, "coach", "status", str(cf_clinic), "-f", "json", "--today", TODAY)[1])
    assert data["coaching"]["id"] == "transition" and data["coaching"]["days"] == 0
    code, out, _ = call(capsys, "coach", "history", str(cf_clinic))
    assert "Action phase → Transition phase" in out


def test_a_failure_while_writing_leaves_every_file_as_it_was(
    capsys, millbrook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(millbrook)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    code, _, err = call(capsys, "ramp", "next", str(millbrook), "--by", "X", "--force", "--reason", "y")
    assert code == 1 and "the disk is full" in err and "nothing was changed" in err
    assert snapshot(millbrook) == before


def test_ramp_yaml_with_errors_is_not_edited(capsys, millbrook: Path) -> None:
    (millbrook / "ramp.yaml").write_text("stage: diagnsoe\n")
    before = snapshot(millbrook)
    code, _, err = call(capsys, "ramp", "next", str(millbrook), "--by", "X", "--force", "--reason", "y")
    assert code == 1
    assert "ramp.yaml has errors" in err
    assert snapshot(millbrook) == before


def test_status_says_when_ramp_yaml_is_broken(capsys, millbrook: Path) -> None:
    (millbrook / "ramp.yaml").write_text("stage: diagnsoe\n")
    code, out, _ = call(capsys, "ramp", "status", str(millbrook))
    assert code == 0
    assert "ramp.yaml has errors, so the team's stage is not known" in out
    assert "Ready to move on" not in out
    data = json.loads(call(capsys, "ramp", "status", str(millbrook), "-f", "json")[1])
    assert data["ramp_valid"] is False and data["errors"] >= 1


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("select_first", [False, True])
def test_after_sustain_the_team_marks_its_theme_done_and_selects_the_next_in_either_order(
    capsys, cf_clinic: Path, select_first: bool
) -> None:
    themes = cf_clinic / "themes.yaml"
    edits = [("    status: selected", "    status: done"), ("selected: T1", "selected: T2")]
    for n, (old, new) in enumerate(reversed(edits) if select_first else edits):
        _edit(themes, old, new)
        data = json.loads(call(capsys, "ramp", "status", str(cf_clinic), "-f", "json", "--today", TODAY)[1])
        sustain = next(s for s in data["stages"] if s["id"] == "sustain")
        by_id = {c["id"]: c for c in sustain["criteria"]}
        # The finished theme's SDSA, playbook and data are still what Sustain judges.
        assert by_id["sustain.sdsa"]["met"] and by_id["sustain.playbook"]["met"]
        if n == 0 and select_first:  # T2 selected, T1 not yet done: the checklist says the order
            assert not by_id["sustain.next-theme"]["met"]
            assert by_id["sustain.next-theme"]["detail"].startswith("first mark T1 `status: done`")
    assert by_id["sustain.next-theme"]["detail"] == "T1 done; T2 selected next: run `microsys ramp next`"
    code, out, _ = call(
        capsys,
        "ramp",
        "next",
        str(cf_clinic),
        "--by",
        "Helen Ashby",
        "--date",
        "2026-11-20",
        "--today",
        TODAY,
    )
    assert code == 0, out
    assert "Moved from Sustain to Diagnose on 2026-11-20" in out
    ramp = (cf_clinic / "ramp.yaml").read_text(encoding="utf-8")
    assert "stage: diagnose\nsince: 2026-11-20\ncycle: 2\n" in ramp
    assert "    to: diagnose\n    by: Helen Ashby\n    theme: T1\n    cycle: 1\n" in ramp
    data = json.loads(call(capsys, "ramp", "status", str(cf_clinic), "-f", "json", "--today", TODAY)[1])
    assert data["history"][-1]["theme"] == "T1" and data["history"][-1]["cycle"] == 1
    diagnose = next(s for s in data["stages"] if s["id"] == "diagnose")
    assert diagnose["criteria"][0]["detail"] == "T2 Capacity"


def test_a_dry_run_that_would_be_refused_gives_one_answer(capsys, millbrook: Path) -> None:
    before = snapshot(millbrook)
    code, out, _ = call(capsys, "ramp", "next", str(millbrook), "--dry-run", "--by", "Jo", "--today", TODAY)
    assert code == 1
    assert "Not ready to move from Diagnose to Treat" in out
    assert "would refuse and change nothing" in out
    assert "+++" not in out and "Nothing was changed" not in out
    assert snapshot(millbrook) == before


def test_a_dry_run_that_would_move_says_so_then_shows_the_change(capsys, cf_clinic: Path) -> None:
    before = snapshot(cf_clinic)
    code, out, _ = call(capsys, "coach", "next", str(cf_clinic), "--dry-run", "--by", "Jo", "--today", TODAY)
    assert code == 0
    assert out.index("Would move from Action phase to Transition phase") < out.index("+++ b/ramp.yaml")
    assert snapshot(cf_clinic) == before


def test_a_move_dated_in_the_past_is_recorded_on_that_date(capsys, cf_clinic: Path) -> None:
    code, out, _ = call(
        capsys, "coach", "next", str(cf_clinic), "--by", "Jo", "--date", "2026-09-01", "--today", TODAY
    )
    assert code == 0, out
    ramp = (cf_clinic / "ramp.yaml").read_text(encoding="utf-8")
    assert "  phase: transition\n  since: 2026-09-01\n" in ramp
    assert "      to: transition\n      by: Jo\n      theme: T1\n" in ramp


@pytest.mark.parametrize(
    ("date", "message"),
    [("2026-12-25", "is in the future"), ("2025-01-01", "is before action began on 2025-10-06")],
)
def test_an_impossible_move_date_is_refused(capsys, cf_clinic: Path, date: str, message: str) -> None:
    before = snapshot(cf_clinic)
    code, _, err = call(
        capsys, "coach", "next", str(cf_clinic), "--by", "Jo", "--date", date, "--today", TODAY
    )
    assert code == 2 and message in err
    assert snapshot(cf_clinic) == before


def test_a_team_that_passed_assess_scores_above_intent_to_participate(capsys, millbrook: Path) -> None:
    data = json.loads(call(capsys, "ramp", "status", str(millbrook), "-f", "json", "--today", TODAY)[1])
    assert data["stage"]["id"] == "diagnose"
    assert data["progress"]["score"] >= 1.0
    assert any("assessed its microsystem" in r for r in data["progress"]["reasons"])
    (millbrook / "5ps" / "patients.yaml").unlink()  # no patient numbers, no measure: not yet
    for extra in (millbrook / "measures").glob("*.yaml"):
        extra.unlink()
    data = json.loads(call(capsys, "ramp", "status", str(millbrook), "-f", "json", "--today", TODAY)[1])
    assert data["progress"]["score"] == 0.5


def test_who_is_asked_in_a_terminal_when_git_does_not_know(
    millbrook: Path, no_git_name: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    import microsys.cli.common as common
    from microsys.cli import app

    monkeypatch.setattr(common, "interactive", lambda: True)
    args = ["ramp", "next", str(millbrook), "--force", "--reason", "x", "--today", TODAY]
    result = CliRunner().invoke(app, args, input="Fiona McLeod\n", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Who is recording this move?" in result.output and "recorded by Fiona McLeod" in result.output
    assert "    by: Fiona McLeod\n" in (millbrook / "ramp.yaml").read_text()


@pytest.mark.parametrize("command", [("ramp", "status"), ("coach", "status"), ("ramp", "history")])
def test_workbook_text_cannot_drive_the_terminal(capsys, millbrook: Path, command: tuple[str, str]) -> None:
    themes = millbrook / "themes.yaml"
    text = themes.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.strip().startswith("title:"))
    hostile = title.split("title:")[0] + 'title: "Flow \\e[2J\\e[31mRED\\r\\u202e fake"'
    themes.write_text(text.replace(title, hostile, 1), encoding="utf-8")
    code, out, err = call(capsys, *command, str(millbrook), "--today", TODAY)
    assert code == 0, err
    assert "\x1b" not in out + err and "\r" not in out + err and "\u202e" not in out + err
    if command == ("ramp", "status"):
        assert "Flow \\x1b[2J\\x1b[31mRED\\r\\u202e fake" in out


def test_a_reason_given_with_force_is_kept_when_forcing_was_not_needed(capsys, cf_clinic: Path) -> None:
    args = ["coach", "next", str(cf_clinic), "--by", "Jo", "--force", "--reason", "agreed at the review"]
    code, out, err = call(capsys, *args, "--today", TODAY)
    assert code == 0, out + err
    text = (cf_clinic / "ramp.yaml").read_text(encoding="utf-8")
    assert "reason: agreed at the review" in text and "forced: true" not in text
    assert check_workbook(cf_clinic).errors == 0


def test_sustain_says_which_sdsa_lacks_its_written_standard(capsys, cf_clinic: Path) -> None:
    """An SDSA with its Act done but no standard written is named as such, not as 'not through Act'."""
    for name in ("SDSA-1", "SDSA-2"):
        path = cf_clinic / "sdsa" / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        lines = [ln for ln in text.splitlines() if ln.startswith("  standard:")]
        if lines:
            _edit(path, lines[0], "  standard: null")
    data = json.loads(call(capsys, "ramp", "status", str(cf_clinic), "-f", "json", "--today", TODAY)[1])
    sustain = next(s for s in data["stages"] if s["id"] == "sustain")
    detail = next(c for c in sustain["criteria"] if c["id"] == "sustain.sdsa")
    assert not detail["met"]
    assert "Act is done but `standardise: standard:` is not written" in detail["detail"]
    assert "SDSA-1" in detail["detail"] and "none completed through Act" not in detail["detail"]
