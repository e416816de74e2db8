"""What a report says: the storyboard, the playbook and the 5P summary as plain data.

Built from the loaded workbook only, so any part may be missing; a section the
team has not reached yet is marked "not yet" instead of being drawn empty. The
data is JSON-ready (strings, numbers, lists, dicts): the typst templates read it
with ``json()``, the HTML and Markdown templates through jinja2, so no text a team
writes is ever part of a template's markup.

Diagrams and charts are named here (:class:`Figure`) and drawn by the renderer.
Long texts are cut to a budget with a visible marker saying where the rest is;
every cut is listed in :attr:`Report.shortened`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from microsys.ramp.criteria import STAGE_TITLES, STAGES
from microsys.ramp.facts import Facts, filled
from microsys.ramp.progress import RECENT, aim_met
from microsys.report.shapes import Bar, Bone, Node
from microsys.report.text import shorten
from microsys.schema.cycles import PDSA, SDSA, PlaybookEntry
from microsys.schema.improvement import Cause, Fishbone, ProcessMap
from microsys.schema.measures import Measure
from microsys.spc.analysis import ChartError, analyse
from microsys.spc.kinds import kind
from microsys.spc.mdc import ASSURANCE_WORDS
from microsys.spc.stats import median
from microsys.workbook.loader import Workbook
from microsys.workbook.series import from_measure

Kind = Literal["storyboard", "playbook", "summary"]
KINDS: tuple[Kind, ...] = ("storyboard", "playbook", "summary")
TITLES = {"storyboard": "Storyboard", "playbook": "Playbook", "summary": "5P summary"}
FILE_STEMS = {"storyboard": "storyboard", "playbook": "playbook", "summary": "5p-summary"}

# The storyboard's sections in the order of the ramp: (id, title, stage it belongs to).
STORY_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("purpose", "Our purpose", "assess"),
    ("fiveps", "What we found: the 5Ps", "assess"),
    ("theme", "The theme we chose", "assess"),
    ("global_aim", "Global aim", "diagnose"),
    ("process_map", "The process as it was", "diagnose"),
    ("specific_aims", "Specific aims", "diagnose"),
    ("fishbone", "Causes", "diagnose"),
    ("change_ideas", "Change ideas", "treat"),
    ("cycles", "Tests of change (PDSA)", "treat"),
    ("measures", "Measures", "treat"),
    ("results", "Results", "treat"),
    ("lessons", "What we learned", "treat"),
    ("sustain", "Next steps and holding the gain", "sustain"),
)

# Characters of each kind of text at budget 1; the storyboard budget shrinks them to fit a page.
LIMITS = {"long": 700, "medium": 320, "short": 160, "label": 90}


@dataclass(frozen=True)
class Figure:
    """A diagram or chart to draw, named by the file the templates refer to."""

    name: str
    kind: Literal["flowchart", "fishbone", "pareto", "ramp", "chart"]
    title: str
    spec: Any


@dataclass
class Report:
    """One report's data, the figures it needs and what was shortened."""

    kind: Kind
    data: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    shortened: list[str] = field(default_factory=list)


class _Clip:
    """Cuts texts to the budget, and remembers where."""

    def __init__(self, budget: float, shortened: list[str]) -> None:
        self.budget = budget
        self.shortened = shortened

    def __call__(self, text: str | None, size: str, where: str, section: str) -> str:
        if not text:
            return ""
        limit = max(40, int(LIMITS[size] * self.budget))
        cut, was_cut = shorten(" ".join(text.split()), limit)
        if was_cut:
            note = f"{section}: {where}"
            if note not in self.shortened:
                self.shortened.append(note)
            return cut + f" (continued in the workbook: {where})"
        return cut


def _date(d: dt.date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else ""


def _number(value: float | None, percent: bool = False) -> str:
    if value is None:
        return ""
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:g}"


def _latest_date(wb: Workbook) -> dt.date | None:
    """The newest date recorded anywhere that matters: the report's 'as of' date, stable across runs."""
    dates: list[dt.date] = [m.date for m in wb.meetings]
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


