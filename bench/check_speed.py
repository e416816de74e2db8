"""Time `microsys check` and start-up; print figures (no assertions).

Usage: python bench/check_speed.py ORG_FOLDER [--repeat 3]

Times whole processes, as a user or CI sees them: `microsys --help`,
`check` on the CF example, and `check` on the organisation folder made by
bench/generate.py with one process and with the automatic choice.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.suffix in (".yaml", ".csv"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("org", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    exe = shutil.which("microsys") or f"{sys.executable} -m microsys"
    base = exe.split()
    cf = ROOT / "examples" / "sheffield-cf-clinic"

    bare = timed([sys.executable, "-c", "pass"], args.repeat)
    print(f"python start-up (bare):             {bare * 1000:7.0f} ms")
    print(f"microsys --help:                    {timed([*base, '--help'], args.repeat) * 1000:7.0f} ms")
    t = timed([*base, "check", str(cf)], args.repeat)
    print(f"check CF example ({count_files(cf)} files):       {t * 1000:7.0f} ms")
    n = count_files(args.org)
    for label, extra in (("1 process", ["-j", "1"]), ("automatic", [])):
        t = timed([*base, "check", *extra, str(args.org)], args.repeat)
        print(f"check organisation, {label:<10} {n} files in {t:6.2f} s = {n / t:7.0f} files/s")


if __name__ == "__main__":
    main()
