"""Chapter 6's business models: who pays whom for what, with the sources' numbers and risks.

Each model in :data:`MODELS` lists its actors, its flows of money and of services (each flow
with the claim or source behind it), the numbers the sources give and the risks they name.
:func:`flow_figure` draws the flows in code, :func:`flow_explorer` puts all models behind one
kernel-free control. The profitability section has two charts from the ledger, and the
unit-economics explorer works out, from the 2025 report's subscription figures, what a
reader's scenario earns or loses per user — the arithmetic is the book's, labelled as such.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import pandas as pd

from ihbook.show import charts
from ihbook.evidence import ledger
from ihbook.evidence import quotes
from ihbook.evidence import sources
from ihbook.evidence.ledger import LedgerError  # noqa: F401  (re-exported for readers catching data errors)

MONEY = "#1f5aa6"
SERVICE = "#8a8a8a"


@dataclass(frozen=True)
class Flow:
    """One arrow: ``kind`` is ``money`` or ``service``; ``claim_id`` puts a number on it."""

    src: str
    dst: str
    label: str
    kind: str = "money"
    claim_id: str = ""
    source_id: str = ""
    rad: float = 0.0
    at: tuple[float, float] | None = None  # where to put the label, when the default crowds


@dataclass(frozen=True)
class Model:
    key: str
    name: str
    summary: str
    nodes: dict[str, tuple[str, float, float]]  # key -> (label, x, y)
    flows: list[Flow]
    numbers: list[str] = field(default_factory=list)  # claim ids
    risks: list[str] = field(default_factory=list)    # claim ids behind named risks
    source_ids: list[str] = field(default_factory=list)
    payers: list[str] = field(default_factory=list)   # keys of PAYERS


PAYERS = {"patients": "患者与用户", "insurance": "基本医疗保险（医保基金）", "insurers": "商业保险公司",
          "pharma": "药企与药店", "hospitals": "医院", "employers": "企业（雇主）", "government": "政府"}

KR, RP, IR = "36kr-2021", "report-2025", "iresearch-2020"

MODELS: list[Model] = [
    Model("ecommerce", "医药电商", "患者在平台上买药，处方药可凭电子处方由医保支付一部分；平台赚差价或佣金，再向药企和商家采购。",
          {"patient": ("患者", 0.5, 3.0), "fund": ("医保基金", 0.8, 0.5), "platform": ("平台\n（阿里健康、京东健康）", 5.0, 3.0),
           "pharma": ("药企与入驻商家", 9.4, 3.0), "doctor": ("互联网医院医生", 2.6, 5.6)},
          [Flow("patient", "platform", "购药付款", claim_id="KR21-023", rad=0.15, at=(2.5, 2.2)),
           Flow("fund", "platform", "医保支付（电子处方）", source_id=RP, at=(3.9, 1.3)),
           Flow("platform", "pharma", "采购款或佣金分成", source_id=KR, rad=0.15, at=(7.5, 2.35)),
           Flow("pharma", "platform", "药品与商品", kind="service", claim_id="KR21-024", rad=0.15, at=(7.5, 3.8)),
           Flow("doctor", "patient", "电子处方", kind="service", source_id=RP, at=(0.9, 4.5)),
           Flow("platform", "patient", "配送到家", kind="service", claim_id="R25-112", rad=0.15, at=(2.5, 3.8))],
          numbers=["KR21-023", "R25-080", "R25-111", "R25-112", "KR21-024", "KR21-025", "R25-158"],
          risks=["R25-141", "R25-142"], source_ids=[KR, RP], payers=["patients", "insurance", "pharma"]),
    Model("insurance", "保险＋医疗", "用户向保险公司交保费，保险公司把在线问诊、药品折扣、绿色通道打包进产品，向平台购买服务；平台的健康管理据称降低赔付。",
          {"user": ("投保人", 1.2, 3.0), "insurer": ("保险公司", 5.0, 5.2), "platform": ("平台\n（平安好医生）", 5.0, 0.9),
           "hospital": ("医院与药店", 8.8, 3.0)},
          [Flow("user", "insurer", "保费", claim_id="R25-110"),
           Flow("insurer", "platform", "购买健康管理服务", claim_id="R25-178"),
           Flow("platform", "user", "免费问诊、药品折扣、绿色通道", kind="service", claim_id="R25-174"),
           Flow("insurer", "hospital", "理赔", claim_id="R25-177"),
           Flow("platform", "hospital", "转诊、绿通", kind="service", claim_id="R25-183")],
          numbers=["R25-110", "R25-174", "R25-175", "R25-176", "R25-177", "R25-178", "R25-078", "R25-160", "R25-161"],
          risks=["R25-303", "R25-304"], source_ids=[RP, KR], payers=["patients", "insurers"]),
    Model("subscription", "订阅制健康管理", "用户每年付一笔年费，换取不限次数的问诊、年度体检和慢病管理方案；平台向医生与体检机构付费。",
          {"user": ("付费用户", 1.2, 3.0), "platform": ("平台", 5.0, 3.0), "provider": ("签约医生与体检机构", 8.8, 3.0)},
          [Flow("user", "platform", "年费", claim_id="R25-107", rad=0.15),
           Flow("platform", "provider", "劳务费、体检采购", source_id=RP, rad=0.15),
           Flow("provider", "platform", "问诊与体检服务", kind="service", source_id=RP, rad=0.15),
           Flow("platform", "user", "无限次问诊、体检、慢病方案", kind="service", claim_id="R25-108", rad=0.15)],
          numbers=["R25-107", "R25-108", "R25-109"],
          risks=["R25-130", "R25-325", "R25-324"], source_ids=[RP], payers=["patients"]),
    Model("revenue_share", "技术与运营服务分润", "平台为线下医院、药企、连锁药店和保险公司提供技术支持或运营服务，从它们的收入中分成（艾瑞的说法，未给数字）。",
          {"platform": ("诊后平台", 5.0, 3.0), "hospital": ("线下医院", 1.2, 5.2), "pharma": ("药企", 8.8, 5.2),
           "pharmacy": ("连锁药店", 1.2, 0.8), "insurer": ("保险公司", 8.8, 0.8)},
          [Flow("platform", "hospital", "技术支持", kind="service", source_id=IR, rad=0.15),
           Flow("hospital", "platform", "分润", source_id=IR, rad=0.15),
           Flow("platform", "pharma", "运营服务", kind="service", source_id=IR, rad=0.15),
           Flow("pharma", "platform", "分润", source_id=IR, rad=0.15),
           Flow("platform", "pharmacy", "处方外延、运营", kind="service", source_id=IR, rad=0.15),
           Flow("pharmacy", "platform", "分润", source_id=IR, rad=0.15),
           Flow("platform", "insurer", "诊后数据与服务", kind="service", source_id=IR, rad=0.15),
           Flow("insurer", "platform", "分润", source_id=IR, rad=0.15)],
          numbers=[], risks=[], source_ids=[IR], payers=["hospitals", "pharma", "insurers"]),
    Model("outcome", "按效果付费（与地方政府）", "平台与地方政府签约管理医保基金总额，帮基层提升诊疗能力、压低医保支出增速，政府按节约额的一定比例付服务费。",
          {"gov": ("地方政府／医保基金", 0.9, 3.0), "platform": ("平台（微医）", 5.0, 3.0), "primary": ("基层医院", 9.0, 5.2),
           "resident": ("居民", 9.0, 0.8)},
          [Flow("gov", "platform", "服务费＝节约额×比例", claim_id="R25-173", rad=0.15, at=(3.0, 2.1)),
           Flow("platform", "gov", "医保支出增速下降", kind="service", claim_id="R25-172", rad=0.15, at=(3.0, 3.9)),
           Flow("platform", "primary", "远程会诊、能力提升", kind="service", claim_id="R25-165", at=(6.2, 4.7)),
           Flow("primary", "resident", "就近看病", kind="service", claim_id="R25-166", at=(7.6, 3.0))],
          numbers=["R25-171", "R25-172", "R25-173", "R25-165", "R25-166", "R25-280", "R25-145"],
          risks=["R25-171"], source_ids=[RP], payers=["government", "insurance"]),
    Model("corporate", "企业健康服务（B端）", "企业为员工购买健康管理方案（在线问诊、心理辅导、讲座），平台按企业收费。",
          {"employer": ("企业（雇主）", 0.9, 3.0), "platform": ("平台", 5.0, 3.0), "staff": ("员工", 9.1, 3.0)},
          [Flow("employer", "platform", "服务费", claim_id="R25-115", at=(2.95, 2.35)),
           Flow("platform", "staff", "问诊、心理辅导、讲座", kind="service", claim_id="R25-114", at=(7.05, 3.65)),
           Flow("staff", "employer", "出勤与健康", kind="service", source_id=RP, rad=-0.35)],
          numbers=["R25-113", "R25-114", "R25-115", "KR21-016"],
          risks=["R25-113"], source_ids=[RP, KR], payers=["employers"]),
    Model("data", "数据服务", "平台或医疗大数据公司把脱敏后的用户数据加工成服务，向药企收取项目费；数据交易所把医疗数据做成可交易的产品。",
          {"user": ("用户（数据的来源）", 0.9, 3.0), "platform": ("平台／医疗大数据公司", 5.0, 3.0), "pharma": ("药企", 9.2, 3.0),
           "exchange": ("数据交易所", 5.0, 0.6)},
          [Flow("user", "platform", "行为与诊疗数据（脱敏）", kind="service", source_id=RP),
           Flow("pharma", "platform", "项目收费", claim_id="R25-116", rad=0.15, at=(6.9, 4.05)),
           Flow("platform", "pharma", "患者招募、疗效评估", kind="service", source_id=RP, rad=0.15, at=(7.2, 2.45)),
           Flow("platform", "exchange", "医疗数据资产", kind="service", source_id=RP, at=(4.2, 1.8)),
           Flow("pharma", "exchange", "购买研发数据", claim_id="R25-247", rad=-0.2, at=(8.6, 0.75)),
           Flow("exchange", "pharma", "研发数据服务", kind="service", source_id=RP, rad=-0.2, at=(6.3, 0.35))],
          numbers=["R25-116", "R25-247"],
          risks=["R25-323", "R25-143", "R25-144"], source_ids=[RP], payers=["pharma"]),
]
MODEL_BY_KEY = {m.key: m for m in MODELS}


def model(key: str) -> Model:
    if key not in MODEL_BY_KEY:
        raise KeyError(f"没有名为“{key}”的商业模式；可选：{'、'.join(MODEL_BY_KEY)}")
    return MODEL_BY_KEY[key]


def _flow_label(f: Flow) -> str:
    if f.claim_id:
        c = ledger.claim(f.claim_id)
        return f"{f.label}\n{ledger.label(c['metric'])}：{ledger.display_value(c)}（{f.claim_id}）"
    return f.label


def flow_data(m: Model) -> pd.DataFrame:
    """The arrows of a model as rows (the chart's CSV): from, to, what, kind, claim or source."""
    rows = []
    for f in m.flows:
        rows.append({"label": f"{m.nodes[f.src][0].splitlines()[0]} → {m.nodes[f.dst][0].splitlines()[0]}",
                     "what": f.label, "flow": "资金" if f.kind == "money" else "服务或实物",
                     "claim_id": f.claim_id, "source_id": f.source_id or (ledger.claim(f.claim_id)["source_id"] if f.claim_id else ""),
                     "model": m.name})
    return pd.DataFrame(rows)


def flow_figure(m: Model):
    """The model's flows drawn in code: boxes for actors, blue arrows for money, grey dashed
    arrows for services and goods; a number on an arrow carries its claim id."""
    fig, ax = charts.figure(f"谁付钱给谁：{m.name}", "资金与服务流向（示意图，无数值刻度；蓝色实线＝资金，灰色虚线＝服务或实物）", "",
                            size=(8.8, 4.8))
    ax.set_xlim(-0.4, 10.4)
    ax.set_ylim(-0.4, 6.4)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    for key, (label, x, y) in m.nodes.items():
        ax.text(x, y, label, ha="center", va="center", fontsize=10, zorder=4,
                bbox=dict(boxstyle="round,pad=0.5", facecolor="#f4f6fa", edgecolor="#556", linewidth=1))
    for f in m.flows:
        (_, x0, y0), (_, x1, y1) = m.nodes[f.src], m.nodes[f.dst]
        color = MONEY if f.kind == "money" else SERVICE
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=2,
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=1.8 if f.kind == "money" else 1.2,
                                    linestyle="-" if f.kind == "money" else "--", shrinkA=30, shrinkB=30,
                                    connectionstyle=f"arc3,rad={f.rad}"))
        # label near the middle of the (curved) arrow, pushed to the side the arc bends to
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        dx, dy = x1 - x0, y1 - y0
        norm = math.hypot(dx, dy) or 1
        px, py = dy / norm, -dx / norm
        bend = f.rad * norm * 0.5 + (0.28 if f.rad >= 0 else -0.28)
        lx, ly = f.at if f.at else (mx + px * bend, my + py * bend)
        ax.text(lx, ly, _flow_label(f), ha="center", va="center", fontsize=8.5,
                color=color, zorder=5, bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.85))
    return fig


