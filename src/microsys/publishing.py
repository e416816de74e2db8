"""The website use case: a static, self-contained site of every workbook below a folder.

An index (the ``status`` table), the data wall, and for each workbook its own page
linking the HTML storyboard, playbook and 5P summary that ``report`` makes, each
with a trail of links back. Every link is relative and nothing is fetched, so the
site works from the files alone (``file://``), on an intranet or on GitHub Pages.
Every workbook passes the privacy gate before anything is written; every file is
written through ``storage.commit`` with microsys's mark, and a file microsys did
not make is never replaced (without ``--force``).
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from microsys.datawall import Judged
from microsys.errors import UsageError

if TYPE_CHECKING:
    from microsys.overview import StatusRow
    from microsys.report.wall import DataWall
    from microsys.storage import Packed

INDEX = "index.html"
WALL = "datawall.html"
# What a refusal says microsys will not do (a refused workbook refuses the whole site).
DOING = "make the site"


@dataclass(frozen=True)
class SiteOptions:
    """Where the site goes, and what day it is."""

    out: Path
    today: dt.date = field(default_factory=dt.date.today)
    force: bool = False
    jobs: int | None = None


def _rel(target: str, start: str) -> str:
    """A relative link from the page ``start`` to the page ``target`` (both relative to the site's root)."""
    return Path(os.path.relpath(target, os.path.dirname(start) or ".")).as_posix()


def _esc(text: object) -> str:
    return htmllib.escape(str(text), quote=True)


def _crumbs(page: str, trail: list[tuple[str, str]], here: str) -> str:
    links = " › ".join(f'<a href="{_esc(_rel(href, page))}">{_esc(label)}</a>' for label, href in trail)
    return f'<nav class="crumbs" aria-label="breadcrumbs">{links} › <span>{_esc(here)}</span></nav>'


def with_crumbs(document: str, page: str, trail: list[tuple[str, str]], here: str) -> str:
    """An HTML report with the trail of links back put at the top of its body."""
    nav = _crumbs(page, trail, here)
    style = (
        "<style>nav.crumbs{font-size:.95rem;margin:0 0 1rem}nav.crumbs a{color:#0f6e8c}"
        "@media print{nav.crumbs{display:none}}</style>"
    )
    head_end = document.find("</head>")
    if head_end >= 0:
        document = document[:head_end] + style + document[head_end:]
    at = document.find("<body")
    close = document.find(">", at) + 1 if at >= 0 else 0
    return document[:close] + "\n" + nav + document[close:]


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: "DejaVu Sans", "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #222;
  margin: 0 auto; padding: 1.5rem; max-width: 90rem; line-height: 1.45; }}
