"""Hostile input on the reading side: the YAML loader's bounds, safe reading, isolation, escaping."""

from __future__ import annotations

import ctypes
import faulthandler
import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microsys import engine
from microsys.terminal import visible
from microsys.workbook.discover import find_workbooks
from microsys.yaml.load import Folder, ReadLimits, _plainly_below, nesting_guard, parse_text, read_text

from ..conftest import MANIFEST, call

# Pieces of YAML that open, close, quote, comment and indent, in any order.
_PIECES = st.sampled_from(
    ["[", "]", "{", "}", "[", "{", '"', "'", "''", '\\"', ",", ", ", "#", " # ", "a", "a'", "b: ", ": ", "- ",
     "? ", "\n", "\n  ", "\n    - ", "&x ", "*x", "<<: ", "!!str ", "|\n  ", "\t", "%", "`"]
)  # fmt: skip


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    unit=st.lists(_PIECES, min_size=1, max_size=12),
    repeat=st.sampled_from([1, 3, 60, 250, 5_000, 30_000]),
    tail=st.text(max_size=20),
)
def test_generated_nesting_never_crashes_or_hangs(unit: list[str], repeat: int, tail: str) -> None:
    # A unit of pieces repeated up to 30,000 times nests as deep as its brackets allow:
    # the C composer crashed a few thousand levels down, whatever hid them from the pre-scan.
    text = "a: " + "".join(unit) * repeat + tail
    start = time.process_time()
    data, diags = parse_text(Path("x.yaml"), text, ReadLimits(max_bytes=10**8))
    assert time.process_time() - start < 5
    assert (data is None) == bool(diags)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_ends_in_data_or_findings_quickly(text: str) -> None:
    start = time.process_time()
    data, diags = parse_text(Path("x.yaml"), text)
    assert time.process_time() - start < 3  # generous: the machine running the tests may be busy
    assert (data is None) == bool(diags)
    assert all(d.rule.startswith("yaml.") for d in diags)


def test_nesting_deeper_than_the_bound_is_measured_exactly() -> None:
    # Quotes and commas the old regular-expression scan mistook for strings.
    for unit in ('[[["a,",', "[a'x, ", "[ 'it''s', \"\\\"]\", # ]\n", '{a: ["]}", '):
        text = "k: " + unit * 20_000
        guard = nesting_guard(Path("x.yaml"), text)
        assert guard is not None and guard.rule == "yaml.too-deep", unit
    assert nesting_guard(Path("x.yaml"), "a: [x]\n" * 500) is None  # many brackets, shallow


def test_merge_key_bomb_stops_within_a_second() -> None:
    lines = ["a0: &a0 {x: 1, y: 2}"]
    for i in range(1, 23):
        lines.append(f"a{i}: &a{i} {{<<: [*a{i - 1}, *a{i - 1}], k{i}: 1}}")
    start = time.process_time()
    data, diags = parse_text(Path("m.yaml"), "\n".join(lines) + "\n")
    assert time.process_time() - start < 5  # about 0.05 s; unbounded it took minutes
    assert data is None and [(d.rule, d.line) for d in diags] == [("yaml.too-many-nodes", 2)]


def test_merges_within_the_budget_still_load() -> None:
    data, diags = parse_text(Path("m.yaml"), "a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\n")
    assert diags == [] and data == {"a": {"x": 1}, "b": {"x": 1, "y": 2}}


def test_a_million_values_stop_at_the_node_budget() -> None:
    start = time.process_time()  # CPU time: a busy machine does not make it fail
    data, diags = parse_text(Path("x.yaml"), "[" + "1," * 1_000_000 + "]", ReadLimits(max_bytes=10**8))
    assert time.process_time() - start < 8  # about 1 s; composing all of them took 15 s
    assert data is None and [d.rule for d in diags] == ["yaml.too-many-nodes"]
    assert "values" in diags[0].message and "anchors" not in diags[0].message


def test_too_many_keys_in_one_mapping() -> None:
    text = "".join(f"k{i}: {i}\n" for i in range(2_001))
    data, diags = parse_text(Path("x.yaml"), text)
    assert data is None and [(d.rule, d.line) for d in diags] == [("yaml.too-many-keys", 1)]
    assert parse_text(Path("x.yaml"), "".join(f"k{i}: {i}\n" for i in range(2_000)))[1] == []


