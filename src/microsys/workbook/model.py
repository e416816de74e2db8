"""The loaded workbook: its files, their models and findings.

Apart from the loader so that checks over a loaded workbook (:mod:`microsys.workbook.crossref`)
can use it without importing the loader that runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from microsys.diagnostics import Diagnostic, Severity, sort_diagnostics
from microsys.schema.base import Model
from microsys.schema.cycles import PDSA, SDSA, PlaybookEntry
from microsys.schema.files import FileKind
from microsys.schema.fiveps import Patients, Patterns, Processes, Professionals, Purpose
from microsys.schema.identity import Manifest, RampState
from microsys.schema.improvement import Aims, ChangeIdeas, DriverDiagram, Fishbone, ProcessMap, Themes
from microsys.schema.measures import DataPoint, Measure
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
from microsys.workbook import suppress

M = TypeVar("M", bound=Model)


@dataclass
class SourceFile:
    """One file of a workbook, with what was made of it."""

    path: Path
    rel: str
    kind: FileKind | None
    text: str | None = None
    model: Model | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppressions: suppress.FileSuppressions = field(default_factory=suppress.FileSuppressions)
    # The path as findings show it, when its name holds an identifier (masked).
    shown_path: Path | None = None

    @property
    def has_errors(self) -> bool:
        """True when a finding of this file is an error."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


