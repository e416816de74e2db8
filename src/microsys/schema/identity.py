"""``microsys.yaml``: who the microsystem is; ``ramp.yaml``: where it is on the ramp."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from microsys.schema.base import Date, Model

Setting = Literal[
    "clinic",
    "ward",
    "practice",
    "department",
    "unit",
    "service",
    "theatre",
    "pharmacy",
    "laboratory",
    "call-centre",
    "community",
    "pathway",
    "other",
]


class TeamMember(Model):
    """One member of the lead team."""

    name: str = Field(description="Name as the team uses it (staff and patient partners).")
    role: str = Field(description="Role or profession, e.g. 'specialist nurse', 'receptionist', 'patient'.")
    patient_or_family: bool = Field(False, description="True for a patient or family member on the team.")
    lead: bool = Field(False, description="True for the team lead (clinical or managerial).")


class Coach(Model):
    """The improvement coach who supports the team."""

    name: str = Field(description="The coach's name.")
    kind: Literal["team", "flow"] = Field(
        "team", description="`team` coach (microsystem) or `flow` coach (mesosystem big room)."
    )
    organisation: str | None = Field(None, description="Where the coach comes from, if outside the team.")
    goals: str | None = Field(
        None, description="Improvement goals and expectations agreed with the team and its leaders."
    )


class MeetingCadence(Model):
    """When the lead team meets."""

    frequency: Literal["weekly", "fortnightly", "monthly"] = Field(description="How often the team meets.")
    day: str | None = Field(None, description="Day of the week, e.g. 'Tuesday'.")
    time: str | None = Field(None, description="Time of day, e.g. '12:30'.")
    minutes: int | None = Field(None, ge=5, le=480, description="Length of a meeting in minutes.")
    place: str | None = Field(None, description="Where, e.g. 'seminar room 2' or 'Teams'.")


class Suppress(Model):
    """A finding suppressed on purpose, for files that cannot hold a `# microsys: disable=` comment."""

    path: str = Field(
        description="The file, relative to the workbook folder, e.g. `measures/calls.csv`; "
        "`*` matches any characters, e.g. `assets/*.txt`."
    )
    rule: str = Field(description="The rule id to suppress, e.g. `privacy.phone-number`.")
    reason: str = Field(
        min_length=3, description="Why the finding is wrong or accepted, for the next reader."
    )
    line: int | None = Field(None, ge=1, description="Only this line of the file (every line if left out).")


class Manifest(Model):
    """``microsys.yaml``: the workbook's identity. Its presence marks a folder as a workbook."""

    version: Literal[1] = Field(1, description="Version of the workbook format. Always 1 for now.")
    name: str = Field(description="Name of the microsystem, e.g. 'Adult Cystic Fibrosis Clinic'.")
    setting: Setting = Field(description="What kind of place it is.")
    organisation: str | None = Field(None, description="The organisation (macrosystem) it belongs to.")
    mesosystem: str | None = Field(None, description="The care pathway or mesosystem it is part of, if any.")
    kind: Literal["clinical", "supporting"] = Field(
        "clinical",
        description="`clinical` (patients and care team meet) or `supporting` (pharmacy, lab, IT ...).",
    )
    description: str | None = Field(None, description="A sentence or two on what the microsystem does.")
    lead_team: list[TeamMember] = Field(
        default_factory=list, description="The interprofessional lead team, patients and family included."
    )
    sponsor: str | None = Field(
        None, description="The senior leader who supports the work, e.g. 'Dr A Khan, clinical director'."
    )
    coach: Coach | None = Field(None, description="The team's coach.")
    tracked_since: Date | None = Field(
        None,
        description="When the workbook began to be kept in git. Cycles tested before this date were "
        "copied in from paper, so their git history does not show when the prediction was written.",
    )
    meetings: MeetingCadence | None = Field(None, description="When the lead team meets.")
    suppress: list[Suppress] = Field(
        default_factory=list,
        description="Findings suppressed on purpose in files that cannot hold comments (CSV files, "
        "file names), each with a reason. In YAML and Markdown files use a "
        "`# microsys: disable=RULE reason` comment instead.",
    )


Stage = Literal["assess", "diagnose", "treat", "sustain"]
CoachingPhaseName = Literal["work-before-the-work", "pre-phase", "action", "transition"]


class StageChange(Model):
    """One step along the ramp, as recorded in the history."""

    date: Date = Field(description="When the team moved.")
    from_: Stage | None = Field(None, alias="from", description="The stage left (empty at the start).")
    to: Stage = Field(description="The stage entered.")
    by: str | None = Field(None, description="Who recorded the move.")
    reason: str | None = Field(
        None, description="Why the move was made: required when it was forced past missing evidence."
    )
    forced: bool = Field(False, description="True when the move was made with missing evidence.")
    theme: str | None = Field(
        None, description="The theme the team was working on (an id from themes.yaml); written by microsys."
    )
    cycle: int | None = Field(
        None, ge=1, description="The improvement cycle the move belongs to; written by microsys."
    )


class PhaseChange(Model):
    """One step through the coaching phases."""

    date: Date = Field(description="When the coaching moved to this phase.")
    from_: CoachingPhaseName | None = Field(None, alias="from", description="The phase left.")
    to: CoachingPhaseName = Field(description="The phase entered.")
    by: str | None = Field(None, description="Who recorded the move.")
    reason: str | None = Field(None, description="Why the move was made: required when it was forced.")
    forced: bool = Field(False, description="True when the move was made with missing evidence.")
    theme: str | None = Field(
        None, description="The theme the team was working on (an id from themes.yaml); written by microsys."
    )


class Coaching(Model):
    """Where the coaching relationship is."""

    phase: CoachingPhaseName = Field("work-before-the-work", description="Current coaching phase.")
    since: Date | None = Field(None, description="When the current phase started.")
    history: list[PhaseChange] = Field(
        default_factory=list, description="Earlier phase changes, oldest first."
    )


class M3Stage(Model):
    """The M3 development stage (1 to 7) the coach judges the team to be at."""

    stage: int = Field(
        ge=1,
        le=7,
        description="1 awareness of the flow of work, 2 testing changes on the embarrassing stuff, "
        "3 seeing itself as a system of care, 4 responding to strategic challenges, 5 measuring "
        "performance, 6 several improvement cycles while caring for patients, 7 unending pursuit "
        "of best-known processes and outcomes.",
    )
    date: Date = Field(description="When the coach recorded it.")
    by: str | None = Field(None, description="The coach who judged it.")
    note: str | None = Field(None, description="Why, in a sentence.")


class RampState(Model):
    """``ramp.yaml``: the team's place on the improvement ramp. Written by `microsys ramp`."""

    stage: Stage = Field("assess", description="Current stage of the ramp.")
    since: Date | None = Field(None, description="When the current stage started.")
    cycle: int = Field(
        1, ge=1, description="Improvement cycle: 1 for the first theme, 2 after returning to diagnose ..."
    )
    history: list[StageChange] = Field(
        default_factory=list, description="Earlier stage changes, oldest first."
    )
    coaching: Coaching = Field(default_factory=Coaching, description="The coaching phase.")
    m3: list[M3Stage] = Field(
        default_factory=list,
        description="M3 development stages recorded by the coach, oldest first (the last is current).",
    )
