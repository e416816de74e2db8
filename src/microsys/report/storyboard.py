"""The storyboard poster: a table of sections in the order of the ramp, each with its builder.

Adding a section is one builder here, one row in :data:`SECTIONS`, and one small
template per format in ``templates/report/storyboard/`` (``<id>.typ``,
``<id>.html.j2``, ``<id>.md.j2``); a test fails when a partial is missing.
A section the team has not reached yet is listed as "not yet" instead of being
drawn empty; one whose stage is past but has nothing recorded is listed as missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal, TypeVar

from microsys.ramp.criteria import STAGE_TITLES, STAGES, evaluate
from microsys.ramp.facts import Facts, RampCycle, filled
from microsys.ramp.progress import RECENT, aim_met
from microsys.report import pathway as pw
from microsys.report.common import (
    Clip,
    cycle_dates,
    date,
    decision,
    fishbone_bones,
    header,
    map_nodes,
    measure_item,
    number,
    quantity,
    sdsa_items,
    slug,
)
from microsys.report.model import (
    AimItem,
    ChangeIdeasSection,
    CheckItem,
    CycleItem,
    CyclesSection,
    DriverFigure,
    DriverItem,
    DriversSection,
    Figure,
    FishboneFigure,
    FishboneSection,
    FivePItem,
    FivePsSection,
    FlowchartFigure,
    GlobalAimSection,
    IdeaItem,
    LeftOut,
    Lesson,
    LessonsSection,
    MapNote,
    MeasuresSection,
    NotYet,
    ParetoFigure,
    Placed,
    PlaybookRef,
    ProcessMapSection,
    Prose,
    PurposeSection,
    RampFigure,
    Report,
    ResultItem,
    ResultsSection,
    SpecificAimsSection,
    Storyboard,
    StorySection,
    SustainSection,
    ThemeSection,
    prose,
    prose_all,
)
from microsys.report.shapes import Bar, Idea, Primary, Secondary
from microsys.schema.cycles import PDSA, SDSA
from microsys.schema.improvement import DriverDiagram, GlobalAim, SpecificAim
from microsys.schema.measures import Measure
from microsys.spc.analysis import MIN_RUNS_POINTS, ChartError, analyse
from microsys.spc.kinds import kind
from microsys.spc.stats import median
from microsys.workbook.belonging import Belonging
from microsys.workbook.loader import Workbook
from microsys.workbook.pathwaylinks import LinkedState, linked_microsystems
from microsys.workbook.series import from_measure

R = TypeVar("R")

# Diagrams on the poster are drawn this many units wide: printed across a column (about
# 360 pt), their smallest labels (8.5 units) come out above 7 pt.
POSTER_DIAGRAM_UNITS = 420.0


@dataclass
class Story:
    """What the builders share: the workbook's facts, the theme told, the text budget, the figures so far.

    A storyboard tells the story of one theme (``facts.theme``): every record shown
    belongs to it (:mod:`microsys.workbook.belonging`), so a finished theme's poster
    can be printed again after the team moved on to the next.
    """

    wb: Workbook
    facts: Facts
    clip: Clip
    figures: list[Figure] = field(default_factory=list)

    @cached_property
    def belonging(self) -> Belonging:
        """Which theme each record belongs to."""
        return Belonging(self.wb)

    @property
    def theme_id(self) -> str | None:
        """The id of the theme told (None when the workbook has no theme yet)."""
        return self.facts.theme.id if self.facts.theme else None

    def of_theme(self, kind: str, records: Iterable[R]) -> list[R]:
        """The records of ``kind`` that belong to the theme told, in their order."""
        return [r for r in records if self.belonging.of(self.theme_id, kind, r)]

    @cached_property
    def ramp_cycle(self) -> RampCycle | None:
        """The improvement cycle of the theme told, from ramp.yaml's history."""
        return self.facts.ramp_cycle(self.theme_id)

    @property
    def stage_rank(self) -> int:
        """How far along the ramp the theme's cycle got (0: Assess; 4: finished)."""
        cycle = self.ramp_cycle
        if cycle is not None:
            return len(STAGES) if cycle.finished else STAGES.index(cycle.stage)
        t = self.facts.theme
        if t is not None and t.status == "done":
            return len(STAGES)
        if t is not None and self.facts.theme_id is not None and t.id not in self.belonging.worked:
            return 0  # a theme the team has not started: everything is still to come
        return STAGES.index(self.wb.ramp.stage)

    @cached_property
    def measures(self) -> dict[str, Measure]:
        """The workbook's measures by id."""
        return {m.id: m for m in self.wb.measures}

    @cached_property
    def cycles(self) -> list[PDSA]:
        """The theme's PDSA cycles in the order they started."""
        mine = self.of_theme("pdsa", self.facts.pdsa)
        return sorted(mine, key=lambda c: (self.facts.test_start(c) or dt.date.max, c.id))

    @cached_property
    def sdsa(self) -> list[SDSA]:
        """The theme's SDSA cycles, in order."""
        return self.of_theme("sdsa", self.facts.sdsa)

    @cached_property
    def linked(self) -> list[LinkedState]:
        """A pathway's linked microsystems as its reports show them (read once)."""
        return linked_microsystems(self.wb)

    @cached_property
    def idea_titles(self) -> dict[str, str]:
        """Every change idea's title by id."""
        ci = self.wb.change_ideas
        return {i.id: i.title for i in (ci.ideas if ci else [])}


