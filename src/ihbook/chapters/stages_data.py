"""Chapter 2's data: the stages as each source tells them, the dated events, their checks.

The sources do not share one periodisation. iResearch (2020) dates 1.0 / 2.0 / 3.0 to 2012 /
2015 / 2020; woshipm (2021) describes 1.0 and 2.0 without dates and says the move to 3.0 is still
under way; the 2025 report describes the same direction without numbers; chinabaogao (2024)
numbers 1.0–4.0 for a different thing (smart healthcare, i.e. hospital informatization). So the
book keeps the definitions side by side instead of merging them:

* ``data/stages.csv`` — one row per (stage, source, aspect), each cell a verbatim quote; spans in
  years where the source dates a stage (``dating`` says whether the source states the year or the
  book infers it from words such as “近十年来”).
* ``data/timeline.csv`` — the events the sources date, each tied to a ledger claim (numbers) or
  to a verified passage in ``data/quotes.csv`` (events without a number). Labels hold ``{v}``
  where the claim's value goes, so no number is typed twice.

This module reads and checks them and answers questions about them (which stage a year falls
in, which events a stage holds); :mod:`~ihbook.chapters.stages_charts` draws them.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache

import pandas as pd

from ihbook.evidence import ledger
from ihbook.evidence import tables
from ihbook.evidence import sources
from ihbook.evidence.ledger import DataError
from ihbook.evidence.paths import DATA

STAGES = DATA / "stages.csv"
TIMELINE = DATA / "timeline.csv"
QUOTES = DATA / "quotes.csv"
SOURCE_ORDER = ["iresearch-2020", "woshipm-2021", "report-2025", "chinabaogao-2024"]
ASPECTS = ["名称", "时期", "技术", "服务", "参与者", "例子", "定位", "现状"]
IH_STAGES = ["1.0", "2.0", "3.0"]
SMART = "1.0-4.0"
CATEGORY_COLORS = {"政策": "#1f5aa6", "资本": "#d1495b", "企业": "#00798c", "疫情与用户": "#b5651d"}
BAND_SOURCES = ["iresearch-2020", "woshipm-2021"]
STAGE_COLORS = {"1.0": "#8d6a9f", "2.0": "#00798c", "3.0": "#edae49"}
DATING_LABELS = {"stated": "原文所写", "inferred": "本书据原文措辞推定，约数", "": ""}


def _name(path) -> str:
    path = path.resolve()
    return path.relative_to(DATA.parent).as_posix() if path.is_relative_to(DATA.parent) else str(path)


def _num(s: str) -> float:
    return float(s) if s not in ("", None) else math.nan


def check_stages(path=STAGES) -> list[DataError]:
    """Every problem in the stages table: unknown source, a quote that is not verbatim, bad years."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    errors = []
    known = set(sources.load_sources().source_id)
    for i, r in enumerate(df.to_dict("records"), start=2):
        if r["source_id"] not in known:
            errors.append(DataError(_name(path), i, "source_id", f"未知来源“{r['source_id']}”"))
            continue
        if not r["quote"] or r["quote"] not in sources.text(r["source_id"]):
            errors.append(DataError(_name(path), i, "quote", f"引文不在来源 {r['source_id']} 的规范化文本中"))
        if r["aspect"] not in ASPECTS:
            errors.append(DataError(_name(path), i, "aspect", f"“{r['aspect']}”不在 {ASPECTS} 中"))
        try:
            start, end = _num(r["start_year"]), _num(r["end_year"])
        except ValueError:
            errors.append(DataError(_name(path), i, "start_year", "年份不是数字"))
            continue
        if not math.isnan(start) and not math.isnan(end) and end <= start:
            errors.append(DataError(_name(path), i, "end_year", "终止年份不晚于起始年份"))
        if r["aspect"] == "时期" and math.isnan(start):
            errors.append(DataError(_name(path), i, "start_year", "“时期”一行须有起始年份"))
    return errors


def _quote_table() -> pd.DataFrame:
    return pd.read_csv(QUOTES, dtype=str, keep_default_na=False).set_index("quote_id")


