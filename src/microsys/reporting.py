"""The report use case: from workbooks to storyboard, playbook and 5P summary files.

Kept out of the CLI so that the command stays thin. It plans what to render and
where (:func:`plan`), and commits the files; what is in a report comes from
:mod:`microsys.report`, and the files themselves (figures, PDF, HTML, Markdown)
from :mod:`microsys.render.output`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from microsys.errors import RefusedError, UsageError
from microsys.ownership import contained_in, refuse_all, source_name, stamp
from microsys.report.kinds import BUILDERS, KINDS, Kind, file_stem
from microsys.report.model import Playbook, Report
from microsys.report.storyboard import storyboard
from microsys.storage import Change, commit, read_bytes
from microsys.workbook.belonging import find_theme
from microsys.workbook.loader import Workbook

if TYPE_CHECKING:
    from microsys.render.figures import FigureStore

FORMATS = ("pdf", "html", "md")
# Reports of a whole folder of workbooks (microsys.datawall, microsys.publishing).
FOLDER_KINDS = ("datawall", "site")
SIZES = ("a4", "a3", "a2", "a1", "a0")
# Default paper per report: posters are big and wide, documents are A4 and tall.
DEFAULT_SIZE = {"storyboard": "a3", "playbook": "a4", "summary": "a4"}
DEFAULT_LANDSCAPE = {"storyboard": True, "playbook": False, "summary": False}
NO_PLAYBOOK = "there are no playbook entries yet (a team writes them in Sustain: `microsys new playbook`)"


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
    theme: str | None = None
    """The theme whose story to tell, by id or title (default: the one being worked on)."""


@dataclass(frozen=True)
class Task:
    """One report of one workbook in one format, and where it goes."""

    workbook: Path
    kind: Kind
    format: str
    target: Path


@dataclass(frozen=True)
class Outcome:
    """What rendering one task did."""

    task: Task
    written: tuple[Path, ...] = ()
    shortened: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    skipped: str | None = None


def plan(workbooks: Sequence[Path], options: Options) -> list[Task]:
    """Every (workbook, kind, format) to render, with its output path."""
    _check(options)
    single = len(workbooks) == 1 and len(options.kinds) == 1 and len(options.formats) == 1
    folders = _folder_names(workbooks)
    tasks = [
        Task(
            root,
            kind,
            fmt,
            _target(root, f"{_stem(root, kind)}.{fmt}", options.out, single, folders.get(root)),
        )
        for root in workbooks
        for kind in options.kinds
        for fmt in options.formats
    ]
    refuse_all([task.target for task in tasks] + _figure_files(tasks), force=options.force)
    return tasks


def _stem(root: Path, kind: Kind) -> str:
    from microsys.schema.pathway import PATHWAY

    return file_stem(kind, pathway=(root / PATHWAY).is_file())


def _check(options: Options) -> None:
    for f in options.formats:
        if f not in FORMATS:
            raise UsageError(f"`{f}` is not a report format", hint="use pdf, html or md")
    if options.size is not None and options.size not in SIZES:
        raise UsageError(f"`{options.size}` is not a paper size", hint="use a4, a3, a2, a1 or a0")


def _folder_names(workbooks: Sequence[Path]) -> dict[Path, Path]:
    """With several workbooks, the folder in ``--out`` for each: its path below their common folder.

    Two workbooks with the same folder name (``sepsis/pathway`` and ``heart/pathway``) get
    different folders, so one's reports never replace the other's.
    """
    if len(workbooks) < 2:
        return {}
    import os

    resolved = {root: root.resolve() for root in workbooks}
    try:
        common = Path(os.path.commonpath([str(p) for p in resolved.values()]))
    except ValueError:  # on different drives (Windows): fall back to the whole path
        return {root: Path(*p.parts[1:]) for root, p in resolved.items()}
    # A workbook that holds the others (the common folder itself) writes into --out directly.
    return {root: p.relative_to(common) for root, p in resolved.items()}


def _target(root: Path, name: str, out: Path | None, single: bool, folder: Path | None) -> Path:
    """Where one report goes: build/ in its workbook, the --out file, or a file in the --out folder."""
    if out is None:
        return root / "build" / name
    if single and out.suffix.lower() == Path(name).suffix:
        return out
    if folder is not None:
        return out / folder / name
    if out.suffix.lower() in (".pdf", ".html", ".md"):
        raise UsageError(
            f"--out {out} names one file, but several reports are made",
            hint="give a folder to --out, or ask for one --kind and one --format",
        )
    return out / name


def _figure_files(tasks: Sequence[Task]) -> list[Path]:
    """Existing figure files a Markdown report may replace, looked at before anything is written."""
    folders = {t.target.parent / f"{_stem(t.workbook, t.kind)}_files" for t in tasks if t.format == "md"}
    return sorted(p for folder in folders if folder.is_dir() for p in folder.glob("*.svg"))


class Renderer:
    """Renders tasks; keeps each loaded workbook and each report's figures for the other formats."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self._books: dict[Path, Workbook] = {}
        self._themes: dict[Path, str] = {}
        self._store: FigureStore | None = None

    def workbook(self, root: Path) -> Workbook:
        """The loaded workbook at ``root``."""
        if root not in self._books:
            from microsys.workbook.privacy_gate import for_output

            wb = for_output(root, "write reports")
            if self.options.theme is not None:
                # An unknown theme is refused before anything is rendered or written.
                self._themes[root] = find_theme(wb, self.options.theme).id
            self._books[root] = wb
        return self._books[root]

    def run(self, task: Task) -> Outcome:
        """Render one task and write its file(s)."""
        from microsys.render.figures import FigureStore
        from microsys.render.output import Request, render
        from microsys.render.pdf import Page

        wb = self.workbook(task.workbook)
        notes = _broken(wb)
        theme = self._themes.get(task.workbook)
        report = BUILDERS[task.kind](wb, self.options.today, theme)
        if task.kind == "storyboard" and task.format != "pdf":
            # HTML and Markdown have no page to fit: every text and list in full.
            report = storyboard(wb, self.options.today, budget=None, theme=theme)
        if isinstance(report.body, Playbook) and not report.body.chapters:
            return Outcome(task, skipped=NO_PLAYBOOK)
        paper = self.options.size or DEFAULT_SIZE[task.kind]
        landscape = DEFAULT_LANDSCAPE[task.kind] if self.options.landscape is None else self.options.landscape
        # A poster is one page: the renderer may build it again with shorter texts to fit,
        # and set it on a larger paper (saying so) when none was asked for.
        grow = self.options.size is None
        refit = (
            partial(_shorter_storyboard, wb, self.options.today, theme) if task.kind == "storyboard" else None
        )
        self._store = self._store or FigureStore()
        made = render(
            Request(wb, report, task.format, task.target, Page(paper, landscape, grow), refit), self._store
        )
        notes = (*notes, *made.notes)
        if made.overflow:
            if not self.options.allow_pages:
                raise RefusedError(
                    f"{made.overflow}; nothing was written",
                    hint="shorten those sections, choose a larger --size, "
                    "or add --allow-pages to write it over several pages anyway",
                )
            notes = (*notes, f"WARNING: {made.overflow}")
        written = _write(made.files, task.workbook, self.options.force)
        return Outcome(task, written, made.shortened, notes)


def _shorter_storyboard(
    wb: Workbook, today: dt.date, theme: str | None, budget: float, checklist: bool = False
) -> Report:
    return storyboard(wb, today, budget=budget, theme=theme, checklist=checklist)


def _broken(wb: Workbook) -> tuple[str, ...]:
    """A note naming the files left out of the report because they have errors."""
    broken = sorted(f.rel for f in wb.files if f.has_errors)
    if not broken:
        return ()
    return (
        f"left out {len(broken)} file(s) with errors: {', '.join(broken[:5])}"
        + (" ..." if len(broken) > 5 else "")
        + "; run `microsys check` to see why",
    )


def _write(files: dict[Path, bytes], workbook: Path, force: bool) -> tuple[Path, ...]:
    """Write a report's files together, marked as microsys's, through the one writer every command uses.

    A report is rebuilt in place: only files microsys made are replaced (any, with
    ``force``), and each is expected to hold what it holds now, so a file changed by
    someone else while the report was made is refused, not overwritten.
    """
    refuse_all(list(files), force=force)
    source = source_name(workbook)
    return tuple(
        commit(
            [Change(path, stamp(path, content, source), read_bytes(path)) for path, content in files.items()],
            root=contained_in(list(files), workbook),
        )
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
