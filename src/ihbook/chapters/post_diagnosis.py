"""Chapter 4: post-diagnosis services — the four segments, the 2019 market, and a reader's scenario.

iResearch (2020) defines post-diagnosis (诊后) as the whole life-cycle after a diagnosis, in and
out of hospital, in four segments, and sizes its 2019 market twice: a supply side (what
post-diagnosis companies earn) far smaller than a demand side; it expects supply to reach
about a quarter of demand by 2022. The 2025 report tells the later story (chronic disease
management, home care, digital therapeutics) mostly through unnamed “某平台” examples.

This module draws those numbers from the ledger and adds two pieces of the book's own
arithmetic, always labelled as such: the 2019 supply/demand ratio and a **reader's scenario**
(pick an annual growth for supply and see in which year supply would reach the share of demand
the source expects, under three demand-growth assumptions). The scenario is not a forecast by
any source; it shows what the source's expectation would require.
"""
from __future__ import annotations

import html
import math

import pandas as pd

from ihbook.show import charts
from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.evidence import tables
from ihbook.evidence import involving
from ihbook.show import kit

SUPPLY, DEMAND, TARGET = "IR20-004", "IR20-005", "IR20-006"
BASE_YEAR = 2019
DEMAND_GROWTHS = (0.0, 0.10, 0.20)
SUPPLY_GROWTHS = (0.10, 0.20, 0.30, 0.40, 0.50, 0.60)
HORIZON = 2035
# The four segments of iResearch's post-diagnosis figure: the figure's words (a quote id) and
# the book's gloss, as content in data/postdx_segments.csv (schema in data/schemas/).
SEGMENTS: list[tuple[str, str, str]] = [
    (r["segment"], r["quote_id"], r["gloss"])
    for r in tables.load_table("postdx_segments").sort_values("order").to_dict("records")]
EFFECT_METRICS = ["glucose_control_rate_increase", "chronic_complication_reduction", "adherence_increase",
                  "readmission_reduction", "medical_spending_reduction"]
KIND_COLORS = {"anecdote": "#d1495b", "observed": "#1f5aa6", "estimate": "#00798c", "forecast": "#edae49",
               "target": "#edae49", "unattributed": "#8a8a8a"}


def _c(cid: str) -> dict:
    return ledger.claim(cid)


def ratio_2019() -> float:
    """Supply ÷ demand in 2019, in % (the book's arithmetic on IR20-004 and IR20-005)."""
    return _c(SUPPLY)["value"] / _c(DEMAND)["value"] * 100


def target_share() -> float:
    """The share of demand the source expects supply to reach by 2022, in % (IR20-006)."""
    c = _c(TARGET)
    return c["value"] * 100 if c["unit"] == "比例" else c["value"]


def target_year() -> int:
    return int(_c(TARGET)["period"][:4])


def required_growth(demand_growth: float = 0.0) -> float:
    """Annual supply growth needed to hit the source's share by its year, given demand growth."""
    years = target_year() - BASE_YEAR
    need = target_share() / ratio_2019()
    return (need ** (1 / years)) * (1 + demand_growth) - 1


def _check_rate(value, name: str) -> float | str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return f"{name}应为一个数字，例如 0.3 表示每年 30%（收到“{value}”）。"
    if math.isnan(v) or v <= -1 or v > 5:
        return f"{name}应在 -100% 与 500% 之间（收到 {value}）。"
    return v


def year_reached(supply_growth, demand_growth=0.0, horizon: int = HORIZON) -> int | None | str:
    """First year in which supply ÷ demand reaches the source's share, under the reader's growth
    assumptions (``None`` if not by ``horizon``; a Chinese message for bad input)."""
    g = _check_rate(supply_growth, "供给端年增长率")
    d = _check_rate(demand_growth, "需求端年增长率")
    for v in (g, d):
        if isinstance(v, str):
            return v
    path = scenario_path(g, d, horizon)
    hit = path[path.share >= target_share() - 1e-9]
    return int(hit.year.iloc[0]) if len(hit) else None


def scenario_path(supply_growth: float, demand_growth: float, horizon: int = HORIZON) -> pd.DataFrame:
    """Supply, demand (亿元) and supply ÷ demand (%) from 2019 to ``horizon`` at constant growth."""
    s0, d0 = _c(SUPPLY)["value"], _c(DEMAND)["value"]
    rows = []
    for year in range(BASE_YEAR, horizon + 1):
        t = year - BASE_YEAR
        s, d = s0 * (1 + supply_growth) ** t, d0 * (1 + demand_growth) ** t
        rows.append({"year": year, "supply": s, "demand": d, "share": s / d * 100})
    return pd.DataFrame(rows)


