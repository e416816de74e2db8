"""Shared building blocks of the workbook models."""

from __future__ import annotations

import datetime as _dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from microsys.sheets import SheetError, check_magnitude, parse_quantity

Date = _dt.date


class Model(BaseModel):
    """Base of every workbook model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


Id = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$", max_length=64),
    Field(description="A short identifier: letters, digits, `-`, `_` or `.`, starting with a letter."),
]

Text = Annotated[str, Field(description="Free text; use `|` for several lines.")]


class Quantity(Model):
    """A number with its unit, e.g. ``{value: 40, unit: minutes}`` or just ``40 minutes``."""

    value: float = Field(description="The number.")
    unit: str = Field(description="What the number counts or measures: minutes, patients, %, per week ...")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        # Read as every quantity and spreadsheet number is: `1,200 patients` is 1200 patients.
        if isinstance(data, str):
            try:
                value, unit = parse_quantity(data)
            except SheetError as exc:
                raise ValueError(
                    f"{exc.message}; write it like `40 minutes`, `1,200 patients` or "
                    "`{value: 40, unit: minutes}`"
                ) from None
            return {"value": value, "unit": unit}
        return data

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float) -> float:
        try:
            return check_magnitude(value, f"{value:g}")
        except SheetError as exc:
            raise ValueError(exc.message) from None

    def __str__(self) -> str:
        number = f"{self.value:g}"
        return f"{number}{self.unit}" if self.unit == "%" else f"{number} {self.unit}"


class SurveyResult(Model):
    """A result from a survey or feedback exercise (satisfaction, experience, morale)."""

    survey: str = Field(description="Which survey or question, e.g. 'Friends and Family Test'.")
    date: Date | None = Field(None, description="When it was collected (YYYY-MM-DD).")
    score: float | None = Field(None, description="The result as a number.")
    unit: str | None = Field(None, description="Unit or scale of the score, e.g. '%', 'out of 10'.")
    respondents: int | None = Field(None, ge=0, description="How many people answered.")
    summary: str | None = Field(None, description="What the result says, in words.")


class RankedItem(Model):
    """An item with an optional count or share, e.g. a diagnosis and how many patients have it."""

    name: str = Field(description="The item, e.g. a diagnosis or reason for contact.")
    count: int | None = Field(None, ge=0, description="How many.")
    percent: float | None = Field(None, ge=0, le=100, description="Share of the whole, in %.")
