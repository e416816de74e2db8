"""Every finding is reported at the severity its rule has in the catalogue (src/microsys/rules.py).

Findings are made through their rule object, which carries the severity; a finding
written the old way, ``Diagnostic(rule="id", severity=...)``, could still choose its
own. These tests check every workbook the project has (the cases, the examples and
a new workbook from ``microsys init``); tests/conftest.py checks the same of every
finding made anywhere in the test suite.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from microsys import rules
from microsys.diagnostics import Diagnostic
from microsys.engine import check_workbook
from tests.conftest import CASES, CHECK_TODAY, EXAMPLES, NOT_SOURCE, call, checked

TODAY = CHECK_TODAY
WORKBOOKS = sorted([*CASES.glob("*/*/workbook"), *(p for p in EXAMPLES.iterdir() if p.is_dir())])


def _findings(root: Path) -> list[Diagnostic]:
    if root in WORKBOOKS:  # the repository's own: checked once per run (tests/test_cases.py too)
        return checked(root).diagnostics
    return check_workbook(root, today=TODAY, git=False).diagnostics


def _wrong_severities(found: list[Diagnostic]) -> list[str]:
    return [
        f"{d.location} {d.rule} is reported as {d.severity.value}, but the catalogue says "
        + " or ".join(sorted(s.value for s in rules.SEVERITIES[d.rule]))
        for d in found
        if d.severity not in rules.SEVERITIES[d.rule]
    ]


@pytest.mark.parametrize("root", WORKBOOKS, ids=[p.relative_to(p.parents[2]).as_posix() for p in WORKBOOKS])
def test_findings_have_their_rules_severity(root: Path) -> None:
    assert _wrong_severities(_findings(root)) == []


def test_a_new_workbook_has_findings_only_at_their_rules_severity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = call(
        capsys, "init", str(tmp_path / "new"), "--name", "New team", "--setting", "clinic", "--no-input"
    )
    assert code == 0, err
    assert _wrong_severities(_findings(tmp_path / "new")) == []


def test_the_cases_report_every_rule_at_each_of_its_severities() -> None:
    # A rule reported at two severities (date.order) must be tested at both.
    seen = {(d.rule, d.severity) for root in WORKBOOKS for d in _findings(root)}
    for rule_id, severities in rules.SEVERITIES.items():
        if len(severities) > 1:
            assert {(rule_id, s) for s in severities} <= seen, rule_id


def test_a_wrong_severity_is_found(tmp_path: Path, severity_mismatches: list[str]) -> None:
    # The checks here and in tests/conftest.py would pass if they looked at nothing: both must
    # see a finding at the wrong severity, as a finding written the old way could make.
    shutil.copytree(CASES / "invalid" / "tabs" / "workbook", tmp_path / "wb", ignore=NOT_SOURCE)
    right = _findings(tmp_path / "wb")
    assert right
    assert _wrong_severities(right) == []
    wrong = Diagnostic(path=Path("x.yaml"), rule=rules.YAML_TAB.id, message="m", severity=rules.WARNING)
    assert _wrong_severities([*right, wrong]) == [
        "x.yaml yaml.tab is reported as warning, but the catalogue says error"
    ]
    assert severity_mismatches == ["x.yaml yaml.tab reported as warning"]
    severity_mismatches.clear()
