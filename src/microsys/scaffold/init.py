"""``microsys init``: a new workbook, every file present, with comments that teach the method."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from microsys.errors import UsageError
from microsys.schema.identity import Setting
from microsys.shell import quote
from microsys.spc.kinds import choices_text

SETTINGS: tuple[str, ...] = Setting.__args__  # type: ignore[attr-defined]
TEMPLATE_FOLDER = "workbook"
PATHWAY_TEMPLATE_FOLDER = "pathway"
# Folders a new workbook may already hold (a repository's own).
_IGNORABLE = frozenset({".git", ".github", ".gitlab"})
# Where the workbook's guide goes when the folder already has its own README.md.
GUIDE_BESIDE_README = "WORKBOOK.md"


@dataclass(frozen=True)
class Member:
    """A lead team member given to ``init``."""

    name: str
    role: str
    patient_or_family: bool = False
    lead: bool = False


@dataclass(frozen=True)
class Link:
    """A microsystem workbook a new pathway links, relative to the pathway's folder."""

    id: str
    path: str
    supporting: bool = False


def make_link(folder: Path, target: Path, *, supporting: bool = False) -> Link:
    """The link from a new pathway at ``folder`` to the workbook at ``target`` (as typed).

    Raises:
        UsageError: the target has no workbook.
    """
    import os
    import re

    from microsys.schema.files import MANIFEST

    if not (target / MANIFEST).is_file():
        raise UsageError(
            f"there is no microsystem workbook at {target}",
            hint=f"create it first with `microsys init {target}`, or fix the path",
        )
    rel = Path(os.path.relpath(target.resolve(), folder.resolve())).as_posix()
    ident = re.sub(r"[^A-Za-z0-9_.-]+", "-", target.resolve().name).strip("-") or "microsystem"
    if not ident[0].isalpha():
        ident = "m-" + ident
    return Link(id=ident[:64], path=rel, supporting=supporting)


@dataclass(frozen=True)
class Answers:
    """What ``init`` needs to know; every field has a flag and a prompt."""

    name: str
    setting: str = "clinic"
    organisation: str | None = None
    mesosystem: str | None = None
    members: tuple[Member, ...] = ()
    coach: str | None = None
    cadence: str = "weekly"
    sponsor: str | None = None
    today: dt.date = field(default_factory=dt.date.today)
    pathway: bool = False
    condition: str | None = None
    links: tuple[Link, ...] = ()
    folder_name: str = "pathway"

    def validate(self) -> None:
        """Refuse answers the workbook format would reject."""
        if not self.name.strip():
            raise UsageError("the microsystem needs a name", hint='pass --name "Adult CF clinic"')
        if len({link.id for link in self.links}) != len(self.links):
            raise UsageError(
                "two linked workbooks have folders of the same name",
                hint="link each microsystem once; rename one `id:` in pathway.yaml afterwards if needed",
            )
        parse_setting(self.setting)
        parse_cadence(self.cadence)


CADENCES = ("weekly", "fortnightly", "monthly")


def _choice(text: str, options: Sequence[str], what: str) -> str:
    """``text`` as one of ``options``, whatever its case; a near miss gets a suggestion."""
    from microsys.schema.messages import did_you_mean

    word = text.strip().lower()
    if word in options:
        return word
    guess = did_you_mean(word, list(options))
    raise UsageError(
        f"`{text}` is not a {what}",
        hint=(f"did you mean `{guess}`? " if guess else "") + "use one of: " + ", ".join(options),
    )


def parse_setting(text: str) -> str:
    """A setting (clinic, ward ...), in any case.

    Raises:
        UsageError: not a known setting.
    """
    return _choice(text, SETTINGS, "known setting")


def parse_cadence(text: str) -> str:
    """How often the lead team meets: weekly, fortnightly or monthly, in any case.

    Raises:
        UsageError: not one of them.
    """
    return _choice(text, CADENCES, "meeting cadence")


# "Ana Silva - nurse" (or an en or em dash) is what people type for "Ana Silva, nurse".
_DASHES = (" - ", " – ", " — ")


