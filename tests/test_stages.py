"""Chapter 2: the stage definitions, the timeline, and the stage explorer."""
import math

import pandas as pd
import pytest

from ihbook.show import charts
from ihbook.evidence import ledger
from ihbook.chapters import stages
from ihbook.evidence.paths import CHART_DATA


def test_tables_are_sound():
    assert stages.check_stages() == []
    assert stages.check_timeline() == []


def test_a_quote_that_is_not_verbatim_is_reported(tmp_path):
    bad = tmp_path / "stages.csv"
    df = pd.read_csv(stages.STAGES, dtype=str, keep_default_na=False)
    df.loc[0, "quote"] = "这句话不在来源里"
    df.loc[1, "end_year"] = "2000"
    df.to_csv(bad, index=False)
    errors = [str(e) for e in stages.check_stages(bad)]
    assert any("第 2 行，列 quote" in e for e in errors)
    assert any("列 end_year" in e for e in errors)


def test_timeline_check_requires_claim_or_quote_and_no_typed_numbers(tmp_path):
    bad = tmp_path / "timeline.csv"
    bad.write_text("event_id,date,label,category,source_id,claim_id,quote_id,note\n"
                   "E2015-x,2015,投资增长158%,资本,woshipm-2021,,,\n"
                   "E2016-y,2016,笔均融资,资本,woshipm-2021,WS21-013,,\n", encoding="utf-8")
    errors = [str(e) for e in stages.check_timeline(bad)]
    assert any("claim_id" in e and "第 2 行" in e for e in errors)
    assert any("手写数字" in e for e in errors)
    assert any("{v}" in e and "第 3 行" in e for e in errors)


def test_timeline_labels_take_numbers_from_the_ledger():
    ev = stages.load_timeline()
    assert ev.event_id.is_unique and (ev.claim_id.ne("") | ev.quote_id.ne("")).all()
    row = ev[ev.claim_id == "WS21-013"].iloc[0]
    assert ledger.display_value(ledger.claim("WS21-013")) in row.text
    assert ev.x.is_monotonic_increasing
    for must in ("E2009-reform", "E2015-first-ih", "E2015-invest", "E2017-draft", "E2017-rational",
                 "E2016-per-deal", "E2019-per-deal", "E2019-covid", "E2020-jd-ipo", "E2021-peak", "E2023-trough"):
        assert must in set(ev.event_id)


def test_sources_date_the_stages_differently():
    ir, ws = stages.spans("1.0")["iresearch-2020"], stages.spans("1.0")["woshipm-2021"]
    assert ir[2] == "stated" and ws[2] == "inferred" and ir[0] != ws[0]
    assert stages.stage_of(2012, "iresearch-2020") == "1.0"
    assert stages.stage_of(2012, "woshipm-2021") == "2.0"
    assert stages.stage_of(2016) == "2.0" and stages.stage_of(2023) == "3.0"
    assert math.isnan(stages.spans("3.0")["iresearch-2020"][1])  # ongoing when published


@pytest.mark.parametrize("year,source,needle", [
    ("去年", "iresearch-2020", "年份"), (None, "iresearch-2020", "年份"), (float("nan"), "iresearch-2020", "年份"),
    (2016, "chinabaogao-2024", "只有这些来源"), (1990, "iresearch-2020", "没有覆盖"),
])
def test_stage_of_bad_input_gets_a_message(year, source, needle):
    assert needle in stages.stage_of(year, source)


def test_events_in_a_stage():
    ids = set(stages.events_in("2.0").event_id)
    assert "E2015-first-ih" in ids and "E2009-reform" not in ids and "E2021-peak" not in ids
    assert "E2021-peak" in set(stages.events_in("3.0").event_id)
    assert stages.events_in("4.0").empty


def test_timeline_figure_passes_chart_checks():
    fig, data = stages.timeline_figure("2.0")
    charts.check_chart(fig, "ch02-test", data)
    assert (data.claim_id.ne("") | data.source_id.ne("")).all()
    charts.to_png(fig)


def test_side_by_side_table(shown):
    stages.side_by_side()
    html = shown[-1]["text/html"]
    assert "初步桥梁阶段" in html and "目前处于2.0至3.0阶段的过渡时期" in html and "智慧医疗" in html
    assert "本书据原文措辞推定" in html


def _with_conflict(monkeypatch, base, claim_ids, cid="CF-eeeeee"):
    from ihbook.evidence import conflicts

    extra = base.iloc[:1].assign(conflict_id=cid, claim_ids=";".join(claim_ids))
    monkeypatch.setattr(conflicts, "load_conflicts", lambda: pd.concat([base, extra], ignore_index=True))


def test_charts_name_their_conflicts(shown, small_conflicts, monkeypatch):
    from ihbook.show import charts

    funding = list(charts.metric_points("investment_amount", entity="industry").claim_id[:2])
    _with_conflict(monkeypatch, small_conflicts, funding)
    stages.funding_chart()
    text = shown[-1]["text/plain"]
    assert "CF-eeeeee" in text and "CF-aaaaaa" not in text and "来源：" in text
    stages.per_deal_chart()
    assert set(pd.read_csv(CHART_DATA / "ch02-per-deal.csv").claim_id) == {"WS21-013", "WS21-014", "R25-258"}
    stages.timeline_chart()
    assert 'class="ihbook-chart"' in shown[-1]["text/html"]


def test_explorer_has_a_view_per_stage(shown):
    import ipywidgets as w

    stages.explorer()
    box = shown[0]
    ctl, stack = box.children
    assert isinstance(ctl, w.ToggleButtons) and len(stack.children) == 4
    assert ctl.index == stack.selected_index == 0
    cards = [p.children[0].value for p in stack.children]
    assert "2012" in cards[0] and "线上门诊阶段" in cards[1] and "智慧医疗" in cards[3]
    imgs = [p.children[1].value for p in stack.children]
    assert len(set(imgs)) == 4  # each stage highlights the timeline differently
    assert 'class="ihbook-chart-foot"' in shown[1]["text/html"]
    csv = pd.read_csv(CHART_DATA / "ch02-stage-explorer.csv")
    assert csv.state.nunique() == 4
