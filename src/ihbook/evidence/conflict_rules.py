"""The conflict detector's value and definition rules, and what they share (documented, with ledger
examples, in :mod:`ihbook.evidence.conflicts`; the arithmetic rules are in
:mod:`ihbook.evidence.conflict_arithmetic`)."""
from __future__ import annotations

import hashlib
import itertools
import math

import pandas as pd

from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.evidence import vocabulary as vocab

MAX_GAP = 1.5        # years: closer than this, two figures are compared directly
MAX_SPAN = 6.0       # years: up to this, the growth they imply is checked
BASE_GAP = 2.5       # years: a slowly changing base (population) may be this far from its share
ROUNDING = 0.05
DEFINITION_RATIO = 3.0
FACT_KINDS = {"observed", "estimate", "anecdote", "unattributed"}
FUTURE_KINDS = {"forecast", "target"}
GENERAL = {"country", "world", "region", "province", "industry", "sector", "unknown", "technology"}
INTENSIVE = {"share", "duration", "ratio", "growth", "pp"}
UNDATED_RULES = {"", "narrative-present"}
KIND_LABELS = {"cross-source": "来源之间", "within-source": "同一来源内部",
               "arithmetic": "算术不符", "definition": "口径不同"}
RULE_LABELS = {"value": "数值相差", "same-case": "同一案例两种说法", "implied-growth": "隐含增速不合理",
               "share-times-base": "比例×基数与所述人数不符", "level-minus-change": "由增量倒推的数值不符",
               "part-exceeds-whole": "部分大于整体", "stated-relation": "所述比例/增速/合计与组成数字不符",
               "same-label": "同名不同口径"}


# ------------------------------------------------------------------------------ helpers

def cid(kind: str, ids: list[str]) -> str:
    """Stable conflict id: derived from the kind and the sorted claim ids only."""
    return "CF-" + hashlib.sha1(f"{kind}|{';'.join(sorted(ids))}".encode()).hexdigest()[:6]


def _base(unit: str, value: float) -> tuple[str, float]:
    dim, v = ledger.base(float(value), unit)
    return ("share", v * 0.1) if dim == "per_1000" else (dim, v)  # 3.2 人/千人 = 0.32 %


def _interval(rec: dict) -> tuple[str, float, float]:
    dim, v = _base(rec["unit"], rec["value"])
    q = rec["qualifier"]
    vmax = rec.get("value_max")
    if q == "range" and vmax is not None and not pd.isna(vmax) and vmax != "":
        return dim, v, _base(rec["unit"], vmax)[1]
    if q == "approx":
        return dim, v * 0.9, v * 1.1
    if q == "over":
        return dim, v, math.inf
    if q == "under":
        return dim, 0.0, v
    return dim, v, v


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """The ledger with what the rules need: measure, canonical entity, interval, repeat flag."""
    df = df.copy()
    for col, default in (("period_rule", ""), ("same_as", ""), ("attributed_to", "none"), ("period_basis", "")):
        if col not in df.columns:
            df[col] = default
    if "value_max" not in df.columns:
        df["value_max"] = float("nan")
    ms = vocab.measures()
    df["measure"] = df.metric.map(vocab.measure_of)
    df["ent"] = df.entity.map(vocab.canonical)
    df["dimension"] = df.measure.map(ms["dimension"])
    iv = [_interval(r) for r in df.to_dict("records")]
    df["dim"] = [i[0] for i in iv]
    df["lo"] = [i[1] for i in iv]
    df["hi"] = [i[2] for i in iv]
    df["repeat"] = df.same_as != ""
    df["parts"] = [[c] for c in df.claim_id]
    df["derived"] = ""
    return df


def _mid(period: str) -> float | None:
    s = ledger.period_span(period)
    return None if s is None else (s[0] + s[1]) / 2


def _gap(a: dict, b: dict) -> float | None:
    ma, mb = _mid(a["period"]), _mid(b["period"])
    return None if ma is None or mb is None else abs(ma - mb)


def _kinds_ok(a: dict, b: dict) -> bool:
    return (a["kind"] in FACT_KINDS and b["kind"] in FACT_KINDS) or (a["kind"] in FUTURE_KINDS and b["kind"] in FUTURE_KINDS)


def _specific(entity: str) -> bool:
    return ledger.entities().loc[entity, "kind"] not in GENERAL


