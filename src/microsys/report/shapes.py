"""What the diagrams show, as plain data: flowchart nodes, fishbone bones, vote bars."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    """A box of a flowchart."""

    id: str
    label: str
    kind: str = "step"  # start, step, decision, wait, end
    lane: str = ""
    detail: str = ""
    badge: int | None = None
    edges: tuple[tuple[str, str], ...] = ()  # (target id, label)


@dataclass(frozen=True)
class Bone:
    """A category of causes."""

    name: str
    causes: tuple[tuple[str, tuple[str, ...]], ...]  # (cause, sub-causes)


@dataclass(frozen=True)
class Bar:
    """One change idea and its votes."""

    label: str
    votes: int
    selected: bool
