"""`--help` reads as words: metavars a person understands, whole sentences, required options marked."""

from __future__ import annotations

import inspect
import re

import pytest

from tests.conftest import call
from tests.test_meta import _commands

COMMANDS = [name for name, _ in _commands()]


@pytest.mark.parametrize("name", COMMANDS)
def test_help_shows_words_not_python_types(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = call(capsys, *name.split(), "--help")
    assert code == 0
    assert not re.search(r"<(bool|str|int|float|path|list\[[^]]*\]|text|[a-z_|]+)>", out), out
    usage = next(line for line in out.splitlines() if "Usage:" in line)
    assert "{" not in usage and "<" not in usage, usage  # `[FOLDER]`, not `{folder}`


@pytest.mark.parametrize("name,callback", _commands(), ids=lambda x: x if isinstance(x, str) else "")
def test_help_paragraphs_are_not_broken_mid_sentence(
    name: str, callback: object, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = call(capsys, *name.split(), "--help")
    lines = [line.strip() for line in out.splitlines()]
    for paragraph in inspect.cleandoc(getattr(callback, "__doc__", "") or "").split("\n\n"):
        joined = " ".join(paragraph.split())
        assert joined in lines, f"{name}: {joined!r} is wrapped mid-sentence"


def test_required_options_and_arguments_are_marked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = call(capsys, "new", "measure", "--help")
    assert re.search(r"--id +ID .*\[required\]", out)
    _, out, _ = call(capsys, "measure", "add", "--help")
    assert "Usage: microsys measure add [OPTIONS] [FOLDER] MEASURE DATE VALUE" in out
    assert re.search(r"-n, --denominator N +What", out) and re.search(r"--month-first +Read", out)
