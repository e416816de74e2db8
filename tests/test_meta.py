"""Meta-tests that keep the docs honest."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from microsys.cli import app
from microsys.rules import RULE_IDS, RULES
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


def _rules_in_source() -> set[str]:
    pattern = re.compile(
        r"[\"']((?:yaml|file|schema|ref|date|measure|csv|workbook|privacy|map|vote|theme|meeting|assessment|ramp"
        r"|pdsa|change|pathway)"
        r"\.[a-z0-9-]+)[\"']"
    )
    found: set[str] = set()
    for path in (ROOT / "src" / "microsys").rglob("*.py"):
        if path.name == "rules.py":
            continue
        found.update(m for m in pattern.findall(path.read_text()) if not m.endswith(("yaml", ".md", ".svg")))
    return found


def test_every_rule_used_in_code_is_catalogued_and_vice_versa() -> None:
    assert _rules_in_source() == set(RULE_IDS)
    assert len(RULE_IDS) == len(RULES)


def test_every_rule_has_a_test() -> None:
    tests = "\n".join(
        p.read_text(errors="replace")
        for p in Path(__file__).parent.rglob("*")
        if p.is_file() and p.suffix in (".py", ".txt")
    )
    untested = sorted(r for r in RULE_IDS if r not in tests)
    assert untested == []


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
