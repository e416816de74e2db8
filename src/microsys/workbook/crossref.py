"""Checks across files: ids that must exist, ids that must be unique, dates in order.

Each check reads the loaded models and returns diagnostics carrying a YAML
path; the loader turns paths into line numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import PurePath
from typing import NamedTuple, cast

from microsys import rules
from microsys.diagnostics import Diagnostic, PathPart
from microsys.rules import Rule
from microsys.schema.cycles import PDSA, SDSA, PlaybookEntry
from microsys.schema.improvement import Aims, ChangeIdeas, DriverDiagram, Fishbone, ProcessMap, Themes
from microsys.schema.measures import Measure
from microsys.schema.meetings import Meeting, SelfAssessment
from microsys.schema.messages import did_you_mean
from microsys.spc.kinds import ChartKind, kind
from microsys.workbook import belonging, pathwaycheck
from microsys.workbook.model import SourceFile, Workbook


def finding(
    sf: SourceFile,
    where: Sequence[PathPart],
    rule: Rule,
    message: str,
    hint: str | None = None,
) -> Diagnostic:
    """A finding of ``rule`` about ``sf`` at the YAML path ``where`` (the loader finds line and column)."""
    return Diagnostic.of(rule, sf.path, message, hint, yaml_path=where, unresolved=True)


def _missing_ref(
    sf: SourceFile,
    where: Sequence[PathPart],
    ref: str,
    what: str,
    known: Iterable[str],
    home: str,
    scope: str = "in this workbook",
    titles: Mapping[str, str] | None = None,
) -> Diagnostic:
    options = sorted(known)
    titles = titles or {}

    def named(ident: str) -> str:
        return f"`{ident}` ({titles[ident]})" if titles.get(ident) else f"`{ident}`"

    # Teams often write the title they see instead of its id: `selected: Waiting in clinic`.
    by_title = {t.strip().casefold(): i for i, t in titles.items() if t and i in options}
    titled = by_title.get(ref.strip().casefold())
    if titled is None:
        near = did_you_mean(ref.strip().casefold(), list(by_title))
        titled = by_title[near] if near else None
    guess = did_you_mean(ref, options)
    if titled is not None:
        hint = f"refer to it by its id: did you mean {named(titled)}?"
    elif guess:
        hint = f"did you mean {named(guess)}?"
    elif options:
        shown = ", ".join(named(o) for o in options[:12]) + (" ..." if len(options) > 12 else "")
        hint = f"known {what}s: {shown}"
    else:
        hint = f"there are no {what}s yet: add one in {home}"
    return finding(sf, where, rules.REF_UNKNOWN_ID, f"`{ref}` is not a {what} {scope}", hint)


class _Target(NamedTuple):
    """A kind of record that others refer to by id."""

    what: str
    home: str
    # The single file that defines these ids, if any: while it has errors, references
    # to its ids are not reported (its own findings come first).
    defined_in: str | None = None


_TARGETS: dict[str, _Target] = {
    "theme": _Target("theme", "themes.yaml", "themes"),
    "global_aim": _Target("global aim", "aims.yaml", "aims"),
    "aim": _Target("specific or global aim", "aims.yaml", "aims"),
    "fishbone": _Target("fishbone", "fishbones/"),
    "change": _Target("change idea", "change-ideas.yaml", "change_ideas"),
    "measure": _Target("measure", "measures/"),
    "pdsa": _Target("PDSA cycle", "pdsa/"),
    "sdsa": _Target("SDSA cycle", "sdsa/"),
    "playbook": _Target("playbook entry", "playbook/"),
    "process_map": _Target("process map", "process-maps/"),
}


class _Index:
    """Ids of everything that can be referred to."""

    def __init__(self, wb: Workbook) -> None:
        themes = wb.themes
        aims = wb.aims
        ideas = wb.change_ideas
        self.ids: dict[str, set[str]] = {
            "theme": {t.id for t in themes.themes} if themes else set(),
            "global_aim": {a.id for a in aims.global_aims} if aims else set(),
            "aim": {a.id for a in aims.global_aims} | {a.id for a in aims.specific_aims} if aims else set(),
            "fishbone": {f.id for f in wb.fishbones},
            "change": {c.id for c in ideas.ideas} if ideas else set(),
            "measure": {m.id for m in wb.measures},
            "pdsa": {c.id for c in wb.pdsa_cycles},
            "sdsa": {c.id for c in wb.sdsa_cycles},
            "playbook": {p.id for p in wb.playbook},
            "process_map": {p.id for p in wb.process_maps},
        }
        self.titles: dict[str, dict[str, str]] = {
            "theme": {t.id: t.title for t in themes.themes} if themes else {},
            "aim": {a.id: a.statement or "" for a in aims.specific_aims} if aims else {},
            "change": {c.id: c.title for c in ideas.ideas} if ideas else {},
            "measure": {m.id: m.name for m in wb.measures},
            "pdsa": {c.id: c.title or "" for c in wb.pdsa_cycles},
            "process_map": {p.id: p.title or "" for p in wb.process_maps},
            "playbook": {p.id: p.title or "" for p in wb.playbook},
        }
        # A file that failed validation still defines its id for references, so one
        # mistake does not cascade into "unknown id" findings everywhere else.
        for f in wb.files:
            if f.kind is not None and f.kind.many and f.model is None and f.kind.key in self.ids:
                self.ids[f.kind.key].add(PurePath(f.rel).stem)
        self.broken = {
            f.kind.key for f in wb.files if f.kind is not None and f.model is None and not f.kind.many
        }

    def ref(
        self, sf: SourceFile, where: Sequence[PathPart], ref: str | None, kind: str
    ) -> Iterator[Diagnostic]:
        """A finding if ``ref`` is not an id of ``kind`` in this workbook."""
        target = _TARGETS[kind]
        known = self.ids[kind]
        if ref is None or ref in known or target.defined_in in self.broken:
            return
        yield _missing_ref(sf, where, ref, target.what, known, target.home, titles=self.titles.get(kind))


def check(wb: Workbook) -> list[Diagnostic]:
    """All cross-file findings of a loaded workbook."""
    idx = _Index(wb)
    out: list[Diagnostic] = []
    out.extend(_unique_file_ids(wb))
    out.extend(_themes_and_aims(wb, idx))
    out.extend(_maps_and_fishbones(wb, idx))
    out.extend(_driver_diagrams(wb, idx))
    out.extend(_changes(wb, idx))
    out.extend(_measures(wb))
    out.extend(_cycles(wb, idx))
    out.extend(_playbook(wb, idx))
    out.extend(_meetings_and_assessments(wb))
    out.extend(_ramp(wb))
    out.extend(_patterns(wb, idx))
    out.extend(belonging.check(wb))
    out.extend(pathwaycheck.check(wb))
    return out


def _duplicates(
    sf: SourceFile, ids: Sequence[str], where: Sequence[PathPart], what: str
) -> Iterator[Diagnostic]:
    seen: dict[str, int] = {}
    for i, ident in enumerate(ids):
        if ident in seen:
            yield finding(
                sf,
                (*where, i, "id"),
                rules.REF_DUPLICATE_ID,
                f"the {what} id `{ident}` is used twice (also item {seen[ident] + 1})",
                "give each one its own id",
            )
        else:
            seen[ident] = i


def _unique_file_ids(wb: Workbook) -> Iterator[Diagnostic]:
    for key, what in (
        ("measure", "measure"),
        ("pdsa", "PDSA cycle"),
        ("sdsa", "SDSA cycle"),
        ("playbook", "playbook entry"),
        ("process_map", "process map"),
        ("fishbone", "fishbone"),
        ("driver_diagram", "driver diagram"),
    ):
        seen: dict[str, SourceFile] = {}
        for sf, model in wb.records(key):
            ident = str(getattr(model, "id", ""))
            stem = PurePath(sf.rel).stem
            if ident in seen:
                yield finding(
                    sf,
                    ("id",),
                    rules.REF_DUPLICATE_ID,
                    f"the {what} id `{ident}` is also used in {seen[ident].path}",
                    "give each file its own id",
                )
            else:
                seen[ident] = sf
            if ident != stem:
                yield finding(
                    sf,
                    ("id",),
                    rules.REF_ID_NOT_FILENAME,
                    f"the id `{ident}` does not match the file name `{PurePath(sf.rel).name}`",
                    f"rename the file to `{ident}.yaml`, or set `id: {stem}`",
                )


def _sf(wb: Workbook, rel: str) -> SourceFile | None:
    sf = wb.file(rel)
    return sf if sf is not None and sf.model is not None else None


def _themes_and_aims(wb: Workbook, idx: _Index) -> Iterator[Diagnostic]:
    sf = _sf(wb, "themes.yaml")
    if sf is not None:
        themes = cast(Themes, sf.model)
        yield from _duplicates(sf, [t.id for t in themes.themes], ("themes",), "theme")
        yield from idx.ref(sf, ("selected",), themes.selected, "theme")
        if themes.selected:
            for i, t in enumerate(themes.themes):
                if t.status == "selected" and t.id != themes.selected:
                    yield finding(
                        sf,
                        ("themes", i, "status"),
                        rules.THEME_SELECTED_MISMATCH,
                        f"`{t.id}` is marked selected, but `selected:` names `{themes.selected}`",
                        "work on one theme at a time: mark the others `candidate`, `parked` or `done`",
                    )
                elif t.id == themes.selected and t.status != "selected" and "status" in t.model_fields_set:
                    yield finding(
                        sf,
                        ("themes", i, "status"),
                        rules.THEME_SELECTED_MISMATCH,
                        f"`selected:` names `{t.id}`, but `{t.id}` is marked `{t.status}`",
                        f"set `status: selected` on `{t.id}` "
                        "(and `done` or `parked` on the theme it follows)",
                    )
    sf = _sf(wb, "aims.yaml")
    if sf is None:
        return
    aims = cast(Aims, sf.model)
    yield from _duplicates(sf, [a.id for a in aims.global_aims], ("global_aims",), "global aim")
    yield from _duplicates(sf, [a.id for a in aims.specific_aims], ("specific_aims",), "specific aim")
    for i, ga in enumerate(aims.global_aims):
        yield from idx.ref(sf, ("global_aims", i, "theme"), ga.theme, "theme")
    proportions = {m.id for m in wb.measures if kind(m.chart).proportion}
    for i, sa in enumerate(aims.specific_aims):
        yield from idx.ref(sf, ("specific_aims", i, "global_aim"), sa.global_aim, "global_aim")
        yield from idx.ref(sf, ("specific_aims", i, "measure"), sa.measure, "measure")
        if sa.measure in proportions:
            for key in ("baseline", "target"):
                value = getattr(sa, key)
                if value is not None and not 0 <= value <= 1:
                    yield _proportion_range(sf, ("specific_aims", i, key), key, value)


def _maps_and_fishbones(wb: Workbook, idx: _Index) -> Iterator[Diagnostic]:
    for sf, model in wb.records("process_map"):
        pm = cast(ProcessMap, model)
        yield from idx.ref(sf, ("global_aim",), pm.global_aim, "global_aim")
        step_ids = [s.id for s in pm.steps]
        yield from _duplicates(sf, step_ids, ("steps",), "step")
        known = set(step_ids)
        yield from _owners(sf, pm)
        for i, step in enumerate(pm.steps):
            targets: list[tuple[tuple[PathPart, ...], str]] = [
                (("steps", i, "next", j), nxt) for j, nxt in enumerate(step.next)
            ]
            targets += [(("steps", i, "branches", j, "to"), br.to) for j, br in enumerate(step.branches)]
            for where, target in targets:
                if target not in known:
                    yield _missing_ref(sf, where, target, "step", known, "steps:", "in this map")
            if step.kind == "decision" and len(step.branches) < 2:
                yield finding(
                    sf,
                    ("steps", i),
                    rules.MAP_DECISION_BRANCHES,
                    f"the decision `{step.id}` has {len(step.branches)} branch(es); "
                    "a decision needs at least two",
                    "add `branches:` with a `label:` and `to:` for each answer",
                )
            if step.branches and step.kind != "decision":
                yield finding(
                    sf,
                    ("steps", i, "kind"),
                    rules.MAP_BRANCHES_WITHOUT_DECISION,
                    f"the step `{step.id}` has branches but is not a decision",
                    "set `kind: decision`",
                )
    for sf, model in wb.records("fishbone"):
        fb = cast(Fishbone, model)
        yield from idx.ref(sf, ("global_aim",), fb.global_aim, "global_aim")


def _owners(sf: SourceFile, pm: ProcessMap) -> Iterator[Diagnostic]:
    """Steps without an `owner:`: the map cannot say who does them."""
    hint = (
        "add `owner:` with the role that does the step (e.g. `owner: receptionist`); "
        "each role becomes a swim lane of the map"
    )
    missing = [i for i, step in enumerate(pm.steps) if not (step.owner or "").strip()]
    if missing and len(missing) == len(pm.steps) > 1:
        yield finding(
            sf,
            ("steps",),
            rules.MAP_STEP_WITHOUT_OWNER,
            f"none of the {len(missing)} steps of the map `{pm.id}` says who does it",
            hint,
        )
        return
    for i in missing:
        yield finding(
            sf,
            ("steps", i),
            rules.MAP_STEP_WITHOUT_OWNER,
            f"the step `{pm.steps[i].id}` does not say who does it",
            hint,
        )


def _words(text: str) -> str:
    """A cause as compared: case and spacing do not matter."""
    return " ".join(text.split()).casefold()


def _causes(fishbones: Iterable[Fishbone]) -> dict[str, str]:
    """Every cause and sub-cause of ``fishbones``, as compared -> as written."""
    out: dict[str, str] = {}
    for fb in fishbones:
        for category in fb.categories:
            for item in category.causes:
                texts = [item] if isinstance(item, str) else [item.cause, *item.sub_causes]
                for text in texts:
                    out.setdefault(_words(text), " ".join(text.split()))
    return out


def _driver_diagrams(wb: Workbook, idx: _Index) -> Iterator[Diagnostic]:
    """Each driver diagram's links: its aim, fishbone, causes, change ideas and measures."""
    aims = wb.aims
    ideas = {c.id: c for c in (wb.change_ideas.ideas if wb.change_ideas else [])}
    fishbones = {fb.id: fb for fb in wb.fishbones}
    for sf, model in wb.records("driver_diagram"):
        dd = cast(DriverDiagram, model)
        yield from idx.ref(sf, ("aim",), dd.aim, "aim")
        yield from idx.ref(sf, ("fishbone",), dd.fishbone, "fishbone")
        ga = aims.global_aim_of(dd.aim) if aims else None
        named = fishbones.get(dd.fishbone or "")
        if named is not None and ga is not None and named.global_aim not in (None, ga.id):
            yield finding(
                sf,
                ("fishbone",),
                rules.DRIVER_OTHER_THEME,
                f"the fishbone `{named.id}` was drawn for the global aim `{named.global_aim}`, "
                f"but this diagram works towards `{ga.id}`",
                f"name a fishbone of `{ga.id}`, or set `global_aim: {ga.id}` in the fishbone",
            )
        # Causes are looked up on the fishbone the diagram names, else on every fishbone.
        if dd.fishbone is not None and named is None:
            causes = None  # the unknown fishbone is reported above; its causes cannot be judged
        else:
            causes = _causes([named] if named is not None else fishbones.values())
        for i, primary in enumerate(dd.primary):
            for j, mid in enumerate(primary.measures):
                yield from idx.ref(sf, ("primary", i, "measures", j), mid, "measure")
            for k, secondary in enumerate(primary.secondary):
                where: tuple[PathPart, ...] = ("primary", i, "secondary", k)
                for j, mid in enumerate(secondary.measures):
                    yield from idx.ref(sf, (*where, "measures", j), mid, "measure")
                for j, cid in enumerate(secondary.changes):
                    yield from idx.ref(sf, (*where, "changes", j), cid, "change")
                    idea = ideas.get(cid)
                    if idea is not None and ga is not None and idea.theme not in (None, ga.theme):
                        yield finding(
                            sf,
                            (*where, "changes", j),
                            rules.DRIVER_OTHER_THEME,
                            f"the change idea `{cid}` is for the theme `{idea.theme}`, "
                            f"but this diagram's aim `{dd.aim}` is for `{ga.theme}`",
                            f"check the id; if the idea serves this theme, set `theme: {ga.theme}` "
                            "for it in change-ideas.yaml",
                        )
                if causes is None:
                    continue
                for j, cause in enumerate(secondary.causes):
                    if _words(cause) not in causes:
                        yield _unknown_cause(sf, (*where, "causes", j), cause, causes, dd.fishbone)


