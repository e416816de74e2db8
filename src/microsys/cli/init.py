"""``microsys init``."""

from __future__ import annotations

import shlex
from pathlib import Path

import typer

from microsys.cli.common import interactive


def init(
    folder: Path = typer.Argument(
        Path("."),
        help="Folder for the new workbook: new, empty, or a repository (its README and licence are kept).",
    ),
    name: str | None = typer.Option(None, "--name", help="Name of the microsystem."),
    setting: str | None = typer.Option(
        None, "--setting", help="clinic, ward, practice, department, unit, service ... or other."
    ),
    organisation: str | None = typer.Option(None, "--organisation", help="The organisation it belongs to."),
    mesosystem: str | None = typer.Option(None, "--mesosystem", help="The care pathway it is part of."),
    member: list[str] = typer.Option(
        [], "--member", help='A lead team member as "Name, role". Repeat for each member.'
    ),
    patient: list[str] = typer.Option(
        [], "--patient", help='A patient or family member on the team, as "Name" or "Name, role".'
    ),
    coach: str | None = typer.Option(None, "--coach", help="Name of the team coach."),
    cadence: str = typer.Option(
        "weekly", "--cadence", help="How often the team meets: weekly, fortnightly, monthly."
    ),
    no_input: bool = typer.Option(False, "--no-input", help="Never ask questions; use flags and defaults."),
) -> None:
    """Create a new workbook: every file, with comments that explain the method.

    Asks for the name, setting, organisation and team when run in a terminal.
    Never overwrites anything: the folder must be new, empty, or a repository that
    holds only its README, licence and .gitignore (kept as they are).

    Example: microsys init cf-clinic --name "Adult CF clinic" --setting clinic --no-input
    """
    from microsys.resources import templates_dir
    from microsys.scaffold.init import (
        Answers,
        check_target,
        default_name,
        parse_member,
        render_files,
        write_new_files,
    )

    check_target(folder)  # refuse before asking questions
    ask = interactive() and not no_input
    members = [parse_member(m) for m in member] + [parse_member(p, patient=True) for p in patient]
    if ask:
        name = name or typer.prompt("Name of the microsystem", default=default_name(folder))
        setting = setting or typer.prompt(
            "Setting (clinic, ward, practice, department ...)", default="clinic"
        )
        organisation = organisation or typer.prompt("Organisation", default="", show_default=False) or None
        if not members:
            typer.echo('Lead team staff, one per line as "Name, role" (empty line to finish):')
            while line := typer.prompt("  staff member", default="", show_default=False).strip():
                members.append(parse_member(line))
            typer.echo("Patients or family members on the team, one per line (empty line to finish):")
            while line := typer.prompt("  patient or family member", default="", show_default=False).strip():
                members.append(parse_member(line, patient=True))
        coach = coach or typer.prompt("Coach (empty if none yet)", default="", show_default=False) or None
    answers = Answers(
        name=name or default_name(folder),
        setting=setting or "clinic",
        organisation=organisation,
        mesosystem=mesosystem,
        members=tuple(members),
        coach=coach,
        cadence=cadence,
    )
    files = render_files(answers, templates_dir())
    written = write_new_files(folder, files)
    typer.echo(f"Created a workbook for {answers.name} in {folder} ({len(written.paths)} files).")
    for note in written.notes:
        typer.echo(f"  note: {note}")
    guide = "WORKBOOK.md" if any("WORKBOOK.md" in n for n in written.notes) else "README.md"
    typer.echo(
        f"Next: read {folder / guide}, fill in the 5Ps, then run `microsys check {shlex.quote(str(folder))}`."
    )


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("init")(init)
