"""A report as PDF: figures, fonts, fitting a poster on its page, characters no font has.

Returns the PDF with what was shortened and the notes a person should read; it
writes nothing and changes nothing outside its compile folder. A poster must fit
one page: it is typeset with the text a little smaller each time, then with long
texts cut (the report is built again with a smaller text budget), until it does.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from microsys.render.cache import cache_dir
from microsys.render.figures import LEGIBLE_PT, Drawn, FigureStore, legible_width, ratio
from microsys.render.fonts import Coverage, FontPlan, characters, family_name
from microsys.render.fonts import plan as plan_fonts
from microsys.render.typeset import UNIT, Job, job, logo_path, own_fonts
from microsys.report.model import Report
from microsys.resources import templates_dir
from microsys.workbook.loader import Workbook

# What people can read: the storyboard's content text is CONTENT_PT times its type unit
# (see story.typ), and it is never printed under BODY_MIN_PT; figures are never printed so
# small that their text is under figures.LEGIBLE_PT (see fig() in story.typ).
BODY_MIN_PT = 9.0
CONTENT_PT = 9.5
# Type scales tried, largest first: a short poster's text grows at most 10%, a long one's
# shrinks only down to the legible floor of its paper (see scales()).
SCALES = (1.1, 1.05, 1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5)
# Text budgets tried, most text first: a short poster shows more of each list and text
# (1.6), a long one less. The paper asked for tries all but the last before a larger one.
FIT_BUDGETS = (1.6, 1.0, 0.6, 0.35, 0.2)
FIRST_BUDGETS = FIT_BUDGETS[:-1]
_SHOWN_PLACES = 6
# Sections named as the ones to shorten when a storyboard spills over its page.
_LONGEST_SHOWN = 3
# Paper sizes from smallest to largest: the next one gives a spilling poster more room.
SIZES = ("a4", "a3", "a2", "a1", "a0")
# A poster is set on at most this many sizes larger than the default before it is refused.
# (With no paper asked for, it is tried first on the smaller papers, see Fitter.fit.)
LARGER_PAPERS = 2
PAPER_MM = {"a4": (210, 297), "a3": (297, 420), "a2": (420, 594), "a1": (594, 841), "a0": (841, 1189)}
# The storyboard's margins and column gap in mm at A3 (times the paper's unit elsewhere).
MARGIN_MM = {"x": 11.0, "top": 10.0, "bottom": 13.0}
GUTTER_MM = 8.0
# The narrowest column a poster's figures print legibly in (they are drawn for it): a
# larger paper, whose text is no larger than it need be, gets more columns, not wider ones.
COLUMN_MM = 127.0
# Columns are ended level to within this many points, found in at most this many compiles.
_LEVEL_PT = 4.0
_LEVEL_TRIES = 7
_PT_PER_MM = 72 / 25.4

# A report built again with a smaller text budget, to fit its page; True: with the checklist
# of the stage the team is in (tried first, on the smallest paper tried: a young poster).
Refit = Callable[[float, bool], Report]


@dataclass(frozen=True)
class Page:
    """The paper a report is set on; ``grow``: a poster may go on a larger paper to stay legible."""

    paper: str
    landscape: bool
    grow: bool = False
    cols: int | None = None
    """Columns chosen by the fitter (None: as many as the paper holds, see :func:`columns`)."""


@dataclass(frozen=True)
class Plan:
    """How a poster was laid out: paper, columns, type scale, and how full each column is."""

    paper: str
    columns: int
    scale: float
    body_pt: float
    """The content text's printed size."""
    fill: tuple[float, ...]
    """Of each column, the share of the page's height inside its margins that is used (0 to 1):
    from the top margin to where the column's last piece ends (the header counts as used)."""