def check_timeline(path=TIMELINE) -> list[DataError]:
    """Every problem in the timeline: each event needs a ledger claim or a verified quote of its source."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    errors = []
    quotes = _quote_table()
    for i, r in enumerate(df.to_dict("records"), start=2):
        def err(col, reason):
            errors.append(DataError(_name(path), i, col, reason))

        if not ledger.PERIOD.match(r["date"]) or not r["date"]:
            err("date", f"日期“{r['date']}”不符合格式（YYYY、YYYY-MM、YYYY/YYYY…）")
        if r["category"] not in CATEGORY_COLORS:
            err("category", f"类别“{r['category']}”不在 {list(CATEGORY_COLORS)} 中")
        if not r["claim_id"] and not r["quote_id"]:
            err("claim_id", "每个事件都要有 claim_id（有数字）或 quote_id（无数字）")
        if r["claim_id"]:
            try:
                c = ledger.claim(r["claim_id"])
                if c["source_id"] != r["source_id"]:
                    err("source_id", f"与 {r['claim_id']} 的来源 {c['source_id']} 不一致")
            except KeyError as exc:
                err("claim_id", str(exc))
            if "{v}" not in r["label"]:
                err("label", "有 claim_id 的事件，标签须用 {v} 代入数字")
        elif "{v}" in r["label"]:
            err("label", "没有 claim_id，标签中不能有 {v}")
        if r["quote_id"]:
            if r["quote_id"] not in quotes.index:
                err("quote_id", f"data/quotes.csv 中没有“{r['quote_id']}”")
            elif quotes.loc[r["quote_id"], "source_id"] != r["source_id"]:
                err("source_id", f"与 {r['quote_id']} 的来源不一致")
        if re.search(r"\d", re.sub(r"\d{4}年|36氪", "", r["label"].replace("{v}", ""))):
            err("label", "标签里不要手写数字：用 {v} 从账本代入（年份由 date 列给出）")
    return errors


@lru_cache(maxsize=None)
def _stages() -> pd.DataFrame:
    df = tables.read_checked(STAGES, check_stages)
    df["start"] = df.start_year.map(_num)
    df["end"] = df.end_year.map(_num)
    df["text"] = df.quote.str.replace("\n", "", regex=False)  # line breaks of a chart label
    return df


def load_stages() -> pd.DataFrame:
    """The stage definitions, checked (a copy). ``text`` is the quote with chart line breaks removed."""
    return _stages().copy()


def _span(date: str) -> tuple[float, float]:
    return ledger.period_span(date)


def date_label(date: str) -> str:
    """``2020-04`` → ``2020.04``; ``2017/2019`` → ``2017–2019``; ``2024-01/2024-03`` → ``2024.01–03``."""
    if "/" in date:
        a, b = date.split("/")
        if a[:4] == b[:4] and len(a) > 4:
            return f"{a[:4]}.{a[5:]}–{b[5:]}"
        return f"{date_label(a)}–{date_label(b)}"
    return date.replace("-", ".")


@lru_cache(maxsize=None)
def _timeline() -> pd.DataFrame:
    df = tables.read_checked(TIMELINE, check_timeline)
    quotes = _quote_table()
    rows = []
    for r in df.to_dict("records"):
        x0, x1 = _span(r["date"])
        ranged = "/" in r["date"]
        rec = dict(r)
        rec.update(x0=x0, x1=x1, x=x0 if ranged else (x0 + x1) / 2, ranged=ranged,
                   when=date_label(r["date"]))
        if r["claim_id"]:
            c = ledger.claim(r["claim_id"])
            rec.update(text=r["label"].replace("{v}", ledger.display_value(c)), kind=c["kind"],
                       quote=c["quote"], value=c["value"], unit=c["unit"],
                       value_as_written=ledger.display_value(c), ref=r["claim_id"])
        else:
            rec.update(text=r["label"], kind="passage", quote=quotes.loc[r["quote_id"], "quote"],
                       value=math.nan, unit="", value_as_written="", ref=r["quote_id"])
        rows.append(rec)
    return pd.DataFrame(rows).sort_values(["x", "event_id"]).reset_index(drop=True)


def load_timeline() -> pd.DataFrame:
    """The dated events with their position (``x``, fractional year), filled label and quote."""
    return _timeline().copy()


def spans(stage: str) -> dict[str, tuple[float, float, str]]:
    """Where each source puts ``stage``: ``{source_id: (start, end, dating)}``; an open end is NaN."""
    df = _stages()
    rows = df[(df.stage == stage) & (df.aspect == "时期")]
    return {r.source_id: (r.start, r.end, r.dating) for r in rows.itertuples()}


def _open_end(source_id: str) -> float:
    """An ongoing stage runs to the source's publication date."""
    return float(sources.year(source_id)) + 1


