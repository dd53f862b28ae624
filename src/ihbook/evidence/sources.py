"""The five source documents: their metadata (``data/sources.csv``) and normalized text.

Every quote, caption and citation in the book names a source through this module, so an id is
looked up in one place and an unknown one fails with a clear message. :func:`check_sources`
proves the raw files are the originals: ``sources.csv`` records each seed's SHA-256, which is
checked wherever the repository is (no need for the seeds folder beside it).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

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


def sha256(raw_file: str, root: Path = DATA) -> str:
    """SHA-256 (hex) of a file in ``data/sources/raw/``."""
    return hashlib.sha256((root / "sources" / "raw" / raw_file).read_bytes()).hexdigest()


def check_sources(root: Path = DATA) -> list:
    """Each raw file exists and is byte-identical to the seed (its SHA-256 in ``sources.csv``),
    and no other file lies in ``data/sources/raw/``."""
    from ihbook.evidence.ledger import DataError

    errors = []
    df = pd.read_csv(root / "sources.csv", dtype=str, keep_default_na=False)
    for i, r in enumerate(df.to_dict("records"), start=2):
        path = root / "sources" / "raw" / r["raw_file"]
        if not path.is_file():
            errors.append(DataError("data/sources.csv", i, "raw_file", f"data/sources/raw/{r['raw_file']} 不存在"))
        elif sha256(r["raw_file"], root) != r.get("sha256", ""):
            errors.append(DataError("data/sources.csv", i, "sha256",
                                    f"{r['raw_file']} 的 SHA-256 与记录不符：原始文件必须与原件逐字节相同"))
    extra = sorted({p.name for p in (root / "sources" / "raw").iterdir()} - set(df.raw_file))
    for name in extra:
        errors.append(DataError("data/sources.csv", 1, "raw_file", f"data/sources/raw/{name} 没有登记"))
    return errors
