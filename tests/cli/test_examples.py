"""The bundled examples: an organisation folder of microsystems and pathways, all clean, all reportable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from microsys.workbook.discover import find_workbooks
from tests.conftest import EXAMPLES, NOT_SOURCE, call

TODAY = "2026-11-22"


def test_every_example_passes_check_with_its_links(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "check", str(EXAMPLES), "--today", TODAY, "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert data["summary"]["errors"] == 0 and data["summary"]["warnings"] == 0


def test_the_pathways_link_their_microsystems(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "status", str(EXAMPLES), "-f", "json", "--today", TODAY, "--kind", "pathway")
    assert code == 0
    names = sorted(r["name"] for r in json.loads(out)["workbooks"])
    assert names == ["Heart attack journey", "Sepsis big room"]
    code, out, _ = call(capsys, "status", str(EXAMPLES), "-f", "json", "--today", TODAY,
                        "--pathway", "Heart attack journey", "--kind", "microsystem")  # fmt: skip
    assert len(json.loads(out)["workbooks"]) == 8
    code, out, _ = call(capsys, "ramp", "status", str(EXAMPLES / "sepsis-big-room" / "pathway"), "-f", "json",
                        "--today", TODAY)  # fmt: skip
    assess = next(g for g in json.loads(out)["stages"] if g["id"] == "assess")
    assert all(c["met"] for c in assess["criteria"] if c["required"])


def test_every_example_workbook_renders_its_reports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo = tmp_path / "examples"
    shutil.copytree(EXAMPLES, repo, ignore=NOT_SOURCE)
    code, _, err = call(
        capsys, "report", str(repo), "--all", "--kind", "all", "--format", "md", "--today", TODAY
    )
    assert code == 0, err
    for root in find_workbooks([repo]):
        assert (root / "build" / "storyboard.md").is_file(), root
        # A pathway's summary is of the 5Vs, a microsystem's of the 5Ps.
        summary = "5v-summary.md" if (root / "pathway.yaml").is_file() else "5p-summary.md"
        assert (root / "build" / summary).is_file(), root
