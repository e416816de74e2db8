"""``microsys export``: the whole organisation's workbooks as relational tables for analysts.

Tables are defined once in :data:`TABLES` (name, columns, SQL types, meaning);
the SQLite file, the CSV files and docs/export.md follow that table. Rows are
built from the loaded workbooks the way reports see them: a file with errors
contributes nothing (see :func:`microsys.workbook.loader.without_broken`).

An export is written whole or not at all: the SQLite database is built in a
temporary folder, then committed through :func:`microsys.storage.commit` (a
temporary file renamed into place). An existing file is replaced only when it
is itself a microsys export (it has the ``microsys_export`` table); CSV
folders likewise only when they hold ``microsys-export.json``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from microsys.errors import RefusedError, UsageError

if TYPE_CHECKING:
    from microsys.overview import StatusRow

EXPORT_VERSION = 1
MARKER_TABLE = "microsys_export"
CSV_MARKER = "microsys-export.json"


@dataclass(frozen=True)
class Column:
    """One column: name, SQL type and what it holds."""

    name: str
    type: str
    doc: str


@dataclass(frozen=True)
class Table:
    """One table of the export."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]


def _c(name: str, type_: str, doc: str) -> Column:
    return Column(name, type_, doc)


WB = _c(
    "workbook", "TEXT", "The workbook's folder relative to the exported folder (posix); joins every table."
)

