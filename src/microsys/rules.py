"""The catalogue of rules: every finding ``check`` can report.

Each rule is one object here, holding its stable id, its severity, a one-line
summary and, where one line is not enough, longer docs. Code reports a finding
through the rule object (``Diagnostic.of(rules.YAML_TAB, path, ...)``), so the
severity is decided here, never where the finding is made, and a misspelt rule
is a ``NameError`` at import time, not a silently new id. (yamllint keeps each
rule's id, type and docs together in its rule modules in the same way.)

Rule ids are stable: CI configurations and other tools may refer to them.
docs/rules.md is generated from this module, and tests keep the catalogue,
the code, the tests and the docs in step.

A constant's name is its id in capitals with ``.`` and ``-`` as ``_``
(``privacy.nhs-number`` is ``PRIVACY_NHS_NUMBER``). To add a rule, see
"Adding a rule" in docs/contributing.md.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(str, enum.Enum):
    """How serious a finding is."""

    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        """Sort order: errors before warnings."""
        return 0 if self is Severity.ERROR else 1


ERROR = Severity.ERROR
WARNING = Severity.WARNING


class UnknownRuleError(LookupError):
    """A finding names a rule id that is not in the catalogue: a bug in microsys, not in a workbook."""


@dataclass(frozen=True)
class Rule:
    """A rule: its id, severity and what it means.

    Attributes:
        id: stable id such as ``schema.extra-key``: a prefix naming the area, a dot, a name.
        severity: error or warning, for every finding of this rule.
        summary: one sentence for the table in docs/rules.md.
        docs: more, when one sentence is not enough (Markdown; rendered under the table).
    """

    id: str
    severity: Severity
    summary: str
    docs: str = ""

    def __post_init__(self) -> None:
        # Fails at import time for a catalogue entry written with a plain string.
        if not isinstance(self.severity, Severity):
            raise TypeError(f"rule {self.id}: the severity must be Severity.ERROR or Severity.WARNING")
        prefix, dot, name = self.id.partition(".")
        if not (dot and prefix.isalpha() and prefix.islower() and name and name.replace("-", "").isalnum()):
            raise ValueError(f"rule id {self.id!r} is not of the form `area.name-in-words`")


# Reading files
FILE_TOO_LARGE = Rule(
    "file.too-large",
    ERROR,
    "The file is larger than the size limit (`--max-file-size`, 2 MB by default).",
)
FILE_UNREADABLE = Rule(
    "file.unreadable",
    ERROR,
    "A file or folder cannot be opened (permissions, a broken link, a loop of links).",
)
FILE_NOT_REGULAR = Rule(
    "file.not-regular",
    ERROR,
    "A named pipe, device, socket or folder where a file is expected; never opened.",
)
FILE_OUTSIDE_WORKBOOK = Rule(
    "file.outside-workbook", ERROR, "A link to a file or folder outside the workbook; never read."
)
FILE_ENCODING = Rule("file.encoding", ERROR, "The file is not UTF-8 text.")
FILE_BINARY = Rule("file.binary", ERROR, "The file holds binary data (a NUL byte).")

# YAML
YAML_SYNTAX = Rule("yaml.syntax", ERROR, "The text is not valid YAML: quotes, colons or indentation.")
YAML_TAB = Rule("yaml.tab", ERROR, "A tab character is used for indentation.")
YAML_DUPLICATE_KEY = Rule("yaml.duplicate-key", ERROR, "The same key appears twice in one mapping.")
YAML_EMPTY = Rule("yaml.empty", ERROR, "The file is empty or holds only comments.")
YAML_UNSAFE_TAG = Rule("yaml.unsafe-tag", ERROR, "A tag asks to build a Python object; refused.")
YAML_UNKNOWN_TAG = Rule("yaml.unknown-tag", ERROR, "A `!tag` that the workbook format does not use.")
YAML_TOO_DEEP = Rule("yaml.too-deep", ERROR, "Nesting deeper than any workbook file needs (50 levels).")
YAML_TOO_MANY_NODES = Rule(
    "yaml.too-many-nodes",
    ERROR,
    "The file holds, or its anchors, aliases and `<<` merges expand to, more than 100,000 values.",
)
YAML_TOO_MANY_KEYS = Rule("yaml.too-many-keys", ERROR, "One mapping has more than 2,000 keys.")

# Schema
SCHEMA_NOT_MAPPING = Rule(
    "schema.not-mapping",
    ERROR,
    "The file holds a list or a single value instead of `key: value` lines.",
)
SCHEMA_EXTRA_KEY = Rule(
    "schema.extra-key",
    ERROR,
    "A key the format does not know (often a typo: the hint suggests the right one).",
)
SCHEMA_MISSING_KEY = Rule(
    "schema.missing-key",
    ERROR,
    "A required key is missing; the position is the mapping that should hold it.",
)
SCHEMA_TYPE = Rule(
    "schema.type", ERROR, "A value of the wrong kind: text where a list is expected, and so on."
)
SCHEMA_NOT_A_NUMBER = Rule("schema.not-a-number", ERROR, "A value that must be a number is not.")
SCHEMA_INVALID_DATE = Rule(
    "schema.invalid-date",
    ERROR,
    "A date that is not YYYY-MM-DD or does not exist (2026-02-30).",
)
SCHEMA_INVALID_VALUE = Rule(
    "schema.invalid-value",
    ERROR,
    "A value outside the allowed choices, or that breaks a rule of its field.",
)
SCHEMA_INVALID_ID = Rule("schema.invalid-id", ERROR, "An id with characters ids cannot have.")
SCHEMA_OUT_OF_RANGE = Rule("schema.out-of-range", ERROR, "A number below or above what its field allows.")

# References and dates
REF_UNKNOWN_ID = Rule("ref.unknown-id", ERROR, "A reference to an id that no record in the workbook has.")
REF_DUPLICATE_ID = Rule("ref.duplicate-id", ERROR, "Two records share an id.")
REF_ID_NOT_FILENAME = Rule("ref.id-not-filename", WARNING, "A record's id differs from its file name.")
REF_SELF = Rule("ref.self", ERROR, "A cycle names itself as its previous cycle.")
REF_LOOP = Rule("ref.loop", ERROR, "`previous:` links of cycles go round in a loop.")
DATE_ORDER = Rule(
    "date.order", ERROR, "Dates out of order: Do before Plan, Study before Do, history not oldest first."
)
# One id, two severities: a due date before the meeting that set it is out of order like
# any other pair of dates, but teams record actions that were already overdue on purpose.
DATE_ORDER_ACTION_DUE = Rule(
    "date.order",
    WARNING,
    "An action due before the meeting that agreed it.",
    docs="`date.order` is an error for every pair of dates in the wrong order except one: an "
    "action whose `due:` date is before the meeting that agreed it is only a warning, because "
    "teams record on purpose an action that was already overdue when they met. Mark an action "
    "taken over from an earlier meeting with `carried_from:` and it is not reported at all.",
)

# Records
THEME_SELECTED_MISMATCH = Rule(
    "theme.selected-mismatch",
    WARNING,
    "The theme `selected:` names and the theme marked `status: selected` are not the same.",
)
THEME_UNPLACED = Rule(
    "theme.unplaced",
    WARNING,
    "A change idea, map, fishbone or playbook entry names no theme, and several themes were worked on.",
    docs="Reports tell the story of one theme (`microsys report --theme T1`), so each record must "
    "belong to one. A team on its first theme need not link anything: every record is that theme's. "
    "Once a second theme is worked on, give a change idea its `theme:`, a process map or fishbone its "
    "`global_aim:`, and a playbook entry the `changes:` it standardises. See docs/themes.md.",
)
MAP_DECISION_BRANCHES = Rule(
    "map.decision-branches", WARNING, "A decision step with fewer than two branches."
)
MAP_BRANCHES_WITHOUT_DECISION = Rule(
    "map.branches-without-decision",
    WARNING,
    "A step has branches but is not a decision.",
)
MAP_STEP_WITHOUT_OWNER = Rule(
    "map.step-without-owner",
    WARNING,
    "A process map step has no `owner:`, so the map cannot show who does it (its swim lane).",
    docs="Reported for each such step; when no step of a map has an owner, once for the map. "
    'Until it is written the map is drawn with those steps in a lane headed "owner not '
    'written" (or, with no owner at all, without lanes).',
)
DRIVER_UNKNOWN_CAUSE = Rule(
    "driver.unknown-cause",
    ERROR,
    "A driver diagram names a cause that is not on the fishbone.",
    docs="A secondary driver's `causes:` are written as on the fishbone (a cause or a sub-cause), "
    "so that the diagram shows which causes each driver answers. When the diagram names its "
    "`fishbone:`, the causes are looked up there; otherwise on every fishbone of the workbook.",
)
DRIVER_OTHER_THEME = Rule(
    "driver.other-theme",
    WARNING,
    "A driver diagram links a change idea of another theme, or a fishbone of another aim.",
    docs="A driver diagram belongs to the theme of its aim. A change idea written for another "
    "theme, or a fishbone drawn for another global aim, is usually a copy-paste slip; if the idea "
    "really serves both, set its `theme:` to this one.",
)
VOTE_NEGATIVE = Rule("vote.negative", ERROR, "A negative vote count.")
VOTE_TOO_MANY = Rule("vote.too-many", WARNING, "More votes counted than the voters had.")
MEETING_FILE_NAME = Rule("meeting.file-name", WARNING, "A meeting file is not named by the meeting's date.")
ASSESSMENT_RATING_RANGE = Rule(
    "assessment.rating-range", ERROR, "A self-assessment rating outside 1 to `scale_max`."
)
ASSESSMENT_FILE_NAME = Rule(
    "assessment.file-name", WARNING, "A self-assessment file is not named by its date."
)
RAMP_HISTORY_MISMATCH = Rule(
    "ramp.history-mismatch",
    WARNING,
    "The current stage is not where the last recorded move went.",
)

# Measures and data
MEASURE_DATA_MISSING = Rule("measure.data-missing", ERROR, "The CSV named by `data:` does not exist.")
MEASURE_DATA_OUTSIDE = Rule(
    "measure.data-outside", ERROR, "The CSV named by `data:` is outside the workbook."
)
MEASURE_TWO_SOURCES = Rule("measure.two-sources", ERROR, "Values are given both inline and in a CSV.")
MEASURE_UNUSED_CSV = Rule("measure.unused-csv", WARNING, "A CSV in `measures/` that no measure uses.")
MEASURE_MISSING_DENOMINATOR = Rule(
    "measure.missing-denominator",
    ERROR,
    "A p, pp, u or up chart value without a denominator.",
)
MEASURE_VALUE_EXCEEDS_DENOMINATOR = Rule(
    "measure.value-exceeds-denominator",
    ERROR,
    "A proportion's count is larger than its denominator.",
)
MEASURE_NEGATIVE_VALUE = Rule("measure.negative-value", ERROR, "A negative count on a chart of counts.")
MEASURE_PROPORTION_RANGE = Rule(
    "measure.proportion-range",
    ERROR,
    "A target or aim for a proportion outside 0 to 1 (write 80% as 0.8).",
)
MEASURE_EXCLUDE_UNKNOWN_DATE = Rule(
    "measure.exclude-unknown-date",
    WARNING,
    "`exclude:` names a date that has no value.",
)
CSV_EMPTY = Rule("csv.empty", ERROR, "The CSV file is empty.")
CSV_SYNTAX = Rule("csv.syntax", ERROR, "The CSV cannot be read (unbalanced quotes).")
CSV_UNKNOWN_COLUMN = Rule(
    "csv.unknown-column", ERROR, "A column other than date, value, denominator and note."
)
CSV_MISSING_COLUMN = Rule("csv.missing-column", ERROR, "The `date` or `value` column is missing.")
CSV_EXTRA_CELLS = Rule("csv.extra-cells", ERROR, "A row has more cells than the header.")
CSV_INVALID_DATE = Rule("csv.invalid-date", ERROR, "A date in the CSV is not a real YYYY-MM-DD date.")
CSV_NOT_A_NUMBER = Rule(
    "csv.not-a-number",
    ERROR,
    "A value or denominator in the CSV is not a number (or a denominator of 0 or less).",
)

# Method fidelity
PDSA_NO_PREDICTION = Rule(
    "pdsa.no-prediction",
    WARNING,
    "A PDSA cycle was tested (Do or Study filled) with no prediction.",
)
PDSA_STUDY_IGNORES_PREDICTION = Rule(
    "pdsa.study-ignores-prediction",
    WARNING,
    "A Study with results that does not compare them with the prediction (`against_prediction:`).",
)
PDSA_ACT_WITHOUT_DECISION = Rule(
    "pdsa.act-without-decision",
    WARNING,
    "An Act that does not say adopt, adapt or abandon.",
)
PDSA_PREDICTION_AFTER_THE_FACT = Rule(
    "pdsa.prediction-after-the-fact",
    WARNING,
    "In git, the prediction was first committed together with, or after, the cycle's results.",
)
CHANGE_ADOPTED_WITHOUT_DATA = Rule(
    "change.adopted-without-data",
    WARNING,
    "A change adopted although its measures have no values from its test onwards.",
)
PDSA_SCALE_NOT_GROWING = Rule(
    "pdsa.scale-not-growing",
    WARNING,
    "Three or more cycles in a sequence all test at the same scale.",
)
MEASURE_NO_RECENT_DATA = Rule(
    "measure.no-recent-data",
    WARNING,
    "A measure's newest value is older than twice its frequency.",
)
MEASURE_NO_DEFINITION = Rule(
    "measure.no-definition",
    WARNING,
    "A measure's operational definition lacks its description or its data source, so two people "
    "could collect it differently.",
)
MEASURE_PHASE_MISSING = Rule(
    "measure.phase-missing",
    WARNING,
    "A change was adopted and the measure shifted after it, but the measure has no phase there: "
    "one set of limits is computed over the process before and after the change.",
    docs="The finding gives the date of the first value from the day the change's test began, "
    "and the `phases:` entry to add to the measure. The shift is found by the measure's own "
    "rules (`rules:`): a pattern of runs such as an unusually long run, a shift or a trend, "
    "not a single point outside the limits. With the phase, the chart computes the limits of "
    'the new process from its own values (once it has enough: docs/chart-json.md, "Minimum '
    'points"), the baseline is no longer drawn as a concern, and the target is judged against '
    "the process as it is now.",
)
CHANGE_STATUS_MISMATCH = Rule(
    "change.status-mismatch",
    WARNING,
    "A change idea's `status:` disagrees with the Act decision of its latest PDSA cycle "
    "(adopt, adapt, abandon) or with a test under way.",
)


# Pathways (mesosystems)
PATHWAY_UNKNOWN_MICROSYSTEM = Rule(
    "pathway.unknown-microsystem",
    ERROR,
    "A hand-off, value stream step or big room meeting names a microsystem the pathway does not link.",
)
PATHWAY_UNKNOWN_HAND_OFF = Rule(
    "pathway.unknown-hand-off",
    ERROR,
    "A story, value stream step or process map step names a hand-off the pathway does not have.",
)
PATHWAY_HAND_OFF_TO_ITSELF = Rule(
    "pathway.hand-off-to-itself", ERROR, "A hand-off whose `from` and `to` are the same microsystem."
)
PATHWAY_LINK_MISSING = Rule(
    "pathway.link-missing", ERROR, "A linked workbook folder does not exist or has no microsys.yaml."
)
PATHWAY_LINK_INVALID = Rule(
    "pathway.link-invalid", ERROR, "A linked workbook (or a pointed-to pathway.yaml) has errors."
)
PATHWAY_LINK_NOT_MICROSYSTEM = Rule(
    "pathway.link-not-microsystem", ERROR, "A pathway links another pathway instead of a microsystem."
)
PATHWAY_LINK_ABSOLUTE = Rule(
    "pathway.link-absolute", ERROR, "A link to a workbook is an absolute path instead of a relative one."
)
PATHWAY_CO_COACHES = Rule(
    "pathway.co-coaches", WARNING, "The big room lacks its two co-coaches (one clinical, one external)."
)
PATHWAY_WRONG_KIND_FILE = Rule(
    "pathway.wrong-kind-file",
    WARNING,
    "A 5Vs or big room file in a microsystem workbook, or a 5Ps file in a pathway workbook.",
)

# The organisation file
ORGANISATION_UNKNOWN_TEAM = Rule(
    "organisation.unknown-team",
    WARNING,
    "A quarterly review action names a team folder that holds no workbook.",
)

# Privacy: identifiers of a patient. Findings show only a masked fragment.
PRIVACY_NHS_NUMBER = Rule(
    "privacy.nhs-number",
    ERROR,
    "Something that passes the NHS number check digit: it identifies a patient.",
)
PRIVACY_CHI_NUMBER = Rule(
    "privacy.chi-number",
    ERROR,
    "A CHI number (Scotland): a date of birth and four digits passing the check digit, or labelled CHI.",
)
PRIVACY_SSN = Rule(
    "privacy.ssn",
    ERROR,
    "A US social security number (123-45-6789, or labelled SSN) with a valid area, group and serial.",
)
PRIVACY_HOSPITAL_NUMBER = Rule(
    "privacy.hospital-number",
    ERROR,
    "A labelled hospital number: `MRN: 00482913`, `hospital number K1234567`, `patient ID`, `RXX123456`.",
)
PRIVACY_EMAIL = Rule(
    "privacy.email",
    ERROR,
    "An e-mail address.",
)
PRIVACY_PHONE_NUMBER = Rule(
    "privacy.phone-number",
    ERROR,
    "A UK or US telephone number (mobile, landline, +44/+1); desk extensions and bleeps are fine.",
)
PRIVACY_DATE_OF_BIRTH = Rule(
    "privacy.date-of-birth",
    ERROR,
    "A date of birth (`DOB`, `d.o.b.`, `date of birth`, `born 12/03/1951`, `b. 1951-03-12`): "
    "use age bands instead.",
)
PRIVACY_NI_NUMBER = Rule(
    "privacy.ni-number",
    ERROR,
    "A UK National Insurance number (a valid two-letter prefix).",
)
PRIVACY_POSTCODE = Rule(
    "privacy.postcode",
    ERROR,
    "A UK postcode or US ZIP code next to a name or an address.",
)
PRIVACY_PATIENT_NAME = Rule(
    "privacy.patient-name",
    ERROR,
    "A name with a title by a bed, bay, ward or room (`Mrs Patel in bed 4`), or `patient John Smith`.",
)
PRIVACY_PATIENT_ROWS = Rule(
    "privacy.patient-rows",
    ERROR,
    "A CSV whose rows are single patients: a name, identifier, DOB or postcode column.",
)

# Suppressing findings on purpose
SUPPRESS_MISSING_REASON = Rule(
    "suppress.missing-reason",
    ERROR,
    "A `# microsys: disable=RULE` comment without a reason; it suppresses nothing.",
)
SUPPRESS_UNKNOWN_RULE = Rule(
    "suppress.unknown-rule",
    ERROR,
    "A suppression names a rule id that does not exist.",
)
SUPPRESS_UNUSED = Rule(
    "suppress.unused",
    WARNING,
    "A suppression that suppresses no finding (stale, or on the wrong line).",
)

# Layout
WORKBOOK_CHECK_FAILED = Rule(
    "workbook.check-failed",
    ERROR,
    "microsys could not check the workbook (it stopped or crashed on it); the others were checked.",
)
WORKBOOK_UNKNOWN_FILE = Rule(
    "workbook.unknown-file",
    WARNING,
    "A file that is not part of the workbook format (a typo in a folder name?).",
)
WORKBOOK_LEFTOVER_TEMP = Rule(
    "workbook.leftover-temp",
    WARNING,
    "A hidden temporary file (`.NAME.RANDOM.tmp`) left by a microsys command that was stopped.",
)
WORKBOOK_WRITE_UNDONE = Rule(
    "workbook.write-undone",
    WARNING,
    "A command was stopped while writing several files; `check` put them back as they were.",
)
WORKBOOK_UNFINISHED_WRITE = Rule(
    "workbook.unfinished-write",
    ERROR,
    "A journal of a write that was stopped half-way and could not be undone yet.",
)


def _catalogue() -> tuple[Rule, ...]:
    return tuple(v for v in globals().values() if isinstance(v, Rule))


ALL_RULES: tuple[Rule, ...] = _catalogue()
"""Every rule object, in the order above, including second severities of one id."""

RULES: tuple[Rule, ...] = tuple(
    r for i, r in enumerate(ALL_RULES) if r.id not in {p.id for p in ALL_RULES[:i]}
)
"""One rule per id (the first defined): the catalogue as docs/rules.md lists it."""

RULE_IDS = frozenset(r.id for r in RULES)

_BY_ID = {r.id: r for r in RULES}

SEVERITIES: dict[str, frozenset[Severity]] = {
    i: frozenset(r.severity for r in ALL_RULES if r.id == i) for i in RULE_IDS
}
"""The severities each rule id is reported at: one, except where documented above."""


def get(rule_id: str) -> Rule:
    """The rule with this id (its first severity, when it has two).

    Raises:
        UnknownRuleError: no rule has this id.
    """
    try:
        return _BY_ID[rule_id]
    except KeyError:
        raise UnknownRuleError(
            f"no rule has the id {rule_id!r}: add it to src/microsys/rules.py (see docs/contributing.md)"
        ) from None
