"""Chapter 2's figures and tables: stage definitions side by side, the timeline, funding,
and the stage explorer.

Drawing and HTML only; the data and its checks are in :mod:`~ihbook.chapters.stages_data`.
Every figure is published with its provenance; the stage explorer precomputes one view per
stage and switches them in the browser (no kernel).
"""
from __future__ import annotations

import html
import math

import ipywidgets as ipw
import pandas as pd

from ihbook.chapters.stages_data import (
    ASPECTS, BAND_SOURCES, CATEGORY_COLORS, DATING_LABELS, IH_STAGES, SMART, SOURCE_ORDER, STAGE_COLORS, _open_end,
    _stages, conflict_ids, events_in, highlighted, load_stages, load_timeline, spans)
from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.show import charts
from ihbook.show import kit
from ihbook.show import widgets



def _cell(rows: pd.DataFrame) -> str:
    parts = []
    for r in rows.itertuples():
        extra = ""
        if r.aspect == "时期" and not math.isnan(r.start):
            end = "至今" if math.isnan(r.end) else f"{r.end - 1:g}"
            extra = f'<br><small>（{r.start:g}–{end}；{DATING_LABELS[r.dating]}）</small>'
        parts.append(f"“{html.escape(r.text)}”{extra}")
    return "<br>".join(parts) if parts else "—"


def _stage_table(stage: str, aspects=ASPECTS) -> str:
    df = _stages()
    df = df[df.stage == stage]
    srcs = [s for s in SOURCE_ORDER if s in set(df.source_id)]
    rows = [[html.escape(aspect)] + [_cell(df[(df.aspect == aspect) & (df.source_id == s)]) for s in srcs]
            for aspect in aspects if (df.aspect == aspect).any()]
    return kit.html_table(["方面"] + [html.escape(sources.short_name(s)) for s in srcs], rows,
                          classes="ihbook-table ihbook-stage-table")


def side_by_side() -> None:
    """Every source's definition of each stage, one column per source (verbatim quotes)."""
    df = _stages()
    blocks, plain = [], []
    for stage in IH_STAGES + [SMART]:
        title = f"智慧医疗 {stage.replace('-', '–')}（另一套分期）" if stage == SMART else f"阶段 {stage}"
        blocks.append(f"<h4>{html.escape(title)}</h4>" + _stage_table(stage, ["名称", "时期", "服务", "定位", "现状"]))
        for r in df[df.stage == stage].itertuples():
            if r.aspect in ("名称", "时期", "服务", "定位", "现状"):
                plain.append(f"{title} | {sources.short_name(r.source_id)} | {r.aspect}：{r.text}")
    foot = ("<p class=\"ihbook-table-foot\">表中文字均为来源原文（图表中的换行已去掉）。"
            + kit.csv_link("ch02-stage-definitions", "下载本表（CSV）") +
            f"<br>{html.escape(charts.sources_line(source_ids=sorted(set(df.source_id), key=SOURCE_ORDER.index)))}</p>")
    kit.write_chart_data(df[["row_id", "scheme", "stage", "source_id", "aspect", "quote", "start_year", "end_year",
                             "dating", "note"]], "ch02-stage-definitions")
    kit.show('<div class="ihbook-stage-compare">' + "".join(blocks) + foot + "</div>", "\n".join(plain))


# --- figures -------------------------------------------------------------------------------

def spread_labels(ys: list[float], gap: float, lo: float, hi: float, rounds: int = 200) -> list[float]:
    """Label positions near ``ys`` (sorted) that keep at least ``gap`` apart inside [lo, hi].

    Overlapping neighbours are pushed apart symmetrically until nothing overlaps, so a cluster
    of events in one year spreads around that year instead of running down the page.
    """
    pos = list(ys)
    for _ in range(rounds):
        moved = False
        for i in range(1, len(pos)):
            overlap = gap - (pos[i] - pos[i - 1])
            if overlap > 1e-9:
                pos[i - 1] -= overlap / 2
                pos[i] += overlap / 2
                moved = True
        if pos:
            if pos[0] < lo:
                pos = [p + (lo - pos[0]) for p in pos]
            if pos[-1] > hi:
                pos = [p - (pos[-1] - hi) for p in pos]
        if not moved:
            break
    return pos