Builder = Callable[[Story], StorySection | None]


BOTH = frozenset({"microsystem", "pathway"})
MICROSYSTEM = frozenset({"microsystem"})
PATHWAY = frozenset({"pathway"})


@dataclass(frozen=True)
class Section:
    """A row of the storyboard's table: id (also the partials' file name), heading, ramp stage, builder.

    ``kinds`` are the kinds of workbook the section belongs to (as a ramp criterion's):
    a pathway's poster has no 5Ps and a microsystem's no big room, so a section of the
    other kind is neither drawn nor listed as missing. A section ``optional`` for a kind
    is drawn when there is something to show, but the Flow roadmap (say) does not ask
    for it, so its absence is not listed as "not recorded".
    """

    id: str
    title: str
    stage: str
    build: Builder
    kinds: frozenset[str] = BOTH
    optional: frozenset[str] = frozenset()
    """Kinds of workbook that need not have it: shown when written, never listed as not recorded."""


# ---------------------------------------------------------------------------
# Builders, in the order of the ramp


def purpose(story: Story) -> PurposeSection | None:
    """The purpose statement, when one is written."""
    p = story.wb.purpose
    if not (p and filled(p.statement)):
        return None
    return PurposeSection(
        story.clip(p.statement, "medium", "5ps/purpose.yaml", "Purpose"), p.written_with_patients
    )


def fiveps(story: Story) -> FivePsSection | None:
    """A few lines for each of the 5Ps (more when the storyboard is about the assessment)."""
    large = story.stage_rank == 0
    items = _fivep_highlights(story.wb, story.clip, large=large)
    return FivePsSection(items, large) if items else None


def theme(story: Story) -> ThemeSection | None:
    """The theme whose story this is."""
    t = story.facts.theme
    if not t:
        return None
    return ThemeSection(
        Prose(t.title),
        story.clip(t.description, "medium", "themes.yaml", "Theme"),
        Prose(", ".join(t.from_5ps)),
    )


def global_aim(story: Story) -> GlobalAimSection | None:
    """The global aim as one paragraph."""
    ga = story.facts.global_aim
    if not ga:
        return None
    return GlobalAimSection(story.clip(global_aim_text(ga), "long", "aims.yaml", "Global aim"))


def process_map(story: Story) -> ProcessMapSection | None:
    """The theme's first map of the process as it was (current state, or unmarked), drawn."""
    maps = [pm for pm in story.of_theme("process_map", story.wb.process_maps) if pm.steps]
    as_was = [pm for pm in maps if pm.state in (None, "current")]
    if not as_was:
        return None
    pm = as_was[0]
    for other in as_was[1:]:
        story.clip.note(
            f"The process as it was: process-maps/{other.id}.yaml (one map is drawn on the storyboard)"
        )
    nodes, notes = map_nodes(pm)
    name = f"map-{slug(pm.id)}.svg"
    story.figures.append(FlowchartFigure(name, Prose(pm.title), nodes, POSTER_DIAGRAM_UNITS))
    where = f"process-maps/{pm.id}.yaml"
    clipped = tuple(
        MapNote(n.number, n.step, story.clip(n.text, "short", where, "Process map")) for n in notes
    )
    return ProcessMapSection(Prose(pm.title), name, clipped)


