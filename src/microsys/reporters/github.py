"""GitHub Actions workflow commands: findings appear as annotations on the pull request."""

from __future__ import annotations

from typing import TextIO

from microsys.diagnostics import Severity
from microsys.engine import CheckResult
from microsys.terminal import visible


def _escape_data(text: str) -> str:
    # Control characters first become visible escapes (line breaks stay, as %0A, which
    # the runner shows inside the annotation); then what the runner itself decodes.
    text = visible(text, keep_newlines=True)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    """Write one ``::error``/``::warning`` command per finding, then a plain summary."""
    for d in result.diagnostics:
        level = "error" if d.severity is Severity.ERROR else "warning"
        props = [f"file={_escape_property(d.path.as_posix())}"]
        if d.line:
            props.append(f"line={d.line}")
            props.append(f"col={d.col}")
        props.append(f"title={_escape_property(d.rule)}")
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        out.write(f"::{level} {','.join(props)}::{_escape_data(message)}\n")
    out.write(
        f"microsys: {len(result.workbooks)} workbook(s), {result.files} files, "
        f"{result.errors} error(s), {result.warnings} warning(s)\n"
    )
