"""What a pathway's reports say, read from the report model: storyboard sections, figures, 5V summary.

The end-to-end renders are in tests/cli/test_pathway_report.py. Expected values are
read from the example's own files wherever they can be, so the tests follow the data.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microsys.render.figures import draw
from microsys.report.kinds import BUILDERS, file_stem
from microsys.report.model import (
    BigRoomSection,
    FiveVsSection,
    FiveVSummary,
    MeasuresSection,
    PathwayFigure,
    PathwaySection,
    Playbook,
    StoriesSection,
    Storyboard,
    Summary,
    ValueStreamFigure,
    ValueStreamSection,
)
from microsys.report.storyboard import SECTIONS, storyboard
from microsys.report.text import width
from microsys.workbook.loader import load_workbook
from microsys.workbook.valuestream import totals
from tests.conftest import EXAMPLES, NOT_SOURCE, call

TODAY = dt.date(2026, 11, 22)
SEPSIS = EXAMPLES / "sepsis-big-room"
HEART = EXAMPLES / "heart-attack-journey"
MICRO_ONLY = {s.id for s in SECTIONS if s.kinds == {"microsystem"}}
PATHWAY_ONLY = {s.id for s in SECTIONS if s.kinds == {"pathway"}}
# A poster column on A3 landscape (three columns): the width a diagram is fitted to.
COLUMN_MM = 127.0
MM_PER_PT = 25.4 / 72


def board(root: Path) -> Storyboard:
    body = storyboard(load_workbook(root), TODAY).body
    assert isinstance(body, Storyboard)
    return body


def copy(example: Path, tmp_path: Path) -> Path:
    """A private copy of a pathway example (the pathway and its linked workbooks); its pathway folder."""
    dest = tmp_path / example.name
    shutil.copytree(example, dest, ignore=NOT_SOURCE)
    return dest / "pathway"


@pytest.fixture
def new_pathway(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """A pathway workbook just made by `microsys init --pathway --no-input`."""
    root = tmp_path / "sepsis"
    code, _, err = call(capsys, "init", str(root), "--pathway", "--condition", "sepsis", "--no-input")
    assert code == 0, err
    return root


# --- sections belong to kinds of workbook -------------------------------------------------


def test_every_section_belongs_to_a_kind_and_pathways_have_their_own() -> None:
    assert all(s.kinds and s.kinds <= {"microsystem", "pathway"} for s in SECTIONS)
    assert {"purpose", "fiveps", "process_map"} <= MICRO_ONLY
    assert {"pathway", "big_room", "fivevs", "value_stream", "stories"} <= PATHWAY_ONLY


@pytest.mark.parametrize("root", [SEPSIS / "pathway", HEART / "pathway"], ids=["sepsis", "heart"])
def test_a_pathway_poster_has_no_5ps_and_lists_only_its_own_sections(root: Path) -> None:
    b = board(root)
    named = {p.id for p in b.sections} | {n.id for n in b.not_yet}
    assert not named & MICRO_ONLY
    assert {p.id for p in b.sections} >= PATHWAY_ONLY
    # The Flow roadmap asks for no fishbone: its absence is not "not recorded".
    assert "fishbone" not in {n.id for n in b.not_yet}
    assert b.header.workbook == "pathway" and b.header.report_title == "Storyboard"
    assert [c.kind for c in b.header.co_coaches] == ["clinical", "external"]


def test_a_microsystem_poster_has_no_pathway_sections() -> None:
    for root in (EXAMPLES / "sheffield-cf-clinic", EXAMPLES / "millbrook-surgery"):
        b = board(root)
        assert not ({p.id for p in b.sections} | {n.id for n in b.not_yet}) & PATHWAY_ONLY
        assert b.header.workbook == "microsystem" and b.header.co_coaches == ()


# --- the microsystems and their hand-offs -----------------------------------------------------


@pytest.mark.parametrize("example", [SEPSIS, HEART], ids=["sepsis", "heart"])
def test_the_microsystems_are_in_pathway_order_each_with_its_own_ramp_stage(example: Path) -> None:
    wb = load_workbook(example / "pathway")
    pathway = wb.pathway
    assert pathway is not None
    section = board(example / "pathway").section("pathway")
    assert isinstance(section, PathwaySection)
    assert [m.id for m in section.microsystems] == [m.id for m in pathway.microsystems]
    for item, link in zip(section.microsystems, pathway.microsystems, strict=True):
        linked = load_workbook(example / "pathway" / link.path)
        assert item.stage == linked.ramp.stage.capitalize()
        assert item.state == "ok" and item.note == ""
        manifest = linked.manifest
        assert manifest is not None and item.name == (link.name or manifest.name)
        assert item.role == link.role
    assert [h.id for h in section.hand_offs] == [h.id for h in pathway.hand_offs]
    # The measures watching a hand-off are called by their names, not their file ids.
    named = {m.id: m.name for m in wb.measures}
    for item, h in zip(section.hand_offs, pathway.hand_offs, strict=True):
        assert list(item.failure_points) == h.failure_points
        assert list(item.measures) == [named[m] for m in h.measures]
        assert set(item.measures).isdisjoint(h.measures)


def test_the_figure_sets_supporting_microsystems_apart_and_counts_failure_points() -> None:
    wb = load_workbook(HEART / "pathway")
    pathway = wb.pathway
    assert pathway is not None
    figure = next(f for f in storyboard(wb, TODAY).figures if isinstance(f, PathwayFigure))
    assert [s.id for s in figure.stops] == [m.id for m in pathway.microsystems]
    assert (
        {s.id for s in figure.stops if s.supporting}
        == {m.id for m in pathway.microsystems if m.role == "supporting"}
        == {"pharmacy", "radiology"}
    )
    assert [(lk.source, lk.target, lk.failures) for lk in figure.links] == [
        (h.from_, h.to, len(h.failure_points)) for h in pathway.hand_offs
    ]
    svg, shortened = draw(figure)
    assert shortened == []
    text = re.sub(r"<[^>]+>", " ", svg)
    for stop in figure.stops:
        assert all(word in text for word in stop.label.split()), stop.label
    # One arrowhead per hand-off between linked microsystems.
    assert svg.count("<polygon") == len(figure.links)
    # A disc for each hand-off with failure points, and one in the legend.
    assert svg.count("<circle") == sum(1 for lk in figure.links if lk.failures) + 1


def _font_sizes(svg: str) -> tuple[float, list[float]]:
    view = re.search(r'viewBox="0 0 ([\d.]+) ', svg)
    assert view is not None
    return float(view.group(1)), [float(x) for x in re.findall(r'font-size="([\d.]+)"', svg)]


@pytest.mark.parametrize("example", [SEPSIS, HEART], ids=["sepsis", "heart"])
def test_the_pathway_diagrams_are_legible_in_a_poster_column(example: Path) -> None:
    report = storyboard(load_workbook(example / "pathway"), TODAY)
    drawn = [f for f in report.figures if isinstance(f, PathwayFigure | ValueStreamFigure)]
    assert {f.kind for f in drawn} == {"pathway", "value-stream"}
    for figure in drawn:
        svg, _ = draw(figure)
        view_width, sizes = _font_sizes(svg)
        smallest_pt = min(sizes) / view_width * COLUMN_MM / MM_PER_PT
        assert smallest_pt >= 7.0, (figure.name, smallest_pt)


def test_long_names_and_labels_are_wrapped_inside_their_boxes_and_said_when_cut() -> None:
    from microsys.render.diagrams import pathway as draw_pathway
    from microsys.report.shapes import Link, Stop

    long = "Department of " + " ".join(["very"] * 60) + " long name"
    stops = [Stop("a", long), Stop("b", "Acute medical unit"), Stop("c", long, supporting=True)]
    links = [Link("a", "b", "patient, information, services " * 8, 3), Link("c", "b", "services", 1)]
    drawing = draw_pathway(stops, links, "A pathway")
    assert "microsystem `a`" in drawing.shortened and "hand-off `a` to `b`" in drawing.shortened
    for match in re.finditer(r'<text [^>]*font-size="([\d.]+)"[^>]*>([^<]*)</text>', drawing.svg):
        size, line = float(match.group(1)), match.group(2)
        assert width(line, size, True) <= 260, line  # no line wider than the widest box


# --- the other pathway sections -----------------------------------------------------------------


@pytest.mark.parametrize("example", [SEPSIS, HEART], ids=["sepsis", "heart"])
def test_the_value_stream_gives_lead_time_and_value_added_ratio(example: Path) -> None:
    wb = load_workbook(example / "pathway")
    section = board(example / "pathway").section("value_stream")
    assert isinstance(section, ValueStreamSection)
    vsm = next(m for m in wb.value_streams if m.title == section.title)
    t = totals(vsm)
    assert section.lead_time.startswith(f"{round(t.lead_time, 1):g} {vsm.unit}")
    assert t.value_added_ratio is not None
    assert (
        section.ratio == f"{t.value_added_ratio * 100:.0f}%"
        or section.ratio == f"{t.value_added_ratio * 100:.1f}%"
    )
    assert section.steps == len(vsm.steps) and section.figure is not None
    longest = max(vsm.steps, key=lambda s: s.waiting_time)
    assert section.longest_wait.endswith(f"before {longest.name}")


def test_the_value_stream_in_days_when_it_runs_to_days() -> None:
    section = board(HEART / "pathway").section("value_stream")
    assert isinstance(section, ValueStreamSection)
    assert section.unit == "hours" and "days)" in section.lead_time


@pytest.mark.parametrize("example", [SEPSIS, HEART], ids=["sepsis", "heart"])
def test_the_big_room_counts_meetings_attendance_and_patients(example: Path) -> None:
    wb = load_workbook(example / "pathway")
    rooms = wb.big_room
    section = board(example / "pathway").section("big_room")
    assert isinstance(section, BigRoomSection)
    assert section.meetings == len(rooms) == len(list((example / "pathway" / "big-room").glob("*.yaml")))
    counted = [r.attendees for r in rooms if r.attendees is not None]
    assert section.attendance.startswith(f"{sum(counted) / len(counted):.0f} people")
    assert f"at {sum(1 for r in rooms if r.patients)} of {len(rooms)} meetings" in section.patients
    assert [c.kind for c in section.co_coaches] == ["clinical", "external"]
    assert len(section.microsystems) == len(wb.pathway.microsystems)  # type: ignore[union-attr]


def test_the_5vs_stories_and_measures_of_the_sepsis_big_room() -> None:
    wb = load_workbook(SEPSIS / "pathway")
    b = board(SEPSIS / "pathway")
    fivevs = b.section("fivevs")
    assert isinstance(fivevs, FiveVsSection) and not fivevs.large  # the big room is in Treat
    assert [i.v for i in fivevs.items] == ["Value", "inVolve", "Visualisation", "eVidence", "Vision"]
    stories = b.section("stories")
    assert isinstance(stories, StoriesSection)
    newest = sorted(wb.stories, key=lambda s: s.date or dt.date.min, reverse=True)
    assert [s.title for s in stories.items] == [s.title for s in newest][:2]
    measures = b.section("measures")
    assert isinstance(measures, MeasuresSection)
    # The aims' measures, then the pathway's others (the cases it finds), each charted.
    assert {m.id for m in measures.items} == {m.id for m in wb.measures}
    assert all(m.chart for m in measures.items)


def test_a_big_room_in_assess_shows_more_of_the_5vs_and_stories(tmp_path: Path) -> None:
    root = copy(SEPSIS, tmp_path)
    ramp = root / "ramp.yaml"
    ramp.write_text(
        re.sub(r"(?m)^stage: \w+", "stage: assess", ramp.read_text(encoding="utf-8")), encoding="utf-8"
    )
    b = board(root)
    fivevs = b.section("fivevs")
    assert isinstance(fivevs, FiveVsSection) and fivevs.large
    assert max(len(i.lines) for i in fivevs.items) > 2
    stories = b.section("stories")
    assert isinstance(stories, StoriesSection) and len(stories.items) == len(load_workbook(root).stories)


# --- edge cases: a new pathway, a broken link --------------------------------------------------


def test_a_new_pathway_lists_its_own_sections_still_to_come(new_pathway: Path) -> None:
    report = storyboard(load_workbook(new_pathway), TODAY)
    b = report.body
    assert isinstance(b, Storyboard)
    assert [p.id for p in b.sections] == ["big_room"]  # init sets the weekly hour aside
    waiting = {n.id for n in b.not_yet}
    assert {"pathway", "fivevs", "stories", "value_stream"} <= waiting
    assert not waiting & MICRO_ONLY and not any(n.missing for n in b.not_yet)
    assert [f.kind for f in report.figures] == ["ramp"]
    s = BUILDERS["summary"](load_workbook(new_pathway), TODAY).body
    assert isinstance(s, FiveVSummary)
    assert s.pathway is None and s.stories == () and s.themes == ()
    assert s.missing == ("Value", "inVolve", "Visualisation", "eVidence", "Vision")


def test_a_broken_or_missing_linked_workbook_is_said_and_the_report_still_made(tmp_path: Path) -> None:
    root = copy(SEPSIS, tmp_path)
    amu = root.parent / "acute-medical-unit" / "microsys.yaml"
    amu.write_text(amu.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    shutil.rmtree(root.parent / "haematology")
    report = storyboard(load_workbook(root), TODAY)
    section = cast(Storyboard, report.body).section("pathway")
    assert isinstance(section, PathwaySection)
    states = {m.id: (m.state, m.stage, m.note) for m in section.microsystems}
    state, stage, note = states["amu"]
    assert state == "errors" and stage == "Treat"  # its ramp.yaml is fine
    assert note.startswith("its workbook has 1 error(s)") and "microsys check ../acute-medical-unit" in note
    assert states["haematology"] == ("missing", "", "no workbook found at ../haematology")
    figure = next(f for f in report.figures if isinstance(f, PathwayFigure))
    assert {s.id for s in figure.stops if s.broken} == {"amu", "haematology"}
    svg, _ = draw(figure)
    assert "workbook not found" in svg and "1 error(s)" in svg


def test_a_linked_name_holding_an_identifier_is_not_shown(tmp_path: Path) -> None:
    root = copy(SEPSIS, tmp_path)
    amu = root.parent / "acute-medical-unit" / "microsys.yaml"
    text = amu.read_text(encoding="utf-8")
    amu.write_text(
        re.sub(r"(?m)^name: .*$", "name: AMU of Mr John Smith, NHS 943 476 5919", text), encoding="utf-8"
    )
    report = storyboard(load_workbook(root), TODAY)
    assert "943 476 5919" not in str(report.data) and "John Smith" not in str(report.data)
    section = cast(Storyboard, report.body).section("pathway")
    assert isinstance(section, PathwaySection)
    assert next(m.name for m in section.microsystems if m.id == "amu") == "amu"


# --- the 5V summary and the playbook -----------------------------------------------------------


@pytest.mark.parametrize("example", [SEPSIS, HEART], ids=["sepsis", "heart"])
def test_a_pathway_summary_is_of_the_5vs(example: Path) -> None:
    wb = load_workbook(example / "pathway")
    report = BUILDERS["summary"](wb, TODAY)
    s = report.body
    assert isinstance(s, FiveVSummary) and report.template == "summary-5v"
    assert s.header.report_title == "5V summary" and s.missing == ()
    assert s.value is not None and wb.value is not None
    assert list(s.value.what) == wb.value.what_patients_value
    assert s.visualisation is not None and len(s.visualisation.streams) == len(wb.value_streams)
    assert s.evidence is not None and [g.name for g in s.evidence.groups] == [
        "Demand",
        "Flow",
        "Waiting",
        "Waste",
    ]
    assert len(s.stories) == len(wb.stories) and s.pathway is not None
    # A story names its hand-offs by the microsystems' names, as the pathway section does.
    names = {m.name for m in s.pathway.microsystems}
    for story in s.stories:
        for hand_off in story.hand_offs:
            source, target = hand_off.split(" → ")
            assert source in names and target in names, hand_off
    assert {f.kind for f in report.figures} == {"pathway", "value-stream"}
    assert file_stem("summary", pathway=True) == "5v-summary"


def test_a_microsystem_summary_is_still_of_the_5ps() -> None:
    report = BUILDERS["summary"](load_workbook(EXAMPLES / "millbrook-surgery"), TODAY)
    assert isinstance(report.body, Summary) and report.template == "summary"
    assert report.body.header.report_title == "5P summary"
    assert file_stem("summary", pathway=False) == "5p-summary"


def test_a_pathway_playbook_holds_its_standard_for_a_hand_off(tmp_path: Path) -> None:
    root = copy(SEPSIS, tmp_path)
    (root / "playbook").mkdir()
    (root / "playbook" / "first-dose.yaml").write_text(
        "id: first-dose\n"
        "title: First dose before transfer\n"
        "purpose: Every patient with sepsis has the first antibiotic dose before leaving the ED.\n"
        "steps:\n"
        "  - step: Give the first dose in the ED\n"
        "    who: ED nurse\n"
        "  - step: Hand over the sepsis screen with the patient\n"
        "    who: ED nurse\n"
        "measures: [antibiotics-within-hour]\n",
        encoding="utf-8",
    )
    wb = load_workbook(root)
    assert not [d for d in wb.diagnostics if d.rule.startswith("schema")], wb.diagnostics
    body = BUILDERS["playbook"](wb, TODAY).body
    assert isinstance(body, Playbook)
    (chapter,) = body.chapters
    assert chapter.title == "First dose before transfer" and chapter.figure == "steps-first-dose.svg"
    assert [m.id for m in chapter.measures] == ["antibiotics-within-hour"]


def test_links_that_are_absolute_or_name_a_pathway_are_said(tmp_path: Path) -> None:
    from microsys.workbook.pathwaylinks import linked_microsystems

    root = copy(SEPSIS, tmp_path)
    pathway = root / "pathway.yaml"
    text = pathway.read_text(encoding="utf-8")
    text = text.replace("path: ../haematology", "path: /srv/haematology").replace(
        "path: ../ed-south", "path: ."
    )
    pathway.write_text(text, encoding="utf-8")
    states = {s.link.id: (s.state, s.stage) for s in linked_microsystems(load_workbook(root))}
    assert states["haematology"] == ("absolute", None) and states["ed-south"] == ("pathway", None)
    section = board(root).section("pathway")
    assert isinstance(section, PathwaySection)
    notes = {m.id: m.note for m in section.microsystems}
    assert notes["haematology"] == "/srv/haematology is not a relative path"
    assert notes["ed-south"] == ". is a pathway, not a microsystem"
    assert linked_microsystems(load_workbook(EXAMPLES / "millbrook-surgery")) == []


LABEL = st.text(st.characters(blacklist_categories=("Cs",)), max_size=120)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(LABEL, st.booleans()), min_size=1, max_size=9),
    st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8), LABEL, st.integers(0, 9)), max_size=12),
)
def test_any_names_and_hand_offs_draw_a_plain_svg(
    stops: list[tuple[str, bool]], links: list[tuple[int, int, str, int]]
) -> None:
    import xml.etree.ElementTree as ET

    from microsys.render.diagrams import pathway as draw_pathway
    from microsys.render.svgcheck import plain, problem
    from microsys.report.shapes import Link, Stop

    shapes = [Stop(f"m{i}", label, supporting) for i, (label, supporting) in enumerate(stops)]
    arrows = [
        Link(f"m{a}", f"m{b}", label, failures)
        for a, b, label, failures in links
        if a < len(shapes) and b < len(shapes) and a != b
    ]
    svg = plain(draw_pathway(shapes, arrows, "A pathway").svg)
    assert problem(svg) is None
    ET.fromstring(svg)
