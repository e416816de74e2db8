"""Work done in worker processes: in order, and a process that dies is a message, never a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from microsys.errors import WorkerDiedError
from microsys.overview import map_workbooks
from microsys.render.typeset import TypesetError
from microsys.render.wall import Work, _in_processes


def _pages_of(work: Work) -> tuple[bytes, int]:
    """Stands in for typesetting: says which process did the part."""
    return f"{work[1]} in {os.getpid()}".encode(), 1


def _dies(work: Work) -> tuple[bytes, int]:
    """A part whose process ends before it is done (as when the system runs out of memory)."""
    os._exit(1)


def _work(n: int) -> list[Work]:
    return [(Path("."), f"part-{k}", {}, {}, {}) for k in range(n)]


def test_each_part_is_typeset_in_a_fresh_process_in_order() -> None:
    made = _in_processes(_work(5), 2, own_templates=False, typeset=_pages_of)
    names = [content.decode().split(" in ")[0] for content, _ in made]
    pids = [content.decode().split(" in ")[1] for content, _ in made]
    assert names == [f"part-{k}" for k in range(5)]
    # No process typesets two parts: typst frees what it holds only when its process ends.
    assert len(set(pids)) == 5 and str(os.getpid()) not in pids


def test_a_part_whose_process_dies_stops_the_wall_with_a_message_not_a_hang() -> None:
    with pytest.raises(TypesetError, match="ended before it was done"):
        _in_processes(_work(3), 2, own_templates=False, typeset=_dies)


def _square_or_die(n: int) -> int:
    if n == 7:
        os._exit(1)  # as the system does to a process when it runs out of memory
    return n * n


def test_the_workbook_pools_keep_order_and_report_a_process_that_died() -> None:
    # As status, export, the data wall and the site run one workbook a task.
    assert map_workbooks(_square_or_die, list(range(7)), 2) == [n * n for n in range(7)]
    assert map_workbooks(_square_or_die, list(range(7)), 2, chunksize=1) == [n * n for n in range(7)]
    with pytest.raises(WorkerDiedError, match="ended before it was done") as caught:
        map_workbooks(_square_or_die, list(range(20)), 2)
    assert caught.value.hint and "-j 1" in caught.value.hint
