"""Chapter 9's figures: number density, segmentation F1, themes, co-occurrence, keywords.

Drawing only: every number comes from :mod:`ihbook.chapters.reading_corpus` or
:mod:`ihbook.chapters.reading_segmentation`, and every chart goes through
:func:`ihbook.show.charts.publish` with its data and provenance.
"""
from __future__ import annotations

import math

import pandas as pd

from ihbook.chapters.reading_corpus import CONFIGS, cooccurrence, keywords, label, overview, source_ids, theme_counts
from ihbook.chapters.reading_segmentation import segmentation_scores
from ihbook.show import charts


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
