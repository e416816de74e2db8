"""Time the organisation commands (`status`, `export`, `check`, site, wall) on a large folder; print figures.

Usage:
    python bench/generate.py ../org1000 --workbooks 1000      # 50 pathways by default
    python bench/org_speed.py ../org1000 [--repeat 3] [--skip check] [--skip site]

Each command runs as a whole process, as a user sees it, serially (`-j 1`) and
with the automatic choice (two processes for 40+ workbooks). `status` runs cold
(an empty cache folder: every workbook loaded), warm (the rows kept by the
cold run: only the files are read and compared) and on the next day (`--today`
tomorrow: the same rows, their days counted again). The site (`report --kind
site`) runs cold (an empty cache folder) and again over the site it made (every
page replaced); the data wall is typeset as a PDF. The runs are interleaved round
after round, so a busy machine slows them alike; medians of wall time, CPU time
(user + system of the process and its workers), the largest resident memory of
one process and (on Linux) the largest total of the command's processes at once
are printed. On a shared machine,
compare CPU times. A command that fails stops the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROC = Path("/proc")


def _tree_mb(pid: int) -> tuple[float, float]:
    """Resident memory (MB) of ``pid`` and every process below it, and of the largest (Linux; 0 elsewhere)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in PROC.iterdir() if PROC.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        rss[int(entry.name)] = pages
    tree, grew = {pid}, True
    while grew:
        below = {p for p, parent in parents.items() if parent in tree} - tree
        tree |= below
        grew = bool(below)
    page = os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    return sum(rss.get(p, 0) for p in tree) * page, max((rss.get(p, 0) for p in tree), default=0) * page


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds, peak memory (MB, the largest process) and peak total MB of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    total = [0.0, 0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.25):
            now, largest = _tree_mb(proc.pid)
            total[0], total[1] = max(total[0], now), max(total[1], largest)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # wait4 gives this command's own usage, its worker processes included.
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    proc.returncode = 0  # reaped here, not by Popen
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: findings; anything else did not finish
        sys.exit(f"{' '.join(cmd)} failed (exit {code}): its time would mean nothing")
    wall = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)  # KB on Linux, bytes on macOS
    # The kernel's peak counts the processes this command waited for; a process started
    # through a fork server (the wall's typesetting) is seen only by the sampling.
    return wall, cpu, max(usage.ru_maxrss * scale, total[1]), total[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("org", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip", action="append", default=[], help="status, export, check, site or wall")
    args = parser.parse_args()
    exe = shutil.which("microsys")
    if exe is None:
        sys.exit("run from the microsys venv: `microsys` is not on PATH")
    org = str(args.org)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        env = {**os.environ, "MICROSYS_CACHE_DIR": str(cache)}
        out = str(Path(tmp) / "org.sqlite")
        site = str(Path(tmp) / "site")
        wall = str(Path(tmp) / "wall.pdf")
        tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
        next_day = [exe, "status", org, "-f", "json", "--today", tomorrow]
        runs: list[tuple[str, str, list[str]]] = []
        for jobs in ("1", "0"):
            label = "serial" if jobs == "1" else "auto"
            make_site = [exe, "report", org, "--kind", "site", "-o", site, "-j", jobs]
            make_wall = [exe, "report", org, "--kind", "datawall", "-o", wall, "-j"]
            runs += [
                ("status", f"status cold, {label}", [exe, "status", org, "-f", "json", "-j", jobs]),
                ("status", f"status warm, {label}", [exe, "status", org, "-f", "json", "-j", jobs]),
                ("status", f"status next day, {label}", [*next_day, "-j", jobs]),
                ("export", f"export, {label}", [exe, "export", org, "--to", out, "-j", jobs]),
                ("check", f"check, {label}", [exe, "check", "--no-git", org, "-j", jobs]),
                ("site", f"site cold, {label}", make_site),
                ("site", f"site again, {label}", make_site),
                ("wall", f"data wall, {label}", [*make_wall, jobs]),
            ]
        runs = [r for r in runs if r[0] not in args.skip]
        figures: dict[str, list[tuple[float, float, float, float]]] = {label: [] for _, label, _ in runs}
        for _ in range(args.repeat):
            for _, label, cmd in runs:
                if "cold" in label:
                    shutil.rmtree(cache, ignore_errors=True)
                figures[label].append(run(cmd, env))
    print(f"{org}: medians of {args.repeat} interleaved rounds")
    print(f"{'command':<24} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'total MB':>8}")
    for label, values in figures.items():
        wall, cpu, mem, total = (statistics.median(v[i] for v in values) for i in range(4))
        print(f"{label:<24} {wall:8.2f} {cpu:8.2f} {mem:8.0f} {total:8.0f}")
    print(f"load average now {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
