"""Chapter 9's corpus: the five normalized source texts, cut into words and counted.

Everything here is the book's own computation on those texts (word counts, rates, keyword
scores), never a number a source states, so none of it belongs in the claims ledger; every
table row keeps its ``source_id`` instead. Segmentation and TextRank results are cached per
text (jieba's part-of-speech pass over a whole source takes about a third of a second), so a
chapter that shows the same keywords twice computes them once.

- :func:`overview` — characters, words, distinct words and numbers per source.
- :func:`tfidf`, :func:`keywords`, :func:`textrank` — keywords per source.
- :func:`theme_counts` — how often each theme's words occur, per 10,000 characters.
- :func:`cooccurrence` — in how many sentences two key terms occur together.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache

import pandas as pd

from ihbook.evidence import nlp_cache
from ihbook.evidence import sources
from ihbook.evidence import text
from ihbook.evidence.paths import DATA

GOLD = DATA / "lexicon" / "gold_segmentation.txt"

# Words appended to data/lexicon/userdict.txt by this chapter, after reading jieba's errors on
# the gold sample. Kept here so the evaluation can show the dictionary before and after.
ADDED_TERMS = ("智慧医疗", "疾病管理", "好大夫", "月活", "占比", "时长", "线上", "线下", "大环境")

CONFIGS = {
    "jieba": "jieba 自带词典",
    "base": "＋本书领域词典（初版）",
    "full": "＋本章补充的词",
}
KIND_LABELS = {"web-article": "网络文章", "report-preview": "报告（预览/摘录）"}
NUMBER = re.compile(r"^[0-9][0-9.,，/%‰\-]*$")
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n")
CJK = re.compile(r"[\u4e00-\u9fff]")

# Themes whose weight the chapter compares between the 2020–2021 and the 2024–2025 texts.
THEMES: dict[str, tuple[str, ...]] = {
    "疫情": ("新冠疫情", "疫情", "新冠"),
    "人工智能": ("人工智能", "AI", "大模型", "算法"),
    "医保与保险": ("医保", "保险", "健康险"),
    "监管与合规": ("监管", "合规"),
    "数据与隐私": ("数据安全", "隐私", "数据泄露"),
    "资本与融资": ("投融资", "融资", "投资", "资本"),
}
# Key terms for the co-occurrence figure (label → patterns counted as one term).
KEY_TERMS: dict[str, tuple[str, ...]] = {
    "疫情": ("疫情", "新冠"),
    "医保": ("医保",),
    "AI": ("人工智能", "AI", "大模型"),
    "监管": ("监管",),
    "慢病": ("慢病", "慢性病"),
    "分级诊疗": ("分级诊疗",),
    "医药电商": ("医药电商",),
    "数据": ("数据",),
}


class CorpusError(ValueError):
    """Bad input to a corpus function; the message says what is wrong, in Chinese."""


# --- the corpus ------------------------------------------------------------------------

def source_ids() -> list[str]:
    """The five sources in chronological order (oldest first)."""
    table = sources._sources()  # the cached table: sorted once per table, not on every call
    if _ORDER.get("table") is not table:
        _ORDER.update(table=table, ids=tuple(table.sort_values(["date", "source_id"]).source_id))
    return list(_ORDER["ids"])


_ORDER: dict = {}


def year(source_id: str) -> int:
    return int(sources.year(source_id))


def label(source_id: str) -> str:
    """Short label for tables and charts: publisher and year."""
    return sources.short_name(source_id)


def _count_chars(s) -> int:
    return sum(1 for c in s if not c.isspace())


def _all_punct(token) -> bool:
    return bool(token) and all(unicodedata.category(c)[0] in "PSZ" for c in token)


# Remembered per text and per token: the same five texts are measured by several tables and
# charts, and every token of the corpus (a few thousand distinct ones) is tested for punctuation.
_n_chars = lru_cache(maxsize=64)(_count_chars)
_is_punct = lru_cache(maxsize=1 << 16)(_all_punct)


def n_chars(s: str) -> int:
    """Characters that count for rates: everything except whitespace."""
    return _n_chars(s) if isinstance(s, str) else _count_chars(s)


def is_punct(token: str) -> bool:
    """True for tokens made only of punctuation or symbols (、，“+ …)."""
    return _is_punct(token) if isinstance(token, str) else _all_punct(token)


def is_number(token: str) -> bool:
    return bool(NUMBER.match(token))


# --- tokenizers --------------------------------------------------------------------------

def _userdict_entries() -> list[tuple[str, int | None, str | None]]:
    entries = []
    for line in text.USERDICT.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else (parts[1] if len(parts) > 1 and not parts[1].isdigit() else None)
        entries.append((parts[0], freq, tag))
    return entries


@lru_cache(maxsize=None)
def tokenizer(config: str = "full"):
    """A jieba tokenizer for one dictionary configuration (see :data:`CONFIGS`)."""
    if config not in CONFIGS:
        raise CorpusError(f"未知的词典配置“{config}”；可选：{'、'.join(CONFIGS)}")
    if config == "jieba":
        return text.setup(False)
    if config == "full":
        return text.setup(True)
    tk = text.new_tokenizer()  # quiet, and a copy of the main dictionary already in memory
    for word, freq, tag in _userdict_entries():
        if word not in ADDED_TERMS:
            tk.add_word(word, freq, tag)
    return tk


def cut(s: str, config: str = "full") -> list[str]:
    """Segment ``s`` with one dictionary configuration; whitespace tokens dropped."""
    if not isinstance(s, str):
        raise CorpusError("要切分的内容必须是文字")
    return list(_cut(s, config))


def _memo(kind: str):
    """Results remembered between runs (:mod:`ihbook.evidence.nlp_cache`), per dictionary."""
    return nlp_cache.memo(f"ch09-{kind}", extra="|".join(ADDED_TERMS))


@lru_cache(maxsize=4096)
def _cut(s: str, config: str) -> tuple[str, ...]:
    """:func:`cut`, remembered per text and configuration (keyed by the text itself, so an
    edited source is cut afresh), in this process and between runs. "full" and "jieba" are the
    shared tokenizers of :mod:`ihbook.evidence.text`."""
    memo, k = _memo("cut"), nlp_cache.key(config, s)
    hit = memo.get(k)
    if hit is not None:
        return tuple(hit)
    if config in ("full", "jieba"):
        out = tuple(text.cut(s, config == "full"))
    else:
        out = tuple(w for w in tokenizer(config).lcut(s) if w.strip())
    memo.put(k, list(out))
    return out


# --- overview ----------------------------------------------------------------------------

def overview() -> pd.DataFrame:
    """One row per source: characters, Chinese characters, words, distinct words, numbers.

    Words are jieba tokens (with the book's dictionary) that are not punctuation; a number is
    a token made of digits (with decimal point, separators, % or ‰).
    """
    return _overview(tuple((sid, sources.text(sid)) for sid in source_ids())).copy()


@lru_cache(maxsize=4)
def _overview(texts: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """:func:`overview`, remembered per set of texts (the prose, two tables, a chart and an
    exercise ask for it)."""
    rows = []
    for sid, t in texts:
        words = [w for w in cut(t) if not is_punct(w)]
        nums = sum(1 for w in words if is_number(w))
        chars = n_chars(t)
        rows.append({
            "source_id": sid, "来源": label(sid), "年份": year(sid),
            "类型": KIND_LABELS.get(sources.source(sid)["kind"], ""),
            "字符数": chars, "汉字数": len(CJK.findall(t)), "词数": len(words),
            "不同词数": len(set(words)), "数字个数": nums,
            "数字占词数（%）": round(100 * nums / len(words), 1),
            "每千字数字（个）": round(1000 * nums / chars, 1),
        })
    _memo("cut").flush()
    return pd.DataFrame(rows)



# --- keywords ----------------------------------------------------------------------------

def doc_words(source_id: str) -> list[str]:
    """The words TF-IDF counts: Chinese, two characters or more, not a stopword (as
    :func:`ihbook.evidence.text.content_words`, on the remembered cut)."""
    stop = text.stopwords()
    return [w for w in cut(sources.text(source_id)) if len(w) >= 2 and CJK.search(w) and w not in stop]


def tfidf(docs: dict[str, list[str]], top: int = 10) -> pd.DataFrame:
    """Keywords per document by TF-IDF over ``docs`` (name → words).

    tf is the word's share of the document's words; idf is ln(N / df), so a word found in
    every document scores 0: the ranking shows what sets a document apart from the others.
    Ties are broken by frequency, then alphabetically, so the result is deterministic.
    """
    if not isinstance(docs, dict) or len(docs) < 2:
        raise CorpusError("TF-IDF 至少需要两份文档")
    if top < 1:
        raise CorpusError("top 必须是正整数")
    empty = [k for k, v in docs.items() if not v]
    if empty:
        raise CorpusError(f"文档没有可计的词：{'、'.join(map(str, empty))}")
    n = len(docs)
    df = Counter()
    for words in docs.values():
        df.update(set(words))
    rows = []
    for name, words in docs.items():
        tf = Counter(words)
        scored = sorted(((c / len(words) * math.log(n / df[w]), c, w) for w, c in tf.items()),
                        key=lambda t: (-t[0], -t[1], t[2]))
        for rank, (s, c, w) in enumerate(scored[:top], start=1):
            rows.append({"doc": name, "rank": rank, "word": w, "count": c, "df": df[w],
                         "tfidf": round(1000 * s, 3)})
    return pd.DataFrame(rows)


@lru_cache(maxsize=None)
def _keywords(top: int) -> pd.DataFrame:
    return tfidf({sid: doc_words(sid) for sid in source_ids()}, top=top).rename(columns={"doc": "source_id"})


def keywords(top: int = 10) -> pd.DataFrame:
    """TF-IDF keywords of each source against the other four (scores ×1000)."""
    return _keywords(top).copy()


def textrank(source_id: str, top: int = 10) -> pd.DataFrame:
    """jieba's TextRank keywords for one source (nouns, verbal nouns, verbs, names)."""
    # jieba's part-of-speech tokenizer moves the user dictionary's tags out of the word
    # tokenizer the first time it runs (posseg's ``makesure_userdict_loaded``), so only the
    # first TextRank in a process sees them. That state is part of the cache key and is kept
    # as if every TextRank had run: the results are exactly those of recomputing every time
    # (a known quirk, reported).
    global _USER_TAGS_USED
    fresh = _user_tags_fresh()
    tags = _textrank(sources.text(source_id), top, fresh)
    if fresh:
        _USER_TAGS_USED = True
        tk = text.loaded(True)
        if tk is not None:
            tk.user_word_tag_tab = {}
    return pd.DataFrame([{"source_id": source_id, "rank": i, "word": w, "weight": round(x, 3)}
                         for i, (w, x) in enumerate(tags, start=1)])


_USER_TAGS_USED = False  # a TextRank (run or remembered) has consumed the user dictionary's tags


def _user_tags_fresh() -> bool:
    """Whether a TextRank run now would still see the user dictionary's part-of-speech tags."""
    if _USER_TAGS_USED:
        return False
    tk = text.loaded(True)
    return tk is None or bool(tk.user_word_tag_tab)


@lru_cache(maxsize=64)
def _textrank(body: str, top: int, user_tags: bool) -> tuple[tuple[str, float], ...]:
    """TextRank over one text, remembered per text in this process and between runs (the
    part-of-speech pass is the slow part)."""
    memo, k = _memo("textrank"), nlp_cache.key(str(top), str(user_tags), body)
    hit = memo.get(k)
    if hit is not None:
        return tuple((w, x) for w, x in hit)
    from jieba.analyse.textrank import TextRank

    tk = tokenizer("full")
    if not user_tags:
        tk.user_word_tag_tab = {}  # consumed by an earlier TextRank (perhaps a remembered one)
    tr = TextRank()
    tr.tokenizer = tr.postokenizer = text.pos_tokenizer(tk)
    tr.stop_words = set(tr.STOP_WORDS) | set(text.stopwords())
    out = tuple(tr.textrank(body, topK=top, withWeight=True, allowPOS=("ns", "n", "vn", "v", "nz")))
    memo.put(k, [list(t) for t in out])
    memo.flush()
    return out


def keyword_table(top: int = 8, method: str = "tfidf") -> pd.DataFrame:
    """Keywords side by side: one column per source (label), one row per rank."""
    if method == "tfidf":
        kw = keywords(top)
    elif method == "textrank":
        kw = pd.concat([textrank(s, top) for s in source_ids()], ignore_index=True)
    else:
        raise CorpusError("method 只能是 tfidf 或 textrank")
    wide = kw.pivot(index="rank", columns="source_id", values="word")[source_ids()]
    wide.columns = [label(s) for s in wide.columns]
    wide.index.name = "名次"
    return wide


def keyword_overlap(top: int = 10) -> pd.DataFrame:
    """For each source: how many of the top words TF-IDF and TextRank share, and which."""
    kw = keywords(top)
    rows = []
    for sid in source_ids():
        a = list(kw[kw.source_id == sid].word)
        b = list(textrank(sid, top).word)
        both = [w for w in a if w in b]
        rows.append({"来源": label(sid), "共有词数": len(both), "共有的词": "、".join(both)})
    return pd.DataFrame(rows)


# --- themes over time --------------------------------------------------------------------

def count_terms(s: str, patterns) -> int:
    """Non-overlapping occurrences of any of ``patterns`` in ``s`` (longest pattern first)."""
    pats = sorted({p for p in patterns if p}, key=len, reverse=True)
    if not pats:
        raise CorpusError("至少需要一个检索词")
    return len(re.findall("|".join(re.escape(p) for p in pats), s))


def theme_counts(themes: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """Occurrences of each theme's words per source, and per 10,000 characters."""
    themes = themes or THEMES
    rows = []
    for sid in source_ids():
        t = sources.text(sid)
        chars = n_chars(t)
        for theme, pats in themes.items():
            c = count_terms(t, pats)
            rows.append({"source_id": sid, "来源": label(sid), "年份": year(sid), "主题": theme,
                         "检索词": "、".join(pats), "次数": c, "字符数": chars,
                         "每万字（次）": round(10000 * c / chars, 1)})
    return pd.DataFrame(rows)


def theme_by_period(counts: pd.DataFrame | None = None, split: int = 2022) -> pd.DataFrame:
    """Rates per 10,000 characters pooled over the texts before and after ``split``."""
    counts = counts if counts is not None else theme_counts()
    period = counts["年份"].map(lambda y: "2020–2021" if y < split else "2024–2025")
    pooled = counts.assign(时期=period).groupby(["主题", "时期"], sort=False)[["次数", "字符数"]].sum()
    pooled["每万字（次）"] = (10000 * pooled["次数"] / pooled["字符数"]).round(1)
    wide = pooled["每万字（次）"].unstack("时期")[["2020–2021", "2024–2025"]]
    return wide.reindex(list(dict.fromkeys(counts["主题"])))


# --- co-occurrence -----------------------------------------------------------------------

def sentences(s: str) -> list[str]:
    """Sentences (split after 。！？； and at line breaks), stripped, empty ones dropped."""
    return [x.strip() for x in SENTENCE_END.split(s) if x and x.strip()]


def cooccurrence(terms: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """Per source and pair of terms: the number of sentences containing both (a == b: either)."""
    terms = terms or KEY_TERMS
    rows = []
    for sid in source_ids():
        sents = sentences(sources.text(sid))
        has = {k: [any(p in s for p in pats) for s in sents] for k, pats in terms.items()}
        for a in terms:
            for b in terms:
                n = sum(1 for x, y in zip(has[a], has[b]) if x and y)
                rows.append({"term_a": a, "term_b": b, "source_id": sid, "sentences": n})
    return pd.DataFrame(rows)


def themes_table(themes: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """The themes and the words counted for each."""
    themes = themes or THEMES
    return pd.DataFrame({"主题": list(themes), "检索词（按字面计数）": ["、".join(v) for v in themes.values()]})

