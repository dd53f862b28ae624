"""The reference layer: facts from outside the five sources, and the sources checked against them.

Four small tables in ``data/reference/`` (schemas in ``data/schemas/reference_*.json``):

``statistics.csv``
    Official statistics and company filings, one figure per row: publisher, document, its date,
    the period measured, value as written, unit, definition, the address where the figure was
    read, a verbatim quote from that page, and ``publisher_own`` (false when the page is a
    secondary report or a copy of the document). Nothing here comes from memory.
``rules.csv``
    The national rulebook, one provision per row, with issuer, number (文号), date, status and
    what it allows or forbids, quoted from a stored page.
``crosswalk.csv``
    Which ledger measure (claim ``metric`` + ``entity``) has an official counterpart (reference
    ``metric`` + ``entity``), with the tolerance and whether the definitions are the same.
    The pairing lives in data, not in code.
``source_methods.csv``
    What each source says about its own method, quoted, or "未说明".

:func:`crosscheck` gives every ledger claim that has a counterpart a verdict, computed:

* **Units.** Both values go to a common base (亿/万/百万 to units, ‰ to 人/千人); shares stay
  in percent. A claim and a reference with different dimensions are a definition mismatch.
* **Intervals.** A claim is an interval: exact, 约 ±10 %, 超过 [v, ∞), 不足 [0, v], or its range
  (the same reading as the conflict detector's). A reference is widened by the crosswalk's
  tolerance: ``rel`` (a fraction, default 5 % for counts and money, so that rounding such as
  2.98 vs 3.0 is not a disagreement) or ``abs`` (percentage points for shares, default 0.3).
  A reference written 超过 is open above.
* **Time.** Stocks (users, population, hospitals) are compared at the end of the claim's
  period. A reference within about a month is *the same time*; otherwise the official values
  just before and after (each within a year) bracket the claim; with only one neighbour within a
  year, that value is widened by the metric's ``max_annual_growth`` (``data/keys/metrics.csv``)
  over the gap. Flows (revenue, growth) need the same span; a reference over a span of the same
  length that is shifted (a fiscal year ending 31 March) makes the verdict *different
  definition* even when the numbers meet. An undated claim is compared with the range of
  official values in the five years up to its source's date.
* **Verdicts.** ``agrees`` (intervals meet), ``disagrees`` (they do not), ``definition``
  (the crosswalk marks the definitions as different, the dimensions differ, or the period is a
  fiscal year), ``no_counterpart`` (an official series exists, but no value near the claim's
  time). Forecasts and targets are not checked.

:func:`source_cards` sums up each source: who and when, stated method, share of its figures it
attributes, share agreeing with official statistics where checkable, share anecdotal, and its
within-source conflicts. Rendering lives in :mod:`ihbook.show.reference`; the 编者注 box in
:mod:`ihbook.show.notes`.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ihbook.evidence import ledger, sources
from ihbook.evidence.ledger import DataError
from ihbook.evidence.paths import DATA, ROOT
from ihbook.evidence.units import UNITS, parse_number

REFERENCE = DATA / "reference"
STATISTICS = REFERENCE / "statistics.csv"
RULES = REFERENCE / "rules.csv"
CROSSWALK = REFERENCE / "crosswalk.csv"
SOURCE_METHODS = REFERENCE / "source_methods.csv"

REF_ID = re.compile(r"^REF-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+$")
RULE_ID = re.compile(r"^R-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+$")
ANY_ID = re.compile(r"\b(?:REF|R)-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+")

# Units the reference tables use beyond the ledger's: filings in 百万元; ‰ and 人/千人 are one measure.
EXTRA_UNITS: dict[str, tuple[str, float]] = {"百万元": ("cny", 1e6), "‰": ("per_1000", 1.0),
                                             "人/千人": ("per_1000", 1.0)}
DEFAULT_REL = 0.05
DEFAULT_ABS = 0.3
APPROX = 0.10
SAME_TIME = 1 / 12 + 1e-6     # a reference this close (years) is "the same time"
NEIGHBOUR = 1.0 + 1e-6        # neighbours within a year bracket a claim
UNDATED_WINDOW = 5            # years before the source's date
FLOW_METRICS = {"revenue", "revenue_growth"}
CHECKED_KINDS = {"observed", "estimate", "anecdote", "unattributed"}  # not forecasts or targets

VERDICTS = ["agrees", "disagrees", "definition", "no_counterpart"]
VERDICT_LABELS = {"agrees": "一致", "disagrees": "不一致", "definition": "口径不同",
                  "no_counterpart": "无同期官方数字"}

# How a figure counts as attributed when the ledger has no ``attributed_to`` column: its quote
# names who measured it (据/根据 … 数据/统计/估算/测算/推算/显示, 数据显示, 资料来源, or a filing or a
# named statistics body).
ATTRIBUTION = re.compile(
    r"(?:据|根据)[^，。；,;]{0,24}(?:数据|统计|估算|测算|推算|显示|报告|研究|调研|年鉴|公报|招股书)"
    r"|数据显示|资料来源|来源[:：]|招股书|财报|年报|公报|统计年鉴"
    r"|CNNIC|国家统计局|卫健委|卫生健康委|艾瑞|易观|艾媒|IT桔子|弗若斯特沙利文|沙利文|安信证券|WHO|世界卫生组织")
NOT_ATTRIBUTED = {"", "none", "nobody", "unattributed", "无", "未注明"}
SELF = {"self", "source", "来源自身"}


# --------------------------------------------------------------------------- loading

def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@lru_cache(maxsize=None)
def _statistics(path: str) -> pd.DataFrame:
    df = _read(Path(path))
    df["value"] = pd.to_numeric(df["value"])
    return df


def load_statistics(path: Path = STATISTICS) -> pd.DataFrame:
    """Official statistics and filings (a copy)."""
    return _statistics(str(path)).copy()


def load_rules(path: Path = RULES) -> pd.DataFrame:
    """The national rulebook, one provision per row."""
    return _read(path)


def load_crosswalk(path: Path = CROSSWALK) -> pd.DataFrame:
    """Ledger measure → official measure, tolerance and definition note."""
    return _read(path)


def load_source_methods(path: Path = SOURCE_METHODS) -> pd.DataFrame:
    return _read(path)


def ref_ids() -> set[str]:
    """Every id an editor's note may cite: statistics and rules."""
    return set(load_statistics().ref_id) | set(load_rules().rule_id)


