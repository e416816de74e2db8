"""Pydantic errors rewritten as plain-language diagnostics.

pydantic's messages are written for programmers ("Input should be a valid
number, unable to parse string as a number"). Each error ``type`` is rewritten
here into words a nurse or a receptionist can act on, with a hint.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from microsys import rules
from microsys.diagnostics import Diagnostic, PathPart
from microsys.rules import Rule

_QUOTED = re.compile(r"'([^']*)'")
_TAGS = frozenset({"text", "detail"})


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types inside Optional/Union/Annotated."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin is Union or origin is types.UnionType:
        out: list[Any] = []
        for arg in typing.get_args(tp):
            if arg is not type(None):
                out.extend(_unwrap(arg))
        return out
    return [tp]


def _types_at(model: type[BaseModel], loc: tuple[PathPart, ...]) -> list[Any]:
    """The possible types of the value at ``loc``, following the model's field types."""
    current: list[Any] = [model]
    for part in loc:
        following: list[Any] = []
        for tp in current:
            origin = typing.get_origin(tp)
            if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
                for name, field in tp.model_fields.items():
                    if (field.alias or name) == part:
                        following.extend(_unwrap(field.annotation))
            elif origin is list and isinstance(part, int):
                following.extend(_unwrap(typing.get_args(tp)[0]))
            elif origin is dict:
                following.extend(_unwrap(typing.get_args(tp)[1]))
        current = following
    return current


