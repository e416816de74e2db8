"""Finding workbooks and their files on disk."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from microsys import rules
from microsys.diagnostics import Diagnostic
from microsys.errors import UsageError, WorkbookNotFoundError
from microsys.schema.files import MANIFEST, SKIPPED_DIRS


def display_path(path: Path) -> Path:
    """``path`` relative to the working folder when it is below it, as users typed it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return Path(rel) if not rel.startswith("..") else path


def find_root(path: Path) -> Path | None:
    """The workbook folder holding ``path`` (a file or folder), if any, searching upward as git does.

    A relative ``path`` gives a relative answer (``..`` from inside ``pdsa/``), so
    messages show the workbook as the user would type it.
    """
    here = path if path.is_dir() else path.parent
    start = here.absolute()  # Path(".").parents is empty: walk the real folders
    for folder in (start, *start.parents):
        if (folder / MANIFEST).is_file():
            if path.is_absolute():
                return folder
            if folder == start:
                return here
            try:
                return Path(os.path.relpath(folder))
            except ValueError:  # another drive on Windows
                return folder
    return None


def _walk_for_manifests(top: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        if MANIFEST in filenames:
            yield Path(dirpath)


def find_workbooks(paths: Iterable[Path], skip_outside: bool = False) -> list[Path]:
    """Workbook folders for the paths given on the command line, each once, in order.

    A workbook folder is checked as it is; a file is checked with the workbook it
    belongs to; any other folder is searched for workbooks below it. With
    ``skip_outside``, a file that belongs to no workbook is left out instead of
    refused (pre-commit passes every changed YAML file of a repository).
    """
    roots: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path} does not exist", hint="check the spelling of the path")
        found: list[Path]
        root = find_root(path)
        if root is not None and (path.is_file() or root == path or (path / MANIFEST).is_file()):
            found = [root]
        elif path.is_dir():
            found = list(_walk_for_manifests(path))
            if not found and root is not None:
                found = [root]
        else:
            found = []
        if not found:
            if skip_outside and path.is_file():
                continue
            raise WorkbookNotFoundError(path)
        for folder in found:
            real = folder.resolve()
            if real not in seen:
                seen.add(real)
                roots.append(folder)
    return roots


def _unreadable_folder(path: Path, exc: OSError) -> Diagnostic:
    return Diagnostic(
        path=path,
        rule="file.unreadable",
        message=f"the folder cannot be read: {exc.strerror or exc}",
        hint="give yourself permission to read it (e.g. `chmod u+rx FOLDER`), or move it out of the workbook",
    )


def _linked_out(path: Path) -> Diagnostic:
    return Diagnostic.of(
        rules.FILE_OUTSIDE_WORKBOOK,
        path,
        "this folder is a link to a place outside the workbook, so microsys does not read it",
        "copy the files into the workbook instead of linking to them",
    )


def workbook_files(root: Path, problems: list[Diagnostic] | None = None) -> list[Path]:
    """Every file of the workbook at ``root``, sorted; nested workbooks are left to themselves.

    Links to folders are not walked (those inside the workbook would list files
    twice; those outside it are not the workbook's). Folders that cannot be
    read, and links to folders outside the workbook, are added to ``problems``
    as findings, so that nothing is silently left unchecked.
    """
    return [path for path, _ in workbook_entries(root, problems)]


# Folders that never hold what a killed command left behind (`build/` may: reports, charts).
LEFTOVER_SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv", "__pycache__"})


def workbook_entries(
    root: Path, problems: list[Diagnostic] | None = None, hidden: list[str] | None = None
) -> list[tuple[Path, str]]:
    """:func:`workbook_files`, each with its workbook-relative posix path (``measures/x.yaml``).

    With ``hidden``, the same walk also lists there the relative path of every hidden file
    in every folder where a killed command may have left one (all but
    :data:`LEFTOVER_SKIPPED_DIRS` and nested workbooks, hidden folders and ``build/``
    included), so that looking for leftovers needs no walk of its own.
    """
    files: list[tuple[Path, str]] = []
    real_root: Path | None = None
    top = os.fspath(root)
    outside: set[str] = set()  # folders walked only for hidden files, not the workbook's own

    def walk_error(exc: OSError) -> None:
        if problems is not None and exc.filename not in outside:
            problems.append(_unreadable_folder(Path(exc.filename) if exc.filename else root, exc))

    for dirpath, dirnames, filenames in os.walk(top, onerror=walk_error):
        own = dirpath not in outside
        keep = []
        for d in sorted(dirnames):
            folder = os.path.join(dirpath, d)
            if d in LEFTOVER_SKIPPED_DIRS:
                continue
            if own and (d in SKIPPED_DIRS or d.startswith(".")):
                if hidden is not None and not os.path.isfile(os.path.join(folder, MANIFEST)):
                    keep.append(d)
                    outside.add(folder)
                continue
            if os.path.islink(folder):
                if own and problems is not None:
                    real_root = real_root or root.resolve()
                    if not _inside(Path(folder), real_root):
                        problems.append(_linked_out(Path(folder)))
                continue  # os.walk does not follow it either way
            if os.path.isfile(os.path.join(folder, MANIFEST)):
                continue  # a workbook of its own
            if not own:
                outside.add(folder)
            keep.append(d)
        dirnames[:] = keep
        here = Path(dirpath)
        prefix = relative_prefix(dirpath, top)
        for name in sorted(filenames):
            if name.startswith("."):
                if hidden is not None:
                    hidden.append(prefix + name)
                if name not in (".gitignore",):
                    continue
            if own:
                files.append((here / name, prefix + name))
    return files


def relative_prefix(dirpath: str, top: str) -> str:
    """The posix path of ``dirpath`` (a folder ``os.walk(top)`` gave) below ``top``, with a final ``/``.

    Empty for ``top`` itself: a file's workbook-relative path is this and its name.
    """
    if dirpath == top:
        return ""
    start = len(top) if top.endswith(os.sep) else len(top) + 1
    rel = dirpath[start:]
    if os.sep != "/":
        rel = rel.replace(os.sep, "/")
    return rel + "/"


def _inside(path: Path, real_root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(real_root)
    except (OSError, RuntimeError):  # a broken link or a loop leads nowhere, so not outside either
        return True
