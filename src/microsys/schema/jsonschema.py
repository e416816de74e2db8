"""JSON Schema of each workbook file, for editors (e.g. the YAML language server)."""

from __future__ import annotations

from typing import Any

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
QUANTITY_TEXT = (
    r"^\s*[+\-\u2212]?([0-9]{1,3}([,'][0-9]{3})+(\.[0-9]+)?|[0-9]+(\.[0-9]+)?|\.[0-9]+)"
    r"([eE][+\-]?[0-9]+)?\s*[^\s0-9,.'].*$"
)


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


def json_schema(kind: FileKind) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of file, accepting the shorthands the loader reads."""
    schema = kind.model.model_json_schema(by_alias=True)
    _accept_quantity_text(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"microsys:{kind.key}"
    return schema
