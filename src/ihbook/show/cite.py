"""Compact references: a figure with a small marker that opens its source, and quotes without
a visible code cell.

In a Markdown cell (MyST, rendered by the book's Sphinx extension, no code needed):

    用户规模达 {claim}`GY24-001`。               -> 3.64亿人¹  (value as written in the ledger)
    约三成 {claim}`约三成 <IR20-007>` 的用户……  -> 约三成¹    (your words, same marker)
    ```{quote-claim} Q-ch01-urban-rural
    ```                                          -> blockquote from data/quotes.csv, attributed
    ```{quote-claim} WS21-001
    ```                                          -> the ledger quote behind one number

From Python (glue code in the package, or a ``remove-input`` cell):

    from ihbook.show import cite
    cite.claim("GY24-001")            # HTML string: value + marker (use inside HTML you display)
    cite.claim("GY24-001", "三亿多")   # your text + marker
    cite.show_quote("Q-ch01-urban-rural")   # displays the blockquote (same as the directive)

The marker is a button: hover, focus (keyboard) or tap opens a small box with source, year,
period, kind, id and the verbatim quote; Esc closes it. When the page is printed the boxes
are hidden and the same information prints as numbered notes at the end of the page
(:func:`number_markers`, applied to every page by ``ihbook.site.reader``).
"""
from __future__ import annotations

import html
import re
from itertools import count

import pandas as pd

from ihbook.evidence import ledger, sources
from ihbook.evidence.paths import DATA

QUOTES = DATA / "quotes.csv"
MARK = "ihbook-claim-mark"


def _source_line(source_id: str) -> str:
    s = sources.source(source_id)
    return f"{sources.short_name(source_id)}《{s['title']}》"


def claim(claim_id: str, text: str | None = None) -> str:
    """``text`` (default: the claim's value as written) followed by a reference marker (HTML)."""
    c = ledger.claim(claim_id)
    e = html.escape
    shown = ledger.display_value(c) if text is None else text
    kind = ledger.KIND_LABELS.get(c["kind"], c["kind"])
    period = c["period"] or "时期未说明"
    src = _source_line(c["source_id"])
    who = (c.get("attributed_to") or "").strip()
    if who == "none":
        who_html = '<span class="ihbook-claim-who">来源未说明这个数字由谁测得</span>'
    elif who and who not in ("self", c["source_id"]):
        who_html = f'<span class="ihbook-claim-who">来源称出自：{e(who.replace(";", "、"))}</span>'
    else:  # "self": the source's own figure
        who_html = ""
    note = (f'<span class="ihbook-claim-src">{e(src)}</span>'
            f'<span class="ihbook-claim-meta">{e(period)} · {e(kind)} · 编号 {e(claim_id)}</span>{who_html}'
            f'<q class="ihbook-claim-quote">{e(c["quote"])}</q>')
    label = f"出处：{sources.short_name(c['source_id'])}，编号 {claim_id}"
    return (f'<span class="ihbook-claim" data-claim="{e(claim_id, quote=True)}">'
            f'<span class="ihbook-claim-value">{e(shown)}</span>'
            f'<button type="button" class="{MARK}" aria-expanded="false">'
            f'<span class="ihbook-claim-n">注</span><span class="ihbook-visually-hidden">：{e(label)}</span></button>'
            f'<span class="ihbook-claim-pop" role="tooltip">{note}</span></span>')


def _quotes() -> pd.DataFrame:
    return pd.read_csv(QUOTES, dtype=str, keep_default_na=False).set_index("quote_id")


