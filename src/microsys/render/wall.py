"""The data wall as one self-contained HTML file, or as a PDF with typst.

Charts are placed at the size they were drawn (:data:`microsys.report.wall.TILE_SIZE`),
never scaled down, so their text prints at its own size (7 points and more). The
Making Data Count icons are inline SVG from :mod:`microsys.render.mdc`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from microsys.render.figures import Drawn, prefix_ids
from microsys.render.jinja import make_env
from microsys.render.mdc import VARIATION_ICONS, svg
from microsys.render.svgcheck import plain
from microsys.report.wall import DataWall
from microsys.resources import templates_dir

# Icon size on the wall, in points (HTML) and as an SVG drawing (PDF).
ICON_PT = 26


def _icons() -> dict[str, str]:
    return {name: svg("variation", name, ICON_PT) for name in VARIATION_ICONS}


def html(wall: DataWall, drawn: Drawn, links: dict[str, Any] | None = None) -> str:
    """The wall as one HTML page; ``links`` (site only) adds the way back and each team's pages."""
    env = make_env([templates_dir() / "report"], autoescape=True)
    svgs = {
        name: Markup(prefix_ids(plain(text), f"f{i}"))
        for i, (name, text) in enumerate(sorted(drawn.svgs.items()))
    }
    icons = {name: Markup(prefix_ids(text, f"i{k}")) for k, (name, text) in enumerate(_icons().items())}
    page = env.get_template("datawall.html.j2")
    return str(
        page.render(d=wall.data, svg=svgs, icon=icons, links={"crumbs": [], "teams": {}, **(links or {})})
    )


def pdf(wall: DataWall, drawn: Drawn, folder: Path, paper: str = "a3") -> bytes:
    """The wall as a PDF, one page (or more) per pathway or group, landscape."""
    from microsys.render.typeset import job

    figures = dict(drawn.svgs)
    # The drawings typst is given must be plain: no accessibility attributes (the PDF has its words).
    figures.update(
        (f"icon-{name}.svg", re.sub(r' aria-label="[^"]*"', "", text)) for name, text in _icons().items()
    )
    data = wall.data
    data["paper"] = paper
    with job("datawall.typ", folder, templates_dir() / "report", figures) as j:
        made, _ = j.compile(data)
    return made
