"""The report model: what each report says, as frozen typed records.

Each section of a report is one frozen dataclass; the templates never see these
classes but plain JSON made from them by :func:`to_json`. Text that people read
is typed :class:`Prose`: the typesetter finds it by its type (to give very long
words break opportunities), and codes such as a decision or a figure's file name
stay ``str`` and are passed through untouched.

Figures are a tagged union (:data:`Figure`): each kind is its own class carrying
exactly what its drawing needs, and :mod:`microsys.render.figures` keeps the table
from figure class to drawer.

Dataclasses rather than pydantic models: everything here is built by our own code
from an already validated workbook, so there is nothing to validate; dataclasses
cost nothing at import, and mypy checks them as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Union

from microsys.report.shapes import Bar, Bone, Link, Node, Primary, Stop, StreamBox

if TYPE_CHECKING:
    from microsys.spc.analysis import Analysis
    from microsys.workbook.series import Series

Kind = Literal["storyboard", "playbook", "summary"]


class Prose(str):
    """Text for people to read (a team's words, or sentences made from them).

    The typesetter gives its very long words break opportunities; a plain ``str``
    in the model is a code (a decision, a state, a file name) and is left as it is.
    """

    __slots__ = ()


def prose(text: str | None) -> Prose:
    """``text`` as :class:`Prose` (``None`` as empty)."""
    return Prose(text or "")


def prose_all(texts: Any) -> tuple[Prose, ...]:
    """Every text of an iterable as :class:`Prose`."""
    return tuple(Prose(t) for t in texts)


def to_json(value: Any) -> Any:
    """Plain JSON-ready data (dicts, lists, strings, numbers) made from model records.

    A field named with a trailing underscore (``from_``) is written without it; a
    record may define ``__json__`` to say how it is written. :class:`Prose` values
    stay :class:`Prose` (a ``str``), so the typesetter can still tell them apart.
    """
    hook = getattr(value, "__json__", None)
    if hook is not None:
        return hook()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name.rstrip("_"): to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    if isinstance(value, Mapping):
        return {k: to_json(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------
# Figures: one class per kind, each drawn by its own drawer (render/figures.py)


@dataclass(frozen=True)
class ChartFigure:
    """A measure's control or run chart (drawn straight as SVG by ``render/svgchart.py``)."""

    kind: ClassVar[str] = "chart"
    name: str
    title: Prose
    series: Series
    analysis: Analysis
    poster: bool = False


@dataclass(frozen=True)
class TileFigure:
    """A measure's small multiple on the data wall: its chart without title, legend or notes.

    Drawn straight as SVG (``render/tiles.py``), at the size it is printed.
    """

    kind: ClassVar[str] = "tile"
    name: str
    title: Prose
    series: Series
    analysis: Analysis
    size: tuple[float, float]
    """Width and height drawn and printed, in inches."""


@dataclass(frozen=True)
class FlowchartFigure:
    """A process map or a playbook's steps, as a flowchart with lanes."""

    kind: ClassVar[str] = "flowchart"
    name: str
    title: Prose
    nodes: tuple[Node, ...]
    width: float = 0.0
    """Drawn this many units wide (0: the drawer's own width); a poster's column wants narrower."""


@dataclass(frozen=True)
class FishboneFigure:
    """A cause-and-effect diagram."""

    kind: ClassVar[str] = "fishbone"
    name: str
    title: Prose
    effect: Prose
    bones: tuple[Bone, ...]
    width: float = 0.0
    """Drawn this many units wide (0: the drawer's own width); a poster's column wants narrower."""


@dataclass(frozen=True)
class ParetoFigure:
    """The votes of a multi-vote, most first."""

    kind: ClassVar[str] = "pareto"
    name: str
    title: Prose
    bars: tuple[Bar, ...]
    width: float = 0.0
    """Drawn this many units wide (0: the drawer's own width); a poster's column wants narrower."""


@dataclass(frozen=True)
class RampFigure:
    """The improvement ramp's stages, each done, current or to do."""

    kind: ClassVar[str] = "ramp"
    name: str
    title: Prose
    stages: tuple[tuple[str, str], ...]  # (stage title, state)
    width: float = 0.0
    """Drawn this many units wide (0: the drawer's own width); a poster's column wants narrower."""


@dataclass(frozen=True)
class PathwayFigure:
    """A pathway's microsystems in order, supporting ones set apart, with the hand-offs between them."""

    kind: ClassVar[str] = "pathway"
    name: str
    title: Prose
    stops: tuple[Stop, ...]
    links: tuple[Link, ...]


@dataclass(frozen=True)
class ValueStreamFigure:
    """A value stream map: the steps in order over a timeline of working and waiting time."""

    kind: ClassVar[str] = "value-stream"
    name: str
    title: Prose
    unit: str
    steps: tuple[StreamBox, ...]


@dataclass(frozen=True)
class DriverFigure:
    """A driver diagram: the aim, its primary and secondary drivers, the change ideas on each."""

    kind: ClassVar[str] = "drivers"
    name: str
    title: Prose
    aim: Prose
    primary: tuple[Primary, ...]
    # Most lines a driver or change idea may take (a safety net against a pasted essay):
    # fewer when a poster's texts must be cut to fit.
    most_lines: int = 12


Figure = Union[  # noqa: UP007
    ChartFigure,
    TileFigure,
    FlowchartFigure,
    FishboneFigure,
    ParetoFigure,
    RampFigure,
    PathwayFigure,
    ValueStreamFigure,
    DriverFigure,
]
FIGURE_KINDS: tuple[type[Any], ...] = (
    ChartFigure,
    TileFigure,
    FlowchartFigure,
    FishboneFigure,
    ParetoFigure,
    RampFigure,
    PathwayFigure,
    ValueStreamFigure,
    DriverFigure,
)


# ---------------------------------------------------------------------------
# The header every report starts with


@dataclass(frozen=True)
class Coach:
    """The team's coach."""

    name: Prose
    organisation: Prose
    kind: str


@dataclass(frozen=True)
class Member:
    """A member of the lead team."""

    name: Prose
    role: Prose
    patient: bool
    lead: bool


@dataclass(frozen=True)
class StageState:
    """One stage of the ramp and where the team is with it."""

    id: Prose
    title: Prose
    state: Literal["done", "current", "todo"]


@dataclass(frozen=True)
class Header:
    """Who the report is about and where they are on the ramp."""

    kind: Kind
    report_title: Prose
    name: Prose
    organisation: Prose
    mesosystem: Prose
    description: Prose
    sponsor: Prose
    coach: Coach | None
    team: tuple[Member, ...]
    stage: str
    stage_title: Prose
    cycle: int
    stages: tuple[StageState, ...]
    as_of: Prose
    logo: str | None = None
    theme: Prose = field(default_factory=Prose)
    """The theme whose story the report tells ('' when it is not about one theme)."""
    ramp: tuple[Prose, ...] = ()
    """That theme's improvement cycle as dated moves: 'Diagnose 12 Jan 2026', ..."""
    workbook: str = "microsystem"
    """The kind of workbook: ``microsystem``, or ``pathway`` (a mesosystem on the Flow roadmap)."""
    condition: Prose = field(default_factory=Prose)
    co_coaches: tuple[Coach, ...] = ()
    """A pathway's two Flow co-coaches (``kind`` clinical or external)."""


# ---------------------------------------------------------------------------
# Pieces shared by several reports


@dataclass(frozen=True)
class MeasureItem:
    """A measure with its chart (when it has enough data) and what the chart says."""

    id: Prose
    name: Prose
    type: Prose
    definition: Prose
    points: int
    chart: str | None = None
    verdict: Prose = field(default_factory=Prose)
    # Making Data Count summary (NHSRplotthedots' codes, see microsys.spc.mdc), for data
    # walls and tables; None without an analysis (or without a target).
    variation: str | None = None
    assurance: str | None = None


@dataclass(frozen=True)
class SdsaItem:
    """An SDSA cycle: a standard tried at scale and what came of it."""

    id: Prose
    title: Prose
    dates: Prose
    standard: Prose
    scale: Prose
    result: Prose
    learning: Prose
    decision: str
    next: Prose


# ---------------------------------------------------------------------------
# Storyboard sections (one class each; see report/storyboard.py for the table)


@dataclass(frozen=True)
class PurposeSection:
    """The team's purpose statement."""

    statement: Prose
    with_patients: bool


@dataclass(frozen=True)
class FivePItem:
    """A few lines about one of the 5Ps."""

    p: Prose
    lines: tuple[Prose, ...]
    quotes: tuple[Prose, ...]


@dataclass(frozen=True)
class FivePsSection:
    """What the assessment found; larger while the team is in Assess."""

    items: tuple[FivePItem, ...]
    large: bool


@dataclass(frozen=True)
class ThemeSection:
    """The theme the team chose."""

    title: Prose
    description: Prose
    from_: Prose


@dataclass(frozen=True)
class GlobalAimSection:
    """The global aim, as one paragraph."""

    text: Prose


@dataclass(frozen=True)
class MapNote:
    """A numbered problem noted on a step of the process map."""

    number: int
    step: Prose
    text: Prose


@dataclass(frozen=True)
class ProcessMapSection:
    """The process as it was, drawn, with its problem notes."""

    title: Prose
    figure: str
    notes: tuple[MapNote, ...]


@dataclass(frozen=True)
class AimItem:
    """A specific aim."""

    id: Prose
    statement: Prose


@dataclass(frozen=True)
class SpecificAimsSection:
    """The specific aims of the theme."""

    items: tuple[AimItem, ...]


@dataclass(frozen=True)
class FishboneSection:
    """The causes, drawn as a fishbone."""

    effect: Prose
    figure: str


@dataclass(frozen=True)
class DriverItem:
    """A secondary driver in words: under which primary driver, and the change ideas on it."""

    primary: Prose
    driver: Prose
    ideas: tuple[Prose, ...]
    causes: tuple[Prose, ...]


@dataclass(frozen=True)
class DriversSection:
    """The driver diagram: the team's theory of how it will reach its aim, drawn and in words."""

    aim: Prose
    figure: str
    items: tuple[DriverItem, ...]
    measures: tuple[Prose, ...]


@dataclass(frozen=True)
class IdeaItem:
    """A change idea and its status."""

    id: Prose
    title: Prose
    status: Prose


@dataclass(frozen=True)
class ChangeIdeasSection:
    """The theme's change ideas, or the multi-vote that chose among them."""

    items: tuple[IdeaItem, ...]
    figure: str | None
    vote: Prose


@dataclass(frozen=True)
class CycleItem:
    """A PDSA cycle on the poster."""

    id: Prose
    title: Prose
    change: Prose
    dates: Prose
    scale: Prose
    prediction: Prose
    result: Prose
    decision: str
    against: Prose = field(default_factory=Prose)
    """The Study's comparison of the results with the prediction (`against_prediction:`)."""


@dataclass(frozen=True)
class CyclesSection:
    """The tests of change, in the order they started."""

    items: tuple[CycleItem, ...]


@dataclass(frozen=True)
class LeftOut:
    """A measure the team tracks that has no chart on the poster, and why."""

    name: Prose
    type: Prose
    why: Prose


@dataclass(frozen=True)
class MeasuresSection:
    """The charts of every measure the team tracks: outcome, then process, then balancing.

    Each type's aim measures come first. A measure with too little data to chart is in
    ``left_out``, by name with the reason: nothing the team tracks disappears silently.
    """

    items: tuple[MeasureItem, ...]
    left_out: tuple[LeftOut, ...] = ()


@dataclass(frozen=True)
class ResultItem:
    """One specific aim's measure: before, target and now, each with its unit.

    ``now`` is the median of the last ``recent`` values (the same that decides whether
    the aim is met). ``signal`` is what the measure's chart shows at its latest point
    (improvement, concern or none): the only thing the reports colour ``now`` by.
    """

    measure: Prose
    baseline: Prose
    target: Prose
    now: Prose
    unit: Prose
    met: Literal["yes", "no", ""]
    by: Prose
    signal: Literal["improvement", "concern", "none"] = "none"
    recent: int = 0
    """How many of the latest values ``now`` is the median of."""


@dataclass(frozen=True)
class ResultsSection:
    """The results table, and a sentence that says what "now" and the colours mean."""

    items: tuple[ResultItem, ...]
    note: Prose = field(default_factory=Prose)


@dataclass(frozen=True)
class Lesson:
    """What a cycle taught."""

    cycle: Prose
    text: Prose


@dataclass(frozen=True)
class LessonsSection:
    """What the team learned from its cycles."""

    items: tuple[Lesson, ...]


@dataclass(frozen=True)
class PlaybookRef:
    """A playbook entry named on the poster."""

    title: Prose
    version: Prose
    owner: Prose
    review: Prose


@dataclass(frozen=True)
class SustainSection:
    """Next steps and holding the gain."""

    playbook: tuple[PlaybookRef, ...]
    sdsa: tuple[SdsaItem, ...]
    next: tuple[Prose, ...]
    next_themes: tuple[Prose, ...]


# --- Sections of a pathway's storyboard


@dataclass(frozen=True)
class StopItem:
    """A microsystem of the pathway: its name, role and where its own team is on the ramp."""

    id: Prose
    name: Prose
    role: Prose
    stage: str
    """The title of its team's ramp stage (``Treat``), or "" when unknown."""
    state: str
    """``ok``, or why its stage is unknown or doubtful: ``errors``, ``missing``, ``pathway``, ``absolute``."""
    note: Prose


@dataclass(frozen=True)
class HandOffItem:
    """A hand-off between two microsystems, with its known failure points and the measures watching it."""

    id: Prose
    from_: Prose
    to: Prose
    what: Prose
    description: Prose
    failure_points: tuple[Prose, ...]
    failures: Prose
    """The failure points on one line, cut to the poster's budget."""
    measures: tuple[Prose, ...]


@dataclass(frozen=True)
class PathwaySection:
    """The microsystems in pathway order with the hand-offs between them, drawn."""

    condition: Prose
    figure: str
    microsystems: tuple[StopItem, ...]
    hand_offs: tuple[HandOffItem, ...]


@dataclass(frozen=True)
class CoachItem:
    """A Flow co-coach."""

    name: Prose
    kind: str
    role: Prose


@dataclass(frozen=True)
class BigRoomSection:
    """The big room: its co-coaches, when it meets, how many meetings and who came."""

    co_coaches: tuple[CoachItem, ...]
    cadence: Prose
    meetings: int
    first: Prose
    last: Prose
    attendance: Prose
    patients: Prose
    microsystems: tuple[Prose, ...]
    """How many of the meetings each microsystem came to, e.g. "AMU 8"."""


@dataclass(frozen=True)
class FiveVItem:
    """A few lines about one of the 5Vs."""

    v: Prose
    lines: tuple[Prose, ...]
    quotes: tuple[Prose, ...]


@dataclass(frozen=True)
class FiveVsSection:
    """What the 5Vs found; larger while the big room is in Assess."""

    items: tuple[FiveVItem, ...]
    large: bool


@dataclass(frozen=True)
class ValueStreamSection:
    """A value stream map, drawn, with its lead time and value-added ratio."""

    title: Prose
    figure: str | None
    unit: Prose
    mapped_on: Prose
    steps: int
    lead_time: Prose
    process_time: Prose
    waiting_time: Prose
    ratio: Prose
    longest_wait: Prose


@dataclass(frozen=True)
class StoryItem:
    """A patient story, told without identifiers."""

    title: Prose
    told_by: Prose
    date: Prose
    story: Prose
    hand_offs: tuple[Prose, ...]
    lessons: tuple[Prose, ...]


@dataclass(frozen=True)
class StoriesSection:
    """The patient stories the big room heard."""

    items: tuple[StoryItem, ...]


StorySection = Union[  # noqa: UP007
    PathwaySection,
    BigRoomSection,
    FiveVsSection,
    ValueStreamSection,
    StoriesSection,
    PurposeSection,
    FivePsSection,
    ThemeSection,
    GlobalAimSection,
    ProcessMapSection,
    SpecificAimsSection,
    FishboneSection,
    DriversSection,
    ChangeIdeasSection,
    CyclesSection,
    MeasuresSection,
    ResultsSection,
    LessonsSection,
    SustainSection,
]


@dataclass(frozen=True)
class Placed:
    """A section on the poster, with its heading and the stage it belongs to."""

    id: str
    heading: Prose
    stage: str
    body: StorySection


@dataclass(frozen=True)
class NotYet:
    """A section the poster does not show: still to come, or not recorded though its stage is past."""

    id: Prose
    title: Prose
    stage: str
    missing: bool = False

    def __json__(self) -> dict[str, Any]:
        # The templates ask whether "missing" is there at all.
        out: dict[str, Any] = {"id": self.id, "title": self.title, "stage": self.stage}
        if self.missing:
            out["missing"] = True
        return out


@dataclass(frozen=True)
class CheckItem:
    """One piece of evidence the stage the team is in asks for, and whether it is there."""

    title: Prose
    done: bool


@dataclass(frozen=True)
class Storyboard:
    """The storyboard poster: the header, the sections shown in ramp order, the ones not yet."""

    header: Header
    sections: tuple[Placed, ...]
    not_yet: tuple[NotYet, ...]
    checklist: tuple[CheckItem, ...] = ()
    """The checklist of the stage the team is in, on a poster with room for it (else empty)."""

    def section(self, sid: str) -> StorySection | None:
        """The body of section ``sid``, if the poster shows it."""
        return next((p.body for p in self.sections if p.id == sid), None)

    def ahead(self) -> list[dict[str, Any]]:
        """The road ahead: the sections still to come, one group per stage, in ramp order.

        Each group is ``{"id": "ahead-<stage>", "stage": title, "state": "current" | "todo",
        "items": [titles]}``, the stage the team is in with its ``checklist`` (``[{title,
        done}]``) in place of the items when the poster has one; the poster lays each group
        out as a piece of its own, so the road ahead can be shared out over the columns a
        young poster leaves free.
        """
        states = {str(s.title): s.state for s in self.header.stages}
        ids = {str(s.title): str(s.id) for s in self.header.stages}
        groups: dict[str, dict[str, Any]] = {}
        current = next((s for s in self.header.stages if s.state == "current"), None)
        if self.checklist and current is not None:
            # The stage the team is in shows its checklist: what is done, what is left.
            groups[str(current.title)] = {
                "id": Prose(f"ahead-{current.id}"),
                "stage": str(current.title),
                "state": "current",
                "items": [],
                "checklist": to_json(self.checklist),
            }
        for n in self.not_yet:
            if n.missing:
                continue
            state = "current" if states.get(n.stage) == "current" else "todo"
            gid = Prose(f"ahead-{ids.get(n.stage, n.stage.lower())}")
            group = groups.setdefault(n.stage, {"id": gid, "stage": n.stage, "state": state, "items": []})
            if "checklist" not in group:
                group["items"].append(n.title)
        return list(groups.values())

    def flow(self) -> list[str]:
        """What the poster's columns hold, in order: sections, the road ahead's groups, "missing"."""
        missing = ["missing"] if any(n.missing for n in self.not_yet) else []
        return [p.id for p in self.sections] + [str(g["id"]) for g in self.ahead()] + missing

    def __json__(self) -> dict[str, Any]:
        sections = {p.id: {**to_json(p.body), "heading": p.heading, "stage": p.stage} for p in self.sections}
        return {
            **to_json(self.header),
            "sections": sections,
            "order": [p.id for p in self.sections],
            "not_yet": to_json(self.not_yet),
            "ahead": self.ahead(),
            "flow": self.flow(),
        }


# ---------------------------------------------------------------------------
# Playbook


@dataclass(frozen=True)
class ChangeRef:
    """A change idea a playbook entry makes standard."""

    id: Prose
    title: Prose


@dataclass(frozen=True)
class RoleItem:
    """Who does what in a standard process."""

    role: Prose
    does: Prose


@dataclass(frozen=True)
class StepItem:
    """One step of a standard process."""

    number: int
    step: Prose
    who: Prose
    when: Prose
    tools: Prose


@dataclass(frozen=True)
class Chapter:
    """One standardised process of the playbook."""

    id: Prose
    title: Prose
    purpose: Prose
    scope: Prose
    changes: tuple[ChangeRef, ...]
    roles: tuple[RoleItem, ...]
    steps: tuple[StepItem, ...]
    figure: str | None
    # The driver diagram holding the changes it makes standard: why the standard is what it is.
    drivers: str | None
    standard_work: Prose
    measures: tuple[MeasureItem, ...]
    sdsa: tuple[SdsaItem, ...]
    version: Prose
    owner: Prose
    approved: Prose
    review: Prose
    source: Prose


@dataclass(frozen=True)
class Playbook:
    """The playbook: one chapter per standardised process."""

    header: Header
    chapters: tuple[Chapter, ...]

    def __json__(self) -> dict[str, Any]:
        return {**to_json(self.header), "chapters": to_json(self.chapters)}


# ---------------------------------------------------------------------------
# 5P summary

Count = Union[int, str]  # noqa: UP007  (a number, or "" when not recorded)


@dataclass(frozen=True)
class PurposeSummary:
    """The purpose as written."""

    statement: Prose
    with_patients: bool
    notes: Prose


@dataclass(frozen=True)
class Share:
    """A group of patients: how many and what share."""

    name: Prose
    count: Count
    percent: Prose


@dataclass(frozen=True)
class AgeBand:
    """An age band of the patients."""

    band: Prose
    count: Count
    percent: Prose


@dataclass(frozen=True)
class Survey:
    """A survey of patients' experience or staff morale."""

    survey: Prose
    date: Prose
    score: Prose
    respondents: Count
    summary: Prose


@dataclass(frozen=True)
class PatientsSummary:
    """Patients: who they are, what they say."""

    population: Prose
    age_bands: tuple[AgeBand, ...]
    diagnoses: tuple[Share, ...]
    high_users: tuple[Share, ...]
    experience: tuple[Survey, ...]
    say: tuple[Prose, ...]
    notes: Prose


@dataclass(frozen=True)
class RoleSummary:
    """A role of the professionals."""

    role: Prose
    headcount: Count
    fte: Prose
    schedule: Prose
    does: Prose


@dataclass(frozen=True)
class ProfessionalsSummary:
    """Professionals: roles and morale."""

    roles: tuple[RoleSummary, ...]
    morale: tuple[Survey, ...]
    notes: Prose


@dataclass(frozen=True)
class ProcessItem:
    """A core or supporting process."""

    name: Prose
    kind: str
    description: Prose
    cycle_time: Prose
    volume: Prose


@dataclass(frozen=True)
class Unplanned:
    """An interruption of the planned work."""

    activity: Prose
    frequency: Prose
    impact: Prose


@dataclass(frozen=True)
class ProcessesSummary:
    """Processes: what the team does, the patient's path, interruptions."""

    processes: tuple[ProcessItem, ...]
    path: tuple[Prose, ...]
    unplanned: tuple[Unplanned, ...]
    notes: Prose


@dataclass(frozen=True)
class MeetingItem:
    """A regular meeting."""

    name: Prose
    frequency: Prose
    minutes: Count
    who: Prose


@dataclass(frozen=True)
class MetricItem:
    """A metric the team can see, and where."""

    name: Prose
    where: Prose


@dataclass(frozen=True)
class Finding:
    """A pattern the team found."""

    area: Prose
    finding: Prose
    value: Prose


@dataclass(frozen=True)
class PatternsSummary:
    """Patterns: meetings, culture, what is measured, findings."""

    meetings: tuple[MeetingItem, ...]
    culture: Prose
    communication: Prose
    involvement: Prose
    metrics: tuple[MetricItem, ...]
    findings: tuple[Finding, ...]
    notes: Prose


@dataclass(frozen=True)
class Rating:
    """One self-assessment rating, now and at the first assessment."""

    name: Prose
    score: Prose
    first: Prose


@dataclass(frozen=True)
class SelfAssessment:
    """The latest self-assessment, beside the first."""

    date: Prose
    first_date: Prose
    scale: int
    ratings: tuple[Rating, ...]


@dataclass(frozen=True)
class ThemeItem:
    """A theme, chosen or waiting."""

    id: Prose
    title: Prose
    status: Prose
    from_: Prose
    description: Prose


@dataclass(frozen=True)
class Summary:
    """The 5P summary: each P as assessed (``None`` when not assessed yet), ratings and themes."""

    header: Header
    purpose: PurposeSummary | None
    patients: PatientsSummary | None
    professionals: ProfessionalsSummary | None
    processes: ProcessesSummary | None
    patterns: PatternsSummary | None
    self_assessment: SelfAssessment | None
    themes: tuple[ThemeItem, ...]
    missing: tuple[Prose, ...]

    def __json__(self) -> dict[str, Any]:
        body = {f.name: to_json(getattr(self, f.name)) for f in fields(self) if f.name != "header"}
        return {**to_json(self.header), **body}


# ---------------------------------------------------------------------------
# 5V summary (a pathway's assessment, in place of the 5Ps)


@dataclass(frozen=True)
class ValueSummary:
    """Value: what patients value from the pathway, and how well it is delivered."""

    what: tuple[Prose, ...]
    how_well: Prose
    surveys: tuple[Survey, ...]


@dataclass(frozen=True)
class InvolveSummary:
    """inVolve: what the teams along the pathway say works and does not."""

    works: tuple[Prose, ...]
    does_not_work: tuple[Prose, ...]
    heard_from: tuple[Prose, ...]


@dataclass(frozen=True)
class ShadowItem:
    """Notes from shadowing one patient's journey."""

    date: Prose
    by: Prose
    notes: Prose


@dataclass(frozen=True)
class SpaghettiItem:
    """A spaghetti diagram's notes."""

    area: Prose
    date: Prose
    distance: Prose
    notes: Prose


@dataclass(frozen=True)
class VisualisationSummary:
    """Visualisation: shadowing, value stream maps, spaghetti diagrams."""

    shadowing: tuple[ShadowItem, ...]
    streams: tuple[ValueStreamSection, ...]
    spaghetti: tuple[SpaghettiItem, ...]


@dataclass(frozen=True)
class EvidenceLine:
    """A figure about the pathway and where it comes from."""

    name: Prose
    value: Prose
    source: Prose
    notes: Prose


@dataclass(frozen=True)
class EvidenceGroup:
    """Demand, flow, waiting or waste."""

    name: Prose
    items: tuple[EvidenceLine, ...]


@dataclass(frozen=True)
class EvidenceSummary:
    """eVidence: data on demand, flow, waiting and waste."""

    groups: tuple[EvidenceGroup, ...]


@dataclass(frozen=True)
class VisionSummary:
    """Vision: what ideal care would look like."""

    statement: Prose
    ideal_care: tuple[Prose, ...]


@dataclass(frozen=True)
class FiveVSummary:
    """The 5V summary of a pathway: its microsystems and hand-offs, each V as assessed, stories, themes."""

    template: ClassVar[str] = "summary-5v"
    header: Header
    pathway: PathwaySection | None
    value: ValueSummary | None
    involve: InvolveSummary | None
    visualisation: VisualisationSummary | None
    evidence: EvidenceSummary | None
    vision: VisionSummary | None
    stories: tuple[StoryItem, ...]
    themes: tuple[ThemeItem, ...]
    missing: tuple[Prose, ...]

    def __json__(self) -> dict[str, Any]:
        body = {f.name: to_json(getattr(self, f.name)) for f in fields(self) if f.name != "header"}
        return {**to_json(self.header), **body}


Body = Union[Storyboard, Playbook, Summary, FiveVSummary]  # noqa: UP007


@dataclass(frozen=True)
class Report:
    """One report: what it says, the figures it needs, and what was shortened to fit."""

    kind: Kind
    body: Body
    figures: tuple[Figure, ...] = ()
    shortened: tuple[str, ...] = ()

    @property
    def template(self) -> str:
        """The name of its templates (``<name>.typ``, ``<name>.html.j2``, ``<name>.md.j2``)."""
        return str(getattr(self.body, "template", self.kind))

    @property
    def data(self) -> dict[str, Any]:
        """The JSON the templates receive."""
        data: dict[str, Any] = to_json(self.body)
        return data
