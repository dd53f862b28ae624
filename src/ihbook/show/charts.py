"""Charts that carry their provenance.

Every chart in the book goes through :func:`publish`, which refuses a chart without a title,
without a unit on an axis, or without ledger claims behind its data. It renders the figure as
one self-contained HTML ``<figure>``: the PNG with alt text (generated from the data unless
given), the caption, a ``来源：`` line naming every source and year, and a link to the CSV of
exactly what was drawn (written to ``_static/chartdata/<chart_id>.csv``, with claim ids and
quotes so a reader can check each point).
"""
from __future__ import annotations

import base64
import html
import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from ihbook.show import fonts
from ihbook.evidence import ledger
from ihbook.evidence import sources  # noqa: E402
from ihbook.evidence.paths import CHART_DATA  # noqa: E402

CHART_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,60}$")
UNIT_MARK = re.compile(r"[（(［\[].+[)）\]］]")
PALETTE = ["#1f5aa6", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#2e4057", "#b5651d"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
DPI = 110
# Charts are drawn for the book's content column (about 740 px wide on a desktop): a figure is
# at most CONTENT_WIDTH_IN inches wide (wider ones are scaled down to it before saving, text keeping
# its point size), and no text is smaller than MIN_FONT_PT, so every label shows at
# >= MIN_FONT_PT * DPI / 72 ≈ 12 px in the page. On a phone the image is narrower; a tap opens
# it at this full size (ihbook.site.reader). tests/test_viewport.py measures it in Chromium.
CONTENT_WIDTH_IN = 6.6
MIN_FONT_PT = 8.0
DEFAULT_SIZE = (6.6, 3.9)


class ChartError(ValueError):
    """A chart is missing something a reader needs (title, unit, sources)."""


def figure(title: str, xlabel: str = "", ylabel: str = "", size: tuple[float, float] = DEFAULT_SIZE):
    """A new figure and axes with the book's style, a title and axis labels set (drawn for the
    content width: see CONTENT_WIDTH_IN)."""
    fonts.setup()
    fig, ax = plt.subplots(figsize=size, dpi=DPI)
    ax.set_title(title, fontsize=12, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", alpha=0.3)
    return fig, ax


def source_colors(source_ids) -> dict[str, tuple[str, str]]:
    """A stable colour and marker for each source, so the same source looks the same everywhere."""
    order = list(sources.load_sources().source_id)
    return {sid: (PALETTE[order.index(sid) % len(PALETTE)], MARKERS[order.index(sid) % len(MARKERS)])
            for sid in source_ids}


def sources_line(claim_ids=(), source_ids=()) -> str:
    """``来源：`` followed by every source behind ``claim_ids`` (and any further ``source_ids``)
    with publisher, title and year."""
    sids = []
    for sid in [ledger.claim(cid)["source_id"] for cid in claim_ids if cid] + list(source_ids):
        if sid not in sids:
            sids.append(sid)
    parts = [f"{sources.short_name(s)}《{sources.source(s)['title']}》" for s in sids]
    return "来源：" + "；".join(parts)


def describe(data: pd.DataFrame, label_col: str, value_col: str, unit: str = "") -> str:
    """Alt text from the data itself: every label and value, in order."""
    items = [f"{row[label_col]}：{row[value_col]:g}{unit}" for _, row in data.iterrows()]
    return "；".join(items)


def fit_to_content(fig) -> float:
    """Scale ``fig`` down to the content width (text keeps its size) and raise any text below
    MIN_FONT_PT. Returns the smallest font size in points after fitting."""
    return _fit(fig)[0]


def _fit(fig, remember: bool = False):
    """:func:`fit_to_content`, returning also the figure's tight bounding box (inches) at its
    final size, or ``None`` when the last step resized it (then the box is unknown).

    With ``remember`` (:func:`publish`, which saves the figure right after fitting it) the box
    is kept on the figure for :func:`to_png`, which then neither fits nor measures the same
    unchanged figure again."""
    from matplotlib.text import Text

    w, h = fig.get_size_inches()
    if w > CONTENT_WIDTH_IN:
        fig.set_size_inches(CONTENT_WIDTH_IN, h * CONTENT_WIDTH_IN / w)
    sizes = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip():
            continue
        if t.get_fontsize() < MIN_FONT_PT:
            t.set_fontsize(MIN_FONT_PT)
        sizes.append(t.get_fontsize())
    # Text sticking out of the axes (long tick labels, annotations, legends outside) widens the
    # saved image (bbox_inches="tight"), which the page then scales down: narrow the figure by
    # the overhang, but never below 55 % of the content width (a chart whose labels alone are
    # wider than that needs shorter or wrapped labels: tests/test_viewport.py reports it).
    # Measuring needs a layout pass, not pixels: draw_without_rendering lays out exactly as a
    # full draw does (same renderer, same text metrics) without rasterizing.
    floor = 0.55 * CONTENT_WIDTH_IN
    box = None
    for _ in range(3):
        fig.draw_without_rendering()
        bbox = fig.get_tightbbox(fig.canvas.get_renderer())
        tight = bbox.width + 0.2  # + savefig's pad (0.1 in a side)
        w, h = fig.get_size_inches()
        new_w = max(w - (tight - CONTENT_WIDTH_IN), floor)
        if tight <= CONTENT_WIDTH_IN + 0.02 or new_w >= w - 0.01:
            box = Bbox(bbox.get_points())
            break
        fig.set_size_inches(new_w, h)
    min_pt = min(sizes) if sizes else MIN_FONT_PT
    fig._ihbook_fit = (tuple(fig.get_size_inches()), fig.dpi, box) if remember else None
    return min_pt, box


def label_px(min_pt: float = MIN_FONT_PT) -> float:
    """Height in pixels of the smallest text in the saved PNG, at its natural size."""
    return min_pt * DPI / 72


def to_png(fig) -> bytes:
    """The figure fitted to the content width (:func:`fit_to_content`) as PNG bytes, cropped to
    its tight bounding box as ``savefig(bbox_inches="tight")`` does.

    The crop box is the one the fit measured on the final, unchanged figure (a figure
    :func:`publish` has just fitted is not fitted or measured again), so savefig only renders;
    figures with a layout engine or an axes locator are measured by savefig itself."""
    rec = getattr(fig, "_ihbook_fit", None)
    fig._ihbook_fit = None
    if rec is not None and rec[2] is not None and rec[:2] == (tuple(fig.get_size_inches()), fig.dpi):
        box = rec[2]  # fitted, unchanged since: fitting again would measure the same box
    else:
        box = _fit(fig)[1]
    bbox_inches = "tight"
    if (box is not None and fig.dpi == DPI and fig.get_layout_engine() is None
            and all(ax.get_axes_locator() is None for ax in fig.axes)):
        pad = matplotlib.rcParams["savefig.pad_inches"]
        bbox_inches = box.padded(pad, pad)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches=bbox_inches, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def check_chart(fig, chart_id: str, data: pd.DataFrame) -> None:
    """Refuse a chart a reader cannot trust: no title, no unit on an axis, or rows without provenance."""
    if not CHART_ID.match(chart_id):
        raise ChartError(f"图表编号“{chart_id}”应为小写字母、数字和连字符")
    ax = fig.axes[0]
    if not (ax.get_title(loc="left") or ax.get_title()):
        raise ChartError(f"图表 {chart_id} 没有标题")
    if not any(UNIT_MARK.search(a.get_xlabel() + a.get_ylabel()) for a in fig.axes):
        raise ChartError(f"图表 {chart_id} 的坐标轴没有写明单位（用括号，如“人数（百万人）”）")
    ids = data["claim_id"].fillna("") if "claim_id" in data.columns else pd.Series("", index=data.index)
    srcs = data["source_id"].fillna("") if "source_id" in data.columns else pd.Series("", index=data.index)
    if ((ids == "") & (srcs == "")).any():
        raise ChartError(f"图表 {chart_id} 的数据缺少 claim_id：每个数据点都要能追溯到账本"
                         "（本书对来源文本的计算可改给 source_id）")


def provenance_table(data: pd.DataFrame) -> pd.DataFrame:
    """The chart's data with source, period, kind and quote of every claim appended.

    Rows with a ``source_id`` and no ``claim_id`` are the book's own computations on a source
    text (word counts, say): they keep their source and are marked ``computed``.
    """
    extra = []
    ids = data["claim_id"].fillna("") if "claim_id" in data.columns else [""] * len(data)
    srcs = data["source_id"].fillna("") if "source_id" in data.columns else [""] * len(data)
    for cid, sid in zip(ids, srcs):
        if not cid:
            extra.append({"source_id": sid, "period": "", "kind": "computed",
                          "value_as_written": "", "quote": ""})
            continue
        c = ledger.claim(cid)
        extra.append({"source_id": c["source_id"], "period": c["period"], "kind": c["kind"],
                      "value_as_written": ledger.display_value(c), "quote": c["quote"]})
    out = data.reset_index(drop=True).copy()
    for col in ("source_id", "period", "kind", "value_as_written", "quote"):
        if col not in out.columns:
            out[col] = [e[col] for e in extra]
    return out


def publish(fig, chart_id: str, data: pd.DataFrame, caption: str, alt: str | None = None,
            note: str = "") -> None:
    """Display ``fig`` as a captioned, sourced figure and write its data as CSV."""
    from IPython.display import display

    check_chart(fig, chart_id, data)
    table = provenance_table(data)
    CHART_DATA.mkdir(parents=True, exist_ok=True)
    table.to_csv(CHART_DATA / f"{chart_id}.csv", index=False, lineterminator="\n")
    title = fig.axes[0].get_title(loc="left") or fig.axes[0].get_title()
    alt_text = alt or f"{title}。{describe(table, table.columns[0], 'value') if 'value' in table else ''}"
    min_pt = _fit(fig, remember=True)[0]
    png = base64.b64encode(to_png(fig)).decode()
    src_line = sources_line(table.get("claim_id", pd.Series(dtype=str)).fillna(""), table["source_id"])
    note_html = f"<br>{html.escape(note)}" if note else ""
    body = (
        f'<figure class="ihbook-chart" id="fig-{chart_id}">'
        f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt_text, quote=True)}" '
        f'data-label-px="{label_px(min_pt):.1f}" style="max-width:100%;height:auto">'
        f"<figcaption>{html.escape(caption)}{note_html}"
        f'<br><a href="../_static/chartdata/{chart_id}.csv" download>下载图表数据（CSV）</a>'
        f"<br>{html.escape(src_line)}</figcaption></figure>"
    )
    display({"text/html": body, "text/plain": f"[图] {title}\n{caption}\n{src_line}"}, raw=True)


