"""Suppressing a finding on purpose, with a reason the team can read later.

In any text file, a comment ``# microsys: disable=RULE reason`` at the end of a
line, or alone on the line above it, suppresses that rule's findings on that
line; ``# microsys: disable-file=RULE reason`` suppresses them in the whole
file (Markdown may use ``<!-- microsys: ... -->``). Several rules are separated
by commas. Files that cannot hold comments (CSV, file names) are listed under
``suppress:`` in ``microsys.yaml`` with a path (a glob is allowed), the rule and
the reason.

A suppression without a reason suppresses nothing and is an error; one that
suppresses nothing is a warning, so stale suppressions do not pile up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from microsys.diagnostics import Diagnostic, Severity
from microsys.rules import RULE_IDS

_DIRECTIVE = re.compile(
    r"(?:^|(?<=\s))(?:#|<!--)[ \t]*microsys:[ \t]*(disable-file|disable)[ \t]*=[ \t]*"
    r"([\w.\-]+(?:[ \t]*,[ \t]*[\w.\-]+)*)[ \t]*(.*)$",
    re.M,
)
_OWN_RULES = ("suppress.missing-reason", "suppress.unknown-rule", "suppress.unused")


@dataclass
class Suppression:
    """One ``disable`` comment: the rules, the line it covers (0: the whole file) and why."""

    rules: tuple[str, ...]
    reason: str
    line: int  # line of the comment
    col: int
    target: int  # line whose findings it suppresses; 0 for the whole file
    used: bool = False


@dataclass
class FileSuppressions:
    """The suppressions of one file, and the findings about them."""

    entries: list[Suppression] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def parse(path: Path, text: str) -> FileSuppressions:
    """The ``# microsys: disable=...`` comments of a file, and findings for malformed ones."""
    out = FileSuppressions()
    if "microsys:" not in text:
        return out
    lines = text.split("\n")
    for m in _DIRECTIVE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        rules = tuple(r.strip() for r in m.group(2).split(","))
        reason = m.group(3).strip()
        if reason.endswith("-->"):
            reason = reason[:-3].strip()
        unknown = [r for r in rules if r not in RULE_IDS]
        if unknown:
            out.problems.append(
                Diagnostic(
                    path=path,
                    rule="suppress.unknown-rule",
                    message=f"`{unknown[0]}` is not a rule id, so this comment suppresses nothing",
                    hint="use a rule id shown in brackets after a finding, e.g. `privacy.phone-number` "
                    "(all rules are listed in docs/rules.md)",
                    line=line,
                    col=col,
                )
            )
            continue
        if not reason:
            out.problems.append(
                Diagnostic(
                    path=path,
                    rule="suppress.missing-reason",
                    message=f"this comment disables {', '.join(rules)} without saying why, "
                    "so it suppresses nothing",
                    hint=f"write the reason after the rule: `# microsys: {m.group(1)}={m.group(2)} "
                    "the number is the clinic's switchboard`",
                    line=line,
                    col=col,
                )
            )
            continue
        before = lines[line - 1][: col - 1]
        if m.group(1) == "disable-file":
            target = 0
        elif before.strip() in ("", "-"):
            target = line + 1  # alone on its line: covers the next line
        else:
            target = line
        out.entries.append(Suppression(rules, reason, line, col, target))
    return out


def apply(diagnostics: Sequence[Diagnostic], suppressions: FileSuppressions) -> list[Diagnostic]:
    """The findings that no suppression covers; marks the suppressions that were used."""
    if not suppressions.entries:
        return list(diagnostics)
    kept: list[Diagnostic] = []
    for d in diagnostics:
        hit = None
        if d.rule not in _OWN_RULES:
            for s in suppressions.entries:
                if d.rule in s.rules and (s.target == 0 or (d.line and s.target == d.line)):
                    hit = s
                    break
        if hit is None:
            kept.append(d)
        else:
            hit.used = True
    return kept


def unused(path: Path, suppressions: FileSuppressions) -> list[Diagnostic]:
    """A warning for each suppression comment of a file that suppressed nothing."""
    return [
        Diagnostic(
            path=path,
            rule="suppress.unused",
            severity=Severity.WARNING,
            message=f"this comment disables {', '.join(s.rules)}, but there is no such finding "
            + ("in this file" if s.target == 0 else f"on line {s.target}"),
            hint="remove the comment; if it should cover the next line, put it alone on the line above",
            line=s.line,
            col=s.col,
        )
        for s in suppressions.entries
        if not s.used
    ]


@dataclass
class ListedSuppression:
    """An entry of ``suppress:`` in microsys.yaml, with its index for positions."""

    index: int
    path: str
    rule: str
    line: int | None
    used: bool = False

    def covers(self, rel: str, d: Diagnostic) -> bool:
        """True when this entry suppresses ``d``, a finding in the file ``rel``."""
        if d.rule != self.rule or d.rule in _OWN_RULES:
            return False
        if not (rel == self.path or fnmatchcase(rel, self.path)):
            return False
        return self.line is None or d.line == self.line


def listed_unused(manifest: Path, entries: Sequence[ListedSuppression]) -> list[Diagnostic]:
    """A warning, at its entry in microsys.yaml, for each listed suppression that suppressed nothing."""
    out = []
    for e in entries:
        if e.used:
            continue
        if e.rule not in RULE_IDS:
            out.append(
                Diagnostic(
                    path=manifest,
                    rule="suppress.unknown-rule",
                    message=f"`{e.rule}` is not a rule id, so this entry suppresses nothing",
                    hint="use a rule id shown in brackets after a finding (all are listed in docs/rules.md)",
                    yaml_path=("suppress", e.index, "rule"),
                    unresolved=True,
                )
            )
            continue
        out.append(
            Diagnostic(
                path=manifest,
                rule="suppress.unused",
                severity=Severity.WARNING,
                message=f"this entry disables {e.rule} for `{e.path}`, but there is no such finding",
                hint="remove the entry, or check the path (relative to the workbook folder) and the rule",
                yaml_path=("suppress", e.index),
                unresolved=True,
            )
        )
    return out
