"""Chapter 7's company table and case helpers (ihbook.chapters.cases)."""
import pandas as pd
import pytest

from ihbook.chapters import cases
from ihbook.evidence import involving
from ihbook.evidence import tables as datapackage
from ihbook.evidence import ledger


def test_company_table_validates_against_the_data_package():
    errors = datapackage.validate_file(cases.COMPANIES, "companies")
    assert errors == [], [str(e) for e in errors]


def test_every_cell_traces_back_to_the_ledger():
    assert cases.check_companies() == []


def test_table_matches_the_ledger_rows_it_is_built_from():
    """Same (case, claim) rows as a fresh build; conflict ids may lag the lead's regeneration
    of conflicts.csv, so they are compared separately by check_companies."""
    built = cases.build_companies()
    stored = cases.load_companies()
    assert set(zip(built.case, built.claim_id)) == set(zip(stored.case, stored.claim_id)), (
        "data/companies.csv is stale: run python -m ihbook.chapters.cases")
    cols = ["value", "unit", "period", "source_id", "kind", "value_as_written", "note"]
    m = built.merge(stored, on=["case", "claim_id"], suffixes=("", "_s"))
    for c in cols:
        assert (m[c].astype(str) == m[f"{c}_s"].astype(str)).all(), c


def test_all_seven_cases_are_present():
    df = cases.load_companies()
    assert list(dict.fromkeys(df.case)) == list(cases.CASES)
    for case in cases.CASES:
        assert (df.case == case).sum() >= 2, case


def test_every_row_names_exactly_the_conflicts_of_its_claim():
    """The table's conflict_ids column is what the conflict list says about each claim (the
    ids themselves change whenever the ledger does, so none is written here)."""
    index = involving.by_claim()
    df = cases.load_companies()
    for r in df.itertuples():
        assert r.conflict_ids == ";".join(index.get(r.claim_id, [])), r.claim_id
    assert (df.conflict_ids != "").any(), "no case figure is in any conflict: the link is broken"


def test_group_claims_are_marked_shared():
    df = cases.load_companies()
    shared = df[df.entity.isin(cases.SHARED_ENTITIES)]
    assert (shared.shared == "1").all() and (df[~df.entity.isin(cases.SHARED_ENTITIES)].shared == "0").all()
    # the losses of 微医、平安好医生等 appear under both cases
    assert set(df[df.claim_id == "R25-129"].case) == {"weiyi", "pingan"}


def test_unverifiable_cunyitong_claims_say_so():
    df = cases.load_companies()
    cy = df[df.case == "cunyitong"]
    assert "R25-198" in set(cy.claim_id)
    assert "某科技公司" in cy.set_index("claim_id").loc["R25-198", "note"]
    assert "某科技公司" in cases.CASE_FACTS["cunyitong"]


def test_compare_points_convert_units_without_changing_what_is_shown():
    pts = cases.compare_points(["monthly_active_users", "annual_active_users"], "万人")
    jd = pts[pts.claim_id == "GY24-004"].iloc[0]
    assert jd.value == pytest.approx(17230)
    assert jd.value_as_written == ledger.display_value(ledger.claim("GY24-004"))
    assert (pts.shared == "0").all()


def test_case_table_and_show_case_handle_bad_names():
    t = cases.case_table("dxy")
    assert isinstance(t, pd.DataFrame) and len(t) == 2
    with pytest.raises(KeyError):
        cases.case_table("nope")
    shown = []
    import IPython.display as d

    orig = d.display
    d.display = lambda obj, **kw: shown.append(obj.data)
    try:
        cases.show_case("<b>x</b>")
    finally:
        d.display = orig
    assert "&lt;b&gt;" in shown[0] and "可选" in shown[0]


def test_case_card_counts_are_the_tables():
    h = cases.case_card_html("weiyi")
    t = cases.case_table("weiyi")
    assert f"本表 {len(t)} 个数字" in h


def test_conflict_points_draw_each_source_apart():
    pts = cases.conflict_points()
    weiyi = pts[pts.panel.str.startswith("微医")]
    assert set(weiyi.source_id) == {"36kr-2021", "report-2025"}
    assert {"KR21-017", "R25-077"} <= set(weiyi.claim_id)


def test_summary_table_adds_up_to_the_table():
    t = cases.summary_table()
    df = cases.load_companies()
    assert int(t["数字"].sum()) == len(df.drop_duplicates(["case", "claim_id"]))
    assert list(t.index) == [v[0] for v in cases.CASES.values()]
    assert int(t.loc["村医通项目", "来源数"]) == 1


def test_conflict_magnitude_reads_the_conflict_list(small_conflicts):
    assert cases.conflict_magnitude("CF-cccccc") == 4.0
    with pytest.raises(KeyError):
        cases.conflict_magnitude("CF-000000")


def test_case_content_is_data_and_checked(small_conflicts, monkeypatch):
    """Cases, notes and groups come from data/cases.csv, case_notes.csv and case_groups.csv;
    a note's {conflict:A;B} names whatever the conflict list records between A and B."""
    assert set(cases.CASES) == set(pd.read_csv(cases.CASES_FILE, dtype=str).case)
    assert cases.check_case_tables() == []
    monkeypatch.setitem(cases.NOTE_TEMPLATES, "A01-001", "见冲突 {conflict:A01-001;B01-001}。")
    assert cases.note("A01-001") == "见冲突 CF-aaaaaa。"
    monkeypatch.setitem(cases.NOTE_TEMPLATES, "A01-001", "见冲突 {conflict:A01-001;IR20-001}。")
    assert cases.note("A01-001") == "见冲突 未登记。"
    monkeypatch.setitem(cases.CASES, "bogus", ("假", ["no_such_entity"]))
    assert any("no_such_entity" in p for p in cases.check_case_tables())
