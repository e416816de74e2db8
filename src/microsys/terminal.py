"""Text shown on a terminal or in a CI log, with control characters made visible.

Workbook text and file names reach findings and error messages. An escape
sequence in a PDSA title could recolour a terminal, move the cursor, rewrite
earlier lines (a carriage return) or fake a finding on a line of its own (a
newline); bidirectional controls can make text read differently from what it
is ("Trojan Source"). Every text output (the text reporter, GitHub
annotations, the command line's error messages) passes through
:func:`visible`, which writes such characters as escapes (the escape
character becomes the four characters backslash, x, 1, b). Machine formats (JSON) encode text exactly instead.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar, cast

T = TypeVar("T")

# C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional
# marks, embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEP_NEWLINES = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code == 0x0A:
        return "\\n"
    if code == 0x0D:
        return "\\r"
    if code == 0x09:
        return "\\t"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control or bidirectional character written as an escape.

    Args:
        text: text that may come from a user's file or file name.
        keep_newlines: keep newlines as line breaks (messages of several lines).

    Returns:
        The text, unchanged when it has nothing to escape.
    """
    pattern = _UNSAFE_KEEP_NEWLINES if keep_newlines else _UNSAFE
    return pattern.sub(_escape, text) if pattern.search(text) else text


def visible_all(value: T) -> T:
    """A copy of ``value`` (dataclasses, lists, tuples, dicts) with :func:`visible` applied to every text.

    For views that lay out many texts from a workbook (``ramp status``): escaping the
    data once before drawing means no field can be forgotten.
    """
    if isinstance(value, str):
        return cast(T, visible(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: visible_all(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return cast(T, dataclasses.replace(value, **changes))
    if isinstance(value, list):
        return cast(T, [visible_all(v) for v in value])
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return cast(T, tuple(visible_all(v) for v in value))
    if isinstance(value, dict):
        return cast(T, {k: visible_all(v) for k, v in value.items()})
    return value
