"""Value stream maps: lead time and value-added ratio.

Lead time is the whole time a patient spends on the mapped stretch of the
pathway (working plus waiting); the value-added ratio is the share of it spent
on steps the patient would value. Both are in the map's own unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from microsys.schema.pathway import ValueStreamMap


@dataclass(frozen=True)
class StreamTotals:
    """The totals of a value stream map, in the map's unit."""

    process_time: float
    waiting_time: float
    value_added_time: float
    unit: str

    @property
    def lead_time(self) -> float:
        """Working plus waiting time, first step to last."""
        return self.process_time + self.waiting_time

    @property
    def value_added_ratio(self) -> float | None:
        """Value-adding time over lead time (0 to 1); None when the lead time is zero."""
        return self.value_added_time / self.lead_time if self.lead_time > 0 else None


def totals(vsm: ValueStreamMap) -> StreamTotals:
    """Sum the working, waiting and value-adding times of ``vsm``."""
    return StreamTotals(
        process_time=sum(s.process_time for s in vsm.steps),
        waiting_time=sum(s.waiting_time for s in vsm.steps),
        value_added_time=sum(s.process_time for s in vsm.steps if s.value_adding),
        unit=vsm.unit,
    )
