"""Build plain data straight from the C parser's events, for the files that need nothing more.

Almost every workbook file is a tree of mappings, lists and plain values: no anchors, aliases,
merge keys, explicit tags, directives or duplicate keys. For those files, composing a graph of
nodes and then constructing data from it (what ruamel's safe loader does) costs three times
what reading the parser's events does. This module builds the same data from the events
directly, resolving each plain value with the loader's own rules and converting it with the
loader's own constructor, so the result is equal, type for type, to what the full path gives.

Anything else (an anchor, an alias, a tag, a directive, a second document, a duplicate or
non-scalar key, a merge key, a value past the limits, a syntax error) makes :func:`build`
give up with :class:`Decline`; the caller then takes the full path, which reports the finding
exactly as before. Giving up is always safe; building something different never is, which the
tests check by comparing both paths on every file they have and on generated YAML.

The C parser makes each event through three ``__init__`` methods; :func:`flat_event_classes`
gives it subclasses that set the same fields in one, checked field by field in the tests.
"""

from __future__ import annotations

import sys
from typing import Any

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# Plain values whose tag is converted by the constructor; anything else (merge, value, yaml)
# is an error or a merge on the full path and declines here.
_CONVERTED = frozenset(
    ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
)
# Converted plain values, by their text: the same few thousand values (dates, small numbers,
# true/false) recur across the files of a check. Bounded in entries and in the length of each,
# so that no run of files can grow it: the cache outlives the files whose values it holds, and
# a file may hold a plain value megabytes long.
_CACHE_LIMIT = 50_000
_CACHE_MAX_LENGTH = 64
_MISS = object()


class Decline(Exception):
    """The file needs the full loading path (or holds a mistake it reports)."""


def flat_event_classes(events: Any) -> dict[str, type] | None:
    """Subclasses of ruamel's scalar and collection events that fill their fields in one call.

    The C parser makes a Python event for every value, key and bracket of a file, through
    three ``__init__`` methods each (the event's, its parent's, the base's): a fifth of the
    time of building a file's data. These subclasses set the very same fields, with the same
    values, from one ``__init__``. None when the event classes do not have the fields these
    were written for (another version of ruamel), so that nothing is guessed.
    """
    expected = {
        "Event": ("start_mark", "end_mark", "comment"),
        "NodeEvent": ("anchor",),
        "CollectionStartEvent": ("ctag", "implicit", "flow_style", "nr_items"),
        "ScalarEvent": ("ctag", "implicit", "value", "style"),
        "CollectionEndEvent": (),
    }
    for name, slots in expected.items():
        found: Any = getattr(getattr(events, name, None), "__slots__", None)
        if found is None or (tuple(found) if not isinstance(found, str) else (found,)) != slots:
            return None
    check = events.CommentCheck

    def scalar(
        self: Any,
        anchor: Any,
        tag: Any,
        implicit: Any,
        value: Any,
        start_mark: Any = None,
        end_mark: Any = None,
        style: Any = None,
        comment: Any = None,
    ) -> None:
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.comment = None if comment is check else comment
        self.anchor = anchor
        self.ctag = tag
        self.implicit = implicit
        self.value = value
        self.style = style

    def collection_start(
        self: Any,
        anchor: Any,
        tag: Any,
        implicit: Any,
        start_mark: Any = None,
        end_mark: Any = None,
        flow_style: Any = None,
        comment: Any = None,
        nr_items: Any = None,
    ) -> None:
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.comment = None if comment is check else comment
        self.anchor = anchor
        self.ctag = tag
        self.implicit = implicit
        self.flow_style = flow_style
        self.nr_items = nr_items

    def collection_end(self: Any, start_mark: Any = None, end_mark: Any = None, comment: Any = check) -> None:
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.comment = None if comment is check else comment

    inits = {
        "ScalarEvent": scalar,
        "MappingStartEvent": collection_start,
        "SequenceStartEvent": collection_start,
        "MappingEndEvent": collection_end,
        "SequenceEndEvent": collection_end,
    }
    return {
        name: type(
            "Flat" + name,
            (getattr(events, name),),
            {"__slots__": (), "__init__": init, "__module__": __name__},
        )
        for name, init in inits.items()
    }


_NAMES = ("ScalarEvent", "MappingStartEvent", "MappingEndEvent", "SequenceStartEvent", "SequenceEndEvent")


