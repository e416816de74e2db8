"""Meta-tests that keep the docs honest."""

from __future__ import annotations

import ast
import functools
import os
import re
from pathlib import Path

import pytest

from microsys import rules
from microsys.cli import app
from microsys.rules import ALL_RULES, RULE_IDS, RULES, Rule
from microsys.schema.reference import format_reference, rules_reference
from tests.conftest import ROOT

DOCS = ROOT / "docs"
COMMANDS = DOCS / "commands.md"


def _commands():
    found = [(c.name or c.callback.__name__, c.callback) for c in app.registered_commands]
    for group in app.registered_groups:
        for c in group.typer_instance.registered_commands:
            found.append((f"{group.name} {c.name or c.callback.__name__}", c.callback))
    return found


@pytest.mark.parametrize("name,callback", _commands(), ids=lambda x: x if isinstance(x, str) else "")
def test_every_command_has_help_with_an_example_and_a_docs_entry(name, callback) -> None:
    doc = callback.__doc__ or ""
    assert doc.strip(), f"{name} has no help"
    assert "Example: microsys " + name in doc
    text = COMMANDS.read_text()
    assert f"## `microsys {name}" in text
    import inspect

    for param in inspect.signature(callback).parameters.values():
        info = param.default
        for flag in getattr(info, "param_decls", None) or ():
            if flag.startswith("--"):
                assert f"`{flag}" in text or f"{flag}`" in text, f"{name} {flag} is not documented"


def _rule_constants() -> dict[str, Rule]:
    """Each rule object of the catalogue by its constant's name (``YAML_TAB``)."""
    return {name: value for name, value in vars(rules).items() if isinstance(value, Rule)}


