"""The concordance: hits are verbatim and cited; bad input gets a clear message, escaped."""
import pytest

from ihbook.chapters import kwic
from ihbook.evidence import sources


@pytest.mark.parametrize("term,msg", [
    ("", "为空"), ("   ", "为空"), (None, "必须是文字"), (42, "必须是文字"),
    ("医" * 31, "过长"), ("医保\n疫情", "换行"),
])
def test_bad_terms_raise_a_chinese_message(term, msg):
    with pytest.raises(kwic.KwicError, match=msg):
        kwic.concordance(term)


@pytest.mark.parametrize("term", ["", None, "x" * 10000, "医\t保"])
def test_render_never_raises_and_shows_a_message(term):
    body, plain = kwic.render(term)
    assert 'class="ihbook-msg' in body and plain


def test_very_long_input_is_refused_quickly():
    body, plain = kwic.render("互联网医疗" * 20000)
    assert "过长" in plain and len(body) < 500


def test_term_not_found_gives_empty_table_and_message():
    assert kwic.concordance("量子纠缠").empty
    body, plain = kwic.render("量子纠缠")
    assert "没有找到" in plain and "<table" not in body


def test_markup_in_the_term_is_escaped():
    body, _ = kwic.render("<script>alert(1)</script>")
    assert "<script>" not in body and "&lt;script&gt;" in body


def test_markup_in_the_text_is_escaped(monkeypatch):
    fake = '前文<img src=x onerror="alert(1)">医保。后文'
    monkeypatch.setattr(kwic.sources, "text", lambda sid: fake)
    body, _ = kwic.render("医保", ["woshipm-2021"])
    assert "<img" not in body and "&lt;img src=x" in body


def test_regex_characters_are_literal():
    hits = kwic.concordance("互联网+医疗", "woshipm-2021")
    assert len(hits) > 0 and (hits["检索词"] == "互联网+医疗").all()
    assert len(kwic.concordance("(0")) > 0  # brackets are literal: "(06618)" in 观研天下


def test_hits_are_verbatim_and_ready_to_cite():
    hits = kwic.concordance("监管", width=10)
    assert len(hits) > 0
    for _, r in hits.iterrows():
        body = sources.text(r.source_id)
        assert body[r["位置"]:r["位置"] + 2] == "监管"
        assert r["原句"] in body and "监管" in r["原句"]
        assert (r["左侧"] + r["检索词"] + r["右侧"]).replace(kwic.BREAK, "\n") in body
        assert len(r["左侧"]) <= 10 and len(r["右侧"]) <= 10
    cite = kwic.citation(hits.iloc[0])
    assert cite.startswith("“") and "——" in cite and "《" in cite


def test_case_insensitive_for_latin_letters():
    assert len(kwic.concordance("ai")) == len(kwic.concordance("AI")) > 0


def test_sources_can_be_restricted_and_unknown_ones_are_named():
    hits = kwic.concordance("疫情", "36kr-2021")
    assert set(hits.source_id) == {"36kr-2021"}
    assert kwic.counts(hits).sum() == len(hits)
    with pytest.raises(kwic.KwicError, match="未知来源"):
        kwic.concordance("疫情", ["nowhere"])


@pytest.mark.parametrize("width", [0, -1, 201, 1.5, True])
def test_width_is_checked(width):
    with pytest.raises(kwic.KwicError, match="宽度"):
        kwic.concordance("疫情", width=width)


def test_render_summarises_per_source_and_limits_rows():
    body, plain = kwic.render("医保", limit=3)
    assert body.count("<tr>") == 1 + 3 and "共出现" in plain and "前 3 处" in plain


def test_selector_precomputes_one_panel_per_term():
    box = kwic.selector(["疫情", "医保"])
    ctl, stack = box.children
    assert len(stack.children) == 2 and "疫情" in stack.children[0].value


def test_explorer_updates_and_handles_bad_input():
    ui = kwic.explorer("疫情")
    (box, menu), out = ui.children[0].children, ui.children[1]
    assert "疫情" in out.value
    box.value = "医保"
    assert "医保" in out.value and "<table" in out.value
    menu.value = "iresearch-2020"
    assert "艾瑞" in out.value
    box.value = ""
    assert "为空" in out.value


def test_full_and_half_width_are_folded():
    half, full = kwic.concordance("2020"), kwic.concordance("２０２０")
    assert len(half) > 0 and half["位置"].tolist() == full["位置"].tolist()
    assert len(kwic.concordance("%")) == len(kwic.concordance("％")) > 0
    assert kwic.fold("２０２０年１０％ＡＢ") == "2020年10%AB"
    assert len(kwic.fold("㎡①ﬁ")) == 3   # multi-character expansions are left alone: offsets stay valid
    # the quoted word is the source's own text, not the folded form
    assert set(full["检索词"]) == {"2020"}


def test_over_long_term_is_not_echoed():
    body, plain = kwic.render("医" * 500)
    assert "医" * 40 not in body and "过长" in plain
