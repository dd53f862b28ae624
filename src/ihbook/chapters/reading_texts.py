"""Reading the five sources as texts: size, segmentation quality, keywords, shifting themes.

Chapter 9 treats the five normalized source texts as a small corpus. Everything here is the
book's own computation on those texts (word counts, rates, scores), never a number a source
states, so none of it belongs in the claims ledger; every table and chart row keeps its
``source_id`` instead, and charts are published with that provenance.

- :func:`overview` — characters, words, distinct words and numbers per source.
- :func:`load_gold`, :func:`evaluate`, :func:`segmentation_scores` — word-boundary precision,
  recall and F1 of jieba against the hand-segmented sample in
  ``data/lexicon/gold_segmentation.txt``, with jieba's own dictionary, with the book's domain
  dictionary as first written, and with the words this chapter added after reading the errors.
- :func:`tfidf`, :func:`keywords`, :func:`textrank` — keywords per source.
- :func:`theme_counts` — how often each theme's words occur, per 10,000 characters.
- :func:`cooccurrence` — in how many sentences two key terms occur together.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ihbook.show import charts
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
    df = sources.load_sources()
    return list(df.sort_values(["date", "source_id"]).source_id)


def year(source_id: str) -> int:
    return int(sources.year(source_id))


def label(source_id: str) -> str:
    """Short label for tables and charts: publisher and year."""
    return sources.short_name(source_id)


def n_chars(s: str) -> int:
    """Characters that count for rates: everything except whitespace."""
    return sum(1 for c in s if not c.isspace())


def is_punct(token: str) -> bool:
    """True for tokens made only of punctuation or symbols (、，“+ …)."""
    return bool(token) and all(unicodedata.category(c)[0] in "PSZ" for c in token)


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
    return [w for w in tokenizer(config).lcut(s) if w.strip()]


# --- overview ----------------------------------------------------------------------------

def overview() -> pd.DataFrame:
    """One row per source: characters, Chinese characters, words, distinct words, numbers.

    Words are jieba tokens (with the book's dictionary) that are not punctuation; a number is
    a token made of digits (with decimal point, separators, % or ‰).
    """
    rows = []
    for sid in source_ids():
        t = sources.text(sid)
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
    return pd.DataFrame(rows)


# --- the gold sample and segmentation scores --------------------------------------------

@dataclass(frozen=True)
class GoldSentence:
    source_id: str
    words: tuple[str, ...]
    line: int

    @property
    def text(self) -> str:
        return "".join(self.words)


def load_gold(path: Path | str = GOLD, check_sources: bool = True) -> list[GoldSentence]:
    """The hand-segmented sentences; a malformed line raises :class:`CorpusError` naming it."""
    path = Path(path)
    name = path.name
    out = []
    for i, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        if raw.count("\t") != 1:
            raise CorpusError(f"{name} 第 {i} 行：应为“source_id<TAB>分好词的句子”")
        sid, seg = raw.split("\t")
        words = tuple(seg.split(" "))
        if any(not w for w in words):
            raise CorpusError(f"{name} 第 {i} 行：词之间只能有一个半角空格")
        if check_sources:
            try:
                body = sources.text(sid)
            except KeyError:
                raise CorpusError(f"{name} 第 {i} 行：未知来源“{sid}”") from None
            if "".join(words) not in body:
                raise CorpusError(f"{name} 第 {i} 行：句子不在来源 {sid} 的规范化文本中")
        out.append(GoldSentence(sid, words, i))
    if not out:
        raise CorpusError(f"{name} 中没有句子")
    return out


def spans(words, skip_punct: bool = True) -> set[tuple[int, int]]:
    """Each word as a (start, end) character span; punctuation left out by default."""
    out, pos = set(), 0
    for w in words:
        if not (skip_punct and is_punct(w)):
            out.add((pos, pos + len(w)))
        pos += len(w)
    return out


def score(gold_words, pred_words) -> tuple[int, int, int]:
    """(correct, gold words, predicted words), comparing character spans of the two cuts."""
    if "".join(gold_words) != "".join(pred_words):
        raise CorpusError("两种切分的文字不同，无法比较（预测必须是同一句话的切分）")
    g, p = spans(gold_words), spans(pred_words)
    return len(g & p), len(g), len(p)


def prf(correct: int, n_gold: int, n_pred: int) -> tuple[float, float, float]:
    """Precision, recall and F1 (0 when undefined)."""
    p = correct / n_pred if n_pred else 0.0
    r = correct / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def merge_numbers(tokens: list[str]) -> list[str]:
    """Join what jieba splits inside a number: ``5 ‰`` → ``5‰``, ``1 / 3`` → ``1/3``, ``1 - 3`` → ``1-3``."""
    out: list[str] = []
    for tok in tokens:
        if out and tok in ("%", "‰", "％") and is_number(out[-1]):
            out[-1] += tok
        elif len(out) >= 2 and is_number(tok) and out[-1] in ("/", "-") and is_number(out[-2]):
            sep = out.pop()
            out[-1] += sep + tok
        else:
            out.append(tok)
    return out


def evaluate(config: str = "full", gold: list[GoldSentence] | None = None, post=None) -> pd.DataFrame:
    """Precision, recall and F1 (in %) per source and in total for one configuration.

    ``post``, if given, is applied to jieba's tokens before scoring (e.g. :func:`merge_numbers`).
    """
    gold = gold if gold is not None else load_gold()
    counts: dict[str, list[int]] = {}
    for g in gold:
        pred = cut(g.text, config)
        c, ng, npred = score(g.words, post(pred) if post else pred)
        acc = counts.setdefault(g.source_id, [0, 0, 0, 0])
        acc[0] += c
        acc[1] += ng
        acc[2] += npred
        acc[3] += 1
    order = [s for s in source_ids() if s in counts] + sorted(set(counts) - set(source_ids()))
    rows = []
    for sid in order + ["合计"]:
        c, ng, npred, ns = counts[sid] if sid != "合计" else [sum(v[k] for v in counts.values()) for k in range(4)]
        p, r, f = prf(c, ng, npred)
        rows.append({"config": config, "词典": CONFIGS[config], "source_id": sid if sid != "合计" else "",
                     "来源": label(sid) if sid != "合计" else "合计", "句数": ns, "金标准词数": ng,
                     "切出词数": npred, "切对词数": c, "精确率（%）": round(100 * p, 1),
                     "召回率（%）": round(100 * r, 1), "F1（%）": round(100 * f, 1)})
    return pd.DataFrame(rows)


def segmentation_scores(gold: list[GoldSentence] | None = None) -> pd.DataFrame:
    """:func:`evaluate` for every configuration, one block after the other."""
    gold = gold if gold is not None else load_gold()
    return pd.concat([evaluate(c, gold) for c in CONFIGS], ignore_index=True)


def f1_gain(scores: pd.DataFrame, frm: str = "jieba", to: str = "full") -> float:
    """Total F1 of configuration ``to`` minus that of ``frm``, in percentage points."""
    tot = scores[scores["来源"] == "合计"].set_index("config")["F1（%）"]
    return round(float(tot[to] - tot[frm]), 1)


def segmentation_errors(config: str = "full", gold: list[GoldSentence] | None = None) -> pd.DataFrame:
    """Gold words jieba did not cut out, with jieba's cut of the same stretch, most frequent first."""
    gold = gold if gold is not None else load_gold()
    found: Counter = Counter()
    where: dict[tuple[str, str], str] = {}
    for g in gold:
        pred = cut(g.text, config)
        pspans = sorted(spans(pred, skip_punct=False))
        hit = spans(pred)
        pos = 0
        for w in g.words:
            s, e = pos, pos + len(w)
            pos = e
            if is_punct(w) or (s, e) in hit:
                continue
            over = [g.text[a:b] for a, b in pspans if a < e and b > s]
            key = (w, "/".join(over))
            found[key] += 1
            where.setdefault(key, g.source_id)
    rows = [{"金标准": w, "jieba 切分": j, "次数": n, "首见来源": label(where[(w, j)])}
            for (w, j), n in found.most_common()]
    return pd.DataFrame(rows, columns=["金标准", "jieba 切分", "次数", "首见来源"])


# --- keywords ----------------------------------------------------------------------------

def doc_words(source_id: str) -> list[str]:
    """The words TF-IDF counts: Chinese, two characters or more, not a stopword."""
    return text.content_words(sources.text(source_id))


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
    from jieba.analyse.textrank import TextRank

    tr = TextRank()
    tr.tokenizer = tr.postokenizer = text.pos_tokenizer(tokenizer("full"))
    tr.stop_words = set(tr.STOP_WORDS) | set(text.stopwords())
    tags = tr.textrank(sources.text(source_id), topK=top, withWeight=True,
                       allowPOS=("ns", "n", "vn", "v", "nz"))
    return pd.DataFrame([{"source_id": source_id, "rank": i, "word": w, "weight": round(x, 3)}
                         for i, (w, x) in enumerate(tags, start=1)])


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


# --- figures -----------------------------------------------------------------------------

def _alt(title: str, items) -> str:
    return f"{title}。" + "；".join(items)


def numbers_chart() -> None:
    """How dense with numbers each source is (numbers per 1,000 characters)."""
    ov = overview()
    data = ov.assign(label=ov["来源"], value=ov["每千字数字（个）"], unit="个/千字")[
        ["label", "value", "unit", "source_id", "字符数", "词数", "数字个数"]]
    title = "五份来源的数字密度"
    fig, ax = charts.figure(title, "每千字中的数字（个）", "", size=(7.2, 3.0))
    colors = charts.source_colors(data.source_id)
    ys = list(range(len(data)))[::-1]
    ax.barh(ys, data.value, color=[colors[s][0] for s in data.source_id])
    ax.set_yticks(ys, data.label, fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    for y, v in zip(ys, data.value):
        ax.annotate(f"{v:g}", (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=9)
    dense = data.sort_values("value")
    charts.publish(fig, "ch09-numbers", data,
                   caption=("本书用 jieba 切词后计算：每千个字符（不含空白）中有多少个数字词（年份、百分比、金额等）。"
                            f"数字最密的是{dense.label.iloc[-1]}，最疏的是{dense.label.iloc[0]}。"),
                   alt=_alt(title, [f"{r.label}：{r.value:g}个/千字" for r in data.itertuples()]))


def segmentation_chart(scores: pd.DataFrame | None = None) -> None:
    """F1 of the three dictionary configurations, per source and in total."""
    scores = scores if scores is not None else segmentation_scores()
    data = scores.assign(label=scores["来源"], value=scores["F1（%）"])[
        ["label", "词典", "value", "精确率（%）", "召回率（%）", "金标准词数", "source_id"]]
    title = "jieba 在本书金标准上的分词 F1"
    fig, ax = charts.figure(title, "", "F1（%）", size=(7.2, 3.8))
    groups = list(dict.fromkeys(data.label))
    width = 0.26
    shades = ["#b8c4d6", "#5b7fb5", "#1f3f73"]
    for i, cfg in enumerate(CONFIGS.values()):
        sub = data[data["词典"] == cfg].set_index("label").reindex(groups)
        xs = [j + (i - 1) * width for j in range(len(groups))]
        bars = ax.bar(xs, sub.value, width=width, color=shades[i], label=cfg)
        for b, v in zip(bars, sub.value):
            ax.annotate(f"{v:.0f}", (b.get_x() + b.get_width() / 2, v), ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(groups)), [g.replace("（", "\n（") for g in groups], fontsize=8)
    lo = math.floor(data.value.min() / 10) * 10 - 10
    ax.set_ylim(max(lo, 0), 100)
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3)
    # the "合计" rows have no single source: give them every source of the sample
    rows = data[data.source_id != ""]
    charts.publish(fig, "ch09-segmentation", rows,
                   caption=("本书计算：把 jieba 的切分与本书手工切分的金标准句子逐字比对，按词的起止位置计算"
                            "精确率、召回率与 F1（不计标点）。三种词典配置从左到右依次为 jieba 自带词典、"
                            "加上本书领域词典的初版、再加上本章读错误后补充的词；最后一组为全部句子合计"
                            "（CSV 中只列各来源的行）。补充的词是看着这批句子选的，第三根柱子因此偏乐观。"),
                   alt=_alt(title, [f"{r.label}·{r.词典}：{r.value:g}%" for r in data.itertuples()]))


def themes_chart(counts: pd.DataFrame | None = None) -> None:
    """Theme rates per 10,000 characters, one bar per source in chronological order."""
    counts = counts if counts is not None else theme_counts()
    data = counts.assign(label=counts["主题"], value=counts["每万字（次）"])[
        ["label", "来源", "value", "次数", "字符数", "检索词", "source_id"]]
    title = "六个主题在五份来源中的出现频率"
    fig, ax = charts.figure(title, "", "出现频率（次/万字）", size=(7.6, 4.0))
    themes = list(dict.fromkeys(data.label))
    sids = source_ids()
    colors = charts.source_colors(sids)
    width = 0.8 / len(sids)
    for i, sid in enumerate(sids):
        sub = data[data.source_id == sid].set_index("label").reindex(themes)
        xs = [j + (i - (len(sids) - 1) / 2) * width for j in range(len(themes))]
        ax.bar(xs, sub.value, width=width, color=colors[sid][0], label=label(sid))
    ax.set_xticks(range(len(themes)), themes)
    ax.legend(frameon=False, fontsize=8, ncol=2)
    charts.publish(fig, "ch09-themes", data,
                   caption=("本书计算：每个主题一组检索词（见 CSV 的“检索词”列），统计其在每份来源中出现的次数，"
                            "再除以该来源的字符数（不含空白）乘以一万。柱子从左到右按发表年份排列："
                            "2020、2021、2021、2024、2025。"),
                   alt=_alt(title, [f"{r.label}·{r.来源}：{r.value:g}次/万字" for r in data.itertuples()]))


def cooccurrence_chart(co: pd.DataFrame | None = None) -> None:
    """A heat map: for each pair of key terms, the sentences (all sources) naming both."""
    co = co if co is not None else cooccurrence()
    terms = list(dict.fromkeys(co.term_a))
    total = co.groupby(["term_a", "term_b"], sort=False)["sentences"].sum().unstack().reindex(index=terms, columns=terms)
    title = "关键词同句共现（五份来源合计）"
    fig, ax = charts.figure(title, "关键词（格中数字：同时出现的句数，单位：句）", "关键词", size=(6.4, 5.4))
    ax.grid(False)
    ax.spines[["left", "bottom"]].set_visible(False)
    import numpy as np

    off = total.values.astype(float)
    np.fill_diagonal(off, np.nan)  # the diagonal (sentences with the term) would swamp the scale
    ax.imshow(np.eye(len(terms)), cmap="Greys", vmin=0, vmax=8)
    ax.imshow(off, cmap="Blues", vmin=0, vmax=np.nanmax(off))
    ax.set_xticks(range(len(terms)), terms, fontsize=9, rotation=45, ha="right")
    ax.set_yticks(range(len(terms)), terms, fontsize=9)
    top = np.nanmax(off)
    for i in range(len(terms)):
        for j in range(len(terms)):
            v = int(total.values[i, j])
            ax.text(j, i, str(v), ha="center", va="center", fontsize=8,
                    color="white" if i != j and v > top * 0.55 else ("#666" if i == j else "#222"))
    data = co.assign(label=co.term_a + "×" + co.term_b, value=co.sentences)[
        ["label", "term_a", "term_b", "value", "source_id"]]
    pairs = [f"{a}与{b}：{int(total.loc[a, b])}句" for i, a in enumerate(terms) for b in terms[i + 1:]
             if total.loc[a, b] > 0]
    charts.publish(fig, "ch09-cooccurrence", data,
                   caption=("本书计算：把五份来源切成句子（以句号、问号、叹号、分号和换行为界），数每对关键词"
                            "同时出现的句子有多少。对角线（灰底）是含该词的句数，不参与着色。CSV 按来源分别列出。"),
                   alt=_alt(title, pairs))


def keywords_explorer(top: int = 10) -> None:
    """TF-IDF keywords of each source as a bar chart, one precomputed state per source."""
    kw = keywords(top)
    states = []
    for sid in source_ids():
        sub = kw[kw.source_id == sid]
        data = sub.assign(label=sub.word, value=sub.tfidf)[["label", "value", "count", "df", "source_id"]]
        title = f"{label(sid)}的 TF-IDF 关键词"
        fig, ax = charts.figure(title, "TF-IDF 得分（×1000）", "", size=(6.4, 3.6))
        color = charts.source_colors([sid])[sid][0]
        ys = list(range(len(data)))[::-1]
        ax.barh(ys, data.value, color=color)
        ax.set_yticks(ys, [f"{w}（{c}次）" for w, c in zip(data.label, data["count"])], fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        ax.grid(axis="y", visible=False)
        states.append((label(sid), fig, data,
                       _alt(title, [f"{r.label}：{r.value:g}" for r in data.itertuples()])))
    charts.publish_states(
        "ch09-keywords", states,
        caption=("本书计算：每份来源的词频（jieba 切词，去掉停用词、单字和数字）乘以 ln(5 / 含该词的来源数)，"
                 "再乘以 1000。五份来源都用到的词得分为零，所以排在前面的是这份来源独有或少有的词。"
                 "括号里是该词在这份来源中出现的次数。按钮切换来源。"),
        description="来源：")


def scores_table(scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """P / R / F1 per source (rows) and configuration (column groups), for display."""
    scores = scores if scores is not None else segmentation_scores()
    wide = scores.pivot_table(index="来源", columns="词典", values=["精确率（%）", "召回率（%）", "F1（%）"],
                              sort=False)
    order = list(dict.fromkeys(scores["来源"]))
    cols = [(m, c) for m in ["精确率（%）", "召回率（%）", "F1（%）"] for c in CONFIGS.values()]
    return wide.reindex(index=order, columns=cols)


def gold_table(n_per_source: int = 1, gold: list[GoldSentence] | None = None) -> pd.DataFrame:
    """A few gold sentences for display: source, the hand cut (｜ between words), jieba's cut."""
    gold = gold if gold is not None else load_gold()
    rows, seen = [], Counter()
    for g in gold:
        if seen[g.source_id] >= n_per_source:
            continue
        seen[g.source_id] += 1
        rows.append({"来源": label(g.source_id), "金标准（手工切分）": "｜".join(g.words),
                     "jieba（自带词典）": "｜".join(cut(g.text, "jieba"))})
    return pd.DataFrame(rows).set_index("来源")


def themes_table(themes: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """The themes and the words counted for each."""
    themes = themes or THEMES
    return pd.DataFrame({"主题": list(themes), "检索词（按字面计数）": ["、".join(v) for v in themes.values()]})


def figures() -> dict[str, str]:
    """The numbers chapter 9's prose cites, computed here and labelled as the book's own."""
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
    return {
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
    }


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
