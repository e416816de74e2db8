"""What the data wall says: one page per pathway or group of microsystems, as typed data.

Leaders at meso and macro level review the teams' progress quarterly in front of a
data wall: for each pathway (or group of microsystems), where each team is on its
ramp or Flow roadmap, its M3 development stage, whether its files have errors, and
small multiples of its key measures, each with its Making Data Count variation icon.
The organisation's whole-system measures and goals come first when there is an
organisation file.

The templates (``templates/report/datawall.*``) receive :attr:`DataWall.data`, plain
JSON; the charts are :class:`~microsys.report.model.TileFigure` drawn at the size
they are printed, so their text keeps its size on paper.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from microsys.report.model import Prose

# A small multiple as drawn and printed, in inches: four across an A3 landscape page.
TILE_SIZE = (3.6, 2.35)
# Measures shown per workbook: those its specific aims name first, then outcome measures.
KEY_MEASURES = 4
OTHER_GROUP = "Other microsystems"


@dataclass(frozen=True)
class Tile:
    """One measure's small multiple."""

    workbook: Prose
    path: str
    """The workbook's folder, as its team's row says it (:attr:`Team.path`)."""
    measure: Prose
    name: Prose
    figure: str
    """The chart's file name (a key of the drawn figures)."""
    signal: str
    """``improvement``, ``concern``, ``neutral`` or ``common``: the chart's variation icon in one word."""
    icon: str
    """The variation icon's name (:data:`microsys.render.mdc.VARIATION_ICONS`)."""
    icon_words: Prose
    assurance: str | None
    verdict: Prose
    latest: Prose
    """The latest value and its date, in words."""


@dataclass(frozen=True)
class Team:
    """One workbook's row on its page."""

    name: Prose
    path: str
    kind: str
    stage: str
    days_in_stage: int | None
    phase: str
    m3_stage: int | None
    m3_date: str | None
    last_meeting: str | None
    pdsa_count: int
    score: float
    errors: int
    warnings: int
    open_actions: int
    improving: tuple[Prose, ...]
    concerning: tuple[Prose, ...]
    link: str | None = None
    """Where the team's own pages are, relative to the wall (set by the website)."""


@dataclass(frozen=True)
class Group:
    """A page: a pathway with its microsystems, or a group of microsystems."""

    title: Prose
    kind: str
    """``pathway`` or ``group``."""
    teams: tuple[Team, ...]
    tiles: tuple[Tile, ...]
    without_measures: tuple[Prose, ...]
    """Teams on this page with no measure to chart yet."""


@dataclass(frozen=True)
class SystemMeasure:
    """A whole-system measure of the organisation file."""

    name: Prose
    goal: Prose
    unit: Prose
    direction: str
    latest: Prose
    figure: str | None


@dataclass(frozen=True)
class DataWall:
    """The whole wall: the organisation's part, then one group per page."""

    title: Prose
    folder: str
    today: str
    organisation: Prose | None
    goals: tuple[Prose, ...]
    measures: tuple[SystemMeasure, ...]
    last_review: str | None
    groups: tuple[Group, ...]
    drawn: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    """Each tile's chart drawn (file name, SVG), where its workbook or the organisation file was read."""
    tile_size: tuple[float, float] = TILE_SIZE

    @property
    def data(self) -> dict[str, Any]:
        """The wall as plain JSON data for the templates (the drawings left out: they are files)."""
        out = {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self) if f.name != "drawn"}
        out["tile_width"], out["tile_height"] = self.tile_size
        return out


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value
