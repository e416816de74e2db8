"""The data wall's small multiples, drawn straight as SVG: plain, inside their box, legible, fast."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from microsys.render.figures import smallest_text
from microsys.render.plot import PHASE_ROWS
from microsys.render.plot import date_ticks as _date_ticks
from microsys.render.plot import nice_ticks as _nice_ticks
from microsys.render.plot import number as _number
from microsys.render.svgcheck import problem
from microsys.render.tiles import CYCLE_ROWS, tile
from microsys.report.text import width as text_width
from microsys.report.wall import TILE_SIZE
from microsys.spc.analysis import ChartOptions, analyse
from microsys.workbook.series import Annotation, Series

NS = "{http://www.w3.org/2000/svg}"
START = dt.date(2025, 1, 6).toordinal()


def _series(ys: list[float | None], *, chart: str = "run", percent: bool = False, **kw: object) -> Series:
    xs = tuple(float(START + 7 * k) for k in range(len(ys)))
    ns = tuple(100.0 for _ in ys) if chart == "p" else None
    ys_ = tuple(None if y is None else (y / 100 if chart == "p" else y) for y in ys)
    options = ChartOptions(chart=chart, **kw)  # type: ignore[arg-type]
    return Series("Patients seen on time", xs, ys_, ns, options, percent=percent, y_label="patients")


def _draw(series: Series) -> str:
    analysis = analyse(series.xs, series.ys, series.ns, series.options)
    svg, _ = tile(series, analysis, TILE_SIZE)
    return svg


def _coordinates(root: ET.Element) -> list[tuple[float, float]]:
    """Every point a line, polyline or marker path of the drawing passes through."""
    out: list[tuple[float, float]] = []
    for el in root.iter():
        tag = el.tag.removeprefix(NS)
        if tag == "line":
            out += [
                (float(el.get("x1", 0)), float(el.get("y1", 0))),
                (float(el.get("x2", 0)), float(el.get("y2", 0))),
            ]
        elif tag == "polyline":
            out += [tuple(map(float, p.split(","))) for p in (el.get("points") or "").split()]  # type: ignore[misc]
        elif tag == "path" and el.get("d", "").startswith("M"):
            # Absolute moves and lines only (markers' relative parts stay within a few points).
            out += [
                (float(a), float(b)) for a, b in re.findall(r"[ML](-?[\d.]+),(-?[\d.]+)", el.get("d", ""))
            ]
    return out


def _check(svg: str) -> ET.Element:
    assert problem(svg) is None
    root = ET.fromstring(svg)
    w, h = (float(v) for v in root.get("viewBox", "").split()[2:])
    assert (w, h) == (round(TILE_SIZE[0] * 72, 1), round(TILE_SIZE[1] * 72, 1))
    # One unit is one point where the wall prints it, so font sizes are printed sizes.
    assert root.get("width") == f"{w:g}pt"
    for x, y in _coordinates(root):
        assert math.isfinite(x) and math.isfinite(y)
        assert -0.5 <= x <= w + 0.5 and -0.5 <= y <= h + 0.5, (x, y)
    for text in root.iter(f"{NS}text"):
        size = float(text.get("font-size", 0))
        assert size >= 7
        x, anchor = float(text.get("x", 0)), text.get("text-anchor", "start")
        if text.get("transform"):
            continue  # the axis label, turned: fitted to the plot's height
        span = text_width(text.text or "", size)
        left = x - span if anchor == "end" else x - span / 2 if anchor == "middle" else x
        assert left >= -0.5 and left + span <= w + 2, (text.text, left, span)
    return root


def test_a_control_chart_tile_has_every_part_of_the_full_chart() -> None:
    ys = [40.0, 42, 39, 41, 43, 40, 38, 42, 41, 40, 39, 41, 30, 29, 31, 28, 30, 29, 27, 28, 30, 29]
    series = _series(ys, chart="i", direction="lower", target=32.0, parts=(12,))
    cycle = Annotation(series.xs[12], "PDSA-1 huddle", "PDSA-1")
    series = replace(series, part_labels=("before", "huddle"), annotations=(cycle,))
    svg = _draw(series)
    root = _check(svg)
    texts = [t.text for t in root.iter(f"{NS}text")]
    # Phase names above, the cycle's id under the dates, the last phase's lines and the target at the right.
    assert "before" in texts and "huddle" in texts and "PDSA-1" in texts
    assert any(t and t.startswith("target 32") for t in texts)
    assert any(re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", t or "") for t in texts)
    # The axis label is written turned, and the title says what the drawing is.
    assert "patients" in texts and root.find(f"{NS}title").text == "Patients seen on time"  # type: ignore[union-attr]
    # Without the phase, the runs after the change are special cause improvement (lower is better):
    # blue triangles; those before it concern: orange squares. With it, each phase is common cause.
    one_phase = _draw(_series(ys, chart="i", direction="lower", target=32.0))
    assert re.search(r'<path d="M[^"]*L[^"]*" fill="#0072B2"', one_phase)
    assert re.search(r'<path d="M[^"]*h[^"]*" fill="#D55E00"', one_phase)
    assert 'fill="#7f7f7f"' in svg and 'fill="#0072B2"' not in svg
    # Limits dashed grey, centre line solid blue-green, target dashed green.
    assert 'stroke="#8a8a8a"' in svg and 'stroke="#0f6e8c"' in svg and 'stroke="#009E73"' in svg
    assert smallest_text(svg) is not None and smallest_text(svg) >= 7  # type: ignore[operator]
    # The same data gives the same bytes.
    assert _draw(series) == svg


def test_percent_tiles_label_ticks_as_percentages_without_needless_decimals() -> None:
    svg = _draw(_series([50.0, 60, 55, 70, 65, 80, 75, 90, 85, 95, 88, 92], chart="p", percent=True))
    ticks = [t.text for t in _check(svg).iter(f"{NS}text") if t.get("text-anchor") == "end"]
    assert ticks and all(re.fullmatch(r"\d+%", t or "") for t in ticks), ticks


def test_a_point_left_out_is_hollow_and_a_gap_breaks_the_line() -> None:
    ys: list[float | None] = [5.0, 6, None, 7, 5, 6, 7, 5, 6, 7, 5, 6]
    series = _series(ys, chart="i", exclude=frozenset({1}))
    svg = _draw(series)
    root = _check(svg)
    data_lines = [p for p in root.iter(f"{NS}polyline") if p.get("stroke") == "#4a4a4a"]
    assert len(data_lines) == 2
    assert re.search(r'<path d="[^"]+" fill="#ffffff" stroke="#7f7f7f"', svg)


def test_a_tile_is_small_and_quick_even_for_a_long_series() -> None:
    ys = [50 + 10 * math.sin(k / 7) + (k % 5) for k in range(500)]
    series = _series(ys, chart="i")
    analysis = analyse(series.xs, series.ys, series.ns, series.options)
    start = time.process_time()
    svg, _ = tile(series, analysis, TILE_SIZE)
    took = time.process_time() - start
    _check(svg)
    # matplotlib's SVG of this chart is over 100 KB; a tile of it is a polyline and one path a kind.
    assert len(svg) < 40_000
    assert took < 0.5


def test_a_single_point_and_a_flat_series_draw_without_dividing_by_zero() -> None:
    for ys in ([12.0], [3.0, 3.0, 3.0], [0.0, 0.0]):
        _check(_draw(_series(ys)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ys=st.lists(
        st.one_of(st.none(), st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)),
        min_size=1,
        max_size=60,
    ).filter(lambda v: any(y is not None for y in v)),
    scale=st.sampled_from([1e-4, 1.0, 1e3, 1e7]),
    chart=st.sampled_from(["run", "i", "xbar"]),
    split=st.integers(min_value=0, max_value=60),
    label=st.text(min_size=0, max_size=80),
    days=st.sampled_from([1, 7, 30, 365]),
    offset=st.integers(min_value=0, max_value=40),
)
def test_any_series_draws_a_plain_tile_inside_its_box(
    ys: list[float | None], scale: float, chart: str, split: int, label: str, days: int, offset: int
) -> None:
    values = [None if y is None else y * scale / 1e9 for y in ys]
    xs = tuple(float(START + days * k) for k in range(len(values)))
    parts = (split,) if 0 < split < len(values) else ()
    options = ChartOptions(chart="i" if chart == "xbar" else chart, parts=parts)  # type: ignore[arg-type]
    # Cycles at points, and before the first or after the last (begun before data, or data not in yet).
    at = [*xs[:: max(1, len(xs) // 3)], xs[0] - days * offset, xs[-1] + days * offset]
    notes = tuple(Annotation(x, label or "cycle", label[:8]) for x in at)
    series = Series(
        label, xs, tuple(values), None, options, y_label=label, part_labels=(label, label), annotations=notes
    )
    try:
        analysis = analyse(series.xs, series.ys, None, options)
    except (ValueError, ZeroDivisionError):
        return
    svg, _ = tile(series, analysis, TILE_SIZE)
    _check(svg)


@given(
    lo=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    span=st.floats(min_value=1e-6, max_value=1e6, allow_nan=False),
    most=st.integers(min_value=2, max_value=6),
    percent=st.booleans(),
)
def test_nice_ticks_are_round_evenly_spaced_inside_the_range_and_read_apart(
    lo: float, span: float, most: int, percent: bool
) -> None:
    # The drawing's range is never narrower than a millionth of its size (render.tiles._margin).
    assume(span >= abs(lo) * 1e-6)
    hi = lo + span
    ticks, decimals = _nice_ticks(lo, hi, most, percent)
    assert 1 <= len(ticks) <= most + 1 or span * (100 if percent else 1) < 1e-6
    tolerance = span * 1e-9
    assert all(lo - tolerance <= t <= hi + tolerance for t in ticks)
    steps = [b - a for a, b in itertools.pairwise(ticks)]
    assert all(math.isclose(s, steps[0], rel_tol=1e-6) for s in steps)
    labels = [_number(t, decimals, percent) for t in ticks]
    assert len(set(labels)) == len(labels), labels


def test_date_ticks_are_month_starts_labelled_in_full() -> None:
    first = dt.date(2025, 3, 17).toordinal()
    last = dt.date(2026, 9, 2).toordinal()
    ticks = _date_ticks(first, last, first - 20, last + 20)
    assert 2 <= len(ticks) <= 4
    assert all(dt.date.fromordinal(int(x)).day == 1 for x, _ in ticks)
    assert [t for _, t in ticks] == sorted(
        {t for _, t in ticks}, key=lambda t: dt.datetime.strptime(t, "%b %Y")
    )
    short = _date_ticks(first, first + 20, first - 1, first + 21)
    assert short and all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", t) for _, t in short)


def test_many_phases_and_cycles_keep_to_their_rows_and_the_plot_keeps_its_room() -> None:
    n = 120
    ys = [50 + 5 * math.sin(k) for k in range(n)]
    base = _series(ys, chart="i", parts=tuple(range(10, n, 10)))
    names = tuple(f"change number {k} with a long name" for k in range(12))
    cycles = tuple(Annotation(base.xs[k], f"PDSA-{k} a long title", f"PDSA-{k}") for k in range(5, n, 4))
    series = replace(base, part_labels=names, annotations=cycles)
    svg, shortened = tile(series, analyse(series.xs, series.ys, None, series.options), TILE_SIZE)
    root = _check(svg)
    axis = next(p for p in root.iter(f"{NS}path") if p.get("stroke") == "#bbbbbb")
    plot = re.match(r"M([\d.]+),([\d.]+)V([\d.]+)", axis.get("d", ""))
    assert plot is not None
    top, bottom = float(plot.group(2)), float(plot.group(3))
    assert bottom - top >= TILE_SIZE[1] * 72 * 0.4  # the plot keeps about half the tile
    texts = list(root.iter(f"{NS}text"))
    above = {t.get("y") for t in texts if float(t.get("y", 0)) < top and t.get("font-size") == "7.5"}
    below = {t.get("y") for t in texts if t.get("font-size") == "7"}
    assert 1 <= len(above) <= PHASE_ROWS and 1 <= len(below) <= CYCLE_ROWS
    # Names cut to their room are listed as shortened.
    assert any(name in shortened for name in names)


def test_a_cycle_begun_after_the_last_value_widens_the_view_and_stays_on_the_axis() -> None:
    ys = [5.0, 6, 7, 5, 6, 7, 5, 6, 7, 5, 6, 7]
    base = _series(ys, chart="i")
    later = base.xs[-1] + 60  # a PDSA started two months after the last value was recorded
    series = replace(base, annotations=(Annotation(later, "PDSA-9 new rota", "PDSA-9"),))
    svg = _draw(series)
    root = _check(svg)
    axis = next(p for p in root.iter(f"{NS}path") if p.get("stroke") == "#bbbbbb")
    right = float(re.findall(r"H([\d.]+)", axis.get("d", ""))[0])
    marker = next(p for p in root.iter(f"{NS}path") if p.get("fill") == "#52606d")
    x = float(re.match(r"M([\d.]+),", marker.get("d", "")).group(1)) + 3  # type: ignore[union-attr]
    assert x <= right
    assert "PDSA-9" in [t.text for t in root.iter(f"{NS}text")]


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(0, 9), min_size=1, max_size=40),
    most_tiles=st.integers(1, 12),
    most_teams=st.integers(1, 8),
)
def test_a_large_group_is_cut_between_teams_keeping_each_teams_tiles(
    counts: list[int], most_tiles: int, most_teams: int
) -> None:
    from microsys.render import wall

    teams = [{"path": f"team-{k}", "name": f"Team {k}"} for k in range(len(counts))]
    tiles = [{"path": f"team-{k}", "figure": f"t{k}-{j}"} for k, n in enumerate(counts) for j in range(n)]
    group = {"title": "Other microsystems", "teams": teams, "tiles": tiles, "without_measures": ["Team 0"]}
    real = (wall.GROUP_TILES, wall.GROUP_TEAMS)
    wall.GROUP_TILES, wall.GROUP_TEAMS = most_tiles, most_teams
    try:
        cut = wall.pieces(group)
    finally:
        wall.GROUP_TILES, wall.GROUP_TEAMS = real
    # Nothing lost, nothing twice, in order; a team's tiles stay beside its row.
    assert [t for p in cut for t in p["teams"]] == teams
    assert [t for p in cut for t in p["tiles"]] == tiles
    for piece in cut:
        paths = {t["path"] for t in piece["teams"]}
        assert all(t["path"] in paths for t in piece["tiles"])
        assert len(piece["teams"]) <= most_teams
        # Over the limit only when one team alone has more tiles than a piece holds.
        assert len(piece["tiles"]) <= most_tiles or len(piece["teams"]) == 1
    if len(cut) > 1:
        assert [p["continued"] for p in cut] == [False] + [True] * (len(cut) - 1)
        assert [p["without_measures"] for p in cut][-1] == ["Team 0"]
        assert not any(p["without_measures"] for p in cut[:-1])
    else:
        assert len(cut) == 1 and cut[0]["without_measures"] == ["Team 0"] and not cut[0].get("continued")
