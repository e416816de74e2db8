"""What git knows about a workbook: the user's name, and the history of files.

Git is optional: every function returns None (or nothing) when git is not
installed or the folder is not in a repository.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

_TIMEOUT = 30


def _git(cwd: Path, args: Sequence[str], stdin: bytes | None = None) -> bytes | None:
    exe = shutil.which("git")
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, "-c", "core.quotepath=off", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def user_name(cwd: Path) -> str | None:
    """``git config user.name`` as seen from ``cwd``."""
    out = _git(cwd, ["config", "user.name"])
    name = out.decode("utf-8", errors="replace").strip() if out else ""
    return name or None


def is_shallow(repo: Path) -> bool:
    """True for a shallow clone (CI's default), whose history starts part-way."""
    out = _git(repo, ["rev-parse", "--is-shallow-repository"])
    return out is not None and out.strip() == b"true"


def file_history(root: Path, paths: Sequence[str]) -> dict[str, list[str]]:
    """For each path (relative to the repository root), its commits, oldest first."""
    if not paths:
        return {}
    out = _git(root, ["log", "--reverse", "--format=%x00%H", "--name-only", "--no-renames", "--", *paths])
    if out is None:
        return {}
    history: dict[str, list[str]] = {}
    for block in out.decode("utf-8", errors="replace").split("\x00")[1:]:
        lines = [ln for ln in block.splitlines() if ln.strip()]
        if not lines:
            continue
        commit, files = lines[0], lines[1:]
        for f in files:
            history.setdefault(f, []).append(commit)
    return history


def read_blobs(root: Path, specs: Sequence[str]) -> list[bytes | None]:
    """The contents of ``commit:path`` specs, read in one ``git cat-file --batch`` call."""
    if not specs:
        return []
    out = _git(root, ["cat-file", "--batch"], stdin="".join(s + "\n" for s in specs).encode("utf-8"))
    if out is None:
        return [None] * len(specs)
    results: list[bytes | None] = []
    pos = 0
    for _ in specs:
        end = out.find(b"\n", pos)
        if end < 0:
            results.append(None)
            continue
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[-1] == b"missing":
            results.append(None)
            continue
        size = int(header[2])
        results.append(out[pos : pos + size])
        pos += size + 1
    return results


def uncommitted(cwd: Path, paths: Sequence[Path]) -> list[Path] | None:
    """Which of ``paths`` git could not give back as they are now: new, changed or ignored files.

    None when ``cwd`` is not in a git repository (or git is not installed): then
    nothing can be given back.
    """
    top = _git(cwd, ["rev-parse", "--show-toplevel"])
    if top is None:
        return None
    out = _git(
        cwd,
        ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored", "--", *map(str, paths)],
    )
    if out is None:
        return None
    root = Path(top.decode("utf-8", errors="replace").strip())
    listed = {
        (root / entry[3:]).resolve() for entry in out.decode("utf-8", errors="replace").split("\0") if entry
    }
    return [p for p in paths if p.resolve() in listed]