def stage_of(year, source_id: str = "iresearch-2020") -> str:
    """The stage a year belongs to according to one source (a message for bad input)."""
    known = [s for s in BAND_SOURCES]
    if source_id not in known:
        return f"只有这些来源给出了阶段的时段：{'、'.join(known)}（收到“{source_id}”）。"
    try:
        y = float(year)
        if math.isnan(y):
            raise ValueError
    except (TypeError, ValueError):
        return f"请输入一个年份数字，例如 2016（收到“{year}”）。"
    for stage in IH_STAGES:
        sp = spans(stage).get(source_id)
        if sp is None:
            continue
        start, end, _ = sp
        end = math.inf if math.isnan(end) else end
        if start <= y < end:
            return stage
    return f"{sources.short_name(source_id)}的阶段划分没有覆盖 {y:g} 年。"


def events_in(stage: str, source_id: str = "iresearch-2020") -> pd.DataFrame:
    """Timeline events whose date falls in a source's span for ``stage``."""
    sp = spans(stage).get(source_id)
    ev = load_timeline()
    if sp is None:
        return ev.iloc[0:0]
    start, end, _ = sp
    end = math.inf if math.isnan(end) else end  # an ongoing stage takes every later event
    return ev[(ev.x >= start) & (ev.x < end)]


def highlighted(stage: str | None) -> set[str]:
    """Events that fall in ``stage`` by either source's span (what the explorer emphasises)."""
    ids: set[str] = set()
    if stage in IH_STAGES:
        for sid in BAND_SOURCES:
            ids |= set(events_in(stage, sid).event_id)
    return ids


def conflict_ids(claim_ids, within: bool = False) -> list[str]:
    """Conflicts in ``data/conflicts.csv`` that involve any of ``claim_ids`` (with ``within``:
    only those among ``claim_ids`` alone)."""
    from ihbook.evidence import involving

    return involving.conflict_ids(claim_ids, how="within" if within else "any")


def glue_values(*claim_ids: str) -> None:
    """Glue each claim's number alone (no source) as ``v-<ID>``, for a second mention in prose."""
    from IPython.display import Markdown
    from myst_nb import glue

    for cid in claim_ids:
        glue(f"v-{cid}", Markdown(ledger.display_value(ledger.claim(cid))), display=False)


def per_deal_growth() -> float:
    """Implied annual growth of money per deal 2016→2019, in % (the book's arithmetic on WS21-013/014)."""
    a, b = ledger.claim("WS21-013"), ledger.claim("WS21-014")
    years = int(b["period"]) - int(a["period"])
    return ((b["value"] / a["value"]) ** (1 / years) - 1) * 100


def glue_numbers() -> None:
    """The book's own arithmetic chapter 2's prose cites, each labelled as such."""
    from IPython.display import Markdown
    from myst_nb import glue

    peak, trough = ledger.claim("GY24-013"), ledger.claim("GY24-015")
    r25 = ledger.claim("R25-254")
    glue("ch02-per-deal-growth", Markdown(f"{per_deal_growth():.0f}%（本书据 WS21-013 与 WS21-014 推算的年均增速）"),
         display=False)
    glue("ch02-funding-drop", Markdown(f"{(1 - trough['value'] / peak['value']) * 100:.0f}%（本书据 GY24-013 与 GY24-015 计算）"),
         display=False)
    glue("ch02-r25-vs-gy24", Markdown(f"{r25['value'] / peak['value']:.1f} 倍（本书计算：R25-254 ÷ GY24-013）"), display=False)
