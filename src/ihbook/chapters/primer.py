"""Small helpers for the primer page (``book/primer.ipynb``) and chapters 1, 2 and 4.

Only what a notebook would otherwise repeat as plumbing lives here; the analysis itself (which
claims, what is computed, the chart) stays visible in the notebooks.

* :func:`claims_table` — ledger rows as a reader-facing table with Chinese column labels.
* :func:`conflicts_of` — conflict ids from ``data/conflicts.csv`` that involve given claims,
  as a readable phrase (never typed by hand).
* :func:`note` — an editor's note (编者注) naming rows of ``data/reference/*.csv``.
"""
from __future__ import annotations

import pandas as pd

from ihbook.evidence import ledger
from ihbook.evidence import sources
TABLE_LABELS = {"metric": "指标", "entity": "主体", "period": "时期", "value": "数字（原文）",
                "kind": "类型", "source_id": "来源", "claim_id": "编号"}


def claims_table(df: pd.DataFrame, columns=("metric", "entity", "period", "value", "kind",
                                             "source_id", "claim_id")) -> pd.DataFrame:
    """Ledger rows (from ``ledger.select``) as a table a reader can read: Chinese labels and values,
    the number as the source wrote it, the claim id kept as the last column."""
    out = {}
    recs = df.to_dict("records")
    for col in columns:
        if col == "metric":
            out[TABLE_LABELS[col]] = [ledger.label(r["metric"]) for r in recs]
        elif col == "entity":
            out[TABLE_LABELS[col]] = [ledger.entity_label(r["entity"]) for r in recs]
        elif col == "period":
            out[TABLE_LABELS[col]] = [r["period"] or "未说明" for r in recs]
        elif col == "value":
            out[TABLE_LABELS[col]] = [ledger.display_value(r) for r in recs]
        elif col == "kind":
            out[TABLE_LABELS[col]] = [ledger.KIND_LABELS.get(r["kind"], r["kind"]) for r in recs]
        elif col == "source_id":
            out[TABLE_LABELS[col]] = [sources.short_name(r["source_id"]) for r in recs]
        elif col == "claim_id":
            out[TABLE_LABELS[col]] = [r["claim_id"] for r in recs]
    return pd.DataFrame(out).reset_index(drop=True)


def conflict_list(claim_ids, within: bool = False) -> list[str]:
    """Ids of conflicts in ``data/conflicts.csv`` involving any of ``claim_ids`` (``within``: only
    conflicts among these claims alone). A thin name over :mod:`ihbook.evidence.involving`."""
    from ihbook.evidence import involving

    return involving.conflict_ids(list(claim_ids), how="within" if within else "any")


def conflicts_of(claim_ids, within: bool = False) -> str:
    """The same as a phrase for prose: ``CF-…、CF-…``, or ``暂无登记`` when there is none."""
    ids = conflict_list(claim_ids, within)
    return "、".join(ids) if ids else "暂无登记"


def note(text: str, *ref_ids: str) -> None:
    """Show an editor's note (编者注): ``text`` is the book's sentence, ``ref_ids`` the rows of
    ``data/reference/`` it rests on (rendered by :func:`ihbook.show.notes.editor_note`)."""
    from ihbook.show.notes import editor_note

    editor_note(";".join(ref_ids), text)
