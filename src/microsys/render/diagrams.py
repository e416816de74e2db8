"""Diagrams drawn from workbook data as SVG: process maps, fishbones, driver diagrams, votes, the ramp.

Plain SVG text, no drawing library: the same data always gives the same bytes, the
text stays real text (searchable in PDF and HTML), and every label is wrapped to
its space before it is placed, so nothing overlaps. User text is always escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from microsys.render.svgcheck import xml_text
from microsys.report.shapes import Bar, Bone, Idea, Link, Node, Primary, Stop, StreamBox
from microsys.report.text import clamp_lines, width, wrap

FONT = "DejaVu Sans"
INK = "#222222"
MUTED = "#666666"
RULE = "#b9c2c8"
ACCENT = "#0f6e8c"
ACCENT_LIGHT = "#dcecf1"
BLUE = "#0072B2"
GREY_BAR = "#a7b8c4"
WAIT_FILL = "#fdecea"
WAIT_LINE = "#c0392b"
DECISION_FILL = "#fff4d6"
DECISION_LINE = "#a87c00"
LANE_FILLS = ("#f5f8fa", "#ffffff")
# Most lines a label may take in a box before it is cut with an ellipsis.
MAX_LABEL_LINES = 6


def _n(v: float) -> str:
    """A coordinate with one decimal: short, stable output."""
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


class Svg:
    """An SVG document built element by element."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, tag: str, text: str | None = None, **attrs: str | float) -> None:
        """Append an element; attribute names use ``_`` for ``-``; values are escaped."""
        items = []
        for key, value in attrs.items():
            name = key.rstrip("_").replace("_", "-")
            items.append(
                f"{name}={quoteattr(_n(value) if isinstance(value, float | int) else xml_text(value))}"
            )
        attr_text = " ".join(items)
        if text is None:
            self.parts.append(f"<{tag} {attr_text}/>")
        else:
            self.parts.append(f"<{tag} {attr_text}>{escape(xml_text(text))}</{tag}>")

    def text_lines(
        self,
        lines: Sequence[str],
        x: float,
        y: float,
        size: float,
        *,
        anchor: str = "start",
        weight: str = "normal",
        color: str = INK,
        line_height: float | None = None,
    ) -> None:
        """Lines of text, the first baseline at ``y``."""
        step = line_height or size * 1.25
        for i, line in enumerate(lines):
            if line:
                self.add(
                    "text",
                    line,
                    x=x,
                    y=y + i * step,
                    font_size=size,
                    text_anchor=anchor,
                    font_weight=weight,
                    fill=color,
                )

    def document(self, w: float, h: float, title: str, unit: str = "") -> str:
        """The finished SVG; ``unit`` ("pt") is the size of one unit where it is printed."""
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(w)} {_n(h)}" '
            f'width="{_n(w)}{unit}" height="{_n(h)}{unit}" font-family="{FONT}, sans-serif" role="img">'
        )
        return head + f"<title>{escape(xml_text(title))}</title>" + "".join(self.parts) + "</svg>\n"


def _arrow(svg: Svg, points: Sequence[tuple[float, float]], color: str = INK) -> None:
    """A polyline ending in an arrowhead."""
    svg.add(
        "polyline",
        points=" ".join(f"{_n(x)},{_n(y)}" for x, y in points),
        fill="none",
        stroke=color,
        stroke_width=1.3,
    )
    (x1, y1), (x2, y2) = points[-2], points[-1]
    dx, dy = x2 - x1, y2 - y1
    length = max((dx * dx + dy * dy) ** 0.5, 1e-6)
    ux, uy = dx / length, dy / length
    size = 6.5
    left = (x2 - ux * size - uy * size * 0.5, y2 - uy * size + ux * size * 0.5)
    right = (x2 - ux * size + uy * size * 0.5, y2 - uy * size - ux * size * 0.5)
    svg.add(
        "polygon",
        points=f"{_n(x2)},{_n(y2)} {_n(left[0])},{_n(left[1])} {_n(right[0])},{_n(right[1])}",
        fill=color,
    )


# ---------------------------------------------------------------------------
# Flowcharts with swimlanes (process maps and playbook steps)


@dataclass
class Drawing:
    """An SVG and what had to be shortened to draw it."""

    svg: str
    shortened: list[str] = field(default_factory=list)


# Narrowest a lane may be (drawing units): more than five lanes make the drawing wider (a poster
# prints a wider drawing smaller, so not sooner), never the boxes wider than their lane.
# Space kept between a box and its lane's edges.
MIN_LANE = 100.0
LANE_PAD = 5.0
# Widest a box is, in a drawing of few lanes.
MAX_BOX = 240.0
# The header of the lane of steps whose `owner:` is not written (check reports them).
NO_OWNER = "owner not written"