def _header(wb: Workbook, kind: Kind) -> dict[str, Any]:
    m = wb.manifest
    stage = wb.ramp.stage
    states = []
    for s in STAGES:
        rank = STAGES.index(s) - STAGES.index(stage)
        states.append(
            {
                "id": s,
                "title": STAGE_TITLES[s],
                "state": "done" if rank < 0 else "current" if rank == 0 else "todo",
            }
        )
    team = [
        {"name": t.name, "role": t.role, "patient": t.patient_or_family, "lead": t.lead}
        for t in (m.lead_team if m else [])
    ]
    return {
        "kind": kind,
        "report_title": TITLES[kind],
        "name": m.name if m else wb.root.name,
        "organisation": (m.organisation or "") if m else "",
        "mesosystem": (m.mesosystem or "") if m else "",
        "description": " ".join((m.description or "").split()) if m else "",
        "sponsor": (m.sponsor or "") if m else "",
        "coach": {"name": m.coach.name, "organisation": m.coach.organisation or "", "kind": m.coach.kind}
        if m and m.coach
        else None,
        "team": team,
        "stage": stage,
        "stage_title": STAGE_TITLES[stage],
        "cycle": wb.ramp.cycle,
        "stages": states,
        "as_of": _date(_latest_date(wb)),
        "logo": None,
    }


# ---------------------------------------------------------------------------
# Figures


def map_nodes(pm: ProcessMap) -> tuple[list[Any], list[dict[str, Any]]]:
    """Flowchart nodes of a process map, and the numbered problem notes shown beside it."""
    nodes: list[Node] = []
    notes: list[dict[str, Any]] = []
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
            notes.append({"number": len(notes) + 1, "step": step.label, "text": " ".join(step.notes.split())})
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
    return nodes, notes


def playbook_nodes(entry: PlaybookEntry) -> list[Any]:
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
    return nodes


def fishbone_spec(fb: Fishbone) -> tuple[str, list[Any]]:
    """The effect and bones of a fishbone."""
    bones = []
    for cat in fb.categories:
        causes = []
        for c in cat.causes:
            if isinstance(c, Cause):
                causes.append((c.cause, tuple(c.sub_causes)))
            else:
                causes.append((c, ()))
        bones.append(Bone(cat.name, tuple(causes)))
    return fb.effect, bones


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text.lower())


# ---------------------------------------------------------------------------
# Shared pieces


def _measure_item(
    facts: Facts, m: Measure, figures: list[Figure], clip: _Clip, section: str, *, poster: bool = False
) -> dict[str, Any]:
    values = facts.wb.values(m.id)
    item: dict[str, Any] = {
        "id": m.id,
        "name": m.name,
        "type": m.type,
        "definition": clip(_definition(m), "short", f"measures/{m.id}.yaml", section),
        "points": sum(1 for p in values if p.value is not None),
        "chart": None,
        "verdict": "",
        # Making Data Count summary (NHSRplotthedots' words, see microsys.spc.mdc), for
        # data walls and tables; None without an analysis (or without a target).
        "variation": None,
        "assurance": None,
    }
    if item["points"] >= 2:
        try:
            series = from_measure(facts.wb, m)
            analysis = analyse(series.xs, series.ys, series.ns, series.options, series.notes or None)
        except (ChartError, ValueError):
            return item
        name = f"chart-{_slug(m.id)}.svg"
        drawn = analysis
        if poster:
            # A poster chart has no room for the list of point notes; the playbook keeps them.
            drawn = replace(analysis, points=tuple(replace(p, note=None) for p in analysis.points))
        figures.append(Figure(name, "chart", m.name, (series, drawn, poster)))
        item["chart"] = name
        since = ""
        if len(analysis.parts) > 1:
            label = series.part_labels[-1] if series.part_labels else f"phase {len(analysis.parts)}"
            since = f"Since {label}: "
        item["verdict"] = since + analysis.verdict
        item["variation"] = analysis.variation
        item["assurance"] = analysis.assurance
        if analysis.assurance:
            item["verdict"] += f"; {ASSURANCE_WORDS[analysis.assurance]}"
    return item


def _definition(m: Measure) -> str:
    d = m.definition
    if d.numerator and d.denominator:
        return f"{d.numerator} out of {d.denominator}"
    return f"{m.name} in {d.unit}" if d.unit else m.name