@dataclass
class Workbook:
    """A loaded workbook: the models of every valid file, and all findings.

    Files that failed validation have no model; everything else is usable, so
    later stages (ramp gates, charts, reports) can work on a partly broken
    workbook and say what is missing.
    """

    root: Path
    path: Path
    files: list[SourceFile]
    measure_values: dict[str, list[DataPoint]] = field(default_factory=dict)
    # Line of each value in its CSV file, for measures whose data is in CSV.
    measure_csv_lines: dict[str, list[int]] = field(default_factory=dict)
    # Files put back because the command writing them was killed (see storage.recover).
    undone: tuple[str, ...] = ()
    # Entries of `suppress:` in microsys.yaml (findings suppressed in files without comments).
    listed_suppressions: list[suppress.ListedSuppression] = field(default_factory=list)
    # Hidden files where a killed command may have left one, listed by the walk that loaded it.
    hidden_files: list[str] = field(default_factory=list)

    def file(self, rel: str) -> SourceFile | None:
        """The file at the workbook-relative posix path ``rel``."""
        for f in self.files:
            if f.rel == rel:
                return f
        return None

    def _one(self, key: str, cls: type[M]) -> M | None:
        for f in self.files:
            if f.kind is not None and f.kind.key == key and isinstance(f.model, cls):
                return f.model
        return None

    def records(self, key: str) -> list[tuple[SourceFile, Model]]:
        """(file, model) pairs of a kind of file, in file order."""
        return [
            (f, f.model)
            for f in self.files
            if f.kind is not None and f.kind.key == key and f.model is not None
        ]

    def _many(self, key: str, cls: type[M]) -> list[M]:
        return [m for _, m in self.records(key) if isinstance(m, cls)]

    @property
    def manifest(self) -> Manifest | None:
        """``microsys.yaml``, if valid."""
        return self._one("manifest", Manifest)

    @property
    def ramp(self) -> RampState:
        """``ramp.yaml``, or the starting state when there is none."""
        return self._one("ramp", RampState) or RampState()

    @property
    def purpose(self) -> Purpose | None:
        """``5ps/purpose.yaml``."""
        return self._one("purpose", Purpose)

    @property
    def patients(self) -> Patients | None:
        """``5ps/patients.yaml``."""
        return self._one("patients", Patients)

    @property
    def professionals(self) -> Professionals | None:
        """``5ps/professionals.yaml``."""
        return self._one("professionals", Professionals)

    @property
    def processes(self) -> Processes | None:
        """``5ps/processes.yaml``."""
        return self._one("processes", Processes)

    @property
    def patterns(self) -> Patterns | None:
        """``5ps/patterns.yaml``."""
        return self._one("patterns", Patterns)

    @property
    def themes(self) -> Themes | None:
        """``themes.yaml``."""
        return self._one("themes", Themes)

    @property
    def aims(self) -> Aims | None:
        """``aims.yaml``."""
        return self._one("aims", Aims)

    @property
    def change_ideas(self) -> ChangeIdeas | None:
        """``change-ideas.yaml``."""
        return self._one("change_ideas", ChangeIdeas)

    @property
    def process_maps(self) -> list[ProcessMap]:
        """Every valid process map."""
        return self._many("process_map", ProcessMap)

    @property
    def fishbones(self) -> list[Fishbone]:
        """Every valid fishbone."""
        return self._many("fishbone", Fishbone)

    @property
    def driver_diagrams(self) -> list[DriverDiagram]:
        """Every valid driver diagram."""
        return self._many("driver_diagram", DriverDiagram)

    @property
    def measures(self) -> list[Measure]:
        """Every valid measure."""
        return self._many("measure", Measure)

    @property
    def pdsa_cycles(self) -> list[PDSA]:
        """Every valid PDSA cycle."""
        return self._many("pdsa", PDSA)

    @property
    def sdsa_cycles(self) -> list[SDSA]:
        """Every valid SDSA cycle."""
        return self._many("sdsa", SDSA)

    @property
    def playbook(self) -> list[PlaybookEntry]:
        """Every valid playbook entry."""
        return self._many("playbook", PlaybookEntry)

    @property
    def meetings(self) -> list[Meeting]:
        """Every valid meeting, oldest first."""
        return sorted(self._many("meeting", Meeting), key=lambda m: m.date)

    @property
    def self_assessments(self) -> list[SelfAssessment]:
        """Every valid self-assessment, oldest first."""
        return sorted(self._many("self_assessment", SelfAssessment), key=lambda s: s.date)

    @property
    def is_pathway(self) -> bool:
        """True for a pathway (mesosystem) workbook: one with ``pathway.yaml``, valid or not."""
        return self.file(PATHWAY) is not None

    @property
    def kind(self) -> str:
        """``pathway`` or ``microsystem``."""
        return "pathway" if self.is_pathway else "microsystem"

    @property
    def pathway(self) -> Pathway | None:
        """``pathway.yaml``, if valid."""
        return self._one("pathway", Pathway)

    @property
    def value(self) -> Value | None:
        """``5vs/value.yaml``."""
        return self._one("value", Value)

    @property
    def involve(self) -> Involve | None:
        """``5vs/involve.yaml``."""
        return self._one("involve", Involve)

    @property
    def visualisation(self) -> Visualisation | None:
        """``5vs/visualisation.yaml``."""
        return self._one("visualisation", Visualisation)

    @property
    def evidence(self) -> Evidence | None:
        """``5vs/evidence.yaml``."""
        return self._one("evidence", Evidence)

    @property
    def vision(self) -> Vision | None:
        """``5vs/vision.yaml``."""
        return self._one("vision", Vision)

    @property
    def big_room(self) -> list[BigRoomMeeting]:
        """Every valid big room meeting, oldest first."""
        return sorted(self._many("big_room", BigRoomMeeting), key=lambda m: m.date)

    @property
    def value_streams(self) -> list[ValueStreamMap]:
        """Every valid value stream map."""
        return self._many("value_stream", ValueStreamMap)

    @property
    def stories(self) -> list[PatientStory]:
        """Every valid patient story."""
        return self._many("story", PatientStory)

    def values(self, measure_id: str) -> list[DataPoint]:
        """The data points of a measure (inline or from its CSV), in file order."""
        return self.measure_values.get(measure_id, [])

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every finding in every file, sorted by file and position."""
        return sort_diagnostics(d for f in self.files for d in f.diagnostics)

    @property
    def yaml_file_count(self) -> int:
        """How many files were checked against a schema or as data."""
        return len(self.checked_files)

    @property
    def checked_files(self) -> tuple[Path, ...]:
        """The files checked against a schema or as data, in the order found."""
        return tuple(f.path for f in self.files if f.kind is not None or f.rel.endswith(".csv"))
