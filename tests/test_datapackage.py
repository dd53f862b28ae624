"""Every table validates against data/datapackage.json; bad data names file, row, column."""
import json

from ihbook.evidence import tables as datapackage
from ihbook.evidence.paths import DATA, ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "broken_claims.csv"


def test_descriptor_file_is_current():
    on_disk = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert on_disk == datapackage.descriptor(), "run: python scripts/datapackage_spec.py"


def test_every_csv_in_data_is_described():
    described = {r["path"] for r in datapackage.descriptor()["resources"]}
    on_disk = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*.csv")}
    assert on_disk <= described, on_disk - described


def test_all_tables_valid():
    assert datapackage.validate() == []


def test_broken_fixture_fails_with_file_row_column_reason():
    errors = datapackage.validate_file(FIXTURE, "claims")
    where = {(e.row, e.column) for e in errors}
    assert (3, "value") in where          # "三点六" is not a number
    assert (4, "kind") in where           # "rumour" not in the kind list
    assert (5, "claim_id") in where       # duplicate id
    text = "\n".join(str(e) for e in errors)
    assert "broken_claims.csv" in text and "第 3 行" in text and "类型不符" in text
