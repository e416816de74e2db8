"""The data wall's small multiples: run and control charts drawn straight as SVG.

A wall of a thousand teams holds four thousand of them. Drawn with matplotlib, each
takes 40-180 ms and a long series gives an SVG of over 100 KB, which the typesetter
holds for every tile at once. A tile needs little of what a full chart has (no title,
legend, notes or icons: the tile around it says those once), so it is drawn here as
plain SVG, in a few milliseconds and a few KB, with the look of the full charts
(colours and a marker shape per kind of point from :mod:`microsys.render.chart`,
its line styles) and every text at 7 points or more at its printed size.

The drawing's units are points at the size it is printed (``width`` x ``height``
inches), so a font size here is the size on paper. The same data always gives the
same bytes. No matplotlib: this module is imported by the data wall alone.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from microsys.render.chart import CENTRE, LIMIT, LINE, MUTED, STYLE, TARGET, stagger
from microsys.render.diagrams import Svg, _n
from microsys.report.text import width as text_width
from microsys.spc.analysis import Analysis, Point
from microsys.workbook.series import Series

AXIS = "#bbbbbb"
GRID = "#eeeeee"
PHASE = "#cccccc"
CYCLE = "#52606d"
CYCLE_LINE = "#9aa5b1"

# Marker per kind of point: (colour, shape, size in points), from the full charts' styles
# (matplotlib sizes a marker by its area in square points).
_SHAPES = {"o": "circle", "^": "triangle", "s": "square", "D": "diamond"}
MARKERS = {kind: (st.color, _SHAPES[st.marker], round(math.sqrt(st.size), 1)) for kind, st in STYLE.items()}

TICK_PT = 8.0
EDGE_PT = 8.0
PHASE_PT = 7.5
CYCLE_PT = 7.0
LABEL_PT = 8.0
PAD = 3.0
TICK_LEN = 3.0
ROW = 9.5
# The most rows of cycle labels under a tile (cycles past them keep their marker only), and
# of phase names above it (a name is cut where the name that many after it starts).
CYCLE_ROWS = 2
PHASE_ROWS = 3
# Months between date ticks: the first that keeps the ticks to the most a tile has room for.
MONTH_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)
MOST_DATE_TICKS = 3


@dataclass(frozen=True)
class _Scale:
    """Maps data to the drawing: x and y of the data, in points."""

    x0: float
    x1: float
    first: float
    """The first and last x drawn (of a point or a cycle): the view is these with a margin."""
    last: float
    y0: float
    y1: float
    left: float
    right: float
    top: float
    bottom: float

    def x(self, v: float) -> float:
        return self.left + (v - self.x0) / (self.x1 - self.x0) * (self.right - self.left)

    def y(self, v: float) -> float:
        return self.bottom - (v - self.y0) / (self.y1 - self.y0) * (self.bottom - self.top)


def tile(series: Series, analysis: Analysis, size: tuple[float, float]) -> tuple[str, list[str]]:
    """A small multiple of ``series`` as SVG ``size`` (width, height) inches, and labels shortened."""
    w, h = size[0] * 72, size[1] * 72
    pts = list(analysis.points)
    svg = Svg()
    shortened: list[str] = []
    if not pts:
        return svg.document(w, h, series.title, unit="pt"), shortened

    percent = series.percent
    y_lo, y_hi = _y_range(pts, analysis.target)
    if not math.isfinite(y_hi - y_lo):
        svg.add("text", "values too large to draw", x=PAD, y=h / 2, font_size=TICK_PT, fill=MUTED)
        return svg.document(w, h, series.title, unit="pt"), shortened
    cycles = list(series.annotations)
    # A cycle begun after the last value (or before the first) widens the view, as it does
    # on the full chart, so its marker stays on the axis.
    first = min([pts[0].x, *(c.x for c in cycles)])
    last = max([pts[-1].x, *(c.x for c in cycles)])
    x_lo, x_hi = _margin(first, last)
    edges = _edge_labels(pts, analysis.target, percent)
    phase_labels = _phase_labels(series, pts)

    def layout(phase_rows: int, cycle_rows: int) -> tuple[_Scale, list[float], list[str]]:
        """The plot's box for so many rows of labels above and below it, and the y ticks."""
        # Phase names above; dates and cycle ids below; tick labels and the axis label to
        # the left; the last phase's line values to the right.
        top = PAD + EDGE_PT / 2 + ROW * phase_rows
        bottom = h - PAD - TICK_LEN - 2 - TICK_PT - (cycle_rows * ROW + 3 if cycle_rows else 0)
        ticks, decimals = _nice_ticks(y_lo, y_hi, max(2, min(6, int((bottom - top) / 26))), percent)
        texts = [_number(v, decimals, percent) for v in ticks]
        label_room = LABEL_PT + 3 if series.y_label else 0.0
        left = PAD + label_room + max((text_width(t, TICK_PT) for t in texts), default=0) + TICK_LEN + 2
        right = w - PAD - max((text_width(t, EDGE_PT) for _, t, _ in edges), default=12.0) - 5
        return _Scale(x_lo, x_hi, first, last, y_lo, y_hi, left, right, top, bottom), ticks, texts

    # Rows of labels are known once the plot's width is, which depends on the rows (through
    # the y ticks): grow them until they hold every label (a few at most, so this ends).
    rows = (1 if len(phase_labels) > 1 else 0, 1 if cycles else 0)
    while True:
        scale, y_ticks, tick_texts = layout(*rows)
        phases = _place_phases(phase_labels, scale, w) if len(phase_labels) > 1 else []
        marks = _place_cycles(series, scale, w)
        needed = (
            max((row + 1 for *_, row in phases), default=0),
            min(CYCLE_ROWS, max((row + 1 for *_, row in marks), default=0)),
        )
        if needed[0] <= rows[0] and needed[1] <= rows[1]:
            break
        rows = (max(rows[0], needed[0]), max(rows[1], needed[1]))
    top, bottom, left, right = scale.top, scale.bottom, scale.left, scale.right

    for v in y_ticks:
        svg.add("line", x1=left, y1=scale.y(v), x2=right, y2=scale.y(v), stroke=GRID, stroke_width=0.8)
    _phase_lines(svg, scale, pts)
    for c in cycles:
        x = scale.x(c.x)
        svg.add("line", x1=x, y1=top, x2=x, y2=bottom, stroke=CYCLE_LINE, stroke_width=0.8,
                stroke_dasharray="1 1.6")  # fmt: skip
    _lines(svg, scale, pts, analysis)
    _markers(svg, scale, pts)
    _axes(svg, scale, y_ticks, tick_texts, series, w)
    if series.y_label:
        label = _fit(series.y_label, LABEL_PT, bottom - top, shortened)
        cx, cy = PAD + LABEL_PT * 0.8, (top + bottom) / 2
        svg.add("text", label, x=cx, y=cy, font_size=LABEL_PT, text_anchor="middle", fill=MUTED,
                transform=f"rotate(-90 {_n(cx)} {_n(cy)})")  # fmt: skip
    _edges(svg, scale, edges, pts[-1].x)
    for text, x, row in (p for p in phases if p[0]):
        svg.add("text", text, x=x + 2, y=top - 3 - ROW * row, font_size=PHASE_PT, fill=MUTED)
    shortened += [
        label for (_, label), (text, _, _) in zip(phase_labels, phases, strict=False) if text != label
    ]
    for x, text, anchor, row in marks:
        svg.add("path", d=f"M{_n(x - 3)},{_n(bottom - 4.5)}h6l-3,4.5z", fill=CYCLE)
        if row < rows[1]:
            y = bottom + TICK_LEN + 2 + TICK_PT + 3 + CYCLE_PT * 0.85 + ROW * row
            svg.add("text", text, x=_clamped(x, text, anchor, w), y=y, font_size=CYCLE_PT,
                    text_anchor=anchor, fill=CYCLE)  # fmt: skip
    return svg.document(w, h, series.title, unit="pt"), shortened


