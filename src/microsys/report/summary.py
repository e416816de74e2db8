"""The 5P summary: the assessment of purpose, patients, professionals, processes and patterns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from microsys.ramp.facts import filled
from microsys.report.common import date, header, number, one_line, quantity, theme_items
from microsys.report.model import (
    AgeBand,
    Finding,
    MeetingItem,
    MetricItem,
    PatientsSummary,
    PatternsSummary,
    ProcessesSummary,
    ProcessItem,
    ProfessionalsSummary,
    Prose,
    PurposeSummary,
    Rating,
    Report,
    RoleSummary,
    SelfAssessment,
    Share,
    Summary,
    Survey,
    Unplanned,
    prose,
    prose_all,
)
from microsys.workbook.loader import Workbook


def summary(wb: Workbook, today: dt.date, theme: str | None = None) -> Report:
    """The assessment of the 5Ps, for the team's first meetings.

    The 5Ps are the team's, not a theme's: ``today`` and ``theme`` play no part
    (every theme is listed with its status).
    """
    del today, theme
    purpose, patients, professionals = _purpose(wb), _patients(wb), _professionals(wb)
    processes, patterns = _processes(wb), _patterns(wb)
    assessed = (
        ("Purpose", purpose),
        ("Patients", patients),
        ("Professionals", professionals),
        ("Processes", processes),
        ("Patterns", patterns),
    )
    themes = wb.themes
    body = Summary(
        header=header(wb, "summary"),
        purpose=purpose,
        patients=patients,
        professionals=professionals,
        processes=processes,
        patterns=patterns,
        self_assessment=_self_assessment(wb),
        themes=theme_items(themes),
        missing=prose_all(name for name, value in assessed if value is None),
    )
    return Report("summary", body)


def _count(value: int | None) -> int | str:
    return value if value is not None else ""


def _purpose(wb: Workbook) -> PurposeSummary | None:
    pu = wb.purpose
    if not (pu and filled(pu.statement)):
        return None
    return PurposeSummary(one_line(pu.statement), pu.written_with_patients, one_line(pu.notes))


def _patients(wb: Workbook) -> PatientsSummary | None:
    pt = wb.patients
    if not pt:
        return None
    return PatientsSummary(
        population=Prose(str(pt.population) if pt.population else ""),
        age_bands=tuple(AgeBand(Prose(a.band), _count(a.count), number(a.percent)) for a in pt.age_bands),
        diagnoses=tuple(Share(Prose(d.name), _count(d.count), number(d.percent)) for d in pt.top_diagnoses),
        high_users=tuple(Share(Prose(d.name), _count(d.count), number(d.percent)) for d in pt.high_users),
        experience=tuple(_survey(s) for s in pt.experience),
        say=tuple(one_line(q) for q in pt.what_patients_say),
        notes=one_line(pt.notes),
    )


def _professionals(wb: Workbook) -> ProfessionalsSummary | None:
    pr = wb.professionals
    if not pr:
        return None
    return ProfessionalsSummary(
        roles=tuple(
            RoleSummary(
                Prose(r.role), _count(r.headcount), number(r.fte), prose(r.schedule), Prose("; ".join(r.does))
            )
            for r in pr.roles
        ),
        morale=tuple(_survey(s) for s in pr.morale),
        notes=one_line(pr.notes),
    )


def _processes(wb: Workbook) -> ProcessesSummary | None:
    ps = wb.processes
    if not ps:
        return None
    return ProcessesSummary(
        processes=tuple(
            ProcessItem(
                Prose(p.name),
                p.kind,
                one_line(p.description),
                Prose(str(p.cycle_time) if p.cycle_time else ""),
                Prose(str(p.volume) if p.volume else ""),
            )
            for p in ps.processes
        ),
        path=prose_all(ps.patient_path),
        unplanned=tuple(
            Unplanned(Prose(u.activity), Prose(str(u.frequency) if u.frequency else ""), prose(u.impact))
            for u in ps.unplanned
        ),
        notes=one_line(ps.notes),
    )


def _patterns(wb: Workbook) -> PatternsSummary | None:
    pa = wb.patterns
    if not pa:
        return None
    return PatternsSummary(
        meetings=tuple(
            MeetingItem(Prose(g.name), Prose(g.frequency), g.minutes or "", prose(g.who)) for g in pa.meetings
        ),
        culture=one_line(pa.culture),
        communication=one_line(pa.communication),
        involvement=one_line(pa.patient_involvement),
        metrics=tuple(MetricItem(Prose(v.name), prose(v.where)) for v in pa.visible_metrics),
        findings=tuple(
            Finding(Prose(f.area), Prose(f.finding), Prose(str(f.value) if f.value else ""))
            for f in pa.findings
        ),
        notes=one_line(pa.notes),
    )


def _self_assessment(wb: Workbook) -> SelfAssessment | None:
    assessments = wb.self_assessments
    if not assessments:
        return None
    latest = assessments[-1]
    first = assessments[0] if len(assessments) > 1 else None
    return SelfAssessment(
        date=date(latest.date),
        first_date=date(first.date) if first else Prose(""),
        scale=latest.scale_max,
        ratings=tuple(
            Rating(
                Prose(k.replace("-", " ").capitalize()),
                number(v),
                number(first.ratings.get(k)) if first else Prose(""),
            )
            for k, v in latest.ratings.items()
        ),
    )


def _survey(s: Any) -> Survey:
    return Survey(
        survey=Prose(s.survey),
        date=date(s.date),
        score=quantity(s.score, s.unit),
        respondents=_count(s.respondents),
        summary=one_line(s.summary),
    )