def test_values_keep_yaml_1_2_types_with_the_counting_resolver() -> None:
    data, diags = parse_text(
        Path("x.yaml"), "a: 1\nb: 1.5\nc: true\nd: ~\ne: 2026-01-01\nf: no\ng: 0o7\nh: '1'\n"
    )
    assert diags == []
    assert data == {"a": 1, "b": 1.5, "c": True, "d": None, "e": "2026-01-01", "f": "no", "g": 7, "h": "1"}


def test_only_ordinary_files_inside_the_workbook_are_read(tmp_path: Path) -> None:
    (tmp_path / "inside.yaml").write_text("a: 1\n")
    (tmp_path / "in-link.yaml").symlink_to("inside.yaml")
    (tmp_path / "out-link.yaml").symlink_to("/etc/passwd")
    (tmp_path / "dir.yaml").mkdir()
    assert read_text(tmp_path / "in-link.yaml", inside=tmp_path).text == "a: 1\n"
    out = read_text(tmp_path / "out-link.yaml", inside=tmp_path)
    assert out.text is None and [d.rule for d in out.diagnostics] == ["file.outside-workbook"]
    assert "root" not in out.diagnostics[0].message
    folder = read_text(tmp_path / "dir.yaml", inside=tmp_path)
    assert [d.rule for d in folder.diagnostics] == ["file.not-regular"]
    assert "folder" in folder.diagnostics[0].message


def _tree(tmp_path: Path) -> tuple[Path, list[str]]:
    """A workbook with plain files, links in and out (to files and folders), and odd entries."""
    root = tmp_path / "wb"
    (root / "measures" / "deep").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_text("secret: 1\n")
    (root / "aims.yaml").write_text("a: 1\n")
    (root / "measures" / "m.yaml").write_text("id: m\n")
    (root / "measures" / "deep" / "d.csv").write_text("date,value\n")
    (root / "measures" / "big.yaml").write_text("x" * 3000)
    (root / "in-link.yaml").symlink_to("aims.yaml")
    (root / "out-link.yaml").symlink_to(tmp_path / "outside" / "secret.yaml")
    (root / "linked-in").symlink_to("measures")
    (root / "linked-out").symlink_to(tmp_path / "outside")
    (root / "loop.yaml").symlink_to("loop.yaml")
    (root / "dir.yaml").mkdir()
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.yaml")
    rels = [
        "aims.yaml",
        "measures/m.yaml",
        "measures/deep/d.csv",
        "measures/big.yaml",
        "in-link.yaml",
        "out-link.yaml",
        "linked-in/m.yaml",
        "linked-out/secret.yaml",
        "loop.yaml",
        "dir.yaml",
        "pipe.yaml",
        "missing.yaml",
        "measures/../aims.yaml",
        "measures/./m.yaml",
        "linked-out/../aims.yaml",
        "measures/missing/x.yaml",
    ]
    return root, rels


def test_reading_below_a_folder_gives_what_resolving_every_path_gives(tmp_path: Path) -> None:
    # Files read with the workbook's Folder skip resolving folders above the workbook; reading
    # with the workbook's plain path resolves every file's whole path. Both must agree.
    root, rels = _tree(tmp_path)
    for shown in (root, Path(os.path.relpath(root))):
        folder = Folder.of(shown)
        for limits in (ReadLimits(), ReadLimits(max_bytes=1000)):
            for rel in rels:
                path = Path(os.path.join(shown, rel))
                fast, slow = read_text(path, limits, folder), read_text(path, limits, shown)
                assert (fast.text, fast.diagnostics) == (slow.text, slow.diagnostics), rel
    # The quick way is taken for plain names, and for nothing else.
    folder = Folder.of(root)
    existing = [r for r in rels if "missing" not in r]
    plain = [r for r in existing if _plainly_below(root / r, folder) is not None]
    with pytest.raises(FileNotFoundError):  # looked at, then reported as the full path reports it
        _plainly_below(root / "missing.yaml", folder)
    expected = ["aims.yaml", "measures/m.yaml", "measures/deep/d.csv", "measures/big.yaml", "dir.yaml"]
    expected.append("measures/./m.yaml")  # a path drops `.` parts itself
    if hasattr(os, "mkfifo"):
        expected.append("pipe.yaml")
    assert sorted(plain) == sorted(expected)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_named_pipe_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    start = time.process_time()
    loaded = read_text(tmp_path / "pipe.yaml", inside=tmp_path)
    assert time.process_time() - start < 1
    assert [d.rule for d in loaded.diagnostics] == ["file.not-regular"]
    assert "named pipe" in loaded.diagnostics[0].message


