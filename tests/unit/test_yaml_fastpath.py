"""The event-built data equals, type for type, what the full safe-loading path builds, or declines."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microsys.yaml import fastpath, load
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
    [
        "yes",
        "No",
        "true",
        "FALSE",
        "null",
        "~",
        "",
        "0",
        "-1",
        "012",
        "0x1f",
        "0o7",
        "1_0",
        "1.5",
        ".5",
        "-.inf",
        ".nan",
        "1e3",
        "2024-01-31",
        "2024-02-30 10:00",
        "12:30",
        "=",
        "<<",
        "a b",
        "x#y",
        "#c",
        "'q'",
        '"d"',
        "-",
        "- x",
        "? k",
        ": v",
        "&a",
        "*a",
        "!t",
        "%",
        "@",
        "`",
        "|",
        ">",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\t",
        "é",
        "1,200 patients",
    ]
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


# --- the whole loader, with and without the event path -----------------------------------


def _parsed(text: str, limits: load.ReadLimits, event_path: bool) -> tuple[Any, list[Any]]:
    """What ``parse_text`` gives, with the event path or with the full path alone."""
    builder = load._fast_builder
    if not event_path:
        load._fast_builder = lambda: None
    try:
        return load.parse_text(Path("x.yaml"), text, limits)
    finally:
        load._fast_builder = builder


def _loads_the_same(text: str, limits: load.ReadLimits = LIMITS) -> None:
    fast_data, fast_diags = _parsed(text, limits, True)
    full_data, full_diags = _parsed(text, limits, False)
    assert _same(fast_data, full_data), text
    assert fast_diags == full_diags, text


def test_text_the_parser_cannot_take_declines() -> None:
    # A lone surrogate cannot be handed to the C parser at all; the event path must still
    # give up with Decline (not an error of its own) and the loader report it as before.
    with pytest.raises(Decline):
        _fast("a: \ud800\n")
    _loads_the_same("a: \ud800\n")


def test_the_value_cache_stays_small_whatever_the_files_hold() -> None:
    # The cache outlives every file: long plain values, one per file, must not pile up in it
    # (300 files of one 1 MB value each held 360 MB once all were read).
    builder = load._fast_builder()
    assert builder is not None
    for i in range(200):
        assert _fast(f"note: {i:05d}{'w' * 20_000}\n") == {"note": f"{i:05d}{'w' * 20_000}"}
    assert sum(map(len, builder._cache)) < 1_000_000
    # Short values, the ones that recur, are still kept.
    _fast("date: 2024-03-01\nvalue: 12.5\n")
    assert "12.5" in builder._cache


@pytest.mark.parametrize(
    "text",
    [
        "%YAML 1.2\n---\na: 012\n",
        "%YAML 1.1\n---\na: 012\nb: yes\n",
        "%TAG !e! tag:e.org,2000:\n---\na: !e!x 1\n",
        "%FOO bar\n---\na: 1\n",
        "--- |\n  text\n",
        "? a\n? b\n",
        "a: !!null ''\n",
        "...\n",
        "---\n...\n",
        "---\n",
        "a: 1\n...\n# c\n",
        "a: 1\n...\n---\nb: 2\n",
        "\ufeffa: 1\n",
        "a: 1\n\ufeff",
        "a:\t1\n",
        "[a,\tb]\n",
        "- !!str 1\n",
        "- ! 1\n",
        "a: 1\r\nb:\r\n  - 2\r\n",
        'a: "\\u00e9\\x41\\N\\_\\L\\P"\n',
        'a: "\\ud83d"\n',
        'a: "\\U0001F600"\n',
        "? |\n  block key\n: v\n",
        "[a: b, c: d]\n",
        "{? a}\n",
        "{a}\n",
        "{: x}\n",
        "- : x\n",
        "? \n: \n",
        "a: &x\n",
        "a: !local x\n",
        "!!map {a: 1}\n",
        "--- !!seq []\n",
        "<<: {a: 1}\n",
        "a:\n  <<: {x: 1}\n  <<: {y: 2}\n",
        "a: &b {x: 1}\nc: {<<: [*b], y: 2}\n",
        "'<<': 1\n",
        "a: <<\n",
        "<<\n",
        "=\n",
        "=: a\n",
        "0o: x\n",
        "a: 0x\n",
        ".nan: a\n.nan: b\n",
        ".nan: a\n.NaN: b\n",
        "-0: a\n0: b\n",
        "0.0: a\n-0.0: b\n",
        "1: a\n1.0: b\n",
        "0: a\nfalse: b\n",
        "~: a\nnull: b\n",
        "true: a\nTrue: b\n",
        "1_0: a\n10: b\n",
        "0x10: a\n16: b\n",
        "010: a\n10: b\n",
        "a: 1\n'a': 2\n",
        "1: a\n'1': b\n",
        "? [a]\n: x\n",
        "? {a: 1}\n: x\n",
        "a: 1 # c\n# c\n  # c\nb: 2\n",
        "#c\n---\n#c\na: 1\n#c\n...\n#c\n",
        "a: 2024-02-30\nb: 2024-02-30T10:00:00Z\n",
        "1e1000: x\n",
        "a: [1e1000, -.inf, .NaN]\n",
        "a: " + "9" * 4301 + "\n",
        "a: 1\n...\n...\n",
        "\n\n\n",
        "   ",
        "\t",
        "# only\n# comments\n",
        "--- # c\n",
        "a: *nowhere\n",
        "a: 1\nb: [2\n",
        "a: 'open\n",
        "a: b: c\n",
        "a: 12:30\nb: 190:20:30\nc: +1\nd: 1_000\ne: 0b11\nf: .5\ng: 1.\nh: ON\ni: y\n",
    ],
)
def test_corner_cases_load_the_same_with_and_without_the_event_path(text: str) -> None:
    _loads_the_same(text)


def test_limits_report_the_same_at_and_past_each_bound() -> None:
    for limit in (3, 4, 5):
        tight = load.ReadLimits(max_nodes=limit, max_depth=limit, max_keys=limit)
        for n in (limit - 1, limit, limit + 1):
            _loads_the_same("".join(f"- {i}\n" for i in range(n - 1)), tight)  # n nodes
            _loads_the_same("".join(f"k{i}: {i}\n" for i in range(n)), tight)  # n keys
            _loads_the_same("{" + ", ".join(f"k{i}: {i}" for i in range(n)) + "}\n", tight)
            _loads_the_same("[" * n + "x" + "]" * n + "\n", tight)  # a value n levels down
            _loads_the_same("[" * n + "]" * n + "\n", tight)  # an empty list n - 1 levels down
            _loads_the_same("".join("  " * i + "k:\n" for i in range(n)) + "  " * n + "v: 1\n", tight)
    # And at the default limits, which a real check uses.
    for n in (LIMITS.max_keys, LIMITS.max_keys + 1):
        _loads_the_same("".join(f"k{i}: {i}\n" for i in range(n)))
    for n in (LIMITS.max_depth - 1, LIMITS.max_depth, LIMITS.max_depth + 1):
        _loads_the_same("[" * n + "x" + "]" * n + "\n")
        _loads_the_same("".join("  " * i + "k:\n" for i in range(n)) + "  " * n + "v: 1\n")


# Plain values on every resolver rule's edge (YAML 1.2 as ruamel reads it), including ones
# that Python takes for the same key (1, 1.0, true; 0, false, -0).
_PLAIN = st.sampled_from(
    [
        "yes",
        "No",
        "true",
        "True",
        "FALSE",
        "null",
        "Null",
        "NULL",
        "nUll",
        "~",
        "",
        "0",
        "-0",
        "+0",
        "-1",
        "+1",
        "012",
        "08",
        "0x1f",
        "0X1F",
        "0x_1f",
        "0o7",
        "0o",
        "0x",
        "0b101",
        "1_000",
        "1__0",
        "_1",
        "1_",
        "1_0.5",
        "1.5",
        "1.",
        "-.5",
        ".5",
        "+.5",
        "1e3",
        "1E+3",
        "-1e-3",
        "1e",
        "e1",
        "1e1000",
        "685.230_15e+03",
        "190:20:30",
        "12:30",
        "-.inf",
        ".Inf",
        "+.inf",
        ".inF",
        ".nan",
        ".NaN",
        "0.0",
        "-0.0",
        "00",
        "0777",
        "2024-01-31",
        "2024-1-1",
        "2024-02-30 10:00",
        "2001-12-14t21:59:43.10-05:00",
        "y",
        "n",
        "on",
        "off",
        "OFF",
        "a b",
        "x#y",
        "a:b",
        "http://x",
        "-x",
        "?x",
        "-- -",
        "é",
        "1,200 patients",
        "x" * 70,
    ]
)


@st.composite
def _scalar_text(draw: st.DrawFn, flow: bool) -> str:
    value = draw(_PLAIN)
    style = draw(st.sampled_from(["plain", "plain", "single", "double"]))
    if style == "single" or (flow and any(c in value for c in ",[]{}")):
        return "'" + value.replace("'", "''") + "'"
    if style == "double":
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


@st.composite
def _node_text(draw: st.DrawFn, depth: int = 0, indent: int = 0, flow: bool = False) -> str:
    kind = draw(st.sampled_from(["scalar", "seq", "map"] if depth < 4 else ["scalar"]))
    if kind == "scalar":
        return draw(_scalar_text(flow))
    count = draw(st.integers(0 if flow or depth else 1, 3))
    if flow or draw(st.booleans()):
        if kind == "seq":
            return "[" + ", ".join(draw(_node_text(depth + 1, indent, True)) for _ in range(count)) + "]"
        pairs = [
            draw(_scalar_text(True)) + ": " + draw(_node_text(depth + 1, indent, True)) for _ in range(count)
        ]
        return "{" + ", ".join(pairs) + "}"
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    pad = " " * indent
    items = []
    for _ in range(max(count, 1)):
        value = draw(_node_text(depth + 1, indent + 2, False))
        comment = draw(st.sampled_from(["", "", "  # note", " #x"]))
        nested = value.startswith(("\n", "\r\n"))
        lead = pad + ("-" if kind == "seq" else draw(_scalar_text(False)) + ":")
        items.append(lead + (value if nested else " " + value + comment))
    return newline + newline.join(items)


_DOCUMENT = st.tuples(
    st.sampled_from(["", "", "", "---\n", "--- ", "# head\n", "\ufeff", "%YAML 1.2\n---\n"]),
    _node_text().map(lambda t: t.lstrip("\r\n")),
    st.sampled_from(["", "", "", "\n", "\n...\n", "\n# end", "\n---\n", "\n]", "\n  "]),
).map("".join)
_LIMITS = st.one_of(
    st.just(LIMITS),
    st.builds(
        load.ReadLimits, max_nodes=st.integers(0, 30), max_depth=st.integers(0, 5), max_keys=st.integers(0, 4)
    ),
)


@settings(max_examples=400, deadline=None)
@given(_DOCUMENT, _LIMITS)
def test_generated_documents_load_the_same_with_and_without_the_event_path(
    text: str, limits: load.ReadLimits
) -> None:
    _loads_the_same(text, limits)


# --- the flat event classes the C parser makes its events from -------------------------------

_SLOTS_OF = (
    "start_mark",
    "end_mark",
    "comment",
    "anchor",
    "ctag",
    "implicit",
    "value",
    "style",
    "flow_style",
    "nr_items",
)


def _fields(event: Any) -> dict[str, Any]:
    out = {}
    for name in _SLOTS_OF:
        try:
            out[name] = getattr(event, name)
        except AttributeError:
            out[name] = "<unset>"
    return out


_ARG = st.one_of(st.none(), st.text(max_size=3), st.integers(), st.tuples(st.booleans(), st.booleans()))


@settings(max_examples=300)
@given(st.lists(_ARG, min_size=8, max_size=8), st.integers(0, 8), st.booleans())
def test_a_flat_event_holds_what_the_original_holds(
    args: list[Any], given_count: int, default_comment: bool
) -> None:
    from ruamel.yaml import events

    flat = fastpath.flat_event_classes(events)
    assert flat is not None
    if default_comment:  # what an event's base takes as "no comment given"
        args[2] = args[-1] = events.CommentCheck
    arity = {
        "ScalarEvent": 8,
        "MappingStartEvent": 8,
        "SequenceStartEvent": 8,
        "MappingEndEvent": 3,
        "SequenceEndEvent": 3,
    }
    for name, made in flat.items():
        original = getattr(events, name)
        assert issubclass(made, original) and made.__slots__ == ()
        used = args[: min(given_count, arity[name])]
        if name.endswith("StartEvent") or name == "ScalarEvent":
            used = args[: max(min(given_count, arity[name]), 4 if name == "ScalarEvent" else 3)]
        assert _fields(made(*used)) == _fields(original(*used)), name


def test_the_c_parser_makes_flat_events_and_the_builder_reads_them() -> None:
    from ruamel.yaml import events, main

    builder = load._fast_builder()
    assert builder is not None
    parser = main.CParser("a: [b, {c: d}]\n")
    try:
        kinds = []
        while not isinstance(event := parser.get_event(), events.StreamEndEvent):
            kinds.append(type(event))
    finally:
        parser.dispose()
    assert builder._scalar in kinds and builder._scalar is not events.ScalarEvent
    assert {builder._map_start, builder._map_end, builder._seq_start, builder._seq_end} <= set(kinds)


def test_event_classes_of_another_shape_are_left_as_they_are() -> None:
    from types import SimpleNamespace

    from ruamel.yaml import events

    odd = SimpleNamespace(**{n: getattr(events, n) for n in dir(events) if not n.startswith("_")})
    odd.ScalarEvent = type("ScalarEvent", (events.NodeEvent,), {"__slots__": ("ctag", "value")})
    assert fastpath.flat_event_classes(odd) is None
