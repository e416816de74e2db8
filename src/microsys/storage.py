"""Writing the user's files without ever losing any of them.

Every command that writes goes through :func:`commit`: it is given the new
content of each file and the bytes the command read before deciding (``None``
for a file that must not exist yet). Nothing is written unless every file is
still exactly as it was read; each file is written to a temporary file in its
own folder and renamed into place; a file to remove (:func:`deletion`) is
removed only once every other file is ready. If anything fails part-way, the files
already replaced or removed are put back and new files and folders are removed.

What a commit refuses, so that a workbook from someone else's pull request
cannot make microsys write elsewhere: a path through a symbolic link (each
folder from the given root down is looked at without following links), a
target that is a link or not a regular file, and a read-only file. Temporary
files get unpredictable names and are created exclusively without following
links, so nothing planted at a temporary name is ever written through.

Commands that read, decide and write a workbook hold its lock
(:func:`workbook_lock`) for the whole time, so two of them never decide from
the same state. Under the lock, a commit of several files first writes a
journal (``.microsys/journal-*.json``): a command killed half-way leaves the
journal, and the next writing command (or ``check``) undoes what it had done.

A command that writes many large files (a site of thousands of pages) gives each
as an :class:`Output`: its content compressed (:func:`pack`) until its temporary
file is written, and what the file held as a digest (:func:`seen`) instead of its
bytes. Such a file is kept, until the commit is done, as a hidden hard link (or
copy) beside it, from which a failed commit puts it back; so the commit holds
neither the old nor the new bytes of every file at once.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import json
import os
import re
import secrets
import signal
import stat
import sys
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from microsys.errors import RefusedError

STATE_DIR = ".microsys"
"""The workbook's hidden folder for the write lock and journals (never in git)."""
LOCK_FILE = "lock"
DEFAULT_LOCK_TIMEOUT = 10.0
LOCK_TIMEOUT_ENV = "MICROSYS_LOCK_TIMEOUT"
# Set by tests to kill the process at a named point of a commit (see _hook).
CRASH_ENV = "MICROSYS_TEST_CRASH_AT"

# A temporary file of microsys: `.{name}.{random}.tmp` (older versions used 8 random
# characters from mkstemp, this one 16 hex digits).
TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8,32}\.tmp$")
_JOURNAL_NAME = re.compile(r"^journal-[0-9a-f]{16}\.json$")
_STATE_GITIGNORE = b"# microsys keeps its write lock and journals here: never commit them\n*\n"
_MAX_NAME_IN_TEMP = 80  # keeps temporary names under the 255-byte limit of file systems

_OPEN_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class Change:
    """New content for one file, and what the file held when it was read."""

    path: Path
    content: bytes
    expected: bytes | None
    """The bytes read before the change was computed; ``None`` for a new file."""
    delete: bool = False
    """Remove the file instead of writing ``content`` (which is ignored); it must still hold ``expected``."""


def deletion(path: Path, expected: bytes) -> Change:
    """A change that removes ``path``, which must still hold ``expected`` when the commit runs."""
    return Change(path, b"", expected, delete=True)


@dataclass(frozen=True)
class Seen:
    """What a file held when it was read, as its size and SHA-256 (its bytes not kept)."""

    size: int
    sha256: str


def _seen_of(data: bytes) -> Seen:
    return Seen(len(data), hashlib.sha256(data).hexdigest())


def seen(path: Path) -> Seen | None:
    """What ``path`` holds now (read a piece at a time), or ``None`` when it does not exist."""
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        return None
    return Seen(size, digest.hexdigest())


@dataclass(frozen=True)
class Packed:
    """A file's new content, compressed until it is written (:func:`pack`)."""

    data: bytes
    size: int
    sha256: str

    def unpack(self) -> bytes:
        """The content as it is to be written."""
        return zlib.decompress(self.data)


# Fast compression: the text of reports shrinks about five times; more effort gains little.
_PACK_LEVEL = 1


def pack(content: bytes) -> Packed:
    """``content`` compressed, with what it will be checked against once written."""
    return Packed(zlib.compress(content, _PACK_LEVEL), len(content), hashlib.sha256(content).hexdigest())