def _provenance(ev: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "label": ev.when + " " + ev.text, "event_id": ev.event_id, "date": ev.date, "category": ev.category,
        "value": ev.value, "unit": ev.unit, "claim_id": ev.claim_id, "quote_id": ev.quote_id,
        "source_id": ev.source_id, "period": ev.date, "kind": ev.kind,
        "value_as_written": ev.value_as_written, "quote": ev.quote,
    })


def timeline_figure(highlight: str | None = None):
    """A vertical timeline: time runs down the page; on the left the stage spans of iResearch and
    woshipm, on the right the dated events with leader lines to their labels.

    With ``highlight`` (a stage), that stage's spans are drawn strong and the events inside
    iResearch's span for it are emphasised; everything else is greyed.
    """
    ev = load_timeline()
    first, last = int(ev.x0.min()), int(math.ceil(ev.x1.max()))
    top, bottom = first - 2.6, last + 0.4
    band_top = top + 1.0
    title = f"互联网医疗大事年表（{first}–{last - 1}）与两种阶段划分"
    fig, ax = charts.figure(title, "", "年份（年）", size=(7.4, 8.6))
    ax.grid(False)
    ax.spines[["bottom", "right", "top"]].set_visible(False)
    ax.set_xticks([])
    ax.set_xlim(0, 10)
    ax.set_ylim(bottom, top)  # time runs down
    in_stage = highlighted(highlight)

    band_x = {"iresearch-2020": 0.15, "woshipm-2021": 1.35}
    band_w = 1.05
    df = _stages()
    for sid, x in band_x.items():
        ax.text(x + band_w / 2, top + 0.05, sources.short_name(sid).replace("（", "\n（").replace("人人都是产品经理", "人人都是\n产品经理"),
                ha="center", va="top", fontsize=8, color="#333")
        for r in df[(df.source_id == sid) & (df.aspect == "时期")].itertuples():
            start = max(r.start, band_top)
            end = _open_end(sid) if math.isnan(r.end) else r.end
            strong = highlight is None or highlight == r.stage
            ax.bar(x + band_w / 2, end - start, bottom=start, width=band_w, color=STAGE_COLORS[r.stage],
                   alpha=0.85 if strong else 0.18, hatch="//" if r.dating == "inferred" else None,
                   edgecolor="white", linewidth=0.8)
            mid = (start + min(end, bottom)) / 2
            ax.text(x + band_w / 2, mid, r.stage + ("\n↓" if math.isnan(r.end) else ""), ha="center", va="center",
                    fontsize=10, color="#111" if strong else "#999",
                    bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1.0})
    if highlight in IH_STAGES and "iresearch-2020" in spans(highlight):
        s0, e0, _ = spans(highlight)["iresearch-2020"]
        e0 = bottom if math.isnan(e0) else e0
        ax.axhspan(s0, e0, xmin=0.0, xmax=1.0, color=STAGE_COLORS[highlight], alpha=0.12, zorder=0)

    line_x, label_x = 3.0, 3.55
    ax.plot([line_x, line_x], [first, last], color="#333", linewidth=1)
    ys = spread_labels(list(ev.x), gap=0.58, lo=band_top, hi=bottom - 0.1)
    ranged_seen = 0
    for r, y in zip(ev.itertuples(), ys):
        on = not highlight or r.event_id in in_stage
        color = CATEGORY_COLORS[r.category] if on else "#b0b0b0"
        if r.ranged:
            ranged_seen += 1
            xr = line_x - 0.18 - 0.16 * (ranged_seen % 2)
            ax.plot([xr, xr], [r.x0, r.x1], color=color, linewidth=4, alpha=0.75, solid_capstyle="butt")
        ax.plot([line_x], [r.x], marker="o", color=color, markersize=5, zorder=3)
        ax.plot([line_x, label_x - 0.08], [r.x, y], color="#c8c8c8", linewidth=0.7, zorder=1)
        ax.text(label_x, y, f"{r.when}  {r.text}", fontsize=9, ha="left", va="center", zorder=4,
                color="#222" if on else "#9a9a9a",
                bbox={"facecolor": "white", "edgecolor": color if on else "#dddddd", "pad": 1.6,
                      "linewidth": 1.4 if (highlight and on) else 0.6})
    ticks = [t for t in range(first - first % 2, last + 1, 2) if t >= band_top]
    ax.set_yticks(ticks, [str(t) for t in ticks])
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=c, label=k) for k, c in CATEGORY_COLORS.items()]
              + [Patch(facecolor="white", edgecolor="#555", hatch="//", label="时段为本书推定")],
              frameon=False, fontsize=8, loc="upper left", ncol=5, bbox_to_anchor=(0, 0.0))
    return fig, _provenance(ev)


