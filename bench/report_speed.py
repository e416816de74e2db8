"""Time `microsys report` on the CF clinic example: cold (no chart cache) and warm.

Run by hand: python bench/report_speed.py [WORKBOOK] [RUNS]. Prints the median and
best of RUNS (default 7) for each case; asserts nothing. Timing includes start-up and
waits for the command's output to close, as a shell or CI would. Machines that share
their cores vary from run to run: compare medians.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The `microsys` script, as users run it (python -m microsys if it is not installed beside Python).
SCRIPT = Path(sys.executable).with_name("microsys")
COMMAND = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "microsys"]


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([*COMMAND, *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(done.stderr)
    return elapsed


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "examples" / "sheffield-cf-clinic"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    with tempfile.TemporaryDirectory() as tmp:
        wb = Path(tmp) / "wb"
        shutil.copytree(source, wb, ignore=shutil.ignore_patterns("build"))
        runs = {
            "storyboard pdf, cold (charts drawn)": ["report", str(wb)],
            "storyboard pdf, warm (charts cached)": ["report", str(wb)],
            "all reports, pdf + html + md, warm": [
                "report",
                str(wb),
                "-k",
                "all",
                "-f",
                "pdf",
                "-f",
                "html",
                "-f",
                "md",
            ],
            "storyboard pdf, a4 (most fitting steps)": ["report", str(wb), "--size", "a4"],
        }
        for name, args in runs.items():
            times = []
            for _ in range(count):
                if "cold" in name:
                    shutil.rmtree(wb / "build", ignore_errors=True)
                times.append(timed(args))
            print(
                f"{name:45s} median {statistics.median(times):5.2f} s  best {min(times):5.2f} s  "
                f"worst {max(times):5.2f} s"
            )


if __name__ == "__main__":
    main()
