"""The briefing's key messages: judgements a busy reader can use, each backed by figures from data.

The one-page briefing (``book/briefing.ipynb``) opens with five to seven messages and then the
numbers table of :mod:`ihbook.chapters.briefing`. A message is editorial text kept as data in
``data/briefing_messages.csv`` (schema ``data/schemas/briefing_messages.json``): a headline (the
judgement), a short body, and the chapters that show the evidence. The text contains no digits:
every figure is a placeholder in braces that is filled in at render time from data —

``{GY24-001}``
    a ledger claim: the value as the source wrote it, with the source and the period. Only
    claims that are dated and attributed, or officially checked (:func:`ihbook.evidence.
    reference.verdict_for`), may back a message; a claim of the source the book does not rely
    on (:func:`ihbook.evidence.reference.not_relied_on`) only when officially checked.
``{REF-CNNIC-2023H2-users}``
    a row of ``data/reference/statistics.csv`` (official statistics, company filings).
``{R-2018-IDM-scope}``
    a row of ``data/reference/rules.csv``: the document, its issuer and date.
``{card:report-2025:n_agrees}``
    a figure of a source card (:func:`ihbook.evidence.reference.source_cards`).

Under each message a line lists the evidence: id, source and year, kind, the official verdict
and every conflict of ``data/conflicts.csv`` that involves the claim. :func:`check_messages`
reports every problem (unknown id, digit typed into the text, claim that may not back a
headline, a chapter that does not show the id) as a :class:`~ihbook.evidence.ledger.DataError`.

    from ihbook.chapters import briefing_messages as brief
    brief.show_messages()      # the messages (HTML + plain text)
    brief.show_numbers()       # the numbers table, compact, for one printed page
"""
from __future__ import annotations

import re

from ihbook.evidence import involving, ledger, reference, sources
from ihbook.show import kit
from ihbook.chapters.briefing_checks import (  # noqa: F401
    MESSAGES, COLUMNS, MIN_MESSAGES, MAX_MESSAGES, PLACEHOLDER, DIGIT, CHAPTER, WEAK_KINDS, CARD_FIELDS,
    SHORT_PUBLISHERS, QUALIFIERS, E, _read, placeholders, chapters_of, _notebook_text, shown_in,
    same_statement, _cards, _relied, _verdicts, verdict, _rules, kind_of, claim_may_back,
    _without_names, check_messages, load_messages, _publisher,
)


# ------------------------------------------------------------------------------- figures

def _date_label(d: str) -> str:
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-\d{2})?", d or "")
    if not m:
        return d
    return f"{m.group(1)}年" + (f"{int(m.group(2))}月" if m.group(2) else "")


def _period_label(p: str) -> str:
    from ihbook.chapters.briefing import period_label
    return period_label(p)


def figure(ident: str) -> dict:
    """One placeholder resolved from data: ``inline`` (what the sentence shows), ``evidence``
    (the line under the message) and, for claims, ``conflicts`` and ``verdict``."""
    k = kind_of(ident)
    if k == "claim":
        c = ledger.claim(ident)
        v = verdict(ident)
        vlabel = v["verdict_label"] if v and v["verdict"] != "no_counterpart" else ""
        conf = involving.conflict_ids(ident)
        parts = [f"{ident} {sources.short_name(c['source_id'])}", ledger.KIND_LABELS[c["kind"]]]
        if vlabel:
            parts.append(f"官方：{vlabel}")
        if conf:
            parts.append("冲突 " + "、".join(conf))
        return {"id": ident, "kind": k, "value": ledger.display_value(c),
                "inline": f"{ledger.display_value(c)}（{_publisher(c['source_id'])}，{_period_label(c['period'])}）",
                "evidence": "·".join(parts), "conflicts": conf, "verdict": vlabel,
                "source_id": c["source_id"]}
    if k == "ref":
        r = reference.reference_row(ident)
        value = f"{QUALIFIERS.get(r.get('qualifier', ''), '')}{r['value_text']}{r['unit']}"
        pub = SHORT_PUBLISHERS.get(r["publisher"], r["publisher"])
        own = "" if str(r.get("publisher_own", "")).lower() == "true" else "（转述页）"
        return {"id": ident, "kind": k, "value": value,
                "inline": f"{value}（{pub}，{_period_label(r['period'])}）",
                "evidence": f"{ident} {pub}{own}", "conflicts": [], "verdict": ""}
    if k == "rule":
        r = _rules().loc[ident]
        return {"id": ident, "kind": k, "value": r["title"],
                "inline": f"《{r['title']}》（{_date_label(r['date'])}）",
                "evidence": f"{ident} {r['issuer'].split('、')[0]}{'等' if '、' in r['issuer'] else ''}·{r['status']}", "conflicts": [], "verdict": ""}
    if k == "card":
        _, sid, field = ident.split(":")
        x = _cards().loc[sid, field]
        value = f"{x:.0%}" if CARD_FIELDS[field] == "share" else f"{int(x)}"
        return {"id": ident, "kind": k, "value": value, "inline": value,
                "evidence": f"来源卡片 {sources.short_name(sid)}", "conflicts": [], "verdict": ""}
    raise KeyError(f"“{ident}”不是已知的编号")


