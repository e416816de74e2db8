"""The fishbone drawer: legible at a poster column's width, classic where there is room."""

from __future__ import annotations

import re
from collections import Counter
from xml.sax.saxutils import unescape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microsys.render.diagrams import fishbone
from microsys.report.common import fishbone_bones
from microsys.report.shapes import Bone
from microsys.report.storyboard import POSTER_DIAGRAM_UNITS
from microsys.report.text import LONG_WORD, width
from microsys.workbook.loader import load_workbook
from tests.conftest import EXAMPLES

TEXT = re.compile(
    r'<text x="([\d.-]+)" y="([\d.-]+)" font-size="([\d.]+)" text-anchor="(\w+)" '
    r'font-weight="(\w+)" fill="[^"]*">([^<]*)</text>'
)
# A word as people write it: up to LONG_WORD characters of any script (longer ones are
# given break opportunities on purpose, see report/text.py), no spaces inside.
WORD = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=LONG_WORD
).filter(lambda w: not any(c.isspace() for c in w))
LABEL = st.lists(WORD, min_size=1, max_size=12).map(" ".join)
NAME = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
BONES = st.lists(
    st.builds(
        Bone,
        NAME,
        st.lists(st.tuples(LABEL, st.lists(LABEL, max_size=2).map(tuple)), max_size=4).map(tuple),
    ),
    min_size=1,
    max_size=8,
)


def _lines(svg: str) -> list[tuple[float, float, float, str, bool, str]]:
    """Every line of text: x, y, size, anchor, bold, text."""
    found = [
        (
            float(x),
            float(y),
            float(size),
            anchor,
            weight == "bold",
            unescape(text, {"&quot;": '"', "&apos;": "'"}),
        )
        for x, y, size, anchor, weight, text in TEXT.findall(svg)
    ]
    assert len(found) == svg.count("<text "), "a line of text the pattern does not read"
    return found


def _view_width(svg: str) -> float:
    view = re.search(r'viewBox="0 0 ([\d.]+) ', svg)
    assert view is not None
    return float(view.group(1))


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(effect=LABEL, bones=BONES)
def test_at_the_poster_width_no_word_is_broken_and_every_label_is_inside(
    effect: str, bones: list[Bone]
) -> None:
    drawing = fishbone(effect, bones, "Causes", width_units=POSTER_DIAGRAM_UNITS)
    lines = _lines(drawing.svg)
    view = _view_width(drawing.svg)
    assert view == POSTER_DIAGRAM_UNITS
    for x, _, size, anchor, bold, text in lines:
        w = width(text, size, bold)
        left = x - w / 2 if anchor == "middle" else x
        assert left >= -0.5 and left + w <= view + 0.5, (text, left, left + w)
    # Every word of every category, cause and sub-cause is printed whole, none left out.
    printed = Counter(word for *_, text in lines for word in text.split())
    wanted = Counter(effect.split())
    for bone in bones:
        wanted.update(bone.name.split())
        for cause, subs in bone.causes:
            wanted.update(cause.split())
            for sub in subs:
                wanted.update(["–", *sub.split()])
    assert drawing.shortened == [] and printed == wanted


def test_the_cf_fishbone_on_a_poster_stacks_categories_with_causes_under_them() -> None:
    fb = load_workbook(EXAMPLES / "sheffield-cf-clinic").fishbones[0]
    bones = fishbone_bones(fb)
    drawing = fishbone(fb.effect, bones, "Causes", width_units=POSTER_DIAGRAM_UNITS)
    lines = _lines(drawing.svg)
    names = {bone.name for bone in bones}
    # Each category name is one whole line, the effect is in the box at the top.
    assert names <= {text for *_, text in lines}
    effect_y = max(y for x, y, _, anchor, _, _ in lines if anchor == "middle")
    assert all(y > effect_y for _, y, _, _, _, text in lines if text in names)
    # A sub-cause is below its cause and indented from it, in the same column.
    for bone in bones:
        for cause, subs in bone.causes:
            first = cause.split()[0]
            cx, cy = next((x, y) for x, y, *_, text in lines if text.split()[:1] == [first])
            for sub in subs:
                sx, sy = next((x, y) for x, y, *_, text in lines if text.startswith("– " + sub.split()[0]))
                assert sy > cy and 0 < sx - cx < 30, (cause, sub)
    # Legible at a glance: far shorter than wide bones of one word a line would be.
    height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', drawing.svg).group(1))  # type: ignore[union-attr]
    assert height < POSTER_DIAGRAM_UNITS


def test_a_wide_fishbone_keeps_the_classic_layout_with_the_effect_at_the_head() -> None:
    fb = load_workbook(EXAMPLES / "sheffield-cf-clinic").fishbones[0]
    drawing = fishbone(fb.effect, fishbone_bones(fb), "Causes", width_units=600)
    lines = _lines(drawing.svg)
    effect = [(x, y) for x, y, _, anchor, _, _ in lines if anchor == "middle" and x > 450]
    assert effect, "the effect is not at the head on the right"
    # Categories alternate above and below the spine, three a side.
    names = {b.name for b in fishbone_bones(fb)}
    ys = sorted({y for _, y, _, _, _, text in lines if text in names})
    assert len(ys) == 2 and sum(1 for *_, t in lines if t in names) == 6
    assert "<polygon" not in drawing.svg  # no up-pointing spine arrow: the head is the effect box


def test_a_word_too_long_for_half_the_width_puts_every_category_in_one_column() -> None:
    long = "Pseudomonasaeruginosacolonisation"
    bones = [Bone("Methods", ((f"{long} screening missed", ()),)), Bone("People", (("short", ()),))]
    drawing = fishbone("Waits", bones, "Causes", width_units=POSTER_DIAGRAM_UNITS)
    lines = _lines(drawing.svg)
    assert any(long in text.split() for *_, text in lines)
    xs = {x for x, _, _, _, bold, text in lines if text in {"Methods", "People"}}
    assert len(xs) == 1  # both categories start at the same place: one column
