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


def _tree_with_leftovers(tmp_path: Path) -> Path:
    wb = tmp_path / "wb"
    folders = [
        "measures",
        "pdsa",
        ".microsys",
        "build/reports",
        ".github/workflows",
        ".git/objects",
        "node_modules/x",
        "nested",
        "assets/.cache",
    ]
    for folder in folders:
        (wb / folder).mkdir(parents=True, exist_ok=True)
    (wb / "microsys.yaml").write_text("name: x\n")
    (wb / "nested" / "microsys.yaml").write_text("name: nested\n")
    (tmp_path / "outside").mkdir()
    (wb / "linked-out").symlink_to(tmp_path / "outside")
    (wb / "linked-in").symlink_to(wb / "measures")
    names = [".m.yaml.abcdefgh12.tmp", ".gitignore", ".hidden", "plain.yaml"]
    for folder in ["", *folders, "linked-out"]:
        for name in names:
            (wb / folder / name).write_text("x\n") if folder != "linked-out" else (
                tmp_path / "outside" / name
            ).write_text("x")
    return wb


def test_one_walk_lists_the_leftovers_a_walk_of_their_own_lists(tmp_path: Path) -> None:
    roots = [_tree_with_leftovers(tmp_path), *_roots()]
    for root in roots:
        problems: list = []  # type: ignore[type-arg]
        hidden: list[str] = []
        entries = workbook_entries(root, problems, hidden)
        alone: list = []  # type: ignore[type-arg]
        assert entries == workbook_entries(root, alone) and problems == alone, root
        assert hidden == leftovers._hidden_files(root), root
        shown = Path("shown")
        assert leftovers.temporary_files(root, shown, hidden) == leftovers.temporary_files(root, shown), root
    found = [d.path.as_posix() for d in leftovers.temporary_files(roots[0], Path("s"), None)]
    assert found == [
        "s/.m.yaml.abcdefgh12.tmp",
        "s/.github/workflows/.m.yaml.abcdefgh12.tmp",
        "s/.microsys/.m.yaml.abcdefgh12.tmp",
        "s/assets/.cache/.m.yaml.abcdefgh12.tmp",
        "s/build/reports/.m.yaml.abcdefgh12.tmp",
        "s/measures/.m.yaml.abcdefgh12.tmp",
        "s/pdsa/.m.yaml.abcdefgh12.tmp",
    ]