def glue_numbers() -> None:
    """Glue the book's computed numbers chapter 4's prose uses (labelled as the book's arithmetic)."""
    from IPython.display import Markdown
    from myst_nb import glue

    glue("ch04-ratio-2019", Markdown(f"{ratio_2019():.1f}%（本书据 {SUPPLY} 与 {DEMAND} 计算）"), display=False)
    glue("ch04-target-share", Markdown(f"{target_share():.0f}%（{TARGET} 的 1/4 换算为百分比）"), display=False)
    for d in DEMAND_GROWTHS:
        glue(f"ch04-required-{int(d * 100)}", Markdown(f"{required_growth(d) * 100:.0f}%（本书计算）"), display=False)
    a, b = chronic_users()
    glue("ch04-chronic-users", Markdown(f"{a:.2f} 亿人（本书据 R25-072 × R25-074 计算）"), display=False)


# --- tables and charts ---------------------------------------------------------------------

def segments_table() -> None:
    """The four segments: the source's words (verbatim, from data/quotes.csv) and the book's gloss."""
    q = pd.read_csv(ledger.DATA / "quotes.csv", dtype=str, keep_default_na=False).set_index("quote_id")
    rows, plain = [], []
    for name, qid, gloss in SEGMENTS:
        quote = q.loc[qid, "quote"]
        if quote not in sources.text(q.loc[qid, "source_id"]):
            raise ledger.LedgerError([ledger.DataError("data/quotes.csv", 0, "quote", f"{qid} 不是原文")])
        rows.append([html.escape(name), f"“{html.escape(quote)}”<br><small>〔{qid}〕</small>", html.escape(gloss)])
        plain.append(f"{name}：“{quote}”〔{qid}〕 —— {gloss}")
    src = q.loc[SEGMENTS[0][1], "source_id"]
    from ihbook.evidence.quotes import attribution

    body = (kit.html_table(["环节", "来源原文", "本书的解释"], rows)
            + f'<p class="ihbook-table-foot">原文出自：{html.escape(attribution(src))}（“2020年中国互联网医疗诊后定义”图）。</p>')
    kit.show(body, "\n".join(plain))


def market_chart() -> None:
    """2019 supply vs demand (IR20-004/005) and the 2022 expectation (IR20-006)."""
    s, d, t = _c(SUPPLY), _c(DEMAND), _c(TARGET)
    fig, ax = charts.figure("互联网医疗诊后市场：供给端与需求端（2019）", "", "市场规模（亿元）", size=(7.2, 3.8))
    labels = ["供给端\n（诊后企业的收入）", "需求端"]
    bars = ax.bar(labels, [s["value"], d["value"]], color=["#1f5aa6", "#cfd8e3"], width=0.55)
    for b, c in zip(bars, (s, d)):
        ax.annotate(ledger.display_value(c), (b.get_x() + b.get_width() / 2, c["value"]), ha="center",
                    va="bottom", fontsize=10)
    quarter = d["value"] * target_share() / 100
    ax.hlines(quarter, bars[0].get_x() - 0.1, bars[0].get_x() + bars[0].get_width() + 0.1, color="#d1495b",
              linestyles="--")
    ax.annotate(f"需求端的{t['value_text']}（若需求不变，本书计算：{quarter:.0f}亿元）\n"
                f"艾瑞预计{t['period'][:4]}年供给端约达到这一比例", (bars[0].get_x(), quarter),
                textcoords="offset points", xytext=(0, 6), fontsize=8, color="#d1495b")
    ax.annotate(f"2019年供给端 ÷ 需求端 = {ratio_2019():.1f}%（本书计算）", (0.5, 0.93), xycoords="axes fraction",
                ha="center", fontsize=9, color="#333")
    ax.set_ylim(0, d["value"] * 1.15)
    data = pd.DataFrame([
        {"label": "供给端（2019）", "value": s["value"], "unit": s["unit"], "claim_id": SUPPLY},
        {"label": "需求端（2019）", "value": d["value"], "unit": d["unit"], "claim_id": DEMAND},
        {"label": f"预期：{t['period']}年供给端约为需求端的比例", "value": t["value"], "unit": t["unit"], "claim_id": TARGET},
    ])
    ids = involving.conflict_ids([SUPPLY, DEMAND], how="within")
    charts.publish(fig, "ch04-market", data,
                   caption=(f"艾瑞给出的 2019 年诊后市场两端规模，以及它对 {t['period'][:4]} 年的预期（供给端约为需求端的 {t['value_text']}）。"
                            f"红色虚线是本书的示意：假如需求端保持 2019 年的规模，{t['value_text']} 对应的金额。"
                            "两个“市场规模”口径不同，冲突检测把它们登记为口径差异"
                            f"（{'、'.join(i for i in ids if i) or '无'}），不能说“需求端是供给端的几倍所以市场空间有多大”。"))


