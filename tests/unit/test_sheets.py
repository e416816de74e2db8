"""The one spreadsheet reader: files, cells, refusals that name the row, and its speed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microsys.sheets import (
    MAX_DATE,
    MIN_DATE,
    SheetError,
    column_date_order,
    column_decimal,
    is_formula,
    neutralise,
    parse_date,
    parse_number,
    parse_quantity,
    read_table,
    table,
)
from microsys.sheets.table import MAX_CELL, Row
from microsys.sheets.values import evidence


def cells(data: bytes | str) -> list[tuple[str, ...]]:
    table = read_table(data)
    return [table.header, *(r.cells for r in table.rows)]


def refusal(data: bytes | str) -> SheetError:
    with pytest.raises(SheetError) as info:
        read_table(data)
    return info.value


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_line_ends_and_separators(newline: str, delimiter: str) -> None:
    text = newline.join(
        delimiter.join(r) for r in [("date", "value"), ("2026-01-05", "4"), ("2026-01-12", "5")]
    )
    table = read_table((text + newline).encode())
    assert table.delimiter == delimiter and table.newline == newline
    assert [r.cells for r in table.rows] == [("2026-01-05", "4"), ("2026-01-12", "5")]
    assert [r.line for r in table.rows] == [2, 3]


@pytest.mark.parametrize(
    "raw,encoding",
    [
        ("date,note\n2026-01-05,café\n".encode(), "utf-8"),
        ("\ufeffdate,note\n2026-01-05,café\n".encode(), "utf-8-sig"),
        ("date,note\n2026-01-05,café\n".encode("utf-16"), "utf-16"),
        ("date,note\n2026-01-05,café\n".encode("cp1252"), "cp1252"),
    ],
)
def test_encodings(raw: bytes, encoding: str) -> None:
    table = read_table(raw)
    assert table.encoding == encoding and table.header == ("date", "note")
    assert table.rows[0].cells == ("2026-01-05", "café")


def test_mixed_utf8_and_windows_1252_is_refused_naming_the_row() -> None:
    raw = "date,note\n2026-01-05,café\n".encode() + "2026-01-12,déjà vu\n".encode("cp1252")
    err = refusal(raw)
    assert err.row == 3 and "mixes two encodings" in err.message


@pytest.mark.parametrize(
    "raw,row",
    [
        (b"date,value\n2026-01-05,4\n\x00\x01\x02", 3),
        (b"PK\x03\x04\x14\x00binary", None),
        (b"date,value\n2026-01-05,4\x07\n", 2),
        ("date,value\n2026-01-05,4\n".encode("utf-16-le"), 1),
    ],
)
def test_binary_and_control_bytes_are_refused(raw: bytes, row: int | None) -> None:
    err = refusal(raw)
    assert err.row == row


def test_only_double_quotes_quote() -> None:
    assert cells("date,note\n2026-01-05,it's, fine\n")[1] == ("2026-01-05", "it's", " fine")
    assert cells('date,note\n2026-01-05,"it\'s, fine"\n')[1] == ("2026-01-05", "it's, fine")
    assert cells('date,note\n2026-01-05, "say ""hi"", ok" \n')[1] == ("2026-01-05", 'say "hi", ok')
    assert cells('date,note\n2026-01-05,a 5" screen\n')[1] == ("2026-01-05", 'a 5" screen')


def test_a_quoted_cell_may_span_lines_and_rows_keep_their_first_line() -> None:
    table = read_table('date,note\r\n2026-01-05,"two\r\nlines"\r\n2026-01-12,x\r\n')
    assert [(r.line, r.cells) for r in table.rows] == [
        (2, ("2026-01-05", "two\nlines")),
        (4, ("2026-01-12", "x")),
    ]


def test_an_unclosed_quote_is_refused_where_it_opens() -> None:
    err = refusal(
        'date,value,note\n2026-01-05,4,ok\n2026-01-12,5,"never closed\n2026-01-19,6,x\n2026-01-26,7,y\n'
    )
    assert (err.row, err.col) == (3, 14)
    assert "never closed" in err.message


def test_text_after_a_closing_quote_is_refused() -> None:
    err = refusal('date,note\n2026-01-05,"a"b\n')
    assert err.row == 2


def test_a_3_mb_cell_is_refused_with_its_row() -> None:
    big = "x" * (3 * 1024 * 1024)
    for text in (f"date,note\n2026-01-05,{big}\n", f'date,note\n2026-01-05,"{big}"\n'):
        err = refusal(text.encode())
        assert err.row == 2 and f"{MAX_CELL:,}" in err.message


def test_blank_rows_are_skipped_and_widths_kept() -> None:
    table = read_table("a,b\n\n1,2\n,\n3\n")
    assert [(r.line, r.cells) for r in table.rows] == [(3, ("1", "2")), (5, ("3",))]
    assert table.rows[1].cell(1) == ""


def test_semicolon_export_with_commas_in_its_header_is_sniffed() -> None:
    table = read_table("Week;Wait (mins, mean);n\n01/02/2026;9,5;3\n08/02/2026;10,25;4\n")
    assert table.delimiter == ";" and table.default_decimal == ","


@pytest.mark.parametrize(
    "text,decimal,value",
    [
        ("1234.5", ".", 1234.5),
        ("1,234.5", ".", 1234.5),
        ("1 234.5", ".", 1234.5),
        ("1'234.5", ".", 1234.5),
        ("1.234,5", ",", 1234.5),
        ("1 234,5", ",", 1234.5),
        ("1\u202f234,5", ",", 1234.5),
        ("9,5", ",", 9.5),
        ("-5", ".", -5),
        ("\u22125", ".", -5),
        ("1.5e3", ".", 1500),
        ("1,234", ".", 1234),
        ("1,234", ",", 1.234),
        ("1.234", ",", 1234),
    ],
)
def test_numbers_in_each_style(text: str, decimal: str, value: float) -> None:
    assert parse_number(text, decimal).value == pytest.approx(value)  # type: ignore[arg-type]


def test_percent_is_kept_as_written_and_flagged() -> None:
    assert parse_number("45%").value == 45 and parse_number("45 %").percent


@pytest.mark.parametrize(
    "text", ["inf", "-inf", "nan", "NaN", "1e308", "-1e300", "#DIV/0!", "12,5", "1,2345", "ten"]
)
def test_impossible_or_unreadable_numbers_are_refused(text: str) -> None:
    with pytest.raises(SheetError):
        parse_number(text, ".")


def test_a_column_decides_its_decimal_mark() -> None:
    assert column_decimal([(2, "1,234"), (3, "12.5")], ",") == "."
    assert column_decimal([(2, "1.234"), (3, "0,75")], ".") == ","
    assert column_decimal([(2, "1,234"), (3, "7")], ",") == ","
    with pytest.raises(SheetError) as info:
        column_decimal([(2, "12.5"), (3, "0,75")], ".")
    assert info.value.row == 3


@pytest.mark.parametrize(
    "text,day",
    [
        ("2026-03-31", dt.date(2026, 3, 31)),
        ("2026-03-31T08:00:00", dt.date(2026, 3, 31)),
        ("2026-03-31 00:00:00", dt.date(2026, 3, 31)),
        ("31/03/2026", dt.date(2026, 3, 31)),
        ("31-03-2026", dt.date(2026, 3, 31)),
        ("31.03.2026", dt.date(2026, 3, 31)),
        ("31/03/26", dt.date(2026, 3, 31)),
        ("31 Mar 2026", dt.date(2026, 3, 31)),
        ("31-Mar-2026", dt.date(2026, 3, 31)),
        ("Mar 31, 2026", dt.date(2026, 3, 31)),
        ("March 2026", dt.date(2026, 3, 1)),
        ("2026-03", dt.date(2026, 3, 1)),
    ],
)
def test_dates_as_spreadsheets_export_them(text: str, day: dt.date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1899-12-31", "2026-02-30", "last Tuesday", ""])
def test_dates_a_chart_cannot_mean_are_refused(text: str) -> None:
    with pytest.raises(SheetError):
        parse_date(text)


def test_day_or_month_first_is_decided_by_the_column() -> None:
    assert column_date_order([(2, "03/04/2026"), (3, "13/04/2026")]) == "dmy"
    assert column_date_order([(2, "03/04/2026"), (3, "04/13/2026")]) == "mdy"
    assert column_date_order([(2, "03/04/2026")]) == "dmy"
    assert column_date_order([(2, "03/04/2026")], month_first=True) == "mdy"
    with pytest.raises(SheetError) as info:
        column_date_order([(2, "13/04/2026"), (3, "04/13/2026")])
    assert info.value.row == 3
    with pytest.raises(SheetError):
        column_date_order([(2, "13/04/2026")], month_first=True)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1,200 patients", (1200, "patients")),
        ("52 minutes", (52, "minutes")),
        ("36%", (36, "%")),
        ("12.5 hours", (12.5, "hours")),
        ("60 per week", (60, "per week")),
    ],
)
def test_quantities(text: str, expected: tuple[float, str]) -> None:
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text", ["12,5 minutes", "1,20 patients", "40", "minutes"])
def test_quantities_never_half_read(text: str) -> None:
    with pytest.raises(SheetError):
        parse_quantity(text)


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+SUM(A1)", "-A1", "@cmd", "- see notes"])
def test_formulas_are_neutralised(text: str) -> None:
    assert is_formula(text) and neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["-5", "+3.5", "-1,234.5", "plain", "", "a=b"])
def test_numbers_and_text_are_left_alone(text: str) -> None:
    assert neutralise(text) == text


CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"), max_size=20
)


@settings(max_examples=150)
@given(
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.integers(2, 4).flatmap(
        lambda w: st.lists(st.lists(CELL, min_size=w, max_size=w), min_size=1, max_size=8)
    ),
)
def test_round_trip_of_written_tables(delimiter: str, newline: str, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_ALL)
    header = [f"c{i}" for i in range(len(rows[0]))]
    writer.writerow(header)
    writer.writerows(rows)
    table = read_table(buf.getvalue().encode("utf-8"), delimiter=delimiter)
    assert list(table.header) == header
    kept = [r for r in rows if any(c.strip() for c in r)]
    assert [list(r.cells) for r in table.rows] == kept


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_any_bytes_give_rows_or_a_refusal_naming_a_row(raw: bytes) -> None:
    try:
        read_table(raw)
    except SheetError as exc:
        assert exc.row is not None or exc.message


@settings(max_examples=300)
@given(st.text(alphabet='ab,;\t"\r\n \x00é', max_size=60))
def test_any_text_gives_rows_or_a_refusal_naming_a_row(text: str) -> None:
    try:
        read_table(text.encode("utf-8"))
    except SheetError as exc:
        assert exc.row is not None and exc.row >= 1


def _styles(value: float) -> list[tuple[str, str]]:
    plain = f"{value:.2f}"
    grouped = f"{value:,.2f}"
    return [
        (plain, "."),
        (grouped, "."),
        (grouped.replace(",", " "), "."),
        (grouped.replace(",", "'"), "."),
        (plain.replace(".", ","), ","),
        (grouped.replace(",", "_").replace(".", ",").replace("_", "."), ","),
        (grouped.replace(",", "\u00a0").replace(".", ","), ","),
    ]


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_numbers_in_every_locale_style_read_back_equal(value: object) -> None:
    exact = float(value)  # type: ignore[arg-type]
    for text, decimal in _styles(exact):
        assert parse_number(text, decimal).value == pytest.approx(exact), text  # type: ignore[arg-type]


@given(st.text(alphabet="0123456789\u0661\u00b2", min_size=1, max_size=20), st.sampled_from([".", ","]))
def test_whole_numbers_read_as_a_cell_with_spaces_around_them_does(text: str, decimal: str) -> None:
    # Whole numbers take a short cut; a space around the cell takes the general path.
    from microsys.sheets.values import evidence

    def outcome(cell: str) -> object:
        try:
            return parse_number(cell, decimal)  # type: ignore[arg-type]
        except SheetError as exc:
            return exc.message.replace(" ", "")

    assert outcome(text) == outcome(f" {text} ")
    assert evidence(text) == evidence(f" {text} ")
    assert column_decimal([(2, text)], ",") == column_decimal([(2, f" {text} ")], ",")


@given(st.dates(MIN_DATE, MAX_DATE))
def test_dates_read_back(day: dt.date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(day.strftime("%d-%b-%Y")) == day


def _time(rows: int, quoted: bool) -> float:
    note = '"a, b"' if quoted else "ab"
    raw = ("date,value,note\n" + "".join(f"2026-01-05,{i}.5,{note}\n" for i in range(rows))).encode()
    # CPU time of this process: other work on a shared machine does not count.
    start = time.process_time()
    table = read_table(raw)
    elapsed = time.process_time() - start
    assert len(table.rows) == rows
    return elapsed


@pytest.mark.parametrize("quoted", [False, True])
def test_reading_is_linear_in_the_size_of_the_file(quoted: bool) -> None:
    small = min(_time(5_000, quoted) for _ in range(3))
    large = min(_time(40_000, quoted) for _ in range(3))
    # Eight times the rows: linear is about 8x; quadratic would be about 64x.
    assert large / small < 24


# --- the quick ways through the commonest cells and lines read what the full way reads ----------

_CELL = st.one_of(
    st.from_regex(r"[0-9]{1,6}(\.[0-9]{0,5})?", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.text(alphabet="0123456789.,-+%e '\u00a0\u0661", max_size=12),
)


def _outcome(read, *args):  # type: ignore[no-untyped-def]
    try:
        return ("ok", read(*args))
    except SheetError as exc:
        return ("error", exc.message, exc.hint, exc.row)


@settings(max_examples=600)
@given(_CELL, st.sampled_from([".", ","]))
def test_a_number_cell_reads_the_same_by_the_quick_way_and_the_full_way(text: str, decimal: str) -> None:
    # A space in front keeps a cell off the quick ways (they take only bare digits and a point).
    assert _outcome(parse_number, text, decimal) == _outcome(parse_number, " " + text, decimal)
    assert _outcome(evidence, text) == _outcome(evidence, " " + text)


@settings(max_examples=600)
@given(
    st.one_of(_CELL, st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat)),
    st.sampled_from(["dmy", "mdy"]),
)
def test_a_date_cell_reads_the_same_by_the_quick_way_and_the_full_way(text: str, order: str) -> None:
    assert _outcome(parse_date, text, order) == _outcome(parse_date, " " + text, order)


_LINES = st.lists(
    st.text(alphabet=",;\t a1 \u00a0", max_size=9),
    max_size=70,
).map("\n".join)


def _tokenised(text: str) -> tuple[str, list[Row]]:
    # The full way: every line tokenised for each separator, blank rows dropped after.
    chosen = table._sniff(text)
    return chosen, [row for row in table._tokens(text, chosen) if not table._blank(row)]


@settings(max_examples=400)
@given(_LINES)
def test_lines_without_quotes_split_as_the_tokeniser_splits_them(text: str) -> None:
    assert _quick_way(text) == _full_way(text)


def _full_way(text: str) -> object:
    try:
        chosen, rows = _tokenised(text)
    except SheetError as exc:
        return (exc.message, exc.row, exc.col)
    return (chosen, rows[0].cells, rows[0].cols, rows[1:]) if rows else (chosen, (), (), [])


def _quick_way(text: str) -> object:
    try:
        read = read_table(text)
    except SheetError as exc:
        return (exc.message, exc.row, exc.col)
    return (read.delimiter, read.header, read.header_cols, list(read.rows))


@pytest.mark.parametrize(
    "text",
    [
        "date,value\nxxxxxxxx,1\n",  # too long in the first row (to the first separator)
        "date,value\n1,2\n" + "      \n" + "1,xxxxxxx\n",  # after a blank-looking row
        "date,value\n" + "\t\t\t\t\t\t\t\n" + "1,2\n",  # a blank row too long for one separator
        "a;b\n1;2\n" + "1,2,3,4,5,6,7\n",  # too long only when not split by `,`
        "a,b\n" + "x;" * 60 + "\n",
    ],
)
def test_a_cell_too_long_is_refused_at_the_same_place_either_way(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table, "MAX_CELL", 6)
    assert table._sniff(text, text.split("\n")) == table._sniff(text)
    assert _quick_way(text) == _full_way(text)
