"""Bytes exported by a spreadsheet to a header and rows, exactly or not at all.

What is read: UTF-8 (with or without a BOM), UTF-16 with a BOM, and
Windows-1252 when the file is not UTF-8 (Excel on Windows); LF, CRLF and
CR-only line ends; cells separated by commas, semicolons or tabs (decided from
the first rows); cells quoted with ``"`` (``""`` inside is one quote, and a
quoted cell may hold separators and line breaks). Only ``"`` quotes: ``it's,
fine`` is two cells, never a quoted ``its``.

What is refused, naming the row: binary files and NUL or other control
bytes, a file mixing UTF-8 and Windows-1252 text, a quote that is opened and
never closed (instead of swallowing the rows after it), text after a closing
quote, and cells longer than :data:`MAX_CELL` characters.

Reading is linear in the size of the file: every step moves forward through
the text, with searches that stop at the next separator, quote or line end.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from microsys.sheets.errors import SheetError
from microsys.sheets.values import Decimal

DELIMITERS = (",", ";", "\t")
# A note is a sentence or two; a cell this long is a broken file, not data.
MAX_CELL = 100_000
# Larger than any export of aggregated improvement data (1,000,000 rows fit easily).
MAX_BYTES = 256 * 1024 * 1024
# Rows looked at to decide the separator.
_SNIFF_ROWS = 50

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_SPACE = re.compile(r"[ \t]*")
_UNQUOTED = {d: re.compile(f"[^{re.escape(d)}\n]*") for d in DELIMITERS}


@dataclass(frozen=True)
class Row:
    """One row: the 1-based line it starts on, its cells (quotes removed) and where each starts."""

    line: int
    cells: tuple[str, ...]
    cols: tuple[int, ...]

    def cell(self, index: int | None) -> str:
        """The cell at ``index``, stripped; empty when the row is shorter or ``index`` is None."""
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index].strip()

    def col(self, index: int) -> int:
        """The 1-based character column where cell ``index`` starts (1 when the row is shorter)."""
        return self.cols[index] if index < len(self.cols) else 1


@dataclass(frozen=True)
class Table:
    """A whole file: its header, its non-blank rows and how it was written."""

    header: tuple[str, ...]
    header_cols: tuple[int, ...]
    rows: tuple[Row, ...]
    delimiter: str
    encoding: str
    newline: str

    def index(self, name: str) -> int | None:
        """Position of the column called ``name`` (case and surrounding spaces ignored)."""
        wanted = name.strip().lower()
        for i, h in enumerate(self.header):
            if h.strip().lower() == wanted:
                return i
        return None

    @property
    def default_decimal(self) -> Decimal:
        """The decimal mark of a column that does not settle it: a comma in semicolon exports."""
        return "," if self.delimiter == ";" else "."


def _row_of(raw: bytes, offset: int) -> int:
    """1-based line of a byte offset, whatever the line ends."""
    before = raw[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


def decode(raw: bytes) -> tuple[str, str]:
    """Text and encoding name of a spreadsheet export.

    Raises:
        SheetError: binary data, bytes that are neither UTF-8 nor Windows-1252, or a mix of both.
    """
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetError(
            "this is a spreadsheet workbook (.xlsx, .xls or .ods), not a CSV file",
            hint="in the spreadsheet choose File > Save As > CSV (UTF-8), and use that file",
        )
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise SheetError(
                "the file starts as UTF-16 text but has bytes that are not UTF-16",
                hint="save it again from the spreadsheet as CSV (UTF-8)",
                row=_row_of(raw, exc.start // 2 * 2) // 2 + 1,
            ) from None
    elif b"\x00" in raw:
        raise SheetError(
            "the file holds binary data (a NUL byte), not text",
            hint="export the data as CSV (UTF-8) from the spreadsheet; UTF-16 text needs its byte order mark",
            row=_row_of(raw, raw.index(b"\x00")),
        )
    else:
        try:
            text = raw.decode("utf-8-sig")
            encoding = "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8"
        except UnicodeDecodeError as exc:
            row = _row_of(raw, exc.start)
            if _UTF8_MULTIBYTE.search(raw):
                raise SheetError(
                    f"the file mixes two encodings: parts are UTF-8 and byte 0x{raw[exc.start]:02x} "
                    "on this row is not, so its text would come out garbled",
                    hint="save the file again from the spreadsheet as CSV (UTF-8)",
                    row=row,
                ) from None
            try:
                text, encoding = raw.decode("cp1252"), "cp1252"
            except UnicodeDecodeError as bad:
                raise SheetError(
                    f"byte 0x{raw[bad.start]:02x} is not text in UTF-8 or Windows-1252",
                    hint="save the file again from the spreadsheet as CSV (UTF-8)",
                    row=_row_of(raw, bad.start),
                ) from None
    return text, encoding


def _newline(text: str) -> str:
    """The line end a file uses (CRLF, LF or CR alone), LF for a one-line file."""
    first = re.search(r"\r\n|\n|\r", text)
    return first.group(0) if first else "\n"


def _plain_rows(text: str, delimiter: str) -> Iterator[Row]:
    """Rows of LF-only ``text`` without any quote: a split is exact (and several times faster)."""
    return _plain_lines(text.split("\n"), delimiter)


def _plain_lines(lines: list[str], delimiter: str, skip_blank: bool = False) -> Iterator[Row]:
    """Rows of the lines of a text without any quote (the blank ones left out with ``skip_blank``)."""
    step = len(delimiter)
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_CELL:  # only then can one of its cells be too long
            _check_cells(line.split(delimiter), number, step)
        if skip_blank and _blank_line(line, delimiter):
            continue
        cells = line.split(delimiter)
        cols = []
        at = 1
        for cell in cells:
            cols.append(at)
            at += len(cell) + step
        yield Row(number, tuple(cells), tuple(cols))


def _check_cells(cells: list[str], number: int, step: int) -> None:
    at = 1
    for cell in cells:
        if len(cell) > MAX_CELL:
            raise _too_long(len(cell), number, at)
        at += len(cell) + step


def _blank_line(line: str, delimiter: str) -> bool:
    """:func:`_blank` of the row a line without quotes splits into, without splitting it."""
    if line and not line[0].isspace() and line[0] != delimiter:
        return False  # the commonest line: its first character is a cell's
    return not line.replace(delimiter, "").strip()


def _too_long(size: int, row: int, col: int) -> SheetError:
    return SheetError(
        f"a cell holds {size:,} characters, more than the {MAX_CELL:,} a value or a note can have",
        hint="check that the file is the data export you meant (and its quotes)",
        row=row,
        col=col,
    )


def _tokens(text: str, delimiter: str) -> Iterator[Row]:
    """Rows of LF-only ``text`` (blank rows included), raising at the first thing not exact."""
    if '"' not in text:
        yield from _plain_rows(text, delimiter)
        return
    unquoted = _UNQUOTED[delimiter]
    n = len(text)
    pos = 0
    line = 1
    line_start = 0
    while pos <= n:
        start_line = line
        cells: list[str] = []
        cols: list[int] = []
        while True:
            col = pos - line_start + 1
            q = _skip_spaces(text, pos) if delimiter != "\t" else pos
            if q < n and text[q] == '"':
                # A quoted cell ends at the next quote not doubled.
                i = q + 1
                while True:
                    j = text.find('"', i)
                    if j < 0:
                        raise SheetError(
                            "a quote opens a cell here but is never closed, so every row after it "
                            "would be swallowed into this cell",
                            hint='close the quote, or double a quote meant as text ("")',
                            row=line,
                            col=col,
                        )
                    if text.startswith('"', j + 1):
                        i = j + 2
                        continue
                    break
                body = text[q + 1 : j]
                breaks = body.count("\n")
                if breaks:
                    line += breaks
                    line_start = q + 1 + body.rfind("\n") + 1
                value = body.replace('""', '"')
                pos = _skip_spaces(text, j + 1) if delimiter != "\t" else j + 1
                if pos < n and text[pos] != delimiter and text[pos] != "\n":
                    raise SheetError(
                        f"text follows the closing quote of a cell: `{text[pos : pos + 20]}`",
                        hint='put the whole cell in quotes, and double a quote meant as text ("")',
                        row=line,
                        col=pos - line_start + 1,
                    )
            else:
                end = _end_of(unquoted, text, pos)
                value = text[pos:end]
                pos = end
            if len(value) > MAX_CELL:
                raise _too_long(len(value), start_line, col)
            cells.append(value)
            cols.append(col)
            if pos < n and text[pos] == delimiter:
                pos += 1
                continue
            break
        yield Row(start_line, tuple(cells), tuple(cols))
        if pos >= n:
            break
        pos += 1  # the line end
        line += 1
        line_start = pos


def _end_of(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where a pattern that matches the empty string stops matching at ``pos``."""
    m = pattern.match(text, pos)
    return m.end() if m is not None else pos


