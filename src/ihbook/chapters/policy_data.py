"""Chapter 5's policy table as data: its columns, labels, checks, loader and filter.

Split out of :mod:`ihbook.chapters.policy` so that the table's definition (what a row may hold,
how a bad row is reported, how rows are selected) sits apart from the charts and HTML built on it;
``policy`` re-exports every name here.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ihbook.evidence import reference
from ihbook.evidence import sources
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


def domain_table() -> pd.DataFrame:
    """Mentions by regulatory domain (primary theme) and level, the frame of section 3."""
    df = _policies()
    t = pd.crosstab(df.theme.map(THEMES), df.level.map(LEVELS)).reindex(list(THEMES.values())).fillna(0).astype(int)
    t = t.reindex(columns=[c for c in LEVELS.values() if c in t.columns])
    t["合计"] = t.sum(axis=1)
    t.index.name = "领域（主）"
    t.columns.name = "层级"
    return t


def counts() -> dict[str, int]:
    """Row counts the chapter reports (mentions, distinct documents, by level, flagged)."""
    df = _policies()
    out = {"rows": len(df), "policies": df.policy_key.nunique(), "flagged": int((df.flag != "").sum()),
           "undated": int((df.year == "").sum())}
    out.update({f"level_{k}": int((df.level == k).sum()) for k in LEVELS})
    out.update({f"source_{k}": int((df.source_id == k).sum()) for k in sorted(df.source_id.unique())})
    return out


# ``rule_key`` is either a document of the rulebook (``doc_key``: the mention is that document,
# checked on title, year, issuer and status) or a topic (the mention names no such document but
# asserts something about the topic: checked on content only).
TOPIC_KEYS = {"topic-first-visit": "first_visit"}
