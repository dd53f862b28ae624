"""Chapter 7's cases: the company table, derived from the ledger with per-cell provenance.

``data/companies.csv`` is generated here (``python -m ihbook.chapters.cases``) from the claims on each
case's entities: one row per (case, claim), long format, so that every value carries its claim
id, source, period and kind, and — where the conflict detector found a disagreement — the
conflict ids from ``data/conflicts.csv``. Claims about a group of companies (e.g. 微医、平安好医生
等) appear under each member's case, marked ``shared``. Hand-written notes (:func:`note`) say
what a reader should know that the numbers alone do not show (fiscal years, same number used
for different things, claims that cannot be checked). The cases, the notes and the metric
groups are content, not code: they live in ``data/cases.csv``, ``data/case_notes.csv`` and
``data/case_groups.csv`` (schemas in ``data/schemas/``), checked by :func:`check_case_tables`.

The chapter's charts compare like with like (hospital networks, users, doctors) and draw the
two sources apart where they disagree.
"""
from __future__ import annotations

import html
import re
import sys

import pandas as pd

from ihbook.show import charts
from ihbook.evidence import conflicts
from ihbook.evidence import involving
from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.show import kit
from ihbook.show import widgets
from ihbook.evidence.paths import DATA

COMPANIES = DATA / "companies.csv"
COLUMNS = ["case", "case_label", "entity", "entity_label", "metric", "metric_label", "compare_group", "period",
           "value", "value_max", "qualifier", "unit", "value_as_written", "kind", "source_id", "claim_id",
           "conflict_ids", "shared", "note"]

CASES_FILE = DATA / "cases.csv"
NOTES_FILE = DATA / "case_notes.csv"
GROUPS_FILE = DATA / "case_groups.csv"
CONFLICT_PLACEHOLDER = re.compile(r"\{conflict:([A-Z0-9-]+(?:;[A-Z0-9-]+)+)\}")


def _read(path) -> list[dict]:
    return pd.read_csv(path, dtype=str, keep_default_na=False).to_dict("records")


def _split(cell: str) -> list[str]:
    return [x for x in cell.split(";") if x]


# The chapter's content lives in data/ (written by the book's authors, checked by
# check_case_tables): the cases and the entities each covers, one sentence about its sources,
# the notes on single figures, and the metric groups the comparison uses.
CASES: dict[str, tuple[str, list[str]]] = {r["case"]: (r["label"], _split(r["entities"])) for r in _read(CASES_FILE)}
CASE_FACTS: dict[str, str] = {r["case"]: r["facts"] for r in _read(CASES_FILE)}
NOTE_TEMPLATES: dict[str, str] = {r["claim_id"]: r["note"] for r in _read(NOTES_FILE)}
GROUPS: dict[str, list[str]] = {r["group"]: _split(r["metrics"]) for r in _read(GROUPS_FILE) if r["metrics"]}
# An entity filed under more than one case is a group of companies (微医、平安好医生等).
SHARED_ENTITIES = {e for e in {e for _, ents in CASES.values() for e in ents}
                   if sum(e in ents for _, ents in CASES.values()) > 1}


def note(claim_id: str) -> str:
    """The note on one figure, with ``{conflict:A;B}`` replaced by the conflicts registered
    among those claims (or “未登记” when the detector records none)."""
    def sub(m: re.Match) -> str:
        ids = involving.conflict_ids(m.group(1).split(";"), how="within")
        return "、".join(ids) if ids else "未登记"

    return CONFLICT_PLACEHOLDER.sub(sub, NOTE_TEMPLATES.get(claim_id, ""))


def check_case_tables() -> list[str]:
    """The chapter's own tables: every case entity is a ledger entity, every note names a
    ledger claim, and every metric in a group is a ledger metric. Returns problems in Chinese."""
    problems = []
    entities, metrics = set(ledger.entities().index), set(ledger.metrics().index)
    for case, (_, ents) in CASES.items():
        problems += [f"data/cases.csv：案例 {case} 的主体 {e} 不在 data/keys/entities.csv 中"
                     for e in ents if e not in entities]
    for cid, text in NOTE_TEMPLATES.items():
        try:
            ledger.claim(cid)
        except KeyError:
            problems.append(f"data/case_notes.csv：{cid} 不在账本中")
        for m in CONFLICT_PLACEHOLDER.finditer(text):
            for ref in m.group(1).split(";"):
                try:
                    ledger.claim(ref)
                except KeyError:
                    problems.append(f"data/case_notes.csv：{cid} 的注释引用了不存在的数字 {ref}")
    for group, ms in GROUPS.items():
        problems += [f"data/case_groups.csv：组 {group} 的指标 {m} 不在 data/keys/metrics.csv 中"
                     for m in ms if m not in metrics]
    return problems


