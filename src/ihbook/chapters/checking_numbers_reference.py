"""Chapter 10, section “来源说的 vs 统计说的”: the glue behind its prose, all computed from data.

The cross-check itself lives in :mod:`ihbook.evidence.reference` (verdicts) and
:mod:`ihbook.show.reference` (table, chart, source cards); the chapter's visible cells call
those. This module only feeds the prose: counts of verdicts, the official values a paragraph
names (each also shown as a 编者注 built from its reference rows, never typed), and conflict
ids the chapter mentions, selected with :mod:`ihbook.evidence.involving` rather than typed.

    from ihbook.chapters import checking_numbers_reference as xref
    xref.glue_crosscheck(checks)               # remove-input cell
    xref.official_note(["REF-CNNIC-2023H2-users"], "CNNIC 的用户规模")   # a 编者注
"""
from __future__ import annotations

import pandas as pd

from ihbook.evidence import involving, ledger, reference, sources

# claims the section's prose discusses with their official counterpart
DISCUSSED = ("R25-027", "GY24-001", "IR20-001", "IR20-002", "KR21-002", "KR21-007")
# conflict groups the chapter names in prose (claims → the conflicts among them)
CONFLICT_GROUPS = {
    "ch10-cf-top": ["GY24-015", "R25-260"],
    "ch10-cf-investment": ["GY24-013", "R25-254", "GY24-015", "R25-260"],
    "ch10-cf-province-case": ["R25-043", "R25-223", "R25-044", "R25-224"],
}


QUALIFIERS = {"over": "超过", "approx": "约", "under": "不足"}


def conflict_ids(key: str) -> list[str]:
    """The conflicts among one named group of claims (``CONFLICT_GROUPS``), from data/conflicts.csv."""
    return involving.conflict_ids(CONFLICT_GROUPS[key], how="within")


def counted_once(checks: pd.DataFrame) -> pd.DataFrame:
    """Cross-check rows of first statements only (a repeat, ``same_as``, counts once)."""
    return checks[checks.claim_id.isin(ledger.counted_once(ledger.load_claims()).claim_id)]


def verdict_table(checks: pd.DataFrame) -> pd.DataFrame:
    """Verdicts per source (repeats once) with the share agreeing among the figures the check
    could judge (agrees + disagrees + different definition), as on the source cards."""
    t = pd.crosstab(counted_once(checks).source_id, counted_once(checks).verdict)
    for v in reference.VERDICT_LABELS:
        if v not in t.columns:
            t[v] = 0
    t = t[list(reference.VERDICT_LABELS)]
    judged = t["agrees"] + t["disagrees"] + t["definition"]
    t["share_agrees"] = (t["agrees"] / judged.where(judged > 0)).round(2)
    return t


def official_text(ref_ids) -> str:
    """“publisher《document》：period value unit；…” for reference rows (read from data)."""
    parts = []
    for rid in ref_ids:
        r = reference.reference_row(rid)
        q = QUALIFIERS.get(r.get("qualifier", ""), "")
        parts.append(f"{r['publisher']}《{r['document']}》，{r['period']}：{q}{r['value_text']}{r['unit']}")
    return "；".join(parts)


def official_note(ref_ids, lead: str) -> None:
    """A 编者注 whose figures come from the reference rows themselves."""
    from ihbook.show.notes import editor_note

    editor_note(";".join(ref_ids), f"{lead}：{official_text(ref_ids)}。")


def glue_crosscheck(checks: pd.DataFrame | None = None) -> None:
    """Glue the section's computed figures (:func:`glue_values`) for {glue:md} in the prose."""
    from IPython.display import Markdown
    from myst_nb import glue

    for k, text in glue_values(checks).items():
        glue(k, Markdown(text), display=False)


def glue_values(checks: pd.DataFrame | None = None) -> dict[str, str]:
    """The section's computed figures by glue key."""
    checks = reference.crosscheck() if checks is None else checks
    out: dict[str, str] = {}
    once = counted_once(checks)
    counts = once.verdict.value_counts()
    out["ch10-xc-total"] = f"{len(once)} 个"
    for v in reference.VERDICT_LABELS:
        out[f"ch10-xc-{v}"] = f"{int(counts.get(v, 0))} 个"
    t = verdict_table(checks)
    for sid, row in t.iterrows():
        judged = int(row["agrees"] + row["disagrees"] + row["definition"])
        out[f"ch10-xc-judged-{sid}"] = f"{int(row['agrees'])}/{judged}" if judged else "无"
    for cid in DISCUSSED:
        v = reference.verdict_for(cid)
        if v is None:
            continue
        out[f"ch10-xc-{cid}-official"] = f"{v['official_value']}（{v['official_period']}）"
        out[f"ch10-xc-{cid}-ratio"] = f"{v['ratio']:.2f} 倍"
        out[f"ch10-xc-{cid}-verdict"] = v["verdict_label"]
    for key in CONFLICT_GROUPS:
        out[key] = "、".join(conflict_ids(key)) or "（无）"
    return out


def discussed_refs() -> list[str]:
    """Reference rows behind the official values the section's prose names."""
    seen: dict[str, None] = {}
    for cid in DISCUSSED:
        v = reference.verdict_for(cid)
        for rid in (v or {}).get("ref_ids", "").split(";"):
            if rid:
                seen[rid] = None
    return list(seen)


def short(source_id: str) -> str:
    return sources.short_name(source_id)
