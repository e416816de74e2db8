"""``microsys init``: a new workbook, every file present, with comments that teach the method."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from microsys.errors import UsageError
from microsys.schema.identity import Setting
from microsys.spc.kinds import choices_text

SETTINGS: tuple[str, ...] = Setting.__args__  # type: ignore[attr-defined]
TEMPLATE_FOLDER = "workbook"
PATHWAY_TEMPLATE_FOLDER = "pathway"
# Folders a new workbook may already hold (a fresh `git init`).
_IGNORABLE = frozenset({".git"})


@dataclass(frozen=True)
class Member:
    """A lead team member given to ``init``."""

    name: str
    role: str
    patient_or_family: bool = False


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
    today: dt.date = field(default_factory=dt.date.today)
    pathway: bool = False
    condition: str | None = None
    links: tuple[Link, ...] = ()
    folder_name: str = "pathway"

    def validate(self) -> None:
        """Refuse answers the workbook format would reject."""
        if not self.name.strip():
            raise UsageError("the microsystem needs a name", hint='pass --name "Adult CF clinic"')
        if self.setting not in SETTINGS:
            raise UsageError(
                f"`{self.setting}` is not a known setting",
                hint="use one of: " + ", ".join(SETTINGS),
            )
        if len({link.id for link in self.links}) != len(self.links):
            raise UsageError(
                "two linked workbooks have folders of the same name",
                hint="link each microsystem once; rename one `id:` in pathway.yaml afterwards if needed",
            )
        if self.cadence not in ("weekly", "fortnightly", "monthly"):
            raise UsageError(
                f"`{self.cadence}` is not a meeting cadence", hint="use weekly, fortnightly or monthly"
            )


def parse_member(text: str, *, patient: bool = False) -> Member:
    """Read ``"Name, role"`` (role optional for patients and family)."""
    name, _, role = text.partition(",")
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


def default_name(folder: Path) -> str:
    """A readable name from a folder name: ``cf-clinic`` -> ``Cf clinic``."""
    base = folder.resolve().name.replace("-", " ").replace("_", " ").strip()
    return base[:1].upper() + base[1:] if base else "Our microsystem"


def check_target(folder: Path) -> None:
    """Refuse a target that exists as a file, or a folder that already has content."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder", hint="give the name of a new folder")
    if folder.is_dir():
        present = sorted(p.name for p in folder.iterdir() if p.name not in _IGNORABLE)
        if present:
            shown = ", ".join(present[:5]) + (" ..." if len(present) > 5 else "")
            raise UsageError(
                f"{folder} is not empty (it holds {shown}); nothing was written",
                hint="run `microsys init` with the name of a new or empty folder",
            )


def render_files(answers: Answers, templates: Path) -> dict[str, str]:
    """Workbook-relative path -> content of every file of a new workbook."""
    from microsys.render.jinja import make_env

    answers.validate()
    root = templates / (PATHWAY_TEMPLATE_FOLDER if answers.pathway else TEMPLATE_FOLDER)
    env = make_env([root])
    context = {
        "name": answers.name.strip(),
        "setting": answers.setting,
        "organisation": answers.organisation,
        "mesosystem": answers.mesosystem,
        "members": answers.members,
        "coach": answers.coach,
        "cadence": answers.cadence,
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


def write_new_files(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write files that must not exist yet; on any failure remove what was written.

    Each file is written to a temporary file in its folder and renamed into
    place, so no half-written file is ever left behind.
    """
    from microsys.storage import Change, commit

    check_target(folder)
    changes = [Change(folder / rel, content.encode("utf-8"), None) for rel, content in files.items()]
    return commit(changes, root=folder)
