"""The glossary's table and its reading order: ``data/glossary.csv`` loaded, checked and sorted by pinyin.

Split out of :mod:`ihbook.site.glossary` so that what a term entry holds, the checks on the
table and the pinyin sort key (used by both the page and the term links) sit in one small
module; ``glossary`` re-exports every name here.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from ihbook.evidence.paths import BOOK, DATA, ROOT

GLOSSARY_CSV = DATA / "glossary.csv"
GLOSSARY_MD = BOOK / "glossary.md"

# Whole words whose pinyin spelling pypinyin/jieba get wrong or split oddly. Keys are matched
# in the term before segmentation; values are the written form (Hanyu Pinyin orthography,
# words joined, tone marks).
WORD_PINYIN = {
    "电子": "diànzǐ",        # pypinyin gives the neutral-tone "zi"
    "停用词": "tíngyòngcí",  # jieba: 停 / 用词
    "医联体": "yīliántǐ",    # jieba: 医 / 联体
    "诊前": "zhěnqián",
    "诊中": "zhěnzhōng",
    "诊后": "zhěnhòu",
    "分诊": "fēnzhěn",
    "首诊": "shǒuzhěn",
    "慢病": "mànbìng",
    "院外": "yuànwài",
    "线上": "xiànshàng",
}

# Directives whose body is Markdown prose: terms inside them may be linked (their options
# and the fence line itself never are). Every other directive, and every code fence, is
# literal and left untouched.
PROSE_DIRECTIVES = {
    "exercise", "solution", "admonition", "note", "tip", "warning", "important", "hint",
    "caution", "attention", "danger", "error", "seealso", "epigraph", "pull-quote", "topic",
    "sidebar", "margin", "dropdown", "tab-item", "card", "grid-item-card", "div", "prf:remark",
}


class GlossaryError(ValueError):
    """The glossary table is inconsistent (message in Chinese, names the row)."""


@dataclass
class Entry:
    term: str
    english: str
    definition: str
    chapters: list[str]
    aliases: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)

    @property
    def forms(self) -> list[str]:
        """The term first, then its aliases: every written form that links to this entry."""
        return [self.term, *self.aliases]


def _split(cell: str) -> list[str]:
    return [x.strip() for x in (cell or "").split(";") if x.strip()]


def load(path: Path = GLOSSARY_CSV) -> list[Entry]:
    """The glossary rows, in file order."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [Entry(term=r["term"].strip(), english=r["english"].strip(), definition=r["definition"].strip(),
                  chapters=_split(r["chapter"]), aliases=_split(r.get("aliases", "")), related=_split(r["related"]))
            for r in rows]


def check(entries: list[Entry] | None = None, root: Path = ROOT) -> list[str]:
    """Problems with the table, in Chinese (empty list: consistent).

    Every written form (term or alias) is unique across the table, every related term is an
    entry, every chapter exists as a notebook or page under ``book/``, and nothing links to
    itself.
    """
    entries = load() if entries is None else entries
    problems = []
    owner: dict[str, str] = {}
    for i, e in enumerate(entries, start=2):
        for form in e.forms:
            if form in owner:
                problems.append(f"第 {i} 行：“{form}”已是“{owner[form]}”的条目名或别名")
            owner.setdefault(form, e.term)
    terms = {e.term for e in entries}
    for i, e in enumerate(entries, start=2):
        for r in e.related:
            if r not in terms:
                problems.append(f"第 {i} 行（{e.term}）：相关术语“{r}”不在术语表中")
            if r == e.term:
                problems.append(f"第 {i} 行（{e.term}）：相关术语不能是它自己")
        if not e.chapters:
            problems.append(f"第 {i} 行（{e.term}）：缺少章节")
        for ch in e.chapters:
            if not any((root / f"{ch}{ext}").exists() for ext in (".ipynb", ".md")):
                problems.append(f"第 {i} 行（{e.term}）：章节 {ch} 不存在")
    return problems


# --------------------------------------------------------------------------------------------
# Pinyin


def _segments(term: str) -> list[str]:
    """Words of ``term``: override words first, the rest cut by jieba's general dictionary."""
    from ihbook.evidence import text

    keys = sorted(WORD_PINYIN, key=len, reverse=True)
    out, buf, i = [], "", 0
    while i < len(term):
        hit = next((k for k in keys if term.startswith(k, i)), None)
        if hit:
            if buf:
                out += text.setup(userdict=False).lcut(buf, HMM=False)
                buf = ""
            out.append(hit)
            i += len(hit)
        else:
            buf += term[i]
            i += 1
    if buf:
        out += text.setup(userdict=False).lcut(buf, HMM=False)
    return [w for w in out if w.strip()]


def pinyin(term: str) -> str:
    """Hanyu Pinyin of ``term`` with tone marks, syllables joined into words
    (``分级诊疗`` → ``fēnjí zhěnliáo``). Latin letters and symbols pass through; a term with no
    Chinese characters has no pinyin (empty string)."""
    from pypinyin import Style, lazy_pinyin

    if not re.search(r"[\u4e00-\u9fff]", term):
        return ""
    words = []
    for w in _segments(term):
        if w in WORD_PINYIN:
            words.append(WORD_PINYIN[w])
        else:
            words.append("".join(lazy_pinyin(w, style=Style.TONE)))
    return " ".join(words)


def sort_key(term: str) -> str:
    """Alphabetical key: toneless pinyin for Chinese, the letters themselves for Latin."""
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(term, style=Style.NORMAL)).lower().replace(" ", "")
