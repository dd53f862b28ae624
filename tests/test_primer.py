"""The primer page's helpers (ihbook.chapters.primer) and the page's own promises."""
import json

import pandas as pd
import pytest

from ihbook.chapters import primer
from ihbook.evidence import ledger
from ihbook.evidence.paths import ROOT

GOOD = pd.DataFrame([("线下确诊", "在实体医院确诊。", "R-2018-IDM-followup", ""),
                     ("发起复诊", "在互联网医院复诊。", "R-2018-IHM-def", "Q-primer-kr-one-stop")],
                    columns=primer.JOURNEY_COLUMNS)


def test_claims_table_has_chinese_labels_and_the_value_as_written():
    df = ledger.select(metric="internet_hospitals", source_id="36kr-2021")
    table = primer.claims_table(df)
    assert list(table.columns) == ["指标", "主体", "时期", "数字（原文）", "类型", "来源", "编号"]
    assert not any(c in table.columns for c in ("claim_id", "metric", "kind"))
    rec = ledger.claim(table["编号"].iloc[0])
    assert table["数字（原文）"].iloc[0] == ledger.display_value(rec)


def test_conflict_phrases_come_from_the_conflicts_table():
    ids = pd.read_csv(ROOT / "data" / "conflicts.csv", dtype=str).claim_ids.iloc[0].split(";")
    assert primer.conflict_list(ids)
    assert primer.conflicts_of(["NO-SUCH-ID"]) == "暂无登记"


def test_a_sound_journey_passes_its_check():
    assert primer.check_journey(GOOD) == []


@pytest.mark.parametrize("bad, expected", [
    (GOOD.assign(规则=""), "没有注明规则"),
    (GOOD.assign(规则="R-NO-SUCH"), "规则表中没有"),
    (GOOD.assign(来源="Q-no-such"), "引文表中没有"),
    (GOOD.assign(来源="ZZ99-999"), "账本中没有"),
    (GOOD.drop(columns="情景"), "缺少列"),
    (GOOD.iloc[0:0], "空的"),
    ("<b>不是表格</b>", "DataFrame"),
])
def test_a_bad_journey_gets_a_chinese_message(bad, expected):
    problems = primer.check_journey(bad)
    assert problems and any(expected in p for p in problems)


def _html(shown) -> str:
    parts = []
    for obj in shown:
        if isinstance(obj, dict):
            parts.append(obj.get("text/html", "") + obj.get("text/plain", ""))
        else:  # a widget box: its panels' HTML
            for child in getattr(obj, "children", []):
                for panel in getattr(child, "children", [child]):
                    parts.append(str(getattr(panel, "value", "")))
    return "\n".join(parts)


def test_bad_journey_is_shown_as_a_message_not_a_traceback(shown):
    primer.journey_explorer(GOOD.assign(规则="<script>x</script>"))
    html = "".join(o["text/html"] for o in shown)
    assert "旅程表有问题" in html and "<script>" not in html and "&lt;script&gt;" in html


def test_journey_panels_carry_rule_ids_and_the_scenario_label(shown):
    primer.journey_explorer(GOOD)
    html = _html(shown)
    assert "R-2018-IDM-followup" in html and "示意情景" in html and "不是真实病例" in html
    assert "ihbook-editor-note" in html and "ihbook-quote" in html


def test_primer_page_is_in_the_toc_and_labels_its_scenario():
    from ihbook.site import toc

    assert "book/primer" in toc.docnames()
    nb = json.loads((ROOT / "book" / "primer.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"])
    assert "示意情景，不是真实病例" in text
    for heading in ("学习目标", "要点速览", "小结", "练习", "延伸阅读"):
        assert f"## {heading}" in text
