"""Writing files: modes, links, read-only files, full disks; nothing is ever half-written."""

from __future__ import annotations

import base64
import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from microsys import storage
from microsys.errors import RefusedError
from microsys.storage import Change, commit
from tests.conftest import snapshot


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="file modes and the umask are POSIX")
@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_new_files_honour_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        commit([Change(tmp_path / "sub" / "new.yaml", b"a: 1\n", None)], root=tmp_path)
    finally:
        os.umask(old)
    assert _mode(tmp_path / "sub" / "new.yaml") == 0o666 & ~umask
    assert _mode(tmp_path / "sub") == 0o777 & ~umask


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    p = tmp_path / "ramp.yaml"
    p.write_bytes(b"stage: assess\n")
    p.chmod(0o640)
    commit([Change(p, b"stage: diagnose\n", b"stage: assess\n")], root=tmp_path)
    assert p.read_bytes() == b"stage: diagnose\n" and _mode(p) == 0o640


def test_a_read_only_file_is_never_replaced(tmp_path: Path) -> None:
    p = tmp_path / "ramp.yaml"
    p.write_bytes(b"stage: assess\n")
    p.chmod(0o444)
    with pytest.raises(RefusedError, match="read-only") as info:
        commit([Change(p, b"stage: diagnose\n", b"stage: assess\n")], root=tmp_path)
    assert "chmod u+w" in (info.value.hint or "")
    assert p.read_bytes() == b"stage: assess\n" and sorted(os.listdir(tmp_path)) == ["ramp.yaml"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_folder_that_links_out_of_the_workbook_is_refused(tmp_path: Path) -> None:
    root, outside = tmp_path / "wb", tmp_path / "elsewhere"
    root.mkdir()
    outside.mkdir()
    (root / "pdsa").symlink_to(outside, target_is_directory=True)
    with pytest.raises(RefusedError, match="symbolic link"):
        commit([Change(root / "pdsa" / "PDSA-1.yaml", b"id: PDSA-1\n", None)], root=root)
    assert list(outside.iterdir()) == []
    # A deeper folder too, and a path that leaves the root lexically.
    (outside / "deep").mkdir()
    with pytest.raises(RefusedError, match="symbolic link"):
        commit([Change(root / "pdsa" / "deep" / "x.yaml", b"x: 1\n", None)], root=root)
    with pytest.raises(RefusedError, match="outside"):
        commit([Change(root / ".." / "elsewhere" / "x.yaml", b"x: 1\n", None)], root=root)
    assert list(outside.iterdir()) == [outside / "deep"] and list((outside / "deep").iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_target_that_is_a_link_is_refused_with_or_without_a_root(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"keep me\n")
    link = tmp_path / "wb" / "notes.md"
    link.parent.mkdir()
    link.symlink_to(secret)
    for root in (tmp_path / "wb", None):
        with pytest.raises(RefusedError, match="symbolic link"):
            commit([Change(link, b"overwritten\n", b"keep me\n")], root=root)
    assert secret.read_bytes() == b"keep me\n" and link.is_symlink()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_link_planted_at_a_temporary_name_is_never_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"keep me\n")
    root = tmp_path / "wb"
    root.mkdir()
    names = iter(["0" * 16, "0" * 16, "1" * 16])
    monkeypatch.setattr(storage.secrets, "token_hex", lambda _n: next(names))
    planted = root / f".report.html.{'0' * 16}.tmp"
    planted.symlink_to(secret)
    commit([Change(root / "report.html", b"<p>new</p>\n", None)], root=root)
    assert (root / "report.html").read_bytes() == b"<p>new</p>\n"
    assert secret.read_bytes() == b"keep me\n" and planted.is_symlink()


def test_temporary_names_are_unpredictable(tmp_path: Path) -> None:
    names = {storage.temp_name(tmp_path / "chart.png").name for _ in range(50)}
    assert len(names) == 50 and all(storage.TEMP_NAME.match(n) for n in names)


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="needs O_NOFOLLOW")
def test_a_link_that_appears_at_the_temporary_name_fails_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The name is free when chosen; a link put there before the file is created is not followed.
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"keep me\n")
    root = tmp_path / "wb"
    root.mkdir()
    real_temp = storage.temp_name

    def racing(path: Path) -> Path:
        tmp = real_temp(path)
        tmp.symlink_to(secret)
        return tmp

    monkeypatch.setattr(storage, "temp_name", racing)
    with pytest.raises(RefusedError, match="nothing was changed"):
        commit([Change(root / "a.yaml", b"a: 1\n", None)], root=root)
    assert secret.read_bytes() == b"keep me\n" and not (root / "a.yaml").exists()


