"""What a pathway's reports say: its microsystems and hand-offs, the 5Vs, the value stream, the big room.

The storyboard's pathway sections are built here (their rows are in
:data:`microsys.report.storyboard.SECTIONS`, marked for pathway workbooks), and the
5V summary reuses the same pieces, so both say the same thing in the same words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from microsys.ramp.criteria import STAGE_TITLES
from microsys.ramp.facts import filled
from microsys.report.common import Clip, date, header, one_line, slug, theme_items
from microsys.report.model import (
    BigRoomSection,
    CoachItem,
    EvidenceGroup,
    EvidenceLine,
    EvidenceSummary,
    Figure,
    FiveVItem,
    FiveVsSection,
    FiveVSummary,
    HandOffItem,
    InvolveSummary,
    PathwayFigure,
    PathwaySection,
    Prose,
    Report,
    ShadowItem,
    SpaghettiItem,
    StopItem,
    StoriesSection,
    StoryItem,
    Survey,
    ValueStreamFigure,
    ValueStreamSection,
    ValueSummary,
    VisionSummary,
    VisualisationSummary,
    prose,
    prose_all,
)
from microsys.report.shapes import Link, Stop, StreamBox
from microsys.schema.measures import Measure
from microsys.schema.pathway import ValueStreamMap
from microsys.workbook.loader import Workbook
from microsys.workbook.pathwaylinks import LinkedState, linked_microsystems
from microsys.workbook.valuestream import totals

if TYPE_CHECKING:
    from microsys.report.storyboard import Story

# Charts a pathway's poster adds to its aims' and balancing measures.
MORE = 2
_WHY = {
    "errors": "its workbook has {n} error(s): run `microsys check {path}`",
    "missing": "no workbook found at {path}",
    "pathway": "{path} is a pathway, not a microsystem",
    "absolute": "{path} is not a relative path",
}


# ---------------------------------------------------------------------------
# Pieces shared by the storyboard and the 5V summary


def pathway_section(
    wb: Workbook, clip: Clip, figures: list[Figure], linked: Sequence[LinkedState] | None = None
) -> PathwaySection | None:
    """The microsystems in order with their ramp stages and the hand-offs, drawn as ``pathway.svg``."""
    p = wb.pathway
    if p is None or not p.microsystems:
        return None
    linked = linked_microsystems(wb) if linked is None else linked
    names = {s.link.id: s.name for s in linked}
    # A reader knows a measure by its name; its id is for the files.
    measure_names = {m.id: m.name for m in wb.measures}
    stops = tuple(_stop_item(s) for s in linked)
    hand_offs = tuple(
        HandOffItem(
            id=Prose(h.id),
            from_=Prose(names.get(h.from_, h.from_)),
            to=Prose(names.get(h.to, h.to)),
            what=Prose(", ".join(h.what)),
            description=clip(h.description, "short", "pathway.yaml", "Pathway"),
            failure_points=tuple(one_line(f) for f in h.failure_points),
            failures=clip("; ".join(h.failure_points), "short", "pathway.yaml", "Pathway"),
            measures=prose_all(measure_names.get(m, m) for m in h.measures),
        )
        for h in p.hand_offs
    )
    figures.append(
        PathwayFigure(
            "pathway.svg",
            Prose(f"The {p.condition} pathway" if p.condition else "The pathway"),
            tuple(Stop(s.link.id, s.name, s.supporting, _stop_detail(s), s.state != "ok") for s in linked),
            tuple(
                Link(h.from_, h.to, ", ".join(h.what), len(h.failure_points))
                for h in p.hand_offs
                if h.from_ in names and h.to in names and h.from_ != h.to
            ),
        )
    )
    return PathwaySection(prose(p.condition), "pathway.svg", stops, hand_offs)


def _stop_item(s: LinkedState) -> StopItem:
    note = "" if s.state == "ok" else _WHY[s.state].format(n=s.errors, path=s.link.path)
    return StopItem(
        id=Prose(s.link.id),
        name=Prose(s.name),
        role=Prose(s.link.role),
        stage=STAGE_TITLES[s.stage] if s.stage else "",
        state=s.state,
        note=Prose(note),
    )


def _stop_detail(s: LinkedState) -> str:
    if s.state in ("missing", "absolute"):
        return "workbook not found"
    if s.state == "pathway":
        return "not a microsystem"
    stage = f"ramp: {STAGE_TITLES[s.stage]}" if s.stage else "ramp stage unknown"
    return stage + (f" · {s.errors} error(s)" if s.errors else "")


def duration(value: float, unit: str) -> Prose:
    """A time in a map's unit, with days beside many hours or minutes."""
    text = f"{round(value, 1):g} {unit}"
    days = value / 24 if unit == "hours" else value / 1440 if unit == "minutes" else None
    if days is not None and days >= 2:
        text += f" ({round(days, 1):g} days)"
    return Prose(text)


