"""Editing YAML files so that only the lines an edit must touch change.

ruamel's round-trip mode keeps comments, key order and quoting, but a dump
can still differ from the file in small ways (indentation style, a comment
only file). So an edit never writes ruamel's dump directly: the file is
dumped once before the edit (the *base*) and once after, and only the lines
that differ between the two dumps are patched into the original text. Lines
the edit did not touch are copied from the original, byte for byte; an edit
that cannot be placed that way is refused rather than reformatting the file.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from microsys.errors import RefusedError
from microsys.storage import Change

# (mapping, sequence, offset) indentation styles tried in turn; the first whose
# dump reproduces the file is used, so new lines match the file's own style.
_STYLES: tuple[tuple[int, int, int], ...] = (
    (2, 4, 2),
    (2, 2, 0),
    (4, 4, 2),
    (4, 4, 0),
    (4, 6, 4),
    (2, 6, 4),
    (4, 2, 0),
)

_BOM = "\ufeff"


def _make_yaml(style: tuple[int, int, int]) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class _Constructor(RoundTripConstructor):
        """Keeps impossible dates (2026-02-30) as text instead of failing."""

        def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
            try:
                return super().construct_yaml_timestamp(node, values)
            except ValueError:
                return self.construct_yaml_str(node)

    _Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.preserve_quotes = True
    yaml.width = 4096
    mapping, sequence, offset = style
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    # A value used twice (today's date) must not become an &anchor and *alias;
    # anchors the user wrote on mappings and lists are kept.
    yaml.representer.ignore_aliases = lambda data: not isinstance(data, dict | list)
    # Workbook templates write `key: null`; ruamel would write `key:`.
    yaml.representer.add_representer(
        type(None), lambda rep, _data: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return yaml


def _trailing_comment(node: Any) -> tuple[Any, Any, int] | None:
    """Where ruamel keeps the comment (or blank lines) after the last value of ``node``."""
    if isinstance(node, dict) and node:
        key = list(node.keys())[-1]
        pos = 2
    elif isinstance(node, list) and node:
        key = len(node) - 1
        pos = 0
    else:
        return None
    child = node[key]
    if isinstance(child, dict | list) and child:
        inner = _trailing_comment(child)
        if inner is not None:
            return inner
    items = getattr(getattr(node, "ca", None), "items", {})
    if key in items and items[key][pos] is not None:
        return node, key, pos
    return None


def block_list(parent: Any, key: str) -> Any:
    """The list under ``key`` of a round-trip mapping, created if missing, in block style."""
    from ruamel.yaml.comments import CommentedSeq

    seq = parent.get(key)
    if not isinstance(seq, list):
        seq = CommentedSeq()
        parent[key] = seq
    if hasattr(seq, "fa") and not seq:
        seq.fa.set_block_style()  # `[]` becomes a block list once it has items
    return seq


def append_item(seq: Any, item: Any) -> None:
    """Append ``item`` to a round-trip list, keeping what followed the list after it.

    ruamel keeps the blank line or comment that ends a list with its last item,
    so a plain append would put the new item after that gap; the gap moves to
    the new item instead.
    """
    found = _trailing_comment(seq)
    seq.append(item)
    if found is None or not isinstance(item, dict) or not item:
        return
    holder, key, pos = found
    token = holder.ca.items[key][pos]
    holder.ca.items[key][pos] = None
    last = list(item.keys())[-1]
    cast(Any, item).ca.items[last] = [None, None, token, None]


def new_mapping() -> Any:
    """An empty mapping that keeps its key order and can carry comments, to add to a document."""
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap()


def new_sequence() -> Any:
    """An empty list that can carry comments, to add to a document."""
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq()


def new_yaml() -> Any:
    """A round-trip dumper in the house style, for files microsys creates."""
    return _make_yaml(_STYLES[0])


def _dump(yaml: Any, data: Any) -> str:
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def split_lines(text: str) -> list[str]:
    """``text`` cut after each line feed only, each line keeping its end.

    ``str.splitlines`` also cuts at form feeds, U+2028, U+0085 and other
    characters that are not line ends in a YAML file; cutting there would let an
    edit rewrite a note holding one.
    """
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _merge(
    original: Sequence[str], normal: Sequence[str], base: str, edited: str, newline: str
) -> list[str] | None:
    """Lines of the edited file: ``original``'s own lines where untouched, new lines in between.

    ``normal`` is ``original`` with CRLF line ends written LF (what ruamel read);
    new lines end with ``newline``. None when an edited region of ``base``
    has no exact counterpart in the original.
    """
    b_lines = split_lines(base)
    e_lines = split_lines(edited)
    # Map each base line (and the end position) to its original line, where they agree.
    b_to_o: dict[int, int] = {}
    for tag, i1, i2, j1, _j2 in difflib.SequenceMatcher(
        None, b_lines, list(normal), autojunk=False
    ).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                b_to_o[i1 + k] = j1 + k
    b_to_o[len(b_lines)] = len(normal)

    out: list[str] = []
    o_pos = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, b_lines, e_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # The edited region [i1, i2) of base must sit on lines that match the original exactly:
        # its first line (or, for a pure insertion, the line after it) and every line in it.
        start = b_to_o.get(i1)
        if start is None or start < o_pos:
            return None
        for k in range(i1, i2):
            if b_to_o.get(k) != start + (k - i1):
                return None
        # At the very end there is no line after to anchor on: the last line must match instead.
        if i1 == len(b_lines) and i1 > 0 and b_to_o.get(i1 - 1) != start - 1:
            return None
        out.extend(original[o_pos:start])
        out.extend(line[:-1] + newline if line.endswith("\n") else line for line in e_lines[j1:j2])
        o_pos = start + (i2 - i1)
    out.extend(original[o_pos:])
    return out


def merge_lines(original: str, base: str, edited: str) -> str | None:
    """Apply the difference between ``base`` and ``edited`` to ``original``.

    ``base`` is a re-dump of ``original``; where the two differ, the original
    wins. Returns None when an edited region of ``base`` has no exact
    counterpart in ``original``.
    """
    if base == edited:
        return original
    lines = split_lines(original)
    merged = _merge(lines, lines, base, edited, "\n")
    return None if merged is None else "".join(merged)


# Characters a YAML file cannot hold (YAML 1.2, section 5.1): C0 controls but tab, LF and CR,
# DEL, C1 controls but NEL, lone surrogates, U+FFFE and U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_LONE_CR = re.compile("\r(?!\n)")
# Line breaks to YAML 1.1 readers (libyaml, ruamel's scanner), ordinary characters to YAML 1.2.
_AMBIGUOUS = re.compile("[\x85\u2028\u2029]")
_CHAR_NAMES = {
    "\x00": "a NUL character",
    "\x0b": "a vertical tab",
    "\x0c": "a form feed (page break)",
    "\x1b": "an escape character",
    "\x7f": "a delete character",
    "\x85": "a next-line character (U+0085)",
    "\u2028": "a line separator (U+2028)",
    "\u2029": "a paragraph separator (U+2029)",
}


def _char_name(ch: str) -> str:
    return _CHAR_NAMES.get(ch, f"the control character U+{ord(ch):04X}")


def _refuse_characters(shown: Path, text: str) -> None:
    """Refuse, naming line and column, characters a YAML file cannot hold."""
    from microsys.yaml.load import line_col_of_offset

    m = _FORBIDDEN.search(text)
    if m is not None:
        line, col = line_col_of_offset(text, m.start())
        raise RefusedError(
            f"{shown}:{line}:{col}: the file holds {_char_name(m.group())}, which a YAML file cannot "
            "hold; microsys will not edit this file",
            hint="delete that character in a text editor (most editors do not show it), "
            "then run the command again",
        )
    m = _LONE_CR.search(text)
    if m is not None:
        line, col = line_col_of_offset(text, m.start())
        raise RefusedError(
            f"{shown}:{line}:{col}: a line ends with a carriage return alone (an old Mac line end); "
            "microsys will not edit this file",
            hint="save the file with Windows (CRLF) or Unix (LF) line ends, then run the command again",
        )


def _refuse_unsafe(path: Path, shown: Path, text: str) -> None:
    """Refuse files the guarded loader finds errors in (bombs, deep nesting, bad syntax)."""
    from microsys.diagnostics import Severity
    from microsys.yaml.load import ReadLimits, line_col_of_offset, parse_text

    _, diagnostics = parse_text(path, text, ReadLimits())
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if not errors:
        return
    odd = _AMBIGUOUS.search(text)
    if odd is not None:
        # YAML readers disagree about these characters: say which one, not what it confused.
        line, col = line_col_of_offset(text, odd.start())
        raise RefusedError(
            f"{shown}:{line}:{col}: the file holds {_char_name(odd.group())}, which some YAML readers "
            "take for a line break; microsys will not edit this file",
            hint="replace it with a space or an ordinary line break in a text editor, "
            "then run the command again",
        )
    first = errors[0]
    where = f"{shown}:{first.line}" if first.line else str(shown)
    raise RefusedError(
        f"{where}: {first.message}; microsys will not edit this file",
        hint="run `microsys check` on the workbook and fix it first",
    )


def _matching_lines(a: str, b: str) -> int:
    matcher = difflib.SequenceMatcher(None, split_lines(a), split_lines(b), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


@dataclass
class YamlDocument:
    """One YAML file opened for editing. Change :attr:`data`, then take :meth:`change`.

    Lines an edit does not touch are written back exactly as they were read,
    line ends included (a file may mix CRLF and LF lines); new lines take the
    line end most of the file uses. A file without a final line end keeps
    that: an entry added at its end goes on a line of its own, with no line end after it.
    """

    path: Path
    raw: bytes
    data: Any
    _yaml: Any = field(repr=False)
    _text: str = field(repr=False)
    """What ruamel read: the file with CRLF written LF, and a final line end."""
    _base: str = field(repr=False)
    _lines: list[str] = field(repr=False, default_factory=list)
    """The file's own lines (with a final line end added when it had none)."""
    _newline: str = "\n"
    _bom: bool = False
    _no_final_newline: bool = False

    @classmethod
    def read(cls, path: Path, shown: Path | None = None) -> YamlDocument:
        """Open ``path``; ``shown`` is the path used in messages.

        Raises:
            RefusedError: the file cannot be read, is not valid YAML, or holds
                characters an edit could not keep exactly.
        """
        shown = shown or path
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RefusedError(
                f"{shown}: cannot read the file ({exc})", hint="run `microsys check` to see what is wrong"
            ) from exc
        bom = text.startswith(_BOM)
        if bom:
            text = text[1:]
        _refuse_characters(shown, text)
        _refuse_unsafe(path, shown, text)
        lines = split_lines(text)
        crlf = sum(1 for line in lines if line.endswith("\r\n"))
        newline = "\r\n" if crlf * 2 > sum(1 for line in lines if line.endswith("\n")) else "\n"
        no_final = bool(lines) and not lines[-1].endswith("\n")
        if no_final:
            lines[-1] += newline
        normal = "".join(line[:-2] + "\n" if line.endswith("\r\n") else line for line in lines)
        data: Any = None
        yaml: Any = None
        base = ""
        best: tuple[int, tuple[int, int, int]] | None = None
        for style in _STYLES:
            yaml = _make_yaml(style)
            try:
                data = yaml.load(normal)
            except Exception as exc:  # ruamel raises many error classes
                raise RefusedError(
                    f"{shown}: the file is not valid YAML, so microsys will not edit it",
                    hint=f"run `microsys check` on the workbook and fix it first ({type(exc).__name__})",
                ) from exc
            base = _dump(yaml, data)
            if base == normal:
                break
            score = _matching_lines(base, normal)
            if best is None or score > best[0]:
                best = (score, style)
        else:  # no style reproduces the file: new lines take the style closest to it
            assert best is not None
            yaml = _make_yaml(best[1])
            data = yaml.load(normal)
            base = _dump(yaml, data)
        return cls(path, raw, data, yaml, normal, base, lines, newline, bom, no_final)

    def render(self) -> str:
        """The file's new text (with its own line endings).

        Raises:
            RefusedError: the edit cannot be made without reformatting other lines.
        """
        edited = _dump(self._yaml, self.data)
        if edited == self._base:
            return self.raw.decode("utf-8")
        normal = split_lines(self._text)
        merged = _merge(self._lines, normal, self._base, edited, self._newline)
        if merged is None:
            raise RefusedError(
                f"{self.path}: microsys cannot make this change without reformatting other lines; "
                "nothing was written",
                hint="make the change by hand in a text editor",
            )
        if self._no_final_newline and merged:  # the file's own style, even after an addition at its end
            merged[-1] = merged[-1].removesuffix("\n").removesuffix("\r")
        return (_BOM if self._bom else "") + "".join(merged)

    def change(self) -> Change:
        """The change to pass to :func:`microsys.storage.commit`."""
        return Change(self.path, self.render().encode("utf-8"), self.raw)


def unified_diff(change: Change, label: str) -> str:
    """A unified diff of a change, for ``--dry-run``."""
    before = split_lines((change.expected or b"").decode("utf-8", errors="replace"))
    after = split_lines(change.content.decode("utf-8", errors="replace"))
    old = f"a/{label}" if change.expected is not None else "/dev/null"
    lines = list(difflib.unified_diff(before, after, old, f"b/{label}"))
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
