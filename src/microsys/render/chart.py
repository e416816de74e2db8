"""Drawing run and control charts with matplotlib's Figure API (no pyplot state).

Imported only by commands that draw. Colours are the Okabe-Ito palette and every
signal type also has its own marker shape, so charts read in greyscale and for
colour-blind readers.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

from microsys.render import plot, svgchart
from microsys.render.plot import CENTRE, INK, LIMIT, LINE, MUTED, STYLE, TARGET, edge_labels, stagger
from microsys.spc.analysis import Analysis, Point
from microsys.spc.kinds import kind as chart_kind
from microsys.workbook.series import Series

# Notes listed under a chart; more are summed up in one line.
MAX_NOTES = 6
LEGEND_SIZE = 8
# Charts narrower than this (inches) have their legend below the plot; height of its lines.
NARROW_INCHES = 6.5
LEGEND_ROW_INCHES = 0.19
# Height of one line of labels or notes under the plot.
ROW_INCHES = 0.17
# Charts narrower than this (a data wall's small multiples) have no title, subtitle, legend or
# icons: the tile around them says those once, and the plot keeps the room.
COMPACT_INCHES = 4.5
# Room one date label ("Sep 2026" at 8.5 pt, about 0.6 in) needs on the axis, with a gap.
DATE_LABEL_INCHES = 0.85


def _x(series: Series, value: float) -> float:
    """Plot coordinate of an x value: matplotlib's date numbers for dates."""
    if not series.dates:
        return value
    from matplotlib.dates import date2num

    whole = int(value)
    return float(date2num(dt.date.fromordinal(whole))) + (value - whole)


def _steps(points: list[Point], attr: str, series: Series) -> list[tuple[list[Any], list[float]]]:
    """Line segments of a centre line or limit, drawn as steps per part."""
    return [segment for _, segment in _steps_by_part(points, attr, series)]


def _steps_by_part(
    points: list[Point], attr: str, series: Series
) -> list[tuple[int, tuple[list[Any], list[float]]]]:
    """Each phase's steps of a centre line or limit (:func:`plot.steps`), in matplotlib's x."""
    segments: list[tuple[int, tuple[list[Any], list[float]]]] = []
    for part, members in plot.by_part(points).items():
        xy = plot.steps(members, attr)
        if xy:
            segments.append((part, ([_x(series, x) for x, _ in xy], [v for _, v in xy])))
    return segments


def _text_width(text: str, fontsize: float, fig: Any, ax: Any) -> float:
    """Width of a label as a fraction of the axes width, or in points without ``ax``.

    Measured with the renderer.
    """
    renderer = fig.canvas.get_renderer()
    probe = fig.text(0, 0, text, fontsize=fontsize)
    width = probe.get_window_extent(renderer).width
    probe.remove()
    if ax is None:
        return float(width * 72 / fig.dpi)
    return float(width / max(ax.get_window_extent(renderer).width, 1.0))


def draw(series: Series, analysis: Analysis, *, width: float = 10, height: float = 5.2) -> Any:
    r"""A matplotlib Figure of the chart.

    Every text is drawn as written: a ``$`` or a backslash in a measure's name or a
    note (``$5...$6``, ``\pounds``) is never read as mathematics.
    """
    import matplotlib

    with matplotlib.rc_context(LITERAL_TEXT):
        return _draw(series, analysis, width=width, height=height)


# matplotlib reads text between dollar signs as TeX-like mathematics unless told not to.
LITERAL_TEXT: Any = {"text.parse_math": False, "text.usetex": False}


