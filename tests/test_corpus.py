"""Chapter 9's corpus functions: the gold sample, segmentation scores, TF-IDF, themes."""
import pytest

from ihbook.chapters import reading_corpus
from ihbook.chapters import reading_texts as corpus
from ihbook.evidence import sources
from ihbook.evidence import text


# --- the gold sample ----------------------------------------------------------------------

def test_gold_sample_is_large_verbatim_and_covers_all_five_sources():
    gold = corpus.load_gold()
    words = [w for g in gold for w in g.words if not corpus.is_punct(w)]
    assert len(words) >= 400
    assert {g.source_id for g in gold} == set(corpus.source_ids())
    for g in gold:
        assert g.text in sources.text(g.source_id)


def test_gold_file_states_its_convention_in_a_header():
    head = corpus.GOLD.read_text(encoding="utf-8").splitlines()[:25]
    comments = "\n".join(line for line in head if line.startswith("#"))
    assert "约定" in comments and "领域术语" in comments and "数字" in comments


def test_gold_is_not_jiebas_output():
    """A hand segmentation disagrees with jieba somewhere in most sources."""
    gold = corpus.load_gold()
    differing = {g.source_id for g in gold if list(g.words) != corpus.cut(g.text, "jieba")}
    assert len(differing) >= 4


@pytest.mark.parametrize("line,reason", [
    ("woshipm-2021 没有 制表符", "TAB"),
    ("woshipm-2021\t总体而言  东部", "空格"),
    ("nowhere-2020\t总体 而言", "未知来源"),
    ("woshipm-2021\t这 句话 不 在 文本 里", "不在来源"),
])
def test_malformed_gold_lines_name_line_and_reason(tmp_path, line, reason):
    p = tmp_path / "gold.txt"
    p.write_text("# comment\n" + line + "\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=f"第 2 行.*{reason}"):
        corpus.load_gold(p)


def test_empty_gold_file_is_refused(tmp_path):
    p = tmp_path / "gold.txt"
    p.write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match="没有句子"):
        corpus.load_gold(p)


# --- scoring ------------------------------------------------------------------------------

def test_span_scoring_counts_exact_word_boundaries():
    gold = ["互联网医院", "推动", "分级诊疗", "。"]
    pred = ["互联网", "医院", "推动", "分级诊疗", "。"]
    correct, n_gold, n_pred = corpus.score(gold, pred)
    assert (correct, n_gold, n_pred) == (2, 3, 4)  # punctuation not counted
    p, r, f = corpus.prf(correct, n_gold, n_pred)
    assert p == pytest.approx(0.5) and r == pytest.approx(2 / 3) and f == pytest.approx(4 / 7)


def test_same_word_at_another_position_is_not_a_hit():
    assert corpus.score(["医疗", "医疗"], ["医", "疗医", "疗"])[0] == 0


def test_scoring_refuses_cuts_of_different_texts():
    with pytest.raises(corpus.CorpusError, match="文字不同"):
        corpus.score(["互联网", "医院"], ["互联网", "医疗"])


def test_prf_is_zero_not_an_error_when_undefined():
    assert corpus.prf(0, 0, 0) == (0.0, 0.0, 0.0)


def test_domain_dictionary_keeps_terms_whole():
    s = "互联网医院推动分级诊疗与智慧医疗"
    assert corpus.cut(s, "jieba") != corpus.cut(s, "full")
    assert {"互联网医院", "分级诊疗", "智慧医疗"} <= set(corpus.cut(s, "full"))
    # 智慧医疗 was added by chapter 9: the "base" configuration leaves it out
    assert "智慧医疗" not in corpus.cut(s, "base") and "分级诊疗" in corpus.cut(s, "base")


def test_added_terms_are_in_the_user_dictionary():
    entries = {w for w, _, _ in reading_corpus._userdict_entries()}
    assert set(corpus.ADDED_TERMS) <= entries


def test_unknown_configuration_is_refused():
    with pytest.raises(corpus.CorpusError, match="未知的词典配置"):
        corpus.cut("互联网医疗", "nope")