def specific_aims(story: Story) -> SpecificAimsSection | None:
    """The specific aims, as written or made from their numbers."""
    aims = story.facts.specific_aims
    if not aims:
        return None
    return SpecificAimsSection(
        tuple(
            AimItem(
                Prose(a.id),
                story.clip(
                    a.statement or specific_text(a, story.measures), "short", "aims.yaml", "Specific aims"
                ),
            )
            for a in aims
        )
    )


def fishbone(story: Story) -> FishboneSection | None:
    """The theme's first fishbone, drawn."""
    fishbones = [fb for fb in story.of_theme("fishbone", story.wb.fishbones) if fb.categories]
    if not fishbones:
        return None
    fb = fishbones[0]
    for other in fishbones[1:]:
        story.clip.note(f"Causes: fishbones/{other.id}.yaml (one fishbone is drawn on the storyboard)")
    name = f"fishbone-{slug(fb.id)}.svg"
    story.figures.append(
        FishboneFigure(name, Prose(fb.effect), Prose(fb.effect), fishbone_bones(fb), POSTER_DIAGRAM_UNITS)
    )
    return FishboneSection(Prose(fb.effect), name)


def drivers(story: Story) -> DriversSection | None:
    """The driver diagram of the theme's aim: drawn, and in words for HTML and Markdown."""
    diagram = theme_driver_diagram(story.wb, story.facts.global_aim)
    if diagram is None:
        return None
    # A poster cut to fit its page gives each label fewer lines (the drawing lists what it cut).
    budget = story.clip.budget
    most = 12 if budget is None or budget >= 1 else max(3, int(6 * budget))
    drawn = driver_figure(story.wb, diagram, most)
    if drawn is None:
        return None
    figure, items, measures = drawn
    story.figures.append(figure)
    # A measure whose file has errors is left out, like everywhere else in the reports.
    names = prose_all(story.measures[m].name for m in measures if m in story.measures)
    return DriversSection(figure.aim, figure.name, items, names)


def driver_figure(
    wb: Workbook, diagram: DriverDiagram, most_lines: int = 12
) -> tuple[DriverFigure, tuple[DriverItem, ...], list[str]] | None:
    """A driver diagram's figure, its drivers in words and its measures' ids (None: no driver written).

    Drivers still holding the template's `...` are left out.
    """
    aims = wb.aims
    ga = aims.global_aim_of(diagram.aim) if aims else None
    measure_by_id = {m.id: m for m in wb.measures}
    aim = driver_aim_text(diagram, aims.specific_aims if aims else [], ga, measure_by_id)
    ci = wb.change_ideas
    known = {i.id: i for i in (ci.ideas if ci else [])}
    primary: list[Primary] = []
    items: list[DriverItem] = []
    measures: list[str] = []
    for p in diagram.primary:
        if not filled(p.driver):
            continue
        measures += [m for m in p.measures if m not in measures]
        seconds: list[Secondary] = []
        for sec in p.secondary:
            if not filled(sec.driver):
                continue
            ideas = tuple(
                Idea(c, known[c].title if c in known else "", known[c].status if c in known else "idea")
                for c in sec.changes
            )
            seconds.append(Secondary(sec.driver, ideas))
            items.append(
                DriverItem(
                    Prose(p.driver),
                    Prose(sec.driver),
                    prose_all(f"{i.id} {i.title}".strip() for i in ideas),
                    prose_all(sec.causes),
                )
            )
            measures += [m for m in sec.measures if m not in measures]
        if not seconds:  # a primary driver alone still has its row in words
            items.append(DriverItem(Prose(p.driver), Prose(""), (), ()))
        primary.append(Primary(p.driver, tuple(seconds)))
    if not primary:
        return None
    name = f"drivers-{slug(diagram.id)}.svg"
    figure = DriverFigure(name, Prose("Driver diagram"), Prose(aim), tuple(primary), most_lines)
    return figure, tuple(items), measures


