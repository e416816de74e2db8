"""Process maps: every box inside its swim lane, measured on the SVG drawn."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from microsys.render.diagrams import NO_OWNER, flowchart
from microsys.report.common import map_nodes
from microsys.report.shapes import Node
from microsys.workbook.loader import load_workbook
from tests.conftest import EXAMPLES

SVG = "{http://www.w3.org/2000/svg}"
LANE_FILLS = {"#f5f8fa", "#ffffff"}


def _geometry(svg: str) -> tuple[list[tuple[float, float]], list[tuple[float, float]], list[str]]:
    """(lanes as x ranges, boxes as x ranges, header texts) of a drawn flowchart."""
    root = ET.fromstring(svg)
    lanes, boxes = [], []
    for el in root.iter():
        tag = el.tag.removeprefix(SVG)
        if tag == "rect" and el.get("y") == "0" and el.get("fill") in LANE_FILLS:
            x, w = float(el.get("x", "0")), float(el.get("width", "0"))
            lanes.append((x, x + w))
        elif tag == "rect" and el.get("y") != "0":
            x, w = float(el.get("x", "0")), float(el.get("width", "0"))
            boxes.append((x, x + w))
        elif tag == "polygon" and el.get("stroke") is not None:  # a decision (arrowheads have no stroke)
            xs = [float(p.split(",")[0]) for p in (el.get("points") or "").split()]
            boxes.append((min(xs), max(xs)))
        elif tag == "circle":
            cx, r = float(el.get("cx", "0")), float(el.get("r", "0"))
            boxes.append((cx - r, cx + r))
    headers = [el.text or "" for el in root.iter(f"{SVG}text") if el.get("y") == "15"]
    return lanes, boxes, headers


def _inside(box: tuple[float, float], lanes: list[tuple[float, float]]) -> bool:
    return any(lo <= box[0] and box[1] <= hi for lo, hi in lanes)


def _nodes(owners: list[str]) -> list[Node]:
    count = len(owners)
    return [
        Node(
            f"s{i}",
            f"Step {i} with a label long enough to wrap over a few lines in a narrow lane",
            "decision" if i % 3 == 2 else "step",
            owner,
            badge=i if i % 2 else None,
            edges=((f"s{i + 1}", ""),) if i + 1 < count else (),
        )
        for i, owner in enumerate(owners)
    ]


def test_every_box_of_every_example_map_is_inside_its_lane() -> None:
    maps = sorted(EXAMPLES.rglob("process-maps/*.yaml"))
    assert maps
    for folder in {m.parents[1] for m in maps}:
        for pm in load_workbook(folder).process_maps:
            nodes, _ = map_nodes(pm)
            lanes, boxes, headers = _geometry(flowchart(nodes, pm.title).svg)
            assert lanes and boxes
            assert all(_inside(b, lanes) for b in boxes), (folder, pm.id)
            assert "(no owner)" not in headers and NO_OWNER not in headers


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.sampled_from(["nurse", "doctor", "receptionist", "patient", "porter", "pharmacist", "a"]),
        min_size=1,
        max_size=12,
    )
)
def test_boxes_stay_in_their_lanes_however_many_lanes(owners: list[str]) -> None:
    lanes, boxes, _ = _geometry(flowchart(_nodes(owners), "map").svg)
    assert len(lanes) == len(dict.fromkeys(owners))
    assert all(_inside(b, lanes) for b in boxes)
    # Lanes never overlap one another (coordinates are written to 0.1).
    ordered = sorted(lanes)
    assert all(a[1] <= b[0] + 0.15 for a, b in itertools.pairwise(ordered))


def test_a_step_without_owner_is_not_drawn_as_an_owner_called_no_owner() -> None:
    _, _, headers = _geometry(flowchart(_nodes(["nurse", "", "doctor"]), "map").svg)
    assert "(no owner)" not in headers and NO_OWNER in headers
    # A map with no owners at all has no lanes to head.
    lanes, boxes, headers = _geometry(flowchart(_nodes(["", "", ""]), "map").svg)
    assert headers == [] and len(lanes) == 1 and all(_inside(b, lanes) for b in boxes)


def test_seven_lanes_make_a_wider_drawing_not_wider_boxes() -> None:
    svg = flowchart(_nodes(["a", "b", "c", "d", "e", "f", "g"]), "map").svg
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))  # type: ignore[union-attr]
    lanes, boxes, _ = _geometry(svg)
    assert width > 560 and all(_inside(b, lanes) for b in boxes)