def flowchart(nodes: Sequence[Node], title: str, *, width_units: float = 560) -> Drawing:
    """A top-to-bottom flowchart: one row per step, lanes as columns, decisions with labelled ways out.

    Every box lies inside its lane: lanes are at least :data:`MIN_LANE` wide (the drawing
    grows with the number of lanes) and a box is at most its lane's width less
    :data:`LANE_PAD` each side. Without any owner there is one lane and no header.
    """
    svg = Svg()
    shortened: list[str] = []
    lanes: list[str] = []
    for node in nodes:
        if node.lane not in lanes:
            lanes.append(node.lane)
    headed = any(lanes)
    lane_w = max(width_units / max(len(lanes), 1), MIN_LANE)
    width_units = lane_w * max(len(lanes), 1)
    index = {n.id: i for i, n in enumerate(nodes)}
    size, lh = 11.0, 13.5
    box_w = min(lane_w - 2 * LANE_PAD, MAX_BOX)

    # Lane headers.
    # As large as lets every word of every header fit its lane (a role such as
    # "physiotherapist" is not broken), down to 8.5 units, then broken with a hyphen.
    words = [w for lane in lanes for w in (lane or NO_OWNER).split()]
    header_size = next(
        (s for s in (10.0, 9.5, 9.0, 8.5) if all(width(w, s, True) <= lane_w - 8 for w in words)), 8.5
    )
    header_lines = [
        clamp_lines(wrap(lane or NO_OWNER, lane_w - 8, header_size, True), 3)[0] if headed else []
        for lane in lanes
    ]
    header_h = max((len(h) for h in header_lines), default=1) * 12.5 + 12 if headed else 4.0

    # Edges that skip rows run in channels to the right of the lanes.
    skips: list[tuple[int, int, str]] = []
    plain: list[tuple[int, int, str]] = []
    for i, node in enumerate(nodes):
        for target, label in node.edges:
            j = index.get(target)
            if j is None:
                continue
            (plain if j == i + 1 else skips).append((i, j, label))
    channel_gap = 12.0
    total_w = width_units + (channel_gap * (len(skips) + 1) if skips else 0) + 4

    # Rows.
    rows: list[tuple[float, float, float, list[str], list[str]]] = []  # x, y, h, lines, detail
    y = header_h + 14
    gap = 22.0
    for node in nodes:
        inner = box_w - (34 if node.kind == "decision" else 16)
        lines, cut = clamp_lines(wrap(node.label, inner, size), MAX_LABEL_LINES)
        if cut:
            shortened.append(f"step `{node.id}`")
        detail = clamp_lines(wrap(node.detail, inner, 9), 2)[0] if node.detail else []
        h = len(lines) * lh + len(detail) * 11.5 + 14
        x = lane_w * lanes.index(node.lane) + (lane_w - box_w) / 2
        rows.append((x, y, h, lines, detail))
        y += h + gap
    total_h = y - gap + 10

    for i in range(len(lanes)):
        svg.add("rect", x=lane_w * i, y=0, width=lane_w, height=total_h, fill=LANE_FILLS[i % 2])
        if i:
            svg.add("line", x1=lane_w * i, y1=0, x2=lane_w * i, y2=total_h, stroke=RULE, stroke_width=0.8)
        svg.text_lines(
            header_lines[i], lane_w * (i + 0.5), 15, header_size, anchor="middle", weight="bold", color=MUTED
        )
    if headed:
        svg.add("line", x1=0, y1=header_h, x2=width_units, y2=header_h, stroke=RULE, stroke_width=1)

    for node, (x, top, h, lines, detail) in zip(nodes, rows, strict=True):
        _box(svg, node.kind, x, top, box_w, h)
        colour = "#ffffff" if node.kind in ("start", "end") else INK
        text_top = top + 7 + size
        svg.text_lines(lines, x + box_w / 2, text_top, size, anchor="middle", color=colour, line_height=lh)
        if detail:
            detail_colour = "#e8f1f4" if node.kind in ("start", "end") else MUTED
            svg.text_lines(
                detail, x + box_w / 2, text_top + len(lines) * lh, 9, anchor="middle", color=detail_colour
            )
        if node.badge is not None:
            # Inside the lane: the badge's circle reaches past the box by less than LANE_PAD.
            bx, by = x + box_w - 6, top + 2
            svg.add("circle", cx=bx, cy=by, r=8, fill=WAIT_LINE)
            svg.add(
                "text",
                str(node.badge),
                x=bx,
                y=by + 3.5,
                font_size=9.5,
                text_anchor="middle",
                fill="#ffffff",
                font_weight="bold",
            )

    for i, j, label in plain:
        sx, sy, sh = rows[i][0] + box_w / 2, rows[i][1] + rows[i][2], rows[i][2]
        tx, ty = rows[j][0] + box_w / 2, rows[j][1]
        del sh
        if abs(sx - tx) < 0.5:
            points = [(sx, sy), (tx, ty)]
        else:
            mid = sy + gap / 2
            points = [(sx, sy), (sx, mid), (tx, mid), (tx, ty)]
        _arrow(svg, points)
        if label:
            svg.add("text", label, x=sx + 4, y=sy + 10, font_size=9, fill=DECISION_LINE, font_weight="bold")
    for k, (i, j, label) in enumerate(skips):
        channel = width_units + channel_gap * (k + 1)
        sx = rows[i][0] + box_w
        sy = rows[i][1] + rows[i][2] / 2 + (k % 3 - 1) * 4
        tx = rows[j][0] + box_w
        ty = rows[j][1] + rows[j][2] / 2 + (k % 3 - 1) * 4
        _arrow(svg, [(sx, sy), (channel, sy), (channel, ty), (tx, ty)], color=MUTED)
        if label:
            svg.add("text", label, x=sx + 3, y=sy - 3, font_size=9, fill=DECISION_LINE, font_weight="bold")
    return Drawing(svg.document(total_w, total_h, title), shortened)


def _box(svg: Svg, kind: str, x: float, y: float, w: float, h: float) -> None:
    if kind in ("start", "end"):
        svg.add("rect", x=x, y=y, width=w, height=h, rx=min(h / 2, 16), fill=ACCENT, stroke=ACCENT)
    elif kind == "decision":
        k = min(14.0, h / 2)
        points = [
            (x + k, y),
            (x + w - k, y),
            (x + w, y + h / 2),
            (x + w - k, y + h),
            (x + k, y + h),
            (x, y + h / 2),
        ]
        svg.add(
            "polygon",
            points=" ".join(f"{_n(px)},{_n(py)}" for px, py in points),
            fill=DECISION_FILL,
            stroke=DECISION_LINE,
            stroke_width=1.3,
        )
    elif kind == "wait":
        svg.add(
            "rect",
            x=x,
            y=y,
            width=w,
            height=h,
            rx=3,
            fill=WAIT_FILL,
            stroke=WAIT_LINE,
            stroke_width=1.2,
            stroke_dasharray="4 3",
        )
    else:
        svg.add("rect", x=x, y=y, width=w, height=h, rx=3, fill="#ffffff", stroke="#4a4a4a", stroke_width=1.1)


# ---------------------------------------------------------------------------
# Fishbone


# Text sizes in drawing units. A poster draws diagrams 420 units across a 127 mm column, so
# 8.5 units print at 7.3 pt: the floor no label goes under.
CATEGORY_SIZE, CAUSE_SIZE, SUB_SIZE, EFFECT_SIZE = 10.5, 9.5, 8.5, 11.0
HEAD_W = 140.0
# Of a bone's slot in the classic layout, the share its causes are written in (left of the bone).
CAUSE_SHARE = 0.56
# Causes narrower than this are a stack of one or two words a line: the classic layout is then
# given up for categories stacked in rows down a vertical spine.
MIN_CAUSE_W = 80.0
SUB_INDENT = 10.0
# How much higher a stacked category's bone meets the spine than it starts.
RISE = 5.0