def _unknown_cause(
    sf: SourceFile, where: Sequence[PathPart], cause: str, causes: Mapping[str, str], fishbone: str | None
) -> Diagnostic:
    on = f"the fishbone `{fishbone}`" if fishbone else "any fishbone"
    near = did_you_mean(_words(cause), list(causes))
    if near is not None:
        hint = f"write it as on the fishbone: did you mean `{causes[near]}`?"
    elif causes:
        shown = "; ".join(f"`{c}`" for c in list(causes.values())[:6]) + (" ..." if len(causes) > 6 else "")
        hint = f"copy the cause from the fishbone, e.g. {shown}"
    else:
        hint = "draw the fishbone first (fishbones/), or leave `causes:` out"
    return finding(sf, where, rules.DRIVER_UNKNOWN_CAUSE, f"the cause `{cause}` is not on {on}", hint)


def _changes(wb: Workbook, idx: _Index) -> Iterator[Diagnostic]:
    sf = _sf(wb, "change-ideas.yaml")
    if sf is None:
        return
    ideas = cast(ChangeIdeas, sf.model)
    yield from _duplicates(sf, [c.id for c in ideas.ideas], ("ideas",), "change idea")
    for i, c in enumerate(ideas.ideas):
        yield from idx.ref(sf, ("ideas", i, "theme"), c.theme, "theme")
    for r, vote in enumerate(ideas.votes):
        for ident, count in vote.votes.items():
            yield from idx.ref(sf, ("votes", r, "votes", ident), ident, "change")
            if count < 0:
                yield finding(
                    sf,
                    ("votes", r, "votes", ident),
                    rules.VOTE_NEGATIVE,
                    f"`{ident}` has {count} votes; votes cannot be negative",
                )
        for j, ident in enumerate(vote.selected):
            yield from idx.ref(sf, ("votes", r, "selected", j), ident, "change")
        people = vote.voter_count or len(vote.voters)
        if vote.votes_each and people:
            cast_votes = sum(vote.votes.values())
            allowed = vote.votes_each * people
            if cast_votes > allowed:
                yield finding(
                    sf,
                    ("votes", r, "votes"),
                    rules.VOTE_TOO_MANY,
                    f"{cast_votes} votes were counted, but {people} voters with "
                    f"{vote.votes_each} votes each have only {allowed}",
                    "check the counts",
                )


