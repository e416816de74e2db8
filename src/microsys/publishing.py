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

from microsys.errors import UsageError

if TYPE_CHECKING:
    from microsys.overview import StatusRow

INDEX = "index.html"
WALL = "datawall.html"


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


def render(folder: Path, options: SiteOptions) -> list[Path]:
    """Write the site of every workbook below ``folder`` into ``options.out``; the paths written.

    Raises:
        UsageError: ``--out`` names a file, or no workbook is below the folder.
        IdentifierRefusedError: a workbook or the organisation file holds an identifier.
        RefusedError: a file in the way that microsys did not make.
    """
    from microsys import datawall
    from microsys.render.figures import FigureStore
    from microsys.render.output import Request
    from microsys.render.output import render as render_report
    from microsys.render.pdf import Page
    from microsys.render.wall import html as wall_html
    from microsys.report.kinds import BUILDERS, KINDS, file_stem
    from microsys.report.model import Playbook
    from microsys.reporting import DEFAULT_LANDSCAPE, DEFAULT_SIZE, NO_PLAYBOOK
    from microsys.workbook.discover import display_path, find_workbooks
    from microsys.workbook.privacy_gate import for_output

    out = options.out
    if out.suffix.lower() in (".html", ".htm", ".pdf", ".md") or out.is_file():
        raise UsageError(f"--out {out} is a file; a site is a folder", hint="give a folder, e.g. -o public/")
    wall, view = datawall.make(folder, options.today, options.jobs)
    roots = {str(display_path(root)): root for root in find_workbooks([folder])}
    base = display_path(folder)
    pages: dict[str, str] = {}
    for row in view.rows:
        rel = Path(os.path.relpath(roots[row.path], folder)).as_posix() if row.path in roots else None
        if rel is not None:
            pages[row.path] = f"{'workbook' if rel == '.' else rel}/{INDEX}"
    files: dict[Path, bytes] = {}
    store = FigureStore()
    title = (view.organisation.name if view.organisation and view.organisation.name else None) or str(base)
    for row in view.rows:
        if row.path not in pages:
            continue
        page = pages[row.path]
        folder_rel = os.path.dirname(page)
        wb = for_output(roots[row.path], "write the site")
        reports: dict[str, str] = {}
        skipped: dict[str, str] = {}
        for kind in KINDS:
            report = BUILDERS[kind](wb, options.today)
            if isinstance(report.body, Playbook) and not report.body.chapters:
                skipped[kind] = NO_PLAYBOOK
                continue
            href = f"{folder_rel}/{file_stem(kind, pathway=wb.is_pathway)}.html"
            target = out / href
            made = render_report(
                Request(wb, report, "html", target, Page(DEFAULT_SIZE[kind], DEFAULT_LANDSCAPE[kind])), store
            )
            document = made.files[target].decode("utf-8")
            trail = [("All teams", INDEX), ("Data wall", WALL), (row.name or row.path, page)]
            files[target] = with_crumbs(document, href, trail, _name(kind, wb.is_pathway)).encode("utf-8")
            reports[kind] = href
        files[out / page] = _team_page(row, page, reports, skipped, wb.is_pathway).encode("utf-8")
    drawn = datawall.draw(wall)
    teams = {path: href for path, href in pages.items()}
    files[out / WALL] = wall_html(wall, drawn, {"crumbs": [("All teams", INDEX)], "teams": teams}).encode(
        "utf-8"
    )
    files[out / INDEX] = _index(list(view.rows), pages, title, options.today).encode("utf-8")
    return datawall.write(files, folder, options.force, root=Path(os.path.abspath(out)))
