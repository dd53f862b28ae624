"""A concordance (KWIC, keyword in context) over the five source texts.

Reading a corpus through counts alone hides how a word is used. A concordance lists every
occurrence of a term with the words on either side and the source it comes from, so a reader
can see at a glance whether 监管 is demanded, praised or feared. Each line also carries the
whole sentence around the hit, which is a verbatim substring of the normalized text: the
quote is ready to cite (and to add to ``data/quotes.csv``).

- :func:`concordance` — the hits as a table (raises :class:`KwicError` on bad input).
- :func:`render` — HTML and plain text for a reader; bad input becomes a clear, escaped
  message in Chinese, never a traceback.
- :func:`show` — display :func:`render` in a notebook.
- :func:`selector` — several precomputed terms behind buttons that work in the static HTML.
- :func:`explorer` — a free-text box; it needs a running kernel (Jupyter, Binder).
"""
from __future__ import annotations

import bisect
import html
import re
import unicodedata
from functools import lru_cache

import pandas as pd

from ihbook.evidence import sources
from ihbook.show import kit
from ihbook.chapters.reading_texts import SENTENCE_END, label, source_ids

MAX_TERM = 30
MAX_WIDTH = 200
BREAK = "⏎"
COLUMNS = ["source_id", "来源", "位置", "左侧", "检索词", "右侧", "原句"]


class KwicError(ValueError):
    """Bad input to the concordance; the message says what is wrong, in Chinese."""


def check_term(term) -> str:
    """The term, stripped; a :class:`KwicError` with a Chinese message when it cannot be searched."""
    if term is None or not isinstance(term, str):
        raise KwicError("检索词必须是文字")
    term = term.strip()
    if not term:
        raise KwicError("请输入要检索的词语（检索词为空）")
    if len(term) > MAX_TERM:
        raise KwicError(f"检索词过长（{len(term)} 个字符）：请输入不超过 {MAX_TERM} 个字符的词语")
    if any(c in term for c in "\n\r\t"):
        raise KwicError("检索词不能包含换行或制表符")
    return term


def _sources(source_ids_: list[str] | str | None) -> list[str]:
    known = source_ids()
    if source_ids_ is None or source_ids_ == "" or source_ids_ == "all":
        return known
    wanted = [source_ids_] if isinstance(source_ids_, str) else list(source_ids_)
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise KwicError(f"未知来源“{'、'.join(map(str, unknown))}”；可选：{'、'.join(known)}")
    return wanted


def fold(text: str) -> str:
    """Full-width and half-width forms folded, character by character (２０２０ → 2020, ％ → %).

    Each character is replaced by its NFKC form only when that form is one character, so the
    folded text has the same length as the original and offsets stay valid for quoting.
    """
    out = []
    for ch in text:
        f = unicodedata.normalize("NFKC", ch)
        out.append(f if len(f) == 1 else ch)
    return "".join(out)


@lru_cache(maxsize=16)
def _folded(body: str) -> str:
    return fold(body)


