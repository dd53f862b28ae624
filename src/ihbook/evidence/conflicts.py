"""Find where the sources disagree — with each other, with themselves, and with arithmetic.

Reads the ledger and writes ``data/conflicts.csv`` and ``data/undated_pairs.csv``
(``python -m ihbook.evidence.conflicts``). Nothing in those files is typed by hand. The
detector reasons like a careful reader; every rule below names the real ledger example that
motivated it.

Before any comparison
    *Repeats count once*: a claim with ``same_as`` is the same statement told again (R25-072
    and R25-120 repeat R25-027's 7.8亿 users), so only the first telling is compared.
    *A series is not a conflict*: figures from one quote are the start and end of one statement
    (R25-003/R25-004, 用户规模在两年内从3亿激增至7亿) and are never compared with each other.
    *Nearest point of a series*: when a source gives a series (iResearch's 65岁及以上人口占比
    2015–2019, IR20-026…030), another source's figure is compared only with the point nearest
    in time (WS21-016's 2019 value with IR20-030, not with 2018's IR20-029).
    *Like with like*: facts (observed, estimate, unattributed, anecdote) are compared with facts,
    forecasts and targets with each other; a share, a growth rate and percentage points are
    different dimensions (``data/keys/measures.csv``) and never meet.

``value`` — cross-source / within-source
    Two claims on the same measure and the same entity whose periods lie within ``MAX_GAP``
    years. Each claim is an interval (``约`` ±10 %, ``超过`` open above, ``不足`` open below, a
    range as stated) widened by 5 % for rounding and by the measure's plausible yearly growth
    over the gap; intervals that still do not meet are a conflict, and ``magnitude`` is the
    ratio of the nearest ends. Example: GY24-001 (3.64亿 users, 2023-06) and R25-027 (7.8亿,
    2024). A statement about a named group of companies holds for each member when the measure
    is intensive (a share, a duration): R25-112 (阿里健康、京东健康, 履约时效2小时) meets R25-079
    (阿里健康, 配送“30分钟达”).
``same-case`` — within-source
    Undated figures are compared only where the text ties them to a time (``period_rule`` in the
    ledger), with one exception: one source telling the same specific case twice — a named
    company, product or an unnamed “某平台” — without dating it presents both as one fact.
    Example: 某省医保局's drug-tracing system covers 80 % of pharmacies (R25-043) and 90 % (R25-223).
    Every other undated pair that would disagree goes to ``data/undated_pairs.csv`` as
    “not comparable (undated)”, e.g. R25-025 (28 个省份, undated history) and R25-156 (31 个).
``implied-growth`` — cross-source / within-source
    Same measure and entity, further apart than ``MAX_GAP`` (up to ``MAX_SPAN`` years): the
    growth or decline per year the two figures imply, beyond the measure's plausible range
    (``max_annual_growth`` / ``max_annual_decline``). Example: the online-medical market,
    271.7亿元 in 2019 (WS21-001) and 3099亿元 in 2022 (GY24-003), implies 125 % a year.
``share-times-base`` and ``level-minus-change`` — derived figures, cross-source / within-source
    A share times its base gives a count (``share_of`` / ``share_yields`` in measures.csv); a
    stated change subtracted from a stated level gives the earlier level (``change_of``). A
    derived figure is compared with stated figures only (never with another derived one), only
    where the other source does not state the share itself, and only where the stated figures
    it comes from do not already clash with that figure. Example: 36氪's 74.4 % of residents
    (KR21-002) × 14亿 (KR21-001) = about 10.4亿 users in 2020, against the report's 2.5亿 for
    2020 (R25-026). 观研天下's 3.64亿 − 162万 (GY24-001, GY24-002) = 3.62亿 at 2022-12 is derived
    too; against the report's 7亿 two years after 2020 (R25-004) it would clash, but the stated
    3.64亿 already does (CF-335ee7), so the derived pair is not listed again.
``part-exceeds-whole`` — arithmetic
    A measure that is part of another (``parent``: a segment of a total, platform doctors of the
    doctors online) cannot exceed it for the same or an enclosing entity at the same time.
    Examples: 医疗AI alone raised 120亿元 in 2023 (R25-267) while the whole industry raised
    2.19亿元 (GY24-015); a head platform's 50万 registered doctors (R25-070) exceed the fewer than
    10 % × 400万 doctors who work online at all (R25-119 × R25-118).
``stated-relation`` — arithmetic
    A claim whose ``relation`` says it is a share, growth, CAGR, difference, ratio or sum of
    others, where recomputing misses the stated value (0.5 percentage points or 3 %, 10 % for
    ``约``), or an ``exceeds`` claim that is not larger. Example: 117.6 ÷ 271.7 = 43.3 %, not
    the stated 47.7 % (WS21-003, WS21-001, WS21-004).
``same-label`` — definition
    Two figures the sources call by the same words (``term`` in metrics.csv, present in both
    quotes) that measure different things (different measures, neither part of the other), with
    values more than ``DEFINITION_RATIO`` apart. The vocabulary now gives every such pair of
    words its own measure, so the ledger currently holds none: the old “市场规模” clashes (a
    source's own supply side vs demand side, 慢性病管理 vs 在线医疗) were different names, not
    one name for two scopes.

Conflict ids are ``CF-`` + six hex digits of a hash of the kind and the sorted claim ids, so a
conflict keeps its id (and its note in ``data/conflict_notes.csv``) across runs.
"""
from __future__ import annotations

