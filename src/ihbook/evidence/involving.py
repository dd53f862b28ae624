"""Which recorded conflicts involve these claims: one answer for every chapter.

Chapters ask the same question of ``data/conflicts.csv`` in three forms — every conflict that
names any of these claims (a case card, a briefing item), only those among these claims alone
(a chart's own contradictions), or the one conflict naming exactly this pair (a table row) —
and each used to carry its own loop over ``claim_ids.split(";")``. They call this module
instead, so the reading of the ``;``-separated column lives in one place.

    from ihbook.evidence import involving
    involving.conflicts(["WS21-001", "R25-003"])                 # rows, file order
    involving.conflict_ids(["WS21-013", "WS21-014"], how="within")
    involving.conflict_ids(["GY24-013", "R25-254"], how="exact")
    involving.by_claim()["WS21-001"]                               # → ["CF-…", …]
"""
from __future__ import annotations

import pandas as pd

from ihbook.evidence import conflicts as _conflicts

HOW = ("any", "within", "exact")


def claim_list(cell: str) -> list[str]:
    """The claim ids of one ``claim_ids`` cell, in order."""
    return [c for c in str(cell).split(";") if c]


def _match(involved: set[str], want: set[str], how: str) -> bool:
    if how == "any":
        return bool(want & involved)
    if how == "within":
        return involved <= want
    return involved == want


def conflicts(claim_ids, how: str = "any", kind: str | None = None) -> pd.DataFrame:
    """Rows of ``data/conflicts.csv`` involving ``claim_ids`` (a string or any iterable), in
    file order. ``how``: ``"any"`` — names at least one of them; ``"within"`` — names only
    claims among them; ``"exact"`` — names exactly them. ``kind`` keeps one kind only
    (cross-source, within-source, arithmetic, definition)."""
    if how not in HOW:
        raise ValueError(f"how 只能是 {'、'.join(HOW)}")
    want = {claim_ids} if isinstance(claim_ids, str) else set(claim_ids)
    df = _conflicts.load_conflicts()
    mask = [_match(set(claim_list(c)), want, how) for c in df.claim_ids]
    if kind is not None:
        mask = [m and k == kind for m, k in zip(mask, df.kind)]
    return df[mask].reset_index(drop=True)


def conflict_ids(claim_ids, how: str = "any", kind: str | None = None) -> list[str]:
    """The ids of :func:`conflicts`."""
    return list(conflicts(claim_ids, how, kind).conflict_id)


def by_claim() -> dict[str, list[str]]:
    """Every claim named in a conflict → the ids of its conflicts, in file order."""
    out: dict[str, list[str]] = {}
    for r in _conflicts.load_conflicts().itertuples():
        for cid in claim_list(r.claim_ids):
            out.setdefault(cid, []).append(r.conflict_id)
    return out
