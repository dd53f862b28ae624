"""Showing the reference layer: official statistics, the cross-check and the source cards.

Chapter 10 and the source-card page call four functions, each rendering from data at execution:

- :func:`show_statistics` — the official statistics as a table, with publisher, page and quote.
- :func:`show_crosscheck` — "what the sources say vs what the statistics say", one row per
  checked claim with its computed verdict and the reason.
- :func:`crosscheck_chart` — the same as a chart: each claim's value ÷ the official value.
- :func:`show_source_cards` — one card per source (who, when, method, attribution, agreement,
  anecdotes, internal contradictions).

Everything is escaped; every display has a plain-text twin (nbval compares it).
"""
from __future__ import annotations

import base64
import textwrap
import html
import math

import pandas as pd

from ihbook.evidence import ledger, reference, sources
from ihbook.evidence.paths import CHART_DATA

TH = ("white-space:nowrap;vertical-align:top;text-align:left;padding:0.35em 0.7em 0.35em 0;"
      "border-bottom:1px solid rgba(128,128,128,0.35)")
TD = ("vertical-align:top;text-align:left;padding:0.35em 0.7em 0.35em 0;"
      "border-bottom:1px solid rgba(128,128,128,0.35)")
E = html.escape


def _display(body: str, plain: str) -> None:
    from IPython.display import display

    display({"text/html": body, "text/plain": plain}, raw=True)


def _table(header: list[str], rows: list[list[str]], label: str) -> str:
    """A scrollable, named table region; ``rows`` cells must already be escaped."""
    from ihbook.show import widgets

    head = "".join(f'<th scope="col" style="{TH}">{h}</th>' for h in header)
    body = "".join("<tr>" + "".join(f'<td style="{TD}">{c}</td>' for c in r) + "</tr>" for r in rows)
    inner = (f'<table class="ihbook-table" style="width:100%;border-collapse:collapse">'
             f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    return widgets.scroll_region(inner, label, max_height_em=36)


def _link(url: str, text: str = "网页") -> str:
    if not url.startswith(("http://", "https://")):
        return ""
    return f'<a href="{E(url, quote=True)}" rel="noopener nofollow">{E(text)}</a>'


def _pct(x: float) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.0%}"


# --------------------------------------------------------------------------- statistics

METRIC_LABELS = {
    "users_online_medical": "在线（互联网）医疗用户规模", "users_online_medical_share_netizens": "占网民比例",
    "population_60plus": "60岁及以上人口", "population_60plus_share": "60岁及以上人口占比",
    "population_65plus": "65岁及以上人口", "population_65plus_share": "65岁及以上人口占比",
    "doctors_per_1000": "每千人口执业（助理）医师", "nurses_per_1000": "每千人口注册护士",
    "doctors_total": "执业（助理）医师人数", "nurses_total": "注册护士人数",
    "internet_hospitals": "互联网医院数量", "revenue": "收入", "revenue_growth": "收入增长率",
    "annual_active_users": "年度活跃用户", "registered_users": "注册用户",
    "own_internet_hospitals": "自有互联网医院", "connected_hospitals": "连接/合作医院",
    "connected_tier3_hospitals_share": "覆盖三甲医院比例",
    "own_internet_hospitals_insurance_linked": "可医保结算的互联网医院",
}
ENTITY_LABELS = {"china": "全国", "jd_health": "京东健康", "ali_health": "阿里健康",
                 "pingan_health": "平安健康", "weiyi": "微医"}


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric)


def statistics_table(metrics: list[str] | None = None, entities: list[str] | None = None) -> pd.DataFrame:
    """The official statistics a chapter wants, tidy, in reading order."""
    st = reference.load_statistics()
    if metrics:
        st = st[st.metric.isin(metrics)]
    if entities:
        st = st[st.entity.isin(entities)]
    return st.sort_values(["entity", "metric", "period"]).reset_index(drop=True)


