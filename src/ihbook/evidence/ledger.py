"""The claims ledger: every number the book shows, with its verbatim quote.

``data/claims.csv`` is the single place a number enters the book. This module loads it,
checks it row by row (a bad row is reported with file, row, column and reason, in Chinese)
and answers the questions chapters ask: one claim, all claims on a metric, a tidy table for a
chart. Controlled keys for metrics, measures and entities live in ``data/keys/``
(:mod:`ihbook.evidence.vocabulary`).

Each claim also records the provenance of the figure itself:

* ``attributed_to`` — who measured it: the organisation(s) the source names (``;``-separated,
  e.g. ``IT桔子``), ``self`` (the source's own research or estimate), or ``none``. A fact stated
  with no one behind it has ``kind`` = ``unattributed``, never ``observed``.
* ``same_as`` — the first claim of which this one is a repeat (same source, measure, entity,
  value): a repeated statement counts once (:func:`counted_once`).
* ``period_rule`` / ``period_basis`` — how the period was read: ``quote`` (the quote dates it),
  ``sentence`` or ``context`` (the words in ``period_basis``, verbatim in the text, date it),
  ``narrative-present`` (the text speaks of its own present: 目前/当前, or the 2025 report's
  “我们站在2025年的时间节点”), ``same-as`` (the repeated statement is dated); empty when the
  text does not date the figure.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ihbook.evidence import sources
from ihbook.evidence.paths import DATA
from ihbook.evidence.units import UNITS, base, parse_number

CLAIMS = DATA / "claims.csv"
METRICS = DATA / "keys" / "metrics.csv"
ENTITIES = DATA / "keys" / "entities.csv"

COLUMNS = ["claim_id", "source_id", "topic", "metric", "entity", "period", "period_rule", "period_basis",
           "value", "value_max", "value_text", "qualifier", "unit", "kind", "attributed_to", "same_as",
           "quote", "relation", "note"]
TOPICS = {"pain_points", "stages", "pre_diagnosis", "post_diagnosis", "policy", "business", "cases",
          "market", "capital", "users", "technology", "workforce", "ageing", "international",
          "ethics", "targets"}
KINDS = {"observed", "estimate", "forecast", "target", "anecdote", "unattributed"}
KIND_LABELS = {"observed": "实测/报告值", "estimate": "估算", "forecast": "预测",
               "target": "目标", "anecdote": "个例（未具名或无法核实）", "unattributed": "无出处的陈述"}
PERIOD_RULES = {"", "quote", "sentence", "context", "narrative-present", "same-as"}
PERIOD_RULE_LABELS = {"": "时期未说明", "quote": "引文写明", "sentence": "同句写明", "context": "上下文写明",
                      "narrative-present": "文本所说的“现在”", "same-as": "同一陈述的另一处写明"}
ATTRIBUTION_LABELS = {"self": "来源自己", "none": "无人（未说明出处）"}
QUALIFIERS = {"", "approx", "over", "under", "range"}
QUALIFIER_LABELS = {"": "", "approx": "约", "over": "超过", "under": "不足", "range": "区间"}
PERIOD = re.compile(r"^(?:|\d{4}|\d{4}-(?:0[1-9]|1[0-2])|\d{4}-H[12]|\d{4}-Q[1-4]"
                    r"|\d{4}/\d{4}|\d{4}-(?:0[1-9]|1[0-2])/\d{4}-(?:0[1-9]|1[0-2]))$")
CLAIM_ID = re.compile(r"^[A-Z]{1,3}\d{2}-\d{3}$")
DECREASE = re.compile(r"减少|下降|降低|回落|下跌|缩小|降至|降")
RANGE_SEP = re.compile(r"[~～—–-]|至|到")
VAGUE_TEXT = re.compile(r"^(?:上|数|几|逾|超|近|约)")
DURATION_UNITS = {"月": "个月"}  # "3月" reads as March; the ledger keeps the source's unit
RELATION = re.compile(r"^(share|growth|cagr|diff|ratio|sum|exceeds):([A-Z0-9,-]+)$")


@dataclass(frozen=True)
class DataError:
    """One problem in one cell of a data file."""

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file} 第 {self.row} 行，列 {self.column}：{self.reason}"


def missing_columns(name: str, header, required) -> list[DataError]:
    """The one error every hand-written table reports first: required columns absent from its
    header (row 1), named together, so a reader fixes them in one edit."""
    missing = [c for c in required if c not in header]
    return [DataError(name, 1, ",".join(missing), "缺少必需的列")] if missing else []


class LedgerError(ValueError):
    """The ledger (or another table) failed its checks; ``errors`` lists every problem."""

    def __init__(self, errors: list[DataError]):
        self.errors = errors
        shown = "\n".join(f"  - {e}" for e in errors[:20])
        more = f"\n  …另有 {len(errors) - 20} 处" if len(errors) > 20 else ""
        super().__init__(f"数据检查未通过（{len(errors)} 处）：\n{shown}{more}")


def period_span(period: str) -> tuple[float, float] | None:
    """A period as ``(start, end)`` in fractional years; ``None`` when unstated."""
    if not period:
        return None
    if "/" in period:
        a, b = period.split("/")
        return period_span(a)[0], period_span(b)[1]
    if re.fullmatch(r"\d{4}", period):
        y = int(period)
        return y, y + 1
    y = int(period[:4])
    part = period[5:]
    if part.startswith("H"):
        h = int(part[1])
        return y + (h - 1) / 2, y + h / 2
    if part.startswith("Q"):
        q = int(part[1])
        return y + (q - 1) / 4, y + q / 4
    m = int(part)
    return y + (m - 1) / 12, y + m / 12


def period_gap(a: str, b: str) -> float:
    """Years between the middles of two periods: 0 when either is unstated.

    Consecutive years are 1 apart; 2023-06 and 2024 are 0.96 apart.
    """
    sa, sb = period_span(a), period_span(b)
    if sa is None or sb is None:
        return 0.0
    return abs((sa[0] + sa[1]) / 2 - (sb[0] + sb[1]) / 2)


def period_length(period: str) -> float | None:
    """Length of a period in years (None when unstated)."""
    span = period_span(period)
    return None if span is None else span[1] - span[0]


def _read_rows(path: Path) -> list[tuple[int, dict]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = []
        for rec in reader:
            rows.append((reader.line_num, rec))
        return rows, reader.fieldnames or []


def _keys(path: Path, column: str) -> set[str]:
    return set(pd.read_csv(path, dtype=str, keep_default_na=False)[column])


def check_claims(path: Path = CLAIMS) -> list[DataError]:
    """Every problem in the ledger file at ``path`` (empty list: the ledger is sound)."""
    name = path.relative_to(DATA.parent).as_posix() if path.is_relative_to(DATA.parent) else str(path)
    rows, header = _read_rows(path)
    errors: list[DataError] = []
    missing = missing_columns(name, header, COLUMNS)
    if missing:
        return missing
    metrics, entities = _keys(METRICS, "metric"), _keys(ENTITIES, "entity")
    known_sources = set(sources.load_sources().source_id)
    ids = {rec["claim_id"] for _, rec in rows}
    by_id = {rec["claim_id"]: rec for _, rec in rows}
    seen: set[str] = set()
    for line, rec in rows:
        def err(col: str, reason: str) -> None:
            errors.append(DataError(name, line, col, reason))

        cid = rec["claim_id"]
        if not CLAIM_ID.match(cid):
            err("claim_id", f"“{cid}”不符合格式（来源前缀 + 两位年份 + 三位序号，如 WS21-001）")
        if cid in seen:
            err("claim_id", f"“{cid}”重复")
        seen.add(cid)
        if rec["source_id"] not in known_sources:
            err("source_id", f"未知来源“{rec['source_id']}”")
            continue
        if rec["topic"] not in TOPICS:
            err("topic", f"未知主题“{rec['topic']}”")
        if rec["metric"] not in metrics:
            err("metric", f"指标“{rec['metric']}”不在 data/keys/metrics.csv 中")
        if rec["entity"] not in entities:
            err("entity", f"主体“{rec['entity']}”不在 data/keys/entities.csv 中")
        if not PERIOD.match(rec["period"]):
            err("period", f"时期“{rec['period']}”不符合格式（YYYY、YYYY-MM、YYYY/YYYY…）")
        rule = rec.get("period_rule", "")
        if rule not in PERIOD_RULES:
            err("period_rule", f"“{rule}”应为 {'/'.join(sorted(r for r in PERIOD_RULES if r))} 之一或空")
        elif bool(rule) != bool(rec["period"]):
            err("period_rule", "有时期就须写明依据（period_rule），没有时期则留空")
        elif rule == "same-as" and not rec.get("same_as"):
            err("period_rule", "依据为 same-as 时须在 same_as 列指明所重复的陈述")
        basis = rec.get("period_basis", "")
        if rule in ("sentence", "context", "narrative-present") and not basis:
            err("period_basis", f"依据为 {rule} 时须摘录写明时期的原文")
        elif basis and basis not in sources.text(rec["source_id"]):
            err("period_basis", "时期依据不在来源的规范化文本中（须逐字一致）")
        who = rec.get("attributed_to", "")
        if not who:
            err("attributed_to", "须写明数字由谁测得：机构名、self 或 none")
        elif rec["kind"] == "observed" and who == "none":
            err("kind", "无人署名的实测值应标为 unattributed")
        elif rec["kind"] == "unattributed" and who != "none":
            err("kind", f"已注明出处（{who}），不应标为 unattributed")
        if rec["kind"] not in KINDS:
            err("kind", f"类型“{rec['kind']}”应为 {'/'.join(sorted(KINDS))} 之一")
        if rec["qualifier"] not in QUALIFIERS:
            err("qualifier", f"限定词“{rec['qualifier']}”无效")
        if rec["unit"] not in UNITS:
            err("unit", f"单位“{rec['unit']}”不在 ihbook.evidence.units.UNITS 中")
        try:
            value = float(rec["value"])
            if math.isnan(value):
                raise ValueError
        except ValueError:
            err("value", f"“{rec['value']}”不是数字")
            value = None
        if rec["value_max"]:
            try:
                vmax = float(rec["value_max"])
                if value is not None and vmax < value:
                    err("value_max", "区间上限小于下限")
            except ValueError:
                err("value_max", f"“{rec['value_max']}”不是数字")
            if rec["qualifier"] != "range":
                err("qualifier", "有 value_max 时限定词应为 range")
        quote = rec["quote"]
        if not quote:
            err("quote", "引文为空")
        elif quote not in sources.text(rec["source_id"]):
            err("quote", f"引文不在来源 {rec['source_id']} 的规范化文本中（须逐字一致）")
        vt = rec["value_text"]
        if vt not in quote:
            err("value_text", f"数字原文“{vt}”不在引文中")
        elif value is not None:
            try:
                if rec["qualifier"] == "range" and RANGE_SEP.search(vt):
                    lo_t, hi_t = RANGE_SEP.split(vt, maxsplit=1)
                    unit_tail = re.sub(r"[\d.,]", "", hi_t)
                    vt_max = hi_t
                    vt = lo_t.removesuffix(unit_tail) if unit_tail else lo_t
                    vt, vt_max = vt.rstrip("%‰"), vt_max.rstrip("%‰")
                    if rec["value_max"] and not math.isclose(parse_number(vt_max), float(rec["value_max"])):
                        err("value_max", f"value_max={rec['value_max']} 与数字原文“{vt_max}”不符")
                parsed = parse_number(vt)
                if value < 0:
                    # a decrease is stored as a negative number only when the quote says so
                    before = quote[max(0, quote.find(vt) - 6):quote.find(vt)]
                    if not DECREASE.search(before):
                        err("value", "负值须在引文中紧接“减少/下降/降低…”之后")
                    parsed = -parsed
                tol = 1e-3 if "/" in vt else 1e-9  # 1/3 is stored as 0.333…
                if not math.isclose(parsed, value, rel_tol=tol):
                    err("value", f"value={rec['value']} 与数字原文“{vt}”（= {parsed:g}）不符")
            except ValueError as exc:
                err("value_text", str(exc))
        same = rec.get("same_as", "")
        if same:
            first = by_id.get(same)
            if first is None:
                err("same_as", f"引用了不存在的 claim_id “{same}”")
            elif first["source_id"] != rec["source_id"] or first["unit"] != rec["unit"] or first["value"] != rec["value"]:
                err("same_as", f"与 {same} 不是同一来源、同一数值的重复陈述")
            elif first.get("same_as"):
                err("same_as", f"{same} 本身是重复陈述：应指向第一次出现的 {first['same_as']}")
        if rec["relation"]:
            m = RELATION.match(rec["relation"])
            if not m:
                err("relation", f"“{rec['relation']}”不符合 op:ID,ID 格式")
            else:
                for ref in m.group(2).split(","):
                    if ref not in ids:
                        err("relation", f"引用了不存在的 claim_id “{ref}”")
    return errors


@lru_cache(maxsize=None)
def _claims() -> pd.DataFrame:
    errors = check_claims()
    if errors:
        raise LedgerError(errors)
    df = pd.read_csv(CLAIMS, dtype=str, keep_default_na=False)
    df["value"] = df["value"].astype(float)
    df["value_max"] = pd.to_numeric(df["value_max"], errors="coerce")
    return df


def load_claims() -> pd.DataFrame:
    """The whole ledger, checked (a copy: callers may modify it)."""
    return _claims().copy()


@lru_cache(maxsize=None)
def metrics() -> pd.DataFrame:
    return pd.read_csv(METRICS, dtype=str, keep_default_na=False).set_index("metric")


@lru_cache(maxsize=None)
def entities() -> pd.DataFrame:
    return pd.read_csv(ENTITIES, dtype=str, keep_default_na=False).set_index("entity")


@lru_cache(maxsize=None)
def _claims_by_id() -> dict[str, dict]:
    # First row per id; a dict lookup instead of filtering the ledger on every call (charts,
    # captions and glue call claim() thousands of times per build).
    out: dict[str, dict] = {}
    for rec in _claims().to_dict("records"):
        out.setdefault(rec["claim_id"], rec)
    return out


def claim(claim_id: str) -> dict:
    """One claim as a dict; an unknown id gives a clear Chinese error."""
    rec = _claims_by_id().get(claim_id) if isinstance(claim_id, str) else None
    if rec is None:
        raise KeyError(f"账本中没有编号为“{claim_id}”的数字")
    return dict(rec)


def select(metric: str | list[str] | None = None, entity: str | list[str] | None = None,
           source_id: str | None = None, topic: str | None = None, kind: str | None = None) -> pd.DataFrame:
    """Claims filtered by any of metric, entity, source, topic, kind (lists allowed)."""
    df = _claims()
    mask = pd.Series(True, index=df.index)
    for col, want in (("metric", metric), ("entity", entity), ("source_id", source_id),
                      ("topic", topic), ("kind", kind)):
        if want is None:
            continue
        want = [want] if isinstance(want, str) else list(want)
        mask &= df[col].isin(want)
    return df[mask].copy()


def counted_once(df: pd.DataFrame) -> pd.DataFrame:
    """Claims with repeats removed: a statement made three times (``same_as``) counts once."""
    return df[df["same_as"] == ""].copy()


def measure(metric: str) -> str:
    """The measure a metric key belongs to (metrics that measure the same thing share one)."""
    return metrics().loc[metric, "measure"]


def label(metric: str) -> str:
    return metrics().loc[metric, "label"]


def entity_label(entity: str) -> str:
    return entities().loc[entity, "label"]


def display_value(rec: dict) -> str:
    """A claim's number as a reader should see it: qualifier, the value as written, unit."""
    q = QUALIFIER_LABELS.get(rec["qualifier"], "")
    vt = rec["value_text"]
    if rec["qualifier"] == "range" and not pd.isna(rec.get("value_max")):
        vt = f"{rec['value']:g}–{rec['value_max']:g}"
    if q == "区间" or VAGUE_TEXT.match(vt):
        q = ""  # "上千" already says "超过"; a range shows its two ends
    unit = DURATION_UNITS.get(rec["unit"], rec["unit"])
    return f"{q}{vt}{unit}"


def base_value(rec: dict) -> tuple[str, float]:
    """A claim's value in its dimension's base unit, for comparisons across units."""
    return base(float(rec["value"]), rec["unit"])


def vocabulary_label(measure_key: str) -> str:
    """The Chinese label of a measure (data/keys/measures.csv)."""
    from ihbook.evidence import vocabulary

    return vocabulary.measures().loc[measure_key, "label"]
