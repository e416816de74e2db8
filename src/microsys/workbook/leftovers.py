"""What killed commands leave in a workbook: journals of unfinished writes, temporary files.

``check`` undoes an unfinished write when no other command is writing (the
next writing command would do the same), and reports what it found, so a
team learns that a command was stopped half-way and may need running again.
"""

from __future__ import annotations

import os
from pathlib import Path

from microsys import rules, storage
from microsys.diagnostics import Diagnostic
from microsys.errors import RefusedError
from microsys.schema.files import MANIFEST
from microsys.workbook.discover import LEFTOVER_SKIPPED_DIRS, relative_prefix


def repair(root: Path, shown: Path) -> list[Diagnostic]:
    """Undo writes that killed commands left half-done; a finding for each journal met."""
    pending = storage.journals(root)
    if not pending:
        return []
    try:
        with storage.workbook_lock(root, timeout=0) as undone:
            pass
    except RefusedError as exc:
        return [
            Diagnostic.of(
                path=shown / j.relative_to(root).as_posix(),
                rule=rules.WORKBOOK_UNFINISHED_WRITE,
                message="a command was stopped while writing several files, and microsys could not "
                f"undo it now ({exc.message})",
                hint="run `microsys check` again when no other microsys command is running, on a copy "
                "of the workbook you can write to",
            )
            for j in pending
        ]
    found = [
        Diagnostic.of(
            path=shown / rel,
            rule=rules.WORKBOOK_WRITE_UNDONE,
            message="a command was stopped while writing this file with others; microsys put it back "
            "as it was before that command",
            hint="if that command should have happened (a new record, added values), run it again",
        )
        for rel in undone
    ]
    found.extend(
        Diagnostic.of(
            path=shown / j.relative_to(root).as_posix(),
            rule=rules.WORKBOOK_UNFINISHED_WRITE,
            message="this journal of an unfinished write cannot be read, or was not written in this copy "
            "of the workbook (it was copied or committed with it), so microsys does not act on it",
            hint="check the files of the last command that was stopped, then delete this journal "
            "(a journal never belongs in git)",
        )
        for j in storage.journals(root)
    )
    return found


def _is_workbook(dirpath: str, name: str) -> bool:
    return os.path.isfile(os.path.join(dirpath, name, MANIFEST))


def _hidden_files(root: Path) -> list[str]:
    """The relative path of every hidden file where a killed command may have left one."""
    out: list[str] = []
    top = os.fspath(root)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(
            d for d in dirnames if d not in LEFTOVER_SKIPPED_DIRS and not _is_workbook(dirpath, d)
        )
        prefix = relative_prefix(dirpath, top)
        out.extend(prefix + name for name in sorted(filenames) if name.startswith("."))
    return out


def temporary_files(root: Path, shown: Path, hidden: list[str] | None = None) -> list[Diagnostic]:
    """A finding for every hidden temporary file a killed microsys command left behind.

    ``hidden`` is what the walk that loaded the workbook listed (see
    :func:`~microsys.workbook.discover.workbook_entries`); without it the folder is walked here.
    """
    found: list[Diagnostic] = []
    for rel in _hidden_files(root) if hidden is None else hidden:
        m = storage.TEMP_NAME.match(rel.rsplit("/", 1)[-1])
        if m is None:
            continue
        found.append(
            Diagnostic.of(
                path=shown / rel,
                rule=rules.WORKBOOK_LEFTOVER_TEMP,
                message=f"a temporary file left by a microsys command that was stopped while "
                f"writing `{m.group('name')}`",
                hint="nothing uses it and the real file is complete: delete it (it is hidden, "
                "so use `ls -a` or show hidden files)",
            )
        )
    return found
