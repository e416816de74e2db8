"""Every command finds its workbook as git finds a repository: here, or a folder above, or a file's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import call, snapshot

TODAY = "2026-12-01"


def test_check_inside_a_subfolder_checks_the_workbook_above(
    cf_clinic: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(cf_clinic / "pdsa")
    code, out, err = call(capsys, "check", "--no-git", "--today", "2026-11-17")
    assert code == 0, out + err
    assert "init" not in out + err
    assert out.startswith("ok  .. (Adult")  # the workbook as the user would type it from here


def test_a_folder_outside_any_workbook_still_suggests_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = call(capsys, "ramp", "status")
    assert code == 2 and "microsys init" in err


def test_measure_add_inside_the_workbook_takes_measure_date_value(
    cf_clinic: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(cf_clinic / "measures")
    code, out, err = call(capsys, "measure", "add", "clinic-wait", "2026-11-23", "-5", "--today", TODAY)
    assert code == 0, err
    assert "Added 1 value to clinic-wait" in out
    assert (cf_clinic / "measures" / "clinic-wait.csv").read_text().endswith("2026-11-23,-5,\n")


def test_measure_add_with_the_workbook_first_still_works(
    cf_clinic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = call(
        capsys, "measure", "add", str(cf_clinic), "clinic-wait", "2026-11-23", "8", "--today", TODAY
    )
    assert code == 0, err


def test_a_measure_file_means_that_measure_of_its_workbook(
    cf_clinic: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(cf_clinic)
    code, out, err = call(
        capsys, "measure", "add", "measures/clinic-wait.yaml", "23/11/2026", "8.5", "--today", TODAY
    )
    assert code == 0, err
    assert "2026-11-23,8.5," in (cf_clinic / "measures" / "clinic-wait.csv").read_text()
    code, out, err = call(capsys, "chart", "measures/clinic-wait.yaml", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["measure"] == "clinic-wait"


def test_a_mistyped_option_is_refused_not_taken_for_a_value(
    cf_clinic: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(cf_clinic)
    before = snapshot(cf_clinic)
    code, _, err = call(capsys, "measure", "add", "clinic-wait", "2026-11-23", "8", "--denomintor", "3")
    assert code == 2 and "no such option: --denomintor" in err
    code, _, err = call(capsys, "measure", "add", "clinic-wait", "2026-11-23")
    assert code == 2 and "expected [FOLDER] MEASURE DATE VALUE" in err
    assert snapshot(cf_clinic) == before


def test_measure_import_inside_the_workbook(
    cf_clinic: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (cf_clinic.parent / "more.csv").write_text("date;value\n30/11/2026;7,5\n", encoding="utf-8")
    monkeypatch.chdir(cf_clinic)
    code, _, err = call(capsys, "measure", "import", "clinic-wait", "../more.csv", "--today", TODAY)
    assert code == 0, err
    assert "2026-11-30,7.5," in (cf_clinic / "measures" / "clinic-wait.csv").read_text()


def test_chart_inside_the_workbook_names_measures_only(
    cf_clinic: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(cf_clinic / "pdsa")
    code, out, err = call(capsys, "chart", "clinic-wait", "seen-within-15", "--format", "json")
    assert code == 0, err
    assert '"measure": "clinic-wait"' in out and '"measure": "seen-within-15"' in out
    code, _, err = call(capsys, "chart", "no-such-measure")
    assert code == 2 and "no measure called `no-such-measure`" in err


def test_report_without_a_path_reports_the_workbook_you_are_in(
    millbrook: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(millbrook / "5ps")
    code, out, err = call(capsys, "report", "--format", "md", "--today", TODAY)
    assert code == 0, err
    assert (millbrook / "build" / "storyboard.md").is_file()
    assert "wrote ../build/storyboard.md" in out


def test_writing_commands_find_the_workbook_from_a_subfolder(
    millbrook: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(millbrook / "meetings")
    code, _, err = call(capsys, "new", "theme", "--title", "Repeat prescriptions", "--today", TODAY)
    assert code == 0, err
    assert "Repeat prescriptions" in (millbrook / "themes.yaml").read_text(encoding="utf-8")
