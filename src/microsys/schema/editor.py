"""JSON Schemas for editors, kept inside the workbook so they travel with it.

The YAML language server (VS Code's YAML extension, and editors that embed it)
validates and completes a file against the schema named on its first line,
``# yaml-language-server: $schema=../.microsys-schemas/pdsa.schema.json``, and
``catalog.json`` maps file patterns to schemas for tools that match by name.

The schemas live in ``.microsys-schemas/``, not in ``.microsys/``: that folder
holds the write lock and journals and is ignored by git (workbooks made before
this version ignore it whole, and git cannot bring back a file below an ignored
folder), while the schemas must be committed for everyone's editor to find them.
"""

from __future__ import annotations

import functools
import json
import posixpath
from typing import Any

from microsys.schema.files import FILE_KINDS, FileKind, kind_of
from microsys.schema.jsonschema import json_schema

SCHEMA_DIR = ".microsys-schemas"
"""The workbook folder holding the editor schemas (committed; refreshed by ``schema --update``)."""
CATALOG = "catalog.json"
MODELINE_PREFIX = "# yaml-language-server: $schema="


def schema_file_name(kind: FileKind) -> str:
    """``pdsa.schema.json``, ``process-map.schema.json`` ..."""
    return f"{kind.key.replace('_', '-')}.schema.json"


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def catalog() -> dict[str, Any]:
    """A SchemaStore-style catalogue: which files each schema is for."""
    return {
        "$schema": "https://json.schemastore.org/schema-catalog.json",
        "version": 1,
        "schemas": [
            {
                "name": f"microsys {kind.title}",
                "description": f"A workbook's {kind.pattern}",
                "fileMatch": [kind.pattern, f"**/{kind.pattern}"],
                "url": f"./{schema_file_name(kind)}",
            }
            for kind in FILE_KINDS
        ],
    }


def schema_files() -> dict[str, str]:
    """File name -> text of every schema file and the catalogue, as written to ``SCHEMA_DIR``."""
    return dict(_schema_files())


# The texts depend on the installed code alone, and pydantic takes a third of `init`'s time
# to make them: made once per process (a copy handed out, so no caller can change them).
@functools.cache
def _schema_files() -> dict[str, str]:
    files = {schema_file_name(kind): _dump(json_schema(kind)) for kind in FILE_KINDS}
    files[CATALOG] = _dump(catalog())
    return files


def modeline(rel: str) -> str | None:
    """The first line that points an editor at the schema of workbook file ``rel`` (None: not a kind)."""
    kind = kind_of(rel)
    if kind is None:
        return None
    folder = posixpath.dirname(rel)
    target = posixpath.relpath(f"{SCHEMA_DIR}/{schema_file_name(kind)}", folder or ".")
    if not target.startswith("../"):
        target = "./" + target
    return MODELINE_PREFIX + target


def with_modeline(rel: str, text: str) -> str:
    """``text`` with the schema line first, unless it has one already or ``rel`` is not a workbook file."""
    line = modeline(rel)
    if line is None or text.startswith(MODELINE_PREFIX):
        return text
    return f"{line}\n{text}"
