"""The ledger's vocabulary, made for comparison: measures in a small hierarchy, entities that nest.

Three tables in ``data/keys/`` (each with a schema in ``data/schemas/``):

* ``metrics.csv`` — the fine-grained keys the ledger uses (``metric`` column of claims.csv; the
  chapters select by them). Each points to one ``measure``: metrics that count the same thing
  share it (在线医疗市场 and 互联网医疗市场 are one measure; 千人护士数 written as 人/千人 or ‰ is
  one measure; 配送时效 and 履约时效 are one measure).
* ``measures.csv`` — what is counted, its ``domain`` (users, market, capital…: a family that
  groups), its ``dimension`` (count / money / share / growth / pp / ratio / duration / other:
  a share, a growth rate and percentage points are never compared with each other), stock or
  flow, the plausible yearly growth and decline, and two links that let unlike measures meet:
  ``parent`` (this measure is a part of that one: a segment of a total, platform doctors of all
  doctors) and ``share_of`` / ``share_yields`` (this share times that base gives that count).
* ``entities.csv`` — who or what: ``parents`` (company ⊂ the named group it belongs to, province
  ⊂ country, product ⊂ company) and ``same_as`` (two keys for one thing).

:func:`comparable_share` measures how well the vocabulary lines figures up: the share of
claims (repeats counted once) that at least one other claim can be checked against.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ihbook.evidence.paths import DATA

MEASURES = DATA / "keys" / "measures.csv"
DIMENSIONS = {"count", "money", "share", "growth", "pp", "ratio", "duration", "other"}
DIMENSION_LABELS = {"count": "计数", "money": "金额", "share": "占比", "growth": "增减幅度", "pp": "百分点",
                    "ratio": "比率/倍数", "duration": "时长", "other": "其他"}


@lru_cache(maxsize=None)
def measures() -> pd.DataFrame:
    return pd.read_csv(MEASURES, dtype=str, keep_default_na=False).set_index("measure")


@lru_cache(maxsize=None)
def _metrics() -> pd.DataFrame:
    return pd.read_csv(DATA / "keys" / "metrics.csv", dtype=str, keep_default_na=False).set_index("metric")


@lru_cache(maxsize=None)
def _entities() -> pd.DataFrame:
    return pd.read_csv(DATA / "keys" / "entities.csv", dtype=str, keep_default_na=False).set_index("entity")


@lru_cache(maxsize=None)
def measure_of(metric: str) -> str:
    return _metrics().loc[metric, "measure"]


@lru_cache(maxsize=None)
def canonical(entity: str) -> str:
    """The key an entity stands for (``same_as``), else itself."""
    return _entities().loc[entity, "same_as"] or entity


@lru_cache(maxsize=None)
def ancestors(entity: str) -> frozenset[str]:
    """Every entity this one belongs to, transitively (canonical keys)."""
    out, todo = set(), [canonical(entity)]
    while todo:
        for p in filter(None, _entities().loc[todo.pop(), "parents"].split(";")):
            p = canonical(p)
            if p not in out:
                out.add(p)
                todo.append(p)
    return out


@lru_cache(maxsize=None)
def nested(part: str, whole: str) -> bool:
    """True when ``part`` is ``whole`` or belongs to it."""
    part, whole = canonical(part), canonical(whole)
    return part == whole or whole in ancestors(part)


@lru_cache(maxsize=None)
def measure_ancestors(measure: str) -> tuple[str, ...]:
    """The chain of wholes a measure is part of, nearest first."""
    out, m = [], measures().loc[measure, "parent"]
    while m and m not in out:
        out.append(m)
        m = measures().loc[m, "parent"]
    return tuple(out)


def check_keys() -> list:
    """Problems in the three key tables: a link to a key that does not exist, a bad dimension."""
    from ihbook.evidence.ledger import DataError

    errors = []
    ms, mt, en = measures(), _metrics(), _entities()
    for i, (k, r) in enumerate(ms.iterrows(), start=2):
        if r["dimension"] not in DIMENSIONS:
            errors.append(DataError("data/keys/measures.csv", i, "dimension", f"“{r['dimension']}”不在 {'/'.join(sorted(DIMENSIONS))} 中"))
        for col in ("parent", "share_of", "share_yields"):
            if r[col] and r[col] not in ms.index:
                errors.append(DataError("data/keys/measures.csv", i, col, f"“{r[col]}”不是已知的 measure"))
        if r["parent"] in ms.index and k in measure_ancestors(k):
            errors.append(DataError("data/keys/measures.csv", i, "parent", "部分—整体关系成环"))
    for i, (k, r) in enumerate(mt.iterrows(), start=2):
        if r["measure"] not in ms.index:
            errors.append(DataError("data/keys/metrics.csv", i, "measure", f"“{r['measure']}”不在 measures.csv 中"))
    for i, (k, r) in enumerate(en.iterrows(), start=2):
        for ref in filter(None, r["parents"].split(";") + [r["same_as"]]):
            if ref not in en.index:
                errors.append(DataError("data/keys/entities.csv", i, "parents/same_as", f"“{ref}”不是已知的 entity"))
    return errors


@lru_cache(maxsize=None)
def _links() -> tuple[tuple[str, str], ...]:
    """Pairs of measures the detector relates: part and whole, share and its base or count."""
    out = []
    for m, r in measures().to_dict("index").items():
        out += [(m, w) for w in measure_ancestors(m)]
        if r["share_of"]:
            out += [(m, r["share_of"]), (m, r["share_yields"])]
        if r["change_of"]:
            out.append((m, r["change_of"]))
    return tuple(out)


def _pairable(df: pd.DataFrame, cross: bool = True) -> set[str]:
    """Claim ids that at least one rule of the detector can pair with another claim (from
    another source when ``cross``)."""
    ids = list(df.claim_id)
    src = dict(zip(ids, df.source_id))
    meas = {c: measure_of(m) for c, m in zip(ids, df.metric)}
    ent = {c: canonical(e) for c, e in zip(ids, df.entity)}
    hit: set[str] = set()

    def add(a: str, b: str) -> None:
        if (not cross or src[a] != src[b]) and (nested(ent[a], ent[b]) or nested(ent[b], ent[a])):
            hit.update((a, b))

    by_measure: dict[str, list[str]] = {}
    for c in ids:
        by_measure.setdefault(meas[c], []).append(c)
    for group in by_measure.values():  # same measure, same or nesting entity
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                add(a, b)
    for m1, m2 in _links():  # part and whole, share and base or count, change and level
        for a in by_measure.get(m1, []):
            for b in by_measure.get(m2, []):
                add(a, b)
    for cid, rel in zip(ids, df.relation):  # stated arithmetic relations
        if rel:
            for ref in rel.split(":")[1].split(","):
                if ref in src and (not cross or src[ref] != src[cid]):
                    hit.update((cid, ref))
    return hit


def comparable_share(df: pd.DataFrame | None = None, legacy: bool = False, cross: bool = True) -> dict:
    """Share of claims (repeats counted once) that can be checked against a claim from another
    source (``cross=False``: from any source, the same source included).

    ``legacy=True`` counts the old way — another claim with the same ``metric`` and ``entity``
    keys — which is how the 7 % baseline of issue 13 was counted (31 of 438, across sources).
    """
    from ihbook.evidence import ledger

    df = ledger.load_claims() if df is None else df
    if "same_as" in df.columns:
        df = df[df.same_as == ""]
    if legacy:
        n = df.groupby(["metric", "entity"]).source_id.transform("nunique" if cross else "size")
        ids = set(df.claim_id[n > 1])
    else:
        ids = _pairable(df, cross) & set(df.claim_id)
    return {"claims": len(df), "comparable": len(ids), "share": round(100 * len(ids) / len(df), 1) if len(df) else 0.0,
            "ids": sorted(ids)}
