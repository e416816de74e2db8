"""Method fidelity: is the team using PDSA and measurement as the method intends?

Reviews of published PDSA work found that most of it skips the method: few
cycles are iterative, predictions are rarely written, data over time is rarely
used. These checks look for those gaps and report them as warnings.

The git check (a prediction first committed with, or after, the cycle's
results) reads the file history through :class:`CycleHistory`, gathered by
:mod:`microsys.workbook.githistory`; this module does no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from typing import cast

from microsys import rules
from microsys.diagnostics import Diagnostic, PathPart
from microsys.ramp.facts import FREQUENCY_DAYS, Facts, filled
from microsys.ramp.phases import suggestions
from microsys.rules import Rule
from microsys.schema.cycles import PDSA, SDSA
from microsys.schema.measures import Measure
from microsys.workbook.crossref import finding
from microsys.workbook.githistory import CycleHistory, Snapshot, prediction_late
from microsys.workbook.loader import SourceFile, Workbook

SCALE_SEQUENCE = 3
"""Cycles in a sequence before a scale that never changes is reported."""


def _warn(sf: SourceFile, where: Sequence[PathPart], rule: Rule, message: str, hint: str) -> Diagnostic:
    return finding(sf, where, rule, message, hint)


def has_results(cycle: PDSA | SDSA) -> bool:
    """True when Do or Study holds what happened."""
    do, study = cycle.do, cycle.study
    did = do is not None and (do.started is not None or filled(do.what_happened) or filled(do.observations))
    studied = study is not None and (filled(study.results) or filled(study.learning))
    return did or studied


def _at_top_key(d: Diagnostic, text: str | None, keys: Sequence[str]) -> Diagnostic:
    """Place a finding on the first of ``keys`` found at the top of the file.

    A plain text search: it spares a round-trip parse of a long measure file.
    """
    lines = (text or "").splitlines()
    for key in keys:
        for n, line in enumerate(lines, start=1):
            if line.startswith(f"{key}:"):
                return d.at(n, 1)
    return d.at(1, 1)


def _pdsa_method(sf: SourceFile, c: PDSA) -> Iterator[Diagnostic]:
    if has_results(c) and not filled(c.prediction):
        yield _warn(
            sf,
            ("prediction",),
            rules.PDSA_NO_PREDICTION,
            f"{c.id} was tested but has no prediction",
            "write the prediction in Plan before the test; comparing it with what happened is the learning",
        )
    study = c.study
    if (
        filled(c.prediction)
        and study is not None
        and (filled(study.results) or filled(study.learning))
        and not filled(study.against_prediction)
    ):
        yield _warn(
            sf,
            ("study",),
            rules.PDSA_STUDY_IGNORES_PREDICTION,
            f"the Study of {c.id} does not compare the results with the prediction",
            "fill in `against_prediction:`: what was as predicted, what was not, and why",
        )


def _act_decision(sf: SourceFile, cycle: PDSA | SDSA) -> Iterator[Diagnostic]:
    act = cycle.act
    if act is not None and act.decision is None and (act.date is not None or filled(act.next_step)):
        yield _warn(
            sf,
            ("act",),
            rules.PDSA_ACT_WITHOUT_DECISION,
            f"the Act of {cycle.id} does not say adopt, adapt or abandon",
            "add `decision: adopt`, `adapt` or `abandon`",
        )


def _adopted_without_data(facts: Facts, sf: SourceFile, c: PDSA) -> Iterator[Diagnostic]:
    if c.act is None or c.act.decision != "adopt":
        return
    start = facts.test_start(c)
    measures = facts.adoption_measures_of_cycle(c)
    after = sum(facts.points_between(m, start=start) for m in measures) if start else 0
    if after == 0:
        named = ", ".join(measures) if measures else "no measure"
        yield _warn(
            sf,
            ("act", "decision"),
            rules.CHANGE_ADOPTED_WITHOUT_DATA,
            f"{c.id} adopts {c.change}, but {named} has no data from the test onwards",
            "add the measure to `measures:` and record its values during and after the test, "
            "so the decision rests on data over time",
        )


def _norm_scale(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").strip().lower())


def _scale_not_growing(facts: Facts) -> Iterator[tuple[PDSA, int]]:
    for chain in facts.sequences:
        if len(chain) < SCALE_SEQUENCE:
            continue
        scales = {_norm_scale(c.plan.scale if c.plan else None) for c in chain}
        if len(scales) == 1:
            yield chain[-1], len(chain)


def _stale_measures(facts: Facts) -> Iterator[tuple[Measure, dt.date, int]]:
    for m in facts.measures.values():
        last = facts.last_value_date(m.id)
        if last is None:
            continue
        gap = (facts.today - last).days
        if gap > 2 * FREQUENCY_DAYS[m.frequency]:
            yield m, last, gap


def _after_the_fact(sf: SourceFile, c: PDSA, versions: Sequence[Snapshot]) -> Iterator[Diagnostic]:
    late = prediction_late(versions, filled(c.prediction))
    if late is not None:
        first_prediction, first_results = late
        when = (
            "is not committed yet, while the results are"
            if first_prediction is None
            else f"was first committed in {versions[first_prediction].commit[:8]}, "
            + ("together with" if first_prediction == first_results else "after")
            + " the results"
        )
        yield _warn(
            sf,
            ("prediction",),
            rules.PDSA_PREDICTION_AFTER_THE_FACT,
            f"the prediction of {c.id} {when}: it may have been written after the fact",
            "commit the plan and its prediction before the test, and the results in a later commit",
        )


def _undefined(sf: SourceFile, m: Measure) -> Iterator[Diagnostic]:
    missing = [
        what
        for what, value in (
            (
                "a description (`definition: description:`)",
                # A proportion's numerator and denominator define it; a measurement needs words.
                m.definition.description
                or (m.definition.numerator if filled(m.definition.denominator) else None),
            ),
            ("a data source (`data_source:`)", m.data_source),
        )
        if not filled(value)
    ]
    if missing:
        yield _at_top_key(
            _warn(
                sf,
                ("definition",),
                rules.MEASURE_NO_DEFINITION,
                f"the operational definition of {m.id} lacks " + " and ".join(missing),
                "say exactly what is counted or timed, from when to when, and where the numbers come "
                "from, so that anyone collecting it gets the same number",
            ),
            sf.text,
            ("definition", "data_source"),
        )


_STATUS_OF = {"adopt": "adopted", "abandon": "abandoned", "adapt": "testing"}


def _status_follows_act(facts: Facts) -> Iterator[Diagnostic]:
    """A change idea's `status:` that disagrees with its latest PDSA decision (or with a test under way)."""
    sf = facts.wb.file("change-ideas.yaml")
    ideas = facts.wb.change_ideas
    if sf is None or ideas is None:
        return
    for i, idea in enumerate(ideas.ideas):
        if "status" not in idea.model_fields_set:
            continue  # a team that does not keep `status:` follows its cycles instead
        cycles = [c for c in facts.pdsa if c.change == idea.id]
        decided = [c for c in cycles if facts.completed(c)]
        if decided:
            last = decided[-1]
            decision = last.act.decision if last.act else None
            expected = _STATUS_OF.get(decision or "")
            why = f"{last.id} decided to {decision} it" + (
                f" on {last.act.date}" if last.act and last.act.date else ""
            )
        elif any(has_results(c) for c in cycles):
            expected, why = "testing", f"{cycles[-1].id} is testing it"
        else:
            continue
        if expected is None or idea.status == expected:
            continue
        if expected == "testing" and idea.status == "adopted" and decided:
            continue  # adapted, then adopted by hand after a later test: not a contradiction worth a warning
        yield _warn(
            sf,
            ("ideas", i, "status"),
            rules.CHANGE_STATUS_MISMATCH,
            f"{idea.id} has `status: {idea.status}` but {why}",
            f"set `status: {expected}` for {idea.id}, or record the decision that changed it in a new cycle",
        )