def show_statistics(metrics: list[str] | None = None, entities: list[str] | None = None,
                    label: str = "官方统计与公司披露") -> None:
    """The official statistics as a table: measure, period, value as written, who published it,
    the page where it was read (and whether that page is the publisher's own), the quote."""
    st = statistics_table(metrics, entities)
    if st.empty:
        _display('<p class="ihbook-msg" role="status">没有符合条件的官方统计。</p>', "没有符合条件的官方统计。")
        return
    rows, plain = [], []
    for r in st.to_dict("records"):
        q = {"over": "超过", "approx": "约"}.get(r["qualifier"], "")
        val = f"{q}{r['value_text']}{r['unit']}"
        own = "发布者页面" if r["publisher_own"] == "true" else "二手转述"
        rows.append([E(r["ref_id"]), E(f"{ENTITY_LABELS.get(r['entity'], r['entity'])} · {metric_label(r['metric'])}"),
                     E(r["period"] or "未注"), E(val), E(f"{r['publisher']}《{r['document']}》{r['doc_date']}"),
                     f"{_link(r['url'])}<br><small>{E(own)}</small>", f"<small>“{E(r['quote'])}”</small>"])
        plain.append(f"{r['ref_id']}  {metric_label(r['metric'])} {r['period']}  {val}  {r['publisher']}")
    header = ["编号", "指标", "时期", "数值", "发布者与文件", "读到的网页", "网页原文"]
    _display(_table(header, rows, label), "\n".join(plain))


# --------------------------------------------------------------------------- cross-check

def show_crosscheck(df: pd.DataFrame | None = None, verdicts: list[str] | None = None,
                    label: str = "来源所说与官方统计所说") -> None:
    """The cross-check as a table (computed by :func:`ihbook.evidence.reference.crosscheck`)."""
    df = reference.crosscheck() if df is None else df
    if verdicts:
        df = df[df.verdict.isin(verdicts)]
    if df.empty:
        _display('<p class="ihbook-msg" role="status">没有可核对的数字。</p>', "没有可核对的数字。")
        return
    rows, plain = [], []
    for r in df.to_dict("records"):
        ratio = "" if pd.isna(r["ratio"]) else f"{r['ratio']:.2f}"
        rows.append([E(r["claim_id"]), E(sources.short_name(r["source_id"])),
                     E(f"{ENTITY_LABELS.get(r['entity'], r['entity'])} · {ledger.label(r['metric'])}"),
                     E(r["period"] or "未注"), E(r["claim_value"]),
                     E(f"{r['official_value'] or '—'}（{r['official_period'] or '—'}）")
                     + (f"<br><small>{E(r['publisher'])}〔{E(r['ref_ids'])}〕</small>" if r["ref_ids"] else ""),
                     E(ratio), f"<strong>{E(r['verdict_label'])}</strong>",
                     f"<small>{E(r['basis'])}；容差 {E(r['tolerance'])}</small>"])
        plain.append(f"{r['claim_id']}  {r['claim_value']}  vs  {r['official_value'] or '—'}  {r['verdict_label']}")
    header = ["编号", "来源", "指标", "时期", "来源所写", "官方数字", "比值", "判定", "依据"]
    _display(_table(header, rows, label), "\n".join(plain))


