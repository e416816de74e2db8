"""The event-built data equals, type for type, what the full safe-loading path builds, or declines."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microsys.yaml import load
from microsys.yaml.fastpath import Decline

ROOT = Path(__file__).resolve().parents[2]
LIMITS = load.ReadLimits()

pytestmark = pytest.mark.skipif(not load.has_c_parser(), reason="the event path needs ruamel's C parser")


def _full(text: str) -> Any:
    """What the composing path builds (raises for what it refuses)."""
    constructor, parser = load._loader_for(text)
    try:
        node = constructor.composer.get_single_node()
        return None if node is None else constructor.construct_document(node)
    finally:
        parser.dispose()


def _fast(text: str, limits: load.ReadLimits = LIMITS) -> Any:
    builder = load._fast_builder()
    assert builder is not None
    return builder.build(text, limits.max_nodes, limits.max_depth, limits.max_keys)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return [(type(k), k) for k in a] == [(type(k), k) for k in b] and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _agree(text: str) -> bool:
    """True when the event path builds what the full path does; False when it declined."""
    try:
        fast = _fast(text)
    except Decline:
        return False
    assert _same(fast, _full(text)), text
    return True


def test_every_bundled_file_builds_the_same_data() -> None:
    files = sorted([*(ROOT / "examples").rglob("*.yaml"), *(ROOT / "tests" / "cases").rglob("*.yaml")])
    assert len(files) > 100
    built = sum(_agree(p.read_text(encoding="utf-8", errors="replace")) for p in files)
    # The event path is the common path: only files with anchors, tags or mistakes decline.
    assert built > 0.9 * len(files)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: 1.5\nc: true\nd: ~\ne: null\nf: 2024-02-30\ng: '12'\nh: 0x1F\ni: 1_000\nj: .inf\n",
        "k: -.5e3\n",
        "- yes\n- No\n- on\n- 012\n- +7\n- 0o17\n- .NaN\n- ''\n- \n",
        "key: |\n  two\n  lines\nother: >\n  folded\n  text\n",
        "{a: [1, 2, {b: c}], 'q': \"x\\ty\"}\n",
        "",
        "# only a comment\n",
        "plain\n",
        "1: one\n2.5: two\nfalse: three\n",
        "nested:\n  - - - deep\n    - 3\n",
    ],
)
def test_common_shapes_build_the_same_data(text: str) -> None:
    assert _agree(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "base: &b {x: 1}\nthis:\n  <<: *b\n",  # merge keys
        "a: !!binary aGk=\n",  # explicit tags
        "%YAML 1.1\n---\na: 012\n",  # a version directive changes the rules
        "a: 1\na: 2\n",  # a duplicate key
        "? [1, 2]\n: pair\n",  # a non-scalar key
        "--- 1\n--- 2\n",  # two documents
        "a: [1, 2\n",  # a syntax error
        "a: =\n",  # the `value` tag, which the loader refuses
        "1: a\ntrue: b\n",  # 1 and true are the same key in Python
    ],
)
def test_anything_else_declines_to_the_full_path(text: str) -> None:
    with pytest.raises(Decline):
        _fast(text)


def test_limits_decline_so_the_full_path_reports_them() -> None:
    tight = load.ReadLimits(max_nodes=5, max_depth=2, max_keys=3)
    with pytest.raises(Decline):
        _fast("- 1\n- 2\n- 3\n- 4\n- 5\n- 6\n", tight)
    with pytest.raises(Decline):
        _fast("a:\n  b:\n    c: 1\n", tight)
    with pytest.raises(Decline):
        _fast("{a: 1, b: 2, c: 3, d: 4}\n", tight)
    assert _fast("{a: 1, b: 2, c: 3}\n", load.ReadLimits(max_depth=2, max_keys=3)) == {"a": 1, "b": 2, "c": 3}


def test_the_loader_still_reports_what_the_event_path_declines() -> None:
    data, diags = load.parse_text(Path("x.yaml"), "a: 1\na: 2\n")
    assert data is None and [d.rule for d in diags] == ["yaml.duplicate-key"]
    data, diags = load.parse_text(Path("x.yaml"), "a: &x [1]\nb: *x\n")
    assert data == {"a": [1], "b": [1]} and not diags


# Scalars that hit every resolver rule and the characters YAML treats specially.
_WORDS = st.sampled_from(
    ["yes", "No", "true", "FALSE", "null", "~", "", "0", "-1", "012", "0x1f", "0o7", "1_0", "1.5", ".5",
     "-.inf", ".nan", "1e3", "2024-01-31", "2024-02-30 10:00", "12:30", "=", "<<", "a b", "x#y", "#c",
     "'q'", '"d"', "-", "- x", "? k", ": v", "&a", "*a", "!t", "%", "@", "`", "|", ">", "[", "]", "{", "}",
     ",", "\t", "é", "1,200 patients"]
)
_LINE = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)
_INDENT = st.sampled_from(["", "  ", "    ", "- ", "  - "])
_KEY = st.sampled_from(["", "k: ", "key: ", "a b: ", "'q': ", "1: "])
_KEYED = st.tuples(_INDENT, _KEY, _LINE).map("".join)


@settings(max_examples=300)
@given(st.lists(_KEYED, min_size=1, max_size=8).map("\n".join))
def test_yaml_like_text_builds_the_same_data_or_declines(text: str) -> None:
    try:
        fast = _fast(text)
    except Decline:
        return
    assert _same(fast, _full(text)), text


_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _WORDS, st.text(max_size=12)
)
_DATA = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_WORDS, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=200)
@given(_DATA, st.sampled_from([None, True, False]))
def test_dumped_data_builds_the_same_data(data: Any, flow: bool | None) -> None:
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = flow
    out = io.StringIO()
    yaml.dump(data, out)
    _agree(out.getvalue())
