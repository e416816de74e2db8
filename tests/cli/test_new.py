"""``microsys new`` on copies of the examples and on fresh scaffolds."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from microsys.cli import run
from microsys.creating import next_id
from microsys.engine import check_workbook
from tests.conftest import call, snapshot

TODAY = "2026-11-22"


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text())


def clean(root: Path) -> None:
    result = check_workbook(root, today=__import__("datetime").date(2026, 11, 22), git=False)
    assert result.diagnostics == (), [d.location + " " + d.message for d in result.diagnostics]


@pytest.fixture
def fresh(tmp_path: Path, capsys) -> Path:
    wb = tmp_path / "fresh"
    assert run(["init", str(wb), "--no-input", "--name", "Fresh clinic", "--member", "Ana Silva, nurse"]) == 0
    capsys.readouterr()
    return wb


def test_next_id_takes_one_more_than_the_highest() -> None:
    assert next_id(["PDSA-1", "PDSA-3", "pdsa-10", "other"], "PDSA-") == "PDSA-11"
    assert next_id([], "C") == "C1"
    assert next_id(["C1", "C2", "CX"], "C") == "C3"


def test_new_pdsa_follows_the_latest_cycle_of_its_change(capsys, cf_clinic: Path) -> None:
    code, out, _ = call(capsys, "new", "pdsa", str(cf_clinic), "--change", "C1", "--today", TODAY)
    assert code == 0, out
    assert "Wrote" in out and "pdsa/PDSA-6.yaml" in out
    data = load(cf_clinic / "pdsa" / "PDSA-6.yaml")
    previous = load(cf_clinic / "pdsa" / "PDSA-2.yaml")
    assert data["change"] == "C1" and data["previous"] == "PDSA-2"
    assert data["objective"] == " ".join(previous["act"]["next_step"].split())
    assert data["measures"] == previous["measures"]
    assert str(data["plan"]["date"]) == TODAY
    assert data["prediction"] is None
    clean(cf_clinic)


def test_new_pdsa_after_names_the_change_and_refuses_unknown_ids(capsys, cf_clinic: Path) -> None:
    before = snapshot(cf_clinic)
    code, _, err = call(capsys, "new", "pdsa", str(cf_clinic), "--change", "C11")
    assert code == 2 and "no change idea `C11`" in err and "did you mean `C1`" in err
    code, _, err = call(capsys, "new", "pdsa", str(cf_clinic))
    assert code == 2 and "--change" in err
    code, _, err = call(capsys, "new", "pdsa", str(cf_clinic), "--after", "PDSA-3", "--change", "C1")
    assert code == 2 and "PDSA-3 tests C5" in err
    assert snapshot(cf_clinic) == before
    code, out, _ = call(capsys, "new", "pdsa", str(cf_clinic), "--after", "PDSA-3", "--scale", "all clinics")
    assert code == 0, out
    data = load(cf_clinic / "pdsa" / "PDSA-6.yaml")
    assert (data["change"], data["previous"], data["plan"]["scale"]) == ("C5", "PDSA-3", "all clinics")


def test_new_change_appends_and_keeps_every_other_line(capsys, cf_clinic: Path) -> None:
    path = cf_clinic / "change-ideas.yaml"
    before = path.read_text()
    title = 'Text "reminders" #1: call {patients} & <carers>'
    code, out, _ = call(capsys, "new", "change", str(cf_clinic), "--title", title, "--source", "patients")
    assert code == 0, out
    assert "(C10)" in out
    after = path.read_text()
    diff = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert all(line.startswith("+") for line in diff)  # nothing removed or changed
    assert len(diff) == 5
    idea = load(path)["ideas"][-1]
    assert idea == {"id": "C10", "title": title, "source": "patients", "theme": "T1", "status": "idea"}
    clean(cf_clinic)


def test_new_theme_and_change_on_a_fresh_scaffold(capsys, fresh: Path) -> None:
    assert call(capsys, "new", "theme", str(fresh), "--title", "Clinic flow")[0] == 0
    assert call(capsys, "new", "theme", str(fresh), "--title", "Access")[0] == 0
    assert [t["id"] for t in load(fresh / "themes.yaml")["themes"]] == ["T1", "T2"]
    assert "# Themes for improvement." in (fresh / "themes.yaml").read_text()  # comments kept
    assert call(capsys, "new", "change", str(fresh), "--title", "huddle")[0] == 0
    assert load(fresh / "change-ideas.yaml")["ideas"][0]["id"] == "C1"
    clean(fresh)


def test_new_meeting_carries_open_actions_and_never_overwrites(capsys, cf_clinic: Path) -> None:
    code, out, _ = call(capsys, "new", "meeting", str(cf_clinic), "--date", "2026-11-26")
    assert code == 0, out
    assert "2 open action(s) carried over from 2026-11-05" in out
    data = load(cf_clinic / "meetings" / "2026-11-26.yaml")
    assert len(data["attendees"]) == 8
    assert [str(a["carried_from"]) for a in data["actions"]] == ["2026-11-05", "2026-11-05"]
    assert sum(item["minutes"] for item in data["agenda"]) == 60
    clean(cf_clinic)
    before = snapshot(cf_clinic)
    code, _, err = call(capsys, "new", "meeting", str(cf_clinic), "--date", "2026-11-26")
    assert code == 1 and "already records a lead-team meeting on 2026-11-26" in err
    assert snapshot(cf_clinic) == before


def test_new_measure_with_csv_sdsa_and_playbook(capsys, cf_clinic: Path) -> None:
    code, out, _ = call(
        capsys,
        "new",
        "measure",
        str(cf_clinic),
        "--id",
        "dna-rate",
        "--name",
        "Did not attend",
        "--chart",
        "p",
        "--numerator",
        "patients who did not attend",
        "--denominator",
        "patients booked",
        "--data-source",
        "the booking system's DNA report",
        "--csv",
    )
    assert code == 0, out
    assert (cf_clinic / "measures" / "dna-rate.csv").read_text() == "date,value,denominator,note\n"
    code, out, _ = call(capsys, "new", "sdsa", str(cf_clinic), "--change", "C1", "--today", TODAY)
    assert code == 0, out
    sdsa = load(cf_clinic / "sdsa" / "SDSA-3.yaml")
    assert (sdsa["previous"], sdsa["playbook"]) == ("SDSA-1", "cf-clinic-day")  # SDSA-2 is for C3
    code, out, _ = call(
        capsys, "new", "playbook", str(cf_clinic), "--id", "huddle", "--title", "Huddle", "--change", "C1"
    )
    assert code == 0, out
    entry = load(cf_clinic / "playbook" / "huddle.yaml")
    assert entry["changes"] == ["C1"] and "clinic-wait" in entry["measures"]
    assert str(entry["review_date"]).startswith("2027-")
    clean(cf_clinic)


def test_new_measure_refuses_bad_choices_and_existing_ids(capsys, cf_clinic: Path) -> None:
    before = snapshot(cf_clinic)
    code, _, err = call(
        capsys, "new", "measure", str(cf_clinic), "--id", "x", "--name", "X", "--chart", "pie"
    )
    assert code == 2 and "--chart" in err and "xbar" in err
    code, _, err = call(capsys, "new", "measure", str(cf_clinic), "--id", "clinic-wait", "--name", "again")
    assert code == 1 and "already exists" in err
    code, _, err = call(capsys, "new", "measure", str(cf_clinic), "--id", "9 lives", "--name", "X")
    assert code == 2 and "cannot be a measure id" in err
    assert snapshot(cf_clinic) == before


def test_a_list_file_with_errors_is_not_touched(capsys, cf_clinic: Path) -> None:
    path = cf_clinic / "themes.yaml"
    path.write_text(path.read_text() + "selectd: T2\n")
    before = snapshot(cf_clinic)
    code, _, err = call(capsys, "new", "theme", str(cf_clinic), "--title", "Access")
    assert code == 1 and "has errors" in err
    assert snapshot(cf_clinic) == before


def test_several_meetings_on_one_day_each_with_the_agenda_of_its_kind(capsys, millbrook: Path) -> None:
    for kind in ("lead-team", "huddle", "big-room"):
        code, out, _ = call(capsys, "new", "meeting", str(millbrook), "--date", "2026-11-20", "--kind", kind)
        assert code == 0, out
    meetings = millbrook / "meetings"
    assert {p.name for p in meetings.glob("2026-11-20*.yaml")} == {
        "2026-11-20.yaml",
        "2026-11-20-huddle.yaml",
        "2026-11-20-big-room.yaml",
    }
    before = snapshot(millbrook)
    code, _, err = call(capsys, "new", "meeting", str(millbrook), "--date", "2026-11-20", "--kind", "huddle")
    assert code == 1 and "already records a huddle meeting on 2026-11-20" in err
    assert snapshot(millbrook) == before
    huddle = load(meetings / "2026-11-20-huddle.yaml")
    assert sum(item["minutes"] for item in huddle["agenda"]) <= 15
    topics = " ".join(item["item"] for item in huddle["agenda"])
    assert all(word in topics for word in ("Yesterday", "Today", "Safety", "Flow"))
    big_room = (meetings / "2026-11-20-big-room.yaml").read_text(encoding="utf-8")
    assert "care pathway" in big_room and "hand-offs" in big_room
    assert check_workbook(millbrook, git=False).errors == 0


def test_new_self_assessment_is_named_by_date_and_counts_once_rated(capsys, tmp_path: Path) -> None:
    wb = tmp_path / "wb"
    assert call(capsys, "init", str(wb), "--no-input")[0] == 0
    code, out, _ = call(capsys, "new", "self-assessment", str(wb), "--date", "2026-03-01")
    assert code == 0, out
    path = wb / "self-assessment" / "2026-03-01.yaml"
    text = path.read_text(encoding="utf-8")
    assert "#  leadership: 3" in text and "#  information-and-technology: 3" in text
    result = check_workbook(wb, git=False)
    assert result.diagnostics == ()
    data = json.loads(call(capsys, "ramp", "status", str(wb), "-f", "json")[1])
    assess = next(s for s in data["stages"] if s["id"] == "assess")
    sa = next(c for c in assess["criteria"] if c["id"] == "assess.self-assessment")
    assert not sa["met"] and sa["detail"] == "1 self-assessment file(s), none rated yet"
    path.write_text(text.replace("ratings: {}", "ratings:\n  leadership: 3.5"), encoding="utf-8")
    data = json.loads(call(capsys, "ramp", "status", str(wb), "-f", "json")[1])
    assess = next(s for s in data["stages"] if s["id"] == "assess")
    assert next(c for c in assess["criteria"] if c["id"] == "assess.self-assessment")["met"]
    code, _, err = call(capsys, "new", "self-assessment", str(wb), "--date", "2026-03-01")
    assert code == 1 and "already exists" in err


def test_testing_an_idea_that_lost_the_vote_or_whose_theme_is_done_gets_a_note(
    capsys, cf_clinic: Path
) -> None:
    code, out, _ = call(capsys, "new", "pdsa", str(cf_clinic), "--change", "C4", "--today", TODAY)
    assert code == 0, out
    assert "C4 was not chosen in the multi-vote of 2026-02-19 (4 vote(s))" in out
    assert "finished theme" not in out
    themes = cf_clinic / "themes.yaml"
    themes.write_text(themes.read_text().replace("    status: selected", "    status: done", 1))
    code, out, _ = call(capsys, "new", "pdsa", str(cf_clinic), "--change", "C5", "--today", TODAY)
    assert code == 0, out
    assert "multi-vote" not in out  # C5 was chosen
    assert "C5 belongs to T1 (Clinic flow), a finished theme" in out


def test_new_playbook_links_the_future_state_map_not_the_current_one(capsys, cf_clinic: Path) -> None:
    maps = cf_clinic / "process-maps"
    code, out, _ = call(
        capsys, "new", "playbook", str(cf_clinic), "--id", "first", "--title", "Clinic", "--change", "C1"
    )
    assert code == 0, out
    assert load(cf_clinic / "playbook" / "first.yaml")["process_map"] is None  # only the as-is map exists
    assert "no future-state or standard process map" in out
    current = (maps / "clinic-visit-2026.yaml").read_text(encoding="utf-8")
    future = current.replace("id: clinic-visit-2026", "id: clinic-visit-future").replace(
        "state: current", "state: future"
    )
    (maps / "clinic-visit-future.yaml").write_text(future, encoding="utf-8")
    code, out, _ = call(
        capsys, "new", "playbook", str(cf_clinic), "--id", "second", "--title", "Clinic", "--change", "C1"
    )
    assert code == 0, out
    assert load(cf_clinic / "playbook" / "second.yaml")["process_map"] == "clinic-visit-future"


def test_new_driver_diagram_starts_from_the_aim_with_its_fishbone_and_ideas_to_place(
    capsys, cf_clinic: Path
) -> None:
    code, out, _ = call(capsys, "new", "driver-diagram", str(cf_clinic), "--id", "flow-v2", "--today", TODAY)
    assert code == 0, out
    assert "driver-diagrams/flow-v2.yaml" in out
    text = (cf_clinic / "driver-diagrams" / "flow-v2.yaml").read_text(encoding="utf-8")
    data = load(cf_clinic / "driver-diagrams" / "flow-v2.yaml")
    # The theme's first specific aim and the fishbone of its global aim are linked.
    assert data["aim"] == "SA1" and data["fishbone"] == "clinic-waits"
    assert str(data["drawn_on"]) == TODAY
    # The ideas still in play are listed to place; the abandoned one and other themes' are not.
    assert "#   C1: Ten-minute pre-clinic huddle" in text and "#   C5: Staggered arrival" in text
    assert "C2:" not in text and "C6:" not in text
    assert "#   - bloods taken on the day" in text  # sub-causes too, to copy under a driver
    clean(cf_clinic)
    # Written as the comments suggest, the diagram is checked: a cause copied with a slip is found.
    filled = text.replace('driver: "..."          #', "driver: Visits planned ahead #").replace(
        "causes: []", "causes: [bloods taken on the morning]"
    )
    (cf_clinic / "driver-diagrams" / "flow-v2.yaml").write_text(filled, encoding="utf-8")
    result = check_workbook(cf_clinic, today=__import__("datetime").date(2026, 11, 22), git=False)
    assert [d.rule for d in result.diagnostics] == ["driver.unknown-cause"]
    assert "did you mean `bloods taken on the day`" in (result.diagnostics[0].hint or "")


def test_new_driver_diagram_refuses_an_existing_file_or_an_unknown_aim(capsys, cf_clinic: Path) -> None:
    before = snapshot(cf_clinic)
    code, _, err = call(capsys, "new", "driver-diagram", str(cf_clinic), "--today", TODAY)
    # The default id comes from the theme (Clinic flow): the example already has that diagram.
    assert code == 1 and "clinic-flow.yaml already exists" in err and "nothing was written" in err
    code, _, err = call(capsys, "new", "driver-diagram", str(cf_clinic), "--aim", "SA3", "--id", "x")
    assert code == 2 and "no aim `SA3`" in err and "did you mean `SA" in err
    assert snapshot(cf_clinic) == before


def test_new_driver_diagram_in_a_new_workbook_asks_for_an_aim_first(capsys, fresh: Path) -> None:
    before = snapshot(fresh)
    code, _, err = call(capsys, "new", "driver-diagram", str(fresh))
    assert code == 2 and "no aim" in err and "aims.yaml" in err
    assert snapshot(fresh) == before


def test_every_new_command_takes_the_date_as_date_or_today(capsys, fresh: Path) -> None:
    # Meetings and self-assessments were dated with --date, the other records with --today.
    assert call(capsys, "new", "meeting", str(fresh), "--today", "2026-11-20")[0] == 0
    assert (fresh / "meetings" / "2026-11-20.yaml").is_file()
    assert call(capsys, "new", "self-assessment", str(fresh), "--today", "2026-11-21")[0] == 0
    assert (fresh / "self-assessment" / "2026-11-21.yaml").is_file()
    assert call(capsys, "new", "change", str(fresh), "--title", "Letters sent the same day")[0] == 0
    assert call(capsys, "new", "pdsa", str(fresh), "--change", "C1", "--date", "2026-11-19")[0] == 0
    assert "2026-11-19" in (fresh / "pdsa" / "PDSA-1.yaml").read_text()
