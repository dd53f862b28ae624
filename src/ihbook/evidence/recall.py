"""How good is the conflict detector? Precision from the notes, recall against an independent read.

* **Precision** — the share of detected conflicts (``data/conflicts.csv``) whose verdict in
  ``data/conflict_notes.csv`` is ``real``; each verdict was given by reading both quotes.
* **Recall** — the share of the disagreements in ``data/disagreements_independent.csv`` (found
  by a reader who had not seen the conflict list, each with two quotes) that a detected conflict
  covers. A disagreement is covered when one conflict holds a claim whose quote overlaps its
  first quote and another whose quote overlaps its second (a claim's quote overlaps when the
  two share at least ``OVERLAP`` characters and the claim's number is in the reader's quote;
  repeats linked by ``same_as`` count as the claim they repeat). Rows judged not to be a
  disagreement are listed in ``data/recall_exclusions.csv`` with the reason and left out of the
  denominator, visibly.

``python -m ihbook.evidence.recall`` writes the mapping to ``data/conflict_recall.csv`` and
prints both figures; a test proves the committed mapping equals a fresh run.
"""
from __future__ import annotations

import difflib
import sys

import pandas as pd

from ihbook.evidence import conflicts
from ihbook.evidence import ledger
from ihbook.evidence.paths import DATA

INDEPENDENT = DATA / "disagreements_independent.csv"
EXCLUSIONS = DATA / "recall_exclusions.csv"
NOTES = DATA / "conflict_notes.csv"
RECALL = DATA / "conflict_recall.csv"
COLUMNS = ["dis_id", "kind", "measure", "claims_a", "claims_b", "conflict_ids", "status", "reason"]
VERDICTS = {"real": "真实分歧", "trivial": "微不足道", "not-a-conflict": "不是冲突"}
OVERLAP = 8
TARGET = 90.0


def overlaps(claim_quote: str, value_text: str, quote: str) -> bool:
    """A claim's quote overlaps a reader's quote: the number is in it, and the texts share a run."""
    if value_text not in quote:
        return False
    if claim_quote in quote or quote in claim_quote:
        return True
    m = difflib.SequenceMatcher(None, quote, claim_quote, autojunk=False).find_longest_match(
        0, len(quote), 0, len(claim_quote))
    return m.size >= min(OVERLAP, len(quote))


def claims_for(source_id: str, quote: str, claims: pd.DataFrame) -> list[str]:
    sub = claims[claims.source_id == source_id]
    return [r.claim_id for r in sub.itertuples() if overlaps(r.quote, r.value_text, quote)]


def _groups(claims: pd.DataFrame) -> dict[str, set[str]]:
    """Each claim id → the ids of its statement (itself, the first telling, and every repeat)."""
    root = {r.claim_id: (r.same_as or r.claim_id) for r in claims.itertuples()}
    members: dict[str, set[str]] = {}
    for cid, r in root.items():
        members.setdefault(r, set()).add(cid)
    return {cid: members[root[cid]] for cid in root}


def mapping(independent: pd.DataFrame | None = None, found: pd.DataFrame | None = None,
            claims: pd.DataFrame | None = None, exclusions: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per independent disagreement: the claims its quotes point to, the conflicts that
    cover it, and whether it is matched, missed or excluded (with the reason)."""
    independent = pd.read_csv(INDEPENDENT, dtype=str, keep_default_na=False) if independent is None else independent
    found = conflicts.load_conflicts() if found is None else found
    claims = ledger.load_claims() if claims is None else claims
    exclusions = pd.read_csv(EXCLUSIONS, dtype=str, keep_default_na=False) if exclusions is None else exclusions
    why = dict(zip(exclusions.dis_id, exclusions.reason))
    group = _groups(claims)
    expanded = [(r.conflict_id, set().union(*(group.get(c, {c}) for c in r.claim_ids.split(";"))))
                for r in found.itertuples()]
    rows = []
    for r in independent.to_dict("records"):
        a = claims_for(r["source_a"], r["quote_a"], claims)
        b = claims_for(r["source_b"], r["quote_b"], claims)
        hits = [cid for cid, ids in expanded
                if any(x in ids and y in ids and group.get(x, {x}) != group.get(y, {y}) for x in a for y in b)]
        if r["dis_id"] in why:
            status, reason = "excluded", why[r["dis_id"]]
        elif hits:
            status, reason = "matched", ""
        else:
            status = "missed"
            reason = ("账本只收数字：此分歧有一方不是数字（" + ("第一句" if not a else "第二句") + "没有可记入账本的数字），检测器无从比较"
                      if not (a and b) else "两句的数字都在账本里，但检测器没有把它们配成冲突")
        rows.append({"dis_id": r["dis_id"], "kind": r["kind"], "measure": r["measure"], "claims_a": ";".join(a),
                     "claims_b": ";".join(b), "conflict_ids": ";".join(hits), "status": status, "reason": reason})
    return pd.DataFrame(rows, columns=COLUMNS)


def load_notes() -> pd.DataFrame:
    return pd.read_csv(NOTES, dtype=str, keep_default_na=False)


def load_mapping() -> pd.DataFrame:
    """data/conflict_recall.csv as committed."""
    return pd.read_csv(RECALL, dtype=str, keep_default_na=False)


def precision(found: pd.DataFrame | None = None, notes: pd.DataFrame | None = None) -> dict:
    """Share of detected conflicts whose verdict is ``real`` (a conflict without a note counts
    as not real)."""
    found = conflicts.load_conflicts() if found is None else found
    notes = load_notes() if notes is None else notes
    verdict = found.conflict_id.map(dict(zip(notes.conflict_id, notes.verdict))).fillna("（无说明）")
    n, real = len(found), int((verdict == "real").sum())
    return {"conflicts": n, "real": real, "precision": round(100 * real / n, 1) if n else 0.0,
            "by_verdict": verdict.value_counts().to_dict()}


def recall(table: pd.DataFrame | None = None) -> dict:
    """Share of the independent disagreements (exclusions left out) that a conflict covers."""
    table = load_mapping() if table is None else table
    counted = table[table.status != "excluded"]
    matched = int((counted.status == "matched").sum())
    return {"rows": len(table), "excluded": int((table.status == "excluded").sum()), "counted": len(counted),
            "matched": matched, "recall": round(100 * matched / len(counted), 1) if len(counted) else 0.0,
            "missed": list(counted.dis_id[counted.status == "missed"])}


def write(path=RECALL) -> pd.DataFrame:
    out = mapping()
    path.write_text(out.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    return out


def main() -> int:
    table = write()
    p, r = precision(), recall(table)
    print(f"精确率 {p['precision']}%（{p['real']}/{p['conflicts']} 条冲突判为真实分歧）")
    print(f"召回率 {r['recall']}%（独立审读 {r['rows']} 条，排除 {r['excluded']} 条，"
          f"计入 {r['counted']} 条，命中 {r['matched']} 条；漏检：{'、'.join(r['missed']) or '无'}）")
    return 0 if p["precision"] >= TARGET and r["recall"] >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
