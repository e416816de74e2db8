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

from microsys import sheets
from microsys.dataentry import (
    ZERO_DENOMINATOR_NOTE,
    Entry,
    EntryError,
    duplicates,
    judge,
    parse_date,
    parse_number,
)
from microsys.errors import RefusedError, UsageError
from microsys.schema.measures import DataPoint, Measure
from microsys.schema.messages import did_you_mean
from microsys.sheets import SheetError
from microsys.shell import quote
from microsys.storage import Change
from microsys.workbook import privacy
from microsys.workbook.loader import Workbook, refuse_if_broken
from microsys.workbook.privacy_gate import refuse_identifiers_in_text, refuse_new_identifiers
from microsys.yaml.edit import YamlDocument

MAX_LISTED = 12


@dataclass(frozen=True)
class Added:
    """What an add or import will write."""

    change: Change
    rel: str
    added: int
    skipped: int
    # Things the user should know although nothing is wrong (one line each).
    notes: tuple[str, ...] = ()


def _measure(wb: Workbook, measure_id: str) -> tuple[Measure, str]:
    for sf, model in wb.records("measure"):
        if isinstance(model, Measure) and model.id == measure_id:
            if sf.has_errors:
                break
            return model, sf.rel
    if wb.file(f"measures/{measure_id}.yaml") is not None:
        raise RefusedError(
            f"the measure `{measure_id}` has errors, so microsys will not add to it",
            hint=f"run `microsys check {quote(wb.path)}` and fix them first",
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
            where = f"row {e.row} ({e.date})" if e.row is not None else str(e.date)
            problems.append(f"{where}: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
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
    # A value or date can spell an identifier as well as a note can (a column of NHS
    # numbers imported as values): the new lines are judged as every write's are.
    refuse_new_identifiers(
        wb.path / target,
        change.expected.decode("utf-8", "replace") if change.expected is not None else None,
        change.content.decode("utf-8", "replace"),
        "write it",
    )
    return Added(change, target, len(ordered), skipped, _notes(entries, csv=measure.data is not None))


def _where(e: Entry) -> str:
    return f"row {e.row} ({e.date})" if e.row is not None else str(e.date)


def _notes(entries: Sequence[Entry], *, csv: bool) -> tuple[str, ...]:
    notes = [f"{_where(e)}: {ZERO_DENOMINATOR_NOTE}" for e in entries if e.denominator == 0]
    formulas = [e for e in entries if e.note and sheets.is_formula(" ".join(e.note.split()))]
    for e in formulas[:MAX_LISTED]:
        notes.append(
            f"{_where(e)}: the note starts like a spreadsheet formula (`{(e.note or '')[:30]}`)"
            + (", so it is written with a leading ' and a spreadsheet shows it as text" if csv else "")
        )
    if len(formulas) > MAX_LISTED:
        notes.append(f"... and {len(formulas) - MAX_LISTED} more notes that start like a formula")
    return tuple(notes)


def _into_yaml(wb: Workbook, rel: str, entries: Sequence[Entry]) -> tuple[Change, str]:
    from microsys.yaml.edit import append_item, block_list, new_mapping

    doc = YamlDocument.read(wb.root / rel, wb.path / rel)
    seq = block_list(doc.data, "values")
    last_fa = getattr(seq[-1], "fa", None) if seq else None
    flow = bool(last_fa is not None and last_fa.flow_style())
    dates = [_as_date(item.get("date")) if isinstance(item, dict) else dt.date.min for item in seq]
    for e in entries:
        item = new_mapping()
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
    try:
        table = sheets.read_table(text)
    except SheetError as exc:
        raise RefusedError(f"{wb.path / csv_rel}: {exc}; nothing was written", hint=exc.hint) from None
    newline = table.newline
    header = [h.strip().lower() for h in table.header] or ["date", "value"]
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
    value_at = header.index("value") if "value" in header else None
    decimal = table.default_decimal
    if value_at is not None:
        cells_of = ((r.line, r.cell(value_at)) for r in table.rows)
        decimal = sheets.column_decimal(cells_of, table.default_decimal)
    lines = text.split(newline)
    if lines and lines[-1] == "":
        lines.pop()
    rows = list(table.rows)
    dates = [_as_date(r.cell(date_at)) for r in rows]
    # One pass: each new row goes before the first existing row dated later (entries are sorted).
    inserts: dict[int, list[str]] = {}
    for e in entries:
        k = bisect_right(dates, e.date)
        at = rows[k].line - 1 if k < len(rows) else len(lines)
        cells = {
            "date": e.date.isoformat(),
            "value": _decimal_text(e.value, decimal),
            "denominator": _decimal_text(e.denominator, decimal) if e.denominator is not None else "",
            # Teams open this file in spreadsheets: a note must never run as a formula.
            "note": sheets.neutralise(" ".join(e.note.split())) if e.note else "",
        }
        buf = io.StringIO()
        csv.writer(buf, delimiter=table.delimiter, lineterminator="").writerow(
            [cells.get(h, "") for h in header]
        )
        inserts.setdefault(at, []).append(buf.getvalue())
    out: list[str] = []
    for i, line in enumerate(lines):
        out.extend(inserts.get(i, ()))
        out.append(line)
    out.extend(inserts.get(len(lines), ()))
    body = newline.join(out) + newline
    prefix = "\ufeff" if text != raw.decode("utf-8") else ""
    return Change(path, (prefix + body).encode("utf-8"), raw), csv_rel


def _decimal_text(v: float, decimal: str) -> str:
    text = _number_text(v)
    return text.replace(".", ",") if decimal == "," else text


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
    """Entries from a spreadsheet export, read by :mod:`microsys.sheets`; every bad row is listed.

    Raises:
        UsageError: the file cannot be read or has no such column.
        RefusedError: the file or some rows cannot be read exactly.
    """
    try:
        raw = sheets.read_path(path)
        # Judged whole before any cell is read: a refusal below quotes the cell it
        # cannot read, and a spreadsheet of single patients is refused as a whole.
        refuse_identifiers_in_text(path, sheets.decode(raw)[0], "import it")
        table = sheets.read_table(raw)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except SheetError as exc:
        raise RefusedError(f"{path}: {exc}; nothing was written", hint=exc.hint) from None
    if not table.header:
        raise UsageError(f"{path} is empty")
    header = list(table.header)
    di = _column(header, columns.date, "date", "--date-column", True)
    vi = _column(header, columns.value, "value", "--value-column", True)
    ni = _column(header, columns.denominator, "denominator", "--denominator-column", False)
    oi = _column(header, columns.note, "note", "--note-column", False)
    assert di is not None and vi is not None
    problems: list[str] = []

    def problem(exc: SheetError) -> None:
        problems.append(str(exc) + (f" ({exc.hint})" if exc.hint else ""))

    rows = list(table.rows)
    decimals: dict[int, sheets.values.Decimal] = {}
    for i in (vi, ni):
        if i is not None:
            try:
                decimals[i] = sheets.column_decimal(
                    ((r.line, r.cell(i)) for r in rows), table.default_decimal
                )
            except SheetError as exc:
                problem(exc.at(None, header[i]))
    order: sheets.values.DateOrder = "mdy" if month_first else "dmy"
    if date_format is None:
        try:
            order = sheets.column_date_order(((r.line, r.cell(di)) for r in rows), month_first)
        except SheetError as exc:
            problem(exc.at(None, header[di]))
    entries: list[Entry] = []
    for row in rows:
        if len(row.cells) > len(header):
            problem(
                SheetError(
                    f"this row has {len(row.cells)} cells but the header has {len(header)}",
                    hint="put text holding the separator in quotes, or remove the extra separators",
                    row=row.line,
                )
            )
            continue

        def read(i: int, what: str, row: sheets.Row = row) -> sheets.Number:
            text = row.cell(i)
            if not text:
                raise SheetError(f"the {what} is empty", row=row.line, column=header[i], col=row.col(i))
            try:
                return sheets.parse_number(text, decimals.get(i, table.default_decimal))
            except SheetError as exc:
                raise exc.at(row.line, header[i], row.col(i)) from None

        try:
            try:
                day = sheets.parse_date(row.cell(di), order, date_format)
            except SheetError as exc:
                raise exc.at(row.line, header[di], row.col(di)) from None
            value = read(vi, "value")
            denominator = read(ni, "denominator") if ni is not None and row.cell(ni) else None
            entries.append(
                Entry(
                    date=day,
                    value=value.value,
                    denominator=denominator.value if denominator is not None else None,
                    note=row.cell(oi) or None,
                    row=row.line,
                    percent=value.percent,
                )
            )
        except SheetError as exc:
            problem(exc)
    if problems:
        _refuse(problems, f"{len(problems)} row(s) of {path.name} cannot be read")
    return entries


@dataclass(frozen=True)
class MeasureView:
    """A measure as `measure list|show` shows it."""

    measure: Measure
    rel: str
    values: tuple[DataPoint, ...]


def views(path: Path) -> tuple[Workbook, list[MeasureView]]:
    """Every valid measure of the workbook at ``path``, by id; refused while it holds identifiers.

    Raises:
        IdentifierRefusedError: the workbook holds what looks like a patient identifier.
    """
    from microsys.workbook.loader import open_workbook
    from microsys.workbook.privacy_gate import refuse_identifiers

    wb = open_workbook(path)
    refuse_identifiers(wb, "show its measures")
    found = [
        MeasureView(model, sf.rel, tuple(wb.values(model.id)))
        for sf, model in wb.records("measure")
        if isinstance(model, Measure)
    ]
    return wb, sorted(found, key=lambda v: v.measure.id)


def view(path: Path, measure_id: str) -> tuple[Workbook, MeasureView]:
    """One measure of the workbook at ``path``.

    Raises:
        UsageError: no such measure.
        RefusedError: it has errors, or the workbook holds identifiers.
    """
    wb, found = views(path)
    _measure(wb, measure_id)  # says what is wrong when it is not there
    return wb, next(v for v in found if v.measure.id == measure_id)


# ---------------------------------------------------------------------------
# Removing a measure

# Keys whose value names a measure, in any record (aims, cycles, playbook, 5Ps, hand-offs ...).
MEASURE_KEYS = frozenset({"measure", "measures"})


@dataclass(frozen=True)
class Removal:
    """What removing a measure deletes, all at once, and what it keeps."""

    measure: Measure
    files: tuple[str, ...]
    """Workbook-relative paths deleted: the measure's YAML file, then its data file."""
    values: int
    """How many values are deleted with it."""
    kept: tuple[str, ...]
    """Data files kept because another measure reads them too."""
    changes: tuple[Change, ...]


def references(wb: Workbook, measure_id: str, own: str) -> list[str]:
    """``file:line: what`` for each place outside ``own`` that names the measure."""
    from microsys.yaml.positions import references as find

    found = []
    for sf in wb.files:
        if sf.rel == own or sf.text is None or not sf.rel.endswith((".yaml", ".yml")):
            continue
        if measure_id not in sf.text:  # cheap: most files never mention it
            continue
        for where, line, col in find(sf.text, MEASURE_KEYS, measure_id):
            found.append(f"{wb.path / sf.rel}:{line}:{col}: {_reader(where)}")
    return found


def _reader(where: Sequence[Any]) -> str:
    """A YAML path as a person reads it: `specific_aims` item 2, `measure`."""
    parts = []
    for part in where:
        parts.append(f"item {part + 1}" if isinstance(part, int) else f"`{part}`")
    return " > ".join(parts)


def plan_removal(wb: Workbook, measure_id: str, *, force: bool = False) -> Removal:
    """Plan the removal of a measure and its data, refused while anything names it.

    Git is the undo: files git could not give back (new, changed or ignored) are
    refused unless ``force``, and so is a workbook not in git.

    Raises:
        UsageError: there is no such measure.
        RefusedError: the measure has errors, records name it, or its files are not committed.
    """
    from microsys import gitinfo
    from microsys.storage import deletion, read_bytes

    found = next(
        ((sf, m) for sf, m in wb.records("measure") if isinstance(m, Measure) and m.id == measure_id), None
    )
    if found is None:
        if wb.file(f"measures/{measure_id}.yaml") is not None:
            raise RefusedError(
                f"the measure `{measure_id}` has errors, so microsys cannot tell which files are its data; "
                "nothing was removed",
                hint=f"run `microsys check {quote(wb.path)}` and fix them first",
            )
        _measure(wb, measure_id)  # says there is no such measure, with the closest id
        raise AssertionError("unreachable")  # pragma: no cover
    sf, model = found
    measure = model if isinstance(model, Measure) else None
    assert measure is not None
    named = references(wb, measure_id, sf.rel)
    if named:
        listed = "\n  ".join(named[:MAX_LISTED])
        more = f"\n  ... and {len(named) - MAX_LISTED} more" if len(named) > MAX_LISTED else ""
        raise RefusedError(
            f"{len(named)} place(s) name the measure `{measure_id}`, so it was not removed:"
            f"\n  {listed}{more}",
            hint="remove or change each of them first (a specific aim, a cycle's or playbook's "
            "`measures:` ...), then run this again",
        )
    rels = [sf.rel]
    kept = []
    if measure.data is not None:
        data = (PurePath(sf.rel).parent / measure.data).as_posix()
        shared = [
            other.rel
            for other, m in wb.records("measure")
            if isinstance(m, Measure)
            and other.rel != sf.rel
            and m.data is not None
            and (PurePath(other.rel).parent / m.data).as_posix() == data
        ]
        if shared:
            kept.append(data)
        elif wb.file(data) is not None:
            rels.append(data)
    paths = [wb.root / rel for rel in rels]
    if not force:
        lost = gitinfo.uncommitted(wb.root, paths)
        if lost is None:
            raise RefusedError(
                f"{wb.path} is not kept in git, so the removed files could not be got back; "
                "nothing was removed",
                hint="keep the workbook in git (`git init`, then commit), "
                "or add --force to remove them for good",
            )
        if lost:
            shown = ", ".join(str(wb.path / PurePath(p.relative_to(wb.root)).as_posix()) for p in lost)
            raise RefusedError(
                f"{shown}: not committed to git, so removing would lose it for good; nothing was removed",
                hint="commit it first (`git add` and `git commit`), then run this again; "
                "or add --force to remove it anyway",
            )
    changes = []
    for path in paths:
        before = read_bytes(path)
        if before is not None:
            changes.append(deletion(path, before))
    values = sum(1 for p in wb.values(measure_id) if p.value is not None)
    return Removal(measure, tuple(rels), values, tuple(kept), tuple(changes))