def _conflict_index() -> dict[str, list[str]]:
    return involving.by_claim()


def group_of(metric: str) -> str:
    for g, ms in GROUPS.items():
        if metric in ms:
            return g
    return "other"


def build_companies() -> pd.DataFrame:
    """The company table from the ledger (what ``data/companies.csv`` should contain)."""
    idx = _conflict_index()
    rows = []
    for case, (label, ents) in CASES.items():
        df = ledger.select(entity=ents).sort_values("claim_id")
        for c in df.to_dict("records"):
            rows.append({
                "case": case, "case_label": label, "entity": c["entity"],
                "entity_label": ledger.entity_label(c["entity"]), "metric": c["metric"],
                "metric_label": ledger.label(c["metric"]), "compare_group": group_of(c["metric"]),
                "period": c["period"], "value": f"{c['value']:g}",
                "value_max": "" if pd.isna(c["value_max"]) else f"{c['value_max']:g}",
                "qualifier": c["qualifier"], "unit": c["unit"], "value_as_written": ledger.display_value(c),
                "kind": c["kind"], "source_id": c["source_id"], "claim_id": c["claim_id"],
                "conflict_ids": ";".join(sorted(set(idx.get(c["claim_id"], [])))),
                "shared": "1" if c["entity"] in SHARED_ENTITIES else "0",
                "note": note(c["claim_id"]),
            })
    return pd.DataFrame(rows, columns=COLUMNS)


def write_companies(path=COMPANIES) -> pd.DataFrame:
    out = build_companies()
    out.to_csv(path, index=False, lineterminator="\n")
    return out


def load_companies() -> pd.DataFrame:
    return pd.read_csv(COMPANIES, dtype=str, keep_default_na=False)


def check_companies(path=COMPANIES) -> list[str]:
    """Provenance checks: every row's value, unit, source and period are the ledger's, and
    every conflict id exists and involves the row's claim. Returns problems in Chinese."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    known = conflicts.load_conflicts().set_index("conflict_id")
    problems = []
    for i, r in enumerate(df.to_dict("records"), start=2):
        try:
            c = ledger.claim(r["claim_id"])
        except KeyError as exc:
            problems.append(f"data/companies.csv 第 {i} 行：{exc}")
            continue
        for col, want in (("source_id", c["source_id"]), ("unit", c["unit"]), ("period", c["period"]),
                          ("entity", c["entity"]), ("metric", c["metric"])):
            if r[col] != want:
                problems.append(f"data/companies.csv 第 {i} 行，列 {col}：与账本 {r['claim_id']} 不符")
        if float(r["value"]) != c["value"]:
            problems.append(f"data/companies.csv 第 {i} 行，列 value：与账本 {r['claim_id']} 不符")
        if r["entity"] not in CASES.get(r["case"], ("", []))[1]:
            problems.append(f"data/companies.csv 第 {i} 行，列 case：主体不属于该案例")
        for cf in filter(None, r["conflict_ids"].split(";")):
            if cf not in known.index:
                problems.append(f"data/companies.csv 第 {i} 行，列 conflict_ids：冲突 {cf} 不在 data/conflicts.csv 中")
            elif r["claim_id"] not in known.loc[cf, "claim_ids"].split(";"):
                problems.append(f"data/companies.csv 第 {i} 行，列 conflict_ids：冲突 {cf} 不涉及 {r['claim_id']}")
    return problems


def case_table(case: str) -> pd.DataFrame:
    """One case's numbers for display: metric, value as written, period, kind, source, id,
    conflicts, note."""
    if case not in CASES:
        raise KeyError(f"没有名为“{case}”的案例；可选：{'、'.join(CASES)}")
    df = load_companies()
    df = df[df.case == case]
    return pd.DataFrame({
        "指标": df.metric_label, "主体": df.entity_label, "数字": df.value_as_written,
        "时期": df.period.replace("", "未注明"), "类型": df.kind.map(ledger.KIND_LABELS),
        "来源": df.source_id.map(sources.short_name), "编号": df.claim_id,
        "冲突": df.conflict_ids.replace("", "—"), "说明": df.note.replace("", "—")}).reset_index(drop=True)


def case_card_html(case: str) -> str:
    label = CASES[case][0]
    t = case_table(case)
    n_src = t["来源"].nunique()
    n_anec = int((t["类型"] == ledger.KIND_LABELS["anecdote"]).sum())
    n_conf = int((t["冲突"] != "—").sum())
    head = (f"<h4>{html.escape(label)}</h4><p>{html.escape(CASE_FACTS[case])}</p>"
            f"<p>本表 {len(t)} 个数字，来自 {n_src} 份来源；其中个例 {n_anec} 个、卷入冲突 {n_conf} 个（本书统计）。</p>")
    table = kit.table_html(t, style="font-size:0.8em")
    return f'<div class="ihbook-card">{head}{widgets.scroll_region(table, label + "：数字表（可滚动）")}</div>'


def case_cards() -> None:
    """A kernel-free selector over the seven case cards."""
    import ipywidgets as w
    from IPython.display import display

    from ihbook.show import widgets

    widgets.deterministic_ids("ch07-case-cards")
    panels = [w.HTML(value=case_card_html(k)) for k in CASES]
    display(widgets.selector([v[0] for v in CASES.values()], panels, "案例：", style="dropdown"))


def show_case(case: str) -> None:
    """Display one case's table; an unknown name gives a clear message."""
    from IPython.display import HTML, display

    from ihbook.show import widgets

    if not isinstance(case, str) or case not in CASES:
        names = "、".join(f"{k}（{v[0]}）" for k, v in CASES.items())
        display(HTML(widgets.message(f"没有名为“{str(case)[:40]}”的案例。可选：{names}", "warning").value))
        return
    display(HTML(case_card_html(case)))


