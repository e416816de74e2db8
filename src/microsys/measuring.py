"""``microsys measure add|import``: values into a measure, all or nothing.

Values go where the measure keeps them: its CSV (``data:``) or its
``values:`` list. New values are placed in date order; every existing line is
kept as it was. Nothing is written unless every new value is readable and
possible (see :mod:`microsys.dataentry`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from microsys.dataentry import Entry, EntryError, duplicates, judge, parse_date, parse_number
from microsys.errors import RefusedError, UsageError
from microsys.schema.measures import Measure
from microsys.schema.messages import did_you_mean
from microsys.storage import Change
from microsys.workbook import privacy
from microsys.workbook.loader import Workbook, refuse_if_broken
from microsys.yaml.edit import YamlDocument

MAX_LISTED = 12


@dataclass(frozen=True)
class Added:
    """What an add or import will write."""

    change: Change
    rel: str
    added: int
    skipped: int


def _measure(wb: Workbook, measure_id: str) -> tuple[Measure, str]:
    for sf, model in wb.records("measure"):
        if isinstance(model, Measure) and model.id == measure_id:
            if sf.has_errors:
                break
            return model, sf.rel
    if wb.file(f"measures/{measure_id}.yaml") is not None:
        raise RefusedError(
            f"the measure `{measure_id}` has errors, so microsys will not add to it",
            hint=f"run `microsys check {wb.path}` and fix them first",
        )
    known = sorted(m.id for m in wb.measures)
    guess = did_you_mean(measure_id, known)
    raise UsageError(
        f"there is no measure `{measure_id}` in {wb.path / 'measures'}",
        hint=f"did you mean `{guess}`?"
        if guess
        else ("measures: " + ", ".join(known) if known else "create one with `microsys new measure`"),
    )


def _refuse(problems: Sequence[str], what: str) -> None:
    listed = "\n  ".join(problems[:MAX_LISTED])
    more = f"\n  ... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    raise RefusedError(f"{what}; nothing was written:\n  {listed}{more}")


def _check_privacy(entries: Sequence[Entry]) -> None:
    for e in entries:
        if e.note and privacy.scan_text(Path("note"), e.note):
            raise RefusedError(
                f"the note for {e.date} looks like it identifies a patient "
                "(an NHS number, a name, a date of birth or another identifier); nothing was written",
                hint="workbooks hold aggregates only: leave patient details out of notes",
            )


def _number_text(v: float) -> str:
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)


def _yaml_number(v: float) -> int | float:
    return int(v) if v == int(v) and abs(v) < 1e15 else v


def prepare(
    wb: Workbook, measure_id: str, entries: Sequence[Entry], today: dt.date, *, skip_existing: bool = False
) -> Added:
    """Judge the entries and plan the change that adds them.

    Raises:
        RefusedError: a value is impossible, duplicated or identifying; nothing is planned.
    """
    measure, rel = _measure(wb, measure_id)
    problems = []
    for e in entries:
        try:
            judge(measure, e, today)
        except EntryError as exc:
            problems.append(f"{e.date}: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
    if problems:
        _refuse(problems, f"{len(problems)} value(s) for {measure_id} cannot be right")
    _check_privacy(entries)
    existing = [(p.date, p.value if p.value is not None else float("nan")) for p in wb.values(measure_id)]
    skipped = 0
    if skip_existing:
        have = {(d, v) for d, v in existing}
        kept = [e for e in entries if (e.date, e.value) not in have]
        skipped = len(entries) - len(kept)
        entries = kept
    clashes = duplicates(measure, existing, entries)
    if clashes:
        _refuse(clashes, f"{len(clashes)} date(s) of {measure_id} already have a value")
    ordered = sorted(entries, key=lambda e: e.date)
    if measure.data is None:
        change, target = _into_yaml(wb, rel, ordered)
    else:
        change, target = _into_csv(wb, rel, measure, ordered)
    return Added(change, target, len(ordered), skipped)


def _into_yaml(wb: Workbook, rel: str, entries: Sequence[Entry]) -> tuple[Change, str]:
    from ruamel.yaml.comments import CommentedMap

    from microsys.yaml.edit import append_item, block_list

    doc = YamlDocument.read(wb.root / rel, wb.path / rel)
    seq = block_list(doc.data, "values")
    last_fa = getattr(seq[-1], "fa", None) if seq else None
    flow = bool(last_fa is not None and last_fa.flow_style())
    dates = [_as_date(item.get("date")) if isinstance(item, dict) else dt.date.min for item in seq]
    for e in entries:
        item = CommentedMap()
        item["date"] = e.date
        item["value"] = _yaml_number(e.value)
        if e.denominator is not None:
            item["denominator"] = _yaml_number(e.denominator)
        if e.note:
            item["note"] = " ".join(e.note.split())
        if flow:
            item.fa.set_flow_style()
        at = bisect_right(dates, e.date)
        if at == len(seq):
            append_item(seq, item)
        else:
            seq.insert(at, item)
        dates.insert(at, e.date)
    return doc.change(), rel


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return dt.date.min


def _into_csv(wb: Workbook, rel: str, measure: Measure, entries: Sequence[Entry]) -> tuple[Change, str]:
    assert measure.data is not None
    csv_rel = (PurePath(rel).parent / measure.data).as_posix()
    path = wb.root / csv_rel
    refuse_if_broken(wb, wb.file(csv_rel), "add to")
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines()
    header = [h.strip().lower() for h in next(csv.reader([lines[0]]))] if lines else ["date", "value"]
    if any(e.denominator is not None for e in entries) and "denominator" not in header:
        raise RefusedError(
            f"{wb.path / csv_rel} has no denominator column; nothing was written",
            hint="add `denominator` to its first line, or leave out --denominator",
        )
    if any(e.note for e in entries) and "note" not in header:
        raise RefusedError(
            f"{wb.path / csv_rel} has no note column; nothing was written",
            hint="add `note` to its first line, or leave out the note",
        )
    date_at = header.index("date")
    dates: list[dt.date] = []
    positions: list[int] = []
    for i, row in enumerate(csv.reader(lines[1:]), start=1):
        if row and len(row) > date_at:
            dates.append(_as_date(row[date_at].strip()))
            positions.append(i)
    out = list(lines)
    for e in entries:
        cells = {
            "date": e.date.isoformat(),
            "value": _number_text(e.value),
            "denominator": _number_text(e.denominator) if e.denominator is not None else "",
            "note": " ".join(e.note.split()) if e.note else "",
        }
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow([cells.get(h, "") for h in header])
        k = bisect_right(dates, e.date)
        line_at = (positions[k - 1] + 1 if k > 0 else 1) if positions else len(out)
        out.insert(line_at, buf.getvalue())
        dates.insert(k, e.date)
        positions = [p + 1 if p >= line_at else p for p in positions]
        positions.insert(k, line_at)
    body = newline.join(out) + newline
    prefix = "\ufeff" if text != raw.decode("utf-8") else ""
    return Change(path, (prefix + body).encode("utf-8"), raw), csv_rel


def prepare_one(
    wb: Workbook,
    measure_id: str,
    date: str,
    value: str,
    *,
    denominator: str | None,
    note: str | None,
    today: dt.date,
    month_first: bool = False,
    date_format: str | None = None,
) -> Added:
    """One value typed on the command line, read and judged as :func:`prepare` does.

    Raises:
        RefusedError: the date or a number cannot be read, or the value cannot be right.
    """
    try:
        entry = Entry(
            date=parse_date(date, month_first=month_first, fmt=date_format),
            value=parse_number(value),
            denominator=parse_number(denominator, "denominator") if denominator is not None else None,
            note=note,
        )
    except EntryError as exc:
        raise RefusedError(exc.message + "; nothing was written", hint=exc.hint) from None
    return prepare(wb, measure_id, [entry], today)


@dataclass(frozen=True)
class Columns:
    """Which columns of an imported CSV hold what."""

    date: str | None = None
    value: str | None = None
    denominator: str | None = None
    note: str | None = None


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # Excel on Windows


def _column(header: list[str], wanted: str | None, default: str, flag: str, required: bool) -> int | None:
    lowered = [h.strip().lower() for h in header]
    name = (wanted or default).strip().lower()
    if name in lowered:
        return lowered.index(name)
    if wanted is None and not required:
        return None
    guess = did_you_mean(name, lowered)
    raise UsageError(
        f"the file has no column `{wanted or default}`",
        hint=(f"did you mean `{guess}`? " if guess else "")
        + f"columns: {', '.join(h.strip() for h in header)}; name the right one with {flag}",
    )


def read_rows(
    path: Path, columns: Columns, *, month_first: bool = False, date_format: str | None = None
) -> list[Entry]:
    """Entries from a spreadsheet export; every unreadable row is listed, none is dropped.

    Raises:
        UsageError: the file cannot be read or has no such column.
        RefusedError: some rows cannot be read.
    """
    try:
        text = _decode(path.read_bytes())
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        # Fall back on the separator the header line uses most.
        first = sample.splitlines()[0] if sample else ""
        delimiter = max(",;\t", key=first.count)

        class _Dialect(csv.excel):
            pass

        _Dialect.delimiter = delimiter
        dialect = _Dialect
    rows = list(csv.reader(io.StringIO(text), dialect))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise UsageError(f"{path} is empty")
    header, body = rows[0], rows[1:]
    di = _column(header, columns.date, "date", "--date-column", True)
    vi = _column(header, columns.value, "value", "--value-column", True)
    ni = _column(header, columns.denominator, "denominator", "--denominator-column", False)
    oi = _column(header, columns.note, "note", "--note-column", False)
    assert di is not None and vi is not None
    # Spreadsheets that separate cells with ; write decimals with a comma (9,5).
    decimal_comma = getattr(dialect, "delimiter", ",") == ";"
    entries, problems = [], []
    for line, row in enumerate(body, start=2):

        def cell(i: int | None, row: list[str] = row) -> str:
            return row[i].strip() if i is not None and i < len(row) else ""

        try:
            if not cell(vi):
                raise EntryError("the value is empty")
            entries.append(
                Entry(
                    date=parse_date(cell(di), month_first=month_first, fmt=date_format),
                    value=parse_number(cell(vi), decimal_comma=decimal_comma),
                    denominator=parse_number(cell(ni), "denominator", decimal_comma=decimal_comma)
                    if cell(ni)
                    else None,
                    note=cell(oi) or None,
                )
            )
        except EntryError as exc:
            problems.append(f"row {line}: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
    if problems:
        _refuse(problems, f"{len(problems)} row(s) of {path.name} cannot be read")
    return entries