def _named_group(entity: str) -> bool:
    e = ledger.entities().loc[entity]
    return e["kind"] == "group" and entity != "leading_platforms"


def _entities_meet(a: dict, b: dict) -> bool:
    """Same entity; or, for an intensive measure, a named group and one of its members."""
    if a["ent"] == b["ent"]:
        return True
    if a["dimension"] not in INTENSIVE:
        return False
    return ((_named_group(b["ent"]) and b["ent"] in vocab.ancestors(a["ent"]))
            or (_named_group(a["ent"]) and a["ent"] in vocab.ancestors(b["ent"])))


def _flows_differ(a: dict, b: dict) -> bool:
    if vocab.measures().loc[a["measure"], "aggregation"] != "flow":
        return False
    la, lb = ledger.period_length(a["period"]), ledger.period_length(b["period"])
    return la is not None and lb is not None and min(la, lb) < 1 and abs(la - lb) > 1e-9


def _limit(measure: str, col: str) -> float | None:
    v = vocab.measures().loc[measure, col]
    return float(v) if v != "" else None


def _apart(a: dict, b: dict, slack: float) -> float | None:
    """Ratio between the nearest ends of two intervals, if beyond ``slack`` (else None)."""
    if a["hi"] < b["lo"]:
        lo, hi = a["hi"], b["lo"]
    elif b["hi"] < a["lo"]:
        lo, hi = b["hi"], a["lo"]
    else:
        return None
    ratio = math.inf if lo <= 0 else hi / lo
    return ratio if ratio > slack else None


def _shown(rec: dict, unit: str | None = None) -> str:
    if not rec["derived"]:
        return ledger.display_value(rec)
    unit = unit or rec["unit"]
    factor = ledger.UNITS[unit][1]
    lo, hi = rec["lo"] / factor, rec["hi"] / factor
    return f"{lo:.3g}–{hi:.3g}{unit}" if abs(hi - lo) > 1e-9 * max(abs(hi), 1) and lo > 0 else (
        f"不足{hi:.3g}{unit}" if lo <= 0 else f"{lo:.3g}{unit}")


def who(rec: dict, unit: str | None = None) -> str:
    period = rec["period"] or "时期未说明"
    if rec["derived"]:
        return f"按{rec['derived']}推算为{_shown(rec, unit)}（{period}）"
    return f"{sources.short_name(rec['source_id'])}称{ledger.display_value(rec)}（{rec['claim_id']}，{period}）"


def _row(kind: str, rule: str, ids: list[str], summary: str, magnitude: float) -> dict:
    ids = sorted(set(ids))
    return {"conflict_id": cid(kind, ids), "kind": kind, "rule": rule, "claim_ids": ";".join(ids), "summary": summary,
            "magnitude": round(magnitude, 2) if math.isfinite(magnitude) else 999.0}


# ------------------------------------------------------------------------ derived figures

def derived_claims(df: pd.DataFrame) -> list[dict]:
    """Figures the ledger implies: share × base (a count) and level − change (an earlier level)."""
    ms = vocab.measures()
    recs = df[~df.repeat].to_dict("records")
    out = []
    for s in recs:
        base_m, yields = ms.loc[s["measure"], "share_of"], ms.loc[s["measure"], "share_yields"]
        if base_m and yields and s["period"] and s["dim"] == "share":
            g = _limit(base_m, "max_annual_growth") or 0.0
            bases = [b for b in recs if b["measure"] == base_m and b["ent"] == s["ent"] and b["period"]
                     and _kinds_ok(s, b) and _gap(s, b) <= (BASE_GAP if g <= 0.02 else MAX_GAP)]
            bases.sort(key=lambda b: (b["source_id"] != s["source_id"], _gap(s, b), b["claim_id"]))
            if bases:
                b = bases[0]
                widen = (1 + g) ** _gap(s, b)
                d = {**s, "measure": yields, "dimension": ms.loc[yields, "dimension"], "dim": b["dim"],
                     "lo": s["lo"] / 100 * b["lo"] / widen, "hi": s["hi"] / 100 * b["hi"] * widen,
                     "unit": b["unit"], "parts": [s["claim_id"], b["claim_id"]], "rule": "share-times-base",
                     "share_measure": s["measure"],
                     "derived": f"{ledger.display_value(s)}（{s['claim_id']}）×{ledger.display_value(b)}（{b['claim_id']}）"}
                out.append(d)
        level_m = ms.loc[s["measure"], "change_of"]
        if level_m and "/" in s["period"]:
            start, end = s["period"].split("/")
            for lv in recs:
                if lv["measure"] == level_m and lv["ent"] == s["ent"] and lv["period"] == end and lv["source_id"] == s["source_id"]:
                    d = {**lv, "period": start, "lo": lv["lo"] - s["hi"], "hi": lv["hi"] - s["lo"],
                         "parts": [lv["claim_id"], s["claim_id"]], "rule": "level-minus-change", "share_measure": "",
                         "derived": f"{ledger.display_value(lv)}（{lv['claim_id']}）−{ledger.display_value(s)}（{s['claim_id']}）"}
                    out.append(d)
    return out


