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
from collections import Counter
from functools import lru_cache

import pandas as pd

from ihbook.show import charts
from ihbook.evidence import reference
from ihbook.evidence import sources
from ihbook.evidence import text
from ihbook.show import widgets
from ihbook.show import kit
from ihbook.evidence.ledger import DataError, LedgerError, missing_columns
from ihbook.evidence.paths import DATA

POLICIES = DATA / "policies.csv"
COLUMNS = ["policy_id", "policy_key", "source_id", "year", "month", "date_as_written", "issuer", "title",
           "short", "content", "level", "region", "theme", "theme_other", "status", "quote", "flag",
           "related", "rule_key", "note"]

LEVELS = {"national": "国家级", "provincial": "省级", "industry": "行业自律", "foreign": "国外"}
# The regulatory domains of woshipm-2021 (法律环境、准入、价格、安全管理、行业监管), with drugs and
# promotion split out because the sources talk about them separately.
THEMES = {"law": "法律环境", "entry": "准入与执业", "price": "价格与医保支付", "drugs": "药品与处方",
          "safety": "安全管理（数据与质量）", "supervision": "行业监管与标准", "promotion": "发展促进与服务体系"}
STATUSES = {"issued": "已发布", "draft": "征求意见稿", "drafting": "制定中", "proposed": "建议/呼吁中",
            "expected": "预计出台", "practice": "地方实践或试点（非文件）", "absent": "政策缺位（来源所述）"}
FLAGS = {"title-clash": "标题冲突", "date-differs": "年份说法不同", "mismatched-marks": "书名号不配对",
         "unverified": "标题或年份存疑", "unnamed": "未具名", "issuer-unstated": "未写发布机关",
         "issuer-doubt": "发布机关存疑", "claim-tension": "与其他说法矛盾", "status-clash": "状态说法不一",
         "count-clash": "数字冲突", "informal-title": "非正式名称", "anecdote": "个例，无法核实"}
PERIODS = {"to2017": "2017年及以前（灰色地带）", "2018-2019": "2018–2019年（取得合法地位）",
           "2020-2021": "2020–2021年（疫情、首诊、医保、处方药）", "from2022": "2022年及以后（规范与数据）",
           "undated": "来源未注年份"}
ALL = "全部"


class PolicyInputError(ValueError):
    """A reader asked for a level, theme or period that does not exist."""


def period_of(year) -> str:
    """The period key of a year (``undated`` when the source gives none)."""
    if year in ("", None) or pd.isna(year):
        return "undated"
    y = int(year)
    if y <= 2017:
        return "to2017"
    if y <= 2019:
        return "2018-2019"
    if y <= 2021:
        return "2020-2021"
    return "from2022"


def check_policies(path=POLICIES) -> list[DataError]:
    """Every problem in the policy table (empty list: the table is sound)."""
    name = "data/policies.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = missing_columns(name, df.columns, COLUMNS)
    if missing:
        return missing
    errors: list[DataError] = []
    ids = set(df.policy_id)
    rule_keys = set(reference.load_rules().doc_key)
    for i, row in enumerate(df.to_dict("records"), start=2):
        def err(col: str, reason: str) -> None:
            errors.append(DataError(name, i, col, reason))

        try:
            body = sources.text(row["source_id"])
        except KeyError:
            err("source_id", f"未知来源“{row['source_id']}”")
            continue
        if not row["quote"] or row["quote"] not in body:
            err("quote", f"引文不在来源 {row['source_id']} 的规范化文本中（须逐字一致）")
        if row["level"] not in LEVELS:
            err("level", f"层级“{row['level']}”应为 {'/'.join(LEVELS)} 之一")
        for col in ("theme", "theme_other"):
            if (row[col] or col == "theme") and row[col] not in THEMES:
                err(col, f"领域“{row[col]}”应为 {'/'.join(THEMES)} 之一")
        if row["status"] not in STATUSES:
            err("status", f"状态“{row['status']}”应为 {'/'.join(STATUSES)} 之一")
        for f in filter(None, row["flag"].split(";")):
            if f not in FLAGS:
                err("flag", f"标记“{f}”不在词表中")
        for r in filter(None, row["related"].split(";")):
            if r not in ids:
                err("related", f"关联的编号“{r}”不存在")
        if row["year"] and not (row["year"].isdigit() and 1990 <= int(row["year"]) <= 2035):
            err("year", f"年份“{row['year']}”无效")
        if row["month"] and not (row["month"].isdigit() and 1 <= int(row["month"]) <= 12):
            err("month", f"月份“{row['month']}”无效")
        if row["month"] and not row["year"]:
            err("month", "有月份而无年份")
        if not (row["title"] or row["content"]):
            err("title", "标题与内容不能都为空")
        if row["rule_key"] and row["rule_key"] not in rule_keys and row["rule_key"] not in TOPIC_KEYS:
            err("rule_key", f"data/reference/rules.csv 中没有文件键“{row['rule_key']}”")
    dup = df.policy_id[df.policy_id.duplicated()]
    for pid in dup:
        errors.append(DataError(name, int(df.index[df.policy_id == pid][-1]) + 2, "policy_id", f"“{pid}”重复"))
    return errors