def _margin(lo: float, hi: float) -> tuple[float, float]:
    """The view of [lo, hi] with 5% to spare each side (as matplotlib's autoscaling)."""
    span = hi - lo
    if span <= max(abs(lo), abs(hi)) * 1e-6 or span < 1e-12:
        # One value (or values equal to the sixth digit): a band round it, as wide as it is large.
        span = abs(lo) * 0.1 if abs(lo) * 0.1 >= 1e-12 else 1.0
        return lo - span, hi + span
    return lo - span * 0.05, hi + span * 0.05


def _y_range(pts: Sequence[Point], target: float | None) -> tuple[float, float]:
    values = [v for p in pts for v in (p.y, p.cl, p.lcl, p.ucl) if v is not None and math.isfinite(v)]
    if target is not None and math.isfinite(target):
        values.append(target)
    if not values:
        return 0.0, 1.0
    return _margin(min(values), max(values))


def _nice_ticks(lo: float, hi: float, most: int, percent: bool) -> tuple[list[float], int]:
    """Round-numbered ticks in [lo, hi], at most ``most`` of them, and the decimals they need."""
    scale = 100.0 if percent else 1.0
    span = (hi - lo) * scale
    raw = span / max(most, 1)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag * most >= span), 10 * mag)
    # 2.5 of a unit needs one more decimal than its unit (0.25, 2.5); 25 needs none.
    decimals = max(0, -math.floor(math.log10(step) + 1e-9) + (1 if round(step / mag, 6) == 2.5 else 0))
    first = math.ceil(lo * scale / step - 1e-9)
    last = math.floor(hi * scale / step + 1e-9)
    ticks = [k * step / scale for k in range(first, last + 1)]
    return ticks, min(decimals, 12)