def _decision(cycle: PDSA | SDSA) -> str:
    return cycle.act.decision if cycle.act and cycle.act.decision else ""


def _cycle_dates(cycle: PDSA | SDSA) -> str:
    if not cycle.do or not cycle.do.started:
        return ""
    start, end = cycle.do.started, cycle.do.finished
    if end and end != start:
        return f"{_date(start)} – {_date(end)}"
    return _date(start)


def _sdsa_items(cycles: Iterable[SDSA], clip: _Clip, section: str) -> list[dict[str, Any]]:
    items = []
    for s in cycles:
        where = f"sdsa/{s.id}.yaml"
        items.append(
            {
                "id": s.id,
                "title": s.title or "",
                "dates": _cycle_dates(s),
                "standard": clip(s.standardise.standard if s.standardise else "", "medium", where, section),
                "scale": s.standardise.scale or "" if s.standardise else "",
                "result": clip(s.study.results if s.study else "", "medium", where, section),
                "learning": clip(s.study.learning if s.study else "", "medium", where, section),
                "decision": _decision(s),
                "next": clip(s.act.next_step if s.act else "", "short", where, section),
            }
        )
    return items


# ---------------------------------------------------------------------------
# Storyboard


def storyboard(wb: Workbook, today: dt.date, *, budget: float = 1.0) -> Report:
    """The storyboard poster's content, with texts cut to ``budget``."""
    facts = Facts(wb, today)
    report = Report("storyboard", _header(wb, "storyboard"))
    clip = _Clip(budget, report.shortened)
    figures = report.figures
    figures.append(
        Figure(
            "ramp.svg",
            "ramp",
            "Where the team is on the improvement ramp",
            [(s["title"], s["state"]) for s in report.data["stages"]],
        )
    )
    stage_rank = STAGES.index(wb.ramp.stage)
    sections: dict[str, Any] = {}

    purpose = wb.purpose
    if purpose and filled(purpose.statement):
        sections["purpose"] = {
            "statement": clip(purpose.statement, "medium", "5ps/purpose.yaml", "Purpose"),
            "with_patients": purpose.written_with_patients,
        }
    fiveps = _fivep_highlights(wb, clip, large=stage_rank == 0)
    if fiveps:
        sections["fiveps"] = {"items": fiveps, "large": stage_rank == 0}
    theme = facts.selected_theme
    if theme:
        sections["theme"] = {
            "title": theme.title,
            "description": clip(theme.description, "medium", "themes.yaml", "Theme"),
            "from": ", ".join(theme.from_5ps),
        }
    ga = facts.global_aim
    if ga:
        sections["global_aim"] = {"text": clip(_global_aim_text(ga), "long", "aims.yaml", "Global aim")}
    maps = [pm for pm in wb.process_maps if ga is None or pm.global_aim in (None, ga.id)] or wb.process_maps
    if maps and maps[0].steps:
        pm = maps[0]
        nodes, notes = map_nodes(pm)
        name = f"map-{_slug(pm.id)}.svg"
        figures.append(Figure(name, "flowchart", pm.title, nodes))
        sections["process_map"] = {
            "title": pm.title,
            "figure": name,
            "notes": [
                {**n, "text": clip(n["text"], "short", f"process-maps/{pm.id}.yaml", "Process map")}
                for n in notes
            ],
        }
    specific = facts.specific_aims
    measures = {m.id: m for m in wb.measures}
    if specific:
        sections["specific_aims"] = {
            "items": [
                {
                    "id": a.id,
                    "statement": clip(
                        a.statement or _specific_text(a, measures), "short", "aims.yaml", "Specific aims"
                    ),
                }
                for a in specific
            ]
        }
    fishbones = [fb for fb in wb.fishbones if ga is None or fb.global_aim in (None, ga.id)] or wb.fishbones
    if fishbones and fishbones[0].categories:
        fb = fishbones[0]
        name = f"fishbone-{_slug(fb.id)}.svg"
        figures.append(Figure(name, "fishbone", fb.effect, fishbone_spec(fb)))
        sections["fishbone"] = {"effect": fb.effect, "figure": name}
    ci = wb.change_ideas
    theme_ideas = [i for i in (ci.ideas if ci else []) if theme is None or i.theme in (None, theme.id)]
    if theme_ideas:
        section: dict[str, Any] = {
            "items": [
                {
                    "id": i.id,
                    "title": clip(i.title, "label", "change-ideas.yaml", "Change ideas"),
                    "status": i.status,
                }
                for i in theme_ideas
            ],
            "figure": None,
            "vote": "",
        }
        ids = {i.id for i in theme_ideas}
        rounds = [r for r in (ci.votes if ci else []) if set(r.votes) & ids]
        if rounds:
            last = max(rounds, key=lambda r: (r.date, r.round))
            titles = {i.id: i.title for i in theme_ideas}
            bars = [Bar(titles.get(k, k), v, k in last.selected) for k, v in last.votes.items()]
            figures.append(Figure("pareto.svg", "pareto", "Multi-vote result", bars))
            section["figure"] = "pareto.svg"
            voters = len(last.voters) or last.voter_count
            who = f", {voters} voters" if voters else ""
            each = f", {last.votes_each} votes each" if last.votes_each else ""
            section["vote"] = f"Multi-vote on {_date(last.date)} (round {last.round}{who}{each})"
        sections["change_ideas"] = section
    titles = {i.id: i.title for i in (ci.ideas if ci else [])}
    cycles = sorted(facts.pdsa, key=lambda c: (facts.test_start(c) or dt.date.max, c.id))
    if cycles:
        sections["cycles"] = {"items": [_pdsa_item(c, titles, clip) for c in cycles]}
    chart_measures = [measures[a.measure] for a in specific if a.measure in measures]
    for m in wb.measures:
        if m not in chart_measures and m.type == "balancing":
            chart_measures.append(m)
    items = [_measure_item(facts, m, figures, clip, "Measures", poster=True) for m in chart_measures]
    items = [i for i in items if i["chart"]]
    if items:
        sections["measures"] = {"items": items}
    results = _results(facts, specific, measures)
    if results:
        sections["results"] = {"items": results}
    lessons = [
        {"cycle": c.id, "text": clip(c.study.learning, "short", f"pdsa/{c.id}.yaml", "Lessons")}
        for c in cycles
        if c.study and filled(c.study.learning)
    ]
    lessons += [
        {"cycle": s.id, "text": clip(s.study.learning, "short", f"sdsa/{s.id}.yaml", "Lessons")}
        for s in facts.sdsa
        if s.study and filled(s.study.learning)
    ]
    if lessons:
        sections["lessons"] = {"items": lessons}
    sustain = _sustain(facts, cycles, clip)
    if sustain:
        sections["sustain"] = sustain

    order: list[str] = []
    not_yet: list[dict[str, Any]] = []
    for sid, title, stage in STORY_SECTIONS:
        if sid in sections:
            sections[sid]["heading"] = title
            sections[sid]["stage"] = STAGE_TITLES[stage]
            order.append(sid)
        elif STAGES.index(stage) >= stage_rank:
            not_yet.append({"id": sid, "title": title, "stage": STAGE_TITLES[stage]})
        else:
            not_yet.append({"id": sid, "title": title, "stage": STAGE_TITLES[stage], "missing": True})
    report.data.update({"sections": sections, "order": order, "not_yet": not_yet})
    return report


