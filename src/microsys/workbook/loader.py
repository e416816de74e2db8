"""Load a whole workbook: every file parsed and validated, every problem collected.

One broken file never hides the others. Positions (line and column) are
computed only for files that have findings, with the slower round-trip parser.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any, TypeVar, cast

from pydantic import ValidationError

from microsys import sheets
from microsys.diagnostics import Diagnostic, Severity, sort_diagnostics
from microsys.schema.base import Model
from microsys.schema.cycles import PDSA, SDSA, PlaybookEntry
from microsys.schema.files import FILE_KINDS, FileKind, is_allowed_extra, kind_of, known_names
from microsys.schema.fiveps import Patients, Patterns, Processes, Professionals, Purpose
from microsys.schema.identity import Manifest, RampState
from microsys.schema.improvement import Aims, ChangeIdeas, Fishbone, ProcessMap, Themes
from microsys.schema.measures import DataPoint, Measure
from microsys.schema.meetings import Meeting, SelfAssessment
from microsys.schema.messages import did_you_mean, translate
from microsys.workbook import csvdata, privacy
from microsys.workbook.discover import display_path, workbook_files
from microsys.yaml.load import Limits, load_file, read_text
from microsys.yaml.positions import resolve

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


def _validate(sf: SourceFile, data: Any) -> None:
    assert sf.kind is not None
    try:
        sf.model = sf.kind.model.model_validate(data)
    except ValidationError as exc:
        sf.diagnostics.extend(translate(exc, sf.kind.model, sf.path))
    except RecursionError:
        sf.diagnostics.append(
            Diagnostic(path=sf.path, rule="yaml.too-deep", message="the file is nested too deeply", hint=None)
        )


def _unknown_file(sf: SourceFile) -> Diagnostic:
    rel = PurePath(sf.rel)
    hint = None
    if rel.suffix == ".yml":
        yaml_name = str(rel.with_suffix(".yaml").as_posix())
        if kind_of(yaml_name) is not None:
            hint = f"rename it to `{rel.with_suffix('.yaml').name}`: workbook files end in `.yaml`"
    if hint is None:
        top = rel.parts[0] + ("/" if len(rel.parts) > 1 else "")
        guess = did_you_mean(top, known_names())
        if guess and guess != top:
            hint = f"did you mean `{guess}`?"
        else:
            hint = "microsys does not check this file; move it out of the workbook if it does not belong here"
    return Diagnostic(
        path=sf.path,
        rule="workbook.unknown-file",
        severity=Severity.WARNING,
        message="this file is not part of the workbook format",
        hint=hint,
    )


def load_workbook(root: Path, limits: Limits | None = None) -> Workbook:
    """Load and check every file of the workbook at ``root``; never raises for bad files."""
    from microsys.workbook import crossref

    limits = limits or Limits()
    shown_root = display_path(root)
    files: list[SourceFile] = []
    for path in workbook_files(root):
        rel = path.relative_to(root).as_posix()
        sf = SourceFile(path=shown_root / rel, rel=rel, kind=kind_of(rel))
        files.append(sf)
        if sf.kind is not None:
            text, data, diags = load_file(path, limits)
            sf.text = text
            sf.diagnostics.extend(d if d.path == sf.path else _with_path(d, sf.path) for d in diags)
            if data is not None:
                _validate(sf, data)
        elif not is_allowed_extra(rel):
            sf.diagnostics.append(_unknown_file(sf))
    workbook = Workbook(root=root, path=shown_root, files=files)
    _load_measure_data(workbook, limits)
    for sf in files:
        if sf.text is not None:
            sf.diagnostics.extend(privacy.scan_text(sf.path, sf.text))
    add_findings(workbook, crossref.check(workbook))
    return workbook


def add_findings(workbook: Workbook, findings: Sequence[Diagnostic]) -> None:
    """Attach findings to their files, turning YAML paths into lines and columns."""
    by_path: dict[Path, list[Diagnostic]] = defaultdict(list)
    for d in findings:
        by_path[d.path].append(d)
    for sf in workbook.files:
        sf.diagnostics.extend(by_path.get(sf.path, []))
        if sf.text is not None and any(d.unresolved for d in sf.diagnostics):
            sf.diagnostics = resolve(sf.diagnostics, sf.text)
        else:
            sf.diagnostics = [d.at(0, 0) if d.unresolved else d for d in sf.diagnostics]


def _with_path(d: Diagnostic, path: Path) -> Diagnostic:
    return replace(d, path=path)


def _load_measure_data(workbook: Workbook, limits: Limits) -> None:
    used: set[str] = set()
    for sf, model in workbook.records("measure"):
        measure = cast(Measure, model)
        if measure.data is None:
            workbook.measure_values[measure.id] = list(measure.values)
            continue
        csv_rel = (PurePath(sf.rel).parent / measure.data).as_posix()
        target = (workbook.root / csv_rel).resolve()
        if not target.is_relative_to(workbook.root.resolve()) or ".." in PurePath(measure.data).parts:
            sf.diagnostics.append(
                Diagnostic(
                    path=sf.path,
                    rule="measure.data-outside",
                    message=f"the data file `{measure.data}` is outside the workbook",
                    hint="keep the CSV beside the measure, e.g. `data: "
                    + PurePath(sf.rel).with_suffix(".csv").name
                    + "`",
                    yaml_path=("data",),
                    unresolved=True,
                )
            )
            continue
        csv_file = workbook.file(csv_rel)
        if csv_file is None or not target.is_file():
            sf.diagnostics.append(
                Diagnostic(
                    path=sf.path,
                    rule="measure.data-missing",
                    message=f"the data file `{measure.data}` does not exist",
                    hint=f"create `{csv_rel}` with the first line `date,value`, or fix the name",
                    yaml_path=("data",),
                    unresolved=True,
                )
            )
            continue
        used.add(csv_rel)
        loaded = read_text(target, limits)
        if loaded.text is None:
            csv_file.diagnostics.extend(_with_path(d, csv_file.path) for d in loaded.diagnostics)
            continue
        csv_file.text = loaded.text
        points, diags = csvdata.parse_csv(
            csv_file.path, loaded.text, percent_unit=sheets.is_percent_unit(measure.definition.unit)
        )
        csv_file.diagnostics.extend(diags)
        workbook.measure_values[measure.id] = [p for _, p in points]
        workbook.measure_csv_lines[measure.id] = [line for line, _ in points]
        if measure.values:
            sf.diagnostics.append(
                Diagnostic(
                    path=sf.path,
                    rule="measure.two-sources",
                    message="values are given both here and in the CSV file",
                    hint="keep the values in one place: either `values:` here or the CSV named by `data:`",
                    yaml_path=("values",),
                    unresolved=True,
                )
            )
    for sf in workbook.files:
        if sf.rel.startswith("measures/") and sf.rel.endswith(".csv") and sf.rel not in used:
            sf.diagnostics.append(csvdata.unused_csv(sf.path))


__all__ = ["FILE_KINDS", "SourceFile", "Workbook", "load_workbook"]


def _root_of(path: Path) -> Path:
    from microsys.errors import UsageError
    from microsys.workbook.discover import find_root

    root = find_root(path) if path.exists() else None
    if root is None:
        if path.exists():
            raise UsageError(
                f"no workbook found at {path}",
                hint="a workbook is a folder with a microsys.yaml file; "
                "create one with `microsys init FOLDER`",
            )
        raise UsageError(f"{path} does not exist", hint="check the spelling of the path")
    return root


def open_workbook(path: Path, limits: Limits | None = None) -> Workbook:
    """Load the workbook holding ``path`` (a workbook folder or a file in one).

    Raises:
        UsageError: the path does not exist or is not in a workbook.
    """
    return load_workbook(_root_of(path), limits)


@contextmanager
def open_for_writing(path: Path, limits: Limits | None = None) -> Iterator[Workbook]:
    """Load the workbook holding ``path`` with its write lock held until the block ends.

    A command reads, decides and commits inside the block, so no other command
    can change the workbook in between. Writes a killed command left half-done
    are undone first; :attr:`Workbook.undone` names their files.

    Raises:
        UsageError: the path does not exist or is not in a workbook.
        RefusedError: another command holds the lock, or the workbook cannot be written.
    """
    from microsys.storage import workbook_lock

    root = _root_of(path)
    with workbook_lock(root) as undone:
        wb = load_workbook(root, limits)
        wb.undone = tuple(undone)
        yield wb


def refuse_if_broken(wb: Workbook, sf: SourceFile | None, doing: str = "change") -> None:
    """Refuse to edit a file that has errors: fixing them comes first.

    Raises:
        RefusedError: the file has errors.
    """
    from microsys.errors import RefusedError

    if sf is not None and sf.has_errors:
        raise RefusedError(
            f"{sf.path} has errors, so microsys will not {doing} it",
            hint=f"run `microsys check {wb.path}` and fix them first",
        )
