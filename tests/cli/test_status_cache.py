"""``status`` keeps rows in a verified cache: the same bytes give the same row, nothing else is trusted."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from microsys import statuscache
from microsys.cli import run
from microsys.workbook import loader
from tests.conftest import three_workbooks

TODAY = "2026-01-12"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MICROSYS_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def org(tmp_path: Path) -> Path:
    root = three_workbooks(tmp_path / "org")
    return root


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    counted: Counter[str] = Counter()
    real = loader.load_workbook

    def counting(root: Path, *args: object, **kwargs: object) -> loader.Workbook:
        counted[root.name] += 1
        return real(root, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_workbook", counting)
    return counted


def _rows(capsys: pytest.CaptureFixture[str], org: Path, *extra: str) -> dict[str, dict]:
    assert run(["status", str(org), "-f", "json", "--today", TODAY, "-j", "1", *extra]) == 0
    return {Path(r["path"]).name: r for r in json.loads(capsys.readouterr().out)["workbooks"]}


def _keep_time(path: Path, text: str) -> None:
    """Write ``text`` with the file's size and modification time unchanged."""
    info = path.stat()
    old = path.read_text()
    assert len(text.encode()) == len(old.encode())
    path.write_text(text)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def test_an_unchanged_workbook_is_not_loaded_again_and_gives_the_same_row(
    org: Path, cache: Path, loads: Counter[str], capsys: pytest.CaptureFixture[str]
) -> None:
    first = _rows(capsys, org)
    assert loads and all(n == 1 for n in loads.values())
    loads.clear()
    assert _rows(capsys, org) == first
    assert not loads
    assert _rows(capsys, org, "--no-cache") == first
    assert set(loads) == set(first)


