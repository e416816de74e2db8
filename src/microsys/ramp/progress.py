"""A suggested IHI-style progress score (0.5 to 5.0), derived from the evidence.

The Institute for Healthcare Improvement's assessment scale rates a team from
0.5 (intent to take part) to 5.0 (outstanding sustainable results). Teams and
coaches usually score themselves; microsys suggests a score from what the
workbook shows, with the reasons, so the conversation starts from evidence.

"Improvement" in a measure is a shift: after the first test of a change, a run
of consecutive values on the better side of the baseline median at least as
long as the run a stable process would rarely give (Anhøj's limit,
round(log2(n) + 3)). A specific aim is "met" when the median of its measure's
last values reaches the target.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from microsys.ramp.facts import Facts, filled
from microsys.spc.stats import median

LEVELS: dict[float, str] = {
    0.5: "Intent to participate",
    1.0: "Forming team",
    1.5: "Planning for the project has begun",
    2.0: "Activity, but no changes",
    2.5: "Changes tested, but no improvement",
    3.0: "Modest improvement",
    3.5: "Improvement",
    4.0: "Significant improvement",
    4.5: "Sustainable improvement",
    5.0: "Outstanding sustainable results",
}

MIN_BASELINE = 5
MIN_AFTER = 5
RECENT = 6
SUSTAIN_POINTS = 12


@dataclass(frozen=True)
class Trend:
    """How a measure has moved since changes were first tested."""

    measure: str
    kind: str
    baseline_median: float
    recent_median: float
    longest_better_run: int
    run_limit: int
    points_after: int

    @property
    def improved(self) -> bool:
        """A shift in the better direction."""
        return self.longest_better_run >= self.run_limit


@dataclass(frozen=True)
class Progress:
    """The suggested score, its label and why."""

    score: float
    label: str
    reasons: tuple[str, ...]
    next_level: str | None


def trend(facts: Facts, measure_id: str, split: dt.date) -> Trend | None:
    """The measure's movement after ``split``; None without a direction or enough data."""
    m = facts.measures.get(measure_id)
    if m is None or m.direction == "neutral":
        return None
    series = facts.series(measure_id)
    before = [y for d, y in series if d < split]
    after = [y for d, y in series if d >= split]
    if len(before) < MIN_BASELINE or len(after) < MIN_AFTER:
        return None
    centre = median(before)
    sign = 1 if m.direction == "up" else -1
    longest = run = 0
    for y in after:
        if (y - centre) * sign > 0:
            run += 1
            longest = max(longest, run)
        elif y != centre:
            run = 0
    limit = round(math.log2(len(before) + len(after)) + 3)
    return Trend(measure_id, m.type, centre, median(after[-RECENT:]), longest, limit, len(after))


def aim_met(facts: Facts, aim_measure: str, target: float | None, last: int = RECENT) -> bool | None:
    """True when the median of the last values reaches the target; None without data or target."""
    m = facts.measures.get(aim_measure)
    series = facts.series(aim_measure)
    if m is None or target is None or len(series) < last:
        return None
    recent = median([y for _, y in series[-last:]])
    return recent <= target if m.direction == "down" else recent >= target


