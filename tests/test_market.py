"""Chapter 8's module: market size by definition, users, capital, the lost digit, the explorer."""
import math

import pandas as pd
import pytest

from ihbook.show import charts
from ihbook.evidence import ledger
from ihbook.chapters import market_capital as market
from ihbook.evidence.paths import CHART_DATA


def test_convert_between_units_of_one_dimension():
    rec = ledger.claim("KR21-003")  # 万亿 (元)
    assert market.convert(rec, "亿元") == pytest.approx(1e4)
    assert market.convert(ledger.claim("R25-152"), "亿元") == pytest.approx(3e4)
    with pytest.raises(ValueError, match="量纲不同"):
        market.convert(rec, "亿人")


def test_market_claims_keep_every_definition_in_its_own_panel():
    data = market.market_claims()
    # every market-size metric in the panels is present, each claim once
    metrics = {m for _, ms in market.MARKET_PANELS for m in ms}
    assert set(ledger.select(metric=list(metrics)).claim_id) == set(data.claim_id)
    assert data.claim_id.is_unique
    # a panel never mixes definitions except a whole with its part / supply with demand
    for panel, grp in data.groupby("panel"):
        allowed = dict(market.MARKET_PANELS)[panel]
        assert set(grp.metric) <= set(allowed)
    assert (data.unit == "亿元").all()


def test_magnitude_table_spans_two_orders_of_magnitude():
    tab = market.magnitude_table("WS21-001")
    col = [c for c in tab.columns if c.startswith("相当于")][0]
    ratios = tab[col].astype(float)
    assert ratios[tab["编号"] == "WS21-001"].iloc[0] == pytest.approx(1.0)
    assert ratios.max() > 100  # chronic-disease management vs online medical
    with pytest.raises(KeyError):
        market.magnitude_table("GY24-001")  # a user count is not a market size


def test_share_check_reproduces_the_arithmetic_conflict():
    chk = market.share_check("WS21-004")
    assert chk["computed"] == pytest.approx(117.6 / 271.7 * 100)
    assert round(chk["computed"], 1) == 43.3 and chk["stated"] == 47.7
    assert "WS21-003" in chk["working"] and "WS21-001" in chk["working"]
    with pytest.raises(ValueError, match="没有登记算术关系"):
        market.share_check("WS21-001")


def test_garble_swallows_the_first_digit_whatever_it_was():
    table = market.lost_digit_table()
    assert table["错位读取后"].nunique() == 1  # all ten originals look the same after the damage
    garbled = table["错位读取后"].iloc[0]
    assert "?50" in garbled and garbled.startswith("?")
    # and the simulation matches the raw page exactly (after the intact 融資規)
    assert market.garbled_on_page().endswith(garbled)


def test_garble_pairs_a_lead_byte_with_a_digit_and_loses_both():
    assert market.garble("至5") == "??"      # first byte lost, (last byte of 至 + "5") invalid
    assert market.garble("至5元") == "??元"  # after the swallowed digit the stream is in step again
    assert market.garble("至X") != "??"      # a letter is a valid GBK trail byte: no "?" there


def test_lost_digit_candidates_follow_the_reports_own_words():
    cand = market.lost_digit_candidates()
    peak = ledger.claim("R25-254")["value"]
    fits = cand[cand["低于此前的高点？"] == "是"]
    assert (fits["总额（亿元）"] < peak).all()
    assert list(fits["首位数字"]) == [d for d in range(1, 10) if d * 100 + 50 < peak]
    per = ledger.claim("R25-258")["value"]
    assert cand.loc[0, "按笔均额推算的事件数（本书计算）"] == round(150 / per)


def test_lost_digit_span_is_the_sentences_period():
    assert market.lost_digit_span() == ledger.period_span("2021/2022")


def test_implied_per_deal_uses_a_sources_own_totals_and_counts():
    imp = market.implied_per_deal().set_index("amount_id")
    assert imp.loc["GY24-013", "value"] == pytest.approx(120.92 / 45)
    assert imp.loc["GY24-013", "deals_id"] == "GY24-012"
    assert set(imp.source_id) == {"chinabaogao-2024"}


