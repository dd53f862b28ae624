"""The reference layer's four tables: where they live, what their ids look like, how they load.

Split out of :mod:`ihbook.evidence.reference` so that the paths, id patterns, tolerances and
cached loaders that every other part of the layer uses sit in one small module;
``reference`` re-exports every name here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ihbook.evidence.paths import DATA

REFERENCE = DATA / "reference"
STATISTICS = REFERENCE / "statistics.csv"
RULES = REFERENCE / "rules.csv"
CROSSWALK = REFERENCE / "crosswalk.csv"
SOURCE_METHODS = REFERENCE / "source_methods.csv"

REF_ID = re.compile(r"^REF-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+$")
RULE_ID = re.compile(r"^R-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+$")
ANY_ID = re.compile(r"\b(?:REF|R)-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+")

# Units the reference tables use beyond the ledger's: filings in 百万元; ‰ and 人/千人 are one measure.
EXTRA_UNITS: dict[str, tuple[str, float]] = {"百万元": ("cny", 1e6), "‰": ("per_1000", 1.0),
                                             "人/千人": ("per_1000", 1.0)}
DEFAULT_REL = 0.05
DEFAULT_ABS = 0.3
APPROX = 0.10
SAME_TIME = 1 / 12 + 1e-6     # a reference this close (years) is "the same time"
NEIGHBOUR = 1.0 + 1e-6        # neighbours within a year bracket a claim
UNDATED_WINDOW = 5            # years before the source's date
FLOW_METRICS = {"revenue", "revenue_growth"}
CHECKED_KINDS = {"observed", "estimate", "anecdote", "unattributed"}  # not forecasts or targets

VERDICTS = ["agrees", "disagrees", "definition", "no_counterpart"]
VERDICT_LABELS = {"agrees": "一致", "disagrees": "不一致", "definition": "口径不同",
                  "no_counterpart": "无同期官方数字"}

# How a figure counts as attributed when the ledger has no ``attributed_to`` column: its quote
# names who measured it (据/根据 … 数据/统计/估算/测算/推算/显示, 数据显示, 资料来源, or a filing or a
# named statistics body).
ATTRIBUTION = re.compile(
    r"(?:据|根据)[^，。；,;]{0,24}(?:数据|统计|估算|测算|推算|显示|报告|研究|调研|年鉴|公报|招股书)"
    r"|数据显示|资料来源|来源[:：]|招股书|财报|年报|公报|统计年鉴"
    r"|CNNIC|国家统计局|卫健委|卫生健康委|艾瑞|易观|艾媒|IT桔子|弗若斯特沙利文|沙利文|安信证券|WHO|世界卫生组织")
NOT_ATTRIBUTED = {"", "none", "nobody", "unattributed", "无", "未注明"}
SELF = {"self", "source", "来源自身"}


# --------------------------------------------------------------------------- loading

def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@lru_cache(maxsize=None)
def _statistics(path: str) -> pd.DataFrame:
    df = _read(Path(path))
    df["value"] = pd.to_numeric(df["value"])
    return df


def load_statistics(path: Path = STATISTICS) -> pd.DataFrame:
    """Official statistics and filings (a copy)."""
    return _statistics(str(path)).copy()


def load_rules(path: Path = RULES) -> pd.DataFrame:
    """The national rulebook, one provision per row."""
    return _read(path)


def load_crosswalk(path: Path = CROSSWALK) -> pd.DataFrame:
    """Ledger measure → official measure, tolerance and definition note."""
    return _read(path)


def load_source_methods(path: Path = SOURCE_METHODS) -> pd.DataFrame:
    return _read(path)


def ref_ids() -> set[str]:
    """Every id an editor's note may cite: statistics and rules."""
    return set(load_statistics().ref_id) | set(load_rules().rule_id)


def reference_row(ref_id: str) -> dict:
    """One reference row (statistic or rule) with the fields a note needs: publisher, document,
    date, url, quote. Unknown ids raise ``KeyError`` naming the id."""
    st = load_statistics()
    hit = st[st.ref_id == ref_id]
    if len(hit):
        r = hit.iloc[0].to_dict()
        return {**r, "kind": "statistic", "date": r["doc_date"]}
    ru = load_rules()
    hit = ru[ru.rule_id == ref_id]
    if len(hit):
        r = hit.iloc[0].to_dict()
        return {**r, "ref_id": ref_id, "kind": "rule", "publisher": r["issuer"], "document": r["title"]}
    raise KeyError(f"data/reference 中没有编号“{ref_id}”")
