"""The DejaVu width tables in report/text.py are what tools/gen_text_widths.py makes from the fonts."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from microsys.report import text

TOOL = Path(__file__).resolve().parents[2] / "tools" / "gen_text_widths.py"


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_text_widths", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_regenerating_the_tables_gives_the_same_source() -> None:
    tool = _tool()
    generated = tool.source(tool.tables())
    assert generated in TOOL.parents[1].joinpath("src/microsys/report/text.py").read_text(encoding="utf-8")
    assert tool.tables() == {"_REGULAR": text._REGULAR, "_BOLD": text._BOLD}


def test_check_mode_fails_when_a_table_drifts(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    tool = _tool()
    assert tool.main(["--check"]) == 0
    bold = bytearray(text._BOLD)
    bold[ord("M") - 32] += 1
    monkeypatch.setattr(text, "_BOLD", bytes(bold))
    assert tool.main(["--check"]) == 1
    assert "_BOLD" in capsys.readouterr().err
