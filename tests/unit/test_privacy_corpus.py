"""The identifier scan on the labelled corpus, and its speed on hostile text."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from microsys.privacy import KINDS, find

_BENCH = Path(__file__).resolve().parents[2] / "bench" / "privacy_accuracy.py"
_spec = importlib.util.spec_from_file_location("privacy_accuracy", _BENCH)
assert _spec is not None and _spec.loader is not None
accuracy = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(accuracy)


def test_corpus_is_large_and_covers_every_kind() -> None:
    identifiers = accuracy.load("identifiers.txt")
    clean = accuracy.load("clean.txt")
    assert len(identifiers) >= 300 and len(clean) >= 300
    kinds = {k for k, _ in identifiers}
    assert kinds == set(KINDS)
    assert len({t for _, t in identifiers}) == len(identifiers), "duplicate snippets"
    assert len({t for _, t in clean}) == len(clean), "duplicate clean texts"


def test_recall_on_identifiers_is_at_least_98_percent() -> None:
    identifiers = accuracy.load("identifiers.txt")
    missed = [(k, t) for k, t in identifiers if k not in {m.kind for m in find(t)}]
    assert len(missed) <= 0.02 * len(identifiers), missed


def test_every_kind_is_recalled() -> None:
    identifiers = accuracy.load("identifiers.txt")
    for kind in KINDS:
        snippets = [t for k, t in identifiers if k == kind]
        hits = sum(1 for t in snippets if kind in {m.kind for m in find(t)})
        assert hits >= 0.9 * len(snippets), kind


def test_false_alarms_on_clean_texts_are_at_most_1_percent() -> None:
    clean = accuracy.load("clean.txt")
    alarms = [(t, [m.kind for m in find(t)]) for _, t in clean if find(t)]
    assert len(alarms) <= 0.01 * len(clean), alarms


_PIECES = [
    "0",
    "1",
    "9",
    " ",
    "-",
    ".",
    "\n",
    "\t",
    "@",
    "a",
    "A",
    "Mr ",
    "bed ",
    "DOB ",
    "MRN ",
    "CHI ",
    "SSN ",
    "+44 ",
    "(",
    ")",
    "/",
    ",",
    "'",
    "\u00a0",
    "\u200b",
    "S5 7AU ",
    "road ",
    "patient ",
    "07700 ",
    "943 476 ",
    "12/03/",
    "x.",
    "NI ",
    "AB 12 ",
]


# The fixed texts below take well under a second a megabyte. Random repetitions can be slower
# by a constant factor (" 0 DOB " repeated: every label wakes the date-of-birth detector, about
# 4 s a megabyte), so for those the test is that time grows linearly: four times the text may
# take at most eight times as long (quadratic growth would be sixteen). A line tracer (coverage
# in CI) slows every Python line, so the absolute bound is widened then.
SECOND = 1.0 if sys.gettrace() is None else 4.0


def _cpu(text: str) -> float:
    start = time.process_time()
    find(text)
    return time.process_time() - start


@settings(max_examples=6, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6), st.sampled_from(_PIECES))
def test_hostile_text_is_scanned_in_linear_time(unit: list[str], tail: str) -> None:
    piece = "".join(unit)
    text = piece * (256_000 // len(piece) + 1) + tail
    small = min(_cpu(text[:64_000]) for _ in range(2))
    large = _cpu(text[:256_000])
    assert large < max(8 * small, 0.05)


def test_pathological_runs_are_linear() -> None:
    for text in (
        "1" * 1_000_000,
        " " * 1_000_000,
        "a" * 999_999 + "@",
        "a." * 500_000,
        "Mr " * 333_333,
        "1 " * 500_000,
        "1-" * 500_000,
        "DOB " * 250_000,
        "@a" * 500_000,
        "Aa " * 333_333,
        "0\n" * 500_000,
    ):
        start = time.process_time()
        find(text)
        assert time.process_time() - start < SECOND, text[:10]
