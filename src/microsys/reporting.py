"""The report use case: from workbooks to storyboard, playbook and 5P summary files.

Kept out of the CLI so that the command stays thin. What is in a report comes
from :mod:`microsys.report.content`; figures, PDF, HTML and Markdown from
:mod:`microsys.render`. A storyboard must fit one page: it is typeset with the
text a little smaller each time, then with long texts cut (with a visible
marker), until it does; every step taken is said in the result.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from microsys.errors import RefusedError, UsageError
from microsys.ownership import contained_in, refuse_all, source_name, stamp
from microsys.report.content import BUILDERS, FILE_STEMS, KINDS, Kind, Report, storyboard
from microsys.storage import Change, commit, read_bytes
from microsys.workbook.loader import Workbook

if TYPE_CHECKING:
    from microsys.render.figures import Drawn, Pending
    from microsys.render.fonts import FontPlan

FORMATS = ("pdf", "html", "md")
SIZES = ("a4", "a3", "a2", "a1", "a0")
# Default paper per report: posters are big and wide, documents are A4 and tall.
DEFAULT_SIZE = {"storyboard": "a3", "playbook": "a4", "summary": "a4"}
DEFAULT_LANDSCAPE = {"storyboard": True, "playbook": False, "summary": False}
# Type scales tried, then text budgets, until the storyboard fits its page.
FIT_SCALES = (1.3, 1.15, 1.0, 0.93, 0.86, 0.8, 0.74, 0.68)
FIT_BUDGETS = (1.0, 0.6, 0.35, 0.2)


@dataclass(frozen=True)
class Options:
    """What to render, and how."""

    kinds: tuple[Kind, ...] = ("storyboard",)
    formats: tuple[str, ...] = ("pdf",)
    size: str | None = None
    landscape: bool | None = None
    out: Path | None = None
    today: dt.date = field(default_factory=dt.date.today)
    force: bool = False
    """Replace existing files microsys did not make (never a workbook's own files)."""
    allow_pages: bool = False
    """Write a storyboard that spills onto more than one page (with a warning) instead of refusing."""


@dataclass(frozen=True)
class Task:
    """One report of one workbook in one format, and where it goes."""

    workbook: Path
    kind: Kind
    format: str
    target: Path


@dataclass
class Outcome:
    """What rendering one task did."""

    task: Task
    written: list[Path] = field(default_factory=list)
    shortened: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None


def plan(workbooks: Sequence[Path], options: Options) -> list[Task]:
    """Every (workbook, kind, format) to render, with its output path."""
    for f in options.formats:
        if f not in FORMATS:
            raise UsageError(f"`{f}` is not a report format", hint="use pdf, html or md")
    if options.size is not None and options.size not in SIZES:
        raise UsageError(f"`{options.size}` is not a paper size", hint="use a4, a3, a2, a1 or a0")
    single = len(workbooks) == 1 and len(options.kinds) == 1 and len(options.formats) == 1
    out = options.out
    tasks = []
    for root in workbooks:
        for kind in options.kinds:
            for fmt in options.formats:
                name = f"{FILE_STEMS[kind]}.{fmt}"
                if out is None:
                    target = root / "build" / name
                elif single and out.suffix.lower() == f".{fmt}":
                    target = out
                elif len(workbooks) > 1:
                    target = out / root.name / name
                else:
                    if out.suffix.lower() in (".pdf", ".html", ".md"):
                        raise UsageError(
                            f"--out {out} names one file, but several reports are made",
                            hint="give a folder to --out, or ask for one --kind and one --format",
                        )
                    target = out / name
                tasks.append(Task(root, kind, fmt, target))
    refuse_all([task.target for task in tasks] + _figure_files(tasks), force=options.force)
    return tasks


def _figure_files(tasks: Sequence[Task]) -> list[Path]:
    """Existing figure files a Markdown report may replace, looked at before anything is written."""
    folders = {t.target.parent / f"{FILE_STEMS[t.kind]}_files" for t in tasks if t.format == "md"}
    return sorted(p for folder in folders if folder.is_dir() for p in folder.glob("*.svg"))


def _paper(kind: Kind, options: Options) -> tuple[str, bool]:
    return options.size or DEFAULT_SIZE[kind], (
        DEFAULT_LANDSCAPE[kind] if options.landscape is None else options.landscape
    )


def _layout(kind: Kind, options: Options, scale: float, budget: float = 1.0) -> dict[str, Any]:
    from microsys.render.typeset import UNIT

    paper, landscape = _paper(kind, options)
    return {
        "paper": paper,
        "landscape": landscape,
        "unit": UNIT[paper],
        "scale": scale,
        "columns": 3 if landscape else 2,
        # With less room for text, figures give up some height too.
        "figures": round(0.5 + 0.5 * budget, 3),
    }


class Renderer:
    """Renders tasks; keeps each loaded workbook for the other reports of the same workbook."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self._books: dict[Path, Workbook] = {}
        self._figures: dict[tuple[Path, Kind], Drawn] = {}

    def workbook(self, root: Path) -> Workbook:
        """The loaded workbook at ``root``."""
        if root not in self._books:
            from microsys.workbook.privacy_gate import for_output

            self._books[root] = for_output(root, "write reports")
        return self._books[root]

    def run(self, task: Task) -> Outcome:
        """Render one task and write its file(s)."""
        wb = self.workbook(task.workbook)
        outcome = Outcome(task)
        broken = sorted(f.rel for f in wb.files if f.has_errors)
        if broken:
            outcome.notes.append(
                f"left out {len(broken)} file(s) with errors: {', '.join(broken[:5])}"
                + (" ..." if len(broken) > 5 else "")
                + "; run `microsys check` to see why"
            )
        report = BUILDERS[task.kind](wb, self.options.today)
        if task.kind == "playbook" and not report.data["chapters"]:
            outcome.skipped = (
                "there are no playbook entries yet (a team writes them in Sustain: `microsys new playbook`)"
            )
            return outcome
        files: dict[Path, bytes] = {}
        if task.format == "pdf":
            files[task.target] = self._pdf(wb, report, task.kind, outcome)
        else:
            from microsys.render.documents import html, markdown

            drawn = self._drawn(task.workbook, task.kind, report)
            outcome.shortened += report.shortened + drawn.shortened
            if task.format == "html":
                files[task.target] = html(report, drawn, task.workbook).encode("utf-8")
            else:
                text, figures = markdown(report, drawn, task.workbook, task.target)
                files[task.target] = text.encode("utf-8")
                files.update((path, svg.encode("utf-8")) for path, svg in figures.items())
        outcome.written = _write(files, task.workbook, self.options.force)
        return outcome

    def _start_figures(self, root: Path, kind: Kind, report: Report) -> Pending | None:
        """Start drawing a report's figures, unless they were drawn for another format already."""
        if (root, kind) in self._figures:
            return None
        from microsys.render.cache import workbook_folder
        from microsys.render.figures import Pending

        return Pending(report.figures, workbook_folder("charts", root))

    def _drawn(self, root: Path, kind: Kind, report: Report) -> Drawn:
        """The figures of a report, drawn once for all the formats asked for."""
        pending = self._start_figures(root, kind, report)
        if pending is not None:
            self._figures[root, kind] = pending.result()
        return self._figures[root, kind]

    def _fonts(self, wb: Workbook, report: Report, outcome: Outcome) -> FontPlan:
        """The computer's fonts a PDF needs besides the built-in and the workbook's, said in notes."""
        from microsys.render.cache import cache_dir
        from microsys.render.fonts import Coverage, characters, family_name, plan
        from microsys.render.typeset import own_fonts

        chars = characters(report.data) | characters(report.figures)
        fonts = plan(chars, own_fonts(wb.root), Coverage(cache_dir() / "fonts.json"))
        if fonts.fallback:
            names = ", ".join(dict.fromkeys(family_name(p) for p in fonts.fallback))
            outcome.notes.append(
                f"characters the built-in fonts lack are set in {names}, found on this computer; "
                "to make the PDF the same on any computer, copy the font into assets/fonts/"
            )
        if fonts.missing:
            outcome.notes.append(_missing_glyphs(wb, fonts.missing))
        return fonts

    def _pdf(self, wb: Workbook, report: Report, kind: Kind, outcome: Outcome) -> bytes:
        from microsys.render.figures import ratio
        from microsys.render.typeset import job, logo_path
        from microsys.resources import templates_dir

        pending = self._start_figures(wb.root, kind, report)
        builtin = templates_dir() / "report"
        fonts = self._fonts(wb, report, outcome)
        svgs = pending.ready() if pending else self._figures[wb.root, kind].svgs
        with job(f"{kind}.typ", wb.root, builtin, svgs, fonts.fallback) as j:

            def data_of(
                report: Report, ratios: dict[str, float], scale: float, budget: float
            ) -> dict[str, Any]:
                data = dict(report.data)
                data["figures"] = {name: {"ratio": r} for name, r in ratios.items()}
                data["logo"] = logo_path(wb.root)
                data["layout"] = _layout(kind, self.options, scale, budget)
                return data

            if pending is not None:
                if pending.busy:  # typst loads its fonts and templates while the charts are drawn
                    j.warm(data_of(report, {n: ratio(svg) for n, svg in svgs.items()}, 1.0, 1.0))
                self._figures[wb.root, kind] = pending.result()
                j.figures(self._figures[wb.root, kind].svgs)
            drawn = self._figures[wb.root, kind]

            def attempt(report: Report, scale: float, budget: float) -> tuple[bytes, int]:
                return j.compile(data_of(report, drawn.ratios, scale, budget))

            if kind != "storyboard":
                pdf, pages = attempt(report, 1.0, 1.0)
                outcome.shortened += report.shortened + drawn.shortened
                return pdf
            for budget in FIT_BUDGETS:
                if budget != 1.0:
                    report = storyboard(wb, self.options.today, budget=budget)
                scale, pdf, pages = _largest_fit(lambda s, r=report, b=budget: attempt(r, s, b))
                if pages == 1:
                    break
        outcome.shortened += report.shortened + drawn.shortened
        if scale != 1.0:
            outcome.notes.append(f"text set at {round(scale * 100)}% of its usual size to fill one page")
        if pages > 1:
            paper, _ = _paper(kind, self.options)
            spill = overflow_message(report, pages, paper)
            if not self.options.allow_pages:
                raise RefusedError(
                    f"{spill}; nothing was written",
                    hint="shorten those sections, choose a larger --size, "
                    "or add --allow-pages to write it over several pages anyway",
                )
            outcome.notes.append(f"WARNING: {spill}")
        return pdf


_SHOWN_PLACES = 6
# Sections named as the ones to shorten when a storyboard spills over its page.
_LONGEST_SHOWN = 3


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


def _missing_glyphs(wb: Workbook, missing: Sequence[str]) -> str:
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


def _largest_fit(compile_at: Any) -> tuple[float, bytes, int]:
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


def _write(files: dict[Path, bytes], workbook: Path, force: bool) -> list[Path]:
    """Write a report's files together, marked as microsys's, through the one writer every command uses.

    A report is rebuilt in place: only files microsys made are replaced (any, with
    ``force``), and each is expected to hold what it holds now, so a file changed by
    someone else while the report was made is refused, not overwritten.
    """
    refuse_all(list(files), force=force)
    source = source_name(workbook)
    return commit(
        [Change(path, stamp(path, content, source), read_bytes(path)) for path, content in files.items()],
        root=contained_in(list(files), workbook),
    )


def find(paths: Sequence[Path], every: bool) -> list[Path]:
    """The workbooks to report on: each path's workbook, or every workbook under it with ``every``."""
    from microsys.workbook.discover import find_root, find_workbooks

    roots: list[Path] = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path} does not exist", hint="check the spelling of the path")
        if every:
            found = find_workbooks([path])
            if not found:
                raise UsageError(
                    f"no workbook found under {path}", hint="a workbook is a folder with a microsys.yaml file"
                )
            roots.extend(found)
        else:
            root = find_root(path)
            if root is None:
                raise UsageError(
                    f"no workbook found at {path}",
                    hint="give a workbook folder, or add --all to report on every workbook under a folder",
                )
            roots.append(root)
    return list(dict.fromkeys(roots))


def kinds_of(kind: str) -> tuple[Kind, ...]:
    """The kinds named by ``--kind``."""
    if kind == "all":
        return KINDS
    if kind not in KINDS:
        raise UsageError(f"`{kind}` is not a kind of report", hint="use storyboard, playbook, summary or all")
    return tuple(k for k in KINDS if k == kind)


def run_all(tasks: Sequence[Task], renderer: Renderer) -> Iterator[Outcome]:
    """Render each task in turn, once every workbook was read and let through the privacy gate."""
    for root in dict.fromkeys(task.workbook for task in tasks):
        renderer.workbook(root)
    for task in tasks:
        yield renderer.run(task)
