"""The conflict detector: committed output is a fresh run, and its rules do what they say."""
import pandas as pd
import pytest

from ihbook.evidence import conflicts
from ihbook.evidence import ledger


def _claim(cid, source, metric, value, unit, period="", kind="observed", qualifier="", relation="", entity="china"):
    return {"claim_id": cid, "source_id": source, "topic": "users", "metric": metric, "entity": entity,
            "period": period, "value": float(value), "value_max": float("nan"), "value_text": str(value),
            "qualifier": qualifier, "unit": unit, "kind": kind, "quote": "", "relation": relation, "note": ""}


def test_committed_conflicts_equal_fresh_run():
    fresh = conflicts.detect().to_csv(index=False, lineterminator="\n")
    assert conflicts.CONFLICTS.read_text(encoding="utf-8") == fresh, "run: python -m ihbook.evidence.conflicts"


def test_committed_conflicts_reference_real_claims():
    df = conflicts.load_conflicts()
    ids = set(ledger.load_claims().claim_id)
    assert len(df) > 0
    for row in df.to_dict("records"):
        assert row["kind"] in conflicts.KIND_LABELS
        assert set(row["claim_ids"].split(";")) <= ids


def test_every_kind_is_found_in_the_real_ledger():
    kinds = set(conflicts.load_conflicts().kind)
    assert kinds == {"cross-source", "within-source", "arithmetic", "definition"}


def test_cross_source_gap_beyond_growth_is_flagged():
    df = pd.DataFrame([
        _claim("GY24-901", "chinabaogao-2024", "users_internet_health", 3.64, "亿人", "2023-06"),
        _claim("R25-901", "report-2025", "users_internet_health", 7.8, "亿人", "2024"),
    ])
    out = conflicts.value_conflicts(df)
    assert len(out) == 1 and out[0]["kind"] == "cross-source"
    assert out[0]["magnitude"] == pytest.approx(7.8 / 3.64, rel=0.01)


def test_growth_within_plausible_range_is_not_flagged():
    df = pd.DataFrame([
        _claim("GY24-901", "chinabaogao-2024", "users_internet_health", 3.64, "亿人", "2023-06"),
        _claim("R25-901", "report-2025", "users_internet_health", 4.2, "亿人", "2024"),
    ])
    assert conflicts.value_conflicts(df) == []


def test_far_apart_periods_are_not_compared_and_units_are_converted():
    far = pd.DataFrame([
        _claim("GY24-901", "chinabaogao-2024", "users_internet_health", 1, "亿人", "2015"),
        _claim("R25-901", "report-2025", "users_internet_health", 7.8, "亿人", "2024"),
    ])
    assert conflicts.value_conflicts(far) == []
    same = pd.DataFrame([
        _claim("GY24-901", "chinabaogao-2024", "users_internet_health", 36400, "万人", "2023-06"),
        _claim("GY24-902", "chinabaogao-2024", "users_internet_health", 3.64, "亿人", "2023-06"),
    ])
    assert conflicts.value_conflicts(same) == []


def test_within_source_and_qualifiers():
    df = pd.DataFrame([
        _claim("R25-901", "report-2025", "users_65plus_share", 3.2, "%"),
        _claim("R25-902", "report-2025", "users_65plus_share", 3, "%", qualifier="under"),
        _claim("R25-903", "report-2025", "users_65plus_share", 3, "%", qualifier="over"),
    ])
    out = conflicts.value_conflicts(df)
    assert [o["claim_ids"] for o in out] == ["R25-901;R25-902"]
    assert out[0]["kind"] == "within-source"


def test_forecasts_are_not_compared_with_facts():
    df = pd.DataFrame([
        _claim("R25-901", "report-2025", "users_internet_health", 2.5, "亿人", "2020"),
        _claim("R25-902", "report-2025", "users_internet_health", 10, "亿人", "2020", kind="forecast"),
    ])
    assert conflicts.value_conflicts(df) == []


def test_arithmetic_share_mismatch_is_flagged_and_a_correct_one_is_not():
    df = pd.DataFrame([
        _claim("WS21-901", "woshipm-2021", "market_online_medical", 271.7, "亿元", "2019"),
        _claim("WS21-902", "woshipm-2021", "market_online_health_insurance", 117.6, "亿元", "2019"),
        _claim("WS21-903", "woshipm-2021", "market_online_health_insurance_share", 47.7, "%", "2019",
               relation="share:WS21-902,WS21-901"),
        _claim("WS21-904", "woshipm-2021", "market_online_health_insurance_share", 43.3, "%", "2019",
               relation="share:WS21-902,WS21-901"),
    ])
    out = conflicts.arithmetic_conflicts(df)
    assert len(out) == 1 and "WS21-903" in out[0]["claim_ids"]
    assert "43.3%" in out[0]["summary"]


def test_arithmetic_growth_and_exceeds():
    df = pd.DataFrame([
        _claim("R25-901", "report-2025", "investment_amount", 120, "亿元", "2018"),
        _claim("R25-902", "report-2025", "investment_amount", 680, "亿元", "2020"),
        _claim("R25-903", "report-2025", "investment_cagr", 150, "%", "2018/2020", relation="cagr:R25-901,R25-902"),
        _claim("R25-904", "report-2025", "investment_amount", 100, "亿元", "2021", relation="exceeds:R25-901"),
    ])
    out = conflicts.arithmetic_conflicts(df)
    assert {o["claim_ids"] for o in out} == {"R25-901;R25-902;R25-903", "R25-901;R25-904"}


def test_definition_clash_needs_same_term_and_big_gap():
    df = pd.DataFrame([
        _claim("WS21-901", "woshipm-2021", "market_online_medical", 271.7, "亿元", "2019"),
        _claim("IR20-901", "iresearch-2020", "market_postdx_demand", 2839.6, "亿元", "2019"),
        _claim("IR20-902", "iresearch-2020", "market_postdx_supply", 309.8, "亿元", "2019"),
    ])
    df["quote"] = "……市场规模……"
    assert conflicts.definition_conflicts(df.assign(quote="……")) == []  # the words must be the same
    out = conflicts.definition_conflicts(df)
    pairs = {o["claim_ids"] for o in out}
    assert "IR20-901;WS21-901" in pairs
    assert "IR20-902;WS21-901" not in pairs  # 309.8 vs 271.7: same size, nothing to flag
