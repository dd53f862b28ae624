"""Chapter 4: the post-diagnosis market, the reader's scenario, and the 2025 report's numbers."""
import pandas as pd
import pytest

from ihbook.evidence import ledger
from ihbook.chapters import post_diagnosis as postdx
from ihbook.evidence.paths import CHART_DATA


def test_ratio_and_target_come_from_the_ledger():
    s, d = ledger.claim("IR20-004")["value"], ledger.claim("IR20-005")["value"]
    assert postdx.ratio_2019() == pytest.approx(s / d * 100)
    assert postdx.target_share() == pytest.approx(25.0)
    assert postdx.target_year() == 2022


@pytest.mark.parametrize("demand", postdx.DEMAND_GROWTHS)
def test_required_growth_reaches_the_target_in_the_target_year(demand):
    g = postdx.required_growth(demand)
    path = postdx.scenario_path(g, demand)
    assert path.share[path.year == postdx.target_year()].iloc[0] == pytest.approx(postdx.target_share())
    assert path.share[path.year == postdx.target_year() - 1].iloc[0] < postdx.target_share()


def test_faster_supply_growth_never_reaches_later():
    for d in postdx.DEMAND_GROWTHS:
        years = [postdx.year_reached(g, d) or 9999 for g in postdx.SUPPLY_GROWTHS]
        assert years == sorted(years, reverse=True)


def test_no_growth_never_reaches():
    assert postdx.year_reached(0.0, 0.0) is None


@pytest.mark.parametrize("g,d,needle", [("快", 0, "数字"), (None, 0, "数字"), (0.3, "x", "需求端"), (-2, 0, "之间"),
                                        (float("nan"), 0, "之间")])
def test_year_reached_bad_input_gets_a_message(g, d, needle):
    assert needle in postdx.year_reached(g, d)


def test_scenario_explorer_is_labelled_as_the_readers(shown):
    import ipywidgets as w

    postdx.scenario_explorer()
    box = shown[0]
    ctl, stack = box.children
    assert isinstance(ctl, w.ToggleButtons) and len(stack.children) == len(postdx.SUPPLY_GROWTHS)
    assert "不是任何来源的预测" in shown[1]["text/plain"]
    csv = pd.read_csv(CHART_DATA / "ch04-scenario.csv")
    assert csv.kind.str.contains("本书情景计算").all() and csv.state.nunique() == len(postdx.SUPPLY_GROWTHS)


def test_chronic_users_exceed_chronic_patients():
    implied, patients = postdx.chronic_users()
    assert implied == pytest.approx(7.8 * 0.40) and implied > patients


def test_market_chart_names_the_conflict_between_its_two_claims(shown, small_conflicts, monkeypatch):
    from ihbook.evidence import conflicts

    extra = small_conflicts.iloc[:1].assign(conflict_id="CF-eeeeee", claim_ids=f"{postdx.SUPPLY};{postdx.DEMAND}")
    monkeypatch.setattr(conflicts, "load_conflicts", lambda: __import__("pandas").concat([small_conflicts, extra]))
    postdx.market_chart()
    assert "口径差异（CF-eeeeee）" in shown[-1]["text/plain"]
    monkeypatch.setattr(conflicts, "load_conflicts", lambda: small_conflicts)
    postdx.market_chart()
    assert "口径差异（无）" in shown[-1]["text/plain"]


def test_charts_publish(shown):
    postdx.market_chart()
    postdx.effects_chart()
    csv = pd.read_csv(CHART_DATA / "ch04-effects.csv")
    assert (csv.kind == "anecdote").sum() >= 5 and "来源：" in shown[-1]["text/plain"]
    postdx.chronic_check_chart()
    assert set(pd.read_csv(CHART_DATA / "ch04-chronic-check.csv").claim_id) == {"R25-002", "R25-074", "R25-153"}


def test_segments_table_is_verbatim(shown):
    postdx.segments_table()
    html = shown[-1]["text/html"]
    for name, qid, _ in postdx.SEGMENTS:
        assert name in html and qid in html
    assert "HIS、NIS、RIS" in html


def test_effects_chart_names_the_conflicts_of_its_claims(shown, small_conflicts, monkeypatch):
    from ihbook.evidence import conflicts, ledger

    one = ledger.select(metric=postdx.EFFECT_METRICS).claim_id.iloc[0]
    extra = small_conflicts.iloc[:1].assign(conflict_id="CF-eeeeee", claim_ids=f"{one};Z99-999")
    monkeypatch.setattr(conflicts, "load_conflicts", lambda: pd.concat([small_conflicts, extra], ignore_index=True))
    postdx.effects_chart()
    assert "冲突 CF-eeeeee" in shown[-1]["text/plain"]