@lru_cache(maxsize=None)
def _policies() -> pd.DataFrame:
    errors = check_policies()
    if errors:
        raise LedgerError(errors)
    df = pd.read_csv(POLICIES, dtype=str, keep_default_na=False)
    df["period"] = df.year.map(period_of)
    df["flags"] = df.flag.map(lambda s: [f for f in s.split(";") if f])
    return df


def load_policies() -> pd.DataFrame:
    """The policy table, checked, with ``period`` and a ``flags`` list added (a copy)."""
    return _policies().copy()


def display_title(row) -> str:
    """The title in book form (《…》), or a description when the source names no document."""
    if row["title"]:
        return f"《{row['title']}》" if row["status"] not in ("practice", "absent") else f"“{row['title']}”"
    return f"（未具名）{row['content']}"


def _resolve(value, table: dict, what: str) -> list[str] | None:
    """A reader's choice (key, Chinese label, 全部/None) as a list of keys, or a clear error."""
    if value is None or value == "" or value == ALL or value == "all":
        return None
    values = value if isinstance(value, (list, tuple)) else [value]
    keys = []
    for v in values:
        if not isinstance(v, str):
            raise PolicyInputError(f"{what}应为文字，收到的是 {type(v).__name__}")
        v = v.strip()
        hit = [k for k, lab in table.items() if v in (k, lab) or (len(v) >= 2 and lab.startswith(v))]
        if not hit:
            choices = "、".join(table.values())
            raise PolicyInputError(f"没有名为“{v[:40]}”的{what}。可选：{ALL}、{choices}")
        keys += hit
    return keys


def filter_policies(level=None, theme=None, period=None) -> pd.DataFrame:
    """Rows matching a level, a theme (primary or secondary) and a period.

    Each argument accepts a key (``national``), its Chinese label (``国家级``), a unique
    prefix of the label, a list of these, or ``全部``/None for no filter. An unknown choice
    raises :class:`PolicyInputError` with the valid choices in Chinese.
    """
    df = _policies()
    mask = pd.Series(True, index=df.index)
    lv = _resolve(level, LEVELS, "层级")
    th = _resolve(theme, THEMES, "领域")
    pe = _resolve(period, PERIODS, "时期")
    if lv:
        mask &= df.level.isin(lv)
    if th:
        mask &= df.theme.isin(th) | df.theme_other.isin(th)
    if pe:
        mask &= df.period.isin(pe)
    return df[mask].copy()


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


# --- charts -------------------------------------------------------------------------------

LEVEL_STYLE = {"national": ("#1f5aa6", "o"), "provincial": ("#d1495b", "s"),
               "industry": ("#edae49", "^"), "foreign": ("#66a182", "D")}


UNDATED_SHIFT = 0.9  # the undated column is wider: it holds most of report-2025's mentions


def year_slots() -> list[str]:
    """The columns of the timeline: every year some row names, then one for undated rows."""
    years = sorted({int(y) for y in _policies().year if y})
    return [str(y) for y in years] + ["未注"]


