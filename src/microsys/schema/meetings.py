"""Meetings and the self-assessment of the ten characteristics."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from microsys.schema.base import Date, Model


class MeetingRoles(Model):
    """The roles of an effective meeting."""

    leader: str | None = Field(None, description="Who leads the meeting.")
    facilitator: str | None = Field(None, description="Who keeps the process on track.")
    recorder: str | None = Field(None, description="Who writes the notes.")
    timekeeper: str | None = Field(None, description="Who keeps time.")


class AgendaItem(Model):
    """One timed item of the agenda."""

    item: str = Field(description="The topic.")
    minutes: int | None = Field(None, ge=1, le=480, description="Time given, in minutes.")
    who: str | None = Field(None, description="Who leads the item.")


class ActionItem(Model):
    """An action with an owner and a due date."""

    action: str = Field(description="What will be done.")
    owner: str = Field(description="Who will do it.")
    due: Date | None = Field(None, description="By when.")
    status: Literal["open", "done", "dropped"] = Field("open", description="`open`, `done` or `dropped`.")
    carried_from: Date | None = Field(
        None, description="The meeting it was first agreed at, when carried over (`microsys new meeting`)."
    )


class Meeting(Model):
    """``meetings/<date>.yaml``: one team meeting."""

    date: Date = Field(description="Date of the meeting; also the file name, e.g. `2026-03-04.yaml`.")
    kind: Literal["lead-team", "huddle", "big-room", "other"] = Field(
        "lead-team", description="`lead-team` meeting, `huddle`, `big-room` (mesosystem) or `other`."
    )
    attendees: list[str] = Field(default_factory=list, description="Who came (names or roles).")
    roles: MeetingRoles | None = Field(None, description="Leader, facilitator, recorder, timekeeper.")
    agenda: list[AgendaItem] = Field(default_factory=list, description="The timed agenda.")
    notes: str | None = Field(None, description="What was discussed and decided.")
    actions: list[ActionItem] = Field(default_factory=list, description="Action items.")
    parking_lot: list[str] = Field(default_factory=list, description="Topics parked for a later meeting.")
    reflection: str | None = Field(None, description="Reflections on the journey (transition phase).")
    celebration: str | None = Field(None, description="What the team celebrated.")


Characteristic = Literal[
    "leadership",
    "organisational-support",
    "staff-focus",
    "education-and-training",
    "interdependence",
    "patient-focus",
    "community-and-market-focus",
    "performance-results",
    "process-improvement",
    "information-and-technology",
]

CHARACTERISTICS: tuple[str, ...] = Characteristic.__args__  # type: ignore[attr-defined]


class SelfAssessment(Model):
    """``self-assessment/<date>.yaml``: the team rates itself on the ten characteristics."""

    date: Date = Field(description="When the team rated itself; also the file name.")
    scale_max: int = Field(5, ge=2, le=10, description="Top of the rating scale (1 to this).")
    respondents: int | None = Field(None, ge=1, description="How many people rated.")
    ratings: dict[Characteristic, float] = Field(
        default_factory=dict, description="Rating per characteristic (average when several rated)."
    )
    comments: dict[Characteristic, str] = Field(
        default_factory=dict, description="What the team said about a characteristic."
    )
