"""Editor schemas: they agree with the loader, and workbooks keep an up-to-date copy."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from microsys.engine import check_workbook
from microsys.schema.editor import MODELINE_PREFIX, SCHEMA_DIR
from microsys.schema.files import FILE_KINDS, kind_of
from microsys.schema.jsonschema import QUANTITY_TEXT, json_schema
from microsys.sheets import SheetError, parse_quantity
from microsys.yaml.load import load_file
from tests.conftest import CASES, EXAMPLES, call, snapshot

WORKBOOKS = (
    [p / "workbook" for p in sorted((CASES / "valid").iterdir()) if p.is_dir()]
    + [p / "workbook" for p in sorted((CASES / "invalid").iterdir()) if p.is_dir()]
    + [p for p in sorted(EXAMPLES.iterdir()) if (p / "microsys.yaml").is_file()]
)
VALIDATORS = {
    kind.key: jsonschema.Draft202012Validator(
        json_schema(kind), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for kind in FILE_KINDS
}


def test_schemas_and_loader_agree_on_every_case_and_example() -> None:
    compared, rejected_by_both = 0, 0
    disagreements = []
    for root in WORKBOOKS:
        findings: dict[Path, list[str]] = {}
        for d in check_workbook(root, today=dt.date(2026, 1, 12), git=False).diagnostics:
            findings.setdefault(d.path.resolve(), []).append(d.rule)
        for path in sorted(root.rglob("*.yaml")):
            kind = kind_of(path.relative_to(root).as_posix())
            rules = findings.get(path.resolve(), [])
            # Files that are not YAML at all (syntax, size, encoding) never reach a schema.
            if kind is None or any(r.startswith(("yaml.", "file.")) for r in rules):
                continue
            _, data, diagnostics = load_file(path)
            assert not diagnostics
            schema_errors = [e.message for e in VALIDATORS[kind.key].iter_errors(data)]
            loader_rejects = any(r.startswith("schema.") for r in rules)
            compared += 1
            rejected_by_both += bool(schema_errors) and loader_rejects
            if bool(schema_errors) != loader_rejects:
                disagreements.append((str(path), rules, schema_errors[:2]))
    assert disagreements == []
    assert compared > 100 and rejected_by_both >= 10


_NUMBERS = st.floats(allow_nan=False, allow_infinity=False)
_UNITS = st.sampled_from(["minutes", "%", "per week"])


@given(
    st.text(alphabet="0123456789,.' -\u2212+eE%abc patients", max_size=16)
    | st.builds(lambda n, u: f"{n} {u}", _NUMBERS, _UNITS)
    | st.builds(lambda n, u: f"{n:,} {u}", st.integers(-(10**9), 10**9), _UNITS)
)
def test_quantity_text_pattern_accepts_what_the_loader_reads(text: str) -> None:
    try:
        parse_quantity(text)
        read = True
    except SheetError:
        read = False
    if read:
        assert re.match(QUANTITY_TEXT, text), text


@pytest.mark.parametrize("text", ["40 minutes", "1,200 patients", "36%", "1'200 calls per week", "-2.5 days"])
def test_quantity_shorthand_is_valid_in_the_schema(text: str) -> None:
    processes = {"processes": [{"name": "Clinic visit", "cycle_time": text}]}
    assert list(VALIDATORS["processes"].iter_errors(processes)) == []


@pytest.mark.parametrize("text", ["12,5 minutes", "1200", "minutes", "40", ""])
def test_quantity_text_without_a_unit_or_with_a_decimal_comma_is_refused(text: str) -> None:
    processes = {"processes": [{"name": "Clinic visit", "cycle_time": text}]}
    assert list(VALIDATORS["processes"].iter_errors(processes)) != []


def test_schema_out_writes_every_kind_and_a_catalogue(tmp_path: Path, capsys) -> None:
    out = tmp_path / "schemas"
    assert call(capsys, "schema", "--out", str(out))[0] == 0
    catalog = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
    assert len(catalog["schemas"]) == len(FILE_KINDS)
    for kind, entry in zip(FILE_KINDS, catalog["schemas"], strict=True):
        schema = json.loads((out / entry["url"]).read_text(encoding="utf-8"))
        assert schema == json_schema(kind)
        jsonschema.Draft202012Validator.check_schema(schema)
        # The patterns find the kind's files, at the top of a repository or inside a workbook folder.
        example = kind.pattern.replace("*", "PDSA-1")
        assert any(fnmatch.fnmatch(example, p) for p in entry["fileMatch"])
        assert any(fnmatch.fnmatch("team/" + example, p) for p in entry["fileMatch"])
    before = snapshot(out)
    assert call(capsys, "schema", "--out", str(out))[0] == 0  # the same again: nothing to do
    assert snapshot(out) == before
    (out / "pdsa.schema.json").write_text("{}\n", encoding="utf-8")
    code, _, err = call(capsys, "schema", "--out", str(out))
    assert code == 1, err
    assert "pdsa.schema.json exists and holds something else" in err
    assert (out / "pdsa.schema.json").read_text(encoding="utf-8") == "{}\n"


def test_init_and_new_point_each_file_at_its_schema(tmp_path: Path, capsys) -> None:
    root = tmp_path / "team"
    assert call(capsys, "init", str(root), "--no-input")[0] == 0
    pointed = 0
    for path in root.rglob("*.yaml"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(".") or kind_of(rel) is None:
            continue
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(MODELINE_PREFIX), rel
        target = (path.parent / first[len(MODELINE_PREFIX) :]).resolve()
        assert target.parent == (root / SCHEMA_DIR).resolve() and target.is_file(), rel
        schema = json.loads(target.read_text(encoding="utf-8"))
        _, data, _ = load_file(path)
        assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == [], rel
        pointed += 1
    assert pointed >= 9
    # Committed with the workbook: git does not ignore them (the lock folder .microsys/ it does).
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / ".microsys").mkdir()
    ignored = subprocess.run(
        ["git", "check-ignore", f"{SCHEMA_DIR}/pdsa.schema.json", ".microsys/lock"],
        cwd=root, capture_output=True, text=True,
    )  # fmt: skip
    assert ignored.stdout.split() == [".microsys/lock"]
    assert call(capsys, "check", str(root), "--no-git")[0] == 0
    assert call(capsys, "schema", "--check", str(root))[0] == 0
    assert call(capsys, "new", "meeting", str(root), "--date", "2026-03-04")[0] == 0
    meeting = (root / "meetings" / "2026-03-04.yaml").read_text(encoding="utf-8")
    assert meeting.startswith(MODELINE_PREFIX + "../.microsys-schemas/meeting.schema.json\n")


def test_new_leaves_out_the_schema_line_in_a_workbook_without_schemas(cf_clinic: Path, capsys) -> None:
    assert call(capsys, "new", "meeting", str(cf_clinic), "--date", "2026-03-04")[0] == 0
    meeting = (cf_clinic / "meetings" / "2026-03-04.yaml").read_text(encoding="utf-8")
    assert not meeting.startswith(MODELINE_PREFIX)


def test_schema_check_and_update(cf_clinic: Path, capsys) -> None:
    # A workbook without kept schemas has nothing to be stale.
    assert call(capsys, "schema", "--check", str(cf_clinic))[0] == 0
    assert call(capsys, "schema", "--update", str(cf_clinic))[0] == 0
    assert call(capsys, "schema", "--check", str(cf_clinic))[0] == 0
    kept = cf_clinic / SCHEMA_DIR / "measure.schema.json"
    kept.write_text(kept.read_text(encoding="utf-8").replace('"Measure"', '"Old measure"'), encoding="utf-8")
    (cf_clinic / SCHEMA_DIR / "retired.schema.json").write_text("{}\n", encoding="utf-8")
    (cf_clinic / SCHEMA_DIR / "pdsa.schema.json").unlink()
    code, _, err = call(capsys, "schema", "--check", str(cf_clinic))
    assert code == 1
    assert "pdsa.schema.json, measure.schema.json, retired.schema.json" in err
    assert f"microsys schema --update {cf_clinic}" in err
    code, out, _ = call(capsys, "schema", "--update", str(cf_clinic))
    assert code == 0 and "updated 2 schema files" in out
    code, _, err = call(capsys, "schema", "--check", str(cf_clinic))
    assert code == 1 and err.count("retired.schema.json") == 1  # left for the team to delete
    (cf_clinic / SCHEMA_DIR / "retired.schema.json").unlink()
    assert call(capsys, "schema", "--check", str(cf_clinic))[0] == 0
    # The kept schemas are for git: neither the workbook's own files nor check see them as unknown.
    assert call(capsys, "check", str(cf_clinic), "--today", "2026-11-22", "--no-git")[0] == 0