def metric_points(metric: str | list[str], entity: str | list[str] | None = None) -> pd.DataFrame:
    """Claims on a metric as plottable points: x is the middle of the period (fractional year)."""
    df = ledger.select(metric=metric, entity=entity)
    xs = []
    for p in df.period:
        span = ledger.period_span(p)
        xs.append((span[0] + span[1]) / 2 if span else float("nan"))
    return df.assign(x=xs).sort_values(["x", "source_id", "claim_id"])


def plot_by_source(ax, points: pd.DataFrame, connect: bool = False, annotate: bool = True) -> None:
    """Each source in its own colour and marker, never merged into one line."""
    colors = source_colors(points.source_id.unique())
    for sid, grp in points.groupby("source_id", sort=False):
        color, marker = colors[sid]
        hollow = grp.kind.isin(["forecast", "target"])
        ax.plot(grp.x, grp.value, linestyle="-" if connect else "none", marker=marker, color=color,
                label=sources.short_name(sid), markersize=7)
        if hollow.any():
            ax.plot(grp.x[hollow], grp.value[hollow], linestyle="none", marker=marker,
                    markerfacecolor="white", color=color, markersize=7)
        if annotate:
            for _, r in grp.iterrows():
                ax.annotate(ledger.display_value(r), (r.x, r.value), textcoords="offset points",
                            xytext=(4, 4), fontsize=8, color=color)
    ax.legend(frameon=False, fontsize=9)


