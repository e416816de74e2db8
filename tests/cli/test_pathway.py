"""Pathway (mesosystem) workbooks: init --pathway, the links check, value stream totals."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from microsys.cli import app, run
from microsys.engine import check_workbook
from microsys.schema.pathway import StreamStep, ValueStreamMap
from microsys.workbook.valuestream import totals

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def _micro(folder: Path, name: str) -> None:
    assert invoke("init", str(folder), "--no-input", "--name", name).exit_code == 0


def test_init_pathway_links_existing_workbooks_and_passes_check(tmp_path: Path) -> None:
    _micro(tmp_path / "ed", "Emergency department")
    _micro(tmp_path / "amu", "Acute medical unit")
    _micro(tmp_path / "pharmacy", "Pharmacy")
    target = tmp_path / "sepsis"
    result = invoke(
        "init", str(target), "--no-input", "--pathway", "--name", "Sepsis big room",
        "--condition", "sepsis", "--link", str(tmp_path / "ed"), "--link", str(tmp_path / "amu"),
        "--supporting", str(tmp_path / "pharmacy"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (target / "pathway.yaml").read_text()
    assert 'path: "../ed"' in text and "role: supporting" in text
    for rel in ("5vs/value.yaml", "5vs/vision.yaml", "big-room/README.md", "value-streams/README.md"):
        assert (target / rel).is_file(), rel
    assert not (target / "5ps").exists()
    for p in target.rglob("*.yaml"):
        assert p.read_text().lstrip().startswith("#"), p
    # Only the teaching warning that the second co-coach is missing.
    assert [d.rule for d in check_workbook(target, git=False).diagnostics] == ["pathway.co-coaches"]
    # Move a linked workbook away: the link is reported where it is written.
    (tmp_path / "amu").rename(tmp_path / "amu-old")
    found = check_workbook(target, git=False).diagnostics
    missing = [d for d in found if d.rule == "pathway.link-missing"]
    assert len(missing) == 1 and missing[0].line > 0 and "../amu" in missing[0].message


def test_init_pathway_refuses_a_link_that_is_not_a_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "nothing").mkdir()
    assert (
        run(["init", str(tmp_path / "p"), "--no-input", "--pathway", "--link", str(tmp_path / "nothing")])
        == 2
    )
    assert "no microsystem workbook" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_a_broken_linked_workbook_makes_the_pathway_fail_check(tmp_path: Path) -> None:
    _micro(tmp_path / "ed", "ED")
    _micro(tmp_path / "amu", "AMU")
    invoke("init", str(tmp_path / "p"), "--no-input", "--pathway", "--link", str(tmp_path / "ed"),
           "--link", str(tmp_path / "amu"))  # fmt: skip
    (tmp_path / "amu" / "microsys.yaml").write_text("version: 1\nname: AMU\nsetting: spaceship\n")
    result = runner.invoke(app, ["check", str(tmp_path / "p"), "--no-git"])
    assert result.exit_code == 1
    assert "pathway.link-invalid" in result.output and "../amu" in result.output


def _map(steps: list[tuple[float, float, bool]]) -> ValueStreamMap:
    return ValueStreamMap(
        id="m",
        title="m",
        unit="minutes",
        steps=[
            StreamStep(name=f"s{i}", process_time=p, waiting_time=w, value_adding=v)
            for i, (p, w, v) in enumerate(steps)
        ],
    )


def test_lead_time_and_value_added_ratio() -> None:
    t = totals(_map([(10, 15, True), (5, 40, True), (15, 60, False), (10, 30, True)]))
    assert t.lead_time == 185
    assert t.value_added_time == 25
    assert t.value_added_ratio == pytest.approx(25 / 185)
    assert totals(_map([])).value_added_ratio is None


@given(st.lists(st.tuples(st.floats(0, 1e6), st.floats(0, 1e6), st.booleans()), max_size=30))
def test_value_added_ratio_is_a_share(steps: list[tuple[float, float, bool]]) -> None:
    t = totals(_map(steps))
    assert t.lead_time >= t.value_added_time >= 0
    if t.value_added_ratio is not None:
        assert 0 <= t.value_added_ratio <= 1 + 1e-9


def test_ramp_on_a_pathway_follows_the_flow_roadmap(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from microsys.ramp.criteria import CRITERIA

    pathway = Path(__file__).parents[1] / "cases" / "valid" / "pathway"
    assert run(["ramp", "status", str(pathway / "workbook"), "-f", "json", "--today", "2026-01-12"]) == 0
    data = json.loads(capsys.readouterr().out)
    met = {c["id"]: c["met"] for g in data["stages"] + data["phases"] for c in g["criteria"]}
    assert met["flow.microsystems"] and met["flow.hand-offs"] and met["flow.co-coaches"]
    assert not met["flow.vision"] and not met["flow.value-stream"]  # the case's map has 2 steps
    assert "assess.purpose" not in met and "diagnose.process-map" not in met
    assert set(met) == {c.id for c in CRITERIA if "pathway" in c.kinds}
    # A microsystem on the pathway still follows the ramp.
    assert run(["ramp", "status", str(pathway / "ed"), "-f", "json", "--today", "2026-01-12"]) == 0
    micro = json.loads(capsys.readouterr().out)
    ids = {c["id"] for g in micro["stages"] + micro["phases"] for c in g["criteria"]}
    assert "assess.purpose" in ids and not any(i.startswith("flow.") for i in ids)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_check_of_a_folder_loads_each_linked_workbook_once_and_still_finds_a_broken_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    from collections import Counter

    from microsys.workbook import loader

    _micro(tmp_path / "ed", "ED")
    _micro(tmp_path / "amu", "AMU")
    invoke("init", str(tmp_path / "p"), "--no-input", "--pathway", "--link", str(tmp_path / "ed"),
           "--link", str(tmp_path / "amu"))  # fmt: skip
    (tmp_path / "amu" / "microsys.yaml").write_text("version: 1\nname: AMU\nsetting: spaceship\n")
    loads: Counter[Path] = Counter()
    real_load = loader.load_workbook

    def counting(root: Path, *args: object, **kwargs: object) -> loader.Workbook:
        loads[root.resolve()] += 1
        return real_load(root, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_workbook", counting)
    result = runner.invoke(app, ["check", str(tmp_path), "--no-git", "-j", jobs], catch_exceptions=False)
    assert result.exit_code == 1
    assert "pathway.link-invalid" in result.output and "../amu" in result.output
    if jobs == "1":  # worker processes count in their own memory
        assert sorted(loads.values()) == [1, 1, 1], loads
