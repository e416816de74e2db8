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


def json_schema(kind: FileKind) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of file."""
    schema = kind.model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"microsys:{kind.key}"
    return schema
