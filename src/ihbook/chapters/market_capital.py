"""Chapter 8's figures and checks: market size by definition, users, capital, a lost digit.

The sources disagree about the size of China's internet-healthcare market by two orders of
magnitude, mostly because they measure different things. The functions here keep every
definition in its own panel (never one axis as if the numbers were comparable), draw each
source separately, and do the book's own arithmetic in the open: conversions to 亿元, ratios
between sources, and a reconstruction of how report-2025 lost the first digit of a total.
Everything is read from the ledger by metric, so new claims on the same measures show up
without code changes.
"""
from __future__ import annotations

import html
import math
import re

import pandas as pd

from ihbook.show import charts
from ihbook.evidence import conflicts
from ihbook.evidence import ledger
from ihbook.evidence import quotes
from ihbook.evidence import sources
from ihbook.evidence.units import UNITS

# Market-size definitions, in the order the chapter discusses them: one panel each. A panel
# may hold a whole and its part (online medical and, within it, online health insurance).
MARKET_PANELS: list[tuple[str, list[str]]] = [
    ("在线医疗", ["market_online_medical", "market_online_health_insurance"]),
    ("诊后服务：供给端与需求端", ["market_postdx_supply", "market_postdx_demand"]),
    ("互联网医疗（整体）", ["market_internet_health"]),
    ("处方外流（医药电商）", ["market_prescription_outflow"]),
    ("慢性病管理", ["market_chronic_management"]),
]
# Company-level user counts: each a different measure, never added to the national figure.
COMPANY_USER_METRICS = ["monthly_active_users", "annual_active_users", "insured_users_served", "platform_users"]
EXPLORER_TOPICS = {"market", "capital", "users", "business"}
UNDATED_X = 2026.2  # where claims without a stated period are drawn, right of every dated one
LOG_RATIO = 50.0
MAX_GAP = conflicts.MAX_GAP  # periods compared when their middles are this close (as the detector)  # a metric whose values span more than this factor gets a (labelled) log axis


def _say(text: str) -> None:
    """A clear, escaped message for the reader instead of a traceback."""
    from IPython.display import display

    display({"text/html": f'<div class="ihbook-msg" role="status">{html.escape(text)}</div>',
             "text/plain": text}, raw=True)


def show_table(df: pd.DataFrame) -> None:
    """A table without the pandas index, escaped, with a plain-text twin (deterministic output)."""
    from IPython.display import display

    display({"text/html": df.to_html(index=False, escape=True, classes="ihbook-table", border=0),
             "text/plain": df.to_string(index=False)}, raw=True)


def convert(rec: dict, unit: str) -> float:
    """A claim's value in another unit of the same dimension (the book's conversion)."""
    dim, value = ledger.base_value(rec)
    if unit not in UNITS or UNITS[unit][0] != dim:
        raise ValueError(f"无法把{ledger.display_value(rec)}换算成“{unit}”：量纲不同")
    return value / UNITS[unit][1]


def _period_label(period: str) -> str:
    return period.replace("/", "–") if period else "时期未说明"


# ------------------------------------------------------------------------------- market size

def market_claims() -> pd.DataFrame:
    """Every market-size claim with its definition panel and its value converted to 亿元."""
    rows = []
    for panel, metrics in MARKET_PANELS:
        for rec in ledger.select(metric=metrics).sort_values(["period", "claim_id"]).to_dict("records"):
            rows.append({
                "label": f"{ledger.label(rec['metric'])}｜{sources.short_name(rec['source_id'])}｜"
                         f"{_period_label(rec['period'])}",
                "panel": panel, "metric": rec["metric"], "value": convert(rec, "亿元"), "unit": "亿元",
                "claim_id": rec["claim_id"], "source_id": rec["source_id"], "period": rec["period"],
                "kind": rec["kind"], "as_written": ledger.display_value(rec),
            })
    return pd.DataFrame(rows)


