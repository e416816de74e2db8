"""Patient identifiers in free text and tables: pure detectors without I/O.

:func:`find` returns what was found as (kind, start, end); :func:`mask` shows a
match's shape without its content. The workbook layer turns matches into
findings with file, line and column (see :mod:`microsys.workbook.privacy`).
"""

from __future__ import annotations

from microsys.privacy.detect import (
    KINDS,
    Match,
    find,
    flatten,
    is_chi_number,
    is_nhs_number,
    mask,
    masked,
    normalise,
)
from microsys.privacy.table import RowsFinding, patient_columns

__all__ = [
    "KINDS",
    "Match",
    "RowsFinding",
    "find",
    "flatten",
    "is_chi_number",
    "is_nhs_number",
    "mask",
    "masked",
    "normalise",
    "patient_columns",
]
