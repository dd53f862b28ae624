"""Chapter 1's figures: ageing, the health workforce, hospital capacity, and waste.

Each function builds one chart from ledger claims (by metric and entity, so a new claim on the
same measure shows up without code changes) and publishes it with its provenance.
"""
from __future__ import annotations

import pandas as pd

from ihbook.show import charts
from ihbook.evidence import involving
from ihbook.evidence import ledger
from ihbook.evidence import sources

CN_US = {"china": "中国", "usa": "美国"}


def _series(metric: str) -> pd.DataFrame:
    pts = charts.metric_points(metric, entity=list(CN_US))
    return pts.assign(country=pts.entity.map(CN_US))


def _ageing_figure(metric: str, ylabel: str, title: str):
    pts = _series(metric)
    fig, ax = charts.figure(title, "年份", ylabel)
    colors = charts.source_colors(pts.source_id.unique())
    for (entity, sid), grp in pts.groupby(["entity", "source_id"], sort=False):
        color, marker = colors[sid]
        style = "-" if entity == "china" else "--"
        ax.plot(grp.x, grp.value, linestyle=style if len(grp) > 1 else "none", marker=marker,
                color=color, label=f"{CN_US[entity]}：{sources.short_name(sid)}")
        last = grp.iloc[-1]
        ax.annotate(ledger.display_value(last), (last.x, last.value), textcoords="offset points",
                    xytext=(5, -3 if entity == "china" else 4), fontsize=8, color=color)
    threshold = ledger.select(metric="ageing_threshold_65plus_share")
    if metric == "population_65plus_share" and not threshold.empty:
        t = threshold.iloc[0]
        ax.axhline(t.value, color="#888", linewidth=1, linestyle=":")
        ax.annotate(f"老龄化社会门槛 {ledger.display_value(t)}（{sources.short_name(t.source_id)}）",
                    (pts.x.min(), t.value), textcoords="offset points", xytext=(0, 4), fontsize=8, color="#555")
    ticks = sorted(pts.x.dropna().unique())
    ax.set_xticks(ticks, [str(int(x)) for x in ticks])
    ax.legend(frameon=False, fontsize=8)
    data = pts[["country", "period", "value", "unit", "claim_id"]].rename(columns={"country": "label"})
    extra = threshold[["claim_id", "value", "unit", "period"]].assign(label="老龄化门槛") if metric == "population_65plus_share" else threshold.iloc[0:0]
    data = pd.concat([data, extra[data.columns]], ignore_index=True) if len(extra) else data
    return fig, data


def ageing_explorer() -> None:
    """China vs the USA, 65+ people and share, 2015–2019: two precomputed views, one control."""
    share_fig, share_data = _ageing_figure(
        "population_65plus_share", "65岁及以上人口占比（%）", "中美65岁及以上人口占比，2015–2019")
    count_fig, count_data = _ageing_figure(
        "population_65plus", "65岁及以上人口（百万人）", "中美65岁及以上人口，2015–2019")
    charts.publish_states(
        "ch01-ageing",
        [("占比（%）", share_fig, share_data, charts.describe(share_data.assign(
            label=share_data.label + share_data.period), "label", "value", "%")),
         ("人数（百万人）", count_fig, count_data, charts.describe(count_data.assign(
             label=count_data.label + count_data.period), "label", "value", "百万人"))],
        caption=("艾瑞的图表给出 2015–2019 年中美两国 65 岁及以上人口及其占比；人人都是产品经理的文章给出 2019 年"
                 "中国的占比，与艾瑞同年的数字不一致（见冲突 "
                 + "、".join(involving.conflict_ids(share_data.claim_id, how="within"))
                 + "），两者分开画出。按钮切换两种视图。"),
        description="查看：")


def workforce_chart() -> None:
    """Doctors and nurses per 1,000 people (China 2019) and nurses as a share of population."""
    per1000 = ledger.select(metric=["doctors_per_1000", "nurses_per_1000"], entity="china", kind="estimate")
    per1000 = per1000.drop_duplicates("metric")
    share = ledger.select(metric="nurses_share_population").sort_values("entity")
    rows = [{"label": ledger.label(r.metric) + "\n（中国，" + r.period + "）", "value": r.value, "unit": r.unit,
             "claim_id": r.claim_id} for r in per1000.itertuples()]
    rows += [{"label": "护士占总人口\n（" + ledger.entity_label(r.entity).replace("中国（全国）", "中国")
              .replace("全球/世界", "世界多数国家") + "）",
              "value": r.value, "unit": r.unit, "claim_id": r.claim_id} for r in share.itertuples()]
    data = pd.DataFrame(rows)
    fig, ax = charts.figure("医护资源：中国与世界多数国家", "", "每千人（人）／千分比（‰）", size=(7.2, 3.8))
    colors = ["#1f5aa6", "#1f5aa6", "#d1495b", "#888888"]
    bars = ax.bar(range(len(data)), data.value, color=colors[: len(data)])
    ax.set_xticks(range(len(data)), data.label, fontsize=9)
    for b, r in zip(bars, data.itertuples()):
        ax.annotate(f"{r.value:g}{r.unit.replace('人/千人', '人')}", (b.get_x() + b.get_width() / 2, r.value),
                    ha="center", va="bottom", fontsize=9)
    charts.publish(fig, "ch01-workforce", data,
                   caption=("左两柱为艾瑞推算的 2019 年中国每千人医生数与护士数；右两柱为同一报告所说的护士占总人口比例："
                            "世界多数国家约 5‰，中国约 3‰。两组单位不同，只在各自组内比较。"))