def _measures(wb: Workbook) -> Iterator[Diagnostic]:
    for sf, model in wb.records("measure"):
        m = cast(Measure, model)
        inline = m.data is None
        home = sf if m.data is None else wb.file((PurePath(sf.rel).parent / m.data).as_posix())
        if home is None:
            continue
        points = wb.values(m.id)
        csv_lines = wb.measure_csv_lines.get(m.id, [])
        row = kind(m.chart)  # once a measure, not three times a point
        for i, p in enumerate(points):
            if p.value is None:
                continue
            where: tuple[PathPart, ...] = ("values", i) if inline else ()
            row_diag = _point_problem(m, row, p.value, p.denominator)
            if row_diag is None:
                continue
            rule, message, hint = row_diag
            if inline:
                yield finding(home, (*where, "value"), rule, message, hint)
            else:
                line = csv_lines[i] if i < len(csv_lines) else 0
                yield Diagnostic.of(rule, home.path, message, hint, line=line, col=1 if line else 0)
        if kind(m.chart).proportion and m.target is not None and not 0 <= m.target <= 1:
            yield _proportion_range(sf, ("target",), "target", m.target)
        dates = [p.date for p in points]
        for j, ph in enumerate(m.phases):
            if j and ph.start <= m.phases[j - 1].start:
                yield finding(
                    sf,
                    ("phases", j, "start"),
                    rules.DATE_ORDER,
                    f"phase `{ph.label}` starts on {ph.start}, not after the phase before it",
                    "list phases in date order",
                )
        known_dates = set(dates)
        for j, day in enumerate(m.exclude):
            if day not in known_dates:
                yield finding(
                    sf,
                    ("exclude", j),
                    rules.MEASURE_EXCLUDE_UNKNOWN_DATE,
                    f"there is no value dated {day} to exclude",
                    "use the date of an existing value",
                )


