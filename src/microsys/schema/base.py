"""Shared building blocks of the workbook models."""

from __future__ import annotations

import datetime as _dt
import functools
import types
import typing
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from microsys.sheets import SheetError, check_magnitude, parse_quantity

Date = _dt.date


def _literal_options(annotation: Any) -> tuple[tuple[str, ...], bool]:
    """The string choices of a ``Literal`` field (possibly optional or a list), and whether it is a list."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _literal_options(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return tuple(a for a in typing.get_args(annotation) if isinstance(a, str)), False
    if origin is list:
        options, _ = _literal_options(typing.get_args(annotation)[0])
        return options, True
    if origin is typing.Union or origin is types.UnionType:
        for arg in typing.get_args(annotation):
            options, many = _literal_options(arg)
            if options:
                return options, many
    return (), False


def _in_case(value: Any, options: tuple[str, ...]) -> Any:
    if not isinstance(value, str) or value in options:
        return value
    same = [o for o in options if o.lower() == value.strip().lower()]
    return same[0] if len(same) == 1 else value


class Model(BaseModel):
    """Base of every workbook model: unknown keys are errors, values are frozen.

    A choice written in another case (`Outcome`, `Weekly`) is read as the one
    choice it can only mean; a value that matches two choices is left to fail.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)

    @model_validator(mode="before")
    @classmethod
    def _choices_in_any_case(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fixed: dict[Any, Any] | None = None
        for key, (options, many) in _choice_fields(cls).items():
            value = data.get(key)
            if value is None:
                continue
            new = (
                [_in_case(v, options) for v in value]
                if many and isinstance(value, list)
                else _in_case(value, options)
            )
            if new != value:
                fixed = fixed if fixed is not None else dict(data)
                fixed[key] = new
        return data if fixed is None else fixed


@functools.cache
def _choice_fields(cls: type[BaseModel]) -> dict[str, tuple[tuple[str, ...], bool]]:
    out = {}
    for name, field in cls.model_fields.items():
        options, many = _literal_options(field.annotation)
        if options:
            out[field.alias or name] = (options, many)
    return out


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


# `40 minutes`, `1,200 patients`, `36%`: the text form of a quantity the loader reads
# (microsys.sheets.parse_quantity): a number with a decimal point, thousands grouped by
# three with `,` or `'`, then a unit that starts with something other than a digit,
# a space or a separator.
QUANTITY_TEXT = (
    r"^\s*[+\-\u2212]?([0-9]{1,3}([,'][0-9]{3})+(\.[0-9]+)?|[0-9]+(\.[0-9]+)?|\.[0-9]+)"
    r"([eE][+\-]?[0-9]+)?\s*[^\s0-9,.'].*$"
)


def _amount(data: Any) -> Any:
    # `40 minutes`, `85%`, `1,200 patients`: the number of a quantity, read as in the 5Ps.
    if isinstance(data, str) and data.strip():
        try:
            return parse_quantity(data.strip())[0]
        except SheetError:
            return data  # not a quantity either: the number check says what is wrong
    return data


Amount = Annotated[
    float,
    BeforeValidator(_amount),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": QUANTITY_TEXT, "description": "A number and its unit."},
            ]
        }
    ),
]
"""A number that may be written with its unit (`40 minutes`, `85%`); the unit is the measure's."""
