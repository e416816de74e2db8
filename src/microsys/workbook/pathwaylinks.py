"""The microsystem workbooks a pathway links, read for what a pathway's reports show of them.

A pathway's storyboard shows where each linked microsystem's own team is on the ramp.
Each link is read as ``check`` reads it; a link that is missing, names a pathway or
an absolute path, or whose workbook has errors, is reported as such (never raised),
so the pathway's report is made anyway and says what is wrong.

Only the linked workbook's name and ramp stage are shown. The name is taken from the
linked ``microsys.yaml`` only when that file has no finding of patient-identifiable
data; otherwise the pathway's own words for it are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Literal

from microsys.diagnostics import Severity
from microsys.schema.files import MANIFEST
from microsys.schema.pathway import PATHWAY, LinkedMicrosystem
from microsys.workbook.model import Workbook

State = Literal["ok", "errors", "missing", "pathway", "absolute"]


@dataclass(frozen=True)
class LinkedState:
    """One linked microsystem as a pathway's report shows it."""

    link: LinkedMicrosystem
    state: State
    name: str
    stage: str | None
    """Its team's ramp stage (``assess`` ...), when its ``ramp.yaml`` could be read."""
    errors: int = 0

    @property
    def supporting(self) -> bool:
        """True for a supporting microsystem (pharmacy, radiology ...)."""
        return self.link.role == "supporting"


def _folder(base: Path, rel: str) -> Path | None:
    if PurePath(rel).is_absolute() or rel.startswith("~") or (len(rel) > 1 and rel[1] == ":"):
        return None
    return base / rel


def linked_microsystems(wb: Workbook) -> list[LinkedState]:
    """Every microsystem the pathway of ``wb`` links, in pathway order (none for a microsystem)."""
    from microsys.workbook.loader import load_workbook

    pathway = wb.pathway
    if pathway is None:
        return []
    out: list[LinkedState] = []
    for link in pathway.microsystems:
        own = link.name or link.id
        folder = _folder(wb.root, link.path)
        if folder is None:
            out.append(LinkedState(link, "absolute", own, None))
            continue
        if not (folder / MANIFEST).is_file():
            out.append(LinkedState(link, "missing", own, None))
            continue
        if (folder / PATHWAY).is_file():
            out.append(LinkedState(link, "pathway", own, None))
            continue
        linked = load_workbook(folder)
        errors = sum(1 for d in linked.diagnostics if d.severity is Severity.ERROR)
        manifest_file = linked.file(MANIFEST)
        private = manifest_file is not None and any(
            d.rule.startswith("privacy.") for d in manifest_file.diagnostics
        )
        manifest = linked.manifest
        name = link.name or (manifest.name if manifest and not private else "") or link.id
        ramp = linked.file("ramp.yaml")
        # No ramp.yaml is a team at the start (Assess); a broken one says nothing.
        stage = None if ramp is not None and ramp.model is None else linked.ramp.stage
        out.append(LinkedState(link, "errors" if errors else "ok", name, stage, errors))
    return out