def magnitude_table(reference: str = "WS21-001") -> pd.DataFrame:
    """The market-size claims side by side, each as a multiple of ``reference`` (book's arithmetic)."""
    data = market_claims()
    if reference not in set(data.claim_id):
        raise KeyError(f"“{reference}”不是市场规模类数字")
    ref = float(data.loc[data.claim_id == reference, "value"].iloc[0])
    out = pd.DataFrame({
        "口径": data.panel, "指标": data.metric.map(ledger.label),
        "来源": data.source_id.map(sources.short_name), "时期": data.period.map(_period_label),
        "类型": data.kind.map(ledger.KIND_LABELS), "原文数字": data.as_written,
        "折合亿元（本书换算）": data.value.map(lambda v: f"{v:,.1f}"),
        f"相当于 {reference} 的倍数（本书计算）": (data.value / ref).map(lambda v: f"{v:.2f}"),
        "编号": data.claim_id,
    })
    return out.reset_index(drop=True)


def _market_panels_figure():
    import matplotlib.pyplot as plt

    from ihbook.show import fonts

    data = market_claims()
    fonts.setup()
    panels = [p for p, _ in MARKET_PANELS if p in set(data.panel)]
    heights = [max(1, (data.panel == p).sum()) + 0.9 for p in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(7.6, 1.0 + 0.42 * sum(heights)), dpi=charts.DPI,
                             gridspec_kw={"height_ratios": heights})
    axes = list(axes) if len(panels) > 1 else [axes]
    colors = charts.source_colors(data.source_id.unique())
    for ax, panel in zip(axes, panels):
        grp = data[data.panel == panel].reset_index(drop=True)
        ys = list(range(len(grp)))[::-1]
        for y, r in zip(ys, grp.itertuples()):
            color = colors[r.source_id][0]
            future = r.kind in ("forecast", "target")
            ax.barh(y, r.value, color="white" if future else color, edgecolor=color, hatch="//" if future else None,
                    height=0.6)
            ax.annotate(f"{r.as_written}（{r.claim_id}）", (r.value, y), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=8)
        single = grp.metric.nunique() == 1
        ax.set_yticks(ys, [lab.split("｜", 1)[1] if single else lab for lab in grp.label], fontsize=8)
        ax.set_xlim(0, grp.value.max() * 1.55)
        ax.set_xlabel(f"{panel}（亿元；本图自有刻度）", fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_title("市场规模：五种口径，各用各的刻度", loc="left", fontsize=12)
    fig.tight_layout()
    return fig, data


def _market_log_figure():
    from matplotlib.ticker import FuncFormatter

    data = market_claims()
    fig, ax = charts.figure("同一对数刻度上的五种口径：只看量级，不作比较", "金额（亿元，对数刻度）", "", size=(7.6, 4.2))
    panels = [p for p, _ in MARKET_PANELS if p in set(data.panel)][::-1]
    colors = charts.source_colors(data.source_id.unique())
    for y, panel in enumerate(panels):
        grp = data[data.panel == panel]
        for k, r in enumerate(grp.itertuples()):
            color, marker = colors[r.source_id]
            future = r.kind in ("forecast", "target")
            ax.plot(r.value, y, marker=marker, color=color, markersize=8, linestyle="none",
                    markerfacecolor="white" if future else color)
            ax.annotate(f"{r.as_written}", (r.value, y), xytext=(0, 7 if k % 2 == 0 else -13),
                        textcoords="offset points", ha="center", fontsize=7.5, color=color)
    ax.set_xscale("log")
    ax.set_xlim(data.value.min() / 2, data.value.max() * 2)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_yticks(range(len(panels)), panels)
    ax.set_ylim(-0.7, len(panels) - 0.3)
    ax.grid(axis="x", alpha=0.3, which="both")
    ax.grid(axis="y", alpha=0)
    handles = [ax.plot([], [], marker=colors[s][1], color=colors[s][0], linestyle="none")[0] for s in colors]
    ax.legend(handles, [sources.short_name(s) for s in colors], frameon=False, fontsize=8, loc="lower left")
    return fig, data


def market_explorer() -> None:
    """Market size by definition: small multiples (default) or one labelled log axis."""
    panels_fig, data = _market_panels_figure()
    log_fig, _ = _market_log_figure()
    alt = charts.describe(data.assign(lab=data.label), "lab", "value", "亿元")
    charts.publish_states(
        "ch08-market-size",
        [("分面：各用各的刻度", panels_fig, data, "市场规模，按口径分面。" + alt),
         ("量级：同一对数刻度", log_fig, data, "市场规模，同一对数刻度。" + alt)],
        caption=("五种“市场规模”出自四份来源，口径各不相同：在线医疗（含互联网健康险）、诊后服务的供给端与需求端、"
                 "互联网医疗整体、处方外流、慢性病管理。默认视图每个口径一块面板、各用各的刻度，柱长只在面板内比较；"
                 "斜线空心柱为预测。切换到对数视图可以看出它们相差两个数量级。金额统一换算为亿元是本书的换算。"
                 "同一个“市场规模”一词指不同东西，已登记为口径冲突（CF-898c75、CF-c1c1b7、CF-a7e3f6 等）。"),
        description="视图：")


def share_check(claim_id: str = "WS21-004") -> dict:
    """Recompute a stated share from the claims its relation names (conflicts.recompute)."""
    rec = ledger.claim(claim_id)
    if not rec["relation"]:
        raise ValueError(f"{claim_id} 没有登记算术关系，无法重算")
    by_id = {r["claim_id"]: r for r in ledger.load_claims().to_dict("records")}
    computed, working = conflicts.recompute(rec, by_id)
    return {"claim_id": claim_id, "stated": rec["value"], "stated_text": ledger.display_value(rec),
            "computed": computed, "working": working, "gap": rec["value"] - computed}


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
        "CF-ae74cf、CF-0a05fa 等，报告自身的前后不一致登记为 CF-f81d3e、CF-4b431f 等。"
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


# ---------------------------------------------------------------------------------- capital

def capital_points() -> dict[str, pd.DataFrame]:
    """Industry funding: totals, deal counts and money per deal, each by source and period."""
    return {m: charts.metric_points(m, entity="industry")
            for m in ("investment_amount", "investment_deals", "investment_per_deal")}


def implied_per_deal() -> pd.DataFrame:
    """Money per deal implied by a source's own totals and deal counts (the book's arithmetic)."""
    amounts = ledger.select(metric="investment_amount", entity="industry")
    deals = ledger.select(metric="investment_deals", entity="industry")
    rows = []
    for a in amounts.to_dict("records"):
        match = deals[(deals.source_id == a["source_id"]) & (deals.period == a["period"])]
        for d in match.to_dict("records"):
            per = convert(a, "亿元") / d["value"]
            rows.append({"period": a["period"], "source_id": a["source_id"], "amount_id": a["claim_id"],
                         "deals_id": d["claim_id"], "value": per, "unit": "亿元/笔",
                         "working": f"{ledger.display_value(a)}（{a['claim_id']}）÷ {ledger.display_value(d)}"
                                    f"（{d['claim_id']}）= {per:.2f}亿元/笔"})
    return pd.DataFrame(rows)


def _part_year_notes(ax, pts: pd.DataFrame) -> None:
    """Name the months under every point whose period is shorter than a year (e.g. 2024年1–3月)."""
    for r in pts.itertuples():
        length = ledger.period_length(r.period)
        if length is not None and length < 1 and "/" in r.period:
            a, b = r.period.split("/")
            ax.annotate(f"（{a[:4]}年{int(a[5:])}–{int(b[5:])}月）", (r.x, r.value), xytext=(8, -13),
                        textcoords="offset points", fontsize=7, color="#555")


def capital_chart() -> None:
    """Three panels: funding totals (log scale, two sources), deal counts, money per deal."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    from ihbook.show import fonts

    pts = capital_points()
    implied = implied_per_deal()
    fonts.setup()
    fig, axes = plt.subplots(1, 3, figsize=(10.5, 4.3), dpi=charts.DPI, gridspec_kw={"width_ratios": [2.2, 1.2, 1.6]})
    ax = axes[0]
    amount = pts["investment_amount"]
    charts.plot_by_source(ax, amount)
    _span_lines(ax, amount)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    _part_year_notes(ax, amount)
    lost = lost_digit_span()
    if lost:
        ax.axvspan(lost[0], lost[1], color="#dddddd", zorder=0)
        ax.annotate("报告此两年的总额：\n首位数字丢失", ((lost[0] + lost[1]) / 2, 0.45), xycoords=("data", "axes fraction"),
                    ha="center", fontsize=7.5, color="#444")
    ax.set_title("互联网医疗投融资：两份来源讲了两个故事", loc="left", fontsize=12)
    ax.set_ylim(amount.value.min() / 2, amount.value.max() * 2.5)
    ax.legend(frameon=False, fontsize=8, loc="lower left")
    ax.set_ylabel("年度投融资总额（亿元，对数刻度）")
    ax.set_xlabel("年份（横线为跨年时期）")
    _year_ticks(ax, amount.assign(undated=False))
    ax2 = axes[1]
    charts.plot_by_source(ax2, pts["investment_deals"], connect=False)
    _part_year_notes(ax2, pts["investment_deals"])
    ax2.set_ylabel("投融资事件（起）")
    ax2.set_xlabel("年份")
    ax2.set_ylim(0, pts["investment_deals"].value.max() * 1.25)
    _year_ticks(ax2, pts["investment_deals"].assign(undated=False))
    ax3 = axes[2]
    per = pts["investment_per_deal"]
    charts.plot_by_source(ax3, per)
    _span_lines(ax3, per)
    if not implied.empty:
        xs = [(ledger.period_span(p)[0] + ledger.period_span(p)[1]) / 2 for p in implied.period]
        ax3.plot(xs, implied.value, linestyle="none", marker="x", color="#555", label="本书计算（总额÷事件数）")
        for x, v in zip(xs, implied.value):
            ax3.annotate(f"{v:.2f}", (x, v), xytext=(4, -10), textcoords="offset points", fontsize=7.5, color="#555")
        ax3.legend(frameon=False, fontsize=7.5)
    ax3.set_ylabel("笔均融资额（亿元/笔）")
    ax3.set_xlabel("年份")
    ax3.set_ylim(0, max(per.value.max(), implied.value.max() if len(implied) else 0) * 1.3)
    _year_ticks(ax3, pd.concat([per.assign(undated=False), pd.DataFrame({"x": xs, "undated": False})])
                if len(implied) else per.assign(undated=False))
    for a in axes:
        a.spines[["top", "right"]].set_visible(False)
        a.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    rows = []
    for m, p in pts.items():
        rows.append(p.assign(label=ledger.label(m) + "｜" + p.source_id.map(sources.short_name) + "｜"
                             + p.period.map(_period_label))[["label", "value", "unit", "claim_id"]])
    if len(implied):
        rows.append(implied.assign(label="笔均融资额（本书计算）｜" + implied.period.map(_period_label),
                                   claim_id=implied.amount_id)[["label", "value", "unit", "claim_id"]])
    data = pd.concat(rows, ignore_index=True)
    charts.publish(fig, "ch08-capital", data, caption=(
        "左：年度投融资总额（对数刻度）。观研天下（据 IT桔子）给出 2021 年的顶峰和 2023 年的低谷；2025 年的报告给出 2018 年、"
        "2020 年和 2023–2024 年的数字，量级高出一到两个数量级，与观研天下的分歧登记为冲突 CF-ec429c 与 CF-68a112。"
        "灰带是报告 2021–2022 年那个首位数字丢失的总额（见正文），没有画点。中：观研天下的投融资事件数。"
        "右：笔均融资额，人人都是产品经理的 2016 与 2019 年、报告的 2021–2022 年；叉号是本书用观研天下的总额除以事件数算出的。"))


def clash_table() -> pd.DataFrame:
    """Where two sources give an industry funding total for nearby years: both, and the ratio.

    Pairs follow the detector's rule for flows (periods within ``MAX_GAP`` years, a part-year
    only against the same length). The point ratio ignores "约"; the detector's magnitude
    (from ``data/conflicts.csv``) first widens each claim by its qualifier and rounding.
    """
    df = ledger.select(metric="investment_amount", entity="industry")
    magnitudes = dict(zip(conflicts.load_conflicts().conflict_id, conflicts.load_conflicts().magnitude))
    rows = []
    recs = df.sort_values("claim_id").to_dict("records")
    for a in recs:
        for b in recs:
            if a["source_id"] >= b["source_id"]:
                continue
            if ledger.period_gap(a["period"], b["period"]) > MAX_GAP:
                continue
            la, lb = ledger.period_length(a["period"]), ledger.period_length(b["period"])
            if min(la, lb) < 1 and abs(la - lb) > 1e-9:
                continue  # a quarter's funding is not a year's
            hi, lo = (a, b) if a["value"] >= b["value"] else (b, a)
            ratio = convert(hi, "亿元") / convert(lo, "亿元")
            cid = conflict_of(a["claim_id"], b["claim_id"])
            mag = magnitudes.get(cid, "")
            rows.append({"来源A": sources.short_name(a["source_id"]), "时期A": _period_label(a["period"]),
                         "数字A": f"{ledger.display_value(a)}（{a['claim_id']}）",
                         "来源B": sources.short_name(b["source_id"]), "时期B": _period_label(b["period"]),
                         "数字B": f"{ledger.display_value(b)}（{b['claim_id']}）",
                         "点值之比（本书计算）": f"{ratio:.1f}",
                         "冲突编号": cid, "检测器记录的倍数": mag})
    return pd.DataFrame(rows)


def segment_vs_total() -> pd.DataFrame:
    """report-2025's 2023 segment totals against chinabaogao-2024's whole-industry 2023 total."""
    whole = ledger.select(metric="investment_amount", entity="industry")
    whole = whole[whole.period == "2023"]
    seg = ledger.select(metric="investment_amount_segment")
    seg = seg[seg.period == "2023"]
    rows = []
    for w in whole.to_dict("records"):
        for s in seg.to_dict("records"):
            rows.append({"细分领域（报告）": ledger.entity_label(s["entity"]),
                         "细分领域融资额": f"{ledger.display_value(s)}（{s['claim_id']}）",
                         "全行业总额（观研天下）": f"{ledger.display_value(w)}（{w['claim_id']}）",
                         "细分÷全行业（本书计算）": f"{convert(s, '亿元') / convert(w, '亿元'):.0f} 倍"})
    return pd.DataFrame(rows)


def conflict_of(*claim_ids: str) -> str:
    """The conflict id that names exactly these claims ('' when the detector found none)."""
    want = set(claim_ids)
    for r in conflicts.load_conflicts().to_dict("records"):
        if set(r["claim_ids"].split(";")) == want:
            return r["conflict_id"]
    return ""


def listed_companies() -> pd.DataFrame:
    """chinabaogao-2024's table of listed companies, parsed from the verbatim passages in
    ``data/quotes.csv`` (founding dates are text, not ledger claims)."""
    q = pd.read_csv(quotes.QUOTES, dtype=str, keep_default_na=False)
    q = q[q.quote_id.str.startswith("Q-ch08-listed-")]
    rows = []
    for r in q.itertuples():
        m = re.match(r"^(\S+) \((\d{5})\) (\S+) ", r.quote)
        if not m:
            continue
        name, code, founded = m.groups()
        rows.append({"公司简称": name, "股票代码": code, "表中“成立时间”": "表中未填" if founded == "-" else founded,
                     "来源": sources.short_name(r.source_id), "引文编号": r.quote_id})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------ the lost digit

LOST_CONTEXT = "融资规模回落至?50亿元"


def garble(text: str) -> str:
    """Reproduce the web page's damage: GBK bytes read one byte out of step.

    The page's first byte of the damaged stretch is lost (shown as ``?``); after that, bytes
    are paired wrongly, so each pair becomes some other character. A pair that is not valid
    GBK (here: the last byte of 至 with the ASCII digit after it) becomes one ``?`` — the digit
    goes with it. An ASCII byte that is not swallowed stays as it is, and the stream is back
    in step. Full-width punctuation is shown half-width, as on the page.
    """
    data = text.encode("gbk")
    out, i = ["?"], 1
    while i < len(data):
        b = data[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        pair = data[i:i + 2]
        try:
            out.append(pair.decode("gbk"))
        except UnicodeDecodeError:
            out.append("?")
        i += 2
    return "".join(out).replace("；", ";")


def lost_digit_table(words: str = "模回落至", tail: str = "50億元") -> pd.DataFrame:
    """What the damaged stretch looks like for every possible first digit: always the same."""
    rows = []
    for d in "0123456789":
        original = f"{words}{d}{tail}"
        rows.append({"假设的原文": original, "错位读取后": garble(original)})
    return pd.DataFrame(rows)


def garbled_on_page() -> str:
    """The damaged stretch exactly as it stands in the raw file (for comparison)."""
    rep = pd.read_csv(sources.DATA / "sources" / "repairs.csv", dtype=str, keep_default_na=False)
    row = rep[rep.repaired.str.contains("回落至", regex=False)]
    return row.garbled.iloc[0] if len(row) else ""


def lost_digit_span() -> tuple[float, float] | None:
    """The years the damaged total refers to (from the claim that shares its sentence)."""
    text = sources.text("report-2025")
    if LOST_CONTEXT not in text:
        return None
    per = ledger.select(metric="investment_per_deal", source_id="report-2025")
    per = per[per.quote.str.contains(LOST_CONTEXT, regex=False)]
    return ledger.period_span(per.period.iloc[0]) if len(per) else None


def lost_digit_candidates(before: str = "R25-254", per_deal: str = "R25-258") -> pd.DataFrame:
    """Which first digits fit the report's own words, and what each would imply.

    "回落至" (fell back to) says the 2021–2022 total is below the 2018–2020 peak; dividing by
    the report's own money per deal gives the deal count each candidate implies.
    """
    peak = ledger.claim(before)
    per = ledger.claim(per_deal)
    rows = []
    for d in range(1, 10):
        total = d * 100 + 50
        rows.append({"首位数字": d, "总额（亿元）": total, "低于此前的高点？": "是" if total < peak["value"] else "否",
                     "按笔均额推算的事件数（本书计算）": round(total / per["value"])})
    return pd.DataFrame(rows)


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
        _say("请给出一个指标键，例如 \"users_internet_health\"（见 data/keys/metrics.csv）。")
        return
    try:
        fig, data = metric_figure(metric.strip())
    except (KeyError, ValueError) as exc:
        _say(str(exc).strip("'\""))
        return
    charts.publish(fig, "ch08-reader-metric", data, caption="读者自选的指标。")


# --------------------------------------------------------------------------- glue for prose

def glue_checks() -> None:
    """Glue the book's own computations that chapter 8's prose cites."""
    from IPython.display import Markdown
    from myst_nb import glue

    chk = share_check("WS21-004")
    glue("ch08-share-recomputed", Markdown(f"{chk['computed']:.1f}%（本书据 WS21-003 与 WS21-001 重算）"), display=False)
    glue("ch08-share-gap", Markdown(f"{chk['gap']:.1f} 个百分点（本书计算）"), display=False)
    data = market_claims().set_index("claim_id")
    spread = data.value.max() / data.value.min()
    glue("ch08-market-spread", Markdown(f"约 {spread:.0f} 倍（本书计算）"), display=False)
    tab = clash_table()
    for cid in ("GY24-015", "GY24-013"):
        row = tab[tab["数字A"].str.contains(cid) | tab["数字B"].str.contains(cid)]
        if len(row):
            glue(f"ch08-ratio-{cid}", Markdown(f"{float(row.iloc[0]['点值之比（本书计算）']):.0f} 倍（本书按点值计算）"),
                 display=False)
    for r in conflicts.load_conflicts().itertuples():
        glue(f"ch08-mag-{r.conflict_id}", Markdown(f"{float(r.magnitude):g} 倍（冲突清单记录的倍数）"), display=False)
    seg = segment_vs_total()
    if len(seg):
        glue("ch08-segment-max", Markdown(seg["细分÷全行业（本书计算）"].iloc[0] + "（本书计算）"), display=False)
    cand = lost_digit_candidates()
    fits = cand[cand["低于此前的高点？"] == "是"]
    glue("ch08-lost-range", Markdown(f"{fits['首位数字'].min()} 到 {fits['首位数字'].max()}"), display=False)
    imp = implied_per_deal()
    for r in imp.itertuples():
        glue(f"ch08-per-deal-{r.amount_id}", Markdown(f"{r.value:.2f}亿元/笔（本书计算）"), display=False)
