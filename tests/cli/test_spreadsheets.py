"""One file, the same numbers in `chart FILE.csv`, `measure import` and workbook CSV data."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from microsys.engine import check_workbook
from microsys.sheets.table import MAX_CELL
from microsys.workbook.loader import open_workbook
from tests.conftest import call, snapshot

TODAY = "2026-12-08"
HEADER = ("date", "value", "denominator", "note")
ROWS = [
    (dt.date(2026, 1, 5), 1234.5, 1300.0, "first"),
    (dt.date(2026, 1, 12), 9.25, 10.0, "café"),
    (dt.date(2026, 1, 19), 0.0, 12.0, "it's, fine"),
    (dt.date(2026, 1, 26), 7.0, 7.0, ""),
]


def _files() -> dict[str, bytes]:
    def rows(date_fmt: str, num: object, sep: str, quote: bool = True) -> list[str]:
        out = []
        for day, value, n, note in ROWS:
            text = f'"{note}"' if quote and note else note
            out.append(sep.join([day.strftime(date_fmt), num(value), num(n), text]))  # type: ignore[operator]
        return out

    def dot(v: float) -> str:
        return f'"{v:,.2f}"' if v >= 1000 else f"{v:g}"

    def comma(v: float) -> str:
        return (
            f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
            if v >= 1000
            else f"{v:g}".replace(".", ",")
        )

    iso = "\n".join([",".join(HEADER), *rows("%Y-%m-%d", dot, ",")]) + "\n"
    semi = "\r\n".join([";".join(HEADER), *rows("%d/%m/%Y", comma, ";")]) + "\r\n"
    tab = "\r".join(["\t".join(HEADER), *rows("%d-%b-%Y", dot, "\t", quote=False)]) + "\r"
    return {
        "iso-utf8.csv": iso.encode(),
        "semicolon-bom-crlf.csv": ("\ufeff" + semi).encode(),
        "semicolon-utf16.csv": semi.encode("utf-16"),
        "tab-cp1252-cr.csv": tab.encode("cp1252"),
    }


@pytest.fixture
def workbook(cf_clinic: Path) -> Path:
    """The CF example with a proportion measure whose data CSV starts empty."""
    src = cf_clinic / "measures" / "seen-within-15.yaml"
    text = (
        src.read_text()
        .replace("id: seen-within-15", "id: probe")
        .replace("data: seen-within-15.csv", "data: probe.csv")
    )
    text = text.replace("chart: p", "chart: run")
    (cf_clinic / "measures" / "probe.yaml").write_text(text)
    (cf_clinic / "measures" / "probe.csv").write_text("date,value,denominator,note\n")
    return cf_clinic


@pytest.mark.parametrize("name", sorted(_files()))
def test_the_same_numbers_on_every_path(name: str, workbook: Path, tmp_path: Path, capsys) -> None:
    export = tmp_path / name
    export.write_bytes(_files()[name])
    expected = [(d.isoformat(), v, n) for d, v, n, _ in ROWS]

    code, out, err = call(
        capsys,
        "chart",
        str(export),
        "--x",
        "date",
        "--y",
        "value",
        "--n",
        "denominator",
        "-t",
        "u",
        "-f",
        "json",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert [(p["x"], p["n"]) for p in doc["points"]] == [(d, n) for d, _, n in expected]
    assert [p["y"] for p in doc["points"]] == pytest.approx([v / n for _, v, n in expected])

    code, out, err = call(capsys, "measure", "import", str(workbook), "probe", str(export), "--today", TODAY)
    assert code == 0, err
    wb = open_workbook(workbook)
    got = [(p.date.isoformat(), p.value, p.denominator) for p in wb.values("probe")]
    assert got == expected
    assert [p.note or "" for p in wb.values("probe")] == [note for *_, note in ROWS]

    # The same export used directly as the measure's data file reads the same again.
    shutil.copy(export, workbook / "measures" / "probe.csv")
    if name.endswith(("utf16.csv", "cp1252-cr.csv")):
        return  # workbook files are UTF-8 by rule (file.encoding)
    wb = open_workbook(workbook)
    assert [(p.date.isoformat(), p.value, p.denominator) for p in wb.values("probe")] == expected


def test_chart_leaves_out_rows_missing_x_or_y_and_names_them(tmp_path: Path, capsys) -> None:
    p = tmp_path / "d.csv"
    rows = [f"2026-01-{d:02d},{d}" for d in range(1, 13)]
    rows[8] = ",9"  # row 10 of the file: no date
    rows[3] = "2026-01-04,"  # row 5: no value
    p.write_text("day,wait\n" + "\n".join(rows) + "\n")
    code, out, err = call(capsys, "chart", str(p), "--x", "day", "--y", "wait", "-f", "json")
    assert code == 0, err
    assert "left out 2 row(s)" in err and "row 5, 10" in err
    doc = json.loads(out)
    assert len(doc["points"]) == 10 and "2026-01-09" not in [pt["x"] for pt in doc["points"]]


@pytest.mark.parametrize(
    "row,message",
    [
        ("60,50", "row 4, column `count`: 60 out of 50 is more than all of them"),
        ("-1,50", "row 4, column `count`: a p chart counts things, so -1 cannot be right"),
        ("3,0", "row 4, column `count`: 3 out of 0 cannot be right"),
    ],
)
def test_p_chart_refuses_impossible_counts_with_the_row(
    tmp_path: Path, capsys, row: str, message: str
) -> None:
    p = tmp_path / "p.csv"
    p.write_text(f"count,size\n5,50\n6,50\n{row}\n7,50\n")
    code, out, err = call(capsys, "chart", str(p), "--y", "count", "--n", "size", "-t", "p", "-f", "json")
    assert code == 2 and out == ""
    assert message in err


def test_zero_out_of_zero_is_a_gap_with_a_note_everywhere(workbook: Path, tmp_path: Path, capsys) -> None:
    p = tmp_path / "p.csv"
    p.write_text("date,value,denominator\n2026-01-05,5,50\n2026-01-12,0,0\n2026-01-19,7,50\n")
    code, out, err = call(
        capsys, "chart", str(p), "--x", "date", "--y", "value", "--n", "denominator", "-t", "p", "-f", "json"
    )
    assert code == 0 and "row 3: a denominator of 0" in err
    assert [pt["y"] for pt in json.loads(out)["points"]][1] is None
    code, _, err = call(capsys, "measure", "import", str(workbook), "probe", str(p), "--today", TODAY)
    assert code == 0 and "row 3 (2026-01-12): a denominator of 0" in err
    assert check_workbook(workbook, today=dt.date(2026, 12, 8), git=False).errors == 0
    (workbook / "measures" / "probe.csv").write_text("date,value,denominator\n2026-01-05,5,0\n")
    assert check_workbook(workbook, today=dt.date(2026, 12, 8), git=False).errors == 1


def test_import_warns_of_formulas_and_writes_them_as_text(workbook: Path, tmp_path: Path, capsys) -> None:
    p = tmp_path / "e.csv"
    p.write_text(
        'date,value,denominator,note\n2026-01-05,-5,50,"=HYPERLINK(""http://x"",""y"")"\n'
        "2026-01-12,6,50,@SUM(A1)\n2026-01-19,7,50,-3\n"
    )
    code, _, err = call(capsys, "measure", "import", str(workbook), "probe", str(p), "--today", TODAY)
    assert code == 0, err
    assert "row 2 (2026-01-05): the note starts like a spreadsheet formula" in err and "row 3" in err
    assert "row 4" not in err
    written = (workbook / "measures" / "probe.csv").read_text().splitlines()
    assert written[1] == '2026-01-05,-5,50,"\'=HYPERLINK(""http://x"",""y"")"'
    assert written[2] == "2026-01-12,6,50,'@SUM(A1)" and written[3] == "2026-01-19,7,50,-3"


@pytest.mark.parametrize(
    "content,message",
    [
        (b'date,value\n2026-01-05,4\n2026-01-12,"5\n2026-01-19,6\n', "row 3"),
        (b"date,value\n\x00\x00\x00", "binary"),
        (b"date,value\n0001-01-01,4\n", "row 2, column `date`"),
        (b"date,value\n9999-12-31,4\n", "row 2, column `date`"),
        (b"date,value\n2026-01-05,inf\n", "row 2, column `value`"),
        (b"date,value\n2026-01-05,-inf\n", "row 2, column `value`"),
        (b"date,value\n2026-01-05,1e308\n", "row 2, column `value`"),
        (b"date,value\n2026-01-05,nan\n", "row 2, column `value`"),
        (b"date,value,note\n2026-01-05,4,it's, fine\n", "row 2"),
        # One character over the longest cell (reading long files is timed in tests/unit/test_sheets.py).
        (b"date,value,note\n2026-01-05,4," + b"x" * (MAX_CELL + 1) + b"\n", "row 2: a cell holds 100,001"),
    ],
)
def test_hostile_exports_are_refused_by_every_path(
    workbook: Path, tmp_path: Path, capsys, content: bytes, message: str
) -> None:
    p = tmp_path / "h.csv"
    p.write_bytes(content)
    before = snapshot(workbook)
    code, out, err = call(capsys, "measure", "import", str(workbook), "probe", str(p), "--today", TODAY)
    assert code in (1, 2) and message in err, err
    assert snapshot(workbook) == before
    code, out, err = call(capsys, "chart", str(p), "--x", "date", "--y", "value", "-f", "json")
    assert code in (1, 2) and message in err and out == "", err
    (workbook / "measures" / "probe.csv").write_bytes(content)
    code, out, err = call(capsys, "check", str(workbook), "--today", TODAY)
    assert code == 1 and "probe.csv" in out + err


def test_a_5p_quantity_with_thousands_is_read_whole(cf_clinic: Path) -> None:
    path = cf_clinic / "5ps" / "patients.yaml"
    text = path.read_text()
    assert "population:" in text
    lines = [
        ("population: 1,200 patients" if ln.startswith("population:") else ln) for ln in text.splitlines()
    ]
    path.write_text("\n".join(lines) + "\n")
    wb = open_workbook(cf_clinic)
    model = next(m for sf, m in wb.records("patients"))
    assert str(model.population) == "1200 patients"  # type: ignore[attr-defined]
