"""Time `microsys chart` on long CSV series; print figures (no assertions).

Usage: python bench/chart_speed.py [--sizes 10000 1000000] [--rules anhoej ihi nhs]

For each size it writes a CSV of normally distributed values (fixed seed) in a
temporary folder, then prints, per rule set:
- the CPU time of the analysis alone (`microsys.spc.analyse`, in this process);
- the CPU time (user + system) and peak memory (max RSS) of a whole
  `microsys chart FILE.csv --y y --type i --format json` process, output discarded.
The crossings limit (qbinom) and the IHI runs limits are computed in linear time;
the JSON is streamed, so its text never exists whole in memory.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_csv(path: Path, size: int) -> None:
    rnd = random.Random(1)
    with path.open("w", encoding="utf-8") as f:
        f.write("y\n")
        f.writelines(f"{rnd.gauss(10, 2):.3f}\n" for _ in range(size))


def analysis_cpu(size: int, rules: str) -> float:
    from microsys.spc import ChartOptions, analyse

    rnd = random.Random(1)
    ys = [rnd.gauss(10, 2) for _ in range(size)]
    xs = [float(i) for i in range(size)]
    start = time.process_time()
    analyse(xs, ys, options=ChartOptions(chart="i", rules=rules))  # type: ignore[arg-type]
    return time.process_time() - start


def process_figures(cmd: list[str]) -> tuple[float, float, float]:
    """(CPU seconds, peak MB, wall seconds) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--rules", nargs="+", default=["anhoej", "ihi", "nhs"])
    args = parser.parse_args()
    exe = shutil.which("microsys")
    base = [exe] if exe else [sys.executable, "-m", "microsys"]
    heads = ("points", "rules", "analysis CPU", "chart --format json: CPU", "peak", "wall")
    print("{:>9} {:7} {:>13} {:>25} {:>9} {:>8}".format(*heads))
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            csv = Path(tmp) / f"series-{size}.csv"
            write_csv(csv, size)
            for rules in args.rules:
                cpu = analysis_cpu(size, rules)
                cmd = [*base, "chart", str(csv), "--y", "y", "--type", "i", "--rules", rules]
                cmd += ["--format", "json"]
                total, peak, wall = process_figures(cmd)
                print(f"{size:>9} {rules:7} {cpu:>12.2f}s {total:>24.2f}s {peak:>7.0f}MB {wall:>7.1f}s")


if __name__ == "__main__":
    main()
