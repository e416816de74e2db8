"""Charts drawn by background worker processes (``microsys.render.workers``)."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from microsys.render import workers
from microsys.render.cache import charts_drawn, stamp


def double_in_a_worker(x: int) -> int:
    """Doubles; dies if run in a worker process."""
    if multiprocessing.parent_process() is not None:
        os._exit(3)
    return 2 * x


def double_with_pid(x: int) -> tuple[int, int]:
    return 2 * x, os.getpid()


needs_forkserver = pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods() or (os.cpu_count() or 1) < 2,
    reason="background workers need a forkserver and two cores",
)


@needs_forkserver
def test_work_is_done_by_other_processes_in_order() -> None:
    workers.start()
    results = workers.draw(double_with_pid, list(range(6)))
    assert [r for r, _ in results] == [0, 2, 4, 6, 8, 10]
    assert os.getpid() not in {pid for _, pid in results}


@needs_forkserver
def test_a_worker_that_dies_leaves_the_work_to_this_process() -> None:
    workers.start()
    assert workers.draw(double_in_a_worker, [1, 2, 3]) == [2, 4, 6]


def test_without_workers_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(workers._state, "started", False)
    assert workers.draw(double_with_pid, [1]) == [(2, os.getpid())]
    assert workers.draw(double_with_pid, []) == []


def test_charts_drawn_since_the_last_change_need_no_workers(tmp_path: Path) -> None:
    (tmp_path / "measures").mkdir()
    data = tmp_path / "measures" / "wait.csv"
    data.write_text("date,value\n", encoding="utf-8")
    assert not workers._charts_cached(tmp_path)  # no cache yet
    # A chart cache committed into the workbook is not this user's cache: it does not count.
    committed = tmp_path / "build" / ".cache" / "charts"
    committed.mkdir(parents=True)
    (committed / "a.json").write_text("{}", encoding="utf-8")
    later = time.time() + 10
    os.utime(committed / "a.json", (later, later))
    assert not workers._charts_cached(tmp_path)
    stamp(charts_drawn(tmp_path))  # a report found every chart in this user's cache
    os.utime(charts_drawn(tmp_path), (later, later))
    assert workers._charts_cached(tmp_path)
    assert not workers._charts_cached(tmp_path / "measures")  # another workbook's mark is not its own
    os.utime(data, (later + 10, later + 10))  # the data changed after the charts were drawn
    assert not workers._charts_cached(tmp_path)


def test_the_folders_skipped_are_those_every_command_skips() -> None:
    from microsys.schema.files import SKIPPED_DIRS

    assert workers._NOT_WORKBOOK == SKIPPED_DIRS
