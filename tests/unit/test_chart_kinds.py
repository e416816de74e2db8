"""The table of chart kinds is the one place a kind is defined: walk it, so a half-added kind fails.

Every row must be accepted by the schema, analysed by the statistics with its own limit
function, judged by data entry and cross-references by its columns, drawn with its title and
listed in the help text and the generated docs.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from microsys.dataentry import Entry, EntryError, duplicates, judge
from microsys.schema.measures import Measure
from microsys.spc import ChartError, ChartOptions, analyse
from microsys.spc.kinds import BY_ID, CHART_TYPES, KINDS, ChartKind, choices_text, kind
from microsys.spc.limits import Subgroup

ROOT = Path(__file__).resolve().parents[2]
IDS = [k.id for k in KINDS]

XS = [float(i) for i in range(1, 21)]
YS: list[float | None] = [float(v) for v in (5, 7, 6, 9, 4, 8, 7, 6, 5, 9, 7, 8, 6, 5, 7, 9, 8, 6, 7, 5)]
NS: list[float | None] = [20.0] * 20


def _measure(k: ChartKind) -> Measure:
    definition = {"numerator": "a", "denominator": "b"} if k.denominator else {"unit": "minutes"}
    data = {"id": "m", "name": "M", "type": "process", "definition": definition, "direction": "up"}
    return Measure.model_validate({**data, "chart": k.id})


def test_ids_and_titles_are_unique_and_plain() -> None:
    assert len(set(IDS)) == len(IDS)
    assert len({k.title for k in KINDS}) == len(KINDS)
    for k in KINDS:
        assert k.id.isascii() and k.id.islower() and k.id.isalpha(), k.id
        assert "chart" in k.title.lower(), k.title
        # A proportion is a count out of a denominator, so it needs one and cannot be negative.
        assert not k.proportion or (k.denominator and k.non_negative), k.id


@pytest.mark.parametrize("chart", IDS)
def test_the_schema_accepts_every_kind_and_nothing_else(chart: str) -> None:
    assert _measure(BY_ID[chart]).chart == chart
    schema = Measure.model_json_schema()
    assert schema["properties"]["chart"]["enum"] == list(CHART_TYPES)
    with pytest.raises(ValidationError):
        Measure.model_validate({**_measure(BY_ID[chart]).model_dump(), "chart": chart + "x"})


@pytest.mark.parametrize("chart", IDS)
def test_every_kind_is_analysed_with_its_own_limits(chart: str) -> None:
    k = kind(chart)
    ns = NS if k.denominator else None
    a = analyse(XS, YS, ns, ChartOptions(chart=chart))
    assert a.chart == chart and len(a.points) == len(XS)
    # The analysis went through the row's limit function: same centre line as calling it directly.
    sg = [
        Subgroup(x, y / n if ns else y, n if ns else math.nan, y, 1, y, math.nan, None)
        for x, y, n in zip(XS, [float(v) for v in YS if v is not None], [20.0] * 20, strict=True)
    ]
    lines = k.limits(sg, [True] * len(sg), True)
    assert len(lines.y) == len(lines.cl) == len(lines.ucl) == len(sg)
    if chart not in ("xbar", "s"):  # one value per subgroup has no standard deviation
        assert a.parts[0].cl == pytest.approx(lines.cl[0], nan_ok=True)
    if k.denominator:
        with pytest.raises(ChartError, match="denominator"):
            analyse(XS, YS, None, ChartOptions(chart=chart))


@pytest.mark.parametrize("chart", IDS)
def test_data_entry_follows_the_columns(chart: str) -> None:
    k = kind(chart)
    m = _measure(k)
    today = dt.date(2026, 6, 1)
    day = dt.date(2026, 5, 1)
    n = 10.0 if k.denominator else None
    judge(m, Entry(day, 3.0, n, None), today)
    if k.non_negative:
        with pytest.raises(EntryError, match="cannot be right"):
            judge(m, Entry(day, -1.0, n, None), today)
    else:
        judge(m, Entry(day, -1.0, n, None), today)
    if k.denominator:
        with pytest.raises(EntryError, match="denominator"):
            judge(m, Entry(day, 3.0, None, None), today)
    if k.proportion:
        with pytest.raises(EntryError, match="more than all"):
            judge(m, Entry(day, 11.0, 10.0, None), today)
    same_day = duplicates(m, [(day, 1.0)], [Entry(day, 2.0, n, None)])
    assert (same_day == []) == k.subgroups


def test_the_help_text_and_the_docs_list_every_kind() -> None:
    from typer.testing import CliRunner

    from microsys.cli import app

    assert choices_text() == ", ".join(IDS[:-1]) + " or " + IDS[-1]
    docs = (ROOT / "docs" / "workbook-format.md").read_text(encoding="utf-8")
    assert " \\| ".join(f"`{i}`" for i in IDS) in docs
    runner = CliRunner()
    for command in (["chart", "--help"], ["new", "measure", "--help"]):
        out = runner.invoke(app, command, env={"COLUMNS": "400", "NO_COLOR": "1"}).output
        assert re.search(r"\s" + re.escape("|".join(IDS)) + r"\s", out), command
        # --n lists the kinds that need one.
    assert "(" + ", ".join(k.id for k in KINDS if k.denominator) + " charts)" in " ".join(
        runner.invoke(app, ["chart", "--help"], env={"COLUMNS": "400"}).output.split()
    )


@pytest.mark.parametrize("chart", IDS)
def test_every_kind_draws_with_its_title(chart: str, tmp_path: Path) -> None:
    from microsys.render.chart import draw
    from microsys.workbook.series import Series

    k = kind(chart)
    ns = tuple(NS) if k.denominator else None
    options = ChartOptions(chart=chart)
    series = Series(title="", xs=tuple(XS), ys=tuple(YS), ns=ns, options=options, dates=False)
    fig = draw(series, analyse(XS, YS, ns, options))
    texts = {t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))}
    assert k.title in texts
    assert any(t.startswith(k.title + " · ") for t in texts)


def test_chart_json_names_the_kind(tmp_path: Path) -> None:
    from microsys.spc.output import as_dict

    for k in KINDS:
        ns = NS if k.denominator else None
        assert json.loads(json.dumps(as_dict(analyse(XS, YS, ns, ChartOptions(chart=k.id)))))["type"] == k.id
