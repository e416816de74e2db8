"""Hints that point the right way, on the typical mistakes of a new team (tests/cases/invalid/hints-*)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from microsys.engine import check_workbook
from microsys.workbook.loader import load_workbook
from tests.conftest import CASES

CASE = CASES / "invalid" / "hints-point-the-right-way" / "workbook"


def _by_rule_and_line() -> dict[tuple[str, int], tuple[str, str | None]]:
    result = check_workbook(CASE, today=dt.date(2026, 1, 12), git=False)
    return {(d.rule, d.line): (d.message, d.hint) for d in result.diagnostics}


def test_a_title_written_for_an_id_suggests_the_id() -> None:
    message, hint = _by_rule_and_line()[("schema.invalid-id", 5)]
    assert message == "`Waiting in clinic` is not a valid id"
    assert hint == "refer to it by its id: did you mean `T1` (Waiting in clinic)?"


def test_minutes_on_a_step_suggests_duration() -> None:
    assert _by_rule_and_line()[("schema.extra-key", 12)] == (
        "unknown key `minutes`",
        "did you mean `duration`?",
    )


def test_a_day_first_date_is_rewritten_in_the_hint() -> None:
    _, hint = _by_rule_and_line()[("schema.invalid-date", 3)]
    assert hint is not None and "`2025-10-12`" in hint


def test_a_dedented_key_is_reported_at_its_own_line() -> None:
    message, hint = _by_rule_and_line()[("yaml.syntax", 5)]
    assert message == "the key `results` is indented less than the lines around it"
    assert hint is not None and "by 2 spaces" in hint


def test_paths_in_messages_count_from_one_and_name_the_item() -> None:
    message, _ = _by_rule_and_line()[("schema.missing-key", 13)]
    assert message == "the key `label` is missing in step 3 (`doctor`)"


def test_choices_in_another_case_and_aims_with_units_are_read() -> None:
    wb = load_workbook(CASE)
    assert wb.manifest is not None and wb.manifest.setting == "ward"
    assert [(m.type, m.direction) for m in wb.measures] == [("outcome", "down")]
    assert wb.aims is not None
    aim = wb.aims.specific_aims[0]
    assert (aim.baseline, aim.target) == (40.0, 1000.0)
    for name in ("microsys.yaml", "measures/wait.yaml", "aims.yaml"):
        sf = wb.file(name)
        assert sf is not None and sf.diagnostics == [], name


def test_a_choice_that_matches_two_values_in_another_case_is_still_refused(tmp_path: Path) -> None:
    from microsys.schema.base import _in_case

    assert _in_case("P", ("p", "P")) == "P"  # exact wins
    assert _in_case("OUTCOME", ("outcome", "Outcome")) == "OUTCOME"  # ambiguous: left to fail
    assert _in_case("Outcome", ("outcome", "process")) == "outcome"
