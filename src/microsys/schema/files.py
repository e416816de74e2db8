"""The workbook's files: which file holds which model.

This table is the single source of truth for the layout; the loader, the
unknown-file check, ``init`` and the generated format reference all read it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fnmatch import fnmatchcase

from microsys.schema.base import Model
from microsys.schema.cycles import PDSA, SDSA, PlaybookEntry
from microsys.schema.fiveps import Patients, Patterns, Processes, Professionals, Purpose
from microsys.schema.identity import Manifest, RampState
from microsys.schema.improvement import Aims, ChangeIdeas, DriverDiagram, Fishbone, ProcessMap, Themes
from microsys.schema.measures import Measure
from microsys.schema.meetings import Meeting, SelfAssessment
from microsys.schema.pathway import (
    PATHWAY,
    BigRoomMeeting,
    Evidence,
    Involve,
    Pathway,
    PatientStory,
    Value,
    ValueStreamMap,
    Vision,
    Visualisation,
)

MANIFEST = "microsys.yaml"


@dataclass(frozen=True)
class FileKind:
    """One kind of workbook file."""

    key: str
    pattern: str
    model: type[Model]
    title: str
    stage: str
    many: bool = False

    def matches(self, rel: str) -> bool:
        """True if the workbook-relative posix path ``rel`` is a file of this kind."""
        if not self.many:
            return rel == self.pattern
        folder = self.pattern.rsplit("/", 1)[0]
        return (
            rel.startswith(folder + "/")
            and "/" not in rel[len(folder) + 1 :]
            and fnmatchcase(rel, self.pattern)
        )

    @property
    def folder(self) -> str | None:
        """The folder of a many-file kind (``pdsa``), None for single files."""
        return self.pattern.rsplit("/", 1)[0] if self.many else None


FILE_KINDS: tuple[FileKind, ...] = (
    FileKind("manifest", MANIFEST, Manifest, "Workbook identity and lead team", "assess"),
    FileKind("ramp", "ramp.yaml", RampState, "Ramp stage and coaching phase", "all"),
    FileKind("purpose", "5ps/purpose.yaml", Purpose, "Purpose", "assess"),
    FileKind("patients", "5ps/patients.yaml", Patients, "Patients", "assess"),
    FileKind("professionals", "5ps/professionals.yaml", Professionals, "Professionals", "assess"),
    FileKind("processes", "5ps/processes.yaml", Processes, "Processes", "assess"),
    FileKind("patterns", "5ps/patterns.yaml", Patterns, "Patterns", "assess"),
    FileKind("self_assessment", "self-assessment/*.yaml", SelfAssessment, "Self-assessment", "assess", True),
    FileKind("meeting", "meetings/*.yaml", Meeting, "Meetings", "all", True),
    FileKind("themes", "themes.yaml", Themes, "Themes for improvement", "assess"),
    FileKind("aims", "aims.yaml", Aims, "Global and specific aims", "diagnose"),
    FileKind("process_map", "process-maps/*.yaml", ProcessMap, "Process maps", "diagnose", True),
    FileKind("fishbone", "fishbones/*.yaml", Fishbone, "Fishbones", "diagnose", True),
    FileKind("driver_diagram", "driver-diagrams/*.yaml", DriverDiagram, "Driver diagrams", "diagnose", True),
    FileKind("change_ideas", "change-ideas.yaml", ChangeIdeas, "Change ideas and multi-voting", "treat"),
    FileKind("measure", "measures/*.yaml", Measure, "Measures", "treat", True),
    FileKind("pdsa", "pdsa/*.yaml", PDSA, "PDSA cycles", "treat", True),
    FileKind("sdsa", "sdsa/*.yaml", SDSA, "SDSA cycles", "sustain", True),
    FileKind("playbook", "playbook/*.yaml", PlaybookEntry, "Playbook entries", "sustain", True),
    # Pathway (mesosystem) workbooks: a workbook with pathway.yaml.
    FileKind("pathway", PATHWAY, Pathway, "Pathway: microsystems, hand-offs, co-coaches", "assess"),
    FileKind("value", "5vs/value.yaml", Value, "Value", "assess"),
    FileKind("involve", "5vs/involve.yaml", Involve, "inVolve", "assess"),
    FileKind("visualisation", "5vs/visualisation.yaml", Visualisation, "Visualisation", "assess"),
    FileKind("evidence", "5vs/evidence.yaml", Evidence, "eVidence", "assess"),
    FileKind("vision", "5vs/vision.yaml", Vision, "Vision", "assess"),
    FileKind("value_stream", "value-streams/*.yaml", ValueStreamMap, "Value stream maps", "diagnose", True),
    FileKind("big_room", "big-room/*.yaml", BigRoomMeeting, "Big room meetings", "all", True),
    FileKind("story", "stories/*.yaml", PatientStory, "Patient stories", "assess", True),
)

# File kinds only a pathway workbook has, and only a microsystem workbook has.
PATHWAY_ONLY = frozenset(
    {"pathway", "value", "involve", "visualisation", "evidence", "vision"}
    | {"value_stream", "big_room", "story"}
)
MICROSYSTEM_ONLY = frozenset({"purpose", "patients", "professionals", "processes", "patterns"})

# Files and folders that may sit in a workbook without being part of the format.
ALLOWED_EXTRA = (
    "README*",
    "LICENSE*",
    "LICENCE*",
    "COPYING*",
    "CHANGELOG*",
    "*.md",
    ".gitignore",
    ".gitattributes",
    "measures/*.csv",
    "assets/*",
    "templates/*",
)
# Folders never looked into.
SKIPPED_DIRS = frozenset({".git", ".github", ".gitlab", "build", "node_modules", "__pycache__", ".venv"})


# Workbooks share their layout: the same relative paths come back in every one of them.
@functools.lru_cache(maxsize=4096)
def kind_of(rel: str) -> FileKind | None:
    """The kind of the workbook-relative posix path ``rel``, if it is a workbook file."""
    for kind in FILE_KINDS:
        if kind.matches(rel):
            return kind
    return None


def is_allowed_extra(rel: str) -> bool:
    """True for files that may sit in a workbook without being checked (README, CSV data ...)."""
    if rel.startswith(("assets/", "templates/")):
        return True
    name = rel.rsplit("/", 1)[-1]
    # Patterns without a folder match the file name anywhere (README.md in pdsa/ ...).
    return any(fnmatchcase(rel if "/" in pattern else name, pattern) for pattern in ALLOWED_EXTRA)


def known_names() -> list[str]:
    """Every file name and folder the layout knows, for did-you-mean hints."""
    names = []
    for kind in FILE_KINDS:
        names.append(kind.folder + "/" if kind.folder else kind.pattern)
    return names
