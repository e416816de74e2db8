"""Regenerate the DejaVu Sans width tables of ``src/microsys/report/text.py``.

Source: the DejaVu Sans fonts matplotlib ships (``matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf``
and ``DejaVuSans-Bold.ttf``, DejaVu 2.35), read with fontTools: each character's advance width
from the ``hmtx`` table over the font's units per em, in hundredths of an em, rounded. The
characters are printable ASCII (32-126) then Latin-1 (160-255), one byte each.

    python tools/gen_text_widths.py           # print the Python source of the two tables
    python tools/gen_text_widths.py --check   # exit 1 when the module's tables differ
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FONTS = {"_REGULAR": "DejaVuSans.ttf", "_BOLD": "DejaVuSans-Bold.ttf"}
CODES = [*range(32, 127), *range(160, 256)]
HEX_LINE = 96  # hex digits per source line


def font_dir() -> Path:
    """The folder of the TrueType fonts matplotlib ships."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def widths(font: Path) -> bytes:
    """Advance widths in hundredths of an em of the table's characters, one byte each."""
    from fontTools.ttLib import TTFont

    f = TTFont(font)
    per_em = f["head"].unitsPerEm
    cmap = f.getBestCmap()
    hmtx = f["hmtx"]
    return bytes(round(hmtx[cmap[code]][0] / per_em * 100) for code in CODES)


def tables() -> dict[str, bytes]:
    """Each table's name in text.py and its bytes, from the fonts."""
    return {name: widths(font_dir() / file) for name, file in FONTS.items()}


def source(data: dict[str, bytes]) -> str:
    """The tables as the Python source text.py holds."""
    out = []
    for name, table in data.items():
        digits = table.hex()
        out.append(f"{name} = bytes.fromhex(")
        out.extend(f'    "{digits[i : i + HEX_LINE]}"' for i in range(0, len(digits), HEX_LINE))
        out.append(")")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with src/microsys/report/text.py")
    args = parser.parse_args(argv)
    data = tables()
    if not args.check:
        sys.stdout.write(source(data))
        return 0
    from microsys.report import text

    stale = [name for name, table in data.items() if getattr(text, name) != table]
    for name in stale:
        print(f"{name} in src/microsys/report/text.py differs from {FONTS[name]}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
