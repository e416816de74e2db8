"""Editor schemas: export them, keep a workbook's copy up to date, and tell when it is stale.

The schemas themselves are made in :mod:`microsys.schema.editor`; this module
reads and writes the folders that hold them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from microsys.errors import RefusedError
from microsys.schema.editor import SCHEMA_DIR, schema_files
from microsys.storage import Change, commit, read_bytes, workbook_lock
from microsys.workbook.discover import find_workbooks


@dataclass(frozen=True)
class SchemaState:
    """How a workbook's schema folder compares with this version of microsys."""

    workbook: Path
    missing: tuple[str, ...]
    outdated: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def stale(self) -> bool:
        """True when the folder is not exactly what ``schema --update`` would write."""
        return bool(self.missing or self.outdated or self.extra)


def _changes(folder: Path, replace: bool) -> list[Change]:
    changes = []
    for name, text in schema_files().items():
        path = folder / name
        current = read_bytes(path)
        content = text.encode("utf-8")
        if current == content:
            continue
        if current is not None and not replace:
            raise RefusedError(
                f"{path} exists and holds something else; nothing was written",
                hint="choose a new or empty folder, or delete the old schemas first",
            )
        changes.append(Change(path, content, current))
    return changes


def export(folder: Path) -> list[Path]:
    """Write every schema and the catalogue into ``folder``; return the files written.

    Raises:
        RefusedError: a file there holds something else (it is never replaced), or
            the folder cannot be written.
    """
    return commit(_changes(folder, replace=False), root=None)


def state(root: Path) -> SchemaState:
    """Compare the schema folder of the workbook at ``root`` with what this version writes."""
    folder = root / SCHEMA_DIR
    wanted = schema_files()
    missing, outdated = [], []
    for name, text in wanted.items():
        current = read_bytes(folder / name)
        if current is None:
            missing.append(name)
        elif current != text.encode("utf-8"):
            outdated.append(name)
    present = sorted(p.name for p in folder.glob("*.json")) if folder.is_dir() else []
    extra = tuple(n for n in present if n not in wanted)
    return SchemaState(root, tuple(missing), tuple(outdated), extra)


def update(paths: Sequence[Path]) -> list[tuple[Path, list[Path]]]:
    """Refresh the schema folder of every workbook at or below ``paths``: (workbook, files written).

    The folder belongs to microsys, so its files are replaced; schemas of kinds that no
    longer exist are left for the user to delete (``schema --check`` names them).

    Raises:
        UsageError: a path holds no workbook.
        RefusedError: another command holds a workbook's lock, or a file cannot be written.
    """
    done = []
    for root in find_workbooks(paths):
        with workbook_lock(root):
            written = commit(_changes(root / SCHEMA_DIR, replace=True), root=root)
        done.append((root, written))
    return done


def check(paths: Sequence[Path]) -> list[SchemaState]:
    """The state of every workbook at or below ``paths`` that keeps a schema folder.

    Raises:
        UsageError: a path holds no workbook.
    """
    return [state(root) for root in find_workbooks(paths) if (root / SCHEMA_DIR).is_dir()]
