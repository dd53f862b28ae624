"""Small helpers for the primer page (``book/primer.ipynb``) and chapters 1, 2 and 4.

Only what a notebook would otherwise repeat as plumbing lives here; the analysis itself (which
claims, what is computed, the chart) stays visible in the notebooks.

* :func:`claims_table` — ledger rows as a reader-facing table with Chinese column labels.
* :func:`conflicts_of` — conflict ids from ``data/conflicts.csv`` that involve given claims,
  as a readable phrase (never typed by hand).
* :func:`reference_row` / :func:`note` — an editor's note (编者注) naming one row of
  ``data/reference/*.csv``; uses ``ihbook.show.notes.editor_note`` when it exists.
"""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.evidence.paths import DATA

REFERENCE = DATA / "reference"
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
    conflicts among these claims alone)."""
    from ihbook.evidence import conflicts

    want = set(claim_ids)
    ids = []
    for r in conflicts.load_conflicts().itertuples():
        involved = set(r.claim_ids.split(";"))
        if (involved <= want) if within else (want & involved):
            ids.append(r.conflict_id)
    return ids


def conflicts_of(claim_ids, within: bool = False) -> str:
    """The same as a phrase for prose: ``冲突 CF-…、CF-…`` or ``冲突清单中没有登记``."""
    ids = conflict_list(claim_ids, within)
    return f"冲突 {'、'.join(ids)}" if ids else "冲突清单中没有登记"


def reference_row(ref_id: str) -> dict:
    """One row of any ``data/reference/*.csv`` table by its id (first column), with its file name."""
    if not isinstance(ref_id, str) or not ref_id:
        raise KeyError("请给出 data/reference/ 中一行的编号")
    for path in sorted(Path(REFERENCE).glob("*.csv")):
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        key = df.columns[0]
        hit = df[df[key] == ref_id]
        if len(hit):
            row = hit.iloc[0].to_dict()
            row["_table"] = f"data/reference/{path.name}"
            return row
    raise KeyError(f"data/reference/ 中没有编号为“{ref_id}”的行")


def note(text: str, *ref_ids: str) -> None:
    """Show an editor's note (编者注): ``text`` is the book's sentence, ``ref_ids`` the reference
    rows it rests on (each shown with publisher, document, address and verbatim quote)."""
    from IPython.display import display

    try:  # the reference layer's own renderer, once it exists
        from ihbook.show.notes import editor_note  # type: ignore
    except ImportError:
        editor_note = None
    if editor_note is not None:
        try:
            editor_note(text, *ref_ids)
            return
        except TypeError:
            pass
    rows = [reference_row(r) for r in ref_ids]
    cites, plain = [], []
    for rid, r in zip(ref_ids, rows):
        who = r.get("publisher") or r.get("issuer") or ""
        doc = r.get("document") or r.get("title") or ""
        url = r.get("url", "")
        quote = r.get("quote", "")
        link = f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>' if url else ""
        cites.append(f"<li>{html.escape(who)}：{html.escape(doc)}〔{html.escape(rid)}，{html.escape(r['_table'])}〕"
                     f"<br>“{html.escape(quote)}”<br>{link}</li>")
        plain.append(f"{who}：{doc}〔{rid}〕“{quote}” {url}")
    body = (f'<aside class="ihbook-editor-note"><p><strong>编者注</strong>　{html.escape(text)}</p>'
            f"<ul>{''.join(cites)}</ul></aside>")
    display({"text/html": body, "text/plain": "编者注：" + text + "\n" + "\n".join(plain)}, raw=True)
