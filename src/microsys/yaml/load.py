"""Guarded, fast loading of YAML files.

Every file is read through :func:`load_file`, which never raises for bad
input: it returns the data (or None) and diagnostics. It guards against what
a hostile or broken file can do to a parser: non-UTF-8 bytes, huge files,
nesting deep enough to crash a C parser, alias expansion bombs, and tags that
try to build Python objects.

The fast path builds the data straight from the C parser's events
(:mod:`microsys.yaml.fastpath`) for plain files; a file with anchors, tags or a
mistake goes through ruamel's safe loader with its C parser, which reports it.
Dates stay strings here so that the schema layer reports impossible dates
(``2026-02-30``) with a position instead of the parser failing on them.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from microsys import rules
from microsys.diagnostics import Diagnostic
from microsys.rules import Rule
from microsys.yaml.fastpath import Decline, FastBuilder

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# A workbook never nests deeper than a dozen levels; these limits only stop abuse.
DEFAULT_MAX_DEPTH = 50
# About a second of work on a slow machine; a 10-year daily series inline is a fifth of it.
DEFAULT_MAX_NODES = 100_000
DEFAULT_MAX_KEYS = 2_000
# The C composer recurses without a guard and crashes (a segmentation fault) a
# few thousand levels down; below these text figures no file can come near that.
_MAX_FLOW_DEPTH = 100
_MAX_INDENT = 400
# Nesting the parser's events may reach before composing is refused.
_MAX_PARSER_DEPTH = 200


@dataclass(frozen=True)
class ReadLimits:
    """Limits on reading a file, that keep a hostile file from hanging or crashing a check."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_nodes: int = DEFAULT_MAX_NODES
    max_keys: int = DEFAULT_MAX_KEYS