# --- charts -------------------------------------------------------------------------------------

SHORT_CASE = {"weiyi": "微医", "pingan": "平安", "jd": "京东健康", "ali": "阿里健康", "shangyi": "上医仁家",
              "dxy": "丁香园", "cunyitong": "村医通"}
SHORT_METRIC = {"connected_hospitals": "连接医院/机构", "connected_tier3_hospitals": "合作三甲医院",
                "own_internet_hospitals": "自有互联网医院", "monthly_active_users": "月活用户",
                "annual_active_users": "年活用户", "insured_users_served": "服务保险用户",
                "rural_residents_served": "服务农村居民", "registered_doctors_platform": "注册医师",
                "own_doctors": "自有医生", "contracted_doctors": "签约名医", "village_doctors_trained": "培训村医"}

COMPARE_STATES = [
    ("医院网络", ["connected_hospitals", "connected_tier3_hospitals", "own_internet_hospitals"], "家", "数量（家）", False),
    ("用户规模", ["monthly_active_users", "annual_active_users", "insured_users_served", "rural_residents_served"],
     "万人", "人数（万人）", False),
    ("医生与人员", ["registered_doctors_platform", "own_doctors", "contracted_doctors", "village_doctors_trained"],
     "人", "人数（人，对数刻度）", True),
]


def compare_points(metrics: list[str], unit: str) -> pd.DataFrame:
    """Case claims on ``metrics`` (companies' own entities only), converted to ``unit`` — the
    conversion is the book's; ``value_as_written`` keeps the source's form."""
    df = load_companies()
    df = df[df.metric.isin(metrics) & (df.shared == "0")].drop_duplicates("claim_id")
    factor = ledger.UNITS[unit][1]
    df = df.assign(value=[ledger.base_value(ledger.claim(c))[1] / factor for c in df.claim_id])
    df["label"] = (df.case.map(SHORT_CASE) + "·" + df.metric.map(SHORT_METRIC).fillna(df.metric_label)
                   + "（" + df.claim_id + "）")
    return df.sort_values(["case", "metric", "source_id", "claim_id"]).reset_index(drop=True)


