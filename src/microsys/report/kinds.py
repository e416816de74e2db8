"""The kinds of report: their builders, titles and file names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from microsys.report.common import TITLES
from microsys.report.model import Kind, Report
from microsys.report.playbook import playbook
from microsys.report.storyboard import storyboard
from microsys.report.summary import summary
from microsys.workbook.loader import Workbook

KINDS: tuple[Kind, ...] = ("storyboard", "playbook", "summary")
FILE_STEMS: dict[Kind, str] = {"storyboard": "storyboard", "playbook": "playbook", "summary": "5p-summary"}
BUILDERS: dict[Kind, Callable[[Workbook, dt.date], Report]] = {
    "storyboard": storyboard,
    "playbook": playbook,
    "summary": summary,
}

__all__ = ["BUILDERS", "FILE_STEMS", "KINDS", "TITLES", "Kind", "Report"]
