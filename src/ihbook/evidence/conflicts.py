"""Find where the sources disagree — with each other, with themselves, and with arithmetic.

Reads the ledger and writes ``data/conflicts.csv`` (``python -m ihbook.evidence.conflicts``). Nothing
in that file is typed by hand; the rules are general and documented here:

* **cross-source / within-source** — two claims on the same metric and entity, of comparable
  kind (facts with facts, forecasts and targets with each other), whose periods are unstated
  or whose middles lie within ``MAX_GAP`` years. Totals over a period (``aggregation`` flow in
  the metrics table, e.g. funding per year) are only compared when both periods span at least
  a year or span the same length: a quarter's funding is not a year's. Each claim is read as an interval
  (``约`` ±10 %, ``超过`` open above, ``不足`` open below, a range as stated), widened by 5 % for
  rounding and by the metric's plausible yearly growth (``max_annual_growth`` in
  ``data/keys/metrics.csv``) over the gap. Intervals that still do not meet are a conflict;
  ``magnitude`` is the ratio between the nearest ends.
* **arithmetic** — a claim whose ``relation`` says it is a share, growth, CAGR, difference,
  ratio or sum of other claims, where recomputing from those claims misses the stated value
  (tolerance: 0.5 percentage points or 3 %, 10 % for ``约``); ``exceeds`` claims that are not
  larger. ``magnitude`` is stated ÷ recomputed.
* **definition** — two claims with the same entity and comparable periods whose metrics differ
  but share a ``term`` in the metrics table (the words the sources use, e.g. 市场规模), whose
  quotes both use that term, and whose values differ by more than ``DEFINITION_RATIO``: the
  same words measuring different things.
"""
from __future__ import annotations

import functools
import hashlib
import itertools
import math
import sys

import pandas as pd

from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.evidence.paths import DATA

CONFLICTS = DATA / "conflicts.csv"
COLUMNS = ["conflict_id", "kind", "claim_ids", "summary", "magnitude"]
MAX_GAP = 1.5
ROUNDING = 0.05
DEFINITION_RATIO = 3.0
FACT_KINDS = {"observed", "estimate", "anecdote"}
FUTURE_KINDS = {"forecast", "target"}
KIND_LABELS = {"cross-source": "来源之间", "within-source": "同一来源内部",
               "arithmetic": "算术不符", "definition": "口径不同"}


def _interval(rec: dict) -> tuple[float, float]:
    dim, v = ledger.base_value(rec)
    q = rec["qualifier"]
    if q == "range" and not pd.isna(rec["value_max"]):
        return v, ledger.base_value({**rec, "value": rec["value_max"]})[1]
    if q == "approx":
        return v * 0.9, v * 1.1
    if q == "over":
        return v, math.inf
    if q == "under":
        return 0.0, v
    return v, v


def _growth(metric: str) -> float:
    g = ledger.metrics().loc[metric, "max_annual_growth"]
    return float(g) if g else 0.0


def _comparable_kinds(a: str, b: str) -> bool:
    return (a in FACT_KINDS and b in FACT_KINDS) or (a in FUTURE_KINDS and b in FUTURE_KINDS)


def _comparable(a: dict, b: dict) -> bool:
    """Same kind family, same dimension, periods close enough, flows over like periods."""
    if not _comparable_kinds(a["kind"], b["kind"]):
        return False
    if ledger.base_value(a)[0] != ledger.base_value(b)[0]:
        return False
    if ledger.period_gap(a["period"], b["period"]) > MAX_GAP:
        return False
    if ledger.metrics().loc[a["metric"], "aggregation"] == "flow":
        la, lb = ledger.period_length(a["period"]), ledger.period_length(b["period"])
        if la is not None and lb is not None and min(la, lb) < 1 and abs(la - lb) > 1e-9:
            return False
    return True


