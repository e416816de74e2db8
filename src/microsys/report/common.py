"""Pieces every report is made of.

The header, dates and numbers as words, cutting texts to a budget, the figures of
process maps and fishbones, measures with their charts, SDSA cycles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Literal, TypeVar

from microsys.ramp.criteria import STAGE_TITLES, STAGES
from microsys.ramp.facts import Facts, RampCycle
from microsys.report.model import (
    ChartFigure,
    Coach,
    Figure,
    Header,
    Kind,
    MapNote,
    MeasureItem,
    Member,
    Prose,
    SdsaItem,
    StageState,
    ThemeItem,
    prose,
)
from microsys.report.shapes import Bone, Node
from microsys.report.text import shorten
from microsys.schema.cycles import PDSA, SDSA, PlaybookEntry
from microsys.schema.improvement import Cause, Fishbone, ProcessMap, Theme, Themes
from microsys.schema.measures import Measure
from microsys.spc.analysis import ChartError, analyse
from microsys.workbook.loader import Workbook
from microsys.workbook.series import from_measure

T = TypeVar("T")

TITLES: dict[Kind, str] = {"storyboard": "Storyboard", "playbook": "Playbook", "summary": "5P summary"}

# Characters of each kind of text at budget 1; the storyboard budget shrinks them to fit a page.
LIMITS = {"long": 700, "medium": 320, "short": 160, "label": 90}


class Clip:
    """Cuts texts and lists to the budget, and remembers where.

    A budget of None is a document without a page limit (HTML, Markdown): nothing is cut.
    """

    def __init__(self, budget: float | None, shortened: list[str]) -> None:
        self.budget = budget
        self.shortened = shortened

    def note(self, text: str) -> None:
        """Say that something the team wrote is not shown in full (once)."""
        if text not in self.shortened:
            self.shortened.append(text)

    def first(self, items: Sequence[T], most: int, where: str, section: str, what: str) -> list[T]:
        """The first ``most`` of ``items`` (all without a page limit), saying how many were left out."""
        if self.budget is None:
            return list(items)
        # A poster with room to spare (a budget over 1) shows more of each list.
        most = max(most, round(most * self.budget))
        if len(items) <= most:
            return list(items)
        self.note(f"{section}: {where} (the poster shows {most} of {len(items)} {what})")
        return list(items[:most])

    def __call__(self, text: str | None, size: str, where: str, section: str) -> Prose:
        """``text`` on one line, cut to the ``size`` budget with a marker saying where the rest is."""
        if not text:
            return Prose("")
        if self.budget is None:
            return Prose(" ".join(text.split()))
        limit = max(40, int(LIMITS[size] * self.budget))
        cut, was_cut = shorten(" ".join(text.split()), limit)
        if was_cut:
            self.note(f"{section}: {where}")
            return Prose(cut + f" (continued in the workbook: {where})")
        return Prose(cut)

    def pair(
        self, first: str | None, second: str | None, size: str, where: str, section: str
    ) -> tuple[Prose, Prose]:
        """Two texts shown together, sharing the room of one ``size`` text, with one marker at most.

        Each keeps at least half the room (more when the other is shorter); the marker saying
        where the rest is follows the last text that was cut.
        """
        a, b = " ".join((first or "").split()), " ".join((second or "").split())
        if self.budget is None:
            return Prose(a), Prose(b)
        limit = max(40, int(LIMITS[size] * self.budget))
        if len(a) + len(b) <= limit:
            return Prose(a), Prose(b)
        room_a = max(limit // 2, limit - len(b))
        cut_a, was_a = shorten(a, room_a) if a else ("", False)
        cut_b, was_b = shorten(b, max(limit - len(cut_a), limit // 2)) if b else ("", False)
        self.note(f"{section}: {where}")
        marker = f" (continued in the workbook: {where})"
        if b and (was_b or was_a):
            return Prose(cut_a), Prose(cut_b + marker)
        return Prose(cut_a + marker), Prose(cut_b)


def one_line(text: str | None) -> Prose:
    """A text's words on one line."""
    return Prose(" ".join((text or "").split()))


def date(d: dt.date | None) -> Prose:
    """A date as people write it: 4 Mar 2027."""
    return Prose(f"{d.day} {d:%b %Y}" if d else "")


def number(value: float | None, percent: bool = False) -> Prose:
    """A number as people write it (a proportion as a percentage)."""
    if value is None:
        return Prose("")
    if percent:
        return Prose(f"{value * 100:.0f}%")
    return Prose(f"{value:g}")


def quantity(value: float | None, unit: str | None) -> Prose:
    """A number with its unit as people write it: 71%, 3.1 out of 5, 240 minutes ('' without a number)."""
    if value is None:
        return Prose("")
    unit = (unit or "").strip()
    if not unit:
        return number(value)
    # A percent sign sits against its number; a word needs a space before it.
    return Prose(f"{number(value)}{'' if unit.startswith('%') else ' '}{unit}")


