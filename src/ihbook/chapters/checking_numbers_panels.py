"""Chapter 10: one conflict as an HTML panel, the conflict browser, the overview chart, arithmetic redone.

A panel shows the conflict's summary, each claim with its quote, the figures compared (as HTML
bars: a derived figure — a share times its base, a level minus a change — is drawn hatched and
labelled 本书推算), the verdict and the likely reason. Panels and the overview are plain HTML
(no images, no matplotlib), so the browser holds every panel in the page and the chapter runs
fast (see :mod:`ihbook.chapters.checking_numbers`).
"""
from __future__ import annotations

import html
import itertools
import math
import re
from functools import lru_cache

import pandas as pd

from ihbook.chapters.checking_numbers import (
    _html, _say, arithmetic_working, claims_of, conflict, explain, kinds_present, reason_colors, stated_claim, verdict)
from ihbook.evidence import conflict_rules
from ihbook.evidence import conflicts
from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.evidence.paths import CHART_DATA
from ihbook.show import labels as reader_labels

CONFLICT_ID = re.compile(r"CF-[0-9a-f]{6}")
STATED = "#1f5aa6"
ROW = 'class="ihbook-bar-row" style="display:flex;align-items:center;gap:0.5em;margin:2px 0"'
LABEL = 'class="ihbook-bar-label" style="flex:0 0 {w};font-size:0.85em"'
TRACK = 'class="ihbook-bar-track" style="flex:1 1 auto;min-width:6em;background:#eef1f5"'
VALUE = 'class="ihbook-bar-value" style="flex:0 1 {w};font-size:0.85em"'


@lru_cache(maxsize=1)
def _all_derived() -> tuple[dict, ...]:
    return tuple(conflict_rules.derived_claims(conflict_rules.prepare(ledger.load_claims())))


def _derived_for(ids: set[str]) -> list[dict]:
    """The derived figures (share × base, level − change) built only from these claims."""
    return [d for d in _all_derived() if set(d["parts"]) <= ids]


def conflict_values(conflict_id: str) -> pd.DataFrame:
    """The figures a conflict compares, in one unit: each stated claim, each derived figure the
    detector built from the conflict's claims, and for a stated relation the recomputed value."""
    c = conflict(conflict_id)
    recs = claims_of(conflict_id).to_dict("records")
    rows = []
    if c["rule"] == "stated-relation":
        stated = stated_claim(conflict_id)
        by_id = {r["claim_id"]: r for r in ledger.load_claims().to_dict("records")}
        got = conflicts.recompute(stated, by_id) if not stated["relation"].startswith("exceeds") else None
        rows.append({"label": f"来源所述（{stated['claim_id']}）", "lo": stated["value"], "hi": stated["value"],
                     "unit": stated["unit"], "claim_id": stated["claim_id"], "source_id": stated["source_id"],
                     "computed": False, "as_written": ledger.display_value(stated)})
        if got:
            rows.append({"label": "本书按其组成数字重算", "lo": round(got[0], 4), "hi": round(got[0], 4), "unit": stated["unit"],
                         "claim_id": stated["claim_id"], "source_id": stated["source_id"], "computed": True,
                         "as_written": f"{got[0]:.1f}{stated['unit']}（本书重算）"})
        return pd.DataFrame(rows)
    derived = _derived_for({r["claim_id"] for r in recs}) if len(recs) > 2 else []
    used = set(itertools.chain.from_iterable(d["parts"] for d in derived))
    plain = [r for r in recs if r["claim_id"] not in used]
    unit = plain[0]["unit"] if plain else derived[0]["unit"]
    factor = ledger.UNITS[unit][1]
    for r in plain:
        dim, lo, hi = conflict_rules._interval(r)
        period = r["period"].replace("/", "–") if r["period"] else "时期未说明"
        rows.append({"label": f"{sources.short_name(r['source_id'])}｜{period}｜{r['claim_id']}", "lo": lo / factor,
                     "hi": hi / factor, "unit": unit, "claim_id": r["claim_id"], "source_id": r["source_id"],
                     "computed": False, "as_written": ledger.display_value(r)})
    for d in derived:
        rows.append({"label": f"本书推算｜{d['period']}｜{'、'.join(d['parts'])}",
                     "lo": d["lo"] / factor, "hi": d["hi"] / factor, "unit": unit, "claim_id": d["parts"][0],
                     "source_id": d["source_id"], "computed": True,
                     "as_written": f"{conflict_rules._shown(d, unit)}（{d['derived']}）"})
    return pd.DataFrame(rows)