def _compare_figure(title: str, metrics: list[str], unit: str, axis: str, log: bool):
    pts = compare_points(metrics, unit)
    fig, ax = charts.figure(f"案例对比：{title}", axis, "", size=(charts.CONTENT_WIDTH_IN, 0.5 * len(pts) + 1.9))
    colors = charts.source_colors(pts.source_id.unique())
    for i, r in pts.iterrows():
        color, _ = colors[r.source_id]
        hatch = "//" if r.qualifier in ("over", "approx", "under") else None
        ax.barh(i, r.value, color=color, hatch=hatch, edgecolor="white" if hatch else None)
        conf = f"；{r.conflict_ids}" if r.conflict_ids else ""
        per = f"，{r.period}" if r.period else ""
        # two short lines instead of one long one, so the chart fits the content width
        ax.annotate(f"{r.value_as_written}\n{sources.short_name(r.source_id)}{per}{conf}", (r.value, i),
                    textcoords="offset points", xytext=(4, 0), va="center", fontsize=8.5, linespacing=1.0)
    ax.set_yticks(range(len(pts)), [lab.replace("（", "\n（", 1) for lab in pts.label], fontsize=9,
                  linespacing=1.0)
    ax.invert_yaxis()
    if log:
        ax.set_xscale("log")
        ax.set_xlim(pts.value.min() / 2, pts.value.max() * 30)
    else:
        ax.set_xlim(0, pts.value.max() * 1.9)
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    from matplotlib.patches import Patch

    handles = [Patch(color=colors[s][0], label=sources.short_name(s)) for s in pts.source_id.unique()]
    handles.append(Patch(facecolor="#bbb", hatch="//", edgecolor="white", label="约/超过/不足（非精确值）"))
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.6 / len(pts) - 0.12),
              ncol=2)
    data = pts[["label", "value", "value_as_written", "period", "claim_id", "source_id", "conflict_ids"]].assign(
        unit=unit, state=title)
    alt = f"案例对比：{title}。" + "；".join(
        f"{r.label} {r.value_as_written}（{sources.short_name(r.source_id)}）" for r in pts.itertuples())
    return fig, data, alt


def compare_chart() -> None:
    """Comparable metrics across cases, three precomputed views, sources in their own colours."""
    states = []
    for title, metrics, unit, axis, log in COMPARE_STATES:
        fig, data, alt = _compare_figure(title, metrics, unit, axis, log)
        states.append((title, fig, data, alt))
    charts.publish_states(
        "ch07-compare", states,
        caption=("每根柱是一个来源的一个数字，颜色表示来源；“万人”“人”的换算由本书完成，柱旁保留原文写法。"
                 "不同指标（月活、年活、服务保险用户、服务农村居民）口径不同，放在一起只为看量级，不能直接排名。"),
        description="对比：")


CONFLICT_PAIRS = [("微医：连接的医院或医疗机构", "weiyi", "connected_hospitals", "家"),
                  ("平安：自有医生", "pingan_health", "own_doctors", "人")]


def conflict_points() -> pd.DataFrame:
    rows = []
    for title, entity, metric, unit in CONFLICT_PAIRS:
        for c in ledger.select(metric=metric, entity=entity).sort_values("claim_id").to_dict("records"):
            rows.append({"panel": title, "label": f"{sources.short_name(c['source_id'])}（{c['claim_id']}）",
                         "value": c["value"], "unit": c["unit"], "value_as_written": ledger.display_value(c),
                         "qualifier": c["qualifier"], "period": c["period"], "claim_id": c["claim_id"],
                         "source_id": c["source_id"]})
    return pd.DataFrame(rows)


def summary_table() -> pd.DataFrame:
    """Per case: how many numbers, from how many sources, how many anecdotes, in conflicts,
    shared with other companies (the book's tally of its own table)."""
    df = load_companies().drop_duplicates(["case", "claim_id"])
    df = df.assign(个例=df.kind.eq("anecdote"), 有冲突=df.conflict_ids.ne(""), 合计数字=df.shared.eq("1"))
    out = df.groupby("case_label", sort=False).agg(
        数字=("claim_id", "count"), 来源数=("source_id", "nunique"), 个例=("个例", "sum"),
        卷入冲突=("有冲突", "sum"), 多家合计=("合计数字", "sum"))
    out.index.name = "案例"
    return out


def conflict_magnitude(conflict_id: str) -> float:
    """The detector's ratio between two disagreeing claims (from data/conflicts.csv)."""
    cf = conflicts.load_conflicts().set_index("conflict_id")
    if conflict_id not in cf.index:
        raise KeyError(f"冲突清单中没有“{conflict_id}”")
    return float(cf.loc[conflict_id, "magnitude"])


def glue_numbers() -> None:
    """Glue the book's tallies that chapter 7's prose cites."""
    from IPython.display import Markdown
    from myst_nb import glue

    # 微医's hospital count: 36氪 (end of 2020) vs the 2025 report — selected from the list, never typed
    for cf in involving.conflict_ids(["KR21-017", "R25-077"], how="exact"):
        glue("ch07-cf-weiyi", Markdown(f"约 {conflict_magnitude(cf):.2f} 倍（冲突清单 {cf}）"), display=False)


def counts() -> dict[str, int]:
    df = load_companies()
    return {"rows": len(df), "claims": df.claim_id.nunique(), "cases": df.case.nunique(),
            "with_conflict": int((df.conflict_ids != "").sum()),
            "anecdotes": int((df.kind == "anecdote").sum())}


def main() -> int:
    out = write_companies()
    print(f"{len(out)} 行 → {COMPANIES.relative_to(DATA.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
