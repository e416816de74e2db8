"""Line and column numbers for YAML paths, from ruamel's round-trip tree.

Round-trip parsing is several times slower than the fast loader, so it runs
only for files that have findings: :func:`resolve` takes the diagnostics of
one file and fills in line and column from each diagnostic's YAML path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from microsys.diagnostics import Diagnostic, PathPart


def _make_rt_yaml() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class _Constructor(RoundTripConstructor):
        """Round-trip constructor that never fails on impossible dates."""

    _Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


def parse_round_trip(text: str) -> Any:
    """Parse text into ruamel's commented tree (keeps positions and comments)."""
    return _make_rt_yaml().load(text)


def locate(tree: Any, path: Sequence[PathPart], *, at_key: bool = False) -> tuple[int, int]:
    """1-based (line, col) of ``path`` in a round-trip tree.

    Follows the path as far as it exists: a path that ends in a missing key
    points at the mapping that should hold it. With ``at_key`` the position of
    the last key itself is returned rather than its value.
    """
    lc = getattr(tree, "lc", None)
    pos = (lc.line + 1, lc.col + 1) if lc is not None and lc.line is not None else (1, 1)
    node = tree
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, dict) and not isinstance(part, int) and part in node:
            try:
                k_line, k_col = cast(Any, node).lc.key(part)
                v_line, v_col = cast(Any, node).lc.value(part)
            except (AttributeError, KeyError, TypeError):
                return pos
            if last and at_key:
                return (k_line + 1, k_col + 1)
            child = node[part]
            pos = (
                (v_line + 1, v_col + 1)
                if not isinstance(child, dict | list) or not child
                else (_start(child, (v_line + 1, v_col + 1)))
            )
            node = child
        elif isinstance(node, dict) and isinstance(part, int):
            # A numeric key written in YAML (e.g. a vote count keyed by number).
            if part in node:
                node = node[part]
                continue
            return pos
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            try:
                line, col = cast(Any, node).lc.item(part)
            except (AttributeError, KeyError, TypeError):
                return pos
            pos = (line + 1, col + 1)
            node = node[part]
        else:
            return pos
    return pos


def _start(node: Any, default: tuple[int, int]) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return default
    return (lc.line + 1, lc.col + 1)


def resolve(diagnostics: list[Diagnostic], text: str) -> list[Diagnostic]:
    """Fill in line/col of unresolved diagnostics of one file from its YAML paths."""
    pending = [d for d in diagnostics if d.unresolved]
    if not pending:
        return diagnostics
    try:
        tree = parse_round_trip(text)
    except Exception:
        # The fast loader accepted this text; if round-trip parsing disagrees,
        # the finding is still worth reporting, at the top of the file.
        return [d.at(1, 1) if d.unresolved else d for d in diagnostics]
    out = []
    for d in diagnostics:
        if d.unresolved:
            line, col = locate(tree, d.yaml_path, at_key=d.at_key and bool(d.yaml_path))
            out.append(d.at(line, col))
        else:
            out.append(d)
    return out


def references(text: str, keys: frozenset[str], value: str) -> list[tuple[tuple[PathPart, ...], int, int]]:
    """Where a key of ``keys`` holds ``value`` (or a list holding it): YAML path, 1-based line and col.

    Used to find every record that names an id (a measure named by `measure:` or
    `measures:` anywhere in a file), whatever kind of record holds the key.
    A text that does not parse has no references to report (its own findings say why).
    """
    try:
        tree = parse_round_trip(text)
    except Exception:  # any parse failure: the loader reports the file itself
        return []
    found: list[tuple[PathPart, ...]] = []

    def walk(node: Any, path: tuple[PathPart, ...]) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(k, str) and k in keys:
                    if v == value:
                        found.append((*path, k))
                    elif isinstance(v, list):
                        found.extend((*path, k, i) for i, item in enumerate(v) if item == value)
                walk(v, (*path, k))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, (*path, i))

    walk(tree, ())
    return [(where, *locate(tree, where)) for where in found]
