from __future__ import annotations

import time
from pathlib import Path

import pytest

from microsys.yaml.load import ReadLimits, has_c_parser, load_file, nesting_guard, parse_text


def test_c_parser_is_installed() -> None:
    # Without ruamel.yaml.clib the safe loader silently runs about 3x slower.
    assert has_c_parser()


def test_dates_stay_text_for_the_schema_layer() -> None:
    data, diags = parse_text(Path("x.yaml"), "d: 2026-02-30\nok: 2026-03-01\n")
    assert diags == []
    assert data == {"d": "2026-02-30", "ok": "2026-03-01"}


def test_yaml_1_2_semantics() -> None:
    data, _ = parse_text(Path("x.yaml"), "a: no\nb: 12:30\nc: on\n")
    assert data == {"a": "no", "b": "12:30", "c": "on"}


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    start = time.perf_counter()
    data, diags = parse_text(Path("bomb.yaml"), "\n".join(lines) + "\n")
    assert time.perf_counter() - start < 2
    assert data is None
    assert [d.rule for d in diags] == ["yaml.too-many-nodes"]
    assert diags[0].line == 2


def test_small_aliases_are_fine() -> None:
    data, diags = parse_text(Path("x.yaml"), "a: &x {k: 1}\nb: *x\n")
    assert diags == [] and data == {"a": {"k": 1}, "b": {"k": 1}}


def test_very_deep_nesting_is_refused_without_crashing() -> None:
    # 100,000 levels crash a C parser that recurses without a guard.
    text = "a: " + "[" * 100_000 + "]" * 100_000 + "\n"
    start = time.perf_counter()
    data, diags = parse_text(Path("deep.yaml"), text)
    assert time.perf_counter() - start < 2
    assert data is None and diags[0].rule == "yaml.too-deep"


def test_deep_block_nesting_is_refused() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v\n"
    data, diags = parse_text(Path("deep.yaml"), text)
    assert data is None and diags[0].rule == "yaml.too-deep"


def test_moderate_nesting_passes_the_text_guard() -> None:
    assert nesting_guard(Path("x.yaml"), "a: " + "[" * 40 + "]" * 40) is None


def test_brackets_inside_quotes_and_comments_do_not_count() -> None:
    text = 'a: "' + "[" * 500 + '"\n# ' + "{" * 500 + "\n"
    assert nesting_guard(Path("x.yaml"), text) is None


def test_file_size_limit(tmp_path: Path) -> None:
    p = tmp_path / "big.yaml"
    p.write_text("notes: " + "x" * 5000 + "\n")
    _, data, diags = load_file(p, ReadLimits(max_bytes=1000))
    assert data is None and diags[0].rule == "file.too-large"
    assert "5,008" in diags[0].message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    p = tmp_path / "bom.yaml"
    p.write_bytes(b"\xef\xbb\xbfa: 1\n")
    _, data, diags = load_file(p)
    assert diags == [] and data == {"a": 1}


def test_non_utf8_points_at_the_bad_byte(tmp_path: Path) -> None:
    p = tmp_path / "latin.yaml"
    p.write_bytes(b"a: ok\nb: caf\xe9\n")
    _, data, diags = load_file(p)
    assert data is None
    assert (diags[0].rule, diags[0].line, diags[0].col) == ("file.encoding", 2, 7)


def test_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "bin.yaml"
    p.write_bytes(b"a: 1\n\x00\x01")
    _, data, diags = load_file(p)
    assert data is None and diags[0].rule == "file.binary"


def test_custom_and_python_tags_are_refused() -> None:
    _, diags = parse_text(Path("x.yaml"), "a: !!python/name:os.system\n")
    assert diags[0].rule == "yaml.unsafe-tag"
    _, diags = parse_text(Path("x.yaml"), "a: !include other.yaml\n")
    assert diags[0].rule == "yaml.unknown-tag"


def test_duplicate_key_names_the_first_line() -> None:
    _, diags = parse_text(Path("x.yaml"), "a: 1\nb: 2\na: 3\n")
    assert diags[0].rule == "yaml.duplicate-key"
    assert diags[0].line == 3 and "first on line 1" in diags[0].message


def test_empty_and_comment_only_files() -> None:
    for text in ("", "# nothing\n", "\n\n"):
        data, diags = parse_text(Path("x.yaml"), text)
        assert data is None and diags[0].rule == "yaml.empty"


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    link = tmp_path / "gone.yaml"
    link.symlink_to(tmp_path / "nowhere.yaml")
    _, data, diags = load_file(link)
    assert data is None and diags[0].rule == "file.unreadable"


@pytest.mark.parametrize("key", ["<<", "!!merge m", "!!merge <<", "!<tag:yaml.org,2002:merge> q"])
def test_a_merge_bomb_is_stopped_however_the_merge_key_is_written(key: str) -> None:
    # Ten aliases of ten aliases ... eight levels deep: 10^8 values once merged.
    lines = ["a0: &a0 {" + ", ".join(f"k{i}: v" for i in range(10)) + "}"]
    for n in range(1, 9):
        aliases = ", ".join(f"*a{n - 1}" for _ in range(10))
        lines.append(f"a{n}: &a{n}\n  {key}: [{aliases}]\n  own{n}: x")
    data, diags = parse_text(Path("bomb.yaml"), "\n".join(lines) + "\n")
    assert data is None
    assert [d.rule for d in diags] == ["yaml.too-many-nodes"]
