"""一页纸简报: the dozen numbers a busy reader needs, generated from the ledger.

Which numbers go on the briefing, in which order, with which one-line interpretation and
which chapter to read next, is an editorial choice: it lives as data in
``data/briefing.csv`` (schema ``data/schemas/briefing.json``). Everything else on the page
comes from the ledger at render time: the value as the source wrote it
(:func:`ledger.display_value`), the source and its year (:func:`sources.short_name`), the
period, the kind of number (observed, estimate, forecast… in Chinese, ``ledger.KIND_LABELS``)
and every conflict in ``data/conflicts.csv`` that involves the claim. Nothing is typed twice,
so a corrected ledger corrects the briefing.

:func:`show` renders the page body as accessible HTML (an ordered list, conflict flags as
links to explanations further down, chapter links) plus a plain-text twin for nbval and
terminals; ``book/briefing.ipynb`` is one call to it, and ``scripts/pdf.sh`` prints the built
page to PDF.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

import pandas as pd

from ihbook.evidence import conflicts
from ihbook.evidence import involving
from ihbook.evidence import ledger
from ihbook.evidence import tables
from ihbook.evidence import sources
from ihbook.evidence.ledger import DataError
from ihbook.evidence.paths import BOOK, DATA
from ihbook.show import kit

BRIEFING = DATA / "briefing.csv"
COLUMNS = ["order", "claim_id", "chapter", "interpretation"]
MIN_ITEMS, MAX_ITEMS = 10, 15
CHAPTER = re.compile(r"^book/(\d{2})_[a-z_]+$")
DIGIT = re.compile(r"[0-9０-９]")


def check_briefing(path=BRIEFING) -> list[DataError]:
    """Every problem in the briefing table: unknown claim or chapter, a number typed into an
    interpretation, a duplicate, or too few / too many items."""
    name = "data/briefing.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = ledger.missing_columns(name, df.columns, COLUMNS)
    if missing:
        return missing
    errors: list[DataError] = []
    known = set(ledger.load_claims().claim_id)
    for line, row in enumerate(df.to_dict("records"), start=2):
        if not row["order"].isdigit():
            errors.append(DataError(name, line, "order", f"“{row['order']}”不是正整数"))
        if row["claim_id"] not in known:
            errors.append(DataError(name, line, "claim_id", f"账本中没有“{row['claim_id']}”"))
        m = CHAPTER.match(row["chapter"])
        if not m or not (BOOK.parent / f"{row['chapter']}.ipynb").is_file():
            errors.append(DataError(name, line, "chapter", f"“{row['chapter']}”不是已有的章节（book/NN_name）"))
        text = row["interpretation"].strip()
        if not text:
            errors.append(DataError(name, line, "interpretation", "解读为空"))
        elif DIGIT.search(text):
            errors.append(DataError(name, line, "interpretation", "解读中不能手写数字：数字只从账本来"))
    for col in ("order", "claim_id"):
        for value in df[col][df[col].duplicated()]:
            line = int(df.index[df[col] == value][-1]) + 2
            errors.append(DataError(name, line, col, f"“{value}”重复"))
    if not MIN_ITEMS <= len(df) <= MAX_ITEMS:
        errors.append(DataError(name, len(df) + 1, "（整表）",
                                f"简报应有 {MIN_ITEMS}–{MAX_ITEMS} 个数字，实有 {len(df)} 个"))
    return errors


@lru_cache(maxsize=None)
def _briefing() -> pd.DataFrame:
    df = tables.read_checked(BRIEFING, check_briefing)
    df["order"] = df["order"].astype(int)
    return df.sort_values("order").reset_index(drop=True)


def load_briefing() -> pd.DataFrame:
    """The editorial table, checked and in display order (a copy)."""
    return _briefing().copy()


def chapter_label(docname: str) -> str:
    """``book/08_market_capital`` → ``第8章``."""
    m = CHAPTER.match(docname)
    if not m:
        raise ValueError(f"“{docname}”不是章节名（book/NN_name）")
    return f"第{int(m.group(1))}章"


def chapter_href(docname: str) -> str:
    """The chapter's page relative to the briefing page (both are in ``book/``)."""
    return docname.removeprefix("book/") + ".html"


def period_label(period: str) -> str:
    """A ledger period in Chinese: ``2023-06`` → ``2023年6月``; empty → ``时期未说明``."""
    if not period:
        return "时期未说明"
    if "/" in period:
        a, b = period.split("/")
        return f"{period_label(a)}至{period_label(b)}"
    if re.fullmatch(r"\d{4}", period):
        return f"{period}年"
    year, part = period[:4], period[5:]
    if part.startswith("H"):
        return f"{year}年{'上' if part == 'H1' else '下'}半年"
    if part.startswith("Q"):
        return f"{year}年第{part[1]}季度"
    return f"{year}年{int(part)}月"


def conflicts_of(claim_id: str) -> list[dict]:
    """Every conflict in ``data/conflicts.csv`` that names ``claim_id``, in file order."""
    return [
        {"conflict_id": r.conflict_id, "kind": r.kind, "kind_label": conflicts.KIND_LABELS[r.kind],
         "claim_ids": involving.claim_list(r.claim_ids), "summary": r.summary}
        for r in involving.conflicts(claim_id).itertuples()
    ]


