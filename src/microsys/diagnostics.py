"""Diagnostics: findings about the user's files.

A diagnostic is data, never raised. It names the file, the 1-based line and
column, a stable rule id, the YAML path, a plain-language message and a hint.
Positions may be filled in later (see :mod:`microsys.yaml.positions`): the
fast loader records only the YAML path, and the round-trip parser that knows
line numbers runs only on files that have findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from microsys import rules
from microsys.rules import Rule, Severity

__all__ = ["Diagnostic", "PathPart", "Rule", "Severity", "format_yaml_path", "sort_diagnostics"]

PathPart = str | int


def format_yaml_path(parts: Sequence[PathPart]) -> str:
    """Render a path such as ``("cycles", 2, "study")`` as ``$.cycles[2].study``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.replace("_", "").replace("-", "").isalnum():
            out += f".{part}"
        else:
            out += "[" + repr(part) + "]"
    return out


@dataclass(frozen=True, order=False)
class Diagnostic:
    """One finding in one file.

    Attributes:
        path: the file, as given or found (relative paths stay relative).
        rule: stable rule id such as ``schema.extra-key``; documented in docs/rules.md.
        message: what is wrong, in plain words.
        severity: error or warning: the rule's, from the catalogue (:mod:`microsys.rules`).
        line: 1-based line, or 0 when the finding is about the whole file.
        col: 1-based column, or 0 with line 0.
        yaml_path: where in the document, e.g. ``("study", "results")``.
        hint: how to fix it, or None.
    """

    path: Path
    rule: str
    message: str
    # None only until __post_init__ fills in the rule's severity from the catalogue.
    severity: Severity = None  # type: ignore[assignment]
    line: int = 0
    col: int = 0
    yaml_path: tuple[PathPart, ...] = field(default=())
    hint: str | None = None
    # True when line/col still need to be looked up from yaml_path.
    unresolved: bool = field(default=False, compare=False)
    # Point at the last key of yaml_path rather than its value (unknown keys, duplicates).
    at_key: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        # Findings are made through their Rule (Diagnostic.of), but a rule id written as
        # text still works: it must be catalogued, and it takes the catalogue's severity.
        # An explicit severity is kept; tests compare it with the catalogue.
        rule = rules.get(self.rule)
        if self.severity is None:
            object.__setattr__(self, "severity", rule.severity)

    @classmethod
    def of(
        cls,
        rule: Rule,
        path: Path,
        message: str,
        hint: str | None = None,
        *,
        line: int = 0,
        col: int = 0,
        yaml_path: Sequence[PathPart] = (),
        unresolved: bool = False,
        at_key: bool = False,
    ) -> Diagnostic:
        """A finding of ``rule``, at the rule's severity.

        Args:
            rule: the rule from the catalogue, e.g. ``rules.YAML_TAB``.
            path: the file.
            message: what is wrong, in plain words.
            hint: how to fix it, or None.
            line: 1-based line, or 0 for the whole file (or until resolved from ``yaml_path``).
            col: 1-based column, or 0.
            yaml_path: where in the document.
            unresolved: True when line and col are still to be looked up from ``yaml_path``.
            at_key: point at the last key of ``yaml_path`` rather than its value.
        """
        return cls(
            path=path,
            rule=rule.id,
            message=message,
            severity=rule.severity,
            line=line,
            col=col,
            yaml_path=tuple(yaml_path),
            hint=hint,
            unresolved=unresolved,
            at_key=at_key,
        )

    @property
    def location(self) -> str:
        """``path:line:col`` (or just the path for whole-file findings)."""
        if self.line:
            return f"{self.path}:{self.line}:{self.col}"
        return str(self.path)

    @property
    def yaml_path_text(self) -> str:
        """The YAML path as text, ``$`` for the whole document."""
        return format_yaml_path(self.yaml_path)

    def at(self, line: int, col: int) -> Diagnostic:
        """A copy placed at ``line``:``col``."""
        return replace(self, line=line, col=col, unresolved=False)

    def sort_key(self) -> tuple[str, int, int, int, str]:
        """Order by file, position, then severity and rule."""
        return (str(self.path), self.line, self.col, self.severity.rank, self.rule)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort diagnostics by file and position, dropping exact duplicates."""
    seen: set[tuple[object, ...]] = set()
    out: list[Diagnostic] = []
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        key = (d.path, d.line, d.col, d.rule, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