def change_ideas(story: Story) -> ChangeIdeasSection | None:
    """The theme's change ideas, and the latest multi-vote among them."""
    ci = story.wb.change_ideas
    ideas = story.of_theme("change_idea", ci.ideas if ci else [])
    if not ideas:
        return None
    items = tuple(
        IdeaItem(
            Prose(i.id),
            story.clip(i.title, "label", "change-ideas.yaml", "Change ideas"),
            Prose(i.status),
        )
        for i in ideas
    )
    ids = {i.id for i in ideas}
    rounds = [r for r in story.of_theme("vote", ci.votes if ci else []) if set(r.votes) & ids]
    if not rounds:
        return ChangeIdeasSection(items, None, Prose(""))
    last = max(rounds, key=lambda r: (r.date, r.round))
    titles = {i.id: i.title for i in ideas}
    bars = tuple(Bar(titles.get(k, k), v, k in last.selected) for k, v in last.votes.items())
    story.figures.append(ParetoFigure("pareto.svg", Prose("Multi-vote result"), bars, POSTER_DIAGRAM_UNITS))
    voters = len(last.voters) or last.voter_count
    who = f", {voters} voters" if voters else ""
    each = f", {last.votes_each} votes each" if last.votes_each else ""
    return ChangeIdeasSection(
        items, "pareto.svg", Prose(f"Multi-vote on {date(last.date)} (round {last.round}{who}{each})")
    )


def cycles(story: Story) -> CyclesSection | None:
    """The PDSA cycles in the order they started."""
    if not story.cycles:
        return None
    return CyclesSection(tuple(_pdsa_item(c, story.idea_titles, story.clip) for c in story.cycles))


def measures(story: Story) -> MeasuresSection | None:
    """Charts of every measure the team tracks, by type; those without a chart named with the reason.

    A pathway's poster shows its aims' and balancing measures and a few more
    (:func:`microsys.report.pathway.more_measures`); the others are named as left off.
    """
    aim_measures = [a.measure for a in story.facts.specific_aims]
    order = {"outcome": 0, "process": 1, "balancing": 2}

    def rank(m: Measure) -> tuple[int, int, str]:
        first = aim_measures.index(m.id) if m.id in aim_measures else len(aim_measures)
        return (order.get(m.type, 3), first, m.name.lower())

    # Every measure of the story's theme (a measure nothing names belongs to every theme).
    tracked = list(story.of_theme("measure", story.wb.measures))
    chosen = list(tracked)
    if story.wb.pathway is not None:
        chosen = [story.measures[m] for m in aim_measures if m in story.measures]
        chosen += [m for m in tracked if m not in chosen and m.type == "balancing"]
        chosen += pw.more_measures(story.wb, chosen)
    no_room = [m for m in tracked if m not in chosen]
    chosen.sort(key=rank)
    # A poster has no room for a chart that cannot be judged yet: it is named, with why.
    few = [m for m in chosen if story.facts.points_between(m.id) < MIN_RUNS_POINTS]
    items = [
        measure_item(story.facts, m, story.figures, story.clip, "Measures", poster=True)
        for m in chosen
        if m not in few
    ]
    charted = tuple(i for i in items if i.chart)
    left_out = tuple(
        LeftOut(Prose(m.name), Prose(m.type), Prose(_too_few(story.facts.points_between(m.id)))) for m in few
    )
    left_out += tuple(
        LeftOut(i.name, i.type, Prose(_why_not_charted(i.points))) for i in items if not i.chart
    )
    left_out += tuple(
        LeftOut(Prose(m.name), Prose(m.type), Prose("no room on the poster: `microsys chart` draws it"))
        for m in sorted(no_room, key=rank)
    )
    return MeasuresSection(charted, left_out) if charted or left_out else None


def _too_few(points: int) -> str:
    if points == 0:
        return "no values yet"
    values = "1 value" if points == 1 else f"{points} values"
    return f"{values}, too few to judge yet: {MIN_RUNS_POINTS} needed"


def _why_not_charted(points: int) -> str:
    return "its values cannot be charted: run `microsys check`"


def results(story: Story) -> ResultsSection | None:
    """Each specific aim's measure with at least three values: before, target, now."""
    items = []
    for a in story.facts.specific_aims:
        m = story.measures.get(a.measure)
        series = story.facts.series(a.measure) if m else []
        if not m or len(series) < 3:
            continue
        percent = kind(m.chart).proportion
        recent = [y for _, y in series[-RECENT:]]
        # The same recent median that decides whether the aim is met.
        now = median(recent)
        met = aim_met(story.facts, a.measure, a.target)
        unit = "" if percent else (m.definition.unit or "")
        items.append(
            ResultItem(
                measure=Prose(m.name),
                baseline=_with_unit(number(a.baseline, percent), unit),
                target=_with_unit(number(a.target, percent), unit),
                now=_with_unit(number(round(now, 3), percent), unit),
                unit=Prose(unit),
                met="yes" if met else "no" if met is False else "",
                by=date(a.by),
                signal=_signal(story, m),
                recent=len(recent),
            )
        )
    if not items:
        return None
    counts = sorted({i.recent for i in items})
    last = " or ".join(str(c) for c in counts)
    # The same recent median decides whether an aim is met.
    note = f"Now: the median of the last {last} values."
    return ResultsSection(tuple(items), Prose(note))


