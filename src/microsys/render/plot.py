"""The plot of a run or control chart drawn straight as SVG, for the data wall's tiles and reports' charts.

Scale, round-numbered ticks, month or day date ticks, limits, centre lines and target per
phase, the data line, a marker per kind of point (hollow when left out), phase names and
PDSA cycles in staggered rows, and the last phase's values at the right edge. The colours,
marker shapes and line styles are the charts' look (:data:`STYLE`), which the matplotlib
chart of ``microsys chart`` (:mod:`microsys.render.chart`) uses too.

The drawing's units are points at the size it is printed, so a font size here is the size
on paper. The same data always gives the same bytes. No matplotlib.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from microsys.render.diagrams import Svg, _n
from microsys.report.text import width as text_width
from microsys.spc.analysis import Analysis, Point
from microsys.workbook.series import Series

INK = "#222222"
MUTED = "#6b6b6b"
LINE = "#4a4a4a"
CENTRE = "#0f6e8c"
LIMIT = "#8a8a8a"
TARGET = "#009E73"
AXIS = "#bbbbbb"
GRID = "#eeeeee"
PHASE = "#cccccc"
CYCLE = "#52606d"
CYCLE_LINE = "#9aa5b1"


class Style(NamedTuple):
    """How one kind of point is drawn: colour, matplotlib marker, area (square points), legend words."""

    color: str
    marker: str
    size: float
    label: str


# Okabe-Ito colours, and a marker shape per kind of point, so charts read in greyscale too.
STYLE = {
    "common": Style("#7f7f7f", "o", 22, "common cause"),
    "improvement": Style("#0072B2", "^", 46, "improvement"),
    "concern": Style("#D55E00", "s", 38, "concern"),
    "neutral": Style("#CC79A7", "D", 34, "special cause (neutral)"),
}

# Marker per kind of point: (colour, shape, size in points), from the styles (matplotlib
# sizes a marker by its area in square points).
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
# The most rows of phase names above a plot (a name is cut where the name that many after it starts).
PHASE_ROWS = 3
# Months between date ticks: the first that keeps the ticks to the most a plot has room for.
MONTH_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)
MOST_DATE_TICKS = 3


def stagger(spans: list[tuple[float, float]]) -> list[int]:
    """Row for each (left, right) label span so that labels in one row never overlap."""
    rows: list[int] = []
    ends: list[float] = []
    for left, right in spans:
        for row, end in enumerate(ends):
            if left >= end:
                ends[row] = right
                rows.append(row)
                break
        else:
            ends.append(right)
            rows.append(len(ends) - 1)
    return rows


@dataclass(frozen=True)
class Scale:
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
        """Where ``v`` on the x axis is drawn."""
        return self.left + (v - self.x0) / (self.x1 - self.x0) * (self.right - self.left)

    def y(self, v: float) -> float:
        """Where ``v`` on the y axis is drawn."""
        return self.bottom - (v - self.y0) / (self.y1 - self.y0) * (self.bottom - self.top)


def margin(lo: float, hi: float) -> tuple[float, float]:
    """The view of [lo, hi] with 5% to spare each side (as matplotlib's autoscaling)."""
    span = hi - lo
    if span <= max(abs(lo), abs(hi)) * 1e-6 or span < 1e-12:
        # One value (or values equal to the sixth digit): a band round it, as wide as it is large.
        span = abs(lo) * 0.1 if abs(lo) * 0.1 >= 1e-12 else 1.0
        return lo - span, hi + span
    return lo - span * 0.05, hi + span * 0.05


def y_range(pts: Sequence[Point], target: float | None, percent: bool = False) -> tuple[float, float]:
    """The y view: every value, line and the target, with a margin.

    A flat chart's band never reaches where its values cannot be: below zero for nothing
    at all, below 0% or above 100% for a proportion.
    """
    values = [v for p in pts for v in (p.y, p.cl, p.lcl, p.ucl) if v is not None and math.isfinite(v)]
    if target is not None and math.isfinite(target):
        values.append(target)
    if not values:
        return 0.0, 1.0
    least, most = min(values), max(values)
    lo, hi = margin(least, most)
    if least == most == 0:
        return -0.05 * hi, hi
    if percent and least >= 0 and most <= 1:
        # The 5% margin of what can be seen, never more (a margin this small changes no other chart).
        bottom, top = max(lo, 0.0), min(hi, 1.0)
        pad = (top - bottom) * 0.05
        lo, hi = max(lo, bottom - pad), min(hi, top + pad)
    return lo, hi


def nice_ticks(lo: float, hi: float, most: int, percent: bool) -> tuple[list[float], int]:
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


def number(v: float, decimals: int, percent: bool) -> str:
    """A tick's label (never minus zero)."""
    shown = v * 100 if percent else v
    text = f"{shown:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # never "-0"
    return text + ("%" if percent else "")


def value(v: float, percent: bool, more: int = 0) -> str:
    """A line's value as the charts label it: a whole percentage, else three significant digits.

    Plain numbers (``1,420``, never ``1.42e+03``) from a thousandth to a million; ``more``
    decimals (or significant digits) on top.
    """
    if percent:
        text = f"{v * 100:.{more}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    elif v == 0 or not math.isfinite(v) or not 1e-3 <= abs(v) < 1e6:
        text = f"{v:.{3 + more}g}"
    else:
        decimals = max(0, 2 - math.floor(math.log10(abs(v)))) + more
        text = f"{v:,.{decimals}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # never "-0"
    return text + ("%" if percent else "")


def values(vs: Sequence[float], percent: bool) -> list[str]:
    """The labels of lines drawn together, as :func:`value` writes them.

    With the decimals (at most three more) that tell different values apart, so that a rare
    event's centre line and limits do not all read 0%.
    """
    texts: list[str] = []
    for more in range(4):
        texts = [value(v, percent, more) for v in vs]
        if len(set(texts)) == len({value(v, percent, 3) for v in vs}):
            break
    return texts


def edge_labels(pts: Sequence[Point], target: float | None, percent: bool) -> list[tuple[float, str, str]]:
    """(value, text, colour) of the lines labelled at the right: the last phase's, and the target."""
    last = pts[-1]
    lines = [(v, c) for v, c in ((last.cl, CENTRE), (last.ucl, MUTED), (last.lcl, MUTED)) if v is not None]
    texts = values([v for v, _ in lines] + ([] if target is None else [target]), percent)
    items = [(v, text, colour) for (v, colour), text in zip(lines, texts, strict=False)]
    if target is not None:
        items.append((target, f"target {texts[-1]}", TARGET))
    return items


def by_part(pts: Sequence[Point]) -> dict[int, list[Point]]:
    """The points of each phase."""
    parts: dict[int, list[Point]] = {}
    for p in pts:
        parts.setdefault(p.part, []).append(p)
    return parts


def steps(points: Sequence[Point], attr: str) -> list[tuple[float, float]]:
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


def polyline(svg: Svg, scale: Scale, xy: Sequence[tuple[float, float]], **style: str | float) -> None:
    """A line through data points (nothing for fewer than two)."""
    if len(xy) < 2:
        return
    points = " ".join(f"{_n(scale.x(x))},{_n(scale.y(y))}" for x, y in xy)
    svg.add("polyline", None, points=points, fill="none", **style)


def lines(svg: Svg, scale: Scale, pts: Sequence[Point], analysis: Analysis) -> None:
    """Limits, centre lines (dashed where the runs rules signal), the target and the data line."""
    parts = by_part(pts)
    signalled = {p.part for p in analysis.parts if p.runs_signal}
    for members in parts.values():
        for attr in ("ucl", "lcl"):
            polyline(svg, scale, steps(members, attr), stroke=LIMIT, stroke_width=1.1,
                      stroke_dasharray="4.1 1.8")  # fmt: skip
    for part, members in parts.items():
        dash = {"stroke_dasharray": "8 3.2"} if part in signalled else {}
        polyline(svg, scale, steps(members, "cl"), stroke=CENTRE, stroke_width=1.6, **dash)
    if analysis.target is not None:
        polyline(svg, scale, [(pts[0].x, analysis.target), (pts[-1].x, analysis.target)], stroke=TARGET,
                  stroke_width=1.3, stroke_dasharray="7.8 3.9")  # fmt: skip
    # The data line, broken at missing values and between phases.
    run: list[tuple[float, float]] = []
    last_part = None
    for p in pts:
        if p.y is None or p.part != last_part:
            polyline(svg, scale, run, stroke=LINE, stroke_width=1.2, stroke_linejoin="round")
            run = []
        if p.y is not None:
            run.append((p.x, p.y))
        last_part = p.part
    polyline(svg, scale, run, stroke=LINE, stroke_width=1.2, stroke_linejoin="round")


def shape(kind: str, x: float, y: float, size: float) -> str:
    """One marker as path data, centred on (x, y)."""
    r = size / 2
    if kind == "circle":
        # Two half circles: the chord is exactly twice the radius as written, or each arc
        # (drawn the long way round) bulges past the circle.
        r = float(_n(r))
        arc = f"a{_n(r)},{_n(r)} 0 1,0"
        return f"M{_n(x - r)},{_n(y)}{arc} {_n(2 * r)},0{arc} {_n(-2 * r)},0z"
    if kind == "triangle":
        return f"M{_n(x)},{_n(y - r)}L{_n(x + r)},{_n(y + r * 0.75)}L{_n(x - r)},{_n(y + r * 0.75)}z"
    if kind == "square":
        return f"M{_n(x - r)},{_n(y - r)}h{_n(size)}v{_n(size)}h{_n(-size)}z"
    return f"M{_n(x)},{_n(y - r)}L{_n(x + r)},{_n(y)}L{_n(x)},{_n(y + r)}L{_n(x - r)},{_n(y)}z"


def markers(svg: Svg, scale: Scale, pts: Sequence[Point]) -> None:
    """Each point's marker, one path per kind: filled when counted, hollow when left out."""
    for kind, (colour, form, size) in MARKERS.items():
        for included in (True, False):
            d = "".join(
                shape(form, scale.x(p.x), scale.y(p.y), size)
                for p in pts
                if p.y is not None and p.point_type == kind and p.included is included
            )
            if d:
                fill, stroke = (colour, "#ffffff") if included else ("#ffffff", colour)
                svg.add("path", d=d, fill=fill, stroke=stroke, stroke_width=0.6 if included else 1.2)


def axes(
    svg: Svg,
    scale: Scale,
    y_ticks: list[float],
    tick_texts: list[str],
    series: Series,
    width: float,
    most_dates: int = MOST_DATE_TICKS,
    size: float = TICK_PT,
) -> None:
    """The left and bottom axes with their ticks and labels ``most_dates`` dates at most."""
    left, bottom = scale.left, scale.bottom
    svg.add("path", d=f"M{_n(left)},{_n(scale.top)}V{_n(bottom)}H{_n(scale.right)}", fill="none",
            stroke=AXIS, stroke_width=0.8)  # fmt: skip
    for v, text in zip(y_ticks, tick_texts, strict=True):
        y = scale.y(v)
        svg.add("line", x1=left - TICK_LEN, y1=y, x2=left, y2=y, stroke=MUTED, stroke_width=0.8)
        svg.add("text", text, x=left - TICK_LEN - 2, y=y + size * 0.35, font_size=size,
                text_anchor="end", fill=MUTED)  # fmt: skip
    for x, text in x_ticks(series, scale, width, most_dates, size):
        sx = scale.x(x)
        svg.add("line", x1=sx, y1=bottom, x2=sx, y2=bottom + TICK_LEN, stroke=MUTED, stroke_width=0.8)
        svg.add("text", text, x=sx, y=bottom + TICK_LEN + 1.5 + size * 0.8, font_size=size,
                text_anchor="middle", fill=MUTED)  # fmt: skip


def body(
    svg: Svg,
    scale: Scale,
    series: Series,
    analysis: Analysis,
    ticks: tuple[list[float], list[str]],
    labels: tuple[list[tuple[float, str, str]], list[tuple[str, float, int]]],
    width: float,
    shortened: list[str],
    *,
    label_pt: float = LABEL_PT,
    pad: float = PAD,
    row: float = ROW,
    most_dates: int = MOST_DATE_TICKS,
    tick_pt: float = TICK_PT,
) -> None:
    """The plot as every chart draws it, once its place (``scale``) is settled.

    The grid, phase boundaries and cycles' dotted lines, limits, centre lines and target,
    the data and its markers, the axes with their ``ticks`` (values, texts), the y label
    (cut to the plot's height, noted in ``shortened``), and ``labels``: the values at the
    right edge and the phase names placed above (:func:`place_phases`).
    """
    pts = analysis.points
    top, bottom, left, right = scale.top, scale.bottom, scale.left, scale.right
    y_ticks, tick_texts = ticks
    edge_items, phases = labels
    for v in y_ticks:
        svg.add("line", x1=left, y1=scale.y(v), x2=right, y2=scale.y(v), stroke=GRID, stroke_width=0.8)
    phase_lines(svg, scale, pts)
    for c in series.annotations:
        x = scale.x(c.x)
        svg.add("line", x1=x, y1=top, x2=x, y2=bottom, stroke=CYCLE_LINE, stroke_width=0.8,
                stroke_dasharray="1 1.6")  # fmt: skip
    lines(svg, scale, pts, analysis)
    markers(svg, scale, pts)
    axes(svg, scale, y_ticks, tick_texts, series, width, most_dates, tick_pt)
    if series.y_label:
        label = fit(series.y_label, label_pt, bottom - top, shortened)
        cx, cy = pad + label_pt * 0.8, (top + bottom) / 2
        svg.add("text", label, x=cx, y=cy, font_size=label_pt, text_anchor="middle", fill=MUTED,
                transform=f"rotate(-90 {_n(cx)} {_n(cy)})")  # fmt: skip
    edges(svg, scale, edge_items, pts[-1].x)
    for text, x, r in (p for p in phases if p[0]):
        svg.add("text", text, x=x + 2, y=top - 3 - row * r, font_size=PHASE_PT, fill=MUTED)


def x_ticks(
    series: Series, scale: Scale, width: float, most: int = MOST_DATE_TICKS, size: float = TICK_PT
) -> list[tuple[float, str]]:
    """Ticks on the x axis (``most`` dates at most), thinned until their labels stand apart."""
    if series.dates:
        ticks = date_ticks(scale.first, scale.last, scale.x0, scale.x1, most)
    else:
        values, decimals = nice_ticks(scale.x0, scale.x1, 5, False)
        ticks = [(v, number(v, decimals, False)) for v in values if v == int(v)]
    while ticks:
        halves = [text_width(t, size) / 2 for _, t in ticks]
        ends = [(scale.x(x) - half, scale.x(x) + half) for (x, _), half in zip(ticks, halves, strict=True)]
        inside = [k for k, (a, b) in enumerate(ends) if a >= PAD and b <= width - PAD]
        clear = all(ends[k][1] + 4 <= ends[k + 1][0] for k in range(len(ends) - 1))
        if len(inside) == len(ticks) and clear:
            return ticks
        ticks = [ticks[k] for k in inside] if len(inside) < len(ticks) else ticks[::2]
    return ticks


def date_ticks(
    first: float, last: float, lo: float, hi: float, most: int = MOST_DATE_TICKS
) -> list[tuple[float, str]]:
    """Month starts ("Mar 2026"), or days ("16 Mar 2026") for a series under about three months.

    At most about ``most`` of them: every label complete on its own (no year written once
    at the side).
    """
    days = max(int(last) - int(first), 1)
    start, end = dt.date.fromordinal(max(1, math.ceil(lo))), dt.date.fromordinal(max(1, math.floor(hi)))
    if days >= 90:
        months = days / 30.44
        step = next((k for k in MONTH_STEPS if months / k <= most), MONTH_STEPS[-1])
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
    step = max(1, -(-days // max(most - 1, 1)))
    return [
        (float(o), f"{dt.date.fromordinal(o).day} {dt.date.fromordinal(o):%b %Y}")
        for o in range(int(first), end.toordinal() + 1, step)
    ]


def edges(svg: Svg, scale: Scale, items: list[tuple[float, str, str]], last_x: float) -> None:
    """The last phase's line values at the right, nudged apart so that they never overlap."""
    x = scale.x(last_x) + 5
    placed = sorted((scale.y(v), t, c) for v, t, c in items)
    shifted: list[float] = []
    for y, *_ in reversed(placed):  # from the bottom up
        shifted.append(min(y, shifted[-1] - EDGE_PT - 1.5) if shifted else y)
    for (_, text, colour), y in zip(reversed(placed), shifted, strict=True):
        svg.add("text", text, x=x, y=y + EDGE_PT * 0.35, font_size=EDGE_PT, fill=colour)


def phase_labels(series: Series, pts: Sequence[Point]) -> list[tuple[float, str]]:
    """(first x, label) of each phase."""
    out = []
    for part, members in sorted(by_part(pts).items()):
        label = series.part_labels[part - 1] if part - 1 < len(series.part_labels) else f"phase {part}"
        out.append((members[0].x, label))
    return out


def phase_lines(svg: Svg, scale: Scale, pts: Sequence[Point]) -> None:
    """A line between each two phases."""
    parts = sorted(by_part(pts).items())
    for (_, before), (_, after) in itertools.pairwise(parts):
        x = scale.x((before[-1].x + after[0].x) / 2)
        svg.add("line", x1=x, y1=scale.top - 2, x2=x, y2=scale.bottom, stroke=PHASE, stroke_width=0.9)


def place_phases(labels: list[tuple[float, str]], scale: Scale, w: float) -> list[tuple[str, float, int]]:
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
        texts.append(fit(text, PHASE_PT, room, []) if room >= text_width("ab…", PHASE_PT) else "")
    spans = [(a, a + 2 + text_width(t, PHASE_PT) + 3) for a, t in zip(lefts, texts, strict=True)]
    rows = stagger([span if text else (span[0], span[0]) for span, text in zip(spans, texts, strict=True)])
    return [(t, a, r) for t, a, r in zip(texts, lefts, rows, strict=True)]


def cycle_texts(series: Series, brief: bool = True) -> list[str]:
    """Each cycle's label: its id when ``brief`` (and it has one), else its label cut to 34 characters."""
    return [(a.short if brief and a.short else "") or shorten(a.label, 34) for a in series.annotations]


def place_cycles(
    series: Series, scale: Scale, w: float, texts: Sequence[str] | None = None
) -> list[tuple[float, str, str, int]]:
    """(x, text, anchor, row) of each cycle: its text centred under its marker, kept inside the drawing.

    ``texts`` are the cycles' labels (their ids when not given).
    """
    out = []
    spans = []
    for a, text in zip(series.annotations, cycle_texts(series) if texts is None else texts, strict=True):
        x = scale.x(a.x)
        half = text_width(text, CYCLE_PT) / 2
        anchor = "start" if x - half < PAD else "end" if x + half > w - PAD else "middle"
        left = clamped(x, text, anchor, w) - (
            0 if anchor == "start" else 2 * half if anchor == "end" else half
        )
        spans.append((left - 2, left + 2 * half + 2))
        out.append((x, text, anchor))
    rows = stagger(spans)
    return [(x, t, anchor, r) for (x, t, anchor), r in zip(out, rows, strict=True)]


def clamped(x: float, text: str, anchor: str, w: float) -> float:
    """Where a cycle's id is written: under its marker, or against the drawing's edge."""
    return PAD if anchor == "start" else w - PAD if anchor == "end" else x


def shorten(text: str, most: int) -> str:
    """``text`` cut to ``most`` characters, with an ellipsis when cut."""
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def fit(text: str, size: float, room: float, shortened: list[str]) -> str:
    """``text`` cut with an ellipsis to ``room`` points (noted in ``shortened`` when cut)."""
    if text_width(text, size) <= room:
        return text
    cut = text
    while cut and text_width(cut + "…", size) > room:
        cut = cut[:-1]
    shortened.append(text)
    return cut.rstrip() + "…"
