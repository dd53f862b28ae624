"""Chapter 8, users: national user counts by source and date, company counts, any metric.

National user figures come from different sources and dates (some with no date at all);
company figures are each a different measure (monthly active, annual active, insured users
served). The charts here draw each source separately, put undated claims in a labelled band,
and never add company counts to the national figure. :func:`metric_explorer` offers every
chapter metric the ledger can draw over time, precomputed for the static page.
"""
from __future__ import annotations

import math

import pandas as pd

from ihbook.chapters.market_size import _period_label, convert
from ihbook.evidence import involving
from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.show import charts
from ihbook.show import kit

COMPANY_USER_METRICS = ["monthly_active_users", "annual_active_users", "insured_users_served", "platform_users"]
EXPLORER_TOPICS = {"market", "capital", "users", "business"}
UNDATED_X = 2026.2  # where claims without a stated period are drawn, right of every dated one
LOG_RATIO = 50.0


# ------------------------------------------------------------------------------------ users

def _with_undated(points: pd.DataFrame) -> pd.DataFrame:
    """Claims without a period get x = UNDATED_X (drawn in a labelled band), slightly spread."""
    pts = points.copy()
    undated = pts.x.isna()
    offsets = {sid: i * 0.18 for i, sid in enumerate(sorted(pts.loc[undated, "source_id"].unique()))}
    pts.loc[undated, "x"] = [UNDATED_X + offsets[s] for s in pts.loc[undated, "source_id"]]
    return pts.assign(undated=undated)


def _undated_band(ax, pts: pd.DataFrame) -> None:
    if not pts.undated.any():
        return
    ax.axvspan(UNDATED_X - 0.45, UNDATED_X + 0.6, color="#eeeeee", zorder=0)
    ax.annotate("时期未说明", (UNDATED_X + 0.07, 1.0), xycoords=("data", "axes fraction"), ha="center",
                va="top", fontsize=8, color="#555")


def _year_ticks(ax, pts: pd.DataFrame) -> None:
    dated = pts.loc[~pts.undated, "x"] if "undated" in pts else pts.x.dropna()
    if dated.empty:
        ax.set_xticks([])
        return
    lo, hi = math.floor(dated.min()), math.ceil(dated.max())
    step = 1 if hi - lo <= 8 else 2
    ticks = list(range(lo, hi + 1, step))
    ax.set_xticks(ticks, [str(t) for t in ticks])


def _span_lines(ax, pts: pd.DataFrame) -> None:
    """A horizontal line across each multi-month period (e.g. 2023–2024), in the source's colour."""
    colors = charts.source_colors(pts.source_id.unique())
    for r in pts.itertuples():
        span = ledger.period_span(r.period)
        if span and span[1] - span[0] > 1.01:
            ax.hlines(r.value, span[0], span[1], color=colors[r.source_id][0], linewidth=2, alpha=0.5)


def users_chart() -> None:
    """National internet-healthcare users by source and date, and the share of residents."""
    import matplotlib.pyplot as plt

    from ihbook.show import fonts

    pts = _with_undated(charts.metric_points("users_internet_health"))
    share = ledger.select(metric="residents_used_online_health_share")
    fonts.setup()
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(8.4, 4.2), dpi=charts.DPI, gridspec_kw={"width_ratios": [3.4, 1]})
    charts.plot_by_source(ax, pts)
    _undated_band(ax, pts)
    _year_ticks(ax, pts)
    ax.set_xlim(pts.x.min() - 0.8, UNDATED_X + 0.8)
    ax.set_ylim(0, pts.value.max() * 1.2)
    ax.set_title("互联网医疗用户规模：各来源、各时点的说法", loc="left", fontsize=12)
    ax.set_xlabel("年份")
    ax.set_ylabel("用户规模（亿人）")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.3)
    colors = charts.source_colors(share.source_id.unique())
    for i, r in enumerate(share.itertuples()):
        ax2.bar(i, r.value, color=colors[r.source_id][0], width=0.5)
        ax2.annotate(f"{ledger.display_value(r._asdict())}", (i, r.value), ha="center", va="bottom", fontsize=8)
    ax2.set_xticks(range(len(share)), [f"{sources.short_name(s)}\n{p}" for s, p in zip(share.source_id, share.period)],
                   fontsize=7)
    ax2.set_ylim(0, 100)
    ax2.set_xlim(-0.9, len(share) - 0.1)
    ax2.set_ylabel("接受过在线医疗服务的居民（%）", fontsize=8)
    ax2.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    data = pd.concat([
        pts.assign(label=pts.source_id.map(sources.short_name) + "｜" + pts.period.map(_period_label))
        [["label", "value", "unit", "claim_id"]],
        share.assign(label="居民使用比例｜" + share.source_id.map(sources.short_name))[["label", "value", "unit", "claim_id"]],
    ], ignore_index=True)
    per_source = "；".join(
        f"{sources.short_name(sid)}给出 {len(g)} 处，其中 {int(g.undated.sum())} 处没有年份"
        for sid, g in pts.groupby("source_id", sort=True))
    charts.publish(fig, "ch08-users", data, caption=(
        f"左：全国互联网医疗用户规模（{per_source}；没有年份的画在右侧灰带里）。两个来源分开画出，它们的分歧登记为冲突 "
        + "、".join(involving.conflict_ids(pts.claim_id, how="within", kind="cross-source"))
        + "，报告自身的前后不一致登记为 " + "、".join(involving.conflict_ids(pts.claim_id, how="within", kind="within-source")) + "。"
        "右：36 氪引用艾媒咨询的居民使用比例，是比例而非人数，单独成图。"))


