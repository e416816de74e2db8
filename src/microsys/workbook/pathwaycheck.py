"""Checks of pathway (mesosystem) workbooks.

Inside one workbook (:func:`check`, run by the loader): hand-offs, value stream
steps, stories and big room meetings name microsystems and hand-offs the
pathway has, and the measures watching a hand-off exist. Across workbooks
(:func:`check_links`, run by ``check``): each linked microsystem workbook
exists, is a microsystem and is valid, and a process map step that points to a
pathway's hand-off points to one that exists.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, cast

from microsys import rules
from microsys.diagnostics import Diagnostic, PathPart, Severity
from microsys.rules import Rule
from microsys.schema.files import MANIFEST, MICROSYSTEM_ONLY, PATHWAY_ONLY
from microsys.schema.improvement import ProcessMap
from microsys.schema.messages import did_you_mean
from microsys.schema.pathway import (
    PATHWAY,
    BigRoomMeeting,
    Pathway,
    PatientStory,
    ValueStreamMap,
    Visualisation,
)
from microsys.workbook.model import SourceFile, Workbook

if TYPE_CHECKING:
    from microsys.yaml.load import ReadLimits


def _finding(
    sf: SourceFile, where: Sequence[PathPart], rule: Rule, message: str, hint: str | None
) -> Diagnostic:
    return Diagnostic.of(rule, sf.path, message, hint, yaml_path=where, unresolved=True)


def _hint(ref: str, known: Iterable[str], what: str, home: str) -> str:
    options = sorted(known)
    guess = did_you_mean(ref, options)
    if guess:
        return f"did you mean `{guess}`?"
    if options:
        return f"known {what}s: " + ", ".join(f"`{o}`" for o in options[:12])
    return f"there are no {what}s yet: add one in {home}"


def check(wb: Workbook) -> list[Diagnostic]:
    """Findings about the pathway files of one loaded workbook (none for a plain microsystem)."""
    out = list(_wrong_kind_files(wb))
    pathway_file = wb.file(PATHWAY)
    pathway = wb.pathway
    if pathway_file is None or pathway is None:
        return out  # no pathway, or its own findings come first
    micro = {m.id for m in pathway.microsystems}
    hand_offs = {h.id for h in pathway.hand_offs}
    measures = {m.id for m in wb.measures} | {
        PurePath(f.rel).stem
        for f in wb.files
        if f.kind is not None and f.kind.key == "measure" and f.model is None
    }

    def unknown_micro(sf: SourceFile, where: Sequence[PathPart], ref: str) -> Diagnostic:
        return _finding(
            sf,
            where,
            rules.PATHWAY_UNKNOWN_MICROSYSTEM,
            f"`{ref}` is not one of the pathway's microsystems",
            _hint(ref, micro, "microsystem", "`microsystems:` of pathway.yaml"),
        )

    def unknown_hand_off(sf: SourceFile, where: Sequence[PathPart], ref: str) -> Diagnostic:
        return _finding(
            sf,
            where,
            rules.PATHWAY_UNKNOWN_HAND_OFF,
            f"`{ref}` is not one of the pathway's hand-offs",
            _hint(ref, hand_offs, "hand-off", "`hand_offs:` of pathway.yaml"),
        )

    out.extend(_duplicates(pathway_file, [m.id for m in pathway.microsystems], "microsystems", "microsystem"))
    out.extend(_duplicates(pathway_file, [h.id for h in pathway.hand_offs], "hand_offs", "hand-off"))
    for i, h in enumerate(pathway.hand_offs):
        if h.from_ == h.to:
            out.append(
                _finding(
                    pathway_file,
                    (("hand_offs", i, "to")),
                    rules.PATHWAY_HAND_OFF_TO_ITSELF,
                    f"the hand-off `{h.id}` goes from `{h.from_}` to itself",
                    "a hand-off goes from one microsystem to another: fix `from:` or `to:`",
                )
            )
        for key, ref in (("from", h.from_), ("to", h.to)):
            if ref not in micro:
                out.append(unknown_micro(pathway_file, ("hand_offs", i, key), ref))
        for j, m in enumerate(h.measures):
            if m not in measures:
                out.append(
                    _finding(
                        pathway_file,
                        ("hand_offs", i, "measures", j),
                        rules.REF_UNKNOWN_ID,
                        f"`{m}` is not a measure in this workbook",
                        _hint(m, measures, "measure", "measures/"),
                    )
                )
    kinds = [c.kind for c in pathway.co_coaches]
    if kinds.count("clinical") < 1 or kinds.count("external") < 1:
        have = ", ".join(kinds) if kinds else "none"
        out.append(
            _finding(
                pathway_file,
                ("co_coaches",) if pathway.co_coaches else (),
                rules.PATHWAY_CO_COACHES,
                f"the big room needs two co-coaches, one `clinical` and one `external` (found: {have})",
                "add both under `co_coaches:` with `kind: clinical` and `kind: external`",
            )
        )
    for sf, model in wb.records("value_stream"):
        vsm = cast(ValueStreamMap, model)
        for i, step in enumerate(vsm.steps):
            if step.microsystem is not None and step.microsystem not in micro:
                out.append(unknown_micro(sf, ("steps", i, "microsystem"), step.microsystem))
            if step.hand_off is not None and step.hand_off not in hand_offs:
                out.append(unknown_hand_off(sf, ("steps", i, "hand_off"), step.hand_off))
    for sf, model in wb.records("story"):
        for i, ref in enumerate(cast(PatientStory, model).hand_offs):
            if ref not in hand_offs:
                out.append(unknown_hand_off(sf, ("hand_offs", i), ref))
    for sf, model in wb.records("big_room"):
        for i, ref in enumerate(cast(BigRoomMeeting, model).microsystems):
            if ref not in micro:
                out.append(unknown_micro(sf, ("microsystems", i), ref))
    streams = {PurePath(f.rel).stem for f in wb.files if f.kind is not None and f.kind.key == "value_stream"}
    for sf, model in wb.records("visualisation"):
        for i, ref in enumerate(cast(Visualisation, model).value_stream_maps):
            if ref not in streams:
                out.append(
                    _finding(
                        sf,
                        ("value_stream_maps", i),
                        rules.REF_UNKNOWN_ID,
                        f"`{ref}` is not a value stream map in this workbook",
                        _hint(ref, streams, "value stream map", "value-streams/"),
                    )
                )
    return out


def _duplicates(sf: SourceFile, ids: Sequence[str], key: str, what: str) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            yield _finding(
                sf,
                (key, i, "id"),
                rules.REF_DUPLICATE_ID,
                f"the {what} id `{ident}` is used twice",
                "give each its own id",
            )
        seen.add(ident)


def _wrong_kind_files(wb: Workbook) -> Iterator[Diagnostic]:
    pathway = wb.is_pathway
    for sf in wb.files:
        if sf.kind is None:
            continue
        if not pathway and sf.kind.key in PATHWAY_ONLY - {"pathway"}:
            yield Diagnostic.of(
                rules.PATHWAY_WRONG_KIND_FILE,
                sf.path,
                f"{sf.kind.title} belong to a pathway workbook; this workbook has no pathway.yaml",
                "move the file to the pathway's workbook, or add pathway.yaml if this is a pathway",
            )
        elif pathway and sf.kind.key in MICROSYSTEM_ONLY:
            yield Diagnostic.of(
                rules.PATHWAY_WRONG_KIND_FILE,
                sf.path,
                "a pathway workbook is assessed with the 5Vs (5vs/), not the 5Ps",
                "move what it says into the 5Vs (5vs/value.yaml, 5vs/involve.yaml ...) "
                "or into the workbook of the microsystem it describes",
            )


# --- Across workbooks -------------------------------------------------------------


def _resolve(base: Path, rel: str) -> Path | None:
    """The folder ``rel`` names relative to ``base``; None for an absolute path."""
    if PurePath(rel).is_absolute() or rel.startswith("~") or (len(rel) > 1 and rel[1] == ":"):
        return None
    return base / rel


def check_links(
    wb: Workbook, limits: ReadLimits | None = None, known_errors: Mapping[Path, int] | None = None
) -> list[Diagnostic]:
    """Findings about links to other workbooks: a pathway's microsystems, process maps' hand-offs.

    ``known_errors`` holds the errors of workbooks this run has loaded already (by
    resolved folder), so that a linked workbook is not loaded a second time.
    """
    out: list[Diagnostic] = []
    pathway_file = wb.file(PATHWAY)
    pathway = wb.pathway
    if pathway_file is not None and pathway is not None:
        out.extend(_linked_microsystems(wb, pathway_file, pathway, limits, known_errors or {}))
    out.extend(_process_map_hand_offs(wb))
    return out


def is_pathway_folder(folder: Path) -> bool:
    """True when ``folder`` holds a pathway workbook (its links are checked against others)."""
    return (folder / PATHWAY).is_file()


def _linked_microsystems(
    wb: Workbook, sf: SourceFile, pathway: Pathway, limits: ReadLimits | None, known: Mapping[Path, int]
) -> Iterator[Diagnostic]:
    from microsys.workbook.discover import display_path
    from microsys.workbook.loader import load_workbook

    for i, link in enumerate(pathway.microsystems):
        where = ("microsystems", i, "path")
        folder = _resolve(wb.root, link.path)
        if folder is None:
            yield _finding(
                sf,
                where,
                rules.PATHWAY_LINK_ABSOLUTE,
                f"`{link.path}` is not a relative path",
                "name the workbook folder relative to this one, e.g. `../amu`, so the link works "
                "wherever the repository is checked out",
            )
            continue
        if not (folder / MANIFEST).is_file():
            yield _finding(
                sf,
                where,
                rules.PATHWAY_LINK_MISSING,
                f"there is no microsystem workbook at `{link.path}` "
                f"(no {MANIFEST} in {os.path.normpath(wb.path / link.path)})",
                "fix the path, or create the workbook with "
                f"`microsys init {os.path.normpath(wb.path / link.path)}`",
            )
            continue
        if (folder / PATHWAY).is_file():
            yield _finding(
                sf,
                where,
                rules.PATHWAY_LINK_NOT_MICROSYSTEM,
                f"`{link.path}` is a pathway workbook, not a microsystem",
                "link the microsystem workbooks the patient passes through",
            )
            continue
        errors = known.get(folder.resolve())
        if errors is None:
            errors = sum(1 for d in load_workbook(folder, limits).diagnostics if d.severity is Severity.ERROR)
        if errors:
            yield _finding(
                sf,
                where,
                rules.PATHWAY_LINK_INVALID,
                f"the linked workbook `{link.path}` has {errors} error(s)",
                f"run `microsys check {display_path(folder)}` and fix them",
            )


def _process_map_hand_offs(wb: Workbook) -> Iterator[Diagnostic]:
    from microsys.yaml.load import load_file

    cache: dict[Path, set[str] | None] = {}
    for sf, model in wb.records("process_map"):
        for i, step in enumerate(cast(ProcessMap, model).steps):
            ref = step.hand_off
            if ref is None:
                continue
            where = ("steps", i, "hand_off")
            folder = _resolve(wb.root, ref.pathway)
            if folder is None or not (folder / PATHWAY).is_file():
                yield _finding(
                    sf,
                    (*where, "pathway"),
                    rules.PATHWAY_LINK_MISSING,
                    f"there is no pathway workbook at `{ref.pathway}`",
                    "name the pathway workbook folder (the one with pathway.yaml) relative to this workbook",
                )
                continue
            key = folder.resolve()
            if key not in cache:
                _, data, diags = load_file(folder / PATHWAY)
                ids: set[str] | None = None
                if data is not None and not diags:
                    try:
                        ids = {h.id for h in Pathway.model_validate(data).hand_offs}
                    except ValueError:
                        ids = None
                cache[key] = ids
            ids = cache[key]
            if ids is None:
                yield _finding(
                    sf,
                    (*where, "pathway"),
                    rules.PATHWAY_LINK_INVALID,
                    f"the pathway's {PATHWAY} at `{ref.pathway}` has errors",
                    f"run `microsys check {os.path.normpath(wb.path / ref.pathway)}` and fix them",
                )
            elif ref.id not in ids:
                yield _finding(
                    sf,
                    (*where, "id"),
                    rules.PATHWAY_UNKNOWN_HAND_OFF,
                    f"`{ref.id}` is not a hand-off of the pathway at `{ref.pathway}`",
                    _hint(ref.id, ids, "hand-off", f"{ref.pathway}/{PATHWAY}"),
                )
