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
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from ihbook.evidence.paths import BOOK, DATA, ROOT
from ihbook.site.generated import check_current

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


# --------------------------------------------------------------------------------------------
# Linking terms in Markdown

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*)$")
DIRECTIVE = re.compile(r"^\{(?P<name>[^}\s]+)\}")
OPTION = re.compile(r"^\s*:[\w-]+:")
INLINE_PROTECT = re.compile(
    r"(?:\{[^{}\s`]+\})?(?P<ticks>`+).+?(?P=ticks)"   # code spans and roles ({glue:md}`…`, {term}`…`)
    r"|\$\$.+?\$\$|(?<![\\$])\$[^$\n]+?\$"            # math
    r"|!?\[[^\]\n]*\]\([^)\n]*\)"                      # links and images
    r"|!?\[[^\]\n]*\]\[[^\]\n]*\]|\[\^[^\]\n]+\]"      # reference links, footnotes
    r"|\{\{.*?\}\}"                                   # substitutions
    r"|<[^>\n]+>"                                     # HTML tags and autolinks
    r"|https?://[^\s)]+"                              # bare URLs (linkify)
)
TERM_ROLE = re.compile(r"\{term\}`(?:[^`<]*<(?P<target>[^>`]+)>|(?P<plain>[^`]+))`")


def forms(entries: list[Entry] | None = None) -> dict[str, str]:
    """Every written form (term or alias) → the term it belongs to."""
    entries = load() if entries is None else entries
    return {f: e.term for e in entries for f in e.forms}


def _pattern(form_map: dict[str, str]) -> re.Pattern:
    alts = []
    for f in sorted(form_map, key=lambda s: (-len(s), s)):
        p = re.escape(f)
        if re.match(r"[A-Za-z0-9]", f):
            p = r"(?<![A-Za-z0-9_])" + p
        if re.search(r"[A-Za-z0-9]$", f):
            p += r"(?![A-Za-z0-9_])"
        alts.append(p)
    return re.compile("|".join(alts))


def _linkable_lines(lines: list[str]) -> list[bool]:
    """For each line: may terms in it be linked? (False inside code, literal directives,
    headings, targets, comments, option blocks, math blocks and raw HTML.)"""
    ok = [False] * len(lines)
    stack: list[tuple[str, int, bool]] = []  # (fence char, length, prose?)
    in_options = False
    in_math = False
    for i, line in enumerate(lines):
        if stack and not stack[-1][2]:       # inside a literal block: look only for its end
            ch, n, _ = stack[-1]
            s = line.strip()
            if s and set(s) == {ch} and len(s) >= n and len(line) - len(line.lstrip()) <= 3:
                stack.pop()
            continue
        m = FENCE.match(line)
        if m:
            ch, n, info = m["fence"][0], len(m["fence"]), m["info"].strip()
            if stack and not info and ch == stack[-1][0] and n >= stack[-1][1]:
                stack.pop()                  # closes the current prose directive
                in_options = False
                continue
            d = DIRECTIVE.match(info)
            if ch == ":" and not d:
                if stack and stack[-1][0] == ":":
                    stack.pop()
                continue
            prose = bool(d) and d["name"] in PROSE_DIRECTIVES
            stack.append((ch, n, prose))
            in_options = prose
            continue
        s = line.strip()
        if in_options:
            if OPTION.match(line) or s == "---":
                continue
            in_options = False
        if s.startswith("$$"):
            in_math = not (s.endswith("$$") and len(s) > 2) if not in_math else False
            continue
        if in_math:
            continue
        if re.match(r"^ {0,3}#{1,6}(\s|$)", line) or re.match(r"^\s*\(.+\)=\s*$", line):
            continue
        if s.startswith("%") or s.startswith("<") or s.startswith("+++"):
            continue
        ok[i] = True
    return ok


GLUE_FREQ = 100  # a neighbour pair at least this common in jieba's dictionary is a word


def _glued(line: str, start: int, end: int) -> bool:
    """Is the match the tail or head of a longer everyday word? (就|诊前, 一|个例|子, 部|分词|语,
    医|院外): the character before the match and its first character, or its last character
    and the one after, form a common word in jieba's general dictionary."""
    from ihbook.evidence import text

    freq = text.setup(userdict=False).FREQ
    cjk = re.compile(r"[\u4e00-\u9fff]")
    pairs = []
    if start > 0 and cjk.match(line[start - 1]) and cjk.match(line[start]):
        pairs.append(line[start - 1:start + 1])
    if end < len(line) and cjk.match(line[end]) and cjk.match(line[end - 1]):
        pairs.append(line[end - 1:end + 1])
    return any((freq.get(p) or 0) >= GLUE_FREQ for p in pairs)


def link_terms(markdown: str, entries: list[Entry] | None = None, linked: set[str] | None = None) -> str:
    """Turn the first occurrence of each glossary term in ``markdown`` into a ``{term}`` role.

    ``linked`` is the set of terms already linked (e.g. in earlier cells of the same chapter);
    it is updated in place. Terms the text already links with ``{term}`` count as linked.
    Where terms overlap, the longest written form wins (慢性病管理 is one link, not 慢性病 +
    管理). Headings, code, roles, links, math, HTML and directive options are never touched.
    """
    form_map = forms(entries)
    if not form_map or not markdown:
        return markdown
    linked = set() if linked is None else linked
    for m in TERM_ROLE.finditer(markdown):
        target = (m["target"] or m["plain"]).strip()
        linked.add(form_map.get(target, target))
    pattern = _pattern(form_map)
    lines = markdown.split("\n")
    ok = _linkable_lines(lines)
    for i, line in enumerate(lines):
        if not ok[i]:
            continue
        out, pos = [], 0
        protected = [(m.start(), m.end()) for m in INLINE_PROTECT.finditer(line)]
        for m in pattern.finditer(line):
            if any(a < m.end() and m.start() < b for a, b in protected):
                continue
            if _glued(line, m.start(), m.end()):
                continue
            term = form_map[m.group()]
            if term in linked:
                continue
            linked.add(term)
            out.append(line[pos:m.start()])
            out.append(f"{{term}}`{m.group()}`")
            pos = m.end()
        if out:
            out.append(line[pos:])
            lines[i] = "".join(out)
    return "\n".join(lines)


def link_notebook(nb, entries: list[Entry] | None = None) -> list[str]:
    """Link the first occurrence of each term across a notebook's Markdown cells (in place).

    ``nb`` is an ``nbformat`` notebook. Returns the terms newly linked, in order.
    """
    entries = load() if entries is None else entries
    linked: set[str] = set()
    for cell in nb.cells:  # terms the chapter already links anywhere count as linked
        if cell.cell_type == "markdown":
            for m in TERM_ROLE.finditer(cell.source):
                target = (m["target"] or m["plain"]).strip()
                linked.add(forms(entries).get(target, target))
    before = set(linked)
    order: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        seen = set(linked)
        cell.source = link_terms(cell.source, entries, linked)
        order += [t for t in linked - seen]
    return [t for t in order if t not in before]


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
