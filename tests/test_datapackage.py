"""The table registry: every table has a schema in data/schemas/, validates against it, and
bad data fails with file, row, column and reason; generated files are current."""
import json

import pandas as pd
import pytest

from ihbook import generate
from ihbook.evidence import tables
from ihbook.evidence.paths import DATA

def test_generated_files_are_current():
    """python -m ihbook.generate --check: texts, conflicts, companies, glossary, bibliography,
    data/datapackage.json."""
    stale = generate.stale()
    assert not stale, "run: python -m ihbook.generate " + " ".join(dict.fromkeys(s for s, _ in stale))


def test_every_csv_in_data_is_registered(tmp_path):
    assert tables.unregistered() == []
    (tmp_path / "orphan.csv").write_text("a\n1\n", encoding="utf-8")
    assert [e.file for e in tables.unregistered(tmp_path)] == ["data/orphan.csv"]


def test_all_tables_valid():
    assert tables.validate() == []


def test_declared_checks_pass_and_exist():
    refs = tables.declared_checks()
    assert "ihbook.evidence.ledger:check_claims" in refs and "ihbook.evidence.sources:check_sources" in refs
    assert tables.run_checks() == []


def test_broken_rows_fail_with_file_row_column_reason(tmp_path):
    """Three bad copies of the ledger's first row (built from today's columns, so a new
    ledger column does not break the test): a number in words, an unknown kind, a duplicate id."""
    claims = pd.read_csv(DATA / "claims.csv", dtype=str, keep_default_na=False)
    good = claims.iloc[0].to_dict()
    rows = [good, {**good, "claim_id": "ZZ99-001", "value": "三点六"},
            {**good, "claim_id": "ZZ99-002", "kind": "rumour"}, {**good, "claim_id": "ZZ99-002"}]
    path = tmp_path / "broken_claims.csv"
    pd.DataFrame(rows, columns=claims.columns).to_csv(path, index=False, lineterminator="\n")
    errors = tables.validate_file(path, "claims")
    where = {(e.row, e.column) for e in errors}
    assert (3, "value") in where          # "三点六" is not a number
    assert (4, "kind") in where           # "rumour" not in the kind list
    assert (5, "claim_id") in where       # duplicate id
    text = "\n".join(str(e) for e in errors)
    assert "broken_claims.csv" in text and "第 3 行" in text and "类型不符" in text


def test_a_new_schema_file_is_registered(tmp_path):
    for f in (DATA / "schemas").glob("*.json"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "zz_new.json").write_text(json.dumps({
        "path": "zz_new.csv", "title": "新表", "description": "测试",
        "fields": [{"name": "a", "type": "integer"}]}), encoding="utf-8")
    reg = tables.schemas(tmp_path)
    assert list(reg)[-1] == "zz_new" and list(reg)[0] == "sources"


def test_load_table_types_columns_from_the_schema():
    claims = tables.load_table("claims")
    assert claims.value.dtype == float and pd.api.types.is_string_dtype(claims.claim_id)
    assert not claims.note.isna().any()  # empty text stays ""
    with pytest.raises(KeyError, match="已登记"):
        tables.load_table("no_such_table")


def test_a_failing_or_broken_check_is_reported(monkeypatch):
    monkeypatch.setattr(tables, "declared_checks", lambda: {"ihbook.evidence.sources:no_such": ["sources"],
                                                            "json:loads": ["claims"]})
    errors = tables.run_checks()
    assert len(errors) == 2 and {e.file for e in errors} == {"data/sources.csv", "data/claims.csv"}
    assert all("无法运行" in e.reason for e in errors)


def test_a_stale_generated_file_is_named(tmp_path, monkeypatch):
    """On copies in a temporary folder: the test never writes the tracked files."""
    target, readme = tmp_path / "datapackage.json", tmp_path / "README.md"
    target.write_text("{}", encoding="utf-8")
    readme.write_text((DATA / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(generate, "DATAPACKAGE", target)
    monkeypatch.setattr(generate, "README", readme)
    assert target in [p for _, p in generate.stale(["datapackage"])]
    assert generate.main(["--check", "datapackage"]) == 1
    generate.generate(["datapackage"])
    assert generate.stale(["datapackage"]) == []
    assert generate.TABLES_START in readme.read_text(encoding="utf-8")


def test_load_table_of_every_registered_table():
    for name in tables.schemas():
        assert isinstance(tables.load_table(name), pd.DataFrame), name


def test_an_unreadable_schema_file_is_named(tmp_path):
    (tmp_path / "broken.json").write_text("\n", encoding="utf-8")
    (tmp_path / "partial.json").write_text('{"path": "x.csv"}', encoding="utf-8")
    errors = tables.schema_errors(tmp_path)
    assert [e.file for e in errors] == ["data/schemas/broken.json", "data/schemas/partial.json"]
    with pytest.raises(tables.SchemaFileError, match="broken.json"):
        tables.schemas(tmp_path)