a {{ color: #0f6e8c; }}
nav.crumbs {{ font-size: .95rem; margin-bottom: 1rem; }}
header {{ border-bottom: 3px solid #0f6e8c; margin-bottom: 1rem; }}
h1 {{ margin: .2rem 0 .6rem; }} h2 {{ color: #0f6e8c; margin-top: 1.4rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #c9d2d8; padding: .3rem .5rem; text-align: left; vertical-align: top; }}
th {{ color: #5f6b73; }} td.num {{ text-align: right; }} td.date {{ white-space: nowrap; }}
.muted {{ color: #5f6b73; }} .err {{ color: #b3261e; font-weight: bold; }}
.up {{ color: #0072b2; }} .down {{ color: #c45200; }}
ul.reports li {{ margin: .3rem 0; }}
</style>
</head>
<body>
{crumbs}
<header><h1>{title}</h1><p class="muted">{subtitle}</p></header>
<main>
{body}
</main>
</body>
</html>
"""


def _page(title: str, subtitle: str, body: str, crumbs: str = "") -> str:
    return _PAGE.format(title=_esc(title), subtitle=_esc(subtitle), body=body, crumbs=crumbs)


def _signals(row: StatusRow) -> str:
    parts = []
    if row.improving:
        parts.append(f'<span class="up">▲ {_esc(", ".join(row.improving))}</span>')
    if row.concerning:
        parts.append(f'<span class="down">▼ {_esc(", ".join(row.concerning))}</span>')
    return "<br>".join(parts)


def _index(rows: list[StatusRow], pages: dict[str, str], title: str, today: dt.date) -> str:
    head = (
        "<tr><th>Workbook</th><th>Pathway</th><th>Stage</th><th>Days</th><th>M3</th><th>Last met</th>"
        "<th>PDSA</th><th>Signals</th><th>Score</th><th>Errors</th></tr>"
    )
    lines = []
    for r in rows:
        name = _esc(r.name or r.path) + (" <b>(pathway)</b>" if r.kind == "pathway" else "")
        link = f'<a href="{_esc(_rel(pages[r.path], INDEX))}">{name}</a>' if r.path in pages else name
        lines.append(
            f"<tr><td>{link}</td><td>{_esc(r.pathway or '')}</td><td>{_esc(r.stage.capitalize())}</td>"
            f'<td class="num">{"" if r.days_in_stage is None else r.days_in_stage}</td>'
            f'<td class="num">{r.m3_stage or "–"}</td><td class="date">{_esc(r.last_meeting or "")}</td>'
            f'<td class="num">{r.pdsa_count}</td><td>{_signals(r)}</td><td class="num">{r.score:.1f}</td>'
            f'<td class="num{" err" if r.errors else ""}">{r.errors}</td></tr>'
        )
    body = (
        f'<p><a href="{WALL}">The data wall</a>: each pathway and group of teams on one page, '
        "with small multiples of their key measures.</p>"
        f"<h2>Every workbook ({len(rows)})</h2><table>{head}{''.join(lines)}</table>"
    )
    return _page(title, f"data to {today.isoformat()}", body)


def _name(kind: str, pathway: bool) -> str:
    """What a report is called on the site."""
    if kind == "summary":
        return "5V summary" if pathway else "5P summary"
    return kind.capitalize()


def _team_page(
    row: StatusRow, page: str, reports: dict[str, str], skipped: dict[str, str], pathway: bool
) -> str:
    items = [
        f'<li><a href="{_esc(_rel(href, page))}">{_name(kind, pathway)}</a></li>'
        for kind, href in reports.items()
    ]
    items += [f'<li class="muted">{_name(kind, pathway)}: {_esc(why)}</li>' for kind, why in skipped.items()]
    facts = (
        f"{row.kind}; stage {row.stage}"
        + (f" for {row.days_in_stage} days" if row.days_in_stage is not None else "")
        + (f"; M3 stage {row.m3_stage}" if row.m3_stage else "")
        + f"; {row.pdsa_count} PDSA cycle(s); {row.errors} error(s) in its files"
    )
    body = f'<ul class="reports">{"".join(items)}</ul><p>{_signals(row)}</p>'
    crumbs = _crumbs(page, [("All teams", INDEX), ("Data wall", WALL)], row.name or row.path)
    return _page(row.name or row.path, facts, body, crumbs)


@dataclass(frozen=True)
class _Made:
    """One workbook made for the site (in a worker): what the wall and index need, and its report pages."""

    judged: Judged
    files: tuple[tuple[str, Packed], ...] = ()
    """Each report's page (its path in the site, its bytes as written, mark included, packed:
    the site's process holds every page until all are written, a fifth of their size so)."""
    reports: tuple[tuple[str, str], ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    pathway: bool = False


@dataclass(frozen=True)
class _Job:
    """What a worker needs to make one workbook's part of the site."""

    root: Path
    folder: Path
    today: dt.date
    source: str


def _page_of(root: Path, folder: Path) -> str:
    """Where a workbook's own page goes in the site."""
    rel = Path(os.path.relpath(root, folder)).as_posix()
    return f"{'workbook' if rel == '.' else rel}/{INDEX}"


def _make(job: _Job) -> _Made:
    """Read one workbook once and make its part of the site: privacy gate, status row, wall tiles, reports.

    The reports are made only once the workbook passed the privacy gate, and only while no
    workbook was refused; nothing is written here (the pages come back packed, and are
    written with every other page or not at all).
    """
    from microsys.datawall import read_unless_refused
    from microsys.ownership import stamp
    from microsys.render.figures import FigureStore
    from microsys.render.output import Request
    from microsys.render.output import render as render_report
    from microsys.render.pdf import Page
    from microsys.report.kinds import BUILDERS, KINDS, file_stem
    from microsys.report.model import Playbook
    from microsys.reporting import DEFAULT_LANDSCAPE, DEFAULT_SIZE, NO_PLAYBOOK
    from microsys.storage import pack

    root = job.root
    # As the data wall reads each workbook, with the workbook kept for its reports (read once);
    # once a workbook is refused, the site will not be written: the others are only gated.
    judged, wb = read_unless_refused(root, job.today, DOING)
    if wb is None or judged.row is None:
        return _Made(judged)
    row = judged.row
    page = _page_of(root, job.folder)
    folder_rel = os.path.dirname(page)
    store = FigureStore()
    files: list[tuple[str, Packed]] = []
    reports: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    trail = [("All teams", INDEX), ("Data wall", WALL), (row.name or row.path, page)]
    for kind in KINDS:
        report = BUILDERS[kind](wb, job.today)
        if isinstance(report.body, Playbook) and not report.body.chapters:
            skipped.append((kind, NO_PLAYBOOK))
            continue
        href = f"{folder_rel}/{file_stem(kind, pathway=wb.is_pathway)}.html"
        target = Path(href)
        made = render_report(
            Request(wb, report, "html", target, Page(DEFAULT_SIZE[kind], DEFAULT_LANDSCAPE[kind])), store
        )
        document = with_crumbs(made.files[target].decode("utf-8"), href, trail, _name(kind, wb.is_pathway))
        files.append((href, pack(stamp(target, document.encode("utf-8"), job.source))))
        del made, document
        reports.append((kind, href))
    return _Made(judged, tuple(files), tuple(reports), tuple(skipped), wb.is_pathway)


def _make_all(jobs_wanted: int | None, work: list[_Job]) -> list[_Made]:
    """:func:`_make` of each job, in order, in ``jobs`` processes (None: as ``check`` chooses)."""
    from microsys.datawall import watch, watched
    from microsys.engine import auto_jobs
    from microsys.overview import map_workbooks

    jobs = auto_jobs(len(work), jobs_wanted)
    if jobs == 1 or len(work) < 2:
        watched(1)
        return [_make(job) for job in work]
    # One workbook at a time: they differ much in cost (charts to draw), so the load stays even.
    # Each worker watches for a refusal in any of them (datawall.read_unless_refused).
    return map_workbooks(_make, work, jobs, chunksize=1, initializer=watch, initargs=(watched(jobs),))


def render(folder: Path, options: SiteOptions) -> list[Path]:
    """Write the site of every workbook below ``folder`` into ``options.out``; the paths written.

    Each workbook is read once, in ``options.jobs`` processes (None: two for large
    folders), and its pages come back as bytes; every workbook (and the organisation
    file) passes the privacy gate before anything is written, and all files are written
    together through one commit.

    Raises:
        UsageError: ``--out`` names a file, or no workbook is below the folder.
        IdentifierRefusedError: a workbook or the organisation file holds an identifier.
        RefusedError: a file in the way that microsys did not make.
    """
    from microsys import datawall
    from microsys.overview import status
    from microsys.ownership import refuse_all, source_name, stamp
    from microsys.storage import Output, commit, pack, seen
    from microsys.workbook.discover import display_path, find_workbooks

    out = options.out
    if out.suffix.lower() in (".html", ".htm", ".pdf", ".md") or out.is_file():
        raise UsageError(f"--out {out} is a file; a site is a folder", hint="give a folder, e.g. -o public/")
    roots = find_workbooks([folder])
    if not roots:
        raise UsageError(
            f"no workbook found under {folder}", hint="a workbook is a folder with a microsys.yaml file"
        )
    source = source_name(folder.resolve())
    made = _make_all(options.jobs, [_Job(root, folder, options.today, source) for root in roots])
    datawall.refuse([m.judged for m in made], folder, DOING)
    judged = {m.judged.root: m.judged for m in made}
    rows = {root: j.row for root, j in judged.items() if j.row is not None}
    view = status(folder, options.today, made=rows)
    wall = datawall.build(folder, judged, view)
    by_path = {str(display_path(m.judged.root)): m for m in made}
    pages = {r.path: _page_of(by_path[r.path].judged.root, folder) for r in view.rows if r.path in by_path}
    files: dict[Path, Packed] = {}
    title = (view.organisation.name if view.organisation and view.organisation.name else None) or str(
        display_path(folder)
    )
    for row in view.rows:
        if row.path not in pages:
            continue
        page, one = pages[row.path], by_path[row.path]
        files.update((out / href, content) for href, content in one.files)
        team = _team_page(row, page, dict(one.reports), dict(one.skipped), one.pathway)
        files[out / page] = pack(stamp(out / page, team.encode("utf-8"), source))
    del made, by_path, judged
    files[out / WALL] = pack(stamp(out / WALL, _wall_page(wall, pages), source))
    del wall
    index = _index(list(view.rows), pages, title, options.today)
    files[out / INDEX] = pack(stamp(out / INDEX, index.encode("utf-8"), source))
    # As datawall.write, with the pages marked already (in the workers). What each file holds
    # now is kept as a digest: the commit keeps a replaced page on disk, not in memory.
    refuse_all(list(files), force=options.force)
    return commit(
        [Output(path, page, seen(path)) for path, page in files.items()], root=Path(os.path.abspath(out))
    )


def _wall_page(wall: DataWall, pages: dict[str, str]) -> bytes:
    """The data wall's page of the site, linked to each team's page."""
    from microsys import datawall
    from microsys.render.wall import html as wall_html

    drawn = datawall.draw(wall)
    return wall_html(wall, drawn, {"crumbs": [("All teams", INDEX)], "teams": dict(pages)}).encode("utf-8")