def reference_row(ref_id: str) -> dict:
    """One reference row (statistic or rule) with the fields a note needs: publisher, document,
    date, url, quote. Unknown ids raise ``KeyError`` naming the id."""
    st = load_statistics()
    hit = st[st.ref_id == ref_id]
    if len(hit):
        r = hit.iloc[0].to_dict()
        return {**r, "kind": "statistic", "date": r["doc_date"]}
    ru = load_rules()
    hit = ru[ru.rule_id == ref_id]
    if len(hit):
        r = hit.iloc[0].to_dict()
        return {**r, "ref_id": ref_id, "kind": "rule", "publisher": r["issuer"], "document": r["title"]}
    raise KeyError(f"data/reference 中没有编号“{ref_id}”")


# --------------------------------------------------------------------------- checks

def check_reference(statistics: Path = STATISTICS, rules: Path = RULES, crosswalk: Path = CROSSWALK,
                    methods: Path = SOURCE_METHODS) -> list[DataError]:
    """Checks beyond the schemas: every figure's quote contains its value as written and that
    text reads as the value; every row has an address; the crosswalk names known keys on both
    sides; a stated method is quoted verbatim from its source's normalized text."""
    errors: list[DataError] = []

    def err(path: Path, row: int, col: str, reason: str) -> None:
        errors.append(DataError(str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
                                row, col, reason))

    st = _read(statistics)
    for i, r in enumerate(st.to_dict("records"), start=2):
        if not REF_ID.match(r["ref_id"]):
            err(statistics, i, "ref_id", f"编号“{r['ref_id']}”应形如 REF-CNNIC-2023H2-users")
        if not r["url"].startswith(("http://", "https://")):
            err(statistics, i, "url", "缺少读到该数字的网页地址")
        if not r["quote"].strip():
            err(statistics, i, "quote", "缺少逐字引文")
        elif r["value_text"] not in r["quote"]:
            err(statistics, i, "value_text", f"引文中找不到原样写法“{r['value_text']}”")
        try:
            v = parse_number(r["value_text"])
            if not math.isclose(v, float(r["value"]), rel_tol=1e-9):
                err(statistics, i, "value", f"数值 {r['value']} 与原样写法“{r['value_text']}”不符")
        except (ValueError, KeyError):
            err(statistics, i, "value_text", f"“{r['value_text']}”读不出数字")
        if r["unit"] not in UNITS and r["unit"] not in EXTRA_UNITS:
            err(statistics, i, "unit", f"未知单位“{r['unit']}”")
        if r["period"] and not ledger.PERIOD.match(r["period"]):
            err(statistics, i, "period", f"时期“{r['period']}”的写法不合规")
    ru = _read(rules)
    for i, r in enumerate(ru.to_dict("records"), start=2):
        if not RULE_ID.match(r["rule_id"]):
            err(rules, i, "rule_id", f"编号“{r['rule_id']}”应形如 R-2018-IDM-scope")
        if not r["url"].startswith(("http://", "https://")):
            err(rules, i, "url", "缺少读到该条文的网页地址")
        if not r["quote"].strip():
            err(rules, i, "quote", "缺少逐字引文")
    metrics = set(ledger.metrics().index)
    entities = set(ledger.entities().index)
    ref_pairs = set(zip(st.metric, st.entity))
    cw = _read(crosswalk)
    for i, r in enumerate(cw.to_dict("records"), start=2):
        if r["claim_metric"] not in metrics:
            err(crosswalk, i, "claim_metric", f"账本词表中没有指标“{r['claim_metric']}”")
        if r["claim_entity"] not in entities:
            err(crosswalk, i, "claim_entity", f"账本词表中没有主体“{r['claim_entity']}”")
        if (r["ref_metric"], r["ref_entity"]) not in ref_pairs:
            err(crosswalk, i, "ref_metric", f"statistics.csv 中没有 {r['ref_metric']} / {r['ref_entity']}")
    sm = _read(methods)
    known = set(sources.load_sources().source_id)
    for i, r in enumerate(sm.to_dict("records"), start=2):
        if r["source_id"] not in known:
            err(methods, i, "source_id", f"未知来源“{r['source_id']}”")
            continue
        if r["quote"] and r["quote"] not in sources.text(r["source_id"]):
            err(methods, i, "quote", "引文不在该来源的规范化文本中")
    return errors


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