def test_the_size_limit_holds_while_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 5000 + "\n")
    loaded = read_text(path, ReadLimits(max_bytes=1000))
    assert [d.rule for d in loaded.diagnostics] == ["file.too-large"]


def test_utf16_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes("a: 1\n".encode("utf-16"))
    loaded = read_text(path)
    assert [d.rule for d in loaded.diagnostics] == ["file.encoding"] and "UTF-16" in loaded.diagnostics[
        0
    ].message


needs_non_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="permissions do not stop root"
)


def _workbook(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "microsys.yaml").write_text(MANIFEST)
    (folder / "5ps").mkdir()
    (folder / "5ps" / "purpose.yaml").write_text("statement: Why we exist\n")
    return folder


@needs_non_root
def test_unreadable_file_and_folder_are_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = _workbook(tmp_path / "wb")
    (wb / "5ps" / "purpose.yaml").chmod(0)
    (wb / "pdsa").mkdir()
    (wb / "pdsa" / "PDSA-1.yaml").write_text("id: PDSA-1\n")
    (wb / "pdsa").chmod(0)
    try:
        code, out, err = call(capsys, "check", "--no-git", "-f", "json", str(wb))
    finally:
        (wb / "pdsa").chmod(0o755)
        (wb / "5ps" / "purpose.yaml").chmod(0o644)
    assert code == 1, err
    found = {(Path(d["path"]).name, d["rule"]) for d in json.loads(out)["diagnostics"]}
    assert found == {("purpose.yaml", "file.unreadable"), ("pdsa", "file.unreadable")}


def _crash_or_fail(real: object) -> object:
    def check_workbook(root: Path, *args: object, **kwargs: object) -> object:
        if root.name == "crashes":
            faulthandler.disable()  # no traceback on the test's output: the crash is meant
            ctypes.string_at(0)  # a segmentation fault, as a crash in a C library would be
        if root.name == "raises":
            raise ValueError("something microsys did not expect")
        return real(root, *args, **kwargs)  # type: ignore[operator]

    return check_workbook


@pytest.mark.skipif(os.name != "posix", reason="fork is needed to pass the failing check to the workers")
def test_a_workbook_that_kills_its_worker_is_its_own_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["a", "crashes", "b", "raises", "c", "d"]
    for name in names:
        _workbook(tmp_path / name)
    monkeypatch.setattr(engine, "check_workbook", _crash_or_fail(engine.check_workbook))
    result = engine.check([tmp_path], jobs=2, git=False)
    assert [w.path.name for w in result.workbooks] == sorted(names)
    by_name = {w.path.name: [d.rule for d in w.diagnostics] for w in result.workbooks}
    assert by_name == {n: (["workbook.check-failed"] if n in ("crashes", "raises") else []) for n in names}
    crashed = next(w for w in result.workbooks if w.path.name == "crashes").diagnostics[0]
    assert "segmentation fault" in crashed.message
    assert result.exit_code == 1


def test_an_error_in_one_workbook_leaves_the_others_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("a", "raises", "b"):
        _workbook(tmp_path / name)
    monkeypatch.setattr(engine, "check_workbook", _crash_or_fail(engine.check_workbook))
    monkeypatch.delenv("MICROSYS_DEBUG", raising=False)
    code, out, _ = call(capsys, "check", "--no-git", "-j", "1", "-f", "json", str(tmp_path))
    report = json.loads(out)
    assert code == 1 and report["summary"]["workbooks"] == 3
    [failed] = report["diagnostics"]
    assert failed["rule"] == "workbook.check-failed" and "ValueError" in failed["message"]