def _skip_spaces(text: str, pos: int) -> int:
    return _end_of(_SPACE, text, pos)


def _blank(row: Row) -> bool:
    return not "".join(row.cells).strip()


def _sniff(text: str, lines: list[str] | None = None) -> str:
    """The separator that splits the first rows most consistently, then into most cells (comma on a tie).

    ``lines`` are the text's lines when it holds no quote (split once for every separator).
    """
    best: tuple[tuple[int, int, int, int], str] | None = None
    for rank, delimiter in enumerate(DELIMITERS):
        widths: list[int] = []
        try:
            if lines is not None:
                widths = _plain_widths(lines, delimiter)
            else:
                for row in _tokens(text, delimiter):
                    if not _blank(row):
                        widths.append(len(row.cells))
                    if len(widths) > _SNIFF_ROWS:
                        break
        except SheetError:
            # Another separator may read the file; the chosen one reports its own error.
            pass
        if not widths:
            continue
        consistent = sum(1 for w in widths[1:] if w == widths[0])
        score = (int(widths[0] > 1), consistent, widths[0], -rank)
        if best is None or score > best[0]:
            best = (score, delimiter)
    return best[1] if best is not None else ","


def _plain_widths(lines: list[str], delimiter: str) -> list[int]:
    """The widths :func:`_sniff` collects from lines without quotes, up to a cell too long."""
    widths: list[int] = []
    step = len(delimiter)
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_CELL:
            try:
                _check_cells(line.split(delimiter), number, step)
            except SheetError:
                return widths
        if not _blank_line(line, delimiter):
            widths.append(line.count(delimiter) + 1)
        if len(widths) > _SNIFF_ROWS:
            break
    return widths


