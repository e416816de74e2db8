"""What a workbook repository's CI uses: the pre-commit hook, `init --ci`, the workflow
it writes and the composite GitHub Action.

The workflow and the action are run through their `run:` steps, as the runner would run
them, in a clean virtual environment. The one difference from a real runner: the package
index is replaced by this test environment's site-packages (visible to the clean venv
through a `.pth` line, with `PIP_NO_INDEX` set), so microsys's dependencies are found
without a network while microsys itself is built and installed from source as the step says.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from microsys.cli import run
from tests.conftest import EXAMPLES, NOT_SOURCE, ROOT

MANIFEST = ROOT / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent


def _yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo, check=True, capture_output=True,
    )  # fmt: skip


def _pre_commit(repo: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GITHUB_ACTIONS": ""}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        [str(BIN / "pre-commit"), *args], cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )


def test_hook_manifest_is_valid_for_pre_commit() -> None:
    from pre_commit.clientlib import load_manifest

    (hook,) = load_manifest(str(MANIFEST))
    assert hook["id"] == "microsys-check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert "--skip-outside" in hook["entry"]


@pytest.fixture
def hook_repo(tmp_path: Path) -> Path:
    """A git repository holding two workbooks: `clinic` is clean, `broken` has an error."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(EXAMPLES / "millbrook-surgery", repo / "clinic", ignore=NOT_SOURCE)
    shutil.copytree(EXAMPLES / "millbrook-surgery", repo / "broken", ignore=NOT_SOURCE)
    themes = repo / "broken" / "themes.yaml"
    themes.write_text(themes.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    # The hook as the manifest defines it, run by pre-commit with the microsys of this
    # environment (`language: system`) instead of an environment of its own.
    hook = dict(_yaml(MANIFEST)[0], language="system")
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    with (repo / ".pre-commit-config.yaml").open("w", encoding="utf-8") as f:
        YAML(typ="safe").dump(config, f)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "two workbooks")
    return repo


def test_hook_checks_only_the_workbooks_whose_files_changed(hook_repo: Path, tmp_path: Path) -> None:
    # A change in the clean workbook, and a YAML file that belongs to no workbook.
    purpose = hook_repo / "clinic" / "5ps" / "purpose.yaml"
    purpose.write_text(purpose.read_text(encoding="utf-8") + "# reviewed in March\n", encoding="utf-8")
    (hook_repo / "notes.yaml").write_text("anything: goes\n", encoding="utf-8")
    _git(hook_repo, "add", ".")
    done = _pre_commit(hook_repo, tmp_path, "run")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "microsys check" in done.stdout and "Passed" in done.stdout
    _git(hook_repo, "commit", "-qm", "purpose reviewed")
    # Now the broken workbook has a staged change: its finding stops the commit.
    agenda = hook_repo / "broken" / "change-ideas.yaml"
    agenda.write_text(agenda.read_text(encoding="utf-8") + "# idea board\n", encoding="utf-8")
    _git(hook_repo, "add", ".")
    done = _pre_commit(hook_repo, tmp_path, "run")
    assert done.returncode == 1
    assert "Failed" in done.stdout
    assert "broken/themes.yaml" in done.stdout and "unknown key `colour`" in done.stdout
    assert "clinic" not in done.stdout.split("Failed", 1)[1]  # only the workbook that changed


