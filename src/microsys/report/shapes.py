"""What the diagrams show, as plain data: flowchart nodes, fishbone bones, vote bars, drivers."""

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


@dataclass(frozen=True)
class Stop:
    """A microsystem on a pathway diagram."""

    id: str
    label: str
    supporting: bool = False
    detail: str = ""  # e.g. its ramp stage
    broken: bool = False  # its workbook is missing or has errors


@dataclass(frozen=True)
class Link:
    """A hand-off drawn between two microsystems."""

    source: str
    target: str
    label: str  # what is handed off
    failures: int = 0  # known failure points


@dataclass(frozen=True)
class StreamBox:
    """A step of a value stream map, with its times in the map's unit."""

    label: str
    process: float
    waiting: float
    value_adding: bool
    hand_off: bool = False


@dataclass(frozen=True)
class Idea:
    """A change idea on a driver diagram: its id, title and status (idea, testing, adopted ...)."""

    id: str
    title: str
    status: str = "idea"


@dataclass(frozen=True)
class Secondary:
    """A secondary driver and the change ideas that act on it."""

    label: str
    ideas: tuple[Idea, ...] = ()


@dataclass(frozen=True)
class Primary:
    """A primary driver and the secondary drivers that move it."""

    label: str
    secondary: tuple[Secondary, ...] = ()
