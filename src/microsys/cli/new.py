"""``microsys new``: the next record of a workbook, pre-linked."""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from microsys.cli.common import add_command, choices, command_group, parse_today
from microsys.spc.kinds import CHART_TYPES

if TYPE_CHECKING:
    from microsys.creating import NewRecord
    from microsys.workbook.loader import Workbook

    ChartKind = enum.Enum
else:
    ChartKind = choices("ChartKind", CHART_TYPES)

_DIR = typer.Argument(Path("."), help="The workbook folder (default: the current folder).")
# Every `new` command takes the record's date as --date or --today (the same option).
_TODAY = typer.Option(
    None, "--date", "--today", metavar="YYYY-MM-DD", help="The date to write (default: today)."
)
_TITLE = typer.Option(None, "--title", help="A short name for the record.")


def _create(folder: Path, make: Callable[[Workbook], NewRecord]) -> None:
    from microsys.cli.common import echo_undone
    from microsys.storage import commit
    from microsys.workbook.privacy_gate import open_to_write

    with open_to_write(folder, "write the new record") as wb:
        echo_undone(wb.path, wb.undone)
        record = make(wb)
        commit(record.changes, root=wb.root)
    for change in record.changes:
        verb = "Wrote" if change.expected is None else "Updated"
        shown = wb.path / change.path.relative_to(wb.root).as_posix()
        typer.echo(f"{verb} {shown}" + (f" ({record.id})" if change.expected is not None else ""))
    for note in record.notes:
        typer.echo(f"  note: {note}")


def new_pdsa(
    folder: Path = _DIR,
    change: str | None = typer.Option(None, "--change", help="The change idea the cycle tests, e.g. C3."),
    after: str | None = typer.Option(
        None, "--after", help="The cycle this one follows (default: the latest for the change)."
    ),
    title: str | None = _TITLE,
    scale: str | None = typer.Option(
        None, "--scale", help="How big the test is: one patient, one clinic ..."
    ),
    today: str | None = _TODAY,
) -> None:
    """Create the next PDSA cycle, linked to its change idea and the cycle before it.

    A cycle that follows an earlier one takes its change, its measures and its
    "next step" as the new objective.

    Example: microsys new pdsa my-clinic --change C3 --scale "one clinic"
    """
    from microsys.creating import new_pdsa as make

    date = parse_today(today)
    _create(folder, lambda wb: make(wb, date, change=change, after=after, title=title, scale=scale))


def new_sdsa(
    folder: Path = _DIR,
    change: str = typer.Option(..., "--change", help="The adopted change to standardise, e.g. C1."),
    playbook: str | None = typer.Option(None, "--playbook", help="The playbook entry it writes down."),
    title: str | None = _TITLE,
    today: str | None = _TODAY,
) -> None:
    """Create the next SDSA cycle for an adopted change, linked to its playbook entry.

    Example: microsys new sdsa my-clinic --change C1
    """
    from microsys.creating import new_sdsa as make

    date = parse_today(today)
    _create(folder, lambda wb: make(wb, date, change=change, playbook=playbook, title=title))


def new_measure(
    folder: Path = _DIR,
    measure_id: str = typer.Option(..., "--id", help="The measure's id and file name, e.g. clinic-wait."),
    name: str = typer.Option(..., "--name", help="The name shown on charts."),
    type: str = typer.Option("outcome", "--type", help="outcome, process or balancing."),
    direction: str = typer.Option("down", "--direction", help="Which way is better: up, down or neutral."),
    chart: ChartKind = typer.Option("run", "--chart", help="The kind of chart."),
    frequency: str = typer.Option(
        "weekly", "--frequency", help="daily, weekly, fortnightly, monthly, quarterly or per-session."
    ),
    unit: str | None = typer.Option(None, "--unit", help="Unit of a measurement, e.g. minutes."),
    numerator: str | None = typer.Option(None, "--numerator", help="What is counted (proportions, rates)."),
    denominator: str | None = typer.Option(
        None, "--denominator", metavar="TEXT", help="Out of what (proportions, rates)."
    ),
    csv: bool = typer.Option(False, "--csv", help="Keep the values in a CSV beside the measure."),
    description: str | None = typer.Option(
        None,
        "--description",
        help="Exactly what is measured, from when to when (the operational definition).",
    ),
    data_source: str | None = typer.Option(
        None, "--data-source", metavar="TEXT", help="Where the numbers come from, e.g. 'clinic arrival log'."
    ),
) -> None:
    """Create a measure with its operational definition to fill in.

    Example: microsys new measure my-clinic --id clinic-wait --name "Mean wait" --unit minutes --chart i
    """
    from microsys.creating import new_measure as make

    _create(
        folder,
        lambda wb: make(
            wb,
            measure_id=measure_id,
            name=name,
            type=type,
            direction=direction,
            chart=chart.value,
            frequency=frequency,
            unit=unit,
            numerator=numerator,
            denominator=denominator,
            csv=csv,
            description=description,
            data_source=data_source,
        ),
    )


