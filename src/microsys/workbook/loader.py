"""Load a whole workbook: every file parsed and validated, every problem collected.

One broken file never hides the others. Positions (line and column) are
computed only for files that have findings, with the slower round-trip parser.
"""

from __future__ import annotations

import os
import stat
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path, PurePath
from typing import Any, Protocol, cast

from pydantic import ValidationError

from microsys import rules, sheets
from microsys.diagnostics import Diagnostic
from microsys.schema.files import FILE_KINDS, is_allowed_extra, kind_of, known_names
from microsys.schema.measures import Measure
from microsys.schema.messages import did_you_mean, translate
from microsys.shell import quote
from microsys.workbook import crossref, csvdata, privacy, suppress
from microsys.workbook.discover import display_path, workbook_entries

# Re-exported: most code knows the workbook as the loader's.
from microsys.workbook.model import SourceFile as SourceFile
from microsys.workbook.model import Workbook as Workbook
from microsys.yaml.load import Folder, ReadLimits, load_file, parse_text, read_text
from microsys.yaml.positions import resolve


def _validate(sf: SourceFile, data: Any) -> None:
    assert sf.kind is not None
    try:
        sf.model = sf.kind.model.model_validate(data)
    except ValidationError as exc:
        sf.diagnostics.extend(translate(exc, sf.kind.model, sf.path, data))
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


class ParsedFiles(Protocol):
    """What YAML files parsed to last time, by workbook-relative path and exact text (a verified cache)."""

    def get(self, rel: str, text: str) -> Any:
        """The data ``text`` parsed to before, or None (not known, or the text differs)."""

    def put(self, rel: str, text: str, data: Any) -> None:
        """Remember that ``text`` parsed to ``data``, without a finding."""


def _load_yaml(
    path: Path, rel: str, limits: ReadLimits, root: Folder, parsed: ParsedFiles | None
) -> tuple[str | None, Any, list[Diagnostic]]:
    """:func:`~microsys.yaml.load.load_file`, with the parse skipped when ``parsed`` knows the text."""
    if parsed is None:
        return load_file(path, limits, root)
    loaded = read_text(path, limits, root)
    if loaded.text is None:
        return None, None, loaded.diagnostics
    data = parsed.get(rel, loaded.text)
    if data is not None:
        return loaded.text, data, []
    data, diags = parse_text(path, loaded.text, limits)
    if data is not None and not diags:
        parsed.put(rel, loaded.text, data)
    return loaded.text, data, diags


def load_workbook(
    root: Path, limits: ReadLimits | None = None, parsed: ParsedFiles | None = None
) -> Workbook:
    """Load and check every file of the workbook at ``root``; never raises for bad files.

    ``parsed`` gives what files parsed to last time (exact text only), so only the
    files that changed are parsed again; everything else (validation, links, the
    identifier scan of text and values) is done as always.
    """
    limits = limits or ReadLimits()
    shown_root = display_path(root)
    files: list[SourceFile] = []
    loaded: list[Any] = []
    problems: list[Diagnostic] = []
    folder = Folder.of(root)
    hidden: list[str] = []
    for path, rel in workbook_entries(root, problems, hidden):
        sf = SourceFile(path=shown_root / rel, rel=rel, kind=kind_of(rel))
        files.append(sf)
        data = None
        if sf.kind is not None:
            text, data, diags = _load_yaml(path, rel, limits, folder, parsed)
            sf.text = text
            sf.diagnostics.extend(d if d.path == sf.path else _with_path(d, sf.path) for d in diags)
            if data is not None:
                _validate(sf, data)
        elif not is_allowed_extra(rel):
            sf.diagnostics.append(_unknown_file(sf))
        loaded.append(data)
    for problem in problems:  # folders that could not be read or lead out of the workbook
        rel = problem.path.relative_to(root).as_posix()
        files.append(
            SourceFile(shown_root / rel, rel, None, diagnostics=[_with_path(problem, shown_root / rel)])
        )
        loaded.append(None)
    workbook = Workbook(root=root, path=shown_root, files=files, hidden_files=hidden)
    _load_measure_data(workbook, limits, folder)
    for sf, data in zip(files, loaded, strict=True):
        _scan_privacy(workbook, sf, data, limits, folder)
    manifest = workbook.manifest
    if manifest is not None:
        workbook.listed_suppressions = [
            suppress.ListedSuppression(i, e.path, e.rule, e.line) for i, e in enumerate(manifest.suppress)
        ]
    add_findings(workbook, crossref.check(workbook))
    crossref.title_hints(workbook)
    return workbook


