"""A site refused for a patient identifier says so in the site's words, and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import call

TODAY = "2026-11-30"


def test_a_site_refused_for_an_nhs_number_in_a_note_names_the_site_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org = tmp_path / "org"
    for name in ("a-ward", "b-ward"):
        code, _, err = call(
            capsys, "init", str(org / name), "--name", name, "--setting", "ward", "--no-input"
        )
        assert code == 0, err
        code, _, err = call(
            capsys, "new", "measure", str(org / name), "--id", "w", "--name", "W", "--unit", "min"
        )
        assert code == 0, err
    # Typed by hand (the command line refuses it): a note naming a patient.
    csv = org / "b-ward" / "measures" / "w.yaml"
    csv.write_text(
        csv.read_text(encoding="utf-8") + "values:\n  - {date: 2026-11-02, value: 3, note: '943 476 5919'}\n"
    )
    out = tmp_path / "public"
    before = sorted(tmp_path.rglob("*"))
    code, _, err = call(capsys, "report", str(org), "--kind", "site", "-o", str(out), "--today", TODAY)
    assert code == 1
    assert "will not make the site" in err and "data wall" not in err, err
    assert "b-ward/measures/w.yaml" in err and "943 476 5919" not in err
    assert not out.exists()
    assert sorted(tmp_path.rglob("*")) == before  # no build/, no hidden file left anywhere