def _event_classes(parser_class: Any, events: Any) -> dict[str, type]:
    """The classes of the events ``parser_class`` makes, the flat ones when it takes them.

    The C parser makes its events from the classes named in its module, so the flat
    subclasses are put there, once per process (every event it makes, for anyone, is then
    of a subclass with the same fields). A short document then shows which classes it
    really makes: the originals, if that module is another shape than this expects.
    """
    module = sys.modules.get(getattr(parser_class, "__module__", ""), None)
    flat = flat_event_classes(events)
    if (
        module is not None
        and flat is not None
        and all(getattr(module, name, None) is getattr(events, name) for name in _NAMES)
    ):
        for name in _NAMES:
            setattr(module, name, flat[name])
    parser = parser_class("a: [b]\n")
    try:
        seen = []
        while True:
            event = parser.get_event()
            seen.append(type(event))
            if isinstance(event, events.StreamEndEvent):
                break
    finally:
        parser.dispose()
    made = {name: getattr(events, name) for name in _NAMES}
    for kind in seen:
        for name in _NAMES:
            if issubclass(kind, getattr(events, name)):
                made[name] = kind
    return made


class FastBuilder:
    """Builds data from the C parser's events with the rules and constructor of one loader.

    ``rules`` is the resolver's table (first character -> [(tag, pattern)]) for the YAML
    version in use, ``construct`` converts a (tag, text) pair as the loader's constructor does.
    """

    def __init__(self, parser_class: Any, rules: dict[Any, list[tuple[str, Any]]], construct: Any) -> None:
        from ruamel.yaml import events

        self._parser_class = parser_class
        self._rules = rules
        self._any_first = list(rules.get(None, []))
        self._construct = construct
        self._cache: dict[str, Any] = {}
        made = _event_classes(parser_class, events)
        self._scalar = made["ScalarEvent"]
        self._map_start = made["MappingStartEvent"]
        self._map_end = made["MappingEndEvent"]
        self._seq_start = made["SequenceStartEvent"]
        self._seq_end = made["SequenceEndEvent"]
        self._doc_start = events.DocumentStartEvent
        self._doc_end = events.DocumentEndEvent
        self._stream_end = events.StreamEndEvent

    def _plain(self, value: str) -> Any:
        """A plain (unquoted) value converted as the loader would: number, true/false, null or text."""
        hit = self._cache.get(value, _MISS)
        if hit is not _MISS:
            return hit
        tag = _STR
        for candidate, pattern in self._rules.get(value[:1], []) + self._any_first:
            if pattern.match(value):
                tag = candidate
                break
        if tag in (_STR, _TIMESTAMP):  # dates stay text for the schema layer
            result: Any = value
        elif tag in _CONVERTED:
            result = self._construct(tag, value)
        else:
            raise Decline
        if len(value) <= _CACHE_MAX_LENGTH:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[value] = result
        return result

    def build(self, text: str, max_nodes: int, max_depth: int, max_keys: int) -> Any:
        """The data of ``text`` (None for an empty stream), or :class:`Decline`."""
        parser = None
        try:
            # Inside the guard: text the parser cannot even take (a lone surrogate cannot be
            # encoded) declines too, and the full path reports it.
            parser = self._parser_class(text)
            return self._build(parser.get_event, max_nodes, max_depth, max_keys)
        except Decline:
            raise
        except Exception as exc:  # a syntax error: the full path reports it with its position
            raise Decline from exc
        finally:
            if parser is not None:
                parser.dispose()

    def _build(self, get: Any, max_nodes: int, max_depth: int, max_keys: int) -> Any:
        scalar, map_start, map_end = self._scalar, self._map_start, self._map_end
        seq_start, seq_end = self._seq_start, self._seq_end
        plain = self._plain
        get()  # the stream's start
        event = get()
        if type(event) is self._stream_end:
            return None
        if type(event) is not self._doc_start or event.version is not None or event.tags:
            raise Decline
        # Open collections: [container, key waiting for its value]; lists hold `_MISS` there.
        stack: list[list[Any]] = []
        root: Any = _MISS
        budget = max_nodes
        while True:
            event = get()
            kind = type(event)
            if kind is scalar:
                if event.anchor is not None or event.ctag is not None:
                    raise Decline
                value: Any = plain(event.value) if event.implicit[0] else event.value
            elif kind is map_start or kind is seq_start:
                if event.anchor is not None or event.ctag is not None:
                    raise Decline
                value = {} if kind is map_start else []
            elif kind is map_end or kind is seq_end:
                done = stack.pop()[0]
                if kind is map_end and len(done) > max_keys:
                    raise Decline
                if not stack:
                    break
                continue
            else:  # an alias, or anything this builder does not know
                raise Decline
            budget -= 1
            if budget < 0:
                raise Decline
            if not stack:
                root = value
                if kind is scalar:
                    break
            else:
                top = stack[-1]
                container = top[0]
                if type(container) is list:
                    container.append(value)
                elif top[1] is _MISS:
                    if kind is not scalar or value in container:
                        raise Decline  # a non-scalar or duplicate key: the full path says which
                    top[1] = value
                else:
                    container[top[1]] = value
                    top[1] = _MISS
            if kind is not scalar:
                if len(stack) >= max_depth:
                    raise Decline
                stack.append([value, _MISS])
        if type(get()) is not self._doc_end or type(get()) is not self._stream_end:
            raise Decline  # a second document
        return root
