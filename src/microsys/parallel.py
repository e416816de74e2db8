"""Checking many workbooks in worker processes (large organisation repositories)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from microsys.yaml.load import Limits

if TYPE_CHECKING:
    from microsys.engine import WorkbookResult
    from microsys.workbook.githistory import CycleHistory


def _one(args: tuple[Path, Limits | None, dt.date | None, bool, CycleHistory | None]) -> WorkbookResult:
    from microsys.engine import check_workbook

    return check_workbook(*args)


def check_many(
    roots: list[Path],
    limits: Limits | None,
    jobs: int,
    today: dt.date | None = None,
    histories: Mapping[Path, CycleHistory] | None = None,
) -> list[WorkbookResult]:
    """Check workbooks in ``jobs`` processes, results in the order of ``roots``."""
    # fork is cheapest where it exists (models are already imported); spawn elsewhere.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and os.name == "posix" else "spawn"
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(jobs) as pool:
        return pool.map(
            _one,
            [(root, limits, today, False, (histories or {}).get(root)) for root in roots],
            chunksize=max(1, len(roots) // (jobs * 8)),
        )
