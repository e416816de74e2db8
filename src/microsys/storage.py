"""Writing the user's files without ever losing any of them.

Every command that writes goes through :func:`commit`: it is given the new
content of each file and the bytes the command read before deciding (``None``
for a file that must not exist yet). Nothing is written unless every file is
still exactly as it was read; each file is written to a temporary file in its
own folder and renamed into place; if anything fails part-way, the files
already replaced are put back and new files and folders are removed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from microsys.errors import RefusedError


@dataclass(frozen=True)
class Change:
    """New content for one file, and what the file held when it was read."""

    path: Path
    content: bytes
    expected: bytes | None
    """The bytes read before the change was computed; ``None`` for a new file."""


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or ``None`` when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _verify(change: Change) -> None:
    current = read_bytes(change.path)
    if change.expected is None and current is not None:
        raise RefusedError(
            f"{change.path} already exists; nothing was written",
            hint="microsys never overwrites a file: choose another name or move the file away",
        )
    if change.expected is not None and current != change.expected:
        raise RefusedError(
            f"{change.path} changed on disk while microsys was working; nothing was written",
            hint="someone or something else edited it: check the file, then run the command again",
        )


def _make_dirs(folder: Path, created: list[Path]) -> None:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for d in reversed(missing):
        d.mkdir()
        created.append(d)


def _write_temp(change: Change) -> Path:
    fd, tmp = tempfile.mkstemp(dir=change.path.parent, prefix=f".{change.path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(change.content)
            fh.flush()
            os.fsync(fh.fileno())
        if change.expected is not None:
            with contextlib.suppress(OSError):
                os.chmod(tmp, change.path.stat().st_mode & 0o7777)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def commit(changes: Sequence[Change]) -> list[Path]:
    """Write every change or none of them; return the paths written.

    Raises:
        RefusedError: a file changed since it was read, or a new file already exists.
    """
    for change in changes:
        _verify(change)
    created_dirs: list[Path] = []
    temps: list[tuple[Change, Path]] = []
    replaced: list[Change] = []
    try:
        for change in changes:
            _make_dirs(change.path.parent, created_dirs)
            temps.append((change, _write_temp(change)))
        for change, tmp in temps:
            _verify(change)  # last look: nothing may have changed while we wrote
            os.replace(tmp, change.path)
            replaced.append(change)
    except BaseException:
        for _, tmp in temps:
            tmp.unlink(missing_ok=True)
        for change in reversed(replaced):
            _restore(change)
        for d in reversed(created_dirs):
            with contextlib.suppress(OSError):
                d.rmdir()  # only removed when empty
        raise
    return [c.path for c in changes]


def _restore(change: Change) -> None:
    with contextlib.suppress(OSError):
        if change.expected is None:
            change.path.unlink(missing_ok=True)
        else:
            tmp = _write_temp(Change(change.path, change.expected, change.expected))
            os.replace(tmp, change.path)