def _proportion_range(sf: SourceFile, where: Sequence[PathPart], key: str, value: float) -> Diagnostic:
    return finding(
        sf,
        where,
        rules.MEASURE_PROPORTION_RANGE,
        f"the {key} {value:g} is not a proportion between 0 and 1",
        f"the measure is a proportion: write {value:g}% as {value / 100:g}",
    )


def _point_problem(
    m: Measure, row: ChartKind, value: float | None, denominator: float | None
) -> tuple[Rule, str, str] | None:
    if value is None:
        return None
    if row.denominator and denominator is None:
        return (
            rules.MEASURE_MISSING_DENOMINATOR,
            f"a {m.chart} chart needs a denominator for every value",
            "add the denominator (what the value is out of)",
        )
    if row.non_negative and value < 0:
        return (
            rules.MEASURE_NEGATIVE_VALUE,
            f"the value {value:g} is negative, but counts cannot be",
            "check the number",
        )
    if denominator == 0 and value != 0:
        # 0 out of 0 is a period with nothing to count (a gap on the chart); more than 0 out of 0 is not.
        return (
            rules.MEASURE_VALUE_EXCEEDS_DENOMINATOR,
            f"the value {value:g} is more than its denominator 0",
            "with nothing to count the value is 0 too (the chart leaves a gap); check both numbers",
        )
    if row.proportion and denominator is not None and value > denominator:
        return (
            rules.MEASURE_VALUE_EXCEEDS_DENOMINATOR,
            f"the value {value:g} is more than its denominator {denominator:g}",
            "for a proportion, the value is the count out of the denominator (not a percentage)",
        )
    return None


