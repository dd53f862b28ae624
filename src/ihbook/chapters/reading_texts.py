"""Chapter 9, reading the five sources as texts: the names the notebook calls, in one place.

The chapter's computations live in three modules: :mod:`~ihbook.chapters.reading_corpus`
(the corpus, keywords, themes, co-occurrence), :mod:`~ihbook.chapters.reading_segmentation`
(jieba against the hand-segmented gold sample) and :mod:`~ihbook.chapters.reading_charts`
(the figures). This module re-exports them under the name the notebook imports
(``from ihbook.chapters import reading_texts as corpus``) and computes the numbers the
chapter's prose cites (:func:`figures`, :func:`glue_figures`).
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ihbook.chapters.reading_charts import (  # noqa: F401
    cooccurrence_chart, keywords_explorer, numbers_chart, segmentation_chart, themes_chart)
from ihbook.chapters.reading_corpus import (  # noqa: F401
    ADDED_TERMS, CJK, CONFIGS, GOLD, KEY_TERMS, KIND_LABELS, NUMBER, SENTENCE_END, THEMES, CorpusError,
    cooccurrence, count_terms, cut, doc_words, is_number, is_punct, keyword_overlap, keyword_table, keywords,
    label, n_chars, overview, sentences, source_ids, textrank, tfidf, theme_by_period, theme_counts,
    themes_table, tokenizer, year)
from ihbook.chapters.reading_segmentation import (  # noqa: F401
    GoldSentence, evaluate, f1_gain, gold_table, load_gold, merge_numbers, prf, score, scores_table,
    segmentation_errors, segmentation_scores, spans)
from ihbook.evidence import sources


def figures() -> dict[str, str]:
    """The numbers chapter 9's prose cites, computed here and labelled as the book's own."""
    return dict(_figures(tuple(sources.text(s) for s in source_ids())))


@lru_cache(maxsize=4)
def _figures(texts: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """:func:`figures`, remembered while the texts stay the same (the prose and the key-point
    list both cite them)."""
    ov = overview().set_index("source_id")
    gold = load_gold()
    scores = segmentation_scores(gold)
    tot = scores[scores["来源"] == "合计"].set_index("config")
    tc = theme_counts()
    period = theme_by_period(tc)
    rate = lambda t, p: f"{period.loc[t, p]:g} 次/万字"  # noqa: E731
    numbers = ov["每千字数字（个）"]
    r25 = "report-2025"
    platform = sources.text(r25).count("某平台")
    co = cooccurrence()
    return tuple({
        "ch09-total-chars": f"{int(ov['字符数'].sum()):,} 个字符（本书计算）",
        "ch09-r25-share": f"{100 * ov.loc[r25, '字符数'] / ov['字符数'].sum():.0f}%（本书计算）",
        "ch09-r25-chars": f"{int(ov.loc[r25, '字符数']):,} 个字符",
        "ch09-smallest": f"{label(ov['字符数'].idxmin())}的 {int(ov['字符数'].min()):,} 个字符",
        "ch09-numbers-max": f"{label(numbers.idxmax())}，每千字 {numbers.max():g} 个数字",
        "ch09-numbers-min": f"{label(numbers.idxmin())}，每千字只有 {numbers.min():g} 个",
        "ch09-gold-sentences": f"{len(gold)} 句",
        "ch09-gold-words": f"{sum(1 for g in gold for w in g.words if not is_punct(w))} 个词（不计标点）",
        "ch09-f1-jieba": f"{tot.loc['jieba', 'F1（%）']:g}%",
        "ch09-f1-base": f"{tot.loc['base', 'F1（%）']:g}%",
        "ch09-f1-full": f"{tot.loc['full', 'F1（%）']:g}%",
        "ch09-gain-base": f"{f1_gain(scores, 'jieba', 'base'):g} 个百分点",
        "ch09-gain-added": f"{f1_gain(scores, 'base', 'full'):g} 个百分点",
        "ch09-gain-total": f"{f1_gain(scores):g} 个百分点（本书计算）",
        "ch09-added-n": f"{len(ADDED_TERMS)} 个",
        "ch09-added-list": "、".join(ADDED_TERMS),
        "ch09-pandemic-early": rate("疫情", "2020–2021"),
        "ch09-pandemic-late": rate("疫情", "2024–2025"),
        "ch09-ai-early": rate("人工智能", "2020–2021"),
        "ch09-ai-late": rate("人工智能", "2024–2025"),
        "ch09-ins-early": rate("医保与保险", "2020–2021"),
        "ch09-ins-late": rate("医保与保险", "2024–2025"),
        "ch09-reg-early": rate("监管与合规", "2020–2021"),
        "ch09-reg-late": rate("监管与合规", "2024–2025"),
        "ch09-data-early": rate("数据与隐私", "2020–2021"),
        "ch09-data-late": rate("数据与隐私", "2024–2025"),
        "ch09-ai-36kr": f"{tc[(tc.source_id == '36kr-2021') & (tc['主题'] == '人工智能')]['每万字（次）'].iloc[0]:g} 次/万字",
        "ch09-platform-n": f"{platform} 次",
        "ch09-platform-elsewhere": f"{sum(sources.text(s).count('某平台') for s in source_ids() if s != r25)} 次",
        "ch09-r25-anecdotes": f"{len(_anecdotes(r25))} 条",
        "ch09-co-ai-data": f"{_pair(co, 'AI', '数据')} 句",
        "ch09-co-pandemic-ai": f"{_pair(co, '疫情', 'AI')} 句",
    }.items())


def _anecdotes(source_id: str) -> pd.DataFrame:
    from ihbook.evidence import ledger

    return ledger.select(source_id=source_id, kind="anecdote")


def _pair(co: pd.DataFrame, a: str, b: str) -> int:
    return int(co[(co.term_a == a) & (co.term_b == b)].sentences.sum())


def glue_figures() -> None:
    """Glue :func:`figures` for ``{glue:md}`` roles in the chapter's Markdown."""
    from IPython.display import Markdown
    from myst_nb import glue

    for key, value in figures().items():
        glue(key, Markdown(value), display=False)
