"""How a poster is laid out on its page: the paper it fills, level columns, the road ahead.

Asserted on the fitter's plan (paper, columns, scale, how full each column is, read back
from the compile), so each case costs one poster's fitting and no PDF reading.
"""

from __future__ import annotations

import datetime as dt
import shutil
from functools import partial
from pathlib import Path

from microsys.render.pdf import BODY_MIN_PT, Page, Plan, Typeset, pdf
from tests.conftest import EXAMPLES, NOT_SOURCE

TODAY = dt.date(2026, 11, 22)


def typeset(root: Path, page: Page) -> Typeset:
    from microsys.render.figures import FigureStore
    from microsys.report.storyboard import storyboard
    from microsys.reporting import _shorter_storyboard
    from microsys.workbook.privacy_gate import for_output

    wb = for_output(root, "write reports")
    return pdf(wb, storyboard(wb, TODAY), page, FigureStore(), partial(_shorter_storyboard, wb, TODAY, None))


def plan_of(root: Path, page: Page) -> tuple[Plan, tuple[str, ...]]:
    made = typeset(root, page)
    assert made.plan is not None
    return made.plan, made.notes


def test_an_early_poster_fills_an_a4_page_with_level_columns_at_the_usual_size(tmp_path: Path) -> None:
    # Millbrook is in Diagnose. Before: A3 at 110%, its columns ending at 29%, 85% and 56%
    # of the page. Now: the A4 page its content fills at body 9 pt, its columns ending as
    # level as its sections allow (the global aim goes whole in the second or third column),
    # the road ahead with the Diagnose checklist.
    root = tmp_path / "millbrook"
    shutil.copytree(EXAMPLES / "millbrook-surgery", root, ignore=NOT_SOURCE)
    plan, notes = plan_of(root, Page("a3", True, grow=True))
    assert plan.paper == "a4" and plan.columns == 3
    assert BODY_MIN_PT <= plan.body_pt <= 9.5
    assert sum(plan.fill) / 3 >= 0.8 and min(plan.fill) >= 0.6, plan.fill
    assert any("set on A4" in n and "--size a3" in n for n in notes), notes
    assert not any("% of its usual size" in n for n in notes), notes
    # The paper asked for is honoured: A3, text grown 10% at most, every column used.
    plan, notes = plan_of(root, Page("a3", True))
    assert plan.paper == "a3" and plan.scale <= 1.1
    assert sum(plan.fill) / 3 >= 0.6 and min(plan.fill) >= 0.45, plan.fill


def test_a_new_workbook_is_a4_with_the_road_ahead_over_every_column(tmp_path: Path) -> None:
    from microsys.cli import run

    root = tmp_path / "ward"
    assert run(["init", str(root), "--name", "Ward 7", "--setting", "ward", "--no-input"]) == 0
    plan, notes = plan_of(root, Page("a3", True, grow=True))
    assert plan.paper == "a4" and plan.body_pt <= 9.5
    # Nothing but the header and the road ahead, the Assess checklist first: no column is
    # fuller than the longest piece needs (the checklist), the rest shared out beside it.
    assert plan.fill[0] >= plan.fill[1] > 0.2, plan.fill
    assert any("set on A4" in n for n in notes), notes


def test_the_road_ahead_is_grouped_by_stage_with_the_checklist_of_the_stage_the_team_is_in() -> None:
    from microsys.report.storyboard import storyboard
    from microsys.workbook.loader import load_workbook

    wb = load_workbook(EXAMPLES / "millbrook-surgery")
    data = storyboard(wb, TODAY, checklist=True).data
    ahead = data["ahead"]
    assert [(g["id"], g["state"]) for g in ahead] == [
        ("ahead-diagnose", "current"),
        ("ahead-treat", "todo"),
        ("ahead-sustain", "todo"),
    ]
    checks = ahead[0]["checklist"]
    assert {c["title"]: c["done"] for c in checks}["One theme selected"] is True
    assert any(not c["done"] for c in checks) and ahead[0]["items"] == []
    assert "Tests of change (PDSA)" in ahead[1]["items"]
    assert data["flow"] == [*data["order"], "ahead-diagnose", "ahead-treat", "ahead-sustain"]
    # Without it (a fuller poster), the stage the team is in lists its sections still to come.
    plain = storyboard(wb, TODAY).data["ahead"][0]
    assert "checklist" not in plain and "Causes" in plain["items"]


def test_a_poster_too_wide_for_a4_keeps_the_checklist_on_the_usual_paper() -> None:
    # ED North's process map cannot be read at an A4 column's width, so it goes on A3; the
    # checklist of the stage it is in still has room there (before: only on A4).
    import io

    from pypdf import PdfReader

    made = typeset(EXAMPLES / "sepsis-big-room" / "ed-north", Page("a3", True, grow=True))
    assert made.plan is not None and made.plan.paper == "a3"
    text = " ".join(PdfReader(io.BytesIO(made.pdf)).pages[0].extract_text().split())
    assert "0 of 5 done" in text and "A fishbone with 3+ causes in 2+ categories" in text