@dataclass(frozen=True)
class Output:
    """A file a command makes (a page of a site, a report): as a :class:`Change`, held small in memory.

    Its content stays packed until its temporary file is written; what the file held is
    known by its digest. The file it replaces is kept on disk until the commit is done.
    """

    path: Path
    packed: Packed
    expected: Seen | None
    """What the file held when it was looked at (:func:`seen`); ``None`` for a new file."""


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or ``None`` when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


# ---------------------------------------------------------------------------
# Errors in plain words


def _plain_os_error(exc: OSError) -> tuple[str, str]:
    """What went wrong, and what to do, for an error of the operating system."""
    code = exc.errno
    if code == errno.ENOSPC or code == getattr(errno, "EDQUOT", -1):
        return (
            "the disk is full (no space, or no room for more files, or your quota is used up)",
            "free some space on the disk, then run the command again",
        )
    if code in (errno.EACCES, errno.EPERM):
        return (
            "permission denied",
            "check that you may write to this folder and file (permissions, or a program "
            "holding the file open), then run the command again",
        )
    if code == errno.EROFS:
        return (
            "the disk is read-only",
            "copy the workbook somewhere you can write, or ask for write access",
        )
    if code == errno.ENAMETOOLONG:
        return ("the file name is too long", "use a shorter id or a shorter folder path")
    return (exc.strerror or str(exc), "check the disk and the folder, then run the command again")


def _refusal(exc: OSError, path: Path, left: Sequence[Path] = ()) -> RefusedError:
    what, hint = _plain_os_error(exc)
    if left:
        shown = ", ".join(str(p) for p in left)
        return RefusedError(f"cannot write {path}: {what}; microsys could not put back {shown}", hint=hint)
    return RefusedError(f"cannot write {path}: {what}; nothing was changed", hint=hint)


# ---------------------------------------------------------------------------
# Where a commit may write


