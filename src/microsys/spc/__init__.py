"""Statistical process control: run and control charts, pure and typed.

Numbers match the R package qicharts2 (Anhøj) for limits and runs analysis,
and NHSRplotthedots (NHS England "Making Data Count") for the `nhs` rules.
No plotting and no I/O here: :func:`analyse` takes numbers and returns numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from microsys.spc.analysis import Analysis, ChartError, ChartOptions, PartSummary, Point, analyse

__all__ = ["Analysis", "ChartError", "ChartOptions", "PartSummary", "Point", "analyse"]


def __getattr__(name: str) -> Any:
    # Lazy, so that the table of chart kinds (``microsys.spc.kinds``, which `--help` lists)
    # does not load the statistics.
    if name in __all__:
        from microsys.spc import analysis

        return getattr(analysis, name)
    raise AttributeError(name)
