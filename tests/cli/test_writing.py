"""Writing commands under stress: at the same time, killed half-way, through links, on a full disk."""

from __future__ import annotations

import contextlib
import errno
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from microsys import storage
from tests.conftest import call, snapshot


def _microsys(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``microsys ARGS`` as a new program (a fresh interpreter)."""
    return subprocess.Popen(
        [sys.executable, "-m", "microsys", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _forked_child(args: tuple[str, ...], env: dict[str, str], out: int, err: int) -> None:
    os.environ.update(env)
    from microsys.cli import run

    with (
        open(out, "w", encoding="utf-8", closefd=False) as o,
        open(err, "w", encoding="utf-8", closefd=False) as e,
    ):
        with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
            code = run(list(args))
        o.flush()
        e.flush()
    os._exit(code)


class _Forked:
    """``microsys ARGS`` in a process of its own forked from this one: it can be killed or race
    another like a program, without an interpreter's start-up each time. Not for a command
    that must not share this process's state (a lock this process holds is held in the copy too).
    """

    def __init__(self, args: tuple[str, ...], env: dict[str, str]) -> None:
        # What it prints, read back (and closed) by communicate().
        self._files = (tempfile.TemporaryFile(), tempfile.TemporaryFile())  # noqa: SIM115
        fds = [f.fileno() for f in self._files]
        self._process = multiprocessing.get_context("fork").Process(
            target=_forked_child, args=(args, env, *fds)
        )
        self._process.start()

    def wait(self, timeout: float) -> int | None:
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.kill()
            raise AssertionError(f"microsys did not end within {timeout} s")
        return self._process.exitcode

    def communicate(self) -> tuple[str, str]:
        texts = []
        for f in self._files:
            f.seek(0)
            texts.append(f.read().decode("utf-8"))
            f.close()
        return texts[0], texts[1]


def _forked(*args: str, env: dict[str, str] | None = None) -> _Forked:
    return _Forked(args, env or {})


needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs fork (not on Windows)"
)


def _ideas(root: Path) -> list[str]:
    return [i["id"] for i in YAML(typ="safe").load((root / "change-ideas.yaml").read_text())["ideas"]]


@needs_fork
def test_two_new_changes_at_once_never_take_the_same_id(cf_clinic: Path) -> None:
    before = _ideas(cf_clinic)
    procs = [_forked("new", "change", str(cf_clinic), "--title", f"idea {i}") for i in range(3)]
    results = [(p.wait(60), *p.communicate()) for p in procs]
    assert all(code == 0 for code, _, _ in results), results
    after = _ideas(cf_clinic)
    assert len(after) == len(set(after)) == len(before) + 3
    n = len(before)
    assert after[n:] and sorted(after[n:]) == sorted(f"C{n + k}" for k in (1, 2, 3))


def test_a_command_waiting_for_the_lock_gives_up_in_plain_words(cf_clinic: Path) -> None:
    before = snapshot(cf_clinic)
    with storage.workbook_lock(cf_clinic):
        proc = _microsys(
            "new", "change", str(cf_clinic), "--title", "x", env={storage.LOCK_TIMEOUT_ENV: "0.3"}
        )
        code = proc.wait(60)
        _, err = proc.communicate()
    assert code == 1 and "another microsys command is writing" in err and "Traceback" not in err
    assert snapshot(cf_clinic) == before


_MEASURE = ("new", "measure", "--id", "wait2", "--name", "Wait", "--unit", "minutes", "--csv")


@needs_fork
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
@pytest.mark.parametrize("point", ["journal-written", "temps-written", "renamed-1", "renamed-2"])
def test_a_killed_new_measure_is_undone_by_the_next_writing_command(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, point: str
) -> None:
    before = snapshot(cf_clinic)
    proc = _forked(_MEASURE[0], _MEASURE[1], str(cf_clinic), *_MEASURE[2:], env={storage.CRASH_ENV: point})
    assert proc.wait(60) == -signal.SIGKILL
    proc.communicate()
    assert len(storage.journals(cf_clinic)) == 1  # the kill left its journal
    # The next writing command puts everything back first, then does its own work.
    code, _, err = call(capsys, "new", "change", str(cf_clinic), "--title", "after the crash")
    assert code == 0, err
    if point.startswith("renamed"):
        assert "stopped half-way; put back" in err and "measures/wait2.yaml" in err
    after = snapshot(cf_clinic)
    assert {k for k in after if after.get(k) != before.get(k)} == {"change-ideas.yaml"}
    assert not list(cf_clinic.rglob(".*.tmp"))
    # And the command that was killed can simply be run again.
    code, _out, err = call(capsys, _MEASURE[0], _MEASURE[1], str(cf_clinic), *_MEASURE[2:])
    assert code == 0, err
    assert (cf_clinic / "measures" / "wait2.yaml").is_file() and (
        cf_clinic / "measures" / "wait2.csv"
    ).is_file()


@needs_fork
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
def test_check_undoes_a_killed_write_and_says_so(capsys: pytest.CaptureFixture[str], cf_clinic: Path) -> None:
    before = snapshot(cf_clinic)
    proc = _forked(
        _MEASURE[0], _MEASURE[1], str(cf_clinic), *_MEASURE[2:], env={storage.CRASH_ENV: "renamed-1"}
    )
    assert proc.wait(60) == -signal.SIGKILL
    proc.communicate()
    assert (cf_clinic / "measures" / "wait2.yaml").exists() and not (
        cf_clinic / "measures" / "wait2.csv"
    ).exists()
    _code, out, _ = call(capsys, "check", str(cf_clinic), "-f", "json", "--no-git", "--today", "2026-11-22")
    rules = [d["rule"] for d in json.loads(out)["diagnostics"]]
    assert rules.count("workbook.write-undone") == 1
    assert snapshot(cf_clinic) == before


@needs_fork
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
def test_a_journal_copied_or_committed_with_the_workbook_is_never_acted_on(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, tmp_path: Path
) -> None:
    """A journal names the files to put back and their old bytes: one that arrives with a
    clone (a pull request that commits it) could rewrite or delete any file unseen.
    Only a journal written under this copy's own lock file is undone."""
    import shutil

    proc = _forked(
        _MEASURE[0], _MEASURE[1], str(cf_clinic), *_MEASURE[2:], env={storage.CRASH_ENV: "renamed-1"}
    )
    assert proc.wait(60) == -signal.SIGKILL
    proc.communicate()
    copy = tmp_path / "clone"
    shutil.copytree(cf_clinic, copy, symlinks=True)
    # A forged journal as a pull request would commit it: put back `evil`, delete ramp.yaml.
    import base64
    import hashlib

    aims, ramp = (copy / "aims.yaml").read_bytes(), (copy / "ramp.yaml").read_bytes()
    forged = {
        "version": 1,
        "lock": json.loads(next((copy / ".microsys").glob("journal-*.json")).read_text()).get("lock"),
        "files": [
            {"path": "aims.yaml", "temp": ".a.tmp", "before": base64.b64encode(b"evil: 1\n").decode(),
             "after": hashlib.sha256(aims).hexdigest()},
            {"path": "ramp.yaml", "temp": ".r.tmp", "before": None,
             "after": hashlib.sha256(ramp).hexdigest()},
        ],
    }  # fmt: skip
    (copy / ".microsys" / "journal-00000000000000ff.json").write_text(json.dumps(forged))
    before = snapshot(copy)
    code, out, _ = call(capsys, "check", str(copy), "-f", "json", "--no-git", "--today", "2026-11-22")
    found = [(d["rule"], Path(d["path"]).name) for d in json.loads(out)["diagnostics"]]
    assert found.count(("workbook.unfinished-write", "journal-00000000000000ff.json")) == 1
    assert "workbook.write-undone" not in [rule for rule, _ in found]
    assert code == 1
    code, _, err = call(capsys, "new", "change", str(copy), "--title", "x", "--today", "2026-11-22")
    assert code == 0, err
    after = snapshot(copy)
    assert after["aims.yaml"] == aims and after["ramp.yaml"] == ramp
    assert {k: v for k, v in after.items() if k != "change-ideas.yaml"} == {
        k: v for k, v in before.items() if k != "change-ideas.yaml"
    }
    # The original, killed where it was, is still put back by its own next command.
    _code, out, _ = call(capsys, "check", str(cf_clinic), "-f", "json", "--no-git", "--today", "2026-11-22")
    assert [d["rule"] for d in json.loads(out)["diagnostics"]].count("workbook.write-undone") == 1


def test_check_reports_leftover_temporary_files_and_unreadable_journals(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path
) -> None:
    (cf_clinic / ".change-ideas.yaml.0123456789abcdef.tmp").write_text("ideas: []\n")
    (cf_clinic / "measures" / ".clinic-wait.csv.k2j4_x9a.tmp").write_text("date,value\n")
    (cf_clinic / ".microsys").mkdir()
    (cf_clinic / ".microsys" / "journal-0123456789abcdef.json").write_text("{not json")
    (cf_clinic / "notes.tmp").write_text("a user's own file")  # not a microsys name
    code, out, _ = call(capsys, "check", str(cf_clinic), "-f", "json", "--no-git", "--today", "2026-11-22")
    found = [(d["rule"], Path(d["path"]).name) for d in json.loads(out)["diagnostics"]]
    assert ("workbook.leftover-temp", ".change-ideas.yaml.0123456789abcdef.tmp") in found
    assert ("workbook.leftover-temp", ".clinic-wait.csv.k2j4_x9a.tmp") in found
    assert ("workbook.unfinished-write", "journal-0123456789abcdef.json") in found
    assert ("workbook.leftover-temp", "notes.tmp") not in found
    assert code == 1


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_new_pdsa_never_writes_through_a_folder_linked_out_of_the_workbook(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    (cf_clinic / "pdsa").rename(outside)
    (cf_clinic / "pdsa").symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    code, _, err = call(capsys, "new", "pdsa", str(cf_clinic), "--change", "C1", "--today", "2026-11-22")
    assert code == 1 and "symbolic link" in err and "nothing was written" in err
    assert snapshot(outside) == before


def test_a_read_only_file_is_refused_not_replaced(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path
) -> None:
    ideas = cf_clinic / "change-ideas.yaml"
    ideas.chmod(0o444)
    before = snapshot(cf_clinic)
    code, _, err = call(capsys, "new", "change", str(cf_clinic), "--title", "x")
    assert code == 1 and "read-only" in err and "change-ideas.yaml" in err
    assert snapshot(cf_clinic) == before


@pytest.mark.parametrize(
    "args",
    [
        _MEASURE,
        ("new", "change", "--title", "x"),
        ("measure", "add", "clinic-wait", "2026-11-20", "30"),
        ("ramp", "next", "--by", "X", "--force", "--reason", "y", "--today", "2026-11-22"),
        ("new", "meeting", "--date", "2026-11-21"),
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_every_writing_command_refuses_a_full_disk_plainly(
    capsys: pytest.CaptureFixture[str],
    cf_clinic: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
) -> None:
    before = snapshot(cf_clinic)
    real_open = os.open

    def full(path: object, flags: int, *rest: object, **kw: object) -> int:
        if flags & os.O_CREAT and str(path).endswith(".tmp"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, flags, *rest, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", full)
    argv = [*args[:2], str(cf_clinic), *args[2:]]
    if args[0] == "measure":
        argv = [args[0], args[1], str(cf_clinic), *args[2:]]
    code, _, err = call(capsys, *argv)
    assert code == 1, err
    assert "the disk is full" in err and "nothing was changed" in err
    assert snapshot(cf_clinic) == before


def test_measure_add_to_a_file_without_a_final_newline_or_with_mixed_line_ends(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path
) -> None:
    path = cf_clinic / "measures" / "clinic-overrun.yaml"
    lines = path.read_bytes().split(b"\n")
    lines[0] += b"\r"  # one CRLF line, as a Windows editor leaves after touching a line
    original = b"\n".join(lines).rstrip(b"\n")  # and no final newline
    path.write_bytes(original)
    code, _, err = call(capsys, "measure", "add", str(cf_clinic), "clinic-overrun", "2026-11-01", "6")
    assert code == 0, err
    new = path.read_bytes()
    assert new == original + b"\n  - date: 2026-11-01\n    value: 6"
    assert YAML(typ="safe").load(new)["values"][-1]["value"] == 6


def test_coach_next_keeps_a_ramp_file_without_a_final_newline_valid(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path
) -> None:
    path = cf_clinic / "ramp.yaml"
    original = path.read_bytes().rstrip(b"\n").replace(b"\n", b"\r\n")
    path.write_bytes(original)
    args = ("coach", "next", str(cf_clinic), "--by", "Sarah Porter", "--today", "2026-11-22")
    code, _, err = call(capsys, *args)
    assert code == 0, err
    new = path.read_bytes()
    assert b"\n" not in new.replace(b"\r\n", b"") and not new.endswith(b"\n")
    history = YAML(typ="safe").load(new)["coaching"]["history"]
    assert history[-1]["by"] == "Sarah Porter" and history[-1]["to"] == "transition"


def test_an_edit_never_rewrites_a_note_holding_a_form_feed_or_line_separator(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path
) -> None:
    path = cf_clinic / "measures" / "clinic-overrun.yaml"
    original = path.read_bytes()
    for odd in ("\u2028", "\x85", "\x0c"):
        note = f'"one{odd}consultant short"'.encode()
        path.write_bytes(original.replace(b"summer leave, one consultant short", note))
        before = snapshot(cf_clinic)
        code, _, err = call(capsys, "measure", "add", str(cf_clinic), "clinic-overrun", "2026-11-01", "6")
        if odd == "\x0c":  # not allowed in YAML at all: refused, nothing changed
            assert code == 1 and ("nothing" in err or "will not" in err), err
            assert snapshot(cf_clinic) == before
        else:  # every old byte kept, the new value added after them
            assert code == 0, err
            new = path.read_bytes()
            assert new == before["measures/clinic-overrun.yaml"] + b"  - date: 2026-11-01\n    value: 6\n"
            path.write_bytes(original)


def test_a_full_temporary_folder_stops_a_pdf_report_with_a_message(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from microsys.render import typeset

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    before = snapshot(cf_clinic)
    monkeypatch.setattr(typeset.shutil, "copyfile", full)
    out = tmp_path / "storyboard.pdf"
    code, _, err = call(capsys, "report", str(cf_clinic), "-o", str(out))
    assert code == 2, err
    assert "temporary folder" in err and "its disk is full" in err and "nothing was written" in err
    assert "TMPDIR" in err and "internal error" not in err
    assert not out.exists() and snapshot(cf_clinic) == before


def test_a_workbook_font_that_cannot_be_read_is_named_not_the_temporary_folder(
    capsys: pytest.CaptureFixture[str], cf_clinic: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from microsys.render import typeset

    font = cf_clinic / "assets" / "fonts" / "Clinic.ttf"
    font.parent.mkdir(parents=True)
    font.write_bytes(b"not really a font")
    real = typeset.shutil.copyfile

    def unreadable(src: object, dst: object, **kw: object) -> object:
        if Path(str(src)) == font:  # as for a file its owner made unreadable (root reads anything)
            raise PermissionError(errno.EACCES, "Permission denied", str(src))
        return real(src, dst, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(typeset.shutil, "copyfile", unreadable)
    before = snapshot(cf_clinic)
    out = tmp_path / "storyboard.pdf"
    code, _, err = call(capsys, "report", str(cf_clinic), "-o", str(out))
    assert code == 2, err
    assert "Clinic.ttf could not be read (Permission denied)" in err and "nothing was written" in err
    assert "temporary folder" not in err and "internal error" not in err
    assert not out.exists() and snapshot(cf_clinic) == before
