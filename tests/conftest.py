from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from microsys.engine import WorkbookResult

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CASES = Path(__file__).resolve().parent / "cases"
# What rendering an example leaves in it (reports, caches): never part of a test's copy.
NOT_SOURCE = shutil.ignore_patterns("build")
MANIFEST = "version: 1\nname: Test workbook\nsetting: clinic\n"


# The day the cases and examples are checked on (fixed: freshness must not depend on the day).
CHECK_TODAY = dt.date(2026, 1, 12)


@functools.cache
def checked(root: Path) -> WorkbookResult:
    """``check_workbook`` of a case or example of the repository on CHECK_TODAY, without git history.

    Made once per test run and shared by every test that reads it: those workbooks are
    never changed by a test (copy one to change it).
    """
    from microsys.engine import check_workbook

    assert root.resolve().is_relative_to(CASES) or root.resolve().is_relative_to(EXAMPLES), root
    return check_workbook(root, today=CHECK_TODAY, git=False)


@pytest.fixture(scope="session")
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def private_cache(_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Caches go to a folder of the test run, never the user's (shared by the tests, as a user's is)."""
    monkeypatch.setenv("MICROSYS_CACHE_DIR", str(_cache_dir))
    return _cache_dir


@pytest.fixture
def severity_mismatches() -> list[str]:
    """Findings of this test at a severity their rule does not have (a test that makes one on
    purpose takes them out)."""
    return []


@pytest.fixture(autouse=True)
def _findings_have_their_rules_severity(
    monkeypatch: pytest.MonkeyPatch, severity_mismatches: list[str]
) -> Iterator[None]:
    """Every finding made in any test has a severity its rule has in the catalogue.

    Code that still writes ``Diagnostic(rule="id", severity=...)`` may choose a severity
    of its own; this catches it wherever a test makes the finding (unknown ids fail in
    Diagnostic itself). Recorded rather than raised, so no error handler can swallow it.
    """
    from microsys import rules
    from microsys.diagnostics import Diagnostic

    made = Diagnostic.__post_init__

    def checked(self: Diagnostic) -> None:
        made(self)
        if self.severity not in rules.SEVERITIES[self.rule]:
            severity_mismatches.append(f"{self.location} {self.rule} reported as {self.severity.value}")

    monkeypatch.setattr(Diagnostic, "__post_init__", checked)
    yield
    assert severity_mismatches == [], (
        "findings at a severity their rule does not have in src/microsys/rules.py"
    )


@pytest.fixture
def cf_clinic(tmp_path: Path) -> Path:
    """A private copy of the CF clinic example."""
    dest = tmp_path / "cf"
    shutil.copytree(EXAMPLES / "sheffield-cf-clinic", dest, ignore=NOT_SOURCE)
    return dest


@pytest.fixture
def millbrook(tmp_path: Path) -> Path:
    """A private copy of the Millbrook surgery example (a team in Diagnose)."""
    dest = tmp_path / "millbrook"
    shutil.copytree(EXAMPLES / "millbrook-surgery", dest, ignore=NOT_SOURCE)
    return dest


@dataclass(frozen=True)
class Rendered:
    """A copy of an example with every report in every format in its ``build/`` folder."""

    root: Path
    out: str
    """What ``microsys report`` printed."""
    source_before: dict[str, bytes]
    """The copy's files (``build/`` left out) before the report, and after it:"""
    source_after: dict[str, bytes]

    @property
    def build(self) -> Path:
        return self.root / "build"


# The command every Rendered comes from: each report in each format, in one run.
RENDER_ALL = ("--kind", "all", "-f", "pdf", "-f", "html", "-f", "md", "--today", "2026-11-22")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory, _cache_dir: Path) -> Callable[[str], Rendered]:
    """``rendered("sheffield-cf-clinic")``: that example with all its reports, drawn once per test run.

    For tests that only read reports of an unchanged example (what a PDF, HTML or
    Markdown file says): rendering is most of a report test's time. Read-only: a test
    that changes the workbook or its outputs copies it (``cf_clinic``, ``millbrook``).
    """
    done: dict[str, Rendered] = {}

    def render(example: str) -> Rendered:
        if example not in done:
            root = tmp_path_factory.mktemp("rendered") / example
            shutil.copytree(EXAMPLES / example, root, ignore=NOT_SOURCE)
            before = {k: v for k, v in snapshot(root).items() if not k.startswith("build/")}
            out, err = io.StringIO(), io.StringIO()
            with (
                pytest.MonkeyPatch.context() as mp,
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(err),
            ):
                mp.setenv("MICROSYS_CACHE_DIR", str(_cache_dir))
                from microsys.cli import run

                code = run(["report", str(root), *RENDER_ALL])
            assert code == 0, err.getvalue()
            after = {k: v for k, v in snapshot(root).items() if not k.startswith("build/")}
            done[example] = Rendered(root, out.getvalue(), before, after)
        return done[example]

    return render


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the real CLI, error boundary included: (exit code, stdout, stderr)."""
    from microsys.cli import run

    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def workbook(tmp_path: Path):
    """Build a small workbook from {relative path: text} and return its folder."""

    def make(files: dict[str, str | bytes], manifest: str | None = MANIFEST) -> Path:
        root = tmp_path / "wb"
        root.mkdir(exist_ok=True)
        if manifest is not None:
            (root / "microsys.yaml").write_text(manifest, encoding="utf-8")
        for rel, content in files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                p.write_bytes(content)
            else:
                p.write_text(content, encoding="utf-8")
        return root

    return make


def three_workbooks(root: Path) -> Path:
    """A folder of three workbooks for the organisation commands: a pathway, a clinic, a broken one."""
    shutil.copytree(CASES / "valid" / "pathway", root / "sepsis")
    shutil.copytree(CASES / "valid" / "minimal" / "workbook", root / "clinic")
    shutil.copytree(CASES / "invalid" / "wrong-types" / "workbook", root / "broken")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below root with its bytes: to prove a command changed nothing.

    The workbook's write lock (made by the first writing command, ignored by git)
    is not the user's: it is left out. Journals of unfinished writes are kept in.
    """
    lock = {".microsys/lock", ".microsys/.gitignore"}
    return {
        rel: p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and (rel := p.relative_to(root).as_posix()) not in lock
    }


def unchanged(folder: Path) -> dict[str, bytes]:
    """:func:`snapshot` of a folder holding workbooks anywhere below it (their locks left out)."""
    lock = re.compile(r"(^|/)\.microsys/(lock|\.gitignore)$")
    return {rel: data for rel, data in snapshot(folder).items() if not lock.search(rel)}
