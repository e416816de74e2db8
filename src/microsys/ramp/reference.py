"""docs/ramp.md, generated from the criteria table so the two never disagree."""

from __future__ import annotations

from microsys import rules
from microsys.ramp.criteria import CRITERIA, PHASE_TITLES, PHASES, STAGE_TITLES, STAGES, THRESHOLDS
from microsys.ramp.progress import LEVELS

_INTRO = """\
# The ramp, the coaching phases and the progress score

<!-- Generated from src/microsys/ramp/criteria.py by `python -m microsys.schema.reference`. -->

A team moves up the improvement ramp: **Assess → Diagnose → Treat → Sustain**,
then back to **Diagnose** with its next theme (a new improvement cycle; the
earlier work stays in the workbook and in the history). `microsys ramp status`
shows every stage's checklist; `microsys ramp next` moves the team on when the
current stage's **required** criteria hold, and records the move in
`ramp.yaml` (date, from, to, who). *Advice* criteria are shown but never block.
A move past missing evidence needs `--force --reason "..."`; the reason is kept.

Each criterion is computed from the workbook itself: a file with errors counts
as missing, and template placeholders (empty text, `...`, `TODO`) do not count.
Ids are stable, for `--format json` users. The thresholds live in one place
(`Thresholds` in `src/microsys/ramp/criteria.py`).

A pathway (mesosystem) workbook, one with `pathway.yaml`, follows the **Flow
roadmap** through the same stages and the same commands: the criteria marked
*pathway* replace those marked *microsystem* (the 5Vs instead of the 5Ps, a
value stream map instead of a process map and fishbone, the big room instead of
lead team meetings, two co-coaches instead of one coach); those marked *both*
apply to either.

In a later improvement cycle, changes, cycles and adoptions count for the
cycle's theme when their change idea names it under `theme:` (or names no theme).
The cycle's theme is the selected one in Diagnose; from Treat on it is the theme
recorded by the cycle's moves (each history entry of `ramp.yaml` keeps `theme:`
and `cycle:`). So at the end of Sustain the team works in this order:

1. mark the finished theme `status: done` in `themes.yaml`;
2. select the next theme (`selected: T2`), adding it first if it is not listed;
3. run `microsys ramp next`: the Sustain checklist still judges the finished
   theme, and the team returns to Diagnose with the next one.

Moves are recorded as of today, or of `--date YYYY-MM-DD` for a team that
starts using microsys part-way through its journey; `by:` is `--by`, else
`git config user.name` of the workbook's repository, else asked for (and left
out with `--no-input`).
"""

_SCORE = """\
## Suggested progress score (IHI scale)

`ramp status` suggests a score on the Institute for Healthcare Improvement's
0.5 to 5.0 assessment scale, with the evidence behind it. It is a suggestion
to start the conversation with the coach, not a verdict.

"Improvement" in a measure means a shift: after the first test of a change, a
run of consecutive values on the better side of the baseline median at least
as long as a stable process would rarely give (round(log2(n) + 3) for n
values). A specific aim is "met" when the median of its measure's last 6
values reaches the target, and "sustained" over the last 12.

| Score | Meaning | microsys looks for |
|---|---|---|
"""

_EVIDENCE = {
    0.5: "A workbook.",
    1.0: "A lead team of 3+, an aim, and data collection begun; or the Assess work done: 3+ meetings, "
    "the 5Ps with patient numbers (or a measure) and themes listed.",
    1.5: "Change ideas, a process map or a planned cycle.",
    2.0: "3+ meetings and diagnostic work (fishbone or process map).",
    2.5: "A change tested in a PDSA cycle (Do carried out).",
    3.0: "A completed cycle and a shift in a measure.",
    3.5: "A shift in an outcome measure, and a change adopted.",
    4.0: "Half of the specific aims met.",
    4.5: "75% of aims met, one sustained over 12 values, SDSA cycles and a playbook.",
    5.0: "Every aim sustained, every adopted change standardised in SDSA and the playbook.",
}

