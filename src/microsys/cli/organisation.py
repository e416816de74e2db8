"""``microsys report --kind datawall|site``: reports of every workbook below a folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from microsys.errors import UsageError


def folder_report(
    kind: str,
    paths: list[Path],
    formats: list[str],
    size: str | None,
    out: Path | None,
    today: dt.date,
    force: bool,
    jobs: int | None = None,
) -> None:
    """Make the data wall or the website of the one folder in ``paths`` and say what was written."""
    from microsys.workbook.discover import display_path

    if len(paths) != 1 or not paths[0].is_dir():
        raise UsageError(
            f"--kind {kind} is made from one folder that holds workbooks",
            hint=f"e.g. microsys report examples/ --kind {kind}",
        )
    folder = paths[0]
    if kind == "site":
        from microsys.publishing import SiteOptions, render

        site = out or folder / "build" / "site"
        written = render(folder, SiteOptions(site, today, force, jobs))
        typer.echo(f"wrote {len(written)} file(s) of the site; open {display_path(site / 'index.html')}")
        return
    from microsys.datawall import WallOptions
    from microsys.datawall import render as render_wall

    made = render_wall(
        folder, WallOptions(tuple(dict.fromkeys(formats)), out, today, force, paper=size or "a3", jobs=jobs)
    )
    for path in made:
        typer.echo(f"wrote {display_path(path)}")
