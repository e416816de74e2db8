"""The git-based fidelity check: was the prediction written before the results?"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from microsys.engine import check_workbook

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

TODAY = dt.date(2026, 3, 20)
MANIFEST = "version: 1\nname: Git case\nsetting: clinic\n"
IDEAS = "ideas:\n  - id: C1\n    title: huddle\n"
PLAN = "id: PDSA-1\nchange: C1\nprediction: waits fall by a third\nplan:\n  scale: one clinic\n"
RESULTS = PLAN + "do:\n  started: 2026-03-10\n  what_happened: it went well\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def make_repo(tmp_path: Path, subfolder: str = "") -> tuple[Path, Path]:
    repo = tmp_path / "repo"
    wb = repo / subfolder if subfolder else repo
    (wb / "pdsa").mkdir(parents=True)
    (wb / "microsys.yaml").write_text(MANIFEST)
    (wb / "change-ideas.yaml").write_text(IDEAS)
    git(repo, "init", "-q")
    return repo, wb


def rules(wb: Path, git_history: bool = True) -> list[str]:
    return [d.rule for d in check_workbook(wb, today=TODAY, git=git_history).diagnostics]


@pytest.mark.parametrize("subfolder", ["", "teams/cf clinic"])
def test_prediction_committed_with_the_results_is_reported(tmp_path: Path, subfolder: str) -> None:
    repo, wb = make_repo(tmp_path, subfolder)
    (wb / "pdsa" / "PDSA-1.yaml").write_text(RESULTS)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "cycle 1")
    found = check_workbook(wb, today=TODAY).diagnostics
    assert [d.rule for d in found] == ["pdsa.prediction-after-the-fact"]
    assert found[0].line == 3  # the prediction line
    assert "together with the results" in found[0].message
    assert rules(wb, git_history=False) == []


def test_prediction_committed_before_the_test_is_fine(tmp_path: Path) -> None:
    repo, wb = make_repo(tmp_path)
    cycle = wb / "pdsa" / "PDSA-1.yaml"
    cycle.write_text(PLAN)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "plan cycle 1")
    cycle.write_text(RESULTS)
    git(repo, "commit", "-q", "-am", "results of cycle 1")
    assert rules(wb) == []


def test_prediction_added_after_the_results_is_reported(tmp_path: Path) -> None:
    repo, wb = make_repo(tmp_path)
    cycle = wb / "pdsa" / "PDSA-1.yaml"
    cycle.write_text(RESULTS.replace("prediction: waits fall by a third\n", ""))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "results without a prediction")
    cycle.write_text(RESULTS)
    assert rules(wb) == ["pdsa.prediction-after-the-fact"]  # not committed yet
    git(repo, "commit", "-q", "-am", "prediction added later")
    found = check_workbook(wb, today=TODAY).diagnostics
    assert [d.rule for d in found] == ["pdsa.prediction-after-the-fact"]
    assert "after the results" in found[0].message


def test_a_shallow_clone_is_not_judged(tmp_path: Path) -> None:
    repo, wb = make_repo(tmp_path)
    cycle = wb / "pdsa" / "PDSA-1.yaml"
    cycle.write_text(PLAN)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "plan")
    cycle.write_text(RESULTS)
    git(repo, "commit", "-q", "-am", "results")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    assert rules(clone) == []  # its only commit holds prediction and results together


def test_cycles_copied_in_from_paper_are_not_judged(tmp_path: Path) -> None:
    repo, wb = make_repo(tmp_path)
    (wb / "microsys.yaml").write_text(MANIFEST + "tracked_since: 2026-03-15\n")
    (wb / "pdsa" / "PDSA-1.yaml").write_text(RESULTS)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "copied in from the paper workbook")
    assert rules(wb) == []


def test_outside_git_there_is_no_history_check(tmp_path: Path) -> None:
    wb = tmp_path / "wb"
    (wb / "pdsa").mkdir(parents=True)
    (wb / "microsys.yaml").write_text(MANIFEST)
    (wb / "change-ideas.yaml").write_text(IDEAS)
    (wb / "pdsa" / "PDSA-1.yaml").write_text(RESULTS)
    assert rules(wb) == []


QUICK_CASES = [
    "prediction: waits fall\ndo:\n  started: 2026-03-10\n",
    "prediction: >\n  waits fall\n  by a third\nstudy:\n  results: |\n    fewer waits\n",
    "prediction: null\ndo:\n  started: null\n  what_happened: ~\nstudy:\n  results: ''\n",
    "prediction: ''  # to do\ndo:\n  what_happened: went well # said Ana\n",
    "prediction: '...'\nstudy:\n  learning: TODO\n",
    "do: {started: 2026-03-10}\nprediction: x y\n",
    "prediction: &p waits fall\n",
]
PDSA_FILES = sorted((Path(__file__).parents[2] / "examples").rglob("pdsa/*.yaml")) + sorted(
    (Path(__file__).parents[1] / "cases").rglob("pdsa/*.yaml")
)


@pytest.mark.parametrize(
    "text", QUICK_CASES + [p.read_text(encoding="utf-8") for p in PDSA_FILES if p.suffix == ".yaml"]
)
def test_the_line_reader_agrees_with_the_yaml_parser(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from microsys.workbook import githistory

    quick = githistory._quick_snapshot("c", text)
    monkeypatch.setattr(githistory, "_quick_snapshot", lambda commit, text: None)
    full = githistory.snapshot("c", text.encode("utf-8"))
    assert quick is None or quick == full


def _predictions_criterion(wb: Path) -> tuple[bool, str]:
    from microsys.ramping import status

    result = status(wb, dt.date(2026, 4, 1))
    treat = next(s for s in result.stages if s.gate == "treat")
    found = next(e for e in treat.evaluated if e.criterion.id == "treat.predictions")
    return found.outcome.ok, found.outcome.detail


def test_the_predictions_criterion_agrees_with_the_git_warning(tmp_path: Path) -> None:
    repo, wb = make_repo(tmp_path)
    (wb / "pdsa" / "PDSA-1.yaml").write_text(RESULTS)  # prediction and results in one commit
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "cycle written up afterwards")
    rules = {d.rule for d in check_workbook(wb, today=dt.date(2026, 4, 1)).diagnostics}
    assert "pdsa.prediction-after-the-fact" in rules
    ok, detail = _predictions_criterion(wb)
    assert not ok and detail == "committed with or after the results in PDSA-1"


def test_the_predictions_criterion_is_not_met_with_no_cycle(tmp_path: Path) -> None:
    _, wb = make_repo(tmp_path)
    assert _predictions_criterion(wb) == (False, "no cycle tested yet")
