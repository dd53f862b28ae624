"""The book's glossary (术语表): ``data/glossary.csv`` → ``book/glossary.md``, and term links.

Why this module exists: a student meets 分级诊疗, 处方外流 or DRG in a chapter and needs one
place that says, in the book's own words, what the term means, how it is read (pinyin), what
it is called in English and which chapter it matters in. Typing that page by hand would let
it drift from the terms the chapters use, so the page is generated from one table:

- :func:`render` / :func:`write` turn the table into a MyST ``{glossary}`` page, sorted by
  pinyin and grouped by initial letter. Pinyin comes from pypinyin; syllables are joined into
  words with jieba's general dictionary (the book's own user dictionary is deliberately not
  used, so adding a word for chapter 9 does not change this page). ``python -m ihbook.site.glossary``
  writes the page; ``--check`` fails when the committed page is stale.
- :func:`link_terms` turns the first occurrence of each term in a piece of Markdown into a
  ``{term}`` role that links to its glossary entry. It leaves alone headings, code (fenced and
  inline), roles (glue, cite, existing term links), links, math, HTML, directive options and
  literal directives, and never links a term twice. A match that is really part of a longer
  everyday word (就诊前 is not 诊前, 一个例子 is not 个例) is skipped. :func:`link_notebook` applies it to the
  Markdown cells of a chapter with one shared "already linked" set, so each term is linked
  once per chapter.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ihbook.evidence.paths import ROOT
from ihbook.site.generated import check_current
from ihbook.site.glossary_table import (  # noqa: F401
    GLOSSARY_CSV, GLOSSARY_MD, WORD_PINYIN, PROSE_DIRECTIVES, GlossaryError, Entry, _split, load, check,
    _segments, pinyin, sort_key,
)
from ihbook.site.glossary_links import (  # noqa: F401
    FENCE, DIRECTIVE, OPTION, INLINE_PROTECT, TERM_ROLE, forms, _pattern, _linkable_lines, GLUE_FREQ,
    _glued, link_terms, link_notebook,
)


# --------------------------------------------------------------------------------------------
# The page


def _chapter_link(ch: str) -> str:
    return f"{{doc}}`/{ch}`"


def render(entries: list[Entry] | None = None) -> str:
    """The Markdown of ``book/glossary.md``: a MyST ``{glossary}`` per initial letter."""
    entries = load() if entries is None else entries
    problems = check(entries)
    if problems:
        raise GlossaryError("术语表有问题：\n" + "\n".join(problems))
    entries = sorted(entries, key=lambda e: (sort_key(e.term), e.term))
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        groups.setdefault(sort_key(e.term)[:1].upper() or "#", []).append(e)

    lines = [
        "<!-- 本页由 python -m ihbook.site.glossary 从 data/glossary.csv 生成，请勿手工编辑。 -->",
        "",
        "(glossary)=",
        "# 术语表",
        "",
        "本书用到的领域术语，按拼音排序。每个条目给出拼音、英文译名、本书自己的释义、最相关的章节和相关术语；"
        "同一概念的其他写法（如“慢病”与“慢性病”）列在同一条目下。正文中某个术语第一次出现时链接到这里。",
        "",
        "拼音由 [pypinyin](https://github.com/mozillazg/python-pinyin) 生成，多音字经人工校对；"
        "英文译名采用国际文献中常见的说法，政策术语没有统一英译时给出意译。释义是本书为教学写的概括，"
        "不是法规定义，涉及政策细节时请以正式文件为准。",
        "",
        "**按字母跳转**：" + " · ".join(f"{{ref}}`{k} <glossary-{k.lower()}>`" for k in groups),
        "",
    ]
    for letter, group in groups.items():
        lines += [f"(glossary-{letter.lower()})=", f"## {letter}", "", "```{glossary}"]
        for e in group:
            lines += e.forms
            py = pinyin(e.term)
            head = f"**{py}** · *{e.english}*" if py else f"*{e.english}*"
            if len(e.aliases):
                alias_py = "；".join(f"{a}（{pinyin(a)}）" if pinyin(a) else a for a in e.aliases)
                head += f" · 又作：{alias_py}"
            lines.append(f"  {head}")
            lines.append("")
            lines.append(f"  {e.definition}")
            lines.append("")
            seen = "、".join(_chapter_link(c) for c in e.chapters)
            tail = f"  见：{seen}"
            if e.related:
                tail += "。相关：" + "、".join(f"{{term}}`{r}`" for r in e.related)
            lines.append(tail)
            lines.append("")
        if lines[-1] == "":
            lines.pop()
        lines += ["```", ""]
    return "\n".join(lines)


def write(path: Path = GLOSSARY_MD) -> Path:
    """Write the glossary page (only if its text changed)."""
    new = render()
    if not path.exists() or path.read_text(encoding="utf-8") != new:
        path.write_text(new, encoding="utf-8")
    return path


def is_current(path: Path = GLOSSARY_MD) -> bool:
    return path.exists() and path.read_text(encoding="utf-8") == render()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ihbook.site.glossary", description="生成术语表页面，或在章节中链接术语。")
    ap.add_argument("--check", action="store_true", help="只检查 book/glossary.md 是否为最新（过期则返回 1）")
    ap.add_argument("--link", nargs="+", metavar="NOTEBOOK", help="在这些笔记本的 Markdown 单元中链接术语（默认只列出）")
    ap.add_argument("--write", action="store_true", help="与 --link 同用：把链接写回笔记本")
    args = ap.parse_args(argv)
    if args.link:
        import nbformat

        for p in args.link:
            nb = nbformat.read(p, as_version=4)
            new = link_notebook(nb)
            print(f"{p}: {len(new)} 个术语 {'已链接' if args.write else '可链接'}：{'、'.join(new)}")
            if args.write and new:
                nbformat.write(nb, p)
        return 0
    if args.check:
        return check_current("book/glossary.md", is_current(), "python -m ihbook.site.glossary")
    print(f"wrote {write().relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
