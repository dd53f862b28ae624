"""The conflict detector's arithmetic rules: a part larger than its whole, and stated shares, growth
rates and sums that the parts contradict (documented, with ledger examples, in
:mod:`ihbook.evidence.conflicts`)."""
from __future__ import annotations

import itertools
import math

import pandas as pd

from ihbook.evidence import ledger
from ihbook.evidence import vocabulary as vocab
from ihbook.evidence.conflict_rules import (
    ROUNDING, UNDATED_RULES, _flows_differ, _gap, _kinds_ok, _row, derived_claims, prepare, who)


def part_whole_conflicts(df: pd.DataFrame, clashing: set | None = None) -> list[dict]:
    """A part (segment, subgroup) larger than its whole at the same time. A derived part is
    skipped where the stated figures it comes from already clash with the whole (``clashing``:
    pairs of claim ids found by the value rules)."""
    clashing = clashing or set()
    recs = df[~df.repeat].sort_values("claim_id").to_dict("records")
    pool = recs + derived_claims(df)
    out = []
    for part in pool:
        wholes = vocab.measure_ancestors(part["measure"])
        for whole in pool:
            if whole["measure"] not in wholes or (part["derived"] and whole["derived"]) or part["dim"] != whole["dim"]:
                continue
            if not vocab.nested(part["ent"], whole["ent"]) or not _kinds_ok(part, whole):
                continue
            same_case = (part["source_id"] == whole["source_id"] and part["period_rule"] in UNDATED_RULES
                         and whole["period_rule"] in UNDATED_RULES and part["period"] == whole["period"])
            gap = _gap(part, whole)
            if not same_case and (gap is None or gap > 1 or _flows_differ(part, whole)):
                continue
            if part["lo"] <= whole["hi"] * (1 + ROUNDING):
                continue
            if any(frozenset((p, w)) in clashing for p in part["parts"] for w in whole["parts"]):
                continue
            unit = whole["unit"] if part["derived"] else part["unit"]
            text = (f"{ledger.vocabulary_label(part['measure'])}（{ledger.entity_label(part['ent'])}）是"
                    f"{ledger.vocabulary_label(whole['measure'])}（{ledger.entity_label(whole['ent'])}）的一部分，却比整体还大："
                    f"{who(part, unit)}；整体：{who(whole, unit)}。")
            mag = math.inf if whole["hi"] <= 0 else part["lo"] / whole["hi"]
            out.append(_row("arithmetic", "part-exceeds-whole", part["parts"] + whole["parts"], text, mag))
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
        factor = ledger.UNITS[rec["unit"]][1]
        d = (vals[1] - vals[0]) / factor
        return d, f"{names[1]} − {names[0]} = {d:g}{rec['unit']}"
    if op == "ratio":
        r = vals[0] / vals[1]
        unit_factor = 100 if rec["unit"] == "%" else 1
        return r * unit_factor, f"{names[0]} ÷ {names[1]} = {r * unit_factor:.3g}{'%' if unit_factor == 100 else ''}"
    if op == "sum":
        factor = ledger.UNITS[rec["unit"]][1]
        s = sum(vals) / factor
        return s, f"{' + '.join(names)} = {s:g}{rec['unit']}"
    return None


def relation_conflicts(df: pd.DataFrame) -> list[dict]:
    """Stated shares, growth rates, sums… that the source's own parts contradict."""
    by_id = {r["claim_id"]: r for r in df.to_dict("records")}
    out = []
    for rec in df[df.relation != ""].sort_values("claim_id").to_dict("records"):
        op, refs = rec["relation"].split(":")
        ids = [rec["claim_id"], *refs.split(",")]
        if op == "exceeds":
            other = by_id[refs]
            if ledger.base_value(rec)[1] <= ledger.base_value(other)[1]:
                summary = (f"{who(rec)}，并说它超过{ledger.display_value(other)}（{other['claim_id']}），但数字并不更大。")
                out.append(_row("arithmetic", "stated-relation", ids, summary,
                                 ledger.base_value(other)[1] / ledger.base_value(rec)[1]))
            continue
        got = recompute(rec, by_id)
        if got is None:
            continue
        computed, working = got
        stated = float(rec["value"])
        tol_rel = 0.10 if rec["qualifier"] == "approx" else 0.03
        abs_tol = 0.5 if rec["unit"] in ("%", "个百分点") else 0.0
        if rec["qualifier"] == "over" and stated <= computed:
            continue
        if rec["qualifier"] == "under" and stated >= computed:
            continue
        if abs(stated - computed) <= max(abs_tol, tol_rel * abs(computed)):
            continue
        summary = f"{who(rec)}；按其所引数字重算：{working}。"
        out.append(_row("arithmetic", "stated-relation", ids, summary, abs(stated / computed) if computed else math.inf))
    return out


def arithmetic_conflicts(df: pd.DataFrame, clashing: set | None = None) -> list[dict]:
    if "measure" not in df.columns:
        df = prepare(df)
    return relation_conflicts(df) + part_whole_conflicts(df, clashing)


def clashing_pairs(rows: list[dict]) -> set:
    """Every pair of claim ids that appear together in a conflict."""
    out = set()
    for r in rows:
        ids = r["claim_ids"].split(";")
        out.update(frozenset((a, b)) for a, b in itertools.combinations(ids, 2))
    return out


