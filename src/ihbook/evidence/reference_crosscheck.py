"""The cross-check: every ledger claim with an official counterpart gets a computed verdict.

Split out of :mod:`ihbook.evidence.reference`: unit conversion, claim and reference intervals and
the verdict rules are the layer's one computation, read on their own; ``reference`` re-exports
every name here.
"""

from __future__ import annotations

import math

import pandas as pd

from ihbook.evidence import ledger, sources
from ihbook.evidence.units import UNITS
from ihbook.evidence.reference_tables import (
    APPROX, CHECKED_KINDS, DEFAULT_ABS, DEFAULT_REL, EXTRA_UNITS, FLOW_METRICS, NEIGHBOUR, SAME_TIME,
    UNDATED_WINDOW, VERDICT_LABELS, load_crosswalk, load_statistics,
)
from ihbook.evidence.reference_tables import CROSSWALK, STATISTICS, _statistics


# --------------------------------------------------------------------------- cross-check

def to_base(value: float, unit: str) -> tuple[str, float]:
    """``(dimension, value in base units)``: the ledger's units plus 百万元, ‰ = 人/千人."""
    if unit in EXTRA_UNITS:
        dim, f = EXTRA_UNITS[unit]
    else:
        dim, f = UNITS[unit]
    return dim, float(value) * f


def claim_interval(rec: dict) -> tuple[str, float, float]:
    """A claim as ``(dimension, low, high)`` in base units, read from its qualifier."""
    dim, v = to_base(rec["value"], rec["unit"])
    q = rec.get("qualifier", "")
    if q == "range" and not pd.isna(rec.get("value_max")) and rec.get("value_max") != "":
        return dim, v, to_base(rec["value_max"], rec["unit"])[1]
    if q == "approx":
        return dim, v * (1 - APPROX), v * (1 + APPROX)
    if q == "over":
        return dim, v, math.inf
    if q == "under":
        return dim, 0.0, v
    return dim, v, v


def ref_interval(ref: dict, tol: float, kind: str, widen: float = 1.0) -> tuple[str, float, float]:
    """A reference value widened by the tolerance (and by ``widen`` for growth over a gap)."""
    dim, v = to_base(ref["value"], ref["unit"])
    if kind == "abs":
        lo, hi = v - tol, v + tol
    else:
        lo, hi = v * (1 - tol), v * (1 + tol)
    lo, hi = lo / widen, hi * widen
    if ref.get("qualifier") == "over":
        hi = math.inf
    elif ref.get("qualifier") == "approx":
        lo, hi = lo * (1 - APPROX), hi * (1 + APPROX)
    return dim, lo, hi


