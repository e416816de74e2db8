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
    assert "is already a workbook" in capsys.readouterr().err
    assert snapshot(cf_clinic) == before


def test_init_refuses_a_folder_with_other_content_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("ours\n")
    (tmp_path / "README.md").write_text("# ours\n")
    before = snapshot(tmp_path)
    assert run(["init", str(tmp_path), "--no-input"]) == 2
    err = capsys.readouterr().err
    assert "is not empty (it holds notes.txt)" in err and "README" not in err.split("hint")[0]
    assert snapshot(tmp_path) == before


def test_init_in_a_repository_keeps_its_readme_licence_and_gitignore(tmp_path: Path) -> None:
    repo = tmp_path / "our ward"
    (repo / ".git").mkdir(parents=True)
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / "README.md").write_text("# Ward 7's repository\n", encoding="utf-8")
    (repo / "LICENCE").write_text("Crown copyright\n", encoding="utf-8")
    (repo / ".gitignore").write_bytes(b"*.pyc\nbuild/")  # no final newline
    result = invoke("init", str(repo), "--no-input")
    assert result.exit_code == 0, result.output
    assert (repo / "README.md").read_text(encoding="utf-8") == "# Ward 7's repository\n"
    assert (repo / "LICENCE").read_text(encoding="utf-8") == "Crown copyright\n"
    assert "improvement workbook" in (repo / "WORKBOOK.md").read_text(encoding="utf-8")
    ignore = (repo / ".gitignore").read_text(encoding="utf-8")
    assert ignore.startswith("*.pyc\nbuild/\n") and ignore.count("build/") == 1 and ".microsys/" in ignore
    assert "kept your README.md" in result.output and "added .microsys/" in result.output
    assert f"microsys check '{repo}'" in result.output  # the next step can be pasted into a shell
    assert check_workbook(repo).diagnostics == ()


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
                "",  # no care pathway
                "Ana Silva, GP",
                "Ben Ode, receptionist",
                "",
                "Sam Lee",
                "",
                "ana silva",  # the lead, in any case
                "Dr A Khan, clinical director",
                "Jo Brown",
                "fortnightly",
            ]
        )
        + "\n"
    )
    result = invoke("init", str(tmp_path / "rp"), input=answers)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "rp" / "microsys.yaml").read_text()
    assert "name: Riverside Practice" in text and "setting: practice" in text
    assert "role: receptionist" in text and "role: patient partner" in text
    assert "  - name: Ana Silva\n    role: GP\n    lead: true\n" in text
    assert "sponsor: Dr A Khan, clinical director" in text
    assert "name: Jo Brown" in text and "frequency: fortnightly" in text
    assert check_workbook(tmp_path / "rp").diagnostics == ()


def test_interactive_init_asks_again_after_a_wrong_answer_and_keeps_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import microsys.cli.init as init_cli

    monkeypatch.setattr(init_cli, "interactive", lambda: True)
    answers = [
        "Ward 7",
        "hospital",  # not a setting: asked again
        "Ward",  # case does not matter
        "St Elsewhere",
        "Acute medicine pathway",
        "Ana Silva",  # no role: asked again, the member before is kept
        "Ana Silva - ward sister",  # a dash reads as the comma
        "Ben Ode, healthcare assistant",
        "",
        "",
        "Jo",  # not on the team: asked again
        "Ben Ode",
        "",
        "",
        "every week",  # not a cadence: asked again
        "Weekly",
    ]
    result = invoke("init", str(tmp_path / "w7"), input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "`hospital` is not a known setting (did you mean `hospice`? " not in result.output
    assert "`hospital` is not a known setting" in result.output
    assert "`Ana Silva` has no role" in result.output
    assert "`Jo` is not on the lead team (name one of: Ana Silva, Ben Ode)" in result.output
    assert "`every week` is not a meeting cadence" in result.output
    text = (tmp_path / "w7" / "microsys.yaml").read_text()
    assert "setting: ward" in text and "mesosystem: Acute medicine pathway" in text
    assert "  - name: Ana Silva\n    role: ward sister\n" in text
    assert "  - name: Ben Ode\n    role: healthcare assistant\n    lead: true\n" in text
    assert "frequency: weekly" in text
    assert check_workbook(tmp_path / "w7").diagnostics == ()


def test_no_input_takes_lead_and_sponsor_flags(tmp_path: Path) -> None:
    result = invoke(
        "init",
        str(tmp_path / "x"),
        "--no-input",
        "--member",
        "Ana Silva, nurse",
        "--lead",
        "Ana Silva",
        "--sponsor",
        "Dr A Khan",
        "--setting",
        "CLINIC",
        "--cadence",
        "Monthly",
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "x" / "microsys.yaml").read_text()
    assert "lead: true" in text and "sponsor: Dr A Khan" in text and "frequency: monthly" in text
    assert "setting: clinic" in text


def test_bad_answers_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["init", str(tmp_path / "a"), "--no-input", "--setting", "hospital"]) == 2
    assert "not a known setting" in capsys.readouterr().err
    assert run(["init", str(tmp_path / "b"), "--no-input", "--member", "Ana"]) == 2
    assert "has no role" in capsys.readouterr().err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_init_keeps_a_repositorys_own_dotfiles(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".editorconfig").write_text("root = true\n", encoding="utf-8")
    (repo / ".gitattributes").write_text("* text=auto\n", encoding="utf-8")
    result = invoke("init", str(repo), "--no-input")
    assert result.exit_code == 0, result.output
    assert (repo / ".editorconfig").read_text(encoding="utf-8") == "root = true\n"
    assert (repo / ".gitattributes").read_text(encoding="utf-8") == "* text=auto\n"
    assert "kept your .editorconfig" in result.output and "kept your .gitattributes" in result.output
    assert check_workbook(repo).diagnostics == ()
