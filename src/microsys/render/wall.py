"""The data wall as one self-contained HTML file, or as a PDF with typst.

Charts are placed at the size they were drawn (:data:`microsys.report.wall.TILE_SIZE`),
never scaled down, so their text prints at its own size (7 points and more). The
Making Data Count icons are inline SVG from :mod:`microsys.render.mdc`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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


# Tiles and team rows typeset in one go at most: typst holds a whole document while it
# typesets it (about 1.7 GB for a wall of 1,000 teams and 4,000 tiles), so a larger wall is
# typeset in parts of whole groups and its pages put together in a last, light pass.
PART_TILES = 400
PART_TEAMS = 120


# A group larger than this (all of an organisation's teams outside pathways, say) is cut
# between teams into pieces, the later ones headed "continued": typst holds a part in
# memory whole, and one group of 3,000 tiles took it past 1 GB.
GROUP_TILES = 400
GROUP_TEAMS = 120


def pieces(group: dict[str, Any]) -> list[dict[str, Any]]:
    """A group's page data, cut between teams into pieces of at most GROUP_TILES and GROUP_TEAMS.

    Each team keeps its row and its tiles in one piece; the list of teams without
    measures closes the last piece, and every piece after the first is marked ``continued``.
    """
    if len(group["tiles"]) <= GROUP_TILES and len(group["teams"]) <= GROUP_TEAMS:
        return [group]
    own: dict[str, list[dict[str, Any]]] = {}
    for tile in group["tiles"]:
        own.setdefault(tile["path"], []).append(tile)
    cut: list[dict[str, Any]] = []
    teams: list[dict[str, Any]] = []
    tiles: list[dict[str, Any]] = []
    for team in group["teams"]:
        mine = own.pop(team["path"], [])
        if teams and (len(tiles) + len(mine) > GROUP_TILES or len(teams) >= GROUP_TEAMS):
            cut.append({**group, "teams": teams, "tiles": tiles, "without_measures": []})
            teams, tiles = [], []
        teams.append(team)
        tiles.extend(mine)
    tiles.extend(t for rest in own.values() for t in rest)  # none: every tile is of a team of its group
    cut.append({**group, "teams": teams, "tiles": tiles})
    return [{**piece, "continued": n > 0} for n, piece in enumerate(cut)]


def parts(groups: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The wall's groups (or pieces of them) in parts typeset one at a time."""
    out: list[list[dict[str, Any]]] = [[]]
    tiles = teams = 0
    for group in groups:
        if out[-1] and (tiles + len(group["tiles"]) > PART_TILES or teams + len(group["teams"]) > PART_TEAMS):
            out.append([])
            tiles = teams = 0
        out[-1].append(group)
        tiles += len(group["tiles"])
        teams += len(group["teams"])
    return out


def pdf(wall: DataWall, drawn: Drawn, folder: Path, paper: str = "a3", jobs: int = 1) -> bytes:
    """The wall as a PDF, one page (or more) per pathway or group, landscape.

    A wall of more than one part (:func:`parts`) has each part typeset in a process of
    its own, ``jobs`` at a time (typst keeps what it typeset until its process ends), and
    its pages put together and numbered in one more.
    """
    # The drawings typst is given must be plain: no accessibility attributes (the PDF has its words).
    icons = {f"icon-{name}.svg": re.sub(r' aria-label="[^"]*"', "", text) for name, text in _icons().items()}
    data = wall.data
    data["paper"] = paper
    data["groups"] = [piece for group in data["groups"] for piece in pieces(group)]
    split = parts(data["groups"])
    if len(split) == 1:
        return _typeset((folder, "datawall.typ", {**data, "numbered": True}, {**drawn.svgs, **icons}, {}))[0]
    work: list[Work] = []
    for n, groups in enumerate(split):
        names = {t["figure"] for g in groups for t in g["tiles"]}
        part = {**data, "groups": groups, "numbered": False}
        if n > 0:  # the organisation's goals and measures open the first part only
            part.update(organisation=None, goals=[], measures=[])
        else:
            names |= {m["figure"] for m in data["measures"] if m["figure"]}
        figures = {name: svg for name, svg in drawn.svgs.items() if name in names}
        work.append((folder, "datawall.typ", part, {**figures, **icons}, {}))
    own = any((folder / "templates" / "report").glob("*.typ"))
    made = _in_processes(work, jobs, own_templates=own)
    files = {f"pages/{n}.pdf": content for n, (content, _) in enumerate(made)}
    pages = [{"file": f"/pages/{n}.pdf", "pages": count} for n, (_, count) in enumerate(made)]
    final = {**data, "groups": [], "parts": pages, "numbered": True}
    return _in_processes([(folder, "datawall-pages.typ", final, {}, files)], 1, own_templates=own)[0][0]


Work = tuple[Path, str, dict[str, Any], dict[str, str], dict[str, bytes]]


def _typeset(work: Work) -> tuple[bytes, int]:
    """Typeset one template (folder, template, data, figures, other files): the PDF and its pages."""
    from microsys.render.typeset import job

    folder, template, data, figures, files = work
    with job(template, folder, templates_dir() / "report", figures) as j:
        for name, content in files.items():
            (j.root / name).parent.mkdir(parents=True, exist_ok=True)
            (j.root / name).write_bytes(content)
        return j.compile(data)


def _in_processes(
    work: list[Work],
    jobs: int,
    own_templates: bool,
    typeset: Callable[[Work], tuple[bytes, int]] | None = None,
) -> list[tuple[bytes, int]]:
    """:func:`_typeset` (or ``typeset``) of each item in a fresh process, ``jobs`` at a time, in order.

    A folder with its own templates has each compile bounded in a child process already
    (:mod:`microsys.render.bounded`), which a worker process may not start: typeset in turn.
    """
    typeset = typeset or _typeset
    if own_templates:
        return [typeset(w) for w in work]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from microsys.render.typeset import TypesetError

    methods = multiprocessing.get_all_start_methods()
    # A fresh interpreter, not a copy of this one: it holds only what one part needs.
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    size = max(1, min(jobs, len(work)))
    made: list[tuple[bytes, int]] = []
    # Fresh processes for each round of parts (typst frees nothing until its process ends); a
    # process that dies (out of memory, as a rule) stops the wall with a message, never a hang.
    for start in range(0, len(work), size):
        try:
            with ProcessPoolExecutor(size, mp_context=context) as pool:
                made += pool.map(typeset, work[start : start + size])
        except BrokenProcessPool:
            raise TypesetError(
                "typesetting the data wall stopped: a process typesetting part of it ended "
                "before it was done (out of memory, as a rule); nothing was written",
                hint="close other programs and try again, or make the wall of a smaller folder",
            ) from None
    return made