import functools
import sys

import pandas as pd

from ihbook.evidence import ledger
from ihbook.evidence.conflict_arithmetic import (  # noqa: F401  (re-exported: chapter 10 and tests use them)
    arithmetic_conflicts, clashing_pairs, part_whole_conflicts, recompute, relation_conflicts)
from ihbook.evidence.conflict_rules import (  # noqa: F401
    DEFINITION_RATIO, KIND_LABELS, MAX_GAP, MAX_SPAN, RULE_LABELS, cid, definition_conflicts, derived_claims, prepare,
    value_conflicts)
from ihbook.evidence.paths import DATA

CONFLICTS = DATA / "conflicts.csv"
UNDATED = DATA / "undated_pairs.csv"
COLUMNS = ["conflict_id", "kind", "rule", "claim_ids", "summary", "magnitude"]
UNDATED_COLUMNS = ["pair_id", "claim_ids", "measure", "summary", "magnitude"]
ORDER = {"cross-source": 0, "within-source": 1, "arithmetic": 2, "definition": 3}


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=columns)
    return out.drop_duplicates(subset=columns[0]).reset_index(drop=True)


def detect_all(df: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(conflicts, undated pairs)`` for a ledger (the real one by default)."""
    df = prepare(ledger.load_claims() if df is None else df)
    rows, undated = value_conflicts(df)
    rows += arithmetic_conflicts(df, clashing_pairs(rows)) + definition_conflicts(df)
    out = _frame(rows, COLUMNS)
    if len(out):
        out["_o"] = out.kind.map(ORDER)
        out = out.sort_values(["_o", "claim_ids", "rule"]).drop(columns="_o").reset_index(drop=True)
    und = _frame(undated, UNDATED_COLUMNS).sort_values("claim_ids").reset_index(drop=True)
    return out, und


def detect(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """All conflicts in the ledger, in a stable order."""
    return detect_all(df)[0]


def undated_pairs(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Pairs that would disagree if they were simultaneous, but the text dates neither."""
    return detect_all(df)[1]


@functools.lru_cache(maxsize=8)
def _read(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _load(path) -> pd.DataFrame:
    st = path.stat()
    return _read(str(path), st.st_mtime_ns, st.st_size).copy()


def load_conflicts() -> pd.DataFrame:
    """data/conflicts.csv (a copy), read once per version of the file."""
    return _load(CONFLICTS)


def load_undated() -> pd.DataFrame:
    """data/undated_pairs.csv (a copy): the “not comparable (undated)” list."""
    return _load(UNDATED)


def as_csv(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, lineterminator="\n")


def write(path=CONFLICTS, undated_path=UNDATED) -> pd.DataFrame:
    out, und = detect_all()
    path.write_text(as_csv(out), encoding="utf-8")
    undated_path.write_text(as_csv(und), encoding="utf-8")
    return out


def main() -> int:
    out = write()
    print(f"{len(out)} 处冲突 → {CONFLICTS.relative_to(DATA.parent)}；"
          f"{len(load_undated())} 对无法比较（未注明时期）→ {UNDATED.relative_to(DATA.parent)}")
    print(out.groupby(["kind", "rule"]).size().to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