def parse_member(text: str, *, patient: bool = False) -> Member:
    """Read ``"Name, role"`` (role optional for patients and family); without a comma, ``Name - role``."""
    sep = "," if "," in text else next((d for d in _DASHES if d in text), ",")
    name, _, role = text.partition(sep)
    name, role = name.strip(), role.strip()
    if not name:
        raise UsageError(f"`{text}` has no name", hint='write a member as "Name, role"')
    if not role:
        if not patient:
            raise UsageError(
                f"`{text}` has no role",
                hint='write a member as "Name, role", e.g. "Ana Silva, specialist nurse"',
            )
        role = "patient partner"
    return Member(name=name, role=role, patient_or_family=patient)


def with_lead(members: Sequence[Member], lead: str | None) -> tuple[Member, ...]:
    """The members with the one named ``lead`` (any case) marked as the team lead.

    Raises:
        UsageError: ``lead`` names no member.
    """
    if not (lead or "").strip():
        return tuple(members)
    wanted = (lead or "").strip().casefold()
    names = [m.name for m in members]
    if wanted not in {n.casefold() for n in names}:
        raise UsageError(
            f"`{lead}` is not on the lead team",
            hint="name one of: " + ", ".join(names) if names else "add members with --member first",
        )
    return tuple(replace(m, lead=m.name.casefold() == wanted) for m in members)


def default_name(folder: Path) -> str:
    """A readable name from a folder name: ``cf-clinic`` -> ``Cf clinic``."""
    base = folder.resolve().name.replace("-", " ").replace("_", " ").strip()
    return base[:1].upper() + base[1:] if base else "Our microsystem"


def _repository_file(path: Path) -> bool:
    """A file a repository holds beside a workbook (README, licence, .gitignore, .editorconfig ...)."""
    from microsys.schema.files import MANIFEST, is_allowed_extra

    dotfile = path.name.startswith(".")  # .editorconfig, .pre-commit-config.yaml ...
    return path.is_file() and path.name != MANIFEST and (is_allowed_extra(path.name) or dotfile)


def check_target(folder: Path) -> None:
    """Refuse a target that exists as a file, a workbook, or a folder holding anything but repository files.

    A repository's README, licence, .gitignore and ``.git`` may be there: ``init`` keeps them.
    """
    from microsys.schema.files import MANIFEST

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder", hint="give the name of a new folder")
    if (folder / MANIFEST).is_file():
        raise UsageError(
            f"{folder} is already a workbook (it has {MANIFEST}); nothing was written",
            hint=f"run `microsys check {quote(folder)}` to see where it stands",
        )
    if folder.is_dir():
        present = sorted(
            p.name for p in folder.iterdir() if p.name not in _IGNORABLE and not _repository_file(p)
        )
        if present:
            shown = ", ".join(present[:5]) + (" ..." if len(present) > 5 else "")
            raise UsageError(
                f"{folder} is not empty (it holds {shown}); nothing was written",
                hint="run `microsys init` with the name of a new or empty folder "
                "(a README, a licence, .gitignore and .git may be there)",
            )


def render_files(answers: Answers, templates: Path) -> dict[str, str]:
    """Workbook-relative path -> content of every file of a new workbook."""
    from microsys.render.jinja import make_env

    answers.validate()
    root = templates / (PATHWAY_TEMPLATE_FOLDER if answers.pathway else TEMPLATE_FOLDER)
    env = make_env([root])
    context = {
        "name": answers.name.strip(),
        "setting": parse_setting(answers.setting),
        "organisation": answers.organisation,
        "mesosystem": answers.mesosystem,
        "members": answers.members,
        "coach": answers.coach,
        "cadence": parse_cadence(answers.cadence),
        "sponsor": (answers.sponsor or "").strip() or None,
        "today": answers.today.isoformat(),
        "chart_kinds": choices_text(),
        "condition": answers.condition,
        "links": answers.links,
        "folder_name": answers.folder_name,
    }
    out: dict[str, str] = {}
    for template in sorted(root.rglob("*.j2")):
        rel = template.relative_to(root).as_posix()[: -len(".j2")]
        # Dotfiles are stored without the dot so that packaging tools keep them.
        parts = rel.split("/")
        if parts[-1] in ("gitignore", "gitattributes"):
            parts[-1] = "." + parts[-1]
        out["/".join(parts)] = env.get_template(template.relative_to(root).as_posix()).render(context)
    # Editor schemas kept in the workbook, and each file's first line pointing at its own.
    from microsys.schema.editor import SCHEMA_DIR, schema_files, with_modeline

    out = {rel: with_modeline(rel, text) for rel, text in out.items()}
    out.update({f"{SCHEMA_DIR}/{name}": text for name, text in schema_files().items()})
    return out


