"""Draw a report's figures as SVG: diagrams here, measure charts with matplotlib (cached).

Each figure class of the report model has its drawer in :data:`DRAWERS`. A chart is
most of a report's time, so charts are drawn by background workers and kept in a
cache folder keyed by a hash of everything that goes into them, shared by all
workbooks: an unchanged measure is never drawn twice, in any copy of a workbook. The
cache is in the user's cache folder (:mod:`microsys.render.cache`), never in the
workbook, and an entry is used only when it matches its key and digest and is a plain
drawing (:mod:`microsys.render.svgcheck`).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from microsys._version import __version__
from microsys.render import diagrams, tiles
from microsys.report.model import (
    ChartFigure,
    DriverFigure,
    FishboneFigure,
    FlowchartFigure,
    ParetoFigure,
    PathwayFigure,
    RampFigure,
    TileFigure,
    ValueStreamFigure,
)

if TYPE_CHECKING:
    from microsys.report.model import Figure, Report

_VIEWBOX = re.compile(rb'viewBox="\s*([-\d.]+)\s+([-\d.]+)\s+([\d.]+)\s+([\d.]+)\s*"')
# Chart sizes in inches: no wider than the column they are printed in (an A4 page's text,
# 170 mm; a poster's column, 127 mm at any ISO paper in its own units), so that their
# smallest text (7 pt) is printed at least that large.
CHART_SIZE = (6.6, 3.6)
POSTER_CHART_SIZE = (4.9, 3.0)
# Printed text smaller than this is not read on a wall or a desk (the figures' smallest).
LEGIBLE_PT = 7.0
_FONT_SIZE = re.compile(r'font-size(?:="|:\s*)([\d.]+)|font:\s*(?:[a-z]+\s+)*([\d.]+)px')


@dataclass
class Drawn:
    """The SVG of every figure, its height/width ratio, and labels that had to be shortened."""

    svgs: dict[str, str] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)
    shortened: list[str] = field(default_factory=list)


def smallest_text(svg: str) -> float | None:
    """The smallest font size in an SVG, in its own units (None when it has no text)."""
    sizes = [float(a or b) for a, b in _FONT_SIZE.findall(svg) if (a or b)]
    return min(sizes) if sizes else None


def legible_width(svg: str) -> float:
    """The narrowest a figure may be printed (in points) for its smallest text to be LEGIBLE_PT."""
    m = _VIEWBOX.search(svg.encode())
    small = smallest_text(svg)
    if not m or not small:
        return 0.0
    return LEGIBLE_PT * float(m.group(3)) / small


def ratio(svg: str) -> float:
    """Height over width of an SVG, from its viewBox."""
    m = _VIEWBOX.search(svg.encode())
    if not m:
        return 0.6
    return float(m.group(4)) / max(float(m.group(3)), 1e-6)


@functools.cache
def _drawing_code() -> str:
    """A fingerprint of the code that draws charts: a changed drawing is never taken from the cache."""
    spec = find_spec("microsys.render.chart")
    try:
        return hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest() if spec and spec.origin else ""
    except OSError:
        return ""


def _chart_size(chart: ChartFigure) -> tuple[float, float]:
    return POSTER_CHART_SIZE if chart.poster else CHART_SIZE


def _chart_key(chart: ChartFigure) -> str:
    key = repr((__version__, _drawing_code(), _chart_size(chart), chart.series, chart.analysis))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _cached(spec: ChartFigure, cache: Path | None) -> str | None:
    from microsys.render import cache as caches
    from microsys.render.svgcheck import problem

    if cache is None:
        return None
    key = _chart_key(spec)
    path = cache / f"{key}.json"
    svg = caches.read(path, key)
    if svg is None or problem(svg) is not None:
        return None
    return svg


def _chart_jobs(charts: list[ChartFigure]) -> list[Any]:
    jobs = []
    for chart in charts:
        width, height = _chart_size(chart)
        jobs.append((chart.series, chart.analysis, width, height, _chart_key(chart)))
    return jobs


def _store(spec: ChartFigure, svg: str, cache: Path | None) -> None:
    from microsys.render import cache as caches

    if cache is None:
        return
    key = _chart_key(spec)
    caches.write(cache / f"{key}.json", key, svg)


# What a chart still being drawn looks like to a first, warming-up typesetting.
PLACEHOLDER_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 60"></svg>'


class Pending:
    """A report's figures being drawn.

    Diagrams are drawn at once; missing charts by the background workers (see
    :mod:`microsys.render.workers`) while this process does other work.
    """

    def __init__(self, figures: Sequence[Figure], cache: Path | None, drawn: Path | None = None) -> None:
        """Start drawing ``figures``; charts come from, and go to, the folder ``cache``.

        ``drawn`` is marked once every chart is in the cache: the next report of the
        same workbook need not prepare to draw any (see :mod:`microsys.render.workers`).
        """
        from microsys.render import workers
        from microsys.render.chart import svg as chart_svg

        self._figures = list(figures)
        self._cache = cache
        self._all_drawn = drawn
        self._charts = {f.name: f for f in figures if isinstance(f, ChartFigure)}
        self._svgs: dict[str, str] = {}
        self._missing: list[str] = []
        for name, spec in self._charts.items():
            found = _cached(spec, cache)
            if found is None:
                self._missing.append(name)
            else:
                self._svgs[name] = found
        jobs = _chart_jobs([self._charts[n] for n in self._missing])
        self._future: Future[list[str]] | None = None
        self._thread: ThreadPoolExecutor | None = None
        self.busy = bool(jobs) and workers.started()
        if self.busy:
            # A thread only waits for the worker processes; this one goes on meanwhile.
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="microsys-charts")
            self._future = self._thread.submit(workers.draw, chart_svg, jobs)
        self._jobs = jobs
        self._drawings = {f.name: draw(f) for f in self._figures if not isinstance(f, ChartFigure)}

    def ready(self) -> dict[str, str]:
        """The SVGs known now, with a placeholder for each chart still being drawn."""
        svgs = {name: drawing[0] for name, drawing in self._drawings.items()}
        svgs.update(self._svgs)
        svgs.update((name, PLACEHOLDER_SVG) for name in self._missing)
        return svgs

    def result(self) -> Drawn:
        """Every figure, once the charts are drawn."""
        from microsys.render import workers
        from microsys.render.chart import svg as chart_svg

        if self._missing:
            drawn = self._future.result() if self._future else workers.draw(chart_svg, self._jobs)
            if self._thread is not None:
                self._thread.shutdown(wait=False)
            for name, svg in zip(self._missing, drawn, strict=True):
                _store(self._charts[name], svg, self._cache)
                self._svgs[name] = svg
            self._missing, self._future, self.busy = [], None, False
        if self._all_drawn is not None and self._cache is not None:
            from microsys.render.cache import stamp

            stamp(self._all_drawn)
        out = Drawn()
        for f in self._figures:
            if f.name in out.svgs:
                continue
            if isinstance(f, ChartFigure):
                svg = self._svgs[f.name]
            else:
                svg, shortened = self._drawings[f.name]
                out.shortened.extend(f"{f.title}: {what}" for what in shortened)
            out.svgs[f.name] = svg
            out.ratios[f.name] = ratio(svg)
        return out


class FigureStore:
    """Each report's figures, drawn once for all the formats asked for (kept per workbook and kind)."""

    def __init__(self) -> None:
        self._drawn: dict[tuple[Path, str], Drawn] = {}

    def start(self, root: Path, report: Report) -> Pending | None:
        """Start drawing a report's figures, unless they were drawn for another format already."""
        if (root, report.kind) in self._drawn:
            return None
        from microsys.render.cache import charts_drawn, shared_folder

        # Chart entries are keyed by everything drawn (see _chart_key), so every workbook
        # shares one folder: a copy of a workbook, or an unchanged measure, is never drawn again.
        return Pending(report.figures, shared_folder("charts"), charts_drawn(root))

    def finish(self, root: Path, report: Report, pending: Pending) -> Drawn:
        """Wait for ``pending`` and keep what it drew."""
        self._drawn[root, report.kind] = pending.result()
        return self._drawn[root, report.kind]

    def drawn(self, root: Path, report: Report) -> Drawn:
        """The figures of a report, drawn now if they were not yet."""
        pending = self.start(root, report)
        if pending is not None:
            return self.finish(root, report, pending)
        return self._drawn[root, report.kind]


