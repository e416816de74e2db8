"""``microsys init``."""

from __future__ import annotations

from pathlib import Path

import typer

from microsys.cli.common import interactive


def init(
    folder: Path = typer.Argument(Path("."), help="Folder for the new workbook (new or empty)."),
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
    pathway: bool = typer.Option(
        False, "--pathway", help="Create a pathway (mesosystem) workbook: 5Vs, big room, hand-offs."
    ),
    condition: str | None = typer.Option(None, "--condition", help="Pathway: the condition it serves."),
    link: list[Path] = typer.Option(
        [], "--link", help="Pathway: a microsystem workbook on it, in pathway order. Repeat."
    ),
    supporting: list[Path] = typer.Option(
        [], "--supporting", help="Pathway: a supporting microsystem workbook (pharmacy ...). Repeat."
    ),
    ci: str = typer.Option(
        "none",
        "--ci",
        help="Also write a CI job that checks the workbook: github, gitlab or none. "
        "Every workbook gets .editorconfig, .gitattributes and a pre-commit config.",
    ),
) -> None:
    """Create a new workbook: every file, with comments that explain the method.

    Asks for the name, setting, organisation and team when run in a terminal.
    Never overwrites anything: the folder must be new or empty.

    Example: microsys init cf-clinic --name "Adult CF clinic" --setting clinic --no-input

    Example: microsys init sepsis --pathway --condition sepsis --link ed --link amu --no-input
    """
    from microsys.resources import templates_dir
    from microsys.scaffold.init import (
        Answers,
        check_target,
        ci_files,
        default_name,
        make_link,
        parse_member,
        render_files,
        write_new_files,
    )

    check_target(folder)  # refuse before asking questions
    extra = ci_files(ci, templates_dir())
    ask = interactive() and not no_input
    members = [parse_member(m) for m in member] + [parse_member(p, patient=True) for p in patient]
    links = [make_link(folder, p) for p in link] + [make_link(folder, p, supporting=True) for p in supporting]
    if ask:
        what = "pathway" if pathway else "microsystem"
        name = name or typer.prompt(f"Name of the {what}", default=default_name(folder))
        if pathway:
            condition = condition or typer.prompt(
                "Condition the pathway serves", default="", show_default=False
            )
        if not pathway:
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
        setting="pathway" if pathway else setting or "clinic",
        organisation=organisation,
        mesosystem=mesosystem,
        members=tuple(members),
        coach=coach,
        cadence=cadence,
        pathway=pathway,
        condition=condition or None,
        links=tuple(links),
        folder_name=folder.resolve().name,
    )
    files = {**render_files(answers, templates_dir()), **extra}
    written = write_new_files(folder, files)
    typer.echo(f"Created a workbook for {answers.name} in {folder} ({len(written)} files).")
    fill = "the 5Vs and pathway.yaml" if pathway else "the 5Ps"
    typer.echo(f"Next: read {folder / 'README.md'}, fill in {fill}, then run `microsys check {folder}`.")
    if ci != "none":
        typer.echo(f"The {ci} CI job installs microsys from your copy of its repository: see docs/ci.md.")


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("init")(init)