# --------------------------------------------------------------------------- source cards

def attributed(rec: dict) -> bool:
    """Whether a claim says who measured it: the ledger's ``attributed_to`` when present (an
    organisation the source names, or the source itself: ``self``; not ``none``), else the quote
    matches :data:`ATTRIBUTION`."""
    if "attributed_to" in rec and rec["attributed_to"] is not None and not pd.isna(rec["attributed_to"]):
        who = str(rec["attributed_to"]).strip()
        return who.lower() not in NOT_ATTRIBUTED
    return bool(ATTRIBUTION.search(rec.get("quote", "")))


def _within_conflicts(conflicts: pd.DataFrame) -> dict[str, int]:
    from ihbook.evidence import involving

    out: dict[str, int] = {}
    if conflicts is None or conflicts.empty:
        return out
    cl = ledger.load_claims()
    by_claim = dict(zip(cl.claim_id, cl.source_id))
    for r in conflicts[conflicts.kind == "within-source"].to_dict("records"):
        sids = {by_claim.get(cid, "") for cid in involving.claim_list(str(r["claim_ids"]))}
        if len(sids) == 1:
            s = sids.pop()
            out[s] = out.get(s, 0) + 1
    return out


CARD_COLUMNS = ["source_id", "publisher", "author", "date", "title", "kind", "method", "method_quote",
                "n_figures", "n_attributed", "n_self", "share_attributed", "attribution_rule", "n_checked",
                "n_agrees", "share_agrees", "n_anecdote", "share_anecdote", "n_within_conflicts"]