def _slot_w(bones: Sequence[Bone], width_units: float) -> float:
    """How wide each bone's slot is in the classic layout."""
    slots = max(len(bones[0::2]), len(bones[1::2]), 1)
    return (width_units - HEAD_W - 6 - 10) / slots


def _longest_word(text: str, size: float, bold: bool = False) -> float:
    return max((width(word, size, bold) for word in text.split()), default=0.0)


def _words_fit(bones: Sequence[Bone], name_w: float, cause_w: float) -> bool:
    """Whether every word of every label fits its line, so that no word is broken."""
    for bone in bones:
        if _longest_word(bone.name, CATEGORY_SIZE, True) > name_w:
            return False
        for cause, subs in bone.causes:
            if _longest_word(cause, CAUSE_SIZE) > cause_w:
                return False
            if any(_longest_word("– " + sub, SUB_SIZE) > cause_w - SUB_INDENT for sub in subs):
                return False
    return True


def fishbone(effect: str, bones: Sequence[Bone], title: str, *, width_units: float = 600) -> Drawing:
    """A cause-and-effect diagram drawn to be read at ``width_units`` across.

    Wide enough, it is the classic fishbone: the effect at the head, categories alternating
    above and below the spine. Narrower (a poster column), slanted bones would squeeze the
    causes into columns a word or two wide and break words, so the categories are stacked in
    rows instead, down a spine that ends at the effect at the top: two columns of categories
    either side of the spine, or one column when a word would not fit in half the width.
    No cause is ever left out; labels cut to a number of lines are listed as shortened.
    """
    slot_w = _slot_w(bones, width_units)
    if (
        slot_w * CAUSE_SHARE >= MIN_CAUSE_W
        and _words_fit(bones, slot_w - 10, slot_w * CAUSE_SHARE)
        and _longest_word(effect, EFFECT_SIZE, True) <= HEAD_W - 14
    ):
        return _fishbone_across(effect, bones, title, width_units)
    return _fishbone_down(effect, bones, title, width_units)


def _fishbone_down(effect: str, bones: Sequence[Bone], title: str, width_units: float) -> Drawing:
    """Categories stacked in rows either side of a vertical spine that points up to the effect."""
    svg = Svg()
    shortened: list[str] = []
    margin, gutter, row_gap, lh = 4.0, 12.0, 12.0, 1.22
    half = (width_units - 2 * margin - 2 * gutter) / 2
    two_sides = len(bones) > 1 and _words_fit(bones, half - 12, half - 12)
    if two_sides:
        spine_x = width_units / 2
        columns = [(margin, half), (spine_x + gutter, half)]
        sides = [list(bones[0::2]), list(bones[1::2])]
    else:
        spine_x = margin + 6
        columns = [(spine_x + gutter, width_units - spine_x - gutter - margin)]
        sides = [list(bones)]

    # The effect, in a box at the top that the spine runs up to.
    # As wide as its longest word needs, so that no word of the effect is broken.
    longest = _longest_word(effect, EFFECT_SIZE, True) + 16
    box_w = min(width_units - 2 * margin, max(220.0, width_units * 0.6, longest))
    effect_lines, cut = clamp_lines(wrap(effect, box_w - 16, EFFECT_SIZE, True), 8)
    if cut:
        shortened.append("the effect")
    box_h = len(effect_lines) * 14 + 12
    box_x = max(margin, min(spine_x - box_w / 2, width_units - margin - box_w))
    svg.add("rect", x=box_x, y=margin, width=box_w, height=box_h, rx=4, fill=ACCENT, stroke=ACCENT)
    svg.text_lines(
        effect_lines,
        box_x + box_w / 2,
        margin + 6 + EFFECT_SIZE,
        EFFECT_SIZE,
        anchor="middle",
        weight="bold",
        color="#ffffff",
        line_height=14,
    )

    Item = tuple[list[str], float, str, float]  # lines, size, colour, indent

    def laid_out(bone: Bone, col_w: float) -> tuple[list[str], list[Item]]:
        name, cut = clamp_lines(wrap(bone.name, col_w - 12, CATEGORY_SIZE, True), 3)
        if cut:
            shortened.append(f"category `{bone.name[:30]}`")
        items: list[Item] = []
        for cause, subs in bone.causes:
            items.append((wrap(cause, col_w - 12, CAUSE_SIZE), CAUSE_SIZE, INK, 10.0))
            for sub in subs:
                items.append(
                    (wrap("– " + sub, col_w - 12 - SUB_INDENT, SUB_SIZE), SUB_SIZE, MUTED, 10.0 + SUB_INDENT)
                )
        return name, items

    def height(name: list[str], items: list[Item]) -> float:
        return len(name) * 13 + 11 + sum(len(lines) * s * lh + 3 for lines, s, _, _ in items)

    rows = max(len(side) for side in sides)
    y = margin + box_h + 16
    spine_top = margin + box_h
    for r in range(rows):
        row_h = 0.0
        for (left, col_w), side in zip(columns, sides, strict=True):
            if r >= len(side):
                continue
            bone = side[r]
            name, items = laid_out(bone, col_w)
            row_h = max(row_h, height(name, items))
            svg.text_lines(
                name, left + 2, y + CATEGORY_SIZE, CATEGORY_SIZE, weight="bold", color=ACCENT, line_height=13
            )
            # The bone: under the category name, rising a little into the spine (towards the effect),
            # clear of the name's last line even where it meets the spine.
            bone_y = y + len(name) * 13 + 6
            outer, inner = (left, spine_x) if left < spine_x else (left + col_w, spine_x)
            svg.add("line", x1=outer, y1=bone_y, x2=inner, y2=bone_y - RISE, stroke=INK, stroke_width=1.4)
            # Its causes hang from it, each ticked off a thin rib; sub-causes under their cause.
            rib_x = left + 5
            cy = bone_y + 4
            last_tick = bone_y
            for lines, s, color, indent in items:
                svg.text_lines(lines, left + indent, cy + s, s, color=color, line_height=s * lh)
                if color == INK:
                    tick_y = cy + s * 0.65
                    svg.add(
                        "line",
                        x1=rib_x,
                        y1=tick_y,
                        x2=left + indent - 2,
                        y2=tick_y,
                        stroke=RULE,
                        stroke_width=0.9,
                    )
                    last_tick = tick_y
                cy += len(lines) * s * lh + 3
            if last_tick > bone_y:
                # The rib starts on the bone, which is a little higher where it nears the spine.
                rib_top = bone_y - RISE * abs(rib_x - outer) / max(abs(inner - outer), 1e-6)
                svg.add("line", x1=rib_x, y1=rib_top, x2=rib_x, y2=last_tick, stroke=RULE, stroke_width=0.9)
        y += row_h + row_gap
    bottom = y - row_gap + 4
    _arrow(svg, [(spine_x, bottom), (spine_x, spine_top + 1)])
    # The spine drawn heavier than its arrow's shaft, as in the classic layout.
    svg.add("line", x1=spine_x, y1=bottom, x2=spine_x, y2=spine_top + 6, stroke=INK, stroke_width=2.4)
    return Drawing(svg.document(width_units, bottom + margin, title), shortened)


