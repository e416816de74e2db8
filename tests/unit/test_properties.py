"""Property tests: any text a team writes survives loading and validation unchanged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from microsys.render.jinja import yaml_scalar
from microsys.schema.cycles import PDSA
from microsys.schema.measures import DataPoint
from microsys.sheets import MAX_DATE, MIN_DATE
from microsys.workbook import csvdata
from microsys.workbook.csvdata import parse_csv, point
from microsys.yaml.load import parse_text

# Text as people type it: any printable character, including quotes, colons, #,
# emoji and right-to-left scripts. YAML cannot hold most control characters.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff\x85\u2028\u2029"),
    max_size=80,
)
FIELDS = ["title", "objective", "prediction"]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_yaml_scalar_round_trips_any_text(text: str) -> None:
    data, diags = parse_text(Path("x.yaml"), f"k: {yaml_scalar(text)}\n")
    assert diags == []
    assert data == {"k": text}


@settings(max_examples=100)
@given(st.sampled_from(FIELDS), TEXT)
def test_random_text_in_a_string_field_validates_unchanged(field: str, text: str) -> None:
    # JSON is valid YAML: write the record the way a careful tool would.
    record = {"id": "PDSA-1", "change": "C1", field: text}
    data, diags = parse_text(Path("x.yaml"), json.dumps(record, ensure_ascii=False) + "\n")
    assert diags == []
    model = PDSA.model_validate(data)
    assert getattr(model, field) == text


@settings(max_examples=100)
@given(
    st.lists(
        st.tuples(st.dates(MIN_DATE, MAX_DATE), st.floats(-1e6, 1e6, allow_nan=False), TEXT), max_size=20
    )
)
def test_csv_values_round_trip(rows: list) -> None:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["date", "value", "note"])
    for day, value, note in rows:
        writer.writerow([day.isoformat(), repr(value), note.replace("\r", "")])
    points, diags = parse_csv(Path("m.csv"), buf.getvalue())
    assert diags == []
    assert [(p.date, p.value) for _, p in points] == [(d, v) for d, v, _ in rows]
    assert [p.note or "" for _, p in points] == [n.replace("\r", "").strip() for _, _, n in rows]


@given(st.text(max_size=300))
def test_parser_never_raises_on_arbitrary_text(text: str) -> None:
    data, diags = parse_text(Path("x.yaml"), text)
    assert (data is None) == bool(diags)


_LABEL = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=160)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    aim=_LABEL,
    labels=st.lists(
        st.tuples(_LABEL, st.lists(st.tuples(_LABEL, st.lists(_LABEL, max_size=3)), max_size=3)), max_size=3
    ),
)
def test_every_driver_diagram_label_stays_inside_its_column(aim: str, labels: list) -> None:
    """Whatever the team writes, each line of a driver diagram ends inside its own column."""
    import re
    from xml.sax.saxutils import unescape

    from microsys.render.diagrams import drivers
    from microsys.report.shapes import Idea, Primary, Secondary
    from microsys.report.text import width

    primary = [
        Primary(
            p, tuple(Secondary(s, tuple(Idea(f"C{i}", t) for i, t in enumerate(ideas))) for s, ideas in subs)
        )
        for p, subs in labels
    ]
    svg = drivers(aim, primary, "Driver diagram").svg
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    # Column right edges of a 460-unit drawing (see render/diagrams.py): aim, primary, secondary, ideas.
    edges = [(0, 92), (106, 206), (220, 340), (354, 460)]
    texts = re.findall(
        r'<text x="([\d.]+)" y="[\d.]+" font-size="([\d.]+)"'
        r'(?: text-anchor="start")?(?: font-weight="(\w+)")?[^>]*>([^<]*)</text>',
        svg,
    )
    assert len(texts) == svg.count("<text ")  # every line is measured below
    for x, size, bold, text in texts:
        left = float(x)
        col = next((c for c in edges if c[0] <= left < c[1]), None)
        fixed = {"Aim", "Primary drivers", "Secondary drivers", "Change ideas"} | {
            "adopted",
            "being tested",
            "not tested yet",
            "dropped",  # the legend runs along the bottom
        }
        if col is None or text in fixed:
            continue
        line = unescape(text, {"&quot;": '"', "&apos;": "'"})
        assert left + width(line, float(size), bold == "bold") <= col[1] + 0.5, (line, col)


# --- a CSV row's point, made directly when validating it could change nothing -------------------

_NUMBER = st.one_of(
    st.none(),
    st.floats(),
    st.floats(-1e16, 1e16),
    st.sampled_from([0.0, -0.0, -1.0, 1e15, -1e15, 1.0000001e15]),
    st.integers(-5, 5),
    st.booleans(),
    st.just("12"),
)
_RECORD = st.fixed_dictionaries(
    {
        "date": st.one_of(
            st.dates(MIN_DATE, MAX_DATE),
            st.dates(),
            st.sampled_from([MIN_DATE, MAX_DATE, dt.date(1899, 12, 31), dt.date(2100, 1, 1)]),
            st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2021, 1, 1)),
            st.just("2024-03-01"),
        ),
        "value": _NUMBER,
    },
    optional={
        "denominator": _NUMBER,
        "note": st.one_of(st.none(), st.text(max_size=5), st.just(3)),
        "x": st.just(1),
    },
)


def _validated(make, record: dict) -> object:  # type: ignore[no-untyped-def]
    try:
        p = make(dict(record))
    except ValidationError as exc:
        return [(e["type"], e["loc"], e["msg"], repr(e["input"])) for e in exc.errors(include_url=False)]
    return _shown(p)


def _shown(p: DataPoint) -> object:
    return (
        p,
        list(p.__dict__.items()),
        p.model_fields_set,
        p.__pydantic_extra__,
        p.__pydantic_private__,
        repr(p),
        p.model_dump_json(),
        hash(p),
    )


@settings(max_examples=600)
@given(_RECORD)
@example({"date": MIN_DATE, "value": 1.0, "denominator": -2.0})
@example({"date": MAX_DATE, "value": -0.0, "denominator": -0.0, "note": "x"})
@example({"date": MAX_DATE, "value": float("inf")})
@example({"date": MAX_DATE, "value": 2e15, "denominator": None})
def test_a_point_made_directly_is_the_point_validation_makes(record: dict) -> None:
    assert _validated(point, record) == _validated(DataPoint.model_validate, record)


def test_every_bundled_csv_reads_the_same_points_as_validating_each(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = Path(__file__).resolve().parents[2]
    files = [*(root / "examples").rglob("*.csv"), *(root / "tests").rglob("*.csv")]
    assert len(files) > 15
    direct = []
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        direct.append(parse_csv(path, text, percent_unit="percent" in text))
    monkeypatch.setattr(csvdata, "point", DataPoint.model_validate)
    for path, (points, diags) in zip(files, direct, strict=True):
        text = path.read_bytes().decode("utf-8", errors="replace")
        again, diags_again = parse_csv(path, text, percent_unit="percent" in text)
        assert diags == diags_again, path
        assert [(line, _shown(p)) for line, p in points] == [(line, _shown(p)) for line, p in again], path
