"""The display kit: one way to put a message, a table or a chart footer on the page.

Chapters used to carry their own copies of these few lines (a ``_say``, a ``show_table``, the
inline styles of a quote table, the footer under a widget chart). One copy here keeps every
chapter's output alike and lets the look change in one place. Everything is escaped here, and
every display carries a plain-text twin, so nbval compares something readable and a reader
without HTML still gets the content.

- :func:`show` — ready HTML with its plain-text twin (what every helper below ends with).
- :func:`say` / :func:`message_html` — a clear message for the reader (bad input, empty result).
- :func:`table` / :func:`table_html` — a DataFrame without its index.
- :func:`html_table` — a table whose first column names each row (quotes side by side).
- :func:`chart_footer` — caption, CSV link and ``来源：`` line below a widget or custom chart.
- :func:`write_chart_data` — the CSV behind a chart, where the book serves it.
- :data:`STYLE` — the book's inline table styles as one set (``STYLE.th``, ``STYLE.td`` …).
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from ihbook.evidence import paths


@dataclass(frozen=True)
class Stylesheet:
    """Inline CSS the book's HTML tables use (inline, because notebook outputs and the static
    widget state carry no stylesheet of their own)."""

    th: str = ("white-space:nowrap;vertical-align:top;text-align:left;padding:0.35em 0.7em 0.35em 0;"
               "border-bottom:1px solid rgba(128,128,128,0.35)")
    td: str = ("vertical-align:top;text-align:left;padding:0.35em 0.7em 0.35em 0;"
               "border-bottom:1px solid rgba(128,128,128,0.35)")
    table: str = "width:100%;border-collapse:collapse"
    image: str = "max-width:100%;height:auto"


STYLE = Stylesheet()


def show(html_body: str, plain: str) -> None:
    """Display ready HTML (already escaped) together with its plain-text twin."""
    from IPython.display import display

    display({"text/html": html_body, "text/plain": plain}, raw=True)


_display = show


def message_html(text: str, level: str | None = None) -> str:
    """An escaped message box; ``level`` (info / warning / error) adds ``ihbook-msg-<level>``."""
    cls = "ihbook-msg" if level is None else f"ihbook-msg ihbook-msg-{level}"
    return f'<div class="{cls}" role="status">{html.escape(str(text))}</div>'


def say(text: str, level: str | None = None) -> None:
    """Display a clear, escaped message for the reader instead of a traceback."""
    _display(message_html(text, level), str(text))


def table_html(df: pd.DataFrame, style: str = "") -> str:
    """``df`` as escaped HTML without the pandas index (``style`` goes on the ``<table>``)."""
    body = df.to_html(index=False, escape=True, classes="ihbook-table", border=0)
    return body.replace("<table ", f'<table style="{style}" ', 1) if style else body


def table(df: pd.DataFrame) -> None:
    """Display ``df`` without the pandas index, escaped, with a plain-text twin."""
    _display(table_html(df), df.to_string(index=False))


def html_table(header: list[str], rows: list[list[str]], classes: str = "ihbook-table") -> str:
    """A full-width table whose first column names each row.

    ``header`` and every cell of ``rows`` must already be escaped HTML (cells may hold quotes
    with ``<br>`` or ``<small>``). The first header cell and the first cell of each row are
    ``<th>`` in :data:`STYLE` ``.th``; the rest use ``.td``.
    """
    head = "".join(f'<th style="{STYLE.th if i == 0 else STYLE.td}">{h}</th>' for i, h in enumerate(header))
    body = "".join(
        f'<tr><th style="{STYLE.th}">{r[0]}</th>' + "".join(f'<td style="{STYLE.td}">{c}</td>' for c in r[1:]) + "</tr>"
        for r in rows)
    return (f'<table class="{classes}" style="{STYLE.table}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def csv_link(chart_id: str, text: str = "下载图表数据（CSV）") -> str:
    """The link to a chart's CSV as the built book serves it (``_static/chartdata/``)."""
    return f'<a href="../_static/chartdata/{chart_id}.csv" download>{html.escape(text)}</a>'


def chart_footer(chart_id: str, caption: str, sources_line: str) -> str:
    """The static footer under a chart that is not a single image (a widget, a card):
    caption, CSV link and the ``来源：`` line, anchored as ``fig-<chart_id>``."""
    return (f'<div class="ihbook-chart-foot" id="fig-{chart_id}">{html.escape(caption)}'
            f"<br>{csv_link(chart_id)}<br>{html.escape(sources_line)}</div>")


def show_chart_footer(chart_id: str, caption: str, sources_line: str) -> None:
    """Display :func:`chart_footer` with its plain-text twin."""
    _display(chart_footer(chart_id, caption, sources_line), f"{caption}\n{sources_line}")


def write_chart_data(df: pd.DataFrame, chart_id: str) -> None:
    """Write the data behind a chart or table to ``<CHART_DATA>/<chart_id>.csv``."""
    paths.CHART_DATA.mkdir(parents=True, exist_ok=True)
    df.to_csv(paths.CHART_DATA / f"{chart_id}.csv", index=False, lineterminator="\n")
