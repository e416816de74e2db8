"""A measure's run or control chart in a report, drawn straight as SVG.

Everything the chart says: a bold title wrapped beside the Making Data Count icons
(charts read with the nhs rules), a muted subtitle (kind of chart, the verdict since the
latest phase, the target), the plot (:mod:`microsys.render.plot`: limits, centre lines,
target, data line, a marker per kind of point, phase names above and PDSA cycles below in
staggered rows, the last phase's values at the right edge), numbered notes on points and
their lines under the chart, and the legend: right of the plot on a page-wide chart, under
it in columns on a poster's narrower one (whose cycles are labelled by their ids).

A report of a thousand workbooks holds thousands of charts: each is drawn here in a few
milliseconds (matplotlib took 100-300 ms), so reports draw them inline, with no cache.
``microsys chart``'s PNG, SVG and PDF files are still drawn with matplotlib
(:mod:`microsys.render.chart`), in the same colours, shapes and line styles.

The drawing's units are points at the size it is printed (``size`` inches), so every
font size is its size on paper (7 points at least). Extra rows of labels, a legend below
and notes make the chart taller rather than its plot smaller. The same data always gives
the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from microsys.render import mdc, plot
from microsys.render.diagrams import Svg, _n
from microsys.render.plot import (
    CENTRE,
    CYCLE,
    CYCLE_PT,
    EDGE_PT,
    INK,
    LIMIT,
    MARKERS,
    MUTED,
    STYLE,
    TARGET,
    TICK_LEN,
)
from microsys.report.text import clamp_lines, wrap
from microsys.report.text import width as text_width
from microsys.spc.analysis import Analysis
from microsys.spc.kinds import kind as chart_kind
from microsys.spc.mdc import assurance_icon, variation_icon
from microsys.workbook.series import Series

TITLE_PT = 13.0
SUBTITLE_PT = 9.0
TICK_PT = 8.5
LABEL_PT = 9.0
LEGEND_PT = 8.0
NOTE_PT = 7.5
NUMBER_PT = 7.0
PAD = 4.5
# Rows of phase names and cycle labels, of legend entries, and of notes (points apart).
ROW = 11.0
LEGEND_ROW = 13.5
NOTE_ROW = 10.0
# Length of a line's sample in the legend, and the gap before its words.
SAMPLE = 22.0
SAMPLE_GAP = 5.0
# Charts narrower than this (inches, a poster's) have their legend under the plot and
# their cycles labelled by id.
NARROW_INCHES = 6.5
# Making Data Count icons, points: a page-wide chart's, a poster's (its letters stay 7 pt or
# larger: they are a quarter of the icon), and the gap between them.
ICON_PT = 36.0
NARROW_ICON_PT = 30.5
ICON_GAP = 4.0
# Notes explained under a chart (more are summed up in one line), and lines each.
MAX_NOTES = 6
NOTE_LINES = 2
# The most rows of cycle labels (cycles past them keep their marker and line).
CYCLE_ROWS = 10
# The plot's least share of the chart's height (when the header takes much).
LEAST_PLOT = 0.5


@dataclass(frozen=True)
class _Entry:
    """One legend entry: a line sample (stroke, dash, width) or a marker (kind of point)."""

    label: str
    stroke: str = ""
    dash: str = ""
    line_width: float = 0.0
    kind: str = ""


def icon_names(analysis: Analysis) -> list[tuple[str, str]]:
    """The (kind, icon) pairs to draw: only on charts read with the nhs rules, as the NHS does."""
    if analysis.rules != "nhs" or analysis.recent is None:
        return []
    # The latest phase's special cause still going on (Analysis.recent), as status and the data wall say.
    out = [("variation", variation_icon(analysis.recent, analysis.direction))]
    if analysis.assurance is not None:
        out.append(("assurance", assurance_icon(analysis.assurance)))
    return out


def subtitle(series: Series, analysis: Analysis) -> str:
    """The kind of chart, what it says since the latest phase, and how it stands to the target."""
    latest = ""
    if len(analysis.parts) > 1:
        label = series.part_labels[-1] if series.part_labels else f"phase {len(analysis.parts)}"
        latest = f"Since {label}: "
    text = f"{chart_kind(analysis.chart).title} · {latest}{analysis.verdict}"
    if analysis.target_words:
        text += f" · {analysis.target_words}"
    return text


def legend_entries(analysis: Analysis) -> list[_Entry]:
    """The legend's entries, in order: lines, then each kind of point drawn."""
    entries = [
        _Entry("median" if chart_kind(analysis.chart).median else "centre line", CENTRE, "", 1.6),
    ]
    if any(p.runs_signal for p in analysis.parts):
        entries.append(_Entry("runs signal (non-random)", CENTRE, "8 3.2", 1.6))
    if any(p.ucl is not None for p in analysis.points):
        entries.append(_Entry("control limits", LIMIT, "4.1 1.8", 1.1))
    if analysis.target is not None:
        entries.append(_Entry("target", TARGET, "7.8 3.9", 1.3))
    drawn = {p.point_type for p in analysis.points if p.y is not None}
    for kind, st in STYLE.items():
        if kind not in drawn:
            continue
        label = st.label
        if kind == "common" and not all(p.judged for p in analysis.parts):
            # Grey points in a phase too short to judge are not known to be common cause.
            label = "no signal" if any(p.judged for p in analysis.parts) else "too few points to judge"
        entries.append(_Entry(label, kind=kind))
    return entries


