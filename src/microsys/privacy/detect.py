"""Detectors of patient identifiers in free text: text in, matches (kind, start, end) out.

Pure functions without I/O. Every pattern is linear in the length of the text:
quantifiers are bounded or apply to a character class that the following
token cannot also match, so a hostile megabyte of digits, spaces or letters is
scanned in well under a second (tested with hypothesis).

Numbers are judged beyond their shape where a rule allows it (the NHS and CHI
modulus 11 check digit, the valid ranges of US social security numbers and UK
National Insurance prefixes); words that only make sense with an identifier
(``MRN``, ``date of birth``, ``bed 4``) decide the rest.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

# Kind -> plain words, used in messages ("this looks like an NHS number").
KINDS: dict[str, str] = {
    "nhs-number": "an NHS number",
    "chi-number": "a CHI number (Scotland's patient number)",
    "ssn": "a US social security number",
    "hospital-number": "a hospital number (MRN or patient ID)",
    "email": "an e-mail address",
    "phone-number": "a telephone number",
    "date-of-birth": "a date of birth",
    "ni-number": "a National Insurance number",
    "postcode": "a postcode or ZIP code in an address",
    "patient-name": "a patient's name",
}


@dataclass(frozen=True)
class Match:
    """One identifier found: its kind and the [start, end) offsets in the scanned text."""

    kind: str
    start: int
    end: int

    def key(self, text: str) -> str:
        """A canonical form of the match, to recognise the same identifier scanned twice."""
        return self.kind + ":" + "".join(ch for ch in text[self.start : self.end].lower() if ch.isalnum())


# --- normalising --------------------------------------------------------------------------

# Characters that look like a space or a dash but are not the ASCII ones: mapped one to one,
# so offsets stay valid.
_SAME_LENGTH = str.maketrans(
    {
        **{
            c: " "
            for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
            "\u2009\u200a\u202f\u205f\u3000"
        },
        **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"},
        **{c: str(i) for i, c in enumerate("\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19")},
        "\uff20": "@",
        "\u2028": "\n",
        "\u2029": "\n",
        "\x85": "\n",
        "\x0b": "\n",
        "\x0c": "\n",
    }
)
# Invisible characters that hide a number from a plain search: removed (offsets are mapped back).
_INVISIBLE = re.compile("[\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff]+")


@dataclass(frozen=True)
class Normalised:
    """Text prepared for the detectors, and the way back to offsets in the original."""

    text: str
    # Sorted offsets in ``text`` after which characters were removed, and how many in total.
    _at: tuple[int, ...] = ()
    _removed: tuple[int, ...] = ()

    def original(self, offset: int) -> int:
        """The offset in the original text of ``offset`` in the normalised text."""
        i = bisect.bisect_right(self._at, offset) - 1
        return offset + (self._removed[i] if i >= 0 else 0)


# The ASCII characters the table maps (vertical tab, form feed): every other character it maps,
# and every invisible one, is beyond ASCII, so an ASCII text without these is left as it is.
_ASCII_MAPPED = tuple(chr(c) for c in _SAME_LENGTH if c < 128)


def normalise(text: str) -> Normalised:
    """Map look-alike spaces and dashes to ASCII and drop invisible characters."""
    if text.isascii() and not any(c in text for c in _ASCII_MAPPED):
        return Normalised(text)  # nothing to map or drop (the commonest text, spared a copy)
    return _normalise_all(text)


def _normalise_all(text: str) -> Normalised:
    text = text.translate(_SAME_LENGTH)
    if not _INVISIBLE.search(text):
        return Normalised(text)
    at: list[int] = []
    removed: list[int] = []
    parts: list[str] = []
    last = 0
    total = 0
    length = 0
    for m in _each(_INVISIBLE, text):
        parts.append(text[last : m.start()])
        length += m.start() - last
        total += m.end() - m.start()
        at.append(length)
        removed.append(total)
        last = m.end()
    parts.append(text[last:])
    return Normalised("".join(parts), tuple(at), tuple(removed))


_WS = re.compile(r"\s+")


def flatten(text: str) -> str:
    """Normalise and fold every run of whitespace (line breaks included) into one space."""
    return _WS.sub(" ", normalise(text).text)


# --- check digits and validity ------------------------------------------------------------


def mod11_ok(digits: str) -> bool:
    """True when 10 digits pass the modulus 11 check used by NHS and CHI numbers."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def is_nhs_number(digits: str) -> bool:
    """True when 10 digits pass the NHS number modulus 11 check."""
    return mod11_ok(digits)


