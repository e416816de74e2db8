"""The documented JSON form of an analysis (docs/chart-json.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from microsys.spc.analysis import Analysis

FORMAT_VERSION = 1
XLabel = Callable[[float], Any]


def date_label(x: float) -> str:
    """An x value that is a date ordinal, as an ISO date."""
    return dt.date.fromordinal(int(x)).isoformat()


def number_label(x: float) -> int | float:
    """An x value that is a number: whole numbers as integers."""
    return int(x) if float(x).is_integer() else x


def as_dict(analysis: Analysis, x_label: XLabel = number_label) -> dict[str, Any]:
    """The analysis as plain data, one entry per plotted point in x order."""
    return {
        "version": FORMAT_VERSION,
        "type": analysis.chart,
        "rules": analysis.rules,
        "direction": analysis.direction,
        "target": analysis.target,
        "verdict": analysis.verdict,
        "parts": [
            {
                "part": p.part,
                "n_obs": p.n_obs,
                "n_useful": p.n_useful,
                "longest_run": p.longest_run,
                "longest_run_max": p.longest_run_max,
                "crossings": p.crossings,
                "crossings_min": p.crossings_min,
                "runs_signal": p.runs_signal,
                "cl": p.cl,
                "lcl": p.lcl,
                "ucl": p.ucl,
                "findings": list(p.findings),
            }
            for p in analysis.parts
        ],
        "points": [
            {
                "x": x_label(p.x),
                "y": p.y,
                "n": p.n,
                "part": p.part,
                "baseline": p.baseline,
                "included": p.included,
                "cl": p.cl,
                "lcl": p.lcl,
                "ucl": p.ucl,
                "lcl_2sigma": p.lcl_2sigma,
                "ucl_2sigma": p.ucl_2sigma,
                "sigma_signal": p.sigma_signal,
                "runs_signal": p.runs_signal,
                "signal": p.signal,
                "point_type": p.point_type,
                "note": p.note,
            }
            for p in analysis.points
        ],
        "assurance": analysis.assurance,
    }