def _lexical(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _check_route(path: Path, root: Path | None) -> None:
    """Refuse a path that leaves ``root`` or passes through a symbolic link.

    Every folder from ``root`` down to the file is looked at with ``lstat``, so
    a link is seen as a link and never followed. Without a root only the file
    itself is looked at.
    """
    if root is None:
        parts: list[Path] = [path]
    else:
        base = _lexical(root)
        target = _lexical(path)
        try:
            rel = target.relative_to(base)
        except ValueError:
            raise RefusedError(
                f"{path} is outside {root}; nothing was written",
                hint="microsys writes only inside the workbook (or the folder it was given)",
            ) from None
        parts = []
        here = base
        for part in rel.parts:
            here = here / part
            parts.append(here)
    for i, here in enumerate(parts):
        try:
            st = os.lstat(here)
        except FileNotFoundError:
            return  # this folder and those below it will be created
        shown = path if here == _lexical(path) or root is None else here
        if stat.S_ISLNK(st.st_mode):
            raise RefusedError(
                f"{shown} is a symbolic link; microsys does not write through links, so nothing was written",
                hint="a link can point anywhere (outside the workbook too): replace it with a real "
                "folder or file, then run the command again",
            )
        last = i == len(parts) - 1
        if not last and not stat.S_ISDIR(st.st_mode):
            raise RefusedError(
                f"{shown} is not a folder; nothing was written",
                hint="move that file away, then run the command again",
            )
        if last and not stat.S_ISREG(st.st_mode):
            raise RefusedError(
                f"{shown} is not a regular file (a folder, a pipe or a device); nothing was written",
                hint="microsys replaces only files it can read as text: choose another name",
            )


def _read_current(path: Path) -> tuple[bytes | None, int | None]:
    """The file's bytes and mode, read without following a link."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        return None, None
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fh.fileno()).st_mode
        return fh.read(), mode


def _holds(change: Change | Output, current: bytes | None) -> bool:
    """Whether ``current`` (not ``None``) is what the change expects the file to hold."""
    if current is None:
        return False
    if isinstance(change, Output):
        return change.expected is not None and _seen_of(current) == change.expected
    return current == change.expected


def _verify(change: Change | Output, root: Path | None) -> int | None:
    """Check the change can be made; return the mode of the file it replaces."""
    _check_route(change.path, root)
    current, mode = _read_current(change.path)
    delete = isinstance(change, Change) and change.delete
    if delete and change.expected is None:
        raise ValueError("a deletion must say what the file holds")
    if delete and current is None:
        raise RefusedError(
            f"{change.path} was removed while microsys was working; nothing was changed",
            hint="someone or something else removed it: check the workbook, then run the command again",
        )
    if change.expected is None and current is not None:
        raise RefusedError(
            f"{change.path} already exists; nothing was written",
            hint="microsys never overwrites a file: choose another name or move the file away",
        )
    if change.expected is not None and not _holds(change, current):
        raise RefusedError(
            f"{change.path} changed on disk while microsys was working; nothing was written",
            hint="someone or something else edited it: check the file, then run the command again",
        )
    if mode is not None and not mode & stat.S_IWUSR:
        raise RefusedError(
            f"{change.path} is read-only; microsys never replaces or removes a read-only file, "
            "so nothing was written",
            hint="if it should change, make it writable first (chmod u+w, or untick Read-only in its "
            "properties), then run the command again",
        )
    _refuse_read_only_folder(change.path.parent)
    return mode


_ANY_WRITE = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def _refuse_read_only_folder(folder: Path) -> None:
    """Refuse a folder nobody may write to (``chmod a-w``), as a read-only file is refused.

    The operating system enforces it for everyone but root; CI jobs and containers
    often run as root, and would otherwise write into a folder a team had frozen.
    """
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    try:
        mode = os.lstat(folder).st_mode
    except OSError:
        return  # the write itself will say what is wrong
    if stat.S_ISDIR(mode) and not mode & _ANY_WRITE:
        raise RefusedError(
            f"{folder} is a read-only folder; microsys never writes into one, so nothing was written",
            hint="if it should change, make it writable first (chmod u+w), then run the command again",
        )


# ---------------------------------------------------------------------------
# Temporary files


def temp_name(path: Path) -> Path:
    """An unpredictable hidden name, free now, for a temporary file beside ``path``.

    The file is still created exclusively: a name taken in between fails the write.
    """
    for _ in range(100):
        tmp = path.parent / f".{path.name[:_MAX_NAME_IN_TEMP]}.{secrets.token_hex(8)}.tmp"
        if not os.path.lexists(tmp):
            return tmp
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(path.parent))


def _write_new(tmp: Path, content: bytes, mode: int | None, durable: bool = True) -> None:
    """Create ``tmp`` (which must not exist; a link there is not followed) holding ``content``.

    A new file gets 0o666 less the umask, like any other program's files; a
    file replacing another keeps that file's mode. ``durable`` waits until the
    bytes are on the disk.
    """
    fd = os.open(tmp, _OPEN_FLAGS, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), stat.S_IMODE(mode))
            fh.write(content)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        if mode is not None and not hasattr(os, "fchmod"):  # Windows
            os.chmod(tmp, stat.S_IMODE(mode))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX only; best effort)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# From this many files (or folders) on, a commit flushes them together.
_FLUSH_TOGETHER = 4
_FLUSHERS = 32


def _flush_all(paths: list[Path], folders: bool = False) -> None:
    """Wait until every file in ``paths`` is on the disk, flushing them side by side.

    One flush waits for the file system's journal; flushes made at the same time
    share its commits, so a site of thousands of pages takes a fraction of the
    time one file after another would (about 0.4-0.7 ms a file against 3.7 ms here)
    with every file's error still seen. ``folders`` flushes folders, best effort as
    :func:`_fsync_dir` (a rename is made durable where the system allows it).
    """
    from concurrent.futures import ThreadPoolExecutor

    def flush(path: Path) -> None:
        if folders:
            _fsync_dir(path)
            return
        # Windows flushes only a file open for writing; POSIX any (a new file may be read-only).
        fd = os.open(path, _READ_FLAGS if os.name == "posix" else os.O_RDWR | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    with ThreadPoolExecutor(min(_FLUSHERS, len(paths)), thread_name_prefix="microsys-flush") as pool:
        for _ in pool.map(flush, paths):  # the first error is raised here
            pass


def _hook(point: str) -> None:
    """Die here, as ``kill -9`` would, when a test asks for it."""
    if os.environ.get(CRASH_ENV) == point:
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(137)


# ---------------------------------------------------------------------------
# The workbook lock


_held = threading.local()


def _held_roots() -> dict[Path, int]:
    roots: dict[Path, int] | None = getattr(_held, "roots", None)
    if roots is None:
        roots = {}
        _held.roots = roots
    return roots


def _state_dir(root: Path, create: bool) -> Path | None:
    """The workbook's ``.microsys`` folder (made, with a .gitignore, when ``create``)."""
    folder = root / STATE_DIR
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        if not create:
            return None
        os.mkdir(folder)
        with contextlib.suppress(FileExistsError):
            _write_new(
                folder / ".gitignore", b"# microsys keeps its write lock here: never commit it\n*\n", None
            )
        return folder
    if not stat.S_ISDIR(st.st_mode) or stat.S_ISLNK(st.st_mode):
        raise RefusedError(
            f"{folder} is not a folder (a link or a file); microsys keeps its write lock there, "
            "so nothing was written",
            hint=f"remove {folder} (microsys makes it again), then run the command again",
        )
    return folder


def _lock_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT)))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows
        import msvcrt

        with contextlib.suppress(OSError):
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _open_lock(root: Path, create: bool) -> int | None:
    folder = _state_dir(root, create)
    if folder is None:
        return None
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    return os.open(folder / LOCK_FILE, flags, 0o666)