# --- the disk says no ---------------------------------------------------------------

_FAULTS = {
    errno.ENOSPC: "the disk is full",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
}
if hasattr(errno, "EDQUOT"):
    _FAULTS[errno.EDQUOT] = "the disk is full"


def _two_file_workbook(tmp_path: Path) -> tuple[Path, list[Change]]:
    root = tmp_path / "wb"
    (root / "measures").mkdir(parents=True)
    (root / "change-ideas.yaml").write_bytes(b"ideas:\n- id: C1\n")
    changes = [
        Change(root / "change-ideas.yaml", b"ideas:\n- id: C1\n- id: C2\n", b"ideas:\n- id: C1\n"),
        Change(root / "measures" / "new" / "wait.yaml", b"id: wait\n", None),
        Change(root / "measures" / "new" / "wait.csv", b"date,value\n", None),
    ]
    return root, changes


class _Faults:
    """Make the n-th call of os.open, os.mkdir, os.fsync or os.replace fail with ``code``."""

    NAMES = ("open", "mkdir", "fsync", "replace")

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, fail_at: int, code: int, names: tuple[str, ...] = NAMES
    ) -> None:
        self.calls = 0
        self.fail_at = fail_at
        self.code = code
        self.real: dict[str, Callable[..., Any]] = {}
        for name in names:
            self.real[name] = getattr(os, name)
            monkeypatch.setattr(os, name, self._wrap(name))

    def _wrap(self, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.fail_at:
                raise OSError(self.code, os.strerror(self.code))
            if name == "fsync":
                return None  # durability is not what this test is about; flushing is slow
            return self.real[name](*args, **kwargs)

        return call


@pytest.mark.parametrize("code", sorted(_FAULTS), ids=lambda c: errno.errorcode[c])
@pytest.mark.parametrize("locked", [False, True], ids=["plain", "journalled"])
def test_a_refusing_disk_at_any_step_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, locked: bool
) -> None:
    root, changes = _two_file_workbook(tmp_path)
    with storage.workbook_lock(root) if locked else _nothing():
        before = snapshot(root)
        counter = _Faults(monkeypatch, 0, code)
        commit(changes, root=root)  # counts the calls of a successful commit
        total = counter.calls
        monkeypatch.undo()
        assert total >= 7
        after = snapshot(root)

        def reset() -> None:
            for name in ("change-ideas.yaml", "measures/new/wait.yaml", "measures/new/wait.csv"):
                (root / name).unlink()
            (root / "measures" / "new").rmdir()
            (root / "change-ideas.yaml").write_bytes(b"ideas:\n- id: C1\n")

        reset()
        assert snapshot(root) == before
        refused = 0
        for fail_at in range(1, total + 1):
            faults = _Faults(monkeypatch, fail_at, code)
            try:
                commit(changes, root=root)
            except RefusedError as exc:
                info = exc
            else:  # only the last, best-effort flush of a folder may fail once all is written
                monkeypatch.undo()
                assert snapshot(root) == after, fail_at
                reset()
                continue
            finally:
                monkeypatch.undo()
            refused += 1
            assert faults.calls >= fail_at
            message = info.message
            assert _FAULTS[code] in message and "nothing was changed" in message, (fail_at, message)
            assert any(str(c.path) in message for c in changes) or str(root / "measures" / "new") in message
            assert snapshot(root) == before, fail_at
            assert storage.journals(root) == []
        assert refused >= total // 2  # the rest are best-effort flushes of folders


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


