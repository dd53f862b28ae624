"""Chapter 6's unit economics: what a reader's subscription scenario earns or loses per user.

The starting point is the 2025 report's fee and conversion, its margin ceiling and the one
acquisition cost it names; every other scenario is the reader's. The live fee box reads what
:func:`ihbook.evidence.units.parse_amount` reads (１９９９, 一千九百九十九, 1万, 1999元, 1,999)
and refuses, with a message, what would need a guess (1,5 / 12，5, 上千) and fees so small that
the percentages lose their meaning. Amounts are shown with Chinese units (万元), never ``1e+06``.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass

import pandas as pd

from ihbook.evidence import ledger
from ihbook.evidence.units import AmountError, format_cn, parse_amount
from ihbook.show import charts, kit

MIN_PRICE = 1.0          # 元: below this a fee makes every percentage meaningless
MAX_AMOUNT = 1_000_000   # 元


class ScenarioError(ValueError):
    """A reader's scenario cannot be computed (the message says why, in Chinese)."""


@dataclass(frozen=True)
class Scenario:
    """A reader's scenario for the subscription model (all inputs, none of them a result)."""

    price: float        # 元 per paying user per year
    conversion: float   # % of active users who pay
    margin: float       # gross margin on the fee, %
    cac: float          # 元 to acquire one active user
    label: str = ""


SOURCE_INPUTS = {"price": "R25-107", "conversion": "R25-108", "margin": "R25-127", "cac": "R25-325"}


def source_scenario() -> Scenario:
    """The starting point: the report's fee and conversion, its margin ceiling, and the one
    acquisition cost it names (an unnamed platform's)."""
    v = {k: ledger.claim(cid)["value"] for k, cid in SOURCE_INPUTS.items()}
    return Scenario(v["price"], v["conversion"], v["margin"], v["cac"], "来源数字")


def _number(value, name: str) -> float:
    if isinstance(value, bool):
        raise ScenarioError(f"{name}应为数字")
    try:
        x = parse_amount(value) if isinstance(value, str) else float(value)
    except AmountError as exc:
        raise ScenarioError(f"{name}：{exc}") from None
    except (TypeError, ValueError):
        shown = str(value)[:30]
        raise ScenarioError(f"{name}应为数字，收到的是“{shown}”") from None
    if math.isnan(x) or math.isinf(x):
        raise ScenarioError(f"{name}应为有限的数字")
    return x


def check_scenario(price, conversion, margin, cac) -> Scenario:
    """Validate a reader's inputs and return them as a :class:`Scenario` (or raise
    :class:`ScenarioError` with a Chinese message)."""
    p = _number(price, "年费（元）")
    c = _number(conversion, "付费转化率（%）")
    m = _number(margin, "毛利率（%）")
    a = _number(cac, "获客成本（元）")
    if not 0 < p <= MAX_AMOUNT:
        raise ScenarioError("年费应大于 0 元、不超过 100 万元")
    if p < MIN_PRICE:
        raise ScenarioError(f"年费 {p:g} 元太低：不到 {MIN_PRICE:g} 元时，转化率和盈亏平衡的百分比都会失去意义")
    if not 0 <= c <= 100:
        raise ScenarioError("付费转化率应在 0% 到 100% 之间")
    if not -100 <= m <= 100:
        raise ScenarioError("毛利率应在 -100% 到 100% 之间")
    if not 0 <= a <= MAX_AMOUNT:
        raise ScenarioError("获客成本应在 0 到 100 万元之间")
    return Scenario(p, c, m, a)


def unit_economics(s: Scenario, users: int = 1000) -> dict[str, float]:
    """Revenue, service cost, acquisition cost and result for ``users`` active users, and per
    active and per paying user (元). The book's arithmetic on the reader's inputs."""
    payers = users * s.conversion / 100
    revenue = payers * s.price
    service = revenue * (1 - s.margin / 100)
    acquisition = users * s.cac
    result = revenue - service - acquisition
    return {"users": users, "payers": payers, "revenue": revenue, "service_cost": service,
            "acquisition_cost": acquisition, "result": result, "per_active_user": result / users,
            "per_paying_user": (result / payers) if payers else float("nan")}