def timeline_points() -> pd.DataFrame:
    """One point per row. x is the row's year slot (years are columns, not a linear scale:
    the sources name almost nothing between 2009 and 2017), shifted within the slot by month;
    undated rows share a wide last column. y is the primary theme, staggered when rows would
    sit on the same spot."""
    df = _policies().copy()
    slots = year_slots()
    order = list(THEMES)
    df["slot"] = df.year.map(lambda y: y if y else "未注")
    xs = []
    for _, r in df.iterrows():
        base = slots.index(r["slot"]) + (UNDATED_SHIFT if r["slot"] == "未注" else 0.0)
        xs.append(base + ((int(r["month"]) - 6.5) / 12 * 0.8 if r["month"] else 0.0))
    df["x"] = xs
    df["y"] = df.theme.map(order.index).astype(float)
    for (slot, theme), grp in df.groupby(["slot", "theme"]):
        if len(grp) < 2:
            continue
        width = 0.25 if slot == "未注" else 0.12
        unmonthed = [i for i in grp.index if not df.loc[i, "month"]]
        n = len(unmonthed)
        for j, idx in enumerate(unmonthed):
            df.loc[idx, "x"] += (j - (n - 1) / 2) * width
        if slot != "未注":
            for j, idx in enumerate(grp.sort_values("x").index):
                df.loc[idx, "y"] += (-0.16, 0.16)[j % 2]
    return df


def timeline_chart() -> None:
    """The timeline by level (colour and marker) and theme (row); hollow markers are documents
    not (yet) in force. Undated mentions are drawn in their own column."""
    pts = timeline_points()
    slots = year_slots()
    fig, ax = charts.figure("政策时间线：按层级与领域", "年份（年；只列出来源提到的年份，右侧一栏为未注年份的条目）", "",
                            size=(8.6, 5.8))
    for level, (color, marker) in LEVEL_STYLE.items():
        grp = pts[pts.level == level]
        if grp.empty:
            continue
        solid = grp.status == "issued"
        ax.scatter(grp.x[solid], grp.y[solid], color=color, marker=marker, s=46, label=LEVELS[level], zorder=3)
        if (~solid).any():
            ax.scatter(grp.x[~solid], grp.y[~solid], facecolors="white", edgecolors=color, marker=marker, s=46,
                       zorder=3, label=f"{LEVELS[level]}（未生效或非文件）")
    dated = pts[pts.year != ""].sort_values("x")
    for _, grp in dated.groupby("theme"):
        for k, (_, r) in enumerate(grp.sort_values("x").iterrows()):
            off = r.x - round(r.x)  # late-in-year points lean left, early ones right
            ha = "right" if off > 0.3 else "left" if off < -0.3 else "center"
            ax.annotate(r["short"], (r.x, r.y), textcoords="offset points", xytext=(0, (7, -12, 21, -25)[k % 4]),
                        ha=ha, fontsize=7, color="#333")
    ax.axvline(len(slots) - 1.5, color="#999", linestyle="--", linewidth=0.8)
    n_undated = int((pts.year == "").sum())
    ax.set_yticks(range(len(THEMES)), list(THEMES.values()), fontsize=8)
    ax.set_ylim(-0.6, len(THEMES) - 0.4)
    ax.set_xlim(-0.6, len(slots) - 1 + UNDATED_SHIFT + 0.9)
    ax.set_xticks(list(range(len(slots) - 1)) + [len(slots) - 1 + UNDATED_SHIFT],
                  slots[:-1] + [f"未注年份（{n_undated}条）"], fontsize=8)
    ax.grid(axis="x", alpha=0.2)
    ax.legend(frameon=False, fontsize=7, loc="upper left", ncol=3, bbox_to_anchor=(0, -0.12))
    data = pts[["short", "policy_id", "year", "month", "date_as_written", "level", "theme", "status", "flag",
                "source_id", "quote"]].assign(kind="policy-mention")
    alt = "；".join(f"{r.date_as_written} {LEVELS[r.level]} {r.short}（{THEMES[r.theme]}）"
                   for r in pts.sort_values(["year", "month"]).itertuples())
    charts.publish(fig, "ch05-policy-timeline", data, alt="政策时间线。" + alt,
                   caption=("每个点是来源对一项政策的一次提及（data/policies.csv）：横轴为来源所写的年份（只列出有提及的年份，"
                            "不是等距刻度），纵轴为本书归入的领域，颜色与形状表示层级，空心表示征求意见稿、制定中、建议中或"
                            "非文件的地方实践。右侧一栏是来源没有写年份的提及，几乎全部出自 2025 年的报告。"))


