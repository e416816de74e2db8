r"""Caches (fonts' character maps, status rows) in the user's cache folder, never in a workbook.

A workbook's ``build/`` folder may come from anyone who can commit to its
repository, so nothing in it is ever read back as trusted input. Caches live in
the user's own cache folder: ``$MICROSYS_CACHE_DIR`` when set, else
``%LOCALAPPDATA%\microsys`` on Windows, ``~/Library/Caches/microsys`` on macOS, and
``$XDG_CACHE_HOME/microsys`` (``~/.cache/microsys``) elsewhere.

Each entry is stored with the key it was made for and a digest of its content, and
is used only when both match: a damaged or swapped entry is a miss, made again. Entries
are written atomically but without waiting for the disk (a lost one is only a miss).
A cache only saves time, so failing to read or write one is never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from pathlib import Path

from microsys.errors import MicrosysError

ENV = "MICROSYS_CACHE_DIR"
_FORMAT = 1


def cache_dir() -> Path:
    """The folder microsys keeps its caches in (created when first written)."""
    override = os.environ.get(ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "microsys"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "microsys"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "microsys"


def _digest(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def read(path: Path, key: str) -> str | None:
    """The content stored at ``path`` for ``key``, or ``None`` (missing, damaged, or for another key)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if (
            isinstance(stored, dict)
            and stored.get("format") == _FORMAT
            and stored.get("key") == key
            and isinstance(stored.get("content"), str)
            and stored.get("sha256") == _digest(stored["content"])
        ):
            return str(stored["content"])
    except (OSError, ValueError, UnicodeDecodeError):
        pass
    return None


def write(path: Path, key: str, content: str) -> None:
    """Store ``content`` for ``key`` at ``path`` (failures only cost time)."""
    entry = {"format": _FORMAT, "key": key, "sha256": _digest(content), "content": content}
    store(path, json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def store(path: Path, data: bytes) -> None:
    """Write a cache entry's bytes at ``path``: through the one writer, not waiting for the disk.

    Failing (a full disk, a read-only folder) only costs time next run: nothing is raised.
    """
    from microsys.storage import Change, commit, read_bytes

    with contextlib.suppress(OSError, MicrosysError):
        commit([Change(path, data, read_bytes(path))], durable=False)
