from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from microsys.schema.cycles import PDSA
from microsys.schema.identity import Manifest
from microsys.schema.messages import allowed_keys, describe_path, did_you_mean, translate


def _errors(model, data):
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return translate(info.value, model, Path("f.yaml"))


def test_typo_gets_a_suggestion() -> None:
    (d,) = _errors(PDSA, {"id": "P1", "change": "C1", "predicton": "x"})
    assert d.rule == "schema.extra-key" and d.hint == "did you mean `prediction`?"
    assert d.yaml_path == ("predicton",) and d.at_key


def test_nested_typo_uses_the_nested_model() -> None:
    (d,) = _errors(PDSA, {"id": "P1", "change": "C1", "study": {"resuls": "x"}})
    assert d.hint == "did you mean `results`?"
    assert d.yaml_path == ("study", "resuls")


def test_allowed_keys_follow_lists_and_optionals() -> None:
    assert "role" in allowed_keys(Manifest, ("lead_team", 0))
    assert "results" in allowed_keys(PDSA, ("study",))


def test_enum_value_gets_a_suggestion() -> None:
    (d,) = _errors(PDSA, {"id": "P1", "change": "C1", "act": {"decision": "adapted"}})
    assert d.rule == "schema.invalid-value" and d.hint == "did you mean `adapt`?"


def test_missing_key_names_the_key_and_explains_it() -> None:
    (d,) = _errors(Manifest, {"name": "x"})
    assert d.rule == "schema.missing-key"
    assert "`setting`" in d.message and d.hint and "what kind of place" in d.hint


def test_impossible_date() -> None:
    (d,) = _errors(PDSA, {"id": "P1", "change": "C1", "plan": {"date": "2026-02-30"}})
    assert d.rule == "schema.invalid-date" and "not a real date" in d.message


def test_describe_path() -> None:
    assert describe_path(("lead_team", 1)) == "lead team member 2"
    data = {"steps": [{"id": "arrive"}, {"id": "doctor", "branches": [{"label": "yes"}]}]}
    assert describe_path(("steps", 1, "branches", 0), data) == "step 2 (`doctor`), branch 1 (`yes`)"
    assert describe_path(("cycles", 2, "study")) == "cycle 3, `study`"
    assert describe_path(("study", "results")) == "`study`, `results`"
    assert did_you_mean("measurs", ["measures", "pdsa"]) == "measures"
    assert did_you_mean("zzz", ["measures"]) is None