def fill(text: str) -> str:
    """A message text with every placeholder replaced by its inline figure (plain text)."""
    return PLACEHOLDER.sub(lambda m: figure(m.group(1))["inline"], text)


def chapter_label(docname: str) -> str:
    return f"第{int(CHAPTER.match(docname).group(1))}章"


def messages() -> list[dict]:
    """One dict per message, everything a renderer needs, read from data."""
    out = []
    for row in load_messages().to_dict("records"):
        ids = list(dict.fromkeys(placeholders(row["text"])))
        figs = [figure(i) for i in ids]
        out.append({"order": row["order"], "message_id": row["message_id"], "headline": row["headline"],
                    "text": row["text"], "body": fill(row["text"]), "figures": figs,
                    "chapters": [(c, chapter_label(c), c.removeprefix("book/") + ".html")
                                 for c in chapters_of(row["chapters"])]})
    return out


# ------------------------------------------------------------------------------- rendering

_STYLE = ("<style>.ihbook-brief-msgs{margin:0.2em 0 0.6em 1.4em;padding:0}"
          ".ihbook-brief-msgs>li{margin:0 0 0.45em 0}"
          ".ihbook-brief-msgs p{margin:0}"
          ".ihbook-brief-ev{font-size:0.8em;opacity:0.85}"
          ".ihbook-brief-numbers{font-size:0.86em}"
          ".ihbook-brief-numbers td,.ihbook-brief-numbers th{padding:0.15em 0.5em 0.15em 0;vertical-align:top}"
          "@media print{.ihbook-brief-msgs{font-size:8.4pt;line-height:1.3;margin-left:1.1em}"
          ".ihbook-brief-msgs>li{margin-bottom:0.2em}"
          ".ihbook-brief-ev{font-size:6.6pt;line-height:1.18}"
          ".ihbook-brief-numbers{font-size:7pt;line-height:1.18;break-inside:auto!important}"
          ".ihbook-brief-numbers tr{break-inside:avoid}"
          ".ihbook-brief-numbers td,.ihbook-brief-numbers th{padding:0.05em 0.4em 0.05em 0}"
          ".ihbook-brief-numbers code{font-size:1em}"
          "h1{font-size:1.3rem!important;margin:0 0 0.15rem!important}"
          "h2{font-size:1rem!important;margin:0.3rem 0 0.1rem!important}"
          ".bd-article p{margin-bottom:0.2rem;font-size:8.6pt;line-height:1.35}}</style>")


def _body_html(text: str) -> str:
    out, pos = [], 0
    for m in PLACEHOLDER.finditer(text):
        out.append(E(text[pos:m.start()]))
        f = figure(m.group(1))
        out.append(f'<strong>{E(f["value"])}</strong>{E(f["inline"][len(f["value"]):])}'
                   if f["inline"].startswith(f["value"]) and f["kind"] != "rule" else E(f["inline"]))
        pos = m.end()
    out.append(E(text[pos:]))
    return "".join(out)


