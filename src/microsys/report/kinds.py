"""The kinds of report: their builders, titles and file names."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from microsys.report.common import TITLES
from microsys.report.model import Kind, Report
from microsys.report.playbook import playbook
from microsys.report.storyboard import storyboard
from microsys.report.summary import summary
from microsys.workbook.loader import Workbook

KINDS: tuple[Kind, ...] = ("storyboard", "playbook", "summary")
FILE_STEMS: dict[Kind, str] = {"storyboard": "storyboard", "playbook": "playbook", "summary": "5p-summary"}


class Builder(Protocol):
    """Makes one kind of report of a workbook: of ``theme`` when given (``--theme``), else of the default."""

    def __call__(self, wb: Workbook, today: dt.date, theme: str | None = None, /) -> Report: ...


def _storyboard(wb: Workbook, today: dt.date, theme: str | None = None, /) -> Report:
    return storyboard(wb, today, theme=theme)


BUILDERS: dict[Kind, Builder] = {
    "storyboard": _storyboard,
    "playbook": playbook,
    "summary": summary,
}

__all__ = ["BUILDERS", "FILE_STEMS", "KINDS", "TITLES", "Kind", "Report"]
