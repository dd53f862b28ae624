"""Chapter 9's segmentation check: how well jieba cuts the book's sources into words.

Word-boundary precision, recall and F1 of jieba against the hand-segmented sample in
``data/lexicon/gold_segmentation.txt``, with jieba's own dictionary, with the book's domain
dictionary as first written, and with the words the chapter added after reading the errors
(:data:`~ihbook.chapters.reading_corpus.CONFIGS`). Kept apart from the corpus counts because
it is a method lesson of its own: a student can change the gold file or the dictionary and
re-run only this part.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ihbook.chapters.reading_corpus import CONFIGS, GOLD, CorpusError, cut, is_number, is_punct, label, source_ids
from ihbook.evidence import sources


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

