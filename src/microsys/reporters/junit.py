"""JUnit XML: one test suite per workbook, one test case per file, one failure per finding.

CI systems (GitLab, Jenkins, Azure Pipelines) show these as test results. A finding
that fails the run (an error, or a warning under ``--strict``) is a ``<failure>``; a
warning that does not fail the run is listed in the test case's ``<system-out>``, so
the test view agrees with the exit code. The output follows the Jenkins xUnit
``junit-10.xsd`` schema (checked in the tests).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TextIO

from microsys.diagnostics import Diagnostic, Severity
from microsys.engine import CheckResult, WorkbookResult

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _case_name(path: Path, workbook: Path) -> str:
    try:
        return path.relative_to(workbook).as_posix()
    except ValueError:
        return path.as_posix()


def _fails(d: Diagnostic, strict: bool) -> bool:
    return d.severity is Severity.ERROR or strict


def _describe(d: Diagnostic) -> str:
    lines = [f"{d.location}: {d.severity.value}: {d.message} [{d.rule}]"]
    if d.hint:
        lines.append(f"hint: {d.hint}")
    if d.yaml_path:
        lines.append(f"where: {d.yaml_path_text}")
    return "\n".join(lines)


def _suite(wb: WorkbookResult, strict: bool) -> ET.Element:
    by_file: dict[Path, list[Diagnostic]] = {p: [] for p in wb.checked}
    for d in wb.diagnostics:
        by_file.setdefault(d.path, []).append(d)
    label = wb.path.as_posix()
    failures = sum(1 for d in wb.diagnostics if _fails(d, strict))
    suite = ET.Element(
        "testsuite",
        name=_xml_text(label + (f" ({wb.name})" if wb.name else "")),
        tests=str(len(by_file)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for path, found in by_file.items():
        case = ET.SubElement(suite, "testcase", name=_xml_text(_case_name(path, wb.path)))
        case.set("classname", _xml_text(label))
        notes = []
        for d in found:
            if _fails(d, strict):
                failure = ET.SubElement(
                    case, "failure", type=d.rule, message=_xml_text(f"{d.location}: {d.message}")
                )
                failure.text = _xml_text(_describe(d))
            else:
                notes.append(_describe(d))
        if notes:
            ET.SubElement(case, "system-out").text = _xml_text("\n".join(notes))
    return suite


def as_element(result: CheckResult) -> ET.Element:
    """The result as a ``<testsuites>`` element."""
    suites = [_suite(wb, result.strict) for wb in result.workbooks]
    root = ET.Element(
        "testsuites",
        name="microsys check",
        tests=str(sum(int(s.get("tests", "0")) for s in suites)),
        failures=str(sum(int(s.get("failures", "0")) for s in suites)),
        errors="0",
    )
    root.extend(suites)
    return root


def report(result: CheckResult, out: TextIO, color: bool) -> None:
    """Write the result as a JUnit XML document."""
    root = as_element(result)
    ET.indent(root, space="  ")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
