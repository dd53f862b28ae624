"""Chapter 8, market size: five definitions of "the market", each in its own panel.

The sources disagree about the size of China's internet-healthcare market by two orders of
magnitude, mostly because they measure different things. The functions here keep every
definition in its own panel (never one axis as if the numbers were comparable), convert each
claim to 亿元 in the open (:func:`convert`), and recompute a stated share from its parts.
Everything is read from the ledger by metric, so new claims on the same measures show up
without code changes.
"""
from __future__ import annotations

import pandas as pd

from ihbook.evidence import conflicts
from ihbook.evidence import involving
from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.evidence.units import UNITS
from ihbook.show import charts

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
                 "不同口径的数字不互相比较；真正互相矛盾的几处（部分大于整体、隐含增速不合理）已登记为冲突："
                 + "、".join(involving.conflict_ids(data.claim_id, how="within")) + "。"),
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
