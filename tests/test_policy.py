"""Chapter 5's policy table and its helpers (ihbook.chapters.policy)."""
import csv

import pandas as pd
import pytest

from ihbook.evidence import tables as datapackage
from ihbook.chapters import policy
from ihbook.evidence import sources


def test_policy_table_is_sound():
    assert policy.check_policies() == []


def test_policy_table_validates_against_the_data_package():
    errors = datapackage.validate_file(policy.POLICIES, "policies")
    assert errors == [], [str(e) for e in errors]


def test_every_quote_is_verbatim_and_table_rows_carry_their_content():
    df = policy.load_policies()
    for r in df.itertuples():
        assert r.quote in sources.text(r.source_id), r.policy_id
    # the chinabaogao table rows: the content column is the table's own 主要内容, verbatim
    table = df[df.source_id.eq("chinabaogao-2024") & df.quote.str.match(r"^(国家级|省级) ")]
    assert len(table) == 7
    assert all(c in q for c, q in zip(table.content, table.quote))


def test_named_disagreements_are_flagged_both_ways():
    df = policy.load_policies().set_index("policy_id")
    # Shanghai: one content, two titles in one source
    assert "title-clash" in df.loc["P-GY24-07", "flags"] and "title-clash" in df.loc["P-GY24-08", "flags"]
    assert df.loc["P-GY24-07", "related"] == "P-GY24-08" and df.loc["P-GY24-08", "related"] == "P-GY24-07"
    # the notice with mismatched quotation marks keeps the source's marks in its quote
    assert "mismatched-marks" in df.loc["P-R25-06", "flags"]
    assert "《关于在疫情防控中做好互联网诊疗咨询服务工作的通知”" in df.loc["P-R25-06", "quote"]
    # the 2017 draft and the 36kr dates
    assert df.loc["P-WS21-02", "status"] == "draft" and df.loc["P-WS21-02", "year"] == "2017"
    assert (df.loc["P-KR21-01", "year"], df.loc["P-KR21-01", "month"]) == ("2020", "4")
    assert (df.loc["P-KR21-02", "year"], df.loc["P-KR21-02", "month"]) == ("2020", "11")


def test_related_links_are_symmetric_for_clashes():
    df = policy.load_policies().set_index("policy_id")
    for pid, r in df.iterrows():
        if {"title-clash", "status-clash", "date-differs"} & set(r["flags"]):
            for other in filter(None, r["related"].split(";")):
                assert pid in df.loc[other, "related"].split(";"), (pid, other)


def test_check_reports_file_row_column_and_reason(tmp_path):
    rows = list(csv.DictReader(open(policy.POLICIES, encoding="utf-8")))
    rows[0]["quote"] = "这句话不在任何来源里"
    rows[1]["level"] = "city"
    rows[2]["related"] = "P-XX99-99"
    path = tmp_path / "policies.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=policy.COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    errs = policy.check_policies(path)
    where = {(e.row, e.column) for e in errs}
    assert {(2, "quote"), (3, "level"), (4, "related")} <= where
    assert all(e.file == "data/policies.csv" for e in errs)


def test_period_buckets():
    assert [policy.period_of(y) for y in ("2009", "2017", "2018", "2021", "2023", "")] == [
        "to2017", "to2017", "2018-2019", "2020-2021", "from2022", "undated"]


def test_filter_accepts_keys_labels_and_prefixes():
    a = policy.filter_policies(level="national", theme="price")
    b = policy.filter_policies(level="国家级", theme="价格与医保支付")
    c = policy.filter_policies(level="国家", theme="价格")
    assert list(a.policy_id) == list(b.policy_id) == list(c.policy_id)
    assert len(a) > 0 and set(a.level) == {"national"}
    # secondary themes count: the 2022 NDRC plan is mainly promotion but also price
    assert "P-GY24-01" in set(a.policy_id)
    assert len(policy.filter_policies()) == len(policy.load_policies())


def test_filter_rejects_bad_choices_in_chinese():
    for bad in ("city", "<script>", 42):
        with pytest.raises(policy.PolicyInputError) as exc:
            policy.filter_policies(level=bad)
        assert "层级" in str(exc.value)


