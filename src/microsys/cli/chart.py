"""``microsys chart``."""

from __future__ import annotations

import enum
from pathlib import Path

import typer


class ChartFormat(str, enum.Enum):
    """What ``chart`` writes."""

    image = "image"
    json = "json"


def chart(
    source: Path = typer.Argument(..., help="A workbook folder, or a CSV file of data."),
    measures: list[str] = typer.Argument(None, help="Workbook measures to chart (default: all)."),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Output file (.png, .svg, .pdf) or folder. Default: build/charts in the workbook.",
    ),
    format: ChartFormat = typer.Option(
        ChartFormat.image, "--format", "-f", help="`image` draws charts; `json` prints the analysis."
    ),
    y: str | None = typer.Option(None, "--y", help="CSV: the column of values."),
    x: str | None = typer.Option(
        None, "--x", help="CSV: the column of dates or numbers (default: row order)."
    ),
    n: str | None = typer.Option(None, "--n", help="CSV: the column of denominators (p, pp, u, up charts)."),
    type: str = typer.Option(
        "run", "--type", "-t", help="CSV: run, i, mr, xbar, s, t, p, pp, c, u, up or g."
    ),
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
    rules: str = typer.Option("anhoej", "--rules", help="CSV: anhoej, ihi or nhs."),
    direction: str = typer.Option(
        "neutral", "--direction", help="CSV: which way is better: up, down, neutral."
    ),
    target: float | None = typer.Option(None, "--target", help="CSV: target value, drawn as a line."),
    title: str | None = typer.Option(None, "--title", help="CSV: chart title."),
    no_screen: bool = typer.Option(False, "--no-screen", help="Do not screen out large moving ranges."),
) -> None:
    """Draw run and control charts of workbook measures or of a CSV file, or print their analysis.

    For a workbook, each measure's own settings are used (chart type, rules, phases,
    baseline, target, direction) and the PDSA cycles that affect it are marked.

    Example: microsys chart examples/sheffield-cf-clinic clinic-wait --out wait.png
    """
    from microsys.charting import CsvRequest, Note, run_chart_command

    request = CsvRequest(
        y=y,
        x=x,
        n=n,
        chart=type,
        part=part,
        freeze=freeze,
        exclude=exclude,
        rules=rules,
        direction=direction,
        target=target,
        title=title,
    )
    for line in run_chart_command(
        source, measures or [], out, as_json=format is ChartFormat.json, csv=request, screen=not no_screen
    ):
        typer.echo(f"note: {line}" if isinstance(line, Note) else line, err=isinstance(line, Note))


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("chart")(chart)