def capacity_chart() -> None:
    """Change in hospitals and beds over about twenty years, China vs the USA."""
    pts = ledger.select(metric=["hospitals_change_20y", "beds_change_20y"], entity=list(CN_US))
    pts = pts.assign(country=pts.entity.map(CN_US), what=pts.metric.map(ledger.label))
    data = pts[["country", "what", "value", "unit", "claim_id"]].rename(columns={"country": "label"})
    fig, ax = charts.figure("近20年医院数与病床数的变化：中国与美国", "", "变化幅度（%）", size=(7.2, 3.8))
    width = 0.38
    for i, (what, grp) in enumerate(data.groupby("what", sort=False)):
        grp = grp.set_index("label").reindex(list(CN_US.values()))
        xs = [j + (i - 0.5) * width for j in range(len(grp))]
        bars = ax.bar(xs, grp.value, width=width, label=what.replace("近20年", "").replace("变化", ""),
                      color=["#1f5aa6", "#edae49"][i])
        for b, v in zip(bars, grp.value):
            ax.annotate(f"{v:+g}%", (b.get_x() + b.get_width() / 2, v), ha="center",
                        va="bottom" if v >= 0 else "top", fontsize=9)
    ax.axhline(0, color="#333", linewidth=0.8)
    ax.set_xticks(range(len(CN_US)), list(CN_US.values()))
    ax.legend(frameon=False)
    charts.publish(fig, "ch01-capacity", data,
                   caption=("艾瑞估算：近 20 年美国医院总数与病床数都在减少，中国则大幅增加。"
                            "“近20年”的起止年份原文未说明。"))


def waste_range() -> tuple[float, float, str]:
    """The book's own arithmetic: WHO's global spending times the wasted 20–40 %."""
    spend = ledger.select(metric="health_spending_global").iloc[0]
    share = ledger.select(metric="health_spending_waste_share").iloc[0]
    lo, hi = spend.value * share.value / 100, spend.value * share.value_max / 100
    return lo, hi, spend.unit


def waste_chart() -> None:
    """Global health spending and the part the WHO estimate calls wasted (the book's arithmetic)."""
    spend = ledger.select(metric="health_spending_global").iloc[0]
    share = ledger.select(metric="health_spending_waste_share").iloc[0]
    lo, hi, unit = waste_range()
    data = pd.DataFrame([
        {"label": "全球卫生支出（每年）", "value": spend.value, "unit": spend.unit, "claim_id": spend.claim_id},
        {"label": "其中浪费：下限（本书计算）", "value": round(lo, 2), "unit": unit, "claim_id": share.claim_id},
        {"label": "其中浪费：上限（本书计算）", "value": round(hi, 2), "unit": unit, "claim_id": share.claim_id},
    ])
    fig, ax = charts.figure("全球卫生支出与被浪费的部分", f"金额（{unit}）", "", size=(7.2, 2.8))
    ax.barh([0], [spend.value], color="#cfd8e3", label="全球卫生支出")
    ax.barh([0], [hi], color="#f2b5bd", label=f"浪费上限（{share.value_max:g}%）")
    ax.barh([0], [lo], color="#d1495b", label=f"浪费下限（{share.value:g}%）")
    ax.set_yticks([])
    ax.grid(axis="x", alpha=0.3)
    for v in (lo, hi, spend.value):
        ax.annotate(f"{v:.2f}", (v, 0.42), ha="center", fontsize=9)
    ax.legend(frameon=False, loc="lower right", fontsize=8)
    charts.publish(fig, "ch01-waste", data,
                   caption=(f"世界卫生组织估算的全球年度卫生支出，以及其中被浪费的 {share.value:g}%–{share.value_max:g}%。"
                            "浪费金额是本书用这两个数字相乘得到的，不是来源直接给出的数字。"))


def implied_total_population(people_id: str, share_id: str) -> float:
    """Total population (亿人) implied by a 65+ head count (百万人) and its share (%)."""
    people, share = ledger.claim(people_id), ledger.claim(share_id)
    return people["value"] / (share["value"] / 100) / 100
