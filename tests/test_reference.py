"""The reference layer: official statistics, the rulebook, the cross-check, editor's notes, cards."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from ihbook.evidence import reference, tables
from ihbook.evidence.paths import BOOK, DATA
from ihbook.evidence.units import parse_number
from ihbook.show import notes
from ihbook.show import reference as view

REF_TABLES = {"reference_statistics": "statistics.csv", "reference_rules": "rules.csv",
              "reference_crosswalk": "crosswalk.csv", "reference_source_methods": "source_methods.csv"}


# --------------------------------------------------------------------------- schemas and rows

@pytest.mark.parametrize("table,fname", sorted(REF_TABLES.items()))
def test_tables_validate_against_their_schemas(table, fname):
    assert table in tables.all_tables(), f"{table} 未登记到数据包"
    assert tables.validate_file(DATA / "reference" / fname, table) == []


def test_datapackage_lists_the_reference_tables():
    names = {r["name"] for r in json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))["resources"]}
    assert set(REF_TABLES) <= names


def test_bad_row_fails_with_file_row_column_reason(tmp_path):
    src = (DATA / "reference" / "statistics.csv").read_text(encoding="utf-8").splitlines()
    header, first = src[0], src[1]
    bad = first.replace(",https://", ",ftp-not-a-url://", 1)
    path = tmp_path / "statistics.csv"
    path.write_text("\n".join([header, first, bad]) + "\n", encoding="utf-8")
    errors = tables.validate_file(path, "reference_statistics")
    assert errors, "坏行没有被发现"
    e = errors[0]
    assert e.file.endswith("statistics.csv") and e.row == 3 and e.column in ("url", "ref_id")
    assert e.reason and str(e).startswith(str(path))


def test_reference_checks_pass():
    assert reference.check_reference() == []


def test_every_statistic_has_address_and_quote_with_value_as_written():
    st = reference.load_statistics()
    assert len(st) >= 40
    for r in st.to_dict("records"):
        assert r["url"].startswith(("http://", "https://")), r["ref_id"]
        assert r["value_text"] in r["quote"], r["ref_id"]
        assert math.isclose(parse_number(r["value_text"]), r["value"]), r["ref_id"]
        assert r["publisher_own"] in ("true", "false")


def test_every_rule_has_address_quote_issuer_and_status():
    ru = reference.load_rules()
    assert len(ru) >= 10
    assert ru.rule_id.is_unique
    for r in ru.to_dict("records"):
        assert r["url"].startswith(("http://", "https://")) and r["quote"].strip(), r["rule_id"]
        assert r["issuer"] and r["status"] and r["status_basis"], r["rule_id"]
    # the key rule: online care is for follow-up visits, quoted
    scope = ru.set_index("rule_id").loc["R-2018-IDM-scope"]
    assert "复诊" in scope["quote"] and scope["topic"] == "first_visit"


def test_check_reference_reports_a_quote_without_its_value(tmp_path):
    st = pd.read_csv(DATA / "reference" / "statistics.csv", dtype=str, keep_default_na=False)
    st.loc[0, "quote"] = "这句话里没有数字"
    p = tmp_path / "statistics.csv"
    st.to_csv(p, index=False)
    errs = reference.check_reference(statistics=p)
    assert any(e.row == 2 and e.column == "value_text" for e in errs)


def test_crosswalk_keys_exist():
    cw = reference.load_crosswalk()
    st = reference.load_statistics()
    pairs = set(zip(st.metric, st.entity))
    for r in cw.to_dict("records"):
        assert (r["ref_metric"], r["ref_entity"]) in pairs


# --------------------------------------------------------------------------- cross-check on a fixture

def _claim(cid, metric, value, unit, period="", qualifier="", kind="observed", source_id="report-2025",
           value_text=None, **kw):
    rec = {"claim_id": cid, "source_id": source_id, "topic": "users", "metric": metric, "entity": "china",
           "period": period, "value": value, "value_max": float("nan"),
           "value_text": value_text or f"{value:g}", "qualifier": qualifier, "unit": unit, "kind": kind,
           "quote": f"……{value_text or f'{value:g}'}{unit}……", "relation": "", "note": ""}
    rec.update(kw)
    return rec


def _stat(rid, metric, value, unit, period, qualifier="", entity="china", value_text=None):
    return {"ref_id": rid, "publisher": "测试统计局", "document": "测试公报", "doc_date": "", "period": period,
            "metric": metric, "entity": entity, "value": value, "value_text": value_text or f"{value:g}",
            "unit": unit, "qualifier": qualifier, "definition": "测试", "url": "https://example.org/x",
            "quote": f"{value_text or f'{value:g}'}", "publisher_own": "false", "note": ""}


CROSSWALK = pd.DataFrame([
    {"claim_metric": "users_internet_health", "claim_entity": "china", "ref_metric": "users", "ref_entity": "china",
     "tolerance": "0.05", "tolerance_kind": "rel", "definition": "same", "definition_note": ""},
    {"claim_metric": "population_65plus_share", "claim_entity": "china", "ref_metric": "share65",
     "ref_entity": "china", "tolerance": "0.3", "tolerance_kind": "abs", "definition": "same", "definition_note": ""},
    {"claim_metric": "residents_used_online_health_share", "claim_entity": "china", "ref_metric": "share_net",
     "ref_entity": "china", "tolerance": "", "tolerance_kind": "", "definition": "different",
     "definition_note": "分母不同"},
    {"claim_metric": "revenue", "claim_entity": "china", "ref_metric": "rev", "ref_entity": "china",
     "tolerance": "0.01", "tolerance_kind": "rel", "definition": "same", "definition_note": ""},
])
STATS = pd.DataFrame([
    _stat("REF-T-1", "users", 3.63, "亿人", "2022-12"),
    _stat("REF-T-2", "users", 4.14, "亿人", "2023-12"),
    _stat("REF-T-3", "users", 21500, "万人", "2020-12"),
    _stat("REF-T-4", "share65", 11.9, "%", "2018"),
    _stat("REF-T-5", "share65", 13.5, "%", "2020-11"),
    _stat("REF-T-6", "share_net", 21.7, "%", "2020-12"),
    _stat("REF-T-7", "rev", 15518.5, "百万元", "2020-04/2021-03", value_text="15,518.5"),
])
CLAIMS = pd.DataFrame([
    _claim("T-001", "users_internet_health", 3.64, "亿人", "2023-06"),    # between 2022-12 and 2023-12
    _claim("T-002", "users_internet_health", 7.8, "亿人", "2024"),        # far above 2023-12
    _claim("T-003", "users_internet_health", 2.15, "亿人", "2020-12"),    # same time, 万 vs 亿
    _claim("T-004", "users_internet_health", 2.5, "亿人", "2020-12"),     # same time, 16 % off
    _claim("T-005", "population_65plus_share", 12.6, "%", "2019"),        # between 2018 and 2020
    _claim("T-006", "population_65plus_share", 11.5, "%", "2019"),        # below both
    _claim("T-007", "residents_used_online_health_share", 74.4, "%", "2020"),
    _claim("T-008", "revenue", 155.2, "亿元", "2021"),                    # fiscal year, same number
    _claim("T-009", "users_internet_health", 7, "亿人", ""),              # undated, outside range
    _claim("T-010", "users_internet_health", 600, "亿人", "2030", kind="forecast"),  # not checked
    _claim("T-011", "users_internet_health", 3, "亿人", "2023-12", qualifier="over"),  # 超过3亿: true
])


def _verdicts():
    df = reference.crosscheck(CLAIMS, STATS, CROSSWALK)
    return df.set_index("claim_id")


def test_crosscheck_verdicts_on_fixture():
    v = _verdicts()
    assert v.loc["T-001", "verdict"] == "agrees"
    assert v.loc["T-002", "verdict"] == "disagrees"
    assert v.loc["T-003", "verdict"] == "agrees"          # 21500万人 = 2.15亿人
    assert v.loc["T-004", "verdict"] == "disagrees"
    assert v.loc["T-005", "verdict"] == "agrees"
    assert v.loc["T-006", "verdict"] == "disagrees"
    assert v.loc["T-007", "verdict"] == "definition"
    assert v.loc["T-008", "verdict"] == "definition" and "财年" in v.loc["T-008", "basis"]
    assert v.loc["T-009", "verdict"] == "disagrees" and "未注时期" in v.loc["T-009", "basis"]
    assert "T-010" not in v.index                          # forecasts are not checked
    assert v.loc["T-011", "verdict"] == "agrees"


def test_crosscheck_ratio_and_labels():
    v = _verdicts()
    assert v.loc["T-003", "ratio"] == pytest.approx(1.0)
    assert v.loc["T-002", "ratio"] == pytest.approx(7.8 / 4.14)
    assert v.loc["T-008", "ratio"] == pytest.approx(155.2e8 / 15518.5e6)
    assert set(v.verdict_label) <= set(reference.VERDICT_LABELS.values())
    assert v.loc["T-001", "ref_ids"] == "REF-T-1;REF-T-2"


def test_crosscheck_on_the_ledger_matches_known_checks():
    df = reference.crosscheck().set_index("claim_id")
    assert len(df) >= 20
    # 2019 65+ share of 12.6% (人人都是产品经理) lies between the official 2018 and 2020 shares
    assert df.loc["WS21-016", "verdict"] == "agrees"
    # 2024 "7.8亿" internet-healthcare users is about twice CNNIC's count
    assert df.loc["R25-027", "verdict"] == "disagrees"
    # 阿里健康 "2021年 155.2亿元" is its fiscal year to March 2021
    assert df.loc["KR21-023", "verdict"] == "definition"


def test_crosscheck_of_the_books_tables_is_computed_once_and_handed_out_as_copies():
    """crosscheck() without arguments is remembered for the process (ch10 asks for it, then for
    the verdicts of one claim after another): it equals the computation on the loaded tables, and
    a caller editing its copy changes nothing for the next caller."""
    from ihbook.evidence import ledger

    first = reference.crosscheck()
    fresh = reference.crosscheck(ledger.load_claims(), reference.load_statistics(), reference.load_crosswalk())
    pd.testing.assert_frame_equal(first, fresh)
    first.loc[:, "verdict"] = "edited"
    again = reference.crosscheck()
    pd.testing.assert_frame_equal(again, fresh)
    assert reference.verdict_for("R25-027")["verdict"] == fresh.set_index("claim_id").loc["R25-027", "verdict"]
    pd.testing.assert_frame_equal(reference.source_cards(), reference.source_cards(claims=ledger.load_claims()))


def test_unit_conversion():
    assert reference.to_base(15518.5, "百万元") == ("cny", pytest.approx(155.185e8))
    assert reference.to_base(3, "‰") == reference.to_base(3, "人/千人")
    assert reference.to_base(21500, "万人")[1] == pytest.approx(reference.to_base(2.15, "亿人")[1])


# --------------------------------------------------------------------------- editor's notes

def test_editor_note_names_its_reference_and_escapes(shown):
    notes.editor_note("R-2018-IDM-scope", "<script>首诊</script>不在网上")
    body = shown[-1]["text/html"]
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "R-2018-IDM-scope" in body and "编者注" in body and 'href="https://' in body
    assert "R-2018-IDM-scope" in shown[-1]["text/plain"]


def test_editor_note_refuses_unknown_or_empty_reference():
    with pytest.raises(notes.NoteError):
        notes.editor_note_html("REF-NOPE-1", "文字")
    with pytest.raises(notes.NoteError):
        notes.editor_note_html("", "文字")
    with pytest.raises(notes.NoteError):
        notes.editor_note_html("R-2018-IDM-scope", "   ")


def _nb(cells):
    return {"cells": [{"cell_type": "markdown", "metadata": {}, "source": c} for c in cells],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_unsourced_editor_note_is_reported(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text(json.dumps(_nb(["正文", "编者注：这是一条没有出处的外部事实。"]), ensure_ascii=False), encoding="utf-8")
    wrong = tmp_path / "wrong.md"
    wrong.write_text("编者注：编号写错了〔REF-NOPE-2020〕\n", encoding="utf-8")
    good = tmp_path / "good.ipynb"
    good.write_text(json.dumps(_nb(["编者注：有出处〔R-2018-IDM-scope〕"]), ensure_ascii=False), encoding="utf-8")
    problems = notes.unsourced_notes([tmp_path])
    assert any("bad.ipynb" in p and "单元格 2" in p for p in problems)
    assert any("wrong.md" in p and "REF-NOPE-2020" in p for p in problems)
    assert not any("good.ipynb" in p for p in problems)


def test_book_has_no_unsourced_editor_note():
    # the chapters and pages at the top of book/ and the policy table; the teaching guides
    # (book/teaching/) cite their tooling facts by URL and are outside data/reference
    paths = sorted(BOOK.glob("*.ipynb")) + sorted(BOOK.glob("*.md")) + [DATA / "policies.csv"]
    problems = notes.unsourced_notes(paths)
    assert problems == [], "\n".join(problems)


# --------------------------------------------------------------------------- source cards

def test_source_cards_sum_up_on_fixture():
    claims = pd.DataFrame([
        _claim("A-001", "m", 1, "%", source_id="36kr-2021", quote="据艾瑞数据显示，1%"),
        _claim("A-002", "m", 2, "%", source_id="36kr-2021", quote="2%", kind="anecdote"),
        _claim("A-003", "m", 3, "%", source_id="36kr-2021", quote="3%"),
        _claim("A-004", "m", 3, "%", source_id="36kr-2021", quote="3%", same_as="A-003"),
        _claim("B-001", "m", 4, "%", source_id="report-2025", quote="4%", kind="anecdote"),
    ])
    checks = pd.DataFrame([
        {"claim_id": "A-001", "source_id": "36kr-2021", "verdict": "agrees"},
        {"claim_id": "A-003", "source_id": "36kr-2021", "verdict": "disagrees"},
        {"claim_id": "B-001", "source_id": "report-2025", "verdict": "no_counterpart"},
    ])
    conflicts = pd.DataFrame([{"conflict_id": "CF-1", "kind": "within-source", "claim_ids": "B-001;B-001",
                               "summary": "", "magnitude": 2.0}])
    cards = reference.source_cards(claims, checks, conflicts).set_index("source_id")
    k = cards.loc["36kr-2021"]
    assert k["n_figures"] == 3                       # A-004 repeats A-003 and counts once
    assert k["n_attributed"] == 1 and k["share_attributed"] == pytest.approx(1 / 3)
    assert k["n_checked"] == 2 and k["n_agrees"] == 1 and k["share_agrees"] == pytest.approx(0.5)
    assert k["n_anecdote"] == 1
    r = cards.loc["report-2025"]
    assert r["n_figures"] == 1 and r["n_checked"] == 0 and math.isnan(r["share_agrees"])
    assert r["share_anecdote"] == 1.0
    assert set(cards.index) == set(reference.sources.load_sources().source_id)


def test_attribution_uses_ledger_column_when_present():
    assert reference.attributed({"attributed_to": "CNNIC", "quote": ""})
    assert reference.attributed({"attributed_to": "self", "quote": ""})
    assert not reference.attributed({"attributed_to": "none", "quote": "据艾瑞数据显示"})
    assert reference.attributed({"quote": "据艾瑞数据显示，1%"})
    assert not reference.attributed({"quote": "用户规模达7.8亿"})


def test_anonymous_report_is_not_relied_on():
    rel = reference.not_relied_on(reference.source_cards()).set_index("source_id")
    assert not rel.loc["report-2025", "relied_on"]
    assert rel.loc["report-2025", "reasons"]


def test_cards_and_tables_render_escaped(shown):
    view.show_source_cards()
    view.show_crosscheck()
    view.show_statistics(entities=["ali_health"])
    view.crosscheck_chart()
    html_all = "".join(s["text/html"] for s in shown)
    assert html_all.count('class="ihbook-source-card"') == 5
    assert "<figure" in html_all and "来源：" in html_all and "下载图表数据（CSV）" in html_all
    assert 'alt="' in html_all and "<script" not in html_all


def test_cross_reference_to_a_note_is_not_a_note(tmp_path):
    (tmp_path / "x.md").write_text("详见下面的编者注。\n\n（见第一节的编者注）\n", encoding="utf-8")
    assert notes.unsourced_notes([tmp_path]) == []