def _date_order(
    sf: SourceFile, steps: Sequence[tuple[str, tuple[PathPart, ...], dt.date | None]]
) -> Iterator[Diagnostic]:
    """Each dated step must not come before the one before it."""
    last: tuple[str, dt.date] | None = None
    for label, where, day in steps:
        if day is None:
            continue
        if last is not None and day < last[1]:
            yield finding(
                sf,
                where,
                rules.DATE_ORDER,
                f"{label} is dated {day}, before {last[0]} on {last[1]}",
                "check both dates: each step of a cycle comes after the one before it",
            )
        else:
            last = (label, day)


def _cycle_chain(
    cycles: list[tuple[SourceFile, PDSA | SDSA]], idx: _Index, kind: str
) -> Iterator[Diagnostic]:
    what = _TARGETS[kind].what
    by_id = {c.id: c for _, c in cycles}
    for sf, c in cycles:
        if c.previous is None:
            continue
        if c.previous == c.id:
            yield finding(
                sf,
                ("previous",),
                rules.REF_SELF,
                f"the {what} `{c.id}` cannot follow itself",
                "name the cycle that came before this one",
            )
            continue
        if c.previous not in idx.ids[kind]:
            yield from idx.ref(sf, ("previous",), c.previous, kind)
            continue
        seen = {c.id}
        cur: PDSA | SDSA | None = by_id.get(c.previous)
        while cur is not None and cur.previous is not None:
            if cur.previous in seen or cur.id in seen:
                yield finding(
                    sf,
                    ("previous",),
                    rules.REF_LOOP,
                    f"the `previous:` links of {what}s go round in a loop through `{c.id}`",
                    "the first cycle of a sequence has no `previous:`",
                )
                break
            seen.add(cur.id)
            cur = by_id.get(cur.previous)