def flow_explorer() -> None:
    """All models behind one dropdown, every state drawn in advance (kernel-free)."""
    states = []
    for m in MODELS:
        data = flow_data(m)
        alt = f"{m.name}：" + "；".join(f"{r.label}：{r.what}（{r.flow}）" for r in data.itertuples())
        states.append((m.name, flow_figure(m), data, alt))
    charts.publish_states(
        "ch06-money-flows", states,
        caption=("本书按来源的文字描述画出的示意图：箭头上的数字来自账本，附编号；没有数字的箭头只表示来源描述了这条流向。"
                 "下拉框切换七种模式。"),
        description="商业模式：", style="dropdown")


def numbers_table(m: Model) -> pd.DataFrame:
    """The numbers the sources give for a model: value as written, who, when, kind, id."""
    rows = []
    for cid in m.numbers:
        c = ledger.claim(cid)
        rows.append({"指标": ledger.label(c["metric"]), "主体": ledger.entity_label(c["entity"]),
                     "数字": ledger.display_value(c), "时期": c["period"] or "未注明",
                     "类型": ledger.KIND_LABELS[c["kind"]], "来源": sources.short_name(c["source_id"]), "编号": cid})
    return pd.DataFrame(rows)


def compact_table(df: pd.DataFrame) -> str:
    """A DataFrame as an escaped, small-print HTML table (for cards inside widgets)."""
    body = df.to_html(index=False, escape=True, border=0, classes="ihbook-table")
    return body.replace("<table ", '<table style="font-size:0.82em" ', 1)