def _bars_html(data: pd.DataFrame) -> str:
    """Horizontal bars in HTML: one per figure (to its upper end; an open-ended “超过” figure to its
    lower end), on a log scale when the figures are more than 20 times apart."""
    finite = [v for v in list(data.lo) + list(data.hi) if v > 0 and math.isfinite(v)]
    if not finite:
        return ""
    top, low = max(finite), min(finite)
    log = top / low > 20

    def pos(v: float) -> float:
        v = min(max(v, low / 3 if log else 0), top)
        return 100 * (math.log(v / (low / 3)) / math.log(top / (low / 3)) if log else v / top)

    rows = []
    for r in data.itertuples():
        color = "#999999" if r.computed else STATED
        end = pos(r.hi if math.isfinite(r.hi) else r.lo)  # an open-ended “超过” figure is drawn to its lower end
        style = (f"width:{max(end, 1.5):.1f}%;background:{color};height:0.9em;"
                 + ("background-image:repeating-linear-gradient(45deg,transparent,transparent 3px,#fff 3px,#fff 5px);" if r.computed else ""))
        rows.append(f'<div {ROW}><div {LABEL.format(w="15em")}>{html.escape(r.label)}</div>'
                    f'<div {TRACK}><div style="{style}"></div></div>'
                    f'<div {VALUE.format(w="18em")}>{html.escape(r.as_written)}</div></div>')
    scale = "对数刻度" if log else "线性刻度，从零开始"
    return (f'<div class="ihbook-bars" role="img" aria-label="{html.escape(describe(data), quote=True)}">'
            f"{''.join(rows)}<div class=\"ihbook-bar-note\">（{scale}；斜纹为本书推算或重算）</div></div>")


def describe(data: pd.DataFrame) -> str:
    return "；".join(f"{r.label}：{r.as_written}" for r in data.itertuples())


def conflict_html(conflict_id: str) -> str:
    """One conflict as an HTML panel: summary, the claims with their quotes, the figures, verdict."""
    c = conflict(conflict_id)
    reason, note, specific = explain(conflict_id)
    items = []
    for r in claims_of(conflict_id).to_dict("records"):
        items.append(f"<li><b>{html.escape(r['claim_id'])}</b>　{html.escape(sources.short_name(r['source_id']))}，"
                     f"{html.escape(r['period'] or '时期未说明')}，{html.escape(ledger.display_value(r))}"
                     f"（{html.escape(ledger.KIND_LABELS[r['kind']])}）：<q>{html.escape(r['quote'])}</q></li>")
    working = ""
    if c["kind"] == "arithmetic" and c["rule"] == "stated-relation":
        working = f"<p><b>重算：</b>{html.escape(arithmetic_working(conflict_id))}</p>"
    tag = "" if specific else "（按类型的一般说明）"
    rule = conflicts.RULE_LABELS.get(c["rule"], c["rule"])
    return (f'<div class="ihbook-conflict" id="{html.escape(conflict_id.lower())}">'
            f"<p><b>{html.escape(conflict_id)}</b>　{html.escape(conflicts.KIND_LABELS.get(c['kind'], c['kind']))}"
            f"｜{html.escape(rule)}　{html.escape(c['summary'])}</p><ul>{''.join(items)}</ul>{working}"
            f"{_bars_html(conflict_values(conflict_id))}"
            f"<p><b>判定：{html.escape(verdict(conflict_id))}；可能原因：{html.escape(reason)}</b>{html.escape(tag)}"
            f"　{html.escape(note)}</p></div>")


def conflict_browser(default: str | None = None) -> None:
    """Pick a conflict → its claims, quotes, figures, verdict and reason (precomputed panels)."""
    from IPython.display import display

    from ihbook.show import widgets

    widgets.deterministic_ids("ch10-conflict-browser")
    df = conflicts.load_conflicts()
    labels, panels = [], []
    for r in df.to_dict("records"):
        kind = conflicts.KIND_LABELS.get(r["kind"], r["kind"])
        labels.append(reader_labels.option_label(
            r["conflict_id"], f"{kind}，{conflicts.RULE_LABELS.get(r['rule'], r['rule'])}", width=40))
        panels.append(widgets.w.HTML(value=conflict_html(r["conflict_id"])))
    start = list(df.conflict_id).index(default) if default in set(df.conflict_id) else 0
    display(widgets.selector(labels, panels, "冲突：", default=start, style="dropdown"))


def show_conflict(conflict_id: str) -> None:
    """Reader-callable: one conflict's panel; a clear message for a bad id."""
    if not isinstance(conflict_id, str) or not CONFLICT_ID.fullmatch(conflict_id.strip()):
        _say(f"“{str(conflict_id)[:40]}”不是冲突编号：编号是 CF- 加六位十六进制数，见 data/conflicts.csv。")
        return
    try:
        body = conflict_html(conflict_id.strip())
    except KeyError as exc:
        _say(str(exc).strip("'\""))
        return
    _html(body, conflict(conflict_id.strip())["summary"])


