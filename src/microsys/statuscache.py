"""A verified cache of ``status`` rows, so the organisation view of a thousand workbooks takes seconds.

A row costs a full load of its workbook (every file parsed, validated and scanned
for identifiers); across a large repository most workbooks have not changed since
the last ``status``. Each row is kept in the user's cache folder (see
:mod:`microsys.render.cache`; ``$MICROSYS_CACHE_DIR`` moves it), one entry a
workbook, and used again only when all of this holds:

- The entry's key matches: a digest of the microsys version, the workbook's folder,
  and the name and **content** (SHA-256 of the bytes) of every one of its files.
  Times and sizes are not trusted: a file edited within the same second, or checked
  out by git, is read and compared like any other. The day is not in the key: the
  days in a stage are counted again from the day asked for.
- The entry is signed (HMAC-SHA256) with a secret kept beside the entries, readable
  by its owner only; the folder belongs to the user and nobody else can write in
  it. An entry written by anyone or anything else (a shared or restored cache, a
  file copied in) fails the signature and is a miss.
- A workbook with anything unusual (a link, a folder that cannot be read, a file
  too large to read) is never cached: it is loaded in full, so its findings come
  from the real files every time.

A row holds the counts of findings (privacy findings included) that the full load
gave for exactly these bytes, so a verified entry can hide nothing: the same files
give the same findings. A miss, or any doubt, means the full load. A cache only
saves time, so failing to read or write one is never an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import math
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from microsys.overview import StatusRow

FORMAT = 2
KIND = "status"
_SECRET = "secret.key"
# Larger files are refused by the loader; a workbook holding one is not cached.
_MAX_BYTES = 2 * 1024 * 1024


def _folder() -> Path:
    from microsys.render.cache import cache_dir

    return cache_dir() / KIND


def _owned_privately(info: os.stat_result, *, writable_by_others: bool) -> bool:
    """True when the user owns it and (for a folder) nobody else may write in it."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # Windows: the user's own profile folder
        return True
    if info.st_uid != getuid():
        return False
    mask = 0o022 if writable_by_others else 0o077
    return info.st_mode & mask == 0


def _secret(create: bool) -> bytes | None:
    """The signing secret (made on first write), or None when the folder cannot be trusted."""
    folder = _folder()
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode) or not _owned_privately(info, writable_by_others=True):
            return None
        path = folder / _SECRET
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            if not create:
                return None
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            try:
                os.write(fd, os.urandom(32).hex().encode())
            finally:
                os.close(fd)
            fd = os.open(path, flags)
        try:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode) or not _owned_privately(opened, writable_by_others=False):
                return None
            secret = os.read(fd, 128)
        finally:
            os.close(fd)
    except OSError:
        return None
    return secret if len(secret) == 64 else None


def fingerprint(root: Path) -> str | None:
    """A digest of everything a row depends on, or None when the workbook must not be cached.

    The day is not in it: a workbook's load and its row do not depend on the day, except
    the days in its stage, which a stored row counts again from the day asked for. So
    the first ``status`` of a new day reads rows like any other.
    """
    from microsys import __version__
    from microsys.diagnostics import Diagnostic
    from microsys.workbook.discover import workbook_files

    problems: list[Diagnostic] = []
    try:
        files = workbook_files(root, problems)
        real_root = root.resolve()
    except (OSError, RuntimeError):
        return None
    if problems:
        return None
    digest = hashlib.sha256(json.dumps([FORMAT, __version__, str(real_root)]).encode())
    for path in files:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:  # a link, or unreadable: the full load says what is wrong
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_BYTES:
                return None
            content = os.read(fd, _MAX_BYTES + 1)
            while len(content) <= _MAX_BYTES and (more := os.read(fd, _MAX_BYTES + 1 - len(content))):
                content += more
        except OSError:
            return None
        finally:
            os.close(fd)
        if len(content) > _MAX_BYTES:
            return None
        rel = path.relative_to(root).as_posix()
        digest.update(rel.encode("utf-8", "surrogateescape") + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


def _entry_path(root: Path) -> Path:
    return _folder() / (
        hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32] + ".json"
    )


def _sign(secret: bytes, key: str, payload: dict[str, Any]) -> str:
    body = json.dumps([FORMAT, key, payload], sort_keys=True, ensure_ascii=True).encode()
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _payload(row: StatusRow, links: list[str]) -> dict[str, Any]:
    return {
        "name": row.name,
        "kind": row.kind,
        "pathway": row.pathway,
        "stage": row.stage,
        "stage_since": _iso(row.stage_since),
        "phase": row.phase,
        "last_meeting": _iso(row.last_meeting),
        "last_pdsa": _iso(row.last_pdsa),
        "pdsa_count": row.pdsa_count,
        "signals": [[s.measure, s.signal] for s in row.signals],
        "score": row.score,
        "m3_stage": row.m3_stage,
        "m3_date": _iso(row.m3_date),
        "errors": row.errors,
        "warnings": row.warnings,
        "links": links,
    }


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(value)
    return dt.date.fromisoformat(value)


def _opt(value: Any, kind: type) -> Any:
    if value is not None and not isinstance(value, kind):
        raise TypeError(value)
    return value