def _ddmmyy_ok(six: str) -> bool:
    day, month, year = int(six[0:2]), int(six[2:4]), int(six[4:6])
    try:
        dt.date(2000 + year, month, day)
    except ValueError:
        # 29 February in a year that is a leap year only in the 1900s.
        return day == 29 and month == 2 and year % 4 == 0
    return True


def is_chi_number(digits: str) -> bool:
    """True when 10 digits start with a real date (DDMMYY) and pass the modulus 11 check."""
    return len(digits) == 10 and digits.isdigit() and _ddmmyy_ok(digits[:6]) and mod11_ok(digits)


def ssn_ok(area: str, group: str, serial: str) -> bool:
    """True for a social security number the US could issue (area, group and serial rules)."""
    # Numbers used in advertising and never issued to a person are still identifiers in
    # spirit, so only the structural rules are applied.
    return not (area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000")


_NI_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})

# --- patterns -----------------------------------------------------------------------------

# A separator inside a number: nothing, a space, dash or dot (spaces around it), or one line
# break with the indentation of the next line.
_SEP = r"(?:[ \t]{0,2}[-.]?[ \t]{0,2}|[ \t]{0,3}\r?\n[ \t]{0,40}(?:#[ \t]{0,3})?)"
_TEN = re.compile(
    # The first digit first, so that the search skips the text between digits quickly; what
    # may not come before it is looked at behind it. (Only the whole match is used.)
    # A hyphen after a letter (`pt-9434765919`) still starts a number; one between digits
    # makes it part of something longer (a date, a reference).
    r"\d(?<!\d\d)(?<!\d-\d)(?<!\d\.\d)"
    rf"(?:\d{{2}}{_SEP}\d{{3}}{_SEP}\d{{4}}|\d{{5}}{_SEP}\d{{4}})(?!\d)(?!-\d)(?!\.\d)"
)
_CHI_LABELLED = re.compile(
    r"(?=[cC])"
    r"\bCHI\b(?: (?:number|no\.?))?[ \t]{0,3}[:#=\-]?[ \t]{0,3}(\d{6})[ \t\-]?(\d{4})(?!\d)",
    re.I,
)
_NHS_LABEL = re.compile(
    r"(?=[nN])"
    r"\bnhs\b",
    re.I,
)
_CHI_LABEL = re.compile(
    r"(?=[cC])"
    r"\bchi\b",
    re.I,
)

_SSN_DASHED = re.compile(
    r"(?=[\d])"
    r"(?<![\d\-])(\d{3})-(\d{2})-(\d{4})(?![\d\-])"
)
_SSN_LABELLED = re.compile(
    r"(?=[sS])"
    r"\b(?:SSN|SS#|soc(?:ial)?\.? ?sec(?:urity)?\.?(?: (?:number|no\.?|num|#))?)"
    r"[ \t]{0,3}[:#=]?[ \t]{0,3}(?:is[ \t]{1,3})?(\d{3})[ .]?(\d{2})[ .]?(\d{4})(?!\d)",
    re.I,
)

_MRN_LABEL = (
    r"(?:\bMRN|\bM\.R\.N\.?|\bMR ?#|\bmedical record (?:number|no\.?|num|#)"
    r"|\bhospital (?:number|no\.?|num|#|id)"
    r"|\bhosp\.? ?(?:number|no\.?|num|#)|\bunit (?:number|no\.?)|\bpatient (?:id|identifier|number|no\.?|#)"
    r"|\bpt\.? ?(?:id|no\.?|number|#)|\bcase (?:number|no\.?)|\bPAS (?:number|no\.?|id)|\bK ?(?:number|no\.?)"
    r"|\bRTX (?:number|no\.?)|\bCRN\b|\bURN\b|\bU\.?R\.? (?:number|no\.?)|\bchart (?:number|no\.?|#)"
    r"|\bregistration (?:number|no\.?)|\bhealth (?:record|care) (?:number|no\.?))"
)
_MRN_LABELLED = re.compile(
    r"(?=[mhupckrMHUPCKR])" + _MRN_LABEL + r"[ \t]{0,3}(?:was|is|of)?[ \t]{0,3}[:#=\-]?[ \t]{0,3}"
    r"([A-Z]{0,3}[ \-]?\d{5,12}[A-Z]?|\d{2,4}[ \-]\d{3,4}[ \-]?\d{0,4})(?![\w/])",
    re.I,
)
# A hospital number with an NHS trust code in front, e.g. RHQ1234567.
_TRUST_NUMBER = re.compile(
    r"(?=[R])"
    r"\bR[A-Z][A-Z0-9]\d{6,8}\b"
)

_EMAIL = re.compile(
    r"(?=[A-Za-z0-9_%+])"
    r"(?<![A-Za-z0-9._%+'\-])[A-Za-z0-9_%+](?:[A-Za-z0-9._%+'\-]{0,63})@"
    r"[A-Za-z0-9][A-Za-z0-9\-]{0,62}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}\b"
)

