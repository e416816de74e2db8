"""The documented JSON form of an analysis (docs/chart-json.md)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from microsys.spc.analysis import Analysis, Point

# 2: `assurance` in NHSRplotthedots' words (consistent_pass, consistent_fail,
# inconsistent) and `variation` added (docs/chart-json.md).
# 3: no limits, signals, variation or assurance from too few points: `min_points` and each
# part's `points`, `judged` and `limits` say why; `assurance` is null when the latest part
# shows a shift or trend.
FORMAT_VERSION = 3
XLabel = Callable[[float], Any]


def date_label(x: float) -> str:
    """An x value that is a date ordinal, as an ISO date."""
    return dt.date.fromordinal(int(x)).isoformat()


def number_label(x: float) -> int | float:
    """An x value that is a number: whole numbers as integers."""
    return int(x) if float(x).is_integer() else x


def as_dict(analysis: Analysis, x_label: XLabel = number_label) -> dict[str, Any]:
    """The analysis as plain data, one entry per plotted point in x order."""
    head = _head(analysis)
    head["points"] = [point_dict(p, x_label) for p in analysis.points]
    head["variation"] = analysis.variation
    head["recent_variation"] = analysis.recent
    head["assurance"] = analysis.assurance
    return head


def _head(analysis: Analysis) -> dict[str, Any]:
    return {
        "version": FORMAT_VERSION,
        "type": analysis.chart,
        "rules": analysis.rules,
        "direction": analysis.direction,
        "target": analysis.target,
        "verdict": analysis.verdict,
        "min_points": {"limits": analysis.min_limit_points, "runs": analysis.min_runs_points},
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
                "points": p.points,
                "judged": p.judged,
                "limits": p.limits,
            }
            for p in analysis.parts
        ],
    }


def point_dict(p: Point, x_label: XLabel = number_label) -> dict[str, Any]:
    """One plotted point as plain data (an entry of ``points``)."""
    return {
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


# A sentinel string no analysis can contain (a NUL), replaced by the streamed points.
_HOLE = "\x00points\x00"


def iter_json(
    analysis: Analysis, x_label: XLabel = number_label, extra: dict[str, Any] | None = None, batch: int = 2000
) -> Iterator[str]:
    """The JSON of :func:`as_dict` (2-space indent) in pieces, points a batch at a time.

    Joined with newlines the pieces are exactly ``json.dumps(as_dict(...), indent=2,
    ensure_ascii=False)`` (with ``extra`` keys first), but no piece holds more than
    ``batch`` points: a million-point chart is written with the memory of its points,
    not of its whole text (the indented encoder keeps every fragment until the end).
    """
    head = {
        **(extra or {}),
        **_head(analysis),
        "points": _HOLE,
        "variation": analysis.variation,
        "recent_variation": analysis.recent,
        "assurance": analysis.assurance,
    }
    text = json.dumps(head, indent=2, ensure_ascii=False)
    before, after = text.split(json.dumps(_HOLE), 1)
    if not analysis.points:
        yield before + "[]" + after
        return
    yield before + "["
    yield from _batches((point_dict(p, x_label) for p in analysis.points), "    ", batch)
    yield "  ]" + after


def _batches(items: Iterable[dict[str, Any]], indent: str, batch: int) -> Iterator[str]:
    """The items as indented JSON, ``batch`` to a piece; pieces are joined by newlines."""
    chunk: list[str] = []
    for item in items:
        if len(chunk) >= batch:
            yield ",\n".join(chunk) + ","
            chunk = []
        chunk.append(_flat_object(item, indent))
    if chunk:
        yield ",\n".join(chunk)


def _flat_object(item: dict[str, Any], indent: str) -> str:
    """A dict of plain values as ``json.dumps(item, indent=2)`` lays it out, at ``indent``.

    The indenting encoder is pure Python; without ``indent`` the C encoder runs, and
    for a dict of scalars (a point) its separators give the same layout.
    """
    if not item:
        return indent + "{}"
    inner = indent + "  "
    text = json.dumps(item, ensure_ascii=False, separators=(",\n" + inner, ": "))
    return f"{indent}{{\n{inner}{text[1:-1]}\n{indent}}}"