def quote_html(ref: str) -> str:
    """A blockquote for a quote id of ``data/quotes.csv`` or a claim id of the ledger, attributed
    with publisher, title and date (same markup as ``ihbook.evidence.quotes``)."""
    from ihbook.evidence import quotes

    e = html.escape
    ref = ref.strip()
    if ref.startswith("Q-"):
        q = _quotes()
        if ref not in q.index:
            raise KeyError(f"data/quotes.csv 中没有“{ref}”")
        text, sid, extra = q.loc[ref, "quote"], q.loc[ref, "source_id"], ""
        if text not in sources.text(sid):
            raise ValueError(f"引文 {ref} 不在来源 {sid} 的规范化文本中")
    else:
        c = ledger.claim(ref)
        text, sid, extra = c["quote"], c["source_id"], "，" + ledger.KIND_LABELS.get(c["kind"], c["kind"])
    return ('<blockquote class="ihbook-quote">'
            f"<p>{e(text)}</p>"
            f'<footer>——{e(quotes.attribution(sid))}'
            f'<span class="ihbook-ref">〔{e(ref)}{e(extra)}〕</span></footer>'
            "</blockquote>")


def show_quote(ref: str) -> None:
    """Display :func:`quote_html` in a notebook (tag the cell ``remove-input``)."""
    from IPython.display import display

    body = quote_html(ref)
    plain = re.sub(r"<[^>]+>", "", body)
    display({"text/html": body, "text/plain": plain}, raw=True)


def show_claim(claim_id: str, text: str | None = None) -> None:
    from IPython.display import display

    display({"text/html": claim(claim_id, text), "text/plain": text or claim_id}, raw=True)


# --- page assembly: numbers and printed notes ---------------------------------------------

_MARKER = re.compile(r'<button type="button" class="ihbook-claim-mark" aria-expanded="false"(?: aria-describedby="[^"]*")?>'
                     r'<span class="ihbook-claim-n">[^<]*</span>(<span class="ihbook-visually-hidden">[^<]*</span>)</button>'
                     r'<span class="ihbook-claim-pop" role="tooltip"(?: id="[^"]*")?>(.*?)</span></span>', re.S)


def number_markers(body: str) -> str:
    """Number the markers of one page 1, 2, 3… (ids for ``aria-describedby``) and append the
    same notes as a list that only print shows (the page's footnotes). Idempotent."""
    if "ihbook-claim-mark" not in body:
        return body
    body = re.sub(r'<section class="ihbook-claim-notes".*?</section>', "", body, flags=re.S)
    n = count(1)
    notes = []

    def repl(m):
        i = next(n)
        notes.append(f'<li id="claim-note-{i}">{m.group(2)}</li>')
        return (f'<button type="button" class="ihbook-claim-mark" aria-expanded="false" aria-describedby="claim-pop-{i}">'
                f'<span class="ihbook-claim-n">{i}</span>{m.group(1)}</button>'
                f'<span class="ihbook-claim-pop" role="tooltip" id="claim-pop-{i}">{m.group(2)}</span></span>')

    body = _MARKER.sub(repl, body)
    if notes:
        body += ('<section class="ihbook-claim-notes" aria-label="数字出处"><p class="ihbook-claim-notes-title">数字出处</p>'
                 f'<ol>{"".join(notes)}</ol></section>')
    return body


# --- Sphinx: the {claim} role and the {quote-claim} directive -----------------------------

_ROLE_TEXT = re.compile(r"^(.*?)\s*<([A-Za-z0-9-]+)>$", re.S)


def claim_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    from docutils import nodes

    env = inliner.document.settings.env
    env.note_dependency(str(DATA / "claims.csv"))
    m = _ROLE_TEXT.match(text.strip())
    shown, cid = (m.group(1), m.group(2)) if m else (None, text.strip())
    try:
        body = claim(cid, shown)
    except (KeyError, ValueError) as exc:
        msg = inliner.reporter.error(f"{{claim}}: {exc}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    return [nodes.raw(rawtext, body, format="html")], []


def _quote_directive():
    from docutils import nodes
    from sphinx.util.docutils import SphinxDirective

    class QuoteClaim(SphinxDirective):
        required_arguments = 1
        has_content = False

        def run(self):
            self.env.note_dependency(str(QUOTES))
            self.env.note_dependency(str(DATA / "claims.csv"))
            try:
                body = quote_html(self.arguments[0])
            except (KeyError, ValueError) as exc:
                raise self.error(f"quote-claim: {exc}")
            return [nodes.raw("", body, format="html")]

    return QuoteClaim


def setup(app):
    app.add_role("claim", claim_role)
    app.add_directive("quote-claim", _quote_directive())
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