_FIDELITY = """\
## Method fidelity (warnings of `microsys check`)

Published reviews found that most reported PDSA work skips the method: few
cycles are iterative, predictions are rarely written, data over time is rarely
used. `microsys check` warns about these gaps:

| Rule | Meaning |
|---|---|
"""

_FIDELITY_NOTES = """
The git check reads the history of `pdsa/*.yaml` when the workbook is in a git
repository (skip it with `--no-git`). A workbook kept on paper before it moved
into git can say so with `tracked_since: YYYY-MM-DD` in `microsys.yaml`;
cycles tested before that date are not judged from git history.
A measure's freshness is judged against today (`--today` fixes the date, for
reproducible CI).
"""

_JSON = """\
## `ramp status --format json`

`{"version": 1, "workbook", "name", "today", "stage": {"id", "since", "days",
"cycle", "next", "ready"}, "coaching": {"id", "since", "days", "next",
"ready"}, "stages": [...], "phases": [...], "progress": {"score", "label",
"reasons", "next_level"}, "history": [...], "errors", "ramp_valid"}`
(`ramp_valid` is false when ramp.yaml has errors: the stage shown is then the
starting one, not the team's). Each entry of
`stages` and `phases` is `{"id", "title", "state" (passed, current or ahead),
"ready", "criteria": [{"id", "title", "required", "met", "detail", "file"}]}`;
each history entry is `{"track" (stage or coaching), "date", "from", "to",
"by", "forced", "reason", "theme", "cycle"}`: `theme` is the theme the team was
working on and `cycle` the improvement cycle a ramp move belongs to (both null
for moves recorded before microsys wrote them). Fields are only ever added within a version.
"""

_FIDELITY_RULES = (
    rules.PDSA_NO_PREDICTION,
    rules.PDSA_STUDY_IGNORES_PREDICTION,
    rules.PDSA_ACT_WITHOUT_DECISION,
    rules.PDSA_PREDICTION_AFTER_THE_FACT,
    rules.CHANGE_ADOPTED_WITHOUT_DATA,
    rules.PDSA_SCALE_NOT_GROWING,
    rules.MEASURE_NO_RECENT_DATA,
    rules.MEASURE_PHASE_MISSING,
)


def _for(kinds: frozenset[str]) -> str:
    if kinds == {"pathway"}:
        return "pathway"
    return "microsystem" if kinds == {"microsystem"} else "both"


def _table(gate: str) -> list[str]:
    rows = ["| Id | Evidence | Where | Kind | For |", "|---|---|---|---|---|"]
    for c in CRITERIA:
        if c.gate == gate:
            title = c.title.replace("|", "\\|")
            kind = "required" if c.required else "advice"
            rows.append(f"| `{c.id}` | {title} | `{c.file.strip('`')}` | {kind} | {_for(c.kinds)} |")
    return rows


def ramp_reference() -> str:
    """The whole page."""
    out = [_INTRO]
    out.append("## Stages\n")
    for s in STAGES:
        out.append(f"### {STAGE_TITLES[s]}: to leave it\n")
        out.extend(_table(s))
        out.append("")
    out.append("## Coaching phases\n")
    out.append(
        "The coaching relationship moves through four phases alongside the ramp "
        "(`microsys coach status`, `microsys coach next`). After the transition phase it "
        "renews in the action phase for the next focus.\n"
    )
    for p in PHASES:
        out.append(f"### {PHASE_TITLES[p]}: to leave it\n")
        out.extend(_table(p))
        out.append("")
    out.append(_SCORE.rstrip("\n"))
    out.extend(f"| {score:.1f} | {label} | {_EVIDENCE[score]} |" for score, label in LEVELS.items())
    out.append("")
    out.append(_FIDELITY.rstrip("\n"))
    out.extend(f"| `{r.id}` | {r.summary} |" for r in _FIDELITY_RULES)
    out.append(_FIDELITY_NOTES)
    out.append(_JSON)
    out.append("## Thresholds\n")
    out.append("| Name | Value |")
    out.append("|---|---|")
    out.extend(f"| `{k}` | {v} |" for k, v in vars(THRESHOLDS).items())
    return "\n".join(out) + "\n"
