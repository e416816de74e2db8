"""The repository settings file (microsys.toml or [tool.microsys]) and `check --show-config`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import CASES, EXAMPLES, NOT_SOURCE, call

DATES = CASES / "invalid" / "dates" / "workbook"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository folder (with .git, so the search for settings stops there) holding one workbook."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    shutil.copytree(DATES, root / "wb")
    return root


def _rules(capsys, *args: str) -> tuple[int, list[tuple[str, str]]]:
    code, out, err = call(capsys, "check", *args, "--no-git", "-f", "json")
    assert code in (0, 1), err
    return code, [(d["rule"], d["severity"]) for d in json.loads(out)["diagnostics"]]


def test_show_config_says_where_each_setting_came_from(repo: Path, capsys) -> None:
    code, out, _ = call(capsys, "check", str(repo), "--show-config")
    assert code == 0
    assert "settings file: none found (defaults)" in out
    assert "rules.meeting.file-name = warning  (default)" in out
    (repo / "microsys.toml").write_text(
        'today = "2026-01-12"\nmax-depth = 20\n[rules]\n"meeting.file-name" = "off"\n', encoding="utf-8"
    )
    code, out, _ = call(capsys, "check", str(repo / "wb"), "--show-config", "--max-file-size", "1KB")
    where = str(repo / "microsys.toml")
    assert f"settings file: {where}" in out
    assert f"today = 2026-01-12  ({where})" in out
    assert f"max-depth = 20  ({where})" in out
    assert "max-file-size = 1,024 bytes  (command line (--max-file-size))" in out
    assert f"rules.meeting.file-name = off  ({where})" in out
    assert "rules.ref.unknown-id = error  (default)" in out
    assert "rules.date.order = error/warning  (default)" in out  # its findings are of both kinds
    code, out, _ = call(capsys, "check", str(repo), "--show-config", "--today", "2026-05-01")
    assert "today = 2026-05-01  (command line (--today))" in out


def test_rule_levels_and_rules_off_change_findings_and_exit_code(
    repo: Path, capsys, severity_mismatches: list[str]
) -> None:
    code, before = _rules(capsys, str(repo))
    assert code == 1 and ("meeting.file-name", "warning") in before and ("date.order", "error") in before
    (repo / "microsys.toml").write_text(
        '[rules]\n"meeting.file-name" = "error"\n"date.order" = "off"\n"schema.invalid-date" = "warning"\n'
        '"ramp.history-mismatch" = "off"\n',
        encoding="utf-8",
    )
    code, after = _rules(capsys, str(repo))
    assert ("meeting.file-name", "error") in after
    assert not any(rule == "date.order" for rule, _ in after)
    assert ("schema.invalid-date", "warning") in after
    # Made on purpose: the settings file gave these rules another level.
    on_purpose = (" meeting.file-name reported as error", " schema.invalid-date reported as warning")
    severity_mismatches[:] = [m for m in severity_mismatches if not m.endswith(on_purpose)]
    off = [rule for rule, _ in before]
    (repo / "microsys.toml").write_text(
        "[rules]\n" + "".join(f'"{rule}" = "off"\n' for rule in dict.fromkeys(off)), encoding="utf-8"
    )
    code, after = _rules(capsys, str(repo))
    assert after == [] and code == 0


def test_exclude_leaves_out_files_and_workbooks(repo: Path, capsys) -> None:
    (repo / "microsys.toml").write_text('exclude = ["wb/pdsa/*"]\n', encoding="utf-8")
    code, out, _ = call(capsys, "check", str(repo), "--no-git", "-f", "json")
    doc = json.loads(out)
    assert doc["diagnostics"] and not any("/pdsa/" in d["path"] for d in doc["diagnostics"])
    assert doc["summary"]["files"] == 4  # 6 files, 2 of them in pdsa/
    shutil.copytree(EXAMPLES / "millbrook-surgery", repo / "archive" / "old", ignore=NOT_SOURCE)
    (repo / "microsys.toml").write_text('exclude = ["wb", "archive/*"]\n', encoding="utf-8")
    code, out, _ = call(capsys, "check", str(repo), "--no-git", "-f", "json")
    assert code == 0 and json.loads(out)["workbooks"] == []


def test_pyproject_table_and_today(tmp_path: Path, capsys) -> None:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLES / "sheffield-cf-clinic", root / "clinic", ignore=NOT_SOURCE)
    (root / ".git").mkdir()
    # Years after the examples' data: every measure has gone quiet.
    (root / "pyproject.toml").write_text('[tool.microsys]\ntoday = "2029-01-01"\n', encoding="utf-8")
    code, rules = _rules(capsys, str(root))
    assert ("measure.no-recent-data", "warning") in rules
    (root / "pyproject.toml").write_text("[tool.microsys]\ntoday = 2026-11-22\n", encoding="utf-8")
    assert _rules(capsys, str(root)) == (0, [])
    # A pyproject.toml of another tool, even a broken one, is not read.
    (root / "pyproject.toml").write_text("[tool.black\nline-length = 3\n", encoding="utf-8")
    code, out, _ = call(capsys, "check", str(root), "--show-config")
    assert code == 0 and "settings file: none found" in out


def test_limits_from_the_settings_file(repo: Path, capsys) -> None:
    (repo / "microsys.toml").write_text('max-file-size = "100B"\n', encoding="utf-8")
    code, rules = _rules(capsys, str(repo))
    assert ("file.too-large", "error") in rules
    (repo / "microsys.toml").write_text("max-depth = 1\n", encoding="utf-8")
    code, rules = _rules(capsys, str(repo))
    assert code == 1 and ("yaml.too-deep", "error") in rules


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("rulez = {}\n", "unknown setting `rulez`", "did you mean `rules`?"),
        ('[rules]\n"meeting.filename" = "off"\n', "`meeting.filename` is not a rule", "`meeting.file-name`"),
        ('[rules]\n"date.order" = "silent"\n', "is not a level", "use error, warning or off"),
        ('[rules]\n"privacy.email" = "off"\n', "cannot be turned off", "# microsys: disable=RULE REASON"),
        ('[rules]\n"privacy.nhs-number" = "warning"\n', "cannot be turned off", "`suppress:` list"),
        ('today = "31/03/2026"\n', "is not a date", "2026-03-31"),
        ('max-file-size = "big"\n', "is not a size", "2MB"),
        ("max-depth = 0\n", "is not a depth", "whole number"),
        ('exclude = "archive"\n', "must be a list", '["archive/**"]'),
        ("today = \n", "is not valid TOML", "key = value"),
    ],
)
def test_bad_settings_stop_before_checking(repo: Path, capsys, text: str, message: str, hint: str) -> None:
    (repo / "microsys.toml").write_text(text, encoding="utf-8")
    code, out, err = call(capsys, "check", str(repo))
    assert code == 2
    assert out == ""
    assert "microsys.toml" in err and message in err and hint in err
