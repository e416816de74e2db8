"""``microsys measure remove``: a measure and its data go together, never while something names them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import microsys.cli.common as common
from microsys import storage
from tests.conftest import call, snapshot

TODAY = "2026-12-08"


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True)
    return done.stdout


def _committed(root: Path) -> Path:
    _git(root, "init", "-q")
    _git(root, "-c", "user.name=Ward 7", "-c", "user.email=w7@example.org", "add", "-A")
    _git(root, "-c", "user.name=Ward 7", "-c", "user.email=w7@example.org", "commit", "-qm", "workbook")
    return root


def _old_wait(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    """A measure with a CSV of three values that nothing names (a measure the team dropped)."""
    code, _, err = call(
        capsys,
        "new",
        "measure",
        str(root),
        "--id",
        "old-wait",
        "--name",
        "Old wait",
        "--unit",
        "minutes",
        "--csv",
        "--description",
        "minutes from arrival",
        "--data-source",
        "reception log",
    )
    assert code == 0, err
    for day, value in (("2026-11-02", "31"), ("2026-11-09", "29"), ("2026-11-16", "33")):
        assert call(capsys, "measure", "add", str(root), "old-wait", day, value, "--today", TODAY)[0] == 0


def test_a_measure_anything_names_is_not_removed_and_each_place_is_listed(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path
) -> None:
    before = snapshot(cf_clinic)
    code, _, err = call(capsys, "measure", "remove", str(cf_clinic), "clinic-wait", "--yes", "--force")
    assert code == 1
    assert "place(s) name the measure `clinic-wait`, so it was not removed" in err
    for place in (
        "aims.yaml:19:14: `specific_aims` > item 1 > `measure`",
        "pdsa/PDSA-1.yaml:11:12: `measures` > item 1",
        "sdsa/SDSA-1.yaml:5:12: `measures` > item 1",
        "playbook/cf-clinic-day.yaml:39:12: `measures` > item 1",
        "5ps/patterns.yaml:25:14: `visible_metrics` > item",
    ):
        assert place in err, place
    assert "Traceback" not in err and snapshot(cf_clinic) == before


def test_a_committed_measure_is_removed_with_its_data_and_git_gives_it_back(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path
) -> None:
    _old_wait(capsys, cf_clinic)
    _committed(cf_clinic)
    before = snapshot(cf_clinic)
    code, out, err = call(capsys, "measure", "remove", str(cf_clinic), "old-wait", "--yes")
    assert code == 0, err
    assert "Removed old-wait" in out
    assert not (cf_clinic / "measures" / "old-wait.yaml").exists()
    assert not (cf_clinic / "measures" / "old-wait.csv").exists()
    assert call(capsys, "check", str(cf_clinic), "--no-git", "--today", TODAY)[0] == 0
    # The printed line is the undo.
    undo = next(line for line in out.splitlines() if line.startswith("To get it back: "))
    subprocess.run(undo.removeprefix("To get it back: "), shell=True, check=True, capture_output=True)
    after = snapshot(cf_clinic)
    assert {k: v for k, v in after.items() if not k.startswith(".git/")} == {
        k: v for k, v in before.items() if not k.startswith(".git/")
    }


def test_files_git_could_not_give_back_are_refused_unless_forced(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path
) -> None:
    _old_wait(capsys, cf_clinic)
    before = snapshot(cf_clinic)
    code, _, err = call(capsys, "measure", "remove", str(cf_clinic), "old-wait", "--yes")
    assert code == 1 and "is not kept in git" in err and "--force" in err
    _committed(cf_clinic)
    assert (
        call(capsys, "measure", "add", str(cf_clinic), "old-wait", "2026-11-23", "30", "--today", TODAY)[0]
        == 0
    )
    before = snapshot(cf_clinic)
    code, _, err = call(capsys, "measure", "remove", str(cf_clinic), "old-wait", "--yes")
    assert code == 1 and "old-wait.csv: not committed to git" in err
    assert snapshot(cf_clinic) == before
    code, out, err = call(capsys, "measure", "remove", str(cf_clinic), "old-wait", "--yes", "--force")
    assert code == 0, err
    assert "To get it back" not in out and not (cf_clinic / "measures" / "old-wait.csv").exists()


def test_values_are_deleted_only_when_the_team_says_yes(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _old_wait(capsys, cf_clinic)
    before = snapshot(cf_clinic)
    code, _, err = call(capsys, "measure", "remove", str(cf_clinic), "old-wait", "--force")
    assert code == 1 and "deletes its 3 value(s); nothing was removed" in err and "--yes" in err
    assert snapshot(cf_clinic) == before
    from typer.testing import CliRunner

    from microsys.cli import app

    monkeypatch.setattr(common, "interactive", lambda: True)
    no = CliRunner().invoke(app, ["measure", "remove", str(cf_clinic), "old-wait", "--force"], input="n\n")
    assert no.exit_code == 1 and "delete its 3 value(s)" in no.output
    assert snapshot(cf_clinic) == before
    yes = CliRunner().invoke(app, ["measure", "remove", str(cf_clinic), "old-wait", "--force"], input="y\n")
    assert yes.exit_code == 0, yes.output
    assert not (cf_clinic / "measures" / "old-wait.yaml").exists()


def test_a_measure_without_values_needs_no_question_and_an_unknown_one_gets_a_hint(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = call(capsys, "measure", "remove", str(cf_clinic), "clinic-wiat", "--force")
    assert code == 2 and "did you mean `clinic-wait`?" in err
    code, _, err = call(
        capsys, "new", "measure", str(cf_clinic), "--id", "spare", "--name", "Spare", "--unit", "beds"
    )
    assert code == 0, err
    monkeypatch.chdir(cf_clinic / "measures")  # inside the workbook, as with git
    code, out, err = call(capsys, "measure", "remove", "spare", "--force")
    assert code == 0, err
    assert "Removed spare" in out and not (cf_clinic / "measures" / "spare.yaml").exists()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
@pytest.mark.parametrize("point", ["journal-written", "renamed-1", "renamed-2"])
def test_a_killed_removal_is_put_back_by_the_next_writing_command(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, point: str
) -> None:
    _old_wait(capsys, cf_clinic)
    before = snapshot(cf_clinic)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "microsys",
            "measure",
            "remove",
            str(cf_clinic),
            "old-wait",
            "--yes",
            "--force",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, storage.CRASH_ENV: point},
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL
    assert len(storage.journals(cf_clinic)) == 1
    code, _, err = call(capsys, "new", "change", str(cf_clinic), "--title", "after the crash")
    assert code == 0, err
    if point.startswith("renamed"):
        assert "stopped half-way; put back" in err and "measures/old-wait.yaml" in err
    after = snapshot(cf_clinic)
    assert {k for k in after if after.get(k) != before.get(k)} == {"change-ideas.yaml"}


def test_a_pathways_hand_offs_are_references_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import shutil

    from tests.conftest import EXAMPLES, NOT_SOURCE

    root = tmp_path / "sepsis"
    shutil.copytree(EXAMPLES / "sepsis-big-room" / "pathway", root, ignore=NOT_SOURCE)
    code, _, err = call(capsys, "measure", "remove", str(root), "antibiotics-within-hour", "--yes", "--force")
    assert code == 1
    assert "pathway.yaml:24:16: `hand_offs` > item 1 > `measures` > item 1" in err
