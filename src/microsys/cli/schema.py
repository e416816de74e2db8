"""``microsys schema``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from microsys.cli.common import add_command


def schema(
    kind: str = typer.Argument(
        None,
        help="Kind of file (pdsa, measure, microsys.yaml ...) or a workbook-relative path; "
        "with --update or --check, the workbook folder (default: here).",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Write every schema and a catalogue of file patterns into this folder."
    ),
    update: bool = typer.Option(
        False, "--update", help="Refresh the schemas kept in each workbook (.microsys-schemas/)."
    ),
    check: bool = typer.Option(
        False, "--check", help="Exit 1 if a workbook's kept schemas are not those of this microsys (for CI)."
    ),
) -> None:
    """Print the JSON Schema of a kind of workbook file, or list the kinds.

    Editors use the schema to complete keys and underline mistakes as you type. A
    workbook keeps its schemas in `.microsys-schemas/`, and each file's first line
    points at its own; `--update` refreshes them after microsys is upgraded.

    Example: microsys schema pdsa > pdsa.schema.json
    """
    from microsys import editorschemas
    from microsys.schema.files import FILE_KINDS
    from microsys.schema.jsonschema import find_kind, json_schema

    if out is not None:
        written = editorschemas.export(out)
        typer.echo(f"Wrote {len(written)} files to {out}" if written else f"{out} is up to date")
    elif update:
        for root, files in editorschemas.update([Path(kind or ".")]):
            done = f"updated {len(files)} schema files" if files else "schemas up to date"
            typer.echo(f"{root}: {done}")
    elif check:
        stale = [s for s in editorschemas.check([Path(kind or ".")]) if s.stale]
        for s in stale:
            names = ", ".join((*s.missing, *s.outdated, *s.extra))
            typer.echo(f"{s.workbook}: editor schemas out of date ({names})", err=True)
            typer.echo(f"  hint: run `microsys schema --update {s.workbook}` and commit the result", err=True)
        if stale:
            raise typer.Exit(1)
    elif kind is None:
        for k in FILE_KINDS:
            typer.echo(f"{k.key.replace('_', '-'):<16} {k.pattern:<26} {k.title}")
    else:
        typer.echo(json.dumps(json_schema(find_kind(kind)), indent=2, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    add_command(app, "schema", schema)
