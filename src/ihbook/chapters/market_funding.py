"""Chapter 8, capital: funding totals, deal counts, money per deal, and a lost first digit.

Two sources tell two stories about industry funding. The functions here pair their totals the
way the conflict detector does, compute money per deal from a source's own totals and counts
(the book's arithmetic, labelled as such), and reconstruct how report-2025's web page lost the
first digit of its 2021–2022 total (GBK bytes read one byte out of step).
"""
from __future__ import annotations

import re

import pandas as pd

from ihbook.chapters.market_size import _period_label, convert
from ihbook.chapters.market_users import _span_lines, _year_ticks
from ihbook.evidence import conflicts
from ihbook.evidence import involving
from ihbook.evidence import ledger
from ihbook.evidence import quotes
from ihbook.evidence import sources
from ihbook.show import charts

MAX_GAP = conflicts.MAX_GAP  # flows are paired when their periods' middles are this close (as the detector)


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
        "2020 年和 2023–2024 年的数字，量级高出一到两个数量级，与观研天下的分歧登记为冲突 "
        + "、".join(involving.conflict_ids(data.claim_id, how="within", kind="cross-source")) + "。"
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
    ids = involving.conflict_ids(claim_ids, how="exact")
    return ids[0] if ids else ""


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