def test_show_filter_escapes_bad_input(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    InteractiveShell.instance()
    shown = []
    import IPython.display as d

    orig = d.display
    d.display = lambda obj, **kw: shown.append(obj.data)
    try:
        policy.show_filter(theme="<b>x</b>")
    finally:
        d.display = orig
    assert shown and "&lt;b&gt;" in shown[0] and "<b>x" not in shown[0]


def test_table_html_escapes_and_counts():
    df = policy.filter_policies(level="provincial")
    h = policy.table_html(df)
    assert f"符合条件的条目：{len(df)} 条" in h
    evil = df.head(1).assign(issuer="<img src=x>")
    assert "<img src=x>" not in policy.table_html(evil)
    assert "没有符合条件" in policy.table_html(df.iloc[0:0])


def test_filter_widget_precomputes_every_combination():
    import ipywidgets as w

    box = policy.filter_widget()
    controls, outer = box.children
    levels, themes, periods = controls.children
    assert isinstance(outer, w.Stack) and len(outer.children) == len(levels.options)
    middle = outer.children[1]  # 国家级
    assert len(middle.children) == len(themes.options)
    inner = middle.children[3]  # 国家级 × 价格与医保支付
    assert len(inner.children) == len(periods.options)
    panel = inner.children[0].value  # all periods
    expected = policy.filter_policies("national", "price")
    assert f"符合条件的条目：{len(expected)} 条" in panel
    # identical results share one panel: far fewer panels than combinations
    leaves = {id(leaf) for m in outer.children for i in m.children for leaf in i.children}
    assert len(leaves) < len(levels.options) * len(themes.options) * len(periods.options)


def test_keyword_counts_count_each_text_once():
    kc = policy.keyword_counts("national", top=5)
    assert kc.word.nunique() == 5
    # totals are consistent with the per-source counts
    assert (kc.groupby("word")["count"].sum() == kc.groupby("word")["total"].first()).all()
    # the data-law passage is quoted by two rows (P-R25-08, P-R25-09) but counted once
    df = policy.load_policies()
    texts = [policy.policy_text(r) for _, r in df[df.level == "national"].iterrows()]
    assert len(texts) > len(set(texts))
    from ihbook.evidence import text

    expected = Counter_of(set(texts), text)
    top = kc.drop_duplicates("word").set_index("word")["total"]
    for word, n in top.items():
        assert expected[word] == n


def Counter_of(texts, text_mod):
    from collections import Counter

    c = Counter()
    for t in texts:
        c.update(text_mod.content_words(t))
    return c


def test_keyword_counts_reject_unknown_level():
    with pytest.raises(policy.PolicyInputError):
        policy.keyword_counts("city")


def test_domain_table_adds_up():
    t = policy.domain_table()
    assert int(t["合计"].sum()) == len(policy.load_policies())
    assert list(t.index) == list(policy.THEMES.values())


def test_timeline_points_keep_undated_rows_apart():
    pts = policy.timeline_points()
    slots = policy.year_slots()
    undated = pts[pts.year == ""]
    assert (undated.x > len(slots) - 1.5).all()
    assert (pts[pts.year != ""].x < len(slots) - 1.5).all()
    assert pts.x.notna().all() and pts.y.between(-0.5, len(policy.THEMES)).all()
    assert isinstance(pts, pd.DataFrame)


def test_rule_keys_point_into_the_rulebook():
    from ihbook.evidence import reference

    keys = set(reference.load_rules().doc_key) | set(policy.TOPIC_KEYS)
    df = policy.load_policies()
    assert set(df.rule_key) - {""} <= keys


def test_sources_policy_claims_are_checked_against_the_rules():
    df = policy.check_against_rules().set_index("policy_id")
    # 36kr: "国家政策明确了互联网医疗可以首诊" contradicts the follow-up-only rule
    assert df.loc["P-KR21-01", "verdict"] == "与规则表不一致" and "内容" in df.loc["P-KR21-01", "differs_on"]
    # 36kr: online prescription-drug sales "allowed" in November 2020 = a draft that month
    assert df.loc["P-KR21-02", "status_check"] == "不一致" and df.loc["P-KR21-02", "year_check"] == "一致"
    # report-2025 names 国家卫健委 as issuer of the State Council's 2018 opinion
    assert df.loc["P-R25-01", "issuer_check"] == "不一致"
    assert df.loc["P-R25-02", "title_check"] == "一致" and df.loc["P-R25-02", "year_check"] == "一致"
    # Ningxia's first-visit pilot is consistent with the rules
    assert df.loc["P-GY24-05", "verdict"] == "未见不一致"


def test_rules_today_render_escaped(shown):
    policy.show_rules()
    policy.show_rule_checks()
    body = "".join(s["text/html"] for s in shown)
    assert "R-2018-IDM-scope" in body and "复诊" in body and "<script" not in body
    with pytest.raises(policy.PolicyInputError):
        policy.rules("nonsense")