def _fishbone_across(effect: str, bones: Sequence[Bone], title: str, width_units: float) -> Drawing:
    """The classic fishbone: the effect at the head, categories alternating above and below."""
    svg = Svg()
    shortened: list[str] = []
    spine_end = width_units - HEAD_W - 6
    head_w = HEAD_W
    top, bottom = list(bones[0::2]), list(bones[1::2])
    slot_w = _slot_w(bones, width_units)
    size, sub_size = CAUSE_SIZE, SUB_SIZE
    text_w = slot_w * CAUSE_SHARE

    def block(bone: Bone) -> list[tuple[list[str], float, bool]]:
        items: list[tuple[list[str], float, bool]] = []
        for cause, subs in bone.causes:
            items.append((wrap(cause, text_w, size), size, True))
            for sub in subs:
                items.append((wrap("– " + sub, text_w - 8, sub_size), sub_size, False))
        return items

    def label_lines(bone: Bone) -> list[str]:
        lines, cut = clamp_lines(wrap(bone.name, slot_w - 10, 10.5, True), 2)
        if cut:
            shortened.append(f"category `{bone.name[:30]}`")
        return lines

    def height(bone: Bone) -> float:
        return (
            sum(len(lines) * s * 1.22 + 4 for lines, s, _ in block(bone)) + len(label_lines(bone)) * 13 + 20
        )

    top_h = max((height(b) for b in top), default=30.0)
    bottom_h = max((height(b) for b in bottom), default=0.0)
    effect_lines, cut = clamp_lines(wrap(effect, head_w - 14, 11, True), 8)
    if cut:
        shortened.append("the effect")
    spine_y = max(top_h + 6, len(effect_lines) * 14 / 2 + 10)
    total_h = spine_y + max(bottom_h + 6, len(effect_lines) * 14 / 2 + 10)

    # Spine and head.
    svg.add("line", x1=6, y1=spine_y, x2=spine_end, y2=spine_y, stroke=INK, stroke_width=2.4)
    head_h = len(effect_lines) * 14 + 14
    svg.add(
        "rect",
        x=spine_end,
        y=spine_y - head_h / 2,
        width=head_w,
        height=head_h,
        rx=4,
        fill=ACCENT,
        stroke=ACCENT,
    )
    svg.text_lines(
        effect_lines,
        spine_end + head_w / 2,
        spine_y - head_h / 2 + 7 + 11,
        11,
        anchor="middle",
        weight="bold",
        color="#ffffff",
        line_height=14,
    )

    for row, above in ((top, True), (bottom, False)):
        for j, bone in enumerate(row):
            left = 10 + j * slot_w
            labels = label_lines(bone)
            label_x = left + slot_w * 0.62
            joint_x = left + slot_w - 8
            if above:
                label_y = 13.0
                bone_top = label_y + (len(labels) - 1) * 13 + 5
                y0, y1 = bone_top, spine_y
            else:
                label_y = total_h - 6 - (len(labels) - 1) * 13
                y0, y1 = spine_y, label_y - 13
            svg.text_lines(
                labels, label_x, label_y, 10.5, anchor="middle", weight="bold", color=ACCENT, line_height=13
            )
            if above:
                svg.add("line", x1=label_x, y1=y0, x2=joint_x, y2=y1, stroke=INK, stroke_width=1.4)
            else:
                svg.add("line", x1=joint_x, y1=y0, x2=label_x, y2=y1, stroke=INK, stroke_width=1.4)

            def bone_x(
                y: float,
                y0: float = y0,
                y1: float = y1,
                top_x: float = label_x,
                low_x: float = joint_x,
                up: bool = above,
            ) -> float:
                """Where the bone is at height y (it runs from the label to the spine)."""
                t = (y - y0) / max(y1 - y0, 1e-6)
                start, end = (top_x, low_x) if up else (low_x, top_x)
                return start + (end - start) * t

            y = (y0 + 14) if above else (spine_y + 14)
            for lines, s, is_cause in block(bone):
                step = s * 1.22
                last_base = y + (len(lines) - 1) * step
                end_x = bone_x(last_base - s * 0.35) - 4
                indent = 0 if is_cause else 8
                svg.text_lines(
                    lines, left + 2 + indent, y, s, color=INK if is_cause else MUTED, line_height=step
                )
                if is_cause:
                    line_end = left + 2 + width(lines[-1], s) + 3
                    if end_x > line_end:
                        svg.add(
                            "line",
                            x1=line_end,
                            y1=last_base - s * 0.35,
                            x2=end_x + 4,
                            y2=last_base - s * 0.35,
                            stroke=RULE,
                            stroke_width=0.9,
                        )
                y += len(lines) * step + 4
    return Drawing(svg.document(width_units, total_h, title), shortened)


# ---------------------------------------------------------------------------
# Driver diagram

# Change ideas are filled by where they are: the adopted ones stand out, the dropped ones fade.
IDEA_STYLES = {
    "adopted": (ACCENT, ACCENT, "#ffffff", "none"),
    "testing": (ACCENT_LIGHT, ACCENT, INK, "none"),
    "selected": (ACCENT_LIGHT, ACCENT, INK, "none"),
    "idea": ("#ffffff", "#4a4a4a", INK, "none"),
    "abandoned": ("#f2f2f2", "#9a9a9a", MUTED, "4 3"),
    "parked": ("#f2f2f2", "#9a9a9a", MUTED, "4 3"),
}
IDEA_LEGEND = (
    ("adopted", "adopted"),
    ("testing", "being tested"),
    ("idea", "not tested yet"),
    ("abandoned", "dropped"),
)
LINK = "#7d8f9a"