def _row(root: Path, payload: dict[str, Any], today: dt.date) -> StatusRow:
    from microsys.overview import MeasureSignal, StatusRow, days_since
    from microsys.workbook.discover import display_path

    links = payload["links"]
    if not isinstance(links, list) or not all(isinstance(x, str) for x in links):
        raise TypeError(links)
    signals = tuple(MeasureSignal(str(m), str(s)) for m, s in payload["signals"])
    score = payload["score"]
    since = _date(payload["stage_since"])
    if not isinstance(score, int | float) or isinstance(score, bool):
        raise TypeError(score)
    return StatusRow(
        path=str(display_path(root)),
        name=_opt(payload["name"], str),
        kind=str(payload["kind"]),
        pathway=_opt(payload["pathway"], str),
        stage=str(payload["stage"]),
        stage_since=since,
        days_in_stage=days_since(since, today),
        phase=str(payload["phase"]),
        last_meeting=_date(payload["last_meeting"]),
        last_pdsa=_date(payload["last_pdsa"]),
        pdsa_count=int(payload["pdsa_count"]),
        signals=signals,
        score=float(score),
        m3_stage=_opt(payload["m3_stage"], int),
        m3_date=_date(payload["m3_date"]),
        errors=int(payload["errors"]),
        warnings=int(payload["warnings"]),
        # Resolved now, not when stored: a link's target may have moved since.
        linked=tuple(str((root / link).resolve()) for link in links),
    )


def read(root: Path, key: str, today: dt.date) -> StatusRow | None:
    """The row stored for ``root`` under ``key`` if its signature holds, else None.

    Its days in the stage are counted to ``today``.
    """
    secret = _secret(create=False)
    if secret is None:
        return None
    try:
        stored = json.loads(_entry_path(root).read_text(encoding="utf-8"))
        if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("key") != key:
            return None
        payload = stored.get("row")
        signature = stored.get("hmac")
        if not isinstance(payload, dict) or not isinstance(signature, str):
            return None
        if not hmac.compare_digest(signature, _sign(secret, key, payload)):
            return None
        return _row(root, payload, today)
    except (OSError, ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None


def write(root: Path, key: str, row: StatusRow, links: list[str]) -> None:
    """Store ``row`` for ``root`` under ``key``, signed (failures only cost time next run)."""
    from microsys.render.cache import store

    secret = _secret(create=True)
    if secret is None:
        return
    payload = _payload(row, links)
    entry = {"format": FORMAT, "key": key, "row": payload, "hmac": _sign(secret, key, payload)}
    data = json.dumps(entry, sort_keys=True, ensure_ascii=True).encode("utf-8")
    path = _entry_path(root)
    store(path, data)


def _plain(data: Any, depth: int = 0) -> bool:
    """True when JSON gives ``data`` back exactly (text keys; text, whole and finite numbers, lists)."""
    if depth > 60:
        return False
    if data is None or isinstance(data, str | bool | int):
        return True
    if isinstance(data, float):
        return math.isfinite(data)
    if isinstance(data, list):
        return all(_plain(x, depth + 1) for x in data)
    if isinstance(data, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in data.items())
    return False  # bytes (!!binary), numeric keys: parsed again each time


class ParseCache:
    """What a workbook's YAML files parsed to, by path and SHA-256 of the exact text.

    Kept beside the row, signed the same way; loaded for a workbook whose row is a
    miss (a file changed, or a new day), so that only changed files are parsed
    again. Only a parse without findings is kept, so a finding of the parser is
    found again every time; validation, links and the identifier scan always run.
    """

    def __init__(self, known: dict[str, list[str]]) -> None:
        self.known = known
        self.now: dict[str, list[str]] = {}

    def get(self, rel: str, text: str) -> Any:
        """The data ``text`` parsed to, if this exact text was parsed before."""
        entry = self.known.get(rel)
        if entry is None or entry[0] != _text_digest(text):
            return None
        self.now[rel] = entry
        return json.loads(entry[1])

    def put(self, rel: str, text: str, data: Any) -> None:
        """Keep what ``text`` parsed to (now, before anything could change the data)."""
        if _plain(data):
            self.now[rel] = [_text_digest(text), json.dumps(data, ensure_ascii=False, allow_nan=False)]

    @property
    def changed(self) -> bool:
        """True when the files parsed differ from those known (the entry is worth writing)."""
        return self.now != self.known


def _parsed_key() -> str:
    from microsys import __version__

    # Another version may parse the same text differently.
    return f"parsed {__version__}"


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _parsed_path(root: Path) -> Path:
    return _entry_path(root).with_suffix(".parsed.json")


def read_parsed(root: Path) -> ParseCache:
    """The parse results kept for ``root`` if their signature holds (else an empty cache)."""
    secret = _secret(create=False)
    known: dict[str, list[str]] = {}
    if secret is not None:
        try:
            stored = json.loads(_parsed_path(root).read_text(encoding="utf-8"))
            files = stored.get("files") if isinstance(stored, dict) else None
            if (
                isinstance(files, dict)
                and stored.get("format") == FORMAT
                and isinstance(stored.get("hmac"), str)
                and hmac.compare_digest(stored["hmac"], _sign(secret, _parsed_key(), files))
                and all(
                    isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)
                    for v in files.values()
                )
            ):
                known = files
        except (OSError, ValueError, UnicodeDecodeError):
            pass
    return ParseCache(known)


def write_parsed(root: Path, cache: ParseCache) -> None:
    """Keep the parse results of ``root`` for next time (failures only cost time)."""
    from microsys.render.cache import store

    secret = _secret(create=True)
    if secret is None or not cache.changed:
        return
    entry = {"format": FORMAT, "files": cache.now, "hmac": _sign(secret, _parsed_key(), cache.now)}
    data = json.dumps(entry, sort_keys=True, ensure_ascii=True).encode("utf-8")
    path = _parsed_path(root)
    store(path, data)
