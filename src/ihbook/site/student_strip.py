"""What the student edition leaves out, and the parser that leaves it out.

Split out of :mod:`ihbook.site.student`: the edition's fixed lists (what is copied, what is
instructor-only, which markers betray a solution) and the pure text/notebook stripping (no
files, no builds) can be read and tested on their own; ``student`` re-exports every name here.
"""

from __future__ import annotations

import copy
import html as html_lib
import re
from dataclasses import dataclass, field

from ihbook.evidence.paths import ROOT

STUDENT_DIR = ROOT / "student"
MARKER = ".ihbook-student-edition"  # written into the student tree; only such a tree is ever deleted
# Copied into the student tree: what the build needs (book/license.md includes LICENSE-TEXT.md).
# src/ is not copied: the package is installed.
COPY = ["_config.yml", "_toc.yml", "book", "data", "_static", "_vendor", "LICENSE", "LICENSE-TEXT.md"]
# Pages for teachers only: removed from the student copy and from its table of contents.
INSTRUCTOR_ONLY = ["book/teaching/instructor_guide"]
# Files for teachers only (reference solutions of the exercise checks): never copied to students.
INSTRUCTOR_FILES = ["data/teaching/solutions.json"]
# What a student repository holds besides the stripped book tree (see export_repo).
REPO_EXTRA = ["src", "pyproject.toml", "binder", "CITATION.cff", "package.json", "package-lock.json"]
REPO_EXCLUDE = {".git", ".venv", "node_modules", "_build", "__pycache__", ".ipynb_checkpoints", ".pytest_cache",
                "student", "notebooks", "solution_sentences.json", "_vendor", MARKER}
# Anything that betrays a solution in a source text or a built page.
SOURCE_MARKERS = ("{solution}", "{solution-start}", "{solution-end}")
HTML_MARKERS = ('class="solution', "solution-start", "solution-end")
STUDENT_NOTE = (
    "```{note}\n"
    "这是本书的**学生版**：各章练习保留，参考答案已全部移除。"
    "教师版（含参考答案与教师指南）请向授课教师索取。\n"
    "```\n"
)

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})[ \t]*(?P<info>[^\n]*)$")
DIRECTIVE = re.compile(r"^\{(?P<name>[^}\s]+)\}")


class StudentEditionError(RuntimeError):
    """Stripping or building the student edition failed (message in Chinese)."""


@dataclass
class Stripped:
    """What stripping removed: the texts (Markdown and code) and how many blocks."""
    removed: list[str] = field(default_factory=list)
    solutions: int = 0
    code_cells: int = 0


def _directive(info: str) -> str | None:
    m = DIRECTIVE.match(info.strip())
    return m["name"] if m else None


def _close(lines: list[str], i: int, ch: str, n: int) -> int:
    """Index of the line closing the fence opened at ``i`` (CommonMark: same character, at
    least as long, nothing else on the line); the last line if the fence is never closed."""
    for j in range(i + 1, len(lines)):
        s = lines[j].strip()
        if s and set(s) == {ch} and len(s) >= n and len(lines[j]) - len(lines[j].lstrip()) <= 3:
            return j
    return len(lines) - 1


