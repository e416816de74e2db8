"""The committed versions of a workbook's PDSA cycles, for the fidelity checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from microsys import gitinfo
from microsys.ramp.facts import filled
from microsys.yaml.load import Limits, parse_text


@dataclass(frozen=True)
class Snapshot:
    """What one committed version of a cycle file held."""

    commit: str
    has_prediction: bool
    has_results: bool


CycleHistory = Mapping[str, Sequence[Snapshot]]
"""Committed versions of each cycle file (by workbook-relative path), oldest first."""


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def snapshot(commit: str, blob: bytes | None) -> Snapshot | None:
    """What one version held; None when it cannot be read as a cycle."""
    if blob is None:
        return None
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError:
        return None
    data, _ = parse_text(Path("pdsa.yaml"), text, Limits())
    if not isinstance(data, dict):
        return None
    do, study = _section(data, "do"), _section(data, "study")
    results = (
        do.get("started") is not None
        or filled(_text(do.get("what_happened")))
        or filled(_text(do.get("observations")))
        or filled(_text(study.get("results")))
        or filled(_text(study.get("learning")))
    )
    return Snapshot(commit, filled(_text(data.get("prediction"))), results)


def cycle_history(root: Path) -> CycleHistory | None:
    """Committed versions of ``pdsa/*.yaml``; None outside a git repository."""
    repo = gitinfo.repo_root(root)
    if repo is None:
        return None
    try:
        prefix = PurePosixPath(root.resolve().relative_to(repo.resolve()).as_posix())
    except ValueError:
        return None
    folder = (prefix / "pdsa").as_posix() if str(prefix) != "." else "pdsa"
    history = gitinfo.file_history(repo, [folder])
    specs = [(path, commit) for path, commits in history.items() for commit in commits]
    blobs = gitinfo.read_blobs(repo, [f"{commit}:{path}" for path, commit in specs])
    out: dict[str, list[Snapshot]] = {}
    for (path, commit), blob in zip(specs, blobs, strict=True):
        snap = snapshot(commit, blob)
        if snap is None:
            continue
        rel = PurePosixPath(path).relative_to(prefix).as_posix() if str(prefix) != "." else path
        out.setdefault(rel, []).append(snap)
    return out