def policy_text(row) -> str:
    """The text of a row that the keyword view counts: the source's own statement of content
    when it is verbatim in the quote (the policy tables), otherwise the whole quote."""
    c = row["content"]
    return c if c and c in row["quote"] else row["quote"]


def keyword_counts(level: str, top: int = 12) -> pd.DataFrame:
    """The ``top`` content words (jieba, book dictionary and stopwords) in the texts of one
    level, counted per source; each distinct text is counted once even when several rows
    quote it. Columns: word, source_id, count, total (the word's count over all sources)."""
    if level not in LEVELS:
        raise PolicyInputError(f"没有名为“{level}”的层级")
    df = _policies()
    df = df[df.level == level]
    seen: set[str] = set()
    counts: Counter = Counter()
    for _, r in df.iterrows():
        t = policy_text(r)
        if t in seen:
            continue
        seen.add(t)
        for wd in text.content_words(t):
            counts[(wd, r["source_id"])] += 1
    if not counts:
        return pd.DataFrame(columns=["word", "source_id", "count", "total"])
    out = pd.DataFrame([(w_, s, n) for (w_, s), n in counts.items()], columns=["word", "source_id", "count"])
    totals = out.groupby("word")["count"].sum()
    out["total"] = out.word.map(totals)
    ranked = totals.reset_index().sort_values(["count", "word"], ascending=[False, True]).word.head(top)
    out = out[out.word.isin(ranked)]
    order = {w_: i for i, w_ in enumerate(ranked)}
    return out.assign(_o=out.word.map(order)).sort_values(["_o", "source_id"]).drop(columns="_o").reset_index(drop=True)


def text_sizes() -> pd.DataFrame:
    """How much text each level contributes: distinct passages and content words."""
    df = _policies()
    rows = []
    for level in LEVELS:
        texts = list(dict.fromkeys(policy_text(r) for _, r in df[df.level == level].iterrows()))
        rows.append({"level": level, "label": LEVELS[level], "passages": len(texts),
                     "words": sum(len(text.content_words(t)) for t in texts)})
    return pd.DataFrame(rows)


def _keyword_figure(level: str):
    data = keyword_counts(level)
    sizes = text_sizes().set_index("level")
    words = list(dict.fromkeys(data.word))
    fig, ax = charts.figure(f"{LEVELS[level]}政策文本中的高频词（{sizes.loc[level, 'passages']} 段引文）",
                            "出现次数（次）", "", size=(7.2, 4.6))
    colors = charts.source_colors(data.source_id.unique())
    left = pd.Series(0.0, index=words)
    for sid, grp in data.groupby("source_id", sort=False):
        vals = grp.set_index("word")["count"].reindex(words).fillna(0)
        ax.barh(range(len(words)), vals.values, left=left.values, color=colors[sid][0],
                label=sources.short_name(sid))
        left += vals
    for i, wd in enumerate(words):
        ax.annotate(f"{int(left[wd])}", (left[wd], i), textcoords="offset points", xytext=(3, -3), fontsize=8)
    ax.set_yticks(range(len(words)), words)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    alt = f"{LEVELS[level]}政策文本高频词：" + "；".join(
        f"{wd} {int(left[wd])} 次" for wd in words)
    return fig, data.assign(level=LEVELS[level], kind="computed"), alt


