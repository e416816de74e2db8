"""Output formats of ``microsys status``: one registry feeds ``--format``."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from microsys.overview import Overview

OverviewReporter = Callable[["Overview", TextIO, bool], None]

_PHASE = {
    "work-before-the-work": "before",
    "pre-phase": "pre",
    "action": "action",
    "transition": "transition",
}
_STAGE = {"assess": "Assess", "diagnose": "Diagnose", "treat": "Treat", "sustain": "Sustain"}


def _text(view: Overview, out: TextIO, color: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    from microsys.render.ramp_view import console

    table = Table(
        title=f"{len(view.rows)} of {view.found} workbook(s) in {view.folder}",
        title_justify="left",
        expand=True,
    )
    table.add_column("Workbook", overflow="fold", ratio=3)
    table.add_column("Pathway", overflow="fold", ratio=2)
    table.add_column("Stage", overflow="fold", ratio=2)
    table.add_column("Met", no_wrap=True)
    table.add_column("PDSA", overflow="fold", ratio=1)
    table.add_column("Signals", overflow="fold", ratio=2)
    table.add_column("Score", no_wrap=True, justify="right")
    table.add_column("M3", no_wrap=True, justify="right")
    table.add_column("Err", no_wrap=True, justify="right")
    for r in view.rows:
        signals = Text()
        if r.improving:
            signals.append("▲ " + ", ".join(r.improving), style="blue")
        if r.concerning:
            signals.append(
                ("\n" if r.improving else "") + "▼ " + ", ".join(r.concerning), style="dark_orange"
            )
        days = "" if r.days_in_stage is None else f" {r.days_in_stage}d"
        name = Text(r.name or r.path)
        if r.kind == "pathway":
            name.append(" (pathway)", style="bold")
        table.add_row(
            name,
            Text(r.pathway or ""),
            f"{_STAGE.get(r.stage, r.stage)}{days}\n{_PHASE.get(r.phase, r.phase)}",
            str(r.last_meeting or ""),
            f"{r.pdsa_count}" + (f"\n{r.last_pdsa}" if r.last_pdsa else ""),
            signals,
            f"{r.score:.1f}",
            str(r.m3_stage or ""),
            Text(str(r.errors), style="red" if r.errors else ""),
        )
    con = console(out, color)
    con.print(table)
    org = view.organisation
    if org is not None and org.name:
        review = f"last quarterly review {org.last_review}" if org.last_review else "no quarterly review yet"
        actions = sum(org.open_actions.values())
        con.print(Text(f"{org.name}: {review}; {actions} open action(s) for teams; "
                       f"{len(org.measures)} whole-system measure(s)"))  # fmt: skip
    table_actions = [r for r in view.rows if r.open_actions]
    for r in table_actions:
        con.print(Text(f"  {r.name or r.path}: {r.open_actions} open review action(s)"))


def _data(view: Overview) -> dict[str, Any]:
    from microsys.overview import columns

    return {
        "version": 1,
        "columns": list(columns()),
        "folder": view.folder,
        "today": view.today.isoformat(),
        "found": view.found,
        "workbooks": [r.as_dict() for r in view.rows],
        "organisation": _organisation(view),
    }


def _organisation(view: Overview) -> dict[str, Any] | None:
    org = view.organisation
    if org is None:
        return None
    return {
        "path": org.path,
        "name": org.name,
        "goals": list(org.goals),
        "measures": list(org.measures),
        "last_review": org.last_review.isoformat() if org.last_review else None,
        "open_actions": dict(org.open_actions),
        "findings": [
            {"path": str(d.path), "line": d.line, "col": d.col, "rule": d.rule, "severity": d.severity.value,
             "message": d.message, "hint": d.hint}
            for d in org.findings
        ],
    }  # fmt: skip


def findings_text(view: Overview) -> str:
    """The organisation file's findings, one a line as ``check`` prints them (for stderr)."""
    org = view.organisation
    lines = []
    for d in org.findings if org else ():
        lines.append(f"{d.location}: {d.severity.value}: {d.message} [{d.rule}]")
        if d.hint:
            lines.append(f"    hint: {d.hint}")
    return "".join(line + "\n" for line in lines)


def _json(view: Overview, out: TextIO, color: bool) -> None:
    out.write(json.dumps(_data(view), indent=2, ensure_ascii=False) + "\n")


def _csv(view: Overview, out: TextIO, color: bool) -> None:
    from microsys.overview import columns

    writer = csv.DictWriter(out, fieldnames=list(columns()), lineterminator="\n")
    writer.writeheader()
    for r in view.rows:
        row = r.as_dict()
        row["improvement"] = ";".join(row["improvement"])
        row["concern"] = ";".join(row["concern"])
        writer.writerow({k: _cell(v) for k, v in row.items()})


def _cell(value: Any) -> Any:
    # Spreadsheets run cells that start with = + - @ as formulas: quote them.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return "" if value is None else value


OVERVIEW: dict[str, OverviewReporter] = {"text": _text, "json": _json, "csv": _csv}
