"""Privacy rules: a workbook must never hold patient-identifiable data.

Measures are aggregates. These checks catch the identifiers that slip in most
easily when data is pasted from clinical systems. They read raw text, so they
also cover comments and CSV notes.
"""

from __future__ import annotations

import re
from pathlib import Path

from microsys import rules
from microsys.diagnostics import Diagnostic
from microsys.yaml.load import line_col_of_offset

_NHS = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
_DOB = re.compile(r"\b(?:d\.?o\.?b\.?|date of birth|born on)\b\s*[:=]?\s*\d", re.I)


def is_nhs_number(digits: str) -> bool:
    """True when 10 digits pass the NHS number modulus 11 check."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def scan_text(path: Path, text: str) -> list[Diagnostic]:
    """Findings of patient identifiers in one file's text."""
    out: list[Diagnostic] = []
    for m in _NHS.finditer(text):
        if is_nhs_number("".join(m.groups())):
            line, col = line_col_of_offset(text, m.start())
            out.append(
                Diagnostic.of(
                    path=path,
                    rule=rules.PRIVACY_NHS_NUMBER,
                    message="this looks like an NHS number, which identifies a patient",
                    hint="remove it: a workbook holds only counts and rates, never data about one patient "
                    "(and remove it from the git history too)",
                    line=line,
                    col=col,
                )
            )
    for m in _DOB.finditer(text):
        line, col = line_col_of_offset(text, m.start())
        out.append(
            Diagnostic.of(
                path=path,
                rule=rules.PRIVACY_DATE_OF_BIRTH,
                message="this looks like a date of birth, which can identify a patient",
                hint="use age bands in 5ps/patients.yaml instead of dates of birth",
                line=line,
                col=col,
            )
        )
    return out
