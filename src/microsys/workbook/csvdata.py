"""Measure values kept in a CSV file beside the measure (exported from a spreadsheet)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pydantic import ValidationError

from microsys.diagnostics import Diagnostic, Severity
from microsys.schema.measures import DataPoint
from microsys.schema.messages import did_you_mean

COLUMNS = ("date", "value", "denominator", "note")
REQUIRED = ("date", "value")


def _field_cols(raw_line: str, n: int) -> list[int]:
    """1-based start column of each field of a CSV line (approximate when quoted)."""
    cols = [1]
    in_quotes = False
    for i, ch in enumerate(raw_line):
        if ch == '"':
            in_quotes = not in_quotes
        elif ch == "," and not in_quotes:
            cols.append(i + 2)
    return cols + [1] * max(0, n - len(cols))


def parse_csv(path: Path, text: str) -> tuple[list[tuple[int, DataPoint]], list[Diagnostic]]:
    """Parse measure values from CSV text: header ``date,value[,denominator][,note]``.

    Returns (line number, point) for every valid row, and findings for the others.
    """
    diags: list[Diagnostic] = []
    lines = text.splitlines()

    def err(line: int, col: int, rule: str, message: str, hint: str | None) -> None:
        diags.append(Diagnostic(path=path, rule=rule, message=message, hint=hint, line=line, col=col))

    # strict: an unbalanced quote is an error, not a silently merged cell.
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        err(
            0,
            0,
            "csv.empty",
            "the file is empty",
            "the first line must be `date,value` (and optionally `denominator,note`)",
        )
        return [], diags
    except csv.Error as exc:
        err(1, 1, "csv.syntax", f"the CSV cannot be read: {exc}", None)
        return [], diags
    names = [h.strip().lower() for h in header]
    header_cols = _field_cols(lines[0] if lines else "", len(names))
    for i, name in enumerate(names):
        if name not in COLUMNS:
            guess = did_you_mean(name, list(COLUMNS))
            err(
                1,
                header_cols[i],
                "csv.unknown-column",
                f"unknown column `{header[i]}`",
                f"did you mean `{guess}`?" if guess else "columns allowed: " + ", ".join(COLUMNS),
            )
    for need in REQUIRED:
        if need not in names:
            err(
                1,
                1,
                "csv.missing-column",
                f"the column `{need}` is missing",
                "the first line must start `date,value`",
            )
    if diags:
        return [], diags

    points: list[tuple[int, DataPoint]] = []
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            raw = lines[line - 1] if 0 < line <= len(lines) else ""
            cols = _field_cols(raw, len(names))
            if len(row) > len(names):
                err(
                    line,
                    cols[min(len(names), len(cols) - 1)],
                    "csv.extra-cells",
                    f"this row has {len(row)} cells but the header has {len(names)}",
                    "remove the extra commas, or put text with commas in quotes",
                )
                continue
            record: dict[str, str | None] = {}
            for i, name in enumerate(names):
                cell = row[i].strip() if i < len(row) else ""
                record[name] = cell if cell != "" else None
            try:
                points.append((line, DataPoint.model_validate(record)))
            except ValidationError as exc:
                for e in exc.errors(include_url=False):
                    field = str(e["loc"][0]) if e["loc"] else "date"
                    col = cols[names.index(field)] if field in names else 1
                    value = e.get("input")
                    hint: str | None
                    if field == "date":
                        message = f"`{value}` is not a real date" if value else "the date is missing"
                        hint = "write dates as YYYY-MM-DD, e.g. 2026-03-04"
                        rule = "csv.invalid-date"
                    elif e["type"].startswith("greater_than"):
                        # Only the denominator has a bound (it must be more than 0).
                        message = f"the {field} must be more than 0, not `{value}`"
                        hint, rule = None, "csv.not-a-number"
                    else:
                        message = f"the {field} `{value}` is not a number"
                        hint = "write just the number, without units or % signs"
                        rule = "csv.not-a-number"
                    err(line, col, rule, message, hint)
    except csv.Error as exc:
        if "end of data" in str(exc):
            message = "a quote is opened but never closed"
        else:
            message = f"the CSV cannot be read: {exc}"
        err(reader.line_num, 1, "csv.syntax", message, "check the quotes on this line")
    return points, diags


def unused_csv(path: Path) -> Diagnostic:
    """Warning for a CSV in ``measures/`` that no measure names as its data."""
    return Diagnostic(
        path=path,
        rule="measure.unused-csv",
        severity=Severity.WARNING,
        message="no measure uses this CSV file",
        hint=f"add `data: {path.name}` to the measure it belongs to, or delete it",
    )