def read_table(data: bytes | str, *, delimiter: str | None = None) -> Table:
    """The header and rows of a CSV export (bytes, or text already decoded).

    Raises:
        SheetError: the file cannot be read exactly; the error names the row.
    """
    if isinstance(data, bytes):
        text, encoding = decode(data)
    else:
        text, encoding = data.removeprefix("\ufeff"), "utf-8"
    bad = _CONTROL.search(text)
    if bad is not None:
        row = text.count("\n", 0, bad.start()) + text.count("\r", 0, bad.start())
        row -= text.count("\r\n", 0, bad.start())
        raise SheetError(
            f"the file holds a control character (U+{ord(bad.group(0)):04X}), so it is binary data "
            "or a damaged export, not text",
            hint="export the data again as CSV (UTF-8)",
            row=row + 1,
        )
    newline = _newline(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if '"' not in text:
        lines = text.split("\n")
        chosen = delimiter or _sniff(text, lines)
        rows = list(_plain_lines(lines, chosen, skip_blank=True))
    else:
        chosen = delimiter or _sniff(text)
        rows = [row for row in _tokens(text, chosen) if not _blank(row)]
    if not rows:
        return Table((), (), (), chosen, encoding, newline)
    head = rows[0]
    return Table(head.cells, head.cols, tuple(rows[1:]), chosen, encoding, newline)


def read_path(path: Path, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, within a size bound (never a FIFO or a device).

    Raises:
        SheetError: the path is not a regular file or is too large.
        OSError: the file cannot be read (the caller says so in its own words).
    """
    if not path.is_file():
        raise SheetError(f"{path} is not a regular file", hint="give the path of a CSV file")
    with path.open("rb") as fh:
        raw = fh.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise SheetError(
            f"{path} is larger than {max_bytes:,} bytes",
            hint="split the export into smaller files",
        )
    return raw
