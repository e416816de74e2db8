"""The hostile corpus: tests/cases/hostile/<case>/ must end in the expected findings, quickly.

Each case is a workbook (``workbook/``) and ``expected.txt``, one ``path rule``
line per finding (the path relative to the workbook, control characters written
as escapes). Cases named ``generated-*`` get their hostile files here, at test
time: pipes, devices, links and very large files cannot or should not be
committed.

Every case runs in a child process with a time limit, so a hang or a crash of
the parser fails the test instead of taking pytest down. The child runs the
loader, then one ``microsys check`` writing the text, JSON and GitHub formats.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from microsys.rules import RULE_IDS
from microsys.terminal import visible

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

HOSTILE = Path(__file__).parent / "cases" / "hostile"
CASES = sorted(p for p in HOSTILE.iterdir() if p.is_dir())
TIME_LIMIT = 60  # seconds: only a hang takes this long, but a shared CI machine may run a case slowly
# One case must stay well within this (loading stops within about a second).
CASE_BUDGET = 6.0


def _check_here(conn: Connection) -> None:
    """In the child process: the loader, then ``microsys check`` in the text, JSON and GitHub formats."""
    import contextlib
    import io
    import time

    from microsys.cli import run
    from microsys.workbook.loader import load_workbook

    start = time.process_time()
    wb = load_workbook(Path("."))
    loaded = sorted({f"{d.path.as_posix()} {d.rule}" for d in wb.diagnostics})
    load_seconds = time.process_time() - start
    # One check writes all three (the workbook is read once, as a CI job asking for several
    # reports would): text to the terminal, JSON and GitHub to files beside the workbook,
    # which hold what those formats print to a terminal or CI log.
    files = {"json": Path("..") / "check.json", "github": Path("..") / "check.github"}
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        argv = ["check", "--no-git"]
        for fmt, path in files.items():
            argv += ["--format", fmt, "--output-file", str(path)]
        code = run([*argv, "--format", "text", "."])
    outputs = {fmt: (code, path.read_text(encoding="utf-8")) for fmt, path in files.items()}
    outputs["text"] = (code, buffer.getvalue())
    conn.send({"loaded": loaded, "load_seconds": load_seconds, "outputs": outputs})
    conn.close()


def _child(conn: Connection, folder: Path) -> None:
    os.chdir(folder)
    os.environ["NO_COLOR"] = "1"
    os.environ.pop("GITHUB_ACTIONS", None)
    _check_here(conn)


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _link(path: Path, target: str | Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


def _many_values(wb: Path) -> list[str]:
    # 120,000 keys (1.6 MB, under the size limit): more values than any workbook file needs.
    (wb / "5ps").mkdir()
    (wb / "5ps" / "purpose.yaml").write_text("".join(f"k{i}: {i}\n" for i in range(120_000)))
    return []


def _deep_flow(wb: Path) -> list[str]:
    # Quotes, commas and braces that once hid 100,000 levels from the text pre-scan.
    (wb / "5ps").mkdir()
    depth = 100_000
    (wb / "5ps" / "purpose.yaml").write_text("a: " + '[[["a,",' * (depth // 3) + "]" * depth + "\n")
    (wb / "5ps" / "patients.yaml").write_text("a: " + '[a\'x, {b: "]}", c: ' * depth + "\n")
    (wb / "5ps" / "processes.yaml").write_text("a: " + "[ 'it''s', \"\\\"]\", # ]\n" * (depth // 2))
    return []


def _huge_file(wb: Path) -> list[str]:
    (wb / "5ps").mkdir()
    with open(wb / "5ps" / "purpose.yaml", "wb") as f:
        f.write(b"statement: " + b"x" * 1000 + b"\n")
        f.truncate(200 * 1024 * 1024)  # 200 MB (sparse: quick to make, the same to read)
    return []


def _fifo(wb: Path) -> list[str]:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this system")
    (wb / "5ps").mkdir()
    os.mkfifo(wb / "5ps" / "purpose.yaml")
    return []


def _device_links(wb: Path) -> list[str]:
    _link(wb / "5ps" / "purpose.yaml", "/dev/zero")
    _link(wb / "5ps" / "patients.yaml", "/dev/urandom")
    if _is_root():  # a device node inside the workbook: only root can make one
        os.mknod(wb / "5ps" / "processes.yaml", stat.S_IFCHR | 0o600, os.makedev(1, 5))
        return ["5ps/processes.yaml file.not-regular"]
    return []


def _passwd(wb: Path) -> list[str]:
    _link(wb / "pdsa" / "PDSA-9.yaml", "/etc/passwd")
    return []


def _folder_outside(wb: Path) -> list[str]:
    _link(wb / "pdsa", "/etc")
    return []


def _loop(wb: Path) -> list[str]:
    _link(wb / "5ps" / "purpose.yaml", "patients.yaml")
    _link(wb / "5ps" / "patients.yaml", "purpose.yaml")
    _link(wb / "5ps" / "processes", "../5ps")  # a folder that contains itself
    return []


def _link_inside(wb: Path) -> list[str]:
    # A link to a file inside the workbook is read like the file itself.
    (wb / "5ps").mkdir()
    (wb / "5ps" / "purpose.yaml").write_text("notes: shared by both files\n")
    _link(wb / "5ps" / "patients.yaml", "purpose.yaml")
    return []


def _control_name(wb: Path) -> list[str]:
    (wb / "notes-\x1b[2J\r.txt").write_text("a note\n")
    return []


SETUP: dict[str, Callable[[Path], list[str]]] = {
    "generated-many-values": _many_values,
    "generated-deep-flow-in-quotes": _deep_flow,
    "generated-200mb-file": _huge_file,
    "generated-fifo": _fifo,
    "generated-device-links": _device_links,
    "generated-link-to-etc-passwd": _passwd,
    "generated-folder-link-outside": _folder_outside,
    "generated-symlink-loop": _loop,
    "generated-link-inside": _link_inside,
    "generated-control-characters-in-file-name": _control_name,
}


def _expected(case: Path) -> list[str]:
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]


def _run(wb: Path) -> dict[str, Any]:
    """Run the case in a child process (forked: no start-up cost) within the time limit."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, wb))
    child.start()
    send.close()
    try:
        if not receive.poll(TIME_LIMIT):
            pytest.fail(f"the check of {wb} did not end within {TIME_LIMIT} s")
        try:
            result: dict[str, Any] = receive.recv()
        except EOFError:
            child.join(5)
            pytest.fail(f"the check of {wb} died (exit code {child.exitcode})")
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    return result


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_hostile_case(case: Path, tmp_path: Path) -> None:
    wb = tmp_path / "case" / "workbook"
    shutil.copytree(case / "workbook", wb, symlinks=True)
    setup = SETUP.get(case.name)
    assert (setup is None) != case.name.startswith("generated-"), "a generated case needs a setup here"
    extra = setup(wb) if setup is not None else []
    expected = sorted(_expected(case) + extra)
    out = _run(wb)
    loaded = sorted(visible(line) for line in out["loaded"])
    assert loaded == expected
    assert out["load_seconds"] < CASE_BUDGET
    outputs = out["outputs"]

    code, text = outputs["json"]
    report = json.loads(str(text))  # valid JSON whatever the workbook holds
    found = sorted(f"{visible(d['path'])} {d['rule']}" for d in report["diagnostics"])
    assert found == expected
    assert all(line.split()[-1] in RULE_IDS for line in found)
    assert code == (1 if any(d["severity"] == "error" for d in report["diagnostics"]) else 0)

    for fmt in ("text", "github"):
        code, text = outputs[fmt]
        assert code in (0, 1)
        # No control character reaches a terminal or a CI log, and no outside file's text.
        assert not any(
            (ch < " " and ch != "\n") or "\x7f" <= ch <= "\x9f" or ch == "\u202e" for ch in str(text)
        )
        assert "root:" not in str(text)
    assert "root:" not in json.dumps(report)
