"""``microsys status``: one row per workbook, sorted, filtered, as text, JSON and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from microsys.cli import run
from tests.conftest import three_workbooks


def _measure(folder: Path, ident: str, direction: str, values: list[float]) -> None:
    start = dt.date(2025, 6, 2)
    lines = "\n".join(
        f"  - {{date: {start + dt.timedelta(weeks=i)}, value: {v}}}" for i, v in enumerate(values)
    )
    (folder / "measures").mkdir(exist_ok=True)
    (folder / "measures" / f"{ident}.yaml").write_text(
        f"id: {ident}\nname: {ident}\ntype: outcome\ndefinition: {{unit: minutes}}\n"
        f"direction: {direction}\nchart: i\nvalues:\n{lines}\n"
    )


@pytest.fixture
def org(tmp_path: Path) -> Path:
    root = three_workbooks(tmp_path / "org")
    # A falling wait with a last point far below: improvement when down is better, concern when up is.
    values = [40, 42, 39, 41, 40, 43, 38, 41, 40, 42, 39, 41, 10]
    _measure(root / "clinic", "wait", "down", values)
    _measure(root / "clinic", "seen", "up", values)
    (root / "clinic" / "ramp.yaml").write_text(
        "stage: treat\nsince: 2026-01-02\n"
        "m3:\n  - {stage: 2, date: 2025-10-01}\n  - {stage: 3, date: 2026-01-05, by: J Brown}\n"
    )
    return root


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert run(["status", *args, "-f", "json", "--today", "2026-01-12"]) == 0
    return json.loads(capsys.readouterr().out)


def test_one_row_per_workbook_with_pathway_signals_and_m3(
    org: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _json(capsys, str(org))
    rows = {Path(r["path"]).name: r for r in data["workbooks"]}
    assert set(rows) == {"amu", "ed", "pharmacy", "workbook", "clinic", "broken"}
    assert data["found"] == 6
    assert rows["workbook"]["kind"] == "pathway" and rows["ed"]["kind"] == "microsystem"
    # Linked microsystems belong to the pathway that links them.
    assert rows["ed"]["pathway"] == "Sepsis big room" and rows["pharmacy"]["pathway"] == "Sepsis big room"
    assert rows["clinic"]["pathway"] is None
    assert rows["clinic"]["improvement"] == ["wait"] and rows["clinic"]["concern"] == ["seen"]
    assert rows["clinic"]["stage"] == "treat" and rows["clinic"]["days_in_stage"] == 10
    assert (rows["clinic"]["m3_stage"], rows["clinic"]["m3_recorded"]) == (3, "2026-01-05")
    assert rows["workbook"]["last_meeting"] == "2026-01-08"
    assert rows["broken"]["errors"] > 0 and rows["clinic"]["errors"] == 0


def test_sort_and_filter(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [Path(r["path"]).name for r in _json(capsys, str(org), "--sort", "errors", "--desc")["workbooks"]]
    assert paths[0] == "broken"
    only = _json(capsys, str(org), "--kind", "pathway")["workbooks"]
    assert [r["kind"] for r in only] == ["pathway"]
    members = _json(capsys, str(org), "--pathway", "sepsis big room", "--kind", "microsystem")["workbooks"]
    assert sorted(Path(r["path"]).name for r in members) == ["amu", "ed", "pharmacy"]
    assert [Path(r["path"]).name for r in _json(capsys, str(org), "--with-errors")["workbooks"]] == ["broken"]
    assert [Path(r["path"]).name for r in _json(capsys, str(org), "--stage", "treat")["workbooks"]] == [
        "clinic"
    ]


def test_csv_and_text(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["status", str(org), "-f", "csv", "--today", "2026-01-12"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 6 and rows[0]["path"].endswith("broken")
    clinic = next(r for r in rows if r["path"].endswith("clinic"))
    assert clinic["improvement"] == "wait" and clinic["m3_stage"] == "3"
    assert run(["status", str(org), "--today", "2026-01-12", "--no-color"]) == 0
    text = capsys.readouterr().out
    assert "6 of 6 workbook(s)" in text and "Sepsis" in text and "▲ wait" in text


def test_bad_options_are_usage_errors(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["status", str(org), "--sort", "colour"]) == 2
    assert "not a column" in capsys.readouterr().err
    assert run(["status", str(org), "--kind", "hospital"]) == 2
    assert run(["status", str(org / "nothing-here")]) == 2


def test_organisation_file_adds_open_review_actions(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (org / "microsys-organisation.yaml").write_text(
        "name: Riverside\nmeasures:\n"
        "  - {id: deaths, name: Sepsis deaths, direction: down, goal: below 14%}\n"
        "reviews:\n  - date: 2026-01-05\n    actions:\n"
        "      - {team: clinic, action: release time, owner: director}\n"
        "      - {team: clinic, action: share data, owner: analyst, status: done}\n"
        "      - {team: sepsis/workbook, action: board paper, owner: lead}\n"
    )
    data = _json(capsys, str(org))
    rows = {Path(r["path"]).name: r["open_review_actions"] for r in data["workbooks"]}
    assert rows["clinic"] == 1 and rows["workbook"] == 1 and rows["ed"] == 0
    assert data["organisation"]["name"] == "Riverside" and data["organisation"]["findings"] == []
    assert data["organisation"]["last_review"] == "2026-01-05"


def test_organisation_file_findings_are_shown_and_fail(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (org / "microsys-organisation.yaml").write_text(
        "name: Riverside\nreviews:\n  - date: 2026-01-05\n    actions:\n"
        "      - {team: no-such-team, action: release time, owner: director}\n"
    )
    assert run(["status", str(org), "-f", "json"]) == 0  # a warning only
    assert "organisation.unknown-team" in capsys.readouterr().err
    (org / "microsys-organisation.yaml").write_text("name: Riverside\nreveiws: []\n")
    assert run(["status", str(org), "-f", "csv"]) == 1
    out, err = capsys.readouterr()
    assert "microsys-organisation.yaml:2:1: error" in err and "schema.extra-key" in err
    assert out.startswith("path,name,kind")  # the table is still written


def test_two_processes_give_the_same_rows(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _json(capsys, str(org), "-j", "2")["workbooks"] == _json(capsys, str(org), "-j", "1")["workbooks"]


def test_a_shift_that_held_in_a_new_phase_is_a_signal(org: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Recalculated at the change, the new level alone is common cause; against the level before
    # it, it is an improvement (the chart's variation icon), as in status and the export.
    values = [40, 42, 39, 41, 40, 43, 38, 41, 40, 42, 30, 29, 31, 28, 30, 29, 31, 30, 29, 30]
    _measure(org / "clinic", "visit", "down", values)
    path = org / "clinic" / "measures" / "visit.yaml"
    path.write_text(path.read_text() + "phases:\n  - {start: 2025-08-11, label: new booking}\n")
    rows = {Path(r["path"]).name: r for r in _json(capsys, str(org))["workbooks"]}
    assert "visit" in rows["clinic"]["improvement"]
    assert run(["chart", str(org / "clinic"), "visit", "-f", "json"]) == 0
    chart = json.loads(capsys.readouterr().out)
    assert chart["variation"] == "common_cause" and chart["recent_variation"] == "special_cause_improvement"


def test_the_sepsis_example_shows_its_improvements(capsys: pytest.CaptureFixture[str]) -> None:
    # Coded sepsis cases rose from about 26 to 48 a week and held: the latest point alone is common cause.
    examples = Path(__file__).parents[2] / "examples" / "sepsis-big-room"
    rows = {r["name"]: r for r in _json(capsys, str(examples))["workbooks"]}
    assert {"coded-sepsis-cases", "antibiotics-within-hour"} <= set(rows["Sepsis big room"]["improvement"])
