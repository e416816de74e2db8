"""One report in one format: the files to write, what was shortened, notes for the reader.

The formats' table (:data:`FORMATS`) maps each ``--format`` to its renderer. Nothing
here writes: the report use case commits the files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from microsys.render.figures import FigureStore
from microsys.render.pdf import Page, Refit
from microsys.report.model import Report
from microsys.workbook.loader import Workbook


@dataclass(frozen=True)
class Rendered:
    """A report's files (the document, and figures beside Markdown), what was shortened, notes."""

    files: dict[Path, bytes]
    shortened: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    overflow: str | None = None
    """Why a poster spills over its page (the use case decides whether to refuse)."""


@dataclass(frozen=True)
class Request:
    """What to render: the report, its workbook, where it goes, on which paper."""

    wb: Workbook
    report: Report
    format: str
    target: Path
    page: Page
    refit: Refit | None = None


def _pdf(req: Request, store: FigureStore) -> Rendered:
    from microsys.render.pdf import pdf

    made = pdf(req.wb, req.report, req.page, store, req.refit)
    return Rendered({req.target: made.pdf}, made.shortened, made.notes, made.overflow)


def _html(req: Request, store: FigureStore) -> Rendered:
    from microsys.render.documents import html

    drawn = store.drawn(req.wb.root, req.report)
    text = html(req.report, drawn, req.wb.root)
    return Rendered({req.target: text.encode("utf-8")}, (*req.report.shortened, *drawn.shortened))


def _markdown(req: Request, store: FigureStore) -> Rendered:
    from microsys.render.documents import markdown

    drawn = store.drawn(req.wb.root, req.report)
    text, figures = markdown(req.report, drawn, req.wb.root, req.target)
    files = {req.target: text.encode("utf-8")}
    files.update((path, svg.encode("utf-8")) for path, svg in figures.items())
    return Rendered(files, (*req.report.shortened, *drawn.shortened))


FORMATS: dict[str, Callable[[Request, FigureStore], Rendered]] = {"pdf": _pdf, "html": _html, "md": _markdown}


def render(req: Request, store: FigureStore) -> Rendered:
    """``req.report`` in ``req.format``."""
    return FORMATS[req.format](req, store)