# Files that are never text: not worth reading for the identifier scan.
_BINARY_SUFFIXES = frozenset(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".bmp",
        ".tif",
        ".tiff",
        ".ico",
        ".pdf",
        ".zip",
        ".gz",
        ".xlsx",
        ".xls",
        ".docx",
        ".doc",
        ".pptx",
        ".ppt",
        ".odt",
        ".ods",
        ".mp4",
        ".mov",
        ".mp3",
        ".wav",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".pyc",
        ".so",
        ".dll",
        ".exe",
    ]
)


def _extra_text(workbook: Workbook, sf: SourceFile, limits: ReadLimits, folder: Folder) -> str | None:
    """The text of a file the format does not parse (Markdown, notes, unused CSV), if it is text."""
    if sf.text is not None:
        return sf.text
    if PurePath(sf.rel).suffix.lower() in _BINARY_SUFFIXES:
        return None
    target = workbook.root / sf.rel
    try:
        # Only regular files inside the workbook: a FIFO or a device would hang the read,
        # and a link out of the workbook is not the workbook's text.
        if not stat.S_ISREG(target.stat().st_mode):
            return None
        if not target.resolve().is_relative_to(folder.real):
            return None
    except OSError:
        return None
    loaded = read_text(target, limits, folder)
    if loaded.text is not None:
        return loaded.text
    rules_met = {d.rule for d in loaded.diagnostics}
    if rules.FILE_ENCODING.id in rules_met or (rules.FILE_BINARY.id in rules_met and sf.kind is not None):
        return _undecodable_text(target, limits)
    return None


def _undecodable_text(target: Path, limits: ReadLimits) -> str | None:
    """Best-effort text of a file that is not UTF-8 (Windows-1252, UTF-16, NUL bytes), for the scan.

    Such a file is left out of every output, but an identifier in it is still in the
    repository: ``check`` must find it. Digits survive any of these decodings.
    """
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > limits.max_bytes:
            return None
        raw = fh.read(limits.max_bytes).replace(b"\x00", b"")
    # Text in another encoding has no control bytes but line ends and tabs; data that has
    # them is binary, whose digits would only give false alarms.
    if raw.translate(None, _TEXT_CONTROLS).translate(None, _PRINTABLE) != b"":
        return None
    return raw.decode("utf-8", errors="replace")


_TEXT_CONTROLS = b"\t\n\v\f\r\x1a"
_PRINTABLE = bytes(range(32, 256))


def _may_hide(text: str) -> bool:
    """True when loading can change what the raw text shows: escapes, tags, Unicode spaces.

    Plain ASCII YAML without a backslash or a tag loads into substrings of its own text (line
    breaks folded to spaces, which the detectors accept inside numbers), so the raw scan has
    seen everything already and the second pass over the loaded values is skipped.
    """
    return not text.isascii() or "\\" in text or "!" in text


def _scan_privacy(workbook: Workbook, sf: SourceFile, data: Any, limits: ReadLimits, folder: Folder) -> None:
    """Identifier findings in a file's name, raw text, loaded values and (CSV) table shape."""
    in_name = privacy.scan_name(sf.path, sf.rel)
    if in_name:
        sf.diagnostics.extend(in_name)
        sf.shown_path = privacy.masked_path(sf.path, sf.rel)
    text = _extra_text(workbook, sf, limits, folder)
    if text is None:
        return
    found, raw = privacy.scan_text_keys(sf.path, text)
    sf.diagnostics.extend(found)
    if data is not None and _may_hide(text):
        in_values = privacy.scan_values(sf.path, data)
        if in_values:
            # Place them now (a round-trip parse, only for files with identifiers) to tell
            # what the raw text already showed from what escapes or !!binary hid.
            placed = resolve([d for d, _ in in_values], text)
            sf.diagnostics.extend(privacy.drop_seen(placed, [k for _, k in in_values], raw, text))
    if sf.rel.lower().endswith(".csv"):
        sf.diagnostics.extend(privacy.scan_table(sf.path, text))
    sf.suppressions = suppress.parse(sf.path, text)
    sf.diagnostics.extend(sf.suppressions.problems)


