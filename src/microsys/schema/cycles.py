"""PDSA and SDSA cycles and playbook entries."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from microsys.schema.base import Date, Id, Model

Decision = Literal["adopt", "adapt", "abandon"]


class Plan(Model):
    """Plan: who, what, where, when, and the data to collect."""

    date: Date | None = Field(None, description="When the plan was made.")
    who: str | None = Field(None, description="Who will carry out the test.")
    what: str | None = Field(None, description="What exactly will be done.")
    where: str | None = Field(None, description="Where.")
    when: str | None = Field(None, description="When, e.g. 'Tuesday morning clinic, 4 March'.")
    scale: str | None = Field(None, description="How big the test is: one patient, one clinic, one week ...")
    data: str | None = Field(None, description="What data will be collected, and by whom.")


class Do(Model):
    """Do: what happened when the test was carried out."""

    started: Date | None = Field(None, description="First day of the test.")
    finished: Date | None = Field(None, description="Last day of the test.")
    as_planned: bool | None = Field(None, description="Was it carried out as planned?")
    what_happened: str | None = Field(None, description="What happened.")
    problems: str | None = Field(None, description="Problems met.")
    observations: str | None = Field(None, description="Unexpected observations.")


class Study(Model):
    """Study: results against the prediction, and what was learned."""

    date: Date | None = Field(None, description="When the team studied the results.")
    results: str | None = Field(None, description="What the data showed.")
    against_prediction: str | None = Field(None, description="How the results compare with the prediction.")
    learning: str | None = Field(None, description="What the team learned.")


class Act(Model):
    """Act: adopt, adapt or abandon, and what comes next."""

    date: Date | None = Field(None, description="When the team decided.")
    decision: Decision | None = Field(None, description="`adopt`, `adapt` or `abandon`.")
    next_step: str | None = Field(None, description="What the next cycle will be.")


class PDSA(Model):
    """``pdsa/<id>.yaml``: one Plan-Do-Study-Act cycle testing a change idea."""

    id: Id = Field(description="Cycle id; the file name without `.yaml`, e.g. `PDSA-3`.")
    title: str | None = Field(None, description="A short name for the cycle.")
    change: Id = Field(description="The change idea tested (id in `change-ideas.yaml`).")
    previous: Id | None = Field(None, description="The cycle this one follows in its sequence.")
    objective: str | None = Field(None, description="The objective of this cycle.")
    questions: list[str] = Field(default_factory=list, description="Questions the cycle should answer.")
    prediction: str | None = Field(None, description="What the team predicts will happen, written before Do.")
    measures: list[Id] = Field(default_factory=list, description="Measures the change affects (ids).")
    plan: Plan | None = Field(None, description="Plan.")
    do: Do | None = Field(None, description="Do.")
    study: Study | None = Field(None, description="Study.")
    act: Act | None = Field(None, description="Act.")


class Standardise(Model):
    """Standardise: the standard being put in place."""

    date: Date | None = Field(None, description="When the standard was set.")
    standard: str | None = Field(None, description="The standard way of working being applied.")
    who: str | None = Field(None, description="Who applies it.")
    scale: str | None = Field(None, description="Where and how widely, e.g. 'all Tuesday clinics'.")


class SDSA(Model):
    """``sdsa/<id>.yaml``: a Standardise-Do-Study-Act cycle that makes a change stick."""

    id: Id = Field(description="Cycle id; the file name without `.yaml`, e.g. `SDSA-1`.")
    title: str | None = Field(None, description="A short name for the cycle.")
    change: Id = Field(description="The adopted change idea being standardised.")
    playbook: Id | None = Field(None, description="The playbook entry that writes the standard down.")
    previous: Id | None = Field(None, description="The SDSA cycle this one follows.")
    measures: list[Id] = Field(default_factory=list, description="Measures that show the standard holds.")
    standardise: Standardise | None = Field(None, description="Standardise.")
    do: Do | None = Field(None, description="Do.")
    study: Study | None = Field(None, description="Study.")
    act: Act | None = Field(None, description="Act.")


class PlaybookRole(Model):
    """Who does what in the standard process."""

    role: str = Field(description="The role.")
    does: str = Field(description="What the role does.")


class PlaybookStep(Model):
    """One step of the standard process."""

    step: str = Field(description="What is done.")
    who: str | None = Field(None, description="Which role does it.")
    when: str | None = Field(None, description="When, e.g. 'at check-in'.")
    tools: str | None = Field(None, description="Forms, templates, equipment used.")


class PlaybookEntry(Model):
    """``playbook/<id>.yaml``: the standard way of working, written down for every member of staff."""

    id: Id = Field(description="Entry id; the file name without `.yaml`.")
    title: str = Field(description="Name of the standard process.")
    purpose: str | None = Field(None, description="Why the process exists.")
    scope: str | None = Field(None, description="Where and to whom it applies.")
    changes: list[Id] = Field(default_factory=list, description="The adopted change ideas it standardises.")
    process_map: Id | None = Field(None, description="A process map of the standard process.")
    roles: list[PlaybookRole] = Field(default_factory=list, description="Roles and who does what.")
    steps: list[PlaybookStep] = Field(default_factory=list, description="The steps, in order.")
    standard_work: str | None = Field(None, description="Standard work: the details that must not vary.")
    measures: list[Id] = Field(default_factory=list, description="Measures that show the process holds.")
    version: str = Field("1", description="Version of this entry, e.g. '1.2'.")
    owner: str | None = Field(None, description="Who keeps this entry up to date.")
    approved: Date | None = Field(None, description="When this version was agreed.")
    review_date: Date | None = Field(None, description="When it is next reviewed.")
