"""Comment-preserving edits and atomic writes: nothing the user wrote is lost."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from microsys.errors import RefusedError
from microsys.storage import Change, commit
from microsys.yaml.edit import YamlDocument, merge_lines
from microsys.yaml.load import ReadLimits, parse_text
from tests.conftest import CASES, EXAMPLES


def _yaml_files() -> list[Path]:
    files = sorted(EXAMPLES.rglob("*.yaml")) + sorted(CASES.rglob("*.yaml"))
    out = []
    for f in files:
        try:
            _, diagnostics = parse_text(f, f.read_text(encoding="utf-8"), ReadLimits())
        except UnicodeDecodeError:
            continue
        if not any(d.rule.startswith(("yaml.", "file.")) for d in diagnostics):
            out.append(f)  # files with YAML errors are refused, as tested below
    return out


YAML_FILES = _yaml_files()


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.relative_to(p.parents[2]).as_posix())
def test_load_and_save_without_edits_is_byte_identical(path: Path) -> None:
    doc = YamlDocument.read(path)
    assert doc.change().content == path.read_bytes()


@pytest.mark.parametrize("case", ["alias-bomb", "yaml-syntax"])
def test_files_with_yaml_errors_are_never_opened_for_editing(case: Path) -> None:
    files = sorted((CASES / "invalid" / case / "workbook").rglob("*.yaml"))
    refused = 0
    for f in files:
        try:
            YamlDocument.read(f)
        except RefusedError as exc:
            assert "will not edit" in exc.message or "not valid YAML" in exc.message
            refused += 1
    assert refused >= 1


def test_the_style_is_detected_so_most_files_reproduce_without_patching() -> None:
    # The hostile corpus's text is built to be odd (escapes, control characters): not counted here.
    files = [p for p in YAML_FILES if "hostile" not in p.parts]
    exact = sum(1 for doc in map(YamlDocument.read, files) if doc._base == doc._text)
    assert exact >= len(files) - 2  # only the comment-only and plain-text cases differ


def test_crlf_and_bom_are_kept(tmp_path: Path) -> None:
    p = tmp_path / "x.yaml"
    p.write_bytes("\ufeff# note\r\nname: a\r\nitems:\r\n  - 1\r\n".encode())
    doc = YamlDocument.read(p)
    doc.data["items"].append(2)
    assert doc.change().content == "\ufeff# note\r\nname: a\r\nitems:\r\n  - 1\r\n  - 2\r\n".encode()


def test_merge_refuses_an_edit_it_cannot_place() -> None:
    original = "a: 1   # odd spacing\nb: 2\n"
    base = "a: 1 # odd spacing\nb: 2\n"
    assert merge_lines(original, base, "a: 5 # odd spacing\nb: 2\n") is None
    assert merge_lines(original, base, "a: 1 # odd spacing\nb: 3\n") == "a: 1   # odd spacing\nb: 3\n"
    assert merge_lines(original, base, base) == original


EDITABLE = [p for p in sorted(EXAMPLES.rglob("*.yaml"))]
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip() == s and s
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(min_value=0), value=_text, data=st.data())
def test_random_edits_change_only_the_edited_lines(index: int, value: str, data: st.DataObject) -> None:
    path = EDITABLE[index % len(EDITABLE)]
    original = path.read_text(encoding="utf-8")
    doc = YamlDocument.read(path)
    keys = [k for k, v in doc.data.items() if not isinstance(v, dict | list)]
    if not keys:
        return
    key = data.draw(st.sampled_from(keys))
    first = doc.data.lc.key(key)[0]
    later = sorted(doc.data.lc.key(k)[0] for k in doc.data if doc.data.lc.key(k)[0] > first)
    span = range(first, later[0] if later else len(original.splitlines()))
    doc.data[key] = value
    new = doc.render()
    assert YAML(typ="safe").load(new)[key] == value
    old_lines, new_lines = original.splitlines(), new.splitlines()
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, old_lines, new_lines).get_opcodes():
        if tag != "equal":
            assert all(i in span for i in range(i1, i2)), (key, old_lines[i1:i2])


def test_commit_refuses_when_the_file_changed_since_it_was_read(tmp_path: Path) -> None:
    p = tmp_path / "ramp.yaml"
    p.write_text("stage: assess\n")
    read = p.read_bytes()
    p.write_text("stage: diagnose\n")  # someone else saved in between
    with pytest.raises(RefusedError, match="changed on disk"):
        commit([Change(p, b"stage: treat\n", read)])
    assert p.read_text() == "stage: diagnose\n"


def test_commit_never_overwrites_a_new_file(tmp_path: Path) -> None:
    p = tmp_path / "pdsa" / "PDSA-1.yaml"
    p.parent.mkdir()
    p.write_text("id: PDSA-1\n")
    with pytest.raises(RefusedError, match="already exists"):
        commit([Change(p, b"id: other\n", None)])
    assert p.read_text() == "id: PDSA-1\n"


def test_commit_puts_everything_back_when_a_later_file_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "new" / "b.yaml"
    a.write_text("a: 1\n")
    real_replace = os.replace
    calls = []

    def flaky(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(5, "I/O error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(RefusedError, match="nothing was changed"):
        commit([Change(a, b"a: 2\n", b"a: 1\n"), Change(b, b"b: 1\n", None)])
    monkeypatch.setattr(os, "replace", real_replace)
    assert a.read_text() == "a: 1\n"
    assert not b.exists() and not b.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]  # no temporary files left


# --- generated documents: odd line ends and characters in notes --------------------

_ODD = ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\t", "\\", '"']
_SAFE = [*"abcxyz 019-#:'é", "😀"]


@st.composite
def _documents(draw: st.DrawFn) -> tuple[str, list[int], int | None]:
    """A mapping of notes and a list, as people write them: (text, line of each key, list end line)."""
    value = st.text(alphabet=st.sampled_from(_SAFE + _ODD), min_size=1, max_size=10)
    plain = st.text(alphabet=st.sampled_from(list("abcxyz019é")), min_size=1, max_size=10)
    n = draw(st.integers(1, 4))
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append("# " + draw(value).replace("\n", " "))
    key_lines = []
    for i in range(n):
        style = draw(st.sampled_from(["plain", "double", "single"]))
        if style == "plain":
            text = draw(plain)
        elif style == "double":
            text = '"' + draw(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
        else:
            text = "'" + draw(value).replace("'", "''") + "'"
        if draw(st.booleans()):
            text += "  # " + draw(value).replace("\n", " ")
        key_lines.append(len(lines))
        lines.append(f"k{i}: {text}")
    last_item = None
    if draw(st.booleans()):
        indent = draw(st.sampled_from(["", "  "]))
        lines.append("items:")
        for _ in range(draw(st.integers(1, 3))):
            lines.append(f"{indent}- {draw(plain)}")
        last_item = len(lines) - 1
        if draw(st.booleans()):
            key_lines.append(len(lines))
            lines.append(f"after: {draw(plain)}")
    ends = [draw(st.sampled_from(["\n", "\r\n"])) for _ in lines]
    final = draw(st.booleans())
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    if not final:
        text = text[: -len(ends[-1])]
    return text, key_lines, last_item


def _raw_lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _safe_load(data: bytes) -> object:
    return YAML(typ="safe", pure=True).load(data.decode("utf-8"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=_documents(), edit=st.sampled_from(["none", "value", "append"]), data=st.data())
def test_edits_of_generated_documents_keep_every_other_byte(
    tmp_path: Path, doc: tuple[str, list[int], int | None], edit: str, data: st.DataObject
) -> None:
    text, key_lines, last_item = doc
    raw = text.encode("utf-8")
    path = tmp_path / "doc.yaml"
    path.write_bytes(raw)
    odd = any(c in text for c in _ODD)
    try:
        document = YamlDocument.read(path)
        if edit == "none":
            assert document.change().content == raw
            return
        if edit == "append" and last_item is None:
            return
        if edit == "value":
            key = data.draw(st.sampled_from([k for k in document.data if k != "items"]))
            document.data[key] = "new value"
        else:
            document.data["items"].append("new item")
        new = document.change().content
    except RefusedError as exc:
        # Refused only for characters an edit cannot keep, and then in plain words.
        assert odd, exc.message
        assert "doc.yaml" in exc.message and "Traceback" not in exc.message
        return
    before, after = _raw_lines(raw), _raw_lines(new)
    expected = _safe_load(raw)
    assert isinstance(expected, dict)
    if edit == "value":
        line = key_lines[[k for k in expected if k != "items"].index(key)]
        assert len(after) == len(before)
        assert [b for i, b in enumerate(before) if i != line] == [a for i, a in enumerate(after) if i != line]
        assert after[line].startswith(f"{key}: ".encode()) and b"new value" in after[line]
        expected[key] = "new value"
    else:
        assert last_item is not None
        inserted = after[last_item + 1]
        indent = len(before[last_item]) - len(before[last_item].lstrip())
        assert inserted.strip() == b"- new item" and inserted.startswith(before[last_item][:indent] + b"-")
        rest = after[: last_item + 1] + after[last_item + 2 :]
        if last_item + 1 == len(before):  # the list ended a file with no final newline
            assert rest[:-1] == before[:-1] and rest[-1] in (before[-1], before[-1] + b"\r")
        else:
            assert rest == before
        # A new line ends like most of the file's lines; the file's last line keeps having none.
        crlf = sum(1 for b in before[:-1] if b.endswith(b"\r"))
        if last_item + 1 < len(before):
            assert inserted.endswith(b"\r") == (crlf * 2 > len(before) - 1)
        expected["items"].append("new item")
    assert _safe_load(new) == expected


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("a: 1\nnote: one\x0ctwo\n", "doc.yaml:2:10", "form feed"),
        ("a: 1\nnote: one\x0btwo\n", "doc.yaml:2:10", "vertical tab"),
        ("a: 1\rnote: x\r", "doc.yaml:1:5", "carriage return alone"),
        ("a: 1\nnote: one\u2028two\n", "doc.yaml:2:10", "line separator (U+2028)"),
        ("a: 1\nnote: one\x85two\n", "doc.yaml:2:10", "next-line character"),
    ],
)
def test_characters_an_edit_cannot_keep_are_refused_by_line_and_column(
    tmp_path: Path, text: str, where: str, words: str
) -> None:
    path = tmp_path / "doc.yaml"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(RefusedError) as info:
        YamlDocument.read(path)
    assert where in info.value.message and words in info.value.message
    assert "will not edit" in info.value.message and info.value.hint


def test_a_file_without_a_final_newline_gets_the_new_entry_on_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_bytes(b"a: 1\r\nitems:\n  - x")
    doc = YamlDocument.read(path)
    doc.data["items"].append("y")
    assert doc.change().content == b"a: 1\r\nitems:\n  - x\n  - y"
