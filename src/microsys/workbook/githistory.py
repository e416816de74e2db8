"""The committed versions of a workbook's PDSA cycles, for the fidelity checks."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from microsys import gitinfo
from microsys.schema.placeholders import filled
from microsys.yaml.load import ReadLimits, parse_text


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


_TOP = re.compile(r"^([A-Za-z_]+):[ \t]*(.*)$")
_CHILD = re.compile(r"^[ \t]+([A-Za-z_]+):[ \t]*(.*)$")
_EMPTY = frozenset({"", "null", "~", '""', "''"})
_RESULT_KEYS = {"do": ("started", "what_happened", "observations"), "study": ("results", "learning")}


def _quick_snapshot(commit: str, text: str) -> Snapshot | None:
    """Read the few keys the check needs line by line; None when the layout needs a real parse."""
    prediction = False
    results = False
    section = None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        top = _TOP.match(line)
        if top:
            section, rest = top.group(1), top.group(2).split(" #")[0].strip()
            if rest.startswith(("{", "[", "&", "*", "!")) and section in ("prediction", "do", "study"):
                return None  # flow style, anchors or tags: let the YAML parser decide
            if section == "prediction":
                if rest in (">", "|", ">-", "|-", ">+", "|+"):
                    nxt = next((x for x in lines[i + 1 :] if x.strip()), "")
                    prediction = nxt[:1] in (" ", "\t") and filled(nxt.strip())
                else:
                    prediction = rest not in _EMPTY and filled(rest.strip("'\""))
            continue
        child = _CHILD.match(line)
        if child and section in _RESULT_KEYS and child.group(1) in _RESULT_KEYS[section]:
            rest = child.group(2).split(" #")[0].strip()
            if rest in (">", "|", ">-", "|-") or (rest not in _EMPTY and filled(rest.strip("'\""))):
                results = True
    return Snapshot(commit, prediction, results)


def snapshot(commit: str, blob: bytes | None) -> Snapshot | None:
    """What one version held; None when it cannot be read as a cycle."""
    if blob is None:
        return None
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError:
        return None
    quick = _quick_snapshot(commit, text)
    if quick is not None:
        return quick
    data, _ = parse_text(Path("pdsa.yaml"), text, ReadLimits())
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


def _repo_of(folder: Path) -> Path | None:
    """The repository folder holding ``folder`` (a `.git` folder or file), found without running git."""
    here = folder.resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def cycle_histories(roots: Sequence[Path]) -> dict[Path, CycleHistory]:
    """Committed versions of ``pdsa/*.yaml`` of many workbooks: two git calls per repository.

    Workbooks outside a repository are left out.
    """
    by_repo: dict[Path, list[tuple[Path, PurePosixPath]]] = {}
    for root in roots:
        repo = _repo_of(root)
        if repo is not None:
            prefix = PurePosixPath(root.resolve().relative_to(repo).as_posix())
            by_repo.setdefault(repo, []).append((root, prefix))
    out: dict[Path, CycleHistory] = {}
    for repo, members in by_repo.items():
        if gitinfo.is_shallow(repo):
            continue  # a shallow clone's first commit holds everything: it would prove nothing
        folders = [(p / "pdsa").as_posix() for _, p in members]
        history = gitinfo.file_history(repo, folders)
        specs = [(path, commit) for path, commits in history.items() for commit in commits]
        blobs = gitinfo.read_blobs(repo, [f"{commit}:{path}" for path, commit in specs])
        per_file: dict[str, list[Snapshot]] = {}
        for (path, commit), blob in zip(specs, blobs, strict=True):
            snap = snapshot(commit, blob)
            if snap is not None:
                per_file.setdefault(path, []).append(snap)
        by_folder: dict[str, dict[str, list[Snapshot]]] = {}
        for path, snaps in per_file.items():
            folder, _, name = path.rpartition("/")
            by_folder.setdefault(folder, {})[f"pdsa/{name}"] = snaps
        for root, prefix in members:
            out[root] = by_folder.get((prefix / "pdsa").as_posix(), {})
    return out


def cycle_history(root: Path) -> CycleHistory | None:
    """Committed versions of one workbook's ``pdsa/*.yaml``; None outside a git repository."""
    return cycle_histories([root]).get(root)


def prediction_late(versions: Sequence[Snapshot], has_prediction: bool) -> tuple[int | None, int] | None:
    """When a cycle's prediction was first committed with or after its results.

    Returns (index of the first version with the prediction, or None when it is
    not committed yet; index of the first version with results), or None when
    the history shows the prediction first (or no results, or no prediction at all).
    """
    first_results = next((i for i, v in enumerate(versions) if v.has_results), None)
    if first_results is None:
        return None
    first_prediction = next((i for i, v in enumerate(versions) if v.has_prediction), None)
    if first_prediction is None and not has_prediction:
        return None
    if first_prediction is None or first_prediction >= first_results:
        return first_prediction, first_results
    return None
