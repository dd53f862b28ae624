"""Chapter 6's business models: who pays whom for what, with the sources' numbers and risks.

Each model in :data:`MODELS` (read from ``data/business_models.csv``, ``business_nodes.csv``,
``business_flows.csv`` and ``business_payers.csv``) lists its actors, its flows of money and of services (each flow
with the claim or source behind it), the numbers the sources give and the risks they name.
:func:`flow_figure` draws the flows in code, :func:`flow_explorer` puts all models behind one
kernel-free control. The profitability section has two charts from the ledger, and the
unit-economics explorer (:mod:`business_economics`, re-exported here) works out, from the 2025
report's subscription figures, what a reader's scenario earns or loses per user — the
arithmetic is the book's, labelled as such.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import pandas as pd

from ihbook.show import charts, kit
from ihbook.evidence import involving
from ihbook.evidence import ledger
from ihbook.evidence import quotes
from ihbook.evidence import sources
from ihbook.evidence.ledger import LedgerError  # noqa: F401  (re-exported for readers catching data errors)
from ihbook.evidence.paths import DATA

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


BUSINESS_MODELS = DATA / "business_models.csv"
BUSINESS_NODES = DATA / "business_nodes.csv"
BUSINESS_FLOWS = DATA / "business_flows.csv"
BUSINESS_PAYERS = DATA / "business_payers.csv"


def _ids(s: str) -> list[str]:
    return [x for x in s.split(";") if x]


def load_models() -> tuple[dict[str, str], list[Model]]:
    """The payers and the seven models, read from ``data/business_*.csv`` (content, not code)."""
    read = lambda p: pd.read_csv(p, dtype=str, keep_default_na=False)  # noqa: E731
    payers = dict(read(BUSINESS_PAYERS).itertuples(index=False, name=None))
    nodes, flows = read(BUSINESS_NODES), read(BUSINESS_FLOWS)
    models = []
    for r in read(BUSINESS_MODELS).itertuples():
        nd = {n.node: (n.label.replace("\\n", "\n"), float(n.x), float(n.y)) for n in nodes[nodes.model == r.model].itertuples()}
        fl = [Flow(f.src, f.dst, f.label, f.kind, f.claim_id, f.source_id, float(f.rad or 0),
                   (float(f.label_x), float(f.label_y)) if f.label_x else None)
              for f in flows[flows.model == r.model].sort_values("order", key=lambda s: s.astype(int)).itertuples()]
        models.append(Model(r.model, r.name, r.summary, nd, fl, _ids(r.numbers), _ids(r.risks), _ids(r.source_ids),
                            _ids(r.payers)))
    return payers, models


PAYERS, MODELS = load_models()
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
    return kit.table_html(df, style="font-size:0.82em")


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
                   caption=("亏损数字出自 2025 年的报告；两个 2023 年前后的融资数字出自两份来源，相差两个数量级（冲突 "
                            + "、".join(involving.conflict_ids(data.claim_id, how="within", kind="cross-source"))
                            + "），分开画出。虚线是本书把“连续五年、累计超百亿”平摊到每年得到的下限。"))


from ihbook.chapters.business_economics import (SOURCE_INPUTS, Scenario, ScenarioError,  # noqa: E402,F401
                                                break_even_conversion, check_scenario, describe_scenario,
                                                scenario_figure, scenario_html, scenarios, source_scenario,
                                                unit_economics, unit_economics_explorer, unit_economics_sliders)


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
