"""``microsys schema``."""

from __future__ import annotations

import json

import typer

from microsys.cli.common import add_command


def schema(
    kind: str = typer.Argument(
        None, help="Kind of file (pdsa, measure, microsys.yaml ...) or a workbook-relative path."
    ),
) -> None:
    """Print the JSON Schema of a kind of workbook file, or list the kinds.

    Editors use the schema to complete keys and underline mistakes as you type.

    Example: microsys schema pdsa > pdsa.schema.json
    """
    from microsys.schema.files import FILE_KINDS
    from microsys.schema.jsonschema import find_kind, json_schema

    if kind is None:
        for k in FILE_KINDS:
            typer.echo(f"{k.key.replace('_', '-'):<16} {k.pattern:<26} {k.title}")
        return
    typer.echo(json.dumps(json_schema(find_kind(kind)), indent=2, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    add_command(app, "schema", schema)
