"""Output formats of ``microsys chart``: one registry feeds ``--format``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from microsys.charting import Charted

ChartReporter = Callable[[Sequence["Charted"], TextIO], None]


def _image(charts: Sequence[Charted], out: TextIO) -> None:
    """Draw each chart to its file (PNG, SVG or PDF by its suffix) and say so."""
    from microsys.charting import write_images

    for line in write_images(charts):
        out.write(line + "\n")


def _json(charts: Sequence[Charted], out: TextIO) -> None:
    """The analysis as documented in docs/chart-json.md: one object, or a list for several measures."""
    if len(charts) == 1:
        # Streamed: a million-point series never exists as one JSON text.
        for piece in charts[0].json_pieces():
            out.write(piece + "\n")
        return
    data = [c.as_dict() for c in charts]
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


CHART_FORMATS: dict[str, ChartReporter] = {"image": _image, "json": _json}