def _global_aim_text(ga: Any) -> str:
    text = f"We aim to improve {ga.process}"
    if ga.place:
        text += f" in {ga.place}"
    text += "."
    if ga.begins and ga.ends:
        text += f" The process begins when {ga.begins} and ends when {ga.ends}."
    if ga.benefits:
        text += f" By working on it we expect: {' '.join(ga.benefits.split())}"
        text += "" if text.endswith(".") else "."
    if ga.why_now:
        why = " ".join(ga.why_now.split())
        text += f" It matters now because {why[:1].lower()}{why[1:]}"
        text += "" if text.endswith(".") else "."
    return text


def _specific_text(a: Any, measures: dict[str, Measure]) -> str:
    m = measures.get(a.measure)
    name = m.name if m else a.measure
    percent = bool(m and kind(m.chart).proportion)
    parts = [name]
    if a.baseline is not None:
        parts.append(f"from {_number(a.baseline, percent)}")
    if a.target is not None:
        parts.append(f"to {_number(a.target, percent)}")
    if a.by:
        parts.append(f"by {_date(a.by)}")
    return " ".join(parts)


def _pdsa_item(c: PDSA, titles: dict[str, str], clip: _Clip) -> dict[str, Any]:
    where = f"pdsa/{c.id}.yaml"
    result = ""
    if c.study:
        result = " ".join(x for x in (c.study.results or "", c.study.against_prediction or "") if x)
    return {
        "id": c.id,
        "title": c.title or titles.get(c.change, c.change),
        "change": titles.get(c.change, c.change),
        "dates": _cycle_dates(c),
        "scale": (c.plan.scale or "") if c.plan else "",
        "prediction": clip(c.prediction, "short", where, "Tests of change"),
        "result": clip(result, "short", where, "Tests of change"),
        "decision": _decision(c),
    }