def percent(ratio: float | None) -> Prose:
    """A ratio (0 to 1) as a percentage, with a decimal when it is small."""
    if ratio is None:
        return Prose("")
    pct = ratio * 100
    return Prose(f"{pct:.0f}%" if pct >= 10 or pct == 0 else f"{pct:.1f}%")


def stream_section(vsm: ValueStreamMap, figures: list[Figure], *, draw: bool = True) -> ValueStreamSection:
    """A value stream map's totals, and its drawing when it has steps."""
    t = totals(vsm)
    figure = None
    if vsm.steps and draw:
        figure = f"value-stream-{slug(vsm.id)}.svg"
        figures.append(
            ValueStreamFigure(
                figure,
                Prose(vsm.title),
                vsm.unit,
                tuple(
                    StreamBox(s.name, s.process_time, s.waiting_time, s.value_adding, s.hand_off is not None)
                    for s in vsm.steps
                ),
            )
        )
    longest = max(vsm.steps, key=lambda s: s.waiting_time, default=None)
    wait = ""
    if longest is not None and longest.waiting_time > 0:
        wait = f"{duration(longest.waiting_time, vsm.unit)} before {longest.name}"
    return ValueStreamSection(
        title=Prose(vsm.title),
        figure=figure,
        unit=Prose(vsm.unit),
        mapped_on=date(vsm.mapped_on),
        steps=len(vsm.steps),
        lead_time=duration(t.lead_time, vsm.unit),
        process_time=duration(t.process_time, vsm.unit),
        waiting_time=duration(t.waiting_time, vsm.unit),
        ratio=percent(t.value_added_ratio),
        longest_wait=Prose(wait),
    )


def _streams(wb: Workbook) -> list[ValueStreamMap]:
    """The value stream maps, those the 5Vs name first, in the order named."""
    maps = {m.id: m for m in wb.value_streams}
    named = wb.visualisation.value_stream_maps if wb.visualisation else []
    first = [maps[i] for i in named if i in maps]
    return first + [m for m in wb.value_streams if m not in first]


def story_items(wb: Workbook, clip: Clip, size: str, linked: Sequence[LinkedState]) -> tuple[StoryItem, ...]:
    """The patient stories, newest first, each with the hand-offs it is about ("ED → AMU")."""
    p = wb.pathway
    called = {s.link.id: s.name for s in linked}
    names = {
        h.id: f"{called.get(h.from_, h.from_)} → {called.get(h.to, h.to)}" for h in (p.hand_offs if p else [])
    }
    ordered = sorted(wb.stories, key=lambda s: (s.date or dt.date.min, s.id), reverse=True)
    return tuple(
        StoryItem(
            title=Prose(s.title),
            told_by=prose(s.told_by),
            date=date(s.date),
            story=clip(s.story, size, f"stories/{s.id}.yaml", "Patient stories"),
            hand_offs=prose_all(names.get(h, h) for h in s.hand_offs),
            lessons=tuple(clip(x, "label", f"stories/{s.id}.yaml", "Patient stories") for x in s.lessons),
        )
        for s in ordered
    )


def co_coaches(wb: Workbook) -> tuple[CoachItem, ...]:
    """The pathway's Flow co-coaches."""
    p = wb.pathway
    return tuple(
        CoachItem(Prose(c.name), c.kind, prose(", ".join(x for x in (c.role, c.organisation) if x)))
        for c in (p.co_coaches if p else [])
    )


# ---------------------------------------------------------------------------
# Storyboard sections


def pathway(story: Story) -> PathwaySection | None:
    """The microsystems in pathway order, each with its ramp stage, and the hand-offs between them."""
    return pathway_section(story.wb, story.clip, story.figures, story.linked)


def big_room(story: Story) -> BigRoomSection | None:
    """The co-coaches, when the big room meets, how many meetings there were and who came."""
    wb = story.wb
    p = wb.pathway
    rooms = wb.big_room
    coaches = co_coaches(wb)
    cadence = p.big_room if p else None
    if not (rooms or coaches or cadence):
        return None
    when = ""
    if cadence:
        parts: list[str] = [cadence.frequency]
        if cadence.day:
            parts.append(cadence.day + (f" {cadence.time}" if cadence.time else ""))
        if cadence.minutes:
            parts.append(f"{cadence.minutes} minutes")
        if cadence.place:
            parts.append(cadence.place)
        when = ", ".join(parts)
    if p and p.since:
        when += ("; " if when else "") + f"since {date(p.since)}"
    counted = [r.attendees for r in rooms if r.attendees is not None]
    attendance = ""
    if counted:
        mean = sum(counted) / len(counted)
        attendance = f"{mean:.0f} people a meeting on average ({min(counted)} to {max(counted)})"
    with_patients = [r for r in rooms if r.patients]
    patients = ""
    if rooms:
        patients = f"patients or families at {len(with_patients)} of {len(rooms)} meetings"
    names = {s.link.id: s.name for s in story.linked}
    came = [
        Prose(f"{name} {sum(1 for r in rooms if mid in r.microsystems)}")
        for mid, name in names.items()
        if rooms and any(r.microsystems for r in rooms)
    ]
    return BigRoomSection(
        co_coaches=coaches,
        cadence=Prose(when),
        meetings=len(rooms),
        first=date(rooms[0].date) if rooms else Prose(""),
        last=date(rooms[-1].date) if rooms else Prose(""),
        attendance=Prose(attendance),
        patients=Prose(patients),
        microsystems=tuple(came),
    )


def fivevs(story: Story) -> FiveVsSection | None:
    """A few lines for each of the 5Vs (more when the storyboard is about the assessment)."""
    large = story.stage_rank == 0
    items = fivev_highlights(story.wb, story.clip, large=large)
    return FiveVsSection(items, large) if items else None


def value_stream(story: Story) -> ValueStreamSection | None:
    """The first value stream map (the 5Vs' first), drawn, with its lead time and value-added ratio."""
    maps = [m for m in _streams(story.wb) if m.steps]
    return stream_section(maps[0], story.figures) if maps else None


def stories(story: Story) -> StoriesSection | None:
    """The patient stories the big room heard, newest first."""
    items = story_items(story.wb, story.clip, "short", story.linked)
    return StoriesSection(items[: 3 if story.stage_rank == 0 else 2]) if items else None


def more_measures(wb: Workbook, chosen: Sequence[Measure]) -> list[Measure]:
    """A pathway's measures the poster shows besides its aims' and balancing ones.

    Those watching a hand-off first, then the others (a pathway keeps few measures,
    usually the headline ones, such as the cases it finds), at most :data:`MORE` of them.
    """
    p = wb.pathway
    if p is None:
        return []
    watched = {m for h in p.hand_offs for m in h.measures}
    rest = [m for m in wb.measures if m not in chosen]
    return sorted(rest, key=lambda m: m.id not in watched)[:MORE]


