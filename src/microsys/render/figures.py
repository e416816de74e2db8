"""Draw a report's figures as SVG: diagrams here, measure charts with matplotlib (cached).

A chart is most of a report's time, so charts are kept in a cache folder keyed by a
hash of everything that goes into them; an unchanged measure is never drawn twice.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from microsys import __version__
from microsys.render import diagrams
from microsys.report.content import Figure

_VIEWBOX = re.compile(rb'viewBox="\s*([-\d.]+)\s+([-\d.]+)\s+([\d.]+)\s+([\d.]+)\s*"')
# Chart sizes in inches: a poster column's chart is drawn smaller, so its text is larger
# once it is fitted to the column.
CHART_SIZE = (7.4, 3.9)
POSTER_CHART_SIZE = (5.4, 3.2)


@dataclass
class Drawn:
    """The SVG of every figure, its height/width ratio, and labels that had to be shortened."""

    svgs: dict[str, str] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)
    shortened: list[str] = field(default_factory=list)


def ratio(svg: str) -> float:
    """Height over width of an SVG, from its viewBox."""
    m = _VIEWBOX.search(svg.encode())
    if not m:
        return 0.6
    return float(m.group(4)) / max(float(m.group(3)), 1e-6)


def _chart_svg(spec: Any, cache: Path | None) -> str:
    series, analysis, poster = spec
    size = POSTER_CHART_SIZE if poster else CHART_SIZE
    key = hashlib.sha256(repr((__version__, size, series, analysis)).encode()).hexdigest()[:32]
    cached = cache / f"{key}.svg" if cache else None
    if cached and cached.is_file():
        return cached.read_text(encoding="utf-8")
    import matplotlib

    from microsys.render.chart import draw

    fig = draw(series, analysis, width=size[0], height=size[1])
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": key}):
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "microsys"}, facecolor="white")
    text = buffer.getvalue()
    # Only the <svg> element: the XML prolog and doctype are not wanted inline in HTML.
    text = text[text.index("<svg") :]
    # matplotlib's RDF metadata names external vocabularies; a report needs none of it.
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f".{cached.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(cached)
    return text


def draw_all(figures: Sequence[Figure], cache: Path | None) -> Drawn:
    """SVG for each figure."""
    out = Drawn()
    for f in figures:
        if f.name in out.svgs:
            continue
        if f.kind == "chart":
            svg = _chart_svg(f.spec, cache)
        elif f.kind == "ramp":
            svg = diagrams.ramp(f.spec, f.title)
        else:
            if f.kind == "flowchart":
                drawing = diagrams.flowchart(f.spec, f.title)
            elif f.kind == "fishbone":
                effect, bones = f.spec
                drawing = diagrams.fishbone(effect, bones, f.title)
            else:
                drawing = diagrams.pareto(f.spec, f.title)
            svg = drawing.svg
            out.shortened.extend(f"{f.title}: {what}" for what in drawing.shortened)
        out.svgs[f.name] = svg
        out.ratios[f.name] = ratio(svg)
    return out


def prefix_ids(svg: str, prefix: str) -> str:
    """Make an SVG's ids unique in a page that holds several (matplotlib reuses clip-path ids)."""
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
