"""The rows `measure import` refuses are listed in plain words: a hint never in brackets in brackets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import call


def test_a_future_date_in_an_import_is_refused_in_one_pair_of_brackets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "ward"
    assert call(capsys, "init", str(root), "--name", "Ward", "--setting", "ward", "--no-input")[0] == 0
    code, _, err = call(
        capsys, "new", "measure", str(root), "--id", "w", "--name", "W", "--unit", "min", "--csv"
    )
    assert code == 0, err
    csv = tmp_path / "w.csv"
    csv.write_text("date,value\n2026-11-02,3\n2027-02-25,4\n", encoding="utf-8")
    before = (root / "measures" / "w.csv").read_bytes()
    code, _, err = call(capsys, "measure", "import", str(root), "w", str(csv), "--today", "2026-11-30")
    assert code == 1
    line = next(x for x in err.splitlines() if "2027-02-25 is in the future" in x)
    assert "day/month or month/day" in line and "((" not in line and "))" not in line, line
    assert (root / "measures" / "w.csv").read_bytes() == before
