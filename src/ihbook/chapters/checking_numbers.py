"""Chapter 10's tools for checking numbers: conflicts explained, arithmetic redone, sources profiled.

The conflict detector (:mod:`ihbook.evidence.conflicts`) says *where* the sources disagree. This module
helps a reader judge *why*: it shows each conflict's claims with their quotes and a small
figure, attaches a likely reason from ``data/conflict_notes.csv`` (or, for a conflict the
notes do not cover yet, a generic explanation by kind), redoes every stated share, growth or
sum, and profiles each source by signals that a careful reader looks for: unnamed "某平台"
examples, round numbers, figures that contradict each other, the same figures reused for
different entities, and whether the source names where its numbers come from.

Everything is computed from the ledger, the conflict list and the normalized texts at the
time the chapter runs, so a regenerated ``data/conflicts.csv`` is shown in full.
"""
from __future__ import annotations

import base64
import html
import itertools
import re
from functools import lru_cache

import pandas as pd

from ihbook.show import charts
from ihbook.evidence import conflicts
from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.evidence.paths import DATA

NOTES = DATA / "conflict_notes.csv"
NOTE_COLUMNS = ["conflict_id", "verdict", "likely_reason", "note"]
VERDICTS = {"real": "真实分歧", "trivial": "微不足道", "not-a-conflict": "不是冲突"}
REASONS = {
    "definition": "口径不同",
    "timing": "时点不同或未说明",
    "rounding": "约数与取整",
    "transcription": "笔误、转录或转码",
    "arithmetic": "算术不自洽",
    "self_contradiction": "同一文本前后矛盾",
    "unsourced": "无出处，量级可疑",
}
REASON_COLORS = ["#1f5aa6", "#66a182", "#edae49", "#8d6a9f", "#00798c", "#d1495b", "#b5651d"]
GENERIC = {
    "cross-source": ("definition", "两份来源对同一指标给出的数字相差超出取整和合理增长所能解释的范围。常见原因依次是："
                     "统计口径不同（注册用户与活跃用户、全行业与细分领域）、时点不同、其中一方没有出处。"
                     "先比较两句原文的措辞和年份，再看各自引用了谁。"),
    "within-source": ("self_contradiction", "同一份来源在不同段落给同一件事两个数字。若两处时期都未说明，可能只是不同时点；"
                      "若描述的是同一个未具名的平台或试点，则是文本自身的矛盾，常见于拼凑或自动生成的文字。"),
    "arithmetic": ("arithmetic", "来源陈述的比例、增速或合计，与它自己给出的组成数字重算的结果不符。"
                   "可能是笔误，也可能是几个数字取自不同的出处、被拼在了一句话里。"),
    "definition": ("definition", "两处都叫同一个名称（如“市场规模”），量的却是不同的东西。"
                   "这不是谁对谁错，而是不能放在一起比较。"),
}
# Organisations a source may name as the origin of its numbers (aliases → one name).
ORGANISATIONS = {
    "艾瑞咨询": ["艾瑞"], "易观": ["易观"], "IT桔子": ["IT桔子"], "国家统计局": ["国家统计局"],
    "艾媒咨询": ["艾媒"], "安信证券": ["安信证券"], "世界卫生组织": ["世界卫生组织", "WHO"],
    "卫生统计年鉴": ["卫生统计年鉴"], "世界银行": ["World Bank", "世界银行"], "企业招股书": ["招股书"],
    "美国卫生及公共服务部": ["美国卫生及公共服务部"], "观研天下": ["观研天下"],
    "中国互联网络信息中心": ["中国互联网络信息中心", "CNNIC"],
}
ANON = re.compile(r"某(?!些|种|个|一)")
VAGUE = re.compile(r"[几数余多上]|^[十百千万亿]+$|^[一二两三四五六七八九][十百千万亿]")
KIND_ORDER = ["cross-source", "within-source", "arithmetic", "definition"]


def _say(text: str) -> None:
    """A clear, escaped message for the reader instead of a traceback."""
    from IPython.display import display

    display({"text/html": f'<div class="ihbook-msg" role="status">{html.escape(text)}</div>',
             "text/plain": text}, raw=True)


def _html(body: str, plain: str) -> None:
    from IPython.display import display

    display({"text/html": body, "text/plain": plain}, raw=True)


# ---------------------------------------------------------------------------- conflicts