def test_dictionary_improves_f1_on_the_gold_sample():
    scores = corpus.segmentation_scores()
    total = scores[scores["来源"] == "合计"].set_index("config")["F1（%）"]
    assert total["jieba"] < total["base"] <= total["full"] < 100
    assert corpus.f1_gain(scores) == pytest.approx(total["full"] - total["jieba"], abs=0.05)
    per_source = scores[scores["来源"] != "合计"]
    assert len(per_source) == 3 * 5


def test_errors_table_shows_gold_word_and_jiebas_cut():
    err = corpus.segmentation_errors("jieba")
    row = err[err["金标准"] == "互联网医疗"].iloc[0]
    assert row["jieba 切分"] == "互联网/医疗" and row["次数"] >= 2


def test_merge_numbers_joins_split_numbers_only():
    toks = ["约", "5", "‰", "，", "1", "/", "3", "和", "1.0", "-", "4.0", "A", "-", "3"]
    assert corpus.merge_numbers(toks) == ["约", "5‰", "，", "1/3", "和", "1.0-4.0", "A", "-", "3"]


# --- overview, keywords, themes -----------------------------------------------------------

def test_overview_has_one_consistent_row_per_source():
    ov = corpus.overview()
    assert list(ov.source_id) == corpus.source_ids()
    assert (ov["字符数"] > ov["汉字数"]).all() and (ov["词数"] > ov["不同词数"]).all()
    assert (ov["数字个数"] > 0).all()


def test_tfidf_ranks_distinctive_words_first_and_zeroes_shared_ones():
    docs = {"a": ["医保", "医保", "疫情", "平台"], "b": ["平台", "监管", "监管", "平台"]}
    kw = corpus.tfidf(docs, top=3)
    a = kw[kw.doc == "a"]
    assert list(a.word[:2]) == ["医保", "疫情"]
    assert a.set_index("word").loc["平台", "tfidf"] == 0
    assert kw[kw.doc == "b"].iloc[0].word == "监管"


@pytest.mark.parametrize("docs,msg", [({"a": ["x"]}, "两份"), ({"a": ["x"], "b": []}, "没有可计的词"), ([], "两份")])
def test_tfidf_refuses_bad_input(docs, msg):
    with pytest.raises(corpus.CorpusError, match=msg):
        corpus.tfidf(docs)


def test_corpus_keywords_exclude_stopwords_and_are_deterministic():
    kw = corpus.keywords(8)
    assert set(kw.source_id) == set(corpus.source_ids())
    assert not set(kw.word) & text.stopwords()
    assert kw.equals(corpus.keywords(8))


def test_textrank_gives_content_words():
    tr = corpus.textrank("36kr-2021", 10)
    assert len(tr) == 10 and (tr.word.str.len() >= 2).all()
    assert not set(tr.word) & text.stopwords()


def test_count_terms_counts_longest_match_once():
    assert corpus.count_terms("新冠疫情之后，疫情与新冠", ("疫情", "新冠", "新冠疫情")) == 3
    with pytest.raises(corpus.CorpusError):
        corpus.count_terms("abc", ())


def test_theme_rates_are_per_ten_thousand_characters():
    tc = corpus.theme_counts({"医保": ("医保",)})
    row = tc[tc.source_id == "report-2025"].iloc[0]
    assert row["次数"] == sources.text("report-2025").count("医保")
    assert row["每万字（次）"] == pytest.approx(10000 * row["次数"] / row["字符数"], abs=0.05)
    wide = corpus.theme_by_period(tc)
    assert list(wide.columns) == ["2020–2021", "2024–2025"]


def test_cooccurrence_is_symmetric_and_diagonal_counts_sentences():
    co = corpus.cooccurrence({"疫情": ("疫情",), "医保": ("医保",)})
    r = co[co.source_id == "36kr-2021"].set_index(["term_a", "term_b"]).sentences
    assert r[("疫情", "医保")] == r[("医保", "疫情")]
    sents = corpus.sentences(sources.text("36kr-2021"))
    assert r[("疫情", "疫情")] == sum("疫情" in s for s in sents)


def test_sentences_split_on_end_marks_and_lines():
    assert corpus.sentences("甲。乙！\n丙；丁") == ["甲。", "乙！", "丙；", "丁"]
