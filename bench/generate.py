"""Generate a synthetic organisation repository of workbooks for benchmarks.

Usage: python bench/generate.py OUT [--workbooks 300] [--seed 1]

Each workbook is a variation of the Sheffield CF example (about 35 files).
Every third workbook has a 500-point measure in CSV, every fifth a 500-point
measure written inline in YAML (the slow case), and one in twenty has a
mistake, so that the position look-up for findings is part of the timing.

With ``--pathways N`` (default: one for every 20 workbooks) it also writes N
pathway (mesosystem) workbooks under ``pathways/``, copies of the sepsis big
room example, each linking four of the teams above in pathway order, so that
``check`` follows the links and ``status`` and ``export`` see both kinds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sheffield-cf-clinic"
PATHWAY = Path(__file__).resolve().parents[1] / "examples" / "sepsis-big-room" / "pathway"
# The microsystem ids of the sepsis example's pathway.yaml, in order.
PATHWAY_IDS = ("ed-north", "ed-south", "amu", "haematology")
SETTINGS = ["clinic", "ward", "practice", "department", "unit", "service"]


def long_measure(mid: str, inline: bool, rng: random.Random) -> tuple[str, str | None]:
    start = dt.date(2016, 1, 4)
    rows = [(start + dt.timedelta(weeks=i), round(rng.gauss(30, 5), 1)) for i in range(500)]
    head = (
        f"id: {mid}\nname: Daily discharges before noon\ntype: process\n"
        "definition: {unit: patients}\ndirection: up\nfrequency: weekly\nchart: i\n"
    )
    if inline:
        body = "values:\n" + "".join(f"  - date: {d}\n    value: {v}\n" for d, v in rows)
        return head + body, None
    csv = "date,value\n" + "".join(f"{d},{v}\n" for d, v in rows)
    return head + f"data: {mid}.csv\n", csv


def own_texts(folder: Path, name: str) -> None:
    """Give every YAML file of a copied workbook a first line of its own.

    Real workbooks differ in every file; exact copies would let anything that remembers
    what a text held (the privacy scan remembers short texts) answer from memory and
    flatter the timings.
    """
    for path in sorted(folder.rglob("*.yaml")):
        path.write_text(f"# {name}\n" + path.read_text())


def own_data(folder: Path, rng: random.Random) -> None:
    """Make a copied workbook's measure values its own: each team's charts differ, as real ones do.

    Values move by up to about a tenth (never below zero); denominators (p and u charts) grow
    a little, so a count stays within what it is out of. Without this, every team's charts
    would be the same drawing and a cache of drawn charts would answer for all but the first.
    """
    for csv in sorted((folder / "measures").glob("*.csv")):
        if csv.stem.startswith("long-"):
            continue  # already drawn at random per workbook
        head, *rows = csv.read_text().splitlines()
        names = head.split(",")
        out = [head]
        for row in rows:
            cells = row.split(",")
            if "denominator" in names:
                i = names.index("denominator")
                cells[i] = str(int(float(cells[i])) + rng.randint(0, 3)) if cells[i] else cells[i]
            elif cells[1]:
                value = float(cells[1])
                cells[1] = f"{max(0.0, value + rng.uniform(-0.1, 0.1) * value):.1f}"
            out.append(",".join(cells))
        csv.write_text("\n".join(out) + "\n")
    for yaml in sorted((folder / "measures").glob("*.yaml")):
        text = yaml.read_text()
        if yaml.stem.startswith("long-") or "denominator:" in text:
            continue
        lines = []
        for line in text.splitlines(keepends=True):
            key, _, rest = line.partition("value: ")
            if key.strip() == "" and rest.strip().replace(".", "", 1).isdigit():
                value = float(rest)
                line = f"{key}value: {max(0.0, value + rng.uniform(-0.1, 0.1) * value):.1f}\n"
            lines.append(line)
        yaml.write_text("".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--workbooks", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pathways", type=int, default=None, help="pathway workbooks (default: 1 per 20)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.out.exists():
        shutil.rmtree(args.out)
    for i in range(args.workbooks):
        team = args.out / f"division-{i % 6}" / f"team-{i:03d}"
        shutil.copytree(EXAMPLE, team)
        manifest = team / "microsys.yaml"
        text = manifest.read_text()
        text = text.replace("name: Adult Cystic Fibrosis Outpatient Clinic", f"name: Team {i:03d}")
        text = text.replace("setting: clinic", f"setting: {rng.choice(SETTINGS)}")
        manifest.write_text(text)
        if i % 3 == 0:
            yaml_text, csv = long_measure("long-series", False, rng)
            (team / "measures" / "long-series.yaml").write_text(yaml_text)
            (team / "measures" / "long-series.csv").write_text(csv or "")
        if i % 5 == 0:
            yaml_text, _ = long_measure("long-inline", True, rng)
            (team / "measures" / "long-inline.yaml").write_text(yaml_text)
        if i % 20 == 7:
            pdsa = team / "pdsa" / "PDSA-2.yaml"
            pdsa.write_text(pdsa.read_text().replace("prediction:", "predicton:"))
        own_data(team, rng)
        own_texts(team, f"Team {i:03d}")
    pathways = args.workbooks // 20 if args.pathways is None else args.pathways
    teams = [args.out / f"division-{i % 6}" / f"team-{i:03d}" for i in range(args.workbooks)]
    for k in range(pathways):
        folder = args.out / "pathways" / f"pathway-{k:03d}"
        shutil.copytree(PATHWAY, folder)
        linked = rng.sample(teams, min(len(PATHWAY_IDS), len(teams)))
        text = (folder / "pathway.yaml").read_text()
        for ident, team in zip(PATHWAY_IDS, linked, strict=False):
            old = {"amu": "../acute-medical-unit"}.get(ident, f"../{ident}")
            text = text.replace(f"path: {old}\n", f"path: ../../{team.relative_to(args.out).as_posix()}\n")
        (folder / "pathway.yaml").write_text(text)
        manifest = folder / "microsys.yaml"
        manifest.write_text(manifest.read_text().replace("name: Sepsis big room", f"name: Pathway {k:03d}"))
        own_texts(folder, f"Pathway {k:03d}")
    files = sum(1 for p in args.out.rglob("*") if p.is_file())
    print(f"wrote {args.workbooks} workbooks and {pathways} pathways, {files} files, to {args.out}")


if __name__ == "__main__":
    main()