def drivers(
    aim: str,
    primary: Sequence[Primary],
    title: str,
    *,
    most_lines: int = MAX_LABEL_LINES,
    width_units: float = 460,
) -> Drawing:
    """A driver diagram read left to right: aim, primary drivers, secondary drivers, change ideas.

    Every label is wrapped to its column (at most ``most_lines`` lines, cut ones listed); a
    secondary driver that no change idea acts on yet shows an empty dashed box, the gap
    in the team's theory. At 460 units across, 9-unit text prints at 7 pt or more in a
    poster column 127 mm wide (A3 landscape, three columns).
    """
    svg = Svg()
    shortened: list[str] = []
    size, lh, pad, gap, row_gap = 9.0, 11.2, 5.0, 14.0, 6.0
    widths = (92.0, 100.0, 120.0, width_units - 92 - 100 - 120 - 3 * gap)
    xs = (0.0, widths[0] + gap, widths[0] + widths[1] + 2 * gap, widths[0] + widths[1] + widths[2] + 3 * gap)

    def lines_of(text: str, col: int, what: str, bold: bool = False) -> list[str]:
        lines, cut = clamp_lines(wrap(text, widths[col] - 2 * pad, size, bold), most_lines)
        if cut:
            shortened.append(what)
        return lines

    def box_h(lines: Sequence[str]) -> float:
        return len(lines) * lh + 2 * pad - 2

    top = 16.0
    headers = ("Aim", "Primary drivers", "Secondary drivers", "Change ideas")
    for col, head in enumerate(headers):
        svg.add("text", head, x=xs[col], y=10, font_size=size, font_weight="bold", fill=MUTED)

    # Rows: one per secondary driver (or per primary driver without any), ideas stacked in it.
    y = top
    placed: list[
        tuple[
            float,
            float,
            list[str],
            list[tuple[float, float, list[str], float, list[tuple[float, float, list[str], Idea]]]],
        ]
    ] = []
    for p_i, prim in enumerate(primary):
        p_lines = lines_of(prim.label, 1, f"primary driver {p_i + 1}", bold=True)
        start = y
        seconds = []
        for s_i, sec in enumerate(prim.secondary):
            s_lines = lines_of(sec.label, 2, f"secondary driver {p_i + 1}.{s_i + 1}")
            ideas = []
            iy = y
            for idea in sec.ideas:
                i_lines = lines_of(f"{idea.id} {idea.title}".strip(), 3, f"change idea `{idea.id}`")
                ideas.append((iy, box_h(i_lines), i_lines, idea))
                iy += box_h(i_lines) + 4
            ideas_h = iy - y - 4 if sec.ideas else box_h(["none yet"])
            row_h = max(box_h(s_lines), ideas_h)
            seconds.append((y, row_h, s_lines, box_h(s_lines), ideas))
            y += row_h + row_gap
        span = (y - row_gap - start) if prim.secondary else 0.0
        if box_h(p_lines) > span:
            y = start + box_h(p_lines) + row_gap
            span = box_h(p_lines)
        placed.append((start, span, p_lines, seconds))
        y += row_gap  # a little more room between primary drivers
    body_bottom = max(y - 2 * row_gap, top + 20)
    aim_lines, cut = clamp_lines(wrap(aim, widths[0] - 2 * pad, size + 0.5, True), 14)
    if cut:
        shortened.append("the aim")
    aim_h = len(aim_lines) * (lh + 0.5) + 2 * pad
    body_bottom = max(body_bottom, top + aim_h)
    aim_y = top + (body_bottom - top - aim_h) / 2

    def link(x1: float, y1: float, x2: float, y2: float) -> None:
        mid = x1 + gap / 2
        points = f"{_n(x1)},{_n(y1)} {_n(mid)},{_n(y1)} {_n(mid)},{_n(y2)} {_n(x2)},{_n(y2)}"
        svg.add("polyline", points=points, fill="none", stroke=LINK, stroke_width=1.1)

    # The aim.
    svg.add("rect", x=xs[0], y=aim_y, width=widths[0], height=aim_h, rx=4, fill=ACCENT, stroke=ACCENT)
    svg.text_lines(
        aim_lines,
        xs[0] + pad,
        aim_y + pad + size,
        size + 0.5,
        weight="bold",
        color="#ffffff",
        line_height=lh + 0.5,
    )
    aim_mid = aim_y + aim_h / 2
    for start, span, p_lines, seconds in placed:
        ph = box_h(p_lines)
        py = start + (span - ph) / 2
        link(xs[0] + widths[0], aim_mid, xs[1], py + ph / 2)
        svg.add(
            "rect",
            x=xs[1],
            y=py,
            width=widths[1],
            height=ph,
            rx=3,
            fill=ACCENT_LIGHT,
            stroke=ACCENT,
            stroke_width=1.1,
        )
        svg.text_lines(p_lines, xs[1] + pad, py + pad + size - 1, size, weight="bold", line_height=lh)
        for sy, row_h, s_lines, sh, ideas in seconds:
            s_top = sy + (row_h - sh) / 2
            link(xs[1] + widths[1], py + ph / 2, xs[2], s_top + sh / 2)
            svg.add(
                "rect",
                x=xs[2],
                y=s_top,
                width=widths[2],
                height=sh,
                rx=3,
                fill="#ffffff",
                stroke="#4a4a4a",
                stroke_width=1,
            )
            svg.text_lines(s_lines, xs[2] + pad, s_top + pad + size - 1, size, line_height=lh)
            if not ideas:
                eh = box_h(["none yet"])
                ey = sy + (row_h - eh) / 2
                link(xs[2] + widths[2], s_top + sh / 2, xs[3], ey + eh / 2)
                svg.add(
                    "rect",
                    x=xs[3],
                    y=ey,
                    width=widths[3],
                    height=eh,
                    rx=3,
                    fill="none",
                    stroke="#9a9a9a",
                    stroke_width=1,
                    stroke_dasharray="3 3",
                )
                svg.add(
                    "text",
                    "no change idea yet",
                    x=xs[3] + pad,
                    y=ey + pad + size - 1,
                    font_size=size,
                    fill=MUTED,
                )
                continue
            offset = (row_h - (ideas[-1][0] + ideas[-1][1] - sy)) / 2
            for iy, ih, i_lines, idea in ideas:
                fill, stroke, ink, dash = IDEA_STYLES.get(idea.status, IDEA_STYLES["idea"])
                link(xs[2] + widths[2], s_top + sh / 2, xs[3], iy + offset + ih / 2)
                svg.add(
                    "rect",
                    x=xs[3],
                    y=iy + offset,
                    width=widths[3],
                    height=ih,
                    rx=3,
                    fill=fill,
                    stroke=stroke,
                    stroke_width=1,
                    stroke_dasharray=dash,
                )
                svg.text_lines(
                    i_lines, xs[3] + pad, iy + offset + pad + size - 1, size, color=ink, line_height=lh
                )

    # Which change ideas are where.
    legend_y = body_bottom + 16
    x = 0.0
    for status, words in IDEA_LEGEND:
        fill, stroke, _, dash = IDEA_STYLES[status]
        svg.add(
            "rect",
            x=x,
            y=legend_y - 8,
            width=10,
            height=10,
            rx=2,
            fill=fill,
            stroke=stroke,
            stroke_width=1,
            stroke_dasharray=dash,
        )
        svg.add("text", words, x=x + 14, y=legend_y + 1, font_size=size, fill=MUTED)
        x += 14 + width(words, size) + 14
    return Drawing(svg.document(width_units, legend_y + 6, title), shortened)


