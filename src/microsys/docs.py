"""Write the generated reference pages: ``python -m microsys.schema.reference`` (or ``-m microsys.docs``).

``docs/workbook-format.md`` and ``docs/rules.md`` come from the schema and the rule
catalogue, ``docs/ramp.md`` from the ramp's criteria; tests/test_meta.py fails when they drift.
"""

from __future__ import annotations

from pathlib import Path

from microsys.ramp.reference import ramp_reference
from microsys.schema.reference import format_reference, rules_reference


def write_docs(docs: Path) -> None:
    """Write the generated pages into the ``docs`` folder."""
    (docs / "workbook-format.md").write_text(format_reference(), encoding="utf-8")
    (docs / "rules.md").write_text(rules_reference(), encoding="utf-8")
    (docs / "ramp.md").write_text(ramp_reference(), encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    write_docs(Path(__file__).resolve().parents[2] / "docs")
