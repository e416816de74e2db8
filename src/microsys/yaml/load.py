"""Guarded, fast loading of YAML files.

Every file is read through :func:`load_file`, which never raises for bad
input: it returns the data (or None) and diagnostics. It guards against what
a hostile or broken file can do to a parser: non-UTF-8 bytes, huge files,
nesting deep enough to crash a C parser, alias expansion bombs, and tags that
try to build Python objects.

The fast path is ruamel's safe loader with its C parser. Dates stay strings
here so that the schema layer reports impossible dates (``2026-02-30``) with a
position instead of the parser failing on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from microsys import rules
from microsys.diagnostics import Diagnostic, PathPart
from microsys.rules import Rule

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# A workbook never nests deeper than a dozen levels; these limits only stop abuse.
DEFAULT_MAX_DEPTH = 50
DEFAULT_MAX_NODES = 200_000
# Text pre-scan limits protect the C parser, which recurses without a guard.
_MAX_FLOW_DEPTH = 100
_MAX_INDENT = 400


@dataclass(frozen=True)
class ReadLimits:
    """Limits on reading a file, that keep a hostile file from hanging or crashing a check."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_nodes: int = DEFAULT_MAX_NODES


@dataclass
class LoadedText:
    """A file read and decoded, or the reason it could not be."""

    path: Path
    text: str | None
    diagnostics: list[Diagnostic]


def _diag(path: Path, rule: Rule, message: str, hint: str | None, line: int = 0, col: int = 0) -> Diagnostic:
    return Diagnostic.of(rule, path, message, hint, line=line, col=col)