def model_card_html(m: Model) -> str:
    """One model as an escaped HTML card: summary, payers, numbers, named risks."""
    parts = [f"<h4>{html.escape(m.name)}</h4><p>{html.escape(m.summary)}</p>",
             f"<p><strong>谁付钱：</strong>{html.escape('、'.join(PAYERS[p] for p in m.payers))}</p>"]
    nt = numbers_table(m)
    if nt.empty:
        parts.append("<p><strong>来源给出的数字：</strong>无（来源只描述了模式）。</p>")
    else:
        parts.append("<p><strong>来源给出的数字：</strong></p>" + compact_table(nt))
    if m.risks:
        items = "".join(f"<li>{html.escape(quotes.cite(cid))}：{html.escape(ledger.claim(cid)['quote'])}</li>"
                        for cid in m.risks)
        parts.append(f"<p><strong>来源点到的风险：</strong></p><ul>{items}</ul>")
    return '<div class="ihbook-card">' + "".join(parts) + "</div>"


def model_cards() -> None:
    """A kernel-free selector over the seven model cards."""
    from ihbook.show import widgets

    widgets.deterministic_ids("ch06-model-cards")
    import ipywidgets as w
    from IPython.display import display

    panels = [w.HTML(value=model_card_html(m)) for m in MODELS]
    display(widgets.selector([m.name for m in MODELS], panels, "模式：", style="dropdown"))