def strip_text(text: str, in_gated: bool = False, report: Stripped | None = None) -> tuple[str, bool]:
    """Remove solutions from one piece of Markdown.

    ``in_gated`` says whether the text starts inside a gated solution (a ``solution-start``
    seen earlier, e.g. in a previous notebook cell). Returns the kept text and whether it ends
    inside a gated solution.
    """
    report = Stripped() if report is None else report
    lines = text.split("\n")
    keep: list[str] = []
    removed: list[str] = []
    stack: list[tuple[str, int]] = []  # open non-solution directives we scan inside
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE.match(line)
        if in_gated:
            if m and _directive(m["info"]) == "solution-end":
                j = _close(lines, i, m["fence"][0], len(m["fence"]))
                removed += lines[i:j + 1]
                i, in_gated = j + 1, False
            else:
                removed.append(line)
                i += 1
            continue
        if not m:
            keep.append(line)
            i += 1
            continue
        ch, n, info = m["fence"][0], len(m["fence"]), m["info"].strip()
        if not info and stack and stack[-1][0] == ch and n >= stack[-1][1]:
            stack.pop()                      # closes a directive we are scanning inside
            keep.append(line)
            i += 1
            continue
        name = _directive(info)
        if name == "solution":
            j = _close(lines, i, ch, n)
            removed += lines[i:j + 1]
            report.solutions += 1
            i = j + 1
        elif name == "solution-start":
            j = _close(lines, i, ch, n)
            removed += lines[i:j + 1]
            report.solutions += 1
            i, in_gated = j + 1, True
        elif name == "solution-end":         # an end with no start: drop the marker itself
            j = _close(lines, i, ch, n)
            removed += lines[i:j + 1]
            i = j + 1
        elif name is None:                   # literal code block: keep verbatim
            j = _close(lines, i, ch, n)
            keep += lines[i:j + 1]
            i = j + 1
        else:                                # another directive: keep it, look inside
            stack.append((ch, n))
            keep.append(line)
            i += 1
    if removed:
        report.removed.append("\n".join(removed))
    kept = re.sub(r"\n{3,}", "\n\n", "\n".join(keep)).strip("\n")
    return kept, in_gated


def strip_notebook(nb, name: str = "notebook") -> tuple[object, Stripped]:
    """A copy of an nbformat notebook with every solution removed (cells and outputs)."""
    nb = copy.deepcopy(nb)
    report = Stripped()
    in_gated = False
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            if in_gated:
                report.removed.append(cell.source)
                report.code_cells += 1
                continue
            cells.append(cell)
            continue
        text, in_gated = strip_text(cell.source, in_gated, report)
        if text.strip():
            cell.source = text
            cells.append(cell)
    if in_gated:
        raise StudentEditionError(f"{name}：solution-start 之后没有 solution-end，无法确定答案在哪里结束")
    nb.cells = cells
    return nb, report


def strip_markdown_file(text: str, name: str = "page") -> tuple[str, Stripped]:
    report = Stripped()
    kept, in_gated = strip_text(text, False, report)
    if in_gated:
        raise StudentEditionError(f"{name}：solution-start 之后没有 solution-end")
    return kept + "\n", report


def source_leaks(text: str) -> list[str]:
    """Solution markers left in a source text (empty list: clean)."""
    return [m for m in SOURCE_MARKERS if m in text]


def _plain(text: str) -> str:
    """Markdown or HTML reduced to comparable plain text."""
    text = re.sub(r"<[^>]+>", "", text)
    text = html_lib.unescape(text)
    text = re.sub(r"\{[\w:-]+\}`([^`]*)`", r"\1", text)
    return re.sub(r"[`*_]", "", text)


def distinctive_sentences(removed: list[str], kept: str, min_chars: int = 10) -> list[str]:
    """Sentences of the removed solutions that appear nowhere in the kept text: if one of
    them turns up in a student page, a solution leaked."""
    kept_plain = _plain(kept)
    out = []
    for block in removed:
        for s in re.split(r"[。！？；\n]", _plain(block)):
            s = s.strip()
            if FENCE.match(s) or s.startswith(":") or s.startswith("#"):
                continue
            if len(re.findall(r"[\u4e00-\u9fff]", s)) >= min_chars and s not in kept_plain:
                out.append(s)
    return list(dict.fromkeys(out))


def _notebook_text(nb) -> str:
    """Cell sources and text outputs of a notebook as plain text (not JSON: a quote or a
    line break inside a cell must read the same as on the built page)."""
    parts = []
    for c in nb.cells:
        parts.append(c.source)
        for o in c.get("outputs", []):
            parts.append("".join(o.get("text", "")))
            for mime in ("text/plain", "text/html", "text/markdown"):
                v = o.get("data", {}).get(mime, "")
                parts.append("".join(v) if isinstance(v, list) else v)
    return "\n".join(parts)