def progress(facts: Facts) -> Progress:
    """Suggest a score from the workbook's evidence."""
    reasons: list[str] = []
    team = facts.manifest.lead_team if facts.manifest else []
    has_team = len(team) >= 3
    aims = facts.wb.aims
    has_aim = bool(aims and aims.global_aims)
    has_data = any(facts.series(m) for m in facts.measures)
    planning = bool(facts.change_ideas) or bool(facts.pdsa) or bool(facts.wb.process_maps)
    active = len(facts.meetings) >= 3 and (bool(facts.wb.fishbones) or bool(facts.wb.process_maps))
    tested = [c for c in facts.pdsa if c.do is not None and facts.test_start(c) is not None]
    starts = [s for c in tested if (s := facts.test_start(c)) is not None]
    first_test = min(starts) if starts else None
    trends = [t for m in facts.measures if first_test and (t := trend(facts, m, first_test)) is not None]
    improved = [t for t in trends if t.improved]
    process_up = [t for t in improved if t.kind == "process"]
    outcome_up = [t for t in improved if t.kind == "outcome"]
    specific = aims.specific_aims if aims else []
    met = [a for a in specific if aim_met(facts, a.measure, a.target)]
    sustained = [a for a in specific if aim_met(facts, a.measure, a.target, last=SUSTAIN_POINTS)]
    standardised = bool(facts.sdsa) and any(p.steps for p in facts.playbook)
    share = len(met) / len(specific) if specific else 0.0

    def say(text: str) -> None:
        reasons.append(text)

    # The Assess stage is evidence too: a team that has met, studied its 5Ps (with
    # patient numbers) and listed themes is a forming team, aim or not.
    patients = facts.wb.patients
    counted = patients is not None and patients.population is not None
    assessed = (
        has_team
        and len(facts.meetings) >= 3
        and bool(facts.wb.themes and facts.wb.themes.themes)
        and (counted or has_data)
    )
    score = 0.5
    next_level: str | None = "a lead team of 3+, an aim and the first data (1.0)"
    if facts.manifest is not None:
        say(f"workbook for {facts.manifest.name}")
    if has_team and has_aim and has_data:
        score, next_level = 1.0, "change ideas, a process map or a planned cycle (1.5)"
        say(f"lead team of {len(team)}, an aim, and data collection begun")
    elif assessed:
        score, next_level = 1.0, "change ideas, a process map or a planned cycle (1.5)"
        say(
            f"lead team of {len(team)} assessed its microsystem: {len(facts.meetings)} meetings, "
            "the 5Ps with patient numbers, themes listed"
        )
    if score >= 1.0 and planning:
        score, next_level = 1.5, "3+ meetings and diagnostic work: a fishbone or process map (2.0)"
        say("planning under way: change ideas, maps or cycles")
    if score >= 1.5 and active:
        score, next_level = 2.0, "a change tested in a PDSA cycle (2.5)"
        say(f"{len(facts.meetings)} meetings and diagnostic work done")
    if score >= 2.0 and tested:
        score, next_level = 2.5, "a shift in a process measure after testing (3.0)"
        say(f"{len(tested)} change test(s) carried out")
    if score >= 2.5 and (process_up or outcome_up) and any(facts.completed(c) for c in facts.pdsa):
        score, next_level = 3.0, "an outcome measure that improves too (3.5)"
        say("improvement in " + ", ".join(t.measure for t in process_up or outcome_up))
    if score >= 3.0 and outcome_up and facts.adoptions:
        score, next_level = 3.5, "half the specific aims met (4.0)"
        say("outcome improved: " + ", ".join(t.measure for t in outcome_up) + "; changes adopted")
    if score >= 3.5 and specific and share >= 0.5:
        score, next_level = 4.0, "75% of aims met, sustained and standardised (4.5)"
        say(f"{len(met)} of {len(specific)} specific aim(s) met")
    if score >= 4.0 and share >= 0.75 and sustained and standardised:
        score, next_level = 4.5, "every aim sustained over 12 values, every adopted change standardised (5.0)"
        say("gains sustained and standardised in SDSA cycles and the playbook")
    all_standardised = bool(facts.adoptions) and all(
        any(s.change == a.change and facts.completed(s) for s in facts.sdsa)
        and any(a.change in p.changes for p in facts.playbook)
        for a in facts.adoptions
    )
    if score >= 4.5 and len(sustained) == len(specific) and all_standardised:
        score, next_level = 5.0, None
        say("every specific aim met and sustained; every adopted change standardised")
    if score < 3.0 and trends and not improved:
        say("no shift yet in " + ", ".join(t.measure for t in trends))
    if not any(filled(c.prediction) for c in tested) and tested:
        say("note: no tested cycle wrote a prediction")
    return Progress(score, LEVELS[score], tuple(reasons), next_level)