@contextlib.contextmanager
def workbook_lock(root: Path, timeout: float | None = None) -> Iterator[list[str]]:
    """Hold the workbook's write lock; undo any write a killed command left half-done.

    Every command that reads a workbook, decides and writes holds this lock from
    before it reads until after it writes. The lock is the operating system's
    (``flock``, or ``msvcrt.locking`` on Windows), so it is released when the
    process ends, however it ends. It is re-entrant within one thread. Yields
    what was undone (one line per file), usually nothing.

    Raises:
        RefusedError: another microsys command held the lock for ``timeout``
            seconds (default 10, or ``MICROSYS_LOCK_TIMEOUT``), or the workbook
            cannot be written.
    """
    key = _lexical(root)
    held = _held_roots()
    if key in held:
        held[key] += 1
        try:
            yield []
        finally:
            held[key] -= 1
        return
    wait = _lock_timeout() if timeout is None else timeout
    try:
        fd = _open_lock(root, create=True)
    except OSError as exc:
        raise _refusal(exc, root / STATE_DIR / LOCK_FILE) from None
    assert fd is not None
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise RefusedError(
                    f"another microsys command is writing to {root} (it holds "
                    f"{root / STATE_DIR / LOCK_FILE}); nothing was written",
                    hint="wait for it to finish, then run this command again",
                )
            time.sleep(0.05)
        held[key] = 1
        try:
            try:
                undone = recover(root)
            except OSError as exc:
                raise _refusal(exc, root / STATE_DIR) from None
            yield undone
        finally:
            del held[key]
            _unlock(fd)
    finally:
        os.close(fd)


def holds_lock(root: Path) -> bool:
    """True when this thread holds the write lock of the workbook at ``root``."""
    return _lexical(root) in _held_roots()


# ---------------------------------------------------------------------------
# Journals: several files all or nothing, even under kill -9


