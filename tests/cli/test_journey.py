"""A ward team's whole journey as a new user would make it: from `init` to the story of two themes.

Every step runs the real command line from inside the workbook (as git is used), with the
mistakes a new team makes on the way, and checks what the team would look at: each step's
exit code and the words that matter. The team meets every stage's checklist for real (no
`--force`), records its moves with the dates they happened, finishes its first theme, moves
on to the second, and then prints every report of both themes in every format. After the
move, the first theme's storyboard must still be its own story: its theme, aims, chart,
cycles and playbook, every stage done, and the dates of its improvement cycle.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microsys.cli import app
from tests.cli.test_report import pdf_text, squash
from tests.conftest import call

# init dates the workbook today, so the journey is dated from the real day it runs.
START = dt.date.today()
TODAY = (START + dt.timedelta(days=200)).isoformat()
# Every report in every format.
EVERY_REPORT = ("--kind", "all", "-f", "pdf", "-f", "html", "-f", "md")


def _day(n: int) -> str:
    return (START + dt.timedelta(days=n)).isoformat()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _ok(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run a command that must succeed; its output."""
    code, out, err = call(capsys, *args)
    assert code == 0, (args, out, err)
    return out + err


def _status(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    return json.loads(_ok(capsys, "ramp", "status", "-f", "json", "--today", TODAY))


def _unmet(capsys: pytest.CaptureFixture[str], stage: str) -> list[str]:
    data = _status(capsys)
    [found] = [s for s in data["stages"] if s["id"] == stage]
    return [c["title"] for c in found["criteria"] if c["required"] and not c["met"]]


def _git_commit(ward: Path, message: str) -> None:
    subprocess.run(["git", "-C", str(ward), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(ward), "-c", "user.email=ana@example.org", "commit", "-qm", message], check=True
    )


def _move(capsys: pytest.CaptureFixture[str], date: str, to: str) -> None:
    code, out, err = call(capsys, "ramp", "next", "--date", date, "--today", TODAY)
    assert code == 0, (out, err)
    assert f"to {to}" in out and f"on {date} (recorded by Ana Silva)" in out, out


def _meeting(ward: Path, date: str, reflection: str = "") -> None:
    path = ward / "meetings" / f"{date}.yaml"
    assert "attendees: [Ana Silva, Ben Ode, Carol Dee, Dee Ray, Sam Lee]" in path.read_text(encoding="utf-8")
    _edit(path, "  leader: null", "  leader: Ana Silva")
    _edit(path, "  recorder: null", "  recorder: Ben Ode")
    if reflection:
        _edit(
            path,
            "notes: null",
            f"notes: Review of the first theme.\nreflection: {reflection}\n"
            "celebration: Cake on the ward for a year of earlier discharges",
        )


def _runs(ward: Path, rows: list[tuple[int, int]]) -> str:
    """Values as the bed board's Excel export gives them: semicolons, day-first dates."""
    lines = ["Woche;Anzahl;Kommentar"]  # a header a German-language Excel writes: named by --*-column
    lines += [f"{dt.date.fromisoformat(_day(n)):%d/%m/%Y};{v};" for n, v in rows]
    return "\r\n".join(lines) + "\r\n"


def test_a_ward_team_from_init_to_the_story_of_its_first_theme_after_the_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import microsys.cli.common as common
    import microsys.cli.init as init_cli

    ward = tmp_path / "ward 7"  # a space, as in OneDrive folders
    ward.mkdir()
    subprocess.run(["git", "init", "-q", str(ward)], check=True)
    subprocess.run(["git", "-C", str(ward), "config", "user.name", "Ana Silva"], check=True)
    (ward / "README.md").write_text("# Ward 7\n", encoding="utf-8")
    monkeypatch.chdir(ward)
    monkeypatch.setattr(common, "interactive", lambda: False)

    # 1. init, answering in a terminal, with a typo asked again.
    monkeypatch.setattr(init_cli, "interactive", lambda: True)
    answers = [
        "Ward 7",
        "Ward",
        "St Elsewhere",
        "",
        "Ana Silva - ward sister",
        "Ben Ode",  # no role: asked again
        "Ben Ode, healthcare assistant",
        "Carol Dee, consultant",
        "Dee Ray, ward clerk",
        "",
        "Sam Lee, carer",
        "",
        "Ana Silva",
        "Dr A Khan",
        "Jo Brown",
        "weekly",
    ]
    result = CliRunner().invoke(app, ["init"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "`Ben Ode` has no role" in result.output
    assert (ward / "README.md").read_text(encoding="utf-8") == "# Ward 7\n"
    manifest = (ward / "microsys.yaml").read_text(encoding="utf-8")
    assert "Ben Ode" in manifest and "healthcare assistant" in manifest and "lead: true" in manifest

    # 2. The 5Ps, written in the files as a team would, with a typical slip found by check.
    _edit(
        ward / "5ps" / "purpose.yaml",
        'statement: ""',
        "statement: Get people home safely, on the day they are ready",
    )
    _edit(ward / "5ps" / "patients.yaml", "population: null", "populaton: 28 beds")
    _edit(ward / "5ps" / "patients.yaml", "age_bands: []", "age_bands:\n  - {band: 75+, percent: 62}")
    _edit(
        ward / "5ps" / "patients.yaml",
        "what_patients_say: []",
        "what_patients_say:\n  - I waited all day for my tablets to go home",
    )
    _edit(
        ward / "5ps" / "professionals.yaml",
        "roles: []",
        "roles:\n  - {role: nurse, headcount: 18}\n  - {role: healthcare assistant, headcount: 9}\n"
        "  - {role: consultant, headcount: 3}\n  - {role: ward clerk, headcount: 2}\n"
        "  - {role: pharmacist, headcount: 1}",
    )
    _edit(
        ward / "5ps" / "processes.yaml",
        "processes: []",
        "processes:\n  - {name: discharge, kind: core, cycle_time: 6 hours}",
    )
    _edit(ward / "5ps" / "patterns.yaml", "culture: null", "culture: Proud of care, worn down by delays")
    _edit(ward / "5ps" / "patterns.yaml", "communication: null", "communication: A board round at 11")
    code, out, _ = call(capsys, "check", "--no-git", "--today", TODAY)
    assert code == 1 and "unknown key `populaton`" in out and "did you mean `population`?" in out
    _edit(ward / "5ps" / "patients.yaml", "populaton: 28 beds", "population: 28 beds")

    # 3. Themes, written the way people write them, then corrected from the hint.
    assert "T1" in _ok(capsys, "new", "theme", "--title", "Discharge before noon", "--today", TODAY)
    _ok(capsys, "new", "theme", "--title", "Falls at night", "--today", TODAY)
    _edit(ward / "themes.yaml", "selected: null", "selected: Discharge before noon")
    code, out, _ = call(capsys, "check", "--no-git", "--today", TODAY)
    assert code == 1 and "did you mean `T1` (Discharge before noon)?" in out
    _edit(ward / "themes.yaml", "selected: Discharge before noon", "selected: T1")

    # 4. Not ready yet: one clear answer, and nothing changed. Then three lead team meetings
    #    with a leader and a recorder, and a self-assessment.
    code, out, _ = call(capsys, "ramp", "next", "--dry-run", "--today", TODAY)
    assert code == 1 and "Not ready to move from Assess to Diagnose" in out and "+++" not in out
    for n in (1, 8, 15):
        assert f"meetings/{_day(n)}.yaml" in _ok(capsys, "new", "meeting", "--date", _day(n))
        _meeting(ward, _day(n))
    out = _ok(capsys, "new", "self-assessment", "--date", _day(15))
    assessment = ward / "self-assessment" / f"{_day(15)}.yaml"
    assert assessment.is_file(), out
    _edit(
        assessment, "ratings: {}", "ratings:\n  leadership: 3\n  patient-focus: 4\n  performance-results: 2"
    )
    _edit(assessment, "respondents: null", "respondents: 6")
    assert _unmet(capsys, "assess") == []
    _move(capsys, _day(16), "Diagnose")

    # 5. Diagnose: a measure with a baseline from the bed board's export, aims, the map, the fishbone.
    _ok(
        capsys,
        "new",
        "measure",
        "--id",
        "noon",
        "--name",
        "Discharged by noon",
        "--unit",
        "patients",
        "--description",
        "patients discharged before 12:00 in the week",
        "--data-source",
        "bed board",
        "--direction",
        "up",
        "--chart",
        "c",
        "--frequency",
        "weekly",
        "--csv",
    )
    export = tmp_path / "bed board.csv"
    export.write_text(_runs(ward, [(n, 3 + (n // 7) % 3) for n in range(-84, 21, 7)]), encoding="utf-8")
    monkeypatch.chdir(ward / "measures")  # inside the workbook, as with git
    out = _ok(
        capsys,
        "measure",
        "import",
        "noon",
        str(export),
        "--date-column",
        "Woche",
        "--value-column",
        "Anzahl",
        "--today",
        TODAY,
    )
    assert "Added 15 values to noon" in out
    assert f"15 value(s), newest {_day(14)}" in _ok(capsys, "measure", "list")
    monkeypatch.chdir(ward)
    _write(
        ward / "aims.yaml",
        "global_aims:\n  - id: GA1\n    theme: T1\n    process: discharge from ward 7\n"
        "    begins: the board round decides a patient can go home\n"
        "    ends: the patient leaves the ward\n    benefits: beds free for the morning's admissions\n"
        "    why_now: the emergency department waits for our beds every afternoon\n"
        "specific_aims:\n  - id: SA1\n    global_aim: GA1\n    measure: noon\n    baseline: 4\n"
        "    target: 10\n    by: " + _day(150) + "\n"
        "    statement: Ten patients a week will go home before noon by the spring.\n",
    )
    _write(
        ward / "process-maps" / "discharge.yaml",
        "id: discharge\ntitle: Discharge as it is\nglobal_aim: GA1\nstate: current\nsteps:\n"
        "  - {id: round, label: Board round decides, kind: start, owner: consultant}\n"
        "  - {id: tto, label: Tablets to take out written, owner: consultant, notes: written after lunch}\n"
        "  - {id: wait, label: Wait for pharmacy, kind: wait, owner: pharmacist, duration: 3 hours}\n"
        "  - {id: home, label: Patient leaves, kind: end, owner: nurse}\n",
    )
    _write(
        ward / "fishbones" / "late-discharge.yaml",
        "id: late-discharge\neffect: Patients leave after 15:00\nglobal_aim: GA1\ncategories:\n"
        "  - {name: Methods, causes: [tablets written after lunch, no plan the day before]}\n"
        "  - {name: People, causes: [one pharmacist for three wards]}\n",
    )
    assert _unmet(capsys, "diagnose") == []
    _move(capsys, _day(30), "Treat")

    # 6. Treat: change ideas, the multi-vote, a PDSA cycle whose prediction git saw first.
    for title in ("Tablets written the day before", "Discharge lounge", "Criteria-led discharge"):
        _ok(capsys, "new", "change", "--title", title, "--theme", "T1", "--today", TODAY)
    _edit(
        ward / "change-ideas.yaml",
        "votes: []",
        f"votes:\n  - date: {_day(31)}\n    votes_each: 3\n    voter_count: 6\n"
        "    votes: {C1: 8, C2: 4, C3: 6}\n    selected: [C1, C3]",
    )
    assert "PDSA-1" in _ok(capsys, "new", "pdsa", "--change", "C1", "--scale", "one bay", "--today", _day(32))
    cycle = ward / "pdsa" / "PDSA-1.yaml"
    _edit(cycle, "prediction: null", "prediction: Four of six patients in bay A will leave before noon")
    _edit(cycle, "measures: []", "measures: [noon]")
    _git_commit(ward, "PDSA-1 planned")
    _edit(cycle, "  started: null", f"  started: {_day(33)}")
    _edit(cycle, "  finished: null", f"  finished: {_day(40)}")
    _edit(cycle, "  results: null", "  results: Five of six left before noon")
    _edit(cycle, "  against_prediction: null", "  against_prediction: One more than predicted")
    _edit(cycle, "  learning: null", "  learning: Tablets written the day before free the morning")
    _edit(cycle, "  decision: null            # adopt, adapt or abandon", "  decision: adopt")
    _edit(cycle, "act:\n  date: null", f"act:\n  date: {_day(41)}")
    monkeypatch.chdir(ward / "measures")
    for n, value in zip(range(35, 200, 7), [7, 8, 9, 8, 10, 9, 11, 10, 9, 11, 10, 12] * 2, strict=True):
        _ok(capsys, "measure", "add", "noon", _day(n), str(value), "--today", TODAY)
    monkeypatch.chdir(ward)
    _git_commit(ward, "PDSA-1 studied")
    assert _unmet(capsys, "treat") == []
    _edit(ward / "change-ideas.yaml", "    status: idea", "    status: adopted")  # C1, as PDSA-1 decided
    _move(capsys, _day(60), "Sustain")

    # 7. Sustain: the playbook, an SDSA cycle, the reflection, T1 done and T2 selected, the move.
    _ok(
        capsys,
        "new",
        "playbook",
        "--id",
        "discharge-day",
        "--title",
        "The discharge day",
        "--change",
        "C1",
        "--today",
        TODAY,
    )
    entry = ward / "playbook" / "discharge-day.yaml"
    _edit(
        entry,
        "steps: []",
        "steps:\n  - {step: Write tablets to take out, who: consultant, when: the day before}\n"
        "  - {step: 'Check the list at the 08:30 huddle', who: nurse}",
    )
    assert "SDSA-1" in _ok(
        capsys, "new", "sdsa", "--change", "C1", "--playbook", "discharge-day", "--today", _day(62)
    )
    sdsa = ward / "sdsa" / "SDSA-1.yaml"
    _edit(sdsa, "  standard: null", "  standard: Tablets to take out written the day before, in every bay")
    _edit(sdsa, "  started: null", f"  started: {_day(63)}")
    _edit(sdsa, "  results: null", "  results: Every bay wrote tablets the day before for a month")
    _edit(sdsa, "  decision: null", "  decision: adopt")
    _edit(sdsa, "act:\n  date: null", f"act:\n  date: {_day(95)}")
    _ok(capsys, "new", "meeting", "--date", _day(120))
    _meeting(ward, _day(120), reflection="what we learned about mornings")
    _edit(ward / "themes.yaml", "selected: T1", "selected: T2")
    _edit(ward / "themes.yaml", "    status: candidate", "    status: done")
    assert _unmet(capsys, "sustain") == [], _status(capsys)
    code, out, _ = call(capsys, "ramp", "next", "--dry-run", "--today", TODAY)
    assert code == 0 and "Nothing was changed" in out
    _move(capsys, _day(125), "Diagnose")
    data = _status(capsys)
    assert data["stage"]["id"] == "diagnose" and data["stage"]["cycle"] == 2
    moves = [h for h in data["history"] if h["track"] == "stage"]
    assert [(h["to"], h["date"], h["theme"]) for h in moves] == [
        ("diagnose", _day(16), "T1"),
        ("treat", _day(30), "T1"),
        ("sustain", _day(60), "T1"),
        ("diagnose", _day(125), "T1"),
    ]
    diagnose = next(s for s in data["stages"] if s["id"] == "diagnose")
    assert diagnose["criteria"][0]["detail"].startswith("T2 ")

    # 8. The second theme begins: its own aim, fishbone and change idea.
    _edit(
        ward / "aims.yaml",
        "specific_aims:",
        "  - id: GA2\n    theme: T2\n    process: the night-time care of patients at risk of falls\n"
        "specific_aims:",
    )
    _write(
        ward / "fishbones" / "falls.yaml",
        "id: falls\neffect: Patients fall at night\nglobal_aim: GA2\ncategories:\n"
        "  - {name: Environment, causes: [dim lights to the toilet]}\n",
    )
    _ok(capsys, "new", "change", "--title", "Night lights to the toilet", "--theme", "T2", "--today", TODAY)
    code, out, _ = call(capsys, "check", "--today", TODAY)
    assert code == 0, out

    # 9. Every report of both themes in every format.
    out = _ok(
        capsys,
        "report",
        "--theme",
        "T1",
        *EVERY_REPORT,
        "-o",
        str(tmp_path / "T1"),
        "--today",
        TODAY,
    )
    assert out.count("wrote ") == 9, out
    story = squash(pdf_text(tmp_path / "T1" / "storyboard.pdf"))
    for words in (
        "Theme T1: Discharge before noon",
        "Sustain (finished)",
        f"next theme {dt.date.fromisoformat(_day(125)).day}",
        "Ten patients a week will go home before noon",  # the aim, not "Not yet"
        "Discharged by noon",  # the chart of the aim's measure
        "PDSA-1",
        "Patients leave after 15:00",
        "The discharge day",
        "Every bay wrote tablets",
    ):
        assert squash(words) in story, words
    assert "Notyet" not in story and "Patientsfallatnight" not in story
    markdown = (tmp_path / "T1" / "storyboard.md").read_text(encoding="utf-8")
    assert "**Theme:** T1: Discharge before noon" in markdown and "![Discharged by noon]" in markdown
    assert "Tablets to take out" in (tmp_path / "T1" / "playbook.html").read_text(encoding="utf-8")
    assert "Get people home safely" in pdf_text(tmp_path / "T1" / "5p-summary.pdf")

    out = _ok(
        capsys,
        "report",
        *EVERY_REPORT,
        "-o",
        str(tmp_path / "T2"),
        "--today",
        TODAY,
    )
    assert out.count("wrote ") == 9, out
    # The playbook is the team's standard work, whichever theme it came from; T2 has none of its own yet.
    assert "The discharge day" in (tmp_path / "T2" / "playbook.md").read_text(encoding="utf-8")
    out = _ok(capsys, "report", "--theme", "T2", "--kind", "playbook", "--today", TODAY)
    assert "skipped playbook" in out and "no playbook entries yet" in out
    story = squash(pdf_text(tmp_path / "T2" / "storyboard.pdf"))
    assert squash("Theme T2: Falls at night") in story and squash("Patients fall at night") in story
    assert "PDSA-1" not in story and squash("Discharge as it is") not in story
    html = (tmp_path / "T2" / "storyboard.html").read_text(encoding="utf-8")
    assert "Night lights to the toilet" in html and "Tablets written the day before" not in html
    assert (tmp_path / "T2" / "5p-summary.md").is_file()
    code, _, err = call(capsys, "report", "--theme", "Falls at nihgt", "--today", TODAY)
    assert code == 2 and "did you mean T2 (Falls at night)?" in err
