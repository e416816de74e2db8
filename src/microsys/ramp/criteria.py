"""The evidence each stage of the ramp and each coaching phase asks for.

The criteria are a table: one :class:`Criterion` a line, each with a short
test function below it. To change what a stage asks for, edit the table (or
the thresholds in :data:`THRESHOLDS`); docs/ramp.md is generated from it.

A criterion is *required* (it holds the team at its stage until met, unless
the move is forced) or *advisory* (shown, never blocking).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from microsys.ramp.facts import Adoption, Facts, filled

STAGES: tuple[str, ...] = ("assess", "diagnose", "treat", "sustain")
PHASES: tuple[str, ...] = ("work-before-the-work", "pre-phase", "action", "transition")

STAGE_TITLES = {"assess": "Assess", "diagnose": "Diagnose", "treat": "Treat", "sustain": "Sustain"}
PHASE_TITLES = {
    "work-before-the-work": "Work before the work",
    "pre-phase": "Pre-phase",
    "action": "Action phase",
    "transition": "Transition phase",
}


def next_stage(stage: str) -> str:
    """The stage after ``stage``; after sustain the team returns to diagnose with its next theme."""
    return "diagnose" if stage == "sustain" else STAGES[STAGES.index(stage) + 1]


def next_phase(phase: str) -> str:
    """The coaching phase after ``phase``; after transition, action again for the next focus."""
    return "action" if phase == "transition" else PHASES[PHASES.index(phase) + 1]


@dataclass(frozen=True)
class Thresholds:
    """Thresholds the criteria use."""

    lead_team_size: int = 3
    professions: int = 2
    meetings: int = 3
    baseline_points: int = 6
    points_after_change: int = 3
    points_after_adoption: int = 6
    fishbone_causes: int = 3
    map_steps: int = 3
    change_ideas: int = 2


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Verdict:
    """Whether a criterion holds, with a sentence saying what was found."""

    ok: bool
    detail: str


Test = Callable[[Facts], Verdict]


@dataclass(frozen=True)
class Criterion:
    """One piece of evidence a stage or phase asks for."""

    id: str
    gate: str
    """The stage or coaching phase whose exit this criterion guards."""
    title: str
    file: str
    """The file (or folder) to edit to meet it."""
    test: Test
    required: bool = True
    kinds: frozenset[str] = frozenset({"microsystem", "pathway"})
    """The kinds of workbook it applies to: the ramp (microsystem), the Flow roadmap (pathway) or both."""


# --- Assess ---------------------------------------------------------------


def _lead_team(f: Facts) -> Verdict:
    team = f.manifest.lead_team if f.manifest else []
    roles = {m.role.strip().lower() for m in team if not m.patient_or_family}
    ok = len(team) >= THRESHOLDS.lead_team_size and len(roles) >= THRESHOLDS.professions
    return Verdict(ok, f"{len(team)} member(s), {len(roles)} staff role(s)")


def _patient_on_team(f: Facts) -> Verdict:
    team = f.manifest.lead_team if f.manifest else []
    n = sum(1 for m in team if m.patient_or_family)
    return Verdict(n > 0, f"{n} patient or family member(s)" if n else "no patient or family member yet")


def _lead_named(f: Facts) -> Verdict:
    team = f.manifest.lead_team if f.manifest else []
    leads = [m.name for m in team if m.lead]
    return Verdict(bool(leads), ", ".join(leads) if leads else "nobody marked `lead: true`")


def _meetings(f: Facts) -> Verdict:
    with_roles = [m for m in f.meetings if m.roles and m.roles.leader and m.roles.recorder]
    ok = len(with_roles) >= THRESHOLDS.meetings
    return Verdict(ok, f"{len(with_roles)} of {len(f.meetings)} meeting(s) record a leader and a recorder")


def _timed_agenda(f: Facts) -> Verdict:
    timed = [m for m in f.meetings if m.agenda and all(a.minutes for a in m.agenda)]
    return Verdict(bool(timed), f"{len(timed)} meeting(s) with a timed agenda")


def _purpose(f: Facts) -> Verdict:
    p = f.wb.purpose
    return Verdict(
        p is not None and filled(p.statement), "statement written" if p and filled(p.statement) else "empty"
    )


def _patients(f: Facts) -> Verdict:
    p = f.wb.patients
    parts = []
    if p is not None:
        parts = [
            name
            for name, present in (
                ("population", p.population is not None),
                ("age bands", bool(p.age_bands)),
                ("diagnoses", bool(p.top_diagnoses)),
                ("high users", bool(p.high_users)),
                ("experience", bool(p.experience) or any(filled(s) for s in p.what_patients_say)),
            )
            if present
        ]
    return Verdict(len(parts) >= 2, ", ".join(parts) if parts else "empty")


def _professionals(f: Facts) -> Verdict:
    p = f.wb.professionals
    roles = p.roles if p else []
    return Verdict(bool(roles), f"{len(roles)} role(s) listed")


def _processes(f: Facts) -> Verdict:
    p = f.wb.processes
    n = len(p.processes) if p else 0
    path = len(p.patient_path) if p else 0
    return Verdict(n > 0 or path > 0, f"{n} process(es), patient path of {path} step(s)")


def _patterns(f: Facts) -> Verdict:
    p = f.wb.patterns
    parts = []
    if p is not None:
        parts = [
            name
            for name, present in (
                ("meetings", bool(p.meetings)),
                ("culture", filled(p.culture)),
                ("communication", filled(p.communication)),
                ("patient involvement", filled(p.patient_involvement)),
                ("metrics", bool(p.visible_metrics)),
                ("findings", bool(p.findings)),
            )
            if present
        ]
    return Verdict(len(parts) >= 2, ", ".join(parts) if parts else "empty")


def _themes_listed(f: Facts) -> Verdict:
    t = f.wb.themes
    n = len(t.themes) if t else 0
    return Verdict(n > 0, f"{n} theme(s)")


def _self_assessment(f: Facts) -> Verdict:
    rated = [sa for sa in f.wb.self_assessments if sa.ratings]  # a new, unrated file is not yet one
    n = len(f.wb.self_assessments)
    if n and not rated:
        return Verdict(False, f"{n} self-assessment file(s), none rated yet")
    return Verdict(bool(rated), f"{len(rated)} self-assessment(s)")


# --- Diagnose -------------------------------------------------------------


def _theme_selected(f: Facts) -> Verdict:
    t = f.selected_theme
    if t is None:
        return Verdict(False, "`selected:` names no theme")
    if t.status == "done":
        return Verdict(False, f"{t.id} is already done: select the next theme")
    return Verdict(True, f"{t.id} {t.title}")


def _global_aim(f: Facts) -> Verdict:
    ga = f.global_aim
    if ga is None:
        return Verdict(False, "no global aim for the selected theme")
    missing = [k for k in ("begins", "ends", "benefits", "why_now") if not filled(getattr(ga, k))]
    if missing:
        return Verdict(False, f"{ga.id} lacks " + ", ".join(f"`{k}`" for k in missing))
    return Verdict(True, f"{ga.id}: {ga.process}")


def _process_map(f: Facts) -> Verdict:
    ga = f.global_aim
    maps = [m for m in f.wb.process_maps if ga is not None and m.global_aim == ga.id]
    if not maps:
        others = len(f.wb.process_maps)
        return Verdict(
            False,
            f"none linked to the global aim ({others} map(s) without `global_aim: {ga.id if ga else '...'}`)"
            if others
            else "no process map",
        )
    for m in maps:
        kinds = {s.kind for s in m.steps}
        if "start" in kinds and "end" in kinds and len(m.steps) >= THRESHOLDS.map_steps:
            return Verdict(True, f"{m.id}: {len(m.steps)} steps from start to end")
    return Verdict(
        False, f"{maps[0].id} needs a `start` step, an `end` step and {THRESHOLDS.map_steps}+ steps"
    )


def _fishbone(f: Facts) -> Verdict:
    ga = f.global_aim
    bones = [b for b in f.wb.fishbones if ga is not None and b.global_aim in (ga.id, None)]
    best = max(
        ((b, sum(len(c.causes) for c in b.categories)) for b in bones), key=lambda t: t[1], default=None
    )
    if best is None:
        return Verdict(False, "no fishbone for the global aim")
    bone, causes = best
    ok = causes >= THRESHOLDS.fishbone_causes and len(bone.categories) >= 2
    return Verdict(ok, f"{bone.id}: {causes} cause(s) in {len(bone.categories)} categories")


def _specific_aim(f: Facts) -> Verdict:
    aims = f.specific_aims
    if not aims:
        return Verdict(False, "no specific aim linked to the global aim")
    for a in aims:
        missing = [k for k in ("baseline", "target", "by") if getattr(a, k) is None]
        if a.measure not in f.measures:
            missing.insert(0, f"measure `{a.measure}` in measures/")
        if not missing:
            return Verdict(True, f"{a.id}: {a.measure} from {a.baseline:g} to {a.target:g} by {a.by}")
    return Verdict(False, f"{aims[0].id} lacks " + ", ".join(missing))


# --- Treat ----------------------------------------------------------------


def _in_theme(f: Facts, change: str) -> bool:
    """True when the change idea belongs to the theme being judged (see workbook/belonging.py).

    An idea that names no theme is the team's only theme's, so a first theme needs no
    links; once a second theme is worked on it belongs to neither (`theme.unplaced`).
    """
    idea = f.change_ideas.get(change)
    theme = f.theme
    return idea is None or theme is None or theme.id in f.belonging.change_idea(idea)


def _change_ideas(f: Facts) -> Verdict:
    ideas = [i for i in f.change_ideas.values() if _in_theme(f, i.id)]
    ci = f.wb.change_ideas
    theme = f.theme.id if f.theme else None
    rounds = [r for r in (ci.votes if ci else []) if r.votes and f.belonging.of(theme, "vote", r)]
    ok = len(ideas) >= THRESHOLDS.change_ideas and bool(rounds)
    return Verdict(ok, f"{len(ideas)} idea(s), {len(rounds)} multi-vote round(s)")


def _first_test(f: Facts) -> dt.date | None:
    starts = [s for c in f.pdsa if _in_theme(f, c.change) and (s := f.test_start(c)) is not None]
    return min(starts) if starts else None


def _baseline_measure(f: Facts) -> Verdict:
    first = _first_test(f)
    best = ("", 0)
    for m in f.measures.values():
        if m.type == "balancing":
            continue
        n = f.points_between(m.id, end=first)
        if n > best[1]:
            best = (m.id, n)
    ok = best[1] >= THRESHOLDS.baseline_points
    where = "before the first test" if first else "so far"
    if not best[0]:
        return Verdict(False, "no outcome or process measure with values")
    return Verdict(ok, f"{best[0]}: {best[1]} value(s) {where} (baseline needs {THRESHOLDS.baseline_points})")


def _balancing(f: Facts) -> Verdict:
    n = sum(1 for m in f.measures.values() if m.type == "balancing")
    return Verdict(n > 0, f"{n} balancing measure(s)")


def _completed_cycles(f: Facts) -> Verdict:
    done = [c for c in f.pdsa if f.completed(c) and _in_theme(f, c.change)]
    return Verdict(bool(done), f"{len(done)} of {len(f.pdsa)} cycle(s) reached Act with a decision")


def _predictions(f: Facts) -> Verdict:
    # Judged as `check` judges it: a cycle with results needs a prediction, and one
    # that git shows was committed with or after the results does not count.
    tested = [c for c in f.pdsa if c.do is not None or c.study is not None]
    if not tested:
        return Verdict(False, "no cycle tested yet")
    without = [c.id for c in tested if not filled(c.prediction)]
    late = [c.id for c in tested if c.id in f.late_predictions and c.id not in without]
    problems = (["missing in " + ", ".join(without)] if without else []) + (
        ["committed with or after the results in " + ", ".join(late)] if late else []
    )
    if problems:
        return Verdict(False, "; ".join(problems))
    return Verdict(True, f"all {len(tested)} tested cycle(s) wrote one first")


def _data_after_change(f: Facts) -> Verdict:
    for c in f.pdsa:
        start = f.test_start(c)
        if not f.completed(c) or start is None or not _in_theme(f, c.change):
            continue
        for m in f.cycle_measures(c):
            n = f.points_between(m, start=start)
            if n >= THRESHOLDS.points_after_change:
                return Verdict(True, f"{c.id}: {n} value(s) of {m} from {start}")
    return Verdict(
        False,
        f"no completed cycle has {THRESHOLDS.points_after_change}+ values of its measures after its test",
    )


def _theme_adoptions(f: Facts) -> list[Adoption]:
    return [a for a in f.adoptions if _in_theme(f, a.change)]


def _adopted(f: Facts) -> Verdict:
    adopted = _theme_adoptions(f)
    return Verdict(
        bool(adopted), ", ".join(a.change for a in adopted) if adopted else "no change adopted yet"
    )


# --- Sustain --------------------------------------------------------------


def _sdsa(f: Facts) -> Verdict:
    adopted = {a.change for a in _theme_adoptions(f)}
    cycles = [s for s in f.sdsa if s.change in adopted]
    done = [s for s in cycles if s.standardise and filled(s.standardise.standard) and f.completed(s)]
    if done:
        return Verdict(True, f"{len(done)} SDSA cycle(s) completed: " + ", ".join(s.id for s in done))
    if not cycles:
        return Verdict(False, "no SDSA cycle for an adopted change yet")
    # Say which part is missing: a cycle with its Act done but no standard written is not
    # "not completed through Act".
    unwritten = [
        s.id for s in cycles if f.completed(s) and not (s.standardise and filled(s.standardise.standard))
    ]
    if unwritten:
        return Verdict(
            False,
            f"{', '.join(unwritten)}: Act is done but `standardise: standard:` is not written "
            "(the standard the team now works to)",
        )
    return Verdict(False, f"{len(cycles)} SDSA cycle(s) for adopted changes, none completed through Act")


def _playbook(f: Facts) -> Verdict:
    adopted = {a.change for a in _theme_adoptions(f)}
    entries = [p for p in f.playbook if adopted & set(p.changes)]
    good = [p for p in entries if p.steps and p.measures]
    if good:
        return Verdict(True, ", ".join(p.id for p in good))
    if entries:
        return Verdict(False, f"{entries[0].id} needs steps and measures")
    return Verdict(False, "no playbook entry lists an adopted change under `changes:`")


def _measured_after_adoption(f: Facts) -> Verdict:
    for a in _theme_adoptions(f):
        for m in f.adoption_measures(a):
            n = f.points_between(m, start=a.date)
            if a.date is not None and n >= THRESHOLDS.points_after_adoption:
                return Verdict(True, f"{m}: {n} value(s) since {a.change} was adopted on {a.date}")
    return Verdict(
        False,
        f"no adopted change has {THRESHOLDS.points_after_adoption}+ values of its measures since adoption",
    )


def _reflection(f: Facts) -> Verdict:
    since = f.ramp.since if f.ramp.stage == "sustain" else None
    ms = f.meetings_since(since)
    r = any(filled(m.reflection) for m in ms)
    c = any(filled(m.celebration) for m in ms)
    found = [w for w, ok in (("a reflection", r), ("a celebration", c)) if ok]
    return Verdict(r and c, " and ".join(found) + " recorded" if found else "neither recorded yet")


def _next_theme(f: Facts) -> Verdict:
    t = f.wb.themes
    current = f.theme
    if t is None or current is None:
        return Verdict(False, "no theme selected in themes.yaml")
    if current.status != "done":
        return Verdict(
            False,
            f"first mark {current.id} `status: done` in themes.yaml when its gains are sustained, "
            "then select the next theme (`selected:`), then run `microsys ramp next`",
        )
    nxt = [x for x in t.themes if x.status in ("candidate", "selected") and x.id != current.id]
    if not nxt:
        return Verdict(False, f"{current.id} done; now list the next theme in themes.yaml and select it")
    chosen = f.selected_theme
    if chosen is None or chosen.id == current.id:
        return Verdict(
            True,
            f"{current.id} done; next select one of "
            + ", ".join(x.id for x in nxt)
            + " (`selected:`), then run `microsys ramp next`",
        )
    return Verdict(True, f"{current.id} done; {chosen.id} selected next: run `microsys ramp next`")


# --- Coaching phases ------------------------------------------------------


def _coach(f: Facts) -> Verdict:
    c = f.manifest.coach if f.manifest else None
    return Verdict(c is not None, c.name if c else "no coach in microsys.yaml")


def _goals(f: Facts) -> Verdict:
    c = f.manifest.coach if f.manifest else None
    ok = c is not None and filled(c.goals)
    return Verdict(ok, "written" if ok else "`coach: goals:` is empty")


def _sponsor(f: Facts) -> Verdict:
    s = f.manifest.sponsor if f.manifest else None
    return Verdict(filled(s), s or "no senior leader named under `sponsor:`")


def _cadence(f: Facts) -> Verdict:
    c = f.manifest.meetings if f.manifest else None
    if c is None:
        return Verdict(False, "not set")
    return Verdict(True, c.frequency + (f", {c.day}" if c.day else ""))


def _first_meeting(f: Facts) -> Verdict:
    return Verdict(bool(f.meetings), f"first on {f.meetings[0].date}" if f.meetings else "none recorded")


def _data_known(f: Facts) -> Verdict:
    p = f.wb.patients
    ok = bool(f.measures) or (p is not None and p.population is not None)
    return Verdict(ok, f"{len(f.measures)} measure(s)" + (", patient numbers" if p and p.population else ""))


def _reached_sustain(f: Facts) -> Verdict:
    return Verdict(f.ramp.stage == "sustain", f"the team is in {STAGE_TITLES[f.ramp.stage]}")


def _transition_reflection(f: Facts) -> Verdict:
    since = f.ramp.coaching.since if f.ramp.coaching.phase == "transition" else None
    ms = f.meetings_since(since)
    r = any(filled(m.reflection) for m in ms)
    c = any(filled(m.celebration) for m in ms)
    return Verdict(r and c, f"reflection {'yes' if r else 'no'}, celebration {'yes' if c else 'no'}")


def _capability(f: Facts) -> Verdict:
    since = f.ramp.coaching.since if f.ramp.coaching.phase == "transition" else None
    n = sum(1 for a in f.wb.self_assessments if since is None or a.date >= since)
    return Verdict(n > 0, f"{n} self-assessment(s) in this phase")


def _next_focus(f: Facts) -> Verdict:
    t = f.wb.themes
    n = [x.id for x in (t.themes if t else []) if x.status == "candidate"]
    return Verdict(bool(n), "candidates: " + ", ".join(n) if n else "no candidate theme")


# --- The Flow roadmap (pathway workbooks) ------------------------------------


def _linked(f: Facts) -> Verdict:
    p = f.wb.pathway
    n = len(p.microsystems) if p else 0
    return Verdict(n >= 2, f"{n} linked microsystem(s)")


def _hand_offs(f: Facts) -> Verdict:
    p = f.wb.pathway
    hs = p.hand_offs if p else []
    with_failures = [h for h in hs if h.failure_points]
    return Verdict(bool(with_failures), f"{len(hs)} hand-off(s), {len(with_failures)} with failure points")


def _big_rooms(f: Facts) -> Verdict:
    n = len(f.wb.big_room)
    return Verdict(n >= THRESHOLDS.meetings, f"{n} big room meeting(s)")


def _value(f: Facts) -> Verdict:
    v = f.wb.value
    n = len([x for x in v.what_patients_value if filled(x)]) if v else 0
    return Verdict(n > 0, f"{n} thing(s) patients value")


def _involve(f: Facts) -> Verdict:
    v = f.wb.involve
    works, not_working = (len(v.works), len(v.does_not_work)) if v else (0, 0)
    return Verdict(works > 0 and not_working > 0, f"{works} that work, {not_working} that do not")


def _visualisation(f: Facts) -> Verdict:
    v = f.wb.visualisation
    parts = (
        (len(v.shadowing), len(f.wb.value_streams), len(v.spaghetti))
        if v
        else (0, len(f.wb.value_streams), 0)
    )
    return Verdict(
        any(parts),
        f"{parts[0]} shadowing note(s), {parts[1]} value stream map(s), {parts[2]} spaghetti diagram(s)",
    )


def _evidence(f: Facts) -> Verdict:
    e = f.wb.evidence
    kinds = [k for k in ("demand", "flow", "waiting", "waste") if e is not None and getattr(e, k)]
    return Verdict(len(kinds) >= 2, ", ".join(kinds) if kinds else "no data yet")


def _vision(f: Facts) -> Verdict:
    v = f.wb.vision
    ok = v is not None and filled(v.statement)
    return Verdict(ok, "statement written" if ok else "empty")


def _story(f: Facts) -> Verdict:
    n = len(f.wb.stories)
    return Verdict(n > 0, f"{n} story(ies)")


def _value_stream(f: Facts) -> Verdict:
    best = max((len(m.steps) for m in f.wb.value_streams), default=0)
    return Verdict(best >= THRESHOLDS.map_steps, f"{len(f.wb.value_streams)} map(s), longest {best} step(s)")


def _hand_off_measured(f: Facts) -> Verdict:
    p = f.wb.pathway
    watched = [h.id for h in (p.hand_offs if p else []) if h.measures]
    return Verdict(bool(watched), ", ".join(watched) if watched else "no hand-off names a measure")


def _co_coaches(f: Facts) -> Verdict:
    p = f.wb.pathway
    kinds = [c.kind for c in (p.co_coaches if p else [])]
    ok = "clinical" in kinds and "external" in kinds
    return Verdict(ok, f"{kinds.count('clinical')} clinical, {kinds.count('external')} external")


def _big_room_time(f: Facts) -> Verdict:
    p = f.wb.pathway
    c = p.big_room if p else None
    return Verdict(c is not None, c.frequency + (f", {c.day}" if c.day else "") if c else "not set")


def _first_big_room(f: Facts) -> Verdict:
    rooms = f.wb.big_room
    return Verdict(bool(rooms), f"first on {rooms[0].date}" if rooms else "none recorded")


C = Criterion
MICROSYSTEM = frozenset({"microsystem"})
PATHWAY = frozenset({"pathway"})
CRITERIA: tuple[Criterion, ...] = (
    # Assess: the team knows itself.
    C(
        "assess.lead-team",
        "assess",
        "A lead team of 3+ people from 2+ professions",
        "microsys.yaml",
        _lead_team,
    ),
    C(
        "assess.patient-on-team",
        "assess",
        "A patient or family member on the lead team",
        "microsys.yaml",
        _patient_on_team,
        required=False,
    ),
    C(
        "assess.lead-named",
        "assess",
        "A team lead named (`lead: true`)",
        "microsys.yaml",
        _lead_named,
        required=False,
    ),
    C(
        "assess.meetings",
        "assess",
        "3+ lead team meetings recorded with a leader and a recorder",
        "meetings/",
        _meetings,
        kinds=MICROSYSTEM,
    ),
    C(
        "assess.timed-agenda",
        "assess",
        "Meetings keep a timed agenda",
        "meetings/",
        _timed_agenda,
        required=False,
        kinds=MICROSYSTEM,
    ),
    C(
        "assess.purpose",
        "assess",
        "Purpose: an agreed statement",
        "5ps/purpose.yaml",
        _purpose,
        kinds=MICROSYSTEM,
    ),
    C(
        "assess.patients",
        "assess",
        "Patients: numbers on 2+ of population, ages, diagnoses, high users, experience",
        "5ps/patients.yaml",
        _patients,
        kinds=MICROSYSTEM,
    ),
    C(
        "assess.professionals",
        "assess",
        "Professionals: the roles of the microsystem",
        "5ps/professionals.yaml",
        _professionals,
        kinds=MICROSYSTEM,
    ),
    C(
        "assess.processes",
        "assess",
        "Processes: core processes or the patient's path",
        "5ps/processes.yaml",
        _processes,
        kinds=MICROSYSTEM,
    ),
    C(
        "assess.patterns",
        "assess",
        "Patterns: 2+ of meetings, culture, communication, involvement, metrics, findings",
        "5ps/patterns.yaml",
        _patterns,
        kinds=MICROSYSTEM,
    ),
    C("assess.themes", "assess", "Themes for improvement listed", "themes.yaml", _themes_listed),
    C(
        "assess.self-assessment",
        "assess",
        "The team rated itself on the characteristics of high performers",
        "self-assessment/",
        _self_assessment,
        required=False,
        kinds=MICROSYSTEM,
    ),
    # Diagnose: one theme, understood.
    C("diagnose.theme-selected", "diagnose", "One theme selected", "themes.yaml", _theme_selected),
    C(
        "diagnose.global-aim",
        "diagnose",
        "A global aim for it: process, begins, ends, benefits, why now",
        "aims.yaml",
        _global_aim,
    ),
    C(
        "diagnose.process-map",
        "diagnose",
        "A process map of it from start to end",
        "process-maps/",
        _process_map,
        kinds=MICROSYSTEM,
    ),
    C(
        "diagnose.fishbone",
        "diagnose",
        "A fishbone with 3+ causes in 2+ categories",
        "fishbones/",
        _fishbone,
        kinds=MICROSYSTEM,
    ),
    C(
        "diagnose.specific-aim",
        "diagnose",
        "A specific aim: measure, baseline, target and date",
        "aims.yaml",
        _specific_aim,
    ),
    # Treat: test changes, measure over time.
    C(
        "treat.change-ideas",
        "treat",
        "Change ideas narrowed by a multi-vote",
        "change-ideas.yaml",
        _change_ideas,
    ),
    C(
        "treat.baseline",
        "treat",
        "An outcome or process measure with a baseline (6+ values before the first test)",
        "measures/",
        _baseline_measure,
    ),
    C("treat.balancing-measure", "treat", "A balancing measure", "measures/", _balancing, required=False),
    C(
        "treat.cycle-completed",
        "treat",
        "A PDSA cycle completed through Act (adopt, adapt or abandon)",
        "pdsa/",
        _completed_cycles,
    ),
    C(
        "treat.predictions",
        "treat",
        "Every tested cycle wrote its prediction first",
        "pdsa/",
        _predictions,
        required=False,
    ),
    C(
        "treat.data-after-change",
        "treat",
        "Data over time after a change was tested (3+ values)",
        "measures/",
        _data_after_change,
    ),
    C("treat.change-adopted", "treat", "A change adopted", "pdsa/", _adopted),
    # Sustain: hold the gain, write it down, move on.
    C(
        "sustain.sdsa",
        "sustain",
        "An adopted change standardised in an SDSA cycle through Act",
        "sdsa/",
        _sdsa,
    ),
    C(
        "sustain.playbook",
        "sustain",
        "A playbook entry for it with steps and measures",
        "playbook/",
        _playbook,
    ),
    C(
        "sustain.still-measured",
        "sustain",
        "Its measures still collected after adoption (6+ values)",
        "measures/",
        _measured_after_adoption,
    ),
    C(
        "sustain.reflect-celebrate",
        "sustain",
        "A meeting reflected on the journey and celebrated",
        "meetings/",
        _reflection,
        required=False,
        kinds=MICROSYSTEM,
    ),
    C(
        "sustain.next-theme",
        "sustain",
        "The theme marked done, and another theme to work on next",
        "themes.yaml",
        _next_theme,
    ),
    # The Flow roadmap of a pathway (mesosystem) workbook: the 5Vs instead of the 5Ps,
    # a value stream map instead of a process map, co-coaches and the big room as pre-work.
    C(
        "flow.microsystems",
        "assess",
        "2+ microsystem workbooks linked in pathway order",
        "pathway.yaml",
        _linked,
        kinds=PATHWAY,
    ),
    C(
        "flow.hand-offs",
        "assess",
        "The hand-offs between them, with known failure points",
        "pathway.yaml",
        _hand_offs,
        kinds=PATHWAY,
    ),
    C("flow.big-room", "assess", "3+ big room meetings recorded", "big-room/", _big_rooms, kinds=PATHWAY),
    C(
        "flow.value",
        "assess",
        "Value: what patients value from the pathway",
        "5vs/value.yaml",
        _value,
        kinds=PATHWAY,
    ),
    C(
        "flow.involve",
        "assess",
        "inVolve: what staff say works and does not",
        "5vs/involve.yaml",
        _involve,
        kinds=PATHWAY,
    ),
    C(
        "flow.visualisation",
        "assess",
        "Visualisation: shadowing, a value stream map or a spaghetti diagram",
        "5vs/visualisation.yaml",
        _visualisation,
        kinds=PATHWAY,
    ),
    C(
        "flow.evidence",
        "assess",
        "eVidence: data on 2+ of demand, flow, waiting and waste",
        "5vs/evidence.yaml",
        _evidence,
        kinds=PATHWAY,
    ),
    C(
        "flow.vision",
        "assess",
        "Vision: a statement of ideal care",
        "5vs/vision.yaml",
        _vision,
        kinds=PATHWAY,
    ),
    C(
        "flow.patient-story",
        "assess",
        "A patient story heard in the big room",
        "stories/",
        _story,
        required=False,
        kinds=PATHWAY,
    ),
    C(
        "flow.value-stream",
        "diagnose",
        "A value stream map with 3+ steps",
        "value-streams/",
        _value_stream,
        kinds=PATHWAY,
    ),
    C(
        "flow.hand-off-measured",
        "treat",
        "A hand-off watched by a measure",
        "pathway.yaml",
        _hand_off_measured,
        required=False,
        kinds=PATHWAY,
    ),
    C(
        "flow.co-coaches",
        "work-before-the-work",
        "Two co-coaches: one clinical insider, one external",
        "pathway.yaml",
        _co_coaches,
        kinds=PATHWAY,
    ),
    C(
        "flow.big-room-time",
        "pre-phase",
        "Time set aside: a weekly big room",
        "pathway.yaml",
        _big_room_time,
        kinds=PATHWAY,
    ),
    C(
        "flow.first-big-room",
        "pre-phase",
        "A first big room meeting held",
        "big-room/",
        _first_big_room,
        kinds=PATHWAY,
    ),
    # Coaching phases.
    C(
        "coach.coach-named",
        "work-before-the-work",
        "A coach named",
        "microsys.yaml",
        _coach,
        kinds=MICROSYSTEM,
    ),
    C(
        "coach.goals",
        "work-before-the-work",
        "Improvement goals and expectations agreed",
        "microsys.yaml",
        _goals,
        kinds=MICROSYSTEM,
    ),
    C(
        "coach.sponsor",
        "work-before-the-work",
        "A senior leader supports the work (`sponsor:`)",
        "microsys.yaml",
        _sponsor,
    ),
    C(
        "coach.lead-team",
        "pre-phase",
        "A lead team of 3+ people from 2+ professions",
        "microsys.yaml",
        _lead_team,
    ),
    C(
        "coach.cadence",
        "pre-phase",
        "Time set aside: a regular meeting time",
        "microsys.yaml",
        _cadence,
        kinds=MICROSYSTEM,
    ),
    C(
        "coach.first-meeting",
        "pre-phase",
        "A first lead team meeting held",
        "meetings/",
        _first_meeting,
        kinds=MICROSYSTEM,
    ),
    C(
        "coach.data",
        "pre-phase",
        "Data resources known: patient numbers or a measure",
        "5ps/patients.yaml",
        _data_known,
        kinds=MICROSYSTEM,
    ),
    C(
        "coach.up-the-ramp",
        "action",
        "The team has reached Sustain on the ramp",
        "`microsys ramp next`",
        _reached_sustain,
    ),
    C(
        "coach.reflect-celebrate",
        "transition",
        "The journey reflected on and celebrated",
        "meetings/",
        _transition_reflection,
        kinds=MICROSYSTEM,
    ),
    C(
        "coach.capability",
        "transition",
        "The team assessed its capability again",
        "self-assessment/",
        _capability,
        kinds=MICROSYSTEM,
    ),
    C("coach.next-focus", "transition", "A next focus to renew for", "themes.yaml", _next_focus),
)


@dataclass(frozen=True)
class Evaluated:
    """A criterion with its outcome."""

    criterion: Criterion
    outcome: Verdict

    @property
    def blocking(self) -> bool:
        """True when it is required and not met."""
        return self.criterion.required and not self.outcome.ok


def evaluate(facts: Facts, gate: str) -> list[Evaluated]:
    """Every criterion of a stage or coaching phase for this kind of workbook, evaluated."""
    kind = facts.wb.kind
    return [Evaluated(c, c.test(facts)) for c in CRITERIA if c.gate == gate and kind in c.kinds]
