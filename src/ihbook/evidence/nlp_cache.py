"""jieba's results on the book's texts, remembered between runs (like jieba's own cache).

Segmenting the five sources and tagging their parts of speech costs a few seconds of CPU each
time a chapter runs, although the result only changes when a text, the book's dictionary, the
stopwords or jieba itself changes. This module keeps those results in the temp dir, next to
jieba's dictionary cache, under a fingerprint of all of these inputs: change any of them and
the old entries are simply never looked up again. A missing, unreadable or foreign file is
ignored (the result is computed as before), so the cache can only make a run faster, never
different. JSON, not pickle: a file in a shared temp dir must not be able to run code.

    memo = nlp_cache.memo("cut", extra="…")          # one namespace per kind of result
    value = memo.get(key)                              # None when not remembered
    memo.put(key, value); memo.flush()                 # flushed at exit too
"""
from __future__ import annotations

import atexit
import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from ihbook.evidence import text

VERSION = "1"
FOLDER = Path(os.environ.get("IHBOOK_NLP_CACHE") or Path(tempfile.gettempdir()) / f"ihbook-nlp-{os.getuid()}")


def _stat(path: Path) -> tuple:
    try:
        st = path.stat()
        return st.st_mtime_ns, st.st_size
    except OSError:
        return 0, 0


def fingerprint(extra: str = "") -> str:
    """A digest of everything a jieba result depends on besides the text itself."""
    return _fingerprint(extra, _stat(text.USERDICT), _stat(text.STOPWORDS))


@lru_cache(maxsize=32)
def _fingerprint(extra: str, *_stats) -> str:
    h = hashlib.sha256(f"{VERSION}|{_jieba_version()}|{extra}".encode())
    for path in (text.USERDICT, text.STOPWORDS):
        h.update(path.read_bytes() if path.exists() else b"")
    return h.hexdigest()[:24]


@lru_cache(maxsize=None)
def _jieba_version() -> str:
    """jieba's version, read from its installed metadata: importing jieba (about 0.15 s, most of
    it pkg_resources) is left to the runs that actually segment."""
    from importlib import metadata

    try:
        return metadata.version("jieba")
    except metadata.PackageNotFoundError:
        import jieba

        return jieba.__version__


def key(*parts: str) -> str:
    """A short key for a (possibly long) text and its options."""
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


class Memo:
    """One namespace of remembered results, read from disk on first use."""

    def __init__(self, path: Path):
        self.path = path
        self._data: dict | None = None
        self._dirty = False

    def _load(self) -> dict:
        if self._data is None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self._data = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self._data = {}
        return self._data

    def get(self, k: str):
        return self._load().get(k)

    def put(self, k: str, value) -> None:
        self._load()[k] = value
        self._dirty = True

    def flush(self) -> None:
        """Write the namespace if it changed (atomically; errors ignored: a cache is optional)."""
        if not self._dirty or self._data is None:
            return
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self._data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
            self._dirty = False
        except OSError:
            pass


_MEMOS: dict[str, Memo] = {}


def memo(name: str, extra: str = "") -> Memo:
    """The memo for results of kind ``name`` under today's fingerprint."""
    fp = fingerprint(extra)
    path = FOLDER / f"{name}-{fp}.json"
    if str(path) not in _MEMOS:
        _MEMOS[str(path)] = Memo(path)
    return _MEMOS[str(path)]


@atexit.register
def flush_all() -> None:
    for m in _MEMOS.values():
        m.flush()
