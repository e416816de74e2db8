"""Text measuring and wrapping for drawings, and line-break help for typeset text.

Diagrams are SVG drawn by this package, so their text must be wrapped before it
is placed. Widths are estimated from DejaVu Sans's advance widths by character
class, on the generous side, so wrapped text fits in the real font.
"""

from __future__ import annotations

import re
import unicodedata

ZWSP = "\u200b"
# A word longer than this many characters gets break opportunities, so that a
# long URL or a word without spaces wraps instead of running out of its box.
LONG_WORD = 24
_WORD = re.compile(r"\S+")


# Advance widths of DejaVu Sans (regular, bold) in hundredths of an em for the printable
# ASCII and Latin-1 characters (32-126, 160-255), measured from the font files matplotlib
# ships: `python tools/gen_text_widths.py` regenerates them and says how.
_REGULAR = bytes.fromhex(
    "20282e54405f4e1b272732542024202240404040404040404040222254545435644445464d3f3a4d4b1d1d4238564b4f"
    "3c4f453f3d494463453d452722275432323d3f373f3e233f3f1c1c3a1c613f3d3f3f2934273f3b523b3b344022405420"
    "2840404040223232642f3d54246432325428283240402032282f3d6161613544444444444461463f3f3f3f1d1d1d1d4d"
    "4b4f4f4f4f4f544f494949493d3c3f3d3d3d3d3d3d62373e3e3e3e1c1c1c1c3d3f3d3d3d3d3d543d3f3f3f3f3b3f3b"
)
_BOLD = bytes.fromhex(
    "232e34544664571f2e2e3454262a26254646464646464646464628285454543a644d4c49534444525425254d40645455"
    "49554d4844514d6e4d48492e252e54323243483b48442c4847222243226847454848313c3047415c41413a4725475423"
    "2e46464046253232643841542a643232542c2c324a4026322c38416868683a4d4d4d4d4d4d6c49444444442525252554"
    "545555555555545551515151484a48434343434343693b444444442222222245474545454545544547474747414841"
)


def char_em(ch: str, bold: bool = False) -> float:
    """Advance width of one character in em (font size 1), for DejaVu Sans."""
    code = ord(ch)
    table = _BOLD if bold else _REGULAR
    if 32 <= code <= 126:
        return table[code - 32] / 100
    if 160 <= code <= 255:
        return table[code - 160 + 95] / 100
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\u200e\u200f\ufe0f":
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    # Other scripts and symbols: a generous average.
    return 0.8 if bold else 0.75


def width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` at font ``size`` (same unit as size), with a little to spare."""
    return sum(char_em(c, bold) for c in text) * size * 1.04


def _split_word(word: str, max_width: float, size: float, bold: bool) -> list[str]:
    """A word too wide for a line, cut into pieces that fit.

    Each piece but the last ends in a hyphen, as a typesetter breaks a word
    ("physiothera-" / "pist"), so a reader sees one word, not two.
    """
    pieces: list[str] = []
    piece = ""
    for ch in word:
        if len(piece) > 1 and width(piece + ch + "-", size, bold) > max_width:
            pieces.append(piece + "-")
            piece = ""
        piece += ch
    if piece:
        pieces.append(piece)
    if len(pieces) > 1 and len(pieces[-1]) < 3:
        # Never leave one or two letters alone on the last line ("physiotherapis-" / "t"):
        # move letters down to it, or (in a very narrow room) keep them on the line before.
        head = pieces[-2][:-1]
        move = 3 - len(pieces[-1])
        if len(head) - move >= 2:
            pieces[-2:] = [head[:-move] + "-", head[-move:] + pieces[-1]]
        else:
            pieces[-2:] = [head + pieces[-1]]
    return pieces


def wrap(text: str, max_width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` wrapped into lines no wider than ``max_width``; newlines are kept."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            pieces = (
                _split_word(word, max_width, size, bold) if width(word, size, bold) > max_width else [word]
            )
            for i, piece in enumerate(pieces):
                candidate = f"{line} {piece}" if line and i == 0 else line + piece if line else piece
                if line and width(candidate, size, bold) > max_width:
                    lines.append(line)
                    line = piece
                else:
                    line = candidate
                if i < len(pieces) - 1:
                    lines.append(line)
                    line = ""
        lines.append(line)
    return lines


def clamp_lines(lines: list[str], most: int) -> tuple[list[str], bool]:
    """At most ``most`` lines, the last ending in an ellipsis when some were dropped."""
    if len(lines) <= most:
        return lines, False
    kept = lines[:most]
    last = kept[-1].rstrip()
    # A line ending in a broken word's hyphen was filled to its width: the ellipsis takes the
    # hyphen's place and one letter's, so the line stays inside its column.
    kept[-1] = last[:-2] + "…" if last.endswith("-") and len(last) > 2 else last + " …"
    return kept, True


def breakable(text: str) -> str:
    """``text`` with invisible break opportunities inside very long words.

    Typesetting never breaks inside a word; a 200-character word would run out of
    its column. A zero-width space every few characters lets it wrap.
    """

    def split(m: re.Match[str]) -> str:
        word = m.group(0)
        if len(word) <= LONG_WORD:
            return word
        step = LONG_WORD // 2
        return ZWSP.join(word[i : i + step] for i in range(0, len(word), step))

    return _WORD.sub(split, text)


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """``text`` cut at a word boundary to about ``limit`` characters; True when cut."""
    text = text.strip()
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + " …", True
