"""Time the organisation commands (`status`, `export`, `check`) on a large folder; print figures.

Usage:
    python bench/generate.py ../org1000 --workbooks 1000      # 50 pathways by default
    python bench/org_speed.py ../org1000 [--repeat 3] [--skip check]

Each command runs as a whole process, as a user sees it, serially (`-j 1`) and
with the automatic choice (two processes for 40+ workbooks). `status` runs cold
(an empty cache folder: every workbook loaded) and warm (the rows kept by the
cold run: only the files are read and compared). The runs are interleaved round
after round, so a busy machine slows them alike; medians of wall time, CPU time
(user + system of the process and its workers) and the largest resident memory
of one process are printed. On a shared machine, compare CPU times.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak memory (MB, the largest process) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    # wait4 gives this command's own usage, its worker processes included.
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0  # reaped here, not by Popen
    wall = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)  # KB on Linux, bytes on macOS
    return wall, cpu, usage.ru_maxrss * scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("org", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip", action="append", default=[], help="status, export or check")
    args = parser.parse_args()
    exe = shutil.which("microsys")
    if exe is None:
        sys.exit("run from the microsys venv: `microsys` is not on PATH")
    org = str(args.org)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        env = {**os.environ, "MICROSYS_CACHE_DIR": str(cache)}
        out = str(Path(tmp) / "org.sqlite")
        runs: list[tuple[str, str, list[str]]] = []
        for jobs in ("1", "0"):
            label = "serial" if jobs == "1" else "auto"
            runs += [
                ("status", f"status cold, {label}", [exe, "status", org, "-f", "json", "-j", jobs]),
                ("status", f"status warm, {label}", [exe, "status", org, "-f", "json", "-j", jobs]),
                ("export", f"export, {label}", [exe, "export", org, "--to", out, "-j", jobs]),
                ("check", f"check, {label}", [exe, "check", "--no-git", org, "-j", jobs]),
            ]
        runs = [r for r in runs if r[0] not in args.skip]
        figures: dict[str, list[tuple[float, float, float]]] = {label: [] for _, label, _ in runs}
        for _ in range(args.repeat):
            for _, label, cmd in runs:
                if "cold" in label:
                    shutil.rmtree(cache, ignore_errors=True)
                figures[label].append(run(cmd, env))
    print(f"{org}: medians of {args.repeat} interleaved rounds")
    print(f"{'command':<24} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}")
    for label, values in figures.items():
        wall, cpu, mem = (statistics.median(v[i] for v in values) for i in range(3))
        print(f"{label:<24} {wall:8.2f} {cpu:8.2f} {mem:8.0f}")
    print(f"load average now {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