def evidence_lines(item: dict) -> list[str]:
    """The evidence of one message, each line once."""
    return list(dict.fromkeys(f["evidence"] for f in item["figures"]))


def render_messages_html(items: list[dict] | None = None) -> str:
    items = messages() if items is None else items
    lis = []
    for it in items:
        links = "、".join(f'<a href="{E(h, quote=True)}">{E(lab)}</a>' for _, lab, h in it["chapters"])
        ev = "；".join(E(x) for x in evidence_lines(it))
        lis.append(f'<li id="msg-{E(it["message_id"], quote=True)}"><p><strong>{E(it["headline"])}</strong>'
                   f'{_body_html(it["text"])}（详见{links}）</p>'
                   f'<p class="ihbook-brief-ev">依据：{ev}</p></li>')
    return (f'{_STYLE}<ol class="ihbook-brief-msgs" aria-label="简报的 {len(items)} 条要点">'
            f'{"".join(lis)}</ol>')


def render_messages_text(items: list[dict] | None = None) -> str:
    items = messages() if items is None else items
    lines = []
    for it in items:
        chs = "、".join(lab for _, lab, _ in it["chapters"])
        lines.append(f"{it['order']}. {it['headline']}{it['body']}（详见{chs}）")
        lines.append("   依据：" + "；".join(evidence_lines(it)))
    return "\n".join(lines)


def show_messages() -> None:
    items = messages()
    kit.show(render_messages_html(items), render_messages_text(items))


def numbers_rows() -> list[dict]:
    """The numbers table (data/briefing.csv, via :func:`ihbook.chapters.briefing.items`) with
    the official verdict of each number."""
    from ihbook.chapters import briefing

    rows = []
    for it in briefing.items():
        v = verdict(it["claim_id"])
        vlabel = v["verdict_label"] if v and v["verdict"] != "no_counterpart" else "无官方对照"
        rows.append(dict(it, verdict=vlabel))
    return rows


def _entity(label: str) -> str:
    """``中国（全国）`` → ``全国`` (the table is narrow on paper)."""
    return "全国" if label == "中国（全国）" else label


def render_numbers_html(rows: list[dict] | None = None) -> str:
    rows = numbers_rows() if rows is None else rows
    cols = (("数字", "19%"), ("数值", "10%"), ("出处·类型·官方核对·冲突", "33%"), ("解读", "38%"))
    head = "".join(f'<th scope="col" style="width:{w}">{h}</th>' for h, w in cols)
    body = []
    for r in rows:
        flags = "、".join(c["conflict_id"] for c in r["conflicts"])
        body.append(
            "<tr>"
            f'<td>{E(r["metric"])}（{E(_entity(r["entity"]))}，{E(r["period"])}）</td>'
            f'<td style="white-space:nowrap"><strong>{E(r["value"])}</strong></td>'
            f'<td>{E(r["source"])} <code>{E(r["claim_id"])}</code>·{E(r["kind_label"])}·{E(r["verdict"])}'
            + (f"·冲突 {E(flags)}" if flags else "") + "</td>"
            f'<td>{E(r["interpretation"])}（<a href="{E(r["chapter_href"], quote=True)}">{E(r["chapter_label"])}</a>）</td>'
            "</tr>")
    return (f'{_STYLE}<table class="ihbook-table ihbook-brief-numbers" style="width:100%;border-collapse:collapse;table-layout:fixed">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def render_numbers_text(rows: list[dict] | None = None) -> str:
    rows = numbers_rows() if rows is None else rows
    out = []
    for r in rows:
        flags = ("；冲突 " + "、".join(c["conflict_id"] for c in r["conflicts"])) if r["conflicts"] else ""
        out.append(f"{r['order']}. {r['metric']}（{r['entity']}，{r['period']}）：{r['value']}　"
                   f"{r['source']} {r['claim_id']}；{r['kind_label']}；官方核对：{r['verdict']}{flags}　"
                   f"{r['interpretation']}（{r['chapter_label']}）")
    return "\n".join(out)


def show_numbers() -> None:
    rows = numbers_rows()
    kit.show(render_numbers_html(rows), render_numbers_text(rows))
