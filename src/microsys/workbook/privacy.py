r"""Privacy rules: a workbook must never hold patient-identifiable data.

Measures are aggregates. These checks turn the identifiers that
:mod:`microsys.privacy` finds into findings with file, line and column. Each
file is scanned as raw text (comments, CSV cells, Markdown) and, for YAML, as
the values the loader made of it: escapes such as ``"\x39\x34..."``,
``!!binary`` and folded line breaks hide nothing that a report would print.

A finding never holds the identifier itself, only a masked fragment
(``943 *** ****``), and :func:`redact` masks identifiers that another rule's
message would echo.
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

from microsys import rules
from microsys.diagnostics import Diagnostic, PathPart
from microsys.privacy import KINDS, Match, find, flatten, is_nhs_number, mask, masked, patient_columns
from microsys.yaml.load import line_col_of_offset

__all__ = [
    "PURGE_HINT",
    "drop_seen",
    "is_nhs_number",
    "masked_path",
    "redact",
    "rule_of",
    "scan_name",
    "scan_table",
    "scan_text",
    "scan_values",
]

PURGE_HINT = (
    "if it was committed, purge it from the git history (`git filter-repo --replace-text`) "
    "and, if it was pushed, tell your information governance lead"
)


_RULE_OF_KIND = {
    "nhs-number": rules.PRIVACY_NHS_NUMBER,
    "chi-number": rules.PRIVACY_CHI_NUMBER,
    "ssn": rules.PRIVACY_SSN,
    "hospital-number": rules.PRIVACY_HOSPITAL_NUMBER,
    "email": rules.PRIVACY_EMAIL,
    "phone-number": rules.PRIVACY_PHONE_NUMBER,
    "date-of-birth": rules.PRIVACY_DATE_OF_BIRTH,
    "ni-number": rules.PRIVACY_NI_NUMBER,
    "postcode": rules.PRIVACY_POSTCODE,
    "patient-name": rules.PRIVACY_PATIENT_NAME,
}


def rule_of(kind: str) -> str:
    """The rule id of an identifier kind (``nhs-number`` -> ``privacy.nhs-number``)."""
    return _RULE_OF_KIND[kind].id


def _hint(kind: str) -> str:
    if kind == "date-of-birth":
        first = "remove it and use age bands (in 5ps/patients.yaml) instead of dates of birth"
    elif kind == "patient-name":
        first = "remove the name: write 'a patient' or 'the patient in bed 4' instead"
    else:
        first = "remove it: a workbook holds only counts and rates, never details of one patient"
    return (
        f"{first}; {PURGE_HINT}. Not about a patient? Add "
        f"`# microsys: disable={rule_of(kind)} REASON` to the line"
    )


def _message(kind: str, fragment: str, where: str = "") -> str:
    return f"this looks like {KINDS[kind]} ({mask(kind, fragment)}){where}, which can identify a patient"


def _scan(path: Path, text: str) -> tuple[list[Diagnostic], list[tuple[str, int]]]:
    out: list[Diagnostic] = []
    keys: list[tuple[str, int]] = []
    for m in find(text):
        line, col = line_col_of_offset(text, m.start)
        keys.append((m.key(text), line))
        out.append(
            Diagnostic(
                path=path,
                rule=rule_of(m.kind),
                message=_message(m.kind, text[m.start : m.end]),
                hint=_hint(m.kind),
                line=line,
                col=col,
            )
        )
    return out, keys


def scan_text(path: Path, text: str) -> list[Diagnostic]:
    """Findings of patient identifiers in one file's raw text, with line and column."""
    return _scan(path, text)[0]


def scan_text_keys(path: Path, text: str) -> tuple[list[Diagnostic], list[tuple[str, int]]]:
    """Like :func:`scan_text`, with the canonical form and line of every identifier found."""
    return _scan(path, text)


# Joins the values of one file for a single pass of the detectors: no pattern crosses it, and
# it is longer than any context window (a "CHI" label must not reach into the next value).
_JOIN = "\n" + "\x1f" * 80 + "\n"


def _strings(data: Any, where: tuple[PathPart, ...]) -> Iterator[tuple[tuple[PathPart, ...], bool, str]]:
    """(YAML path, is a key, text) for every key and text value, bytes decoded."""
    stack: list[tuple[Any, tuple[PathPart, ...]]] = [(data, where)]
    while stack:
        node, at = stack.pop()
        if isinstance(node, dict):
            children = []
            for k, v in node.items():
                part: PathPart = k if isinstance(k, str | int) else str(k)
                if isinstance(k, str | bytes) or (isinstance(k, int) and abs(k) >= 10**8):
                    yield (*at, part), True, _as_text(k)
                children.append((v, (*at, part)))
            stack.extend(reversed(children))  # popped in document order
        elif isinstance(node, list):
            stack.extend((v, (*at, i)) for i, v in reversed(list(enumerate(node))))
        elif isinstance(node, str | bytes):
            yield at, False, _as_text(node)
        elif isinstance(node, int) and not isinstance(node, bool) and abs(node) >= 10**8:
            yield at, False, str(node)


def _as_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def scan_values(path: Path, data: Any) -> list[tuple[Diagnostic, str]]:
    """Findings in the values and keys of a loaded YAML document, placed by YAML path.

    Text is scanned as the loader made it (escapes decoded, ``!!binary`` decoded, whitespace
    folded), so what the raw text hides is still found. Each finding comes with the canonical
    form of its identifier, so that the caller can drop those the raw text already showed
    (see :func:`drop_seen`).
    """
    items = [(p, is_key, flatten(t)) for p, is_key, t in _strings(data, ())]
    if not items:
        return []
    joined = _JOIN.join(t for _, _, t in items)
    starts: list[int] = []
    pos = 0
    for _, _, t in items:
        starts.append(pos)
        pos += len(t) + len(_JOIN)
    out: list[tuple[Diagnostic, str]] = []
    for m in find(joined):
        i = bisect.bisect_right(starts, m.start) - 1
        where, is_key, _ = items[i]
        d = Diagnostic(
            path=path,
            rule=rule_of(m.kind),
            message=_message(m.kind, joined[m.start : m.end]),
            hint=_hint(m.kind),
            yaml_path=where,
            unresolved=True,
            at_key=is_key,
        )
        out.append((d, m.key(joined)))
    return out


