"""Reports' measure charts, drawn straight as SVG: everything the chart says, plain, legible, inside, fast."""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
import time
import xml.etree.ElementTree as ET
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microsys.render.figures import CHART_SIZE, POSTER_CHART_SIZE, legible_width, smallest_text
from microsys.render.svgchart import MAX_NOTES, chart
from microsys.render.svgcheck import problem
from microsys.report.text import width as text_width
from microsys.spc.analysis import ChartOptions, analyse
from microsys.workbook.series import Annotation, Series

NS = "{http://www.w3.org/2000/svg}"
START = dt.date(2025, 1, 6).toordinal()
YS = [40.0, 42, 39, 41, 43, 40, 38, 42, 41, 40, 39, 41, 30, 29, 31, 28, 30, 29, 27, 28, 30, 29]


def _series(ys: list[float | None], *, chart: str = "run", percent: bool = False, **kw: object) -> Series:
    xs = tuple(float(START + 7 * k) for k in range(len(ys)))
    ns = tuple(100.0 for _ in ys) if chart == "p" else None
    ys_ = tuple(None if y is None else (y / 100 if chart == "p" else y) for y in ys)
    options = ChartOptions(chart=chart, **kw)  # type: ignore[arg-type]
    return Series("Patients seen on time", xs, ys_, ns, options, percent=percent, y_label="patients")


def _draw(series: Series, size: tuple[float, float] = CHART_SIZE) -> str:
    notes = series.notes or None
    analysis = analyse(series.xs, series.ys, series.ns, series.options, notes)
    svg, _ = chart(series, analysis, size)
    return svg


