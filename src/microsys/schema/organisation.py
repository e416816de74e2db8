"""``microsys-organisation.yaml``: the macrosystem above the workbooks (optional).

It sits at the top of a repository (or of a folder of repositories checked out
side by side) and holds what leaders review: whole-system measures with their
goals, and the quarterly review and accountability meetings with actions per
team. ``microsys status`` reads it; it is not part of any workbook.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from microsys.schema.base import Date, Id, Model
from microsys.schema.measures import DataPoint

ORGANISATION = "microsys-organisation.yaml"


class SystemMeasure(Model):
    """A whole-system measure the organisation watches, with its goal."""

    id: Id = Field(description="Measure id, e.g. `hsmr` or `sepsis-deaths`.")
    name: str = Field(description="Its name, e.g. 'Hospital standardised mortality ratio'.")
    unit: str | None = Field(None, description="Unit of the values, e.g. '%' or 'patients'.")
    direction: Literal["up", "down", "neutral"] = Field(description="Which way is better.")
    goal: str | None = Field(None, description="The goal in words, e.g. 'below 95 by March 2027'.")
    target: float | None = Field(None, description="The goal as a number, if there is one.")
    values: list[DataPoint] = Field(default_factory=list, description="Dated aggregate values, oldest first.")


class ReviewAction(Model):
    """An action agreed at a quarterly review, for one team."""

    team: str = Field(
        description="The team's workbook folder, relative to this file, e.g. `sepsis-big-room/pathway`."
    )
    action: str = Field(description="What will be done.")
    owner: str = Field(description="Who will do it.")
    due: Date | None = Field(None, description="By when.")
    status: Literal["open", "done", "dropped"] = Field("open", description="`open`, `done` or `dropped`.")


class QuarterlyReview(Model):
    """One review and accountability meeting of the macrosystem's leaders."""

    date: Date = Field(description="When it met.")
    attendees: list[str] = Field(default_factory=list, description="Who came (names or roles).")
    notes: str | None = Field(None, description="What was reviewed and decided.")
    actions: list[ReviewAction] = Field(default_factory=list, description="Actions per team.")


class Organisation(Model):
    """``microsys-organisation.yaml``: the organisation's whole-system measures, goals and reviews."""

    version: Literal[1] = Field(1, description="Version of the format. Always 1 for now.")
    name: str = Field(description="The organisation, e.g. 'Riverside Hospitals NHS Trust'.")
    goals: list[str] = Field(default_factory=list, description="Strategic goals the teams' work serves.")
    measures: list[SystemMeasure] = Field(default_factory=list, description="Whole-system measures.")
    reviews: list[QuarterlyReview] = Field(
        default_factory=list, description="Quarterly reviews, oldest first."
    )
