"""Making Data Count summaries: the variation and assurance of a chart, in NHSRplotthedots' words.

NHS England's "Making Data Count" sums up each chart with two icons. The variation
icon is chosen from the type of the latest point (``ptd_spc`` summary's
``variation_type``); the assurance icon from where the target lies against the latest
limits (``ptd_calculate_assurance_type``). The values here are the package's own,
so that tables made by either tool can be joined.
"""

from __future__ import annotations

from typing import Literal

Variation = Literal[
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
]
Assurance = Literal["consistent_pass", "consistent_fail", "inconsistent"]

VARIATIONS: tuple[str, ...] = Variation.__args__  # type: ignore[attr-defined]
ASSURANCES: tuple[str, ...] = Assurance.__args__  # type: ignore[attr-defined]

VARIATION_WORDS = {
    "common_cause": "common cause variation",
    "special_cause_improvement": "special cause variation: improving",
    "special_cause_concern": "special cause variation: concerning",
    "special_cause_neutral_high": "special cause variation: higher (no better direction)",
    "special_cause_neutral_low": "special cause variation: lower (no better direction)",
}
ASSURANCE_WORDS = {
    "consistent_pass": "consistently passing the target",
    "consistent_fail": "consistently failing the target",
    "inconsistent": "hit and miss against the target",
}


def variation_of(side: int, direction: str) -> Variation:
    """The variation type of a point from its signal side (+1 high, -1 low, 0 none).

    As ``ptd_point_type``: a signal is an improvement or a concern by the direction of
    improvement, or neutral high/low when no direction is better.
    """
    if side == 0:
        return "common_cause"
    if direction == "neutral":
        return "special_cause_neutral_high" if side > 0 else "special_cause_neutral_low"
    good = 1 if direction == "up" else -1
    return "special_cause_improvement" if side == good else "special_cause_concern"


def variation_icon(variation: str, direction: str) -> str:
    """The name of the variation icon (NHSRplotthedots' ``inst/icons/variation`` file stems).

    An improvement is high when higher is better; a concern is the other side.
    """
    if variation == "common_cause":
        return "common_cause"
    if variation.startswith("special_cause_neutral_"):
        return "neutral_" + variation.rsplit("_", 1)[1]
    up = direction == "up"
    if variation == "special_cause_improvement":
        return "improvement_high" if up else "improvement_low"
    return "concern_low" if up else "concern_high"


def assurance_icon(assurance: str) -> str:
    """The name of the assurance icon (``inst/icons/assurance`` file stems)."""
    return {"consistent_pass": "pass", "consistent_fail": "fail"}.get(assurance, "inconsistent")