# ---------------------------------------------------------------------------
# Multi-vote Pareto chart


def pareto(bars: Sequence[Bar], title: str, *, width_units: float = 600) -> Drawing:
    """Votes per idea, most first, with the cumulative share; the chosen ideas stand out."""
    svg = Svg()
    ordered = sorted(bars, key=lambda b: -b.votes)
    total = sum(b.votes for b in ordered) or 1
    most = max((b.votes for b in ordered), default=1) or 1
    label_w = width_units * 0.4
    bar_left = label_w + 10
    bar_w = width_units - bar_left - 110
    size = 10.0
    y = 20.0
    svg.add("text", "votes", x=bar_left, y=12, font_size=9, fill=MUTED)
    svg.add("text", "cumulative", x=width_units - 4, y=12, font_size=9, fill=MUTED, text_anchor="end")
    running = 0
    shortened: list[str] = []
    for bar in ordered:
        lines, cut = clamp_lines(wrap(bar.label, label_w, size, bar.selected), 3)
        if cut:
            shortened.append(f"idea `{bar.label[:30]}`")
        h = max(len(lines) * 12.5, 16) + 8
        running += bar.votes
        svg.text_lines(
            lines,
            label_w,
            y + (h - len(lines) * 12.5) / 2 + 9.5,
            size,
            anchor="end",
            weight="bold" if bar.selected else "normal",
            line_height=12.5,
        )
        length = bar_w * bar.votes / most
        svg.add(
            "rect",
            x=bar_left,
            y=y + 4,
            width=max(length, 1.5),
            height=h - 8,
            rx=2,
            fill=BLUE if bar.selected else GREY_BAR,
        )
        svg.add(
            "text",
            str(bar.votes),
            x=bar_left + length + 5,
            y=y + h / 2 + 3.5,
            font_size=10,
            fill=INK,
            font_weight="bold",
        )
        svg.add(
            "text",
            f"{round(100 * running / total)}%",
            x=width_units - 4,
            y=y + h / 2 + 3.5,
            font_size=9.5,
            fill=MUTED,
            text_anchor="end",
        )
        svg.add("line", x1=0, y1=y + h, x2=width_units, y2=y + h, stroke="#eeeeee", stroke_width=0.8)
        y += h
    legend_y = y + 16
    svg.add("rect", x=bar_left, y=legend_y - 8, width=10, height=10, fill=BLUE)
    svg.add("text", "chosen to test", x=bar_left + 14, y=legend_y + 1, font_size=9, fill=MUTED)
    svg.add("rect", x=bar_left + 110, y=legend_y - 8, width=10, height=10, fill=GREY_BAR)
    svg.add("text", "not chosen", x=bar_left + 124, y=legend_y + 1, font_size=9, fill=MUTED)
    return Drawing(svg.document(width_units, legend_y + 8, title), shortened)


# ---------------------------------------------------------------------------
# The ramp


def ramp(stages: Sequence[tuple[str, str]], title: str, *, width_units: float = 600) -> str:
    """Chevrons for the stages; each (title, state) with state done, current or todo."""
    svg = Svg()
    n = max(len(stages), 1)
    w = width_units / n
    h, tip = 46.0, 14.0
    for i, (name, state) in enumerate(stages):
        x = i * w
        fill, ink = {"done": (ACCENT_LIGHT, ACCENT), "current": (ACCENT, "#ffffff")}.get(
            state, ("#eeeeee", "#8a8a8a")
        )
        left_notch = tip if i else 0
        points = [
            (x, 0),
            (x + w - 3, 0),
            (x + w - 3 + tip, h / 2),
            (x + w - 3, h),
            (x, h),
            (x + left_notch, h / 2),
        ]
        if i == n - 1:
            points = [(x, 0), (x + w, 0), (x + w, h), (x, h), (x + left_notch, h / 2)]
        svg.add("polygon", points=" ".join(f"{_n(px)},{_n(py)}" for px, py in points), fill=fill)
        word = {"done": "done \u2713", "current": "now"}.get(state, "to come")
        cx = x + w / 2 + left_notch / 2
        svg.add("text", name, x=cx, y=20, font_size=13, font_weight="bold", fill=ink, text_anchor="middle")
        svg.add("text", word, x=cx, y=36, font_size=10, fill=ink, text_anchor="middle")
    return svg.document(width_units + tip, h, title)


# ---------------------------------------------------------------------------
# A pathway: microsystems in order, supporting ones apart, hand-offs between them

# The smallest text of these diagrams: 11 units is 7 pt once a 560-unit drawing is
# fitted to a poster column (127 mm: A3 landscape, three columns).
SMALL = 11.0
BADGE_FILL = WAIT_LINE
SUPPORT_FILL = "#f1f3f5"


