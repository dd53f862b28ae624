"""Chapter 5's two charts: the policy timeline by level and theme, and the jieba keyword counts.

Split out of :mod:`ihbook.chapters.policy` to keep the drawing code (matplotlib layout, the
keyword computation on the quoted passages) in one small module; ``policy`` re-exports it.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from ihbook.show import charts
from ihbook.evidence import sources
from ihbook.evidence import text
from ihbook.chapters.policy_data import LEVELS, PolicyInputError, THEMES, _policies, counts

LEVEL_STYLE = {"national": ("#1f5aa6", "o"), "provincial": ("#d1495b", "s"),
               "industry": ("#edae49", "^"), "foreign": ("#66a182", "D")}


UNDATED_SHIFT = 0.9  # the undated column is wider: it holds most of report-2025's mentions


def year_slots() -> list[str]:
    """The columns of the timeline: every year some row names, then one for undated rows."""
    years = sorted({int(y) for y in _policies().year if y})
    return [str(y) for y in years] + ["未注"]


def timeline_points() -> pd.DataFrame:
    """One point per row. x is the row's year slot (years are columns, not a linear scale:
    the sources name almost nothing between 2009 and 2017), shifted within the slot by month;
    undated rows share a wide last column. y is the primary theme, staggered when rows would
    sit on the same spot."""
    df = _policies().copy()
    slots = year_slots()
    order = list(THEMES)
    df["slot"] = df.year.map(lambda y: y if y else "未注")
    xs = []
    for _, r in df.iterrows():
        base = slots.index(r["slot"]) + (UNDATED_SHIFT if r["slot"] == "未注" else 0.0)
        xs.append(base + ((int(r["month"]) - 6.5) / 12 * 0.8 if r["month"] else 0.0))
    df["x"] = xs
    df["y"] = df.theme.map(order.index).astype(float)
    for (slot, theme), grp in df.groupby(["slot", "theme"]):
        if len(grp) < 2:
            continue
        width = 0.25 if slot == "未注" else 0.12
        unmonthed = [i for i in grp.index if not df.loc[i, "month"]]
        n = len(unmonthed)
        for j, idx in enumerate(unmonthed):
            df.loc[idx, "x"] += (j - (n - 1) / 2) * width
        if slot != "未注":
            for j, idx in enumerate(grp.sort_values("x").index):
                df.loc[idx, "y"] += (-0.16, 0.16)[j % 2]
    return df


def timeline_chart() -> None:
    """The timeline by level (colour and marker) and theme (row); hollow markers are documents
    not (yet) in force. Undated mentions are drawn in their own column."""
    pts = timeline_points()
    slots = year_slots()
    fig, ax = charts.figure("政策时间线：按层级与领域", "年份（年；只列出来源提到的年份，右侧一栏为未注年份的条目）", "",
                            size=(8.6, 5.8))
    for level, (color, marker) in LEVEL_STYLE.items():
        grp = pts[pts.level == level]
        if grp.empty:
            continue
        solid = grp.status == "issued"
        ax.scatter(grp.x[solid], grp.y[solid], color=color, marker=marker, s=46, label=LEVELS[level], zorder=3)
        if (~solid).any():
            ax.scatter(grp.x[~solid], grp.y[~solid], facecolors="white", edgecolors=color, marker=marker, s=46,
                       zorder=3, label=f"{LEVELS[level]}（未生效或非文件）")
    dated = pts[pts.year != ""].sort_values("x")
    for _, grp in dated.groupby("theme"):
        for k, (_, r) in enumerate(grp.sort_values("x").iterrows()):
            off = r.x - round(r.x)  # late-in-year points lean left, early ones right
            ha = "right" if off > 0.3 else "left" if off < -0.3 else "center"
            ax.annotate(r["short"], (r.x, r.y), textcoords="offset points", xytext=(0, (7, -12, 21, -25)[k % 4]),
                        ha=ha, fontsize=7, color="#333")
    ax.axvline(len(slots) - 1.5, color="#999", linestyle="--", linewidth=0.8)
    n_undated = int((pts.year == "").sum())
    ax.set_yticks(range(len(THEMES)), list(THEMES.values()), fontsize=8)
    ax.set_ylim(-0.6, len(THEMES) - 0.4)
    ax.set_xlim(-0.6, len(slots) - 1 + UNDATED_SHIFT + 0.9)
    ax.set_xticks(list(range(len(slots) - 1)) + [len(slots) - 1 + UNDATED_SHIFT],
                  slots[:-1] + [f"未注年份（{n_undated}条）"], fontsize=8)
    ax.grid(axis="x", alpha=0.2)
    ax.legend(frameon=False, fontsize=7, loc="upper left", ncol=3, bbox_to_anchor=(0, -0.12))
    data = pts[["short", "policy_id", "year", "month", "date_as_written", "level", "theme", "status", "flag",
                "source_id", "quote"]].assign(kind="policy-mention")
    alt = "；".join(f"{r.date_as_written} {LEVELS[r.level]} {r.short}（{THEMES[r.theme]}）"
                   for r in pts.sort_values(["year", "month"]).itertuples())
    charts.publish(fig, "ch05-policy-timeline", data, alt="政策时间线。" + alt,
                   caption=("每个点是来源对一项政策的一次提及（data/policies.csv）：横轴为来源所写的年份（只列出有提及的年份，"
                            "不是等距刻度），纵轴为本书归入的领域，颜色与形状表示层级，空心表示征求意见稿、制定中、建议中或"
                            "非文件的地方实践。右侧一栏是来源没有写年份的提及，几乎全部出自 2025 年的报告。"))


def policy_text(row) -> str:
    """The text of a row that the keyword view counts: the source's own statement of content
    when it is verbatim in the quote (the policy tables), otherwise the whole quote."""
    c = row["content"]
    return c if c and c in row["quote"] else row["quote"]


def keyword_counts(level: str, top: int = 12) -> pd.DataFrame:
    """The ``top`` content words (jieba, book dictionary and stopwords) in the texts of one
    level, counted per source; each distinct text is counted once even when several rows
    quote it. Columns: word, source_id, count, total (the word's count over all sources)."""
    if level not in LEVELS:
        raise PolicyInputError(f"没有名为“{level}”的层级")
    df = _policies()
    df = df[df.level == level]
    seen: set[str] = set()
    counts: Counter = Counter()
    for _, r in df.iterrows():
        t = policy_text(r)
        if t in seen:
            continue
        seen.add(t)
        for wd in text.content_words(t):
            counts[(wd, r["source_id"])] += 1
    if not counts:
        return pd.DataFrame(columns=["word", "source_id", "count", "total"])
    out = pd.DataFrame([(w_, s, n) for (w_, s), n in counts.items()], columns=["word", "source_id", "count"])
    totals = out.groupby("word")["count"].sum()
    out["total"] = out.word.map(totals)
    ranked = totals.reset_index().sort_values(["count", "word"], ascending=[False, True]).word.head(top)
    out = out[out.word.isin(ranked)]
    order = {w_: i for i, w_ in enumerate(ranked)}
    return out.assign(_o=out.word.map(order)).sort_values(["_o", "source_id"]).drop(columns="_o").reset_index(drop=True)


def text_sizes() -> pd.DataFrame:
    """How much text each level contributes: distinct passages and content words."""
    df = _policies()
    rows = []
    for level in LEVELS:
        texts = list(dict.fromkeys(policy_text(r) for _, r in df[df.level == level].iterrows()))
        rows.append({"level": level, "label": LEVELS[level], "passages": len(texts),
                     "words": sum(len(text.content_words(t)) for t in texts)})
    return pd.DataFrame(rows)


def _keyword_figure(level: str):
    data = keyword_counts(level)
    sizes = text_sizes().set_index("level")
    words = list(dict.fromkeys(data.word))
    fig, ax = charts.figure(f"{LEVELS[level]}政策文本中的高频词（{sizes.loc[level, 'passages']} 段引文）",
                            "出现次数（次）", "", size=(7.2, 4.6))
    colors = charts.source_colors(data.source_id.unique())
    left = pd.Series(0.0, index=words)
    for sid, grp in data.groupby("source_id", sort=False):
        vals = grp.set_index("word")["count"].reindex(words).fillna(0)
        ax.barh(range(len(words)), vals.values, left=left.values, color=colors[sid][0],
                label=sources.short_name(sid))
        left += vals
    for i, wd in enumerate(words):
        ax.annotate(f"{int(left[wd])}", (left[wd], i), textcoords="offset points", xytext=(3, -3), fontsize=8)
    ax.set_yticks(range(len(words)), words)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    alt = f"{LEVELS[level]}政策文本高频词：" + "；".join(
        f"{wd} {int(left[wd])} 次" for wd in words)
    return fig, data.assign(level=LEVELS[level], kind="computed"), alt


def keyword_chart() -> None:
    """National vs provincial keywords as a two-state chart (kernel-free toggle)."""
    states = []
    for level in ("national", "provincial"):
        fig, data, alt = _keyword_figure(level)
        states.append((LEVELS[level], fig, data, alt))
    charts.publish_states(
        "ch05-policy-keywords", states,
        caption=("本书的计算：用 jieba（本书词典与停用词表）切分政策表中每段逐字引文的内容部分，同一段文字只计一次，"
                 "按来源分色叠加。计数只反映来源转述政策时的用词，不是政策原文的词频。"),
        description="层级：")