def source_cards(claims: pd.DataFrame | None = None, checks: pd.DataFrame | None = None,
                 conflicts: pd.DataFrame | None = None, methods: pd.DataFrame | None = None,
                 srcs: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per source with the numbers a reader needs to judge it.

    Figures are counted once: where the ledger links repeats (``same_as``), only the first
    statement counts. ``share_agrees`` is over the figures the cross-check could judge
    (agrees + disagrees + definition); ``NaN`` where none could be checked.
    """
    claims = ledger.load_claims() if claims is None else claims
    if checks is None:
        checks = crosscheck(claims)
    if conflicts is None:
        from ihbook.evidence import conflicts as conflicts_mod
        conflicts = conflicts_mod.load_conflicts()
    methods = load_source_methods() if methods is None else methods
    srcs = sources.load_sources() if srcs is None else srcs
    if "same_as" in claims.columns:
        claims = claims[claims.same_as.fillna("").astype(str).str.strip() == ""]
    rule = ("账本的 attributed_to 列：写明由哪个机构测得，或来源自称自己测得（self）；none 为未写出处" if "attributed_to" in claims.columns
            else "引文中写明出处（据/根据…数据、统计、估算；数据显示；资料来源；招股书、财报、公报；或点名 CNNIC、统计局、卫健委、艾瑞、易观、艾媒等机构）")
    within = _within_conflicts(conflicts)
    m = methods.set_index("source_id") if len(methods) else pd.DataFrame()
    rows = []
    for s in srcs.to_dict("records"):
        sid = s["source_id"]
        cs = claims[claims.source_id == sid]
        n = len(cs)
        n_attr = sum(attributed(r) for r in cs.to_dict("records"))
        n_self = int(cs["attributed_to"].astype(str).str.strip().str.lower().isin(SELF).sum()) \
            if "attributed_to" in cs.columns else 0
        ch = checks[(checks.source_id == sid) & checks.verdict.isin(["agrees", "disagrees", "definition"])
                    & checks.claim_id.isin(cs.claim_id)]
        n_chk = len(ch)
        n_ok = int((ch.verdict == "agrees").sum())
        n_anec = int((cs.kind == "anecdote").sum())
        meth = m.loc[sid].to_dict() if sid in getattr(m, "index", []) else {"method": "未说明", "quote": ""}
        rows.append({
            "source_id": sid, "publisher": s["publisher"], "author": s["author"], "date": s["date"],
            "title": s["title"], "kind": s["kind"], "method": meth.get("method") or "未说明",
            "method_quote": meth.get("quote", ""), "n_figures": n, "n_attributed": n_attr, "n_self": n_self,
            "share_attributed": n_attr / n if n else float("nan"), "attribution_rule": rule,
            "n_checked": n_chk, "n_agrees": n_ok, "share_agrees": n_ok / n_chk if n_chk else float("nan"),
            "n_anecdote": n_anec, "share_anecdote": n_anec / n if n else float("nan"),
            "n_within_conflicts": within.get(sid, 0),
        })
    return pd.DataFrame(rows, columns=CARD_COLUMNS)


def not_relied_on(cards: pd.DataFrame) -> pd.DataFrame:
    """Every source's weaknesses, and whether the book relies on it for headline numbers.

    A source is *not relied on* for headline numbers when its author and publisher are unknown,
    or when three things hold at once: fewer than a third of its figures are attributed, fewer
    than half of its checkable figures agree with official statistics, and it contradicts itself
    at least three times. Its figures are still shown, as its claims, never as facts.
    """
    out = []
    for r in cards.to_dict("records"):
        reasons = []
        unknown = not r["author"] and ("不详" in r["publisher"] or "用户上传" in r["publisher"])
        if unknown:
            reasons.append("作者与机构不详（用户上传的文档）")
        low_attr = not pd.isna(r["share_attributed"]) and r["share_attributed"] < 1 / 3
        low_agree = not pd.isna(r["share_agrees"]) and r["share_agrees"] < 0.5
        if low_attr:
            reasons.append(f"只有 {r['share_attributed']:.0%} 的数字写明出处")
        if low_agree:
            reasons.append(f"可核对的 {r['n_checked']} 个数字中只有 {r['n_agrees']} 个与官方统计一致")
        if r["n_within_conflicts"] >= 3:
            reasons.append(f"自身有 {r['n_within_conflicts']} 处前后矛盾")
        relied = not (unknown or (low_attr and low_agree and r["n_within_conflicts"] >= 3))
        out.append({"source_id": r["source_id"], "relied_on": relied, "reasons": "；".join(reasons)})
    return pd.DataFrame(out, columns=["source_id", "relied_on", "reasons"])