def new_change(
    folder: Path = _DIR,
    title: str = typer.Option(..., "--title", help="The idea in a few words."),
    description: str | None = typer.Option(None, "--description", help="More detail."),
    source: str | None = typer.Option(
        None,
        "--source",
        help="brainstorming, benchmarking, literature, change-concepts, patients, staff or other.",
    ),
    theme: str | None = typer.Option(
        None, "--theme", help="The theme it addresses (default: the selected one)."
    ),
    today: str | None = _TODAY,
) -> None:
    """Add a change idea to change-ideas.yaml with the next free id (C1, C2 ...).

    Comments and layout of the file are kept; only the new lines are added.

    Example: microsys new change my-clinic --title "pre-clinic huddle" --source brainstorming
    """
    from microsys.creating import new_change as make

    date = parse_today(today)
    _create(
        folder, lambda wb: make(wb, date, title=title, source=source, theme=theme, description=description)
    )


def new_meeting(
    folder: Path = _DIR,
    date: str | None = typer.Option(
        None, "--date", "--today", metavar="YYYY-MM-DD", help="The meeting's date (default: today)."
    ),
    kind: str = typer.Option("lead-team", "--kind", help="lead-team, huddle, big-room or other."),
) -> None:
    """Create a meeting record with a timed agenda, the lead team as attendees and open actions carried over.

    Example: microsys new meeting my-clinic --date 2026-03-12
    """
    from microsys.creating import new_meeting as make

    day = parse_today(date)
    _create(folder, lambda wb: make(wb, date=day, kind=kind))


def new_theme(
    folder: Path = _DIR,
    title: str = typer.Option(..., "--title", help="The theme in a few words."),
    description: str | None = typer.Option(
        None, "--description", help="Why it matters; what the 5Ps showed."
    ),
    today: str | None = _TODAY,
) -> None:
    """Add a candidate theme to themes.yaml with the next free id (T1, T2 ...).

    Example: microsys new theme my-clinic --title "Clinic flow"
    """
    from microsys.creating import new_theme as make

    date = parse_today(today)
    _create(folder, lambda wb: make(wb, date, title=title, description=description))


def new_playbook(
    folder: Path = _DIR,
    entry_id: str = typer.Option(..., "--id", help="The entry's id and file name, e.g. clinic-day."),
    title: str = typer.Option(..., "--title", help="Name of the standard process."),
    change: list[str] = typer.Option(
        [], "--change", help="An adopted change it standardises; repeat for each."
    ),
    today: str | None = _TODAY,
) -> None:
    """Create a playbook entry for adopted changes, with their measures and process map linked.

    Example: microsys new playbook my-clinic --id clinic-day --title "Clinic day" --change C1
    """
    from microsys.creating import new_playbook as make

    date = parse_today(today)
    _create(folder, lambda wb: make(wb, date, entry_id=entry_id, title=title, changes=change))


def new_driver_diagram(
    folder: Path = _DIR,
    diagram_id: str | None = typer.Option(
        None, "--id", help="The diagram's id and file name (default: from the theme, e.g. clinic-flow)."
    ),
    aim: str | None = typer.Option(
        None, "--aim", help="The aim it works towards, e.g. SA1 (default: the theme's first specific aim)."
    ),
    today: str | None = _TODAY,
) -> None:
    """Create a driver diagram for an aim: drivers to write, its fishbone linked, the change ideas listed.

    Example: microsys new driver-diagram my-clinic --aim SA1
    """
    from microsys.creating import new_driver_diagram as make

    date = parse_today(today)
    _create(folder, lambda wb: make(wb, date, diagram_id=diagram_id, aim=aim))


def new_self_assessment(
    folder: Path = _DIR,
    date: str | None = typer.Option(
        None, "--date", "--today", metavar="YYYY-MM-DD", help="When the team rated itself (default: today)."
    ),
    scale: int = typer.Option(5, "--scale", metavar="N", help="Top of the rating scale: 1 to N."),
) -> None:
    """Create a self-assessment named by its date, listing the ten characteristics to rate.

    Example: microsys new self-assessment my-clinic --date 2026-03-01
    """
    from microsys.creating import new_self_assessment as make

    day = parse_today(date)
    _create(folder, lambda wb: make(wb, date=day, scale_max=scale))


def register(app: typer.Typer) -> None:
    """Add the ``new`` group to the app."""
    group = command_group(
        "Create the next record: pdsa, sdsa, measure, change, meeting, theme, playbook, "
        "self-assessment or driver-diagram."
    )
    for name, fn in (
        ("pdsa", new_pdsa),
        ("sdsa", new_sdsa),
        ("measure", new_measure),
        ("change", new_change),
        ("meeting", new_meeting),
        ("theme", new_theme),
        ("playbook", new_playbook),
        ("self-assessment", new_self_assessment),
        ("driver-diagram", new_driver_diagram),
    ):
        add_command(group, name, fn)
    app.add_typer(group, name="new")
