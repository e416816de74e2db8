"""JSON output, versioned; the format is documented in docs/check-json.md."""

from __future__ import annotations

import json
from typing import Any, TextIO

from microsys._version import __version__
from microsys.engine import CheckResult

FORMAT_VERSION = 1


def as_dict(result: CheckResult) -> dict[str, Any]:
    """The result as plain data (the documented JSON format)."""
    return {
        "version": FORMAT_VERSION,
        "tool": {"name": "microsys", "version": __version__},
        "summary": {
            "workbooks": len(result.workbooks),
            "files": result.files,
            "errors": result.errors,
            "warnings": result.warnings,
            "strict": result.strict,
            "failed": result.failed,
        },
        "workbooks": [
            {
                "path": wb.path.as_posix(),
                "name": wb.name,
                "files": wb.files,
                "errors": wb.errors,
                "warnings": wb.warnings,
            }
            for wb in result.workbooks
        ],
        "diagnostics": [
            {
                "workbook": wb.path.as_posix(),
                "path": d.path.as_posix(),
                "line": d.line or None,
                "col": d.col or None,
                "severity": d.severity.value,
                "rule": d.rule,
                "yaml_path": d.yaml_path_text,
                "message": d.message,
                "hint": d.hint,
            }
            for wb in result.workbooks
            for d in wb.diagnostics
        ],
    }


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    """Write the result as one JSON document."""
    json.dump(as_dict(result), out, indent=2, ensure_ascii=False)
    out.write("\n")
