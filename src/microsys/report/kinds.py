"""The kinds of report: their builders, titles and file names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from microsys.report.common import TITLES
from microsys.report.model import Kind, Report
from microsys.report.pathway import summary_5v
from microsys.report.playbook import playbook
from microsys.report.storyboard import storyboard
from microsys.report.summary import summary
from microsys.workbook.loader import Workbook


def assessment(wb: Workbook, today: dt.date) -> Report:
    """The summary of the assessment: the 5Vs for a pathway, the 5Ps for a microsystem."""
    return summary_5v(wb, today) if wb.is_pathway else summary(wb, today)


KINDS: tuple[Kind, ...] = ("storyboard", "playbook", "summary")
FILE_STEMS: dict[Kind, str] = {"storyboard": "storyboard", "playbook": "playbook", "summary": "5p-summary"}
# A pathway's summary is of the 5Vs: its file says so.
PATHWAY_STEMS: dict[Kind, str] = {"summary": "5v-summary"}


def file_stem(kind: Kind, *, pathway: bool) -> str:
    """The file name (without suffix) of a report of ``kind`` for a pathway or a microsystem workbook."""
    return PATHWAY_STEMS.get(kind, FILE_STEMS[kind]) if pathway else FILE_STEMS[kind]


BUILDERS: dict[Kind, Callable[[Workbook, dt.date], Report]] = {
    "storyboard": storyboard,
    "playbook": playbook,
    "summary": assessment,
}

__all__ = ["BUILDERS", "FILE_STEMS", "KINDS", "PATHWAY_STEMS", "TITLES", "Kind", "Report", "file_stem"]
