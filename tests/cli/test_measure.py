"""``microsys measure add|import``, and the parsers behind them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microsys.dataentry import EntryError, parse_date, parse_number
from microsys.engine import check_workbook
from tests.conftest import call, snapshot

TODAY = "2026-12-08"


def errors(root: Path) -> int:
    return check_workbook(root, today=dt.date(2026, 12, 8), git=False).errors


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_dates_in_every_supported_layout_read_back(d: dt.date) -> None:
    month = d.strftime("%b")
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"{d.isoformat()} 00:00:00") == d
    assert parse_date(d.strftime("%Y/%m/%d")) == d
    assert parse_date(d.strftime("%d/%m/%Y")) == d
    assert parse_date(d.strftime("%m/%d/%Y"), month_first=True) == d
    assert parse_date(d.strftime("%d.%m.%Y")) == d
    assert parse_date(f"{d.day} {month} {d.year}") == d
    assert parse_date(f"{month} {d.day}, {d.year}") == d
    assert parse_date(d.strftime("%d%m%Y"), fmt="%d%m%Y") == d


def test_impossible_or_ambiguous_dates_are_refused_with_a_way_out() -> None:
    with pytest.raises(EntryError, match="not a real date"):
        parse_date("2026-02-30")
    with pytest.raises(EntryError, match="month/day/year") as exc:
        parse_date("03/31/2026")
    assert exc.value.hint is not None and "--month-first" in exc.value.hint
    with pytest.raises(EntryError, match="not a date"):
        parse_date("last Tuesday")


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_numbers_read_back(x: float) -> None:
    assert parse_number(repr(x)) == x


@pytest.mark.parametrize("text", ["12,34", "12%", "", "ten", "nan", "1e999", "1e308", "-inf"])
def test_ambiguous_or_non_numbers_are_refused(text: str) -> None:
    with pytest.raises(EntryError):
        parse_number(text)


def test_thousands_read_as_chart_reads_them() -> None:
    assert parse_number("1,234.5") == 1234.5
    assert parse_number("1,234") == 1234
    assert parse_number("1.234", decimal_comma=True) == 1234


def test_decimal_comma_only_when_asked() -> None:
    assert parse_number("9,5", decimal_comma=True) == 9.5
    with pytest.raises(EntryError):
        parse_number("9,5")


def test_add_to_a_csv_measure_in_date_order(capsys, cf_clinic: Path) -> None:
    csv_path = cf_clinic / "measures" / "seen-within-15.csv"
    before = csv_path.read_text().splitlines()
    code, out, _ = call(
        capsys,
        "measure",
        "add",
        str(cf_clinic),
        "seen-within-15",
        "23/11/2026",
        "28",
        "-n",
        "35",
        "--today",
        TODAY,
    )
    assert code == 0, out
    assert out.startswith("Added 1 value to seen-within-15")
    after = csv_path.read_text().splitlines()
    assert after == [*before, "2026-11-23,28,35,"]
    assert errors(cf_clinic) == 0


def test_backfilled_values_go_in_date_order_in_yaml(capsys, cf_clinic: Path) -> None:
    path = cf_clinic / "measures" / "clinic-overrun.yaml"
    before = path.read_text()
    assert (
        call(capsys, "measure", "add", str(cf_clinic), "clinic-overrun", "1 Nov 2026", "6", "--today", TODAY)[
            0
        ]
        == 0
    )
    code, _, _ = call(
        capsys,
        "measure",
        "add",
        str(cf_clinic),
        "clinic-overrun",
        "2026-09-15",
        "5",
        "--note",
        "audit week, all late",
    )
    assert code == 0
    text = path.read_text()
    assert text.startswith(before.split("  - date: 2026-10-01")[0])  # everything before is untouched
    assert "  - date: 2026-09-15\n    value: 5\n    note: audit week, all late\n  - date: 2026-10-01" in text
    assert text.endswith("  - date: 2026-11-01\n    value: 6\n")
    assert errors(cf_clinic) == 0


@pytest.mark.parametrize(
    "args,message",
    [
        (["seen-within-15", "2026-11-16", "20", "-n", "35"], "already have a value"),
        (["seen-within-15", "2026-11-30", "40", "-n", "35"], "more than all of them"),
        (["seen-within-15", "2026-11-30", "20"], "needs the denominator"),
        (["-n", "35", "--", "seen-within-15", "2026-11-30", "-2"], "cannot be right"),
        (["seen-within-15", "2027-01-04", "20", "-n", "35"], "in the future"),
        (["seen-within-15", "2026-02-30", "20", "-n", "35"], "not a real date"),
        (["seen-within-15", "2026-11-30", "twenty", "-n", "35"], "not a number"),
        (["clinic-wait", "2026-11-30", "12", "--note", "pt 943 476 5919 waited"], "identifies a patient"),
        (["clinic-wiat", "2026-11-30", "12"], "did you mean `clinic-wait`"),
    ],
)
def test_refusals_change_nothing(capsys, cf_clinic: Path, args: list[str], message: str) -> None:
    before = snapshot(cf_clinic)
    code, _, err = call(capsys, "measure", "add", "--today", TODAY, str(cf_clinic), *args)
    assert code in (1, 2)
    assert message in err
    assert snapshot(cf_clinic) == before


def test_import_a_semicolon_export_with_mapped_columns(capsys, cf_clinic: Path, tmp_path: Path) -> None:
    export = tmp_path / "waits.csv"
    export.write_bytes(
        b"Week;Mean wait;Comment\r\n30/11/2026;9,5;\r\n"
        b'07/12/2026;8,7;"busy; caf\xe9 closed"\r\n'  # Excel on Windows writes cp1252
    )
    code, out, _ = call(
        capsys,
        "measure",
        "import",
        str(cf_clinic),
        "clinic-wait",
        str(export),
        "--date-column",
        "week",
        "--value-column",
        "Mean wait",
        "--note-column",
        "Comment",
        "--today",
        TODAY,
    )
    assert code == 0, out
    assert "Added 2 values to clinic-wait" in out
    tail = (cf_clinic / "measures" / "clinic-wait.csv").read_text().splitlines()[-2:]
    assert tail == ["2026-11-30,9.5,", "2026-12-07,8.7,busy; café closed"]
    code, out, err = call(
        capsys,
        "measure",
        "import",
        str(cf_clinic),
        "clinic-wait",
        str(export),
        "--date-column",
        "Week",
        "--value-column",
        "Mean wait",
        "--skip-existing",
        "--today",
        TODAY,
    )
    assert code == 0 and "2 already there, skipped" in out, err
    assert errors(cf_clinic) == 0


def test_import_is_all_or_nothing_and_lists_every_bad_row(capsys, cf_clinic: Path, tmp_path: Path) -> None:
    export = tmp_path / "bad.csv"
    export.write_text("date,value\n2026-11-23,9\n2026-11-30,n/a\n31/02/2026,8\n2026-12-07,7\n")
    before = snapshot(cf_clinic)
    code, _, err = call(
        capsys, "measure", "import", str(cf_clinic), "clinic-wait", str(export), "--today", TODAY
    )
    assert code == 1
    assert "2 row(s) of bad.csv cannot be read" in err
    assert "row 3, column `value`:" in err and "row 4, column `date`:" in err
    assert snapshot(cf_clinic) == before
    code, _, err = call(
        capsys, "measure", "import", str(cf_clinic), "clinic-wait", str(export), "--value-column", "wait"
    )
    assert code == 2 and "no column `wait`" in err


def test_measure_list_and_show_from_inside_the_workbook(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(cf_clinic / "pdsa")
    code, out, _ = call(capsys, "measure", "list")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [
        "clinic-overrun",
        "clinic-wait",
        "inhaled-therapy-adherence",
        "seen-within-15",
    ]
    assert "55 value(s), newest 2026-11-16" in lines[1]
    code, out, _ = call(capsys, "measure", "show", "seen-within-15", "--last", "2")
    assert code == 0
    assert out.startswith("seen-within-15: Patients seen within 15 minutes of arrival (process, p chart")
    assert "data source: clinic list times, counted by reception" in out
    assert " / " in out.splitlines()[-1]  # a proportion shows what it is out of
    assert len([line for line in out.splitlines() if line.startswith("    2026-")]) == 2
    code, _, err = call(capsys, "measure", "show", "seen-within-16")
    assert code == 2 and "did you mean `seen-within-15`?" in err