def _draw(series: Series, analysis: Analysis, *, width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    fig = Figure(figsize=(width, height), dpi=150)
    FigureCanvasAgg(fig)  # a canvas, so that label sizes can be measured
    fig.set_facecolor("white")
    ax = fig.add_subplot()
    pts = list(analysis.points)
    xs = [_x(series, p.x) for p in pts]

    # Limits and centre line, per part.
    for attr in ("ucl", "lcl"):
        for sx, sy in _steps(pts, attr, series):
            ax.plot(sx, sy, color=LIMIT, linestyle="--", linewidth=1.1, zorder=1)
    signalled = {p.part for p in analysis.parts if p.runs_signal}
    for part, (sx, sy) in _steps_by_part(pts, "cl", series):
        # qicharts2 convention: a dashed centre line means non-random variation (runs).
        centre_style: Any = (0, (5, 2)) if part in signalled else "-"
        ax.plot(sx, sy, color=CENTRE, linewidth=1.6, linestyle=centre_style, zorder=2)
    if analysis.target is not None and pts:
        ends = [_x(series, pts[0].x), _x(series, pts[-1].x)]
        ax.plot(ends, [analysis.target] * 2, color=TARGET, linewidth=1.3, linestyle=(0, (6, 3)), zorder=1)

    # The data line, broken at missing values and between parts.
    run_x: list[Any] = []
    run_y: list[float] = []
    last_part = None
    for p, x in zip(pts, xs, strict=True):
        if p.y is None or p.part != last_part:
            if run_x:
                ax.plot(run_x, run_y, color=LINE, linewidth=1.2, zorder=3)
            run_x, run_y = [], []
        if p.y is not None:
            run_x.append(x)
            run_y.append(p.y)
        last_part = p.part
    if run_x:
        ax.plot(run_x, run_y, color=LINE, linewidth=1.2, zorder=3)

    present: list[str] = []
    for kind, st in STYLE.items():
        sel = [(x, p) for x, p in zip(xs, pts, strict=True) if p.y is not None and p.point_type == kind]
        if not sel:
            continue
        present.append(kind)
        for included in (True, False):
            chosen = [(x, p.y) for x, p in sel if p.included is included]
            if not chosen:
                continue
            cx, cy = zip(*chosen, strict=True)
            # Points left out of the calculation are drawn hollow.
            face = st.color if included else "white"
            edge = "white" if included else st.color
            ax.scatter(
                cx,
                cy,
                s=st.size,
                marker=st.marker,
                facecolors=face,
                edgecolors=edge,
                linewidths=0.6 if included else 1.2,
                zorder=4,
            )

    notes = _notes(ax, series, pts, xs)

    ax.spines[["top", "right"]].set_visible(False)
    ax.spines[["left", "bottom"]].set_color("#bbbbbb")
    ax.tick_params(colors=MUTED, labelsize=8.5)
    ax.grid(axis="y", color="#eeeeee", linewidth=0.8)
    ax.set_axisbelow(True)
    if series.percent:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if series.y_label:
        ax.set_ylabel(series.y_label, color=MUTED, fontsize=9)
    if series.dates and pts:
        # A small multiple has room for fewer date labels.
        most = 3 if width < COMPACT_INCHES else 5 if width < NARROW_INCHES else 9
        _date_axis(ax, pts[0].x, pts[-1].x, most=most)
    compact = width < COMPACT_INCHES
    title = series.title or chart_kind(analysis.chart).title
    icons = [] if compact else svgchart.icon_names(analysis)
    # The corner the Making Data Count icons take, kept clear of the title and subtitle.
    room = width - (len(icons) * (_icon_size(width) + ICON_GAP) + _PAD if icons else 0.0)
    # Wrapped to the room it has (about 8.5 characters of the bold 13-point title to the
    # inch): a long title on a narrow poster chart would run out of its figure.
    title = "\n".join(textwrap.wrap(title, int(room * 8.5))) or title
    if not compact:
        fig.suptitle(title, x=0.01, ha="left", fontsize=13, fontweight="bold", color=INK)
    subtitle = svgchart.subtitle(series, analysis)
    # Wrapped to the figure's width (about 12 characters of this size to the inch).
    ax.set_title(
        "" if compact else "\n".join(textwrap.wrap(subtitle, int(room * 12))),
        loc="left",
        fontsize=9,
        color=MUTED,
        pad=22 if not compact else 4,
    )
    # A narrow chart (a poster's) has its legend under the plot, so the plot keeps the width.
    below = width < NARROW_INCHES
    if not below:
        widths = [_text_width(text, 8, fig, None) for _, text, _ in _edge_labels(series, analysis, pts)]
        _legend(ax, present, analysis, clear=max(widths, default=0.0) + 12)
    # Labels are placed last, once the axis limits and the plot's size are settled.
    ax.set_xlim(*ax.get_xlim())
    # The y view as the report charts have it: matplotlib's margins, a flat chart kept where
    # its values can be (no -5% for twelve weeks of 0 of 50).
    ax.set_ylim(*plot.y_range(pts, analysis.target, series.percent))
    _fit(fig, ax)
    if series.dates and pts and not below:
        # The legend beside the plot takes its width: no more date labels than the plot holds,
        # or "Dec 2025Feb 2026" print into each other.
        plot_inches = ax.get_position().width * width
        _date_axis(ax, pts[0].x, pts[-1].x, most=min(most, max(2, int(plot_inches / DATE_LABEL_INCHES))))
    labels = _labels(ax, series, analysis, pts)
    _phases(ax, fig, series, pts)
    rows = _annotations(ax, fig, series, brief=below)
    # Grow the figure for extra rows of cycle labels, the legend below and the notes,
    # rather than squeezing the plot itself.
    extra = ROW_INCHES * max(rows - 1, 0) + ROW_INCHES * len(notes)
    if below and not compact:
        lines = _legend(ax, present, analysis, clear=0.0, under=30 + 11 * rows)
        extra += LEGEND_ROW_INCHES * lines
    fig.set_size_inches(width, height + extra)
    reserve = 0.0
    if notes:
        fig.text(0.01, 0.005, "\n".join(notes), fontsize=7.5, color=MUTED, va="bottom", ha="left")
        reserve = ROW_INCHES * len(notes) + 0.08
    short = _fit(fig, ax, bottom=reserve)
    if short > 0:  # a narrow chart's titles and label rows need more height than it has
        fig.set_size_inches(width, height + extra + short / fig.dpi)
        _fit(fig, ax, bottom=reserve)
    for label in labels:  # placed again for the plot's final height
        label.remove()
    _labels(ax, series, analysis, pts)
    _icons(fig, icons, width)
    return fig


# Months between date ticks: the first that keeps the ticks to the most a chart has room for.
_MONTH_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)


