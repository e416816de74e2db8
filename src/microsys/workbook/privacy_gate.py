"""The privacy gate: nothing leaves a workbook, and nothing is written into it, while it holds an identifier.

``check`` finds what looks like patient-identifiable data (rules ``privacy.*``,
see :mod:`microsys.workbook.privacy`). A finding alone is not enough: a report,
a chart or a new record made from the workbook would copy the identifier on to
a shared drive, a poster or a CI log. So every use case that writes output or
writes into a workbook opens it through this module, which refuses, before
anything is drawn or written, while any file has such a finding. The refusal
names where each one is and what kind it is, never the text itself. Findings
suppressed with a reason do not appear among the findings, so they do not
stop anything.

Outputs are made from :func:`for_output`: besides the gate, a file with errors
contributes nothing to them (see :func:`microsys.workbook.loader.without_broken`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePath

from microsys.diagnostics import Diagnostic, sort_diagnostics
from microsys.errors import IdentifierRefusedError
from microsys.workbook import privacy
from microsys.workbook.loader import Workbook, open_for_writing, open_workbook, without_broken

PREFIX = "privacy."


def kind_of(rule: str) -> str:
    """Plain words for the kind of identifier a ``privacy.*`` rule finds, e.g. "an NHS number"."""
    from microsys.privacy import KINDS

    kind = rule.removeprefix(PREFIX)
    if kind in KINDS:
        return KINDS[kind]
    if kind == "patient-rows":
        return "a table of single patients"
    words = kind.replace("-", " ").replace("_", " ").strip() or "identifier"
    return ("an " if words[0] in "aeiou" else "a ") + words


def is_identifier(d: Diagnostic) -> bool:
    """True for a finding of patient-identifiable data."""
    return d.rule.startswith(PREFIX)


def identifiers(wb: Workbook) -> list[Diagnostic]:
    """Every finding of patient-identifiable data in the workbook, in file and line order."""
    return sort_diagnostics(d for f in wb.files for d in f.diagnostics if is_identifier(d))


def _shown_path(path: Path) -> str:
    """The path to name in a refusal: masked when the name itself looks like an identifier."""
    text = str(path)
    if not privacy.scan_text(Path(text), PurePath(text).name):
        return text
    name = PurePath(text).name
    stem, dot, suffix = name.partition(".")
    masked = stem[:1] + "*" * (len(stem) - 1) + dot + suffix
    return str(PurePath(text).parent / masked)


def _place(d: Diagnostic) -> str:
    where = _shown_path(d.path) + (f":{d.line}:{d.col}" if d.line else "")
    # The rule's own message is not repeated: it could quote what it found.
    return f"{where}: {kind_of(d.rule)} [{d.rule}]"


def _refuse(found: Sequence[Diagnostic], where: str, doing: str, hint: str | None = None) -> None:
    if not found:
        return
    rules = sorted({d.rule for d in found})
    places = "\n  ".join(_place(d) for d in found)
    raise IdentifierRefusedError(
        f"{where} holds what looks like patient-identifiable data in {len(found)} place(s), "
        f"so microsys will not {doing}; nothing was written:\n  {places}",
        hint=hint
        or "delete each one from its file (a workbook holds counts and rates, never data about one "
        "patient) and, if it was committed, from the git history too (e.g. with git filter-repo). "
        "If one is not about a patient, suppress it with the reason why: "
        f"`# microsys: disable={rules[0]} <reason>` at the end of its line, "
        "or an entry in the `suppress:` list of microsys.yaml",
        places=tuple(found),
    )


def refuse_identifiers(wb: Workbook, doing: str) -> None:
    """Refuse to go on while any file of ``wb`` has a ``privacy.*`` finding.

    ``doing`` completes "microsys will not ...", e.g. "write reports".

    Raises:
        IdentifierRefusedError: with every place and kind, never the identifier itself.
    """
    _refuse(identifiers(wb), str(wb.path), doing)


def refuse_identifiers_in_text(path: Path, text: str, doing: str) -> None:
    """Refuse to go on when ``text`` (a file outside any workbook, read as ``path``) holds an identifier.

    Raises:
        IdentifierRefusedError: as :func:`refuse_identifiers`.
    """
    found = sort_diagnostics(d for d in privacy.scan_text(path, text) if is_identifier(d))
    _refuse(found, _shown_path(path), doing)


def refuse_identifiers_in_name(path: Path, doing: str) -> None:
    """Refuse to go on when the name of ``path`` looks like an identifier.

    A file's name becomes the default title of its chart and the name of the image
    written beside it, and is printed: it must be judged as its contents are.

    Raises:
        IdentifierRefusedError: naming the file masked, never the identifier.
    """
    _refuse(
        sort_diagnostics(d for d in privacy.scan_text(path, path.name) if is_identifier(d)),
        f"the name of {_shown_path(path)}",
        doing,
        "rename the file so that its name holds no patient details, then run the command again",
    )


def refuse_typed_identifiers(option: str, text: str, doing: str) -> None:
    """Refuse text typed on the command line (e.g. ``--title``) that holds an identifier.

    Text that goes straight into an output, never into a workbook, is judged here,
    as :func:`refuse_new_identifiers` judges what is written into one.

    Raises:
        IdentifierRefusedError: naming the option and kind, never its text.
    """
    _refuse(
        sort_diagnostics(d for d in privacy.scan_text(Path(option), text) if is_identifier(d)),
        f"the text given to {option}",
        doing,
        "leave patient details out of what you type (titles, notes, reasons): "
        "a chart or report shows counts and rates, never data about one patient",
    )


@contextmanager
def open_to_write(path: Path, doing: str) -> Iterator[Workbook]:
    """The workbook holding ``path``, locked for a command that writes into it.

    As :func:`microsys.workbook.loader.open_for_writing`, and refused while it holds identifiers.

    Raises:
        UsageError: no workbook there.
        RefusedError: another command holds the lock.
        IdentifierRefusedError: a file holds an identifier.
    """
    with open_for_writing(path) as wb:
        refuse_identifiers(wb, doing)
        yield wb


def for_output(path: Path, doing: str) -> Workbook:
    """The workbook holding ``path`` as outputs show it: without the files that have errors.

    Refused while the workbook holds identifiers.

    Raises:
        UsageError: no workbook there.
        IdentifierRefusedError: a file holds an identifier.
    """
    wb = open_workbook(path)
    refuse_identifiers(wb, doing)
    return without_broken(wb)


def refuse_new_identifiers(path: Path, before: str | None, after: str, doing: str) -> None:
    """Refuse a write whose new lines hold an identifier (typed on the command line, or copied).

    Only lines that ``before`` (the file as it is, None for a new file) does not have are
    judged, so what the workbook already holds (and was let through) does not stop an edit.

    Raises:
        IdentifierRefusedError: naming the new lines, never their text.
    """
    from microsys.workbook import suppress

    old = set((before or "").splitlines())
    lines = after.splitlines()
    # A suppression with a reason that the new text carries (an action carried over with
    # its comment) counts as it does in the workbook.
    found = [
        d
        for d in suppress.apply(privacy.scan_text(path, after), suppress.parse(path, after))
        if is_identifier(d) and not (0 < d.line <= len(lines) and lines[d.line - 1] in old)
    ]
    _refuse(
        sort_diagnostics(found),
        f"the new text of {path}",
        doing,
        "leave patient details out of what you type and of what you copy in (titles, notes, reasons): "
        "a workbook holds counts and rates, never data about one patient",
    )
