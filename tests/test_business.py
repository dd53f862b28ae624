"""Chapter 6's business models, profitability numbers and unit economics (ihbook.chapters.business_models)."""
import math

import pytest

from ihbook.chapters import business_models as business
from ihbook.evidence import ledger


def test_every_model_is_well_formed():
    assert len(business.MODELS) == 7
    for m in business.MODELS:
        assert m.flows and m.payers and m.source_ids, m.key
        assert set(m.payers) <= set(business.PAYERS)
        for f in m.flows:
            assert f.src in m.nodes and f.dst in m.nodes, (m.key, f)
            assert f.kind in ("money", "service")
            assert f.claim_id or f.source_id, (m.key, f.label)
            if f.claim_id:
                ledger.claim(f.claim_id)
        for cid in m.numbers + m.risks:
            ledger.claim(cid)
        # every model has at least one money flow into its platform side
        assert any(f.kind == "money" for f in m.flows), m.key


def test_each_payer_in_the_brief_pays_somewhere():
    t = business.payers_table()
    assert set(t.index) == set(business.PAYERS.values())
    assert (t["模式数"] > 0).all()


def test_flow_data_carries_provenance():
    for m in business.MODELS:
        d = business.flow_data(m)
        assert len(d) == len(m.flows)
        assert (d.claim_id.ne("") | d.source_id.ne("")).all()
        # a claim's source is filled in from the ledger
        for r in d.itertuples():
            if r.claim_id:
                assert r.source_id == ledger.claim(r.claim_id)["source_id"]


def test_numbers_the_brief_names_are_the_ledgers():
    m = business.model("subscription")
    nt = business.numbers_table(m).set_index("编号")
    assert nt.loc["R25-107", "数字"] == "1999元"
    assert nt.loc["R25-108", "数字"] == "8%"
    assert nt.loc["R25-109", "数字"] == "3倍"
    assert ledger.claim(business.model("outcome").flows[0].claim_id)["value"] == 30
    with pytest.raises(KeyError):
        business.model("nope")


def test_model_card_escapes():
    h = business.model_card_html(business.model("data"))
    assert "<script" not in h and "R25-116" in h


def test_source_scenario_and_break_even():
    s = business.source_scenario()
    assert (s.price, s.conversion, s.margin, s.cac) == (1999, 8, 15, 120)
    r = business.unit_economics(s, users=1000)
    assert math.isclose(r["revenue"], 1000 * 0.08 * 1999)
    assert math.isclose(r["service_cost"], r["revenue"] * 0.85)
    assert math.isclose(r["acquisition_cost"], 120_000)
    assert math.isclose(r["result"], r["revenue"] - r["service_cost"] - r["acquisition_cost"])
    assert math.isclose(r["per_active_user"], 0.08 * 1999 * 0.15 - 120)
    be = business.break_even_conversion(s)
    assert math.isclose(be, 120 / (1999 * 0.15) * 100)
    at_be = business.unit_economics(business.Scenario(s.price, be, s.margin, s.cac))
    assert abs(at_be["result"]) < 1e-6


def test_break_even_is_infinite_without_margin():
    assert math.isinf(business.break_even_conversion(business.Scenario(1999, 8, 0, 120)))


def test_scenarios_change_one_lever_at_a_time():
    base, *rest = business.scenarios()
    assert base.label == "来源数字"
    double = rest[0]
    assert double.conversion == 2 * base.conversion and double.price == base.price
    assert len({s.label for s in business.scenarios()}) == len(business.scenarios())
    assert "读者假设" in business.describe_scenario(double) and "来源数字" in business.describe_scenario(double)


@pytest.mark.parametrize("args,fragment", [
    (("abc", 8, 15, 120), "年费"),
    ((-5, 8, 15, 120), "年费"),
    ((1999, 150, 15, 120), "转化率"),
    ((1999, 8, 200, 120), "毛利率"),
    ((1999, 8, 15, float("nan")), "获客成本"),
    ((True, 8, 15, 120), "年费"),
    (("<script>alert(1)</script>", 8, 15, 120), "年费"),
])
def test_bad_input_gives_a_chinese_message_never_a_traceback(args, fragment):
    with pytest.raises(business.ScenarioError) as exc:
        business.check_scenario(*args)
    assert fragment in str(exc.value)
    out = business.scenario_html(*args)
    assert "ihbook-msg" in out and fragment in out and "<script>" not in out


def test_scenario_html_accepts_text_numbers():
    out = business.scenario_html("1,999", 8, 15, 120)
    assert "盈亏平衡所需转化率" in out and "40.0%" in out


def test_sliders_update_and_survive_bad_input():
    box = business.unit_economics_sliders()
    price, conv, margin, cac, out = box.children
    assert "40.0%" in out.value
    price.value = "不是数字"
    assert "ihbook-msg" in out.value
    price.value = "999.5"
    conv.value = 16
    assert "ihbook-msg" not in out.value and "999.5" in out.value


def test_five_year_average_is_the_ledgers_arithmetic():
    avg, unit = business.five_year_average_loss()
    assert unit == "亿元" and avg == ledger.claim("R25-129")["value"] / ledger.claim("R25-128")["value"]


# --- content as data; the fee box ---------------------------------------------------------------

def test_models_are_read_from_data_files():
    from ihbook.evidence import tables
    from ihbook.evidence.paths import DATA

    payers, models = business.load_models()
    assert [m.key for m in models] == [m.key for m in business.MODELS] and len(payers) == 7
    assert business.model("ecommerce").nodes["platform"][0] == "平台\n（阿里健康、京东健康）"
    for name in ("business_models", "business_nodes", "business_flows", "business_payers"):
        assert tables.validate_file(DATA / f"{name}.csv", name) == [], name


@pytest.mark.parametrize("fee,shown", [
    ("一千九百九十九", "1999 元"), ("１９９９", "1999 元"), ("1,999", "1999 元"), ("1万", "1.0 万元"), ("12元", "12 元"),
    ("三十", "30 元"), ("1999元/年", "1999 元")])
def test_fee_box_reads_what_units_reads(fee, shown):
    out = business.scenario_html(fee, 8, 15, 120)
    assert "ihbook-msg" not in out and f"年费 {shown}" in out


@pytest.mark.parametrize("fee,needle", [
    ("1,5", "歧义"), ("12，5", "歧义"), ("0.01", "太低"), ("0.5元", "太低"), ("上千", "大概"), ("几百块", "大概")])
def test_fee_box_refuses_instead_of_guessing(fee, needle):
    out = business.scenario_html(fee, 8, 15, 120)
    assert "ihbook-msg" in out and needle in out


def test_amounts_are_shown_with_chinese_units_never_scientific():
    out = business.scenario_html("100万", 8, 15, 120)
    assert "e+" not in out and "万元" in out
    out = business.scenario_html(1999, 8, 15, 120)
    assert "盈亏平衡所需转化率" in out and "40.0%" in out and "e+" not in out
    impossible = business.scenario_html(20, 8, 15, 120)
    assert "不可能达到" in impossible and "e+" not in impossible
