"""JSON Schema of each workbook file, for editors (e.g. the YAML language server)."""

from __future__ import annotations

import re
from typing import Any, cast

from microsys.errors import UsageError
from microsys.schema.files import FILE_KINDS, FileKind, kind_of


def find_kind(name: str) -> FileKind:
    """A file kind by key (``pdsa``), pattern or workbook-relative path (``pdsa/PDSA-1.yaml``)."""
    for kind in FILE_KINDS:
        if name in (kind.key, kind.key.replace("_", "-"), kind.pattern):
            return kind
    by_path = kind_of(name)
    if by_path is not None:
        return by_path
    raise UsageError(
        f"`{name}` is not a kind of workbook file",
        hint="use one of: " + ", ".join(k.key.replace("_", "-") for k in FILE_KINDS),
    )


# `40 minutes`, `1,200 patients`, `36%`: the text form of a quantity the loader reads
# (microsys.sheets.parse_quantity): a number with a decimal point, thousands grouped by
# three with `,` or `'`, then a unit that starts with something other than a digit,
# a space or a separator.
from microsys.schema.base import QUANTITY_TEXT as QUANTITY_TEXT  # noqa: E402 - kept importable from here


def _accept_quantity_text(schema: dict[str, Any]) -> None:
    # pydantic describes the mapping form only; the loader also reads the shorthand.
    quantity = schema.get("$defs", {}).get("Quantity")
    if quantity is None:
        return
    schema["$defs"]["Quantity"] = {
        "title": quantity.get("title", "Quantity"),
        "description": quantity.get("description", ""),
        "anyOf": [
            {k: v for k, v in quantity.items() if k not in ("title", "description")},
            {
                "type": "string",
                "pattern": QUANTITY_TEXT,
                "description": "A number and its unit, e.g. `40 minutes` or `1,200 patients`.",
            },
        ],
    }


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else re.escape(c) for c in word)


def _accept_any_case(node: Any) -> Any:
    """Choices in another case (`Outcome`) are read by the loader: say so, keeping the list for completion."""
    if isinstance(node, list):
        return [_accept_any_case(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _accept_any_case(v) for k, v in node.items()}
    # Enums only: a `const` is a tag that picks a branch of a union, read as written.
    values = node.get("enum")
    strings = isinstance(values, list) and bool(values) and all(isinstance(v, str) for v in values)
    if strings and len({v.lower() for v in values}) == len(values):  # only where case cannot matter
        choice = {k: v for k, v in node.items() if k in ("enum", "type")}
        rest = {k: v for k, v in node.items() if k not in choice}
        pattern = "^(" + "|".join(_any_case(v) for v in values) + ")$"
        return {**rest, "anyOf": [choice, {"type": "string", "pattern": pattern}]}
    return node


def json_schema(kind: FileKind) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of file, accepting the shorthands the loader reads."""
    schema = kind.model.model_json_schema(by_alias=True)
    _accept_quantity_text(schema)
    schema = cast(dict[str, Any], _accept_any_case(schema))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"microsys:{kind.key}"
    return schema
