"""Making Data Count icons: vector shapes, drawn top right on nhs charts, documented."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from microsys.render import mdc
from microsys.spc import ChartOptions, analyse
from microsys.workbook.series import Series

DOCS = Path(__file__).resolve().parents[2] / "docs"
ALL = [("variation", n) for n in mdc.VARIATION_ICONS] + [("assurance", n) for n in mdc.ASSURANCE_ICONS]


@pytest.mark.parametrize("kind,name", ALL)
def test_each_icon_is_a_small_self_contained_svg(kind: str, name: str) -> None:
    text = mdc.svg(kind, name)
    root = ET.fromstring(text)
    assert root.tag.endswith("svg") and len(text) < 2000
    assert "href" not in text and "<image" not in text  # vector shapes only, nothing linked
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == mdc.words(kind, name)


def test_docs_icons_are_the_generated_ones(tmp_path: Path) -> None:
    # docs/mdc is written by `python -m microsys.render.mdc docs/mdc`.
    for path in mdc.write_all(tmp_path):
        assert (DOCS / "mdc" / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    page = (DOCS / "mdc-icons.md").read_text(encoding="utf-8")
    for kind, name in ALL:
        assert f"mdc/{kind}-{name}.svg" in page


def _chart(rules: str, target: float | None, width: float = 10) -> tuple[object, list[object]]:
    from microsys.render.chart import draw

    y = [20.0, 22, 21, 23, 20, 22, 21, 23, 20, 22, 40]
    # Eleven points: the reference packages' limits, without microsys's minimum of points.
    opts = ChartOptions(  # type: ignore[arg-type]
        chart="i",
        rules=rules,
        direction="up",
        target=target,
        freeze=10,
        min_limit_points=0,
        min_runs_points=0,
    )
    series = Series(
        title="A title",
        xs=tuple(float(i) for i in range(1, 12)),
        ys=tuple(y),
        ns=None,
        options=opts,
        dates=False,
    )
    fig = draw(series, analyse(series.xs, series.ys, None, opts), width=width)
    return fig, list(fig.axes)


@pytest.mark.parametrize("width", [10, 5])
def test_nhs_charts_have_both_icons_top_right_clear_of_the_plot(width: float) -> None:
    fig, axes = _chart("nhs", target=30, width=width)
    plot, *icons = axes
    assert len(icons) == 2  # variation, then assurance
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = fig.bbox  # type: ignore[attr-defined]
    plot_box = plot.get_window_extent(renderer)  # type: ignore[attr-defined]
    boxes = [ax.get_window_extent(renderer) for ax in icons]  # type: ignore[attr-defined]
    for box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and box.y1 <= frame.y1
        assert box.y0 > frame.y1 * 0.75 and box.x0 > frame.x1 * 0.6  # the top right corner
        assert not box.overlaps(plot_box)
    assert boxes[0].x1 <= boxes[1].x0  # side by side, variation first
    title = fig._suptitle.get_window_extent(renderer)  # type: ignore[attr-defined]
    assert not any(title.overlaps(box) for box in boxes)


def test_only_the_variation_icon_without_a_target_and_none_for_other_rules() -> None:
    assert len(_chart("nhs", target=None)[1]) == 2
    assert len(_chart("anhoej", target=30)[1]) == 1
    assert len(_chart("ihi", target=None)[1]) == 1


def test_png_shows_the_icon_colours_in_the_corner(tmp_path: Path) -> None:
    # The last point (40) is above the limits with higher better: an improvement (blue
    # ring, "H"); the target 30 is above the upper limit: consistently failing (orange "F").
    import matplotlib.image

    from microsys.render.chart import image

    fig, _ = _chart("nhs", target=30)
    path = tmp_path / "c.png"
    path.write_bytes(image(fig, ".png", "test"))
    pixels = matplotlib.image.imread(path)
    height, width = pixels.shape[:2]
    corner = pixels[: height // 6, width * 3 // 4 :, :3]

    def present(hex_colour: str) -> bool:
        rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        return bool((abs(corner - rgb).max(axis=2) < 0.02).sum() > 50)

    assert present(mdc.BLUE) and present(mdc.ORANGE) and not present(mdc.PURPLE)