@dataclass(frozen=True)
class Folder:
    """A folder that files read must stay inside, with its real path worked out once.

    Reading many files of one workbook, the folder's own path is resolved once, not
    once for every file (resolving walks every part of the path on disk).
    """

    path: Path
    real: str

    @classmethod
    def of(cls, path: Path) -> Folder:
        """``path`` with its real path now (links followed)."""
        return cls(path, os.path.realpath(path))


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


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind_of(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not an ordinary file"


def _refused(path: Path, rule: Rule, message: str, hint: str | None) -> LoadedText:
    return LoadedText(path, None, [_diag(path, rule, message, hint)])


def _not_regular(path: Path, mode: int) -> LoadedText:
    return _refused(
        path,
        rules.FILE_NOT_REGULAR,
        f"this is {_kind_of(mode)}, not an ordinary file, so microsys does not read it",
        "a workbook holds only ordinary text files; remove it or replace it with the file itself",
    )


def _too_large(path: Path, size: str, limits: ReadLimits) -> LoadedText:
    return _refused(
        path,
        rules.FILE_TOO_LARGE,
        f"the file is {size} bytes, more than the limit of {limits.max_bytes:,}",
        "split it into smaller files, keep long measure series in a CSV file, "
        "or raise the limit with --max-file-size",
    )


def _unreadable(path: Path, exc: OSError) -> LoadedText:
    reason = exc.strerror or str(exc)
    hint = None
    if isinstance(exc, PermissionError):
        hint = "give yourself read permission (e.g. `chmod u+r FILE`) or remove the file from the workbook"
    return _refused(path, rules.FILE_UNREADABLE, f"the file cannot be read: {reason}", hint)


def _is_inside(real: str, real_folder: str) -> bool:
    """True when the real path ``real`` is ``real_folder`` or below it."""
    real, real_folder = os.path.normcase(real), os.path.normcase(real_folder)  # Windows: any case
    return real == real_folder or real.startswith(real_folder.rstrip(os.sep) + os.sep)


def _plainly_below(path: Path, folder: Folder) -> tuple[str, os.stat_result] | None:
    """The real path and status of ``path`` when it is plain names below the folder, else None.

    Plain names: the folder's path, a separator, then names that are neither links nor ``.``
    or ``..``. Such a path's real path is the folder's real path and those names, which only the names'
    own status (one look each, not following links) has to confirm: resolving the whole path
    looks at every folder above the workbook again, for every file. Anything else (a link
    anywhere below the folder, a path written another way) is resolved in full by the caller.
    """
    text, root = os.fspath(path), os.fspath(folder.path)
    if not text.startswith(root) or text[len(root) : len(root) + 1] != os.sep:
        return None
    names = text[len(root) + 1 :].split(os.sep)
    if any(name in ("", ".", "..") for name in names) or (os.altsep and os.altsep in text):
        return None
    real = folder.real
    info: os.stat_result | None = None
    for name in names:
        real = os.path.join(real, name)
        info = os.lstat(real)
        if stat.S_ISLNK(info.st_mode):
            return None
    return (real, info) if info is not None else None


def read_bytes(
    path: Path, limits: ReadLimits = ReadLimits(), inside: Path | Folder | None = None
) -> tuple[bytes | None, LoadedText]:
    """Read ``path``'s bytes if it is an ordinary file (inside ``inside``), within the size limit.

    Nothing but an ordinary file is ever opened: a named pipe would block for
    ever, ``/dev/zero`` never ends, and a link to ``/etc/passwd`` would put
    another file's text into findings and reports. A link is followed only to a
    file inside ``inside`` (the workbook), and the file is opened without
    following links, without blocking, and checked again once open (it may
    have been swapped in between). The size limit holds while reading, not
    only by the size the file claims.

    Returns:
        The bytes (None when refused) and a :class:`LoadedText` with no text
        and the findings that explain a refusal.
    """
    refused = LoadedText(path, None, [])
    try:
        target: Path | str = path
        before: os.stat_result | None = None
        below = _plainly_below(path, inside) if isinstance(inside, Folder) else None
        if below is not None:
            target, before = below
        elif inside is not None or path.is_symlink():
            # Strings, not Path objects: this runs for every file a check reads.
            try:
                target = os.path.realpath(path, strict=True)
            except (RuntimeError, OSError) as exc:  # a loop of links: RuntimeError before Python 3.13
                if isinstance(exc, OSError) and exc.errno != errno.ELOOP:
                    raise
                return None, _refused(
                    path,
                    rules.FILE_UNREADABLE,
                    "the file is a link that leads round in a loop",
                    "replace the link with the file itself",
                )
            real_inside = None
            if inside is not None:
                real_inside = inside.real if isinstance(inside, Folder) else os.path.realpath(inside)
            if real_inside is not None and not _is_inside(target, real_inside):
                return None, _refused(
                    path,
                    rules.FILE_OUTSIDE_WORKBOOK,
                    "the file is a link to a file outside the workbook, so microsys does not read it",
                    "copy the file into the workbook instead of linking to it",
                )
        if before is None:
            before = os.stat(target)
        if not stat.S_ISREG(before.st_mode):
            return None, _not_regular(path, before.st_mode)
        if before.st_size > limits.max_bytes:
            return None, _too_large(path, f"{before.st_size:,}", limits)
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(target, flags)
        try:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode):
                return None, _not_regular(path, opened.st_mode)
            chunks: list[bytes] = []
            left = limits.max_bytes + 1
            while left > 0:
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # swapped for a link after the check: refuse it the same way
            return None, _refused(
                path,
                rules.FILE_NOT_REGULAR,
                "the file was replaced by a link while it was being read, so microsys does not read it",
                "run the check again",
            )
        return None, _unreadable(path, exc)
    if left <= 0:
        return None, _too_large(path, "more than " + f"{limits.max_bytes:,}", limits)
    return b"".join(chunks), refused


