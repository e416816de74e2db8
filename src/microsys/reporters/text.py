"""Text output: one finding a line, starting ``path:line:col`` so editors jump to it."""

from __future__ import annotations

from typing import TextIO

from microsys.diagnostics import Severity
from microsys.engine import CheckResult
from microsys.terminal import visible

_RED = "\x1b[31m"
_YELLOW = "\x1b[33m"
_DIM = "\x1b[2m"
_BOLD = "\x1b[1m"
_GREEN = "\x1b[32m"
_RESET = "\x1b[0m"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    """Write findings and a summary line per workbook."""

    def c(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    for wb in result.workbooks:
        for d in wb.diagnostics:
            sev = c(_RED if d.severity is Severity.ERROR else _YELLOW, d.severity.value)
            location = visible(d.location)
            out.write(f"{c(_BOLD, location)}: {sev}: {visible(d.message)} {c(_DIM, f'[{d.rule}]')}\n")
            if d.hint:
                out.write(f"    {c(_DIM, 'hint:')} {visible(d.hint)}\n")
        label = visible(wb.path.as_posix() + (f" ({wb.name})" if wb.name else ""))
        if not wb.diagnostics:
            out.write(f"{c(_GREEN, 'ok')}  {label}: no problems in {_plural(wb.files, 'file')}\n")
        else:
            parts = []
            if wb.errors:
                parts.append(c(_RED, _plural(wb.errors, "error")))
            if wb.warnings:
                parts.append(c(_YELLOW, _plural(wb.warnings, "warning")))
            out.write(f"{label}: {', '.join(parts)} in {_plural(wb.files, 'file')}\n")
    if len(result.workbooks) > 1:
        out.write(
            f"checked {_plural(len(result.workbooks), 'workbook')}, {_plural(result.files, 'file')}: "
            f"{_plural(result.errors, 'error')}, {_plural(result.warnings, 'warning')}\n"
        )
    if result.strict and result.warnings and not result.errors:
        out.write("warnings count as failures because of --strict\n")