def _number(v: float, decimals: int, percent: bool) -> str:
    shown = v * 100 if percent else v
    text = f"{shown:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # never "-0"
    return text + ("%" if percent else "")


def _value(v: float, percent: bool) -> str:
    """A line's value as the full charts label it."""
    return f"{v * 100:.0f}%" if percent else f"{v:.3g}"


def _edge_labels(pts: Sequence[Point], target: float | None, percent: bool) -> list[tuple[float, str, str]]:
    """(value, text, colour) of the lines labelled at the right: the last phase's, and the target."""
    last = pts[-1]
    items = [
        (v, _value(v, percent), colour)
        for v, colour in ((last.cl, CENTRE), (last.ucl, MUTED), (last.lcl, MUTED))
        if v is not None
    ]
    if target is not None:
        items.append((target, f"target {_value(target, percent)}", TARGET))
    return items


def _by_part(pts: Sequence[Point]) -> dict[int, list[Point]]:
    parts: dict[int, list[Point]] = {}
    for p in pts:
        parts.setdefault(p.part, []).append(p)
    return parts


def _steps(points: Sequence[Point], attr: str) -> list[tuple[float, float]]:
    """A centre line or limit of one phase as steps, each point's value from midpoint to midpoint."""
    out: list[tuple[float, float]] = []
    for k, p in enumerate(points):
        v = getattr(p, attr)
        if v is None:
            continue
        left = p.x if k == 0 else (points[k - 1].x + p.x) / 2
        right = p.x if k == len(points) - 1 else (p.x + points[k + 1].x) / 2
        if out and out[-1][1] == v:
            out[-1] = (right, v)  # the same value goes on: one longer step
        else:
            out += [(left, v), (right, v)]
    return out


def _polyline(svg: Svg, scale: _Scale, xy: Sequence[tuple[float, float]], **style: str | float) -> None:
    if len(xy) < 2:
        return
    points = " ".join(f"{_n(scale.x(x))},{_n(scale.y(y))}" for x, y in xy)
    svg.add("polyline", None, points=points, fill="none", **style)


def _lines(svg: Svg, scale: _Scale, pts: Sequence[Point], analysis: Analysis) -> None:
    """Limits, centre lines (dashed where the runs rules signal), the target and the data line."""
    parts = _by_part(pts)
    signalled = {p.part for p in analysis.parts if p.runs_signal}
    for members in parts.values():
        for attr in ("ucl", "lcl"):
            _polyline(svg, scale, _steps(members, attr), stroke=LIMIT, stroke_width=1.1,
                      stroke_dasharray="4.1 1.8")  # fmt: skip
    for part, members in parts.items():
        dash = {"stroke_dasharray": "8 3.2"} if part in signalled else {}
        _polyline(svg, scale, _steps(members, "cl"), stroke=CENTRE, stroke_width=1.6, **dash)
    if analysis.target is not None:
        _polyline(svg, scale, [(pts[0].x, analysis.target), (pts[-1].x, analysis.target)], stroke=TARGET,
                  stroke_width=1.3, stroke_dasharray="7.8 3.9")  # fmt: skip
    # The data line, broken at missing values and between phases.
    run: list[tuple[float, float]] = []
    last_part = None
    for p in pts:
        if p.y is None or p.part != last_part:
            _polyline(svg, scale, run, stroke=LINE, stroke_width=1.2, stroke_linejoin="round")
            run = []
        if p.y is not None:
            run.append((p.x, p.y))
        last_part = p.part
    _polyline(svg, scale, run, stroke=LINE, stroke_width=1.2, stroke_linejoin="round")