_UK_PHONE = re.compile(
    r"(?=[+0(])"
    r"(?<![\w+])(?:(?:\+|00)[ \t]?44[ \t]?(?:\(0\)[ \t]?)?|\(0|0)"
    r"([1-9](?:\d{1,4}\)?[ \t\-.]?)(?:\d[ \t\-.]?){5,7}\d)(?![\d])"
)
_US_PHONE_FORMATTED = re.compile(
    r"(?=[+(\d])"
    r"(?<![\w+\-.])(?:(?:\+1|1)[ \t\-.]?)?"
    r"(?:\(([2-9]\d{2})\)[ \t]?|([2-9]\d{2})([\-.]))([2-9]\d{2})[\-. ](\d{4})(?![\d\-])"
    r"|(?<![\w+])\+1[ \t\-.]?([2-9]\d{2})[ \t\-.]?([2-9]\d{2})[ \t\-.]?(\d{4})(?!\d)"
)
_PHONE_LABEL = re.compile(
    r"(?=[tprcmnlhTPRCMNLH])"
    r"\b(?:tel|telephone|phone|phoned|ring|rang|call|called|mobile|mob|cell|contact(?: number)?|"
    r"number|text|texted|landline|home)\b\.?[ \t]{0,3}(?:no\.?|number|on|at)?[ \t]{0,3}[:#]?[ \t]{0,3}"
    r"(\(?\d{3}\)?[ \t\-.]?\d{3}[ \t\-.]?\d{4})(?!\d)",
    re.I,
)

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})(?![\d/])|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}(?!\d)"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ \t]{{1,2}}(?:of[ \t]{{1,2}})?{_MONTHS},?[ \t]{{1,2}}"
    r"(?:\d{4}|'?\d{2})(?!\d)"
    rf"|{_MONTHS}[ \t]{{1,2}}\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]{{1,2}}\d{{4}}(?!\d))"
)
_DOB_LABELLED = re.compile(
    r"(?=[dbDB])"
    r"(?:\bd\.?[ \t]?o\.?[ \t]?b\b\.?|\bdate[ \t]of[ \t]birth\b|\bbirth[ \t]?date\b|\bdob\b)"
    # One way only to read the gap between label and date (each run of spaces belongs to one
    # quantifier), so a label followed by no date is given up in one step, not after trying
    # every way of sharing its spaces between four optional parts.
    r"[ \t]{0,11}(?:(?:was|is|of)[ \t]{0,3})?(?:[:=\-][ \t]{0,3})?(?:\([ \t]{0,2})?"
    rf"({_DATE}|\d{{4}}(?!\d)|\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]?\d{{0,4}}|\d{{6,8}}(?!\d))",
    re.I,
)
_BORN = re.compile(
    r"(?=[bB])"
    rf"(?:\bborn\b(?:[ \t]on)?|(?<![\w.])b\.)[ \t]{{0,3}}[:=]?[ \t]{{0,3}}({_DATE})",
    re.I,
)

_NI = re.compile(
    r"(?=[A-Z])"
    r"(?<![\w])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])"
    r"[ \t]?(\d{2})[ \t]?(\d{2})[ \t]?(\d{2})[ \t]?([A-D])(?![\w])"
)
_NI_LABELLED = re.compile(
    r"(?=[nN])"
    r"\b(?:NI|NINO|national insurance)(?: (?:number|no\.?))?[ \t]{0,3}[:#]?[ \t]{0,3}"
    r"([a-z]{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[a-d])(?![\w])",
    re.I,
)

_UK_POSTCODE = re.compile(
    r"(?=[A-Z])"
    r"(?<![\w])([A-Z]{1,2}\d[A-Z\d]?)[ \t]?(\d[A-Z]{2})(?![\w])"
)
_US_STATES = [
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
    "DC",
]
_US_ZIP = re.compile(
    r"(?=[A-Z])"
    r"\b(?:" + "|".join(_US_STATES) + r"),?[ \t]{1,2}(\d{5}(?:-\d{4})?)(?![\d\-])"
)
_ADDRESS_WORD = re.compile(
    r"(?=[rsalcdwgtphmvfRSALCDWGTPHMVF])"
    r"\b(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|court|ct|grove|"
    r"terrace|place|pl|gardens|gdns|square|sq|hill|park|row|walk|mews|view|rise|flat|apartment|apt|"
    r"house|cottage|farm|lives|living|address|addr|home|resides|moved)\b\.?",
    re.I,
)
_INSTITUTION_WORD = re.compile(
    r"(?=[hicsptumodHICSPTUMOD])"
    r"\b(?:hospital|infirmary|clinic|centre|center|surgery|practice|trust|university|medical|"
    r"health|headquarters|HQ|offices?|department)\b",
    re.I,
)