CI_CHOICES = ("github", "gitlab", "none")
# Repository files for every new workbook, and the CI file of each choice (templates/ci/,
# copied as they are: GitHub's `${{ }}` expressions are not templates of ours).
_REPOSITORY_FILES = {
    ".editorconfig": "editorconfig",
    ".gitattributes": "gitattributes",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
}
_CI_FILES = {
    "github": {".github/workflows/microsys.yml": "github-workflow.yml"},
    "gitlab": {".gitlab-ci.yml": "gitlab-ci.yml"},
    "none": {},
}


def ci_files(ci: str, templates: Path) -> dict[str, str]:
    """Workbook-relative path -> content of the repository and CI files for ``ci``.

    Raises:
        UsageError: ``ci`` is not github, gitlab or none.
    """
    if ci not in _CI_FILES:
        raise UsageError(f"`{ci}` is not a CI system microsys knows", hint="use github, gitlab or none")
    names = {**_REPOSITORY_FILES, **_CI_FILES[ci]}
    return {rel: (templates / "ci" / name).read_text(encoding="utf-8") for rel, name in names.items()}


@dataclass(frozen=True)
class Written:
    """What ``init`` wrote, and what it did differently to keep files that were there."""

    paths: tuple[Path, ...]
    notes: tuple[str, ...] = ()


def _lines_missing(current: bytes, wanted: str) -> str:
    have = {line.strip() for line in current.decode("utf-8", "replace").splitlines()}
    return "".join(line + "\n" for line in wanted.splitlines() if line.strip() and line.strip() not in have)


def write_new_files(folder: Path, files: dict[str, str]) -> Written:
    """Write the new workbook's files, keeping any README or .gitignore already there.

    Each file is written to a temporary file in its folder and renamed into
    place, so no half-written file is ever left behind; on any failure what was
    written is removed. An existing README.md stays, and the workbook's guide
    goes to WORKBOOK.md; an existing .gitignore gains only the lines it lacks.
    """
    from microsys.storage import Change, commit

    check_target(folder)
    changes: list[Change] = []
    notes: list[str] = []
    for rel, content in files.items():
        path = folder / rel
        if rel == "README.md" and path.exists():
            path = folder / GUIDE_BESIDE_README
            notes.append(
                f"kept your README.md; the workbook's guide is in {GUIDE_BESIDE_README}"
                if not path.exists()
                else "kept your README.md and WORKBOOK.md; the workbook's guide was not written"
            )
            if path.exists():
                continue
        elif rel.startswith(".") and rel != ".gitignore" and path.exists():
            notes.append(f"kept your {rel}; microsys's version was not written")
            continue
        elif rel == ".gitignore" and path.is_file():
            current = path.read_bytes()
            extra = _lines_missing(current, content)
            if extra:
                sep = b"" if not current or current.endswith(b"\n") else b"\n"
                changes.append(Change(path, current + sep + b"\n" + extra.encode("utf-8"), current))
                lines = [line for line in extra.splitlines() if not line.startswith("#")]
                notes.append("added " + ", ".join(lines) + " to your .gitignore")
            continue
        changes.append(Change(path, content.encode("utf-8"), None))
    return Written(tuple(commit(changes, root=folder)), tuple(notes))