def items() -> list[dict]:
    """One dict per briefing number, everything a renderer needs, all read from data."""
    out = []
    for row in _briefing().to_dict("records"):
        c = ledger.claim(row["claim_id"])
        out.append({
            "order": row["order"],
            "claim_id": c["claim_id"],
            "metric": ledger.label(c["metric"]),
            "entity": ledger.entity_label(c["entity"]),
            "period": period_label(c["period"]),
            "value": ledger.display_value(c),
            "source": sources.short_name(c["source_id"]),
            "source_title": sources.source(c["source_id"])["title"],
            "kind": c["kind"],
            "kind_label": ledger.KIND_LABELS[c["kind"]],
            "conflicts": conflicts_of(c["claim_id"]),
            "interpretation": row["interpretation"].strip(),
            "chapter": row["chapter"],
            "chapter_label": chapter_label(row["chapter"]),
            "chapter_href": chapter_href(row["chapter"]),
        })
    return out


def _anchor(conflict_id: str) -> str:
    return "brief-" + conflict_id.lower()


def render_html(entries: list[dict] | None = None) -> str:
    """The briefing as one HTML fragment: an ordered list of numbers, then the conflicts they
    are flagged with (each flag links to its explanation), escaped throughout."""
    entries = items() if entries is None else entries
    e = html.escape
    lis = []
    seen: dict[str, dict] = {}
    for it in entries:
        flags = ""
        if it["conflicts"]:
            links = "、".join(
                f'<a href="#{_anchor(c["conflict_id"])}">{e(c["conflict_id"])}'
                f'<span class="ihbook-visually-hidden">（{e(c["kind_label"])}）</span></a>'
                for c in it["conflicts"])
            flags = (f'<p class="ihbook-brief-flag"><strong>有冲突</strong>：'
                     f'与其他数字不一致，见 {links}</p>')
            for c in it["conflicts"]:
                seen.setdefault(c["conflict_id"], c)
        lis.append(
            f'<li class="ihbook-brief-item ihbook-kind-{e(it["kind"])}" id="brief-{e(it["claim_id"].lower())}">'
            f'<p class="ihbook-brief-head"><span class="ihbook-brief-metric">{e(it["metric"])}'
            f'（{e(it["entity"])}，{e(it["period"])}）</span> '
            f'<strong class="ihbook-brief-value">{e(it["value"])}</strong></p>'
            f'<p class="ihbook-brief-meta">来源：<cite title="{e(it["source_title"], quote=True)}">'
            f'{e(it["source"])}</cite> · 类型：<span class="ihbook-brief-kind">{e(it["kind_label"])}</span>'
            f' · 账本编号 <code>{e(it["claim_id"])}</code></p>'
            f"{flags}"
            f'<p class="ihbook-brief-note">{e(it["interpretation"])} '
            f'<a href="{e(it["chapter_href"], quote=True)}">详见{e(it["chapter_label"])}</a></p>'
            "</li>"
        )
    notes = "".join(
        f'<li id="{_anchor(cid)}"><strong>{e(cid)}</strong>（{e(c["kind_label"])}）：{e(c["summary"])}</li>'
        for cid, c in sorted(seen.items())
    )
    conflict_block = (
        '<section class="ihbook-brief-conflicts" aria-labelledby="brief-conflicts-title">'
        '<p class="ihbook-brief-subtitle" id="brief-conflicts-title"><strong>上面标出的冲突</strong>'
        "（由冲突检测程序从账本生成，第十章逐条讲解）</p>"
        f"<ul>{notes}</ul></section>"
    ) if notes else ""
    return (
        '<div class="ihbook-briefing">'
        f'<ol class="ihbook-brief-list" aria-label="简报中的 {len(entries)} 个数字">{"".join(lis)}</ol>'
        f"{conflict_block}</div>"
    )


def render_text(entries: list[dict] | None = None) -> str:
    """The same briefing as plain text (for terminals, nbval and screen-reader-free checks)."""
    entries = items() if entries is None else entries
    lines = []
    for it in entries:
        flag = ("；有冲突：" + "、".join(c["conflict_id"] for c in it["conflicts"])) if it["conflicts"] else ""
        lines.append(
            f"{it['order']}. {it['metric']}（{it['entity']}，{it['period']}）：{it['value']}"
            f"　来源：{it['source']}；{it['kind_label']}；{it['claim_id']}{flag}\n"
            f"   {it['interpretation']}（详见{it['chapter_label']}）"
        )
    return "\n".join(lines)


def show() -> None:
    """Display the briefing (HTML in the book, plain text in a terminal)."""
    entries = items()
    kit.show(render_html(entries), render_text(entries))


def summary() -> dict:
    """Counts for the page's introduction: how many numbers, of which kinds, how many flagged."""
    entries = items()
    kinds = pd.Series([it["kind_label"] for it in entries]).value_counts()
    return {"count": len(entries), "kinds": kinds.to_dict(),
            "flagged": sum(bool(it["conflicts"]) for it in entries),
            "sources": len({it["source"] for it in entries})}
