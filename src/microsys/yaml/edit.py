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


def merge_lines(original: str, base: str, edited: str) -> str | None:
    """Apply the difference between ``base`` and ``edited`` to ``original``.

    ``base`` is a re-dump of ``original``; where the two differ, the original
    wins. Returns None when an edited region of ``base`` has no exact
    counterpart in ``original``.
    """
    if base == edited:
        return original
    if original == base:
        return edited
    o_lines = original.splitlines(keepends=True)
    b_lines = base.splitlines(keepends=True)
    e_lines = edited.splitlines(keepends=True)
    # Map each base line (and the end position) to its original line, where they agree.
    b_to_o: dict[int, int] = {}
    for tag, i1, i2, j1, _j2 in difflib.SequenceMatcher(None, b_lines, o_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                b_to_o[i1 + k] = j1 + k
    b_to_o[len(b_lines)] = len(o_lines)

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
        out.extend(o_lines[o_pos:start])
        out.extend(e_lines[j1:j2])
        o_pos = start + (i2 - i1)
    out.extend(o_lines[o_pos:])
    return "".join(out)


def _refuse_unsafe(path: Path, shown: Path, text: str) -> None:
    """Refuse files the guarded loader finds errors in (bombs, deep nesting, bad syntax)."""
    from microsys.diagnostics import Severity
    from microsys.yaml.load import ReadLimits, parse_text

    _, diagnostics = parse_text(path, text, ReadLimits())
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        where = f"{shown}:{first.line}" if first.line else str(shown)
        raise RefusedError(
            f"{where}: {first.message}; microsys will not edit this file",
            hint="run `microsys check` on the workbook and fix it first",
        )


@dataclass
class YamlDocument:
    """One YAML file opened for editing. Change :attr:`data`, then take :meth:`change`."""

    path: Path
    raw: bytes
    data: Any
    _yaml: Any = field(repr=False)
    _text: str = field(repr=False)
    _base: str = field(repr=False)
    _newline: str = "\n"
    _bom: bool = False

    @classmethod
    def read(cls, path: Path, shown: Path | None = None) -> YamlDocument:
        """Open ``path``; ``shown`` is the path used in messages.

        Raises:
            RefusedError: the file cannot be read or is not valid YAML.
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
        _refuse_unsafe(path, shown, text)
        newline = "\r\n" if "\r\n" in text else "\n"
        if newline != "\n":
            text = text.replace("\r\n", "\n")
        data: Any = None
        yaml: Any = None
        base = ""
        for style in _STYLES:
            yaml = _make_yaml(style)
            try:
                data = yaml.load(text)
            except Exception as exc:  # ruamel raises many error classes
                raise RefusedError(
                    f"{shown}: the file is not valid YAML, so microsys will not edit it",
                    hint=f"run `microsys check` on the workbook and fix it first ({type(exc).__name__})",
                ) from exc
            base = _dump(yaml, data)
            if base == text:
                break
        else:  # no style reproduces the file: new lines take the house style
            yaml = _make_yaml(_STYLES[0])
            data = yaml.load(text)
            base = _dump(yaml, data)
        return cls(path, raw, data, yaml, text, base, newline, bom)

    def render(self) -> str:
        """The file's new text (with its own line endings).

        Raises:
            RefusedError: the edit cannot be made without reformatting other lines.
        """
        edited = _dump(self._yaml, self.data)
        merged = merge_lines(self._text, self._base, edited)
        if merged is None:
            raise RefusedError(
                f"{self.path}: microsys cannot make this change without reformatting other lines; "
                "nothing was written",
                hint="make the change by hand in a text editor",
            )
        if self._newline != "\n":
            merged = merged.replace("\n", self._newline)
        return (_BOM if self._bom else "") + merged

    def change(self) -> Change:
        """The change to pass to :func:`microsys.storage.commit`."""
        return Change(self.path, self.render().encode("utf-8"), self.raw)


def unified_diff(change: Change, label: str) -> str:
    """A unified diff of a change, for ``--dry-run``."""
    before = (change.expected or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
    after = change.content.decode("utf-8", errors="replace").splitlines(keepends=True)
    old = f"a/{label}" if change.expected is not None else "/dev/null"
    lines = list(difflib.unified_diff(before, after, old, f"b/{label}"))
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )
