"""The playbook: one chapter per standardised process. Nothing is cut: the document grows."""

from __future__ import annotations

import datetime as dt

from microsys.ramp.facts import Facts
from microsys.report.common import (
    Clip,
    date,
    header,
    map_nodes,
    measure_item,
    one_line,
    playbook_nodes,
    sdsa_items,
    slug,
)
from microsys.report.model import (
    ChangeRef,
    Chapter,
    Figure,
    FlowchartFigure,
    Playbook,
    Prose,
    Report,
    RoleItem,
    StepItem,
    prose,
)
from microsys.report.storyboard import driver_figure
from microsys.schema.cycles import PlaybookEntry
from microsys.workbook.loader import Workbook


def playbook(wb: Workbook, today: dt.date) -> Report:
    """The playbook's content: a chapter per playbook entry, in order of title."""
    facts = Facts(wb, today)
    shortened: list[str] = []
    figures: list[Figure] = []
    clip = Clip(1000.0, shortened)
    chapters = tuple(
        _chapter(facts, entry, figures, clip) for entry in sorted(wb.playbook, key=lambda p: p.title.lower())
    )
    return Report("playbook", Playbook(header(wb, "playbook"), chapters), tuple(figures), tuple(shortened))


def _chapter(facts: Facts, entry: PlaybookEntry, figures: list[Figure], clip: Clip) -> Chapter:
    wb = facts.wb
    titles = {i.id: i.title for i in (wb.change_ideas.ideas if wb.change_ideas else [])}
    maps = {pm.id: pm for pm in wb.process_maps}
    measures = {m.id: m for m in wb.measures}
    figure = None
    drivers = None
    # The driver diagram that holds the changes this entry makes standard: the theory it rests on.
    diagram = next(
        (
            dd
            for dd in sorted(
                wb.driver_diagrams, key=lambda dd: (dd.drawn_on or dt.date.min, dd.id), reverse=True
            )
            if any(c in entry.changes for p in dd.primary for s in p.secondary for c in s.changes)
        ),
        None,
    )
    drawn = driver_figure(wb, diagram) if diagram else None
    if drawn is not None:
        drivers = drawn[0].name
        if all(f.name != drivers for f in figures):
            figures.append(drawn[0])
    pm = maps.get(entry.process_map or "")
    if pm and pm.steps:
        figure = f"steps-{slug(entry.id)}.svg"
        figures.append(FlowchartFigure(figure, Prose(pm.title), map_nodes(pm)[0]))
    elif entry.steps:
        figure = f"steps-{slug(entry.id)}.svg"
        figures.append(FlowchartFigure(figure, Prose(entry.title), playbook_nodes(entry)))
    sdsa = [
        s for s in facts.sdsa if s.playbook == entry.id or (s.playbook is None and s.change in entry.changes)
    ]
    return Chapter(
        id=Prose(entry.id),
        title=Prose(entry.title),
        purpose=one_line(entry.purpose),
        scope=one_line(entry.scope),
        changes=tuple(ChangeRef(Prose(c), Prose(titles.get(c, c))) for c in entry.changes),
        roles=tuple(RoleItem(Prose(r.role), Prose(r.does)) for r in entry.roles),
        steps=tuple(
            StepItem(i + 1, Prose(s.step), prose(s.who), prose(s.when), prose(s.tools))
            for i, s in enumerate(entry.steps)
        ),
        figure=figure,
        drivers=drivers,
        standard_work=Prose((entry.standard_work or "").strip()),
        measures=tuple(
            measure_item(facts, measures[mid], figures, clip, entry.title)
            for mid in entry.measures
            if mid in measures
        ),
        sdsa=sdsa_items(sdsa, clip, entry.title),
        version=Prose(entry.version),
        owner=prose(entry.owner),
        approved=date(entry.approved),
        review=date(entry.review_date),
        source=Prose(f"playbook/{entry.id}.yaml"),
    )