def sources_line(claim_ids) -> str:
    """``来源：`` and every source behind the claims, with publisher, title and year."""
    sids = list(dict.fromkeys(ledger.claim(c)["source_id"] for c in claim_ids))
    return "来源：" + "；".join(f"{sources.short_name(s)}《{sources.source(s)['title']}》" for s in sids)


def overview_chart() -> None:
    """Every conflict as one row of an HTML chart: how many times apart its figures are (log
    scale), grouped by kind, coloured by the likely reason; its data as CSV."""
    from IPython.display import display

    df = conflicts.load_conflicts().assign(magnitude=lambda d: d.magnitude.astype(float))
    order = {k: i for i, k in enumerate(kinds_present())}
    df = df.assign(_k=df.kind.map(order)).sort_values(["_k", "magnitude"], ascending=[True, False]).reset_index(drop=True)
    palette = reason_colors()
    reason = [explain(c)[0] for c in df.conflict_id]
    top = math.log10(max(df.magnitude.max(), 2) * 1.5)
    rows, kind = [], None
    for r, why in zip(df.itertuples(), reason):
        if r.kind != kind:
            kind = r.kind
            rows.append(f'<div class="ihbook-bar-group" style="font-weight:bold;margin-top:0.4em">'
                        f'{html.escape(conflicts.KIND_LABELS.get(kind, kind))}</div>')
        width = max(100 * math.log10(max(r.magnitude, 1.0001)) / top, 1.0)
        rows.append(f'<div {ROW}><div {LABEL.format(w="6.5em")}>{html.escape(r.conflict_id)}</div>'
                    f'<div {TRACK}><div style="width:{width:.1f}%;background:{palette[why]};height:0.9em"></div></div>'
                    f'<div {VALUE.format(w="12em")}>{r.magnitude:g} 倍｜{html.escape(why)}</div></div>')
    legend = "　".join(f'<span style="color:{palette[lab]}">■</span> {html.escape(lab)}' for lab in palette if lab in set(reason))
    data = pd.DataFrame({"label": df.conflict_id + "｜" + df.kind.map(lambda k: conflicts.KIND_LABELS.get(k, k)),
                         "value": df.magnitude, "unit": "倍", "rule": df.rule, "reason": reason,
                         "claim_id": df.claim_ids.str.split(";").str[0], "claim_ids": df.claim_ids})
    CHART_DATA.mkdir(parents=True, exist_ok=True)
    data.to_csv(CHART_DATA / "ch10-conflicts-overview.csv", index=False, lineterminator="\n")
    title = "全部冲突：两个数字相差多少倍（按类型分组，颜色为可能原因；对数刻度）"
    alt = title + "。" + "；".join(f"{r.conflict_id}：{r.magnitude:g} 倍" for r in df.itertuples())
    caption = ("冲突清单（data/conflicts.csv）中的每一条占一行，条的长度是两个数字相差的倍数（对数刻度），颜色是本书判断的可能原因"
               "（data/conflict_notes.csv）。倍数由检测器计算：先按“约”“超过”等限定词和取整放宽每个数字，再比较最近的两端，"
               "所以往往小于两个点值之比；算术冲突为所述÷重算或部分÷整体。")
    src = sources_line(sorted(set(";".join(df.claim_ids).split(";"))))
    body = (f'<figure class="ihbook-chart" id="fig-ch10-conflicts-overview">'
            f'<div role="img" aria-label="{html.escape(alt, quote=True)}"><p><b>{html.escape(title)}</b></p>{"".join(rows)}'
            f'<p class="ihbook-bar-note">{legend}</p></div><figcaption>{html.escape(caption)}'
            '<br><a href="../_static/chartdata/ch10-conflicts-overview.csv" download>下载图表数据（CSV）</a>'
            f"<br>{html.escape(src)}</figcaption></figure>")
    display({"text/html": body, "text/plain": f"[图] {title}\n{caption}\n{src}"}, raw=True)


def arithmetic_checks() -> pd.DataFrame:
    """Every claim whose relation says it is a share, growth, sum… of others: redone, with verdict."""
    df = ledger.load_claims()
    by_id = {r["claim_id"]: r for r in df.to_dict("records")}
    flagged = set(itertools.chain.from_iterable(
        r.split(";") for r in conflicts.load_conflicts().query("rule == 'stated-relation'").claim_ids))
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
                     "来源所述": ledger.display_value(rec), "关系": reader_labels.value("relation", op), "重算": working,
                     "结论": "相符" if ok else "不符（见冲突清单）"})
    return pd.DataFrame(rows)