# Each kind of diagram and what draws it: (SVG, labels that had to be shortened).
# Charts are not here: they are drawn in batches by the workers and cached (see Pending).
DRAWERS: dict[type[Any], Callable[[Any], tuple[str, list[str]]]] = {
    RampFigure: lambda f: (diagrams.ramp(f.stages, f.title, **_width(f)), []),
    FlowchartFigure: lambda f: _drawing(diagrams.flowchart(f.nodes, f.title, **_width(f))),
    FishboneFigure: lambda f: _drawing(diagrams.fishbone(f.effect, f.bones, f.title, **_width(f))),
    ParetoFigure: lambda f: _drawing(diagrams.pareto(f.bars, f.title, **_width(f))),
    PathwayFigure: lambda f: _drawing(diagrams.pathway(f.stops, f.links, f.title)),
    ValueStreamFigure: lambda f: _drawing(diagrams.value_stream(f.steps, f.unit, f.title)),
    DriverFigure: lambda f: _drawing(diagrams.drivers(f.aim, f.primary, f.title, most_lines=f.most_lines)),
    TileFigure: lambda f: tiles.tile(f.series, f.analysis, f.size),
}


def _width(f: Any) -> dict[str, float]:
    """The width a diagram is drawn for, when its figure says (else the drawer's own)."""
    return {"width_units": f.width} if getattr(f, "width", 0.0) else {}


def _drawing(drawing: diagrams.Drawing) -> tuple[str, list[str]]:
    return drawing.svg, list(drawing.shortened)


def draw(f: Figure) -> tuple[str, list[str]]:
    """The SVG of a diagram, and the labels that had to be shortened."""
    return DRAWERS[type(f)](f)


def prefix_ids(svg: str, prefix: str) -> str:
    """Make an SVG's ids unique in a page that holds several (matplotlib reuses clip-path ids)."""
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