def _sha(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


def _rel(path: Path, root: Path) -> str:
    return _lexical(path).relative_to(_lexical(root)).as_posix()


def _lock_identity(root: Path) -> str | None:
    """Which lock file this is on this disk (device and inode), or None when there is none.

    A journal names the lock file it was written under. A clone, a copy or a checkout
    makes new files, so a journal that came with the workbook's files (committed to
    git, say, to rewrite or delete files out of sight of a review) names another lock
    and is never acted on.
    """
    try:
        st = os.lstat(root / STATE_DIR / LOCK_FILE)
    except OSError:
        return None
    return f"{st.st_dev}:{st.st_ino}"


def _write_journal(root: Path, record: dict[str, object]) -> Path:
    folder = _state_dir(root, create=True)
    assert folder is not None
    record = {**record, "lock": _lock_identity(root)}
    path = folder / f"journal-{secrets.token_hex(8)}.json"
    tmp = temp_name(path)
    _write_new(tmp, json.dumps(record, indent=1).encode("utf-8"), None)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(folder)
    return path


def journals(root: Path) -> list[Path]:
    """Journals of writes that did not finish (their command was killed)."""
    folder = root / STATE_DIR
    try:
        if stat.S_ISLNK(os.lstat(folder).st_mode):
            return []
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(folder / n for n in names if _JOURNAL_NAME.match(n))


def _inside(root: Path, rel: str) -> Path | None:
    """``root / rel`` for a relative path that stays inside ``root``; else None."""
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        return None
    return root.joinpath(*p.parts)


def _undo(root: Path, journal: Path) -> list[str]:
    """Put every file of an unfinished commit back as it was before; say what was undone."""
    try:
        record = json.loads(journal.read_bytes())
        files = list(record["files"])
        dirs = list(record.get("dirs", []))
        lock = record.get("lock")
    except (ValueError, KeyError, TypeError, AttributeError):
        # A journal is renamed into place only once complete: a broken one was not
        # written by microsys. Leave it for `check` to report.
        return []
    if lock is None or lock != _lock_identity(root):
        return []  # not written under this workbook's lock (copied or committed): left for `check`
    undone: list[str] = []
    for entry in files:
        target = _inside(root, str(entry.get("path", "")))
        temp = _inside(root, str(entry.get("temp", "")))
        if target is None or temp is None:
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        before_text = entry.get("before")
        before = base64.b64decode(before_text) if isinstance(before_text, str) else None
        try:
            _check_route(target, root)
            current, mode = _read_current(target)
        except (RefusedError, OSError):
            continue
        if "backup" in entry:
            if _put_back(root, target, current, entry):
                undone.append(str(entry["path"]))
            continue
        if entry.get("delete") is True:
            if current is None and before is not None:
                # Removed by the killed command: written back as it was.
                tmp = temp_name(target)
                kept = entry.get("mode")
                _write_new(tmp, before, kept & 0o777 if isinstance(kept, int) else None)
                os.replace(tmp, target)
                undone.append(str(entry["path"]))
            continue
        if current is None or _sha(current) != entry.get("after") or current == before:
            continue  # never replaced, or changed by someone since: leave it
        if before is None:
            os.unlink(target)
        else:
            tmp = temp_name(target)
            _write_new(tmp, before, mode)
            os.replace(tmp, target)
        undone.append(str(entry["path"]))
    for rel in reversed(dirs):
        folder = _inside(root, str(rel))
        if folder is not None:
            with contextlib.suppress(OSError):
                os.rmdir(folder)  # only when empty
    os.unlink(journal)
    _fsync_dir(journal.parent)
    return undone


def _put_back(root: Path, target: Path, current: bytes | None, entry: dict[str, object]) -> bool:
    """Put back a file an :class:`Output` replaced, from the copy kept beside it; True when done.

    The copy is used only when it is a regular file inside the workbook and the file
    still holds what the killed command wrote; otherwise it is removed (never replaced,
    or changed by someone since: the file is left as it is).
    """
    backup = _inside(root, str(entry.get("backup") or ""))
    if backup is None:
        return False
    try:
        _check_route(backup, root)
        kept = stat.S_ISREG(os.lstat(backup).st_mode)
    except FileNotFoundError:
        return False  # killed before the copy was made: the file was never replaced
    except (RefusedError, OSError):
        return False
    if kept and current is not None and _sha(current) == entry.get("after"):
        os.replace(backup, target)
        return True
    with contextlib.suppress(OSError):
        os.unlink(backup)
    return False


def recover(root: Path) -> list[str]:
    """Undo the writes of commands killed half-way (call with the lock held).

    Returns the workbook-relative paths put back.
    """
    undone: list[str] = []
    for journal in journals(root):
        undone.extend(_undo(root, journal))
    return undone


# ---------------------------------------------------------------------------
# Leftover temporary files


def leftover_temps(root: Path, skip: frozenset[str] = frozenset({".git"})) -> list[Path]:
    """Hidden temporary files a killed microsys command left in the workbook."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip)
        found.extend(Path(dirpath) / n for n in sorted(filenames) if TEMP_NAME.match(n))
    return found


# ---------------------------------------------------------------------------
# Commit


@dataclass
class _Plan:
    change: Change | Output
    mode: int | None
    temp: Path
    replaced: bool = False
    backup: Path | None = None
    """Where an :class:`Output`'s file is kept while the commit runs (it replaces a file)."""
    kept: bool = False


@dataclass
class _State:
    plans: list[_Plan] = field(default_factory=list)
    created_dirs: list[Path] = field(default_factory=list)
    journal: Path | None = None


def _missing_dirs(folder: Path) -> list[Path]:
    missing = []
    while not os.path.lexists(folder):
        missing.append(folder)
        folder = folder.parent
    return list(reversed(missing))


def _journal_entry(plan: _Plan, root: Path) -> dict[str, object]:
    change = plan.change
    entry: dict[str, object] = {"path": _rel(change.path, root), "temp": _rel(plan.temp, root)}
    if isinstance(change, Output):
        # The old bytes are on disk (the backup), not in the journal.
        entry["before"] = None
        entry["after"] = change.packed.sha256
        if plan.backup is not None:
            entry["backup"] = _rel(plan.backup, root)
        return entry
    before = change.expected
    entry["before"] = base64.b64encode(before).decode("ascii") if before is not None else None
    entry["after"] = None if change.delete else _sha(change.content)
    if change.delete:
        entry.update(delete=True, mode=stat.S_IMODE(plan.mode) if plan.mode else None)
    return entry


def _deletes(change: Change | Output) -> bool:
    return isinstance(change, Change) and change.delete


def _content(change: Change | Output) -> bytes:
    return change.packed.unpack() if isinstance(change, Output) else change.content


_LINK_NOFOLLOW = hasattr(os, "link") and os.link in os.supports_follow_symlinks
# A file system without hard links (FAT, some network shares) says so with one of these.
_NO_LINKS = frozenset(
    getattr(errno, name)
    for name in ("EPERM", "ENOTSUP", "EOPNOTSUPP", "EMLINK", "ENOSYS", "EXDEV")
    if hasattr(errno, name)
)


def _keep(plan: _Plan) -> None:
    """Keep the file an :class:`Output` is about to replace at ``plan.backup``: a hard link, else a copy."""
    assert plan.backup is not None
    try:
        if _LINK_NOFOLLOW:
            os.link(plan.change.path, plan.backup, follow_symlinks=False)
        else:  # pragma: no cover - platforms without linkat (or links)
            raise OSError(errno.ENOSYS, "no hard links here")
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        current, _ = _read_current(plan.change.path)
        if current is None:
            raise
        _write_new(plan.backup, current, plan.mode)
    plan.kept = True


def commit(
    changes: Sequence[Change | Output], root: Path | None = None, *, durable: bool = True
) -> list[Path]:
    """Write (or remove) every change or none of them; return the paths written or removed.

    ``root`` is the folder every write must stay inside (the workbook, or the
    folder an output was asked for): no folder from it down may be a symbolic
    link. Without it, only the files themselves are checked. When the caller
    holds the workbook lock of ``root`` (:func:`workbook_lock`), a commit of
    several files is journalled, so that even ``kill -9`` cannot leave half of it.

    An :class:`Output` is unpacked only to write its temporary file, and the file
    it replaces is kept beside it (a hidden hard link, or a copy) until the commit
    is done, to be put back if it fails: so the commit holds one file's bytes at a time.

    ``durable=False`` is for caches only: the writes are as atomic and as checked,
    but nothing waits for the disk (a wait of several milliseconds a file), so a
    power cut may lose them. A cache entry is verified whenever it is read, so a lost
    or torn one is only a miss; a user's file is always written durably.

    Raises:
        RefusedError: a file changed since it was read, a new file already
            exists, a path goes through a link or leaves ``root``, a file is
            read-only, or the disk refused the write (full, read-only, permission
            denied). In every case no file is left changed.
    """
    changes = list(changes)
    if not changes:
        return []
    state = _State()
    at = changes[0].path
    try:
        modes = []
        for change in changes:
            at = change.path
            modes.append(_verify(change, root))
        for change, mode in zip(changes, modes, strict=True):
            keeps = isinstance(change, Output) and change.expected is not None
            backup = temp_name(change.path) if keeps else None
            state.plans.append(_Plan(change, mode, temp_name(change.path), backup=backup))
        missing = {d: None for c in changes for d in _missing_dirs(c.path.parent)}
        if root is not None and len(changes) > 1 and holds_lock(root):
            backups = any(p.backup is not None for p in state.plans)
            state.journal = _write_journal(
                root,
                {
                    # Version 2 journals keep replaced files on disk ("backup"), not in the journal.
                    "version": 2 if backups else 1,
                    "files": [_journal_entry(p, root) for p in state.plans],
                    "dirs": [_rel(d, root) for d in missing],
                },
            )
            _hook("journal-written")
        for d in missing:
            at = d
            os.mkdir(d)
            state.created_dirs.append(d)
        # Many files are flushed together (see _flush_all); one or a few, each as written.
        together = durable and len(state.plans) >= _FLUSH_TOGETHER
        for plan in state.plans:
            at = plan.change.path
            if not _deletes(plan.change):
                _write_new(plan.temp, _content(plan.change), plan.mode, durable and not together)
        if together:
            _flush_all([p.temp for p in state.plans if not _deletes(p.change)])
        _hook("temps-written")
        for i, plan in enumerate(state.plans, start=1):
            at = plan.change.path
            _verify(plan.change, root)  # last look: nothing may have changed while we wrote
            if _deletes(plan.change):
                os.unlink(plan.change.path)
            else:
                if plan.backup is not None:
                    _keep(plan)
                os.replace(plan.temp, plan.change.path)
            plan.replaced = True
            _hook(f"renamed-{i}")
        folders = list({p.change.path.parent: None for p in state.plans}) if durable else []
        if len(folders) >= _FLUSH_TOGETHER:
            _flush_all(folders, folders=True)
        else:
            for folder in folders:
                _fsync_dir(folder)
        if state.journal is not None:
            os.unlink(state.journal)
            _fsync_dir(state.journal.parent)
    except OSError as exc:
        left = _roll_back(state)
        raise _refusal(exc, at, left) from None
    except BaseException:
        _roll_back(state)
        raise
    # Only now, with the journal gone: a kill before this leaves hidden copies, never half a commit.
    for plan in state.plans:
        if plan.kept and plan.backup is not None:
            with contextlib.suppress(OSError):
                os.unlink(plan.backup)
    return [c.path for c in changes]


def _roll_back(state: _State) -> list[Path]:
    """Undo a commit that failed in this process; return the files that could not be put back."""
    left: list[Path] = []
    for plan in state.plans:
        with contextlib.suppress(OSError):
            os.unlink(plan.temp)
    for plan in reversed([p for p in state.plans if p.replaced]):
        try:
            _restore(plan)
        except OSError:
            left.append(plan.change.path)
    for plan in state.plans:
        if plan.kept and not plan.replaced and plan.backup is not None:
            with contextlib.suppress(OSError):
                os.unlink(plan.backup)  # kept, but the file was not replaced
    for d in reversed(state.created_dirs):
        with contextlib.suppress(OSError):
            os.rmdir(d)  # only removed when empty
    if state.journal is not None and not left:
        with contextlib.suppress(OSError):
            os.unlink(state.journal)
    return left


def _restore(plan: _Plan) -> None:
    change = plan.change
    if isinstance(change, Output):
        if plan.backup is not None and plan.kept:
            os.replace(plan.backup, change.path)
        elif change.expected is None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(change.path)
        return
    if change.expected is None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(change.path)
        return
    tmp = temp_name(change.path)
    _write_new(tmp, change.expected, plan.mode)
    os.replace(tmp, change.path)