def _shape(kind: str, x: float, y: float, size: float) -> str:
    """One marker as path data, centred on (x, y)."""
    r = size / 2
    if kind == "circle":
        return f"M{_n(x - r)},{_n(y)}a{_n(r)},{_n(r)} 0 1,0 {_n(size)},0a{_n(r)},{_n(r)} 0 1,0 {_n(-size)},0z"
    if kind == "triangle":
        return f"M{_n(x)},{_n(y - r)}L{_n(x + r)},{_n(y + r * 0.75)}L{_n(x - r)},{_n(y + r * 0.75)}z"
    if kind == "square":
        return f"M{_n(x - r)},{_n(y - r)}h{_n(size)}v{_n(size)}h{_n(-size)}z"
    return f"M{_n(x)},{_n(y - r)}L{_n(x + r)},{_n(y)}L{_n(x)},{_n(y + r)}L{_n(x - r)},{_n(y)}z"


def _markers(svg: Svg, scale: _Scale, pts: Sequence[Point]) -> None:
    """Each point's marker, one path per kind: filled when counted, hollow when left out."""
    for kind, (colour, shape, size) in MARKERS.items():
        for included in (True, False):
            d = "".join(
                _shape(shape, scale.x(p.x), scale.y(p.y), size)
                for p in pts
                if p.y is not None and p.point_type == kind and p.included is included
            )
            if d:
                fill, stroke = (colour, "#ffffff") if included else ("#ffffff", colour)
                svg.add("path", d=d, fill=fill, stroke=stroke, stroke_width=0.6 if included else 1.2)


def _axes(
    svg: Svg,
    scale: _Scale,
    y_ticks: list[float],
    tick_texts: list[str],
    series: Series,
    width: float,
) -> None:
    """The left and bottom axes with their ticks and labels."""
    left, bottom = scale.left, scale.bottom
    svg.add("path", d=f"M{_n(left)},{_n(scale.top)}V{_n(bottom)}H{_n(scale.right)}", fill="none",
            stroke=AXIS, stroke_width=0.8)  # fmt: skip
    for v, text in zip(y_ticks, tick_texts, strict=True):
        y = scale.y(v)
        svg.add("line", x1=left - TICK_LEN, y1=y, x2=left, y2=y, stroke=MUTED, stroke_width=0.8)
        svg.add("text", text, x=left - TICK_LEN - 2, y=y + TICK_PT * 0.35, font_size=TICK_PT,
                text_anchor="end", fill=MUTED)  # fmt: skip
    for x, text in _x_ticks(series, scale, width):
        sx = scale.x(x)
        svg.add("line", x1=sx, y1=bottom, x2=sx, y2=bottom + TICK_LEN, stroke=MUTED, stroke_width=0.8)
        svg.add("text", text, x=sx, y=bottom + TICK_LEN + 1.5 + TICK_PT * 0.8, font_size=TICK_PT,
                text_anchor="middle", fill=MUTED)  # fmt: skip


def _x_ticks(series: Series, scale: _Scale, width: float) -> list[tuple[float, str]]:
    """Ticks on the x axis, thinned until their labels stand apart inside the drawing."""
    if series.dates:
        ticks = _date_ticks(scale.first, scale.last, scale.x0, scale.x1)
    else:
        values, decimals = _nice_ticks(scale.x0, scale.x1, 5, False)
        ticks = [(v, _number(v, decimals, False)) for v in values if v == int(v)]
    while ticks:
        halves = [text_width(t, TICK_PT) / 2 for _, t in ticks]
        ends = [(scale.x(x) - half, scale.x(x) + half) for (x, _), half in zip(ticks, halves, strict=True)]
        inside = [k for k, (a, b) in enumerate(ends) if a >= PAD and b <= width - PAD]
        clear = all(ends[k][1] + 4 <= ends[k + 1][0] for k in range(len(ends) - 1))
        if len(inside) == len(ticks) and clear:
            return ticks
        ticks = [ticks[k] for k in inside] if len(inside) < len(ticks) else ticks[::2]
    return ticks


