"""Making Data Count icons, drawn from vector shapes (no image files).

Each icon is a list of simple shapes in a 100 x 100 box (y down, as in SVG): one
description feeds both the SVG text (docs, reports) and matplotlib (charts), so the
two never drift apart. Colours are NHSRplotthedots' (``ptd_spc_colours``); each icon
also carries a letter (H/L, P/F/?) so it reads without colour.

``python -m microsys.render.mdc FOLDER`` writes every icon as an SVG file (the docs'
legend page uses them).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NamedTuple

from microsys.spc.mdc import ASSURANCE_WORDS, VARIATION_WORDS

GREY = "#a6a6a6"
BLUE = "#00b0f0"
ORANGE = "#e46c0a"
PURPLE = "#490092"
FONT = "DejaVu Sans, Arial, sans-serif"

# Icon name -> (ring colour, letter, words). Names are NHSRplotthedots' icon file stems.
VARIATION_ICONS = {
    "common_cause": (GREY, "", VARIATION_WORDS["common_cause"]),
    "improvement_high": (BLUE, "H", "special cause variation: improving, higher"),
    "improvement_low": (BLUE, "L", "special cause variation: improving, lower"),
    "concern_high": (ORANGE, "H", "special cause variation: concerning, higher"),
    "concern_low": (ORANGE, "L", "special cause variation: concerning, lower"),
    "neutral_high": (PURPLE, "H", VARIATION_WORDS["special_cause_neutral_high"]),
    "neutral_low": (PURPLE, "L", VARIATION_WORDS["special_cause_neutral_low"]),
}
ASSURANCE_ICONS = {
    "pass": (BLUE, "P", ASSURANCE_WORDS["consistent_pass"]),
    "fail": (ORANGE, "F", ASSURANCE_WORDS["consistent_fail"]),
    "inconsistent": (GREY, "?", ASSURANCE_WORDS["inconsistent"]),
}

# The small chart inside a variation icon: seven points, the last three signalling.
_XS = (22, 31, 40, 49, 58, 67, 76)
_PATTERN = {
    "": (54, 46, 56, 48, 55, 47, 53),
    "H": (62, 56, 64, 58, 46, 38, 30),
    "L": (38, 44, 36, 42, 54, 62, 70),
}


class Shape(NamedTuple):
    """One drawing instruction in the 100 x 100 box."""

    kind: str  # "circle", "line" (a polyline), "text"
    points: tuple[tuple[float, float], ...]
    size: float  # radius, line width or font size, in box units
    fill: str  # "none" for none
    stroke: str  # "none" for none
    text: str = ""
    dashed: bool = False


def shapes(kind: str, name: str) -> list[Shape]:
    """The shapes of one icon; ``kind`` is ``variation`` or ``assurance``."""
    table = VARIATION_ICONS if kind == "variation" else ASSURANCE_ICONS
    if name not in table:
        raise KeyError(f"no {kind} icon called {name!r}")
    colour, letter, _ = table[name]
    # A white disc under everything, the coloured ring over it (drawn last).
    out = [Shape("circle", ((50, 50),), 44, "white", "none")]
    if kind == "variation":
        ys = _PATTERN[letter]
        pts = tuple(zip(_XS, ys, strict=True))
        out.append(Shape("line", pts, 3.5, "none", GREY))
        for k, p in enumerate(pts):
            signal = bool(letter) and k >= 4
            out.append(Shape("circle", (p,), 5.5, colour if signal else GREY, "white"))
        if letter:
            # The letter sits on the side the points moved away from, clear of them.
            y = 30 if letter == "H" else 70
            out.append(Shape("text", ((35, y),), 24, colour, "none", letter))
    else:
        out.append(Shape("line", ((24, 74), (76, 74)), 3, "none", "#de1b1b", dashed=True))
        out.append(Shape("text", ((50, 46),), 46, colour, "none", letter))
    out.append(Shape("circle", ((50, 50),), 44, "none", colour))
    return out


def words(kind: str, name: str) -> str:
    """What an icon says, for titles and alternative text."""
    table = VARIATION_ICONS if kind == "variation" else ASSURANCE_ICONS
    return table[name][2]


def svg(kind: str, name: str, size: int = 64) -> str:
    """One icon as a standalone SVG document (small, no external references)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 100 100" '
        f'role="img" aria-label="{words(kind, name)}">',
        f"<title>{words(kind, name)}</title>",
    ]
    for s in shapes(kind, name):
        if s.kind == "circle":
            (cx, cy), width = s.points[0], _RING if s.size > 40 else 1.5
            stroke = f' stroke="{s.stroke}" stroke-width="{width:g}"' if s.stroke != "none" else ""
            parts.append(f'<circle cx="{cx:g}" cy="{cy:g}" r="{s.size:g}" fill="{s.fill}"{stroke}/>')
        elif s.kind == "line":
            pts = " ".join(f"{x:g},{y:g}" for x, y in s.points)
            dash = ' stroke-dasharray="6 4"' if s.dashed else ""
            parts.append(
                f'<polyline points="{pts}" fill="none" stroke="{s.stroke}" stroke-width="{s.size:g}"'
                f' stroke-linejoin="round"{dash}/>'
            )
        else:
            (x, y) = s.points[0]
            parts.append(
                f'<text x="{x:g}" y="{y:g}" font-family="{FONT}" font-size="{s.size:g}" font-weight="bold" '
                f'fill="{s.fill}" text-anchor="middle" dominant-baseline="central">{s.text}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


# Width of the outer ring, in box units.
_RING = 7


def draw(fig: Any, kind: str, name: str, left: float, bottom: float, size: float) -> Any:
    """Draw one icon on a matplotlib figure in an axes at (left, bottom), ``size`` inches wide.

    Positions are figure fractions; returns the axes (hidden frame, no ticks).
    """
    from matplotlib.patches import Circle

    w, h = fig.get_size_inches()
    ax = fig.add_axes((left, bottom, size / w, size / h))
    ax.set_xlim(0, 100)
    ax.set_ylim(100, 0)
    ax.set_axis_off()
    ax.set_aspect("equal")
    units = size * 72 / 100  # points per box unit
    for s in shapes(kind, name):
        if s.kind == "circle":
            ring = s.size > 40
            ax.add_patch(
                Circle(
                    s.points[0],
                    s.size,
                    facecolor=s.fill if s.fill != "none" else "none",
                    edgecolor=s.stroke if s.stroke != "none" else "none",
                    linewidth=(_RING if ring else 1.5) * units if s.stroke != "none" else 0,
                    zorder=3 if ring else 5,
                )
            )
        elif s.kind == "line":
            xs, ys = zip(*s.points, strict=True)
            ax.plot(
                xs,
                ys,
                color=s.stroke,
                linewidth=s.size * units,
                linestyle=(0, (6 / s.size, 4 / s.size)) if s.dashed else "-",
                solid_joinstyle="round",
                zorder=4,
            )
        else:
            ax.text(
                *s.points[0],
                s.text,
                fontsize=s.size * units,
                fontweight="bold",
                color=s.fill,
                ha="center",
                va="center",
                zorder=6,
            )
    return ax


def write_all(folder: Path) -> list[Path]:
    """Write every icon as ``FOLDER/variation-NAME.svg`` and ``FOLDER/assurance-NAME.svg``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, table in (("variation", VARIATION_ICONS), ("assurance", ASSURANCE_ICONS)):
        for name in table:
            path = folder / f"{kind}-{name}.svg"
            path.write_text(svg(kind, name), encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a docs helper
    for written_path in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/mdc")):
        sys.stdout.write(f"wrote {written_path}\n")