def keyword_chart() -> None:
    """National vs provincial keywords as a two-state chart (kernel-free toggle)."""
    states = []
    for level in ("national", "provincial"):
        fig, data, alt = _keyword_figure(level)
        states.append((LEVELS[level], fig, data, alt))
    charts.publish_states(
        "ch05-policy-keywords", states,
        caption=("本书的计算：用 jieba（本书词典与停用词表）切分政策表中每段逐字引文的内容部分，同一段文字只计一次，"
                 "按来源分色叠加。计数只反映来源转述政策时的用词，不是政策原文的词频。"),
        description="层级：")


def domain_table() -> pd.DataFrame:
    """Mentions by regulatory domain (primary theme) and level, the frame of section 3."""
    df = _policies()
    t = pd.crosstab(df.theme.map(THEMES), df.level.map(LEVELS)).reindex(list(THEMES.values())).fillna(0).astype(int)
    t = t.reindex(columns=[c for c in LEVELS.values() if c in t.columns])
    t["合计"] = t.sum(axis=1)
    t.index.name = "领域（主）"
    t.columns.name = "层级"
    return t


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


def counts() -> dict[str, int]:
    """Row counts the chapter reports (mentions, distinct documents, by level, flagged)."""
    df = _policies()
    out = {"rows": len(df), "policies": df.policy_key.nunique(), "flagged": int((df.flag != "").sum()),
           "undated": int((df.year == "").sum())}
    out.update({f"level_{k}": int((df.level == k).sum()) for k in LEVELS})
    out.update({f"source_{k}": int((df.source_id == k).sum()) for k in sorted(df.source_id.unique())})
    return out


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


# The report's three counts of provinces piloting online 医保 settlement (sections 2.1, 5.3, 10.2).
INSURANCE_PILOT = ("R25-025", "R25-156", "R25-302")


def insurance_pilot_ids(claim_ids=INSURANCE_PILOT) -> dict[str, list[str]]:
    """Selected from data, never typed: the conflicts of ``data/conflicts.csv`` among these claims
    and the pairs of ``data/undated_pairs.csv`` (“not comparable, undated”) among them."""
    from ihbook.evidence import conflicts, involving

    want = set(claim_ids)
    undated = [r.pair_id for r in conflicts.load_undated().itertuples()
               if set(involving.claim_list(r.claim_ids)) <= want]
    return {"conflicts": involving.conflict_ids(want, how="within"), "undated": undated}


# --------------------------------------------------------------------------- the rulebook

TOPICS = {"first_visit": "首诊与复诊：什么可以在网上看", "who_may_run": "谁可以办互联网医院",
          "who_may_practise": "谁可以在网上看病", "prescriptions": "处方", "drugs_online": "网上卖药",
          "insurance": "医保支付", "telemedicine": "远程医疗", "epidemic": "疫情期间的通知",
          "promotion": "总体方向", "supervision": "监管"}
TODAY_ORDER = ["first_visit", "who_may_run", "who_may_practise", "prescriptions", "drugs_online", "insurance"]


def rules(topic: str | None = None) -> pd.DataFrame:
    """The national rulebook (``data/reference/rules.csv``), optionally one topic, oldest first."""
    df = reference.load_rules()
    if topic is not None:
        if topic not in TOPICS:
            raise PolicyInputError(f"没有领域“{topic}”；可选：{'、'.join(TOPICS)}")
        df = df[df.topic == topic]
    return df.sort_values(["date", "rule_id"]).reset_index(drop=True)


def rules_table_html(topics: list[str] | None = None) -> str:
    """The rules of some topics as an escaped table: what the rule says, who, when, status, source page."""
    topics = topics or TODAY_ORDER
    rows = []
    for t in topics:
        for r in rules(t).to_dict("records"):
            who = f"{r['issuer']}《{r['title']}》" + (f"（{r['doc_number']}）" if r["doc_number"] else "")
            link = (f'<a href="{html.escape(r["url"], quote=True)}" rel="noopener nofollow">网页</a>'
                    if r["url"].startswith(("http://", "https://")) else "")
            own = "" if r["publisher_own"] == "true" else "（二手）"
            cells = [html.escape(TOPICS[t]), html.escape(r["provision"]), html.escape(who),
                     html.escape(r["date"] or "未见"), html.escape(r["status"]),
                     f"<small>“{html.escape(r['quote'])}”</small><br>{link}{html.escape(own)}"
                     f'<span class="ihbook-ref">〔{html.escape(r["rule_id"])}〕</span>']
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th>{c}</th>" for c in ["领域", "规定", "发布机关与文件", "日期", "状态", "读到的网页原文"])
    return widgets.scroll_region(f'<table class="ihbook-table"><thead><tr>{header}</tr></thead>'
                                 f"<tbody>{''.join(rows)}</tbody></table>", "全国规则（可滚动）")


