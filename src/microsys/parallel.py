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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from microsys.yaml.load import ReadLimits

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from microsys.workbook.githistory import CycleHistory

R = TypeVar("R")
# The engine's check of one workbook: passed in (a module-level function, so it pickles by
# name), not imported, so that the engine imports this module and never the reverse.
CheckOne = Callable[
    [Path, ReadLimits | None, dt.date | None, bool, "CycleHistory | None", Mapping[Path, int] | None], R
]


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


def _serve(conn: Connection, check_workbook: CheckOne[Any]) -> None:
    """A worker: check the workbooks it is sent, one at a time, until told to stop."""
    while True:
        try:
            args = conn.recv()
        except EOFError:
            return
        if args is None:
            return
        conn.send(check_workbook(*args))


class _Worker(Generic[R]):
    """A worker process and the workbook it is checking, if any."""

    def __init__(self, ctx: Any, check_workbook: CheckOne[R]) -> None:
        self.conn, child_end = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child_end, check_workbook), daemon=True)
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
    check_workbook: CheckOne[R],
    failed: Callable[[Path, str], R],
    roots: list[Path],
    limits: ReadLimits | None,
    jobs: int,
    today: dt.date | None = None,
    histories: Mapping[Path, CycleHistory] | None = None,
    linked_errors: Mapping[Path, int] | None = None,
) -> list[R]:
    """Check workbooks in ``jobs`` processes, results in the order of ``roots``.

    Each worker checks one workbook at a time, so when a worker dies the
    workbook that killed it is known: its result is ``failed(root, how)``
    (how the process ended, in plain words), and a new worker takes over.
    """
    from multiprocessing.connection import wait

    ctx = _context()
    known = histories or {}
    # The error counts of workbooks checked already go with each one: a pathway reads its links' there.
    queue = [(root, limits, today, False, known.get(root), linked_errors) for root in reversed(roots)]
    results: dict[Path, R] = {}
    idle = [_Worker(ctx, check_workbook) for _ in range(max(1, min(jobs, len(roots))))]
    busy: dict[Connection, _Worker[R]] = {}
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
                    results[worker.root] = failed(worker.root, _died(worker.process.exitcode))
                    worker.conn.close()
                    if queue:
                        idle.append(_Worker(ctx, check_workbook))
    finally:
        for worker in [*idle, *busy.values()]:
            worker.stop()
    return [results[root] for root in roots]