def _date_ticks(first: float, last: float, lo: float, hi: float) -> list[tuple[float, str]]:
    """Month starts ("Mar 2026"), or days ("16 Mar 2026") for a series under about three months."""
    days = max(int(last) - int(first), 1)
    start, end = dt.date.fromordinal(max(1, math.ceil(lo))), dt.date.fromordinal(max(1, math.floor(hi)))
    if days >= 90:
        months = days / 30.44
        step = next((k for k in MONTH_STEPS if months / k <= MOST_DATE_TICKS), MONTH_STEPS[-1])
        out: list[tuple[float, str]] = []
        index = start.year * 12 + start.month - 1 + (1 if start.day > 1 else 0)
        while index // 12 <= dt.MAXYEAR:
            day = dt.date(index // 12, index % 12 + 1, 1)
            if day > end:
                return out
            if index % step == 0:
                out.append((float(day.toordinal()), f"{day:%b %Y}"))
            index += 1
        return out
    step = max(1, -(-days // (MOST_DATE_TICKS - 1)))
    return [
        (float(o), f"{dt.date.fromordinal(o).day} {dt.date.fromordinal(o):%b %Y}")
        for o in range(int(first), end.toordinal() + 1, step)
    ]


def _edges(svg: Svg, scale: _Scale, edges: list[tuple[float, str, str]], last_x: float) -> None:
    """The last phase's line values at the right, nudged apart so that they never overlap."""
    x = scale.x(last_x) + 5
    placed = sorted((scale.y(v), t, c) for v, t, c in edges)
    shifted: list[float] = []
    for y, *_ in reversed(placed):  # from the bottom up
        shifted.append(min(y, shifted[-1] - EDGE_PT - 1.5) if shifted else y)
    for (_, text, colour), y in zip(reversed(placed), shifted, strict=True):
        svg.add("text", text, x=x, y=y + EDGE_PT * 0.35, font_size=EDGE_PT, fill=colour)


def _phase_labels(series: Series, pts: Sequence[Point]) -> list[tuple[float, str]]:
    """(first x, label) of each phase."""
    out = []
    for part, members in sorted(_by_part(pts).items()):
        label = series.part_labels[part - 1] if part - 1 < len(series.part_labels) else f"phase {part}"
        out.append((members[0].x, label))
    return out


def _phase_lines(svg: Svg, scale: _Scale, pts: Sequence[Point]) -> None:
    parts = sorted(_by_part(pts).items())
    for (_, before), (_, after) in itertools.pairwise(parts):
        x = scale.x((before[-1].x + after[0].x) / 2)
        svg.add("line", x1=x, y1=scale.top - 2, x2=x, y2=scale.bottom, stroke=PHASE, stroke_width=0.9)


def _place_phases(labels: list[tuple[float, str]], scale: _Scale, w: float) -> list[tuple[str, float, int]]:
    """(text, left, row) of each phase's name: :data:`PHASE_ROWS` rows at most.

    Each name is cut to end before the name :data:`PHASE_ROWS` after it starts (or the
    drawing's edge), so that in so many rows no name ever runs into another; a phase too
    short to name keeps its line only.
    """
    lefts = [scale.x(x) for x, _ in labels]
    texts = []
    for k, (_, text) in enumerate(labels):
        limit = lefts[k + PHASE_ROWS] - 3 if k + PHASE_ROWS < len(lefts) else w - PAD
        room = limit - lefts[k] - 2
        texts.append(_fit(text, PHASE_PT, room, []) if room >= text_width("ab…", PHASE_PT) else "")
    spans = [(a, a + 2 + text_width(t, PHASE_PT) + 3) for a, t in zip(lefts, texts, strict=True)]
    rows = stagger([span if text else (span[0], span[0]) for span, text in zip(spans, texts, strict=True)])
    return [(t, a, r) for t, a, r in zip(texts, lefts, rows, strict=True)]


def _cycle_texts(series: Series) -> list[str]:
    return [a.short or _shorten(a.label, 34) for a in series.annotations]


def _place_cycles(series: Series, scale: _Scale, w: float) -> list[tuple[float, str, str, int]]:
    """(x, id, anchor, row) of each cycle: its id centred under its marker, kept inside the drawing."""
    out = []
    spans = []
    for a, text in zip(series.annotations, _cycle_texts(series), strict=True):
        x = scale.x(a.x)
        half = text_width(text, CYCLE_PT) / 2
        anchor = "start" if x - half < PAD else "end" if x + half > w - PAD else "middle"
        left = _clamped(x, text, anchor, w) - (
            0 if anchor == "start" else 2 * half if anchor == "end" else half
        )
        spans.append((left - 2, left + 2 * half + 2))
        out.append((x, text, anchor))
    rows = stagger(spans)
    return [(x, t, anchor, r) for (x, t, anchor), r in zip(out, rows, strict=True)]


def _clamped(x: float, text: str, anchor: str, w: float) -> float:
    """Where a cycle's id is written: under its marker, or against the drawing's edge."""
    return PAD if anchor == "start" else w - PAD if anchor == "end" else x


def _shorten(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _fit(text: str, size: float, room: float, shortened: list[str]) -> str:
    """``text`` cut with an ellipsis to ``room`` points (noted in ``shortened`` when cut)."""
    if text_width(text, size) <= room:
        return text
    cut = text
    while cut and text_width(cut + "…", size) > room:
        cut = cut[:-1]
    shortened.append(text)
    return cut.rstrip() + "…"