def break_even_conversion(s: Scenario) -> float:
    """The conversion (%) at which the gross profit from payers just covers acquisition."""
    unit_profit = s.price * s.margin / 100
    return float("inf") if unit_profit <= 0 else s.cac / unit_profit * 100


def scenarios() -> list[Scenario]:
    """The discrete scenarios of the static explorer: the sources' numbers, then one lever at
    a time, then all together (hypothetical changes, the reader's not the sources')."""
    s = source_scenario()
    return [
        s,
        Scenario(s.price, s.conversion * 2, s.margin, s.cac, "转化率翻倍"),
        Scenario(s.price, s.conversion, s.margin * 2, s.cac, "毛利率翻倍"),
        Scenario(s.price, s.conversion, s.margin, s.cac / 2, "获客成本减半"),
        Scenario(s.price, s.conversion * 2, s.margin * 2, s.cac / 2, "三项同时改善"),
        Scenario(s.price / 2, s.conversion * 2, s.margin, s.cac, "年费减半、转化率翻倍"),
    ]


def describe_scenario(s: Scenario) -> str:
    """The inputs in words, each marked as the source's or the reader's."""
    base = source_scenario()

    def tag(v, b):
        return "来源数字" if math.isclose(v, b) else "读者假设"

    return (f"年费 {format_cn(s.price)}（{tag(s.price, base.price)}）；付费转化率 {s.conversion:g}%（{tag(s.conversion, base.conversion)}）；"
            f"毛利率 {s.margin:g}%（{tag(s.margin, base.margin)}）；获客成本 {format_cn(s.cac)}/人（{tag(s.cac, base.cac)}）")


def scenario_figure(s: Scenario, users: int = 1000):
    r = unit_economics(s, users)
    labels = ["收入", "服务成本", "获客成本", "结果"]
    vals = [r["revenue"], -r["service_cost"], -r["acquisition_cost"], r["result"]]
    wan = [v / 1e4 for v in vals]
    be = break_even_conversion(s)
    fig, ax = charts.figure(f"订阅制单位经济（读者情景：{s.label or '自定'}）",
                            f"每名活跃用户 {r['per_active_user']:+.1f} 元；盈亏平衡所需转化率 {be:.1f}%（本书计算）",
                            f"金额（万元，每 {users} 名活跃用户）", size=(7.2, 3.8))
    colors = ["#1f5aa6", "#d1495b", "#d1495b", "#00798c" if r["result"] >= 0 else "#8b1e2d"]
    bars = ax.bar(range(4), wan, color=colors)
    for b, v in zip(bars, wan):
        ax.annotate(f"{v:+.1f}", (b.get_x() + b.get_width() / 2, v), ha="center",
                    va="bottom" if v >= 0 else "top", fontsize=9)
    ax.axhline(0, color="#333", linewidth=0.8)
    ax.set_xticks(range(4), labels)
    lo, hi = min(wan + [0]), max(wan + [0])
    ax.set_ylim(lo - 0.12 * (hi - lo), hi + 0.12 * (hi - lo))
    data = pd.DataFrame([
        {"label": "收入", "value": round(wan[0], 2), "unit": "万元", "claim_id": SOURCE_INPUTS["price"],
         "inputs": "年费×转化率×用户数"},
        {"label": "服务成本", "value": round(wan[1], 2), "unit": "万元", "claim_id": SOURCE_INPUTS["margin"],
         "inputs": "收入×(1−毛利率)"},
        {"label": "获客成本", "value": round(wan[2], 2), "unit": "万元", "claim_id": SOURCE_INPUTS["cac"],
         "inputs": "获客成本×用户数"},
        {"label": "结果", "value": round(wan[3], 2), "unit": "万元", "claim_id": SOURCE_INPUTS["conversion"],
         "inputs": "收入−服务成本−获客成本"},
    ]).assign(scenario=describe_scenario(s), kind="computed-scenario")
    return fig, data


