"""Draw a report's figures as SVG, each by its drawer in :data:`DRAWERS`.

Every figure is drawn straight as SVG in this process, in milliseconds: diagrams
(:mod:`microsys.render.diagrams`), measure charts (:mod:`microsys.render.svgchart`) and
the data wall's tiles (:mod:`microsys.render.tiles`). No matplotlib, no cache.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from microsys.render import diagrams, svgchart, tiles
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


def _chart_size(chart: ChartFigure) -> tuple[float, float]:
    return POSTER_CHART_SIZE if chart.poster else CHART_SIZE


class FigureStore:
    """Each report's figures, drawn once for all the formats asked for (kept per workbook and kind)."""

    def __init__(self) -> None:
        self._drawn: dict[tuple[Path, str], Drawn] = {}

    def drawn(self, root: Path, report: Report) -> Drawn:
        """The figures of a report, drawn now if they were not yet."""
        key = (root, report.kind)
        if key not in self._drawn:
            out = Drawn()
            for f in report.figures:
                if f.name in out.svgs:
                    continue
                svg, shortened = draw(f)
                out.shortened.extend(f"{f.title}: {what}" for what in shortened)
                out.svgs[f.name] = svg
                out.ratios[f.name] = ratio(svg)
            self._drawn[key] = out
        return self._drawn[key]


# Each kind of figure and what draws it: (SVG, labels that had to be shortened).
DRAWERS: dict[type[Any], Callable[[Any], tuple[str, list[str]]]] = {
    ChartFigure: lambda f: svgchart.chart(f.series, f.analysis, _chart_size(f)),
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
    """The SVG of a figure, and the labels that had to be shortened."""
    return DRAWERS[type(f)](f)


def prefix_ids(svg: str, prefix: str) -> str:
    """Make an SVG's ids unique in a page that holds several (matplotlib reuses clip-path ids)."""
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
