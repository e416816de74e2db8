"""Checking many workbooks in worker processes (large organisation repositories).

One workbook must never take the others down. An exception while checking a
workbook becomes that workbook's finding (``workbook.check-failed``) in the
worker. A worker that dies (a crash in a C library, the system killing it for
memory) breaks the pool: the workbooks it may have been checking are then
checked again one by one, each in a process of its own, so the one that kills
its process is named and the rest are still checked.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


def _child(conn: Connection, args: _Args) -> None:
    conn.send(_one(args))
    conn.close()


def check_alone(args: _Args) -> WorkbookResult:
    """Check one workbook in a process of its own; a crash becomes its finding."""
    from microsys.engine import failed_workbook

    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(send, args))
    process.start()
    send.close()
    try:
        result: WorkbookResult = receive.recv()
    except EOFError:  # the process died before sending anything
        process.join()
        return failed_workbook(args[0], _died(process.exitcode))
    finally:
        receive.close()
    process.join()
    return result


def check_many(
    roots: list[Path],
    limits: Limits | None,
    jobs: int,
    today: dt.date | None = None,
    histories: Mapping[Path, CycleHistory] | None = None,
) -> list[WorkbookResult]:
    """Check workbooks in ``jobs`` processes, results in the order of ``roots``."""
    todo: dict[Path, _Args] = {
        root: (root, limits, today, False, (histories or {}).get(root)) for root in roots
    }
    results: dict[Path, WorkbookResult] = {}
    pending = list(roots)
    while pending:
        suspects = _run_pool(pending, todo, results, jobs)
        # The pool broke: those in flight are checked one by one, each alone.
        for root in suspects:
            results[root] = check_alone(todo[root])
        pending = [root for root in pending if root not in results]
    return [results[root] for root in roots]


def _run_pool(
    pending: list[Path], todo: Mapping[Path, _Args], results: dict[Path, WorkbookResult], jobs: int
) -> list[Path]:
    """Run ``pending`` through a pool; the workbooks in flight if a worker died, else []."""
    # Only a few workbooks are handed out at a time, so a dead worker leaves few suspects.
    in_flight_max = 2 * jobs
    queue = list(reversed(pending))
    in_flight: dict[Future[WorkbookResult], Path] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_context()) as pool:
        try:
            while queue or in_flight:
                while queue and len(in_flight) < in_flight_max:
                    root = queue.pop()
                    in_flight[pool.submit(_one, todo[root])] = root
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    root = in_flight.pop(future)
                    results[root] = future.result()
        except BrokenProcessPool:
            return [root for future, root in in_flight.items() if root not in results]
    return []
