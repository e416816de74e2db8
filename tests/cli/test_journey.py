"""A ward team's journey as a new user would make it: from `init` in a repository to a second theme.

Every step runs the real command line from inside the workbook (as git is used), with the
mistakes a new team makes on the way, and checks what the team would look at.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microsys.cli import app
from tests.conftest import call

# init dates the workbook today, so the journey is dated from the real day it runs.
START = dt.date.today()
TODAY = (START + dt.timedelta(days=30)).isoformat()


def _day(n: int) -> str:
    return (START + dt.timedelta(days=n)).isoformat()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _stage(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code, out, err = call(capsys, "ramp", "status", "-f", "json", "--today", TODAY)
    assert code == 0, err
    return json.loads(out)


def test_a_ward_team_from_init_to_its_second_theme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import microsys.cli.common as common
    import microsys.cli.init as init_cli

    ward = tmp_path / "ward 7"  # a space, as in OneDrive folders
    ward.mkdir()
    subprocess.run(["git", "init", "-q", str(ward)], check=True)
    (ward / "README.md").write_text("# Ward 7\n", encoding="utf-8")
    monkeypatch.chdir(ward)

    # 1. init, answering in a terminal, with two typos asked again.
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
        "",
        "Sam Lee, carer",
        "",
        "Ana Silva",
        "Dr A Khan",
        "Jo Brown",
        "weekly",
    ]
    result = CliRunner().invoke(
        app, ["init", "--no-color"] if False else ["init"], input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert (ward / "README.md").read_text(encoding="utf-8") == "# Ward 7\n"
    assert "`Ben Ode` has no role" in result.output

    # 2. Themes, written the way people write them, then corrected from the hint.
    code, _, _ = call(capsys, "new", "theme", "--title", "Discharge before noon", "--today", TODAY)
    assert code == 0
    call(capsys, "new", "theme", "--title", "Falls at night", "--today", TODAY)
    _edit(ward / "themes.yaml", "selected: null", "selected: Discharge before noon")
    code, out, _ = call(capsys, "check", "--no-git", "--today", TODAY)
    assert code == 1 and "did you mean `T1` (Discharge before noon)?" in out
    _edit(ward / "themes.yaml", "selected: Discharge before noon", "selected: T1")

    # 3. A measure, values added from inside measures/ (a negative one too) and imported.
    call(
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
        "patients discharged before 12:00 each day",
        "--data-source",
        "bed board",
        "--direction",
        "up",
        "--chart",
        "c",
        "--frequency",
        "daily",
    )
    monkeypatch.chdir(ward / "measures")
    assert call(capsys, "measure", "add", "noon", _day(1), "3", "--today", TODAY)[0] == 0
    rows = "".join(f"{dt.date.fromisoformat(_day(n)):%d/%m/%Y};{n % 4 + 2}\n" for n in range(2, 7))
    (tmp_path / "export.csv").write_text("Day;Count\n" + rows, encoding="utf-8")
    code, out, err = call(
        capsys,
        "measure",
        "import",
        "noon",
        str(tmp_path / "export.csv"),
        "--date-column",
        "Day",
        "--value-column",
        "Count",
        "--today",
        TODAY,
    )
    assert code == 0, err
    assert "Added 5 values to noon" in out
    code, out, _ = call(capsys, "measure", "list")
    assert f"6 value(s), newest {_day(6)}" in out

    # 4. Ramp moves recorded as they happened, by the workbook's git user.
    subprocess.run(["git", "-C", str(ward), "config", "user.name", "Ana Silva"], check=True)
    monkeypatch.chdir(ward / "pdsa")
    code, out, _ = call(capsys, "ramp", "next", "--dry-run", "--today", TODAY)
    assert code == 1 and "Not ready to move from Assess to Diagnose" in out and "+++" not in out
    for date in (_day(7), _day(14), _day(21)):
        code, out, _ = call(
            capsys,
            "ramp",
            "next",
            "--force",
            "--reason",
            "started on paper",
            "--date",
            date,
            "--today",
            TODAY,
        )
        assert code == 0, out
        assert f"on {date} (recorded by Ana Silva)" in out
    assert _stage(capsys)["stage"]["id"] == "sustain"

    # 5. After Sustain: T1 done, T2 selected (the order teams do it), then the move.
    _edit(ward / "themes.yaml", "selected: T1", "selected: T2")
    themes = (ward / "themes.yaml").read_text(encoding="utf-8")
    (ward / "themes.yaml").write_text(themes.replace("status: selected", "status: done", 1), encoding="utf-8")
    monkeypatch.setattr(common, "interactive", lambda: False)
    code, out, _ = call(
        capsys, "ramp", "next", "--force", "--reason", "gains held", "--date", _day(28), "--today", TODAY
    )
    assert code == 0, out
    data = _stage(capsys)
    assert data["stage"]["id"] == "diagnose" and data["stage"]["cycle"] == 2
    moves = [h for h in data["history"] if h["track"] == "stage"]
    assert [(h["theme"], h["cycle"]) for h in moves[-2:]] == [("T1", 1), ("T1", 1)]
    diagnose = next(s for s in data["stages"] if s["id"] == "diagnose")
    assert diagnose["criteria"][0]["detail"].startswith("T2 ")