def _entry_width(entry: _Entry) -> float:
    return SAMPLE + SAMPLE_GAP + text_width(entry.label, LEGEND_PT)


def _draw_entry(svg: Svg, entry: _Entry, x: float, y: float) -> None:
    """A legend entry whose sample starts at ``x``, centred on ``y``."""
    if entry.kind:
        colour, form, size = MARKERS[entry.kind]
        svg.add("path", d=plot.shape(form, x + SAMPLE / 2, y, size), fill=colour, stroke="#ffffff",
                stroke_width=0.6)  # fmt: skip
    else:
        dash = {"stroke_dasharray": entry.dash} if entry.dash else {}
        svg.add("line", x1=x, y1=y, x2=x + SAMPLE, y2=y, stroke=entry.stroke, stroke_width=entry.line_width,
                **dash)  # fmt: skip
    svg.add("text", entry.label, x=x + SAMPLE + SAMPLE_GAP, y=y + LEGEND_PT * 0.35, font_size=LEGEND_PT,
            fill=INK)  # fmt: skip


def _icons(svg: Svg, icons: list[tuple[str, str]], right: float, top: float, size: float) -> None:
    """The Making Data Count icons, ``size`` points each, in a row ending at ``right``."""
    k = size / 100
    for n, (kind, name) in enumerate(icons):
        x0 = right - (len(icons) - n) * size - (len(icons) - 1 - n) * ICON_GAP
        svg.parts.append("<g>")
        svg.add("title", mdc.words(kind, name))
        for s in mdc.shapes(kind, name):
            if s.kind == "circle":
                (cx, cy), ring = s.points[0], s.size > 40
                line = (7 if ring else 1.5) * k
                stroke: dict[str, str | float] = (
                    {} if s.stroke == "none" else {"stroke": s.stroke, "stroke_width": line}
                )
                svg.add("circle", None, cx=x0 + cx * k, cy=top + cy * k, r=s.size * k, fill=s.fill, **stroke)
            elif s.kind == "line":
                points = " ".join(f"{_n(x0 + x * k)},{_n(top + y * k)}" for x, y in s.points)
                dash = {"stroke_dasharray": f"{_n(6 * k)} {_n(4 * k)}"} if s.dashed else {}
                svg.add("polyline", points=points, fill="none", stroke=s.stroke, stroke_width=s.size * k,
                        stroke_linejoin="round", **dash)  # fmt: skip
            else:
                (x, y), font = s.points[0], round(s.size * k, 1)
                svg.add("text", s.text, x=x0 + x * k, y=top + y * k + font * 0.36, font_size=font,
                        font_weight="bold", text_anchor="middle", fill=s.fill)  # fmt: skip
        svg.parts.append("</g>")


