"""Term links: the first occurrence of each glossary term in a chapter becomes a ``{term}`` role.

Split out of :mod:`ihbook.site.glossary`: the Markdown scanning (fences, roles, links, math,
directive options left alone; a match inside a longer everyday word skipped) is a parser of its
own, read and tested apart from the page generator; ``glossary`` re-exports every name here.
"""

from __future__ import annotations

import re

from ihbook.site.glossary_table import Entry, PROSE_DIRECTIVES, load

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
