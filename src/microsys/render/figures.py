"""Draw a report's figures as SVG: diagrams here, measure charts with matplotlib (cached).

A chart is most of a report's time, so charts are kept in a cache folder keyed by a
hash of everything that goes into them; an unchanged measure is never drawn twice.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import sys
import threading
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


def _chart_key(spec: Any) -> str:
    series, analysis, poster = spec
    size = POSTER_CHART_SIZE if poster else CHART_SIZE
    return hashlib.sha256(repr((__version__, size, series, analysis)).encode()).hexdigest()[:32]


def _cached(spec: Any, cache: Path | None) -> str | None:
    path = cache / f"{_chart_key(spec)}.svg" if cache else None
    return path.read_text(encoding="utf-8") if path and path.is_file() else None


def _chart_svg(spec: Any) -> str:
    """Draw one chart as SVG (text as text, stable ids)."""
    import matplotlib

    from microsys.render.chart import draw

    series, analysis, poster = spec
    size = POSTER_CHART_SIZE if poster else CHART_SIZE
    fig = draw(series, analysis, width=size[0], height=size[1])
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": _chart_key(spec)}):
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "microsys"}, facecolor="white")
    text = buffer.getvalue()
    # Only the <svg> element: the XML prolog and doctype are not wanted inline in HTML.
    text = text[text.index("<svg") :]
    # matplotlib's RDF metadata names external vocabularies; a report needs none of it.
    return re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)


def _draw_charts(specs: list[Any]) -> list[str]:
    """Draw charts, several at once where the system can fork (drawing is most of a report's time)."""
    import matplotlib.figure  # imported once here, so forked workers start with it loaded

    del matplotlib
    workers = min(len(specs), os.cpu_count() or 1)
    # Forking a process that runs other threads (a progress bar's) can deadlock: draw in turn then.
    if workers > 1 and sys.platform == "linux" and threading.active_count() == 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                return list(pool.map(_chart_svg, specs))
        except (OSError, RuntimeError):
            pass  # no processes to be had: draw them one by one
    return [_chart_svg(spec) for spec in specs]


def _store(spec: Any, svg: str, cache: Path | None) -> None:
    if cache is None:
        return
    path = cache / f"{_chart_key(spec)}.svg"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(svg, encoding="utf-8")
    tmp.replace(path)


def draw_all(figures: Sequence[Figure], cache: Path | None) -> Drawn:
    """SVG for each figure; charts come from the cache when their data has not changed."""
    out = Drawn()
    charts = {f.name: f.spec for f in figures if f.kind == "chart"}
    svgs: dict[str, str] = {}
    missing = []
    for name, spec in charts.items():
        found = _cached(spec, cache)
        if found is None:
            missing.append(name)
        else:
            svgs[name] = found
    if missing:
        for name, svg in zip(missing, _draw_charts([charts[n] for n in missing]), strict=True):
            _store(charts[name], svg, cache)
            svgs[name] = svg
    for f in figures:
        if f.name in out.svgs:
            continue
        if f.kind == "chart":
            svg = svgs[f.name]
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