def test_a_file_changed_with_the_same_size_and_time_is_read_again(
    org: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _rows(capsys, org)["clinic"]["errors"] == 0
    manifest = org / "clinic" / "microsys.yaml"
    _keep_time(manifest, manifest.read_text().replace("setting: clinic", "setting: clinix"))
    assert _rows(capsys, org)["clinic"]["errors"] == 1


def test_an_identifier_added_to_a_note_is_counted(
    org: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _rows(capsys, org)["clinic"]["errors"]
    (org / "clinic" / "notes.md").write_text("Called the patient on NHS number 943 476 5919.\n")
    assert _rows(capsys, org)["clinic"]["errors"] == before + 1


def test_no_text_of_a_workbook_holding_an_identifier_is_kept_in_the_cache(
    org: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After a purge of the workbook, no copy of the identifier may be left in the cache."""
    manifest = org / "clinic" / "microsys.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8") + "note: rang back on 943 476 5919\n", encoding="utf-8"
    )
    for _ in range(2):  # a new row, then a new day: each time the text is parsed again
        _rows(capsys, org)
    held = b"".join(p.read_bytes() for p in cache.rglob("*") if p.is_file())
    # Digests and signatures are hex digits that change from run to run: one may hold "943".
    held = re.sub(rb"\b[0-9a-f]{32,}\b", b"<hex>", held)
    assert b"5919" not in held and b"943" not in held
    assert any(cache.rglob("*.json"))  # the cache is in use for the other workbooks


def test_an_entry_changed_or_signed_by_someone_else_is_not_used(
    org: Path, cache: Path, loads: Counter[str], capsys: pytest.CaptureFixture[str]
) -> None:
    first = _rows(capsys, org)
    assert first["broken"]["errors"] > 0
    entries = [p for p in (cache / statuscache.KIND).glob("*.json") if not p.name.endswith(".parsed.json")]
    assert len(entries) == len(first)
    for entry in entries:
        stored = json.loads(entry.read_text())
        stored["row"]["errors"] = 0
        if stored["row"]["kind"] == "pathway":  # one re-signed with a secret of its own
            stored["hmac"] = statuscache._sign(b"0" * 64, stored["key"], stored["row"])
        entry.write_text(json.dumps(stored))
    loads.clear()
    assert _rows(capsys, org) == first
    # The broken workbook's entry was changed, the pathway's signed with another secret;
    # the entries left as they were (no errors to hide) are still good.
    assert {"broken", "workbook"} <= set(loads) and "clinic" not in loads


def test_a_secret_others_can_read_turns_the_cache_off(
    org: Path, cache: Path, loads: Counter[str], capsys: pytest.CaptureFixture[str]
) -> None:
    if not hasattr(os, "getuid"):
        pytest.skip("file modes are not kept on Windows")
    first = _rows(capsys, org)
    (cache / statuscache.KIND / "secret.key").chmod(0o644)
    loads.clear()
    assert _rows(capsys, org) == first
    assert set(loads) == set(first)


def test_a_workbook_holding_a_link_is_never_cached(org: Path, cache: Path) -> None:
    assert statuscache.fingerprint(org / "clinic") is not None
    (org / "clinic" / "linked.md").symlink_to(org / "sepsis" / "pathway.yaml")
    assert statuscache.fingerprint(org / "clinic") is None


def test_a_new_day_loads_nothing_and_counts_the_days_from_it(
    org: Path, cache: Path, loads: Counter[str], capsys: pytest.CaptureFixture[str]
) -> None:
    (org / "clinic" / "ramp.yaml").write_text("stage: diagnose\nsince: 2026-01-05\n")
    first = _rows(capsys, org)
    assert first["clinic"]["days_in_stage"] == 7
    loads.clear()
    later = _rows(capsys, org, "--today", "2026-01-22")  # the last --today wins
    assert not loads
    for name, row in first.items():
        days = row["days_in_stage"]
        assert later[name] == {**row, "days_in_stage": None if days is None else days + 10}
    # Exactly what loading every workbook on that day gives.
    assert _rows(capsys, org, "--today", "2026-01-22", "--no-cache") == later


def test_a_changed_workbook_parses_only_what_changed_and_still_scans_the_values(
    org: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from microsys.yaml import load

    # An NHS number written with escapes: only the scan of the loaded values can see it.
    (org / "clinic" / "aims.yaml").write_text(
        'global_aim: "Call back within a day, e.g. \\x39\\x34\\x33 476 5919"\n'
    )
    first = _rows(capsys, org)
    assert first["clinic"]["errors"] >= 1
    # One file of each workbook changes: both rows are worked out again.
    changed = org / "sepsis" / "workbook" / "pathway.yaml"
    changed.write_text(changed.read_text() + "# reviewed at the big room\n")
    aims = org / "clinic" / "aims.yaml"
    aims.write_text(aims.read_text() + "# reviewed\n")
    parses: list[Path] = []
    real = load.parse_text

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        parses.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("microsys.workbook.loader.parse_text", counting)
    again = _rows(capsys, org)
    assert again["clinic"]["errors"] == first["clinic"]["errors"]
    # The pathway's other files come from the parse cache; the clinic, which holds something
    # like an identifier, never had its texts kept, so all of them are parsed again.
    assert [p.name for p in parses if "sepsis" in p.parts] == ["pathway.yaml"]
    clinic = {p.name for p in (org / "clinic").rglob("*.yaml")}
    assert {p.name for p in parses if "clinic" in p.parts} == clinic
    assert _rows(capsys, org, "--no-cache") == again


def _forget_rows(cache: Path) -> None:
    """Remove the stored rows (not the parse results), as a changed workbook would miss them."""
    for entry in (cache / statuscache.KIND).glob("*.json"):
        if not entry.name.endswith(".parsed.json"):
            entry.unlink()


def test_parse_results_changed_or_signed_by_someone_else_are_not_used(
    org: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = org / "clinic" / "microsys.yaml"
    manifest.write_text(manifest.read_text().replace("setting: clinic", "setting: spaceship"))
    first = _rows(capsys, org)
    assert first["clinic"]["errors"] == 1
    secret = (cache / statuscache.KIND / "secret.key").read_bytes()

    def forge(key: bytes) -> None:
        for entry in (cache / statuscache.KIND).glob("*.parsed.json"):
            stored = json.loads(entry.read_text())
            if "spaceship" in entry.read_text():
                for digest_and_data in stored["files"].values():
                    digest_and_data[1] = digest_and_data[1].replace("spaceship", "clinic")
                stored["hmac"] = statuscache._sign(key, statuscache._parsed_key(), stored["files"])
                entry.write_text(json.dumps(stored))
        _forget_rows(cache)

    forge(b"0" * 64)  # someone without the user's secret
    assert _rows(capsys, org)["clinic"]["errors"] == 1
    forge(secret)  # only the secret makes an entry count (and then the cache is used)
    assert _rows(capsys, org)["clinic"]["errors"] == 0


def test_export_parses_a_file_once_across_runs_and_writes_the_same_tables(
    org: Path, cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from microsys.yaml import load

    def dump(path: Path) -> list[str]:
        conn = sqlite3.connect(path)
        try:
            return [line for line in conn.iterdump() if "microsys_export" not in line]
        finally:
            conn.close()

    args = ["export", str(org), "--today", TODAY, "-j", "1", "--to"]
    assert run([*args, str(tmp_path / "first.sqlite")]) == 0
    parses: list[str] = []
    real = load.parse_text

    def counting(path: Path, *a: object, **k: object) -> object:
        parses.append(path.name)
        return real(path, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr("microsys.workbook.loader.parse_text", counting)
    assert run([*args, str(tmp_path / "second.sqlite")]) == 0
    assert dump(tmp_path / "second.sqlite") == dump(tmp_path / "first.sqlite")
    assert len(parses) < sum(1 for _ in org.rglob("*.yaml")) / 2
