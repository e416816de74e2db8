"""The story of one theme: which theme each record belongs to, and reports of a theme the team finished.

The workbook is the CF clinic after its first theme: T1 (clinic flow) done, the team
moved on to T2 (capacity) with its own aim, fishbone, change idea, cycle and measure.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from microsys import rules
from microsys.errors import UsageError
from microsys.ramp.facts import Facts
from microsys.report.model import (
    ChangeIdeasSection,
    CyclesSection,
    FishboneSection,
    MeasuresSection,
    Playbook,
    ResultsSection,
    SpecificAimsSection,
    Storyboard,
    SustainSection,
    ThemeSection,
)
from microsys.report.playbook import playbook
from microsys.report.storyboard import storyboard
from microsys.workbook.belonging import KINDS, Belonging, find_theme
from microsys.workbook.loader import load_workbook
from tests.conftest import EXAMPLES

TODAY = dt.date(2026, 12, 1)
CF = EXAMPLES / "sheffield-cf-clinic"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "themes.md"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def moved_on(tmp_path: Path) -> Path:
    """The CF clinic after `ramp next` out of Sustain: T1 done, T2 selected and started."""
    root = tmp_path / "cf"
    shutil.copytree(CF, root)
    themes = root / "themes.yaml"
    _replace(themes, "status: selected", "status: done")
    _replace(themes, "selected: T1", "selected: T2")
    _replace(
        root / "ramp.yaml",
        "coaching:\n",
        "  - date: 2026-11-10\n    from: sustain\n    to: diagnose\n    by: Helen Ashby\n"
        "    theme: T1\n    cycle: 1\ncoaching:\n",
    )
    _replace(
        root / "ramp.yaml",
        "stage: sustain\nsince: 2026-06-15\ncycle: 1",
        "stage: diagnose\nsince: 2026-11-10\ncycle: 2",
    )
    _replace(
        root / "aims.yaml",
        "\nspecific_aims:\n",
        "  - id: GA2\n    theme: T2\n    process: booking of review appointments\n\nspecific_aims:\n",
    )
    _append(
        root / "aims.yaml",
        "  - id: SA3\n    global_aim: GA2\n    measure: clinic-slots\n    baseline: 20\n    target: 30\n",
    )
    (root / "measures" / "clinic-slots.yaml").write_text(
        "id: clinic-slots\nname: Review slots a week\ntype: outcome\ndirection: up\nchart: i\n"
        "definition:\n  unit: slots\n  description: review appointments offered each week\n"
        "data_source: booking system\nfrequency: weekly\n"
        "values:\n  - {date: 2026-11-02, value: 20}\n  - {date: 2026-11-09, value: 21}\n"
        "  - {date: 2026-11-16, value: 19}\n",
        encoding="utf-8",
    )
    (root / "fishbones" / "capacity.yaml").write_text(
        "id: capacity\neffect: Too few review slots\nglobal_aim: GA2\ncategories:\n"
        "  - name: Methods\n    causes: [every review is a doctor's appointment]\n",
        encoding="utf-8",
    )
    _replace(
        root / "change-ideas.yaml", "    theme: T2\n    status: parked", "    theme: T2\n    status: testing"
    )
    (root / "pdsa" / "PDSA-6.yaml").write_text(
        "id: PDSA-6\ntitle: One nurse-led review morning\nchange: C6\n"
        "prediction: Six stable patients will be reviewed by a nurse in one morning.\n"
        "measures: [clinic-slots]\nplan:\n  date: 2026-11-17\n",
        encoding="utf-8",
    )
    return root


def board(root: Path, theme: str | None = None) -> Storyboard:
    body = storyboard(load_workbook(root), TODAY, theme=theme).body
    assert isinstance(body, Storyboard)
    return body


@pytest.fixture
def two_themes(tmp_path: Path) -> Path:
    return moved_on(tmp_path)


# --- which theme a record belongs to ---------------------------------------------------


def test_every_record_of_the_cf_clinic_belongs_to_the_theme_it_works_on(two_themes: Path) -> None:
    wb = load_workbook(two_themes)
    b = Belonging(wb)
    assert b.worked == ("T1", "T2")
    assert {c.id: b.pdsa(c) for c in wb.pdsa_cycles} == {
        **{f"PDSA-{n}": {"T1"} for n in range(1, 6)},
        "PDSA-6": {"T2"},
    }
    assert {s.id: b.sdsa(s) for s in wb.sdsa_cycles} == {"SDSA-1": {"T1"}, "SDSA-2": {"T1"}}
    assert {f.id: b.fishbone(f) for f in wb.fishbones} == {"clinic-waits": {"T1"}, "capacity": {"T2"}}
    assert [b.process_map(pm) for pm in wb.process_maps] == [{"T1"}]
    assert [b.playbook(p) for p in wb.playbook] == [{"T1"}]
    assert [b.driver_diagram(dd) for dd in wb.driver_diagrams] == [{"T1"}]
    assert wb.change_ideas is not None
    assert [b.vote(v) for v in wb.change_ideas.votes] == [{"T1"}]
    measures = {m.id: b.measure(m) for m in wb.measures}
    assert measures["clinic-wait"] == {"T1"} and measures["clinic-slots"] == {"T2"}
    # Named by nothing: the team's measure, in every theme's story.
    assert measures["inhaled-therapy-adherence"] == {"T1", "T2", "T3"}


def test_a_first_theme_needs_no_links(tmp_path: Path) -> None:
    root = tmp_path / "cf"
    shutil.copytree(CF, root)
    _replace(root / "fishbones" / "clinic-waits.yaml", "global_aim: GA1\n", "")
    _replace(root / "change-ideas.yaml", "    theme: T1\n", "")
    wb = load_workbook(root)
    b = Belonging(wb)
    assert b.worked == ("T1",)
    assert b.fishbone(wb.fishbones[0]) == {"T1"}
    assert not [d for d in wb.diagnostics if d.rule == rules.THEME_UNPLACED.id]


def test_a_record_that_names_no_theme_is_a_finding_once_a_second_theme_is_worked_on(two_themes: Path) -> None:
    _replace(two_themes / "fishbones" / "capacity.yaml", "global_aim: GA2\n", "")
    _replace(two_themes / "change-ideas.yaml", "    theme: T2\n    status: testing", "    status: testing")
    wb = load_workbook(two_themes)
    found = [d for d in wb.diagnostics if d.rule == rules.THEME_UNPLACED.id]
    assert [(d.path.name, d.line) for d in found] == [("change-ideas.yaml", 30), ("capacity.yaml", 1)]
    fishbone = found[1]
    assert "T1 (Clinic flow) and T2 (Capacity)" in fishbone.message
    assert fishbone.hint == "add `global_aim: GA1` (Clinic flow) or `global_aim: GA2` (Capacity)"
    assert "`theme: T2` (Capacity)" in (found[0].hint or "")
    # Unplaced, the cycle of the idea is in neither story.
    assert "PDSA-6" not in _cycles(board(two_themes, "T2"))


def test_every_kind_of_record_is_in_the_docs() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for k in KINDS.values():
        assert f"| {k.what} |" in text, f"add a row for {k.what} to docs/themes.md"


# --- a finished theme's story, reprinted after the move ---------------------------------


def _cycles(b: Storyboard) -> list[str]:
    s = b.section("cycles")
    return [c.id for c in s.items] if isinstance(s, CyclesSection) else []


def test_a_finished_themes_storyboard_is_its_own_story_after_the_team_moved_on(two_themes: Path) -> None:
    b = board(two_themes, "T1")
    theme = b.section("theme")
    assert isinstance(theme, ThemeSection) and theme.title == "Clinic flow"
    aims = b.section("specific_aims")
    assert isinstance(aims, SpecificAimsSection) and [a.id for a in aims.items] == ["SA1", "SA2"]
    measures = b.section("measures")
    assert isinstance(measures, MeasuresSection)
    assert [m.id for m in measures.items][:2] == ["clinic-wait", "seen-within-15"]
    assert "clinic-slots" not in [m.id for m in measures.items]
    results = b.section("results")
    assert isinstance(results, ResultsSection) and len(results.items) == 2
    assert _cycles(b) == [f"PDSA-{n}" for n in range(1, 6)]
    fishbone = b.section("fishbone")
    assert isinstance(fishbone, FishboneSection) and fishbone.effect.startswith("Patients wait")
    sustain = b.section("sustain")
    assert isinstance(sustain, SustainSection) and [s.id for s in sustain.sdsa] == ["SDSA-1", "SDSA-2"]
    assert b.section("drivers") is not None  # T1's driver diagram, drawn from SA1
    ideas = b.section("change_ideas")
    assert isinstance(ideas, ChangeIdeasSection) and [i.id for i in ideas.items] == [
        "C1",
        "C2",
        "C3",
        "C4",
        "C5",
    ]
    assert ideas.figure == "pareto.svg"
    assert not b.not_yet
    # The header tells that theme's cycle: every stage behind it, and when each began.
    head = b.header
    assert head.theme == "T1: Clinic flow" and head.cycle == 1
    assert [s.state for s in head.stages] == ["done"] * 4
    assert head.stage_title == "Sustain (finished)"
    assert head.ramp == (
        "Assess 6 Oct 2025",
        "Diagnose 12 Jan 2026",
        "Treat 23 Feb 2026",
        "Sustain 15 Jun 2026",
        "next theme 10 Nov 2026",
    )


def test_the_default_storyboard_tells_the_theme_being_worked_on(two_themes: Path) -> None:
    b = board(two_themes)
    theme = b.section("theme")
    assert isinstance(theme, ThemeSection) and theme.title == "Capacity"
    assert _cycles(b) == ["PDSA-6"]
    fishbone = b.section("fishbone")
    assert isinstance(fishbone, FishboneSection) and fishbone.effect == "Too few review slots"
    aims = b.section("specific_aims")
    assert isinstance(aims, SpecificAimsSection) and [a.id for a in aims.items] == ["SA3"]
    # T1's map, driver diagram, playbook and SDSA cycles are not T2's story.
    assert b.section("process_map") is None and b.section("sustain") is None
    assert b.section("drivers") is None
    head = b.header
    assert head.theme == "T2: Capacity" and head.cycle == 2 and head.stage == "diagnose"
    assert head.ramp == ("Diagnose 10 Nov 2026",)
    assert [s.state for s in head.stages] == ["done", "current", "todo", "todo"]


def test_before_the_move_the_default_is_the_theme_on_the_ramp_even_when_the_next_is_selected(
    tmp_path: Path,
) -> None:
    """In Sustain a team marks its theme done and selects the next before `ramp next`."""
    root = tmp_path / "cf"
    shutil.copytree(CF, root)
    _replace(root / "themes.yaml", "status: selected", "status: done")
    _replace(root / "themes.yaml", "selected: T1", "selected: T2")
    b = board(root)
    theme = b.section("theme")
    assert isinstance(theme, ThemeSection) and theme.title == "Clinic flow"
    assert _cycles(b) == [f"PDSA-{n}" for n in range(1, 6)]


def test_a_theme_is_found_by_id_or_title_and_an_unknown_one_lists_them(two_themes: Path) -> None:
    wb = load_workbook(two_themes)
    assert find_theme(wb, "t2").id == "T2"
    assert find_theme(wb, " clinic flow ").id == "T1"
    with pytest.raises(UsageError) as caught:
        find_theme(wb, "Capacty")
    assert caught.value.message == "`Capacty` is not a theme of cf"
    assert caught.value.hint == (
        "did you mean T2 (Capacity)? The themes are: T1 (Clinic flow); T2 (Capacity); T3 (Adherence)"
    )
    with pytest.raises(UsageError) as caught:
        find_theme(wb, "T9")
    assert caught.value.hint == "the themes are: T1 (Clinic flow); T2 (Capacity); T3 (Adherence)"


def test_a_themes_playbook_has_only_that_themes_chapters_and_the_default_has_all(two_themes: Path) -> None:
    (two_themes / "playbook" / "review-clinic.yaml").write_text(
        "id: review-clinic\ntitle: Nurse-led review clinic\nchanges: [C6]\n", encoding="utf-8"
    )
    wb = load_workbook(two_themes)
    chapters = {
        theme: [c.id for c in body.chapters]
        for theme in (None, "T1", "T2")
        if isinstance(body := playbook(wb, TODAY, theme).body, Playbook)
    }
    heads = {theme: playbook(wb, TODAY, theme).body.header.theme for theme in (None, "T2")}
    assert heads == {None: "", "T2": "T2: Capacity"}
    assert chapters == {
        None: ["review-clinic", "cf-clinic-day"],
        "T1": ["cf-clinic-day"],
        "T2": ["review-clinic"],
    }


def test_the_ramp_cycles_of_an_old_ramp_file_without_themes(tmp_path: Path) -> None:
    """ramp.yaml written before moves recorded their theme: the current cycle is the theme worked on."""
    root = tmp_path / "cf"
    shutil.copytree(CF, root)
    facts = Facts(load_workbook(root), TODAY)
    [cycle] = facts.ramp_cycles
    assert (cycle.number, cycle.theme, cycle.stage, cycle.finished) == (1, "T1", "sustain", None)
    assert [m.to for m in cycle.moves] == ["assess", "diagnose", "treat", "sustain"]


def test_the_second_themes_treat_checklist_judges_its_own_ideas_votes_and_cycles(two_themes: Path) -> None:
    from microsys.ramp.criteria import evaluate

    facts = Facts(load_workbook(two_themes), TODAY)
    assert facts.theme is not None and facts.theme.id == "T2"
    treat = {e.criterion.id: e.outcome for e in evaluate(facts, "treat")}
    # T1's multi-vote and its five cycles are not T2's.
    assert treat["treat.change-ideas"].detail == "2 idea(s), 0 multi-vote round(s)"
    assert not treat["treat.change-ideas"].ok
    assert not treat["treat.cycle-completed"].ok
    t1 = {
        e.criterion.id: e.outcome
        for e in evaluate(Facts(load_workbook(two_themes), TODAY, theme="T1"), "treat")
    }
    assert t1["treat.change-ideas"].ok and t1["treat.cycle-completed"].ok


def test_a_theme_not_started_yet_has_everything_still_to_come(two_themes: Path) -> None:
    b = board(two_themes, "T3")
    theme = b.section("theme")
    assert isinstance(theme, ThemeSection) and theme.title == "Adherence"
    assert b.section("cycles") is None and b.section("fishbone") is None
    assert b.not_yet and not any(n.missing for n in b.not_yet)


def test_selecting_the_next_theme_without_marking_it_selected_is_a_warning(two_themes: Path) -> None:
    from microsys.engine import check_workbook

    def mismatches() -> list[tuple[int, str]]:
        result = check_workbook(two_themes, today=TODAY, git=False)
        return [(d.line, d.message) for d in result.diagnostics if d.rule == rules.THEME_SELECTED_MISMATCH.id]

    # `selected: T2` with T2 still `status: candidate`: the team moved on in one place only.
    assert mismatches() == [(16, "`selected:` names `T2`, but `T2` is marked `candidate`")]
    _replace(two_themes / "themes.yaml", "status: candidate", "status: selected")
    assert mismatches() == []