def _alt(ev: pd.DataFrame, highlight: str | None) -> str:
    items = "；".join(ev.label)
    bands = []
    for stage in IH_STAGES:
        for sid, (s, e, dating) in spans(stage).items():
            end = "至今" if math.isnan(e) else f"{e - 1:g}"
            bands.append(f"{sources.short_name(sid)} {stage}：{s:g}–{end}（{DATING_LABELS[dating]}）")
    head = f"年表，突出阶段 {highlight}。" if highlight else "年表。"
    return head + "阶段时段：" + "；".join(bands) + "。事件：" + items


def timeline_chart() -> None:
    """The timeline with both sources' stage spans, published with its provenance."""
    fig, data = timeline_figure()
    charts.publish(
        fig, "ch02-timeline", data,
        caption=("时间从上往下走。右侧是来源标明了时间的事件：有数字的事件取自数字账本，无数字的事件取自来源原句（见 CSV 的 "
                 "quote 列）；跨年的事件在时间线左边画成竖条。左侧是两个来源的阶段划分：艾瑞给出了起始年份，"
                 "人人都是产品经理只说“21世纪的第一个十年”“近十年来”“目前处于过渡时期”，斜线表示时段由本书据这些措辞推定。"
                 "观研天下的“智慧医疗 1.0–4.0”说的是医院信息化，没有年份，未画入。"),
        alt=_alt(data, None))
    return None


def per_deal_chart() -> None:
    """Money per deal: woshipm's 2016 and 2019, the 2025 report's 2021–2022 (two sources, not one line)."""
    pts = charts.metric_points("investment_per_deal", entity="industry")
    fig, ax = charts.figure("笔均融资：两个来源的三个数字", "年份（年）", "笔均融资（亿元/笔）", size=(7.2, 3.8))
    charts.plot_by_source(ax, pts, connect=False)
    colors = charts.source_colors(pts.source_id.unique())
    for sid, grp in pts.groupby("source_id"):
        for r in grp.itertuples():
            span = ledger.period_span(r.period)
            if span[1] - span[0] > 1:
                ax.plot([span[0], span[1]], [r.value, r.value], color=colors[sid][0], linewidth=2, alpha=0.5)
        if len(grp) == 2:
            ax.plot(grp.x, grp.value, linestyle=":", color=colors[sid][0], linewidth=1)
    ax.set_ylim(0, pts.value.max() * 1.3)
    ticks = list(range(int(pts.x.min()), int(math.ceil(pts.x.max())) + 1))
    ax.set_xticks(ticks, [str(t) for t in ticks])
    data = pts.assign(label=pts.source_id.map(sources.short_name) + " " + pts.period)[
        ["label", "period", "value", "unit", "claim_id"]]
    charts.publish(fig, "ch02-per-deal", data,
                   caption=("人人都是产品经理只给出 2016 年和 2019 年两端的笔均融资（点线只表示“从…上升至…”，"
                            "中间年份没有数字）；2025 年的报告给出 2021–2022 年的平均（横线表示这段时期）。"
                            "两者的统计口径都没有说明，不能连成一条趋势线。"))