def read_text(
    path: Path, limits: ReadLimits = ReadLimits(), inside: Path | Folder | None = None
) -> LoadedText:
    """Read ``path`` as UTF-8 text, within the size limit (see :func:`read_bytes`)."""
    raw, refused = read_bytes(path, limits, inside)
    if raw is None:
        return refused
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return _refused(
                path,
                rules.FILE_ENCODING,
                "the file is saved as UTF-16 text; microsys reads UTF-8",
                "save the file as UTF-8; most editors offer this under 'Save as' or 'Encoding'",
            )
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


# A line that starts with more indentation (and list or key marks) than _MAX_INDENT.
_DEEP_INDENT = re.compile(rf"^[ \-?:]{{{_MAX_INDENT + 1}}}", re.M)
# The same looked for as the first line, then after each line break: a search led by a line
# break jumps from one to the next, where `^` made the search stop at every character.
_DEEP_FIRST_LINE = re.compile(rf"[ \-?:]{{{_MAX_INDENT + 1}}}")
_DEEP_LATER_LINE = re.compile(rf"\n[ \-?:]{{{_MAX_INDENT + 1}}}")


def _deep_indent(text: str) -> bool:
    """True when a line of ``text`` starts with more indentation than _MAX_INDENT (see _DEEP_INDENT)."""
    return _DEEP_FIRST_LINE.match(text) is not None or _DEEP_LATER_LINE.search(text) is not None


def _too_deep(path: Path, text: str, at: int = -1, line: int = 0, col: int = 0) -> Diagnostic:
    if at >= 0:
        line, col = line_col_of_offset(text, at)
    return _diag(
        path,
        rules.YAML_TOO_DEEP,
        "the file is nested too deeply to be a workbook file",
        "a workbook file needs only a few levels of indentation; check the file is not damaged",
        line,
        col,
    )


def _event_depth(text: str, bound: int, max_events: int) -> tuple[int, int] | None:
    """(line, col) where the parser's nesting first passes ``bound``, read from its events.

    libyaml's parser keeps its own stack (it does not recurse), so reading events
    is safe at any depth; the composer that builds nodes from them is not. This
    measures the nesting exactly as the parser sees it, whatever quotes, commas or
    comments try to hide, and stops at the first event past the bound. Composing
    stops once its node budget is spent, which takes at most two events a node,
    so events past ``max_events`` are never composed and need no look.
    """
    from ruamel.yaml import main
    from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent, StreamEndEvent

    parser = getattr(main, "CParser")(text)  # noqa: B009 (not exported in the type stubs)
    depth = 0
    try:
        for _ in range(max_events):
            event = parser.get_event()
            if event is None or isinstance(event, StreamEndEvent):
                return None
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > bound:
                    mark = event.start_mark
                    return mark.line + 1, mark.column + 1
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
        return None
    except Exception:
        # A syntax error before the bound: the real parse reports it, and it
        # stops at the same place, no deeper than this pass went.
        return None
    finally:
        parser.dispose()


def nesting_guard(path: Path, text: str, max_nodes: int = DEFAULT_MAX_NODES) -> Diagnostic | None:
    """Refuse text nested deep enough to crash the parser, before parsing it.

    A cheap look at the text settles most files: nesting cannot be deeper than the
    number of brackets plus the width of the indentation. Only a file with many
    brackets or deep indentation is measured exactly, from the parser's events.
    """
    brackets = text.count("[") + text.count("{")
    if brackets <= _MAX_FLOW_DEPTH and not _deep_indent(text):
        return None
    if not has_c_parser():  # the pure-Python parser raises RecursionError instead of crashing
        return None
    where = _event_depth(text, _MAX_PARSER_DEPTH, 2 * max_nodes + 10)
    if where is None:
        return None
    return _too_deep(path, text, line=where[0], col=where[1])


class _NodeBudgetSpent(Exception):
    """Composing the file made more nodes than the budget allows."""


