"""An adopted change followed by a shift, on a measure with no phase there (measure.phase-missing)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microsys.cli import app
from microsys.engine import check_workbook

CASE = Path(__file__).parents[1] / "cases" / "invalid" / "phase-missing" / "workbook"
TODAY = dt.date(2026, 1, 12)


@pytest.fixture
def wb(tmp_path: Path) -> Path:
    return Path(shutil.copytree(CASE, tmp_path / "wb"))


def _found(root: Path) -> list[tuple[str, str, str]]:
    result = check_workbook(root, today=TODAY, git=False)
    return [(d.path.name, d.message, d.hint) for d in result.diagnostics if d.rule == "measure.phase-missing"]


def test_the_finding_gives_the_date_and_the_yaml_to_add(wb: Path) -> None:
    found = dict((name, (message, hint)) for name, message, hint in _found(wb))
    message, hint = found["wait.yaml"]
    assert "PDSA-1 adopted C1" in message and "2025-09-22" in message
    assert hint.startswith(
        'add `phases: [{start: 2025-09-22, label: "pre-clinic huddle"}]` to measures/wait.yaml'
    )
    # A measure that already has phases gets an item to add under them.
    assert found["seen.yaml"][1].startswith(
        'add `- {start: 2025-09-22, label: "pre-clinic huddle"}` under `phases:`'
    )


def test_adding_the_suggested_phase_settles_it(wb: Path) -> None:
    measure = wb / "measures" / "wait.yaml"
    measure.write_text(
        measure.read_text() + "phases:\n  - start: 2025-09-22\n    label: pre-clinic huddle\n",
        encoding="utf-8",
    )
    assert [name for name, *_ in _found(wb)] == ["seen.yaml"]


def test_no_finding_without_an_adoption_or_without_a_shift(wb: Path) -> None:
    cycle = wb / "pdsa" / "PDSA-1.yaml"
    text = cycle.read_text()
    cycle.write_text(text.replace("decision: adopt", "decision: adapt"), encoding="utf-8")
    assert _found(wb) == []
    cycle.write_text(text, encoding="utf-8")
    # The same values in an order with no shift: no pattern, nothing to suggest.
    csv = wb / "measures" / "wait.csv"
    rows = csv.read_text().splitlines()
    values = [r.split(",")[1] for r in rows[1:]]
    mixed = [v for pair in zip(values[:16], values[16:], strict=True) for v in pair]
    csv.write_text(
        "\n".join([rows[0], *(f"{r.split(',')[0]},{v}" for r, v in zip(rows[1:], mixed, strict=True))])
        + "\n",
        encoding="utf-8",
    )
    assert "wait.yaml" not in [name for name, *_ in _found(wb)]


def test_an_sdsa_that_adopts_counts_too(wb: Path) -> None:
    cycle = wb / "pdsa" / "PDSA-1.yaml"
    cycle.write_text(cycle.read_text().replace("decision: adopt", "decision: adapt"), encoding="utf-8")
    (wb / "sdsa").mkdir()
    (wb / "sdsa" / "SDSA-1.yaml").write_text(
        "id: SDSA-1\nchange: C1\nmeasures: [wait]\ndo:\n  started: 2025-09-22\nact:\n  decision: adopt\n",
        encoding="utf-8",
    )
    found = _found(wb)
    assert [name for name, *_ in found] == ["wait.yaml"] and "SDSA-1 adopted C1" in found[0][1]


def test_chart_says_how_to_add_the_phase(wb: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["chart", str(wb), "wait", "--out", str(tmp_path / "w.png")], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "note: wait shifted after PDSA-1 adopted C1" in result.stderr
    assert (
        'add `phases: [{start: 2025-09-22, label: "pre-clinic huddle"}]` to measures/wait.yaml'
        in result.stderr
    )
    assert "note:" not in result.stdout
