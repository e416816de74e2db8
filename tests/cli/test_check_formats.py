"""Machine formats of `check` (SARIF, JUnit, GitLab Code Quality) and `--output-file`.

SARIF is validated against the official OASIS SARIF 2.1.0 schema (errata 01) and JUnit
against the Jenkins xUnit `junit-10.xsd`, both shipped in tests/schemas/. Golden files
in tests/golden/check/ hold each format for every invalid case and every example; run
with MICROSYS_UPDATE_GOLDEN=1 to rewrite them after reviewing the output.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from typer.testing import CliRunner

from microsys.cli import app
from microsys.rules import RULES
from tests.conftest import CASES, EXAMPLES, ROOT, call, snapshot

runner = CliRunner()
SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "check"
INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())
EXAMPLE_DIRS = sorted(p for p in EXAMPLES.iterdir() if (p / "microsys.yaml").is_file())
# Every case with the date its freshness is judged on (the examples' data ends in November 2026).
SUBJECTS = [(p.relative_to(ROOT), "2026-01-12") for p in INVALID] + [
    (p.relative_to(ROOT), "2026-11-22") for p in EXAMPLE_DIRS
]
IDS = [str(p.parent.name if p.name == "workbook" else p.name) for p, _ in SUBJECTS]
# The name given on the command line: a case's folder is `<case>/workbook`.
SUBJECTS = [(p / "workbook" if (ROOT / p / "workbook").is_dir() else p, day) for p, day in SUBJECTS]


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


def invoke(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), catch_exceptions=False, env={"GITHUB_ACTIONS": "", **(env or {})})


FORMATS = ("json", "sarif", "junit", "gitlab")


@functools.cache
def _all_formats(target: Path, today: str) -> dict[str, str]:
    """Every format's output for one case, from one check writing them all (``--output-file``)."""
    cwd = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        files = {fmt: Path(tmp) / f"check.{fmt}" for fmt in FORMATS}
        argv = ["check", str(target), "--today", today, "--no-git"]
        for fmt, path in files.items():
            argv += ["--format", fmt, "--output-file", str(path)]
        os.chdir(ROOT)  # relative paths in the output, the same on every machine
        try:
            result = invoke(*argv)
        finally:
            os.chdir(cwd)
        assert result.exit_code in (0, 1), result.output
        return {fmt: path.read_text(encoding="utf-8") for fmt, path in files.items()}


def run_format(target: Path, fmt: str, today: str) -> str:
    """The output of one format for one case (each case is checked once for all the formats)."""
    return _all_formats(target, today)[fmt]


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("MICROSYS_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} differs from the golden file"


def _json_findings(target: Path, today: str) -> list[dict[str, Any]]:
    doc = json.loads(run_format(target, "json", today))
    return list(doc["diagnostics"])


@pytest.mark.parametrize(("target", "today"), SUBJECTS, ids=IDS)
def test_sarif_is_valid_and_matches_the_findings(
    target: Path, today: str, sarif_validator: jsonschema.Draft4Validator
) -> None:
    log = json.loads(run_format(target, "sarif", today))
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert errors == [], errors[0].message if errors else ""
    run = log["runs"][0]
    findings = _json_findings(target, today)
    assert len(run["results"]) == len(findings)
    rules = run["tool"]["driver"]["rules"]
    for res, finding in zip(run["results"], findings, strict=True):
        assert res["ruleId"] == finding["rule"]
        assert rules[res["ruleIndex"]]["id"] == finding["rule"]
        assert res["level"] == finding["severity"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == finding["path"]
        if finding["line"]:
            assert loc["region"] == {"startLine": finding["line"], "startColumn": finding["col"]}
        else:
            assert "region" not in loc
        assert res["message"]["text"].startswith(finding["message"])
    # Rule indexes move when rules are added to the catalogue: checked above, not kept in the golden file.
    results = [{k: v for k, v in res.items() if k != "ruleIndex"} for res in run["results"]]
    _golden(f"{IDS[SUBJECTS.index((target, today))]}.sarif.json", json.dumps(results, indent=2) + "\n")


@pytest.mark.parametrize(("target", "today"), SUBJECTS, ids=IDS)
def test_junit_is_valid_with_a_case_per_file_and_a_failure_per_error(
    target: Path, today: str, junit_schema: xmlschema.XMLSchema
) -> None:
    text = run_format(target, "junit", today)
    junit_schema.validate(text)
    root = ET.fromstring(text)
    summary = json.loads(run_format(target, "json", today))
    cases = root.findall("./testsuite/testcase")
    names = {c.get("name") for c in cases}
    assert len(cases) == len(names) >= summary["summary"]["files"]
    failures = root.findall("./testsuite/testcase/failure")
    assert len(failures) == summary["summary"]["errors"] == int(root.get("failures", "-1"))
    for finding in summary["diagnostics"]:
        rel = Path(finding["path"]).relative_to(finding["workbook"]).as_posix()
        assert rel in names
    _golden(f"{IDS[SUBJECTS.index((target, today))]}.junit.xml", text)


@pytest.mark.parametrize(("target", "today"), SUBJECTS, ids=IDS)
def test_gitlab_code_quality(target: Path, today: str) -> None:
    issues = json.loads(run_format(target, "gitlab", today))
    findings = _json_findings(target, today)
    assert len(issues) == len(findings)
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    for issue, finding in zip(issues, findings, strict=True):
        assert issue["check_name"] == finding["rule"]
        assert issue["description"].startswith(finding["message"])
        assert issue["severity"] == {"error": "major", "warning": "minor"}[finding["severity"]]
        assert issue["location"] == {"path": finding["path"], "lines": {"begin": finding["line"] or 1}}
    _golden(f"{IDS[SUBJECTS.index((target, today))]}.gitlab.json", json.dumps(issues, indent=2) + "\n")


def test_sarif_lists_every_rule_with_its_level_and_help_link() -> None:
    url = "https://example.org/microsys/docs/rules.md"
    log = json.loads(run_format(CASES / "invalid" / "dates" / "workbook", "sarif", "2026-01-12"))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]
    assert all("helpUri" not in r for r in rules)  # no address known: no made-up link
    result = invoke(
        "check", str(CASES / "invalid" / "dates" / "workbook"), "-f", "sarif", "--no-git",
        env={"MICROSYS_RULES_URL": url},
    )  # fmt: skip
    rules = json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]
    for rule, entry in zip(RULES, rules, strict=True):
        assert entry["helpUri"] == f"{url}#{rule.id}"
        assert entry["defaultConfiguration"]["level"] == rule.severity
        assert entry["shortDescription"]["text"] == rule.summary
    # Every anchor the links use exists in the rules page.
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert all(f'<a id="{rule.id}"></a>' in page for rule in RULES)