def _results(facts: Facts, specific: list[Any], measures: dict[str, Measure]) -> list[dict[str, Any]]:
    items = []
    for a in specific:
        m = measures.get(a.measure)
        series = facts.series(a.measure) if m else []
        if not m or len(series) < 3:
            continue
        percent = kind(m.chart).proportion
        # The same recent median that decides whether the aim is met.
        now = median([y for _, y in series[-RECENT:]])
        met = aim_met(facts, a.measure, a.target)
        items.append(
            {
                "measure": m.name,
                "baseline": _number(a.baseline, percent),
                "target": _number(a.target, percent),
                "now": _number(round(now, 3), percent),
                "unit": "" if percent else (m.definition.unit or ""),
                "met": "yes" if met else "no" if met is False else "",
                "by": _date(a.by),
            }
        )
    return items


def _sustain(facts: Facts, cycles: list[PDSA], clip: _Clip) -> dict[str, Any]:
    playbook = [
        {"title": p.title, "version": p.version, "owner": p.owner or "", "review": _date(p.review_date)}
        for p in facts.playbook
    ]
    sdsa = _sdsa_items(facts.sdsa, clip, "Holding the gain")
    nxt = []
    latest: list[PDSA | SDSA] = [*facts.sdsa[-1:]] or [*cycles[-1:]]
    for source in latest:
        if source.act and filled(source.act.next_step):
            nxt.append(
                clip(
                    source.act.next_step,
                    "short",
                    f"{'sdsa' if isinstance(source, SDSA) else 'pdsa'}/{source.id}.yaml",
                    "Next steps",
                )
            )
    themes = facts.wb.themes
    upcoming = [t.title for t in (themes.themes if themes else []) if t.status == "candidate"]
    if not (playbook or sdsa or nxt):
        return {}
    return {"playbook": playbook, "sdsa": sdsa, "next": nxt, "next_themes": upcoming[:3]}


def _fivep_highlights(wb: Workbook, clip: _Clip, *, large: bool) -> list[dict[str, Any]]:
    """A few lines for each of the 5Ps (more when the storyboard is about the assessment)."""
    most = 6 if large else 3
    out: list[dict[str, Any]] = []
    pt = wb.patients
    if pt:
        lines = []
        if pt.population:
            lines.append(f"Population: {pt.population}")
        if pt.top_diagnoses:
            lines.append("Most common: " + ", ".join(d.name for d in pt.top_diagnoses[:3]))
        lines += [
            f"{e.survey}: {_number(e.score)}{e.unit or ''}" for e in pt.experience if e.score is not None
        ][:2]
        quotes = [
            clip(q, "short", "5ps/patients.yaml", "5Ps") for q in pt.what_patients_say[: 2 if large else 1]
        ]
        if lines or quotes:
            out.append({"p": "Patients", "lines": lines[:most], "quotes": quotes})
    pr = wb.professionals
    if pr and pr.roles:
        heads = sum(r.headcount or 0 for r in pr.roles)
        lines = [f"{len(pr.roles)} roles" + (f", {heads} people" if heads else "")]
        lines += [f"{r.role}" + (f" ({r.headcount})" if r.headcount else "") for r in pr.roles[: most - 1]]
        out.append({"p": "Professionals", "lines": lines[:most], "quotes": []})
    ps = wb.processes
    if ps:
        lines = [
            p.name + (f": {p.cycle_time}" if p.cycle_time else "") for p in ps.processes if p.kind == "core"
        ]
        lines += [
            f"Interruption: {u.activity}" + (f" ({u.frequency})" if u.frequency else "") for u in ps.unplanned
        ]
        if lines:
            out.append(
                {
                    "p": "Processes",
                    "lines": [clip(x, "label", "5ps/processes.yaml", "5Ps") for x in lines[:most]],
                    "quotes": [],
                }
            )
    pa = wb.patterns
    if pa:
        lines = [f.finding + (f" ({f.value})" if f.value else "") for f in pa.findings]
        if pa.culture and large:
            lines.append(pa.culture)
        if lines:
            out.append(
                {
                    "p": "Patterns",
                    "lines": [clip(x, "short", "5ps/patterns.yaml", "5Ps") for x in lines[:most]],
                    "quotes": [],
                }
            )
    return out