def verdict_counts(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Verdicts per source: a small table for prose and exercises."""
    df = reference.crosscheck() if df is None else df
    t = pd.crosstab(df.source_id, df.verdict_label)
    for lab in reference.VERDICT_LABELS.values():
        if lab not in t.columns:
            t[lab] = 0
    t = t[list(reference.VERDICT_LABELS.values())]
    t.index = [sources.short_name(s) for s in t.index]
    t.index.name = "来源"
    return t


def crosscheck_chart(df: pd.DataFrame | None = None, chart_id: str = "crosscheck-ratio") -> None:
    """Each checked claim as its value ÷ the official value (log scale), one colour per source.

    Claims judged *different definition* or without a counterpart are left out of the chart
    (they are in the table). The caption ends with a 来源 line naming the sources and the
    official publishers.
    """
    import matplotlib.ticker as mticker

    from ihbook.show import charts

    df = reference.crosscheck() if df is None else df
    d = df[df.verdict.isin(["agrees", "disagrees"]) & df.ratio.notna()].copy()
    if d.empty:
        _display('<p class="ihbook-msg" role="status">没有可画的核对结果。</p>', "没有可画的核对结果。")
        return
    d["label"] = [f"{c} {ledger.label(m)}" for c, m in zip(d.claim_id, d.metric)]
    d = d.sort_values(["ratio", "claim_id"]).reset_index(drop=True)
    fig, ax = charts.figure("来源数字与官方统计之比", xlabel="来源数字 ÷ 官方数字（倍，对数刻度）",
                            ylabel="账本数字（编号与指标）", size=(charts.CONTENT_WIDTH_IN, 0.42 * len(d) + 2.2))
    colors = charts.source_colors(d.source_id.unique())
    for sid, grp in d.groupby("source_id", sort=False):
        color, marker = colors[sid]
        ok = grp.verdict == "agrees"
        if ok.any():
            ax.scatter(grp.ratio[ok], grp.index[ok], color=color, marker=marker, s=42,
                       label=f"{sources.short_name(sid)}（一致）")
        if (~ok).any():
            ax.scatter(grp.ratio[~ok], grp.index[~ok], facecolors="white", edgecolors=color, marker=marker,
                       s=42, linewidths=1.6, label=f"{sources.short_name(sid)}（不一致）")
    ax.axvline(1.0, color="#555", linewidth=1)
    ax.set_xscale("log")
    lo, hi = d.ratio.min(), d.ratio.max()
    ticks = [t for t in (0.125, 0.25, 0.5, 1, 2, 4, 8) if lo / 1.5 <= t <= hi * 1.5] or [1]
    ax.set_xticks(ticks)
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda x, _: f"{x:g}"))
    ax.xaxis.set_minor_formatter(mticker.NullFormatter())
    ax.set_yticks(range(len(d)))
    # id and metric on two lines, legend below: the chart fits the content width (labels >= 11 px)
    ax.set_yticklabels([textwrap.fill(lab, 14) if " " not in lab else lab.replace(" ", "\n", 1) for lab in d.label],
                       fontsize=8, linespacing=1.0)
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", alpha=0)
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles))
    ax.legend(uniq.values(), uniq.keys(), frameon=False, fontsize=8, loc="upper left",
              bbox_to_anchor=(0, -0.9 / len(d) - 0.1), ncol=2)
    data = d[["claim_id", "source_id", "label", "ratio", "verdict", "claim_value", "official_value",
              "official_period", "ref_ids", "basis"]].rename(columns={"ratio": "value"})
    charts.check_chart(fig, chart_id, data)
    table = charts.provenance_table(data)
    CHART_DATA.mkdir(parents=True, exist_ok=True)
    table.to_csv(CHART_DATA / f"{chart_id}.csv", index=False, lineterminator="\n")
    n_ok, n_bad = int((d.verdict == "agrees").sum()), int((d.verdict == "disagrees").sum())
    alt = ("来源数字与官方统计之比的点图，竖线为 1（相等）。"
           + "；".join(f"{r.claim_id}：{r.value:.2f} 倍（{reference.VERDICT_LABELS[r.verdict]}）"
                      for r in data.itertuples()))
    caption = (f"每个点是一个有官方对应数字的账本数字：横轴为来源数字除以官方数字，1 表示相等。"
               f"实心点在容差之内（{n_ok} 个），空心点超出容差（{n_bad} 个）。口径不同与无同期官方数字者见表。")
    publishers = list(dict.fromkeys(p for ps in d.publisher for p in ps.split("；") if p))
    src_line = charts.sources_line(data.claim_id) + "；官方统计与公司披露：" + "、".join(publishers)
    png = base64.b64encode(charts.to_png(fig)).decode()
    body = (f'<figure class="ihbook-chart" id="fig-{chart_id}">'
            f'<img src="data:image/png;base64,{png}" alt="{E(alt, quote=True)}" '
            f'data-label-px="{charts.label_px():.1f}" style="max-width:100%;height:auto">'
            f"<figcaption>{E(caption)}"
            f'<br><a href="../_static/chartdata/{chart_id}.csv" download>下载图表数据（CSV）</a>'
            f"<br>{E(src_line)}</figcaption></figure>")
    _display(body, f"[图] 来源数字与官方统计之比\n{caption}\n{src_line}")


# --------------------------------------------------------------------------- source cards

def card_html(card: dict, relied: dict | None = None) -> str:
    """One source card (escaped)."""
    who = card["publisher"] + (f"，{card['author']}" if card["author"] else "")
    method = card["method"]
    mq = f"<br><small>原文：“{E(card['method_quote'])}”</small>" if card["method_quote"] else ""
    stance = ""
    if relied is not None:
        if relied.get("relied_on"):
            caveat = f"但请注意：{relied['reasons']}。" if relied.get("reasons") else ""
            stance = f'<p><strong>本书的用法：</strong>可作数字来源，按其注明的出处与年份引用。{E(caveat)}</p>'
        else:
            stance = (f'<p><strong>本书的用法：</strong>不作为要点数字的依据，只作为“该报告的说法”呈现。'
                      f'理由：{E(relied.get("reasons", ""))}</p>')
    chk = (f"{card['n_agrees']} / {card['n_checked']}（{_pct(card['share_agrees'])}）"
           if card["n_checked"] else "无可核对的数字")
    return (
        f'<div class="ihbook-source-card" role="group" aria-label="{E(sources.short_name(card["source_id"]), quote=True)}" '
        'style="border:1px solid rgba(128,128,128,0.45);border-radius:6px;padding:0.6em 1em;margin:0.8em 0">'
        f'<p><strong>{E(card["title"])}</strong><br><small>{E(who)}，{E(card["date"])}'
        f'（{E(card["source_id"])}）</small></p>'
        f"<ul>"
        f"<li>自述方法：{E(method)}{mq}</li>"
        f"<li>账本中的数字：{card['n_figures']} 个；写明出处的 {card['n_attributed']} 个（{_pct(card['share_attributed'])}）"
        + (f"，其中自称自己测得的 {card['n_self']} 个" if card.get("n_self") else "") + "</li>"
        f"<li>与官方统计一致：{E(chk)}</li>"
        f"<li>个例（未具名或无法核实）：{card['n_anecdote']} 个（{_pct(card['share_anecdote'])}）</li>"
        f"<li>自身前后矛盾：{card['n_within_conflicts']} 处</li>"
        f"</ul>{stance}</div>")


def show_source_cards(cards: pd.DataFrame | None = None) -> None:
    """All five cards, then the rule used to count attribution."""
    cards = reference.source_cards() if cards is None else cards
    rel = reference.not_relied_on(cards).set_index("source_id").to_dict("index")
    body = "".join(card_html(c, rel.get(c["source_id"])) for c in cards.to_dict("records"))
    rule = cards["attribution_rule"].iloc[0] if len(cards) else ""
    body += f'<p><small>“写明出处”的判定规则：{E(rule)}。</small></p>'
    plain = "\n".join(
        f"{c['source_id']}: 数字 {c['n_figures']}，写明出处 {_pct(c['share_attributed'])}，"
        f"与官方一致 {c['n_agrees']}/{c['n_checked']}，个例 {_pct(c['share_anecdote'])}，"
        f"自身矛盾 {c['n_within_conflicts']}" for c in cards.to_dict("records"))
    _display(body, plain)


def reliance_statement(cards: pd.DataFrame | None = None) -> str:
    """One plain sentence per source the book does not rely on for headline numbers, with why
    (computed by :func:`ihbook.evidence.reference.not_relied_on`)."""
    cards = reference.source_cards() if cards is None else cards
    rel = reference.not_relied_on(cards)
    out = []
    for r in rel[~rel.relied_on].to_dict("records"):
        out.append(f"本书不依靠{sources.short_name(r['source_id'])}《{sources.source(r['source_id'])['title']}》"
                   f"给出要点数字。理由：{r['reasons']}。它的数字照样出现在各章，但只作为“该报告的说法”，"
                   "不进入简报和各章的要点速览。")
    return "\n".join(out) or "五份来源都可以作为要点数字的来源（按各自注明的出处与年份引用）。"


def show_reliance(cards: pd.DataFrame | None = None) -> None:
    text = reliance_statement(cards)
    body = "".join(f'<p class="ihbook-reliance"><strong>{E(t)}</strong></p>' for t in text.split("\n"))
    _display(body, text)
