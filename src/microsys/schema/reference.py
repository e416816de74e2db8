"""Generated documentation: the workbook format and the rules, from the code itself.

``docs/workbook-format.md`` and ``docs/rules.md`` are written by
:func:`write_docs`; a test fails when they drift from the models.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from microsys.rules import ALL_RULES
from microsys.schema.files import FILE_KINDS

_INTRO = """\
# Workbook format reference

<!-- Generated from the models by `python -m microsys.schema.reference`; do not edit by hand. -->

A workbook is a folder with a `microsys.yaml` file. Every file below is
optional except `microsys.yaml`; `microsys init` creates them all with
comments that explain what goes in them. Folders marked *one file per record*
hold one YAML file per record, named by the record's id (meetings and
self-assessments by their date).

Conventions:

- Dates are written `YYYY-MM-DD`.
- A *quantity* is a number with a unit, written `40 minutes` or
  `{value: 40, unit: minutes}`.
- Text can run over several lines with `>` (folded) or `|` (kept as written).
- Keys not listed here are errors (a typo is reported with a suggestion).

| File | What it holds | Ramp stage |
|---|---|---|
"""


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        if any(getattr(meta, "pattern", None) for meta in typing.get_args(tp)[1:]):
            return "id"
        return _type_name(typing.get_args(tp)[0])
    if origin is Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return " or ".join(_type_name(a) for a in args)
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in typing.get_args(tp))
    if origin is list:
        return f"list of {_type_name(typing.get_args(tp)[0])}"
    if origin is dict:
        k, v = typing.get_args(tp)
        return f"mapping of {_type_name(k)} to {_type_name(v)}"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return f"[{tp.__name__}](#{tp.__name__.lower()})"
    names = {str: "text", int: "whole number", float: "number", bool: "true/false"}
    if tp in names:
        return names[tp]
    if getattr(tp, "__name__", "") == "date":
        return "date"
    return getattr(tp, "__name__", str(tp))


def _nested(tp: Any) -> list[type[BaseModel]]:
    out: list[type[BaseModel]] = []
    origin = typing.get_origin(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    if origin is not None:
        for arg in typing.get_args(tp):
            out.extend(_nested(arg))
    return out


def _doc_line(model: type[BaseModel]) -> str:
    return (model.__doc__ or "").strip().splitlines()[0].replace("``", "`")


def _table(model: type[BaseModel]) -> list[str]:
    lines = ["| Key | Type | Required | Description |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        key = field.alias or name
        required = "yes" if field.is_required() else ""
        default = ""
        if not field.is_required() and field.default not in (None, PydanticUndefined, "", [], {}):
            default = f" Default: `{field.default}`."
        desc = (field.description or "").replace("|", "\\|")
        lines.append(f"| `{key}` | {_type_name(field.annotation)} | {required} | {desc}{default} |")
    return lines


def format_reference() -> str:
    """The workbook format reference as Markdown."""
    out = [_INTRO.rstrip("\n")]
    for kind in FILE_KINDS:
        where = f"`{kind.pattern}`" + (" (one file per record)" if kind.many else "")
        out.append(f"| {where} | {kind.title} | {kind.stage} |")
    seen: set[type[BaseModel]] = set()
    for kind in FILE_KINDS:
        out.append("")
        out.append(f"## `{kind.pattern}`")
        out.append("")
        out.append(_doc_line(kind.model))
        out.append("")
        out.extend(_table(kind.model))
        queue = [m for f in kind.model.model_fields.values() for m in _nested(f.annotation)]
        while queue:
            sub = queue.pop(0)
            if sub in seen or sub is kind.model:
                continue
            seen.add(sub)
            out.append("")
            out.append(f"### {sub.__name__}")
            out.append("")
            out.append(_doc_line(sub))
            out.append("")
            out.extend(_table(sub))
            queue.extend(m for f in sub.model_fields.values() for m in _nested(f.annotation))
    out.append("")
    out.append("## Measure data in CSV")
    out.append("")
    out.append(
        "A measure's `data:` names a CSV file beside it. The first line is the header: "
        "`date,value` and optionally `denominator` and `note`, in any order. Dates are "
        "`YYYY-MM-DD`; an empty value means it was not collected. Each row is a total for "
        "a period, never a row about one patient."
    )
    return "\n".join(out) + "\n"


def rules_reference() -> str:
    """The rules catalogue as Markdown."""
    out = [
        "# Rules",
        "",
        "<!-- Generated from src/microsys/rules.py by `python -m microsys.schema.reference`. -->",
        "",
        "Every finding of `microsys check` has a stable rule id. Errors make `check` exit 1;",
        "warnings do so only with `--strict`. A repository can change the level of a rule, or",
        "turn it off, in its settings file (`microsys.toml` or `[tool.microsys]` in",
        "`pyproject.toml`; see [ci.md](ci.md#settings)):",
        "",
        "```toml",
        "[rules]",
        '"measure.no-recent-data" = "error"   # error, warning or off',
        '"meeting.file-name" = "off"',
        "```",
        "",
        "| Rule | Severity | Meaning |",
        "|---|---|---|",
    ]
    # The anchor is the rule id itself, so `rules.md#schema.extra-key` links from SARIF help URIs
    # (once per id: a rule listed with two severities keeps one anchor).
    anchored: set[str] = set()
    for r in ALL_RULES:
        anchor = "" if r.id in anchored else f'<a id="{r.id}"></a>'
        anchored.add(r.id)
        out.append(f"| {anchor}`{r.id}` | {r.severity.value} | {r.summary} |")
    for r in ALL_RULES:
        if r.docs:
            out.extend(["", f"## `{r.id}` ({r.severity.value})", "", r.docs.strip()])
    out.extend(_PRIVACY_AND_SUPPRESSION)
    return "\n".join(out) + "\n"


_PRIVACY_AND_SUPPRESSION = [
    "",
    "## Privacy findings",
    "",
    "`check` looks for patient identifiers everywhere in a workbook: every YAML value and key as",
    'loaded (escapes such as `"\\x39..."` and `!!binary` decoded, non-breaking and zero-width',
    "spaces and line breaks inside numbers ignored), comments, every CSV cell and header (used by a",
    "measure or not), meeting notes and actions, Markdown files, text files under `assets/`, any",
    "other file, and file and folder names. A `privacy.*` finding names the file, line and column",
    "and the kind of identifier, and shows only a masked fragment (`943 *** ****`,",
    "`j***@***.nhs.uk`), never the identifier itself.",
    "",
    "To fix one: remove the identifier (write counts, rates and age bands instead). If it was",
    "committed, it is still in the git history: purge it with `git filter-repo --replace-text",
    "FILE` (FILE lists the text to replace), force-push, and, if it was ever pushed, tell your",
    "information governance lead.",
    "",
    "## Suppressing a finding",
    "",
    "When a finding is wrong (a published switchboard number, a made-up test number), suppress it",
    "with a reason, in a comment at the end of the line or alone on the line above it:",
    "",
    "```yaml",
    "contact: 0114 271 1900  # microsys: disable=privacy.phone-number the clinic's public switchboard",
    "# microsys: disable=privacy.phone-number the clinic's public switchboard",
    "contact: 0114 271 1900",
    "```",
    "",
    "`# microsys: disable-file=RULE reason` suppresses the rule in the whole file; several rules",
    "are separated by commas; Markdown files write the comment as `<!-- microsys: ... -->`. Any",
    "rule id can be suppressed this way. A suppression without a reason suppresses nothing and is",
    "an error (`suppress.missing-reason`); one that no longer suppresses anything is a warning",
    "(`suppress.unused`).",
    "",
    "Files that cannot hold comments (CSV files, file names) are listed in `microsys.yaml`:",
    "",
    "```yaml",
    "suppress:",
    "  - path: measures/calls.csv      # relative to the workbook; `*` matches any characters",
    "    rule: privacy.phone-number",
    "    reason: the switchboard number, published on the trust website",
    "    line: 14                      # optional: only this line",
    "```",
]


if __name__ == "__main__":  # pragma: no cover
    # The documented command; the generator of every page (this module's and the ramp's,
    # which the schema layer may not import) is microsys.docs.
    import runpy

    runpy.run_module("microsys.docs", run_name="__main__")
