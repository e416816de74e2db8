"""GitLab Code Quality: findings in merge requests and the pipeline's Code Quality tab.

A JSON list of issues (``description``, ``check_name``, ``fingerprint``, ``severity``,
``location.path`` and ``location.lines.begin``). The fingerprint is a hash of the
file, rule, YAML path and message, not the line, so a finding keeps its identity when
lines above it are added or removed; GitLab uses it to tell new findings from old.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, TextIO

from microsys.diagnostics import Diagnostic, Severity
from microsys.engine import CheckResult

# GitLab's scale: info, minor, major, critical, blocker.
_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor"}


def _category(d: Diagnostic) -> str:
    if d.rule.startswith("privacy."):
        return "Security"
    return "Bug Risk" if d.severity is Severity.ERROR else "Clarity"


def _fingerprint(d: Diagnostic, occurrence: int) -> str:
    key = "\0".join((d.path.as_posix(), d.rule, d.yaml_path_text, d.message, str(occurrence)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def as_list(result: CheckResult) -> list[dict[str, Any]]:
    """The findings as Code Quality issues."""
    seen: dict[tuple[str, str, str, str], int] = {}
    out = []
    for d in result.diagnostics:
        key = (d.path.as_posix(), d.rule, d.yaml_path_text, d.message)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        description = d.message + (f" (hint: {d.hint})" if d.hint else "")
        out.append(
            {
                "type": "issue",
                "description": description,
                "check_name": d.rule,
                "categories": [_category(d)],
                "fingerprint": _fingerprint(d, occurrence),
                "severity": _SEVERITY[d.severity],
                "location": {"path": d.path.as_posix(), "lines": {"begin": d.line or 1}},
            }
        )
    return out


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    """Write the findings as a Code Quality JSON report."""
    json.dump(as_list(result), out, indent=2, ensure_ascii=False)
    out.write("\n")