def _cycle_common(
    sf: SourceFile, c: PDSA | SDSA, idx: _Index, first: tuple[str, tuple[PathPart, ...], dt.date | None]
) -> Iterator[Diagnostic]:
    """Checks shared by PDSA and SDSA cycles: the change idea, measures and the order of dates."""
    yield from idx.ref(sf, ("change",), c.change, "change")
    for j, mid in enumerate(c.measures):
        yield from idx.ref(sf, ("measures", j), mid, "measure")
    yield from _date_order(
        sf,
        [
            first,
            ("the start of Do", ("do", "started"), c.do.started if c.do else None),
            ("the end of Do", ("do", "finished"), c.do.finished if c.do else None),
            ("Study", ("study", "date"), c.study.date if c.study else None),
            ("Act", ("act", "date"), c.act.date if c.act else None),
        ],
    )


def _cycles(wb: Workbook, idx: _Index) -> Iterator[Diagnostic]:
    pdsas = [(sf, cast(PDSA, m)) for sf, m in wb.records("pdsa")]
    for sf, c in pdsas:
        plan_date = c.plan.date if c.plan else None
        yield from _cycle_common(sf, c, idx, ("the plan", ("plan", "date"), plan_date))
    yield from _cycle_chain(list(pdsas), idx, "pdsa")
    sdsas = [(sf, cast(SDSA, m)) for sf, m in wb.records("sdsa")]
    for sf, s in sdsas:
        set_date = s.standardise.date if s.standardise else None
        yield from _cycle_common(sf, s, idx, ("Standardise", ("standardise", "date"), set_date))
        yield from idx.ref(sf, ("playbook",), s.playbook, "playbook")
    yield from _cycle_chain(list(sdsas), idx, "sdsa")