@lru_cache(maxsize=16)
def _boundaries(body: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of every sentence boundary in ``body`` (computed once per text)."""
    spans = [m.span() for m in SENTENCE_END.finditer(body)]
    return [a for a, _ in spans], [b for _, b in spans]


def _sentence(body: str, start: int, end: int) -> str:
    """The sentence around body[start:end], verbatim (bounded by 。！？； and line breaks)."""
    # Same boundaries as scanning the text for each hit, found by bisection: a one-character
    # term has hundreds of hits, and the live explorer must answer within a keystroke.
    starts, ends = _boundaries(body)
    i = bisect.bisect_right(ends, start)
    left = ends[i - 1] if i else 0
    j = bisect.bisect_left(starts, end)
    right = ends[j] if j < len(starts) else len(body)
    return body[left:right].strip()


def concordance(term: str, source_ids_: list[str] | str | None = None, width: int = 15) -> pd.DataFrame:
    """Every occurrence of ``term`` (case-insensitive, literal, full-/half-width folded: ２０２０
    finds 2020 and ％ finds %) with ``width`` characters either side.

    Columns: ``source_id``, ``来源``, ``位置`` (character offset in the normalized text),
    ``左侧``/``检索词``/``右侧`` (line breaks shown as ⏎) and ``原句`` (verbatim, ready to cite).
    Sources are searched in chronological order. No hit gives an empty table.
    """
    term = check_term(term)
    if not isinstance(width, int) or isinstance(width, bool) or not 1 <= width <= MAX_WIDTH:
        raise KwicError(f"语境宽度应为 1 到 {MAX_WIDTH} 之间的整数")
    pattern = re.compile(re.escape(fold(term)), re.IGNORECASE)
    rows = []
    for sid in _sources(source_ids_):
        body = sources.text(sid)
        for m in pattern.finditer(_folded(body)):
            s, e = m.span()
            rows.append({
                "source_id": sid, "来源": label(sid), "位置": s,
                "左侧": body[max(0, s - width):s].replace("\n", BREAK),
                "检索词": body[s:e],
                "右侧": body[e:e + width].replace("\n", BREAK),
                "原句": _sentence(body, s, e),
            })
    return pd.DataFrame(rows, columns=COLUMNS)


def citation(row) -> str:
    """One hit as a quotation: “sentence”——publisher (year)《title》, offset."""
    sid = row["source_id"]
    return f"“{row['原句']}”——{label(sid)}《{sources.source(sid)['title']}》，第 {row['位置']} 字处"


def counts(hits: pd.DataFrame) -> pd.Series:
    """Hits per source, in chronological order, zeros included."""
    return hits.groupby("source_id").size().reindex(source_ids(), fill_value=0)


def message_html(text: str, level: str = "info") -> str:
    return kit.message_html(text, level)


def _table_html(hits: pd.DataFrame) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(r['来源'])}</td><td style=\"text-align:right;white-space:nowrap\">{e(r['左侧'])}</td>"
        f"<td style=\"text-align:center\"><mark>{e(r['检索词'])}</mark></td><td>{e(r['右侧'])}</td></tr>"
        for _, r in hits.iterrows())
    return ('<table class="ihbook-kwic"><thead><tr><th>来源</th><th>左侧语境</th><th>检索词</th>'
            f"<th>右侧语境</th></tr></thead><tbody>{rows}</tbody></table>")


def render(term, source_ids_=None, width: int = 15, limit: int = 8) -> tuple[str, str]:
    """(HTML, plain text) for a reader: summary per source, the first ``limit`` lines, the
    quotable sentences. Bad input or no hit gives a message instead; nothing raises."""
    try:
        hits = concordance(term, source_ids_, width)
    except KwicError as exc:
        return message_html(str(exc), "warning"), str(exc)
    shown_term = term.strip()
    if hits.empty:
        msg = f"在所选来源中没有找到“{shown_term}”。可以换一个更短的词，或检查是否有错别字。"
        return message_html(msg), msg
    n = counts(hits)
    summary = f"“{shown_term}”共出现 {len(hits)} 次：" + "，".join(
        f"{label(s)} {int(c)} 次" for s, c in n.items() if s in set(hits.source_id))
    head = hits.head(limit)
    more = (f"（表中列出前 {len(head)} 处；全部结果：kwic.concordance(\"{shown_term}\")）"
            if len(hits) > len(head) else "")
    quotes_html = "".join(f"<li>{html.escape(citation(r))}</li>" for _, r in head.iterrows())
    body = (f'<div class="ihbook-kwic-result"><p>{html.escape(summary + more)}</p>{_table_html(head)}'
            f"<details><summary>可直接引用的原句（{len(head)} 条）</summary><ol>{quotes_html}</ol></details></div>")
    plain = "\n".join([summary + more] + [
        f"{r['来源']}｜{r['左侧']}【{r['检索词']}】{r['右侧']}" for _, r in head.iterrows()])
    return body, plain


def show(term, source_ids_=None, width: int = 15, limit: int = 8) -> None:
    """Display the concordance of ``term`` (or a clear message) in a notebook."""
    from IPython.display import display

    body, plain = render(term, source_ids_, width, limit)
    display({"text/html": body, "text/plain": plain}, raw=True)


def selector(terms: list[str], namespace: str = "ch09-kwic-terms", width: int = 15, limit: int = 6):
    """Buttons over precomputed concordances of ``terms``; works in the static HTML (jslink)."""
    import ipywidgets as w

    from ihbook.show import widgets

    if not terms:
        raise KwicError("至少需要一个检索词")
    widgets.deterministic_ids(namespace)
    panels = [w.HTML(value=render(t, width=width, limit=limit)[0]) for t in terms]
    return widgets.selector(list(terms), panels, "检索词：")


def explorer(default: str = "医保", namespace: str = "ch09-kwic-live", width: int = 15, limit: int = 8):
    """A text box and a source menu over the live concordance. Needs a kernel to update; the
    page shows the result for ``default`` as its static view."""
    import ipywidgets as w

    from ihbook.show import widgets

    widgets.deterministic_ids(namespace)
    box = w.Text(value=default, description="检索词：", placeholder="输入词语后按回车",
                 continuous_update=False, style={"description_width": "initial"})
    menu = w.Dropdown(options=[("全部来源", "all")] + [(label(s), s) for s in source_ids()],
                      value="all", description="来源：", style={"description_width": "initial"})
    out = w.HTML(value=render(default, width=width, limit=limit)[0])

    def update(_change=None):
        out.value = render(box.value, menu.value, width=width, limit=limit)[0]

    box.observe(update, names="value")
    menu.observe(update, names="value")
    ui = w.VBox([w.HBox([box, menu]), out])
    ui.add_class("ihbook-widget")
    return ui
