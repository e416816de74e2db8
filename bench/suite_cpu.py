"""CPU and wall time of the whole test suite at two commits, measured in one run.

Run by hand: python bench/suite_cpu.py [BASE] [HEAD] [RUNS] [OTHER...]. BASE defaults to
a55021f (the commit issue 12 measured), HEAD to the working tree's HEAD commit, RUNS to 3;
OTHER commits are measured too. Each commit is cloned into a temporary folder with its
own virtual environment, and the suites run in turn (BASE, HEAD, OTHER..., BASE, HEAD...)
so that a machine whose load changes treats them alike. Prints each run as it ends and
the medians; asserts nothing.

CPU is user + system time of pytest and every process it starts, including the ones
that outlive it (the chart workers' server): this process makes itself their
"subreaper" (Linux), so orphans come back to it and are counted when reaped. Each run
gets an empty HOME and cache folder, so no run profits from another's caches.
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PR_SET_CHILD_SUBREAPER = 36


def _git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def checkout(commit: str, where: Path) -> Path:
    """A clone of ``commit`` at ``where`` with its own venv holding the project and its test extras."""
    _git("clone", "--quiet", "--shared", "--no-checkout", str(ROOT), str(where))
    _git("checkout", "--quiet", "--detach", commit, cwd=where)
    subprocess.run([sys.executable, "-m", "venv", str(where / ".venv")], check=True)
    pip = [str(where / ".venv" / "bin" / "python"), "-m", "pip", "install", "-q", "-e", ".[test]"]
    subprocess.run(pip, cwd=where, check=True)
    return where


def _reap_all() -> None:
    """Wait for every child, including orphans reparented here (they are what the suite left running)."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def run_suite(tree: Path, scratch: Path) -> tuple[float, float, str]:
    """(CPU seconds, wall seconds, pytest's last line) of one run of ``tree``'s suite."""
    home = scratch / "home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "MICROSYS", "COV_", "VIRTUAL_ENV"))
    }
    venv_bin = tree / ".venv" / "bin"
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        MPLCONFIGDIR=str(home / ".mpl"),
        PATH=f"{venv_bin}{os.pathsep}{env.get('PATH', '')}",
        VIRTUAL_ENV=str(tree / ".venv"),
    )
    cmd = [str(venv_bin / "python"), "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    _reap_all()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stdout.strip().splitlines()
    last = lines[-1] if lines else done.stderr.strip()[-300:]
    if done.returncode != 0:
        print(f"  ! {tree.name} exited {done.returncode}:\n{done.stdout[-3000:]}", file=sys.stderr)
    return cpu, wall, last


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "a55021f"
    head = sys.argv[2] if len(sys.argv) > 2 else _git("rev-parse", "HEAD")
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    commits = {"base": base, "head": head, **{c[:10]: c for c in sys.argv[4:]}}
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    else:
        print("not Linux: processes that outlive pytest are not counted", file=sys.stderr)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in commits}
    with tempfile.TemporaryDirectory(prefix="suite-cpu-") as tmp:
        trees = {name: checkout(commit, Path(tmp) / name) for name, commit in commits.items()}
        for i in range(runs):
            for name, tree in trees.items():
                cpu, wall, last = run_suite(tree, Path(tmp) / "scratch")
                results[name].append((cpu, wall))
                print(f"run {i + 1} {name:10}  cpu {cpu:7.1f} s  wall {wall:7.1f} s  {last}", flush=True)
    print()
    medians = {}
    for name, commit in commits.items():
        cpu = statistics.median(c for c, _ in results[name])
        wall = statistics.median(w for _, w in results[name])
        medians[name] = (cpu, wall)
        print(f"{name} {commit[:10]}: median cpu {cpu:.1f} s, median wall {wall:.1f} s")
    for name in commits:
        if name != "base":
            ratio_cpu = medians[name][0] / medians["base"][0]
            ratio_wall = medians[name][1] / medians["base"][1]
            print(f"{name} / base: cpu {ratio_cpu:.0%}, wall {ratio_wall:.0%}")


if __name__ == "__main__":
    main()