def test_finding_workbooks_is_linear(tmp_path: Path) -> None:
    for i in range(1000):
        (tmp_path / f"wb{i:04d}").mkdir()
        (tmp_path / f"wb{i:04d}" / "microsys.yaml").write_text(MANIFEST)
    (tmp_path / "again").symlink_to(tmp_path / "wb0000")
    start = time.process_time()
    roots = find_workbooks([tmp_path, tmp_path / "again"])
    assert time.process_time() - start < 8  # 24 s before, with a resolve() per earlier workbook
    assert len(roots) == 1000


def test_visible_escapes_controls_and_bidi() -> None:
    assert visible("plain text, ünïcode") == "plain text, ünïcode"
    assert (
        visible("a\x1b[31mb\rc\nd\te\x07\x9b\u202eok\u2028")
        == "a\\x1b[31mb\\rc\\nd\\te\\x07\\x9b\\u202eok\\u2028"
    )
    assert visible("one\ntwo\x1b", keep_newlines=True) == "one\ntwo\\x1b"


def test_text_and_github_outputs_escape_workbook_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = _workbook(tmp_path / "wb")
    (wb / "5ps" / "purpose.yaml").write_text('statement: ok\n"\\e]0;pwned\\a\\e[2K\\rfake\\u202e": 1\n')
    (wb / "evil-\x1b[2J.txt").write_text("x\n")
    for fmt in ("text", "github"):
        code, out, _ = call(capsys, "check", "--no-git", "--no-color", "-f", fmt, str(wb))
        assert code == 1
        assert "\x1b" not in out and "\r" not in out and "\u202e" not in out and "\x07" not in out
        assert "\\x1b]0;pwned\\x07\\x1b[2K\\rfake\\u202e" in out
        assert "evil-\\x1b[2J.txt" in out
    code, out, _ = call(capsys, "check", "--no-git", "-f", "json", str(wb))
    keys = [d["message"] for d in json.loads(out)["diagnostics"]]
    assert any("\x1b]0;pwned\x07\x1b[2K\rfake\u202e" in m for m in keys)  # JSON stays exact


def test_cli_errors_escape_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(capsys, "check", str(tmp_path / "no-\x1b[31m-such"))
    assert code == 2 and "\x1b" not in err and "no-\\x1b[31m-such" in err


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("? - a: b\n: x\n", 1),  # a list holding a mapping, as a key: Python cannot hash it
        ("a: 1\n? [[1], 2]\n: x\n", 2),
        ("? {a: 1}\n: x\n", 1),
        ("? {}\n: x\n", 1),
        ("a: &k [{b: 1}]\n? *k\n: x\n", 1),  # an alias: the anchored list is named
        ("top:\n  {a: 1}: x\n", 2),
    ],
)
def test_a_key_holding_a_list_or_mapping_is_a_finding(text: str, line: int) -> None:
    data, diags = parse_text(Path("x.yaml"), text)
    assert data is None
    assert [(d.rule, d.line) for d in diags] == [("yaml.syntax", line)]
    assert "key" in diags[0].message and diags[0].hint
    # A list of plain values is a key Python can hold: it is left to the schema, as before.
    assert parse_text(Path("x.yaml"), "? [a, 1]\n: x\n") == ({("a", 1): "x"}, [])


_INDENT_LINE = st.tuples(
    st.sampled_from([0, 1, 399, 400, 401, 402, 900]), st.sampled_from([" ", "-", "?", ":", " -", "- ", "?:"])
).map(lambda n_chars: (n_chars[1] * n_chars[0])[: n_chars[0]])


@settings(max_examples=300)
@given(st.lists(st.tuples(_INDENT_LINE, st.sampled_from(["", "a", "x: 1", "\r"])), max_size=5), st.booleans())
def test_deep_indentation_is_found_as_the_line_start_pattern_finds_it(lines: list, crlf: bool) -> None:  # type: ignore[type-arg]
    from microsys.yaml import load

    text = ("\r\n" if crlf else "\n").join(indent + rest for indent, rest in lines)
    assert load._deep_indent(text) == (load._DEEP_INDENT.search(text) is not None)
