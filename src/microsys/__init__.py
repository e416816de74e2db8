"""microsys: clinical microsystem improvement workbooks as plain files.

The public surface is small on purpose: load a workbook, check paths.
Everything else is internal and may change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from microsys._version import __version__

__all__ = ["__version__", "check", "load_workbook"]

if TYPE_CHECKING:  # pragma: no cover
    from microsys.engine import check
    from microsys.workbook.loader import load_workbook


def __getattr__(name: str) -> Any:
    # Lazy so that `import microsys` (and `microsys --help`) stays cheap.
    if name == "check":
        from microsys.engine import check

        return check
    if name == "load_workbook":
        from microsys.workbook.loader import load_workbook

        return load_workbook
    raise AttributeError(name)
