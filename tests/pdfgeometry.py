"""Where each piece of text is on a PDF page, and at what printed size: for layout tests.

A small reader of content streams (pypdf parses them; this follows the graphics and text
state): every text-showing operator gives a :class:`Run` with its box on the page, in
points, and its printed font size (the font size times the scale of the text and
graphics matrices), so a test can find text printed over other text, and text too small
to read. Glyph widths come from the font's ``/W`` array; typst writes every font as a
CID font with 2-byte codes. Text nested in a drawing (typst places SVG figures inside
their own saved graphics states) is told apart by its depth: page text is one level
deep, a figure's text deeper.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ContentStream

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
# Of a font size, how far glyphs reach above and below the baseline (DejaVu Sans, letters
# without accents): a box that tall is what the eye reads as the line.
ASCENT, DESCENT = 0.72, 0.2


def mul(a: Matrix, b: Matrix) -> Matrix:
    """``a`` then ``b`` (PDF's row-vector order)."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])


@dataclass(frozen=True)
class Run:
    """Text shown by one operator: where (a box on the page, in points), how big, how deep."""

    page: int
    text: str
    size: float
    box: tuple[float, float, float, float]  # x0, y0, x1, y1
    depth: int

    @property
    def in_figure(self) -> bool:
        """Drawn inside a figure (an SVG placed on the page) rather than set as page text."""
        return self.depth > 1

    def overlap(self, other: Run) -> float:
        """How far the two boxes cover each other, as a share of the lower one's height (0 to 1).

        Boxes that meet side by side or only touch do not count, nor do runs of one line
        that overlap by less than half a letter (a kerned pair such as "To" may be shown by
        two operators, the "o" under the "T"); runs of one line overlapping by more count
        whole (a table cell printed into the next one).
        """
        x0, y0 = max(self.box[0], other.box[0]), max(self.box[1], other.box[1])
        x1, y1 = min(self.box[2], other.box[2]), min(self.box[3], other.box[3])
        if abs(self.box[1] - other.box[1]) < 0.5 and abs(self.box[3] - other.box[3]) < 0.5:
            # One line: a kerned pair overlaps by a little; two words (a table cell running
            # into the next one) by more than half a letter.
            return 1.0 if x1 - x0 > 0.5 * min(self.size, other.size) else 0.0
        if x1 - x0 <= 1.0 or y1 <= y0:
            return 0.0
        height = min(self.box[3] - self.box[1], other.box[3] - other.box[1])
        return (y1 - y0) / height if height else 0.0


@dataclass
class _Font:
    widths: dict[int, float]
    default: float
    unicode: dict[int, str]

    def width(self, cid: int) -> float:
        return self.widths.get(cid, self.default) / 1000


def _font(obj: Any) -> _Font:
    font = obj.get_object()
    widths: dict[int, float] = {}
    default = 1000.0
    if "/DescendantFonts" in font:
        cid = font["/DescendantFonts"][0].get_object()
        default = float(cid.get("/DW", 1000))
        w = list(cid.get("/W", []))
        i = 0
        while i < len(w):
            first = int(w[i])
            nxt = w[i + 1].get_object() if hasattr(w[i + 1], "get_object") else w[i + 1]
            if isinstance(nxt, list):
                for k, v in enumerate(nxt):
                    widths[first + k] = float(v)
                i += 2
            else:
                for c in range(first, int(nxt) + 1):
                    widths[c] = float(w[i + 2])
                i += 3
    unicode: dict[int, str] = {}
    if "/ToUnicode" in font:
        cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
                unicode[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be", "replace")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                start = int(dst, 16)
                for k, c in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    unicode[c] = chr(start + k)
    return _Font(widths, default, unicode)


def _codes(operand: Any) -> list[int]:
    """The 2-byte codes of a string operand (pypdf may have decoded it as UTF-16)."""
    if isinstance(operand, bytes):
        data = bytes(operand)
        return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]
    return [ord(ch) for ch in str(operand)]


def runs(path: Path) -> list[Run]:
    """Every piece of text in the PDF at ``path``, page by page."""
    reader = PdfReader(path)
    out: list[Run] = []
    for number, page in enumerate(reader.pages, start=1):
        resources = page.get("/Resources")
        fonts = {name: _font(ref) for name, ref in (resources.get_object().get("/Font", {}) or {}).items()}
        out.extend(_page_runs(number, ContentStream(page.get_contents(), reader).operations, fonts))
    return out


def _page_runs(number: int, operations: list[Any], fonts: dict[str, _Font]) -> list[Run]:
    found: list[Run] = []
    ctm, stack = IDENTITY, []
    tm = lm = IDENTITY
    font: _Font | None = None
    size = leading = rise = char_space = word_space = 0.0
    scale = 1.0
    for operands, op in operations:
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop() if stack else IDENTITY
        elif op == b"cm":
            ctm = mul(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
        elif op == b"BT":
            tm = lm = IDENTITY
        elif op == b"Tf":
            font, size = fonts.get(str(operands[0])), float(operands[1])
        elif op == b"Tc":
            char_space = float(operands[0])
        elif op == b"Tw":
            word_space = float(operands[0])
        elif op == b"Tz":
            scale = float(operands[0]) / 100
        elif op == b"TL":
            leading = float(operands[0])
        elif op == b"Ts":
            rise = float(operands[0])
        elif op == b"Tm":
            tm = lm = tuple(float(v) for v in operands)  # type: ignore[assignment]
        elif op in (b"Td", b"TD"):
            if op == b"TD":
                leading = -float(operands[1])
            lm = tm = mul((1, 0, 0, 1, float(operands[0]), float(operands[1])), lm)
        elif op == b"T*":
            lm = tm = mul((1, 0, 0, 1, 0, -leading), lm)
        elif op in (b"Tj", b"TJ", b"'", b'"'):
            if op in (b"'", b'"'):
                lm = tm = mul((1, 0, 0, 1, 0, -leading), lm)
            parts = operands[0] if op == b"TJ" else [operands[-1]]
            start = tm
            text = []
            for part in parts:
                if isinstance(part, int | float) or type(part).__name__ in ("FloatObject", "NumberObject"):
                    tx = -float(part) / 1000 * size * scale
                    tm = mul((1, 0, 0, 1, tx, 0), tm)
                    continue
                for code in _codes(part):
                    w = font.width(code) if font else 0.6
                    text.append(font.unicode.get(code, "?") if font else "?")
                    tx = (w * size + char_space + (word_space if code == 32 else 0)) * scale
                    tm = mul((1, 0, 0, 1, tx, 0), tm)
            # The box from the start to the end of the run, ascent to descent, on the page.
            begin = mul(start, ctm)
            advance = _advance(start, tm)
            corners = [
                apply(begin, x, y)
                for x in (0.0, advance)
                for y in (rise - DESCENT * size, rise + ASCENT * size)
            ]
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            printed = size * math.hypot(begin[2], begin[3])
            if text and printed > 0:
                found.append(
                    Run(
                        number,
                        "".join(text),
                        round(printed, 2),
                        (min(xs), min(ys), max(xs), max(ys)),
                        len(stack),
                    )
                )
    return found


def _advance(start: Matrix, end: Matrix) -> float:
    """How far the text matrix moved along its own x axis (in text space units)."""
    dx, dy = end[4] - start[4], end[5] - start[5]
    unit = math.hypot(start[0], start[1]) or 1.0
    return (dx * start[0] + dy * start[1]) / (unit * unit)


def overlaps(found: list[Run], *, threshold: float = 0.1) -> list[tuple[Run, Run]]:
    """Pairs of runs on one page whose boxes cover each other by more than ``threshold``."""
    pairs = []
    by_page: dict[int, list[Run]] = {}
    for run in found:
        if run.text.strip():
            by_page.setdefault(run.page, []).append(run)
    for page_runs in by_page.values():
        ordered = sorted(page_runs, key=lambda r: r.box[0])
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if b.box[0] >= a.box[2]:
                    break
                if a.overlap(b) > threshold:
                    pairs.append((a, b))
    return pairs
