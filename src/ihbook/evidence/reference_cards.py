"""Source cards: who each source is, its stated method, and how far its figures hold up.

Split out of :mod:`ihbook.evidence.reference`: the per-source summary built on the cross-check
(attribution, conflicts within a source, what the book does not rely on); ``reference``
re-exports every name here.
"""

from __future__ import annotations

import pandas as pd

from ihbook.evidence import ledger, sources
from ihbook.evidence.reference_tables import ATTRIBUTION, NOT_ATTRIBUTED, SELF, load_source_methods
from ihbook.evidence.reference_crosscheck import crosscheck


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
    if checks is None:  # the book's own ledger: the cross-check computed once per process
        checks = crosscheck() if claims is None else crosscheck(claims)
    claims = ledger.load_claims() if claims is None else claims
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