TABLES: tuple[Table, ...] = (
    Table(
        MARKER_TABLE,
        "One row: what made the file and when. Its presence marks a file microsys may replace.",
        (
            _c("version", "INTEGER", "Version of this schema (1)."),
            _c("microsys_version", "TEXT", "The microsys version that wrote it."),
            _c("exported_on", "TEXT", "The date of the export (YYYY-MM-DD)."),
            _c("folder", "TEXT", "The folder exported, as given."),
        ),
        (),
    ),
    Table(
        "workbooks",
        "One row per micro- or mesosystem workbook.",
        (
            WB,
            _c("name", "TEXT", "Name from microsys.yaml."),
            _c("kind", "TEXT", "`microsystem` or `pathway`."),
            _c("setting", "TEXT", "clinic, ward, practice ... or pathway."),
            _c("organisation", "TEXT", "The organisation named in microsys.yaml."),
            _c("pathway", "TEXT", "For a microsystem, the pathway that links it (else its `mesosystem:`)."),
            _c("stage", "TEXT", "Current stage: assess, diagnose, treat or sustain."),
            _c("stage_since", "TEXT", "When the current stage began."),
            _c("improvement_cycle", "INTEGER", "1 for the first theme, 2 for the next ..."),
            _c("coaching_phase", "TEXT", "Current coaching phase."),
            _c("progress_score", "REAL", "Suggested IHI progress score (0.5 to 5)."),
            _c("m3_stage", "INTEGER", "Latest M3 development stage recorded (1 to 7), or empty."),
            _c("errors", "INTEGER", "Errors `check` finds in the workbook's own files."),
            _c("warnings", "INTEGER", "Warnings likewise."),
        ),
        ("workbook",),
    ),
    Table(
        "pathway_microsystems",
        "The microsystems each pathway links, in pathway order.",
        (
            _c("pathway", "TEXT", "The pathway workbook (see workbooks.workbook)."),
            _c("position", "INTEGER", "1 for the first microsystem a patient passes through."),
            _c("id", "TEXT", "The microsystem's id in pathway.yaml."),
            _c("workbook", "TEXT", "The linked microsystem workbook (see workbooks.workbook)."),
            _c("role", "TEXT", "`clinical` or `supporting`."),
        ),
        ("pathway", "id"),
    ),
    Table(
        "hand_offs",
        "Hand-offs between the microsystems of a pathway.",
        (
            _c("pathway", "TEXT", "The pathway workbook."),
            _c("id", "TEXT", "The hand-off's id."),
            _c("from_id", "TEXT", "Microsystem id handing off (pathway_microsystems.id)."),
            _c("to_id", "TEXT", "Microsystem id receiving."),
            _c("what", "TEXT", "What is handed off: patient, information, services (`;`-separated)."),
            _c("failure_points", "INTEGER", "How many known failure points."),
            _c("measures", "TEXT", "Measure ids watching it (`;`-separated)."),
        ),
        ("pathway", "id"),
    ),
    Table(
        "measures",
        "One row per measure.",
        (
            WB,
            _c("measure", "TEXT", "The measure's id."),
            _c("name", "TEXT", "Its name."),
            _c("type", "TEXT", "outcome, process or balancing."),
            _c("unit", "TEXT", "Unit of the values, if given."),
            _c("direction", "TEXT", "up, down or neutral: which way is better."),
            _c("chart", "TEXT", "Chart type (run, i, p, u, c ...)."),
            _c("frequency", "TEXT", "How often a value is recorded."),
            _c("target", "REAL", "Target, if any."),
            _c(
                "latest_signal",
                "TEXT",
                "improvement, concern, common or neutral: the latest point's variation.",
            ),
        ),
        ("workbook", "measure"),
    ),
    Table(
        "measure_values",
        "Every value of every measure, with the chart's lines and signals at its date.",
        (
            WB,
            _c("measure", "TEXT", "The measure's id."),
            _c("seq", "INTEGER", "Order of the value in its file (1, 2 ...)."),
            _c("date", "TEXT", "Date of the value (YYYY-MM-DD)."),
            _c("value", "REAL", "The value (numerator for proportions and rates); empty if not collected."),
            _c("denominator", "REAL", "The denominator, for proportions and rates."),
            _c("part", "INTEGER", "The chart part (phase) it belongs to, 1 first."),
            _c("centre", "REAL", "Centre line (median on a run chart) at its date."),
            _c("lower_limit", "REAL", "Lower control limit, if the chart has limits."),
            _c("upper_limit", "REAL", "Upper control limit."),
            _c(
                "signal", "INTEGER", "1 when the point is part of a signal (special cause or non-random run)."
            ),
            _c("point_type", "TEXT", "common, improvement, concern or neutral (Making Data Count)."),
        ),
        ("workbook", "measure", "seq"),
    ),
    Table(
        "cycles",
        "PDSA and SDSA cycles.",
        (
            WB,
            _c("cycle", "TEXT", "The cycle's id."),
            _c("kind", "TEXT", "`pdsa` or `sdsa`."),
            _c("change", "TEXT", "The change idea tested (PDSA) or standardised (SDSA)."),
            _c("previous", "TEXT", "The cycle it follows, if any."),
            _c("started", "TEXT", "When the test began."),
            _c("decided", "TEXT", "When Act was decided."),
            _c("decision", "TEXT", "adopt, adapt or abandon (or empty)."),
        ),
        ("workbook", "cycle", "kind"),
    ),
    Table(
        "moves",
        "Every recorded move on the ramp (track `ramp`) and through the coaching phases (`coaching`).",
        (
            WB,
            _c("track", "TEXT", "`ramp` or `coaching`."),
            _c("seq", "INTEGER", "Order within the track (1 first)."),
            _c("date", "TEXT", "When."),
            _c("from_stage", "TEXT", "Stage or phase left (empty at the start)."),
            _c("to_stage", "TEXT", "Stage or phase entered."),
            _c("by", "TEXT", "Who recorded it."),
            _c("forced", "INTEGER", "1 when moved past missing evidence."),
        ),
        ("workbook", "track", "seq"),
    ),
    Table(
        "m3_stages",
        "M3 development stages recorded by coaches, oldest first.",
        (
            WB,
            _c("seq", "INTEGER", "Order (1 first)."),
            _c("date", "TEXT", "When it was recorded."),
            _c("stage", "INTEGER", "1 to 7."),
            _c("by", "TEXT", "The coach."),
        ),
        ("workbook", "seq"),
    ),
)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def rows(folder: Path, today: dt.date, jobs: int | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows for the workbooks below ``folder``.

    Each workbook is loaded once, in ``jobs`` processes (None: two for large folders).

    Raises:
        UsageError: no workbook below the folder.
    """
    from microsys import __version__
    from microsys.overview import attach_pathways, map_workbooks
    from microsys.workbook.discover import find_workbooks

    out: dict[str, list[tuple[Any, ...]]] = {t.name: [] for t in TABLES}
    out[MARKER_TABLE].append((EXPORT_VERSION, __version__, today.isoformat(), str(folder)))
    base = folder.resolve()
    roots = find_workbooks([folder])
    parts = map_workbooks(_workbook_tables, [(root, today, base) for root in roots], jobs)
    view = attach_pathways([p.row for p in parts], roots)
    for part, row in zip(parts, view, strict=True):
        out["workbooks"].append(
            (part.key, row.name, row.kind, part.setting, part.organisation, row.pathway,
             row.stage, _iso(row.stage_since), part.cycle, row.phase, row.score, row.m3_stage, row.errors,
             row.warnings)
        )  # fmt: skip
        for name, table in part.tables.items():
            out[name].extend(table)
    return out


@dataclass(frozen=True)
class _Part:
    """One workbook's share of the export, made where it was loaded (a worker, for large folders)."""

    key: str
    row: StatusRow
    setting: str | None
    organisation: str | None
    cycle: Any
    tables: dict[str, list[tuple[Any, ...]]]


def _rel(base: Path, p: Path) -> str:
    try:
        return p.resolve().relative_to(base).as_posix() or "."
    except ValueError:
        return p.resolve().as_posix()


def _workbook_tables(args: tuple[Path, dt.date, Path]) -> _Part:
    """Load one workbook once; its status row and its rows of every table but ``workbooks``."""
    from microsys import statuscache
    from microsys.overview import row_of
    from microsys.ramp.facts import Facts
    from microsys.workbook.loader import load_workbook, without_broken

    root, today, base = args
    # Files parsed before (by status or an earlier export) are not parsed again: exact text only.
    parsed = statuscache.read_parsed(root)
    loaded = load_workbook(root, parsed=parsed)
    statuscache.write_parsed(root, parsed)
    row = row_of(loaded, root, today)
    wb = without_broken(loaded)
    key = _rel(base, root)
    out: dict[str, list[tuple[Any, ...]]] = {
        name: [] for name in ("pathway_microsystems", "hand_offs", "measures", "measure_values", "cycles",
                              "moves", "m3_stages")
    }  # fmt: skip
    p = wb.pathway
    if p is not None:
        for i, link in enumerate(p.microsystems, 1):
            out["pathway_microsystems"].append((key, i, link.id, _rel(base, root / link.path), link.role))
        for h in p.hand_offs:
            out["hand_offs"].append(
                (key, h.id, h.from_, h.to, ";".join(h.what), len(h.failure_points), ";".join(h.measures))
            )
    signals = {s.measure: s.signal for s in row.signals}
    for measure in sorted(wb.measures, key=lambda x: x.id):
        d = measure.definition
        out["measures"].append(
            (key, measure.id, measure.name, measure.type, getattr(d, "unit", None), measure.direction,
             measure.chart, measure.frequency, measure.target, signals.get(measure.id))
        )  # fmt: skip
        out["measure_values"].extend(_values(wb, measure, key))
    for c in wb.pdsa_cycles:
        out["cycles"].append(
            (key, c.id, "pdsa", c.change, c.previous, _iso(Facts.test_start(c)),
             _iso(c.act.date if c.act else None), c.act.decision if c.act else None)
        )  # fmt: skip
    for s in wb.sdsa_cycles:
        out["cycles"].append(
            (key, s.id, "sdsa", getattr(s, "change", None), getattr(s, "previous", None),
             _iso(Facts.test_start(s)), _iso(s.act.date if s.act else None),
             s.act.decision if s.act else None)
        )  # fmt: skip
    ramp = wb.ramp
    for i, mv in enumerate(ramp.history, 1):
        out["moves"].append((key, "ramp", i, _iso(mv.date), mv.from_, mv.to, mv.by, int(mv.forced)))
    for i, ph in enumerate(ramp.coaching.history, 1):
        out["moves"].append((key, "coaching", i, _iso(ph.date), ph.from_, ph.to, ph.by, int(ph.forced)))
    for i, m3 in enumerate(ramp.m3, 1):
        out["m3_stages"].append((key, i, _iso(m3.date), m3.stage, m3.by))
    m = wb.manifest
    return _Part(key, row, m.setting if m else None, m.organisation if m else None, ramp.cycle, out)


def _values(wb: Any, measure: Any, key: str) -> Iterator[tuple[Any, ...]]:
    from microsys.spc.analysis import analyse
    from microsys.workbook.series import from_measure

    by_x: dict[float, Any] = {}
    try:
        series = from_measure(wb, measure)
        if series.xs:
            for point in analyse(series.xs, series.ys, series.ns, series.options).points:
                by_x[point.x] = point
    except (ValueError, ZeroDivisionError):  # a chart that cannot be drawn: values without lines
        by_x = {}
    for i, v in enumerate(wb.values(measure.id), 1):
        pt = by_x.get(float(v.date.toordinal()))
        yield (
            key, measure.id, i, v.date.isoformat(), v.value, v.denominator,
            pt.part if pt else None, pt.cl if pt else None, pt.lcl if pt else None, pt.ucl if pt else None,
            int(pt.signal) if pt else None, pt.point_type if pt else None,
        )  # fmt: skip


def _sqlite_bytes(data: dict[str, list[tuple[Any, ...]]]) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.sqlite"
        conn = sqlite3.connect(path)
        try:
            for t in TABLES:
                cols = ", ".join(f'"{c.name}" {c.type}' for c in t.columns)
                key = f", PRIMARY KEY ({', '.join(t.key)})" if t.key else ""
                conn.execute(f'CREATE TABLE "{t.name}" ({cols}{key})')
                marks = ", ".join("?" for _ in t.columns)
                conn.executemany(f'INSERT INTO "{t.name}" VALUES ({marks})', data[t.name])
            conn.commit()
        finally:
            conn.close()
        return path.read_bytes()


def _is_export(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                return False
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MARKER_TABLE,)
            ).fetchone()
        finally:
            conn.close()
        return found is not None
    except (OSError, sqlite3.Error):
        return False


