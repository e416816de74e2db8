"""What each report says, read from the report model: no typesetting, no PDF.

The end-to-end tests in tests/cli/test_report.py prove that the model reaches the
page; these prove what the model holds, for the examples and for edge cases (a new
workbook, one cycle, twenty cycles, every stage of the ramp).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from microsys.ramp.criteria import STAGES
from microsys.render.typeset import prepare_text
from microsys.report.kinds import BUILDERS
from microsys.report.model import (
    FIGURE_KINDS,
    ChartFigure,
    CyclesSection,
    DriverFigure,
    DriversSection,
    FivePsSection,
    LessonsSection,
    Prose,
    ResultsSection,
    Storyboard,
    SustainSection,
    to_json,
)
from microsys.report.playbook import playbook
from microsys.report.storyboard import SECTIONS, storyboard
from microsys.report.summary import summary
from microsys.report.text import ZWSP
from microsys.workbook.loader import load_workbook
from tests.conftest import EXAMPLES, NOT_SOURCE, call

TODAY = dt.date(2026, 11, 22)
CF = EXAMPLES / "sheffield-cf-clinic"
MILLBROOK = EXAMPLES / "millbrook-surgery"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "report"
FORMATS = ("typ", "html.j2", "md.j2")


def board(root: Path, today: dt.date = TODAY, budget: float = 1.0) -> Storyboard:
    body = storyboard(load_workbook(root), today, budget=budget).body
    assert isinstance(body, Storyboard)
    return body


@pytest.fixture
def new_workbook(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    """A workbook just made by `microsys init --no-input`."""
    root = tmp_path / "new"
    code, _, err = call(capsys, "init", str(root), "--no-input")
    assert code == 0, err
    return root


# --- the table of storyboard sections and its templates -------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sid", [s.id for s in SECTIONS])
def test_every_storyboard_section_has_a_template_in_every_format(sid: str, fmt: str) -> None:
    partial = TEMPLATES / "storyboard" / f"{sid}.{fmt}"
    assert partial.is_file(), f"add templates/report/storyboard/{sid}.{fmt}"


def test_no_section_template_is_left_without_its_section() -> None:
    ids = {s.id for s in SECTIONS}
    for path in (TEMPLATES / "storyboard").iterdir():
        assert path.name.split(".")[0] in ids, f"{path.name} belongs to no section in SECTIONS"
    assert len(ids) == len(SECTIONS)
    assert [s.stage for s in SECTIONS] == sorted((s.stage for s in SECTIONS), key=STAGES.index)


def test_every_figure_kind_has_a_drawer() -> None:
    from microsys.render.figures import DRAWERS

    for kind in FIGURE_KINDS:
        assert kind is ChartFigure or kind in DRAWERS, f"{kind.__name__} has no drawer in render/figures.py"


def test_each_diagram_of_the_examples_is_drawn_as_svg() -> None:
    from microsys.render.figures import draw

    figures = [f for f in storyboard(load_workbook(CF), TODAY).figures if not isinstance(f, ChartFigure)]
    assert {f.kind for f in figures} == {"ramp", "flowchart", "fishbone", "pareto", "drivers"}
    for f in figures:
        svg, _ = draw(f)
        assert svg.startswith("<svg") and "</svg>" in svg, f.name


# --- the CF clinic: a team in Sustain ---------------------------------------------------


def test_the_cf_clinic_storyboard_shows_every_section_in_ramp_order() -> None:
    b = board(CF)
    assert [p.id for p in b.sections] == [s.id for s in SECTIONS if "microsystem" in s.kinds]
    assert b.not_yet == ()
    assert b.header.stage == "sustain" and b.header.as_of == "16 Nov 2026"
    assert [s.state for s in b.header.stages] == ["done", "done", "done", "current"]
    assert b.header.team[0].name == "Dr Martin Wildman" and b.header.team[0].lead
    assert any(m.patient for m in b.header.team)


def test_the_cf_clinic_cycles_results_and_lessons() -> None:
    b = board(CF)
    cycles = b.section("cycles")
    assert isinstance(cycles, CyclesSection)
    assert [(c.id, c.decision) for c in cycles.items] == [
        ("PDSA-1", "adapt"),
        ("PDSA-2", "adopt"),
        ("PDSA-3", "adopt"),
        ("PDSA-4", "abandon"),
        ("PDSA-5", "adopt"),
    ]
    assert cycles.items[0].dates == "10 Mar 2026"
    results = b.section("results")
    assert isinstance(results, ResultsSection)
    wait, seen = results.items
    assert (wait.measure, wait.baseline, wait.target, wait.now, wait.unit, wait.met) == (
        "Mean clinic waiting time",
        "40 minutes",
        "10 minutes",
        "9.45 minutes",
        "minutes",
        "yes",
    )
    # "Now" is explained, and coloured only by the chart's signal at its latest point.
    assert results.note.startswith("Now: the median of the last 6 values")
    assert wait.recent == 6 and wait.signal == "none"
    assert (seen.baseline, seen.target, seen.unit) == ("5%", "80%", "")  # a proportion as a percentage
    lessons = b.section("lessons")
    assert isinstance(lessons, LessonsSection) and lessons.items[0].cycle == "PDSA-1"
    sustain = b.section("sustain")
    assert isinstance(sustain, SustainSection) and sustain.playbook[0].title == "The CF clinic day"


def test_the_cf_clinic_figures_are_named_by_what_they_show() -> None:
    report = storyboard(load_workbook(CF), TODAY)
    assert [f.name for f in report.figures] == [
        "ramp.svg",
        "map-clinic-visit-2026.svg",
        "fishbone-clinic-waits.svg",
        "drivers-clinic-flow.svg",
        "pareto.svg",
        # Every measure the team tracks that can be judged: outcome, process, balancing (aim
        # measures first); the adherence measure (6 values) is named as too few to judge.
        "chart-clinic-wait.svg",
        "chart-seen-within-15.svg",
        "chart-clinic-overrun.svg",
    ]
    charts = [f for f in report.figures if isinstance(f, ChartFigure)]
    # A poster chart leaves the point notes to the playbook.
    assert all(f.poster and not any(p.note for p in f.analysis.points) for f in charts)
    data = report.data
    assert {m["chart"] for m in data["sections"]["measures"]["items"]} == {f.name for f in charts}


def test_a_smaller_budget_cuts_more_texts_and_says_where() -> None:
    full = storyboard(load_workbook(CF), TODAY)
    tight = storyboard(load_workbook(CF), TODAY, budget=0.2)
    assert set(full.shortened) < set(tight.shortened)
    assert "Global aim: aims.yaml" in tight.shortened
    ga = tight.body.section("global_aim")  # type: ignore[union-attr]
    assert ga is not None and ga.text.endswith("(continued in the workbook: aims.yaml)")  # type: ignore[union-attr]


def test_the_cf_clinic_playbook_has_a_chapter_with_its_measures_and_sdsa() -> None:
    report = playbook(load_workbook(CF), TODAY)
    (chapter,) = report.body.chapters  # type: ignore[union-attr]
    assert chapter.title == "The CF clinic day" and chapter.review == "4 Mar 2027"
    assert chapter.figure == "steps-cf-clinic-day.svg"
    # The entry standardises C1, C3 and C5: the driver diagram holding them says why.
    assert chapter.drivers == "drivers-clinic-flow.svg"
    assert chapter.drivers in [f.name for f in report.figures]
    assert [m.chart for m in chapter.measures] == [
        "chart-clinic-wait.svg",
        "chart-seen-within-15.svg",
        "chart-clinic-overrun.svg",
    ]
    assert "SDSA-2" in [s.id for s in chapter.sdsa]
    # The playbook keeps the point notes the poster leaves out.
    assert not all(f.poster for f in report.figures if isinstance(f, ChartFigure))


def test_the_cf_clinic_summary_compares_the_latest_self_assessment_with_the_first() -> None:
    s = summary(load_workbook(CF), TODAY).body
    assert s.missing == ()  # type: ignore[union-attr]
    rating = s.self_assessment.ratings[0]  # type: ignore[union-attr]
    assert (rating.name, rating.score, rating.first) == ("Leadership", "3.9", "3.4")


def test_a_score_and_its_unit_read_as_people_write_them() -> None:
    s = summary(load_workbook(CF), TODAY).body
    assert s.professionals.morale[0].score == "3.1 out of 5"  # type: ignore[union-attr]
    assert s.patients.experience[0].score == "71%"  # type: ignore[union-attr]
    fiveps = board(CF, budget=1.0).section("fiveps")
    lines = [line for item in fiveps.items for line in item.lines]  # type: ignore[union-attr]
    assert any(line.endswith(": 71%") for line in lines), lines


def test_every_role_is_on_the_poster_or_named_as_shortened() -> None:
    wb = load_workbook(CF)
    report = storyboard(wb, TODAY)
    fiveps = report.body.section("fiveps")  # type: ignore[union-attr]
    professionals = next(i for i in fiveps.items if i.p == "Professionals")  # type: ignore[union-attr]
    text = " ".join(professionals.lines)
    roles = [r.role for r in wb.professionals.roles]  # type: ignore[union-attr]
    assert "clinic receptionist" in roles
    missing = [r for r in roles if r not in text]
    assert missing == [] or "5Ps: 5ps/professionals.yaml" in report.shortened, missing
    # On a tight budget the line is cut, and the cut is said.
    tight = storyboard(wb, TODAY, budget=0.2)
    assert "5Ps: 5ps/professionals.yaml" in tight.shortened


def test_lists_longer_than_the_poster_shows_are_named_and_shown_in_full_without_a_page(
    tmp_path: Path,
) -> None:
    root = tmp_path / "cf"
    shutil.copytree(CF, root, ignore=NOT_SOURCE)
    patients = root / "5ps" / "patients.yaml"
    quotes = "".join(f'  - "Quote number {i} from a patient"\n' for i in range(5))
    text = patients.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^what_patients_say:\n(  - .*\n)+", lambda _: "what_patients_say:\n" + quotes, text)
    patients.write_text(text, encoding="utf-8")
    maps = root / "process-maps"
    (maps / "second.yaml").write_text(
        (maps / "clinic-visit-2026.yaml")
        .read_text(encoding="utf-8")
        .replace("id: clinic-visit-2026", "id: second"),
        encoding="utf-8",
    )
    wb = load_workbook(root)
    poster = storyboard(wb, TODAY)
    assert any(s == "5Ps: 5ps/patients.yaml (the poster shows 1 of 5 quotes)" for s in poster.shortened), (
        poster.shortened
    )
    assert any(s.startswith("The process as it was: process-maps/") for s in poster.shortened), (
        poster.shortened
    )
    full = storyboard(wb, TODAY, budget=None)
    items = full.body.section("fiveps").items  # type: ignore[union-attr]
    assert len(next(i for i in items if i.p == "Patients").quotes) == 5
    assert "continued in the workbook" not in json.dumps(full.data, default=str)


def test_the_cf_clinic_driver_diagram_links_aim_drivers_ideas_and_causes() -> None:
    report = storyboard(load_workbook(CF), TODAY)
    section = report.body.section("drivers")  # type: ignore[union-attr]
    assert isinstance(section, DriversSection)
    assert section.aim.startswith("Mean wait from check-in to first being seen will fall from 40 to 10")
    assert [i.driver for i in section.items][:2] == [
        "The whole team knows who is coming and what each patient needs",
        "Results are ready before the visit",
    ]
    assert section.items[1].ideas == (
        "C2 Blood tests at the GP surgery the week before clinic",
        "C4 Clinic preparation list with results checked two days before",
    )
    assert section.items[0].causes[0] == "no plan for each patient before clinic starts"
    assert section.items[-1].ideas == ()  # a driver nothing acts on yet: the gap shows
    assert section.measures == ("Patients seen within 15 minutes of arrival",)
    (figure,) = [f for f in report.figures if isinstance(f, DriverFigure)]
    assert figure.name == section.figure and figure.most_lines == 12
    assert [p.label for p in figure.primary] == [
        "Each visit is planned before the patient arrives",
        "Arrivals match the team's capacity",
        "Staff move, not patients",
    ]
    statuses = {i.id: i.status for p in figure.primary for s in p.secondary for i in s.ideas}
    assert statuses == {"C1": "adopted", "C2": "abandoned", "C4": "idea", "C5": "adopted", "C3": "adopted"}
    # A poster cut to fit gives the diagram's labels fewer lines.
    tight = storyboard(load_workbook(CF), TODAY, budget=0.5)
    assert [f.most_lines for f in tight.figures if isinstance(f, DriverFigure)] == [3]


def _cf_with_diagram(tmp_path: Path, text: str | None) -> Path:
    root = tmp_path / "cf"
    shutil.copytree(CF, root, ignore=NOT_SOURCE)
    path = root / "driver-diagrams" / "clinic-flow.yaml"
    if text is None:
        path.unlink()
    else:
        path.write_text(text, encoding="utf-8")
    return root


def test_a_driver_diagram_of_another_aim_or_still_empty_is_not_drawn(tmp_path: Path) -> None:
    empty = "id: clinic-flow\naim: SA1\nprimary:\n  - driver: '...'\n    secondary:\n      - driver: '...'\n"
    b = board(_cf_with_diagram(tmp_path / "a", empty))
    assert b.section("drivers") is None
    assert "drivers" in [n.id for n in b.not_yet if n.missing]  # Diagnose is past: it is missing
    b = board(_cf_with_diagram(tmp_path / "b", None))
    assert b.section("drivers") is None
    other = "id: clinic-flow\naim: GA9\nprimary:\n  - driver: something\n"
    assert board(_cf_with_diagram(tmp_path / "c", other)).section("drivers") is None


def test_a_driver_diagram_of_the_global_aim_shows_its_process_and_primary_drivers_alone(
    tmp_path: Path,
) -> None:
    text = "id: clinic-flow\naim: GA1\nprimary:\n  - driver: Fewer hand-offs\n"
    section = board(_cf_with_diagram(tmp_path, text)).section("drivers")
    assert isinstance(section, DriversSection)
    assert section.aim == "Improve the flow of patients through the adult CF outpatient clinic"
    assert [(i.primary, i.driver, i.ideas) for i in section.items] == [("Fewer hand-offs", "", ())]
    assert section.measures == ()


def test_the_driver_diagram_wraps_long_labels_and_keeps_its_text_at_least_9_units(tmp_path: Path) -> None:
    from microsys.render.diagrams import drivers as draw_drivers
    from microsys.report.shapes import Idea, Primary, Secondary

    long = "a very long secondary driver " * 3
    drawing = draw_drivers(
        "aim",
        [Primary("p", (Secondary(long.strip(), (Idea("C1", "x " * 80, "testing"),)),))],
        "Driver diagram",
        most_lines=6,
    )
    assert drawing.shortened == ["change idea `C1`"]  # 160 characters in a narrow box: cut, and said
    words = re.findall(r">([^<]*)</text>", drawing.svg)
    assert "a very long secondary" in " ".join(words) and "driver a very long" in " ".join(words)
    assert min(float(x) for x in re.findall(r'font-size="([\d.]+)"', drawing.svg)) >= 9


# --- Millbrook: a team in Diagnose ------------------------------------------------------


def test_a_team_in_diagnose_sees_what_is_still_to_come() -> None:
    b = board(MILLBROOK)
    assert [p.id for p in b.sections] == ["purpose", "fiveps", "theme", "global_aim"]
    assert [n.id for n in b.not_yet][:2] == ["process_map", "specific_aims"]
    assert not any(n.missing for n in b.not_yet)  # nothing of a past stage is missing
    theme = b.section("theme")
    assert theme is not None and theme.title == "Getting through at 8 o'clock"  # type: ignore[union-attr]
    assert playbook(load_workbook(MILLBROOK), TODAY).body.chapters == ()  # type: ignore[union-attr]


# --- a new workbook -------------------------------------------------------------------


def test_a_new_workbook_says_everything_is_still_to_come(new_workbook: Path) -> None:
    wb = load_workbook(new_workbook)
    report = storyboard(wb, TODAY)
    b = report.body
    assert isinstance(b, Storyboard)
    since = wb.ramp.since
    assert b.header.stage == "assess" and since is not None
    assert b.header.as_of == f"{since.day} {since:%b %Y}"  # the only date recorded: the ramp's start
    shown = {p.id for p in b.sections}
    assert shown <= {"purpose", "fiveps", "theme"}
    assert {n.id for n in b.not_yet} == {s.id for s in SECTIONS if "microsystem" in s.kinds} - shown
    assert not any(n.missing for n in b.not_yet)
    assert [f.kind for f in report.figures] == ["ramp"]
    assert report.shortened == ()
    s = summary(wb, TODAY).body
    assert s.self_assessment is None and s.themes == ()  # type: ignore[union-attr]
    assert playbook(wb, TODAY).body.chapters == ()  # type: ignore[union-attr]


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_marks_the_sections_of_past_stages_missing(new_workbook: Path, stage: str) -> None:
    ramp = new_workbook / "ramp.yaml"
    text = ramp.read_text(encoding="utf-8") if ramp.exists() else "stage: assess\n"
    ramp.write_text(re.sub(r"(?m)^stage: \w+", f"stage: {stage}", text), encoding="utf-8")
    b = board(new_workbook)
    rank = STAGES.index(stage)
    assert b.header.stage == stage
    assert [s.state for s in b.header.stages] == ["done"] * rank + ["current"] + ["todo"] * (3 - rank)
    stages = {s.id: s.stage for s in SECTIONS}
    for n in b.not_yet:
        assert n.missing == (STAGES.index(stages[n.id]) < rank), n
    fiveps = b.section("fiveps")
    if fiveps is not None:
        assert isinstance(fiveps, FivePsSection) and fiveps.large == (stage == "assess")


# --- one cycle, twenty cycles -------------------------------------------------------------


def _cf_with_cycles(tmp_path: Path, count: int) -> Path:
    root = tmp_path / "cf"
    shutil.copytree(CF, root, ignore=NOT_SOURCE)
    template = (root / "pdsa" / "PDSA-1.yaml").read_text(encoding="utf-8")
    for path in (root / "pdsa").iterdir():
        path.unlink()
    for i in range(count):
        day = dt.date(2026, 3, 10) + dt.timedelta(days=7 * (count - i))  # written out of order
        text = template.replace("id: PDSA-1", f"id: PDSA-{i + 1}")
        text = re.sub(r"(?m)^  started: .*$", f"  started: {day}", text)
        text = re.sub(r"(?m)^  finished: .*$", f"  finished: {day}", text)
        (root / "pdsa" / f"PDSA-{i + 1}.yaml").write_text(text, encoding="utf-8")
    return root


def test_one_cycle_is_shown_with_its_lesson(tmp_path: Path) -> None:
    b = board(_cf_with_cycles(tmp_path, 1))
    cycles, lessons = b.section("cycles"), b.section("lessons")
    assert isinstance(cycles, CyclesSection) and [c.id for c in cycles.items] == ["PDSA-1"]
    assert isinstance(lessons, LessonsSection) and lessons.items[0].cycle == "PDSA-1"


def test_twenty_cycles_are_shown_in_the_order_they_started(tmp_path: Path) -> None:
    b = board(_cf_with_cycles(tmp_path, 20))
    cycles = b.section("cycles")
    assert isinstance(cycles, CyclesSection) and len(cycles.items) == 20
    assert [c.id for c in cycles.items] == [f"PDSA-{i}" for i in range(20, 0, -1)]
    lessons = b.section("lessons")
    assert isinstance(lessons, LessonsSection)
    assert [x.cycle for x in lessons.items][:20] == [f"PDSA-{i}" for i in range(20, 0, -1)]


# --- what the templates receive -----------------------------------------------------------


CODES = {
    "kind",
    "stage",
    "state",
    "decision",
    "met",
    "figure",
    "drivers",  # a playbook chapter's driver diagram: a figure's file name
    "chart",
    "logo",
    "order",
    "flow",  # the storyboard's pieces in order: section ids and the road ahead's groups
    "variation",
    "assurance",
    "signal",
    "workbook",
}


def _strings(value: object, key: str = "") -> list[tuple[str, object]]:
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _strings(v, k)]
    if isinstance(value, list):
        return [pair for v in value for pair in _strings(v, key)]
    return []


@pytest.mark.parametrize("kind", sorted(BUILDERS))
@pytest.mark.parametrize(
    "root",
    [CF, MILLBROOK, EXAMPLES / "sepsis-big-room" / "pathway", EXAMPLES / "heart-attack-journey" / "pathway"],
    ids=["cf", "millbrook", "sepsis", "heart"],
)
def test_text_is_typed_as_prose_and_codes_are_not(root: Path, kind: str) -> None:
    data = BUILDERS[kind](load_workbook(root), TODAY).data  # type: ignore[index]
    json.dumps(data)  # plain JSON for the templates
    for key, value in _strings(data):
        if key in CODES:
            assert not isinstance(value, Prose), (key, value)
        else:
            assert isinstance(value, Prose), (key, value)


def test_the_typesetter_breaks_long_words_of_prose_only() -> None:
    long = "x" * 120
    data = to_json({"text": Prose(long), "figure": long, "items": [Prose(long)]})
    ready = prepare_text(data)
    assert ZWSP in ready["text"] and ZWSP in ready["items"][0]
    assert ready["figure"] == long  # a file name must stay as it is


def test_a_section_not_yet_reached_is_written_without_missing() -> None:
    data = storyboard(load_workbook(MILLBROOK), TODAY).data
    assert all("missing" not in n for n in data["not_yet"])
    assert data["sections"]["theme"]["from"] == board(MILLBROOK).section("theme").from_  # type: ignore[union-attr]
    assert data["sections"]["purpose"]["heading"] == "Our purpose"
    assert data["order"] == ["purpose", "fiveps", "theme", "global_aim"]
