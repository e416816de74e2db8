"""Compare `microsys check` with its peers and with the C parser's floor, on the same files.

Usage:
    python bench/generate.py ../org300 --workbooks 300
    python bench/peers.py ../org300 [--repeat 5] [--venv bench/.peers-venv]
    python bench/peers.py ../org300 --no-peers   # the floor and microsys only (no PyPI needed)

Run it from the microsys development venv (`microsys` on PATH). The peers are
installed from PyPI into a separate virtual environment made by this script
(never into microsys's own environment, and never a dependency of the package):

    python -m venv bench/.peers-venv
    bench/.peers-venv/bin/pip install check-jsonschema yamllint ruamel.yaml.clib

`ruamel.yaml.clib` gives check-jsonschema ruamel's C parser, as microsys has it:
without it, check-jsonschema runs about 3x slower and the comparison would flatter
microsys. check-jsonschema validates each file against the schema of its kind,
as `microsys schema --out` exports them (files matched by the catalogue's
patterns, one run a kind, arguments in batches under the command-line limit, as
pre-commit would pass them); yamllint lints the folder with its default rules.

The tools run interleaved (round after round, the order rotated each round), so a
busy machine slows them alike; medians of wall time and of CPU time (user +
system, of the tool's processes and their children) are printed. On a shared
machine, compare CPU times and ratios, not single wall times.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
PEERS = ["check-jsonschema", "yamllint", "ruamel.yaml.clib"]
ARG_BYTES = 100_000  # below the 128 KiB a single command line may hold on Linux


def ensure_venv(venv: Path) -> Path:
    """The peers' venv's bin folder, made and filled from PyPI on first use."""
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    if not (bin_dir / "check-jsonschema").exists() or not (bin_dir / "yamllint").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", *PEERS], check=True)
    return bin_dir


def floor(org: Path) -> None:
    """The C parser's floor: ruamel's CSafeLoader used directly on every YAML file."""
    from ruamel.yaml.cyaml import CSafeLoader

    for path in sorted(org.rglob("*.yaml")):
        loader = CSafeLoader(path.read_text(encoding="utf-8"))
        try:
            loader.get_single_data()
        finally:
            loader.dispose()


def batches(prefix: list[str], files: list[str]) -> list[list[str]]:
    """Command lines of ``prefix`` plus as many files as fit under the limit."""
    out: list[list[str]] = []
    current: list[str] = []
    size = 0
    for f in files:
        if current and size + len(f) + 1 > ARG_BYTES:
            out.append(prefix + current)
            current, size = [], 0
        current.append(f)
        size += len(f) + 1
    if current:
        out.append(prefix + current)
    return out


def schema_runs(bin_dir: Path, org: Path, schemas: Path) -> tuple[list[list[str]], int, int]:
    """check-jsonschema's command lines, one kind at a time; (commands, files matched, files left)."""
    catalogue = json.loads((schemas / "catalog.json").read_text())
    by_schema: dict[str, list[str]] = {}
    unmatched = 0
    for path in sorted(org.rglob("*.yaml")):
        rel = PurePosixPath(path.relative_to(org).as_posix())
        for entry in catalogue["schemas"]:
            if any(rel.match(p.removeprefix("**/")) for p in entry["fileMatch"]):
                by_schema.setdefault(entry["url"], []).append(str(path))
                break
        else:
            unmatched += 1
    exe = str(bin_dir / "check-jsonschema")
    runs = []
    for url, files in by_schema.items():
        runs.extend(batches([exe, "--schemafile", str(schemas / url)], files))
    return runs, sum(len(f) for f in by_schema.values()), unmatched


def measure(commands: list[list[str]]) -> tuple[float, float]:
    """Wall and CPU seconds of running ``commands`` one after the other."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    for cmd in commands:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("org", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--venv", type=Path, default=ROOT / "bench" / ".peers-venv")
    parser.add_argument("--floor", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-peers", action="store_true", help="measure only the floor and microsys")
    args = parser.parse_args()
    if args.floor:
        floor(args.org)
        return
    exe = shutil.which("microsys")
    if exe is None:
        sys.exit("run from the microsys venv: `microsys` is not on PATH")
    bin_dir = None if args.no_peers else ensure_venv(args.venv)
    with tempfile.TemporaryDirectory() as tmp:
        yaml_files = sum(1 for _ in args.org.rglob("*.yaml"))
        matched, unmatched = yaml_files, 0
        tools: list[tuple[str, list[list[str]]]] = [
            ("C parser floor (CSafeLoader)", [[sys.executable, __file__, "--floor", str(args.org)]]),
            ("microsys check -j 1", [[exe, "check", "--no-git", "-j", "1", str(args.org)]]),
            ("microsys check (auto)", [[exe, "check", "--no-git", str(args.org)]]),
        ]
        if bin_dir is not None:
            schemas = Path(tmp) / "schemas"
            subprocess.run([exe, "schema", "--out", str(schemas)], check=True, stdout=subprocess.DEVNULL)
            runs, matched, unmatched = schema_runs(bin_dir, args.org, schemas)
            tools += [
                (f"check-jsonschema ({len(runs)} runs)", runs),
                ("yamllint", [[str(bin_dir / "yamllint"), "-f", "parsable", str(args.org)]]),
            ]
        times: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in tools}
        for r in range(args.repeat):
            order = tools[r % len(tools) :] + tools[: r % len(tools)]
            for name, commands in order:
                times[name].append(measure(commands))
    schema_note = "" if args.no_peers else f" ({matched} with a schema, {unmatched} without)"
    print(f"{args.org}: {yaml_files} YAML files{schema_note}")
    print(f"{'tool':<36} {'wall s':>8} {'CPU s':>8} {'files/CPU-s':>12} {'x floor':>8}")
    median: Callable[[list[float]], float] = statistics.median
    base = median([c for _, c in times[tools[0][0]]])
    for name, _ in tools:
        wall = median([w for w, _ in times[name]])
        cpu = median([c for _, c in times[name]])
        print(f"{name:<36} {wall:8.2f} {cpu:8.2f} {yaml_files / cpu:12.0f} {cpu / base:8.2f}")
    print(f"medians of {args.repeat} interleaved rounds; load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