@lru_cache(maxsize=8)
def _read_notes(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def load_notes(path=NOTES) -> pd.DataFrame:
    """data/conflict_notes.csv (a copy), read once per version of the file: every conflict
    panel asks for it."""
    from pathlib import Path

    st = Path(path).stat()
    return _read_notes(str(path), st.st_mtime_ns, st.st_size).copy()


def check_notes(path=NOTES) -> list[ledger.DataError]:
    """Problems in the notes table: unknown reason, empty note, duplicate or stale id."""
    name = "data/conflict_notes.csv"
    df = load_notes(path)
    errors = []
    if list(df.columns) != NOTE_COLUMNS:
        return [ledger.DataError(name, 1, ",".join(df.columns), f"列应为 {','.join(NOTE_COLUMNS)}")]
    known = set(conflicts.load_conflicts().conflict_id)
    for i, r in enumerate(df.to_dict("records"), start=2):
        if r["verdict"] not in VERDICTS:
            errors.append(ledger.DataError(name, i, "verdict", f"“{r['verdict']}”不在 {'/'.join(VERDICTS)} 中"))
        if r["likely_reason"] not in REASONS:
            errors.append(ledger.DataError(name, i, "likely_reason", f"“{r['likely_reason']}”不在 {'/'.join(REASONS)} 中"))
        if not r["note"].strip():
            errors.append(ledger.DataError(name, i, "note", "说明为空"))
        if r["conflict_id"] not in known:
            errors.append(ledger.DataError(name, i, "conflict_id", f"“{r['conflict_id']}”不在 data/conflicts.csv 中（已过时？）"))
    for cid in sorted(known - set(df.conflict_id)):
        errors.append(ledger.DataError(name, len(df) + 2, "conflict_id", f"冲突 {cid} 没有判定与说明"))
    for cid in df.conflict_id[df.conflict_id.duplicated()]:
        errors.append(ledger.DataError(name, int(df.index[df.conflict_id == cid][-1]) + 2, "conflict_id", f"“{cid}”重复"))
    return errors


def conflict(conflict_id: str) -> dict:
    """One row of data/conflicts.csv; an unknown id gives a clear Chinese error."""
    df = conflicts.load_conflicts()
    row = df[df.conflict_id == conflict_id]
    if row.empty:
        raise KeyError(f"冲突清单中没有“{conflict_id}”（编号形如 CF-1a2b3c）")
    return row.iloc[0].to_dict()


def explain(conflict_id: str) -> tuple[str, str, bool]:
    """``(reason label, note, specific?)``: the note for this conflict, or the generic one by kind."""
    c = conflict(conflict_id)
    notes = load_notes()
    row = notes[notes.conflict_id == conflict_id]
    if len(row):
        r = row.iloc[0]
        return REASONS[r["likely_reason"]], r["note"], True
    reason, text = GENERIC.get(c["kind"], ("definition", "（暂无说明）"))
    return REASONS[reason], text, False


def claims_of(conflict_id: str) -> pd.DataFrame:
    ids = conflict(conflict_id)["claim_ids"].split(";")
    df = ledger.load_claims().set_index("claim_id")
    return df.loc[ids].reset_index()


def stated_claim(conflict_id: str) -> dict:
    """In an arithmetic conflict, the claim that states the share/growth/sum (it has the relation
    naming the others); otherwise the first claim."""
    recs = claims_of(conflict_id).to_dict("records")
    ids = {r["claim_id"] for r in recs}
    for r in recs:
        if r["relation"] and set(r["relation"].split(":")[1].split(",")) <= ids:
            return r
    return recs[0]


def _unit_for(recs: list[dict]) -> str:
    """The unit to draw a conflict in: the first claim's, if every claim converts to it."""
    unit = recs[0]["unit"]
    dim = ledger.UNITS[unit][0]
    return unit if all(ledger.UNITS[r["unit"]][0] == dim for r in recs) else ""


def conflict_values(conflict_id: str) -> pd.DataFrame:
    """What a conflict's figure draws: each claim's value (in one unit), and for an arithmetic
    conflict the value the book recomputes from the parts the source itself gives."""
    c = conflict(conflict_id)
    recs = claims_of(conflict_id).to_dict("records")
    rows = []
    if c["kind"] == "arithmetic":
        stated = stated_claim(conflict_id)
        by_id = {r["claim_id"]: r for r in ledger.load_claims().to_dict("records")}
        got = conflicts.recompute(stated, by_id) if stated["relation"] and not stated["relation"].startswith("exceeds") else None
        rows.append({"label": f"来源所述（{stated['claim_id']}）", "value": stated["value"], "unit": stated["unit"],
                     "claim_id": stated["claim_id"], "source_id": stated["source_id"], "computed": False,
                     "as_written": ledger.display_value(stated)})
        if got:
            rows.append({"label": "本书按其组成数字重算", "value": round(got[0], 4), "unit": stated["unit"],
                         "claim_id": stated["claim_id"], "source_id": stated["source_id"], "computed": True,
                         "as_written": f"{got[0]:.1f}{stated['unit']}（本书重算）"})
        return pd.DataFrame(rows)
    unit = _unit_for(recs)
    for r in recs:
        value = r["value"] if not unit else ledger.base_value(r)[1] / ledger.UNITS[unit][1]
        period = r["period"].replace("/", "–") if r["period"] else "时期未说明"
        rows.append({"label": f"{sources.short_name(r['source_id'])}｜{period}｜{r['claim_id']}",
                     "value": value, "unit": unit or r["unit"], "claim_id": r["claim_id"],
                     "source_id": r["source_id"], "computed": False, "as_written": ledger.display_value(r),
                     "metric": r["metric"]})
    return pd.DataFrame(rows)


def conflict_figure(conflict_id: str, size=(6.4, 2.3)):
    """A small horizontal bar chart of one conflict: values by source (or stated vs recomputed)."""
    c = conflict(conflict_id)
    data = conflict_values(conflict_id)
    unit = data.unit.iloc[0]
    ratio = float(c["magnitude"])
    log = data.value.min() > 0 and data.value.max() / data.value.min() > 20
    title = f"{conflict_id}：相差 {ratio:g} 倍" if c["kind"] != "arithmetic" else f"{conflict_id}：所述÷重算 = {ratio:g}"
    fig, ax = charts.figure(title, f"数值（{unit}{'，对数刻度' if log else ''}）", "",
                            size=(size[0], size[1] + 0.25 * max(0, len(data) - 2)))
    colors = charts.source_colors(data.source_id.unique())
    ys = list(range(len(data)))[::-1]
    for y, r in zip(ys, data.itertuples()):
        color = "#999999" if r.computed else colors[r.source_id][0]
        if log:  # bars mislead on a log axis: a dot per value instead
            ax.plot(r.value, y, marker=colors[r.source_id][1], color=color, markersize=9, linestyle="none")
        else:
            ax.barh(y, r.value, color=color, height=0.55, hatch="//" if r.computed else None,
                    edgecolor="white" if not r.computed else "#666666")
        text = r.as_written if isinstance(getattr(r, "as_written", None), str) else f"{r.value:.1f}{unit}"
        ax.annotate(text, (r.value, y), xytext=(7, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(ys, data.label, fontsize=8)
    if log:
        from matplotlib.ticker import FuncFormatter

        ax.set_xscale("log")
        ax.set_xlim(data.value.min() / 3, data.value.max() * 8)
        ax.set_ylim(-0.6, len(data) - 0.4)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    else:
        ax.set_xlim(0, data.value.max() * 1.35)
    ax.grid(axis="y", alpha=0)
    ax.grid(axis="x", alpha=0.3)
    return fig, data


def _png(fig) -> str:
    """The figure as base64 PNG, reduced to a 64-colour palette: the conflict browser holds one
    image per conflict in the page's widget state, and a palette PNG is about a third the size."""
    import io

    from PIL import Image

    im = Image.open(io.BytesIO(charts.to_png(fig))).convert("RGB")
    buf = io.BytesIO()
    im.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(buf, format="PNG", optimize=True)
    return base64.b64encode(buf.getvalue()).decode()


def conflict_html(conflict_id: str, with_figure: bool = True) -> str:
    """One conflict as an HTML panel: summary, the claims with their quotes, figure, reason."""
    c = conflict(conflict_id)
    reason, note, specific = explain(conflict_id)
    items = []
    for r in claims_of(conflict_id).to_dict("records"):
        items.append(f"<li><b>{html.escape(r['claim_id'])}</b>　{html.escape(sources.short_name(r['source_id']))}，"
                     f"{html.escape(r['period'] or '时期未说明')}，{html.escape(ledger.display_value(r))}"
                     f"（{html.escape(ledger.KIND_LABELS[r['kind']])}）：<q>{html.escape(r['quote'])}</q></li>")
    fig_html = ""
    if with_figure:
        fig, data = conflict_figure(conflict_id)
        alt = f"{conflict_id}：" + charts.describe(data, "label", "value", data.unit.iloc[0])
        fig_html = (f'<img src="data:image/png;base64,{_png(fig)}" alt="{html.escape(alt, quote=True)}" '
                    'style="max-width:100%;height:auto">')
    working = ""
    if c["kind"] == "arithmetic":
        working = f"<p><b>重算：</b>{html.escape(arithmetic_working(conflict_id))}</p>"
    tag = "" if specific else "（按类型的一般说明）"
    return (f'<div class="ihbook-conflict" id="{html.escape(conflict_id.lower())}">'
            f"<p><b>{html.escape(conflict_id)}</b>　{html.escape(conflicts.KIND_LABELS.get(c['kind'], c['kind']))}"
            f"　{html.escape(c['summary'])}</p><ul>{''.join(items)}</ul>{working}{fig_html}"
            f"<p><b>可能原因：{html.escape(reason)}</b>{html.escape(tag)}　{html.escape(note)}</p></div>")


def arithmetic_working(conflict_id: str) -> str:
    """The recomputation behind an arithmetic conflict, in words (from conflicts.recompute)."""
    stated = stated_claim(conflict_id)
    by_id = {r["claim_id"]: r for r in ledger.load_claims().to_dict("records")}
    if not stated["relation"] or stated["relation"].startswith("exceeds"):
        return f"{stated['claim_id']} 称其数值大于所比较的数字，但并不更大。"
    got = conflicts.recompute(stated, by_id)
    if got is None:
        return "无法重算（缺少时期）。"
    return f"来源称 {ledger.display_value(stated)}（{stated['claim_id']}）；重算：{got[1]}"


def conflicts_table(kind: str | None = None) -> pd.DataFrame:
    """The conflict list with reasons attached (all kinds, or one)."""
    df = conflicts.load_conflicts()
    if kind is not None:
        df = df[df.kind == kind]
    rows = []
    for r in df.to_dict("records"):
        reason, note, specific = explain(r["conflict_id"])
        rows.append({"编号": r["conflict_id"], "类型": conflicts.KIND_LABELS.get(r["kind"], r["kind"]),
                     "涉及数字": r["claim_ids"].replace(";", "、"), "倍数": r["magnitude"],
                     "可能原因": reason, "说明": note + ("" if specific else "（一般说明）"), "摘要": r["summary"]})
    return pd.DataFrame(rows)


def kinds_present() -> list[str]:
    """Kinds in the conflict list: the four known ones first, then any new kind."""
    kinds = list(dict.fromkeys(conflicts.load_conflicts().kind))
    return [k for k in KIND_ORDER if k in kinds] + [k for k in kinds if k not in KIND_ORDER]


def conflict_list(kind: str) -> None:
    """Display every conflict of one kind as a table (rendered from data/conflicts.csv)."""
    tab = conflicts_table(kind)
    if tab.empty:
        _say(f"冲突清单中没有“{conflicts.KIND_LABELS.get(kind, kind)}”类冲突。")
        return
    nowrap = ' style="white-space:nowrap"'
    head = (f"<th{nowrap}>编号</th><th>摘要</th><th{nowrap}>倍数</th>"
            f'<th style="min-width:5.5em">可能原因</th><th>说明</th>')
    body = "".join(
        f"<tr><td{nowrap}><b>{html.escape(r['编号'])}</b></td><td>{html.escape(r['摘要'])}</td>"
        f"<td{nowrap}>{html.escape(r['倍数'])}</td><td>{html.escape(r['可能原因'])}</td>"
        f"<td>{html.escape(r['说明'])}</td></tr>"
        for r in tab.to_dict("records"))
    plain = "\n".join(f"{r['编号']}｜{r['倍数']}｜{r['可能原因']}｜{r['摘要']}" for r in tab.to_dict("records"))
    _html(f'<table class="ihbook-conflicts"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>', plain)


def other_kinds() -> None:
    """Conflicts of any kind the chapter has no section for (so none can go missing)."""
    extra = [k for k in kinds_present() if k not in KIND_ORDER]
    if not extra:
        _say("冲突清单中没有其他类型的冲突：以上四节已列出全部。")
        return
    for k in extra:
        conflict_list(k)


def coverage() -> dict:
    """How many conflicts the list holds, by kind, and how many have a specific note."""
    df = conflicts.load_conflicts()
    noted = set(load_notes().conflict_id)
    return {"total": len(df), "by_kind": {conflicts.KIND_LABELS.get(k, k): int(n)
                                          for k, n in df.kind.value_counts().reindex(kinds_present()).items()},
            "with_note": int(df.conflict_id.isin(noted).sum())}


def overview_chart() -> None:
    """Every conflict as one row: how many times apart its numbers are (log scale), by kind."""
    import matplotlib.pyplot as plt

    from ihbook.show import fonts

    df = conflicts.load_conflicts().assign(magnitude=lambda d: d.magnitude.astype(float))
    kinds = kinds_present()
    fonts.setup()
    counts = [int((df.kind == k).sum()) for k in kinds]
    fig, axes = plt.subplots(len(kinds), 1, figsize=(7.6, 1.2 + 0.2 * sum(counts) + 0.5 * len(kinds)), dpi=charts.DPI,
                             sharex=True, gridspec_kw={"height_ratios": [max(c, 1) + 1.2 for c in counts]})
    axes = list(axes) if len(kinds) > 1 else [axes]
    hi = max(df.magnitude.max(), 2) * 3
    for ax, kind in zip(axes, kinds):
        grp = df[df.kind == kind].sort_values("magnitude").reset_index(drop=True)
        reasons = [explain(c)[0] for c in grp.conflict_id]
        colors = [REASON_COLORS[list(REASONS.values()).index(r) % len(REASON_COLORS)] for r in reasons]
        ax.hlines(range(len(grp)), 1, grp.magnitude, color=colors, linewidth=2.5)
        ax.plot(grp.magnitude, range(len(grp)), "o", color="#333", markersize=3.5)
        for y, r in enumerate(grp.itertuples()):
            ax.annotate(f"{r.magnitude:g}", (r.magnitude, y), xytext=(4, -3), textcoords="offset points", fontsize=7)
        ax.set_yticks(range(len(grp)), grp.conflict_id, fontsize=7)
        ax.set_ylim(-0.8, len(grp) - 0.2)
        ax.set_xscale("log")
        ax.set_xlim(0.95, hi)
        ax.set_ylabel(conflicts.KIND_LABELS.get(kind, kind), fontsize=9, rotation=0, ha="right", va="center")
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", alpha=0.3, which="both")
    axes[0].set_title("全部冲突：两个数字相差多少倍（按类型分组，颜色为可能原因）", loc="left", fontsize=12)
    used = [r for r in REASONS.values() if r in {explain(c)[0] for c in df.conflict_id}]
    handles = [plt.Line2D([], [], color=REASON_COLORS[list(REASONS.values()).index(r) % len(REASON_COLORS)],
                          linewidth=3) for r in used]
    axes[0].legend(handles, used, frameon=False, fontsize=8, loc="lower right")
    axes[-1].set_xlabel("相差倍数（倍，对数刻度；算术冲突为所述÷重算）")
    axes[-1].xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
    fig.tight_layout()
    data = pd.DataFrame({"label": df.conflict_id + "｜" + df.kind.map(lambda k: conflicts.KIND_LABELS.get(k, k)),
                         "value": df.magnitude, "unit": "倍",
                         "claim_id": df.claim_ids.str.split(";").str[0], "claim_ids": df.claim_ids})
    charts.publish(fig, "ch10-conflicts-overview", data, caption=(
        "冲突清单（data/conflicts.csv）中的每一条占一行，横轴是两个数字相差的倍数，颜色是本书判断的可能原因"
        "（data/conflict_notes.csv）。"
        "倍数由检测器计算：先按“约”“超过”等限定词和取整放宽每个数字，再比较最近的两端，所以往往小于两个点值之比。"
        "CSV 中的 claim_id 为每条冲突的第一个数字，claim_ids 列出全部。"))


def conflict_browser(default: str | None = None) -> None:
    """Pick a conflict → its claims, quotes, figure and likely reason (precomputed panels)."""
    from IPython.display import display

    from ihbook.show import widgets

    widgets.deterministic_ids("ch10-conflict-browser")
    df = conflicts.load_conflicts()
    labels, panels = [], []
    for r in df.to_dict("records"):
        kind = conflicts.KIND_LABELS.get(r["kind"], r["kind"])
        labels.append(f"{r['conflict_id']}（{kind}，{float(r['magnitude']):g} 倍）")
        panels.append(widgets.w.HTML(value=conflict_html(r["conflict_id"])))
    start = list(df.conflict_id).index(default) if default in set(df.conflict_id) else 0
    display(widgets.selector(labels, panels, "冲突：", default=start, style="dropdown"))


def show_conflict(conflict_id: str) -> None:
    """Reader-callable: one conflict's panel; a clear message for a bad id."""
    if not isinstance(conflict_id, str) or not re.fullmatch(r"CF-[0-9a-f]{6}", conflict_id.strip()):
        _say(f"“{str(conflict_id)[:40]}”不是冲突编号：编号形如 CF-1a2b3c，见 data/conflicts.csv。")
        return
    try:
        body = conflict_html(conflict_id.strip())
    except KeyError as exc:
        _say(str(exc).strip("'\""))
        return
    _html(body, conflict(conflict_id.strip())["summary"])


# ------------------------------------------------------------------------ arithmetic

def arithmetic_checks() -> pd.DataFrame:
    """Every claim whose relation says it is a share, growth, sum… of others: redone, with verdict."""
    df = ledger.load_claims()
    by_id = {r["claim_id"]: r for r in df.to_dict("records")}
    flagged = set(itertools.chain.from_iterable(
        r.split(";") for r in conflicts.load_conflicts().query("kind == 'arithmetic'").claim_ids))
    rows = []
    for rec in df[df.relation != ""].sort_values("claim_id").to_dict("records"):
        op, refs = rec["relation"].split(":")
        if op == "exceeds":
            other = by_id[refs]
            ok = ledger.base_value(rec)[1] > ledger.base_value(other)[1]
            working = f"{ledger.display_value(rec)} 与 {ledger.display_value(other)}（{other['claim_id']}）比较"
        else:
            got = conflicts.recompute(rec, by_id)
            if got is None:
                continue
            working = got[1]
            ok = rec["claim_id"] not in flagged
        rows.append({"编号": rec["claim_id"], "来源": sources.short_name(rec["source_id"]),
                     "来源所述": ledger.display_value(rec), "关系": op, "重算": working,
                     "结论": "相符" if ok else "不符（见冲突清单）"})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------- source profile

def is_round(value_text: str, value: float) -> bool:
    """A number a writer might have rounded or made up: vague words (上千, 数百, 20几), a simple
    fraction, an integer with one significant digit, or a multiple of five with two."""
    vt = value_text.replace(",", "")
    if VAGUE.search(vt) or re.fullmatch(r"\d+/\d+", vt):
        return True
    if not float(value).is_integer() or value == 0:
        return False
    digits = str(int(abs(value))).rstrip("0")
    return len(digits) == 1 or (len(digits) == 2 and int(digits) % 5 == 0)


def anon_rate(source_id: str) -> float:
    """“某…” (an unnamed platform, province, company…) per 10,000 characters of text."""
    text = sources.text(source_id)
    return len(ANON.findall(text)) / len(text) * 10000


def cited_organisations(source_id: str) -> list[str]:
    """Organisations the text names as the origin of numbers, other than its own publisher."""
    text = sources.text(source_id)
    publisher = sources.source(source_id)["publisher"]
    found = []
    for name, aliases in ORGANISATIONS.items():
        if any(a in publisher for a in aliases):
            continue
        if any(a in text for a in aliases):
            found.append(name)
    return found


def reused_figures(source_id: str | None = None) -> pd.DataFrame:
    """The same metric and value given for different entities within one source."""
    df = ledger.load_claims()
    if source_id is not None:
        df = df[df.source_id == source_id]
    rows = []
    for (sid, metric, value, unit), grp in df.groupby(["source_id", "metric", "value", "unit"], sort=True):
        if grp.entity.nunique() < 2:
            continue
        rows.append({"来源": sources.short_name(sid), "指标": ledger.label(metric),
                     "数值": ledger.display_value(grp.iloc[0].to_dict()),
                     "主体": "；".join(dict.fromkeys(grp.entity.map(ledger.entity_label))),
                     "编号": "、".join(grp.claim_id), "source_id": sid})
    return pd.DataFrame(rows, columns=["来源", "指标", "数值", "主体", "编号", "source_id"])


def shared_number_sets(source_id: str, min_shared: int = 3) -> pd.DataFrame:
    """Pairs of sentences about different entities that share at least ``min_shared`` figures —
    the same bundle of numbers told twice about different things."""
    df = ledger.load_claims()
    df = df[df.source_id == source_id]
    groups = []
    for quote, grp in df.groupby("quote", sort=False):
        groups.append((quote, set(zip(grp.value, grp.unit)), set(grp.entity), list(grp.claim_id)))
    rows = []
    for (qa, va, ea, ia), (qb, vb, eb, ib) in itertools.combinations(groups, 2):
        shared = va & vb
        if len(shared) >= min_shared and not (ea & eb):
            rows.append({"数字": "、".join(f"{v:g}{u}" for v, u in sorted(shared)), "句一": qa, "编号一": "、".join(ia),
                         "句二": qb, "编号二": "、".join(ib)})
    return pd.DataFrame(rows)


def within_conflicts(source_id: str) -> int:
    """Conflicts whose claims all come from this one source (within-source and arithmetic)."""
    n = 0
    for r in conflicts.load_conflicts().to_dict("records"):
        ids = r["claim_ids"].split(";")
        if {ledger.claim(i)["source_id"] for i in ids} == {source_id} and r["kind"] != "definition":
            n += 1
    return n


def within_origin() -> str:
    """Which sources the within-source conflicts come from, e.g. ‘全部出自文档分享网站（2025）’."""
    df = conflicts.load_conflicts().query("kind == 'within-source'")
    if df.empty:
        return "没有出现"
    origin = df.claim_ids.str.split(";").str[0].map(lambda c: ledger.claim(c)["source_id"]).value_counts()
    if len(origin) == 1:
        return f"全部出自{sources.short_name(origin.index[0])}"
    return "分别出自" + "、".join(f"{sources.short_name(s)}（{n} 条）" for s, n in origin.items())


@lru_cache(maxsize=None)
def _profile() -> pd.DataFrame:
    claims = ledger.load_claims()
    reused = reused_figures()
    rows = []
    for s in sources.load_sources().to_dict("records"):
        sid = s["source_id"]
        mine = claims[claims.source_id == sid]
        n = len(mine)
        orgs = cited_organisations(sid)
        rows.append({
            "source_id": sid, "来源": sources.short_name(sid),
            "署名作者": s["author"] or "未署名",
            "文本": "预览/摘录" if s["kind"] == "report-preview" else "全文（网页文章）",
            "字数": len(sources.text(sid)),
            "数字条数": n,
            "个例占比（%）": round(100 * (mine.kind == "anecdote").mean(), 1) if n else 0.0,
            "整数/约数占比（%）": round(100 * sum(is_round(v, x) for v, x in zip(mine.value_text, mine.value)) / n, 1) if n else 0.0,
            "“某”每万字": round(anon_rate(sid), 1),
            "内部冲突": within_conflicts(sid),
            "同值异主体": int((reused.source_id == sid).sum()),
            "点名的数据出处": "、".join(orgs) if orgs else "无",
            "出处数": len(orgs),
        })
    return pd.DataFrame(rows)


def source_profile() -> pd.DataFrame:
    """One row per source with the signals chapter 10 discusses (all computed, none typed)."""
    return _profile().copy()


def profile_chart() -> None:
    """The profile's numeric signals, one small panel each, a bar per source."""
    import matplotlib.pyplot as plt

    from ihbook.show import fonts

    prof = source_profile()
    cols = [("个例占比（%）", "个例占比（%）"), ("整数/约数占比（%）", "整数或约数占比（%）"),
            ("“某”每万字", "“某…”每万字（次）"), ("内部冲突", "内部冲突（条）"),
            ("同值异主体", "同值异主体（组）"), ("出处数", "点名的数据出处（个）")]
    fonts.setup()
    fig, axes = plt.subplots(2, 3, figsize=(10, 6.2), dpi=charts.DPI)
    colors = charts.source_colors(prof.source_id)
    names = [_wrap(sources.short_name(s)) for s in prof.source_id]
    for ax, (col, label) in zip(axes.flat, cols):
        ax.bar(range(len(prof)), prof[col], color=[colors[s][0] for s in prof.source_id])
        for i, v in enumerate(prof[col]):
            ax.annotate(f"{v:g}", (i, v), ha="center", va="bottom", fontsize=8)
        ax.set_xticks(range(len(prof)), names, fontsize=7)
        ax.set_ylabel(label, fontsize=8)
        ax.set_ylim(0, max(prof[col].max() * 1.25, 1))
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", alpha=0.3)
    axes.flat[0].set_title("五份来源的可靠性信号（本书据账本与文本计算）", loc="left", fontsize=12)
    fig.tight_layout()
    long = prof.melt(id_vars=["source_id", "来源"], value_vars=[c for c, _ in cols], var_name="signal",
                     value_name="value")
    data = long.assign(label=long["来源"] + "｜" + long.signal, unit="")[["label", "value", "unit", "source_id"]]
    charts.publish(fig, "ch10-source-profile", data, caption=(
        "每个面板一种信号，每根柱一份来源。个例占比与整数/约数占比按账本中该来源的全部数字计算；“某…”次数按规范化文本计算；"
        "内部冲突取自冲突清单；同值异主体是同一指标、同一数值出现在不同主体身上的组数；出处数是文本点名的其他机构数。"
        "这些都是提醒读者细看的信号，不是判决：一篇短文数字少，比例会大起大落。"))


def _wrap(name: str, width: int = 4) -> str:
    """``人人都是产品经理（2021）`` → three short lines, for tick labels under narrow bars."""
    base, _, year = name.partition("（")
    lines = [base[i:i + width] for i in range(0, len(base), width)]
    return "\n".join(lines + [f"（{year}" if year else ""]).strip()


def profile_table() -> pd.DataFrame:
    """The profile as the chapter shows it (without the helper column)."""
    return source_profile().drop(columns=["source_id", "出处数"])


# ------------------------------------------------------------------------- the ledger

FIELD_NOTES = {
    "claim_id": "编号：来源前缀 + 两位年份 + 三位序号，全书引用这个数字都用它",
    "source_id": "来源编号，对应 data/sources.csv 的一行",
    "topic": "主题（市场、资本、用户……），供各章取数",
    "metric": "指标键，受控词表 data/keys/metrics.csv：同一个量在不同来源里用同一个键",
    "entity": "主体键，受控词表 data/keys/entities.csv：全国、某家企业、或一个未具名的“某平台”",
    "period": "时期：年、年月、半年、季度或跨年区间；来源没写就留空",
    "value": "来源所写的数值，保留来源的单位，不换算",
    "value_max": "区间的上限（只有区间才填）",
    "value_text": "数字在原文中的写法（如“上千”“2,839.6”），必须是引文的子串",
    "qualifier": "限定词：约、超过、不足、区间，或空（确数）",
    "unit": "来源的单位（亿元、万人、%……）",
    "kind": "类型：实测/报告值、估算、预测、目标、个例",
    "quote": "逐字引文：规范化文本中的一段原话，测试会逐字核对",
    "relation": "与其他数字的算术关系（占比、增速、合计……），供检测器重算",
    "note": "编者备注：口径、歧义、出处",
}


def claim_fields(claim_id: str) -> pd.DataFrame:
    """One claim laid out column by column, with what each column means."""
    c = ledger.claim(claim_id)
    rows = []
    for col in ledger.COLUMNS:
        v = c[col]
        text = "" if v is None or (isinstance(v, float) and pd.isna(v)) else (f"{v:g}" if isinstance(v, float) else str(v))
        rows.append({"列": col, "含义": FIELD_NOTES.get(col, ""), "这一条的值": text})
    return pd.DataFrame(rows)


def show_table(df: pd.DataFrame) -> None:
    """A table without the pandas index, escaped, with a plain-text twin (deterministic output)."""
    _html(df.to_html(index=False, escape=True, classes="ihbook-table", border=0), df.to_string(index=False))


# ------------------------------------------------------------------------- search

def kwic(source_id: str, word: str, width: int = 20, limit: int = 50) -> pd.DataFrame:
    """Every place ``word`` occurs in a source's text, with ``width`` characters either side.

    Bad input (unknown source, empty or overlong word, non-positive width) gives a Chinese
    message and an empty table, never a traceback.
    """
    empty = pd.DataFrame(columns=["位置", "前文", "词", "后文"])
    known = list(sources.load_sources().source_id)
    if source_id not in known:
        _say(f"未知来源“{str(source_id)[:40]}”。可选：{'、'.join(known)}。")
        return empty
    if not isinstance(word, str) or not word.strip():
        _say("请给出要查找的词（不能为空）。")
        return empty
    if len(word) > 50:
        _say("要查找的词太长（最多 50 个字符）。")
        return empty
    if not isinstance(width, int) or not 1 <= width <= 200:
        _say("上下文宽度应为 1 到 200 之间的整数。")
        return empty
    text = sources.text(source_id)
    rows = []
    for m in re.finditer(re.escape(word), text):
        rows.append({"位置": m.start(), "前文": text[max(0, m.start() - width):m.start()].replace("\n", " "),
                     "词": word, "后文": text[m.end():m.end() + width].replace("\n", " ")})
        if len(rows) >= limit:
            break
    if not rows:
        _say(f"在 {source_id} 中没有找到“{word}”。")
    return pd.DataFrame(rows, columns=empty.columns) if rows else empty


def claim_card(claim_id: str) -> None:
    """Reader-callable: one claim with its quote, and the recomputation if it has a relation."""
    if not isinstance(claim_id, str) or not ledger.CLAIM_ID.match(claim_id.strip()):
        _say(f"“{str(claim_id)[:40]}”不是数字编号：编号形如 WS21-001。")
        return
    try:
        c = ledger.claim(claim_id.strip())
    except KeyError as exc:
        _say(str(exc).strip("'\""))
        return
    lines = [f"{c['claim_id']}｜{sources.short_name(c['source_id'])}｜{c['period'] or '时期未说明'}｜"
             f"{ledger.label(c['metric'])}（{ledger.entity_label(c['entity'])}）：{ledger.display_value(c)}，"
             f"{ledger.KIND_LABELS[c['kind']]}", f"原文：{c['quote']}"]
    if c["relation"] and not c["relation"].startswith("exceeds"):
        by_id = {r["claim_id"]: r for r in ledger.load_claims().to_dict("records")}
        got = conflicts.recompute(c, by_id)
        if got:
            lines.append(f"重算：{got[1]}")
    body = "<br>".join(html.escape(x) for x in lines)
    _html(f'<div class="ihbook-claim">{body}</div>', "\n".join(lines))


# ------------------------------------------------------------------------ glue for prose

def glue_numbers() -> None:
    """Glue the chapter's computed figures (counts and rates) for {glue:md} in the prose."""
    from IPython.display import Markdown
    from myst_nb import glue

    cov = coverage()
    glue("ch10-total", Markdown(f"{cov['total']} 条"), display=False)
    counts = conflicts.load_conflicts().kind.value_counts()
    for kind in KIND_ORDER:
        glue(f"ch10-n-{kind}", Markdown(f"{int(counts.get(kind, 0))} 条"), display=False)
    glue("ch10-with-note", Markdown(f"{cov['with_note']} 条"), display=False)
    prof = source_profile().set_index("source_id")
    for sid, r in prof.iterrows():
        glue(f"ch10-anon-{sid}", Markdown(f"{r['“某”每万字']:g} 次"), display=False)
        glue(f"ch10-anecdote-{sid}", Markdown(f"{r['个例占比（%）']:g}%"), display=False)
        glue(f"ch10-round-{sid}", Markdown(f"{r['整数/约数占比（%）']:g}%"), display=False)
        glue(f"ch10-claims-{sid}", Markdown(f"{r['数字条数']} 条"), display=False)
    n_anon = len(ANON.findall(sources.text("report-2025")))
    glue("ch10-anon-count-report-2025", Markdown(f"{n_anon} 处"), display=False)
    glue("ch10-reused-report-2025", Markdown(f"{len(reused_figures('report-2025'))} 组"), display=False)
    glue("ch10-within-origin", Markdown(within_origin()), display=False)
    claims = ledger.load_claims()
    glue("ch10-ledger-size", Markdown(f"{len(claims)} 条"), display=False)
    glue("ch10-metric-keys", Markdown(f"{len(ledger.metrics())} 个"), display=False)
    glue("ch10-entity-keys", Markdown(f"{len(ledger.entities())} 个"), display=False)
    glue("ch10-relations", Markdown(f"{int((claims.relation != '').sum())} 条"), display=False)
    glue("ch10-within-report-2025", Markdown(f"{prof.loc['report-2025', '内部冲突']} 条"), display=False)
    checks = arithmetic_checks()
    glue("ch10-arith-total", Markdown(f"{len(checks)} 条"), display=False)
    glue("ch10-arith-fail", Markdown(f"{int((checks['结论'] != '相符').sum())} 条"), display=False)


def kind_counts_text() -> str:
    """‘来源之间 11 条、…’: the conflict list counted by kind (for the chapter's summary)."""
    cov = coverage()
    return "、".join(f"{k} {n} 条" for k, n in cov["by_kind"].items()) + f"，共 {cov['total']} 条"

