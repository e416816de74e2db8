"""Every --format offers exactly its registry's formats, and each of them works through the real CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from microsys.cli import app
from microsys.reporters import REPORTERS
from microsys.reporters.charts import CHART_FORMATS
from microsys.reporters.status import COACH_STATUS, RAMP_STATUS
from tests.conftest import EXAMPLES

WIDE = {"COLUMNS": "300", "NO_COLOR": "1", "TERM": "dumb"}
TODAY = "2026-11-22"


@pytest.mark.parametrize(
    "command,registry",
    [
        (["check"], REPORTERS),
        (["ramp", "status"], RAMP_STATUS),
        (["coach", "status"], COACH_STATUS),
        (["chart"], CHART_FORMATS),
    ],
)
def test_format_choices_are_the_registry(command: list[str], registry: dict[str, object]) -> None:
    runner = CliRunner()
    out = runner.invoke(app, [*command, "--help"], env=WIDE).output
    names = "|".join(registry)
    # Shown as words: the choices, also for a repeatable option (check's --format, for --output-file pairs).
    assert re.search(rf"\s{re.escape(names)}\s", out)
    refused = runner.invoke(app, [*command, str(EXAMPLES / "millbrook-surgery"), "-f", "nope"], env=WIDE)
    assert refused.exit_code == 2 and "'nope' is not one of" in refused.output


@pytest.mark.parametrize("name", list(RAMP_STATUS))
def test_every_status_format_writes_the_status(name: str, millbrook: Path) -> None:
    runner = CliRunner()
    for command, registry in ((["ramp", "status"], RAMP_STATUS), (["coach", "status"], COACH_STATUS)):
        assert name in registry
        result = runner.invoke(
            app, [*command, str(millbrook), "-f", name, "--today", TODAY], env=WIDE, catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        if name == "json":
            data = json.loads(result.output)
            assert data["today"] == TODAY and "coaching" in data
            assert ("stages" in data) == (command[0] == "ramp"), sorted(data)
        else:
            assert "Action phase since 2026-09-02" in result.output and "{" not in result.output


def test_chart_formats_draw_or_print(cf_clinic: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    source = [str(cf_clinic), "clinic-wait"]
    printed = runner.invoke(app, ["chart", *source, "-f", "json"], catch_exceptions=False)
    assert json.loads(printed.output)["measure"] == "clinic-wait"
    target = tmp_path / "wait.svg"
    drawn = runner.invoke(app, ["chart", *source, "-f", "image", "-o", str(target)], catch_exceptions=False)
    assert drawn.output.strip() == f"wrote {target}"
    assert target.read_text(encoding="utf-8").startswith("<?xml")


@pytest.mark.parametrize(
    ("args", "typed", "choices"),
    [
        (["report", "--kind", "poster"], "'poster'", "storyboard, playbook, summary, all"),
        (["chart", "--type", "zz"], "'zz'", "run, i, mr, xbar"),
    ],
)
def test_an_unknown_choice_is_worded_for_people(
    args: list[str], typed: str, choices: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from microsys.cli import run

    assert run(args) == 2
    err = capsys.readouterr().err
    assert "Value error" not in err
    assert f"{typed} is not one of the choices; use one of: {choices}" in err
