"""Chapter 3's figures: the pre-diagnosis flow iResearch draws, what users said, the pandemic.

The flow figure has no numbers, so it cannot go through :func:`ihbook.show.charts.publish` (which
wants a unit and ledger claims). It is drawn from ``data/prediagnosis_flow.csv`` — one row per
step, each with the verbatim label from the iResearch figure — and published by
:func:`publish_flow` with the same parts a chart has: alt text, caption, a ``来源：`` line and
a CSV of the steps. The two number charts go through ``charts.publish`` as usual.
"""
from __future__ import annotations

import base64
import html

import pandas as pd

from ihbook.show import charts, kit
from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.evidence.ledger import DataError, LedgerError
from ihbook.evidence.paths import DATA

FLOW = DATA / "prediagnosis_flow.csv"
GROUP_COLORS = ["#1f5aa6", "#00798c", "#66a182", "#8d6a9f", "#d1495b"]


def check_flow(path=FLOW) -> list[DataError]:
    """Every flow step's label and group must be verbatim in its source."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    errors = []
    for i, r in enumerate(df.to_dict("records"), start=2):
        text = sources.text(r["source_id"])
        if not r["quote"] or r["quote"] not in text:
            errors.append(DataError("data/prediagnosis_flow.csv", i, "quote", "引文不在来源的规范化文本中"))
        if r["group"] not in text:
            errors.append(DataError("data/prediagnosis_flow.csv", i, "group", "环节名称不在来源的规范化文本中"))
    return errors


def load_flow() -> pd.DataFrame:
    """The flow steps, checked; ``label`` is the quote with the figure's line breaks removed."""
    errors = check_flow()
    if errors:
        raise LedgerError(errors)
    df = pd.read_csv(FLOW, dtype=str, keep_default_na=False)
    return df.assign(column=df.column.astype(int), label=df.quote.str.replace("\n", "", regex=False))


def flow_figure():
    """Boxes and arrows: the five columns of iResearch's pre-diagnosis flow, steps inside each."""
    from matplotlib.patches import FancyBboxPatch

    from ihbook.show import fonts
    import matplotlib.pyplot as plt

    fonts.setup()
    df = load_flow()
    fig, ax = plt.subplots(figsize=(9.6, 4.6), dpi=charts.DPI)
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.45, 5.2)
    ax.axis("off")
    ax.set_title("互联网医疗诊前流程（据艾瑞咨询 2020 年的流程图重绘）", fontsize=12, loc="left")
    width, gap = 1.62, 0.4
    for col, grp in df.groupby("column"):
        x = 0.15 + (col - 1) * (width + gap)
        color = GROUP_COLORS[(col - 1) % len(GROUP_COLORS)]
        ax.add_patch(FancyBboxPatch((x, 4.25), width, 0.6, boxstyle="round,pad=0.02", facecolor=color,
                                    edgecolor="none"))
        ax.text(x + width / 2, 4.55, grp.group.iloc[0], ha="center", va="center", color="white", fontsize=10)
        n = len(grp)
        step_h = min(0.7, 3.3 / n - 0.15)
        for k, r in enumerate(grp.itertuples()):
            y = 3.95 - (k + 1) * (step_h + 0.15)
            ax.add_patch(FancyBboxPatch((x + 0.08, y), width - 0.16, step_h, boxstyle="round,pad=0.02",
                                        facecolor="white", edgecolor=color, linewidth=1.2))
            ax.text(x + width / 2, y + step_h / 2, r.label, ha="center", va="center", fontsize=9, color="#222")
        demo = "\n".join(dict.fromkeys(grp.demo_function))
        ax.text(x + width / 2, 0.5, f"本书演示：\n{demo}", ha="center", va="top", fontsize=7, color="#666")
        if col < df.column.max():
            ax.annotate("", (x + width + gap - 0.04, 4.55), (x + width + 0.04, 4.55),
                        arrowprops={"arrowstyle": "-|>", "color": "#444", "linewidth": 1.4})
    return fig, df