def add_findings(workbook: Workbook, findings: Sequence[Diagnostic]) -> None:
    """Attach findings to their files, turning YAML paths into lines and columns."""
    by_path: dict[Path, list[Diagnostic]] = defaultdict(list)
    for d in findings:
        by_path[d.path].append(d)
    for sf in workbook.files:
        sf.diagnostics.extend(by_path.get(sf.path, []))
        _resolve(sf)
    _apply_suppressions(workbook)
    for sf in workbook.files:
        _redact(sf)


def _resolve(sf: SourceFile) -> None:
    if sf.text is not None and any(d.unresolved for d in sf.diagnostics):
        sf.diagnostics = resolve(sf.diagnostics, sf.text)
    else:
        sf.diagnostics = [d.at(0, 0) if d.unresolved else d for d in sf.diagnostics]


def _apply_suppressions(workbook: Workbook) -> None:
    """Drop the findings suppressed with a reason; warn about suppressions that cover nothing.

    Runs after every batch of findings: a suppression used by a later batch (the git-based
    checks) is no longer reported as unused.
    """
    listed = workbook.listed_suppressions
    for sf in workbook.files:
        kept = suppress.apply([d for d in sf.diagnostics if d.rule != "suppress.unused"], sf.suppressions)
        if listed:
            remaining = []
            for d in kept:
                entry = next((e for e in listed if e.covers(sf.rel, d)), None)
                if entry is None:
                    remaining.append(d)
                else:
                    entry.used = True
            kept = remaining
        sf.diagnostics = kept + suppress.unused(sf.path, sf.suppressions)
    manifest = next((f for f in workbook.files if f.kind is not None and f.kind.key == "manifest"), None)
    if manifest is not None and listed:
        manifest.diagnostics.extend(suppress.listed_unused(manifest.path, listed))
        _resolve(manifest)


def _redact(sf: SourceFile) -> None:
    """Mask identifiers that a finding would echo: in messages, hints, YAML paths and file names."""
    renames: list[tuple[str, str]] = []
    if sf.shown_path is not None:
        shown_parts = sf.shown_path.parts[-len(PurePath(sf.rel).parts) :]
        renames = [(a, b) for a, b in zip(PurePath(sf.rel).parts, shown_parts, strict=True) if a != b]
    out = []
    for d in sf.diagnostics:
        if sf.shown_path is not None and d.path != sf.shown_path:
            d = replace(d, path=sf.shown_path)
        if renames and not d.rule.startswith("privacy."):
            message, hint = d.message, d.hint
            for real, masked in renames:
                message = message.replace(real, masked)
                hint = hint.replace(real, masked) if hint is not None else None
            d = replace(d, message=message, hint=hint)
        out.append(d if d.rule.startswith("privacy.") else privacy.redact(d))
    sf.diagnostics = out


def _with_path(d: Diagnostic, path: Path) -> Diagnostic:
    return replace(d, path=path)


def _load_measure_data(workbook: Workbook, limits: ReadLimits, folder: Folder) -> None:
    used: set[str] = set()
    for sf, model in workbook.records("measure"):
        measure = cast(Measure, model)
        if measure.data is None:
            workbook.measure_values[measure.id] = list(measure.values)
            continue
        csv_rel = (PurePath(sf.rel).parent / measure.data).as_posix()
        target = (workbook.root / csv_rel).resolve()
        if not target.is_relative_to(folder.real) or ".." in PurePath(measure.data).parts:
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
        if csv_file is None or not target.exists():
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
        loaded = read_text(workbook.root / csv_rel, limits, folder)
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
            hint=f"run `microsys check {quote(wb.path)}` and fix them first",
        )