def _scenario_figure(g: float):
    t = _c(TARGET)
    fig, ax = charts.figure(f"读者情景：供给端每年增长{g * 100:.0f}%时，供给端占需求端的比例",
                            "年份（年）", "供给端 ÷ 需求端（%）", size=(7.2, 4.0))
    rows = []
    styles = {0.0: "-", 0.10: "--", 0.20: ":"}
    for d in DEMAND_GROWTHS:
        path = scenario_path(g, d)
        ax.plot(path.year, path.share, styles[d], color="#1f5aa6", linewidth=2,
                label=f"需求端每年增长{d * 100:.0f}%")
        yr = year_reached(g, d)
        if isinstance(yr, int):
            v = path.share[path.year == yr].iloc[0]
            ax.plot([yr], [v], "o", color="#1f5aa6")
            ax.annotate(f"{yr}年", (yr, v), textcoords="offset points", xytext=(4, -12), fontsize=8, color="#1f5aa6")
        for r in path.itertuples():
            rows.append({"label": f"需求端年增长{d * 100:.0f}%，{r.year}年", "year": r.year, "value": round(r.share, 2),
                         "unit": "%", "supply_growth": g, "demand_growth": d, "year_reached": yr if yr else "",
                         "claim_id": SUPPLY, "source_id": "iresearch-2020", "period": str(r.year),
                         "kind": "scenario（本书情景计算，非来源预测）", "value_as_written": "",
                         "quote": _c(SUPPLY)["quote"]})
    ax.axhline(target_share(), color="#d1495b", linewidth=1)
    ax.annotate(f"艾瑞预期的比例：约{t['value_text']}（{t['period'][:4]}年）", (BASE_YEAR, target_share()),
                textcoords="offset points", xytext=(2, 4), fontsize=8, color="#d1495b")
    ax.axvline(target_year(), color="#d1495b", linewidth=0.8, linestyle=":")
    ax.set_ylim(0, 60)
    ax.set_xlim(BASE_YEAR - 0.3, HORIZON + 0.3)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(0, 0.92))
    data = pd.DataFrame(rows)
    reached = {d: year_reached(g, d) for d in DEMAND_GROWTHS}
    alt = (f"情景：供给端每年增长{g * 100:.0f}%。" + "；".join(
        f"需求端每年增长{d * 100:.0f}%时，{('在' + str(y) + '年达到') if y else '到' + str(HORIZON) + '年仍未达到'}约{t['value_text']}"
        for d, y in reached.items()) + "。")
    return fig, data, alt


def scenario_explorer(default: int = 2) -> None:
    """The reader's scenario: choose supply growth; the year supply reaches the expected share."""
    t = _c(TARGET)
    states = []
    for g in SUPPLY_GROWTHS:
        fig, data, alt = _scenario_figure(g)
        states.append((f"{g * 100:.0f}%", fig, data, alt))
    charts.publish_states(
        "ch04-scenario", states,
        caption=(f"这是读者的情景，不是任何来源的预测：从艾瑞的 {BASE_YEAR} 年供给端与需求端规模出发，"
                 f"假定两者各按固定年增长率变化，看供给端何时达到需求端的约{t['value_text']}（艾瑞对 {target_year()} 年的预期）。"
                 "三条线对应需求端每年增长 0%、10%、20%；圆点标出首次达到的年份。"
                 "按钮选择供给端的年增长率。"),
        description="供给端年增长：", default=default)