def unit_economics_explorer() -> None:
    """The discrete scenarios, precomputed, behind one kernel-free control."""
    states = []
    for s in scenarios():
        fig, data = scenario_figure(s)
        r = unit_economics(s)
        alt = (f"{s.label}：{describe_scenario(s)}。每千名活跃用户收入 {r['revenue'] / 1e4:.1f} 万元、服务成本 "
               f"{r['service_cost'] / 1e4:.1f} 万元、获客成本 {r['acquisition_cost'] / 1e4:.1f} 万元，结果 {r['result'] / 1e4:+.1f} 万元。")
        states.append((s.label, fig, data, alt))
    charts.publish_states(
        "ch06-unit-economics", states,
        caption=("读者情景，不是来源的数字：起点取 2025 年报告的年费与付费转化率（R25-107、R25-108）、其"
                 f"“{ledger.display_value(ledger.claim('R25-127'))}”的毛利率上限（R25-127）和一个未具名平台的获客成本"
                 "（R25-325）；其余各情景只改动一项或几项，计算由本书完成。"),
        description="情景：", style="dropdown")


def scenario_html(price, conversion, margin, cac, users: int = 1000) -> str:
    """The result of a reader's inputs as escaped HTML, or a clear message for bad input."""
    try:
        s = check_scenario(price, conversion, margin, cac)
    except ScenarioError as exc:
        return kit.message_html(str(exc), "warning")
    r = unit_economics(s, users)
    be = break_even_conversion(s)
    be_text = "无法盈亏平衡（毛利为零或为负）" if math.isinf(be) else (
        "超过 100%，不可能达到" if be > 100 else f"{be:.1f}%")
    per_pay = "—" if math.isnan(r["per_paying_user"]) else ("+" if r["per_paying_user"] >= 0 else "") + format_cn(r["per_paying_user"])
    signed = lambda v: ("+" if v >= 0 else "") + format_cn(v)  # noqa: E731
    rows = [("付费用户", f"{r['payers']:,.0f} 人"), ("收入", format_cn(r["revenue"])),
            ("服务成本", format_cn(r["service_cost"])), ("获客成本", format_cn(r["acquisition_cost"])),
            ("结果", signed(r["result"])), ("每名活跃用户", signed(r["per_active_user"])),
            ("每名付费用户", per_pay), ("盈亏平衡所需转化率", be_text)]
    body = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return (f"<p>读者情景（每 {users} 名活跃用户，本书计算）：{html.escape(describe_scenario(s))}</p>"
            f'<table class="ihbook-table">{body}</table>')


def unit_economics_sliders():
    """The live version for Jupyter: sliders plus a free-text fee box. Bad input (e.g. a fee
    of ``abc`` or ``-5``) shows a message instead of a result; nothing raises."""
    import ipywidgets as w

    from ihbook.show import widgets

    widgets.deterministic_ids("ch06-unit-economics-live")
    s = source_scenario()
    style = {"description_width": "initial"}
    price = w.Text(value=f"{s.price:g}", description="年费（元）：", style=style)
    conv = w.FloatSlider(value=s.conversion, min=0, max=60, step=0.5, description="付费转化率（%）：", style=style)
    margin = w.FloatSlider(value=s.margin, min=-20, max=80, step=1, description="毛利率（%）：", style=style)
    cac = w.FloatSlider(value=s.cac, min=0, max=500, step=5, description="获客成本（元/人）：", style=style)
    out = w.HTML(value=scenario_html(price.value, conv.value, margin.value, cac.value))

    def update(_=None):
        out.value = scenario_html(price.value, conv.value, margin.value, cac.value)

    for ctl in (price, conv, margin, cac):
        ctl.observe(update, names="value")
    box = w.VBox([price, conv, margin, cac, out])
    box.add_class("ihbook-widget")
    return box