def payers_table() -> pd.DataFrame:
    """Who pays into which model (from :data:`MODELS`)."""
    rows = []
    for key, label in PAYERS.items():
        ms = [m.name for m in MODELS if key in m.payers]
        rows.append({"付费方": label, "付费进入的模式": "、".join(ms) or "—", "模式数": len(ms)})
    return pd.DataFrame(rows).set_index("付费方")


# --- profitability ---------------------------------------------------------------------------

PROFIT_CLAIMS = [("头部平台平均毛利率", "R25-127"), ("行业平均毛利率", "R25-324"),
                 ("刚性成本（配送、医生）占比", "R25-141"), ("用户付费意愿（占活跃用户）", "R25-130"),
                 ("“年度健康管家”付费转化率", "R25-108"), ("医保覆盖后付费转化率（某平台）", "R25-303"),
                 ("美国付费转化率（同句对比）", "R25-304")]


def _bar_with_qualifier(ax, i, rec, color):
    """A bar whose end shows the qualifier: 不足 (under) fades, 超过 (over) gets an arrow."""
    v = rec["value"]
    ax.barh(i, v, color=color, alpha=0.55 if rec["qualifier"] == "under" else 0.95)
    ax.annotate(ledger.display_value(rec), (v, i), textcoords="offset points", xytext=(4, -3), fontsize=8)


