"""The student edition: the same book with every solution removed.

Why this module exists: an instructor hands students the book and its notebooks but not the
answers. Hiding solutions with CSS or a theme switch would still ship them in the page source
and in the downloadable notebooks, so this module removes them from the *sources* before
anything is built or exported:

- every ``{solution}`` directive (backtick or colon fence, nested or not), and
- every gated solution: from the ``{solution-start}`` fence to the ``{solution-end}`` fence,
  including the code cells in between (and with them their outputs), even when the range
  starts in the middle of one Markdown cell and ends in the middle of another.

Exercises stay. :func:`make` copies the book to ``student/`` (git-ignored), strips every
notebook and Markdown page, drops instructor-only pages (:data:`INSTRUCTOR_ONLY`) from the
copy and its table of contents, exports the stripped chapter notebooks to
``student/notebooks/``, builds the HTML strictly (``-n -W --keep-going``) into
``student/_build/html`` and then scans the built site for anything left of a solution.
Command: ``python scripts/student_edition.py`` (``--help`` for options).

By default the student build does not re-execute notebooks: the committed outputs of the
remaining cells are used as they are (they do not depend on solution cells). ``--execute``
re-runs every stripped notebook during the build, which also proves that the student
notebooks run from top to bottom without the solutions.
"""
from __future__ import annotations

import argparse
import copy
import html as html_lib
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ihbook.evidence.paths import ROOT

STUDENT_DIR = ROOT / "student"
MARKER = ".ihbook-student-edition"  # written into the student tree; only such a tree is ever deleted
# Copied into the student tree: what the build needs (book/license.md includes LICENSE-TEXT.md).
# src/ is not copied: the package is installed.
COPY = ["_config.yml", "_toc.yml", "book", "data", "_static", "_vendor", "LICENSE", "LICENSE-TEXT.md"]
# Pages for teachers only: removed from the student copy and from its table of contents.
INSTRUCTOR_ONLY = ["book/teaching/instructor_guide"]
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


# --------------------------------------------------------------------------------------------
# The student tree, its notebooks and its HTML


def _toc_without(toc: dict, drop: set[str]) -> dict:
    def walk(node):
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(x) for x in node if not (isinstance(x, dict) and x.get("file") in drop)]
        return node
    return walk(toc)


def prepare(out: Path = STUDENT_DIR, execute: bool = False) -> dict:
    """Copy the book to ``out`` and strip it. Returns ``{"notebooks": {...}, "sentences": [...]}``
    (per-notebook counts, and the distinctive solution sentences for the leak scan)."""
    import nbformat
    import yaml

    out = Path(out).resolve()
    if out == ROOT or out in ROOT.parents or (out.exists() and any(out.iterdir()) and not (out / MARKER).exists()):
        raise StudentEditionError(f"拒绝清空 {out}：它不是本命令生成的学生版目录（缺少 {MARKER}）")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("由 python scripts/student_edition.py 生成；重新生成时整个目录会被清空。\n", encoding="utf-8")
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "_build")
    for item in COPY:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, out / item, ignore=ignore)
        elif src.is_file():
            shutil.copy2(src, out / item)

    for doc in INSTRUCTOR_ONLY:
        for ext in (".md", ".ipynb"):
            p = out / f"{doc}{ext}"
            if p.exists():
                p.unlink()
    toc = yaml.safe_load((out / "_toc.yml").read_text(encoding="utf-8"))
    (out / "_toc.yml").write_text(yaml.safe_dump(_toc_without(toc, set(INSTRUCTOR_ONLY)), allow_unicode=True,
                                                 sort_keys=False), encoding="utf-8")
    cfg = yaml.safe_load((out / "_config.yml").read_text(encoding="utf-8"))
    cfg["title"] = f"{cfg.get('title', '')}（学生版）"
    cfg.setdefault("execute", {})["execute_notebooks"] = "cache" if execute else "off"
    (out / "_config.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")

    summary: dict = {"notebooks": {}, "sentences": []}
    for p in sorted((out / "book").rglob("*.ipynb")):
        nb = nbformat.read(p, as_version=4)
        new, rep = strip_notebook(nb, p.relative_to(out).as_posix())
        nbformat.write(new, p)
        kept = p.read_text(encoding="utf-8")
        summary["notebooks"][p.relative_to(out).as_posix()] = {"solutions": rep.solutions, "code_cells": rep.code_cells}
        summary["sentences"] += distinctive_sentences(rep.removed, kept)
    for p in sorted((out / "book").rglob("*.md")):
        text = p.read_text(encoding="utf-8")
        new, rep = strip_markdown_file(text, p.relative_to(out).as_posix())
        if rep.solutions:
            p.write_text(new, encoding="utf-8")
            summary["sentences"] += distinctive_sentences(rep.removed, new)
    intro = out / "book" / "intro.md"
    if intro.exists():
        lines = intro.read_text(encoding="utf-8").split("\n")
        at = next((k + 1 for k, line in enumerate(lines) if line.startswith("# ")), 0)
        lines[at:at] = ["", STUDENT_NOTE]
        intro.write_text("\n".join(lines), encoding="utf-8")
    return summary