@pytest.mark.skipif(os.name != "posix", reason="folder modes are POSIX")
@pytest.mark.parametrize("where", ["pdsa", "pdsa/new"])
def test_a_read_only_folder_is_a_plain_refusal_even_for_root(tmp_path: Path, where: str) -> None:
    """Root (CI jobs, containers) is not stopped by the folder's mode: microsys is."""
    root = tmp_path / "wb"
    (root / "pdsa").mkdir(parents=True)
    (root / "pdsa").chmod(0o555)
    try:
        with pytest.raises(RefusedError, match=r"pdsa is a read-only folder.*nothing was written"):
            commit([Change(root / where / "PDSA-1.yaml", b"id: PDSA-1\n", None)], root=root)
    finally:
        (root / "pdsa").chmod(0o755)
    assert list((root / "pdsa").iterdir()) == []


# --- the lock -----------------------------------------------------------------------


def test_the_lock_is_reentrant_and_kept_out_of_git(tmp_path: Path) -> None:
    with storage.workbook_lock(tmp_path), storage.workbook_lock(tmp_path):
        assert storage.holds_lock(tmp_path)
    assert not storage.holds_lock(tmp_path)
    assert (tmp_path / ".microsys" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_held_lock_is_refused_in_plain_words_after_the_timeout(tmp_path: Path) -> None:
    import threading

    held, release = threading.Event(), threading.Event()

    def other_command() -> None:
        with storage.workbook_lock(tmp_path):
            held.set()
            release.wait(10)

    t = threading.Thread(target=other_command)
    t.start()
    try:
        assert held.wait(10)
        with (
            pytest.raises(RefusedError, match="another microsys command is writing"),
            storage.workbook_lock(tmp_path, timeout=0.2),
        ):
            pass
    finally:
        release.set()
        t.join()
    with storage.workbook_lock(tmp_path, timeout=0):
        pass


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_state_folder_that_is_a_link_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "out"
    outside.mkdir()
    (tmp_path / "wb").mkdir()
    (tmp_path / "wb" / ".microsys").symlink_to(outside, target_is_directory=True)
    with pytest.raises(RefusedError, match="not a folder"), storage.workbook_lock(tmp_path / "wb"):
        pass
    assert list(outside.iterdir()) == []


# --- removing files -----------------------------------------------------------------


def _with_a_deletion(tmp_path: Path) -> tuple[Path, list[Change]]:
    root = tmp_path / "wb"
    (root / "measures").mkdir(parents=True)
    (root / "measures" / "old.yaml").write_bytes(b"id: old\n")
    (root / "measures" / "old.csv").write_bytes(b"date,value\n2026-01-05,3\n")
    (root / "aims.yaml").write_bytes(b"specific_aims: []\n")
    changes = [
        storage.deletion(root / "measures" / "old.yaml", b"id: old\n"),
        storage.deletion(root / "measures" / "old.csv", b"date,value\n2026-01-05,3\n"),
        Change(root / "aims.yaml", b"specific_aims: []  # old removed\n", b"specific_aims: []\n"),
    ]
    return root, changes


def test_a_deletion_is_committed_with_the_other_changes(tmp_path: Path) -> None:
    root, changes = _with_a_deletion(tmp_path)
    with storage.workbook_lock(root):
        assert commit(changes, root=root) == [c.path for c in changes]
    assert not (root / "measures" / "old.yaml").exists() and not (root / "measures" / "old.csv").exists()
    assert (root / "aims.yaml").read_bytes() == b"specific_aims: []  # old removed\n"
    assert storage.journals(root) == []


def test_a_file_changed_or_removed_since_it_was_read_is_not_deleted(tmp_path: Path) -> None:
    root, changes = _with_a_deletion(tmp_path)
    (root / "measures" / "old.csv").write_bytes(b"date,value\n2026-01-05,3\n2026-01-12,4\n")
    before = snapshot(root)
    with pytest.raises(RefusedError, match="changed on disk while microsys was working; nothing was written"):
        commit(changes, root=root)
    assert snapshot(root) == before
    (root / "measures" / "old.csv").unlink()
    with pytest.raises(RefusedError, match=r"old\.csv was removed while microsys was working"):
        commit(changes, root=root)
    assert (root / "measures" / "old.yaml").exists()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_read_only_file_is_never_deleted(tmp_path: Path) -> None:
    root, changes = _with_a_deletion(tmp_path)
    (root / "measures" / "old.csv").chmod(0o444)
    with pytest.raises(RefusedError, match="never replaces or removes a read-only file"):
        commit(changes, root=root)
    assert (root / "measures" / "old.yaml").exists()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("locked", [False, True], ids=["plain", "journalled"])
def test_a_failure_after_a_deletion_puts_the_deleted_files_back_with_their_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, locked: bool
) -> None:
    root, changes = _with_a_deletion(tmp_path)
    (root / "measures" / "old.csv").chmod(0o640)
    before = snapshot(root)
    real = os.replace
    calls = []

    def replace(src: Any, dst: Any) -> None:
        if Path(dst).name == "aims.yaml" and not calls:  # the write after both deletions
            calls.append(dst)
            assert not (root / "measures" / "old.csv").exists()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(src, dst)

    with storage.workbook_lock(root) if locked else _nothing():
        monkeypatch.setattr(os, "replace", replace)
        with pytest.raises(RefusedError, match=r"the disk is full.*nothing was changed"):
            commit(changes, root=root)
        monkeypatch.undo()
    assert calls and snapshot(root) == before
    assert _mode(root / "measures" / "old.csv") == 0o640
    assert storage.journals(root) == []


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_journal_left_by_a_killed_deletion_puts_the_file_back(tmp_path: Path) -> None:
    """What the next command finds after kill -9 between the deletion and the end of the commit."""
    root, _changes = _with_a_deletion(tmp_path)
    before = snapshot(root)
    with storage.workbook_lock(root):
        journal = storage._write_journal(
            root,
            {
                "version": 1,
                "files": [
                    {
                        "path": "measures/old.csv",
                        "temp": "measures/.old.csv.0123456789abcdef.tmp",
                        "before": base64.b64encode(b"date,value\n2026-01-05,3\n").decode(),
                        "after": None,
                        "delete": True,
                        "mode": 0o600,
                    },
                ],
                "dirs": [],
            },
        )
        (root / "measures" / "old.csv").unlink()
    with storage.workbook_lock(root) as undone:
        assert undone == ["measures/old.csv"]
    assert snapshot(root) == before and not journal.exists()
    assert _mode(root / "measures" / "old.csv") == 0o600