def _playbook(wb: Workbook, idx: _Index) -> Iterator[Diagnostic]:
    for sf, model in wb.records("playbook"):
        entry = cast(PlaybookEntry, model)
        for j, cid in enumerate(entry.changes):
            yield from idx.ref(sf, ("changes", j), cid, "change")
        for j, mid in enumerate(entry.measures):
            yield from idx.ref(sf, ("measures", j), mid, "measure")
        yield from idx.ref(sf, ("process_map",), entry.process_map, "process_map")
        if entry.approved and entry.review_date and entry.review_date < entry.approved:
            yield finding(
                sf,
                ("review_date",),
                rules.DATE_ORDER,
                f"the review date {entry.review_date} is before the approval on {entry.approved}",
                "the review comes after the entry is agreed",
            )


def _meetings_and_assessments(wb: Workbook) -> Iterator[Diagnostic]:
    for sf, model in wb.records("meeting"):
        meeting = cast(Meeting, model)
        stem = PurePath(sf.rel).stem
        if not stem.startswith(meeting.date.isoformat()):
            yield finding(
                sf,
                ("date",),
                rules.MEETING_FILE_NAME,
                f"the meeting is dated {meeting.date} but the file is named `{PurePath(sf.rel).name}`",
                f"name meeting files by their date, e.g. `{meeting.date.isoformat()}.yaml`",
            )
        for j, action in enumerate(meeting.actions):
            if action.due is not None and action.due < meeting.date and action.carried_from is None:
                yield finding(
                    sf,
                    ("actions", j, "due"),
                    rules.DATE_ORDER_ACTION_DUE,
                    f"the action is due on {action.due}, before the meeting on {meeting.date}",
                    "check the due date",
                )
    for sf, model in wb.records("self_assessment"):
        sa = cast(SelfAssessment, model)
        if not PurePath(sf.rel).stem.startswith(sa.date.isoformat()):
            yield finding(
                sf,
                ("date",),
                rules.ASSESSMENT_FILE_NAME,
                f"the self-assessment is dated {sa.date} but the file is named `{PurePath(sf.rel).name}`",
                f"name it by its date, `{sa.date.isoformat()}.yaml`, so that the assessments sort in "
                "time and the ramp finds the latest",
            )
        for name, rating in sa.ratings.items():
            if not 1 <= rating <= sa.scale_max:
                yield finding(
                    sf,
                    ("ratings", name),
                    rules.ASSESSMENT_RATING_RANGE,
                    f"the rating {rating:g} for {name} is outside the scale 1 to {sa.scale_max}",
                    "ratings go from 1 to `scale_max`",
                )