def _csv_bytes(table: Table, data: list[tuple[Any, ...]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.name for c in table.columns])
    for r in data:
        writer.writerow(["" if v is None else _safe_cell(v) for v in r])
    return buf.getvalue().encode("utf-8")


def _safe_cell(value: Any) -> Any:
    # Spreadsheets run cells that start with = + - @ as formulas; numbers are left as they are.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@dataclass(frozen=True)
class ExportResult:
    """What was written."""

    target: Path
    format: str
    counts: dict[str, int]
    replaced: bool


def export(folder: Path, target: Path, fmt: str, today: dt.date, jobs: int | None = None) -> ExportResult:
    """Export every workbook below ``folder`` to ``target`` (a SQLite file, or a folder of CSV files).

    ``jobs`` is the number of processes (None: two for large folders).

    Raises:
        UsageError: an unknown format, or no workbook below ``folder``.
        RefusedError: ``target`` exists and is not a microsys export, or cannot be written.
    """
    from microsys.storage import Change, commit, read_bytes

    if fmt not in ("sqlite", "csv"):
        raise UsageError(f"`{fmt}` is not an export format", hint="use `sqlite` (default) or `csv`")
    data = rows(folder, today, jobs)
    counts = {t.name: len(data[t.name]) for t in TABLES if t.name != MARKER_TABLE}
    if fmt == "sqlite":
        if target.is_dir():
            raise RefusedError(
                f"{target} is a folder", hint="give a file name such as org.sqlite, or use --format csv"
            )
        old = read_bytes(target) if target.exists() else None
        if target.exists() and not _is_export(target):
            raise RefusedError(
                f"{target} exists and is not a microsys export, so it was left as it is",
                hint="choose another file name, or move that file away first",
            )
        commit([Change(target, _sqlite_bytes(data), old)], root=target.parent)
        return ExportResult(target, fmt, counts, old is not None)
    if target.exists() and not target.is_dir():
        raise RefusedError(f"{target} is a file", hint="give a folder for the CSV tables")
    marker = target / CSV_MARKER
    replaced = marker.is_file()
    if target.is_dir() and any(target.iterdir()) and not replaced:
        raise RefusedError(
            f"{target} holds files and is not a microsys export, so nothing was written",
            hint="give a new or empty folder",
        )
    changes = []
    for t in TABLES:
        path = target / f"{t.name}.csv"
        content = _csv_bytes(t, data[t.name])
        changes.append(Change(path, content, read_bytes(path) if path.exists() else None))
    manifest = json.dumps(
        {"version": EXPORT_VERSION, "tables": [t.name for t in TABLES], "exported_on": today.isoformat()},
        indent=2,
    ).encode("utf-8")
    changes.append(Change(marker, manifest + b"\n", read_bytes(marker) if replaced else None))
    commit(changes, root=target)
    return ExportResult(target, fmt, counts, replaced)


def reference() -> str:
    """The table reference of docs/export.md."""
    out: list[str] = []
    for t in TABLES:
        out.append(f"### `{t.name}`\n")
        out.append(t.doc + (f" Key: ({', '.join(t.key)})." if t.key else "") + "\n")
        out.append("| Column | Type | Meaning |")
        out.append("|---|---|---|")
        out.extend(f"| `{c.name}` | {c.type} | {c.doc} |" for c in t.columns)
        out.append("")
    return "\n".join(out)


def table_names() -> Sequence[str]:
    """The names of the tables, in order."""
    return [t.name for t in TABLES]