def publish_flow() -> None:
    """Show the flow figure with alt text, caption, CSV of the steps and a 来源 line."""
    fig, df = flow_figure()
    png = base64.b64encode(charts.to_png(fig)).decode()
    table = df[["step_id", "group", "step", "quote", "source_id", "demo_function", "note"]]
    kit.write_chart_data(table, "ch03-flow")
    steps = "；".join(f"{g}：{'、'.join(grp.label)}" for g, grp in df.groupby("group", sort=False))
    alt = f"互联网医疗诊前流程，从左到右五个环节。{steps}。"
    caption = ("艾瑞把诊前流程画成从患者信息采集到开始问诊的五个环节；方框中的文字取自原图（见 CSV 的 quote 列），"
               "最下方的灰字是本书的标注：本章的分诊演示在哪一步用了哪个函数。")
    src_line = charts.sources_line(source_ids=list(dict.fromkeys(df.source_id)))
    body = (f'<figure class="ihbook-chart" id="fig-ch03-flow"><img src="data:image/png;base64,{png}" '
            f'alt="{html.escape(alt, quote=True)}" style="{kit.STYLE.image}">'
            f"<figcaption>{html.escape(caption)}<br>{kit.csv_link('ch03-flow')}"
            f"<br>{html.escape(src_line)}</figcaption></figure>")
    kit.show(body, f"[图] 互联网医疗诊前流程\n{caption}\n{src_line}")


def _as_percent(c: dict) -> float:
    """A share as a percentage (1/3 stored with unit 比例 becomes 33.3): the book's conversion."""
    return c["value"] * 100 if c["unit"] == "比例" else c["value"]


def _shown(c: dict) -> str:
    return ledger.display_value(c).removesuffix("比例")


def attitudes_chart() -> None:
    """What users told woshipm's survey: satisfaction, interest, where online care fits."""
    ids = ["WS21-005", "WS21-006", "WS21-007"]
    cs = [ledger.claim(i) for i in ids]
    labels = [ledger.label(c["metric"]) for c in cs]
    values = [_as_percent(c) for c in cs]
    fig, ax = charts.figure("用户怎么看互联网+医疗（调研）", "用户比例（%）", "", size=(7.2, 3.0))
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    ax.barh(range(len(cs))[::-1], values, color="#1f5aa6", height=0.55)
    ax.set_yticks(range(len(cs))[::-1], labels, fontsize=9)
    for y, c, v in zip(range(len(cs))[::-1], cs, values):
        ax.annotate(_shown(c) + "（下限）", (v, y), xytext=(4, -3), textcoords="offset points", fontsize=9)
    ax.set_xlim(0, 125)
    data = pd.DataFrame({"label": labels, "value": values, "unit": "%", "claim_id": ids})
    charts.publish(fig, "ch03-attitudes", data,
                   caption=("人人都是产品经理的作者调研。原文都写“超过”，所以条形是下限；"
                            f"“{_shown(cs[2])}”按百分比画出（本书换算）。调研的时间、样本量和抽样方式原文没有说明。"))


def pandemic_chart() -> None:
    """Three pandemic-era growth figures: three sources, three different measures."""
    ids = ["WS21-015", "KR21-027", "R25-024"]
    cs = [ledger.claim(i) for i in ids]
    colors = charts.source_colors([c["source_id"] for c in cs])
    labels = [f"{ledger.label(c['metric']).replace('增长率', '')}（{ledger.entity_label(c['entity']).split('（')[0]}，"
              f"{c['period']}）\n{sources.short_name(c['source_id'])}" for c in cs]
    fig, ax = charts.figure("疫情期间的“增长”：三个来源、三种量", "增长幅度（%）", "", size=(7.2, 3.4))
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    ys = list(range(len(cs)))[::-1]
    for y, c in zip(ys, cs):
        color, _ = colors[c["source_id"]]
        ax.barh(y, c["value"], color=color, height=0.55, label=sources.short_name(c["source_id"]))
        ax.annotate(f"{ledger.display_value(c)}〔{c['claim_id']}〕", (c["value"], y), xytext=(4, -3),
                    textcoords="offset points", fontsize=9)
    ax.set_yticks(ys, labels, fontsize=8)
    ax.set_xlim(0, max(c["value"] for c in cs) * 1.35)
    data = pd.DataFrame({"label": [lab.replace("\n", "，") for lab in labels], "value": [c["value"] for c in cs],
                         "unit": "%", "claim_id": ids})
    charts.publish(fig, "ch03-pandemic", data,
                   caption=("三个来源各说了一个“疫情期间的增长”，但量不同：艾瑞测算的是全部医疗健康 APP 的日活"
                            "（同比上年同月），36 氪说的是丁香园一家的日活（未说明比较基期），2025 年的报告说的是全国线上问诊量"
                            "（未说明出处）。三者不能互相印证，也不能排成一个趋势。"))