@pytest.mark.skipif(
    not os.environ.get("MICROSYS_SLOW_TESTS"),
    reason="pre-commit try-repo builds the hook's own environment: it installs microsys and its "
    "dependencies from the package index (about 90 s); set MICROSYS_SLOW_TESTS=1 to run it",
)
def test_pre_commit_try_repo_installs_and_runs_the_hook(hook_repo: Path, tmp_path: Path) -> None:
    done = _pre_commit(hook_repo, tmp_path, "try-repo", str(ROOT), "microsys-check", "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "unknown key `colour`" in done.stdout


def _clean_venv(where: Path) -> dict[str, str]:
    """A new venv whose pip finds the dependencies here instead of on the package index."""
    # Without ensurepip (seconds saved): pip itself comes from here through the `.pth` line and
    # installs into the clean venv, whose sys.prefix it is run from.
    venv.create(where, with_pip=False, symlinks=True)
    python = where / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # A plain path line: the dependencies become importable, the editable microsys does not.
    Path(purelib, "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = f"{where / 'bin'}{os.pathsep}/usr/bin{os.pathsep}/bin"
    # No index; and build in this environment, where hatchling is installed already.
    env.update(PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def _source_copy(dest: Path) -> Path:
    """What `actions/checkout` of the microsys repository leaves: its committed source."""
    for name in ("src", "templates"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "action.yml"):
        shutil.copy2(ROOT / name, dest / name)
    return dest


def _run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_init_ci_github_writes_a_workflow_whose_steps_run(tmp_path: Path, capsys) -> None:
    repo = tmp_path / "team"
    assert run(["init", str(repo), "--no-input", "--name", "Team clinic", "--ci", "github"]) == 0
    capsys.readouterr()
    written = (".editorconfig", ".gitattributes", ".pre-commit-config.yaml", ".github/workflows/microsys.yml")
    for rel in written:
        assert (repo / rel).is_file(), rel
    workflow = _yaml(repo / ".github" / "workflows" / "microsys.yml")
    steps = workflow["jobs"]["check"]["steps"]
    checkout = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout")]
    assert checkout[0]["with"]["fetch-depth"] == 0
    source = checkout[1]["with"]["path"]
    _source_copy(repo / source)  # what the second checkout step fetches
    env = _clean_venv(tmp_path / "venv")
    env["GITHUB_ACTIONS"] = "true"
    scripts = [s["run"] for s in steps if "run" in s]
    assert scripts[0] == f"python -m pip install ./{source}"
    for script in scripts:
        done = _run_step(script, repo, env)
        assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
    # The installed microsys is the clean venv's own copy, not this environment's.
    where = subprocess.run(
        ["python", "-c", "import microsys; print(microsys.__file__)"], env=env, capture_output=True, text=True
    ).stdout
    assert where.startswith(str(tmp_path / "venv"))
    assert (repo / "microsys-junit.xml").is_file()
    # A mistake in the workbook fails the check step with an annotation on the line.
    (repo / "themes.yaml").write_text("themes: []\ncolour: blue\n", encoding="utf-8")
    check = next(s for s in scripts if s.startswith("microsys check"))
    done = _run_step(check, repo, env)
    assert done.returncode == 1
    assert "::error file=themes.yaml,line=2,col=1" in done.stdout
    # Schemas from another version of microsys fail their step.
    (repo / ".microsys-schemas" / "pdsa.schema.json").write_text("{}\n", encoding="utf-8")
    done = _run_step("microsys schema --check .", repo, env)
    assert done.returncode == 1 and "pdsa.schema.json" in done.stderr
    assert "microsys schema --check ." in scripts


def test_action_steps_install_from_the_action_and_check(tmp_path: Path, workbook) -> None:
    action = _yaml(ROOT / "action.yml")
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    shell_steps = {s["name"]: s for s in steps if "run" in s}
    install = shell_steps["Install microsys from the action's checkout"]["run"]
    assert install == 'python -m pip install "$GITHUB_ACTION_PATH"'
    root = workbook({"themes.yaml": "themes: []\ncolour: blue\n"})
    env = _clean_venv(tmp_path / "venv")
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs.update(path=str(root), strict="true")
    output = tmp_path / "github-output"
    env.update(
        GITHUB_ACTION_PATH=str(_source_copy(tmp_path / "action")),
        GITHUB_OUTPUT=str(output),
        GITHUB_ACTIONS="true",
    )
    done = _run_step(install, tmp_path, env)
    assert done.returncode == 0, done.stderr
    check = shell_steps["Check"]
    step_env = dict(env)
    for key, value in check["env"].items():
        # Inputs as the runner would expand them; other expressions are given plain values.
        for name, given in inputs.items():
            value = value.replace("${{ inputs." + name + " }}", given)
        value = value.replace("${{ runner.temp }}", str(tmp_path))
        step_env[key] = value.replace("${{ github.server_url }}/${{ github.action_repository }}", "https://x")
    done = _run_step(check["run"], tmp_path, step_env)
    assert done.returncode == 0, done.stderr  # the step records the exit code; a later one fails
    assert "::error file=" in done.stdout and "unknown key `colour`" in done.stdout
    assert output.read_text() == "exit-code=1\n"
    sarif = (tmp_path / "microsys.sarif").read_text(encoding="utf-8")
    assert '"ruleId": "schema.extra-key"' in sarif
    assert '"helpUri": "https://x/blob/' in sarif
    fail = shell_steps["Fail when the check failed"]["run"]
    assert _run_step(fail, tmp_path, {**env, "MICROSYS_EXIT": "1"}).returncode == 1
    assert _run_step(fail, tmp_path, {**env, "MICROSYS_EXIT": "0"}).returncode == 0


def test_init_ci_gitlab_reports_match_the_files_check_writes(tmp_path: Path, capsys) -> None:
    repo = tmp_path / "team"
    assert run(["init", str(repo), "--no-input", "--ci", "gitlab"]) == 0
    job = _yaml(repo / ".gitlab-ci.yml")["workbook"]
    command = job["script"][-1]
    reports = job["artifacts"]["reports"]
    assert f"--format junit --output-file {reports['junit']}" in command
    assert f"--format gitlab --output-file {reports['codequality']}" in command
    assert job["artifacts"]["when"] == "always"
    assert not (repo / ".github").exists()


def test_init_ci_none_writes_editor_and_git_settings_only(tmp_path: Path, capsys) -> None:
    repo = tmp_path / "team"
    assert run(["init", str(repo), "--no-input"]) == 0
    assert not (repo / ".github").exists() and not (repo / ".gitlab-ci.yml").exists()
    assert "indent_style = space" in (repo / ".editorconfig").read_text(encoding="utf-8")
    assert "*.csv text eol=lf" in (repo / ".gitattributes").read_text(encoding="utf-8")
    # The repository's pre-commit hook is the one this project publishes, run from the installed microsys.
    (local,) = _yaml(repo / ".pre-commit-config.yaml")["repos"][0]["hooks"]
    (published,) = _yaml(MANIFEST)
    for key in ("id", "entry", "files"):
        assert local[key] == published[key]


def test_init_refuses_an_unknown_ci_before_writing(tmp_path: Path, capsys) -> None:
    assert run(["init", str(tmp_path / "team"), "--no-input", "--ci", "jenkins"]) == 2
    assert "use github, gitlab or none" in capsys.readouterr().err
    assert not (tmp_path / "team").exists()