def drop_seen(
    placed: list[Diagnostic], keys: list[str], raw: list[tuple[str, int]], text: str
) -> list[Diagnostic]:
    """The value findings (``placed``, positions resolved) that the raw-text scan did not show.

    A value finding is a duplicate when the raw text has the same identifier within the lines
    of that value: its first line and the more indented lines that continue it.
    """
    if not raw:
        return placed
    lines = text.split("\n")
    out = []
    for d, key in zip(placed, keys, strict=True):
        end = _value_end(lines, d.line)
        if not any(k == key and d.line <= line <= end for k, line in raw):
            out.append(d)
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _value_end(lines: list[str], first: int) -> int:
    if not 0 < first <= len(lines):
        return first
    own = _indent(lines[first - 1])
    end = first
    for i in range(first, len(lines)):
        line = lines[i]
        if line.strip() and _indent(line) <= own:
            break
        end = i + 1
    return end


def scan_name(path: Path, rel: str) -> list[Diagnostic]:
    """Findings in the file and folder names of the workbook-relative path ``rel``."""
    out: list[Diagnostic] = []
    for text, found in _names_found(rel):
        for m in found:
            out.append(
                Diagnostic(
                    path=masked_path(path, rel),
                    rule=rule_of(m.kind),
                    message=_message(m.kind, text[m.start : m.end], " in a file or folder name"),
                    hint=(
                        "rename the file or folder without it (`git mv`); "
                        f"{PURGE_HINT}. If it does not identify anyone, list it under `suppress:` "
                        "in microsys.yaml with a reason"
                    ),
                )
            )
    return out


# Workbooks share their layout, so the same relative paths come back in every one of them:
# what their names hold is a function of the path alone, worked out once.
@functools.lru_cache(maxsize=4096)
def _names_found(rel: str) -> tuple[tuple[str, tuple[Match, ...]], ...]:
    """(name as scanned, identifiers in it) for each file or folder name of ``rel`` that holds any."""
    out = []
    parts = PurePosixPath(rel).parts
    for i, part in enumerate(parts):
        stem = part.rsplit(".", 1)[0] if i == len(parts) - 1 and "." in part[1:] else part
        text = stem.replace("_", " ")
        found = tuple(find(text))
        if found:
            out.append((text, found))
    return tuple(out)


def masked_path(path: Path, rel: str) -> Path:
    """``path`` with every identifier in the names of ``rel`` masked (``path`` ends with ``rel``)."""
    parts = PurePosixPath(rel).parts
    masked = []
    for part in parts:
        text = part.replace("_", " ")
        found = find(text)
        for m in reversed(found):
            part = part[: m.start] + mask(m.kind, part[m.start : m.end]) + part[m.end :]
        masked.append(part)
    if masked == list(parts):
        return path
    base = path
    for _ in parts:
        base = base.parent
    return base.joinpath(*masked)


def scan_table(path: Path, text: str, max_rows: int = 5000) -> list[Diagnostic]:
    """A finding for each column that shows a CSV lists single patients instead of aggregates."""
    try:
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) >= max_rows:
                break
    except csv.Error:
        return []
    if not header:
        return []
    first_line = text.split("\n", 1)[0]
    out: list[Diagnostic] = []
    for f in patient_columns(header, rows):
        name = header[f.column].strip()
        col = _header_col(first_line, f.column)
        if f.header:
            why = f"its column `{masked(name)}` is about individual patients"
        elif f.kind == "names":
            why = f"column {f.column + 1} holds people's names"
        else:
            why = f"column {f.column + 1} holds patient identifiers"
        out.append(
            Diagnostic(
                path=path,
                rule="privacy.patient-rows",
                message=f"this table lists single patients: {why}",
                hint=(
                    "a measure's CSV holds one aggregate a row (date, value, denominator, note): "
                    "count or average the patients in your spreadsheet and keep only the totals; "
                    f"{PURGE_HINT}"
                ),
                line=1,
                col=col,
            )
        )
    return out


def _header_col(line: str, index: int) -> int:
    col, seen, quoted = 1, 0, False
    for i, ch in enumerate(line):
        if seen == index:
            return col
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            seen += 1
            col = i + 2
    return col


_CANDIDATE = re.compile(
    r"(?:\d[ \-.()/]{0,2}){5}|@|\b(?:Mr|Mrs|Ms|Miss|Mx|[Pp]atient|[Pp]t|DOB|[Bb]orn|SSN|[Dd]\.o\.b)\b"
)


def redact(d: Diagnostic) -> Diagnostic:
    """``d`` with any identifier in its message, hint or YAML path replaced by a masked fragment."""
    texts = [d.message, d.hint or "", *(p for p in d.yaml_path if isinstance(p, str))]
    if not any(_CANDIDATE.search(t) for t in texts):
        return d
    message = masked(d.message)
    hint = masked(d.hint) if d.hint is not None else None
    yaml_path = tuple(masked(p) if isinstance(p, str) else p for p in d.yaml_path)
    if message == d.message and hint == d.hint and yaml_path == d.yaml_path:
        return d
    return replace(d, message=message, hint=hint, yaml_path=yaml_path)
