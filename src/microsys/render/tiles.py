"""The data wall's small multiples: run and control charts drawn straight as SVG.

A wall of a thousand teams holds four thousand of them, each drawn in a few
milliseconds and a few KB. A tile is a report's chart (:mod:`microsys.render.svgchart`)
without title, legend, notes or icons (the tile around it says those once): the same
plot (:mod:`microsys.render.plot`), sized for the wall, with every text at 7 points or
more at its printed size.

The drawing's units are points at the size it is printed (``width`` x ``height``
inches), so a font size here is the size on paper. The same data always gives the
same bytes.
"""

from __future__ import annotations

import math

from microsys.render import plot
from microsys.render.diagrams import Svg, _n
from microsys.render.plot import (
    CYCLE,
    CYCLE_PT,
    EDGE_PT,
    LABEL_PT,
    MUTED,
    PAD,
    ROW,
    TICK_LEN,
    TICK_PT,
)
from microsys.report.text import width as text_width
from microsys.spc.analysis import Analysis
from microsys.workbook.series import Series

# The most rows of cycle labels under a tile (cycles past them keep their marker only).
CYCLE_ROWS = 2


def tile(series: Series, analysis: Analysis, size: tuple[float, float]) -> tuple[str, list[str]]:
    """A small multiple of ``series`` as SVG ``size`` (width, height) inches, and labels shortened."""
    w, h = size[0] * 72, size[1] * 72
    pts = list(analysis.points)
    svg = Svg()
    shortened: list[str] = []
    if not pts:
        return svg.document(w, h, series.title, unit="pt"), shortened

    percent = series.percent
    y_lo, y_hi = plot.y_range(pts, analysis.target, percent)
    if not math.isfinite(y_hi - y_lo):
        svg.add("text", "values too large to draw", x=PAD, y=h / 2, font_size=TICK_PT, fill=MUTED)
        return svg.document(w, h, series.title, unit="pt"), shortened
    cycles = list(series.annotations)
    # A cycle begun after the last value (or before the first) widens the view, as it does
    # on the full chart, so its marker stays on the axis.
    first = min([pts[0].x, *(c.x for c in cycles)])
    last = max([pts[-1].x, *(c.x for c in cycles)])
    x_lo, x_hi = plot.margin(first, last)
    edges = plot.edge_labels(pts, analysis.target, percent)
    phase_labels = plot.phase_labels(series, pts)

    def layout(phase_rows: int, cycle_rows: int) -> tuple[plot.Scale, list[float], list[str]]:
        """The plot's box for so many rows of labels above and below it, and the y ticks."""
        # Phase names above; dates and cycle ids below; tick labels and the axis label to
        # the left; the last phase's line values to the right.
        top = PAD + EDGE_PT / 2 + ROW * phase_rows
        bottom = h - PAD - TICK_LEN - 2 - TICK_PT - (cycle_rows * ROW + 3 if cycle_rows else 0)
        ticks, decimals = plot.nice_ticks(y_lo, y_hi, max(2, min(6, int((bottom - top) / 26))), percent)
        texts = [plot.number(v, decimals, percent) for v in ticks]
        label_room = LABEL_PT + 3 if series.y_label else 0.0
        left = PAD + label_room + max((text_width(t, TICK_PT) for t in texts), default=0) + TICK_LEN + 2
        right = w - PAD - max((text_width(t, EDGE_PT) for _, t, _ in edges), default=12.0) - 5
        return plot.Scale(x_lo, x_hi, first, last, y_lo, y_hi, left, right, top, bottom), ticks, texts

    # Rows of labels are known once the plot's width is, which depends on the rows (through
    # the y ticks): grow them until they hold every label (a few at most, so this ends).
    rows = (1 if len(phase_labels) > 1 else 0, 1 if cycles else 0)
    while True:
        scale, y_ticks, tick_texts = layout(*rows)
        phases = plot.place_phases(phase_labels, scale, w) if len(phase_labels) > 1 else []
        marks = plot.place_cycles(series, scale, w)
        needed = (
            max((row + 1 for *_, row in phases), default=0),
            min(CYCLE_ROWS, max((row + 1 for *_, row in marks), default=0)),
        )
        if needed[0] <= rows[0] and needed[1] <= rows[1]:
            break
        rows = (max(rows[0], needed[0]), max(rows[1], needed[1]))
    bottom = scale.bottom
    plot.body(svg, scale, series, analysis, (y_ticks, tick_texts), (edges, phases), w, shortened)
    shortened += [
        label for (_, label), (text, _, _) in zip(phase_labels, phases, strict=False) if text != label
    ]
    for x, text, anchor, row in marks:
        svg.add("path", d=f"M{_n(x - 3)},{_n(bottom - 4.5)}h6l-3,4.5z", fill=CYCLE)
        if row < rows[1]:
            y = bottom + TICK_LEN + 2 + TICK_PT + 3 + CYCLE_PT * 0.85 + ROW * row
            svg.add("text", text, x=plot.clamped(x, text, anchor, w), y=y, font_size=CYCLE_PT,
                    text_anchor=anchor, fill=CYCLE)  # fmt: skip
    return svg.document(w, h, series.title, unit="pt"), shortened