def theme_items(themes: Themes | None) -> tuple[ThemeItem, ...]:
    """The themes of a 5P or 5V summary: id, title, status, where they came from, what they are."""
    return tuple(
        ThemeItem(
            Prose(t.id),
            Prose(t.title),
            Prose(t.status),
            Prose(", ".join(t.from_5ps)),
            one_line(t.description),
        )
        for t in (themes.themes if themes else [])
    )


def slug(text: str) -> str:
    """A file-name-safe form of an id."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text.lower())


def latest_date(wb: Workbook) -> dt.date | None:
    """The newest date recorded anywhere that matters: the report's 'as of' date, stable across runs."""
    dates: list[dt.date] = [m.date for m in wb.meetings] + [r.date for r in wb.big_room]
    for measure in wb.measures:
        dates.extend(p.date for p in wb.values(measure.id))
    cycles: list[PDSA | SDSA] = [*wb.pdsa_cycles, *wb.sdsa_cycles]
    for cycle in cycles:
        for part in (cycle.do, cycle.study, cycle.act):
            for attr in ("started", "finished", "date"):
                value = getattr(part, attr, None) if part else None
                if isinstance(value, dt.date):
                    dates.append(value)
    if wb.ramp.since:
        dates.append(wb.ramp.since)
    return max(dates) if dates else None


def header(wb: Workbook, kind: Kind, cycle: RampCycle | None = None, theme: Theme | None = None) -> Header:
    """Who the report is about, and where they are on the ramp.

    With ``cycle``, where that improvement cycle got to (every stage done once the
    team moved on from it) and its dated moves; with ``theme``, the theme it tells.
    """
    m = wb.manifest
    stage = cycle.stage if cycle else wb.ramp.stage
    states = []
    for s in STAGES:
        rank = STAGES.index(s) - STAGES.index(stage)
        if cycle is not None and cycle.finished is not None:
            rank = -1
        state: Literal["done", "current", "todo"] = "done" if rank < 0 else "current" if rank == 0 else "todo"
        states.append(StageState(Prose(s), Prose(STAGE_TITLES[s]), state))
    team = tuple(
        Member(Prose(t.name), Prose(t.role), t.patient_or_family, t.lead) for t in (m.lead_team if m else [])
    )
    coach = None
    if m and m.coach:
        coach = Coach(Prose(m.coach.name), prose(m.coach.organisation), m.coach.kind)
    pathway = wb.pathway
    co_coaches = tuple(
        Coach(Prose(c.name), prose(c.organisation or c.role), c.kind)
        for c in (pathway.co_coaches if pathway else [])
    )
    title = "5V summary" if kind == "summary" and wb.is_pathway else TITLES[kind]
    return Header(
        kind=kind,
        report_title=Prose(title),
        name=Prose(m.name if m else wb.root.name),
        organisation=prose(m.organisation if m else ""),
        mesosystem=prose(m.mesosystem if m else ""),
        description=one_line(m.description if m else ""),
        sponsor=prose(m.sponsor if m else ""),
        coach=coach,
        team=team,
        stage=stage,
        stage_title=Prose(STAGE_TITLES[stage] + (" (finished)" if cycle and cycle.finished else "")),
        cycle=cycle.number if cycle else wb.ramp.cycle,
        stages=tuple(states),
        as_of=date(latest_date(wb)),
        theme=Prose(f"{theme.id}: {theme.title}" if theme else ""),
        ramp=ramp_moves(cycle) if cycle else (),
        workbook=wb.kind,
        condition=prose(pathway.condition if pathway else ""),
        co_coaches=co_coaches,
    )


def ramp_moves(cycle: RampCycle) -> tuple[Prose, ...]:
    """An improvement cycle's moves as words: 'Diagnose 12 Jan 2026', ..., 'next theme 3 Mar 2027'."""
    out = []
    for move in cycle.moves:
        if move.from_ == "sustain" and move is cycle.moves[-1] and cycle.finished:
            out.append(Prose(f"next theme {date(move.date)}"))
        else:
            out.append(Prose(f"{STAGE_TITLES[move.to]} {date(move.date)}"))
    return tuple(out)


# ---------------------------------------------------------------------------
# Figures


def map_nodes(pm: ProcessMap) -> tuple[tuple[Node, ...], tuple[MapNote, ...]]:
    """Flowchart nodes of a process map, and the numbered problem notes shown beside it."""
    nodes: list[Node] = []
    notes: list[MapNote] = []
    for i, step in enumerate(pm.steps):
        edges: list[tuple[str, str]]
        if step.kind == "decision" and step.branches:
            edges = [(b.to, b.label) for b in step.branches]
        elif step.next:
            edges = [(n, "") for n in step.next]
        elif step.kind != "end" and i + 1 < len(pm.steps):
            edges = [(pm.steps[i + 1].id, "")]
        else:
            edges = []
        badge = None
        if step.notes:
            notes.append(MapNote(len(notes) + 1, Prose(step.label), one_line(step.notes)))
            badge = len(notes)
        nodes.append(
            Node(
                id=step.id,
                label=step.label,
                kind=step.kind,
                lane=step.owner or "",
                detail=str(step.duration) if step.duration else "",
                badge=badge,
                edges=tuple(edges),
            )
        )
    return tuple(nodes), tuple(notes)