_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Master|Mister|Madam)"
_NAME = r"(?:[A-Z][a-z'\u2019]{1,20}(?:-[A-Z][a-z'\u2019]{1,20})?|O'[A-Z][a-z]{1,20}|Mc[A-Z][a-z]{1,20})"
_TITLED_NAME = re.compile(
    r"(?=[M])"
    rf"(?<![\w])(?:{_TITLE})\.?(?:[ \t]{{1,2}}|[ \t]?\r?\n[ \t]{{0,40}})(?:[A-Z]\.?[ \t]{{0,2}}){{0,2}}"
    rf"{_NAME}(?:[ \t]{_NAME})?"
)
_LOCATION = re.compile(
    r"(?=[bwrsctpioBWRSCTPIO])"
    r"\b(?:bed|bay|ward|room|side[ \t\-]?room|cubicle|chair|trolley|bed[ \t]space|pod|SR)[ \t]{0,2}"
    r"(?:no\.?[ \t]?)?(?:\d{1,3}[a-z]?\b|[A-Z]\b)"
    r"|\bside[ \t\-]?room\b|\b(?:in|on|to)[ \t]ward[ \t](?:\d{1,3}|[A-Z][a-z]{2,20})\b",
    re.I,
)
_PATIENT_NAMED = re.compile(
    r"(?=[pcrsPCRS])"
    r"(?i:\b(?:patient|pt|client|resident|service user|patient's name)[ \t]{0,2}(?:called|named|is|was|name)?"
    rf"[ \t]{{0,2}}[:,\-]?[ \t]{{1,2}})({_NAME}(?:[ \t][A-Z]\.)?[ \t]{_NAME})(?![\w])",
)
# A consultant surgeon is "Mr" too: "Mr Patel's clinic in room 3" names the clinic, not a patient.
_STAFF_POSSESSIVE = re.compile(
    r"['\u2019]s[ \t](?:clinic|list|team|firm|secretary|theatre|patients|ward round|session|registrar)\b",
    re.I,
)
_STAFF_ROLE = re.compile(
    r"(?=[csrdnmptlCSRDNMPTL])"
    r"\b(?:consultant|surgeon|registrar|doctor|nurse|sister|matron|manager|coach|physio(?:therapist)?|"
    r"therapist|pharmacist|dietitian|receptionist|clerk|secretary|director|colleague)[ \t,]{1,3}$",
    re.I,
)
# Capitalised words that follow "patient" without being a name ("Patient Experience Team").
_NOT_NAMES = frozenset(
    [
        "experience",
        "experiences",
        "team",
        "teams",
        "partner",
        "partners",
        "group",
        "groups",
        "council",
        "panel",
        "forum",
        "safety",
        "flow",
        "advice",
        "liaison",
        "service",
        "services",
        "record",
        "records",
        "day",
        "days",
        "transport",
        "survey",
        "surveys",
        "story",
        "stories",
        "voice",
        "voices",
        "leader",
        "leaders",
        "information",
        "hub",
        "portal",
        "access",
        "admin",
        "administration",
        "centred",
        "care",
        "pathway",
        "pathways",
        "tracking",
        "list",
        "lists",
        "reported",
        "outcome",
        "outcomes",
        "measure",
        "measures",
        "feedback",
        "involvement",
        "participation",
        "engagement",
        "representative",
        "representatives",
        "champion",
        "champions",
        "and",
        "or",
        "the",
        "of",
        "for",
        "with",
        "at",
        "in",
        "on",
        "by",
        "to",
        "from",
        "a",
        "an",
        "is",
        "was",
        "were",
        "be",
        "been",
        "are",
        "as",
        "its",
        "rep",
        "reps",
        "led",
        "initiated",
        "knows",
        "know",
        "first",
        "focus",
        "focused",
        "public",
        "family",
        "families",
        "carer",
        "carers",
        "education",
        "portal",
        "leaflet",
        "leaflets",
        "letter",
        "letters",
        "notes",
        "note",
        "identifiable",
        "identifier",
        "level",
        "levels",
        "flow",
        "flows",
        "choice",
        "choices",
        "safety",
        "satisfaction",
        "questionnaire",
        "friends",
        "test",
        "experience.",
        "journey",
        "journeys",
        "owned",
        "owner",
        "owners",
        "director",
        "directors",
        "lead",
        "leads",
        "management",
        "system",
        "systems",
        "administration",
        "demographics",
        "spine",
        "summary",
        "portal",
        "app",
    ]
)


