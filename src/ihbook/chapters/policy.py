"""Chapter 5's policy table: every policy the sources name, checked, filtered and charted.

``data/policies.csv`` holds one row per *mention* of a policy in a source (national,
provincial, industry, foreign), each with the verbatim passage it rests on. Sources disagree
about titles, dates and status; the table keeps what each says and marks the disagreement in
``flag`` (keys in :data:`FLAGS`), ``related`` (the other rows involved) and ``note``. Rows that
describe the same document share a ``policy_key``.

This module checks the table (a bad row is reported with file, row, column and reason),
filters it (:func:`filter_policies`, also as a kernel-free widget with every state
precomputed), draws the timeline by level and theme, and counts the words that dominate
national and provincial texts with jieba (:func:`keyword_counts`: the book's own computation
on the quoted passages).
"""
from __future__ import annotations

import html

import pandas as pd

from ihbook.evidence import sources
from ihbook.show import widgets
from ihbook.show import kit
from ihbook.chapters.policy_data import (  # noqa: F401
    POLICIES, COLUMNS, LEVELS, THEMES, STATUSES, FLAGS, PERIODS, ALL, PolicyInputError, period_of,
    check_policies, _policies, load_policies, display_title, _resolve, filter_policies, TOPIC_KEYS,
    counts, domain_table,
)
from ihbook.chapters.policy_timeline import (  # noqa: F401
    LEVEL_STYLE, UNDATED_SHIFT, year_slots, timeline_points, timeline_chart, policy_text,
    keyword_counts, text_sizes, _keyword_figure, keyword_chart,
)
from ihbook.chapters.policy_rules import (  # noqa: F401
    INSURANCE_PILOT, insurance_pilot_ids, TOPICS, TODAY_ORDER, rules, rules_table_html, show_rules,
    ISSUER_SYNONYMS, STATUS_MAP, CHECK_LABELS, FIRST_VISIT_ALLOWED, _norm_title, _norm_issuer,
    _issuer_same, check_against_rules, _topic_check, rule_checks_html, show_rule_checks,
)


def table_html(df: pd.DataFrame, heading: str = "") -> str:
    """The rows as an escaped HTML table (time as written, level, issuer, title, theme, status,
    source, flags), with a one-line count on top."""
    n_flag = int(df.flag.ne("").sum()) if len(df) else 0
    head = f"<p><strong>{html.escape(heading)}</strong>" if heading else "<p>"
    if df.empty:
        return head + "没有符合条件的政策条目。</p>"
    head += f"符合条件的条目：{len(df)} 条，其中带冲突或存疑标记的 {n_flag} 条。</p>"
    rows = []
    for _, r in df.iterrows():
        flags = "、".join(FLAGS[f] for f in r["flags"]) if isinstance(r.get("flags"), list) else ""
        theme = THEMES[r["theme"]] + (f"；{THEMES[r['theme_other']]}" if r["theme_other"] else "")
        rows.append([r["date_as_written"], LEVELS[r["level"]], r["issuer"] or "（原文未写）", display_title(r),
                     theme, STATUSES[r["status"]], sources.short_name(r["source_id"]), flags or "—", r["policy_id"]])
    cols = ["时间（原文）", "层级", "发布机关", "名称或内容", "领域", "状态", "来源", "标记", "编号"]
    table = kit.table_html(pd.DataFrame(rows, columns=cols), style="font-size:0.85em")
    return head + widgets.scroll_region(table, "政策清单（可滚动）", 34)


def show_filter(level=None, theme=None, period=None) -> None:
    """Display the filtered table; a bad choice shows a clear Chinese message instead."""
    from IPython.display import HTML, display

    from ihbook.show import widgets

    try:
        df = filter_policies(level, theme, period)
    except PolicyInputError as exc:
        display(HTML(widgets.message(str(exc), "warning").value))
        return
    display(HTML(table_html(df)))


LEVEL_CHOICES = [("全部层级", None), ("国家级", "national"), ("省级", "provincial"),
                 ("行业自律与国外", ["industry", "foreign"])]