def test_junit_warnings_fail_only_under_strict(workbook, junit_schema: xmlschema.XMLSchema) -> None:
    root = workbook({"meetings/2026-03-04.yaml": "date: 2026-03-05\n"})
    plain = ET.fromstring(invoke("check", str(root), "-f", "junit", "--no-git").stdout)
    assert plain.findall(".//failure") == []
    assert "meeting.file-name" in plain.findtext(".//system-out", "")
    strict_text = invoke("check", str(root), "-f", "junit", "--no-git", "--strict").stdout
    junit_schema.validate(strict_text)
    strict = ET.fromstring(strict_text)
    assert [f.get("type") for f in strict.findall(".//failure")] == ["meeting.file-name"]


def test_junit_carries_control_characters_as_visible_escapes(workbook, junit_schema) -> None:
    root = workbook({"change-ideas.yaml": 'ideas:\n  - id: C1\n    "ti\\x07tel": huddle\n'})
    text = invoke("check", str(root), "-f", "junit", "--no-git").stdout
    junit_schema.validate(text)
    assert "\x07" not in text
    assert "ti\\x07tel" in text


def test_gitlab_fingerprint_survives_lines_added_above(workbook) -> None:
    root = workbook({"change-ideas.yaml": "ideas:\n  - id: C1\n    titel: huddle\n"})
    before = json.loads(invoke("check", str(root), "-f", "gitlab", "--no-git").stdout)
    path = root / "change-ideas.yaml"
    path.write_text("# ideas from the March meeting\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = json.loads(invoke("check", str(root), "-f", "gitlab", "--no-git").stdout)
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    assert after[0]["location"]["lines"]["begin"] == before[0]["location"]["lines"]["begin"] + 2


def test_output_files_keep_the_summary_on_the_terminal(
    workbook, tmp_path: Path, sarif_validator, junit_schema
) -> None:
    root = workbook({"change-ideas.yaml": "ideas:\n  - id: C1\n    titel: huddle\n"})
    sarif, junit = tmp_path / "out" / "check.sarif", tmp_path / "check.xml"
    sarif.parent.mkdir()
    sarif.write_text("old report", encoding="utf-8")  # report files are replaced on every run
    result = invoke(
        "check", str(root), "--no-git", "-f", "sarif", "-o", str(sarif), "--format", "junit",
        "--output-file", str(junit),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "unknown key `titel`" in result.stdout and "1 error" in result.stdout
    assert not result.stdout.lstrip().startswith(("{", "<"))
    sarif_validator.validate(json.loads(sarif.read_text(encoding="utf-8")))
    junit_schema.validate(junit.read_text(encoding="utf-8"))
    assert (
        json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"][0]["ruleId"] == "schema.extra-key"
    )


def test_one_format_to_the_terminal_and_others_to_files(workbook, tmp_path: Path) -> None:
    root = workbook({"change-ideas.yaml": "ideas:\n  - id: C1\n    titel: huddle\n"})
    out = tmp_path / "gl.json"
    result = invoke("check", str(root), "--no-git", "-f", "gitlab", "-o", str(out), "-f", "json")
    assert json.loads(result.stdout)["summary"]["errors"] == 1
    assert json.loads(out.read_text(encoding="utf-8"))[0]["check_name"] == "schema.extra-key"
    # On GitHub Actions the terminal gets annotations while the SARIF goes to its file.
    result = invoke("check", str(root), "--no-git", "-f", "sarif", "-o", str(tmp_path / "s.sarif"),
                    env={"GITHUB_ACTIONS": "true"})  # fmt: skip
    assert result.stdout.startswith("::error file=")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "a.json"], "1 --output-file for 0 --format"),
        (["-f", "json", "-f", "sarif"], "only one format can go to the terminal"),
        (["-f", "json", "-o", "themes.yaml"], "looks like a workbook file"),
    ],
)
def test_output_file_usage_errors_change_nothing(
    workbook, tmp_path: Path, args, message, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    root = workbook({"themes.yaml": "themes: []\n"})
    monkeypatch.chdir(root)
    before = snapshot(tmp_path)
    code, _, err = call(capsys, "check", str(root), *args)
    assert code == 2
    assert message in err
    assert snapshot(tmp_path) == before
