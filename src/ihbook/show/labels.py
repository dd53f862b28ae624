"""Chinese labels for column names and coded values, for anything a reader sees.

Tables in ``data/`` keep short English column names and codes (``claim_id``, ``kind=observed``)
so that code stays simple. A reader-facing table, dropdown or download shows Chinese instead:

    from ihbook.show import labels
    labels.column("claim_id")                    # '编号'
    labels.value("kind", "observed")             # '实测/报告值'
    labels.value("conflict", "CF-335ee7")      # ids stay as they are
    labels.relabel(df)                           # copy with Chinese headers and values
    labels.options("kind", ["observed", "estimate"])   # [('实测/报告值', 'observed'), ('估算', 'estimate')]
                                                 # -> ipywidgets.Dropdown(options=...)
    labels.option_label("CF-335ee7", "东部医院数对不上")  # '东部医院数对不上（CF-335ee7）'

Where the labels come from, first match wins: ``OVERRIDES`` below; the field's ``title`` in
``data/datapackage.json`` / ``data/schemas/*.json``; the field's ``description`` up to its first
punctuation (``"主题"``, ``"编号：来源前缀 + 序号"`` -> ``"编号"``); for values, a
``code（中文）`` or ``code 中文`` pair written in the description, then ``VALUE_LABELS``.
A name or value with no label is returned unchanged (never an error).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

from ihbook.evidence.paths import DATA

# Column labels that differ from (or are missing in) the schemas' descriptions.
OVERRIDES = {
    "claim_id": "编号", "source_id": "来源", "quote_id": "引文编号", "conflict_id": "冲突编号",
    "claim_ids": "涉及的数字", "value_as_written": "原文数值", "quote": "原文引文", "value": "数值",
    "unit": "单位", "period": "时期", "kind": "类型", "metric": "指标", "entity": "主体", "topic": "主题",
    "note": "说明", "state": "图表状态", "label": "标签", "x": "年份（期中）", "year": "年份",
    "summary": "说明", "magnitude": "差距", "qualifier": "限定", "value_max": "区间上限",
    "attributed_to": "测量者", "same_as": "同一说法", "title": "标题", "publisher": "发布方",
    "author": "作者", "date": "日期", "url": "网址", "row_id": "行编号", "name": "名称",
    "description": "说明", "relation": "关系", "ratio": "比值", "share": "占比", "count": "个数",
}

# Values by column (or "*" for any column).
VALUE_LABELS = {
    "kind": {"observed": "实测/报告值", "estimate": "估算", "forecast": "预测", "target": "目标",
             "anecdote": "个例", "unattributed": "无出处的陈述", "computed": "本书计算",
             "arithmetic": "算术不自洽", "cross-source": "来源之间", "within-source": "同一来源内部",
             "definition": "口径不同", "report-preview": "报告预览", "web-article": "网络文章",
             "symptom": "症状", "disease": "疾病", "red_flag": "红旗症状", "site": "身体部位"},
    "qualifier": {"": "", "approx": "约", "over": "超过", "under": "不足", "range": "区间"},
    "relation": {"exceeds": "部分超过总量", "share": "占比", "cagr": "年均复合增长率", "sum": "合计",
                 "growth": "增长率", "ratio": "比值", "gap": "差距"},
    "topic": {"ageing": "老龄化", "business": "商业模式", "capital": "资本", "cases": "案例", "ethics": "伦理",
              "international": "国际比较", "market": "市场", "pain_points": "医疗困境", "policy": "政策",
              "post_diagnosis": "诊后服务", "pre_diagnosis": "诊前服务", "stages": "发展阶段",
              "targets": "目标", "technology": "技术", "users": "用户", "workforce": "医务人员"},
    "language": {"zh-Hans": "简体中文", "zh-Hant": "繁体中文"},
    "aggregation": {"stock": "时点水平", "flow": "期间总量"},
    "level": {"foreign": "国外", "industry": "行业", "national": "国家", "provincial": "省级"},
    "status": {"absent": "尚无", "draft": "草案", "drafting": "起草中", "expected": "预期出台",
               "issued": "已发布", "practice": "实践做法", "proposed": "提议"},
    "theme": {"drugs": "药品", "entry": "准入", "law": "法律", "price": "价格", "promotion": "发展促进",
              "safety": "安全", "supervision": "监管"},
    "publisher_own": {"true": "是", "false": "否"},
    "definition": {"same": "相同", "different": "不同"},
    "tolerance_kind": {"": "", "rel": "相对", "abs": "绝对"},
    "verdict": {"agrees": "一致", "disagrees": "不一致", "definition": "口径不同"},
    "*": {"exceeds": "部分超过总量", "share": "占比", "cagr": "年均复合增长率", "True": "是", "False": "否",
          "true": "是", "false": "否"},
}
VALUE_ALIASES = {"theme_other": "theme", "likely_reason": "likely_reason", "conflict_kind": "kind",
                 "claim_kind": "kind"}
_CUT = re.compile(r"[：:（(，,；;。/＝=]")


@lru_cache(maxsize=1)
def fields() -> dict[str, dict]:
    """Every field of every schema, by name (the first schema that defines a name wins; the
    datapackage first, then data/schemas/*.json)."""
    out: dict[str, dict] = {}
    docs = []
    dp = DATA / "datapackage.json"
    if dp.is_file():
        docs += [r.get("schema", {}) for r in json.loads(dp.read_text(encoding="utf-8")).get("resources", [])]
    for p in sorted((DATA / "schemas").glob("*.json")):
        try:
            docs.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    for schema in docs:
        for f in schema.get("fields", []):
            out.setdefault(f["name"], f)
    return out


def column(name: str) -> str:
    """The Chinese label of a column name (unchanged when none is known)."""
    if name in OVERRIDES:
        return OVERRIDES[name]
    f = fields().get(name)
    if f:
        if f.get("title"):
            return f["title"]
        head = _CUT.split(f.get("description", ""), 1)[0].strip()
        if head and not head.isascii():
            return head
    return name


@lru_cache(maxsize=None)
def _described_values(name: str) -> dict[str, str]:
    """``code（中文）`` / ``code 中文`` / ``code＝中文`` pairs in a field's description."""
    f = fields().get(name) or {}
    desc = f.get("description", "")
    enum = [v for v in f.get("constraints", {}).get("enum", []) if isinstance(v, str) and v]
    out = {}
    for v in enum:
        m = re.search(re.escape(v) + r"\s*(?:（([^）]+)）|[＝=]\s*([^；;，,、。）]+)|\s+([^\s；;，,、。/a-zA-Z]+))", desc)
        if m:
            out[v] = next(g for g in m.groups() if g).strip()
    return out


def value(col: str, val) -> str:
    """The Chinese label of a coded value in column ``col`` (unchanged when none is known)."""
    if val is None:
        return ""
    key = VALUE_ALIASES.get(col, col)
    s = str(val)
    for table in (VALUE_LABELS.get(key, {}), _described_values(key), VALUE_LABELS["*"]):
        if s in table:
            return table[s]
    return s


def relabel(df, columns: bool = True, values: bool = True, keep=()):
    """A copy of ``df`` with Chinese column headers and coded values replaced by labels.
    ``keep``: columns whose values stay as they are (ids, numbers and free text always do)."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    out = df.copy()
    if values:
        for c in out.columns:
            if c in keep or (is_numeric_dtype(out[c]) and not is_bool_dtype(out[c])):
                continue
            key = VALUE_ALIASES.get(c, c)
            if key in VALUE_LABELS or _described_values(key):
                out[c] = out[c].map(lambda v, c=c: value(c, v) if isinstance(v, (str, bool)) else v)
    if columns:
        out = out.rename(columns={c: column(c) for c in out.columns if isinstance(c, str)})
    return out


def options(col: str, values) -> list[tuple[str, str]]:
    """``(label, value)`` pairs for an ipywidgets Dropdown/ToggleButtons: readable, same values."""
    return [(value(col, v), v) for v in values]


def option_label(ident: str, text: str, width: int = 24) -> str:
    """A dropdown label for an id: a readable text first is better, the id may stay beside it."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    if len(text) > width:
        text = text[: width - 1] + "…"
    return f"{text}（{ident}）" if text else str(ident)