def _emitted_in(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Rule constants (``rules.NAME`` or an imported ``NAME``) and rule ids written as
    ``rule="id"`` in one module: the two ways code reports a finding."""
    constants = _rule_constants()
    names: set[str] = set()
    literal_ids: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in constants:
            names.add(node.attr)
        elif isinstance(node, ast.Name) and node.id in constants:
            names.add(node.id)
        elif isinstance(node, ast.ImportFrom) and node.module == "microsys.rules":
            names.update(a.name for a in node.names if a.name in constants)
        elif (
            isinstance(node, ast.keyword)
            and node.arg == "rule"
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            literal_ids.add(node.value.value)
    return names, literal_ids


@functools.cache  # the source does not change during a run: parsed once for the tests below
def _emitted_in_source() -> tuple[frozenset[str], frozenset[str]]:
    names: set[str] = set()
    literal_ids: set[str] = set()
    for path in (ROOT / "src" / "microsys").rglob("*.py"):
        if path.name == "rules.py":
            continue
        n, i = _emitted_in(ast.parse(path.read_text(encoding="utf-8")))
        names |= n
        literal_ids |= i
    return frozenset(names), frozenset(literal_ids)


def test_every_rule_id_written_in_code_is_catalogued() -> None:
    # The old spelling, Diagnostic(rule="id", ...), still works; the id must be in the catalogue.
    _, literal_ids = _emitted_in_source()
    assert sorted(literal_ids - RULE_IDS) == []


def test_every_catalogued_rule_is_reported_somewhere_in_the_code() -> None:
    names, literal_ids = _emitted_in_source()
    constants = _rule_constants()
    unused = sorted(
        name
        for name, rule in constants.items()
        if name not in names and not (rule.id in literal_ids and rules.get(rule.id) is rule)
    )
    assert unused == []
    assert len(RULE_IDS) == len(RULES)
    assert {r.id for r in ALL_RULES} == RULE_IDS


def test_rule_constants_are_named_after_their_ids() -> None:
    for name, rule in _rule_constants().items():
        if rules.get(rule.id) is rule:  # a second severity of one id has a name of its own
            assert name == rule.id.replace(".", "_").replace("-", "_").upper()


def _ids_in_test_code(source: str, ids: frozenset[str] = RULE_IDS) -> set[str]:
    """Rule ids a test module exercises: string constants that are exactly a rule id, and
    references to a rule's constant. Comments and docstrings do not count."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    }
    names, literal_ids = _emitted_in(tree)
    constants = _rule_constants()
    return (found | literal_ids | {constants[n].id for n in names}) & ids


def _ids_in_expected_findings(text: str, ids: frozenset[str] = RULE_IDS) -> set[str]:
    """The rule column of an expected.txt of tests/cases (``path:line:col rule``)."""
    return {line.split()[-1] for line in text.splitlines() if line.strip()} & ids


def _exercised_rule_ids() -> set[str]:
    tests = Path(__file__).parent
    found: set[str] = set()
    for path in tests.rglob("*.py"):
        found |= _ids_in_test_code(path.read_text(encoding="utf-8"))
    for path in (tests / "cases").rglob("expected.txt"):
        found |= _ids_in_expected_findings(path.read_text(encoding="utf-8"))
    return found


def test_every_rule_has_a_test() -> None:
    # A rule counts as tested when a case of tests/cases expects it, or a test's code names
    # it (to assert it was reported, or not): mentioning it in a comment is not a test.
    untested = sorted(RULE_IDS - _exercised_rule_ids())
    assert untested == []


def test_a_rule_named_only_in_a_comment_or_docstring_is_not_tested() -> None:
    some = sorted(RULE_IDS)[0]
    source = f'''"""Module docstring about {some}."""
def test_x():
    """Checks {some}."""
    # {some}
    assert True
'''
    assert _ids_in_test_code(source) == set()
    assert _ids_in_test_code(f"def test_x(found):\n    assert found == [{some!r}]\n") == {some}
    assert _ids_in_test_code(f"def test_x(found):\n    assert found == [f'{some}']\n") == {some}
    # A longer id that starts with this one is not this one (privacy.nhs vs privacy.nhs-number).
    assert _ids_in_test_code(f"x = {some + '-more'!r}\n") == set()
    assert _ids_in_expected_findings(f"a.yaml:1:1 {some}\n# {some}-more\n") == {some}


def test_a_rule_with_a_new_prefix_needs_its_own_test() -> None:
    # Nothing is matched by prefix or by substring: with a new area in the catalogue, its
    # rule is tested only where its whole id is written out.
    ids = RULE_IDS | {"newarea.something-found"}
    assert _ids_in_test_code("# newarea.something-found\nassert found == ['newarea.other']\n", ids) == set()
    assert _ids_in_test_code("assert found == ['newarea.something-found']\n", ids) == {
        "newarea.something-found"
    }
    assert _ids_in_expected_findings("a.yaml:1:1 newarea.something\n", ids) == set()


def _generated(name: str, content: str) -> None:
    path = DOCS / name
    if os.environ.get("MICROSYS_UPDATE_GOLDEN"):
        path.write_text(content, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == content, (
        f"docs/{name} is out of date: run `python -m microsys.schema.reference`"
    )


def test_format_reference_is_generated_from_the_models() -> None:
    _generated("workbook-format.md", format_reference())


def test_rules_page_is_generated_from_the_catalogue() -> None:
    _generated("rules.md", rules_reference())


def test_ramp_page_is_generated_from_the_criteria() -> None:
    from microsys.ramp.reference import ramp_reference

    _generated("ramp.md", ramp_reference())


def test_docs_link_to_pages_that_exist() -> None:
    for page in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+\.md)", page.read_text()):
            assert (DOCS / target).is_file(), f"{page.name} links to missing {target}"


@pytest.mark.parametrize("name,callback", _commands(), ids=lambda x: x if isinstance(x, str) else "")
def test_every_choice_of_an_option_is_documented(name, callback) -> None:
    """Choices come from tables and registries (chart kinds, output formats): a new one needs docs."""
    import enum
    import inspect
    import typing

    text = COMMANDS.read_text()
    start = text.index(f"## `microsys {name}")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end != -1 else None]
    hints = typing.get_type_hints(callback)
    for param in inspect.signature(callback).parameters.values():
        kind = hints.get(param.name)
        for arg in (kind, *typing.get_args(kind)):
            arg = typing.get_args(arg)[0] if typing.get_origin(arg) is list else arg
            if isinstance(arg, type) and issubclass(arg, enum.Enum):
                flags = [f for f in param.default.param_decls if f.startswith("--")]
                rows = [line for line in section.splitlines() if any(f"`{f}" in line for f in flags)]
                assert rows, (name, flags)
                for choice in arg:
                    assert re.search(rf"\b{re.escape(choice.value)}\b", " ".join(rows)), (name, flags, choice)