def _badge(svg: Svg, x: float, y: float, count: int) -> None:
    """A red disc with the number of known failure points, centred on (x, y)."""
    svg.add("circle", cx=x, cy=y, r=8, fill=BADGE_FILL)
    svg.add(
        "text",
        str(count),
        x=x,
        y=y + 3.8,
        font_size=SMALL,
        text_anchor="middle",
        fill="#ffffff",
        font_weight="bold",
    )


def pathway(stops: Sequence[Stop], links: Sequence[Link], title: str, *, width_units: float = 560) -> Drawing:
    """The clinical microsystems top to bottom in pathway order, supporting ones in a column to the left.

    A hand-off to the next microsystem is an arrow straight down, labelled beside it.
    One that skips ahead or goes back leaves its box to the right, runs in a channel and
    comes back into the box it reaches; its label (naming where it goes) is written at
    its start, right of the channels. One from a supporting microsystem comes in from
    the left, labelled over the arrow. A red disc counts a hand-off's known failure points.
    """
    svg = Svg()
    shortened: list[str] = []
    main = [s for s in stops if not s.supporting]
    support = [s for s in stops if s.supporting]
    index = {s.id: i for i, s in enumerate(main)}
    names = {s.id: s.label for s in stops}
    main_links = [lk for lk in links if lk.source in index and lk.target in index]
    skips = sorted(
        (lk for lk in main_links if index[lk.target] != index[lk.source] + 1),
        key=lambda lk: abs(index[lk.target] - index[lk.source]),
    )[:6]
    downs = [lk for lk in main_links if index[lk.target] == index[lk.source] + 1]
    from_support = [
        lk for lk in links if lk.source not in index and lk.source in names and lk.target in index
    ]
    support_w, gutter = (118.0, 84.0) if support else (0.0, 0.0)
    main_x = support_w + gutter
    main_w = 196.0 if support else 220.0
    main_r = main_x + main_w
    cx = main_x + main_w / 2
    channel = 11.0
    label_x = main_r + 10 + channel * len(skips)
    name_size, lh, small_lh = 12.0, 14.5, 12.5

    def box_lines(stop: Stop, w: float) -> tuple[list[str], list[str]]:
        lines, cut = clamp_lines(wrap(stop.label, w - 12, name_size, True), 3)
        if cut:
            shortened.append(f"microsystem `{stop.id}`")
        detail = clamp_lines(wrap(stop.detail, w - 12, SMALL), 2)[0] if stop.detail else []
        return lines, detail

    def label_lines(lk: Link, text: str, w: float, most: int = 3) -> list[str]:
        lines, cut = clamp_lines(wrap(text, w, SMALL), most)
        if cut:
            shortened.append(f"hand-off `{lk.source}` to `{lk.target}`")
        return lines

    # Each straight-down hand-off is labelled left of its arrow, in the gap below the box.
    down_labels = {index[lk.source]: (lk, label_lines(lk, lk.label, main_w / 2 - 14)) for lk in downs}
    rows: list[tuple[float, float, list[str], list[str]]] = []  # top, height, lines, detail
    y = 8.0
    for i, stop in enumerate(main):
        lines, detail = box_lines(stop, main_w)
        h = len(lines) * lh + len(detail) * small_lh + 14
        rows.append((y, h, lines, detail))
        gap = 30.0
        if i in down_labels:
            gap = max(gap, len(down_labels[i][1]) * small_lh + 12)
        y += h + gap
    main_bottom = y - 30.0

    # Supporting microsystems: beside the first box they serve, else below the one before.
    srows: dict[str, tuple[float, float, list[str], list[str]]] = {}
    sy = 8.0
    for stop in support:
        lines, detail = box_lines(stop, support_w)
        h = len(lines) * lh + len(detail) * small_lh + 14
        target = next((lk.target for lk in from_support if lk.source == stop.id), None)
        top = max(rows[index[target]][0] if target is not None else sy, sy)
        srows[stop.id] = (top, h, lines, detail)
        sy = top + h + 12

    def draw_box(
        stop: Stop, x: float, top: float, w: float, h: float, lines: list[str], detail: list[str]
    ) -> None:
        fill = SUPPORT_FILL if stop.supporting else "#ffffff"
        stroke = WAIT_LINE if stop.broken else "#8a8a8a" if stop.supporting else ACCENT
        dash = {"stroke_dasharray": "5 3"} if stop.broken else {}
        svg.add(
            "rect", x=x, y=top, width=w, height=h, rx=4, fill=fill, stroke=stroke, stroke_width=1.4, **dash
        )
        svg.text_lines(lines, x + w / 2, top + 7 + name_size, name_size, anchor="middle", weight="bold",
                       color=INK if stop.supporting else ACCENT, line_height=lh)  # fmt: skip
        svg.text_lines(detail, x + w / 2, top + 7 + name_size + len(lines) * lh, SMALL, anchor="middle",
                       color=WAIT_LINE if stop.broken else MUTED, line_height=small_lh)  # fmt: skip

    for stop, (top, h, lines, detail) in zip(main, rows, strict=True):
        draw_box(stop, main_x, top, main_w, h, lines, detail)
    for stop in support:
        top, h, lines, detail = srows[stop.id]
        draw_box(stop, 0, top, support_w, h, lines, detail)

    # Straight down, labelled on the left of the arrow; the failure disc on its right.
    for i, (lk, lines) in down_labels.items():
        y0, y1 = rows[i][0] + rows[i][1], rows[i + 1][0]
        _arrow(svg, [(cx, y0), (cx, y1)])
        top = (y0 + y1) / 2 - len(lines) * small_lh / 2 + 9
        svg.text_lines(lines, cx - 8, top, SMALL, anchor="end", weight="bold", line_height=small_lh)
        if lk.failures:
            _badge(svg, cx + 14, (y0 + y1) / 2, lk.failures)

    # Skips run in channels right of the boxes; their labels start right of the channels.
    leaving: dict[int, int] = {}
    arriving: dict[int, int] = {}
    free_y = 0.0
    for k, lk in enumerate(skips):
        i, j = index[lk.source], index[lk.target]
        n, m = leaving.get(i, 0), arriving.get(j, 0)
        leaving[i], arriving[j] = n + 1, m + 1
        sy0 = min(rows[i][0] + 12 + n * 9, rows[i][0] + rows[i][1] / 2)
        ty = max(rows[j][0] + rows[j][1] - 10 - m * 9, rows[j][0] + rows[j][1] / 2 + 3)
        x = main_r + 8 + channel * k
        _arrow(svg, [(main_r, sy0), (x, sy0), (x, ty), (main_r, ty)], color=MUTED)
        text = f"to {names[lk.target]}: {lk.label}"
        lx = label_x + (22 if lk.failures else 0)
        lines = label_lines(lk, text, width_units - lx - 2)
        top = max(sy0 + 4, free_y + 11)
        svg.add("line", x1=x, y1=sy0, x2=label_x - 2, y2=top - 4, stroke=RULE, stroke_width=0.9,
                stroke_dasharray="2 2")  # fmt: skip
        if lk.failures:
            _badge(svg, label_x + 8, top - 4, lk.failures)
        svg.text_lines(lines, lx, top, SMALL, color=INK, line_height=small_lh)
        free_y = top + (len(lines) - 1) * small_lh + 6

    # From supporting microsystems on the left, labelled over the arrow.
    arrivals: dict[str, int] = {}
    for k, lk in enumerate(from_support):
        top, h, _, _ = srows[lk.source]
        j = index[lk.target]
        n = arrivals.get(lk.target, 0)
        arrivals[lk.target] = n + 1
        ty = min(rows[j][0] + 12 + n * 22, rows[j][0] + rows[j][1] - 6)
        sy1 = top + h / 2
        mid = support_w + 6 + 7 * (k % 4)
        points = [(support_w, sy1), (mid, sy1), (mid, ty), (main_x, ty)] if abs(sy1 - ty) > 1 else [
            (support_w, ty), (main_x, ty)]  # fmt: skip
        _arrow(svg, points, color=MUTED)
        lx = mid + 4
        if lk.failures:
            _badge(svg, lx + 8, ty - 9, lk.failures)
            lx += 19
        lines = label_lines(lk, lk.label, main_x - lx - 4, 1)
        svg.text_lines(lines, lx, ty - 4, SMALL, color=INK)

    total_h = max(main_bottom, sy - 12, free_y) + 34
    ly = total_h - 10
    _badge(svg, 10, ly - 4, 1)
    svg.add("text", "known failure points of a hand-off", x=24, y=ly, font_size=SMALL, fill=MUTED)
    if support:
        svg.add("rect", x=260, y=ly - 10, width=14, height=12, rx=2, fill=SUPPORT_FILL, stroke="#8a8a8a")
        svg.add("text", "supporting microsystem", x=280, y=ly, font_size=SMALL, fill=MUTED)
    return Drawing(svg.document(width_units, total_h, title), shortened)


