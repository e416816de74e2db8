"""Start-up stays fast: --help and check import nothing heavy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
from microsys.cli import run
import io, contextlib
with contextlib.redirect_stdout(io.StringIO()):
    rc = run({args!r})
print(json.dumps({{"rc": rc, "modules": sorted(sys.modules)}}))
"""


def _modules(args: list[str]) -> tuple[int, set[str]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True, check=True
    ).stdout
    doc = json.loads(out.strip().splitlines()[-1])
    return doc["rc"], set(doc["modules"])


def test_help_imports_no_heavy_library() -> None:
    rc, modules = _modules(["--help"])
    assert rc == 0
    for heavy in ("matplotlib", "jinja2", "typst", "pydantic", "ruamel.yaml"):
        assert heavy not in modules, heavy


def test_check_does_not_import_rendering_libraries() -> None:
    from tests.conftest import EXAMPLES

    rc, modules = _modules(["check", str(EXAMPLES / "sheffield-cf-clinic")])
    assert rc == 0
    for heavy in ("matplotlib", "jinja2", "typst"):
        assert heavy not in modules, heavy


def test_reports_draw_their_charts_without_matplotlib(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLES

    out = tmp_path / "out"
    args = [
        "report",
        str(EXAMPLES / "sheffield-cf-clinic"),
        "-f",
        "md",
        "-o",
        str(out),
        "--today",
        "2026-11-16",
    ]
    rc, modules = _modules(args)
    assert rc == 0
    assert "matplotlib" not in modules and "microsys.render.svgchart" in modules
    charts = list(out.glob("*_files/chart-*.svg"))
    assert charts and all("<svg" in p.read_text(encoding="utf-8") for p in charts)