def funding_chart() -> None:
    """Annual funding as two sources tell it; they disagree by orders of magnitude."""
    pts = charts.metric_points("investment_amount", entity="industry")
    fig, ax = charts.figure("互联网医疗投融资金额：两个来源", "年份（年）", "融资金额（亿元，对数刻度）", size=(7.2, 4.2))
    charts.plot_by_source(ax, pts, connect=False)
    colors = charts.source_colors(pts.source_id.unique())
    for r in pts.itertuples():
        span = ledger.period_span(r.period)
        if span[1] - span[0] != 1:
            ax.plot([span[0], span[1]], [r.value, r.value], color=colors[r.source_id][0], linewidth=2, alpha=0.5)
            if span[1] - span[0] < 1:
                ax.annotate("仅1–3月", (r.x, r.value), textcoords="offset points", xytext=(4, -12),
                            fontsize=8, color=colors[r.source_id][0])
    ax.set_yscale("log")
    ax.set_ylim(pts.value.min() / 2, pts.value.max() * 3)
    ticks = list(range(int(pts.x.min()), int(math.ceil(pts.x.max())) + 1))
    ax.set_xticks(ticks, [str(t) for t in ticks])
    data = pts.assign(label=pts.source_id.map(sources.short_name) + " " + pts.period)[
        ["label", "period", "value", "unit", "claim_id"]]
    ids = conflict_ids(pts.claim_id)
    charts.publish(fig, "ch02-funding", data,
                   caption=("观研天下（据IT桔子整理）的年度投融资金额与 2025 年报告的“融资总额”相差一到两个数量级，"
                            "纵轴因此用对数刻度；两者分开画，不合成一条线。横线表示跨年或不足一年的统计期。"
                            f"冲突清单：{'、'.join(ids) if ids else '（无）'}。"))


# --- the stage explorer --------------------------------------------------------------------

SMART_LABEL = "对照：智慧医疗 1.0–4.0"


def _card(stage: str) -> str:
    if stage == SMART:
        return ('<div class="ihbook-stage-card"><h4>另一套分期：智慧医疗 1.0–4.0</h4>'
                + _stage_table(SMART)
                + "<p>观研天下说的是医院信息化（智慧医疗）的阶段，既没有给出各阶段的内容，也没有年份，"
                  "不能和互联网医疗的 1.0–3.0 对齐；年表因此不突出任何时段。</p></div>")
    lists = []
    for sid in BAND_SOURCES:
        s, e, dating = spans(stage)[sid]
        when = f"{s:g} 年起" if math.isnan(e) else f"{s:g}–{e - 1:g}"
        ev = events_in(stage, sid)
        items = "".join(f"<li>{html.escape(r.when)} {html.escape(r.text)}"
                        f" <small>〔{html.escape(r.ref)}，{html.escape(sources.short_name(r.source_id))}〕</small></li>"
                        for r in ev.itertuples())
        lists.append(f"<p><b>例子</b>：按{html.escape(sources.short_name(sid))}的时段（{when}，{DATING_LABELS[dating]}），"
                     f"年表中的事件：</p>" + (f"<ul>{items}</ul>" if items else "<p>（年表中没有事件）</p>"))
    return (f'<div class="ihbook-stage-card"><h4>阶段 {html.escape(stage)}：各来源怎么说</h4>'
            + _stage_table(stage) + "".join(lists) + "</div>")


def explorer(default: int = 0) -> None:
    """Pick a stage: each source's services, technology, actors and examples, with the timeline
    highlighted. Every view is precomputed, so the control works in the static page."""
    from IPython.display import display

    widgets.deterministic_ids("ch02-stage-explorer")
    labels, panels, tables = [], [], []
    for stage in IH_STAGES + [SMART]:
        fig, data = timeline_figure(stage if stage != SMART else None)
        charts.check_chart(fig, "ch02-stage-explorer", data)
        label = SMART_LABEL if stage == SMART else f"阶段 {stage}"
        labels.append(label)
        card = ipw.HTML(value=_card(stage))
        panels.append(ipw.VBox([card, widgets.state_panel(charts.to_png(fig), _alt(data, stage if stage != SMART else None))]))
        tables.append(data.assign(state=label, highlighted=data.event_id.isin(highlighted(stage))))
        st = load_stages()
        st = st[st.stage == stage]
        tables.append(pd.DataFrame({"label": st.aspect + "：" + st.text, "source_id": st.source_id, "kind": "passage",
                                    "quote": st.quote, "claim_id": "", "state": label}))
    table = pd.concat(tables, ignore_index=True)
    kit.write_chart_data(table, "ch02-stage-explorer")
    box = widgets.selector(labels, panels, "查看：", default=default)
    src_line = charts.sources_line([c for c in table.claim_id.fillna("") if c], table.source_id)
    caption = ("阶段浏览器：选一个阶段，上方表格并列各来源对它的描述（原文），下方年表突出两个来源为该阶段所划的时段及其中的事件。"
               "所有视图都已预先生成，网页上无需内核即可切换。")
    display(box)
    kit.show_chart_footer("ch02-stage-explorer", caption, src_line)