def profit_chart() -> None:
    """Margins, cost shares and willingness to pay (all in %), one bar per claim, by source."""
    rows = []
    for label, cid in PROFIT_CLAIMS:
        c = ledger.claim(cid)
        rows.append({"label": label, "value": c["value"], "unit": c["unit"], "qualifier": c["qualifier"],
                     "claim_id": cid, "source_id": c["source_id"], "kind": c["kind"]})
    data = pd.DataFrame(rows)
    fig, ax = charts.figure("盈利难题：毛利率、刚性成本与付费意愿", "比例（%）", "", size=(7.6, 4.0))
    colors = {"observed": "#1f5aa6", "anecdote": "#edae49", "estimate": "#00798c"}
    for i, r in data.iterrows():
        c = ledger.claim(r.claim_id)
        _bar_with_qualifier(ax, i, c, colors.get(c["kind"], "#1f5aa6"))
    ax.set_yticks(range(len(data)), [f"{r.label}（{r.claim_id}）" for r in data.itertuples()], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color=colors["observed"], label="报告值"),
                       Patch(color=colors["anecdote"], label="个例（未具名平台）"),
                       Patch(color=colors["observed"], alpha=0.55, label="浅色＝“不足”（上限）")],
              frameon=False, fontsize=8, loc="lower right")
    charts.publish(fig, "ch06-profitability", data[["label", "value", "unit", "claim_id", "source_id"]],
                   alt="；".join(f"{r.label}：{ledger.display_value(ledger.claim(r.claim_id))}" for r in data.itertuples()),
                   caption=(f"全部数字出自 2025 年的报告；“{ledger.display_value(ledger.claim('R25-127'))}”是上限而非点值，画成浅色。"
                            "头部平台与全行业的毛利率是同一份报告在两处给出的同一说法；“年度健康管家”的付费转化率与全行业的付费意愿"
                            "恰好相同，报告没有解释两者的关系。"))


LOSS_ROWS = [("头部企业累计亏损（连续五年）", "R25-129"), ("行业整体亏损（2023年）", "R25-326"),
             ("行业投融资总额（2023年，观研天下）", "GY24-015"), ("行业融资总额（2023–2024年，2025年报告）", "R25-260")]


def five_year_average_loss() -> tuple[float, str]:
    """The book's arithmetic: the cumulative loss spread over the stated number of years (a
    lower bound, since the source says 超百亿)."""
    total, years = ledger.claim("R25-129"), ledger.claim("R25-128")
    return total["value"] / years["value"], total["unit"]


def loss_chart() -> None:
    """Losses against the money coming in, in 亿元, each bar coloured by its source."""
    rows = []
    for label, cid in LOSS_ROWS:
        c = ledger.claim(cid)
        rows.append({"label": label, "value": c["value"], "unit": c["unit"], "claim_id": cid,
                     "source_id": c["source_id"]})
    data = pd.DataFrame(rows)
    avg, unit = five_year_average_loss()
    fig, ax = charts.figure("亏损与融资：两份来源、两个量级", f"金额（{unit}）", "", size=(7.6, 3.6))
    colors = charts.source_colors(data.source_id.unique())
    for i, r in data.iterrows():
        c = ledger.claim(r.claim_id)
        ax.barh(i, r.value, color=colors[r.source_id][0])
        ax.annotate(f"{ledger.display_value(c)}（{sources.short_name(r.source_id)}）", (r.value, i),
                    textcoords="offset points", xytext=(4, -3), fontsize=8)
    ax.axvline(avg, color="#555", linestyle=":", linewidth=1)
    ax.annotate(f"虚线：累计亏损按五年平摊，每年至少约 {avg:g} 亿元（本书计算）", (avg, -0.62), fontsize=7.5,
                color="#555", xytext=(4, 0), textcoords="offset points", va="center")
    ax.set_ylim(len(data) - 0.5, -0.9)
    ax.set_yticks(range(len(data)), [r.label for r in data.itertuples()], fontsize=8)
    ax.set_xlim(0, max(data.value) * 1.45)
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    charts.publish(fig, "ch06-losses", data,
                   alt="；".join(f"{r.label}：{ledger.display_value(ledger.claim(r.claim_id))}" for r in data.itertuples()),
                   caption=("亏损数字出自 2025 年的报告；两个 2023 年前后的融资数字出自两份来源，相差两个数量级（冲突 CF-68a112），"
                            "分开画出。虚线是本书把“连续五年、累计超百亿”平摊到每年得到的下限。"))