def _with_unit(value: Prose, unit: str) -> Prose:
    if not value or not unit:
        return value
    return Prose(f"{value}{unit}" if unit == "%" else f"{value} {unit}")


def _signal(story: Story, m: Measure) -> Literal["improvement", "concern", "none"]:
    """What the measure's chart shows at its latest point, as its caption says."""
    try:
        series = from_measure(story.wb, m)
        analysis = analyse(series.xs, series.ys, series.ns, series.options, None)
    except (ChartError, ValueError):
        return "none"
    if analysis.variation == "special_cause_improvement":
        return "improvement"
    if analysis.variation == "special_cause_concern":
        return "concern"
    return "none"


def lessons(story: Story) -> LessonsSection | None:
    """What each PDSA, then each SDSA, cycle taught."""
    clip = story.clip
    items = [
        Lesson(Prose(c.id), clip(c.study.learning, "short", f"pdsa/{c.id}.yaml", "Lessons"))
        for c in story.cycles
        if c.study and filled(c.study.learning)
    ]
    items += [
        Lesson(Prose(s.id), clip(s.study.learning, "short", f"sdsa/{s.id}.yaml", "Lessons"))
        for s in story.sdsa
        if s.study and filled(s.study.learning)
    ]
    return LessonsSection(tuple(items)) if items else None


def sustain(story: Story) -> SustainSection | None:
    """The playbook, SDSA cycles, the next step and the themes waiting."""
    clip = story.clip
    playbook = tuple(
        PlaybookRef(Prose(p.title), Prose(p.version), prose(p.owner), date(p.review_date))
        for p in story.of_theme("playbook", story.facts.playbook)
    )
    sdsa = sdsa_items(story.sdsa, clip, "Holding the gain")
    nxt = []
    latest: list[PDSA | SDSA] = [*story.sdsa[-1:]] or [*story.cycles[-1:]]
    for source in latest:
        if source.act and filled(source.act.next_step):
            kind = "sdsa" if isinstance(source, SDSA) else "pdsa"
            nxt.append(clip(source.act.next_step, "short", f"{kind}/{source.id}.yaml", "Next steps"))
    themes = story.wb.themes
    upcoming = [t.title for t in (themes.themes if themes else []) if t.status == "candidate"]
    if not (playbook or sdsa or nxt):
        return None
    waiting = clip.first(upcoming, 3, "themes.yaml", "Next steps", "themes waiting")
    return SustainSection(playbook, sdsa, tuple(nxt), prose_all(waiting))


# The storyboard's sections in the order of the ramp.
SECTIONS: tuple[Section, ...] = (
    Section("purpose", "Our purpose", "assess", purpose, MICROSYSTEM),
    Section("fiveps", "What we found: the 5Ps", "assess", fiveps, MICROSYSTEM),
    Section("pathway", "The pathway and its hand-offs", "assess", pw.pathway, PATHWAY),
    Section("big_room", "The big room", "assess", pw.big_room, PATHWAY),
    Section("fivevs", "What we found: the 5Vs", "assess", pw.fivevs, PATHWAY),
    Section("stories", "Patient stories", "assess", pw.stories, PATHWAY),
    Section("theme", "The theme we chose", "assess", theme),
    Section("global_aim", "Global aim", "diagnose", global_aim),
    Section("value_stream", "The value stream as it was", "diagnose", pw.value_stream, PATHWAY),
    Section("process_map", "The process as it was", "diagnose", process_map, MICROSYSTEM),
    Section("specific_aims", "Specific aims", "diagnose", specific_aims),
    Section("fishbone", "Causes", "diagnose", fishbone, optional=PATHWAY),
    Section("drivers", "Driver diagram", "diagnose", drivers, optional=PATHWAY),
    Section("change_ideas", "Change ideas", "treat", change_ideas),
    Section("cycles", "Tests of change (PDSA)", "treat", cycles),
    Section("measures", "Measures", "treat", measures),
    Section("results", "Results", "treat", results),
    Section("lessons", "What we learned", "treat", lessons),
    Section("sustain", "Next steps and holding the gain", "sustain", sustain),
)


