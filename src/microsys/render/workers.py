"""Charts drawn by helper processes that load matplotlib while the workbook is read.

Loading matplotlib takes longer than anything else in a first report. ``start()``
launches, without waiting for it, a server process that loads it (multiprocessing's
"forkserver", a fresh interpreter: safe whatever threads this process runs).
Charts are then drawn by workers forked from that server, several at once, and
this process never loads matplotlib for them. Where there is no forkserver
(Windows) or only one core, ``draw`` draws here, one chart after another.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# What the server loads before it forks a worker. A worker runs the command's main
# script again (multiprocessing's rule), which for the `microsys` script means
# importing microsys.cli: loaded here, that costs the workers nothing.
PRELOAD = ["microsys.cli", "matplotlib.figure", "matplotlib.backends.backend_svg", "microsys.render.chart"]
MAX_WORKERS = 4
_state: dict[str, Any] = {"started": False}


def _cores() -> int:
    return os.cpu_count() or 1


def start(folders: Sequence[Path] = ()) -> None:
    """Start loading matplotlib in the background; returns at once.

    Does nothing where it cannot help: one core, no forkserver, or ``folders``
    (the workbooks about to be reported on) whose charts were all drawn after their
    last change, so that every chart will come from the cache. A wrong guess only
    means charts drawn here, more slowly.
    """
    if _state["started"] or _cores() < 2 or (folders and all(map(_charts_cached, folders))):
        return
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    from multiprocessing import forkserver

    forkserver.set_forkserver_preload(PRELOAD)
    try:
        _detached(forkserver.ensure_running)
    except OSError:
        return
    _state["started"] = True


# Folders of a workbook that hold no workbook files: schema.files.SKIPPED_DIRS, not
# imported from there because that module loads every schema, and this runs first.
_NOT_WORKBOOK = frozenset({".git", ".github", ".gitlab", "build", "node_modules", "__pycache__", ".venv"})


def _charts_cached(folder: Path) -> bool:
    """Whether ``folder`` has a chart cache newer than all its files (cheap: a walk of mtimes)."""
    from microsys.render.cache import charts_drawn

    try:
        charts = charts_drawn(folder).stat().st_mtime
    except OSError:  # never reported on
        return False
    for path, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in _NOT_WORKBOOK]
        for name in files:
            try:
                if os.stat(os.path.join(path, name)).st_mtime > charts:
                    return False
            except OSError:
                continue
    return True


def _detached(launch: Callable[[], None]) -> None:
    """Run ``launch`` so that the processes it starts do not hold this one's output open.

    The server outlives a command by a moment (or loads on for nothing when every
    chart was cached); holding the command's stdout or stderr, it would keep a pipe
    such as ``microsys report ... | less`` or a CI log open until then. What a worker
    could print is not lost: its errors come back to this process as exceptions.
    """
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    saved = [os.dup(1), os.dup(2)]
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        launch()
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


def started() -> bool:
    """Whether background workers will do the drawing."""
    return bool(_state["started"])


def draw_here() -> None:
    """Draw charts in this process from now on: a worker of a pool whose processes already use every core."""
    _state["started"] = False


def draw(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``function`` applied to each item, by the background workers when they were started."""
    if _state["started"] and items:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        # One worker per chart, even beyond the cores: the last ones finish sooner so.
        workers = min(len(items), MAX_WORKERS)
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver")) as pool:
                return list(pool.map(function, items))
        except (BrokenProcessPool, OSError, EOFError):
            pass  # a worker died (out of memory?) or none could start: draw them here
    return [function(item) for item in items]
