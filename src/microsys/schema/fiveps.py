"""The 5Ps assessment: one file each under ``5ps/``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from microsys.schema.base import Date, Id, Model, Quantity, RankedItem, SurveyResult


class Purpose(Model):
    """``5ps/purpose.yaml``: why the microsystem exists."""

    statement: str = Field("", description="One agreed purpose statement, ideally written with patients.")
    written_with_patients: bool = Field(False, description="True if patients or families helped write it.")
    agreed_on: Date | None = Field(None, description="When the team agreed the statement.")
    notes: str | None = Field(None, description="How the team arrived at it, disagreements, next steps.")


class AgeBand(Model):
    """How many patients fall in one age band."""

    band: str = Field(description="The band, e.g. '16-24' or '75+'.")
    count: int | None = Field(None, ge=0, description="Number of patients.")
    percent: float | None = Field(None, ge=0, le=100, description="Share of the population, in %.")


class Patients(Model):
    """``5ps/patients.yaml``: who the microsystem serves."""

    population: Quantity | None = Field(
        None, description="Size of the population served, e.g. `310 patients` or `4,200 contacts per year`."
    )
    age_bands: list[AgeBand] = Field(default_factory=list, description="The population by age band.")
    top_diagnoses: list[RankedItem] = Field(
        default_factory=list, description="Top diagnoses or reasons for contact, most common first."
    )
    high_users: list[RankedItem] = Field(
        default_factory=list, description="Groups of patients who use the service most, with counts."
    )
    experience: list[SurveyResult] = Field(
        default_factory=list, description="Patient experience and satisfaction results."
    )
    what_patients_say: list[str] = Field(
        default_factory=list, description="What patients and families say, in their own words (no names)."
    )
    notes: str | None = Field(None, description="Anything else the team learned about its patients.")


class StaffRole(Model):
    """A role in the microsystem with its headcount."""

    role: str = Field(description="Role or profession, e.g. 'specialist nurse'.")
    headcount: int | None = Field(None, ge=0, description="Number of people in the role.")
    fte: float | None = Field(None, ge=0, description="Whole-time equivalents.")
    schedule: str | None = Field(None, description="When they work, e.g. 'Mon-Fri 08:00-18:00'.")
    does: list[str] = Field(default_factory=list, description="Who does what: the main tasks of the role.")


class Professionals(Model):
    """``5ps/professionals.yaml``: who provides care and support."""

    roles: list[StaffRole] = Field(default_factory=list, description="Roles with headcount and schedules.")
    morale: list[SurveyResult] = Field(
        default_factory=list, description="Staff satisfaction and morale survey results."
    )
    notes: str | None = Field(None, description="Training needs, gaps, what staff say.")


class CareProcess(Model):
    """A core or supporting process."""

    name: str = Field(description="The process, e.g. 'annual review clinic'.")
    kind: Literal["core", "supporting"] = Field("core", description="`core` or `supporting` process.")
    description: str | None = Field(None, description="What happens, briefly.")
    cycle_time: Quantity | None = Field(None, description="How long it takes end to end, e.g. `95 minutes`.")
    volume: Quantity | None = Field(None, description="How often it happens, e.g. `60 per week`.")


class UnplannedActivity(Model):
    """An interruption or unplanned activity."""

    activity: str = Field(description="What happens, e.g. 'phone calls about results'.")
    frequency: Quantity | None = Field(None, description="How often, e.g. `25 per day`.")
    impact: str | None = Field(None, description="What it does to the work.")


class Processes(Model):
    """``5ps/processes.yaml``: how care is delivered."""

    processes: list[CareProcess] = Field(default_factory=list, description="Core and supporting processes.")
    patient_path: list[str] = Field(
        default_factory=list,
        description="High-level flow of the patient's path, one step per item, first to last.",
    )
    unplanned: list[UnplannedActivity] = Field(
        default_factory=list, description="Unplanned activities and interruptions."
    )
    notes: str | None = Field(None, description="Anything else about how the work flows.")


class Gathering(Model):
    """A regular meeting or huddle."""

    name: str = Field(description="e.g. 'morning huddle', 'weekly MDT'.")
    frequency: str = Field(description="e.g. 'daily', 'weekly'.")
    minutes: int | None = Field(None, ge=1, description="How long it lasts, in minutes.")
    who: str | None = Field(None, description="Who attends.")


class VisibleMetric(Model):
    """A performance metric the team can see."""

    name: str = Field(description="The metric.")
    where: str | None = Field(None, description="Where it is shown, e.g. 'data wall in the staff room'.")
    measure: Id | None = Field(None, description="The workbook measure it corresponds to, if any.")


class PatternFinding(Model):
    """An outcome, cost or other pattern, with a number where there is one."""

    area: Literal["outcome", "cost", "safety", "flow", "experience", "workforce", "other"] = Field(
        description="What the pattern is about."
    )
    finding: str = Field(description="The pattern in words.")
    value: Quantity | None = Field(None, description="The number behind it, e.g. `36 %`.")


class Patterns(Model):
    """``5ps/patterns.yaml``: what it is like to work and be cared for here."""

    meetings: list[Gathering] = Field(default_factory=list, description="Regular meetings and huddles.")
    culture: str | None = Field(None, description="Culture and relationships, in the team's words.")
    communication: str | None = Field(None, description="How the team communicates.")
    patient_involvement: str | None = Field(None, description="How patients and families take part.")
    visible_metrics: list[VisibleMetric] = Field(
        default_factory=list, description="Performance metrics that are visible to the team."
    )
    findings: list[PatternFinding] = Field(
        default_factory=list, description="Outcome, cost and other patterns, with numbers."
    )
    notes: str | None = Field(None, description="Anything else.")