def line_col_of_offset(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset in ``text``."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def read_text(path: Path, limits: ReadLimits = ReadLimits()) -> LoadedText:
    """Read ``path`` as UTF-8 text, within the size limit."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            return LoadedText(
                path,
                None,
                [
                    _diag(
                        path,
                        rules.FILE_TOO_LARGE,
                        f"the file is {size:,} bytes, more than the limit of {limits.max_bytes:,}",
                        "split it into smaller files, keep long measure series in a CSV file, "
                        "or raise the limit with --max-file-size",
                    )
                ],
            )
        raw = path.read_bytes()
    except OSError as exc:
        return LoadedText(
            path,
            None,
            [_diag(path, rules.FILE_UNREADABLE, f"the file cannot be read: {exc.strerror or exc}", None)],
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = line_col_of_offset(good, len(good))
        return LoadedText(
            path,
            None,
            [
                _diag(
                    path,
                    rules.FILE_ENCODING,
                    f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read)",
                    "save the file as UTF-8; most editors offer this under 'Save as' or 'Encoding'",
                    line,
                    col,
                )
            ],
        )
    if "\x00" in text:
        off = text.index("\x00")
        line, col = line_col_of_offset(text, off)
        return LoadedText(
            path,
            None,
            [_diag(path, rules.FILE_BINARY, "the file holds binary data, not text", None, line, col)],
        )
    return LoadedText(path, text, [])


_QUOTED_OR_COMMENT = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\n]|'')*'|(?:^|(?<=\s))#[^\n]*", re.M)
_BRACKET = re.compile(r"[\[\]{}]")
_INDENT = re.compile(r"^[ \-?:]*", re.M)


def nesting_guard(path: Path, text: str) -> Diagnostic | None:
    """Refuse text nested deep enough to crash the parser, before parsing it."""
    depth = 0
    deepest = 0
    deepest_at = 0
    if "[" in text or "{" in text:
        stripped = _QUOTED_OR_COMMENT.sub(lambda m: " " * len(m.group(0)), text)
        for m in _BRACKET.finditer(stripped):
            if m.group(0) in "[{":
                depth += 1
                if depth > deepest:
                    deepest, deepest_at = depth, m.start()
            else:
                depth = max(0, depth - 1)
    widest = 0
    widest_at = 0
    for m in _INDENT.finditer(text):
        width = m.end() - m.start()
        if width > widest:
            widest, widest_at = width, m.start()
    if deepest > _MAX_FLOW_DEPTH or widest > _MAX_INDENT:
        at = deepest_at if deepest > _MAX_FLOW_DEPTH else widest_at
        line, col = line_col_of_offset(text, at)
        return _diag(
            path,
            rules.YAML_TOO_DEEP,
            "the file is nested too deeply to be a workbook file",
            "a workbook file needs only a few levels of indentation; check the file is not damaged",
            line,
            col,
        )
    return None


def _make_safe_yaml() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor

    class _Constructor(SafeConstructor):
        """Safe constructor that leaves dates as text for the schema layer."""

    _Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)
    yaml = YAML(typ="safe", pure=False)
    yaml.Constructor = _Constructor
    return yaml


_safe_yaml: Any = None


def _safe() -> Any:
    global _safe_yaml
    if _safe_yaml is None:
        _safe_yaml = _make_safe_yaml()
    return _safe_yaml


def has_c_parser() -> bool:
    """True when ruamel's C parser is installed (the fast path)."""
    from ruamel.yaml import main

    return getattr(main, "CParser", None) is not None


_DUP_KEY = re.compile(r'found duplicate key "(.*?)"')
_ALIAS = re.compile(r"(?:^|[\s,\[{])(\*[^\s,\]}]+)", re.M)
_TAG = re.compile(r"for the tag '(.*?)'")


def _yaml_error_diagnostic(path: Path, text: str, exc: Exception) -> Diagnostic:
    """Turn a ruamel error into a plain-language diagnostic at its mark."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if "quoted scalar" in str(getattr(exc, "context", "") or "") and getattr(exc, "context_mark", None):
        mark = getattr(exc, "context_mark", None)  # where the quote was opened, not the file's end
    line = getattr(mark, "line", -1) + 1 if mark is not None else 0
    col = getattr(mark, "column", -1) + 1 if mark is not None else 0
    problem = str(getattr(exc, "problem", "") or "")
    lines = text.splitlines()
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    name = type(exc).__name__

    if name == "DuplicateKeyError":
        m = _DUP_KEY.search(str(exc))
        key = m.group(1) if m else "?"
        first = _first_key_line(lines, key, line)
        where = f" (first on line {first})" if first else ""
        return _diag(
            path,
            rules.YAML_DUPLICATE_KEY,
            f"the key `{key}` appears twice in the same section{where}",
            "keep one of them: YAML would silently use only one value",
            line,
            col,
        )
    if name == "ConstructorError":
        m = _TAG.search(str(exc))
        tag = m.group(1) if m else "?"
        short = tag.replace("tag:yaml.org,2002:", "!!")
        if "python" in tag:
            return _diag(
                path,
                rules.YAML_UNSAFE_TAG,
                f"the tag `{short}` asks to build a Python object, which is refused",
                "remove the tag: a workbook holds only text, numbers, dates, lists and mappings",
                line,
                col,
            )
        return _diag(
            path,
            rules.YAML_UNKNOWN_TAG,
            f"the tag `{short}` is not supported",
            "remove the tag (the word starting with `!`); write the value as plain text",
            line,
            col,
        )
    tab_col = src.find("\t")
    if "\t" in src and (tab_col < len(src) - len(src.lstrip()) or "cannot start any token" in problem):
        return _diag(
            path,
            rules.YAML_TAB,
            "a tab character is used for indentation; YAML allows only spaces",
            "replace the tab with spaces (two spaces for each level); set your editor to insert spaces",
            line,
            tab_col + 1,
        )
    context = str(getattr(exc, "context", "") or "")
    message, hint = _explain_problem(problem + " " + context, src, col)
    return _diag(path, rules.YAML_SYNTAX, message, hint, line, col)


def _first_key_line(lines: list[str], key: str, before: int) -> int:
    pattern = re.compile(rf"^\s*(-\s+)?[\"']?{re.escape(key)}[\"']?\s*:")
    for i in range(min(before - 1, len(lines))):
        if pattern.match(lines[i]):
            return i + 1
    return 0


def _explain_problem(problem: str, src: str, col: int) -> tuple[str, str]:
    if "mapping values are not allowed" in problem:
        return (
            "a `:` appears where YAML does not expect a new key",
            "if the value itself contains `: `, put the whole value in quotes; "
            "otherwise check the indentation of this line",
        )
    if "could not find expected ':'" in problem:
        return (
            "a line is missing the `:` between a key and its value",
            "write `key: value`; if this line continues the text above, indent it further",
        )
    if "cannot start any token" in problem:
        ch = src[col - 1 : col] if 0 < col <= len(src) else "?"
        return (
            f"a value cannot start with the character `{ch}`",
            'put the whole value in quotes, e.g. "..."',
        )
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        return (
            "a list or mapping in brackets is not closed",
            "check that every `[` has a matching `]` and every `{` a matching `}`",
        )
    if "end of stream" in problem and "quoted" in problem:
        return ("a quote is opened but never closed", "add the closing quote")
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return (
            "the indentation of this line does not line up with the lines above",
            "indent keys of the same section by the same number of spaces",
        )
    if "did not find expected '-'" in problem:
        return (
            "a list item is expected here",
            "start each list item with `- ` at the same indentation",
        )
    if "found undefined alias" in problem:
        return ("an alias (`*name`) refers to an anchor that is not defined", "define `&name` first")
    detail = problem or "the text is not valid YAML"
    return (f"the YAML here cannot be read: {detail}", "check quotes, colons and indentation near here")


def _walk_guard(path: Path, data: Any, limits: ReadLimits) -> tuple[str, tuple[PathPart, ...]] | None:
    """Count nodes (aliases counted each time they are reached) and depth, within a budget."""
    budget = limits.max_nodes
    stack: list[tuple[Any, int, tuple[PathPart, ...]]] = [(data, 0, ())]
    while stack:
        node, depth, where = stack.pop()
        budget -= 1
        if budget < 0:
            return "nodes", where
        if depth > limits.max_depth:
            return "depth", where
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, dict | list):
                    stack.append((v, depth + 1, (*where, str(k))))
                else:
                    budget -= 1
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, dict | list):
                    stack.append((v, depth + 1, (*where, i)))
                else:
                    budget -= 1
    return None


def parse_text(path: Path, text: str, limits: ReadLimits = ReadLimits()) -> tuple[Any, list[Diagnostic]]:
    """Parse YAML text with the fast safe loader; never raises for bad input."""
    guard = nesting_guard(path, text)
    if guard is not None:
        return None, [guard]
    try:
        data = _safe().load(text)
    except RecursionError:
        return None, [
            _diag(
                path,
                rules.YAML_TOO_DEEP,
                "the file is nested too deeply to be a workbook file",
                "check the file is not damaged",
            )
        ]
    except Exception as exc:  # ruamel raises many types; all are findings in the file
        from ruamel.yaml.error import MarkedYAMLError, YAMLError

        if isinstance(exc, MarkedYAMLError | YAMLError | ValueError):
            return None, [_yaml_error_diagnostic(path, text, exc)]
        raise
    if data is None:
        return None, [
            Diagnostic.of(
                rules.YAML_EMPTY,
                path,
                "the file is empty",
                "fill it in (the comments from `microsys init` show what goes here) or delete it",
            )
        ]
    problem = _walk_guard(path, data, limits)
    if problem is not None:
        kind, where = problem
        if kind == "nodes":
            message = (
                f"the file expands to more than {limits.max_nodes:,} values "
                "(anchors and aliases repeated inside each other)"
            )
            rule = rules.YAML_TOO_MANY_NODES
            hint = "write the values out instead of using `&anchor` and `*alias`"
        else:
            message = f"the file is nested more than {limits.max_depth} levels deep"
            rule = rules.YAML_TOO_DEEP
            hint = "a workbook file needs only a few levels of indentation"
        alias = _ALIAS.search(text) if kind == "nodes" else None
        if alias is not None:
            line, col = line_col_of_offset(text, alias.start(1))
            return None, [_diag(path, rule, message, hint, line, col)]
        return None, [Diagnostic.of(rule, path, message, hint, yaml_path=where, unresolved=bool(where))]
    return data, []


def load_file(path: Path, limits: ReadLimits = ReadLimits()) -> tuple[str | None, Any, list[Diagnostic]]:
    """Read and parse one YAML file: (text, data, diagnostics)."""
    loaded = read_text(path, limits)
    if loaded.text is None:
        return None, None, loaded.diagnostics
    data, diags = parse_text(path, loaded.text, limits)
    return loaded.text, data, diags
