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
from pathlib import Path

from ihbook.evidence import ledger, sources
from ihbook.evidence.ledger import DataError
from ihbook.evidence.paths import ROOT
from ihbook.evidence.units import UNITS, parse_number
from ihbook.evidence.reference_tables import (  # noqa: F401
    REFERENCE, STATISTICS, RULES, CROSSWALK, SOURCE_METHODS, REF_ID, RULE_ID, ANY_ID, EXTRA_UNITS,
    DEFAULT_REL, DEFAULT_ABS, APPROX, SAME_TIME, NEIGHBOUR, UNDATED_WINDOW, FLOW_METRICS, CHECKED_KINDS,
    VERDICTS, VERDICT_LABELS, ATTRIBUTION, NOT_ATTRIBUTED, SELF, _read, _statistics, load_statistics,
    load_rules, load_crosswalk, load_source_methods, ref_ids, reference_row,
)
from ihbook.evidence.reference_crosscheck import (  # noqa: F401
    to_base, claim_interval, ref_interval, _meet, _end, _fmt, _growth, _claims_with_source_year,
    _verdict_one, _nearest, CROSSCHECK_COLUMNS, crosscheck, verdict_for,
)
from ihbook.evidence.reference_cards import (  # noqa: F401
    attributed, _within_conflicts, CARD_COLUMNS, source_cards, not_relied_on,
)


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