def show_rules(topics: list[str] | None = None) -> None:
    """Display :func:`rules_table_html` with a plain-text twin."""
    from IPython.display import display

    df = pd.concat([rules(t) for t in (topics or TODAY_ORDER)])
    plain = "\n".join(f"{r.rule_id}  {r.provision}（{r.issuer}，{r.date or '日期未见'}，{r.status}）"
                      for r in df.itertuples())
    display({"text/html": rules_table_html(topics), "text/plain": plain}, raw=True)


ISSUER_SYNONYMS = [("国家卫健委", "国家卫生健康委员会"), ("国家卫计委", "国家卫生和计划生育委员会"),
                   ("原国家卫生和计划生育委员会", "国家卫生和计划生育委员会"),
                   ("国家医保局", "国家医疗保障局"), ("国家药监局", "国家药品监督管理局"),
                   ("国家中医药局", "国家中医药管理局"), ("国家发改委", "国家发展和改革委员会")]
STATUS_MAP = {"现行": "issued", "试点": "practice", "征求意见稿": "draft", "已废止": "issued",
              "已被替代": "issued"}
CHECK_LABELS = {"same": "一致", "differs": "不一致", "unstated": "来源未写", "unknown": "规则表未核实",
                "na": "—"}
# ``rule_key`` is either a document of the rulebook (``doc_key``: the mention is that document,
# checked on title, year, issuer and status) or a topic (the mention names no such document but
# asserts something about the topic: checked on content only).
TOPIC_KEYS = {"topic-first-visit": "first_visit"}
# Online first visits: the rulebook limits internet diagnosis to follow-up visits; a mention that
# says first visits are allowed (可以首诊 / 允许首诊) without calling it a pilot contradicts it.
FIRST_VISIT_ALLOWED = ("可以首诊", "允许首诊", "首诊放开", "放开首诊")


def _norm_title(t: str) -> str:
    import re

    t = t.replace("(", "（").replace(")", "）")
    return re.sub(r"[《》“”\"'\s、，,。·]", "", t)


def _norm_issuer(s: str) -> str:
    for a, b in ISSUER_SYNONYMS:
        s = s.replace(a, b)
    return s


def _issuer_same(p: str, r: str) -> bool:
    """Whether a mention's issuer names the rule's issuer (every issuer the rule lists, or the
    mention's issuer is one of them; ``等部门`` is read as "and others")."""
    p = _norm_issuer(p).replace("等部门", "").replace("等", "")
    parts = [x for x in _norm_issuer(r).replace("、", ",").split(",") if x]
    return any(x in p or p in x for x in parts) and bool(p)


