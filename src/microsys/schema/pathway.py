"""Pathway (mesosystem) workbooks: the microsystems a patient passes through and the hand-offs between them.

A pathway workbook is a workbook folder (it has ``microsys.yaml``) that also
holds ``pathway.yaml``. Instead of the 5Ps it assesses the 5Vs (``5vs/``), it
meets in a weekly big room (``big-room/``) and keeps patient stories
(``stories/``) and value stream maps (``value-streams/``). Its aims, measures,
change ideas and PDSA cycles are the same files as a microsystem's.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from microsys.schema.base import Date, Id, Model, Quantity, SurveyResult
from microsys.schema.identity import MeetingCadence
from microsys.schema.meetings import ActionItem, AgendaItem, MeetingRoles

PATHWAY = "pathway.yaml"

HandedOff = Literal["patient", "information", "services"]


class LinkedMicrosystem(Model):
    """One microsystem workbook on the pathway."""

    id: Id = Field(description="Short name used by hand-offs and value stream steps, e.g. `ed` or `amu`.")
    path: str = Field(
        description="The microsystem's workbook folder, relative to this pathway workbook, e.g. `../amu`."
    )
    role: Literal["clinical", "supporting"] = Field(
        "clinical",
        description="`clinical` (the patient passes through it) "
        "or `supporting` (pharmacy, radiology, lab ...).",
    )
    name: str | None = Field(
        None, description="How the pathway team calls it, if not the workbook's own name."
    )


class HandOff(Model):
    """A hand-off between two microsystems of the pathway: where quality is often lost."""

    id: Id = Field(description="Hand-off id, e.g. `ed-to-amu`; process map steps can point to it.")
    from_: Id = Field(alias="from", description="The microsystem (its `id` in `microsystems:`) handing off.")
    to: Id = Field(description="The microsystem receiving.")
    what: list[HandedOff] = Field(
        min_length=1, description="What is handed off: `patient`, `information`, `services` (one or more)."
    )
    description: str | None = Field(None, description="What happens at the hand-off, in words.")
    failure_points: list[str] = Field(
        default_factory=list, description="Known ways the hand-off fails (delays, lost information ...)."
    )
    measures: list[Id] = Field(
        default_factory=list, description="Ids of this workbook's measures that watch the hand-off."
    )


class CoCoach(Model):
    """One of the two Flow co-coaches of the big room."""

    name: str = Field(description="The coach's name.")
    kind: Literal["clinical", "external"] = Field(
        description="`clinical` (a clinician from inside the pathway) or `external` (from outside it)."
    )
    role: str | None = Field(None, description="Role or profession, e.g. 'consultant in acute medicine'.")
    organisation: str | None = Field(None, description="Where the coach comes from.")


class Pathway(Model):
    """``pathway.yaml``: the pathway's microsystems in order, its hand-offs and its co-coaches."""

    version: Literal[1] = Field(1, description="Version of the pathway format. Always 1 for now.")
    condition: str | None = Field(
        None, description="The condition or patient group the pathway serves, e.g. 'sepsis'."
    )
    microsystems: list[LinkedMicrosystem] = Field(
        default_factory=list,
        description="The microsystem workbooks in the order a patient passes through them; "
        "supporting microsystems marked `role: supporting`.",
    )
    hand_offs: list[HandOff] = Field(default_factory=list, description="The hand-offs between microsystems.")
    co_coaches: list[CoCoach] = Field(
        default_factory=list, description="The two Flow co-coaches: one clinical insider, one external."
    )
    big_room: MeetingCadence | None = Field(None, description="When the big room meets (weekly, an hour).")
    since: Date | None = Field(None, description="When the big room began.")


# --- The 5Vs ------------------------------------------------------------------


class Value(Model):
    """``5vs/value.yaml``: what patients say they need from the pathway, and how well it is delivered."""

    what_patients_value: list[str] = Field(
        default_factory=list, description="What patients and families say matters to them."
    )
    how_well: str | None = Field(None, description="How well the pathway delivers it today, in words.")
    surveys: list[SurveyResult] = Field(default_factory=list, description="Survey or feedback results.")


class Involve(Model):
    """``5vs/involve.yaml``: what the teams along the pathway say works and does not."""

    works: list[str] = Field(default_factory=list, description="What staff say works well.")
    does_not_work: list[str] = Field(default_factory=list, description="What staff say does not work.")
    heard_from: list[str] = Field(
        default_factory=list, description="Which teams or roles were asked (no names of patients)."
    )


class Shadowing(Model):
    """Notes from following one patient's journey (no names or identifiers)."""

    date: Date = Field(description="When the shadowing took place.")
    by: str = Field(description="Who shadowed (role).")
    notes: str = Field(description="What was seen: waits, hand-offs, repeated questions ...")


