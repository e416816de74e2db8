"""``microsys chart``."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from microsys.cli.common import add_command, choices
from microsys.reporters.charts import CHART_FORMATS
from microsys.spc.kinds import CHART_TYPES, DIRECTIONS, KINDS, RULE_SETS

if TYPE_CHECKING:
    ChartFormat = enum.Enum
    ChartKind = enum.Enum
    RuleSet = enum.Enum
    Direction = enum.Enum
else:
    ChartFormat = choices("ChartFormat", CHART_FORMATS)
    ChartKind = choices("ChartKind", CHART_TYPES)
    RuleSet = choices("RuleSet", RULE_SETS)
    Direction = choices("Direction", DIRECTIONS)

_DENOMINATOR = ", ".join(k.id for k in KINDS if k.denominator)


def chart(
    args: list[str] = typer.Argument(
        None,
        metavar="[SOURCE] [MEASURE]...",
        help="A workbook folder, a file in one, or a CSV file of data (default: the workbook you are in); "
        "then the workbook measures to chart (default: all).",
        show_default=False,
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Output file (.png, .svg, .pdf) or folder. Default: build/charts in the workbook.",
    ),
    format: ChartFormat = typer.Option(
        "image", "--format", "-f", help="`image` draws charts; `json` prints the analysis."
    ),
    y: str | None = typer.Option(None, "--y", help="CSV: the column of values."),
    x: str | None = typer.Option(
        None, "--x", help="CSV: the column of dates or numbers (default: row order)."
    ),
    n: str | None = typer.Option(
        None, "--n", help=f"CSV: the column of denominators ({_DENOMINATOR} charts)."
    ),
    type: ChartKind = typer.Option("run", "--type", "-t", help="CSV: the kind of chart."),
    part: str | None = typer.Option(
        None, "--part", help="CSV: a column whose value changes where a phase starts."
    ),
    freeze: int | None = typer.Option(
        None,
        "--freeze",
        min=2,
        help="CSV: compute limits from the first K points (with --part: of each phase under "
        "--rules nhs, ignored otherwise).",
    ),
    exclude: str | None = typer.Option(
        None, "--exclude", help="CSV: points left out of the calculation, e.g. 3,7."
    ),
    rules: RuleSet = typer.Option("anhoej", "--rules", help="CSV: the rules that find signals."),
    direction: Direction = typer.Option("neutral", "--direction", help="CSV: which way is better."),
    target: float | None = typer.Option(None, "--target", help="CSV: target value, drawn as a line."),
    title: str | None = typer.Option(None, "--title", help="CSV: chart title."),
    no_screen: bool = typer.Option(False, "--no-screen", help="Do not screen out large moving ranges."),
    force: bool = typer.Option(
        False,
        "--force",
        help="Replace an existing file microsys did not make (never a workbook's own files).",
    ),
) -> None:
    """Draw run and control charts of workbook measures or of a CSV file, or print their analysis.

    For a workbook, each measure's own settings are used (chart type, rules, phases,
    baseline, target, direction) and the PDSA cycles that affect it are marked.

    Inside a workbook, `microsys chart clinic-wait` charts that measure.

    Example: microsys chart examples/sheffield-cf-clinic clinic-wait --out wait.png
    """
    from microsys.charting import CsvRequest, charts
    from microsys.cli.common import looks_like_path, reject_unknown_options

    given = list(args or [])
    reject_unknown_options(given, "chart")
    source = Path(given.pop(0)) if given and looks_like_path(given[0]) else Path(".")

    request = CsvRequest(
        y=y,
        x=x,
        n=n,
        chart=type.value,
        part=part,
        freeze=freeze,
        exclude=exclude,
        rules=rules.value,
        direction=direction.value,
        target=target,
        title=title,
    )
    analysed = charts(source, given, out, csv=request, screen=not no_screen, force=force)
    for note in (note for c in analysed for note in c.notes):
        typer.echo(f"note: {note}", err=True)
    CHART_FORMATS[format.value](analysed, sys.stdout)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    add_command(app, "chart", chart)
