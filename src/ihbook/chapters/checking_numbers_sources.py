"""Chapter 10: every source profiled by signals a careful reader looks for, and a text search.

Unnamed “某平台” cases, round numbers, self-contradictions, the same figures reused for different
entities, and whether the source names where its numbers come from — all computed from the
ledger, the conflict list and the normalized texts (see :mod:`ihbook.chapters.checking_numbers`).
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache

import pandas as pd

from ihbook.chapters.checking_numbers import _say, organisations
from ihbook.evidence import conflicts
from ihbook.evidence import ledger
from ihbook.evidence import sources

ANON = re.compile(r"某(?!些|种|个|一)")
VAGUE = re.compile(r"[几数余多上]|^[十百千万亿]+$|^[一二两三四五六七八九][十百千万亿]")


def is_round(value_text: str, value: float) -> bool:
    """A number a writer might have rounded or made up: vague words (上千, 数百, 20几), a simple
    fraction, an integer with one significant digit, or a multiple of five with two."""
    vt = value_text.replace(",", "")
    if VAGUE.search(vt) or re.fullmatch(r"\d+/\d+", vt):
        return True
    if not float(value).is_integer() or value == 0:
        return False
    digits = str(int(abs(value))).rstrip("0")
    return len(digits) == 1 or (len(digits) == 2 and int(digits) % 5 == 0)


def anon_rate(source_id: str) -> float:
    """“某…” (an unnamed platform, province, company…) per 10,000 characters of text."""
    text = sources.text(source_id)
    return len(ANON.findall(text)) / len(text) * 10000


def cited_organisations(source_id: str) -> list[str]:
    """Organisations the text names as the origin of numbers, other than its own publisher."""
    text = sources.text(source_id)
    publisher = sources.source(source_id)["publisher"]
    found = []
    for name, aliases in organisations().items():
        if any(a in publisher for a in aliases):
            continue
        if any(a in text for a in aliases):
            found.append(name)
    return found


def reused_figures(source_id: str | None = None) -> pd.DataFrame:
    """The same metric and value given for different entities within one source (a copy)."""
    return _reused(source_id).copy()


@lru_cache(maxsize=None)
def _reused(source_id: str | None = None) -> pd.DataFrame:
    """The same metric and value given for different entities within one source (one source's
    rows are those of all sources: the groups never span two sources)."""
    if source_id is not None:
        every = _reused(None)
        return every[every.source_id == source_id].reset_index(drop=True)
    df = ledger.load_claims()
    keys = ["source_id", "metric", "value", "unit"]
    df = df[df.groupby(keys, sort=False).entity.transform("nunique") >= 2]  # only groups that count
    rows = []
    for (sid, metric, value, unit), grp in df.groupby(keys, sort=True):
        rows.append({"来源": sources.short_name(sid), "指标": ledger.label(metric),
                     "数值": ledger.display_value(grp.iloc[0].to_dict()),
                     "主体": "；".join(dict.fromkeys(grp.entity.map(ledger.entity_label))),
                     "编号": "、".join(grp.claim_id), "source_id": sid})
    return pd.DataFrame(rows, columns=["来源", "指标", "数值", "主体", "编号", "source_id"])


def shared_number_sets(source_id: str, min_shared: int = 3) -> pd.DataFrame:
    """Pairs of sentences about different entities that share at least ``min_shared`` figures —
    the same bundle of numbers told twice about different things."""
    df = ledger.load_claims()
    df = df[df.source_id == source_id]
    groups = []
    for quote, grp in df.groupby("quote", sort=False):
        groups.append((quote, set(zip(grp.value, grp.unit)), set(grp.entity), list(grp.claim_id)))
    rows = []
    for (qa, va, ea, ia), (qb, vb, eb, ib) in itertools.combinations(groups, 2):
        shared = va & vb
        if len(shared) >= min_shared and not (ea & eb):
            rows.append({"数字": "、".join(f"{v:g}{u}" for v, u in sorted(shared)), "句一": qa, "编号一": "、".join(ia),
                         "句二": qb, "编号二": "、".join(ib)})
    return pd.DataFrame(rows)


def within_conflicts(source_id: str) -> int:
    """Conflicts whose claims all come from this one source (within-source and arithmetic)."""
    n = 0
    for r in conflicts.load_conflicts().to_dict("records"):
        ids = r["claim_ids"].split(";")
        if {ledger.claim(i)["source_id"] for i in ids} == {source_id} and r["kind"] != "definition":
            n += 1
    return n


def within_origin() -> str:
    """Which sources the within-source conflicts come from, e.g. ‘全部出自文档分享网站（2025）’."""
    df = conflicts.load_conflicts().query("kind == 'within-source'")
    if df.empty:
        return "没有出现"
    origin = df.claim_ids.str.split(";").str[0].map(lambda c: ledger.claim(c)["source_id"]).value_counts()
    if len(origin) == 1:
        return f"全部出自{sources.short_name(origin.index[0])}"
    return "分别出自" + "、".join(f"{sources.short_name(s)}（{n} 条）" for s, n in origin.items())


@lru_cache(maxsize=None)
def _profile() -> pd.DataFrame:
    claims = ledger.counted_once(ledger.load_claims())  # a statement repeated three times counts once
    reused = reused_figures()
    rows = []
    for s in sources.load_sources().to_dict("records"):
        sid = s["source_id"]
        mine = claims[claims.source_id == sid]
        n = len(mine)
        orgs = cited_organisations(sid)
        rows.append({
            "source_id": sid, "来源": sources.short_name(sid),
            "署名作者": s["author"] or "未署名",
            "文本": "预览/摘录" if s["kind"] == "report-preview" else "全文（网页文章）",
            "字数": len(sources.text(sid)),
            "数字条数": n,
            "个例占比（%）": round(100 * (mine.kind == "anecdote").mean(), 1) if n else 0.0,
            "无出处占比（%）": round(100 * (mine.attributed_to == "none").mean(), 1) if n else 0.0,
            "整数/约数占比（%）": round(100 * sum(is_round(v, x) for v, x in zip(mine.value_text, mine.value)) / n, 1) if n else 0.0,
            "“某”每万字": round(anon_rate(sid), 1),
            "内部冲突": within_conflicts(sid),
            "同值异主体": int((reused.source_id == sid).sum()),
            "点名的数据出处": "、".join(orgs) if orgs else "无",
            "出处数": len(orgs),
        })
    return pd.DataFrame(rows)


def source_profile() -> pd.DataFrame:
    """One row per source with the signals chapter 10 discusses (all computed, none typed)."""
    return _profile().copy()


def profile_table() -> pd.DataFrame:
    """The profile as the chapter shows it (without the helper column)."""
    return source_profile().drop(columns=["source_id", "出处数"])


SIGNALS = ["个例占比（%）", "无出处占比（%）", "整数/约数占比（%）", "“某”每万字", "内部冲突", "同值异主体"]


def profile_bars() -> None:
    """The profile as a table whose numeric signals carry a bar each (HTML, no image): the same
    numbers as :func:`profile_chart`, drawn in the table, with the data as CSV for download."""
    from IPython.display import display

    prof = profile_table().set_index("来源")
    shown = prof[["署名作者", "文本", "数字条数", *SIGNALS, "点名的数据出处"]]
    styler = (shown.style.set_uuid("ch10-profile").format(precision=1, subset=SIGNALS)
              .bar(subset=SIGNALS, color="#9db8d9", vmin=0).set_table_attributes('class="ihbook-table"'))
    from ihbook.evidence.paths import CHART_DATA

    CHART_DATA.mkdir(parents=True, exist_ok=True)
    source_profile().to_csv(CHART_DATA / "ch10-source-profile.csv", index=False, lineterminator="\n")
    caption = ("每份来源一行；带底纹的列是可以计算的信号，底纹长度与数值成正比（每列单独比较）。个例、无出处与整数/约数的占比"
               "按账本中该来源的数字计算（重复陈述只算一次）；“某…”次数按规范化文本计算；内部冲突取自冲突清单；同值异主体是同一"
               "指标、同一数值出现在不同主体身上的组数。这些都是提醒读者细看的信号，不是判决：一篇短文数字少，比例会大起大落。")
    body = (f'<figure class="ihbook-chart" id="fig-ch10-source-profile">{styler.to_html()}'
            f"<figcaption>{caption}<br>"
            '<a href="../_static/chartdata/ch10-source-profile.csv" download>下载表格数据（CSV）</a>'
            "<br>来源：本书据五份来源的账本与规范化文本计算。</figcaption></figure>")
    display({"text/html": body, "text/plain": shown.to_string()}, raw=True)


# ------------------------------------------------------------------------- search

def kwic(source_id: str, word: str, width: int = 20, limit: int = 50) -> pd.DataFrame:
    """Every place ``word`` occurs in a source's text, with ``width`` characters either side.

    Bad input (unknown source, empty or overlong word, non-positive width) gives a Chinese
    message and an empty table, never a traceback.
    """
    empty = pd.DataFrame(columns=["位置", "前文", "词", "后文"])
    known = list(sources.load_sources().source_id)
    if source_id not in known:
        _say(f"未知来源“{str(source_id)[:40]}”。可选：{'、'.join(known)}。")
        return empty
    if not isinstance(word, str) or not word.strip():
        _say("请给出要查找的词（不能为空）。")
        return empty
    if len(word) > 50:
        _say("要查找的词太长（最多 50 个字符）。")
        return empty
    if not isinstance(width, int) or not 1 <= width <= 200:
        _say("上下文宽度应为 1 到 200 之间的整数。")
        return empty
    text = sources.text(source_id)
    rows = []
    for m in re.finditer(re.escape(word), text):
        rows.append({"位置": m.start(), "前文": text[max(0, m.start() - width):m.start()].replace("\n", " "),
                     "词": word, "后文": text[m.end():m.end() + width].replace("\n", " ")})
        if len(rows) >= limit:
            break
    if not rows:
        _say(f"在 {source_id} 中没有找到“{word}”。")
    return pd.DataFrame(rows, columns=empty.columns) if rows else empty


