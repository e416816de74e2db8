"""Themes, aims, process maps, fishbones, driver diagrams, change ideas and multi-voting."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from microsys.schema.base import Amount, Date, Id, Model, Quantity

FiveP = Literal["purpose", "patients", "professionals", "processes", "patterns"]


class Theme(Model):
    """A theme for improvement that came out of the assessment."""

    id: Id = Field(description="Theme id, e.g. `T1`.")
    title: str = Field(description="Short name, e.g. 'Clinic flow'.")
    description: str | None = Field(None, description="Why it matters, what the 5Ps showed.")
    from_5ps: list[FiveP] = Field(default_factory=list, description="Which of the 5Ps it came from.")
    status: Literal["candidate", "selected", "done", "parked"] = Field(
        "candidate", description="`candidate`, `selected` (being worked on), `done` or `parked`."
    )


class Themes(Model):
    """``themes.yaml``: themes for improvement and the one being worked on."""

    themes: list[Theme] = Field(default_factory=list, description="All themes, in the order found.")
    selected: Id | None = Field(None, description="Id of the theme the team is working on now.")


class GlobalAim(Model):
    """A global aim: the process to improve, where it begins and ends, and why."""

    id: Id = Field(description="Global aim id, e.g. `GA1`.")
    theme: Id = Field(description="The theme this aim works on.")
    process: str = Field(description="The process to improve, e.g. 'the flow of the CF outpatient clinic'.")
    place: str | None = Field(None, description="Where, e.g. 'in the adult CF centre'.")
    begins: str | None = Field(None, description="Where the process begins.")
    ends: str | None = Field(None, description="Where the process ends.")
    benefits: str | None = Field(None, description="What the team expects from working on it.")
    why_now: str | None = Field(None, description="Why it is important to work on it now.")


class SpecificAim(Model):
    """A measurable, time-bound aim: measure from baseline to target by a date."""

    id: Id = Field(description="Specific aim id, e.g. `SA1`.")
    global_aim: Id = Field(description="The global aim it makes measurable.")
    measure: Id = Field(description="The measure (id of a file in `measures/`).")
    baseline: Amount | None = Field(
        None, description="Where the measure is now: a number, or with its unit (`40 minutes`, `85%`)."
    )
    target: Amount | None = Field(
        None, description="Where the team wants it to be: a number, or with its unit (`10 minutes`)."
    )
    by: Date | None = Field(None, description="By when (YYYY-MM-DD).")
    statement: str | None = Field(None, description="The aim in the team's own words.")


class Aims(Model):
    """``aims.yaml``: global and specific aims."""

    global_aims: list[GlobalAim] = Field(
        default_factory=list, description="Global aims, one per theme worked on."
    )
    specific_aims: list[SpecificAim] = Field(default_factory=list, description="Specific, measurable aims.")

    def global_aim_of(self, ref: str) -> GlobalAim | None:
        """The global aim ``ref`` names: itself, or the global aim a specific aim makes measurable."""
        for ga in self.global_aims:
            if ga.id == ref:
                return ga
        sa = next((a for a in self.specific_aims if a.id == ref), None)
        if sa is None:
            return None
        return next((ga for ga in self.global_aims if ga.id == sa.global_aim), None)


class Branch(Model):
    """A labelled way out of a decision step."""

    label: str = Field(description="The answer that leads this way, e.g. 'yes'.")
    to: Id = Field(description="Id of the step it leads to.")


class HandOffRef(Model):
    """A pointer from a process map step to a hand-off of a pathway workbook."""

    pathway: str = Field(
        description="The pathway workbook folder, relative to this workbook, e.g. `../sepsis`."
    )
    id: Id = Field(description="The hand-off's id in that workbook's `pathway.yaml`.")


class Step(Model):
    """One step of a process map."""

    id: Id = Field(description="Step id, unique within the map, e.g. `s1` or `arrive`.")
    label: str = Field(description="What happens, e.g. 'Patient checks in at reception'.")
    kind: Literal["start", "step", "decision", "wait", "end"] = Field(
        "step", description="`start`, `step`, `decision`, `wait` or `end`."
    )
    owner: str | None = Field(None, description="Who does it (role); becomes the swimlane.")
    next: list[Id] = Field(
        default_factory=list,
        description="Ids of the steps that follow; empty means the next step in the list.",
    )
    branches: list[Branch] = Field(default_factory=list, description="For decisions: the labelled ways out.")
    duration: Quantity | None = Field(None, description="How long the step takes, e.g. `10 minutes`.")
    notes: str | None = Field(None, description="Problems or observations at this step.")
    hand_off: HandOffRef | None = Field(
        None, description="The pathway hand-off this step is, e.g. `{pathway: ../sepsis, id: ed-to-amu}`."
    )


class ProcessMap(Model):
    """``process-maps/<id>.yaml``: a flowchart of the process, start to end."""

    id: Id = Field(description="Map id; the file name without `.yaml`.")
    title: str = Field(description="What the map shows.")
    global_aim: Id | None = Field(None, description="The global aim whose process this maps.")
    begins: str | None = Field(None, description="Where the process begins.")
    ends: str | None = Field(None, description="Where the process ends.")
    mapped_on: Date | None = Field(None, description="When the team mapped it.")
    state: Literal["current", "future", "standard"] | None = Field(
        None,
        description="`current`: the process as it is (with its waits and loops, for Diagnose); `future`: "
        "as the team wants it after its changes; `standard`: as the playbook writes it down.",
    )
    steps: list[Step] = Field(default_factory=list, description="The steps, in order from start to end.")


class Cause(Model):
    """A cause, with optional sub-causes."""

    cause: str = Field(description="The cause.")
    sub_causes: list[str] = Field(default_factory=list, description="Deeper causes of this cause.")


def _cause_kind(value: Any) -> str:
    return "detail" if isinstance(value, dict) else "text"


CauseItem = Annotated[
    Annotated[str, Tag("text")] | Annotated[Cause, Tag("detail")],
    Discriminator(_cause_kind),
]


class Category(Model):
    """One bone of the fishbone."""

    name: str = Field(description="The category, e.g. 'People', 'Methods', 'Equipment'.")
    causes: list[CauseItem] = Field(
        default_factory=list, description="Causes: plain text, or `cause:` with `sub_causes:`."
    )


class Fishbone(Model):
    """``fishbones/<id>.yaml``: a cause-and-effect diagram."""

    id: Id = Field(description="Fishbone id; the file name without `.yaml`.")
    effect: str = Field(description="The effect (problem) at the head of the fish.")
    global_aim: Id | None = Field(None, description="The global aim it belongs to.")
    drawn_on: Date | None = Field(None, description="When the team drew it.")
    categories: list[Category] = Field(default_factory=list, description="The bones, each with causes.")


class SecondaryDriver(Model):
    """A secondary driver: something in the system that moves a primary driver, and what acts on it."""

    driver: str = Field(description="The driver in a few words, e.g. 'Results are ready before the visit'.")
    changes: list[Id] = Field(
        default_factory=list, description="Ids of the change ideas that act on this driver, e.g. `[C1, C4]`."
    )
    causes: list[str] = Field(
        default_factory=list,
        description="Causes from the fishbone this driver answers, written as on the fishbone.",
    )
    measures: list[Id] = Field(
        default_factory=list, description="Process measures that show whether the driver moves."
    )


class PrimaryDriver(Model):
    """A primary driver: one of the few big things that must change to reach the aim."""

    driver: str = Field(description="The driver in a few words, e.g. 'Each visit is planned ahead'.")
    measures: list[Id] = Field(
        default_factory=list, description="Process measures that show whether the driver moves."
    )
    secondary: list[SecondaryDriver] = Field(
        default_factory=list, description="The secondary drivers that move it, each with its change ideas."
    )


class DriverDiagram(Model):
    """``driver-diagrams/<id>.yaml``: the theory of how the team will reach its aim.

    The aim on the left; the primary drivers that must change to reach it; the
    secondary drivers under each; the change ideas that act on each secondary driver.
    """

    id: Id = Field(description="Driver diagram id; the file name without `.yaml`.")
    aim: Id = Field(description="The aim it works towards: a specific aim (`SA1`) or a global aim (`GA1`).")
    title: str | None = Field(None, description="What the diagram is about, when the aim does not say it.")
    fishbone: Id | None = Field(
        None, description="The fishbone whose causes the drivers answer (its id in `fishbones/`)."
    )
    drawn_on: Date | None = Field(None, description="When the team drew it.")
    primary: list[PrimaryDriver] = Field(
        default_factory=list, description="The primary drivers, each with its secondary drivers."
    )


class ChangeIdea(Model):
    """An idea for a change to test."""

    id: Id = Field(description="Change idea id, e.g. `C1`.")
    title: str = Field(description="The idea in a few words.")
    description: str | None = Field(None, description="More detail.")
    source: Literal[
        "brainstorming", "benchmarking", "literature", "change-concepts", "patients", "staff", "other"
    ] = Field("brainstorming", description="Where the idea came from.")
    theme: Id | None = Field(None, description="The theme it addresses.")
    status: Literal["idea", "selected", "testing", "adopted", "abandoned", "parked"] = Field(
        "idea", description="Where the idea is now."
    )


class VoteRound(Model):
    """One round of multi-voting across the team."""

    date: Date = Field(description="When the vote took place.")
    round: int = Field(1, ge=1, description="Round number, when the team voted more than once.")
    votes_each: int | None = Field(None, ge=1, description="How many votes each person had.")
    voters: list[str] = Field(default_factory=list, description="Who voted (optional; names or roles).")
    voter_count: int | None = Field(
        None, ge=1, description="How many people voted, when names are not listed."
    )
    votes: dict[Id, int] = Field(default_factory=dict, description="Votes per change idea id.")
    selected: list[Id] = Field(default_factory=list, description="Ideas chosen to test after this round.")


class ChangeIdeas(Model):
    """``change-ideas.yaml``: change ideas and how the team chose between them."""

    ideas: list[ChangeIdea] = Field(default_factory=list, description="All change ideas.")
    votes: list[VoteRound] = Field(default_factory=list, description="Multi-voting rounds.")