def _notes(series: Series, analysis: Analysis) -> tuple[list[tuple[float, float, str]], list[str]]:
    """The numbered points (x, y, number), and the notes' lines, numbered alike."""
    noted = [p for p in analysis.points if p.note and p.y is not None]
    marks: list[tuple[float, float, str]] = []
    out: list[str] = []
    for k, p in enumerate(noted[:MAX_NOTES], start=1):
        marks.append((p.x, p.y or 0.0, str(k)))
        when = dt.date.fromordinal(int(p.x)).isoformat() if series.dates else f"{p.x:g}"
        out.append(f"{k}. {when}: {plot.shorten(p.note or '', 110)}")
    if len(noted) > MAX_NOTES:
        out.append(f"… and {len(noted) - MAX_NOTES} more notes in the data")
    return marks, out


def chart(series: Series, analysis: Analysis, size: tuple[float, float]) -> tuple[str, list[str]]:
    """The chart of ``series`` as SVG, ``size`` (width, height) inches or taller, and labels shortened."""
    w, base_h = size[0] * 72, size[1] * 72
    narrow = size[0] < NARROW_INCHES
    svg = Svg()
    shortened: list[str] = []
    title = series.title or chart_kind(analysis.chart).title

    # The header: title and subtitle wrapped to the room the icons leave.
    icons = icon_names(analysis)
    icon = NARROW_ICON_PT if narrow else ICON_PT
    room = w - 2 * PAD - (len(icons) * (icon + ICON_GAP) + 2 if icons else 0)
    title_lines = [line for line in wrap(title, room, TITLE_PT, bold=True) if line] or [""]
    sub_lines = [line for line in wrap(subtitle(series, analysis), room, SUBTITLE_PT) if line]
    y = PAD + TITLE_PT * 0.95
    for line in title_lines:
        svg.add("text", line, x=PAD, y=y, font_size=TITLE_PT, font_weight="bold", fill=INK)
        y += TITLE_PT * 1.2
    y += 2 - TITLE_PT * 0.2 + SUBTITLE_PT * 0.75
    for line in sub_lines:
        svg.add("text", line, x=PAD, y=y, font_size=SUBTITLE_PT, fill=MUTED)
        y += SUBTITLE_PT * 1.25
    header = max(y - SUBTITLE_PT * 0.75, PAD + icon + 2 if icons else 0.0) + 4
    _icons(svg, icons, w - PAD, PAD, icon)
    # The plot keeps the height it has under a one-line title and subtitle: more lines, rows
    # of labels, a legend below and notes make the chart taller.
    usual = PAD + TITLE_PT * 1.2 + 2 + SUBTITLE_PT * 1.25 + 4
    below_axis = TICK_LEN + 3 + TICK_PT
    usual = max(usual, PAD + icon + 6 if icons else 0.0)
    plot_h = max(base_h - usual - below_axis - PAD, base_h * LEAST_PLOT)

    pts = list(analysis.points)
    percent = series.percent
    y_lo, y_hi = plot.y_range(pts, analysis.target, percent)
    if not pts or not math.isfinite(y_hi - y_lo):
        why = "values too large to draw" if pts else "no values to draw yet"
        svg.add("text", why, x=PAD, y=header + ROW * 0.7, font_size=TICK_PT, fill=MUTED)
        return svg.document(w, max(header + ROW + PAD, base_h), title, unit="pt"), shortened

    entries = legend_entries(analysis)
    beside = 0.0 if narrow else max(_entry_width(e) for e in entries) + 12
    plot_h = max(plot_h, 0.0 if narrow else len(entries) * LEGEND_ROW)
    cycles = list(series.annotations)
    first = min([pts[0].x, *(c.x for c in cycles)])
    last = max([pts[-1].x, *(c.x for c in cycles)])
    x_lo, x_hi = plot.margin(first, last)
    edges = plot.edge_labels(pts, analysis.target, percent)
    y_ticks, decimals = plot.nice_ticks(y_lo, y_hi, max(2, min(8, int(plot_h / 30))), percent)
    tick_texts = [plot.number(v, decimals, percent) for v in y_ticks]
    left = PAD + (LABEL_PT + 4 if series.y_label else 0.0)
    left += max((text_width(t, TICK_PT) for t in tick_texts), default=0) + TICK_LEN + 2
    right = w - PAD - beside - max((text_width(t, EDGE_PT) for _, t, _ in edges), default=12.0) - 5
    right = max(right, left + w * 0.3)

    # Rows above (phase names) and below (cycle labels) once the plot's width is known.
    flat = plot.Scale(x_lo, x_hi, first, last, y_lo, y_hi, left, right, 0.0, 1.0)
    names = plot.phase_labels(series, pts)
    phases = plot.place_phases(names, flat, w) if len(names) > 1 else []
    phase_rows = max((row + 1 for text, _, row in phases if text), default=0)
    marks = plot.place_cycles(series, flat, w, plot.cycle_texts(series, brief=narrow))
    cycle_rows = min(CYCLE_ROWS, max((row + 1 for *_, row in marks), default=0))
    shortened += [label for (_, label), (text, _, _) in zip(names, phases, strict=False) if text != label]

    top = header + ROW * phase_rows + EDGE_PT / 2
    bottom = top + plot_h
    scale = plot.Scale(x_lo, x_hi, first, last, y_lo, y_hi, left, right, top, bottom)
    y = bottom + below_axis + (3 + ROW * cycle_rows if cycle_rows else 0.0)

    plot.body(svg, scale, series, analysis, (y_ticks, tick_texts), (edges, phases), w, shortened,
              label_pt=LABEL_PT, pad=PAD, row=ROW, most_dates=max(2, int((right - left) / 61)),
              tick_pt=TICK_PT)  # fmt: skip
    for x, text, anchor, row in marks:
        svg.add("path", d=f"M{_n(x - 3.5)},{_n(bottom - 5)}h7l-3.5,5z", fill=CYCLE)
        if row < cycle_rows:
            ty = bottom + below_axis + 3 + CYCLE_PT * 0.85 + ROW * row
            svg.add("text", text, x=plot.clamped(x, text, anchor, w), y=ty, font_size=CYCLE_PT,
                    text_anchor=anchor, fill=CYCLE)  # fmt: skip
        elif text not in shortened:
            shortened.append(text)
    numbers, notes = _notes(series, analysis)
    for x, v, number in numbers:
        svg.add("text", number, x=scale.x(x), y=scale.y(v) - 6, font_size=NUMBER_PT, font_weight="bold",
                text_anchor="middle", fill=INK)  # fmt: skip

    if narrow:
        y = _legend_below(svg, entries, w, y + 6)
    else:
        _legend_beside(svg, entries, w - PAD - beside + 12, top)
    if notes:
        y += 4
        for note in notes:
            lines, cut = clamp_lines(wrap(note, w - 2 * PAD, NOTE_PT), NOTE_LINES)
            if cut:
                lines[-1] = plot.fit(lines[-1], NOTE_PT, w - 2 * PAD, [])
                shortened.append(note)
            for line in lines:
                svg.add("text", line, x=PAD, y=y + NOTE_PT * 0.8, font_size=NOTE_PT, fill=MUTED)
                y += NOTE_ROW
    return svg.document(w, max(y + PAD, base_h), title, unit="pt"), shortened


def _legend_beside(svg: Svg, entries: list[_Entry], x: float, top: float) -> None:
    """The legend right of the plot, from its top."""
    for k, entry in enumerate(entries):
        _draw_entry(svg, entry, x, top + LEGEND_ROW * (k + 0.5))


def _legend_below(svg: Svg, entries: list[_Entry], w: float, y: float) -> float:
    """The legend under the plot in up to three columns filled top down, centred; the y below it."""
    gap = 12.0
    for most in range(min(3, len(entries)), 0, -1):
        rows = -(-len(entries) // most)
        columns = -(-len(entries) // rows)  # (4 entries in rows of 2 fill two columns, not three)
        widths = [max(_entry_width(e) for e in entries[c * rows : (c + 1) * rows]) for c in range(columns)]
        if sum(widths) + gap * (columns - 1) <= w - 2 * PAD or columns == 1:
            break
    x = max(PAD, (w - sum(widths) - gap * (columns - 1)) / 2)
    for c, width in enumerate(widths):
        for r, entry in enumerate(entries[c * rows : (c + 1) * rows]):
            _draw_entry(svg, entry, x, y + LEGEND_ROW * (r + 0.5))
        x += width + gap
    return y + LEGEND_ROW * rows