class _Taken:
    """Non-overlapping spans already claimed by a match, sorted, for O(log n) overlap tests."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add_if_free(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, start)
        if i > 0 and self.ends[i - 1] > start:
            return False
        if i < len(self.starts) and self.starts[i] < end:
            return False
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        return True


# More candidates than this for one detector in one text means the text is not a workbook's
# prose: the rest are not examined, so that a hostile file cannot make the check slow.
MAX_CANDIDATES = 20_000


def _each(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    return itertools.islice(pattern.finditer(text), MAX_CANDIDATES)


def _each_from(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """What :func:`_each` gives, trying ``pattern`` only at ``starts``.

    ``starts`` must hold every offset where a match of ``pattern`` can begin (more do no
    harm), and ``pattern`` must never match the empty string. Like ``finditer``, each match
    is looked for from the end of the one before, so the same matches come out, in the same
    order; a pattern that cannot start at most offsets is then tried at a few instead of
    being run over the whole text.
    """
    end = 0
    found = 0
    for start in sorted(set(starts)):
        if start < end:
            continue
        m = pattern.match(text, start)
        if m is None:
            continue
        yield m
        found += 1
        if found >= MAX_CANDIDATES:
            return
        end = m.end()


def _occurrences(text: str, words: Iterable[str]) -> Iterator[int]:
    """Every offset where one of ``words`` starts in ``text``."""
    for word in words:
        at = text.find(word)
        while at >= 0:
            yield at
            at = text.find(word, at + 1)


class _Context:
    """One text and, computed once each, the spans of the words that give a match its meaning."""

    def __init__(self, text: str, long_numbers: bool = True, gated: bool = True) -> None:
        self.text = text
        # False to run every pattern over the text, skipping none on a quick look.
        self.gated = gated
        # False when the text holds no chain of five digits (see _has_long_number).
        self.long_numbers = long_numbers
        self._spans: dict[re.Pattern[str], tuple[list[int], list[int]]] = {}
        self._lower: str | None = None

    def ascii_lower(self) -> str | None:
        """The text in lower case when quick looks apply to it (gated, and ASCII only), else None.

        Case-insensitive patterns also take a few non-ASCII letters for ASCII ones (the
        Kelvin sign for k, the long s for s, the dotless i for i): only in an ASCII text does a
        word missing from the lower-case text prove that such a pattern cannot match.
        """
        if not self.gated or not self.text.isascii():
            return None
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    def has(self, pattern: re.Pattern[str]) -> bool:
        """True when ``pattern`` occurs anywhere in the text."""
        return self.near(pattern, 0, len(self.text), 0, 0)

    def near(self, pattern: re.Pattern[str], start: int, end: int, before: int, after: int) -> bool:
        """True when a match of ``pattern`` overlaps [start - before, end + after)."""
        spans = self._spans.get(pattern)
        if spans is None:
            starts: list[int] = []
            ends: list[int] = []
            for m in _each(pattern, self.text):
                starts.append(m.start())
                ends.append(m.end())
            spans = self._spans[pattern] = (starts, ends)
        starts, ends = spans
        i = bisect.bisect_right(ends, start - before)
        return i < len(starts) and starts[i] < end + after


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def _ten_digit(ctx: _Context) -> Iterator[Match]:
    text = ctx.text
    for m in _each(_TEN, text):
        digits = _digits(m.group(0))
        if len(digits) != 10 or not mod11_ok(digits):
            continue
        labelled_chi = ctx.near(_CHI_LABEL, m.start(), m.start(), 30, 0)
        labelled_nhs = ctx.near(_NHS_LABEL, m.start(), m.start(), 30, 0)
        if labelled_chi or (not labelled_nhs and _ddmmyy_ok(digits[:6]) and digits[0] in "0123"):
            yield Match("chi-number", m.start(), m.end())
        else:
            yield Match("nhs-number", m.start(), m.end())


def _chi_labelled(ctx: _Context) -> Iterator[Match]:
    text = ctx.text
    # A CHI number whose check digit is wrong is still a date of birth plus a serial.
    for m in _each(_CHI_LABELLED, text):
        if _ddmmyy_ok(m.group(1)):
            yield Match("chi-number", m.start(1), m.end())


def _ssn(ctx: _Context) -> Iterator[Match]:
    text = ctx.text
    for m in _each(_SSN_DASHED, text):
        if ssn_ok(m.group(1), m.group(2), m.group(3)):
            yield Match("ssn", m.start(), m.end())
    for m in _each(_SSN_LABELLED, text):
        if ssn_ok(m.group(1), m.group(2), m.group(3)):
            yield Match("ssn", m.start(1), m.end())


def _hospital_number(ctx: _Context) -> Iterator[Match]:
    text = ctx.text
    for m in _each(_MRN_LABELLED, text):
        if sum(ch.isdigit() for ch in m.group(1)) >= 5:
            yield Match("hospital-number", m.start(1), m.end(1))
    for m in _each(_TRUST_NUMBER, text):
        yield Match("hospital-number", m.start(), m.end())


def _email(ctx: _Context) -> Iterator[Match]:
    for m in _each(_EMAIL, ctx.text):
        yield Match("email", m.start(), m.end())


def _phone(ctx: _Context) -> Iterator[Match]:
    text = ctx.text
    for m in _each(_UK_PHONE, text):
        national = _digits(m.group(1))
        if (
            len(national) in (9, 10)
            and national[0] in "1235789"
            and not (national[0] == "7" and len(national) != 10)
        ):
            yield Match("phone-number", m.start(), m.end())
    for m in _each(_US_PHONE_FORMATTED, text):
        yield Match("phone-number", m.start(), m.end())
    for m in _each(_PHONE_LABEL, text):
        d = _digits(m.group(1))
        if d[0] in "23456789" and d[3] in "23456789":
            yield Match("phone-number", m.start(1), m.end(1))


# Every label of a date of birth holds "birth", or d, o, b in a row (with dots or a space
# between): a quick look for those in lower case spares the two patterns most texts. Only
# ASCII text is looked at this way: case-insensitive matching also takes a few non-ASCII
# letters (the dotless i) for ASCII ones.
_DOB_HINT = re.compile(r"d\.?[ \t]?o\.?[ \t]?b")


def _dob(ctx: _Context) -> Iterator[Match]:
    text = ctx.text
    low = ctx.ascii_lower()
    if low is None or "birth" in low or _DOB_HINT.search(low):
        for m in _each(_DOB_LABELLED, text):
            yield Match("date-of-birth", m.start(), m.end())
    if low is None or "born" in low or "b." in low:
        for m in _each(_BORN, text):
            yield Match("date-of-birth", m.start(), m.end())


def _ni(ctx: _Context) -> Iterator[Match]:
    text = ctx.text
    for m in _each(_NI, text):
        if m.group(1) not in _NI_BAD_PREFIXES:
            yield Match("ni-number", m.start(), m.end())
    for m in _each(_NI_LABELLED, text):
        prefix = m.group(1)[:2].upper()
        if prefix not in _NI_BAD_PREFIXES and prefix[0] not in "DFIQUV" and prefix[1] not in "DFIOQUV":
            yield Match("ni-number", m.start(1), m.end(1))


# Every UK postcode starts with one or two capital letters and a digit (the pattern matches
# case as written): with a capital right before a digit.
_CAPITAL_DIGIT = re.compile(r"[A-Z]\d")


def _postcode(ctx: _Context) -> Iterator[Match]:
    text = ctx.text
    if ctx.gated:
        # A postcode starts at the capital right before a digit, or at the one before that.
        pairs = [m.start() for m in _CAPITAL_DIGIT.finditer(text)]
        uk = _each_from(_UK_POSTCODE, text, [*pairs, *(p - 1 for p in pairs if p > 0)])
    else:
        uk = _each(_UK_POSTCODE, text)
    for m in uk:
        if _in_address(ctx, m.start(), m.end()):
            yield Match("postcode", m.start(), m.end())
    if not ctx.long_numbers:
        return
    for m in _each(_US_ZIP, text):
        if _in_address(ctx, m.start(), m.end()) or re.search(
            r"[A-Z][a-z]+,[ \t]?$", text[max(0, m.start() - 30) : m.start()]
        ):
            yield Match("postcode", m.start(1), m.end(1))
    for m in _each(_BARE_ZIP, text):
        if _person_before(text, m.start()):
            yield Match("postcode", m.start(), m.end())


# "John Smith, S10 2JF": a person's name right before a postcode or ZIP code.
_NAME_BEFORE = re.compile(r"(?=[A-Z])\b[A-Z][a-z'\-]{1,20}[ \t][A-Z][a-z'\-]{1,20},[ \t]{0,2}$")
_BARE_ZIP = re.compile(r"(?=\d)(?<![\w\-.])\d{5}(?:-\d{4})?(?![\w\-])")


def _person_before(text: str, start: int) -> bool:
    m = _NAME_BEFORE.search(text, max(0, start - 45), start)
    return m is not None and not _INSTITUTION_WORD.search(m.group(0)) and not _ADDRESS_WORD.search(m.group(0))


def _in_address(ctx: _Context, start: int, end: int) -> bool:
    if _person_before(ctx.text, start):
        return True
    if ctx.near(_INSTITUTION_WORD, start, end, 60, 10):
        return False
    return (
        ctx.near(_ADDRESS_WORD, start, end, 60, 0)
        or ctx.near(_TITLED_NAME, start, end, 60, 30)
        or ctx.near(_PATIENT_NAMED, start, end, 60, 0)
    )


# Every title starts one of these (the titled-name pattern matches case as written).
_TITLE_STARTS = ("Mr", "Ms", "Mx", "Miss", "Master", "Mister", "Madam")
# One search for any of them (from each `M`), not one for each.
_TITLE_HINT = re.compile("|".join(_TITLE_STARTS))
# Every word that introduces a named patient holds one of these, in any case.
_PATIENT_WORDS = ("patient", "pt", "client", "resident", "service user")


def _patient_name(ctx: _Context) -> Iterator[Match]:
    text = ctx.text
    titled = not ctx.gated or _TITLE_HINT.search(text) is not None
    for m in _each(_TITLED_NAME, text) if titled else ():
        if not ctx.near(_LOCATION, m.start(), m.end(), 30, 30):
            continue
        if _STAFF_POSSESSIVE.match(text, m.end() - 2) or _STAFF_POSSESSIVE.match(text, m.end()):
            continue
        # "The consultant, Mr Hughes, runs room 2": a role right before the name is staff.
        if not _STAFF_ROLE.search(text, max(0, m.start() - 30), m.start()):
            yield Match("patient-name", m.start(), m.end())
    low = ctx.ascii_lower()
    # In an ASCII text a named patient can only start where one of the words does.
    named = (
        _each(_PATIENT_NAMED, text)
        if low is None
        else _each_from(_PATIENT_NAMED, text, _occurrences(low, _PATIENT_WORDS))
    )
    for m in named:
        words = re.split(r"[ \t]+", m.group(1).lower())
        if not any(w.rstrip(".") in _NOT_NAMES for w in words):
            yield Match("patient-name", m.start(1), m.end(1))


# Order matters: when two matches overlap, the earlier detector wins (an NHS number is not
# also reported as a phone number).
# The last field: the detector finds only identifiers of five digits or more (see the gate).
DETECTORS: tuple[tuple[str, Callable[[_Context], Iterator[Match]], Callable[[str], bool], bool], ...] = (
    ("ten-digit", _ten_digit, lambda t: True, True),
    ("chi-number", _chi_labelled, lambda t: True, True),
    ("ssn", _ssn, lambda t: True, True),
    ("date-of-birth", _dob, lambda t: True, False),
    ("hospital-number", _hospital_number, lambda t: True, True),
    ("email", _email, lambda t: "@" in t, False),
    ("phone-number", _phone, lambda t: True, True),
    ("ni-number", _ni, lambda t: True, True),
    ("postcode", _postcode, lambda t: True, False),  # ZIP codes inside it are gated there
    ("patient-name", _patient_name, lambda t: True, False),
)

_HAS_DIGIT = re.compile(r"\d")

# --- the long-number gate -----------------------------------------------------------------
# Most detectors look for identifiers of five digits or more (NHS, CHI, SSN, hospital and NI
# numbers, phone numbers, ZIP codes), whose digits are joined by at most these separators
# (each pattern's own separators are narrower: spaces, tabs, dashes, dots, brackets, or one
# line break with the next line's indentation and comment mark). A text with no such chain
# of five digits cannot hold any of them, so their patterns are not run over it: in a
# workbook, most files hold only dates and small numbers, and those patterns were half of
# the time a check spends.
_CHAIN_SEP = r"(?:[ \t\-.()/]{1,5}|[ \t]{0,3}\r?\n[ \t]{0,40}(?:#[ \t]{0,3})?)"
_FIVE_DIGITS = re.compile(rf"\d(?:{_CHAIN_SEP}?\d){{4}}")
# An ISO date (2024-03-01) standing alone, with no digit within a separator after it, and
# after a key, a comma or a bracket (with one space between or none), or at the very start of
# a line (as the rows of a CSV file begin) whose line break has neither a digit nor a space
# right before it: no identifier the gate guards is inside one (none has 8 digits grouped
# 4-2-2), and no chain of digits can reach into it from either side (a chain crosses a line
# break only from a digit followed by at most spaces), so its digits do not open the gate.
# Scanned left to right, a lone date is taken whole, so a chain is only found outside one.
# Both alternatives start with their first digit, so the search skips the text between
# digits quickly; what comes before a lone date is looked at behind that digit. Neither can
# start right after a digit (a lone date never does, and a chain that could would have been
# found from the first digit of its run), so the search passes over such digits at once.
_BEFORE_DATE = r"[A-Za-z:,\[{\"'=]"
_LONE_DATE_OR_CHAIN = re.compile(
    r"\d(?<!\d\d)(?:(?=\d{3}-\d\d-\d\d)"
    rf"(?:(?<={_BEFORE_DATE} \d)|(?<=[^\d \t\r]\n\d)|(?<={_BEFORE_DATE}\d)|(?<=[^\d \t]\r\n\d))"
    rf"\d{{3}}-\d\d-\d\d(?!\d|{_CHAIN_SEP}\d)"
    rf"|((?:{_CHAIN_SEP}?\d){{4}}))"
)


def _has_long_number(text: str) -> bool:
    """True when ``text`` may hold an identifier of five or more digits (a necessary condition)."""
    if _FIVE_DIGITS.search(text) is None:
        return False
    return any(m.group(1) is not None for m in _LONE_DATE_OR_CHAIN.finditer(text))


def find(text: str, *, gate_off: bool = False) -> list[Match]:
    """Every identifier in ``text``, as (kind, start, end) in ``text``'s own offsets, in order.

    Look-alike spaces and dashes, invisible characters and a line break inside a number
    do not hide an identifier. ``gate_off`` runs every pattern whatever the text holds,
    without the quick looks that skip patterns which cannot match (the tests compare both ways).
    """
    if len(text) <= _REMEMBERED_LENGTH and not gate_off:
        return list(_find_remembered(text))
    return _find(text, gate_off)


# The same texts are scanned more than once in one process: the folder and file names of
# every path a finding names (masked_path), a workbook's files when several reports or the
# privacy gate read it again, and the examples by each of the test suite's commands (there,
# nine scans in ten repeat one made before). What was found in a text of up to 4 KB (a name,
# a value, most workbook files) is remembered; a longer one (a long series, a hostile
# megabyte) is scanned afresh, so memory stays within about 10 MB and the scanner's time
# limits are measured on real work.
_REMEMBERED_LENGTH = 4096


@functools.lru_cache(maxsize=2048)
def _find_remembered(text: str) -> tuple[Match, ...]:
    return tuple(_find(text, False))


def _find(text: str, gate_off: bool) -> list[Match]:
    norm = normalise(text)
    t = norm.text
    has_digit = _HAS_DIGIT.search(t) is not None
    ctx = _Context(t, has_digit and (gate_off or _has_long_number(t)), not gate_off)
    taken = _Taken()
    found: list[Match] = []
    for name, detector, applies, long_only in DETECTORS:
        if name != "patient-name" and name != "email" and not has_digit:
            continue
        if long_only and not ctx.long_numbers:
            continue
        if not applies(t):
            continue
        for m in detector(ctx):
            if taken.add_if_free(m.start, m.end):
                found.append(m)
    found.sort(key=lambda m: (m.start, m.end))
    if norm._at:
        found = [Match(m.kind, norm.original(m.start), norm.original(m.end - 1) + 1) for m in found]
    return found


# --- masking ------------------------------------------------------------------------------


def mask(kind: str, fragment: str) -> str:
    """A masked form of a matched identifier that shows its shape but never its content.

    At most the first three characters of a number or code stay (none of a date of birth),
    an e-mail address keeps its first letter and the end of its domain, a name its title or
    first letter.
    """
    fragment = flatten(fragment).strip()
    if kind == "email":
        local, _, domain = fragment.partition("@")
        tail = ".".join(domain.split(".")[-2:]) if domain.count(".") >= 1 else "***"
        return f"{local[:1]}***@***.{tail}"
    if kind == "patient-name":
        words = fragment.split()
        if words and re.fullmatch(_TITLE + r"\.?", words[0]):
            return words[0] + " " + (words[-1][:1] + "***" if len(words) > 1 else "***")
        return " ".join(w[:1] + "***" for w in words[:2])
    if kind == "date-of-birth":
        label = re.match(
            r"(?i)(?:d\.?\s?o\.?\s?b\b\.?|date of birth|birth ?date|born(?: on)?|b\.)[\s:=\-(]*", fragment
        )
        head = label.group(0) if label else ""
        return head + re.sub(r"[A-Za-z0-9]", "*", fragment[len(head) :])
    keep = 3 if kind in ("nhs-number", "phone-number") else 2
    out = []
    shown = 0
    for ch in fragment:
        if ch.isalnum():
            out.append(ch if shown < keep else "*")
            shown += 1
        else:
            out.append(ch)
    return "".join(out)


def masked(text: str) -> str:
    """``text`` with every identifier in it replaced by its masked form (:func:`mask`)."""
    for m in reversed(find(text)):
        text = text[: m.start] + mask(m.kind, text[m.start : m.end]) + text[m.end :]
    return text
