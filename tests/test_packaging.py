"""The built wheel carries the templates: `init` works from an installed copy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.skipif(os.environ.get("MICROSYS_SKIP_WHEEL") == "1", reason="wheel build disabled")
def test_wheel_ships_templates_and_init_works(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("microsys-*.whl")
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    assert (site / "microsys" / "templates" / "workbook" / "microsys.yaml.j2").is_file()
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import microsys.resources as r; print(r.templates_dir())"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert Path(where).is_relative_to(site)
    target = tmp_path / "new-workbook"
    commands = [
        ["init", str(target), "--no-input", "--name", "Wheel clinic"],
        ["new", "change", str(target), "--title", "huddle"],
        ["new", "pdsa", str(target), "--change", "C1"],  # record templates ship too
        ["check", str(target), "--no-git"],
        ["report", str(target), "--kind", "all", "-f", "pdf", "-f", "html", "-f", "md"],  # report templates
    ]
    # One interpreter runs them all, one after another (starting one per command only costs time).
    script = (
        "import json, sys\n"
        "from microsys.cli import run\n"
        "for args in json.loads(sys.argv[1]):\n"
        "    if run(args) != 0:\n"
        "        sys.exit(f'microsys {args} failed')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(commands)],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Wheel clinic" in (target / "microsys.yaml").read_text()
    assert "change: C1" in (target / "pdsa" / "PDSA-1.yaml").read_text()
    assert (target / "build" / "storyboard.pdf").read_bytes().startswith(b"%PDF")
    assert "Wheel clinic" in (target / "build" / "5p-summary.html").read_text()
