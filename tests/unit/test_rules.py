"""The rule catalogue: rules own their severity, and a rule that does not exist cannot be reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from microsys import rules
from microsys.diagnostics import Diagnostic, Severity
from microsys.rules import Rule, UnknownRuleError


def test_a_finding_takes_its_severity_from_its_rule() -> None:
    d = Diagnostic.of(rules.REF_ID_NOT_FILENAME, Path("a.yaml"), "the id differs", "rename it", line=2, col=5)
    assert (d.rule, d.severity, d.line, d.col, d.hint) == (
        "ref.id-not-filename",
        Severity.WARNING,
        2,
        5,
        "rename it",
    )
    assert Diagnostic.of(rules.YAML_TAB, Path("a.yaml"), "a tab").severity is Severity.ERROR


def test_a_finding_written_with_a_rule_id_gets_the_catalogues_severity() -> None:
    # The spelling of code written before the catalogue owned severities still works.
    d = Diagnostic(path=Path("a.yaml"), rule="measure.unused-csv", message="no measure uses it")
    assert d.severity is Severity.WARNING
    assert Diagnostic(path=Path("a.yaml"), rule="yaml.tab", message="a tab").severity is Severity.ERROR


def test_a_rule_id_not_in_the_catalogue_cannot_be_reported() -> None:
    with pytest.raises(UnknownRuleError, match=r"'yaml.tabs'.*src/microsys/rules.py"):
        Diagnostic(path=Path("a.yaml"), rule="yaml.tabs", message="a tab")


def test_one_id_reported_at_two_severities_is_documented() -> None:
    assert rules.DATE_ORDER.id == rules.DATE_ORDER_ACTION_DUE.id == "date.order"
    assert rules.SEVERITIES["date.order"] == {Severity.ERROR, Severity.WARNING}
    assert rules.get("date.order") is rules.DATE_ORDER
    assert rules.DATE_ORDER_ACTION_DUE.docs
    assert [r.id for r in rules.RULES].count("date.order") == 1
    assert all(len(s) == 1 for i, s in rules.SEVERITIES.items() if i != "date.order")


def test_a_catalogue_entry_must_have_a_severity_and_a_well_formed_id() -> None:
    with pytest.raises(TypeError, match="severity"):
        Rule("yaml.new", "error", "A severity written as text.")
    for bad in ("yamlnew", "yaml.", "Yaml.new", "yaml.new rule", "yaml.new_rule"):
        with pytest.raises(ValueError, match=r"area\.name"):
            Rule(bad, Severity.ERROR, "A malformed id.")
