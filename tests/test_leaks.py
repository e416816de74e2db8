"""No patient identifier ever leaves a workbook: the leak test.

Every kind of identifier in the table below is put into every text field of every
record of a copy of the CF clinic example (each string scalar of each YAML file,
found by walking the documents, not by naming fields) and into every note cell of
its CSV data; then every command that writes output, or writes into the workbook,
is run in every format. Each must refuse: exit 1, name each file and line, write
nothing, and print no byte of the identifier (nor of its digits or other
normalised forms).

Kinds the scanner does not find yet are skipped, not left out: the moment the
scanner finds one, it is tested here for real.

Refusals happen before anything is drawn, so the whole matrix takes seconds. The
second half renders for real: a file with other errors (an unknown key, an unknown
reference, a bad CSV row) must contribute nothing to any report or chart.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from ruamel.yaml import YAML

from microsys.workbook import privacy
from tests.conftest import EXAMPLES, NOT_SOURCE, call, unchanged

TODAY = "2026-11-22"


@dataclass(frozen=True)
class Sample:
    """An identifier as a ward might type it, and the kind of identifier it is."""

    kind: str
    text: str

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.text}"

    def forms(self) -> list[str]:
        """The text, and forms an output could turn it into: no spaces, digits only, ISO date."""
        forms = {self.text, re.sub(r"\s+", "", self.text)}
        digits = re.sub(r"\D", "", self.text)
        if len(digits) >= 6:
            forms.add(digits)
        for d, m, y in re.findall(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", self.text):
            forms |= {f"{y}-{int(m):02d}-{int(d):02d}", f"{d}/{m}/{y}"}
        return sorted(forms)


SAMPLES = [
    Sample("nhs-number", "943 476 5919"),
    Sample("nhs-number", "9434765919"),
    Sample("nhs-number", "943-476-5919"),
    Sample("date-of-birth", "DOB 12/03/1951"),
    Sample("date-of-birth", "date of birth: 12.03.1951"),
    Sample("date-of-birth", "born 12/03/1951"),
    Sample("date-of-birth", "d.o.b. 12/03/1951"),
    Sample("email", "jane.doe@example.nhs.uk"),
    Sample("phone-uk", "07912 345678"),
    Sample("phone-uk", "0114 271 1900"),
    Sample("phone-us", "(415) 555-0132"),
    Sample("mrn", "MRN: 00482913"),
    Sample("hospital-number", "hospital number K1234567"),
    Sample("ssn", "SSN 536-90-4371"),
    Sample("ni-number", "NI number JC 12 34 56 D"),
    Sample("chi-number", "CHI 1203511237"),
    Sample("postcode-name", "John Smith, S10 2JF"),
    Sample("zip-name", "Mary Jones, 94110"),
    Sample("titled-name-bed", "Mrs Patel in bed 4"),
    Sample("titled-name-ward", "Mr O'Brien on ward 3"),
]


def found_by_scanner(sample: Sample) -> bool:
    """Whether the privacy scan finds the sample on its own."""
    return bool(privacy.scan_text(Path("sample.txt"), sample.text))


ACTIVE = [s for s in SAMPLES if found_by_scanner(s)]


def sample_params() -> list[object]:
    return [
        pytest.param(
            s,
            id=s.id,
            marks=pytest.mark.skipif(
                not found_by_scanner(s), reason=f"the privacy scan does not find {s.kind} yet"
            ),
        )
        for s in SAMPLES
    ]


def test_the_table_holds_every_kind_the_scanner_finds_today() -> None:
    """The kinds found today stay found: a scanner that lost one would empty the matrix silently."""
    assert {"nhs-number", "date-of-birth"} <= {s.kind for s in ACTIVE}


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=2, offset=0)
    return y


def _strings(node: object) -> Iterator[tuple[object, object]]:
    """(container, key) of every string scalar below node, in document order."""
    if isinstance(node, dict):
        pairs: Iterator[tuple[object, object]] = iter(node.items())
    elif isinstance(node, list):
        pairs = iter(enumerate(node))
    else:
        return
    for key, value in pairs:
        if isinstance(value, str):
            yield node, key
        else:
            yield from _strings(value)


# Put where a sample goes; samples replace it as quoted scalars or cells, so any text fits.
TOKEN = "Qx7placeholder"
_TOKEN = re.compile(re.escape(TOKEN))


@dataclass(frozen=True)
class Template:
    """A copy of the CF clinic with TOKEN in every string scalar (fields) or every CSV note (notes)."""

    root: Path
    files: tuple[str, ...]


# The files of the "mixed" template: free text of several kinds of record, and CSV notes.
MIXED = {"pdsa/PDSA-2.yaml", "meetings/2026-02-19.yaml", "5ps/patients.yaml", "change-ideas.yaml"}


def make_template(root: Path, where: str) -> Template:
    """Put TOKEN into every string scalar of every YAML file ("fields"), or every note cell of
    every CSV ("notes"), or both in a few files ("mixed": fields of MIXED, and the notes).

    Fields and notes of all files are separate rounds: a measure whose fields hold identifiers
    is not valid, and the notes of its CSV are then never read (nor shown). The mixed template
    is for running every command: each file with findings is parsed again for positions,
    which is most of the time a refusal takes.
    """
    y = _yaml()
    files = []
    for path in sorted(root.rglob("*.yaml")) if where != "notes" else []:
        if where == "mixed" and path.relative_to(root).as_posix() not in MIXED:
            continue
        data = y.load(path.read_text(encoding="utf-8"))
        for container, key in list(_strings(data)):
            container[key] = TOKEN  # type: ignore[index]
        buf = io.StringIO()
        y.dump(data, buf)
        path.write_text(buf.getvalue(), encoding="utf-8")
        files.append(path.relative_to(root).as_posix())
    for path in sorted(root.rglob("*.csv")) if where != "fields" else []:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        header = [h.strip().lower() for h in rows[0]]
        if "note" in header:
            for row in rows[1:]:
                row[header.index("note")] = TOKEN
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows(rows)
            path.write_text(buf.getvalue(), encoding="utf-8")
            files.append(path.relative_to(root).as_posix())
    assert files
    return Template(root, tuple(files))


def poison(template: Template, dest: Path, pick: Iterator[Sample]) -> dict[tuple[str, int], Sample]:
    """A copy of the template at dest with each TOKEN replaced by the next sample of ``pick``.

    Returns the place of each: (workbook-relative path, line) -> sample.
    """
    shutil.copytree(template.root, dest)
    placed: dict[tuple[str, int], Sample] = {}
    for rel in template.files:
        path = dest / rel
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for n, line in enumerate(lines, start=1):

            def put(_: re.Match[str], n: int = n, rel: str = rel) -> str:
                sample = next(pick)
                placed[rel, n] = sample
                if rel.endswith(".csv"):
                    return '"' + sample.text.replace('"', '""') + '"'
                return json.dumps(sample.text)  # a JSON string is a YAML double-quoted scalar

            lines[n - 1] = _TOKEN.sub(put, line)
        path.write_text("".join(lines), encoding="utf-8")
    assert placed, "nothing was placed"
    return placed


def cycle(samples: list[Sample]) -> Iterator[Sample]:
    while True:
        yield from samples


def copy_cf(dest: Path) -> Path:
    shutil.copytree(EXAMPLES / "sheffield-cf-clinic", dest, ignore=NOT_SOURCE)
    return dest


def writers(wb: Path, out: Path, clean_csv: Path) -> list[list[str]]:
    """Every command that writes output or writes into a workbook, in every format, and those that
    print what a workbook holds."""
    w = str(wb)
    commands: list[list[str]] = [
        ["report", w, "--today", TODAY],
        ["report", w, "--kind", "playbook", "-f", "md", "--today", TODAY],
        ["report", w, "--kind", "summary", "-f", "html", "--today", TODAY],
        ["report", w, "--kind", "all", "-f", "pdf", "-f", "html", "-f", "md", "--out", str(out / "r")],
        ["report", str(wb.parent), "--all", "-f", "html", "--out", str(out / "all")],
    ]
    commands += [
        ["chart", w],
        ["chart", w, "clinic-wait", "--out", str(out / "wait.svg")],
        ["chart", w, "seen-within-15", "--out", str(out / "seen.png")],
        ["chart", w, "-f", "json"],
        ["chart", w, "clinic-wait", "-f", "json"],
        ["new", "pdsa", w, "--change", "C1", "--today", TODAY],
        ["new", "sdsa", w, "--change", "C1", "--today", TODAY],
        ["new", "measure", w, "--id", "new-measure", "--name", "New", "--unit", "minutes", "--csv"],
        ["new", "change", w, "--title", "another idea", "--today", TODAY],
        ["new", "meeting", w, "--date", TODAY],
        ["new", "theme", w, "--title", "another theme", "--today", TODAY],
        [
            "new",
            "playbook",
            w,
            "--id",
            "new-entry",
            "--title",
            "New entry",
            "--change",
            "C1",
            "--today",
            TODAY,
        ],
        ["measure", "add", w, "clinic-wait", "2026-11-21", "30", "--today", TODAY],
        ["measure", "import", w, "clinic-wait", str(clean_csv), "--today", TODAY],
        ["ramp", "next", w, "--by", "A Lead", "--force", "--reason", "test", "--today", TODAY],
        ["ramp", "next", w, "--by", "A Lead", "--dry-run", "--today", TODAY],
        ["coach", "next", w, "--by", "A Lead", "--force", "--reason", "test", "--today", TODAY],
        ["coach", "next", w, "--by", "A Lead", "--dry-run", "--today", TODAY],
        # Not writers, but what they print goes to terminals and CI logs.
        ["ramp", "status", w, "--today", TODAY],
        ["ramp", "status", w, "-f", "json", "--today", TODAY],
        ["ramp", "history", w],
        ["coach", "status", w, "-f", "json", "--today", TODAY],
        ["coach", "history", w],
    ]
    return commands


_PLACE = re.compile(r"^\s+(\S+?):(\d+):(\d+): (an? [^\[]+) \[(privacy\.[a-z0-9.-]+)\]$", re.M)


def named_places(err: str, root: Path) -> set[tuple[str, int]]:
    """(workbook-relative path, line) of each place a refusal names."""
    places = set()
    for m in _PLACE.finditer(err):
        path = Path(m.group(1))
        rel = path.resolve().relative_to(root.resolve())
        places.add((rel.as_posix(), int(m.group(2))))
    return places


def assert_no_leak(samples: list[Sample], *texts: str) -> None:
    for sample in samples:
        for form in sample.forms():
            for text in texts:
                assert form not in text, f"{form!r} ({sample.kind}) was printed"


def assert_refused(
    code: int, out: str, err: str, root: Path, placed: dict[tuple[str, int], Sample], argv: list[str]
) -> None:
    assert code == 1, (argv, out, err)
    assert "patient-identifiable" in err, (argv, err)
    missing = set(placed) - named_places(err, root)
    assert not missing, f"{argv}: places not named: {sorted(missing)[:5]}"
    assert_no_leak(sorted(set(placed.values()), key=lambda s: s.id), out, err)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Template]:
    """The CF clinic with TOKEN in every text field; in every CSV note; in both, in a few files."""
    return {
        where: make_template(copy_cf(tmp_path_factory.mktemp(where) / "cf"), where)
        for where in ("fields", "notes", "mixed")
    }


def _command_ids() -> list[str]:
    return [" ".join(a for a in argv if "/" not in a) for argv in writers(Path("wb"), Path("out"), Path("x"))]


@pytest.mark.parametrize("index", range(len(_command_ids())), ids=_command_ids())
def test_every_writer_refuses_a_workbook_holding_identifiers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, templates: dict[str, Template], index: int
) -> None:
    """Every kind the scanner finds, round-robin over text fields and notes; every command and format.

    (Every field of every file, kind by kind, is the next test's.)
    """
    wb = tmp_path / "repo" / "cf"
    placed = poison(templates["mixed"], wb, cycle(ACTIVE))
    out = tmp_path / "out"
    clean = tmp_path / "clean.csv"
    clean.write_text("date,value,note\n2026-11-20,31,quiet clinic\n", encoding="utf-8")
    before = unchanged(tmp_path)
    argv = writers(wb, out, clean)[index]
    code, stdout, stderr = call(capsys, *argv)
    assert_refused(code, stdout, stderr, wb, placed, argv)
    assert unchanged(tmp_path) == before, f"{argv} changed files"
    assert not out.exists()


# Every kind the scanner finds, one after another: what each place of the next test holds.
SEPARATOR = " | "


def poison_with_every_kind(template: Template, dest: Path) -> tuple[Sample, set[tuple[str, int, int]]]:
    """A copy of the template at dest with every TOKEN replaced by every active sample, in a row.

    Returns that text and the place each copy of it starts: (path, line, column), 1-based.
    """
    every = Sample("every kind", SEPARATOR.join(s.text for s in ACTIVE))
    placed = poison(template, dest, cycle([every]))
    starts = set()
    for rel, line in placed:
        # (how poison() quotes it; a sample that needs escaping would move the columns)
        quoted = json.dumps(every.text) if rel.endswith(".yaml") else '"' + every.text + '"'
        assert quoted[1:-1] == every.text and '"' not in every.text
        text = (dest / rel).read_text(encoding="utf-8").splitlines()[line - 1]
        at = text.find(quoted)
        while at >= 0:
            starts.add((rel, line, at + 2))  # 1-based, after the opening quote
            at = text.find(quoted, at + len(quoted))
    return every, starts


def named_findings(err: str, root: Path) -> set[tuple[str, int, int, str]]:
    """(workbook-relative path, line, column, rule) of each finding a refusal names."""
    found = set()
    for m in _PLACE.finditer(err):
        rel = Path(m.group(1)).resolve().relative_to(root.resolve()).as_posix()
        found.add((rel, int(m.group(2)), int(m.group(3)), m.group(5)))
    return found


@pytest.mark.parametrize("where", ["fields", "notes"])
def test_each_kind_in_every_field_is_refused_at_its_place(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, templates: dict[str, Template], where: str
) -> None:
    """Every kind in every string scalar or note cell: each is named at its own place, none printed.

    Each place holds every kind the scanner finds, one after another; the refusal must
    name each of them at its own line and column with the rule that finds it alone, so a
    kind missed at any place fails and is named. `report` stands for every command here:
    they all refuse through the same gate (the previous test runs each of them).
    """
    wb = tmp_path / "cf"
    every, starts = poison_with_every_kind(templates[where], wb)
    expected = set()
    offset = 0
    for sample in ACTIVE:
        for finding in privacy.scan_text(Path("sample.txt"), sample.text):
            column = offset + int(finding.location.rsplit(":", 1)[1]) - 1
            expected |= {(rel, line, start + column, finding.rule, sample.id) for rel, line, start in starts}
        offset += len(sample.text) + len(SEPARATOR)
    before = unchanged(tmp_path)
    argv = ["report", str(wb), "--kind", "all", "-f", "pdf", "-f", "html", "-f", "md", "--today", TODAY]
    code, out, err = call(capsys, *argv)
    assert code == 1 and "patient-identifiable" in err, (out, err)
    found = named_findings(err, wb)
    missing = sorted(e for e in expected if e[:4] not in found)
    assert not missing, f"not named (path, line, column, rule, sample): {missing[:5]}"
    assert len(starts) >= (20 if where == "notes" else 100)
    assert_no_leak([*ACTIVE, every], out, err)
    assert unchanged(tmp_path) == before


def _csv_with(samples: list[Sample]) -> str:
    """A CSV export whose note of row ``k + 2`` holds ``samples[k]`` (rows between them clean)."""
    rows = [["date", "value", "note"]]
    for n, sample in enumerate(samples):
        rows.append([f"2026-{n // 28 + 1:02d}-{n % 28 + 1:02d}", str(30 + n), sample.text])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def test_chart_of_a_csv_file_refuses_one_holding_an_identifier(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Every kind in one export, a row each: every row is named, no form of any sample printed.

    (Each command reads the whole file and names every row it refuses, so one file holding
    every kind proves what one file per kind would, with one run of each command.)
    """
    data = tmp_path / "export.csv"
    data.write_text(_csv_with(ACTIVE), encoding="utf-8")
    before = unchanged(tmp_path)
    for extra in ([], ["--out", str(tmp_path / "c.svg")], ["--out", str(tmp_path / "c.pdf")], ["-f", "json"]):
        argv = ["chart", str(data), "--y", "value", "--x", "date", "-t", "i", *extra]
        code, out, err = call(capsys, *argv)
        assert code == 1, (argv, out, err)
        for row, sample in enumerate(ACTIVE, start=2):
            assert f"{data}:{row}:" in err, (sample.id, err)
        assert_no_leak(ACTIVE, out, err)
        assert unchanged(tmp_path) == before, argv


# -- files with other errors: left out of every output ------------------------------------

MARK = "Zqxleftout"


def _mark_strings(path: Path, keep: set[str], tag: str) -> None:
    """Put ``MARK + tag + n`` into every string scalar of a YAML file, except under the keys ``keep``."""
    y = _yaml()
    data = y.load(path.read_text(encoding="utf-8"))
    n = 0
    for container, key in list(_strings(data)):
        if key in keep or (isinstance(key, int) and container is data.get("measures")):
            continue
        n += 1
        container[key] = f"{MARK}{tag}{n}"  # type: ignore[index]
    buf = io.StringIO()
    y.dump(data, buf)
    path.write_text(buf.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def broken_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CF clinic with four files whose errors are not about privacy, each full of marked text.

    - pdsa/PDSA-2.yaml: an unknown key (a schema error);
    - pdsa/PDSA-9.yaml: a valid cycle on the clinic wait whose change idea does not exist;
    - measures/left-out.yaml: a valid measure whose value list has a negative count;
    - measures/seen-within-15.csv: a row with a count above its denominator, notes marked.
    """
    root = copy_cf(tmp_path_factory.mktemp("broken") / "cf")
    pdsa2 = root / "pdsa" / "PDSA-2.yaml"
    _mark_strings(pdsa2, {"id", "change", "previous", "decision"}, "A")
    pdsa2.write_text(pdsa2.read_text(encoding="utf-8") + f"predicton: {MARK}A0\n", encoding="utf-8")
    source = (root / "pdsa" / "PDSA-3.yaml").read_text(encoding="utf-8")
    pdsa9 = root / "pdsa" / "PDSA-9.yaml"
    pdsa9.write_text(source.replace("id: PDSA-3", "id: PDSA-9"), encoding="utf-8")
    _mark_strings(pdsa9, {"id", "change", "previous", "decision", "status"}, "B")
    text = pdsa9.read_text(encoding="utf-8")
    pdsa9.write_text(re.sub(r"(?m)^change: .*$", "change: C99", text), encoding="utf-8")
    (root / "measures" / "left-out.yaml").write_text(
        "id: left-out\n"
        f"name: {MARK}C1\n"
        "type: outcome\n"
        "direction: down\n"
        "chart: c\n"
        "frequency: weekly\n"
        f"definition:\n  unit: {MARK}C2 counts\n"
        "values:\n"
        + "".join(f"  - {{date: 2026-0{m}-01, value: {m}, note: {MARK}C{m + 2}}}\n" for m in range(1, 9))
        + "  - {date: 2026-09-01, value: -4}\n",
        encoding="utf-8",
    )
    seen = root / "measures" / "seen-within-15.csv"
    rows = list(csv.reader(io.StringIO(seen.read_text(encoding="utf-8"))))
    for n, row in enumerate(rows[1:], start=1):
        row[3] = f"{MARK}D{n}"
    rows[5][1] = "99"  # more than its denominator
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    seen.write_text(buf.getvalue(), encoding="utf-8")
    return root


def test_the_broken_files_have_errors_and_no_privacy_finding(
    capsys: pytest.CaptureFixture[str], broken_files: Path
) -> None:
    """The fixture is what it says: each of the four files has an error, and only those files."""
    code, out, _ = call(capsys, "check", str(broken_files), "--today", TODAY)
    assert code == 1
    with_errors = {
        Path(m.group(1)).relative_to(broken_files).as_posix()
        for m in re.finditer(r"^(\S+?):\d+:\d+: error:", out, re.M)
    }
    assert with_errors == {
        "pdsa/PDSA-2.yaml",
        "pdsa/PDSA-9.yaml",
        "measures/left-out.yaml",
        "measures/seen-within-15.csv",
    }, out
    assert "privacy." not in out


def _all_text(folder: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of every file below folder: names, bytes as text, and a PDF's extracted text."""
    for p in sorted(folder.rglob("*")):
        yield "file name", p.relative_to(folder).as_posix()
        if p.is_file():
            raw = p.read_bytes()
            yield p.name, raw.decode("utf-8", "replace")
            if p.suffix == ".pdf":
                yield p.name + " (text)", "".join(page.extract_text() for page in PdfReader(p).pages)


def test_files_with_errors_contribute_nothing_to_any_report_or_chart(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, broken_files: Path
) -> None:
    wb = tmp_path / "cf"
    shutil.copytree(broken_files, wb)
    out = tmp_path / "out"
    printed = []
    for argv in (
        [
            "report",
            str(wb),
            "--kind",
            "all",
            "-f",
            "html",
            "-f",
            "md",
            "--out",
            str(out / "r"),
            "--today",
            TODAY,
        ],
        [
            "report",
            str(wb),
            "--kind",
            "storyboard",
            "-f",
            "pdf",
            "--out",
            str(out / "s.pdf"),
            "--today",
            TODAY,
        ],
        ["chart", str(wb), "clinic-wait", "--out", str(out / "wait.svg")],
        ["chart", str(wb), "-f", "json"],
    ):
        code, stdout, stderr = call(capsys, *argv)
        assert code == 0, (argv, stderr)
        printed += [stdout, stderr]
    assert "left out 4 file(s) with errors" in printed[0]
    for name, text in [*_all_text(out), *(("printed", t) for t in printed)]:
        assert MARK.lower() not in text.lower(), f"{name} holds text of a file with errors"
    # Only the note of what was left out may name those files; no output shows their ids.
    for name, text in _all_text(out):
        assert "PDSA-9" not in text, f"{name} marks a cycle whose file has errors"
        assert "left-out" not in text, f"{name} shows a measure whose file has errors"
        assert "seen-within-15" not in text, f"{name} shows a measure whose data file has errors"
    # What is valid is still there: the other measures' charts, and the cycles without errors.
    assert [m["measure"] for m in json.loads(printed[6])] == [
        "clinic-overrun",
        "clinic-wait",
        "inhaled-therapy-adherence",
    ]
    assert (out / "r" / "storyboard_files" / "chart-clinic-wait.svg").exists()
    html = (out / "r" / "storyboard.html").read_text(encoding="utf-8")
    assert "PDSA-1" in html and "PDSA-3" in html
