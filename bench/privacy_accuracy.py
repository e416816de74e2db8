"""Precision, recall and false alarms of the identifier scan on the labelled corpus.

Usage: python bench/privacy_accuracy.py [--show-misses]

Reads tests/privacy_corpus/identifiers.txt (KIND<TAB>TEXT, every line identifies a
patient) and tests/privacy_corpus/clean.txt (improvement texts that identify
nobody), scans each snippet and prints, per kind and overall: true positives,
false negatives (missed), false positives (a finding of this kind where there is
none: on a clean text or a snippet of another kind), precision, recall, and the
share of clean texts with any finding (false-alarm rate). Prints only; the
thresholds are asserted by tests/unit/test_privacy_corpus.py.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "privacy_corpus"
sys.path.insert(0, str(ROOT / "src"))

from microsys.privacy import KINDS, find  # noqa: E402

ESCAPES = {"\\n": "\n", "{nbsp}": "\u00a0", "{thin}": "\u2009", "{zw}": "\u200b", "{dash}": "\u2013"}


def unescape(text: str) -> str:
    """A corpus line with its escapes turned into the characters they stand for."""
    for k, v in ESCAPES.items():
        text = text.replace(k, v)
    return text


def load(name: str) -> list[tuple[str | None, str]]:
    """(kind or None, text) for every line of a corpus file."""
    out: list[tuple[str | None, str]] = []
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if name == "identifiers.txt":
            kind, text = line.split("\t", 1)
            out.append((kind, unescape(text)))
        else:
            out.append((None, unescape(line)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-misses", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args()
    identifiers = load("identifiers.txt")
    clean = load("clean.txt")
    tp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    alarms = 0
    for kind, text in identifiers:
        assert kind is not None
        kinds = {m.kind for m in find(text)}
        if kind in kinds:
            tp[kind] += 1
        else:
            fn[kind] += 1
            if args.show_misses:
                print(f"missed {kind}: {text!r} (found {sorted(kinds)})")
        for other in kinds - {kind}:
            fp[other] += 1
    for _, text in clean:
        found = find(text)
        if found:
            alarms += 1
            if args.show_misses:
                print(f"false alarm {sorted({m.kind for m in found})}: {text!r}")
        for m in found:
            fp[m.kind] += 1

    def ratio(a: int, b: int) -> str:
        return f"{a / b:6.3f}" if b else "     -"

    print(f"corpus: {len(identifiers)} identifier snippets, {len(clean)} clean texts")
    print(
        f"{'kind':<16} {'snippets':>8} {'found':>6} {'missed':>6} {'false+':>6} "
        f"{'precision':>9} {'recall':>7}"
    )
    for kind in KINDS:
        n = tp[kind] + fn[kind]
        print(
            f"{kind:<16} {n:8d} {tp[kind]:6d} {fn[kind]:6d} {fp[kind]:6d} "
            f"{ratio(tp[kind], tp[kind] + fp[kind]):>9} {ratio(tp[kind], n):>7}"
        )
    t, f, p = sum(tp.values()), sum(fn.values()), sum(fp.values())
    print(f"{'overall':<16} {t + f:8d} {t:6d} {f:6d} {p:6d} {ratio(t, t + p):>9} {ratio(t, t + f):>7}")
    print(f"false alarms on clean texts: {alarms} of {len(clean)} = {alarms / len(clean):.2%}")


if __name__ == "__main__":
    main()