def test_clash_table_names_the_detectors_conflicts(small_conflicts, monkeypatch):
    import re

    from ihbook.evidence import conflicts, ledger

    first = market.clash_table().iloc[0]
    a, b = (re.search(r"（([A-Z0-9]+-[0-9]+)）$", first[k]).group(1) for k in ("数字A", "数字B"))
    extra = small_conflicts.iloc[:1].assign(conflict_id="CF-eeeeee", claim_ids=f"{b};{a}", magnitude="7.5")
    monkeypatch.setattr(conflicts, "load_conflicts", lambda: pd.concat([small_conflicts, extra], ignore_index=True))
    tab = market.clash_table()
    row = tab[tab["冲突编号"] == "CF-eeeeee"].iloc[0]
    va, vb = (market.convert(ledger.claim(c), "亿元") for c in (a, b))
    assert float(row["点值之比（本书计算）"]) == pytest.approx(max(va, vb) / min(va, vb), abs=0.05)
    assert float(row["检测器记录的倍数"]) == pytest.approx(7.5)
    # a quarter's funding is never set against a two-year period
    assert not tab["时期A"].str.contains("2024-01").any()


def test_segment_vs_total_compares_within_one_year():
    tab = market.segment_vs_total()
    assert len(tab) == 2 and tab["细分÷全行业（本书计算）"].str.endswith("倍").all()


def test_listed_companies_come_from_verbatim_passages():
    tab = market.listed_companies()
    assert list(tab["公司简称"]) == ["京东健康", "阿里健康", "平安好医生"]
    assert tab.set_index("公司简称").loc["阿里健康", "表中“成立时间”"] == "表中未填"


def test_company_users_are_deduplicated_and_converted():
    data = market.company_users()
    assert "KR21-029" not in set(data.claim_id)  # the article repeats KR21-014's number
    assert data.set_index("claim_id").loc["GY24-004", "value"] == pytest.approx(17230)


def test_explorer_metrics_are_single_entity_with_dated_claims():
    ms = market.explorer_metrics()
    assert "users_internet_health" in ms and "investment_amount" in ms
    for m in ms:
        df = ledger.select(metric=m)
        assert df.entity.nunique() == 1 and (df.period != "").sum() >= 2


def test_metric_figure_labels_log_scale_and_keeps_claim_ids():
    fig, data = market.metric_figure("investment_amount")
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and "对数刻度" in ax.get_ylabel()
    assert set(data.claim_id) == set(ledger.select(metric="investment_amount").claim_id)
    fig2, _ = market.metric_figure("users_internet_health")
    assert fig2.axes[0].get_yscale() == "linear"


@pytest.mark.parametrize("bad", ["", "no_such_metric", None])
def test_show_metric_bad_input_is_a_message(shown, bad):
    market.show_metric(bad)
    assert shown and "text/plain" in shown[-1]
    assert "Traceback" not in shown[-1]["text/plain"]


def test_charts_publish_with_sources_and_csv(shown):
    for fn, chart_id in [(market.users_chart, "ch08-users"), (market.capital_chart, "ch08-capital"),
                         (market.company_users_chart, "ch08-company-users")]:
        fn()
        html = shown[-1]["text/html"]
        assert "来源：" in html and f"{chart_id}.csv" in html
        csv = pd.read_csv(CHART_DATA / f"{chart_id}.csv", dtype=str, keep_default_na=False)
        assert (csv.claim_id != "").all()


def test_capital_chart_draws_no_point_for_the_lost_total(shown):
    market.capital_chart()
    csv = pd.read_csv(CHART_DATA / "ch08-capital.csv", dtype=str, keep_default_na=False)
    totals = csv[csv.label.str.startswith(ledger.label("investment_amount"))]
    assert not (totals.period == "2021/2022").any()
    assert len(totals) == len(ledger.select(metric="investment_amount", entity="industry"))


def test_glue_checks_runs(monkeypatch):
    glued = {}
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda name, obj, display=True: glued.setdefault(name, obj))
    market.glue_checks()
    assert "ch08-share-recomputed" in glued and "43.3%" in glued["ch08-share-recomputed"].data
    assert not math.isnan(float(glued["ch08-market-spread"].data.split()[1]))