def _make_safe_yaml() -> tuple[Any, Any]:
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver
    from ruamel.yaml.tag import Tag

    class _Constructor(SafeConstructor):
        """Safe constructor that leaves dates as text for the schema layer."""

    _Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)

    class _Resolver(VersionedResolver):
        """Resolver that counts the nodes composed, so composing stops within a budget.

        The composer asks the resolver for the tag of every node it makes, so this
        is where a file with a million values can be stopped before they are all
        made. The version's rules are looked up once per file, not once per value
        (the lookup was half the time of loading a file with many values).
        """

        node_budget = DEFAULT_MAX_NODES

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            self.node_budget -= 1
            if self.node_budget < 0:
                raise _NodeBudgetSpent
            if kind is ScalarNode and implicit[0]:
                rules = self.__dict__.get("_rules")
                if rules is None:
                    rules = self.__dict__["_rules"] = self.versioned_resolver
                    self.__dict__["_tags"] = {}
                for tag, regexp in rules.get(value[:1], []) + rules.get(None, []):
                    if regexp.match(value):
                        tags = self.__dict__["_tags"]
                        if tag not in tags:
                            tags[tag] = Tag(suffix=tag)
                        return tags[tag]
                return self.DEFAULT_SCALAR_TAG
            return super().resolve(kind, value, implicit)

    yaml = YAML(typ="safe", pure=False)
    yaml.Constructor = _Constructor
    yaml.Resolver = _Resolver
    from ruamel.yaml import main

    c_parser: Any = getattr(main, "CParser", None)
    if c_parser is None:
        return yaml, None

    class _CLoader(c_parser, _Constructor, _Resolver):  # type: ignore[misc]
        """The C parser with this module's constructor and resolver, as one class made once.

        ``YAML.get_constructor_parser`` builds the same class anew for every file,
        which cost as much as a third of parsing a small file.
        """

        def __init__(self, stream: str) -> None:
            c_parser.__init__(self, stream)
            self._parser = self._composer = self
            _Constructor.__init__(self, loader=self)
            self.allow_duplicate_keys = yaml.allow_duplicate_keys
            _Resolver.__init__(self, version=yaml.version, loadumper=self)

    return yaml, _CLoader


_safe_yaml: Any = None
_c_loader: Any = None
_fast: Any = None


def _safe() -> Any:
    global _safe_yaml, _c_loader
    if _safe_yaml is None:
        _safe_yaml, _c_loader = _make_safe_yaml()
    return _safe_yaml


def _fast_builder() -> Any:
    """The event-to-data builder sharing the C loader's rules and constructor, or None without C."""
    global _fast
    if _fast is None and _safe() is not None and _c_loader is not None:
        from ruamel.yaml import main
        from ruamel.yaml.nodes import ScalarNode

        # One loader, never fed a file, lends its resolver's table and its constructor.
        lender = _c_loader("")
        constructors = lender.yaml_constructors

        def construct(tag: str, value: str) -> Any:
            return constructors[tag](lender, ScalarNode(tag, value))

        _fast = FastBuilder(getattr(main, "CParser"), lender.versioned_resolver, construct)  # noqa: B009 (not in the stubs)
    return _fast


def _loader_for(text: str) -> tuple[Any, Any]:
    """(constructor, parser) for ``text``: the C loader when installed (one object), else ruamel's own."""
    yaml = _safe()
    if _c_loader is not None:
        loader = _c_loader(text)
        return loader, loader
    constructor, parser = yaml.get_constructor_parser(text)
    return constructor, parser


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
    if "mapping values are not allowed" in problem and (odd := _dedented_key(lines, line)) is not None:
        at, key, indent = odd
        return _diag(
            path,
            rules.YAML_SYNTAX,
            f"the key `{key}` is indented less than the lines around it",
            f"indent `{key}:` by {indent} spaces, like the line after it, so that it stays in its section",
            at,
            1,
        )
    message, hint = _explain_problem(problem + " " + context, src, col)
    return _diag(path, rules.YAML_SYNTAX, message, hint, line, col)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


