"""A report as PDF: figures, fonts, fitting a poster on its page, characters no font has.

Returns the PDF with what was shortened and the notes a person should read; it
writes nothing and changes nothing outside its compile folder. A poster must fit
one page: it is typeset with the text a little smaller each time, then with long
texts cut (the report is built again with a smaller text budget), until it does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from microsys.render.cache import cache_dir
from microsys.render.figures import Drawn, FigureStore, ratio
from microsys.render.fonts import Coverage, FontPlan, characters, family_name
from microsys.render.fonts import plan as plan_fonts
from microsys.render.typeset import UNIT, Job, job, logo_path, own_fonts
from microsys.report.model import Report
from microsys.resources import templates_dir
from microsys.workbook.loader import Workbook

# Type scales tried, then text budgets, until a poster fits its page.
FIT_SCALES = (1.3, 1.15, 1.0, 0.93, 0.86, 0.8, 0.74, 0.68)
FIT_BUDGETS = (1.0, 0.6, 0.35, 0.2)
_SHOWN_PLACES = 6
# Sections named as the ones to shorten when a storyboard spills over its page.
_LONGEST_SHOWN = 3
# Paper sizes from smallest to largest: the next one gives a spilling poster more room.
SIZES = ("a4", "a3", "a2", "a1", "a0")

# A report built again with a smaller text budget, to fit its page.
Refit = Callable[[float], Report]


@dataclass(frozen=True)
class Page:
    """The paper a report is set on."""

    paper: str
    landscape: bool


@dataclass(frozen=True)
class Typeset:
    """A PDF, the texts shortened to make it, and notes for the person who asked for it."""

    pdf: bytes
    shortened: tuple[str, ...]
    notes: tuple[str, ...]
    overflow: str | None = None
    """Why a poster is more than one page, in plain words (None when it fits)."""


def layout(page: Page, scale: float, budget: float = 1.0) -> dict[str, Any]:
    """What the templates need to know about the page: paper, orientation, type scale, columns."""
    return {
        "paper": page.paper,
        "landscape": page.landscape,
        "unit": UNIT[page.paper],
        "scale": scale,
        "columns": 3 if page.landscape else 2,
        # With less room for text, figures give up some height too.
        "figures": round(0.5 + 0.5 * budget, 3),
    }


def pdf(wb: Workbook, report: Report, page: Page, store: FigureStore, refit: Refit | None = None) -> Typeset:
    """Typeset ``report``; with ``refit``, on one page (scaled, then with shorter texts)."""
    pending = store.start(wb.root, report)
    fonts, notes = fonts_for(wb, report)
    svgs = pending.ready() if pending else store.drawn(wb.root, report).svgs
    with job(f"{report.template}.typ", wb.root, templates_dir() / "report", svgs, fonts.fallback) as j:
        if pending is not None:
            if pending.busy:  # typst loads its fonts and templates while the charts are drawn
                j.warm(_data(wb, report, page, {n: ratio(svg) for n, svg in svgs.items()}, 1.0, 1.0))
            j.figures(store.finish(wb.root, report, pending).svgs)
        drawn = store.drawn(wb.root, report)
        if refit is None:
            made, _ = j.compile(_data(wb, report, page, drawn.ratios, 1.0, 1.0))
            return Typeset(made, (*report.shortened, *drawn.shortened), tuple(notes))
        report, scale, made, pages = _fit(j, wb, report, page, drawn, refit)
    if scale != 1.0:
        notes.append(f"text set at {round(scale * 100)}% of its usual size to fill one page")
    overflow = overflow_message(report, pages, page.paper) if pages > 1 else None
    return Typeset(made, (*report.shortened, *drawn.shortened), tuple(notes), overflow)


def overflow_message(report: Report, pages: int, paper: str) -> str:
    """Plain words for a storyboard too long for one page: its longest sections and a larger paper."""
    sections = report.data.get("sections", {})
    weights = sorted(
        ((len(json.dumps(section, ensure_ascii=False, default=str)), section.get("heading", sid))
         for sid, section in sections.items() if isinstance(section, dict)),
        reverse=True,
    )  # fmt: skip
    longest = ", ".join(str(heading) for _, heading in weights[:_LONGEST_SHOWN])
    larger = SIZES[SIZES.index(paper) + 1] if paper in SIZES[:-1] else None
    return (
        f"the storyboard does not fit one {paper.upper()} page even with shortened texts ({pages} pages)"
        + (f"; the longest sections are {longest}" if longest else "")
        + (f"; --size {larger} gives it more room" if larger else "")
    )


def _data(
    wb: Workbook, report: Report, page: Page, ratios: dict[str, float], scale: float, budget: float
) -> dict[str, Any]:
    data = report.data
    data["figures"] = {name: {"ratio": r} for name, r in ratios.items()}
    data["logo"] = logo_path(wb.root)
    data["layout"] = layout(page, scale, budget)
    return data


def _fit(
    j: Job, wb: Workbook, report: Report, page: Page, drawn: Drawn, refit: Refit
) -> tuple[Report, float, bytes, int]:
    """The largest text, then the longest texts, that fit one page: (report, scale, pdf, pages)."""
    for budget in FIT_BUDGETS:
        if budget != 1.0:
            report = refit(budget)
        scale, made, pages = largest_fit(partial(_compile, j, wb, report, page, drawn, budget))
        if pages == 1:
            break
    return report, scale, made, pages


def _compile(
    j: Job, wb: Workbook, report: Report, page: Page, drawn: Drawn, budget: float, scale: float
) -> tuple[bytes, int]:
    return j.compile(_data(wb, report, page, drawn.ratios, scale, budget))


def largest_fit(compile_at: Callable[[float], tuple[bytes, int]]) -> tuple[float, bytes, int]:
    """The largest of FIT_SCALES whose poster is one page, found by bisection (fewer compiles).

    Returns (scale, pdf, pages); when none fits, the smallest scale's result.
    """
    results: dict[int, tuple[bytes, int]] = {}

    def fits(i: int) -> bool:
        if i not in results:
            results[i] = compile_at(FIT_SCALES[i])
        return results[i][1] == 1

    lo, hi = 0, len(FIT_SCALES) - 1  # scales go from largest to smallest
    if not fits(hi):
        return FIT_SCALES[hi], *results[hi]
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    return FIT_SCALES[lo], *results[lo]


def fonts_for(wb: Workbook, report: Report) -> tuple[FontPlan, list[str]]:
    """The computer's fonts a PDF needs besides the built-in and the workbook's, and notes saying so."""
    chars = characters(report.data) | characters(report.figures)
    fonts = plan_fonts(chars, own_fonts(wb.root), Coverage(cache_dir() / "fonts.json"))
    notes = []
    if fonts.fallback:
        names = ", ".join(dict.fromkeys(family_name(p) for p in fonts.fallback))
        notes.append(
            f"characters the built-in fonts lack are set in {names}, found on this computer; "
            "to make the PDF the same on any computer, copy the font into assets/fonts/"
        )
    if fonts.missing:
        notes.append(missing_glyphs(wb, fonts.missing))
    return fonts, notes


def missing_glyphs(wb: Workbook, missing: Sequence[str]) -> str:
    """Plain words for characters no font has: which, where they were first written, what to do."""
    files = sorted((f for f in wb.files if f.text), key=lambda f: f.rel)
    places: dict[str, list[tuple[int, str]]] = {}  # place -> (offset, character)
    for char in missing:
        at = next(((f, f.text.index(char)) for f in files if f.text and char in f.text), None)
        if at is None:
            places.setdefault("", []).append((ord(char), char))
        else:
            f, offset = at
            line = (f.text or "").count("\n", 0, offset) + 1
            places.setdefault(f"{f.rel} line {line}", []).append((offset, char))
    parts = [
        " ".join(char for _, char in sorted(chars)) + (f" ({place})" if place else "")
        for place, chars in sorted(places.items(), key=lambda item: (item[0] == "", item[0]))
    ]
    return (
        f"{len(missing)} character(s) show as empty boxes in the PDF, because no font here has them: "
        f"{'; '.join(parts[:_SHOWN_PLACES])}{' ...' if len(parts) > _SHOWN_PLACES else ''}. "
        "Put a font that has them in assets/fonts/ (for Chinese, Japanese or Korean, Noto Sans CJK; "
        "for emoji, Noto Emoji); HTML and Markdown show them with the reader's own fonts"
    )