# ------------------------------------------------------------------------ value rules

def _nearest(a: dict, b: dict, series: dict) -> bool:
    """``a`` is, of the series it belongs to (one quote giving several periods, like a chart's
    labels), the point nearest ``b``."""
    if a["derived"]:
        return True
    gap = _gap(a, b)
    return all(_gap(x, b) >= gap - 1e-9 for x in series.get((a["source_id"], a["measure"], a["ent"], a["quote"]), []))


def _rounded(a: dict, b: dict) -> bool:
    """One figure is the other rounded to a whole number: “3分钟” and “3.2分钟” (the difference is
    under half a unit; 2.5 and 3 are not, they differ by exactly half)."""
    if a["derived"] or b["derived"] or a["unit"] != b["unit"] or a["qualifier"] or b["qualifier"]:
        return False
    whole = [x for x in (a, b) if "." not in x["value_text"] and float(x["value"]).is_integer()]
    return len(whole) == 1 and abs(float(a["value"]) - float(b["value"])) < 0.5


def _judge(a: dict, b: dict, series: dict) -> tuple[str, float, str] | None:
    """``(rule, magnitude, extra words)`` if the two figures disagree; ``("undated", …)`` if they
    would disagree but cannot be placed in time; None otherwise."""
    same_source = a["source_id"] == b["source_id"]
    if (same_source and a["quote"] == b["quote"]) or a["dim"] != b["dim"] or not _kinds_ok(a, b):
        return None
    if not _entities_meet(a, b) or _rounded(a, b):
        return None
    if same_source and _specific(a["ent"]) and _specific(b["ent"]) and (
            a["period_rule"] in UNDATED_RULES or b["period_rule"] in UNDATED_RULES) and not (a["derived"] or b["derived"]):
        r = _apart(a, b, 1 + ROUNDING)
        return ("same-case", r, "") if r else None
    gap = _gap(a, b)
    if gap is None:
        r = _apart(a, b, 1 + ROUNDING)
        return ("undated", r, "") if r else None
    if _flows_differ(a, b):
        return None
    if not same_source and not (_nearest(a, b, series) and _nearest(b, a, series)):
        return None
    growth = _limit(a["measure"], "max_annual_growth")
    if gap <= MAX_GAP:
        if gap > 0 and growth is None:
            return None  # a rate or share at two different times: no basis to compare
        r = _apart(a, b, (1 + ROUNDING) * (1 + (growth or 0)) ** gap)
        return ("value", r, "") if r else None
    decline = _limit(a["measure"], "max_annual_decline")
    if gap > MAX_SPAN or growth is None or decline is None:
        return None
    early, late = (a, b) if _mid(a["period"]) < _mid(b["period"]) else (b, a)
    if late["lo"] > early["hi"] * (1 + ROUNDING) and early["hi"] > 0:
        rate = (late["lo"] / (early["hi"] * (1 + ROUNDING))) ** (1 / gap) - 1
        if rate > growth:
            return ("implied-growth", late["lo"] / early["hi"],
                    f"相隔约 {gap:.1f} 年，意味着每年至少增长 {rate:.0%}，超出此类数字合理的年增幅（{growth:.0%}）")
    if late["hi"] * (1 + ROUNDING) < early["lo"]:
        rate = 1 - (late["hi"] * (1 + ROUNDING) / early["lo"]) ** (1 / gap)
        if rate > decline:
            return ("implied-growth", early["lo"] / max(late["hi"], 1e-12),
                    f"相隔约 {gap:.1f} 年，意味着每年至少减少 {rate:.0%}，超出此类数字合理的年降幅（{decline:.0%}）")
    return None