# ---------------------------------------------------------------------------
# A value stream map: each step's waiting and working time on one scale


def value_stream(steps: Sequence[StreamBox], unit: str, title: str, *, width_units: float = 560) -> Drawing:
    """One row per step: its name, a bar of waiting then working time, and the two numbers.

    Every bar is on the same scale, so where the time goes (usually waiting, and at the
    hand-offs) shows at a glance. Working time that adds value is green, the rest grey;
    waiting is light red with a dashed edge. The totals are written under it.
    """
    svg = Svg()
    shortened: list[str] = []
    name_w, num_w = 170.0, 132.0
    bar_x = name_w + 8
    bar_w = width_units - bar_x - num_w - 8
    most = max((s.waiting + s.process for s in steps), default=0.0) or 1.0
    y = 24.0
    svg.add("text", "step", x=0, y=13, font_size=SMALL, fill=MUTED)
    svg.add("text", f"waiting, then working ({unit})", x=bar_x, y=13, font_size=SMALL, fill=MUTED)
    svg.add("text", "wait · work", x=width_units, y=13, font_size=SMALL, fill=MUTED, text_anchor="end")
    for i, step in enumerate(steps):
        label = step.label + (" (hand-off)" if step.hand_off else "")
        lines, cut = clamp_lines(wrap(label, name_w, SMALL + 0.5, step.hand_off), 3)
        if cut:
            shortened.append(f"step {i + 1}")
        h = max(len(lines) * 13.0, 18.0) + 8
        svg.text_lines(lines, 0, y + (h - len(lines) * 13) / 2 + 9.5, SMALL + 0.5, line_height=13,
                       weight="bold" if step.hand_off else "normal")  # fmt: skip
        wait = bar_w * step.waiting / most
        work = bar_w * step.process / most
        by = y + h / 2 - 7
        if step.waiting > 0:
            svg.add("rect", x=bar_x, y=by, width=max(wait, 1.5), height=14, fill=WAIT_FILL, stroke=WAIT_LINE,
                    stroke_width=1, stroke_dasharray="3 2")  # fmt: skip
        svg.add("rect", x=bar_x + wait, y=by, width=max(work, 1.5), height=14,
                fill="#2e8b57" if step.value_adding else GREY_BAR)  # fmt: skip
        svg.add("text", f"{_num(step.waiting)} · {_num(step.process)}", x=width_units, y=y + h / 2 + 4,
                font_size=SMALL + 0.5, text_anchor="end", fill=INK)  # fmt: skip
        svg.add("line", x1=0, y1=y + h, x2=width_units, y2=y + h, stroke="#eeeeee", stroke_width=0.8)
        y += h
    ly = y + 16
    svg.add(
        "rect",
        x=0,
        y=ly - 9,
        width=14,
        height=10,
        fill=WAIT_FILL,
        stroke=WAIT_LINE,
        stroke_width=1,
        stroke_dasharray="3 2",
    )
    svg.add("text", "waiting", x=18, y=ly, font_size=SMALL, fill=MUTED)
    svg.add("rect", x=80, y=ly - 9, width=14, height=10, fill="#2e8b57")
    svg.add("text", "adds value", x=98, y=ly, font_size=SMALL, fill=MUTED)
    svg.add("rect", x=178, y=ly - 9, width=14, height=10, fill=GREY_BAR)
    svg.add("text", "does not add value", x=196, y=ly, font_size=SMALL, fill=MUTED)
    return Drawing(svg.document(width_units, ly + 6, title), shortened)


def _num(value: float) -> str:
    return f"{round(value, 1):g}"