def storyboard(
    wb: Workbook,
    today: dt.date,
    *,
    budget: float | None = 1.0,
    theme: str | None = None,
    checklist: bool = False,
) -> Report:
    """The storyboard poster of ``theme`` (default: the one being worked on).

    Texts are cut to ``budget`` (None: nothing cut, no page). With ``checklist``, the
    road ahead shows the checklist of the stage the team is in (see :func:`_checklist`).
    """
    shortened: list[str] = []
    story = Story(wb, Facts(wb, today, theme=theme), Clip(budget, shortened))
    head = header(wb, "storyboard", story.ramp_cycle, story.facts.theme)
    if story.ramp_cycle is None and story.stage_rank == len(STAGES):
        # A theme marked done whose moves ramp.yaml did not record: every stage is behind it.
        head = replace(head, stages=tuple(replace(s, state="done") for s in head.stages))
    where = "the big room is on the Flow roadmap" if wb.is_pathway else "the team is on the improvement ramp"
    story.figures.append(
        RampFigure(
            "ramp.svg",
            Prose(f"Where {where}"),
            tuple((s.title, s.state) for s in head.stages),
            POSTER_DIAGRAM_UNITS,
        )
    )
    placed: list[Placed] = []
    not_yet: list[NotYet] = []
    for row in SECTIONS:
        if wb.kind not in row.kinds:
            continue
        body = row.build(story)
        stage = STAGE_TITLES[row.stage]
        if body is not None:
            placed.append(Placed(row.id, Prose(row.title), stage, body))
        elif wb.kind not in row.optional:
            past = STAGES.index(row.stage) < story.stage_rank
            not_yet.append(NotYet(Prose(row.id), Prose(row.title), stage, missing=past))
    board = Storyboard(head, tuple(placed), tuple(not_yet), _checklist(story) if checklist else ())
    return Report("storyboard", board, tuple(story.figures), tuple(shortened))


def _checklist(story: Story) -> tuple[CheckItem, ...]:
    """The checklist of the stage the team is in: what the stage asks for, done or still to do.

    A young poster has little to show but where the team is; the renderer asks for it
    first on the smallest paper it tries and keeps it only when the poster fits there.
    """
    if story.stage_rank >= len(STAGES):
        return ()
    if STAGES[story.stage_rank] != story.wb.ramp.stage:
        return ()  # a theme the team has not started: its checklist is not the team's yet
    return tuple(
        CheckItem(Prose(e.criterion.title.replace("`", "")), e.outcome.ok)
        for e in evaluate(story.facts, story.wb.ramp.stage)
    )


# ---------------------------------------------------------------------------
# Words made from the workbook's records


def global_aim_text(ga: GlobalAim) -> str:
    """The global aim as one paragraph of plain sentences."""
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


def theme_driver_diagram(wb: Workbook, ga: GlobalAim | None) -> DriverDiagram | None:
    """The driver diagram of the global aim ``ga`` (through a specific aim or itself), the latest drawn."""
    aims = wb.aims
    diagrams = [
        dd
        for dd in wb.driver_diagrams
        if ga is None or (aims is not None and (found := aims.global_aim_of(dd.aim)) and found.id == ga.id)
    ]
    if not diagrams:
        return None
    return max(diagrams, key=lambda dd: (dd.drawn_on or dt.date.min, dd.id))


def driver_aim_text(
    dd: DriverDiagram, specific: list[SpecificAim], ga: GlobalAim | None, measures: dict[str, Measure]
) -> str:
    """The aim at the root of a driver diagram: the specific aim's words, else the global aim's process."""
    sa = next((a for a in specific if a.id == dd.aim), None)
    if sa is not None:
        return " ".join((sa.statement or specific_text(sa, measures)).split())
    if dd.title:
        return dd.title
    return f"Improve {ga.process}" if ga is not None else dd.aim


