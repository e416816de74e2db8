"""The catalogue of rule ids: every finding ``check`` can report.

Rule ids are stable: CI configurations and other tools may refer to them.
docs/rules.md is generated from this table, and a test keeps the table, the
code and the docs in step.
"""

from __future__ import annotations

from typing import NamedTuple


class Rule(NamedTuple):
    """A rule: its id, severity and what it means."""

    id: str
    severity: str
    summary: str


RULES: tuple[Rule, ...] = (
    # Reading files
    Rule(
        "file.too-large",
        "error",
        "The file is larger than the size limit (`--max-file-size`, 2 MB by default).",
    ),
    Rule("file.unreadable", "error", "The file cannot be opened (permissions, a broken link)."),
    Rule("file.encoding", "error", "The file is not UTF-8 text."),
    Rule("file.binary", "error", "The file holds binary data (a NUL byte)."),
    # YAML
    Rule("yaml.syntax", "error", "The text is not valid YAML: quotes, colons or indentation."),
    Rule("yaml.tab", "error", "A tab character is used for indentation."),
    Rule("yaml.duplicate-key", "error", "The same key appears twice in one mapping."),
    Rule("yaml.empty", "error", "The file is empty or holds only comments."),
    Rule("yaml.unsafe-tag", "error", "A tag asks to build a Python object; refused."),
    Rule("yaml.unknown-tag", "error", "A `!tag` that the workbook format does not use."),
    Rule("yaml.too-deep", "error", "Nesting deeper than any workbook file needs (50 levels)."),
    Rule("yaml.too-many-nodes", "error", "Anchors and aliases expand to more than 200,000 values."),
    # Schema
    Rule(
        "schema.not-mapping",
        "error",
        "The file holds a list or a single value instead of `key: value` lines.",
    ),
    Rule(
        "schema.extra-key",
        "error",
        "A key the format does not know (often a typo: the hint suggests the right one).",
    ),
    Rule(
        "schema.missing-key",
        "error",
        "A required key is missing; the position is the mapping that should hold it.",
    ),
    Rule("schema.type", "error", "A value of the wrong kind: text where a list is expected, and so on."),
    Rule("schema.not-a-number", "error", "A value that must be a number is not."),
    Rule("schema.invalid-date", "error", "A date that is not YYYY-MM-DD or does not exist (2026-02-30)."),
    Rule(
        "schema.invalid-value",
        "error",
        "A value outside the allowed choices, or that breaks a rule of its field.",
    ),
    Rule("schema.invalid-id", "error", "An id with characters ids cannot have."),
    Rule("schema.out-of-range", "error", "A number below or above what its field allows."),
    # References and dates
    Rule("ref.unknown-id", "error", "A reference to an id that no record in the workbook has."),
    Rule("ref.duplicate-id", "error", "Two records share an id."),
    Rule("ref.id-not-filename", "warning", "A record's id differs from its file name."),
    Rule("ref.self", "error", "A cycle names itself as its previous cycle."),
    Rule("ref.loop", "error", "`previous:` links of cycles go round in a loop."),
    Rule(
        "date.order",
        "error",
        "Dates out of order: Do before Plan, Study before Do, history not oldest first.",
    ),
    # Records
    Rule("theme.selected-mismatch", "warning", "A theme is marked selected but `selected:` names another."),
    Rule("map.decision-branches", "warning", "A decision step with fewer than two branches."),
    Rule("map.branches-without-decision", "warning", "A step has branches but is not a decision."),
    Rule("vote.negative", "error", "A negative vote count."),
    Rule("vote.too-many", "warning", "More votes counted than the voters had."),
    Rule("meeting.file-name", "warning", "A meeting file is not named by the meeting's date."),
    Rule("assessment.rating-range", "error", "A self-assessment rating outside 1 to `scale_max`."),
    Rule("ramp.history-mismatch", "warning", "The current stage is not where the last recorded move went."),
    # Measures and data
    Rule("measure.data-missing", "error", "The CSV named by `data:` does not exist."),
    Rule("measure.data-outside", "error", "The CSV named by `data:` is outside the workbook."),
    Rule("measure.two-sources", "error", "Values are given both inline and in a CSV."),
    Rule("measure.unused-csv", "warning", "A CSV in `measures/` that no measure uses."),
    Rule("measure.missing-denominator", "error", "A p, pp, u or up chart value without a denominator."),
    Rule(
        "measure.value-exceeds-denominator", "error", "A proportion's count is larger than its denominator."
    ),
    Rule("measure.negative-value", "error", "A negative count on a chart of counts."),
    Rule(
        "measure.proportion-range",
        "error",
        "A target or aim for a proportion outside 0 to 1 (write 80% as 0.8).",
    ),
    Rule("measure.exclude-unknown-date", "warning", "`exclude:` names a date that has no value."),
    Rule("csv.empty", "error", "The CSV file is empty."),
    Rule("csv.syntax", "error", "The CSV cannot be read (unbalanced quotes)."),
    Rule("csv.unknown-column", "error", "A column other than date, value, denominator and note."),
    Rule("csv.missing-column", "error", "The `date` or `value` column is missing."),
    Rule("csv.extra-cells", "error", "A row has more cells than the header."),
    Rule("csv.invalid-date", "error", "A date in the CSV is not a real YYYY-MM-DD date."),
    Rule(
        "csv.not-a-number",
        "error",
        "A value or denominator in the CSV is not a number (or a denominator of 0 or less).",
    ),
    # Method fidelity
    Rule("pdsa.no-prediction", "warning", "A PDSA cycle was tested (Do or Study filled) with no prediction."),
    Rule(
        "pdsa.study-ignores-prediction",
        "warning",
        "A Study with results that does not compare them with the prediction (`against_prediction:`).",
    ),
    Rule("pdsa.act-without-decision", "warning", "An Act that does not say adopt, adapt or abandon."),
    Rule(
        "pdsa.prediction-after-the-fact",
        "warning",
        "In git, the prediction was first committed together with, or after, the cycle's results.",
    ),
    Rule(
        "change.adopted-without-data",
        "warning",
        "A change adopted although its measures have no values from its test onwards.",
    ),
    Rule(
        "pdsa.scale-not-growing",
        "warning",
        "Three or more cycles in a sequence all test at the same scale.",
    ),
    Rule(
        "measure.no-recent-data",
        "warning",
        "A measure's newest value is older than twice its frequency.",
    ),
    # Pathways (mesosystems)
    Rule(
        "pathway.unknown-microsystem",
        "error",
        "A hand-off, step or meeting names a microsystem the pathway has not.",
    ),
    Rule(
        "pathway.unknown-hand-off",
        "error",
        "A story, value stream step or process map step names no known hand-off.",
    ),
    Rule("pathway.hand-off-to-itself", "error", "A hand-off whose `from` and `to` are the same microsystem."),
    Rule("pathway.link-missing", "error", "A linked workbook folder does not exist or has no microsys.yaml."),
    Rule("pathway.link-invalid", "error", "A linked workbook (or a pointed-to pathway.yaml) has errors."),
    Rule(
        "pathway.link-not-microsystem", "error", "A pathway links another pathway instead of a microsystem."
    ),
    Rule(
        "pathway.link-absolute",
        "error",
        "A link to a workbook is an absolute path instead of a relative one.",
    ),
    Rule(
        "pathway.co-coaches", "warning", "The big room lacks its two co-coaches (one clinical, one external)."
    ),
    Rule(
        "pathway.wrong-kind-file",
        "warning",
        "A 5Vs or big room file in a microsystem workbook, or a 5Ps file in a pathway workbook.",
    ),
    # Privacy
    Rule(
        "privacy.nhs-number",
        "error",
        "Something that passes the NHS number check digit: it identifies a patient.",
    ),
    Rule("privacy.date-of-birth", "error", "A date of birth: use age bands instead."),
    # Layout
    Rule(
        "workbook.unknown-file",
        "warning",
        "A file that is not part of the workbook format (a typo in a folder name?).",
    ),
    Rule(
        "workbook.leftover-temp",
        "warning",
        "A hidden temporary file (`.NAME.RANDOM.tmp`) left by a microsys command that was stopped.",
    ),
    Rule(
        "workbook.write-undone",
        "warning",
        "A command was stopped while writing several files; `check` put them back as they were.",
    ),
    Rule(
        "workbook.unfinished-write",
        "error",
        "A journal of a write that was stopped half-way and could not be undone yet.",
    ),
)

RULE_IDS = frozenset(r.id for r in RULES)
