"""Verbatim source quotes, rendered with their attribution.

The book never types a source sentence by hand. A quote comes either from the claims ledger
(:func:`quote` with a claim id) or from ``data/quotes.csv`` (passages without a number:
definitions, framings), and both are checked against the normalized source text before they
are shown. The rendering is a blockquote naming publisher, title and date.
"""
from __future__ import annotations

import html
from functools import lru_cache

import pandas as pd

from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.evidence.ledger import DataError
from ihbook.evidence.paths import DATA

QUOTES = DATA / "quotes.csv"
QUOTE_COLUMNS = ["quote_id", "source_id", "topic", "quote", "note"]


def check_quotes(path=QUOTES) -> list[DataError]:
    """Every problem in ``data/quotes.csv``: unknown source, or text not verbatim in it."""
    import csv

    name = "data/quotes.csv"
    errors = []
    with open(path, encoding="utf-8", newline="") as fh:
        for i, cells in enumerate(csv.reader(fh), start=1):
            if len(cells) != len(QUOTE_COLUMNS):
                errors.append(DataError(name, i, "（整行）", f"应有 {len(QUOTE_COLUMNS)} 列，实有 {len(cells)} 列"
                                        "（含英文逗号的引文须用双引号括起）"))
    if errors:
        return errors
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for i, row in enumerate(df.to_dict("records"), start=2):
        try:
            text = sources.text(row["source_id"])
        except KeyError as exc:
            errors.append(DataError(name, i, "source_id", str(exc)))
            continue
        if not row["quote"] or row["quote"] not in text:
            errors.append(DataError(name, i, "quote", f"引文不在来源 {row['source_id']} 的规范化文本中"))
    dup = df.quote_id[df.quote_id.duplicated()]
    for qid in dup:
        errors.append(DataError(name, int(df.index[df.quote_id == qid][-1]) + 2, "quote_id", f"“{qid}”重复"))
    return errors


@lru_cache(maxsize=None)
def _quotes() -> pd.DataFrame:
    from ihbook.evidence import tables

    return tables.read_checked(QUOTES, check_quotes).set_index("quote_id")


def attribution(source_id: str) -> str:
    s = sources.source(source_id)
    who = s["publisher"] + (f"，{s['author']}" if s["author"] else "")
    return f"{who}：《{s['title']}》，{s['date']}"


def _render(text: str, source_id: str, ref: str, extra: str = "") -> str:
    return (
        '<blockquote class="ihbook-quote">'
        f"<p>{html.escape(text)}</p>"
        f'<footer>——{html.escape(attribution(source_id))}'
        f'<span class="ihbook-ref">〔{html.escape(ref)}{html.escape(extra)}〕</span></footer>'
        "</blockquote>"
    )


def _show(body: str, plain: str) -> None:
    from IPython.display import display

    display({"text/html": body, "text/plain": plain}, raw=True)


def quote(claim_id: str) -> None:
    """Show the ledger quote behind one number, attributed."""
    c = ledger.claim(claim_id)
    kind = ledger.KIND_LABELS[c["kind"]]
    _show(_render(c["quote"], c["source_id"], claim_id, f"，{kind}"),
          f"“{c['quote']}”——{attribution(c['source_id'])}〔{claim_id}〕")


def passage(quote_id: str) -> None:
    """Show a passage from ``data/quotes.csv``, attributed."""
    q = _quotes()
    if quote_id not in q.index:
        raise KeyError(f"data/quotes.csv 中没有“{quote_id}”")
    row = q.loc[quote_id]
    _show(_render(row["quote"], row["source_id"], quote_id),
          f"“{row['quote']}”——{attribution(row['source_id'])}〔{quote_id}〕")


def cite(claim_id: str) -> str:
    """Inline form for prose: the number as written, then source and year in brackets."""
    c = ledger.claim(claim_id)
    return f"{ledger.display_value(c)}（{sources.short_name(c['source_id'])}，{c['claim_id']}）"