def specific_text(a: SpecificAim, measures: dict[str, Measure]) -> str:
    """A specific aim made from its numbers: measure, from, to, by."""
    m = measures.get(a.measure)
    name = m.name if m else a.measure
    percent = bool(m and kind(m.chart).proportion)
    parts = [name]
    if a.baseline is not None:
        parts.append(f"from {number(a.baseline, percent)}")
    if a.target is not None:
        parts.append(f"to {number(a.target, percent)}")
    if a.by:
        parts.append(f"by {date(a.by)}")
    return " ".join(parts)


def _pdsa_item(c: PDSA, titles: dict[str, str], clip: Clip) -> CycleItem:
    where = f"pdsa/{c.id}.yaml"
    result = c.study.results if c.study else ""
    against = c.study.against_prediction if c.study else ""
    result_text, against_text = clip.pair(result, against, "short", where, "Tests of change")
    return CycleItem(
        id=Prose(c.id),
        title=Prose(c.title or titles.get(c.change, c.change)),
        change=Prose(titles.get(c.change, c.change)),
        dates=cycle_dates(c),
        scale=prose(c.plan.scale if c.plan else ""),
        prediction=clip(c.prediction, "short", where, "Tests of change"),
        # Results and the comparison with the prediction share the room of one text.
        result=result_text,
        decision=decision(c),
        against=against_text,
    )


def _fivep_highlights(wb: Workbook, clip: Clip, *, large: bool) -> tuple[FivePItem, ...]:
    """A few lines for each P; what does not fit the poster is named in ``clip``'s shortened list."""
    most = 6 if large else 3
    out: list[FivePItem] = []
    pt = wb.patients
    if pt:
        where = "5ps/patients.yaml"
        lines = []
        if pt.population:
            lines.append(f"Population: {pt.population}")
        if pt.top_diagnoses:
            names = [d.name for d in pt.top_diagnoses]
            lines.append(clip("Most common: " + ", ".join(names), "short", where, "5Ps"))
        scores = [f"{e.survey}: {quantity(e.score, e.unit)}" for e in pt.experience if e.score is not None]
        lines += clip.first(scores, 2, where, "5Ps", "survey results")
        said = clip.first(pt.what_patients_say, 2 if large else 1, where, "5Ps", "quotes")
        quotes = [clip(q, "short", where, "5Ps") for q in said]
        if lines or quotes:
            out.append(
                FivePItem(
                    Prose("Patients"),
                    prose_all(clip.first(lines, most, where, "5Ps", "lines")),
                    tuple(quotes),
                )
            )
    pr = wb.professionals
    if pr and pr.roles:
        where = "5ps/professionals.yaml"
        heads = sum(r.headcount or 0 for r in pr.roles)
        # Every role on one line, so that no one is left out without a word (a receptionist
        # who led the change is as much the team as its consultant).
        roles = ", ".join(r.role + (f" ({r.headcount})" if r.headcount else "") for r in pr.roles)
        lines = [
            f"{len(pr.roles)} roles" + (f", {heads} people" if heads else ""),
            clip(roles, "medium", where, "5Ps"),
        ]
        out.append(FivePItem(Prose("Professionals"), prose_all(lines), ()))
    ps = wb.processes
    if ps:
        lines = [
            p.name + (f": {p.cycle_time}" if p.cycle_time else "") for p in ps.processes if p.kind == "core"
        ]
        lines += [
            f"Interruption: {u.activity}" + (f" ({u.frequency})" if u.frequency else "") for u in ps.unplanned
        ]
        if lines:
            where = "5ps/processes.yaml"
            shown = clip.first(lines, most, where, "5Ps", "processes and interruptions")
            out.append(
                FivePItem(Prose("Processes"), tuple(clip(x, "label", where, "5Ps") for x in shown), ())
            )
    pa = wb.patterns
    if pa:
        lines = [f.finding + (f" ({f.value})" if f.value else "") for f in pa.findings]
        if pa.culture and (large or clip.budget is None):
            lines.append(pa.culture)
        if lines:
            where = "5ps/patterns.yaml"
            shown = clip.first(lines, most, where, "5Ps", "findings")
            out.append(FivePItem(Prose("Patterns"), tuple(clip(x, "short", where, "5Ps") for x in shown), ()))
    return tuple(out)


def section_ids() -> list[str]:
    """Every section's id, in order (also the names of its partial templates)."""
    return [s.id for s in SECTIONS]
