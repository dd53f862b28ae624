"""jieba, set up once, quietly, with the book's domain dictionary and stopwords.

jieba prints loading messages to stderr, which fails nbval and strict builds; it also keeps
its cache in the temp dir. :func:`setup` silences it and loads ``data/lexicon/userdict.txt``
(terms such as 互联网医院, 分级诊疗, 处方外流 that jieba's general dictionary splits).
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from ihbook.evidence.paths import DATA

USERDICT = DATA / "lexicon" / "userdict.txt"
STOPWORDS = DATA / "lexicon" / "stopwords.txt"
CJK = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=None)
def _main_dictionary() -> tuple[dict, int]:
    """jieba's main dictionary (prefix dict, total count), read once per process.

    Loading it from jieba's cache takes about half a second per tokenizer; every tokenizer the
    book makes (with or without the user dictionary, corpus configurations, triage) starts
    from a copy instead, which takes a few hundredths of a second.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    return tk.FREQ, tk.total


def new_tokenizer():
    """A fresh jieba tokenizer with jieba's main dictionary, exactly as ``jieba.Tokenizer()``
    followed by ``initialize()``; it owns its dictionary, so adding words changes no other."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    freq, total = _main_dictionary()
    tk = jieba.Tokenizer()
    with tk.lock:
        tk.FREQ, tk.total, tk.initialized = dict(freq), total, True
    return tk


@lru_cache(maxsize=None)
def _main_word_tags() -> dict:
    """The main dictionary's part-of-speech tags. Importing ``jieba.posseg`` already reads them
    into its default tokenizer (built on ``jieba.dt``, the same main dictionary): reuse those
    instead of reading the file a second time (half a second)."""
    import jieba
    import jieba.posseg

    if jieba.posseg.dt.tokenizer.dictionary == jieba.Tokenizer().dictionary:
        return jieba.posseg.dt.word_tag_tab
    pt = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    pt.load_word_tag(jieba.Tokenizer().get_dict_file())
    return pt.word_tag_tab


def pos_tokenizer(tk):
    """``jieba.posseg.POSTokenizer(tk)`` for a tokenizer on jieba's main dictionary, without
    re-reading the dictionary's part-of-speech tags (about a second) every time."""
    import jieba.posseg

    if tk.dictionary is not None:  # a custom main dictionary: its tags are elsewhere
        return jieba.posseg.POSTokenizer(tk)
    pt = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    pt.tokenizer = tk
    pt.word_tag_tab = dict(_main_word_tags())
    return pt


_LOADED: dict[bool, object] = {}


@lru_cache(maxsize=None)
def setup(userdict: bool = True):
    """A ready jieba tokenizer (its own instance, so with/without dictionary can coexist)."""
    tk = new_tokenizer()
    if userdict and USERDICT.exists() and USERDICT.stat().st_size:
        tk.load_userdict(str(USERDICT))
    _LOADED[userdict] = tk
    return tk


def loaded(userdict: bool = True):
    """The tokenizer :func:`setup` made, or None when it has not been made yet (without
    making it: loading jieba's dictionary takes about a second)."""
    return _LOADED.get(userdict)


@lru_cache(maxsize=None)
def stopwords() -> frozenset[str]:
    if not STOPWORDS.exists():
        return frozenset()
    return frozenset(w.strip() for w in STOPWORDS.read_text(encoding="utf-8").splitlines() if w.strip())


def cut(text: str, userdict: bool = True) -> list[str]:
    """Segment ``text`` into words (whitespace dropped)."""
    return list(_cut(text, userdict))


@lru_cache(maxsize=4096)
def _cut(text: str, userdict: bool) -> tuple[str, ...]:
    """:func:`cut`, remembered per text (keyed by the text itself: an edited text is cut afresh;
    a whole source takes a fifth of a second, and chapters cut the same sources repeatedly)."""
    return tuple(w for w in setup(userdict).lcut(text) if w.strip())


def content_words(text: str, userdict: bool = True, min_len: int = 2) -> list[str]:
    """Words worth counting: Chinese, at least ``min_len`` characters, not a stopword."""
    stop = stopwords()
    return [w for w in cut(text, userdict) if len(w) >= min_len and CJK.search(w) and w not in stop]