def fivev_highlights(wb: Workbook, clip: Clip, *, large: bool) -> tuple[FiveVItem, ...]:
    """The lines the storyboard shows for each V that has something written."""
    most = 5 if large else 2
    out: list[FiveVItem] = []
    va = wb.value
    if va:
        lines = [clip(x, "label", "5vs/value.yaml", "5Vs") for x in va.what_patients_value if filled(x)]
        lines += [Prose(f"{s.survey}: {_score(s.score, s.unit)}") for s in va.surveys if s.score is not None][
            :1
        ]
        quotes = (
            [clip(va.how_well, "short", "5vs/value.yaml", "5Vs")] if filled(va.how_well) and large else []
        )
        if lines or quotes:
            out.append(FiveVItem(Prose("Value"), tuple(lines[:most]), tuple(quotes)))
    inv = wb.involve
    if inv:
        half = max(1, most // 2)
        lines = [clip("Works: " + x, "label", "5vs/involve.yaml", "5Vs") for x in inv.works[:half]]
        lines += [
            clip("Does not work: " + x, "label", "5vs/involve.yaml", "5Vs")
            for x in inv.does_not_work[: most - len(lines)]
        ]
        if lines:
            out.append(FiveVItem(Prose("inVolve"), tuple(lines), ()))
    vis = wb.visualisation
    # The value stream map has its own section: here, what else the big room looked at.
    lines = []
    if vis:
        lines += [
            clip(f"Shadowing ({s.by}): {s.notes}", "short", "5vs/visualisation.yaml", "5Vs")
            for s in vis.shadowing
        ][: most - 1]
        lines += [
            clip(f"Spaghetti diagram, {s.area}" + (f": {s.distance}" if s.distance else ""), "label",
                 "5vs/visualisation.yaml", "5Vs")
            for s in vis.spaghetti
        ][:1]  # fmt: skip
    if lines:
        out.append(FiveVItem(Prose("Visualisation"), tuple(lines[:most]), ()))
    ev = wb.evidence
    if ev:
        lines = []
        groups = (("Demand", ev.demand), ("Flow", ev.flow), ("Waiting", ev.waiting), ("Waste", ev.waste))
        for group, items in groups:
            if items and len(lines) < most:
                e = items[0]
                text = f"{group}: {e.name}" + (f", {e.value}" if e.value else "")
                lines.append(clip(text, "label", "5vs/evidence.yaml", "5Vs"))
        if lines:
            out.append(FiveVItem(Prose("eVidence"), tuple(lines[:most]), ()))
    vi = wb.vision
    if vi:
        lines = [clip(x, "label", "5vs/vision.yaml", "5Vs") for x in vi.ideal_care if filled(x)]
        quotes = [clip(vi.statement, "short", "5vs/vision.yaml", "5Vs")] if filled(vi.statement) else []
        if lines or quotes:
            out.append(
                FiveVItem(Prose("Vision"), tuple(lines[: most - 1 if quotes else most]), tuple(quotes))
            )
    return tuple(out)


def _score(score: float | None, unit: str | None) -> str:
    if score is None:
        return ""
    return f"{score:g}{unit or ''}" if (unit or "") == "%" else f"{score:g} {unit or ''}".strip()


# ---------------------------------------------------------------------------
# The 5V summary


def summary_5v(wb: Workbook, today: dt.date) -> Report:
    """The assessment of a pathway with the 5Vs, for its first big rooms (``today`` plays no part)."""
    del today
    shortened: list[str] = []
    clip = Clip(1000.0, shortened)
    figures: list[Figure] = []
    linked = linked_microsystems(wb)
    section = pathway_section(wb, clip, figures, linked)
    value, involve = _value(wb), _involve(wb)
    visualisation = _visualisation(wb, figures)
    evidence, vision = _evidence(wb), _vision(wb)
    assessed = (
        ("Value", value),
        ("inVolve", involve),
        ("Visualisation", visualisation),
        ("eVidence", evidence),
        ("Vision", vision),
    )
    themes = wb.themes
    head = header(wb, "summary")
    body = FiveVSummary(
        header=head,
        pathway=section,
        value=value,
        involve=involve,
        visualisation=visualisation,
        evidence=evidence,
        vision=vision,
        stories=story_items(wb, clip, "long", linked),
        themes=theme_items(themes),
        missing=prose_all(name for name, v in assessed if v is None),
    )
    return Report("summary", body, tuple(figures), tuple(shortened))


def _lines(texts: Iterable[str | None]) -> tuple[Prose, ...]:
    return tuple(one_line(t) for t in texts if filled(t))


def _value(wb: Workbook) -> ValueSummary | None:
    va = wb.value
    if not va or not (any(filled(x) for x in va.what_patients_value) or filled(va.how_well) or va.surveys):
        return None
    return ValueSummary(
        what=_lines(va.what_patients_value),
        how_well=one_line(va.how_well),
        surveys=tuple(
            Survey(
                survey=Prose(s.survey),
                date=date(s.date),
                score=Prose(_score(s.score, s.unit)),
                respondents=s.respondents if s.respondents is not None else "",
                summary=one_line(s.summary),
            )
            for s in va.surveys
        ),
    )


def _involve(wb: Workbook) -> InvolveSummary | None:
    inv = wb.involve
    if not inv or not (inv.works or inv.does_not_work):
        return None
    return InvolveSummary(_lines(inv.works), _lines(inv.does_not_work), _lines(inv.heard_from))


def _visualisation(wb: Workbook, figures: list[Figure]) -> VisualisationSummary | None:
    vis = wb.visualisation
    streams = tuple(stream_section(m, figures) for m in _streams(wb))
    shadowing = tuple(
        ShadowItem(date(s.date), Prose(s.by), one_line(s.notes)) for s in (vis.shadowing if vis else [])
    )
    spaghetti = tuple(
        SpaghettiItem(
            Prose(s.area), date(s.date), Prose(str(s.distance) if s.distance else ""), one_line(s.notes)
        )
        for s in (vis.spaghetti if vis else [])
    )
    if not (streams or shadowing or spaghetti):
        return None
    return VisualisationSummary(shadowing, streams, spaghetti)


def _evidence(wb: Workbook) -> EvidenceSummary | None:
    ev = wb.evidence
    if not ev:
        return None
    groups = tuple(
        EvidenceGroup(
            Prose(name),
            tuple(
                EvidenceLine(
                    Prose(e.name), Prose(str(e.value) if e.value else ""), prose(e.source), one_line(e.notes)
                )
                for e in items
            ),
        )
        for name, items in (
            ("Demand", ev.demand),
            ("Flow", ev.flow),
            ("Waiting", ev.waiting),
            ("Waste", ev.waste),
        )
        if items
    )
    return EvidenceSummary(groups) if groups else None


def _vision(wb: Workbook) -> VisionSummary | None:
    vi = wb.vision
    if not vi or not (filled(vi.statement) or any(filled(x) for x in vi.ideal_care)):
        return None
    return VisionSummary(one_line(vi.statement), _lines(vi.ideal_care))
