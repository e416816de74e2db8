"""Tables whose rows are single patients instead of aggregates (a measure CSV pasted from a ward list)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from microsys.privacy.detect import find

# Column headers that only a list of patients has.
_HEADER = re.compile(
    r"^(?:patient[ _\-]?)?(?:nhs(?:[ _\-]?(?:no|num|number|id))?|chi(?:[ _\-]?(?:no|number))?|mrn|"
    r"hosp(?:ital)?[ _\-]?(?:no|num|number|id)|unit[ _\-]?(?:no|number)|patient[ _\-]?(?:id|no|number|"
    r"identifier|name)|pt[ _\-]?(?:id|no|name)|name|full[ _\-]?name|first[ _\-]?name|forename|"
    r"given[ _\-]?name|"
    r"surname|last[ _\-]?name|family[ _\-]?name|dob|d\.o\.b\.?|date[ _\-]?of[ _\-]?birth|birth[ _\-]?date|"
    r"post[ _\-]?code|zip(?:[ _\-]?code)?|address(?:[ _\-]?line[ _\-]?\d)?|ssn|ni[ _\-]?(?:no|number)|"
    r"e-?mail|phone|tel(?:ephone)?|mobile)$",
    re.I,
)
_PERSON = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Mx)\.?[ ]+)?[A-Z][a-z'\-]{1,20}(?:[ ]+[A-Z]\.?)?[ ]+[A-Z][a-z'\-]{1,20}$"
    r"|^(?:Mr|Mrs|Ms|Miss|Mx)\.?[ ]+(?:[A-Z]\.?[ ]*)?[A-Z][a-z'\-]{1,20}$"
    r"|^[A-Z][A-Z'\-]{1,20},[ ]*[A-Z][a-z'\-]{1,20}$"
)
_AGGREGATE = re.compile(r"^[\d\s.,:/%+\-]*$")
# Words that make a two-word capitalised cell a label rather than a person.
_NOT_PERSON = frozenset(
    [
        "bank",
        "holiday",
        "clinic",
        "closed",
        "new",
        "year",
        "christmas",
        "day",
        "easter",
        "monday",
        "friday",
        "staff",
        "training",
        "audit",
        "week",
        "ward",
        "round",
        "data",
        "missing",
        "not",
        "recorded",
        "no",
        "clinic",
        "half",
        "term",
        "system",
        "down",
        "it",
        "outage",
        "team",
        "meeting",
        "change",
        "started",
        "test",
        "cycle",
        "pdsa",
        "started",
        "ended",
    ]
)


@dataclass(frozen=True)
class RowsFinding:
    """A column that makes a table a list of patients: its 0-based index and why."""

    column: int
    header: bool  # True when the header names it; False when its values do
    kind: str


def _is_person(cell: str) -> bool:
    return bool(_PERSON.match(cell)) and not any(w.lower().strip(",.") in _NOT_PERSON for w in cell.split())


def patient_columns(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[RowsFinding]:
    """Columns whose header or values show that each row is one patient.

    A header such as ``NHS number``, ``name``, ``DOB`` or ``postcode`` is enough; otherwise a
    column where at least three cells and half of the non-empty cells are personal names or
    identifiers gives the table away.
    """
    out: list[RowsFinding] = []
    for i, name in enumerate(header):
        if _HEADER.match(name.strip()):
            out.append(RowsFinding(i, True, "header"))
    named = {f.column for f in out}
    for i in range(len(header)):
        if i in named:
            continue
        cells = [r[i].strip() for r in rows if i < len(r) and r[i].strip()]
        if len(cells) < 3:
            continue
        if all(_AGGREGATE.match(c) for c in cells[:50]):
            continue  # dates and numbers: what a measure's CSV should hold
        people = sum(1 for c in cells if _is_person(c))
        ids = sum(1 for c in cells if _whole_identifier(c))
        if people * 2 >= len(cells) and people >= 3:
            out.append(RowsFinding(i, False, "names"))
        elif ids * 2 >= len(cells) and ids >= 3:
            out.append(RowsFinding(i, False, "identifiers"))
    return out


# Only cells with a long number, an @ or a code-like token can be an identifier on their own.
_ID_SHAPE = re.compile(r"(?:\d[ \-.]?){6}|@|\b[A-Z]{1,3}\d{5}")


def _whole_identifier(cell: str) -> bool:
    if not _ID_SHAPE.search(cell):
        return False
    found = find(cell)
    return bool(found) and found[0].end - found[0].start >= len(cell.strip()) * 0.6