@dataclass(frozen=True)
class Typeset:
    """A PDF, the texts shortened to make it, and notes for the person who asked for it."""

    pdf: bytes
    shortened: tuple[str, ...]
    notes: tuple[str, ...]
    overflow: str | None = None
    """Why a poster is more than one page, in plain words (None when it fits)."""
    plan: Plan | None = None
    """A poster's layout, when it was fitted to its page and the layout could be read back."""


def scales(paper: str) -> tuple[float, ...]:
    """The type scales a poster on ``paper`` may be set at, largest first, none below the legible floor."""
    least = math.ceil(BODY_MIN_PT / (CONTENT_PT * UNIT[paper]) * 1000) / 1000
    return (*(s for s in SCALES if s > least), least)


def usual_scale(paper: str) -> float:
    """The scale of a poster's usual text on ``paper``: 1, or the legible floor where that is larger (A4)."""
    return max(1.0, scales(paper)[-1])


def columns(page: Page) -> int:
    """How many columns a poster has: as many COLUMN_MM wide as the paper holds (at least 2 or 3)."""
    if page.cols is not None:
        return page.cols
    unit = UNIT[page.paper]
    short, long = PAPER_MM[page.paper]
    width = long if page.landscape else short
    room = width - 2 * MARGIN_MM["x"] * unit + GUTTER_MM * unit
    return max(3 if page.landscape else 2, int(room // (COLUMN_MM + GUTTER_MM * unit)))


def layout(
    page: Page, scale: float, budget: float = 1.0, height: float | None = None, breaks: Sequence[str] = ()
) -> dict[str, Any]:
    """What the templates need to know about the page: paper, orientation, type scale, columns.

    ``height``: how tall the columns are (points), to end them level; None: down to the foot
    of the page. ``breaks``: the pieces that start a new column (to use every column).
    """
    unit = UNIT[page.paper]
    return {
        "paper": page.paper,
        "landscape": page.landscape,
        "unit": unit,
        "scale": scale,
        "columns": columns(page),
        # With less room for text, figures give up some height too.
        "figures": round(0.5 + 0.5 * budget, 3),
        "margin": {k: round(v * unit, 3) for k, v in MARGIN_MM.items()},
        "gutter": round(GUTTER_MM * unit, 3),
        "height": None if height is None else round(height, 2),
        "breaks": list(breaks),
    }


def pdf(wb: Workbook, report: Report, page: Page, store: FigureStore, refit: Refit | None = None) -> Typeset:
    """Typeset ``report``; with ``refit``, on one page (scaled, then with shorter texts)."""
    fonts, notes = fonts_for(wb, report)
    drawn = store.drawn(wb.root, report)
    with job(f"{report.template}.typ", wb.root, templates_dir() / "report", drawn.svgs, fonts.fallback) as j:
        if refit is None:
            made, _ = j.compile(_data(wb, report, page, _figures(drawn.svgs), 1.0, 1.0))
            return Typeset(made, (*report.shortened, *drawn.shortened), tuple(notes))
        fitter = Fitter(j, wb, drawn, refit)
        fitted = fitter.fit(report, page)
    report, scale, made, pages, paper = fitted
    if SIZES.index(paper) < SIZES.index(page.paper):
        notes.append(
            f"set on {paper.upper()}, the paper its content fills at the usual text size; "
            f"--size {page.paper} sets it on {page.paper.upper()}"
        )
    elif paper != page.paper:
        notes.append(
            f"set on {paper.upper()}: it does not fit one {page.paper.upper()} page with text large enough "
            f"to read (at least {BODY_MIN_PT:g} pt, charts {LEGIBLE_PT:g} pt); "
            f"--size {page.paper} --allow-pages sets it over several {page.paper.upper()} pages instead"
        )
    if scale != usual_scale(paper) and pages == 1:
        body = CONTENT_PT * UNIT[paper] * scale
        share = round(scale / usual_scale(paper) * 100)
        notes.append(f"text set at {share}% of its usual size (body text {body:.1f} pt)")
    larger = (
        [] if paper != page.paper or not page.grow else list(SIZES[SIZES.index(paper) + 1 :][:LARGER_PAPERS])
    )
    overflow = overflow_message(report, pages, paper, larger) if pages > 1 else None
    return Typeset(made, (*report.shortened, *drawn.shortened), tuple(notes), overflow, fitter.plan)


def overflow_message(report: Report, pages: int, paper: str, tried: Sequence[str] = ()) -> str:
    """Plain words for a storyboard too long for one page: its longest sections and a larger paper.

    ``tried``: the larger papers it was tried on too (none then is suggested).
    """
    sections = report.data.get("sections", {})
    weights = sorted(
        ((len(json.dumps(section, ensure_ascii=False, default=str)), section.get("heading", sid))
         for sid, section in sections.items() if isinstance(section, dict)),
        reverse=True,
    )  # fmt: skip
    longest = ", ".join(str(heading) for _, heading in weights[:_LONGEST_SHOWN])
    larger = SIZES[SIZES.index(paper) + 1] if paper in SIZES[:-1] and not tried else None
    return (
        f"the storyboard does not fit one {paper.upper()} page with text large enough to read "
        f"(at least {BODY_MIN_PT:g} pt), even with shortened texts ({pages} pages)"
        + (f"; the longest sections are {longest}" if longest else "")
        + (f"; --size {larger} gives it more room" if larger else "")
        + (f"; nor does it fit on {' or '.join(p.upper() for p in tried)}" if tried else "")
    )


def _figures(svgs: dict[str, str]) -> dict[str, dict[str, float]]:
    """What the templates know of each figure: its height/width ratio and its legible width (pt)."""
    return {n: {"ratio": ratio(svg), "legible": round(legible_width(svg), 2)} for n, svg in svgs.items()}


def _data(
    wb: Workbook,
    report: Report,
    page: Page,
    figures: dict[str, dict[str, float]],
    scale: float,
    budget: float,
    height: float | None = None,
    breaks: Sequence[str] = (),
) -> dict[str, Any]:
    data = report.data
    data["figures"] = figures
    data["logo"] = logo_path(wb.root)
    data["layout"] = layout(page, scale, budget, height, breaks)
    return data


Fitted = tuple[Report, float, bytes, int, str]


@dataclass
class Fitter:
    """Finds the layout of a poster: paper, text budget, type scale, and the columns' height."""

    j: Job
    wb: Workbook
    drawn: Drawn
    refit: Refit
    plan: Plan | None = field(default=None, init=False)
    """The layout found (after :meth:`fit`), when it could be read back from the compile."""
    page: Page | None = field(default=None, init=False)
    """The page the poster was set on (after :meth:`fit`), its columns chosen."""
    _last: tuple[int, Page, float, float, float | None, tuple[str, ...]] | None = field(
        default=None, init=False
    )
    """What the last compile was of: (report, page, budget, scale, column height, breaks)."""

    def fit(self, report: Report, page: Page) -> Fitted:
        """The largest legible text on one page: (report, scale, pdf, pages, paper).

        On the paper asked for, then (when ``page.grow``) on larger ones; on each, the full
        texts first, then shorter ones. When nothing fits, the last try (several pages).
        With ``page.grow``, the papers smaller than the one asked for are tried first, with
        the texts as full as that paper shows them: a young team's poster that fills an A4
        page at the usual text size is set on A4, not on a mostly empty A3 with its text
        blown up.
        """
        budgets: dict[tuple[float, bool], Report] = {(1.0, False): report}
        papers, smaller = [page.paper], []
        if page.grow and page.paper in SIZES:
            smaller = list(SIZES[: SIZES.index(page.paper)])
            papers += list(SIZES[SIZES.index(page.paper) + 1 :][:LARGER_PAPERS])

        def cols(p: str) -> tuple[int | None, ...]:
            return _column_choices(replace(page, paper=p)) if p in smaller else (None,)

        first = (smaller or papers)[0]
        Try = tuple[str, float, int | None, bool]  # paper, budget, columns, with the checklist
        tries: list[Try] = [(first, FIT_BUDGETS[0], n, True) for n in cols(first)]
        tries += [(p, FIT_BUDGETS[0], n, False) for p in smaller for n in cols(p)]
        if smaller:
            # Too much for a smaller paper: on the usual one, the checklist may still have room.
            tries.append((page.paper, FIT_BUDGETS[0], None, True))
        tries += [
            (p, b, None, False)
            for p in papers
            for b in (FIRST_BUDGETS if p == page.paper and len(papers) > 1 else FIT_BUDGETS)
        ]
        result: Fitted | None = None
        for paper, budget, n, checklist in tries:
            key = (budget, checklist)
            if key not in budgets:
                budgets[key] = self.refit(budget, checklist)
            at = replace(page, paper=paper, cols=n)
            scale, made, pages = largest_fit(partial(self._compile, budgets[key], at, budget), scales(paper))
            if self._last != (id(budgets[key]), at, budget, scale, None, ()):
                # The bisection's last compile was of another scale: what is read back
                # (figure widths, where the columns end) must be of this one.
                self._compile(budgets[key], at, budget, scale)
            result = (budgets[key], scale, made, pages, paper)
            if pages == 1 and self._legible_figures():
                self.page = at
                return self._balance(result, at, budget)
        assert result is not None
        if len(papers) > 1:
            # Fits no paper: set over pages of the paper asked for, at its smallest legible text.
            least = FIT_BUDGETS[-1]
            scale = scales(page.paper)[-1]
            made, pages = self._compile(budgets[(least, False)], page, least, scale)
            result = (budgets[(least, False)], scale, made, pages, page.paper)
        return result

    def _compile(
        self,
        report: Report,
        page: Page,
        budget: float,
        scale: float,
        height: float | None = None,
        breaks: Sequence[str] = (),
    ) -> tuple[bytes, int]:
        self._last = (id(report), page, budget, scale, height, tuple(breaks))
        data = _data(self.wb, report, page, _figures(self.drawn.svgs), scale, budget, height, breaks)
        return self.j.compile(data)

    def _legible_figures(self) -> bool:
        """Whether every figure of the last compile is printed wide enough for its text to be read."""
        widths = self.j.query("<figure-width>")
        for placed in widths or []:
            svg = self.drawn.svgs.get(placed["name"], "")
            if placed["width"] + 0.5 < legible_width(svg):
                return False
        return True

    def _balance(self, fitted: Fitted, page: Page, budget: float) -> Fitted:
        """A one-page poster with its columns ending level (same scale, same texts, one page).

        The columns are given the least height that still holds every piece in order (found
        by bisection between the height of perfectly level columns and the natural flow's
        tallest column), so a fuller poster ends level instead of leaving its last column
        half empty; then a poster that still leaves its last column empty is spread over
        every column (see :meth:`_spread`).
        """
        report, scale, _, _, paper = fitted
        top = self.j.query("<flow-top>")
        natural = self._ends(page, paper, None)
        if not top or natural is None:
            return fitted
        y0 = float(top[0])
        self.plan = self._plan(page, paper, scale, natural, y0)
        heights = self._heights(page, paper)
        used = [y - y0 for y in natural]
        # Never shorter than a piece that stood whole in one column: typst would squeeze a
        # piece that cannot break into columns shorter than it, setting its lines over each other.
        low, high = max(sum(used) / len(used), max(heights.values(), default=0.0)), max(used)
        best: tuple[float, bytes] | None = None
        for _ in range(_LEVEL_TRIES):
            if high - low < _LEVEL_PT:
                break
            mid = (low + high) / 2
            pdf, pages = self._compile(report, page, budget, scale, mid)
            if pages == 1 and self._holds(page, paper, y0 + mid):
                high, best = mid, (mid, pdf)
            else:
                low = mid
        height, made = (None, fitted[2]) if best is None else best
        if self._last is None or self._last[4:] != (height, ()):
            self._compile(report, page, budget, scale, height)  # what is read back is of this one
        return self._spread((report, scale, made, 1, paper), page, budget, height, y0)

    def _holds(self, page: Page, paper: str, limit: float) -> bool:
        """Whether every piece of the last compile ends above ``limit`` (points from the top).

        Content that runs out of room in the last column of columns of a set height is not
        carried over: typst sets it at the foot, over what is there. A piece ending right
        at the foot is taken for that (one ending there in another column puts its marker
        at the top of the next).
        """
        ends = self._places(page, paper)
        return bool(ends) and ends is not None and all(y < limit - 0.5 for _, y in ends)

    def _spread(
        self,
        fitted: Fitted,
        page: Page,
        budget: float,
        height: float | None,
        y0: float,
    ) -> Fitted:
        """A poster that leaves its last column empty, its pieces shared out over every column.

        Each piece's length is read from where it starts and ends (a piece running on into
        the next column counted whole); the pieces are shared out in order (see
        :func:`_share`), each column after the first starting with a column break. Taken
        when it is still one page, in order, and no column runs past the others' height.
        """
        report, scale, _, _, paper = fitted
        limit = y0 + height if height is not None else self._bottom(page, paper)
        ends, starts = self._places(page, paper), self._places(page, paper, "<flow-from>")
        level = self._ends(page, paper, limit)
        cols = columns(page)
        if level is not None:
            self.plan = self._plan(page, paper, scale, level, y0)
        if not ends or not starts or len(starts) != len(ends) or ends[-1][0] == cols - 1:
            return fitted
        lengths = [
            y1 - y if c == c1 else (limit - y) + (c1 - c - 1) * (limit - y0) + (y1 - y0)
            for (c, y), (c1, y1) in zip(starts, ends, strict=True)
        ]
        flow = list(report.data.get("flow", report.data.get("order", [])))
        breaks = [flow[i] for i in _share(lengths, cols) if i < len(flow)]
        made, pages = self._compile(report, page, budget, scale, height, breaks)
        now = self._places(page, paper)
        if pages == 1 and now and now == sorted(now) and self._holds(page, paper, limit):
            spread = self._ends(page, paper, limit)
            if spread is not None:
                self.plan = self._plan(page, paper, scale, spread, y0)
            return (report, scale, made, 1, paper)
        self._compile(report, page, budget, scale, height)  # what is read back is of the one kept
        return fitted

    def _heights(self, page: Page, paper: str) -> dict[int, float]:
        """How tall each piece of the last compile is that starts and ends in one column (by index)."""
        starts, ends = self._places(page, paper, "<flow-from>") or [], self._places(page, paper) or []
        if len(starts) != len(ends):
            return {}
        return {i: y1 - y for i, ((c, y), (c1, y1)) in enumerate(zip(starts, ends, strict=True)) if c == c1}

    def _ends(self, page: Page, paper: str, limit: float | None) -> list[float] | None:
        """Where each column of the last compile ends (points from the top), None if not read back.

        A piece that runs on from one column into the next fills the first down to ``limit``
        (the foot of the page when None); a column with nothing ends where the columns start.
        """
        starts, ends = self._places(page, paper, "<flow-from>"), self._places(page, paper)
        top = self.j.query("<flow-top>")
        if not starts or not ends or not top or len(starts) != len(ends):
            return None
        foot = self._bottom(page, paper) if limit is None else limit
        out = [float(top[0])] * columns(page)
        for (c, _), (c1, y1) in zip(starts, ends, strict=True):
            for col in range(c, c1):
                out[col] = max(out[col], foot)
            out[c1] = max(out[c1], y1)
        return out

    def _bottom(self, page: Page, paper: str) -> float:
        """Where the columns end: the foot of the page inside its margin (points from the top)."""
        height_mm = PAPER_MM[paper][0] if page.landscape else PAPER_MM[paper][1]
        return (height_mm - MARGIN_MM["bottom"] * UNIT[paper]) * _PT_PER_MM

    def _plan(self, page: Page, paper: str, scale: float, ends: list[float], top: float) -> Plan:
        """The layout of a one-page poster whose columns end at ``ends`` (points from the top)."""
        unit = UNIT[paper]
        upper, lower = MARGIN_MM["top"] * unit * _PT_PER_MM, self._bottom(page, paper)
        fill = tuple(round(min(1.0, max(0.0, (y - upper) / (lower - upper))), 3) for y in ends)
        return Plan(paper, columns(page), scale, round(CONTENT_PT * unit * scale, 2), fill)

    def _places(self, page: Page, paper: str, label: str = "<flow-at>") -> list[tuple[int, float]] | None:
        """Where each piece of the last compile ends (or starts: ``<flow-from>``): (column, y in points)."""
        found = self.j.query(label)
        if not found:
            return None
        cols, unit = columns(page), UNIT[paper]
        width_mm = PAPER_MM[paper][1] if page.landscape else PAPER_MM[paper][0]
        margin, gutter = MARGIN_MM["x"] * unit * _PT_PER_MM, GUTTER_MM * unit * _PT_PER_MM
        column = (width_mm * _PT_PER_MM - 2 * margin - (cols - 1) * gutter) / cols
        return [
            (min(int((float(p["x"]) - margin + gutter / 2) // (column + gutter)), cols - 1), float(p["y"]))
            for p in sorted(found, key=lambda p: int(p.get("i", 0)))
        ]


def _column_choices(page: Page) -> tuple[int | None, ...]:
    """The columns a poster on a smaller paper may have: as many as it holds, then two wider ones."""
    most = columns(page)
    return (None, 2) if most > 2 else (None,)


def _share(heights: Sequence[float], columns: int) -> list[int]:
    """Where to start each column after the first (indexes), the pieces kept in order.

    The tallest column as short as can be, then the columns as even as can be (every
    column used when there are pieces enough): of the ways to cut them into at most
    ``columns`` runs, the one whose tallest run is shortest, then whose runs' squared
    lengths sum least.
    """
    n = len(heights)
    ends = [0.0]
    for h in heights:
        ends.append(ends[-1] + h)
    Best = tuple[float, float, tuple[int, ...]]  # tallest run, sum of squares, run starts
    best: list[list[Best | None]] = [[None] * (n + 1) for _ in range(columns + 1)]
    best[0][0] = (0.0, 0.0, ())
    for k in range(1, columns + 1):
        for i in range(1, n + 1):
            for j in range(k - 1, i):
                before = best[k - 1][j]
                if before is None:
                    continue
                run = ends[i] - ends[j]
                found = (max(before[0], run), before[1] + run * run, (*before[2], j))
                now = best[k][i]
                if now is None or (round(found[0], 1), found[1]) < (round(now[0], 1), now[1]):
                    best[k][i] = found
    done = [b for k in range(1, columns + 1) if (b := best[k][n]) is not None]
    if not done:
        return []
    chosen = min(done, key=lambda b: (round(b[0], 1), b[1]))
    return [j for j in chosen[2] if j > 0]


def largest_fit(
    compile_at: Callable[[float], tuple[bytes, int]], tried: Sequence[float] = SCALES
) -> tuple[float, bytes, int]:
    """The largest of ``tried`` whose poster is one page, found by bisection (fewer compiles).

    Returns (scale, pdf, pages); when none fits, the smallest scale's result.
    """
    results: dict[int, tuple[bytes, int]] = {}

    def fits(i: int) -> bool:
        if i not in results:
            results[i] = compile_at(tried[i])
        return results[i][1] == 1

    lo, hi = 0, len(tried) - 1  # scales go from largest to smallest
    if not fits(hi):
        return tried[hi], *results[hi]
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    return tried[lo], *results[lo]


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
