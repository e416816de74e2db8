from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microsys.cli import app, run
from microsys.engine import check_workbook
from tests.conftest import snapshot

runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def test_init_no_input_creates_a_workbook_that_passes_check(tmp_path: Path) -> None:
    target = tmp_path / "ward-7"
    result = invoke(
        "init",
        str(target),
        "--no-input",
        "--name",
        "Ward 7: acute medicine",
        "--setting",
        "ward",
        "--organisation",
        "St Elsewhere's #1 Hospital",
        "--member",
        "Ana Silva, ward sister",
        "--patient",
        "Sam Lee, carer",
        "--coach",
        "Jo Brown",
    )
    assert result.exit_code == 0, result.output
    assert check_workbook(target).diagnostics == ()
    manifest = (target / "microsys.yaml").read_text()
    assert 'name: "Ward 7: acute medicine"' in manifest
    assert "patient_or_family: true" in manifest
    for rel in ("README.md", ".gitignore", "5ps/purpose.yaml", "ramp.yaml", "pdsa/README.md"):
        assert (target / rel).is_file(), rel
    assert "build/" in (target / ".gitignore").read_text()


def test_every_scaffold_file_teaches_with_comments(tmp_path: Path) -> None:
    invoke("init", str(tmp_path / "x"), "--no-input")
    for p in (tmp_path / "x").rglob("*.yaml"):
        assert p.read_text().lstrip().startswith("#"), p


def test_hostile_names_are_written_safely(tmp_path: Path) -> None:
    from microsys.workbook.loader import load_workbook

    name = 'O\'Brien: "quotes" # not a comment & {braces} [x] *star !tag'
    invoke("init", str(tmp_path / "x"), "--no-input", "--name", name, "--member", f"{name}, nurse")
    wb = load_workbook(tmp_path / "x")
    assert wb.diagnostics == []
    assert wb.manifest is not None and wb.manifest.name == name
    assert wb.manifest.lead_team[0].name == name


def test_init_refuses_a_non_empty_folder_and_changes_nothing(
    cf_clinic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(cf_clinic)
    assert run(["init", str(cf_clinic), "--no-input"]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert snapshot(cf_clinic) == before


def test_init_accepts_a_fresh_git_repository(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert invoke("init", str(tmp_path / "repo"), "--no-input").exit_code == 0


def test_a_failure_mid_write_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_replace = os.replace
    calls = {"n": 0}

    def failing_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    target = tmp_path / "new"
    assert run(["init", str(target), "--no-input"]) == 1
    assert "the disk is full" in capsys.readouterr().err
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_interactive_prompts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import microsys.cli.init as init_cli

    monkeypatch.setattr(init_cli, "interactive", lambda: True)
    answers = (
        "\n".join(
            [
                "Riverside Practice",
                "practice",
                "Valley PCN",
                "Ana Silva, GP",
                "Ben Ode, receptionist",
                "",
                "Sam Lee",
                "",
                "Jo Brown",
            ]
        )
        + "\n"
    )
    result = invoke("init", str(tmp_path / "rp"), input=answers)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "rp" / "microsys.yaml").read_text()
    assert "name: Riverside Practice" in text and "setting: practice" in text
    assert "role: receptionist" in text and "role: patient partner" in text
    assert "name: Jo Brown" in text


def test_bad_answers_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["init", str(tmp_path / "a"), "--no-input", "--setting", "hospital"]) == 2
    assert "not a known setting" in capsys.readouterr().err
    assert run(["init", str(tmp_path / "b"), "--no-input", "--member", "Ana"]) == 2
    assert "has no role" in capsys.readouterr().err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