# ---------------------------------------------------------------------------
# Playbook


def playbook(wb: Workbook, today: dt.date) -> Report:
    """The playbook: one chapter per standardised process. Nothing is cut: the document grows."""
    facts = Facts(wb, today)
    report = Report("playbook", _header(wb, "playbook"))
    clip = _Clip(1000.0, report.shortened)
    titles = {i.id: i.title for i in (wb.change_ideas.ideas if wb.change_ideas else [])}
    maps = {pm.id: pm for pm in wb.process_maps}
    measures = {m.id: m for m in wb.measures}
    chapters = []
    for entry in sorted(wb.playbook, key=lambda p: p.title.lower()):
        figure = None
        pm = maps.get(entry.process_map or "")
        if pm and pm.steps:
            nodes, _ = map_nodes(pm)
            figure = f"steps-{_slug(entry.id)}.svg"
            report.figures.append(Figure(figure, "flowchart", pm.title, nodes))
        elif entry.steps:
            figure = f"steps-{_slug(entry.id)}.svg"
            report.figures.append(Figure(figure, "flowchart", entry.title, playbook_nodes(entry)))
        sdsa = [
            s
            for s in facts.sdsa
            if s.playbook == entry.id or (s.playbook is None and s.change in entry.changes)
        ]
        chapters.append(
            {
                "id": entry.id,
                "title": entry.title,
                "purpose": " ".join((entry.purpose or "").split()),
                "scope": " ".join((entry.scope or "").split()),
                "changes": [{"id": c, "title": titles.get(c, c)} for c in entry.changes],
                "roles": [{"role": r.role, "does": r.does} for r in entry.roles],
                "steps": [
                    {
                        "number": i + 1,
                        "step": s.step,
                        "who": s.who or "",
                        "when": s.when or "",
                        "tools": s.tools or "",
                    }
                    for i, s in enumerate(entry.steps)
                ],
                "figure": figure,
                "standard_work": (entry.standard_work or "").strip(),
                "measures": [
                    _measure_item(facts, measures[mid], report.figures, clip, entry.title)
                    for mid in entry.measures
                    if mid in measures
                ],
                "sdsa": _sdsa_items(sdsa, clip, entry.title),
                "version": entry.version,
                "owner": entry.owner or "",
                "approved": _date(entry.approved),
                "review": _date(entry.review_date),
                "source": f"playbook/{entry.id}.yaml",
            }
        )
    report.data["chapters"] = chapters
    return report


# ---------------------------------------------------------------------------
# 5P summary