# --- outputs: many large files, neither their old nor their new bytes all in memory ----------


def _outputs(changes: list[Change]) -> list[storage.Output]:
    """The same changes as outputs: packed content, and what each file holds as a digest."""
    return [storage.Output(c.path, storage.pack(c.content), storage.seen(c.path)) for c in changes]


def test_outputs_replace_and_create_files_and_leave_no_copy_behind(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "a").mkdir(parents=True)
    (root / "a" / "page.html").write_bytes(b"<p>old</p>")
    (root / "a" / "page.html").chmod(0o640)
    outputs = [
        storage.Output(
            root / "a" / "page.html",
            storage.pack(b"<p>new</p>" * 1000),
            storage.seen(root / "a" / "page.html"),
        ),
        storage.Output(root / "b" / "new.html", storage.pack(b"<p>made</p>"), None),
    ]
    assert outputs[0].packed.size == 10_000 and len(outputs[0].packed.data) < 1_000
    assert commit(outputs, root=root) == [o.path for o in outputs]
    assert snapshot(root) == {"a/page.html": b"<p>new</p>" * 1000, "b/new.html": b"<p>made</p>"}
    assert _mode(root / "a" / "page.html") == 0o640 and (root / "a" / "page.html").stat().st_nlink == 1


def test_an_output_over_a_file_changed_since_it_was_seen_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "one.html").write_bytes(b"one")
    (root / "two.html").write_bytes(b"two")
    outputs = [
        storage.Output(root / "one.html", storage.pack(b"ONE"), storage.seen(root / "one.html")),
        storage.Output(root / "two.html", storage.pack(b"TWO"), storage.seen(root / "two.html")),
        storage.Output(root / "three.html", storage.pack(b"THREE"), None),
    ]
    (root / "two.html").write_bytes(b"tWo")  # same size, other bytes
    with pytest.raises(RefusedError, match=r"two\.html changed on disk"):
        commit(outputs, root=root)
    assert snapshot(root) == {"one.html": b"one", "two.html": b"tWo"}
    (root / "two.html").write_bytes(b"two")
    (root / "three.html").write_bytes(b"someone else's")
    with pytest.raises(RefusedError, match=r"three\.html already exists"):
        commit(outputs, root=root)
    assert snapshot(root) == {"one.html": b"one", "two.html": b"two", "three.html": b"someone else's"}