_KEY_WITH_VALUE = re.compile(r"^\s*(?:-\s+)?([^\s:#][^:#]*?)\s*:\s+([^\s|>#].*)$")


def _dedented_key(lines: list[str], line: int) -> tuple[int, str, int] | None:
    """A ``key: value`` line that slipped left of its siblings, so the next line cannot belong anywhere.

    ``study:`` / ``date: ...`` / ``results: ...`` (de-indented) / ``  against_prediction: ...``:
    YAML stumbles on the last line, but the mistake is the line before it.
    Returns its line number, key and the indentation it should have.
    """
    content = [
        (i + 1, text)
        for i, text in enumerate(lines[: max(line, 0)])
        if text.strip() and not text.lstrip().startswith("#")
    ]
    if len(content) < 3 or content[-1][0] != line:
        return None
    (_, before), (at, suspect), (_, after) = content[-3], content[-2], content[-1]
    m = _KEY_WITH_VALUE.match(suspect)
    if m is None or not (_indent(suspect) < _indent(after) <= _indent(before)):
        return None
    return at, m.group(1), _indent(after)


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


_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class _Excess:
    """What a composed file has too much of, and where (1-based; 0 when unknown)."""

    kind: str  # "nodes", "values", "depth", "keys" or "key" (one that is a list or mapping)
    line: int
    col: int
    count: int = 0


def _node_guard(root: Any, limits: ReadLimits, tagged: bool = True) -> _Excess | None:
    """Walk the composed node graph within a budget, before anything is built from it.

    An alias or a merge key (``<<: *a``) points at a node composed once; building
    the data visits it again at every place it is used, so the walk does too, and
    stops once the visits pass the budget. This bounds all the work that follows
    (building the data, merging keys, validating) by the size of the expanded
    document, whatever anchors, aliases, merges or loops the file holds.
    ``tagged`` is False when the text holds no ``!`` (so no explicit tag).
    """
    budget = limits.max_nodes
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if budget < 0:
            return _Excess("nodes", 0, 0)
        if depth > limits.max_depth:
            return _Excess("depth", node.start_mark.line + 1, node.start_mark.column + 1)
        value = node.value
        if isinstance(value, list):
            if value and isinstance(value[0], tuple):  # a mapping: (key, value) node pairs
                if len(value) > limits.max_keys:
                    mark = node.start_mark
                    return _Excess("keys", mark.line + 1, mark.column + 1, len(value))
                for key, item in value:
                    # A key holding a mapping, or a list holding more than plain values, cannot
                    # be a Python dict key: building it raises instead of making data.
                    if type(key.value) is list and (
                        key.id == "mapping" or any(type(k.value) is list for k in key.value)
                    ):
                        mark = key.start_mark
                        return _Excess("key", mark.line + 1, mark.column + 1)
                    # The tag is a property that builds a string: without a `!` in the text
                    # (no explicit tag), only a plain `<<` key can be a merge.
                    if (tagged or key.value == "<<") and key.tag == _MERGE_TAG:
                        # Merged keys join this mapping: same depth, each visit counted.
                        merged = item.value if isinstance(item.value, list) else []
                        if merged and not isinstance(merged[0], tuple):
                            stack.extend((m, depth) for m in merged)
                        else:
                            stack.append((item, depth))
                        continue
                    stack.append((key, depth + 1))
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)
    return None