def check(wb: Workbook, today: dt.date, history: CycleHistory | None = None) -> list[Diagnostic]:
    """Method-fidelity warnings for a loaded workbook."""
    facts = Facts(wb, today)
    out: list[Diagnostic] = []
    pdsa_files: dict[str, SourceFile] = {}
    for sf, model in wb.records("pdsa"):
        c = cast(PDSA, model)
        pdsa_files[c.id] = sf
        out.extend(_pdsa_method(sf, c))
        out.extend(_act_decision(sf, c))
        out.extend(_adopted_without_data(facts, sf, c))
        if history is not None and sf.rel in history and not facts.copied_in(c):
            out.extend(_after_the_fact(sf, c, history[sf.rel]))
    for sf, model in wb.records("sdsa"):
        out.extend(_act_decision(sf, cast(SDSA, model)))
    out.extend(_status_follows_act(facts))
    for last, length in _scale_not_growing(facts):
        sf = pdsa_files[last.id]
        scale = last.plan.scale if last.plan and last.plan.scale else "not given"
        out.append(
            _warn(
                sf,
                ("plan", "scale") if last.plan and last.plan.scale else ("plan",),
                rules.PDSA_SCALE_NOT_GROWING,
                f"{length} cycles in a row up to {last.id} test {last.change} at the same scale ({scale})",
                "grow each cycle a little: one patient, one clinic, one week, every clinic; "
                "write the scale in `plan: scale:`",
            )
        )
    measure_files = {cast(Measure, m).id: sf for sf, m in wb.records("measure")}
    for m in facts.measures.values():
        out.extend(_undefined(measure_files[m.id], m))
    for s in suggestions(facts):
        sf = measure_files[s.measure]
        out.append(
            _at_top_key(
                _warn(
                    sf,
                    ("phases",) if s.has_phases else (),
                    rules.MEASURE_PHASE_MISSING,
                    f"{s.reason}; start a phase on {s.start.isoformat()}",
                    f"{s.edit}, so that the limits before and after the change are computed apart",
                ),
                sf.text,
                ("phases", "chart", "data", "values"),
            )
        )
    for m, last_date, gap in _stale_measures(facts):
        sf = measure_files[m.id]
        out.append(
            _at_top_key(
                _warn(
                    sf,
                    ("frequency",),
                    rules.MEASURE_NO_RECENT_DATA,
                    f"{m.id} is collected {m.frequency}, "
                    f"but its newest value is from {last_date} ({gap} days ago)",
                    "add the values since then (`microsys measure add`), "
                    "or change `frequency:` if it changed",
                ),
                sf.text,
                ("frequency", "data", "values"),
            )
        )
    return out
