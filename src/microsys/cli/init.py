"""``microsys init``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer

from microsys.cli.common import add_command, interactive
from microsys.errors import UsageError
from microsys.shell import quote


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
    coach: str | None = typer.Option(None, "--coach", metavar="NAME", help="Name of the team coach."),
    lead: str | None = typer.Option(
        None, "--lead", metavar="NAME", help="The team lead: the name of one --member."
    ),
    sponsor: str | None = typer.Option(
        None, "--sponsor", metavar="TEXT", help='The senior leader who supports the work, e.g. "Dr A Khan".'
    ),
    cadence: str = typer.Option(
        "weekly",
        "--cadence",
        metavar="CADENCE",
        help="How often the team meets: weekly, fortnightly or monthly.",
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

    Asks for the name, setting, organisation, care pathway, team, lead, sponsor,
    coach and meeting cadence when run in a terminal; a wrong answer is asked again.
    Never overwrites anything: the folder must be new, empty, or a repository that
    holds only its README, licence and .gitignore (kept as they are).

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
        parse_cadence,
        parse_member,
        parse_setting,
        render_files,
        with_lead,
        write_new_files,
    )

    check_target(folder)  # refuse before asking questions
    extra = ci_files(ci, templates_dir())
    ask = interactive() and not no_input
    members = [parse_member(m) for m in member] + [parse_member(p, patient=True) for p in patient]
    links = [make_link(folder, p) for p in link] + [make_link(folder, p, supporting=True) for p in supporting]
    if ask:
        what = "pathway" if pathway else "microsystem"
        name = name or _ask(f"Name of the {what}", default_name(folder), str)
        if pathway:
            condition = condition or _ask("Condition the pathway serves", "", str) or None
        else:
            setting = setting or _ask(
                "Setting (clinic, ward, practice, department ...)", "clinic", parse_setting
            )
        organisation = organisation or _ask("Organisation", "", str) or None
        if not pathway:
            mesosystem = mesosystem or _ask("Care pathway it is part of (empty if none)", "", str) or None
        if not members:
            typer.echo('Lead team staff, one per line as "Name, role" (empty line to finish):')
            while staff := _ask("  staff member", "", parse_member, finish=True):
                members.append(staff)
            typer.echo("Patients or family members on the team, one per line (empty line to finish):")
            while someone := _ask(
                "  patient or family member", "", lambda t: parse_member(t, patient=True), finish=True
            ):
                members.append(someone)
        if lead is None and members:
            names = ", ".join(m.name for m in members)
            lead = _ask(f"Who leads the team? ({names}; empty if not decided)", "", str)
            while True:
                try:
                    members = list(with_lead(members, lead))
                    break
                except UsageError as exc:
                    _say(exc)
                    lead = _ask(f"Who leads the team? ({names}; empty if not decided)", "", str)
        sponsor = sponsor or _ask("Senior leader who supports the work (empty if none yet)", "", str) or None
        coach = coach or _ask("Coach (empty if none yet)", "", str) or None
        if cadence == "weekly":  # the flag's default: ask
            question = "How often the lead team meets (weekly, fortnightly, monthly)"
            cadence = _ask(question, "weekly", parse_cadence) or cadence
    answers = Answers(
        name=name or default_name(folder),
        setting="pathway" if pathway else setting or "clinic",
        organisation=organisation,
        mesosystem=mesosystem,
        members=with_lead(members, lead),
        coach=coach,
        cadence=cadence,
        sponsor=sponsor,
        pathway=pathway,
        condition=condition or None,
        links=tuple(links),
        folder_name=folder.resolve().name,
    )
    files = {**render_files(answers, templates_dir()), **extra}
    written = write_new_files(folder, files)
    typer.echo(f"Created a workbook for {answers.name} in {folder} ({len(written.paths)} files).")
    for note in written.notes:
        typer.echo(f"  note: {note}")
    guide = "WORKBOOK.md" if any("WORKBOOK.md" in n for n in written.notes) else "README.md"
    fill = "the 5Vs and pathway.yaml" if pathway else "the 5Ps"
    typer.echo(f"Next: read {folder / guide}, fill in {fill}, then run `microsys check {quote(folder)}`.")
    if ci != "none":
        typer.echo(f"The {ci} CI job installs microsys from your copy of its repository: see docs/ci.md.")


T = TypeVar("T")


def _say(exc: UsageError) -> None:
    typer.echo(f"  {exc.message}" + (f" ({exc.hint})" if exc.hint else ""), err=True)


def _ask(question: str, default: str, parse: Callable[[str], T], *, finish: bool = False) -> T | None:
    """Ask until the answer reads; an empty answer ends a list (``finish``) or takes the default."""
    while True:
        text = str(typer.prompt(question, default=default, show_default=bool(default))).strip()
        if finish and not text:
            return None
        try:
            return parse(text)
        except UsageError as exc:
            _say(exc)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    add_command(app, "init", init)
