"""Checking many workbooks in worker processes (large organisation repositories).

One workbook must never take the others down. An exception while checking a
workbook becomes that workbook's finding (``workbook.check-failed``) in the
worker. A worker that dies (a crash in a C library, the system killing it for
memory) is noticed at once, because each worker checks one workbook at a time:
that workbook is named in a finding and a new worker checks the rest.
(``multiprocessing.Pool`` waits for ever when a worker dies, and
``ProcessPoolExecutor`` only says that some worker died.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from microsys.yaml.load import Limits

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from microsys.engine import WorkbookResult
    from microsys.workbook.githistory import CycleHistory

_Args = tuple[Path, Limits | None, dt.date | None, bool, "CycleHistory | None"]


def _one(args: _Args) -> WorkbookResult:
    from microsys.engine import check_workbook_safely

    return check_workbook_safely(*args)


def _context() -> Any:
    # fork is cheapest where it exists (models are already imported); spawn elsewhere.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix" else "spawn"
    return multiprocessing.get_context(method)


def _died(exitcode: int | None) -> str:
    """Plain words for how a worker process ended."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if name == "SIGSEGV":
            return "the check crashed (a segmentation fault, SIGSEGV) while reading it"
        if name == "SIGKILL":
            return "the check was killed (SIGKILL; often the system running out of memory) while reading it"
        return f"the check was stopped by {name} while reading it"
    return f"the process checking it stopped unexpectedly (exit code {exitcode})"


def _serve(conn: Connection) -> None:
    """A worker: check the workbooks it is sent, one at a time, until told to stop."""
    while True:
        try:
            args = conn.recv()
        except EOFError:
            return
        if args is None:
            return
        conn.send(_one(args))


class _Worker:
    """A worker process and the workbook it is checking, if any."""

    def __init__(self, ctx: Any) -> None:
        self.conn, child_end = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child_end,), daemon=True)
        self.process.start()
        child_end.close()  # so that the worker's death reads as the end of the pipe here
        self.root: Path | None = None

    def stop(self) -> None:
        with contextlib.suppress(OSError):  # already dead
            self.conn.send(None)
        self.conn.close()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def check_many(
    roots: list[Path],
    limits: Limits | None,
    jobs: int,
    today: dt.date | None = None,
    histories: Mapping[Path, CycleHistory] | None = None,
) -> list[WorkbookResult]:
    """Check workbooks in ``jobs`` processes, results in the order of ``roots``.

    Each worker checks one workbook at a time, so when a worker dies the
    workbook that killed it is known: it gets a ``workbook.check-failed``
    finding saying how the process ended, and a new worker takes over.
    """
    from multiprocessing.connection import wait

    from microsys.engine import failed_workbook

    ctx = _context()
    known = histories or {}
    queue = [(root, limits, today, False, known.get(root)) for root in reversed(roots)]
    results: dict[Path, WorkbookResult] = {}
    idle = [_Worker(ctx) for _ in range(max(1, min(jobs, len(roots))))]
    busy: dict[Connection, _Worker] = {}
    try:
        while queue or busy:
            while queue and idle:
                worker = idle.pop()
                args = queue.pop()
                worker.root = args[0]
                worker.conn.send(args)
                busy[worker.conn] = worker
            for ready in wait(list(busy)):
                worker = busy.pop(cast("Connection", ready))
                conn = worker.conn
                assert worker.root is not None
                try:
                    results[worker.root] = conn.recv()
                    idle.append(worker)
                except (EOFError, OSError):  # the worker died while checking this workbook
                    worker.process.join()
                    results[worker.root] = failed_workbook(worker.root, _died(worker.process.exitcode))
                    worker.conn.close()
                    if queue:
                        idle.append(_Worker(ctx))
    finally:
        for worker in [*idle, *busy.values()]:
            worker.stop()
    return [results[root] for root in roots]