def _gap_ratio(a: dict, b: dict, growth: float) -> float | None:
    """How far apart two claims are beyond what rounding and growth explain (None: they agree)."""
    gap = ledger.period_gap(a["period"], b["period"])
    if gap > 0 and growth == 0:
        return None  # a rate or share at two different times: no basis to compare
    slack = (1 + ROUNDING) * (1 + growth) ** gap
    lo_a, hi_a = _interval(a)
    lo_b, hi_b = _interval(b)
    if hi_a < lo_b:
        lo, hi = hi_a, lo_b
    elif hi_b < lo_a:
        lo, hi = hi_b, lo_a
    else:
        return None
    if lo <= 0:
        return math.inf
    ratio = hi / lo
    return ratio if ratio > slack else None


def _who(rec: dict) -> str:
    period = f"，{rec['period']}" if rec["period"] else "，时期未说明"
    return f"{sources.short_name(rec['source_id'])}称{ledger.display_value(rec)}（{rec['claim_id']}{period}）"


def _cid(kind: str, ids: list[str]) -> str:
    return "CF-" + hashlib.sha1(f"{kind}|{';'.join(ids)}".encode()).hexdigest()[:6]


def _row(kind: str, ids: list[str], summary: str, magnitude: float) -> dict:
    ids = sorted(ids)
    return {"conflict_id": _cid(kind, ids), "kind": kind, "claim_ids": ";".join(ids),
            "summary": summary, "magnitude": round(magnitude, 2) if math.isfinite(magnitude) else 999.0}


def value_conflicts(df: pd.DataFrame) -> list[dict]:
    out = []
    for (metric, entity), group in df.groupby(["metric", "entity"], sort=True):
        recs = group.sort_values("claim_id").to_dict("records")
        growth = _growth(metric)
        for a, b in itertools.combinations(recs, 2):
            if not _comparable(a, b):
                continue
            ratio = _gap_ratio(a, b, growth)
            if ratio is None:
                continue
            kind = "within-source" if a["source_id"] == b["source_id"] else "cross-source"
            summary = (f"{ledger.label(metric)}（{ledger.entity_label(entity)}）：{_who(a)}；"
                       f"{_who(b)}。相差约 {ratio:.2f} 倍。")
            out.append(_row(kind, [a["claim_id"], b["claim_id"]], summary, ratio))
    return out


def _years(a: dict, b: dict) -> float:
    sa, sb = ledger.period_span(a["period"]), ledger.period_span(b["period"])
    if sa is None or sb is None:
        return math.nan
    return sb[0] - sa[0]


def recompute(rec: dict, by_id: dict) -> tuple[float, str] | None:
    """What a claim's relation says its value should be, with the working shown in Chinese."""
    op, refs = rec["relation"].split(":")
    parts = [by_id[r] for r in refs.split(",")]
    vals = [ledger.base_value(p)[1] for p in parts]
    names = [f"{ledger.display_value(p)}（{p['claim_id']}）" for p in parts]
    if op == "share":
        return vals[0] / vals[1] * 100, f"{names[0]} ÷ {names[1]} = {vals[0] / vals[1] * 100:.1f}%"
    if op == "growth":
        g = (vals[1] / vals[0] - 1) * 100
        return g, f"{names[1]} ÷ {names[0]} − 1 = {g:.1f}%"
    if op == "cagr":
        years = _years(parts[0], parts[1])
        if not years or math.isnan(years):
            return None
        g = ((vals[1] / vals[0]) ** (1 / years) - 1) * 100
        return g, f"({names[1]} ÷ {names[0]})^(1/{years:g}) − 1 = {g:.1f}%/年"
    if op == "diff":
        dim, factor = ledger.UNITS[rec["unit"]]
        d = (vals[1] - vals[0]) / factor
        return d, f"{names[1]} − {names[0]} = {d:g}{rec['unit']}"
    if op == "ratio":
        r = vals[0] / vals[1]
        unit_factor = 100 if rec["unit"] == "%" else 1
        return r * unit_factor, f"{names[0]} ÷ {names[1]} = {r * unit_factor:.3g}{'%' if unit_factor == 100 else ''}"
    if op == "sum":
        dim, factor = ledger.UNITS[rec["unit"]]
        s = sum(vals) / factor
        return s, f"{' + '.join(names)} = {s:g}{rec['unit']}"
    return None