def publish_states(chart_id: str, states: list[tuple[str, object, pd.DataFrame, str]], caption: str,
                   description: str, default: int = 0, style: str = "toggle") -> None:
    """A chart with several precomputed states and a control that switches them without a kernel.

    ``states`` holds ``(label, fig, data, alt)`` per state; each figure is checked like
    :func:`publish`. The data of all states goes to one CSV with a ``state`` column, and the
    caption, ``来源：`` line and CSV link sit below the widget as static HTML.
    """
    from IPython.display import display

    from ihbook.show import widgets

    widgets.deterministic_ids(chart_id)
    tables, panels = [], []
    for label, fig, data, alt in states:
        check_chart(fig, chart_id, data)
        tables.append(provenance_table(data).assign(state=label))
        panels.append(widgets.state_panel(to_png(fig), alt or label))
    table = pd.concat(tables, ignore_index=True)
    CHART_DATA.mkdir(parents=True, exist_ok=True)
    table.to_csv(CHART_DATA / f"{chart_id}.csv", index=False, lineterminator="\n")
    box = widgets.selector([s[0] for s in states], panels, description, default=default, style=style)
    src_line = sources_line(table.get("claim_id", pd.Series(dtype=str)).fillna(""), table["source_id"])
    foot = (f'<div class="ihbook-chart-foot" id="fig-{chart_id}">{html.escape(caption)}'
            f'<br><a href="../_static/chartdata/{chart_id}.csv" download>下载图表数据（CSV）</a>'
            f"<br>{html.escape(src_line)}</div>")
    display(box)
    display({"text/html": foot, "text/plain": f"{caption}\n{src_line}"}, raw=True)