def _date_axis(ax: Any, first: float, last: float, most: int) -> None:
    """Date ticks with one label style on every chart: "Mar 2026" at month starts.

    Series shorter than about three months are labelled by day ("16 Mar 2026"), every
    label complete on its own (no year written once at the side, no mix of "2026",
    "Feb" and "Mar" as matplotlib's concise labels give).
    """
    from matplotlib.dates import DateFormatter, DayLocator, MonthLocator
    from matplotlib.ticker import FuncFormatter

    ax.xaxis_date()
    days = max(int(last) - int(first), 1)
    if days >= 90:
        months = days / 30.44
        step = next((k for k in _MONTH_STEPS if months / k <= most), _MONTH_STEPS[-1])
        ax.xaxis.set_major_locator(MonthLocator(bymonthday=1, interval=step))
        ax.xaxis.set_major_formatter(DateFormatter("%b %Y"))
    else:
        step = max(1, -(-days // max(most - 1, 1)))
        ax.xaxis.set_major_locator(DayLocator(interval=step))
        ax.xaxis.set_major_formatter(FuncFormatter(_day_label))


def _day_label(value: float, _pos: int | None = None) -> str:
    """A tick's date as "16 Mar 2026" (no leading zero, on every platform)."""
    from matplotlib.dates import num2date

    day = num2date(value)
    return f"{day.day} {day:%b %Y}"


# Making Data Count icons: size (inches) on a full-width chart, and the gap between them.
ICON_INCHES = 0.5
ICON_GAP = 0.06


def _icon_size(width: float) -> float:
    return ICON_INCHES if width >= NARROW_INCHES else 0.38


def _icons(fig: Any, icons: list[tuple[str, str]], width: float) -> None:
    """The icons in the top right corner, variation first (NHSRplotthedots' order)."""
    if not icons:
        return
    from microsys.render import mdc

    size = _icon_size(width)
    w, h = fig.get_size_inches()
    top = h - _PAD
    for k, (kind, name) in enumerate(icons):
        right = w - _PAD - (len(icons) - 1 - k) * (size + ICON_GAP)
        mdc.draw(fig, kind, name, (right - size) / w, (top - size) / h, size)


# Space kept clear around everything drawn, in inches.
_PAD = 0.06


def _fit(fig: Any, ax: Any, bottom: float = 0.0) -> float:
    """Place the plot so that it and everything around it fill the figure, nothing cut.

    Ticks, titles, legend and labels are measured in one pass, where matplotlib's
    layout engines take several (drawing a chart is most of a report's time).

    ``bottom`` is room (inches) kept free below, for the notes. Returns how much taller
    (in pixels) the figure must be for the plot to keep its least height with nothing
    running into anything else (0 when it fits).
    """
    renderer = fig.canvas.get_renderer()
    dpi = fig.dpi
    fig_w, fig_h = (v * dpi for v in fig.get_size_inches())
    pad = _PAD * dpi
    top = pad
    title = getattr(fig, "_suptitle", None)
    if title is not None:
        top += fig_h - title.get_window_extent(renderer).y0
    box = ax.get_position().transformed(fig.transFigure)
    # As matplotlib's own layouts do: a title wider than the plot does not shrink it.
    tight = ax.get_tightbbox(renderer, for_layout_only=True)
    # The subtitle's height (the plot's left title) is not always in that box: counted here
    # (its height only), so that a subtitle of several lines pushes the plot down instead of
    # running into the title.
    titles = [t.get_window_extent(renderer).y1 for t in (ax.title, ax._left_title) if t.get_text()]
    tight_top = float(max([tight.y1, *titles]))
    left = box.x0 - tight.x0 + pad
    right = tight.x1 - box.x1 + pad
    below = box.y0 - tight.y0 + pad + bottom * dpi
    above = tight_top - box.y1 + top
    width = max(fig_w - left - right, fig_w * 0.3)
    height = max(fig_h - below - above, fig_h * 0.3)
    ax.set_position((left / fig_w, below / fig_h, width / fig_w, height / fig_h))
    return float(max(0.0, below + above + height - fig_h))


def _edge_labels(series: Series, analysis: Analysis, pts: list[Point]) -> list[tuple[float, str, str]]:
    """(value, text, colour) of the lines labelled at the right edge of the plot."""
    if not pts:
        return []
    return edge_labels(pts, analysis.target, series.percent)


def _labels(ax: Any, series: Series, analysis: Analysis, pts: list[Point]) -> list[Any]:
    """Values of the last part's lines at the right edge, nudged apart so they never overlap.

    Returns the labels: they are apart for the plot's height now, so a plot resized later
    has them placed again.
    """
    items = _edge_labels(series, analysis, pts)
    if not items:
        return []
    x = _x(series, pts[-1].x)
    # Positions in points from the bottom of the axes, pushed apart by at least 10 points.
    y0, y1 = ax.get_ylim()
    height = ax.get_window_extent().height * 72 / ax.figure.dpi
    placed = sorted(((v - y0) / (y1 - y0) * height, v, t, c) for v, t, c in items)
    shifted: list[float] = []
    for pos, *_ in placed:
        shifted.append(max(pos, shifted[-1] + 11) if shifted else pos)
    made = []
    for (pos, v, text, color), new in zip(placed, shifted, strict=True):
        made.append(
            ax.annotate(
                text,
                (x, v),
                xytext=(6, new - pos),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color=color,
                annotation_clip=False,
            )
        )
    return made


def _phases(ax: Any, fig: Any, series: Series, pts: list[Point]) -> None:
    parts = sorted({p.part for p in pts})
    if len(parts) < 2:
        return
    x0, x1 = ax.get_xlim()
    starts, labels = [], []
    for part in parts:
        members = [p for p in pts if p.part == part]
        start = members[0].x
        if part > 1:
            prev = [p for p in pts if p.part == part - 1][-1].x
            boundary = (prev + start) / 2
            ax.axvline(_x(series, boundary), color="#cccccc", linewidth=0.9, zorder=0)
        label = series.part_labels[part - 1] if part - 1 < len(series.part_labels) else f"phase {part}"
        starts.append((_x(series, start) - x0) / (x1 - x0))
        labels.append(textwrap.shorten(label, 40, placeholder="…"))
    spans = [
        (left, left + _text_width(" " + t, 7.5, fig, ax) + 0.01)
        for left, t in zip(starts, labels, strict=True)
    ]
    rows = stagger(spans)
    for (left, _), text, row in zip(spans, labels, rows, strict=True):
        ax.annotate(
            " " + text,
            (left, 1.0),
            xycoords="axes fraction",
            xytext=(0, 2 + 11 * row),
            textcoords="offset points",
            fontsize=7.5,
            color=MUTED,
            va="bottom",
            ha="left",
            annotation_clip=False,
        )
    ax.set_title(ax.get_title(loc="left"), loc="left", fontsize=9, color=MUTED, pad=22 + 11 * max(rows))


def _annotations(ax: Any, fig: Any, series: Series, brief: bool = False) -> int:
    """PDSA cycles as markers on the x axis with labels in staggered rows below the plot.

    ``brief`` labels them with their ids only (a poster tells their names elsewhere).
    Returns the number of label rows used.
    """
    if not series.annotations:
        return 0
    x0, x1 = ax.get_xlim()
    trans = ax.get_xaxis_transform()
    texts = [
        (a.short if brief and a.short else textwrap.shorten(a.label, 34, placeholder="…"))
        for a in series.annotations
    ]
    centres = [(_x(series, a.x) - x0) / (x1 - x0) for a in series.annotations]
    halves = [_text_width(t, 7, fig, ax) / 2 + 0.008 for t in texts]
    rows = stagger([(c - h, c + h) for c, h in zip(centres, halves, strict=True)])
    for a, text, row in zip(series.annotations, texts, rows, strict=True):
        x = _x(series, a.x)
        ax.axvline(x, color="#9aa5b1", linewidth=0.8, linestyle=":", zorder=0)
        ax.plot([x], [0], marker="v", color="#52606d", markersize=5, transform=trans, clip_on=False, zorder=5)
        ax.annotate(
            text,
            (x, 0),
            xycoords=trans,
            xytext=(0, -30 - 11 * row),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=7,
            color="#52606d",
            annotation_clip=False,
        )
    return max(rows) + 1


def _notes(ax: Any, series: Series, pts: list[Point], xs: list[Any]) -> list[str]:
    """Number the points that have a note and return the lines that explain the numbers."""
    noted = [(p, x) for p, x in zip(pts, xs, strict=True) if p.note and p.y is not None]
    out: list[str] = []
    for k, (p, x) in enumerate(noted[:MAX_NOTES], start=1):
        ax.annotate(
            str(k),
            (x, p.y),
            xytext=(0, 8),
            textcoords="offset points",
            ha="center",
            fontsize=7,
            color=INK,
            fontweight="bold",
        )
        when = dt.date.fromordinal(int(p.x)).isoformat() if series.dates else f"{p.x:g}"
        out.append(f"{k}. {when}: {textwrap.shorten(p.note or '', 110, placeholder='…')}")
    if len(noted) > MAX_NOTES:
        out.append(f"… and {len(noted) - MAX_NOTES} more notes in the data")
    return out


def _legend(ax: Any, present: list[str], analysis: Analysis, clear: float, under: float | None = None) -> int:
    """The legend, and its number of lines.

    Right of the plot, ``clear`` points away from it (room for the edge labels); or,
    with ``under``, that many points below the plot, in columns.
    """
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [],
            [],
            color=CENTRE,
            linewidth=1.6,
            label="median" if chart_kind(analysis.chart).median else "centre line",
        )
    ]
    if any(p.runs_signal for p in analysis.parts):
        handles.append(
            Line2D(
                [], [], color=CENTRE, linewidth=1.6, linestyle=(0, (5, 2)), label="runs signal (non-random)"
            )
        )
    if any(p.ucl is not None for p in analysis.points):
        handles.append(Line2D([], [], color=LIMIT, linestyle="--", label="control limits"))
    if analysis.target is not None:
        handles.append(Line2D([], [], color=TARGET, linestyle=(0, (6, 3)), label="target"))
    for kind in present:
        st = STYLE[kind]
        label = st.label
        if kind == "common" and not all(p.judged for p in analysis.parts):
            # Grey points in a phase too short to judge are not known to be common cause.
            label = "no signal" if any(p.judged for p in analysis.parts) else "too few points to judge"
        handles.append(Line2D([], [], linestyle="", marker=st.marker, color=st.color, label=label))
    if under is not None:
        from matplotlib.transforms import ScaledTranslation

        columns = 3
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            bbox_transform=ax.transAxes + ScaledTranslation(0, -under / 72, ax.figure.dpi_scale_trans),
            ncols=columns,
            borderaxespad=0,
            columnspacing=1.2,
            frameon=False,
            fontsize=LEGEND_SIZE,
        )
        return -(-len(handles) // columns)
    # Padded so the line labels at the right edge of the plot stay clear of the legend.
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        borderaxespad=clear / LEGEND_SIZE,
        frameon=False,
        fontsize=LEGEND_SIZE,
    )
    return len(handles)


def image(fig: Any, suffix: str, source: str) -> bytes:
    """The figure as a file of the format ``suffix`` (.png, .svg, .pdf), marked as made by microsys.

    Reproducible: no dates, stable ids. The caller writes it (through ``storage.commit``).
    """
    import io

    import matplotlib

    from microsys import ownership

    fmt = suffix.lower().lstrip(".")
    rc: Any = dict(LITERAL_TEXT)
    metadata: dict[str, Any]
    if fmt == "svg":
        rc.update({"svg.fonttype": "none", "svg.hashsalt": "microsys"})
        metadata = {"Date": None, "Creator": ownership.GENERATOR}
    elif fmt == "pdf":
        metadata = ownership.pdf_metadata(source)
    else:
        metadata = ownership.png_metadata(source)
    buffer = io.BytesIO()
    with matplotlib.rc_context(rc):
        fig.savefig(buffer, format=fmt, metadata=metadata, facecolor="white")
    content = buffer.getvalue()
    if fmt == "svg":
        content = ownership.stamp(Path(f"chart.{fmt}"), content, source)
    return content