def value_conflicts(df: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """Conflicts between figures of one measure (stated, and derived against stated), and the
    undated pairs that cannot be compared."""
    if "measure" not in df.columns:
        df = prepare(df)
    recs = df[~df.repeat].sort_values("claim_id").to_dict("records")
    series: dict = {}
    for r in recs:
        if r["period"]:
            series.setdefault((r["source_id"], r["measure"], r["ent"], r["quote"]), []).append(r)
    by_measure: dict = {}
    for r in recs:
        by_measure.setdefault(r["measure"], []).append(r)
    rows, undated, clashing = [], [], set()

    def emit(a: dict, b: dict, res, rule_override: str = "") -> None:
        rule, mag, extra = res
        ids = a["parts"] + b["parts"]
        label = f"{ledger.vocabulary_label(a['measure'])}（{ledger.entity_label(a['ent'])}）"
        unit = b["unit"] if a["derived"] else a["unit"]
        text = f"{label}：{who(a, unit)}；{who(b, unit)}。" + (f"{extra}。" if extra else f"相差约 {mag:.2f} 倍。")
        if rule == "undated":
            undated.append({"pair_id": "UP-" + cid("undated", ids)[3:], "claim_ids": ";".join(sorted(ids)),
                            "measure": a["measure"], "summary": text + "至少一处的时期文本没有写明，无法判断是否同一时点。",
                            "magnitude": round(mag, 2) if math.isfinite(mag) else 999.0})
            return
        kind = "within-source" if {x.split("-")[0] for x in ids} == {ids[0].split("-")[0]} else "cross-source"
        rows.append(_row(kind, rule_override or rule, ids, text, mag))
        clashing.update((p, q) for p in a["parts"] for q in b["parts"])

    for recs_m in by_measure.values():
        for a, b in itertools.combinations(recs_m, 2):
            res = _judge(a, b, series)
            if res:
                emit(a, b, res)
    for d in derived_claims(df):
        for b in by_measure.get(d["measure"], []):
            if b["claim_id"] in d["parts"] or any((p, b["claim_id"]) in clashing or (b["claim_id"], p) in clashing
                                                  for p in d["parts"]):
                continue
            states_share = any(x["source_id"] == b["source_id"] and x["measure"] == d["share_measure"] and x["ent"] == b["ent"]
                               and (_gap(x, d) or 0) <= MAX_GAP for x in recs)
            if states_share:
                continue
            res = _judge(d, b, series)
            if res and res[0] != "undated":
                emit(d, b, res, d["rule"] if res[0] == "value" else "")
    return rows, undated


# ----------------------------------------------------------------------- definition rule

def definition_conflicts(df: pd.DataFrame) -> list[dict]:
    """The same words (``term``) for two different measures, neither part of the other."""
    if "measure" not in df.columns:
        df = prepare(df)
    terms = ledger.metrics()["term"]
    df = df[~df.repeat].assign(term=df.metric.map(terms))
    df = df[(df.term != "") & df.apply(lambda r: bool(r["term"]) and r["term"] in r["quote"], axis=1)] if len(df) else df
    out = []
    for (term, ent), group in df.groupby(["term", "ent"], sort=True):
        recs = group.sort_values("claim_id").to_dict("records")
        for a, b in itertools.combinations(recs, 2):
            if a["measure"] == b["measure"] or a["dim"] != b["dim"] or not _kinds_ok(a, b):
                continue
            if a["measure"] in vocab.measure_ancestors(b["measure"]) or b["measure"] in vocab.measure_ancestors(a["measure"]):
                continue
            gap = _gap(a, b)
            if gap is None or gap > MAX_GAP or min(a["lo"], b["lo"]) <= 0:
                continue
            ratio = max(a["lo"], b["lo"]) / min(a["lo"], b["lo"])
            if ratio < DEFINITION_RATIO:
                continue
            summary = (f"同称“{term}”，口径不同：{who(a)}，指{ledger.vocabulary_label(a['measure'])}；"
                       f"{who(b)}，指{ledger.vocabulary_label(b['measure'])}。相差约 {ratio:.1f} 倍，不能直接比较。")
            out.append(_row("definition", "same-label", [a["claim_id"], b["claim_id"]], summary, ratio))
    return out
