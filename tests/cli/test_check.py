from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microsys.cli import app, run
from tests.conftest import EXAMPLES, NOT_SOURCE, snapshot

runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), catch_exceptions=False, env=env or {"GITHUB_ACTIONS": ""})


def test_examples_are_clean() -> None:
    # The examples' data ends in November 2026: fix the date their freshness is judged on.
    result = invoke("check", str(EXAMPLES), "--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert "checked 16 workbooks" in result.output
    assert "0 errors, 0 warnings" in result.output


def test_check_does_not_modify_the_workbook(cf_clinic: Path) -> None:
    before = snapshot(cf_clinic)
    invoke("check", str(cf_clinic))
    assert snapshot(cf_clinic) == before


def test_findings_exit_1_with_path_line_col(workbook) -> None:
    root = workbook({"change-ideas.yaml": "ideas:\n  - id: C1\n    titel: huddle\n"})
    result = invoke("check", str(root))
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"{root / 'change-ideas.yaml'}:3:5: error: unknown key `titel`")
    assert "did you mean `title`?" in result.output


def test_one_broken_file_does_not_hide_others(workbook) -> None:
    root = workbook(
        {
            "themes.yaml": "themes: [\n",
            "aims.yaml": "global_aims:\n  - id: GA1\n    thme: T1\n",
            "5ps/purpose.yaml": "statment: x\n",
        }
    )
    result = invoke("check", "--format", "json", str(root))
    rules = {(Path(d["path"]).name, d["rule"]) for d in json.loads(result.output)["diagnostics"]}
    assert ("themes.yaml", "yaml.syntax") in rules
    assert ("aims.yaml", "schema.extra-key") in rules
    assert ("purpose.yaml", "schema.extra-key") in rules


def test_json_format_is_versioned_and_complete(workbook) -> None:
    root = workbook({"5ps/purpose.yaml": "statement: ok\nwritten_with_patients: maybe\n"})
    result = invoke("check", "-f", "json", str(root))
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["version"] == 1
    assert doc["summary"] == {
        "workbooks": 1,
        "files": 2,
        "errors": 1,
        "warnings": 0,
        "strict": False,
        "failed": True,
    }
    (d,) = doc["diagnostics"]
    assert d["line"] == 2 and d["col"] == 24
    assert d["yaml_path"] == "$.written_with_patients"
    assert d["rule"] == "schema.type" and d["severity"] == "error"
    assert set(d) == {"workbook", "path", "line", "col", "severity", "rule", "yaml_path", "message", "hint"}


def test_github_format_is_chosen_automatically(workbook) -> None:
    root = workbook({"5ps/purpose.yaml": "statment: x\n"})
    result = invoke("check", str(root), env={"GITHUB_ACTIONS": "true"})
    line = result.output.splitlines()[0]
    assert line.startswith("::error file=")
    assert ",line=1,col=1,title=schema.extra-key::unknown key `statment`" in line


def test_github_escapes_properties_and_data(tmp_path: Path) -> None:
    import io

    from microsys.diagnostics import Diagnostic
    from microsys.engine import CheckResult, WorkbookResult
    from microsys.reporters.github import report

    d = Diagnostic(path=Path("a,b:c/x.yaml"), rule="schema.type", message="50% of\nlines", line=2, col=3)
    result = CheckResult(workbooks=(WorkbookResult(Path("."), None, 1, (d,)),))
    out = io.StringIO()
    report(result, out, False)
    first = out.getvalue().splitlines()[0]
    assert first == "::error file=a%2Cb%3Ac/x.yaml,line=2,col=3,title=schema.type::50%25 of%0Alines"


def test_warnings_pass_unless_strict(workbook) -> None:
    root = workbook({"notes.txt": "scratch\n"})
    assert invoke("check", str(root)).exit_code == 0
    strict = invoke("check", "--strict", str(root))
    assert strict.exit_code == 1
    assert "--strict" in strict.output


def test_a_file_path_checks_its_workbook(cf_clinic: Path) -> None:
    result = invoke("check", str(cf_clinic / "pdsa" / "PDSA-1.yaml"))
    assert result.exit_code == 0
    assert "Adult Cystic Fibrosis" in result.output


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert run(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no workbook found" in err and "microsys init" in err
    assert run(["check", "--format", "xml", str(tmp_path)]) == 2
    assert run(["check", "--max-file-size", "lots", str(tmp_path)]) == 2


def test_max_file_size_option(workbook) -> None:
    root = workbook({"5ps/purpose.yaml": "statement: " + "x" * 3000 + "\n"})
    result = invoke("check", "--max-file-size", "1KB", str(root))
    assert result.exit_code == 1 and "file.too-large" in result.output


def test_no_color_and_plain_output(workbook) -> None:
    root = workbook({"5ps/purpose.yaml": "statment: x\n"})
    result = invoke("check", str(root), env={"NO_COLOR": "1", "GITHUB_ACTIONS": ""})
    assert "\x1b[" not in result.output


def test_internal_errors_are_reported_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cf_clinic: Path
) -> None:
    import microsys.engine

    def boom(*args, **kwargs):
        raise RuntimeError("simulated")

    monkeypatch.setattr(microsys.engine, "check_workbook", boom)
    monkeypatch.delenv("MICROSYS_DEBUG", raising=False)
    assert run(["check", str(cf_clinic)]) == 3
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" not in err


def test_parallel_check_gives_the_same_result(tmp_path: Path) -> None:
    import shutil

    for i in range(3):
        shutil.copytree(EXAMPLES / "millbrook-surgery", tmp_path / f"wb{i}", ignore=NOT_SOURCE)
    (tmp_path / "wb1" / "themes.yaml").write_text("themes: [\n")
    serial = invoke("check", "-j", "1", "-f", "json", str(tmp_path))
    parallel = invoke("check", "-j", "2", "-f", "json", str(tmp_path))
    assert serial.exit_code == parallel.exit_code == 1
    assert json.loads(serial.output) == json.loads(parallel.output)


def test_version() -> None:
    from microsys import __version__

    result = invoke("--version")
    assert result.output.strip() == f"microsys {__version__}"