def company_users() -> pd.DataFrame:
    """Company-level user counts (each a different measure), converted to 万人 by the book."""
    df = ledger.select(metric=COMPANY_USER_METRICS)
    df = df.drop_duplicates(["source_id", "metric", "entity", "value", "unit"])  # one article repeating itself
    rows = [{"label": f"{ledger.entity_label(r['entity']).split('（')[0]}：{ledger.label(r['metric'])}\n"
                      f"{sources.short_name(r['source_id'])}，{_period_label(r['period'])}",
             "value": convert(r, "万人"), "unit": "万人", "claim_id": r["claim_id"],
             "as_written": ledger.display_value(r), "source_id": r["source_id"], "kind": r["kind"]}
            for r in df.sort_values("claim_id").to_dict("records")]
    return pd.DataFrame(rows).sort_values("value").reset_index(drop=True)


def company_users_chart() -> None:
    data = company_users()
    fig, ax = charts.figure("企业与平台的用户数：口径各异，不能相加", "用户数（万人；本书换算）", "",
                            size=(7.2, 0.75 * len(data) + 1.4))
    colors = charts.source_colors(data.source_id.unique())
    for y, r in enumerate(data.itertuples()):
        ax.barh(y, r.value, color=colors[r.source_id][0], height=0.6)
        ax.annotate(f"{r.as_written}（{r.claim_id}）", (r.value, y), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_yticks(range(len(data)), data.label, fontsize=9)
    ax.set_xlim(0, data.value.max() * 1.45)
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", alpha=0)
    charts.publish(fig, "ch08-company-users", data[["label", "value", "unit", "claim_id"]], caption=(
        "企业公布的是月活跃用户、年度活跃用户、服务过的保险用户或“用户量”，口径互不相同，也都不是全国用户规模的一部分，"
        "不能相加。颜色表示来源；折合万人是本书的换算。"))


# ------------------------------------------------------------------------- metric explorer

def explorer_metrics() -> list[str]:
    """Metrics worth exploring over time: one entity, at least two dated claims, chapter topics."""
    df = ledger.load_claims()
    df = df[df.topic.isin(EXPLORER_TOPICS)]
    keep = []
    for metric, grp in ledger.load_claims()[ledger.load_claims().metric.isin(df.metric)].groupby("metric"):
        if grp.entity.nunique() == 1 and (grp.period != "").sum() >= 2:
            keep.append((-len(grp), metric))
    return [m for _, m in sorted(keep)]


def metric_figure(metric: str):
    """One metric, every source's values over time (undated ones in a band), as a figure."""
    if metric not in ledger.metrics().index:
        raise KeyError(f"指标“{metric}”不在 data/keys/metrics.csv 中")
    pts = _with_undated(charts.metric_points(metric))
    if pts.empty:
        raise ValueError(f"账本中没有指标“{metric}”的数字")
    units = pts.unit.unique()
    unit = units[0]
    if len(units) > 1:
        pts = pts.assign(value=[convert(r, unit) for r in pts.to_dict("records")])
    log = pts.value.min() > 0 and pts.value.max() / pts.value.min() > LOG_RATIO
    ylabel = f"{ledger.label(metric)}（{unit}{'，对数刻度' if log else ''}）"
    fig, ax = charts.figure(f"{ledger.label(metric)}：各来源的数字", "年份（横线为跨年时期）", ylabel, size=(7.6, 4.0))
    charts.plot_by_source(ax, pts)
    _span_lines(ax, pts)
    _undated_band(ax, pts)
    _year_ticks(ax, pts)
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(0, pts.value.max() * 1.25)
    right = UNDATED_X + 0.8 if pts.undated.any() else pts.x.max() + 0.8
    ax.set_xlim(pts.x.min() - 0.8, right)
    data = pts.assign(label=pts.source_id.map(sources.short_name) + "｜" + pts.period.map(_period_label))
    return fig, data[["label", "value", "unit", "claim_id"]]


def metric_explorer(default: str = "investment_amount") -> None:
    """Pick a metric, see every source's values over time (precomputed; works without a kernel)."""
    metrics = explorer_metrics()
    states = []
    for m in metrics:
        fig, data = metric_figure(m)
        states.append((ledger.label(m), fig, data, charts.describe(data, "label", "value", data.unit.iloc[0])))
    charts.publish_states(
        "ch08-metric-explorer", states,
        caption=("选择一个指标，查看每个来源在不同时间给出的数字。颜色和形状代表来源，空心点为预测；跨年的时期画成横线，"
                 "没有时期的数字画在右侧灰带里；数值相差超过五十倍时改用对数刻度，并在纵轴上注明。列表由账本自动生成："
                 "凡是本章主题下、同一主体、至少两个带时期的数字的指标都会出现。"),
        description="指标：", default=metrics.index(default) if default in metrics else 0, style="dropdown")


def show_metric(metric: str) -> None:
    """Reader-callable: draw one metric (a clear message for an unknown or empty metric)."""
    if not isinstance(metric, str) or not metric.strip():
        kit.say("请给出一个指标键，例如 \"users_internet_health\"（见 data/keys/metrics.csv）。")
        return
    try:
        fig, data = metric_figure(metric.strip())
    except (KeyError, ValueError) as exc:
        kit.say(str(exc).strip("'\""))
        return
    charts.publish(fig, "ch08-reader-metric", data, caption="读者自选的指标。")
