"""The "source audit" assignment's toolkit: check a ledger claim against its source.

Why this module exists: the course module's assessment (book/teaching/syllabus.md) asks a
student to pick five numbers from the ledger, verify each one and write a memo. The checks are
the same every time — is the quote really in the source, what does the surrounding passage
say, which other sources report the same measure, is the number part of a recorded conflict —
so they live here, once, instead of in every student's notebook:

- :func:`context` — the sentence(s) around a claim's quote in the normalized source text;
- :func:`related` — other claims on the same metric and entity (any source, any period);
- :func:`conflicts_of` — the conflicts in ``data/conflicts.csv`` that involve the claim;
- :func:`audit` — one row per claim with all of the above, as a table to paste into a memo.

A student types claim ids by hand, so bad ids (unknown, empty, not text) never raise: the
row says what is wrong, in Chinese.
"""
from __future__ import annotations

import re

import pandas as pd

from ihbook.evidence import conflicts
from ihbook.evidence import ledger
from ihbook.evidence import sources

COLUMNS = ["编号", "来源", "指标", "主体", "时期", "数值", "类型", "引文在原文中", "冲突", "同指标其他数字", "问题"]


def _lookup(claim_id) -> tuple[dict | None, str]:
    if not isinstance(claim_id, str) or not claim_id.strip():
        return None, "请输入账本编号，例如 WS21-016"
    cid = claim_id.strip().upper()
    if not ledger.CLAIM_ID.match(cid):
        return None, f"“{claim_id[:40]}”不是账本编号的格式（例如 WS21-016）"
    try:
        return ledger.claim(cid), ""
    except KeyError:
        return None, f"账本中没有编号为“{cid}”的数字"


def context(claim_id: str, width: int = 60) -> str:
    """The quote with up to ``width`` characters of the source text on each side, cut at
    sentence ends where possible; the quote itself is marked 【…】. Empty string if the quote
    is not found (which :func:`audit` reports as a problem)."""
    rec, problem = _lookup(claim_id)
    if rec is None:
        return problem
    text = sources.text(rec["source_id"])
    at = text.find(rec["quote"])
    if at < 0:
        return ""
    start, end = max(0, at - width), min(len(text), at + len(rec["quote"]) + width)
    before, after = text[start:at], text[at + len(rec["quote"]):end]
    cut = max(before.rfind(ch) for ch in "。！？\n")
    if cut >= 0:
        before = before[cut + 1:]
    stops = [i for i in (after.find(ch) for ch in "。！？\n") if i >= 0]
    if stops:
        after = after[:min(stops) + 1]
    return (before + "【" + rec["quote"] + "】" + after).strip()


def related(claim_id: str) -> pd.DataFrame:
    """Other claims on the same metric and entity, from any source and period."""
    rec, _ = _lookup(claim_id)
    if rec is None:
        return ledger.load_claims().iloc[0:0]
    df = ledger.select(metric=rec["metric"], entity=rec["entity"])
    return df[df.claim_id != rec["claim_id"]].reset_index(drop=True)


def conflicts_of(claim_id: str) -> pd.DataFrame:
    """The recorded conflicts that involve this claim."""
    cf = conflicts.load_conflicts()
    cid = claim_id.strip().upper() if isinstance(claim_id, str) else ""
    mask = cf.claim_ids.str.split(";").apply(lambda ids: cid in ids)
    return cf[mask].reset_index(drop=True)


def audit(claim_ids) -> pd.DataFrame:
    """One row per claim id: where it comes from, whether its quote is verbatim in the
    normalized source, the conflicts it is part of and the other numbers on the same measure.
    ``claim_ids`` is a list or a string separated by spaces, commas or semicolons."""
    if isinstance(claim_ids, str):
        claim_ids = [x for x in re.split(r"[\s,，;；、]+", claim_ids) if x]
    if not isinstance(claim_ids, (list, tuple)) or not claim_ids:
        return pd.DataFrame([{**{c: "" for c in COLUMNS}, "问题": "请至少给出一个账本编号，例如 WS21-016"}],
                            columns=COLUMNS)
    rows = []
    for raw in claim_ids:
        rec, problem = _lookup(raw)
        if rec is None:
            rows.append({**{c: "" for c in COLUMNS}, "编号": str(raw)[:40], "问题": problem})
            continue
        cid = rec["claim_id"]
        found = rec["quote"] in sources.text(rec["source_id"])
        others = related(cid)
        cf = conflicts_of(cid)
        rows.append({
            "编号": cid,
            "来源": sources.short_name(rec["source_id"]),
            "指标": ledger.label(rec["metric"]),
            "主体": ledger.entity_label(rec["entity"]),
            "时期": rec["period"] or "未说明",
            "数值": ledger.display_value(rec),
            "类型": ledger.KIND_LABELS[rec["kind"]],
            "引文在原文中": "是" if found else "否",
            "冲突": "；".join(cf.conflict_id) if len(cf) else "无",
            "同指标其他数字": "；".join(f"{r.claim_id}（{sources.short_name(r.source_id)}，{r.period or '时期未说明'}）"
                                       for r in others.itertuples()) or "无",
            "问题": "" if found else "引文不在规范化文本中",
        })
    return pd.DataFrame(rows, columns=COLUMNS)