def check_against_rules() -> pd.DataFrame:
    """Every policy mention linked to the rulebook (``rule_key``), checked on title, year, issuer and
    status against the rule rows of that document, and on content where the rule is about first
    visits. Computed, one row per mention."""
    df = _policies()
    rb = reference.load_rules()
    out = []
    for p in df[df.rule_key != ""].to_dict("records"):
        if p["rule_key"] in TOPIC_KEYS:
            out.append(_topic_check(p, rb))
            continue
        doc = rb[rb.doc_key == p["rule_key"]]
        r = doc.iloc[0].to_dict()
        named = "页面只写简称" not in r["title"]     # the rulebook knows the document's full title
        # title
        if not p["title"]:
            title = "unstated"
        elif not named:
            title = "unknown"
        else:
            title = "same" if _norm_title(p["title"]) == _norm_title(r["title"]) else "differs"
        # year
        ryear = r["date"][:4] if r["date"] else ""
        if not p["year"]:
            year = "unstated"
        elif not ryear:
            year = "unknown"
        else:
            year = "same" if p["year"] == ryear else "differs"
        # issuer
        issuer_text = p["issuer"]
        if not issuer_text or "未具名" in issuer_text:
            issuer = "unstated"
        elif r["issuer"].startswith("（"):
            issuer = "unknown"
        else:
            issuer = "same" if _issuer_same(issuer_text, r["issuer"]) else "differs"
        # status: was the document issued, a draft, a pilot? (not whether it is still in force)
        rstatus = STATUS_MAP.get(r["status"]) or ("issued" if r["date"] and named else "")
        status = "unknown" if not rstatus else ("same" if rstatus == p["status"] else "differs")
        content = ""
        checks = {"title": title, "year": year, "issuer": issuer, "status": status}
        bad = [k for k, v in checks.items() if v == "differs"] + (["content"] if content.startswith("与规则不符") else [])
        out.append({"policy_id": p["policy_id"], "source_id": p["source_id"],
                    "mention": display_title(p),
                    "rule_doc": r["title"] if r["title"].startswith("《") else f"《{r['title']}》",
                    "rule_ids": ";".join(doc.rule_id),
                    **{f"{k}_check": CHECK_LABELS[v] for k, v in checks.items()},
                    "content_check": content,
                    "verdict": "与规则表不一致" if bad else (
                        "无法核实" if all(v in ("unknown", "unstated") for v in checks.values()) else "未见不一致"),
                    "differs_on": "、".join({"title": "标题", "year": "年份", "issuer": "发布机关",
                                            "status": "状态", "content": "内容"}[b] for b in bad)})
    return pd.DataFrame(out)


def _topic_check(p: dict, rb: pd.DataFrame) -> dict:
    """A mention that names no document but says what the rules of a topic are: compare its
    content with the national rules in force on that topic (only first visits, for now)."""
    topic = TOPIC_KEYS[p["rule_key"]]
    fv = rb[(rb.topic == topic) & (rb.level == "national") & (rb.status == "现行")]
    text_all = p["content"] + p["quote"]
    if any(k in text_all for k in FIRST_VISIT_ALLOWED):
        content, bad = f"与规则不符：全国规则只允许复诊（{'、'.join(fv.rule_id)}）", True
    elif "试点" in text_all:
        content, bad = "与规则一致：首诊仍是试点，全国规则只允许复诊", False
    else:
        content, bad = "未见不一致", False
    return {"policy_id": p["policy_id"], "source_id": p["source_id"], "mention": display_title(p),
            "rule_doc": f"{TOPICS[topic]}（{len(fv)} 条现行规定）", "rule_ids": ";".join(fv.rule_id),
            **{f"{k}_check": CHECK_LABELS["na"] for k in ("title", "year", "issuer", "status")},
            "content_check": content, "verdict": "与规则表不一致" if bad else "未见不一致",
            "differs_on": "内容" if bad else ""}


def rule_checks_html(df: pd.DataFrame | None = None) -> str:
    df = check_against_rules() if df is None else df
    rows = []
    for r in df.to_dict("records"):
        cells = [r["policy_id"], sources.short_name(r["source_id"]), r["mention"], r["rule_doc"],
                 r["title_check"], r["year_check"], r["issuer_check"], r["status_check"],
                 r["content_check"] or "—", f"{r['verdict']}" + (f"（{r['differs_on']}）" if r["differs_on"] else "")]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th>{c}</th>" for c in ["编号", "来源", "来源所说", "规则表中的文件", "标题", "年份",
                                                "发布机关", "状态", "内容", "结论"])
    return widgets.scroll_region(f'<table class="ihbook-table"><thead><tr>{header}</tr></thead>'
                                 f"<tbody>{''.join(rows)}</tbody></table>", "来源的政策说法与全国规则（可滚动）")


def show_rule_checks() -> None:
    from IPython.display import display

    df = check_against_rules()
    plain = "\n".join(f"{r.policy_id}  {r.mention} → {r.verdict} {r.differs_on}" for r in df.itertuples())
    display({"text/html": rule_checks_html(df), "text/plain": plain}, raw=True)
