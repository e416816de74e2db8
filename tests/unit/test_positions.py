from __future__ import annotations

from microsys.yaml.positions import locate, parse_round_trip

TEXT = """\
id: PDSA-1
plan:
  who: Ana
  date: 2026-03-01
measures:
  - a
  - b
study:
  results: fine
"""


def test_locate_values_keys_and_items() -> None:
    tree = parse_round_trip(TEXT)
    assert locate(tree, ("plan", "who")) == (3, 8)
    assert locate(tree, ("plan", "who"), at_key=True) == (3, 3)
    assert locate(tree, ("measures", 1)) == (7, 5)
    assert locate(tree, ("study", "results")) == (9, 12)


def test_missing_key_points_at_its_parent_mapping() -> None:
    tree = parse_round_trip(TEXT)
    assert locate(tree, ("plan", "where")) == (3, 3)
    assert locate(tree, ("act",)) == (1, 1)
    assert locate(tree, ()) == (1, 1)


def test_index_out_of_range_stays_at_the_list() -> None:
    tree = parse_round_trip(TEXT)
    assert locate(tree, ("measures", 9)) == (6, 3)


def test_impossible_dates_do_not_break_round_trip_parsing() -> None:
    tree = parse_round_trip("d: 2026-02-30\n")
    assert locate(tree, ("d",)) == (1, 4)
