"""Statistical process control: run and control charts, pure and typed.

Numbers match the R package qicharts2 (Anhøj) for limits and runs analysis,
and NHSRplotthedots (NHS England "Making Data Count") for the `nhs` rules.
No plotting and no I/O here: :func:`analyse` takes numbers and returns numbers.
"""

from microsys.spc.analysis import Analysis, ChartError, ChartOptions, PartSummary, Point, analyse

__all__ = ["Analysis", "ChartError", "ChartOptions", "PartSummary", "Point", "analyse"]
