"""SARIF 2.1.0: findings for GitHub code scanning and other tools that read static-analysis logs.

Every rule of the catalogue is listed in ``tool.driver.rules`` (so a viewer can show
what a rule means even for rules that found nothing), each result names its rule by id
and index, and positions are 1-based lines and columns counted in characters
(``columnKind: unicodeCodePoints``). A finding about a whole file has no region.

Help links go to the rule's entry in ``docs/rules.md`` when the address of that page is
known: set ``MICROSYS_RULES_URL`` (the GitHub Action sets it to the page in the action's
own repository). Without it, rules carry their help text only, because a link to a
made-up address would be worse than none.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from microsys import __version__
from microsys.diagnostics import Diagnostic, Severity
from microsys.engine import CheckResult
from microsys.rules import RULES

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
RULES_URL_ENV = "MICROSYS_RULES_URL"
"""Environment variable: the address of docs/rules.md, for help links."""


def _level(severity: str) -> str:
    return "error" if severity == Severity.ERROR.value else "warning"


def artifact_uri(path: Path) -> str:
    """A URI reference for ``path``: relative paths stay relative (to the folder ``check`` ran in)."""
    if path.is_absolute():
        return path.as_uri()
    return quote(path.as_posix(), safe="/._-~")


def _rules(rules_url: str | None) -> list[dict[str, Any]]:
    out = []
    for rule in RULES:
        entry: dict[str, Any] = {
            "id": rule.id,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.summary},
            "help": {"text": f"{rule.summary} (rule {rule.id}; every rule is described in docs/rules.md)"},
            "defaultConfiguration": {"level": _level(rule.severity)},
            "properties": {"tags": [rule.id.split(".", 1)[0]]},
        }
        if rules_url:
            entry["helpUri"] = f"{rules_url}#{rule.id}"
            entry["help"]["markdown"] = f"{rule.summary} [More about `{rule.id}`]({rules_url}#{rule.id})"
        out.append(entry)
    return out


def _result(d: Diagnostic, index: dict[str, int]) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(d.path)}}
    if d.line:
        physical["region"] = {"startLine": d.line, "startColumn": max(d.col, 1)}
    text = d.message + (f"\nHint: {d.hint}" if d.hint else "")
    result: dict[str, Any] = {
        "ruleId": d.rule,
        "level": _level(d.severity.value),
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
        "properties": {"yamlPath": d.yaml_path_text},
    }
    if d.rule in index:
        result["ruleIndex"] = index[d.rule]
    return result


def as_dict(result: CheckResult, rules_url: str | None = None) -> dict[str, Any]:
    """The result as a SARIF 2.1.0 log (one run)."""
    index = {rule.id: i for i, rule in enumerate(RULES)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "microsys",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": _rules(rules_url),
                    }
                },
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": True}],
                "results": [_result(d, index) for d in result.diagnostics],
            }
        ],
    }


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    """Write the result as one SARIF 2.1.0 JSON document."""
    json.dump(as_dict(result, os.environ.get(RULES_URL_ENV) or None), out, indent=2, ensure_ascii=False)
    out.write("\n")