def export_notebooks(out: Path = STUDENT_DIR) -> list[Path]:
    """Copy the stripped chapter notebooks to ``out/notebooks/`` (flat, same file names)."""
    out = Path(out).resolve()
    dest = out / "notebooks"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    written = []
    for p in sorted((out / "book").glob("*.ipynb")):
        text = p.read_text(encoding="utf-8")
        leaks = source_leaks(text)
        if leaks:
            raise StudentEditionError(f"{p.name} 仍含答案标记 {leaks}")
        shutil.copy2(p, dest / p.name)
        written.append(dest / p.name)
    return written


def build_html(out: Path = STUDENT_DIR) -> Path:
    """Build ``out`` strictly with Jupyter Book; the log goes to ``out/_build/build.log``."""
    out = Path(out).resolve()
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb if jb.exists() else "jupyter-book"), "build", str(out), "-n", "-W", "--keep-going"]
    (out / "_build").mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(cmd, cwd=out, capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    (out / "_build" / "build.log").write_text(log, encoding="utf-8")
    if proc.returncode != 0 or "build succeeded" not in log:
        tail = "\n".join(log.strip().splitlines()[-30:])
        raise StudentEditionError(f"学生版构建失败（退出码 {proc.returncode}），日志：{out / '_build' / 'build.log'}\n{tail}")
    return out / "_build" / "html"


def site_leaks(html_dir: Path, sentences: list[str]) -> dict[str, list[str]]:
    """Every built page that still shows a solution marker or a solution sentence."""
    found: dict[str, list[str]] = {}
    for p in sorted(Path(html_dir).rglob("*.html")):
        raw = p.read_text(encoding="utf-8", errors="ignore")
        plain = _plain(raw)
        hits = [m for m in HTML_MARKERS if m in raw] + [s for s in sentences if s in plain]
        if hits:
            found[p.relative_to(html_dir).as_posix()] = hits
    return found


def make(out: Path = STUDENT_DIR, build: bool = True, execute: bool = False) -> dict:
    """Prepare, export and (unless ``build=False``) build and check the student edition."""
    summary = prepare(out, execute=execute)
    summary["exported"] = [p.name for p in export_notebooks(out)]
    (Path(out) / "solution_sentences.json").write_text(
        json.dumps(summary["sentences"], ensure_ascii=False, indent=1), encoding="utf-8")
    if build:
        html_dir = build_html(out)
        leaks = site_leaks(html_dir, summary["sentences"])
        if leaks:
            raise StudentEditionError("学生版网页中仍有答案：" + json.dumps(leaks, ensure_ascii=False)[:2000])
        summary["html"] = str(html_dir)
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python scripts/student_edition.py",
        description="生成学生版：去掉全部参考答案，导出学生笔记本到 student/notebooks/，并严格构建 HTML 到 student/_build/html。")
    ap.add_argument("--out", type=Path, default=STUDENT_DIR, help="学生版目录（默认 student/，已被 git 忽略）")
    ap.add_argument("--no-build", action="store_true", help="只去掉答案并导出笔记本，不构建 HTML")
    ap.add_argument("--execute", action="store_true", help="构建时重新执行去掉答案后的笔记本（较慢；可证明学生笔记本能独立运行）")
    args = ap.parse_args(argv)
    try:
        summary = make(args.out, build=not args.no_build, execute=args.execute)
    except StudentEditionError as e:
        print(f"[student] 失败：{e}", file=sys.stderr)
        return 1
    n = sum(v["solutions"] for v in summary["notebooks"].values())
    print(f"[student] 去掉了 {n} 个参考答案（{len(summary['notebooks'])} 个笔记本）；"
          f"学生笔记本：{Path(args.out) / 'notebooks'}（{len(summary['exported'])} 个）")
    if "html" in summary:
        print(f"[student] 学生版网页：{summary['html']}/index.html（已检查：无答案残留）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