def effects_chart() -> None:
    """The 2025 report's post-diagnosis “effect” numbers, coloured by kind: mostly unnamed platforms."""
    df = ledger.select(metric=EFFECT_METRICS, source_id="report-2025")
    df = df.assign(order=df.metric.map(EFFECT_METRICS.index)).sort_values(["order", "claim_id"], ascending=[False, False])
    labels = [f"{ledger.entity_label(r.entity).split('（')[0]}：{ledger.label(r.metric).replace('幅度', '').replace('降幅', '下降')}"
              for r in df.itertuples()]
    fig, ax = charts.figure("2025年报告中的诊后“效果”数字", "报告所称的幅度（%）", "", size=(7.6, 4.8))
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    colors = [KIND_COLORS[k] for k in df.kind]
    hatches = ["//" if k == "anecdote" else "" for k in df.kind]
    bars = ax.barh(range(len(df)), df.value, color=colors, edgecolor="white")
    for b, h in zip(bars, hatches):
        b.set_hatch(h)
    ax.set_yticks(range(len(df)), labels, fontsize=8)
    for i, r in enumerate(df.itertuples()):
        ax.annotate(f"{ledger.display_value(r._asdict())} 〔{r.claim_id}〕", (r.value, i), xytext=(3, -3),
                    textcoords="offset points", fontsize=8)
    ax.set_xlim(0, df.value.max() * 1.45)
    from matplotlib.patches import Patch

    kinds = [k for k in KIND_COLORS if k in set(df.kind)]
    ax.legend(handles=[Patch(facecolor=KIND_COLORS[k], hatch="//" if k == "anecdote" else "",
                             edgecolor="white", label=ledger.KIND_LABELS[k]) for k in kinds],
              frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.1), ncol=3)
    data = pd.DataFrame({"label": labels, "value": df.value.values, "unit": df.unit.values,
                         "claim_id": df.claim_id.values})
    ids = involving.conflict_ids(df.claim_id)
    charts.publish(fig, "ch04-effects", data,
                   caption=("2025 年报告在慢病管理、数字疗法、居家监护部分给出的“提升/下降”幅度。斜线条是账本中标为“个例”"
                            "的数字：出自未具名的“某平台”“某 APP”，无法核实；其余数字也没有注明研究设计、对照组或数据来源。"
                            "同一个“某糖尿病管理平台”在报告两处给出不同的达标率提升"
                            f"（冲突 {'、'.join(ids) if ids else '无'}）。"))


def chronic_users() -> tuple[float, float]:
    """Chronic-disease users implied by the 2025 report (users × chronic share) and its chronic patients."""
    users, share, patients = _c("R25-072"), _c("R25-074"), _c("R25-002")
    return users["value"] * share["value"] / 100, patients["value"]


def chronic_check_chart() -> None:
    """Do the 2025 report's chronic-disease numbers fit together? (the book's arithmetic)"""
    implied, patients = chronic_users()
    pen = _c("R25-153")
    users, share, pat = _c("R25-072"), _c("R25-074"), _c("R25-002")
    dv = ledger.display_value
    rows = [
        {"label": "慢性病患者总数", "value": patients, "unit": "亿人", "claim_id": "R25-002"},
        {"label": f"用户中的慢性病患者\n（{dv(users)} × {dv(share)}，本书计算）", "value": round(implied, 2),
         "unit": "亿人", "claim_id": "R25-074"},
        {"label": f"若“渗透率{dv(pen)}”按人数计\n（本书计算的上限）", "value": round(patients * pen["value"] / 100, 2),
         "unit": "亿人", "claim_id": "R25-153"},
    ]
    data = pd.DataFrame(rows)
    fig, ax = charts.figure("慢性病：2025年报告的三个数字对得上吗？", "", "人数（亿人）", size=(7.2, 3.9))
    bars = ax.bar(range(len(data)), data.value, color=["#cfd8e3", "#1f5aa6", "#edae49"], width=0.6)
    ax.set_xticks(range(len(data)), data.label, fontsize=8)
    marks = [dv(pat), f"超过{implied:.2f}亿人（下限）", f"不足{patients * pen['value'] / 100:.2f}亿人（上限）"]
    for b, r, m in zip(bars, data.itertuples(), marks):
        ax.annotate(m, (b.get_x() + b.get_width() / 2, r.value), ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, data.value.max() * 1.25)
    charts.publish(fig, "ch04-chronic-check", data[["label", "value", "unit", "claim_id"]],
                   caption=(f"2025 年报告说慢性病患者{dv(pat)}，又说 2024 年{dv(users)}用户中慢性病患者占比{dv(share)}——"
                            f"相乘为{implied:.2f}亿人，已超过慢性病患者总数，几乎等于全部慢性病患者都在用互联网医疗；"
                            f"同一份报告却说慢病管理的互联网医疗渗透率{dv(pen)}。"
                            "三个数字至少有一个口径不清。中间与右侧两柱是本书的计算。"))
