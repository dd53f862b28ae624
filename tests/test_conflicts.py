"""The conflict detector: each rule on a small fixture ledger, and the committed list is a fresh run.

The fixture (tests/fixtures/ledger_rules.csv) uses the real vocabulary (data/keys/) but made-up
claims, so editing the ledger cannot break these tests; each test picks the rows it needs.
"""
import pandas as pd
import pytest

from ihbook.evidence import conflicts
from ihbook.evidence import ledger
from ihbook.evidence.paths import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "ledger_rules.csv"


def _fixture(*ids):
    df = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    df["value"] = df.value.astype(float)
    df["value_max"] = pd.to_numeric(df.value_max, errors="coerce")
    return df[df.claim_id.isin(ids)].reset_index(drop=True) if ids else df


def _found(*ids):
    out, undated = conflicts.detect_all(_fixture(*ids))
    return {(r.kind, r.rule, r.claim_ids) for r in out.itertuples()}, set(undated.claim_ids)


# --- the committed files ------------------------------------------------------------------

def test_committed_conflicts_equal_fresh_run():
    found, undated = conflicts.detect_all()
    assert conflicts.CONFLICTS.read_text(encoding="utf-8") == conflicts.as_csv(found), "run: python -m ihbook.evidence.conflicts"
    assert conflicts.UNDATED.read_text(encoding="utf-8") == conflicts.as_csv(undated), "run: python -m ihbook.evidence.conflicts"


def test_committed_conflicts_reference_real_claims_and_ids_are_stable():
    df = conflicts.load_conflicts()
    ids = set(ledger.load_claims().claim_id)
    assert len(df) > 0 and df.conflict_id.is_unique
    for row in df.to_dict("records"):
        assert row["kind"] in conflicts.KIND_LABELS and row["rule"] in conflicts.RULE_LABELS
        assert set(row["claim_ids"].split(";")) <= ids
        assert row["conflict_id"] == conflicts.cid(row["kind"], row["claim_ids"].split(";"))


def test_conflict_id_depends_only_on_kind_and_claims():
    assert conflicts.cid("cross-source", ["R25-027", "GY24-001"]) == conflicts.cid("cross-source", ["GY24-001", "R25-027"])
    assert conflicts.cid("cross-source", ["GY24-001", "R25-027"]) == "CF-0a05fa"  # the id chapters have cited since v1


# --- value rules ----------------------------------------------------------------------------

def test_cross_source_gap_beyond_growth_is_flagged_and_a_repeat_counts_once():
    found, _ = _found("GY24-901", "R25-901", "R25-902")
    assert found == {("cross-source", "value", "GY24-901;R25-901")}


def test_series_in_one_quote_is_not_a_conflict_but_a_second_account_is():
    found, _ = _found("R25-903", "R25-904", "R25-905")
    assert found == {("within-source", "value", "R25-903;R25-905")}


def test_only_the_nearest_point_of_a_series_is_compared():
    found, _ = _found("IR20-901", "IR20-902", "WS21-901")
    assert found == {("cross-source", "value", "IR20-902;WS21-901")}


def test_undated_pairs_are_listed_not_flagged():
    found, undated = _found("R25-910", "R25-911")
    assert found == set() and undated == {"R25-910;R25-911"}


def test_same_case_told_twice_is_compared_without_dates():
    found, _ = _found("R25-920", "R25-921")
    assert found == {("within-source", "same-case", "R25-920;R25-921")}


def test_a_named_group_statement_holds_for_each_member():
    found, _ = _found("R25-930", "R25-931")
    assert found == {("within-source", "same-case", "R25-930;R25-931")}


def test_rounding_to_a_whole_number_is_not_a_conflict_but_under_is():
    found, _ = _found("R25-940", "R25-941", "R25-942")
    assert found == {("within-source", "same-case", "R25-940;R25-942")}


def test_implied_growth_beyond_plausibility():
    found, _ = _found("WS21-910", "GY24-910")
    assert found == {("cross-source", "implied-growth", "GY24-910;WS21-910")}
    df = _fixture("WS21-910", "GY24-910")
    df.loc[df.claim_id == "GY24-910", "value"] = 400.0  # 14 % a year: plausible
    assert conflicts.detect(df).empty


def test_forecasts_are_not_compared_with_facts():
    found, _ = _found("R25-905", "R25-970")
    assert found == set()


# --- derived figures ------------------------------------------------------------------------

def test_share_times_base_contradicts_a_stated_count():
    found, _ = _found("KR21-901", "KR21-902", "R25-905")
    assert found == {("cross-source", "share-times-base", "KR21-901;KR21-902;R25-905")}


def test_level_minus_change_contradicts_a_stated_level():
    found, _ = _found("GY24-901", "GY24-902", "R25-906")
    assert found == {("cross-source", "level-minus-change", "GY24-901;GY24-902;R25-906")}


# --- arithmetic -----------------------------------------------------------------------------

def test_segment_larger_than_total_is_flagged():
    found, _ = _found("R25-950", "GY24-950")
    assert found == {("arithmetic", "part-exceeds-whole", "GY24-950;R25-950")}


def test_part_larger_than_a_share_of_its_base():
    found, _ = _found("R25-960", "R25-961", "R25-962")
    assert found == {("arithmetic", "part-exceeds-whole", "R25-960;R25-961;R25-962")}


def test_stated_share_that_the_parts_contradict():
    found, _ = _found("WS21-910", "WS21-920", "WS21-921")
    assert found == {("arithmetic", "stated-relation", "WS21-910;WS21-920;WS21-921")}
    df = _fixture("WS21-910", "WS21-920", "WS21-921")
    df.loc[df.claim_id == "WS21-921", "value"] = 43.3
    assert conflicts.detect(df).empty


# --- definition -----------------------------------------------------------------------------

def test_same_label_for_different_scopes(monkeypatch):
    terms = ledger.metrics().copy()
    terms.loc[["market_online_medical", "market_chronic_management"], "term"] = "健康市场"
    monkeypatch.setattr(ledger, "metrics", lambda: terms)
    df = _fixture("WS21-910")
    other = df.iloc[0].to_dict() | {"claim_id": "R25-990", "source_id": "report-2025", "metric": "market_chronic_management",
                                    "value": 3.0, "value_text": "3", "unit": "万亿元", "quote": "慢病健康市场规模"}
    df = pd.concat([df, pd.DataFrame([other])], ignore_index=True)
    assert conflicts.definition_conflicts(df) == []  # the words are not in both quotes
    df.loc[0, "quote"] = "在线健康市场规模"
    out = conflicts.definition_conflicts(df)
    assert [(o["kind"], o["rule"], o["claim_ids"]) for o in out] == [("definition", "same-label", "R25-990;WS21-910")]


def test_whole_fixture_runs_and_every_rule_fires():
    out, undated = conflicts.detect_all(_fixture())
    assert set(out.rule) >= set(conflicts.RULE_LABELS) - {"same-label"}
    assert len(undated) == 1


@pytest.mark.parametrize("rule", ["value", "same-case", "implied-growth", "share-times-base", "part-exceeds-whole",
                                  "stated-relation"])
def test_real_ledger_has_an_example_of_each_documented_rule(rule):
    assert rule in set(conflicts.load_conflicts().rule)
    assert rule in conflicts.__doc__
