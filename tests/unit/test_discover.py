"""Walking a workbook's folder: relative paths made from the walk, as from the paths themselves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from microsys.workbook import leftovers
from microsys.workbook.discover import find_workbooks, relative_prefix, workbook_entries, workbook_files

ROOT = Path(__file__).resolve().parents[2]


def _roots() -> list[Path]:
    roots = find_workbooks([ROOT / "examples"])
    roots += find_workbooks([ROOT / "tests" / "cases"], skip_outside=True)
    assert len(roots) > 20
    return roots


def test_every_bundled_workbook_lists_the_relative_paths_its_files_have() -> None:
    for root in _roots():
        entries = workbook_entries(root, [])
        assert [p for p, _ in entries] == workbook_files(root, [])
        assert [rel for _, rel in entries] == [p.relative_to(root).as_posix() for p, _ in entries], root


def test_a_workbook_named_relative_to_the_working_folder_lists_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wb = tmp_path / "wb"
    (wb / "measures" / "deep").mkdir(parents=True)
    (wb / "microsys.yaml").write_text("name: x\n")
    (wb / "measures" / "deep" / "a.yaml").write_text("a: 1\n")
    (wb / "measures" / ".x.yaml.abcdefgh12.tmp").write_text("")
    monkeypatch.chdir(wb)
    for root in (Path("."), Path("..") / "wb", wb):
        rels = [rel for _, rel in workbook_entries(root, [])]
        assert rels == ["microsys.yaml", "measures/deep/a.yaml"]
        found = leftovers.temporary_files(root, Path("shown"))
        assert [d.path for d in found] == [Path("shown") / "measures" / ".x.yaml.abcdefgh12.tmp"]


@pytest.mark.parametrize(
    ("dirpath", "top", "prefix"),
    [
        ("a/b", "a/b", ""),
        (os.path.join("a/b", "c"), "a/b", "c/"),
        (os.path.join("a/b", "c", "d"), "a/b", "c/d/"),
        (os.path.join(".", "c"), ".", "c/"),
        (os.path.join(os.sep, "c"), os.sep, "c/"),
    ],
)
def test_a_walked_folder_is_named_below_the_top(dirpath: str, top: str, prefix: str) -> None:
    assert relative_prefix(dirpath, top) == prefix


def test_the_kind_of_a_path_is_remembered_as_it_was_found() -> None:
    from microsys.schema.files import kind_of

    for root in _roots():
        for _, rel in workbook_entries(root, []):
            assert kind_of(rel) is kind_of.__wrapped__(rel), rel