def summary(wb: Workbook, today: dt.date) -> Report:
    """The assessment of the 5Ps, for the team's first meetings."""
    del today
    report = Report("summary", _header(wb, "summary"))
    pu, pt, pr, ps, pa = wb.purpose, wb.patients, wb.professionals, wb.processes, wb.patterns
    data: dict[str, Any] = {}
    data["purpose"] = (
        {
            "statement": " ".join(pu.statement.split()),
            "with_patients": pu.written_with_patients,
            "notes": " ".join((pu.notes or "").split()),
        }
        if pu and filled(pu.statement)
        else None
    )
    data["patients"] = (
        {
            "population": str(pt.population) if pt.population else "",
            "age_bands": [
                {
                    "band": a.band,
                    "count": a.count if a.count is not None else "",
                    "percent": _number(a.percent),
                }
                for a in pt.age_bands
            ],
            "diagnoses": [
                {
                    "name": d.name,
                    "count": d.count if d.count is not None else "",
                    "percent": _number(d.percent),
                }
                for d in pt.top_diagnoses
            ],
            "high_users": [
                {
                    "name": d.name,
                    "count": d.count if d.count is not None else "",
                    "percent": _number(d.percent),
                }
                for d in pt.high_users
            ],
            "experience": [_survey(s) for s in pt.experience],
            "say": [" ".join(q.split()) for q in pt.what_patients_say],
            "notes": " ".join((pt.notes or "").split()),
        }
        if pt
        else None
    )
    data["professionals"] = (
        {
            "roles": [
                {
                    "role": r.role,
                    "headcount": r.headcount if r.headcount is not None else "",
                    "fte": _number(r.fte),
                    "schedule": r.schedule or "",
                    "does": "; ".join(r.does),
                }
                for r in pr.roles
            ],
            "morale": [_survey(s) for s in pr.morale],
            "notes": " ".join((pr.notes or "").split()),
        }
        if pr
        else None
    )
    data["processes"] = (
        {
            "processes": [
                {
                    "name": p.name,
                    "kind": p.kind,
                    "description": " ".join((p.description or "").split()),
                    "cycle_time": str(p.cycle_time) if p.cycle_time else "",
                    "volume": str(p.volume) if p.volume else "",
                }
                for p in ps.processes
            ],
            "path": list(ps.patient_path),
            "unplanned": [
                {
                    "activity": u.activity,
                    "frequency": str(u.frequency) if u.frequency else "",
                    "impact": u.impact or "",
                }
                for u in ps.unplanned
            ],
            "notes": " ".join((ps.notes or "").split()),
        }
        if ps
        else None
    )
    data["patterns"] = (
        {
            "meetings": [
                {"name": g.name, "frequency": g.frequency, "minutes": g.minutes or "", "who": g.who or ""}
                for g in pa.meetings
            ],
            "culture": " ".join((pa.culture or "").split()),
            "communication": " ".join((pa.communication or "").split()),
            "involvement": " ".join((pa.patient_involvement or "").split()),
            "metrics": [{"name": v.name, "where": v.where or ""} for v in pa.visible_metrics],
            "findings": [
                {"area": f.area, "finding": f.finding, "value": str(f.value) if f.value else ""}
                for f in pa.findings
            ],
            "notes": " ".join((pa.notes or "").split()),
        }
        if pa
        else None
    )
    assessments = wb.self_assessments
    if assessments:
        latest = assessments[-1]
        first = assessments[0] if len(assessments) > 1 else None
        data["self_assessment"] = {
            "date": _date(latest.date),
            "first_date": _date(first.date) if first else "",
            "scale": latest.scale_max,
            "ratings": [
                {
                    "name": k.replace("-", " ").capitalize(),
                    "score": _number(v),
                    "first": _number(first.ratings.get(k)) if first else "",
                }
                for k, v in latest.ratings.items()
            ],
        }
    else:
        data["self_assessment"] = None
    themes = wb.themes
    data["themes"] = [
        {
            "id": t.id,
            "title": t.title,
            "status": t.status,
            "from": ", ".join(t.from_5ps),
            "description": " ".join((t.description or "").split()),
        }
        for t in (themes.themes if themes else [])
    ]
    data["missing"] = [
        name
        for name, value in (
            ("Purpose", data["purpose"]),
            ("Patients", data["patients"]),
            ("Professionals", data["professionals"]),
            ("Processes", data["processes"]),
            ("Patterns", data["patterns"]),
        )
        if not value
    ]
    report.data.update(data)
    return report


def _survey(s: Any) -> dict[str, Any]:
    return {
        "survey": s.survey,
        "date": _date(s.date),
        "score": (_number(s.score) + (s.unit or "")) if s.score is not None else "",
        "respondents": s.respondents if s.respondents is not None else "",
        "summary": " ".join((s.summary or "").split()),
    }


BUILDERS = {"storyboard": storyboard, "playbook": playbook, "summary": summary}