def _meet(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _end(period: str) -> float | None:
    span = ledger.period_span(period)
    return None if span is None else span[1]


def _fmt(rec: dict) -> str:
    q = {"over": "超过", "approx": "约", "under": "不足"}.get(rec.get("qualifier", ""), "")
    return f"{q}{rec['value_text']}{rec['unit']}"


def _growth(metric: str) -> float:
    m = ledger.metrics()
    if metric in m.index:
        g = pd.to_numeric(m.loc[metric, "max_annual_growth"], errors="coerce")
        if not pd.isna(g):
            return float(g)
    return 0.10


def _claims_with_source_year(claims: pd.DataFrame) -> pd.DataFrame:
    years = {s: int(str(d)[:4]) for s, d in zip(sources.load_sources().source_id, sources.load_sources().date)}
    return claims.assign(source_year=[years.get(s, 0) for s in claims.source_id])


def _verdict_one(c: dict, cw: dict, refs: pd.DataFrame) -> dict:
    tol_kind = cw.get("tolerance_kind") or "rel"
    tol = float(cw["tolerance"]) if cw.get("tolerance") else (DEFAULT_ABS if tol_kind == "abs" else DEFAULT_REL)
    out = {"tolerance": (f"±{tol:g} 个百分点" if tol_kind == "abs" else f"±{tol:.0%}")}
    cdim, clo, chi = claim_interval(c)
    recs = refs.to_dict("records")
    if cw.get("definition") == "different":
        near = _nearest(c, recs)
        return {**out, "verdict": "definition", "refs": [near] if near else [],
                "basis": cw.get("definition_note", "") or "口径不同"}
    if any(to_base(r["value"], r["unit"])[0] != cdim for r in recs):
        return {**out, "verdict": "definition", "refs": recs[:1], "basis": "量纲不同，无法直接比较"}
    period = c.get("period", "")
    if not period:
        lo_y, hi_y = c["source_year"] - UNDATED_WINDOW, c["source_year"]
        window = [r for r in recs if r["period"] and lo_y <= int(r["period"][:4]) <= hi_y]
        if not window:
            return {**out, "verdict": "no_counterpart", "refs": [],
                    "basis": f"来源未注时期；{lo_y}–{hi_y} 年间没有官方数字"}
        ivs = [ref_interval(r, tol, tol_kind)[1:] for r in window]
        env = (min(i[0] for i in ivs), max(i[1] for i in ivs))
        yrs = sorted(r["period"] for r in window)
        ok = _meet((clo, chi), env)
        return {**out, "verdict": "agrees" if ok else "disagrees", "refs": window,
                "basis": ((f"来源未注时期；与 {yrs[0]}—{yrs[-1]} 的官方数字范围比较" if yrs[0] != yrs[-1] else f"来源未注时期；与 {yrs[0]} 的官方数字比较")
                          + ("，落在范围内" if ok else "，在范围之外"))}
    cspan = ledger.period_span(period)
    if c["metric"] in FLOW_METRICS:
        same = [r for r in recs if r["period"] and ledger.period_span(r["period"]) == cspan]
        if same:
            r = same[0]
            ok = _meet((clo, chi), ref_interval(r, tol, tol_kind)[1:])
            return {**out, "verdict": "agrees" if ok else "disagrees", "refs": [r], "basis": "同一期间"}
        length = cspan[1] - cspan[0]
        shifted = [r for r in recs if r["period"]
                   and abs((ledger.period_span(r["period"])[1] - ledger.period_span(r["period"])[0]) - length) < 0.01
                   and cspan[0] < ledger.period_span(r["period"])[1] <= cspan[1]]
        if shifted:
            r = shifted[0]
            ok = _meet((clo, chi), ref_interval(r, tol, tol_kind)[1:])
            return {**out, "verdict": "definition", "refs": [r],
                    "basis": (f"官方数字的期间是 {r['period']}（财年），来源写作“{period}”"
                              + ("；数值与该财年一致" if ok else "；数值也不一致"))}
        return {**out, "verdict": "no_counterpart", "refs": [], "basis": "没有同一期间的官方数字"}
    t = cspan[1]
    dated = [(r, _end(r["period"])) for r in recs if r["period"]]
    exact = [r for r, e in dated if abs(e - t) <= SAME_TIME]
    if exact:
        r = exact[0]
        ok = _meet((clo, chi), ref_interval(r, tol, tol_kind)[1:])
        return {**out, "verdict": "agrees" if ok else "disagrees", "refs": [r], "basis": "同一时点"}
    before = sorted([(t - e, r) for r, e in dated if 0 < t - e <= NEIGHBOUR], key=lambda x: x[0])
    after = sorted([(e - t, r) for r, e in dated if 0 < e - t <= NEIGHBOUR], key=lambda x: x[0])
    if before and after:
        r1, r2 = before[0][1], after[0][1]
        i1, i2 = ref_interval(r1, tol, tol_kind)[1:], ref_interval(r2, tol, tol_kind)[1:]
        env = (min(i1[0], i2[0]), max(i1[1], i2[1]))
        ok = _meet((clo, chi), env)
        return {**out, "verdict": "agrees" if ok else "disagrees", "refs": [r1, r2],
                "basis": f"介于前后两期官方数字（{r1['period']}、{r2['period']}）之间" if ok
                else f"不在前后两期官方数字（{r1['period']}、{r2['period']}）之间"}
    near = before or after
    if near:
        gap, r = near[0]
        widen = (1 + _growth(c["metric"])) ** gap
        ok = _meet((clo, chi), ref_interval(r, tol, tol_kind, widen)[1:])
        return {**out, "verdict": "agrees" if ok else "disagrees", "refs": [r],
                "basis": f"相邻时点 {r['period']}（按该指标每年至多 {_growth(c['metric']):.0%} 的变化放宽）"}
    return {**out, "verdict": "no_counterpart", "refs": [], "basis": "前后一年内没有官方数字"}


def _nearest(c: dict, recs: list[dict]) -> dict | None:
    dated = [r for r in recs if r["period"]]
    if not dated:
        return recs[0] if recs else None
    t = _end(c.get("period", "")) or float(c.get("source_year", 0)) + 1
    return min(dated, key=lambda r: abs(_end(r["period"]) - t))


CROSSCHECK_COLUMNS = ["claim_id", "source_id", "metric", "entity", "period", "kind", "claim_value",
                      "ref_ids", "official_value", "official_period", "publisher", "ratio", "verdict",
                      "verdict_label", "basis", "tolerance", "definition_note"]


def crosscheck(claims: pd.DataFrame | None = None, statistics: pd.DataFrame | None = None,
               crosswalk: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every ledger claim with an official counterpart, with a computed verdict (see module doc).

    ``ratio`` is the claim's value ÷ the nearest official value compared (in base units), for the chart.
    """
    if claims is None and statistics is None and crosswalk is None:
        return _default_crosscheck().copy()
    return _crosscheck(claims, statistics, crosswalk)


_DEFAULT: dict = {}


def _default_crosscheck() -> pd.DataFrame:
    """:func:`crosscheck` of the book's own tables, computed once per process while they stay
    the same (a chapter asks for it, then for the verdict of one claim after another).

    The key holds the cached tables themselves (ledger, statistics, sources, metrics: read once
    per process, like every loader of the layer) and the crosswalk file's size and time."""
    try:
        st = CROSSWALK.stat()
        cw_stat = (st.st_mtime_ns, st.st_size)
    except OSError:
        cw_stat = None
    tables = (ledger._claims(), _statistics(str(STATISTICS)), sources._sources(), ledger.metrics())
    hit = _DEFAULT.get("value")
    if hit is None or hit[1] != cw_stat or any(a is not b for a, b in zip(hit[0], tables)):
        _DEFAULT["value"] = hit = (tables, cw_stat, _crosscheck(None, None, None))
    return hit[2]


def _crosscheck(claims, statistics, crosswalk) -> pd.DataFrame:
    claims = ledger.load_claims() if claims is None else claims
    statistics = load_statistics() if statistics is None else statistics
    crosswalk = load_crosswalk() if crosswalk is None else crosswalk
    claims = _claims_with_source_year(claims)
    rows = []
    for cw in crosswalk.to_dict("records"):
        refs = statistics[(statistics.metric == cw["ref_metric"]) & (statistics.entity == cw["ref_entity"])]
        sel = claims[(claims.metric == cw["claim_metric"]) & (claims.entity == cw["claim_entity"])
                     & claims.kind.isin(CHECKED_KINDS)]
        for c in sel.to_dict("records"):
            v = _verdict_one(c, cw, refs)
            # the ratio to the nearest official value (in log terms) among those compared
            ratio = float("nan")
            cb = to_base(c["value"], c["unit"])
            ratios = [cb[1] / rb[1] for rb in (to_base(r["value"], r["unit"]) for r in v["refs"])
                      if rb[0] == cb[0] and rb[1] and cb[1] > 0]
            if ratios:
                ratio = min(ratios, key=lambda x: abs(math.log(x)))
            rows.append({
                "claim_id": c["claim_id"], "source_id": c["source_id"], "metric": c["metric"],
                "entity": c["entity"], "period": c["period"], "kind": c["kind"],
                "claim_value": ledger.display_value(c),
                "ref_ids": ";".join(r["ref_id"] for r in v["refs"]),
                "official_value": "；".join(_fmt(r) for r in v["refs"]),
                "official_period": "；".join(r["period"] for r in v["refs"]),
                "publisher": "；".join(dict.fromkeys(r["publisher"] for r in v["refs"])),
                "ratio": ratio, "verdict": v["verdict"], "verdict_label": VERDICT_LABELS[v["verdict"]],
                "basis": v["basis"], "tolerance": v["tolerance"],
                "definition_note": cw.get("definition_note", ""),
            })
    df = pd.DataFrame(rows, columns=CROSSCHECK_COLUMNS)
    return df.sort_values(["metric", "entity", "claim_id"]).reset_index(drop=True)


def verdict_for(claim_id: str) -> dict | None:
    """The cross-check row of one claim (for chapters discussing that figure), or ``None``."""
    df = crosscheck()
    hit = df[df.claim_id == claim_id]
    return hit.iloc[0].to_dict() if len(hit) else None
