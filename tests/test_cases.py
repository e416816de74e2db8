"""Data-driven cases: tests/cases/valid/* must be clean; tests/cases/invalid/* must give
exactly the findings listed in expected.txt beside each workbook (path:line:col rule).

Run with MICROSYS_UPDATE_GOLDEN=1 to rewrite expected.txt after reviewing the output.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from microsys.engine import WorkbookResult
from microsys.rules import RULE_IDS
from tests.conftest import checked

CASES = Path(__file__).parent / "cases"
VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())
INVALID = sorted(p for p in (CASES / "invalid").iterdir() if p.is_dir())


def _check(root: Path) -> WorkbookResult:
    # On a fixed day (CHECK_TODAY), so that the freshness of measures does not depend on the day
    # the tests run; git history is tested separately (tests/unit/test_fidelity.py), on
    # repositories made for it. Each case is checked once per run (tests/test_rule_severities.py
    # reads the same results).
    return checked(root)


def _findings(root: Path) -> list[str]:
    result = _check(root)
    lines = []
    for d in result.diagnostics:
        rel = d.path.resolve().relative_to(root.resolve()).as_posix()
        lines.append(f"{rel}:{d.line}:{d.col} {d.rule}")
    return lines


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_case_is_clean(case: Path) -> None:
    assert _findings(case / "workbook") == []


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_case_gives_expected_findings(case: Path) -> None:
    found = _findings(case / "workbook")
    expected_file = case / "expected.txt"
    if os.environ.get("MICROSYS_UPDATE_GOLDEN"):
        expected_file.write_text("\n".join(found) + "\n", encoding="utf-8")
    expected = [line for line in expected_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert found == expected
    assert found, "an invalid case must produce findings"
    for line in found:
        assert line.split()[-1] in RULE_IDS


def test_every_finding_has_a_message_and_position() -> None:
    for case in INVALID:
        for d in _check(case / "workbook").diagnostics:
            assert d.message and not d.message.startswith(("Input should", "Value error"))
            # Whole-file findings have no line; everything else has both line and column.
            assert (d.line == 0) == (d.col == 0)
