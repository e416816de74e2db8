"""Load a whole workbook: every file parsed and validated, every problem collected.

One broken file never hides the others. Positions (line and column) are
computed only for files that have findings, with the slower round-trip parser.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path, PurePath
from typing import Any, cast

from pydantic import ValidationError

from microsys import rules, sheets
from microsys.diagnostics import Diagnostic
from microsys.schema.files import FILE_KINDS, is_allowed_extra, kind_of, known_names
from microsys.schema.measures import Measure
from microsys.schema.messages import did_you_mean, translate
from microsys.workbook import crossref, csvdata, privacy
from microsys.workbook.discover import display_path, workbook_files

# Re-exported: most code knows the workbook as the loader's.
from microsys.workbook.model import SourceFile as SourceFile
from microsys.workbook.model import Workbook as Workbook
from microsys.yaml.load import ReadLimits, load_file, read_text
from microsys.yaml.positions import resolve


def _validate(sf: SourceFile, data: Any) -> None:
    assert sf.kind is not None
    try:
        sf.model = sf.kind.model.model_validate(data)
    except ValidationError as exc:
        sf.diagnostics.extend(translate(exc, sf.kind.model, sf.path))
    except RecursionError:
        sf.diagnostics.append(
            Diagnostic.of(
                path=sf.path, rule=rules.YAML_TOO_DEEP, message="the file is nested too deeply", hint=None
            )
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
    return Diagnostic.of(
        path=sf.path,
        rule=rules.WORKBOOK_UNKNOWN_FILE,
        message="this file is not part of the workbook format",
        hint=hint,
    )


def load_workbook(root: Path, limits: ReadLimits | None = None) -> Workbook:
    """Load and check every file of the workbook at ``root``; never raises for bad files."""
    limits = limits or ReadLimits()
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


def _load_measure_data(workbook: Workbook, limits: ReadLimits) -> None:
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
                Diagnostic.of(
                    path=sf.path,
                    rule=rules.MEASURE_DATA_OUTSIDE,
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
                Diagnostic.of(
                    path=sf.path,
                    rule=rules.MEASURE_DATA_MISSING,
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
                Diagnostic.of(
                    path=sf.path,
                    rule=rules.MEASURE_TWO_SOURCES,
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


def open_workbook(path: Path, limits: ReadLimits | None = None) -> Workbook:
    """Load the workbook holding ``path`` (a workbook folder or a file in one).

    Raises:
        UsageError: the path does not exist or is not in a workbook.
    """
    return load_workbook(_root_of(path), limits)


@contextmanager
def open_for_writing(path: Path, limits: ReadLimits | None = None) -> Iterator[Workbook]:
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


def without_broken(wb: Workbook) -> Workbook:
    """The workbook as outputs show it: a file with errors contributes nothing.

    Reports and charts say which files they left out; what is in those files must
    then be in none of their parts (sections, chart markers and notes, legends,
    tables, JSON, alt text, file names). Here such a file has no model and no
    text, and a measure whose data file has errors is left out with it (half its
    data would be a false chart). Findings are kept, to say what was left out.
    """
    broken = {f.rel for f in wb.files if f.has_errors}
    for sf, model in wb.records("measure"):
        data = cast(Measure, model).data
        if data is not None and (PurePath(sf.rel).parent / data).as_posix() in broken:
            broken.add(sf.rel)
    files = [replace(f, model=None, text=None) if f.rel in broken else f for f in wb.files]
    kept = {cast(Measure, m).id for sf, m in wb.records("measure") if sf.rel not in broken}
    return Workbook(
        root=wb.root,
        path=wb.path,
        files=files,
        measure_values={k: v for k, v in wb.measure_values.items() if k in kept},
        measure_csv_lines={k: v for k, v in wb.measure_csv_lines.items() if k in kept},
    )


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