def _excess_diagnostic(path: Path, text: str, excess: _Excess, limits: ReadLimits) -> Diagnostic:
    line, col = excess.line, excess.col
    if excess.kind == "nodes":
        alias = _ALIAS.search(text)
        if alias is not None:
            line, col = line_col_of_offset(text, alias.start(1))
        return _diag(
            path,
            rules.YAML_TOO_MANY_NODES,
            f"the file expands to more than {limits.max_nodes:,} values "
            "(anchors, aliases or `<<` merges repeated inside each other)",
            "write the values out instead of using `&anchor`, `*alias` and `<<:`",
            line,
            col,
        )
    if excess.kind == "values":
        return _diag(
            path,
            rules.YAML_TOO_MANY_NODES,
            f"the file holds more than {limits.max_nodes:,} values, far more than a workbook file needs",
            "keep long series of values in a CSV file beside the measure (`data:`), "
            "and check the file is not damaged",
            line,
            col,
        )
    if excess.kind == "key":
        return _diag(
            path,
            rules.YAML_SYNTAX,
            "a key here is a list or a mapping; a key must be a plain word or number",
            "write the key as plain text before its `:` (e.g. `name: value`); "
            "a `?` at the start of a line makes what follows it the key",
            line,
            col,
        )
    if excess.kind == "keys":
        return _diag(
            path,
            rules.YAML_TOO_MANY_KEYS,
            f"one section of the file has {excess.count:,} keys, more than the limit of {limits.max_keys:,}",
            "a workbook section has a few dozen keys at most; check the file is not damaged, "
            "and keep long series of values in a CSV file",
            line,
            col,
        )
    return _diag(
        path,
        rules.YAML_TOO_DEEP,
        f"the file is nested more than {limits.max_depth} levels deep",
        "a workbook file needs only a few levels of indentation",
        line,
        col,
    )


def _compose_and_construct(text: str, limits: ReadLimits) -> tuple[Any, _Excess | None]:
    """Build the data from the parser's events when the file allows; else compose, check, construct."""
    fast = _fast_builder()
    if fast is not None:
        try:
            return fast.build(text, limits.max_nodes, limits.max_depth, limits.max_keys), None
        except Decline:
            pass
    constructor, parser = _loader_for(text)
    try:
        # The C path builds one object that is parser, composer, constructor and resolver.
        if hasattr(constructor, "node_budget"):
            constructor.node_budget = limits.max_nodes
        try:
            node = constructor.composer.get_single_node()
        except _NodeBudgetSpent:
            return None, _Excess("values", 0, 0)
        if node is None:
            return None, None
        excess = _node_guard(node, limits, "!" in text)
        if excess is not None:
            return None, excess
        return constructor.construct_document(node), None
    finally:
        parser.dispose()


def parse_text(path: Path, text: str, limits: ReadLimits = ReadLimits()) -> tuple[Any, list[Diagnostic]]:
    """Parse YAML text with the fast safe loader; never raises for bad input.

    Work is bounded before it is done: nesting is measured before composing
    (the C composer crashes when nested thousands deep), and the composed
    graph is walked within a budget before any data is built from it.
    """
    guard = nesting_guard(path, text, limits.max_nodes)
    if guard is not None:
        return None, [guard]
    try:
        data, excess = _compose_and_construct(text, limits)
    except RecursionError:
        return None, [_too_deep(path, text)]
    except Exception as exc:  # ruamel raises many types; all are findings in the file
        from ruamel.yaml.error import MarkedYAMLError, YAMLError

        if isinstance(exc, MarkedYAMLError | YAMLError | ValueError):
            return None, [_yaml_error_diagnostic(path, text, exc)]
        raise
    if excess is not None:
        return None, [_excess_diagnostic(path, text, excess, limits)]
    if data is None:
        return None, [
            Diagnostic.of(
                rules.YAML_EMPTY,
                path,
                "the file is empty",
                "fill it in (the comments from `microsys init` show what goes here) or delete it",
            )
        ]
    return data, []


def load_file(
    path: Path, limits: ReadLimits = ReadLimits(), inside: Path | Folder | None = None
) -> tuple[str | None, Any, list[Diagnostic]]:
    """Read and parse one YAML file: (text, data, diagnostics).

    With ``inside`` (the workbook folder), a link leading out of it is not read.
    """
    loaded = read_text(path, limits, inside)
    if loaded.text is None:
        return None, None, loaded.diagnostics
    data, diags = parse_text(path, loaded.text, limits)
    return loaded.text, data, diags
