"""The five source documents: their metadata (``data/sources.csv``) and normalized text."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ihbook.evidence.paths import DATA


@lru_cache(maxsize=None)
def _sources() -> pd.DataFrame:
    return pd.read_csv(DATA / "sources.csv", dtype=str, keep_default_na=False)


def load_sources() -> pd.DataFrame:
    """All sources, one row each (a copy: callers may modify it)."""
    return _sources().copy()


@lru_cache(maxsize=None)
def _by_id() -> dict[str, dict]:
    # First row per id, as the filter below used to take; a dict lookup instead of a DataFrame
    # filter (microseconds instead of milliseconds: captions call this hundreds of times).
    out: dict[str, dict] = {}
    for rec in _sources().to_dict("records"):
        out.setdefault(rec["source_id"], rec)
    return out


def source(source_id: str) -> dict:
    """Metadata of one source; a clear error names the unknown id."""
    rec = _by_id().get(source_id) if isinstance(source_id, str) else None
    if rec is None:
        raise KeyError(f"未知来源 “{source_id}”；已知：{', '.join(_sources().source_id)}")
    return dict(rec)


@lru_cache(maxsize=None)
def text(source_id: str) -> str:
    """The normalized text of one source (what every quote must be a substring of)."""
    source(source_id)
    return (DATA / "sources" / "text" / f"{source_id}.txt").read_text(encoding="utf-8")


def year(source_id: str) -> str:
    """The year a source was published, as shown in captions."""
    return source(source_id)["date"][:4]


def short_name(source_id: str) -> str:
    """Publisher and year, e.g. ``艾瑞咨询研究院 2020`` — the form used in 来源 lines."""
    s = source(source_id)
    publisher = s["publisher"].split("（")[0]
    return f"{publisher}（{s['date'][:4]}）"
