"""``microsys export``: SQLite and CSV tables, replaced whole, never over a foreign file."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import pytest

from microsys.cli import run
from microsys.exporting import TABLES, reference

CASES = Path(__file__).parents[1] / "cases"
EXAMPLES = Path(__file__).parents[2] / "examples"
DOCS = Path(__file__).parents[2] / "docs" / "export.md"


@pytest.fixture
def org(tmp_path: Path) -> Path:
    root = tmp_path / "org"
    shutil.copytree(CASES / "valid" / "pathway", root / "sepsis")
    shutil.copytree(EXAMPLES / "sheffield-cf-clinic", root / "cf")
    (root / "cf" / "ramp.yaml").write_text(
        (root / "cf" / "ramp.yaml").read_text() + "m3:\n  - {stage: 4, date: 2026-06-01, by: Coach}\n"
    )
    return root


def _query(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_sqlite_export_holds_every_table(org: Path, tmp_path: Path) -> None:
    db = tmp_path / "org.sqlite"
    assert run(["export", str(org), "--to", str(db), "--today", "2026-12-01"]) == 0
    names = {r[0] for r in _query(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == {t.name for t in TABLES}
    kinds = dict(_query(db, "SELECT workbook, kind FROM workbooks"))
    assert kinds == {"cf": "microsystem", "sepsis/workbook": "pathway", "sepsis/ed": "microsystem",
                     "sepsis/amu": "microsystem", "sepsis/pharmacy": "microsystem"}  # fmt: skip
    assert _query(db, "SELECT pathway FROM workbooks WHERE workbook = 'sepsis/ed'") == [("Sepsis big room",)]
    links = _query(db, "SELECT position, id, workbook, role FROM pathway_microsystems ORDER BY position")
    assert links == [(1, "ed", "sepsis/ed", "clinical"), (2, "amu", "sepsis/amu", "clinical"),
                     (3, "pharmacy", "sepsis/pharmacy", "supporting")]  # fmt: skip
    assert _query(db, "SELECT from_id, to_id, what, measures FROM hand_offs") == [
        ("ed", "amu", "patient;information", "antibiotics-in-hour")
    ]
    # Every value of the CF clinic's waiting time, with the chart's lines: some points signal.
    n, signals, centred = _query(
        db, "SELECT count(*), sum(signal), count(centre) FROM measure_values "
        "WHERE workbook = 'cf' AND measure = 'clinic-wait'",
    )[0]  # fmt: skip
    csv_rows = (org / "cf" / "measures" / "clinic-wait.csv").read_text().strip().splitlines()
    assert n == len(csv_rows) - 1 and centred == n and signals > 0
    assert _query(db, "SELECT stage, by FROM m3_stages WHERE workbook = 'cf'") == [(4, "Coach")]
    assert _query(db, "SELECT count(*) FROM cycles WHERE workbook = 'cf' AND kind = 'pdsa'")[0][0] == len(
        list((org / "cf" / "pdsa").glob("*.yaml"))
    )
    assert _query(db, "SELECT count(*) FROM moves WHERE workbook = 'cf' AND track = 'ramp'")[0][0] > 0


def test_re_export_replaces_but_a_foreign_file_is_never_touched(org: Path, tmp_path: Path) -> None:
    db = tmp_path / "org.sqlite"
    assert run(["export", str(org), "--to", str(db)]) == 0
    shutil.rmtree(org / "cf")
    assert run(["export", str(org), "--to", str(db)]) == 0
    assert _query(db, "SELECT count(*) FROM workbooks")[0][0] == 4
    foreign = tmp_path / "finance.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE budget (x)")
    conn.commit()
    conn.close()
    before = foreign.read_bytes()
    assert run(["export", str(org), "--to", str(foreign)]) == 1
    assert foreign.read_bytes() == before
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    assert run(["export", str(org), "--to", str(notes)]) == 1
    assert notes.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["finance.sqlite", "notes.txt", "org", "org.sqlite"]


def test_csv_export_is_tidy_and_refuses_a_folder_of_other_files(org: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    assert run(["export", str(org), "--to", str(out), "--format", "csv"]) == 0
    for t in TABLES:
        with (out / f"{t.name}.csv").open(newline="") as f:
            header = next(csv.reader(f))
        assert header == [c.name for c in t.columns]
    assert run(["export", str(org), "--to", str(out), "--format", "csv"]) == 0  # replaced
    other = tmp_path / "mine"
    other.mkdir()
    (other / "data.csv").write_text("a,b\n")
    assert run(["export", str(org), "--to", str(other), "--format", "csv"]) == 1
    assert sorted(p.name for p in other.iterdir()) == ["data.csv"]
    assert run(["export", str(org), "--to", str(tmp_path / "x"), "--format", "parquet"]) == 2


def test_docs_describe_every_table_and_column() -> None:
    assert DOCS.read_text().endswith(reference())
