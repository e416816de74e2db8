"""``measures/<id>.yaml``: how the team knows a change is an improvement."""

from __future__ import annotations

import datetime as _dt
from typing import Literal

from pydantic import Field, field_validator, model_validator

from microsys.schema.base import Date, Id, Model
from microsys.sheets import SheetError, check_date_range, check_magnitude
from microsys.spc.kinds import ChartType, choices_text

RuleSet = Literal["anhoej", "ihi", "nhs"]
Direction = Literal["up", "down", "neutral"]
Frequency = Literal["daily", "weekly", "fortnightly", "monthly", "quarterly", "per-session"]


class Definition(Model):
    """The operational definition: exactly what is counted or measured."""

    numerator: str | None = Field(None, description="What is counted, for a proportion or rate.")
    denominator: str | None = Field(None, description="What it is counted out of, for a proportion or rate.")
    unit: str | None = Field(None, description="Unit of a measurement, e.g. 'minutes'.")
    description: str | None = Field(
        None, description="Anything else needed to collect it the same way every time."
    )

    @model_validator(mode="after")
    def _numerator_or_unit(self) -> Definition:
        if not self.unit and not (self.numerator and self.denominator):
            raise ValueError(
                "give either a `unit` (for a measurement) or both `numerator` and `denominator` "
                "(for a proportion or rate)"
            )
        return self


class DataPoint(Model):
    """One aggregated value: never a row about one patient."""

    date: Date = Field(description="The date (or start of the period) the value belongs to.")
    value: float | None = Field(
        description="The value: a measurement, a count, or the numerator of a proportion; "
        "empty when it was not collected."
    )
    denominator: float | None = Field(
        None,
        ge=0,
        description="What the value is out of, for p and u charts; 0 (nothing to count) leaves a gap.",
    )
    note: str | None = Field(None, description="Something that explains this point; shown on the chart.")

    @field_validator("date")
    @classmethod
    def _chartable_date(cls, day: _dt.date) -> _dt.date:
        try:
            return check_date_range(day)
        except SheetError as exc:
            raise ValueError(exc.message) from None

    @field_validator("value", "denominator")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is None:
            return None
        try:
            return check_magnitude(value, f"{value:g}")
        except SheetError as exc:
            raise ValueError(exc.message) from None


class Phase(Model):
    """A new phase of the chart: limits are recalculated from this date."""

    start: Date = Field(description="First date of the phase.")
    label: str = Field(description="What changed, e.g. 'new check-in process adopted'.")


class Baseline(Model):
    """Freeze the centre line and limits on a baseline period."""

    points: int | None = Field(None, ge=2, description="Compute limits from the first N points.")
    until: Date | None = Field(None, description="Compute limits from the points up to this date.")

    @model_validator(mode="after")
    def _one_of(self) -> Baseline:
        if (self.points is None) == (self.until is None):
            raise ValueError("give exactly one of `points` or `until`")
        return self


class Measure(Model):
    """A measure with its definition, chart settings and data."""

    id: Id = Field(description="Measure id; the file name without `.yaml`, e.g. `clinic-wait`.")
    name: str = Field(description="Name as shown on charts, e.g. 'Mean clinic waiting time'.")
    type: Literal["outcome", "process", "balancing"] = Field(
        description="`outcome`, `process` or `balancing`."
    )
    definition: Definition = Field(description="Operational definition.")
    direction: Direction = Field(description="Which way is better: `up`, `down` or `neutral`.")
    data_source: str | None = Field(None, description="Where the data comes from, e.g. 'clinic arrival log'.")
    frequency: Frequency = Field("weekly", description="How often a value is recorded.")
    chart: ChartType = Field("run", description=f"Chart type: {choices_text()}.")
    rules: RuleSet = Field("anhoej", description="Rules for signals: `anhoej`, `ihi` or `nhs`.")
    target: float | None = Field(None, description="Target value, drawn as a line.")
    owner: str | None = Field(None, description="Who collects it.")
    data: str | None = Field(
        None, description="A CSV file beside this one with columns date,value[,denominator][,note]."
    )
    values: list[DataPoint] = Field(default_factory=list, description="Values written in this file.")
    phases: list[Phase] = Field(
        default_factory=list,
        description="Dates where limits are recalculated: where an adopted change began "
        "(`check` suggests one after a shift, rule `measure.phase-missing`).",
    )
    baseline: Baseline | None = Field(
        None,
        description=(
            "Freeze limits on a baseline period. With `phases`: ignored under the `anhoej` and `ihi` "
            "rules (as in qicharts2); under `nhs`, each phase's limits come from its own first N "
            "points (NHSRplotthedots' rebase with fix_after_n_points)."
        ),
    )
    exclude: list[Date] = Field(
        default_factory=list, description="Dates of points left out of the calculation (still drawn)."
    )

    @field_validator("target")
    @classmethod
    def _finite_target(cls, value: float | None) -> float | None:
        # `.nan` or `.inf` would be drawn as nothing and written as invalid chart JSON.
        if value is None:
            return None
        try:
            return check_magnitude(value, f"{value:g}")
        except SheetError as exc:
            raise ValueError(exc.message) from None