def filter_widget():
    """Three dropdowns (level, theme, period) over nested precomputed stacks.

    Every combination is rendered in advance; each dropdown is ``jslink``-ed to the stacks of
    its level, so the filter works in the static HTML with no kernel. Identical results share
    one panel, which keeps the stored widget state small.
    """
    import ipywidgets as w

    from ihbook.show import widgets

    widgets.deterministic_ids("ch05-policy-filter")
    themes = [("全部领域", None)] + [(lab, k) for k, lab in THEMES.items()]
    periods = [("全部时期", None)] + [(lab, k) for k, lab in PERIODS.items()]
    cache: dict[tuple, w.HTML] = {}

    def leaf(df: pd.DataFrame) -> w.HTML:
        key = tuple(df.policy_id)
        if key not in cache:
            cache[key] = w.HTML(value=table_html(df))
        return cache[key]

    style = {"description_width": "initial"}
    dd = [w.Dropdown(options=[(lab, i) for i, (lab, _) in enumerate(opts)], index=0, description=desc,
                     style=style)
          for opts, desc in ((LEVEL_CHOICES, "层级："), (themes, "领域："), (periods, "时期："))]
    middles, inners = [], []
    for _, lv in LEVEL_CHOICES:
        mids = []
        for _, th in themes:
            inner = w.Stack([leaf(filter_policies(lv, th, pe)) for _, pe in periods], selected_index=0)
            inners.append(inner)
            mids.append(inner)
        middles.append(w.Stack(mids, selected_index=0))
    outer = w.Stack(middles, selected_index=0)
    w.jslink((dd[0], "index"), (outer, "selected_index"))
    for m in middles:
        w.jslink((dd[1], "index"), (m, "selected_index"))
    for i in inners:
        w.jslink((dd[2], "index"), (i, "selected_index"))
    box = w.VBox([w.VBox(dd), outer])
    box.add_class("ihbook-widget")
    return box


def flagged() -> pd.DataFrame:
    """Rows with a disagreement or doubt flag, for the chapter's 'what the sources disagree on'."""
    df = _policies()
    out = df[df.flag != ""].copy()
    out["标记"] = out["flags"].map(lambda fs: "、".join(FLAGS[f] for f in fs))
    return out[["policy_id", "source_id", "date_as_written", "issuer", "title", "标记", "related", "note"]]


def flagged_html() -> str:
    """The flagged rows as an escaped table (id, what, flags, note)."""
    rows = []
    for _, r in flagged().iterrows():
        what = (f"《{r['title']}》" if r["title"] else "（未具名）")
        cells = [r["policy_id"], sources.short_name(r["source_id"]), r["date_as_written"], what, r["标记"],
                 r["related"] or "—", r["note"]]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th>{c}</th>" for c in ["编号", "来源", "时间（原文）", "名称", "标记", "相关条目", "说明"])
    return widgets.scroll_region(f'<table class="ihbook-table"><thead><tr>{header}</tr></thead>'
                                 f"<tbody>{''.join(rows)}</tbody></table>", "标记了分歧的政策条目（可滚动）")


def show_flagged() -> None:
    from IPython.display import HTML, display

    display(HTML(flagged_html()))


def glue_counts() -> None:
    """Glue the table's counts for the chapter's prose (the book's own tally of its table)."""
    from IPython.display import Markdown
    from myst_nb import glue

    c = counts()
    glue("ch05-rows", Markdown(f"{c['rows']} 条"), display=False)
    glue("ch05-policies", Markdown(f"{c['policies']} 项"), display=False)
    glue("ch05-flagged", Markdown(f"{c['flagged']} 条"), display=False)
    glue("ch05-undated", Markdown(f"{c['undated']} 条"), display=False)
    glue("ch05-undated-r25", Markdown(f"{int(((_policies().year == '') & (_policies().source_id == 'report-2025')).sum())} 条"),
         display=False)
    ids = insurance_pilot_ids()
    glue("ch05-insurance-conflicts", Markdown("、".join(ids["conflicts"]) or "（无）"), display=False)
    glue("ch05-insurance-undated", Markdown("、".join(ids["undated"]) or "（无）"), display=False)
