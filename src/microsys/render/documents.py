"""Reports as one self-contained HTML file, or as Markdown for a git host.

HTML is autoescaped; figures are inline SVG (ids made unique per figure), styles are
inline, nothing is fetched. Markdown escapes every value it prints (jinja's
``finalize``), draws the process map as a Mermaid flowchart, which git hosts render
as a diagram, and puts the other figures in SVG files beside the document.

Templates are looked up in the workbook's ``templates/report/`` first, in a sandbox.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from microsys.errors import UsageError
from microsys.render.figures import Drawn, prefix_ids
from microsys.render.jinja import make_env
from microsys.render.svgcheck import plain
from microsys.report.kinds import file_stem
from microsys.report.model import FlowchartFigure, Report
from microsys.report.shapes import Node
from microsys.resources import templates_dir

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$!])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=]|\d+\.)(?=\s|$)")


def md(value: Any) -> str:
    """A value as Markdown text that reads as itself: markup characters escaped, one line."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;")
    text = _MD_SPECIAL.sub(
        lambda m: "&lt;" if m.group(1) == "<" else "&gt;" if m.group(1) == ">" else "\\" + m.group(1), text
    )
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _finalize_md(value: Any) -> Any:
    if isinstance(value, Markup) or value is None:
        return value if value is not None else ""
    return md(value)


def mermaid_text(value: Any) -> Markup:
    """Text for a Mermaid label in quotes: anything unusual as an entity code."""
    out = []
    for ch in " ".join(str(value).split()):
        out.append(ch if (ch.isalnum() and ch.isascii()) or ch in " .,:;?'()/-" else f"#{ord(ch)};")
    return Markup("".join(out))


def mermaid(nodes: Sequence[Node]) -> Markup:
    """A Mermaid flowchart of a process map, one subgraph per owner (the swimlanes)."""
    shapes = {
        "start": ('(["', '"])'),
        "end": ('(["', '"])'),
        "decision": ('{{"', '"}}'),
        "wait": ('[/"', '"/]'),
    }
    ids = {n.id: f"n{i}" for i, n in enumerate(nodes)}
    lanes: dict[str, list[Node]] = {}
    for n in nodes:
        lanes.setdefault(n.lane, []).append(n)
    lines = ["flowchart TD"]
    for k, (lane, members) in enumerate(lanes.items()):
        lines.append(f'  subgraph lane{k}["{mermaid_text(lane or "(no owner)")}"]')
        for n in members:
            left, right = shapes.get(n.kind, ('["', '"]'))
            label = n.label + (f" ({n.detail})" if n.detail else "")
            lines.append(f"    {ids[n.id]}{left}{mermaid_text(label)}{right}")
        lines.append("  end")
    for n in nodes:
        for target, label in n.edges:
            if target in ids:
                arrow = f'-->|"{mermaid_text(label)}"|' if label else "-->"
                lines.append(f"  {ids[n.id]} {arrow} {ids[target]}")
    return Markup("\n".join(lines))


def _env(workbook: Path, *, html: bool) -> Any:
    own = workbook / "templates" / "report"
    return _make_env(own, html=html) if own.is_dir() else _builtin_env(html)


@functools.cache
def _builtin_env(html: bool) -> Any:
    """The built-in templates' environment, one per process.

    Each template is then compiled once however many documents use it (one command
    writes up to six).
    """
    return _make_env(None, html=html)


def _make_env(own: Path | None, *, html: bool) -> Any:
    builtin = templates_dir() / "report"
    search = [own, builtin] if own is not None else [builtin]
    env = make_env(
        search, sandboxed=True, autoescape=html, default=builtin, finalize=None if html else _finalize_md
    )
    env.filters["md"] = lambda v: Markup(md(v))
    return env


def _render(env: Any, name: str, **context: Any) -> str:
    """Render a template; a broken or unsafe template (usually a workbook's own) is a plain error."""
    import jinja2

    try:
        return str(env.get_template(name).render(**context))
    except jinja2.TemplateError as exc:
        where = f" ({exc.filename}, line {exc.lineno})" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise UsageError(
            f"the report template {name} could not be used{where}: {exc.message or exc}",
            hint="if the workbook has its own templates/report/ files, check them; templates may only "
            "use the report data and other templates in that folder",
        ) from None


def _own_templates(workbook: Path) -> list[str]:
    """The workbook's own jinja templates for reports."""
    own = workbook / "templates" / "report"
    return sorted(p.name for p in own.glob("*.j2")) if own.is_dir() else []


def _render_in_child(workbook: str, html: bool, name: str, context: dict[str, Any]) -> str:
    """Render in a bounded child process (see :mod:`microsys.render.bounded`)."""
    return _render(_env(Path(workbook), html=html), name, **context)


def _render_report(workbook: Path, *, html: bool, name: str, **context: Any) -> str:
    """Render ``name``; with the workbook's own templates, in a child process bounded in time and memory."""
    own = _own_templates(workbook)
    if not own:
        return _render(_env(workbook, html=html), name, **context)
    from microsys.render import bounded

    return bounded.run(
        _render_in_child,
        str(workbook),
        html,
        name,
        context,
        what=f"rendering {name} with the workbook's own templates "
        f"({', '.join(f'templates/report/{n}' for n in own)})",
        fix="check those templates (a loop that never ends, or text repeated without bound?), "
        "or move them away to use the built-in ones",
    )


def html(report: Report, drawn: Drawn, workbook: Path) -> str:
    """The report as one HTML file."""
    svgs = {
        name: Markup(prefix_ids(plain(svg), f"f{i}"))
        for i, (name, svg) in enumerate(sorted(drawn.svgs.items()))
    }
    return _render_report(workbook, html=True, name=f"{report.template}.html.j2", d=report.data, svg=svgs)


def markdown(report: Report, drawn: Drawn, workbook: Path, target: Path) -> tuple[str, dict[Path, str]]:
    """The report as Markdown, and the SVG files it links to (in a folder beside it)."""
    folder = f"{file_stem(report.kind, pathway=report.body.header.workbook == 'pathway')}_files"
    files = {target.parent / folder / name: plain(svg) for name, svg in sorted(drawn.svgs.items())}
    links = {name: Markup(f"{folder}/{name}") for name in drawn.svgs}
    flows = {f.name: mermaid(f.nodes) for f in report.figures if isinstance(f, FlowchartFigure)}
    text = _render_report(
        workbook, html=False, name=f"{report.template}.md.j2", d=report.data, fig=links, flow=flows
    )
    return re.sub(r"\n{3,}", "\n\n", text), files
