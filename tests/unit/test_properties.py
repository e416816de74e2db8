"""Property tests: any text a team writes survives loading and validation unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microsys.render.jinja import yaml_scalar
from microsys.schema.cycles import PDSA
from microsys.sheets import MAX_DATE, MIN_DATE
from microsys.workbook.csvdata import parse_csv
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