def arithmetic_conflicts(df: pd.DataFrame) -> list[dict]:
    by_id = {r["claim_id"]: r for r in df.to_dict("records")}
    out = []
    for rec in df[df.relation != ""].sort_values("claim_id").to_dict("records"):
        op, refs = rec["relation"].split(":")
        ids = [rec["claim_id"], *refs.split(",")]
        if op == "exceeds":
            other = by_id[refs]
            if ledger.base_value(rec)[1] <= ledger.base_value(other)[1]:
                summary = (f"{_who(rec)}，并说它超过{ledger.display_value(other)}（{other['claim_id']}），"
                           "但数字并不更大。")
                out.append(_row("arithmetic", ids, summary, ledger.base_value(other)[1] / ledger.base_value(rec)[1]))
            continue
        got = recompute(rec, by_id)
        if got is None:
            continue
        computed, working = got
        stated = float(rec["value"])
        tol_rel = 0.10 if rec["qualifier"] == "approx" else 0.03
        abs_tol = 0.5 if rec["unit"] in ("%", "个百分点") else 0.0
        diff = abs(stated - computed)
        if rec["qualifier"] == "over" and stated <= computed:
            continue
        if rec["qualifier"] == "under" and stated >= computed:
            continue
        if diff <= max(abs_tol, tol_rel * abs(computed)):
            continue
        summary = f"{_who(rec)}；按其所引数字重算：{working}。"
        magnitude = stated / computed if computed else math.inf
        out.append(_row("arithmetic", ids, summary, abs(magnitude)))
    return out


def definition_conflicts(df: pd.DataFrame) -> list[dict]:
    m = ledger.metrics()
    df = df.assign(term=df.metric.map(m["term"]))
    df = df[(df.term != "") & df.apply(lambda r: r["term"] in r["quote"], axis=1)] if len(df) else df
    out = []
    for (term, entity), group in df.groupby(["term", "entity"], sort=True):
        if group.metric.nunique() < 2:
            continue
        recs = group.sort_values("claim_id").to_dict("records")
        for a, b in itertools.combinations(recs, 2):
            if a["metric"] == b["metric"] or not _comparable(a, b):
                continue
            va, vb = ledger.base_value(a)[1], ledger.base_value(b)[1]
            if min(va, vb) <= 0:
                continue
            ratio = max(va, vb) / min(va, vb)
            if ratio < DEFINITION_RATIO:
                continue
            summary = (f"同称“{term}”，口径不同：{_who(a)}，指{ledger.label(a['metric'])}；"
                       f"{_who(b)}，指{ledger.label(b['metric'])}。相差约 {ratio:.1f} 倍，不能直接比较。")
            out.append(_row("definition", [a["claim_id"], b["claim_id"]], summary, ratio))
    return out


def detect(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """All conflicts in the ledger, in a stable order."""
    df = ledger.load_claims() if df is None else df
    rows = value_conflicts(df) + arithmetic_conflicts(df) + definition_conflicts(df)
    order = {"cross-source": 0, "within-source": 1, "arithmetic": 2, "definition": 3}
    out = pd.DataFrame(rows, columns=COLUMNS)
    if out.empty:
        return out
    out["_o"] = out.kind.map(order)
    return out.sort_values(["_o", "claim_ids"]).drop(columns="_o").reset_index(drop=True)


@functools.lru_cache(maxsize=4)
def _read_conflicts(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def load_conflicts() -> pd.DataFrame:
    """data/conflicts.csv (a copy: callers may modify it). Read once per version of the file:
    chapter 10 asks for it hundreds of times, and :func:`write` changes its mtime."""
    st = CONFLICTS.stat()
    return _read_conflicts(str(CONFLICTS), st.st_mtime_ns, st.st_size).copy()


def write(path=CONFLICTS) -> pd.DataFrame:
    out = detect()
    out.to_csv(path, index=False, lineterminator="\n")
    return out


def main() -> int:
    out = write()
    print(f"{len(out)} 处冲突 → {CONFLICTS.relative_to(DATA.parent)}")
    print(out.kind.value_counts().to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