def _fields_at(model: type[BaseModel], loc: tuple[PathPart, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for tp in _types_at(model, loc):
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            for name, field in tp.model_fields.items():
                out.setdefault(field.alias or name, field)
    return out


def allowed_keys(model: type[BaseModel], loc: tuple[PathPart, ...]) -> list[str]:
    """Keys a mapping at ``loc`` may have."""
    return list(_fields_at(model, loc))


def _field_description(model: type[BaseModel], loc: tuple[PathPart, ...]) -> str | None:
    if not loc or not isinstance(loc[-1], str):
        return None
    field = _fields_at(model, loc[:-1]).get(loc[-1])
    return None if field is None else field.description


_ITEM_WORDS = {"lead_team": "lead team member"}


def _item_word(key: str | None) -> str:
    if key is None:
        return "item"
    if key in _ITEM_WORDS:
        return _ITEM_WORDS[key]
    word = key.replace("_", " ")
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return f"{word} item"


def _name_of(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in ("id", "name", "title", "label"):
            value = item.get(key)
            if isinstance(value, str | int) and str(value).strip():
                text = str(value).strip()
                return text if len(text) <= 30 else text[:27] + "..."
    return None


def describe_path(parts: tuple[PathPart, ...], data: Any = None) -> str:
    """A YAML path as a person reads it: ``("steps", 1, "owner")`` -> ``step 2 (`doctor`), `owner```.

    Items are counted from 1 and named by their id, name or title when ``data`` (the
    file's parsed content) is given; ``Diagnostic.yaml_path`` keeps the exact path.
    """
    words: list[str] = []
    node = data
    for n, part in enumerate(parts):
        if isinstance(part, int):
            before = parts[n - 1] if n else None
            key = before if isinstance(before, str) else None
            if words and key is not None and words[-1] == f"`{key}`":
                words.pop()  # "step 2" says `steps` already
            item = node[part] if isinstance(node, list) and -len(node) <= part < len(node) else None
            name = _name_of(item)
            words.append(f"{_item_word(key)} {part + 1}" + (f" (`{name}`)" if name else ""))
            node = item
        else:
            words.append(f"`{part}`")
            node = node.get(part) if isinstance(node, dict) else None
    return ", ".join(words)


# Words teams write for a key under another name: `minutes:` on a process step is its `duration:`.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "duration": ("minutes", "mins", "time", "length", "how_long", "takes"),
    "owner": ("who", "role", "by", "person", "lane"),
    "label": ("name", "title", "step", "text"),
    "notes": ("note", "comment", "comments"),
    "description": ("definition", "details", "detail"),
    "prediction": ("predict", "predictions", "hypothesis", "expected"),
    "decision": ("outcome", "verdict"),
    "data_source": ("source", "data", "from"),
}


def synonym(word: str, options: list[str]) -> str | None:
    """The allowed key that ``word`` is another name for, if it is allowed here."""
    lowered = word.strip().lower()
    for key, others in _SYNONYMS.items():
        if lowered in others and key in options:
            return key
    return None


def _date_hint(text: str) -> str:
    """Say the date in YYYY-MM-DD when it can be read day-first (as in the UK): 12/10/2026 -> 2026-10-12."""
    from microsys.sheets import SheetError
    from microsys.sheets.values import parse_date

    try:
        day = parse_date(text, "dmy")
    except (SheetError, ValueError):
        return "write dates as YYYY-MM-DD, e.g. 2026-03-04"
    return f"write it as `{day.isoformat()}` (YYYY-MM-DD; read here day first)"


def did_you_mean(word: str, options: list[str]) -> str | None:
    """The closest option to ``word``, if one is close enough."""
    matches = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping (`key: value` lines)"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = str(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"`{text}`"


def _clean_loc(loc: tuple[Any, ...]) -> tuple[PathPart, ...]:
    out: list[PathPart] = []
    for part in loc:
        if isinstance(part, str) and part in _TAGS:
            continue  # union branch tags are not keys in the file
        if isinstance(part, str) and part == "[key]":
            continue
        out.append(part if isinstance(part, int | str) else str(part))
    return tuple(out)


def translate(exc: ValidationError, model: type[BaseModel], path: Path, data: Any = None) -> list[Diagnostic]:
    """Rewrite each pydantic error as a diagnostic with a YAML path (position resolved later).

    ``data``, the validated content, lets messages name list items (`step 2 (`doctor`)`).
    """
    out: list[Diagnostic] = []
    # A misspelt required key gives pydantic two errors: the unknown spelling and the
    # missing key. The suggestion on the first says it all, so the second is dropped.
    suggested: set[tuple[PathPart, ...]] = set()
    errors = exc.errors(include_url=False)
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = _clean_loc(tuple(err["loc"]))
            options = allowed_keys(model, loc[:-1]) if loc else []
            guess = (synonym(str(loc[-1]), options) or did_you_mean(str(loc[-1]), options)) if loc else None
            if guess:
                suggested.add((*loc[:-1], guess))
    for err in errors:
        raw_loc = tuple(err["loc"])
        is_key_error = "[key]" in raw_loc
        loc = _clean_loc(raw_loc)
        if err["type"] == "missing" and loc in suggested:
            continue
        rule, message, hint, at_key = _explain(err, model, loc, is_key_error, data)
        out.append(Diagnostic.of(rule, path, message, hint, yaml_path=loc, unresolved=True, at_key=at_key))
    return out


def _explain(
    err: Any, model: type[BaseModel], loc: tuple[PathPart, ...], is_key_error: bool, data: Any = None
) -> tuple[Rule, str, str | None, bool]:
    kind: str = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    name = str(loc[-1]) if loc else "the file"
    if loc and isinstance(loc[-1], int):  # a list item: "step 3", not "2"
        parent = loc[-2] if len(loc) > 1 and isinstance(loc[-2], str) else None
        name = f"{_item_word(parent)} {loc[-1] + 1}"
    where = describe_path(loc[:-1], data)

    if kind == "extra_forbidden":
        options = allowed_keys(model, loc[:-1])
        guess = synonym(name, options) or did_you_mean(name, options)
        hint = (
            f"did you mean `{guess}`?"
            if guess
            else ("keys allowed here: " + ", ".join(f"`{o}`" for o in options) if options else None)
        )
        return rules.SCHEMA_EXTRA_KEY, f"unknown key `{name}`", hint, True
    if kind == "missing":
        described = _field_description(model, loc)
        hint = f"add `{name}:` here" + (
            f" ({described[0].lower() + described[1:].rstrip('.')})" if described else ""
        )
        message = f"the key `{name}` is missing" + (f" in {where}" if where else "")
        return rules.SCHEMA_MISSING_KEY, message, hint, False
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if not loc:
            return (
                rules.SCHEMA_NOT_MAPPING,
                f"this file should hold `key: value` lines, but it holds {_show(value)}",
                "see `microsys init` or docs/workbook-format.md for what this file looks like",
                False,
            )
        return (
            rules.SCHEMA_TYPE,
            f"`{name}` should be a mapping (`key: value` lines), not {_show(value)}",
            "put the keys on their own lines, indented under this one",
            False,
        )
    if kind == "list_type":
        return (
            rules.SCHEMA_TYPE,
            f"`{name}` should be a list, not {_show(value)}",
            "write each item on its own line starting with `- `",
            False,
        )
    if kind in ("int_type", "int_parsing", "float_type", "float_parsing", "int_from_float", "finite_number"):
        whole = kind.startswith("int")
        return (
            rules.SCHEMA_NOT_A_NUMBER,
            f"`{name}` should be {'a whole number' if whole else 'a number'}, not {_show(value)}",
            "write just the number, without units or words (e.g. `12` or `3.5`)",
            False,
        )
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"):
        text = str(value)
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            return (
                rules.SCHEMA_INVALID_DATE,
                f"`{text}` is not a real date",
                "check the month (01-12) and the day of the month",
                False,
            )
        return (
            rules.SCHEMA_INVALID_DATE,
            f"`{name}` should be a date, not {_show(value)}",
            _date_hint(text),
            False,
        )
    if kind in ("bool_type", "bool_parsing"):
        return (
            rules.SCHEMA_TYPE,
            f"`{name}` should be yes or no (true/false), not {_show(value)}",
            "write `true` or `false`",
            False,
        )
    if kind in ("string_type", "str_type"):
        return (
            rules.SCHEMA_TYPE,
            f"`{name}` should be text, not {_show(value)}",
            "write the value on one line, or use `|` followed by indented lines for longer text",
            False,
        )
    if kind in ("literal_error", "enum"):
        options = _QUOTED.findall(str(ctx.get("expected", "")))
        guess = did_you_mean(str(value), options) if options else None
        label = "key" if is_key_error else "value"
        hint = f"did you mean `{guess}`?" if guess else None
        if not hint and options:
            hint = "use one of: " + ", ".join(f"`{o}`" for o in options)
        return (
            rules.SCHEMA_INVALID_VALUE,
            f"{_show(value)} is not an allowed {label} for `{name}`"
            if not is_key_error
            else f"{_show(value)} is not an allowed key here",
            hint,
            is_key_error,
        )
    if kind == "string_pattern_mismatch":
        return (
            rules.SCHEMA_INVALID_ID,
            f"{_show(value)} is not a valid id",
            "ids start with a letter and use only letters, digits, `-`, `_` and `.`, e.g. `PDSA-3`",
            False,
        )
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(ctx.values()), "?")
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        return (
            rules.SCHEMA_OUT_OF_RANGE,
            f"`{name}` is {_show(value)}, but must be {words} {bound}",
            None,
            False,
        )
    if kind in ("string_too_long", "too_long"):
        return (rules.SCHEMA_OUT_OF_RANGE, f"`{name}` is too long", str(err["msg"]), False)
    if kind == "value_error":
        message = str(ctx.get("error", err["msg"]))
        return (rules.SCHEMA_INVALID_VALUE, f"{name}: {message}" if loc else message, None, False)
    return (rules.SCHEMA_INVALID_VALUE, f"`{name}`: {err['msg']}", None, False)
