"""Date axes: one label style, every label complete on its own."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest

from microsys.render.chart import draw
from microsys.spc import ChartOptions, analyse
from microsys.workbook.series import Series

MONTH = re.compile(r"^[A-Z][a-z]{2} \d{4}$")  # Mar 2026
DAY = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4}$")  # 16 Mar 2026


def _drawn(days_apart: int, count: int, width: float) -> Any:
    """An i chart of ``count`` points ``days_apart`` days apart, drawn ``width`` inches wide."""
    start = dt.date(2025, 11, 3).toordinal()
    xs = tuple(float(start + k * days_apart) for k in range(count))
    ys = tuple(float(10 + (k * 7) % 5) for k in range(count))
    opts = ChartOptions(chart="i")
    series = Series(title="t", xs=xs, ys=ys, ns=None, options=opts, dates=True)
    fig = draw(series, analyse(xs, ys, None, opts), width=width)
    fig.canvas.draw()
    return fig


def _labels(days_apart: int, count: int, width: float = 10) -> list[str]:
    ax = _drawn(days_apart, count, width).axes[0]
    return [t.get_text() for t in ax.get_xticklabels() if t.get_text()]


@pytest.mark.parametrize(
    ("days_apart", "count", "style"),
    [(7, 56, MONTH), (30, 24, MONTH), (30, 80, MONTH), (1, 30, DAY), (7, 8, DAY), (365, 12, MONTH)],
)
def test_one_label_style_per_chart(days_apart: int, count: int, style: re.Pattern[str]) -> None:
    for width in (10, 4):
        labels = _labels(days_apart, count, width)
        assert len(labels) >= 2, labels
        assert all(style.match(t) for t in labels), labels
        assert len(labels) == len(set(labels)), labels
        assert len(labels) <= (9 if width == 10 else 5) + 1, labels


@pytest.mark.parametrize(("days_apart", "count"), [(7, 56), (30, 24), (1, 30), (7, 8), (3, 60)])
@pytest.mark.parametrize("width", [10, 7, 6.6, 5, 4])
def test_date_labels_never_print_into_each_other(days_apart: int, count: int, width: float) -> None:
    # A legend beside the plot takes width from it: the labels must still fit the plot.
    fig = _drawn(days_apart, count, width)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ticks = [t for t in fig.axes[0].get_xticklabels() if t.get_text()]
    boxes = sorted((t.get_window_extent(renderer) for t in ticks), key=lambda b: b.x0)
    assert len(boxes) >= 2
    for left, right in itertools.pairwise(boxes):
        assert left.x1 + 4 <= right.x0, (width, [b.x0 for b in boxes])
