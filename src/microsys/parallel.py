"""Checking many workbooks in worker processes (large organisation repositories)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from microsys.yaml.load import ReadLimits

if TYPE_CHECKING:
    from microsys.workbook.githistory import CycleHistory

R = TypeVar("R")
# The engine's check of one workbook: passed in (a module-level function, so it pickles by
# name), not imported, so that the engine imports this module and never the reverse.
CheckOne = Callable[[Path, ReadLimits | None, dt.date | None, bool, "CycleHistory | None"], R]


def _one(args: tuple[CheckOne[R], Path, ReadLimits | None, dt.date | None, bool, CycleHistory | None]) -> R:
    check_workbook, root, limits, today, git, history = args
    return check_workbook(root, limits, today, git, history)


def check_many(
    check_workbook: CheckOne[R],
    roots: list[Path],
    limits: ReadLimits | None,
    jobs: int,
    today: dt.date | None = None,
    histories: Mapping[Path, CycleHistory] | None = None,
) -> list[R]:
    """Check workbooks in ``jobs`` processes, results in the order of ``roots``."""
    # fork is cheapest where it exists (models are already imported); spawn elsewhere.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix" else "spawn"
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(jobs) as pool:
        return pool.map(
            _one,
            [(check_workbook, root, limits, today, False, (histories or {}).get(root)) for root in roots],
            chunksize=max(1, len(roots) // (jobs * 8)),
        )