def _box(text: ET.Element) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a text as drawn (estimated with the widths the layout uses)."""
    size = float(text.get("font-size", 0))
    bold = text.get("font-weight") == "bold"
    span = text_width(text.text or "", size, bold)
    x, y, anchor = float(text.get("x", 0)), float(text.get("y", 0)), text.get("text-anchor", "start")
    left = x - span if anchor == "end" else x - span / 2 if anchor == "middle" else x
    return left, y - size * 0.75, left + span, y + size * 0.2


def _check(svg: str, size: tuple[float, float] = CHART_SIZE) -> ET.Element:
    assert problem(svg) is None
    root = ET.fromstring(svg)
    w, h = (float(v) for v in root.get("viewBox", "").split()[2:])
    # As wide as asked and at least as tall: one unit is one printed point.
    assert w == round(size[0] * 72, 1) and h >= round(size[1] * 72, 1) - 0.1
    assert root.get("width") == f"{w:g}pt" and root.get("height") == f"{h:g}pt"
    assert legible_width(svg) <= w + 0.1  # every text 7 pt or more where it is printed
    boxes = []
    for text in root.iter(f"{NS}text"):
        assert float(text.get("font-size", 0)) >= 7
        if text.get("transform"):
            continue  # the axis label, turned: fitted to the plot's height
        left, top, right, bottom = _box(text)
        assert left >= -0.5 and right <= w + 0.5 and top >= -0.5 and bottom <= h + 0.5, text.text
        boxes.append((left, top, right, bottom, text))
    # Texts of the header, rows, legend and notes never run into each other (numbers on points
    # and the tick labels of the plot are where the data puts them).
    laid = [b for b in boxes if b[4].get("font-weight") != "bold" or float(b[4].get("font-size", 0)) > 10]
    for a_index, a in enumerate(laid):
        for b in laid[a_index + 1 :]:
            apart = a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5
            assert apart, (a[4].text, b[4].text)
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def test_a_page_chart_has_title_subtitle_icons_legend_notes_phases_and_cycles() -> None:
    notes = tuple("ward closed for cleaning" if k == 3 else None for k in range(len(YS)))
    series = _series(YS, chart="i", direction="lower", target=32.0, parts=(12,), rules="nhs")
    cycle = Annotation(series.xs[12], "PDSA-1 huddle before every clinic", "PDSA-1")
    series = replace(series, part_labels=("before", "huddle"), annotations=(cycle,), notes=notes)
    svg = _draw(series)
    root = _check(svg)
    texts = _texts(root)
    assert texts[0] == "Patients seen on time"
    assert next(t for t in root.iter(f"{NS}text")).get("font-weight") == "bold"
    assert any(t.startswith("I chart · Since huddle: ") for t in texts)
    # Phase names, the cycle's whole label on a page-wide chart, the target at the right edge.
    assert {"before", "huddle", "PDSA-1 huddle before every clinic"} <= set(texts)
    assert any(t.startswith("target 32") for t in texts)
    # The legend beside the plot, in the full chart's words.
    assert {"centre line", "control limits", "target", "common cause"} <= set(texts)
    # The note numbered on its point and explained under the chart.
    assert "1" in texts and any(t.startswith("1. 2025-01-27: ward closed") for t in texts)
    # Making Data Count icons (nhs rules): circles with a title saying what they mean.
    titles = [t.text for t in root.iter(f"{NS}title")]
    assert any("variation" in (t or "") for t in titles)
    # Months labelled in full.
    assert any(re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", t) for t in texts)
    # Limits dashed grey, centre line blue-green, target dashed green; same data, same bytes.
    assert 'stroke="#8a8a8a"' in svg and 'stroke="#0f6e8c"' in svg and 'stroke="#009E73"' in svg
    assert _draw(series) == svg


def test_a_poster_chart_has_its_legend_under_the_plot_and_cycles_by_id() -> None:
    series = _series(YS, chart="i", parts=(12,))
    cycle = Annotation(series.xs[12], "PDSA-1 huddle before every clinic", "PDSA-1")
    series = replace(series, part_labels=("before", "huddle"), annotations=(cycle,))
    root = _check(_draw(series, POSTER_CHART_SIZE), POSTER_CHART_SIZE)
    texts = list(root.iter(f"{NS}text"))
    assert "PDSA-1" in _texts(root) and "PDSA-1 huddle before every clinic" not in _texts(root)
    axis = next(p for p in root.iter(f"{NS}path") if p.get("stroke") == "#bbbbbb")
    bottom = float(re.findall(r"V([\d.]+)", axis.get("d", ""))[0])
    legend = next(t for t in texts if t.text == "control limits")
    assert float(legend.get("y", 0)) > bottom


def test_without_the_nhs_rules_there_are_no_icons_and_the_title_has_the_width() -> None:
    root = _check(_draw(_series(YS, chart="i")))
    assert not list(root.iter(f"{NS}circle"))


def test_percent_charts_label_ticks_as_percentages() -> None:
    svg = _draw(_series([50.0, 60, 55, 70, 65, 80, 75, 90, 85, 95, 88, 92], chart="p", percent=True))
    ticks = [t.text for t in _check(svg).iter(f"{NS}text") if t.get("text-anchor") == "end"]
    assert ticks and all(re.fullmatch(r"\d+%", t or "") for t in ticks), ticks


def test_a_short_series_has_day_labels() -> None:
    series = replace(_series([5.0, 6, 7, 5, 6, 7, 5, 6]), xs=tuple(float(START + k) for k in range(8)))
    texts = _texts(_check(_draw(series)))
    assert any(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} 20\d\d", t) for t in texts)


def test_many_notes_are_summed_up_and_the_chart_grows_for_them() -> None:
    ys = [5.0 + k % 3 for k in range(20)]
    plain = _draw(_series(ys))
    series = replace(_series(ys), notes=tuple(f"note {k}" for k in range(20)))
    svg = _draw(series)
    texts = _texts(_check(svg))
    assert f"… and {20 - MAX_NOTES} more notes in the data" in texts
    assert str(MAX_NOTES) in texts and str(MAX_NOTES + 1) not in texts
    # The plot keeps its height: the chart is taller.
    heights = [float(ET.fromstring(s).get("viewBox", "").split()[3]) for s in (plain, svg)]
    assert heights[1] > heights[0]


def test_many_cycles_take_more_rows_and_never_overlap() -> None:
    n = 60
    base = _series([50 + 5 * math.sin(k) for k in range(n)], chart="i")
    cycles = tuple(
        Annotation(base.xs[k], f"PDSA-{k} a long title of a change", f"PDSA-{k}") for k in range(3, n, 5)
    )
    _check(_draw(replace(base, annotations=cycles)))
    _check(_draw(replace(base, annotations=cycles), POSTER_CHART_SIZE), POSTER_CHART_SIZE)


def test_a_chart_is_drawn_in_milliseconds() -> None:
    ys = [50 + 10 * math.sin(k / 7) + (k % 5) for k in range(300)]
    series = _series(ys, chart="i", parts=(100, 200), rules="nhs", target=55.0)
    analysis = analyse(series.xs, series.ys, series.ns, series.options)
    took = []
    for _ in range(5):
        start = time.process_time()
        svg, _ = chart(series, analysis, CHART_SIZE)
        took.append(time.process_time() - start)
    _check(svg)
    assert statistics.median(took) < 0.1  # matplotlib took 100-300 ms


def test_empty_and_huge_series_say_why_there_is_no_plot() -> None:
    series = _series([1.0])
    empty = replace(series, xs=(), ys=())
    assert "no values to draw yet" in _texts(_check(_draw(empty)))
    huge = _series([1.7e308, -1.7e308, 0.0], chart="run")
    assert "values too large to draw" in _texts(_check(_draw(huge)))


HOSTILE = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(list("$<&>\"'\\ \u202e\U0001f600"))),
    max_size=90,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ys=st.lists(
        st.one_of(st.none(), st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)),
        min_size=1,
        max_size=50,
    ).filter(lambda v: any(y is not None for y in v)),
    split=st.integers(min_value=0, max_value=50),
    label=HOSTILE,
    note=HOSTILE,
    days=st.sampled_from([1, 7, 30]),
    poster=st.booleans(),
    rules=st.sampled_from(["nhs", "anhoej"]),
    target=st.one_of(st.none(), st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)),
)
def test_any_series_and_any_text_draw_a_plain_legible_chart_inside_its_box(
    ys: list[float | None],
    split: int,
    label: str,
    note: str,
    days: int,
    poster: bool,
    rules: str,
    target: float | None,
) -> None:
    xs = tuple(float(START + days * k) for k in range(len(ys)))
    parts = (split,) if 0 < split < len(ys) else ()
    options = ChartOptions(chart="i", parts=parts, rules=rules, target=target)  # type: ignore[arg-type]
    at = [*xs[:: max(1, len(xs) // 3)], xs[-1] + days * 5]
    cycles = tuple(Annotation(x, label or "cycle", label[:8]) for x in at)
    notes = tuple(note if k % 2 else None for k in range(len(ys)))
    series = Series(
        label, xs, tuple(ys), None, options, notes=notes, y_label=label, part_labels=(label, label),
        annotations=cycles,
    )  # fmt: skip
    try:
        analysis = analyse(series.xs, series.ys, None, options, notes)
    except (ValueError, ZeroDivisionError):
        return
    size = POSTER_CHART_SIZE if poster else CHART_SIZE
    svg, _ = chart(series, analysis, size)
    _check(svg, size)
    assert smallest_text(svg) is not None


def test_a_poster_legend_of_any_length_fills_its_columns_inside_the_chart() -> None:
    # From 2 entries (median, points) to 7: rows of up to three, never an empty column.
    cases = [
        _series([5.0, 6, 7, 5, 6]),
        _series(YS, chart="i"),
        _series(YS, chart="i", target=35.0),
        _series(YS, chart="i", target=35.0, direction="lower"),
        _series(YS, chart="i", target=35.0, direction="lower", parts=(12,)),
    ]
    for series in cases:
        root = _check(_draw(series, POSTER_CHART_SIZE), POSTER_CHART_SIZE)
        assert {"median", "centre line"} & set(_texts(root))