# --- unit economics ----------------------------------------------------------------------------

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
        x = float(str(value).strip().replace(",", "").replace("，", "")) if isinstance(value, str) else float(value)
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
    if not 0 < p <= 1_000_000:
        raise ScenarioError("年费应大于 0 元、不超过一百万元")
    if not 0 <= c <= 100:
        raise ScenarioError("付费转化率应在 0% 到 100% 之间")
    if not -100 <= m <= 100:
        raise ScenarioError("毛利率应在 -100% 到 100% 之间")
    if not 0 <= a <= 1_000_000:
        raise ScenarioError("获客成本应在 0 到一百万元之间")
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

    return (f"年费 {s.price:g} 元（{tag(s.price, base.price)}）；付费转化率 {s.conversion:g}%（{tag(s.conversion, base.conversion)}）；"
            f"毛利率 {s.margin:g}%（{tag(s.margin, base.margin)}）；获客成本 {s.cac:g} 元/人（{tag(s.cac, base.cac)}）")


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
        return f'<div class="ihbook-msg ihbook-msg-warning" role="status">{html.escape(str(exc))}</div>'
    r = unit_economics(s, users)
    be = break_even_conversion(s)
    be_text = "无法盈亏平衡（毛利为零或为负）" if math.isinf(be) else (
        f"{be:.1f}%" + ("（超过 100%，不可能达到）" if be > 100 else ""))
    per_pay = "—" if math.isnan(r["per_paying_user"]) else f"{r['per_paying_user']:+,.1f} 元"
    rows = [("付费用户", f"{r['payers']:,.0f} 人"), ("收入", f"{r['revenue']:,.0f} 元"),
            ("服务成本", f"{r['service_cost']:,.0f} 元"), ("获客成本", f"{r['acquisition_cost']:,.0f} 元"),
            ("结果", f"{r['result']:+,.0f} 元"), ("每名活跃用户", f"{r['per_active_user']:+,.1f} 元"),
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


def glue_numbers() -> None:
    """Glue the book's own computations that chapter 6's prose cites."""
    from IPython.display import Markdown
    from myst_nb import glue

    s = source_scenario()
    r = unit_economics(s)
    avg, unit = five_year_average_loss()
    glue("ch06-break-even", Markdown(f"{break_even_conversion(s):.1f}%（本书计算）"), display=False)
    glue("ch06-be-multiple", Markdown(f"{break_even_conversion(s) / s.conversion:.0f} 倍（本书计算）"), display=False)
    glue("ch06-per-active", Markdown(f"{r['per_active_user']:+.1f} 元（本书计算）"), display=False)
    glue("ch06-per-paying", Markdown(f"{r['per_paying_user']:+.1f} 元（本书计算）"), display=False)
    glue("ch06-cac-per-payer", Markdown(f"{s.cac / (s.conversion / 100):g} 元（本书计算）"), display=False)
    glue("ch06-gross-per-payer", Markdown(f"{s.price * s.margin / 100:.2f} 元（本书计算）"), display=False)
    glue("ch06-avg-loss", Markdown(f"约 {avg:g} {unit}（本书计算，下限）"), display=False)
    arpu = ledger.claim("R25-109")["value"]
    glue("ch06-arpu-payer", Markdown(f"约 {s.price / arpu:.0f} 元（本书计算）"), display=False)
    glue("ch06-arpu-active", Markdown(f"约 {s.price * s.conversion / 100 / arpu:.0f} 元（本书计算）"), display=False)