class Spaghetti(Model):
    """Notes of a spaghetti diagram: how far people and things travel."""

    area: str = Field(description="Where it was drawn, e.g. 'ED majors to the AMU'.")
    date: Date | None = Field(None, description="When.")
    distance: Quantity | None = Field(None, description="Distance walked, e.g. `420 metres`.")
    notes: str | None = Field(None, description="What the diagram showed.")


class Visualisation(Model):
    """``5vs/visualisation.yaml``: patient shadowing, value stream maps, spaghetti diagrams."""

    shadowing: list[Shadowing] = Field(default_factory=list, description="Patient shadowing notes.")
    value_stream_maps: list[Id] = Field(
        default_factory=list, description="Ids of the value stream maps in `value-streams/`."
    )
    spaghetti: list[Spaghetti] = Field(default_factory=list, description="Spaghetti diagram notes.")


class EvidenceItem(Model):
    """One piece of data about the pathway."""

    name: str = Field(description="What it is, e.g. 'Sepsis admissions per week'.")
    value: Quantity | None = Field(None, description="The figure, e.g. `26 patients`.")
    source: str | None = Field(None, description="Where the figure comes from.")
    notes: str | None = Field(None, description="What it tells the big room.")


class Evidence(Model):
    """``5vs/evidence.yaml``: data on demand, flow, waiting and waste along the pathway."""

    demand: list[EvidenceItem] = Field(default_factory=list, description="How many patients, when.")
    flow: list[EvidenceItem] = Field(default_factory=list, description="How patients move along the pathway.")
    waiting: list[EvidenceItem] = Field(default_factory=list, description="Where and how long patients wait.")
    waste: list[EvidenceItem] = Field(default_factory=list, description="Repeated work, delays, errors.")


class Vision(Model):
    """``5vs/vision.yaml``: what ideal care along the pathway would look like."""

    statement: str | None = Field(None, description="The vision, in a sentence or two.")
    ideal_care: list[str] = Field(default_factory=list, description="What patients would experience.")


# --- Value stream maps ----------------------------------------------------------


class StreamStep(Model):
    """One step of a value stream map."""

    name: str = Field(description="What happens, e.g. 'Triage'.")
    microsystem: Id | None = Field(
        None, description="The microsystem (its `id` in `pathway.yaml`) it happens in."
    )
    process_time: float = Field(ge=0, description="Time spent working on the patient at this step.")
    waiting_time: float = Field(0, ge=0, description="Time the patient waits before this step.")
    value_adding: bool = Field(description="True when the patient would value this step.")
    hand_off: Id | None = Field(None, description="The hand-off (its `id` in `pathway.yaml`) this step is.")


class ValueStreamMap(Model):
    """``value-streams/<id>.yaml``: the steps of the pathway with their working and waiting times."""

    id: Id = Field(description="Map id; the file name without `.yaml`.")
    title: str = Field(description="What the map shows.")
    unit: Literal["minutes", "hours", "days"] = Field(description="Unit of every time on the map.")
    mapped_on: Date | None = Field(None, description="When the big room mapped it.")
    steps: list[StreamStep] = Field(default_factory=list, description="The steps, in order.")


# --- Big room and stories -------------------------------------------------------


class BigRoomMeeting(Model):
    """``big-room/<date>.yaml``: one weekly big room meeting of the pathway."""

    date: Date = Field(description="Date of the meeting; also the file name, e.g. `2026-03-04.yaml`.")
    minutes: int = Field(60, ge=5, le=480, description="Length in minutes (an hour, usually).")
    microsystems: list[Id] = Field(
        default_factory=list, description="The microsystems (ids in `pathway.yaml`) that came."
    )
    attendees: int | None = Field(None, ge=0, description="How many people came.")
    patients: int = Field(0, ge=0, description="How many patients or family members came.")
    roles: MeetingRoles | None = Field(None, description="Leader, facilitator, recorder, timekeeper.")
    agenda: list[AgendaItem] = Field(default_factory=list, description="The timed agenda.")
    cycles: list[Id] = Field(default_factory=list, description="PDSA cycles reviewed.")
    notes: str | None = Field(None, description="What was discussed and decided.")
    actions: list[ActionItem] = Field(default_factory=list, description="Action items.")


class PatientStory(Model):
    """``stories/<id>.yaml``: one patient's journey along the pathway, told without identifiers."""

    id: Id = Field(description="Story id; the file name without `.yaml`.")
    title: str = Field(description="A short title, e.g. 'Waiting for antibiotics'.")
    date: Date | None = Field(None, description="When the story was told.")
    told_by: str | None = Field(None, description="Who told it: 'patient', 'daughter', 'staff nurse' ...")
    story: str = Field(description="The story, in words (no names, dates of birth or numbers that identify).")
    hand_offs: list[Id] = Field(default_factory=list, description="Hand-offs (ids) the story is about.")
    lessons: list[str] = Field(default_factory=list, description="What the big room learnt from it.")