def _ramp(wb: Workbook) -> Iterator[Diagnostic]:
    sf = _sf(wb, "ramp.yaml")
    if sf is None:
        return
    ramp = wb.ramp
    prev: dt.date | None = None
    for i, change in enumerate(ramp.history):
        if prev is not None and change.date < prev:
            yield finding(
                sf,
                ("history", i, "date"),
                rules.DATE_ORDER,
                f"this move is dated {change.date}, before the one above it ({prev})",
                "keep the history oldest first",
            )
        prev = change.date
    if ramp.history and ramp.history[-1].to != ramp.stage:
        yield finding(
            sf,
            ("stage",),
            rules.RAMP_HISTORY_MISMATCH,
            f"the stage is `{ramp.stage}` but the last move in the history went to `{ramp.history[-1].to}`",
            "use `microsys ramp next` to move along the ramp, so stage and history agree",
        )


def _patterns(wb: Workbook, idx: _Index) -> Iterator[Diagnostic]:
    sf = _sf(wb, "5ps/patterns.yaml")
    patterns = wb.patterns
    if sf is None or patterns is None:
        return
    for i, metric in enumerate(patterns.visible_metrics):
        yield from idx.ref(sf, ("visible_metrics", i, "measure"), metric.measure, "measure")


# Keys whose value is the id of another record, and what kind of record.
_REFERENCE_KEYS = {
    "selected": "theme",
    "theme": "theme",
    "change": "change",
    "changes": "change",
    "measure": "measure",
    "measures": "measure",
    "after": "pdsa",
    "playbook": "playbook",
    "process_map": "process_map",
    "aim": "aim",
    "fishbone": "fishbone",
}
_SHOWN = re.compile(r"^`(.*)` is not a valid id$")


def title_hints(wb: Workbook) -> None:
    """Point a reference written as a title (`selected: Waiting in clinic`) at its id.

    Such a value is refused by the format before cross-file checks run (it is not
    an id at all); here, with every file loaded, its hint can name the id.
    """
    idx = _Index(wb)
    for sf in wb.files:
        for n, d in enumerate(sf.diagnostics):
            if d.rule != rules.SCHEMA_INVALID_ID.id or not d.yaml_path:
                continue
            key = next((p for p in reversed(d.yaml_path) if isinstance(p, str)), None)
            kind = _REFERENCE_KEYS.get(key or "")
            shown = _SHOWN.match(d.message)
            if kind is None or shown is None:
                continue
            titles = idx.titles.get(kind) or _raw_titles(wb, kind)
            wanted = shown.group(1).strip().casefold()
            by_title = {t.strip().casefold(): i for i, t in titles.items() if t}
            ident = by_title.get(wanted) or by_title.get(did_you_mean(wanted, list(by_title)) or "")
            if ident is not None:
                sf.diagnostics[n] = replace(
                    d, hint=f"refer to it by its id: did you mean `{ident}` ({titles[ident]})?"
                )


_TITLED_FILES = {"theme": ("themes.yaml", "themes"), "change": ("change-ideas.yaml", "ideas")}


def _raw_titles(wb: Workbook, kind: str) -> dict[str, str]:
    """Ids and titles read straight from a file that failed validation (themes.yaml, change-ideas.yaml)."""
    from microsys.yaml.load import parse_text

    rel, key = _TITLED_FILES.get(kind, ("", ""))
    sf = wb.file(rel) if rel else None
    if sf is None or sf.text is None:
        return {}
    data, _ = parse_text(sf.path, sf.text)
    items = data.get(key) if isinstance(data, dict) else None
    return {
        str(item["id"]): str(item["title"])
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict) and isinstance(item.get("id"), str) and isinstance(item.get("title"), str)
    }