@pytest.mark.parametrize("code", sorted(_FAULTS), ids=lambda c: errno.errorcode[c])
@pytest.mark.parametrize("locked", [False, True], ids=["plain", "journalled"])
@pytest.mark.parametrize("links", [True, False], ids=["hard-links", "no-hard-links"])
def test_a_refusing_disk_at_any_step_of_outputs_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, locked: bool, links: bool
) -> None:
    """As for changes, with the replaced file kept on disk (a hard link, or a copy where the
    disk has none) instead of in memory; the link itself may fail too."""
    root, changes = _two_file_workbook(tmp_path)
    (root / "measures" / "old.yaml").write_bytes(b"id: old\n")
    changes.append(Change(root / "measures" / "old.yaml", b"id: older\n", b"id: old\n"))
    if not links:

        def no_link(*_args: Any, **_kwargs: Any) -> None:
            raise OSError(errno.EPERM, os.strerror(errno.EPERM))

        monkeypatch.setattr(os, "link", no_link)
    with storage.workbook_lock(root) if locked else _nothing():
        before = snapshot(root)
        outputs = _outputs(changes)
        counter = _Faults(monkeypatch, 0, code, names=(*_Faults.NAMES, "link"))
        commit(outputs, root=root)
        total = counter.calls
        _undo_faults(monkeypatch, links)
        after = snapshot(root)
        assert (
            after["change-ideas.yaml"] == changes[0].content and after["measures/old.yaml"] == b"id: older\n"
        )

        def reset() -> None:
            for name in ("measures/new/wait.yaml", "measures/new/wait.csv"):
                (root / name).unlink()
            (root / "measures" / "new").rmdir()
            (root / "change-ideas.yaml").write_bytes(b"ideas:\n- id: C1\n")
            (root / "measures" / "old.yaml").write_bytes(b"id: old\n")

        reset()
        assert snapshot(root) == before
        refused = 0
        for fail_at in range(1, total + 1):
            _Faults(monkeypatch, fail_at, code, names=(*_Faults.NAMES, "link"))
            try:
                commit(outputs, root=root)
            except RefusedError as exc:
                info = exc
            else:
                _undo_faults(monkeypatch, links)
                assert snapshot(root) == after, fail_at
                reset()
                continue
            finally:
                _undo_faults(monkeypatch, links)
            refused += 1
            assert _FAULTS[code] in info.message and "nothing was changed" in info.message, (fail_at, info)
            assert snapshot(root) == before, fail_at  # no hidden copy or temporary file left either
            assert storage.journals(root) == []
        assert refused >= total // 2


def _undo_faults(monkeypatch: pytest.MonkeyPatch, links: bool) -> None:
    """Undo the faults, keeping a disk without hard links without them."""
    monkeypatch.undo()
    if not links:

        def no_link(*_args: Any, **_kwargs: Any) -> None:
            raise OSError(errno.EPERM, os.strerror(errno.EPERM))

        monkeypatch.setattr(os, "link", no_link)


@pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(os, "link"), reason="needs fork and hard links")
@pytest.mark.parametrize("point", ["journal-written", "temps-written", "renamed-1", "renamed-2", "renamed-3"])
def test_a_killed_commit_of_outputs_is_put_back_from_the_copies_on_disk(tmp_path: Path, point: str) -> None:
    """kill -9 half-way through a journalled commit of outputs: the next lock puts every file back."""
    root, changes = _two_file_workbook(tmp_path)
    (root / "measures" / "old.yaml").write_bytes(b"id: old\n")
    changes.insert(0, Change(root / "measures" / "old.yaml", b"id: older\n", b"id: old\n"))
    before = snapshot(root)
    outputs = _outputs(changes)
    pid = os.fork()
    if pid == 0:  # the command that is killed
        try:
            os.environ[storage.CRASH_ENV] = point
            with storage.workbook_lock(root):
                commit(outputs, root=root)
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status), status
    journal = storage.journals(root)
    assert len(journal) == 1 and b'"backup"' in journal[0].read_bytes()
    assert b"b2xk" not in journal[0].read_bytes()  # the old bytes (base64) are not in the journal
    with storage.workbook_lock(root) as undone:
        pass
    assert snapshot(root) == before, undone
    if point.startswith("renamed"):
        assert undone  # at least the first file replaced was put back


def test_a_journal_never_puts_back_a_copy_that_is_a_link(tmp_path: Path) -> None:
    """A forged or planted copy (a link to elsewhere) is never moved into the workbook."""
    root = tmp_path / "wb"
    root.mkdir()
    (root / "page.html").write_bytes(b"new")
    secret = tmp_path / "secret"
    secret.write_bytes(b"secret")
    (root / ".page.html.0123456789abcdef.tmp").symlink_to(secret)
    import hashlib

    with storage.workbook_lock(root):
        storage._write_journal(
            root,
            {
                "version": 2,
                "files": [
                    {
                        "path": "page.html",
                        "temp": ".page.html.fedcba9876543210.tmp",
                        "before": None,
                        "after": hashlib.sha256(b"new").hexdigest(),
                        "backup": ".page.html.0123456789abcdef.tmp",
                    }
                ],
                "dirs": [],
            },
        )
    with storage.workbook_lock(root) as undone:
        assert undone == []
    assert (root / "page.html").read_bytes() == b"new" and secret.read_bytes() == b"secret"


def test_a_cache_write_waits_for_no_disk_but_is_as_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``durable=False`` (caches only) skips every fsync; a user's file still waits for the disk."""
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real(fd))
    entry = tmp_path / "cache" / "entry.json"
    commit([Change(entry, b"{}", None)], durable=False)
    assert entry.read_bytes() == b"{}" and synced == []
    assert not [p for p in entry.parent.iterdir() if p.name != "entry.json"]  # no temporary file left
    # The same checks as any write: a file changed since it was read is not replaced.
    with pytest.raises(RefusedError):
        commit([Change(entry, b"new", b"old")], durable=False)
    assert entry.read_bytes() == b"{}"
    commit([Change(tmp_path / "user.yaml", b"a: 1\n", None)])
    assert len(synced) >= 2  # the file and its folder


def test_many_files_are_flushed_together_and_a_failed_flush_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit of many files flushes every one (side by side); any flush failing refuses it all."""
    out = tmp_path / "site"
    (out / "old").mkdir(parents=True)
    (out / "old" / "index.html").write_bytes(b"old page")
    changes = [Change(out / "old" / "index.html", b"new page", b"old page")]
    changes += [Change(out / f"team-{k}" / "index.html", f"page {k}".encode(), None) for k in range(12)]
    flushed: list[str] = []
    real = os.fsync

    def record(fd: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else str(fd))
        real(fd)

    monkeypatch.setattr(os, "fsync", record)
    before = snapshot(out)
    commit(changes, root=out)
    assert (out / "team-11" / "index.html").read_bytes() == b"page 11"
    # Every file (by its temporary name) and every folder was flushed.
    assert len(flushed) >= len(changes) + 13
    if os.path.exists("/proc/self/fd"):
        assert sum(1 for f in flushed if f.endswith(".tmp")) == len(changes)

    # The same commit again, with the 5th flush failing (the disk gave an error): nothing changes.
    for change in changes[1:]:
        change.path.unlink()
        change.path.parent.rmdir()
    (out / "old" / "index.html").write_bytes(b"old page")
    assert snapshot(out) == before
    calls = [0]

    def failing(fd: int) -> None:
        calls[0] += 1
        if calls[0] == 5:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(fd)

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(RefusedError):
        commit(changes, root=out)
    assert snapshot(out) == before