def playbook_nodes(entry: PlaybookEntry) -> tuple[Node, ...]:
    """Flowchart nodes of a playbook entry's steps, in order."""
    nodes = []
    count = len(entry.steps)
    for i, step in enumerate(entry.steps):
        detail = " · ".join(x for x in (step.when or "", step.tools or "") if x)
        nodes.append(
            Node(
                id=f"step{i + 1}",
                label=f"{i + 1}. {step.step}",
                kind="step",
                lane=step.who or "",
                detail=detail,
                edges=((f"step{i + 2}", ""),) if i + 1 < count else (),
            )
        )
    return tuple(nodes)


def fishbone_bones(fb: Fishbone) -> tuple[Bone, ...]:
    """The bones of a fishbone: each category with its causes and their sub-causes."""
    bones = []
    for cat in fb.categories:
        causes: list[tuple[str, tuple[str, ...]]] = []
        for c in cat.causes:
            if isinstance(c, Cause):
                causes.append((c.cause, tuple(c.sub_causes)))
            else:
                causes.append((c, ()))
        bones.append(Bone(cat.name, tuple(causes)))
    return tuple(bones)


# ---------------------------------------------------------------------------
# Measures and cycles


def definition(m: Measure) -> str:
    """A measure's definition in a few words."""
    d = m.definition
    if d.numerator and d.denominator:
        return f"{d.numerator} out of {d.denominator}"
    return f"{m.name} in {d.unit}" if d.unit else m.name


def measure_item(
    facts: Facts, m: Measure, figures: list[Figure], clip: Clip, section: str, *, poster: bool = False
) -> MeasureItem:
    """A measure, with its chart added to ``figures`` when it has at least two values."""
    values = facts.wb.values(m.id)
    item = MeasureItem(
        id=Prose(m.id),
        name=Prose(m.name),
        type=Prose(m.type),
        definition=clip(definition(m), "short", f"measures/{m.id}.yaml", section),
        points=sum(1 for p in values if p.value is not None),
    )
    if item.points < 2:
        return item
    try:
        series = from_measure(facts.wb, m)
        analysis = analyse(series.xs, series.ys, series.ns, series.options, series.notes or None)
    except (ChartError, ValueError):
        return item
    name = f"chart-{slug(m.id)}.svg"
    drawn = analysis
    if poster:
        # A poster chart has no room for the list of point notes; the playbook keeps them.
        drawn = replace(analysis, points=tuple(replace(p, note=None) for p in analysis.points))
        if any(p.note for p in analysis.points):
            clip.note(
                f"{section}: the notes on the points of {m.id} (its full chart shows them: microsys chart)"
            )
    figures.append(ChartFigure(name, Prose(m.name), series, drawn, poster))
    since = ""
    if len(analysis.parts) > 1:
        label = series.part_labels[-1] if series.part_labels else f"phase {len(analysis.parts)}"
        since = f"Since {label}: "
    verdict = since + analysis.verdict
    if analysis.target_words:
        verdict += f"; {analysis.target_words}"
    return replace(
        item, chart=name, verdict=Prose(verdict), variation=analysis.recent, assurance=analysis.assurance
    )


def decision(cycle: PDSA | SDSA) -> str:
    """What the cycle's Act decided (adopt, adapt, abandon), or ''."""
    return cycle.act.decision if cycle.act and cycle.act.decision else ""


def cycle_dates(cycle: PDSA | SDSA) -> Prose:
    """When a cycle's Do ran."""
    if not cycle.do or not cycle.do.started:
        return Prose("")
    start, end = cycle.do.started, cycle.do.finished
    if end and end != start:
        return Prose(f"{date(start)} – {date(end)}")
    return date(start)


def sdsa_items(cycles: Iterable[SDSA], clip: Clip, section: str) -> tuple[SdsaItem, ...]:
    """SDSA cycles as the reports show them."""
    items = []
    for s in cycles:
        where = f"sdsa/{s.id}.yaml"
        items.append(
            SdsaItem(
                id=Prose(s.id),
                title=prose(s.title),
                dates=cycle_dates(s),
                standard=clip(s.standardise.standard if s.standardise else "", "medium", where, section),
                scale=prose(s.standardise.scale or "" if s.standardise else ""),
                result=clip(s.study.results if s.study else "", "medium", where, section),
                learning=clip(s.study.learning if s.study else "", "medium", where, section),
                decision=decision(s),
                next=clip(s.act.next_step if s.act else "", "short", where, section),
            )
        )
    return tuple(items)
