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
import os
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


def prepare(out: Path = STUDENT_DIR, execute: bool = False, launch_repo: str | None = None,
            launch_branch: str | None = None) -> dict:
    """Copy the book to ``out`` and strip it. Returns ``{"notebooks": {...}, "sentences": [...]}``
    (per-notebook counts, and the distinctive solution sentences for the leak scan).

    ``launch_repo`` / ``launch_branch`` point the student pages' launch buttons (Binder,
    JupyterHub via nbgitpuller) and repository button at the student repository or branch, so
    a student who clicks "launch" never lands in the instructor's tree with its solutions."""
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
    for f in INSTRUCTOR_FILES:
        if (out / f).exists():
            (out / f).unlink()
    toc = yaml.safe_load((out / "_toc.yml").read_text(encoding="utf-8"))
    (out / "_toc.yml").write_text(yaml.safe_dump(_toc_without(toc, set(INSTRUCTOR_ONLY)), allow_unicode=True,
                                                 sort_keys=False), encoding="utf-8")
    cfg = yaml.safe_load((out / "_config.yml").read_text(encoding="utf-8"))
    cfg["title"] = f"{cfg.get('title', '')}（学生版）"
    cfg.setdefault("execute", {})["execute_notebooks"] = "cache" if execute else "off"
    if launch_repo or launch_branch:
        repo = cfg.setdefault("repository", {})
        if launch_repo:
            if not re.match(r"^https://[\w.-]+/[\w.-]+/[\w.-]+/?$", launch_repo):
                raise StudentEditionError(f"学生仓库地址应形如 https://github.com/组织/仓库（收到“{launch_repo[:80]}”）")
            repo["url"] = launch_repo.rstrip("/")
        if launch_branch:
            if not re.match(r"^[\w./-]{1,100}$", launch_branch) or ".." in launch_branch:
                raise StudentEditionError(f"分支名不合法：“{launch_branch[:80]}”")
            repo["branch"] = launch_branch
    (out / "_config.yml").write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")

    summary: dict = {"notebooks": {}, "sentences": []}
    for p in sorted((out / "book").rglob("*.ipynb")):
        nb = nbformat.read(p, as_version=4)
        new, rep = strip_notebook(nb, p.relative_to(out).as_posix())
        nbformat.write(new, p)
        kept = _notebook_text(new)
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


def launch_environment(out: Path, launch_repo: str | None = None, environ=None) -> dict:
    """The environment for building the student site. The book's launch buttons take their
    repository from IHBOOK_REPOSITORY_URL, then ``repository.url``, then the git remote; the
    student tree lives inside the instructor's work tree, so without care the git remote would
    be the INSTRUCTOR's repository (with the solutions). Git's search is stopped at the student
    tree (GIT_CEILING_DIRECTORIES), and the variable is set to the student repository or removed."""
    env = dict(os.environ if environ is None else environ)
    env["GIT_CEILING_DIRECTORIES"] = str(Path(out).resolve().parent)
    if launch_repo:
        env["IHBOOK_REPOSITORY_URL"] = launch_repo
    else:
        env.pop("IHBOOK_REPOSITORY_URL", None)
    return env


def build_html(out: Path = STUDENT_DIR, launch_repo: str | None = None) -> Path:
    """Build ``out`` strictly with Jupyter Book; the log goes to ``out/_build/build.log``."""
    out = Path(out).resolve()
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb if jb.exists() else "jupyter-book"), "build", str(out), "-n", "-W", "--keep-going"]
    (out / "_build").mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(cmd, cwd=out, capture_output=True, text=True, env=launch_environment(out, launch_repo))
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


def make(out: Path = STUDENT_DIR, build: bool = True, execute: bool = False,
         launch_repo: str | None = None, launch_branch: str | None = None, pdf: bool = False) -> dict:
    """Prepare, export and (unless ``build=False``) build and check the student edition;
    ``pdf=True`` also prints it to ``out/_build/pdf/book.pdf`` and checks the PDF's text."""
    summary = prepare(out, execute=execute, launch_repo=launch_repo, launch_branch=launch_branch)
    summary["exported"] = [p.name for p in export_notebooks(out)]
    (Path(out) / "solution_sentences.json").write_text(
        json.dumps(summary["sentences"], ensure_ascii=False, indent=1), encoding="utf-8")
    if build:
        html_dir = build_html(out, launch_repo=launch_repo)
        leaks = site_leaks(html_dir, summary["sentences"])
        if leaks:
            raise StudentEditionError("学生版网页中仍有答案：" + json.dumps(leaks, ensure_ascii=False)[:2000])
        summary["html"] = str(html_dir)
        if pdf:
            pdf_path = make_pdf(out)
            leaks = pdf_leaks(pdf_path, summary["sentences"])
            if leaks:
                raise StudentEditionError(f"学生版 PDF 中仍有答案：{leaks[:5]}")
            summary["pdf"] = str(pdf_path)
    return summary


# --------------------------------------------------------------------------------------------
# The student PDF


def make_pdf(out: Path = STUDENT_DIR) -> Path:
    """Print the built student site to ``out/_build/pdf/book.pdf`` with the book's PDF printer
    (scripts/pdf.py: headless Debian Chromium, pages in table-of-contents order)."""
    import importlib.util

    out = Path(out).resolve()
    html_dir = out / "_build" / "html"
    if not (html_dir / "index.html").is_file():
        raise StudentEditionError("学生版网页尚未构建：先运行 python scripts/student_edition.py")
    spec = importlib.util.spec_from_file_location("ihbook_pdf", ROOT / "scripts" / "pdf.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    pdf_dir = out / "_build" / "pdf"
    code = mod.main(["--html", str(html_dir), "--out", str(pdf_dir)])
    if code != 0 or not (pdf_dir / "book.pdf").is_file():
        raise StudentEditionError(f"学生版 PDF 生成失败（退出码 {code}）；需要 /usr/bin/chromium 和 poppler-utils")
    return pdf_dir / "book.pdf"


def pdf_text(pdf_path: Path) -> str:
    proc = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise StudentEditionError(f"无法读取 PDF 文字（pdftotext）：{proc.stderr[:200]}")
    return proc.stdout


def text_leaks(text: str, sentences: list[str]) -> list[str]:
    """Solution sentences found in a text, compared without whitespace (PDF text breaks lines
    anywhere)."""
    flat = re.sub(r"\s+", "", text)
    return [s for s in sentences if re.sub(r"\s+", "", s) in flat]


def pdf_leaks(pdf_path: Path, sentences: list[str]) -> list[str]:
    return text_leaks(pdf_text(pdf_path), sentences)


# --------------------------------------------------------------------------------------------
# A clean student repository


def solution_fingerprints(root: Path = ROOT) -> dict[str, list[str]]:
    """What must never reach a student: ``{"sentences": [...], "code": [...], "guide": [...]}`` —
    distinctive sentences and code lines of every solution in the book, and distinctive
    sentences of the instructor-only pages."""
    import nbformat

    sentences: list[str] = []
    code: list[str] = []
    for p in sorted((root / "book").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in p.parts:
            continue
        nb = nbformat.read(p, as_version=4)
        stripped, rep = strip_notebook(nb, p.name)
        kept = _notebook_text(stripped)
        sentences += distinctive_sentences(rep.removed, kept)
        for block in rep.removed:
            for line in block.split("\n"):
                t = line.strip()
                if (len(t) >= 16 and re.search(r"[=(]", t) and not re.search(r"[\u4e00-\u9fff]", t)
                        and not t.startswith(("#", ":", "`")) and t not in kept):
                    code.append(t)
    # Code that students are given anyway is no fingerprint: the package's own source and the
    # starter cells (data/teaching/exercises.json) may share a line with a solution.
    public = "\n".join(q.read_text(encoding="utf-8") for q in (root / "src").rglob("*.py"))
    ex_file = root / "data" / "teaching" / "exercises.json"
    if ex_file.exists():
        public += "\n".join(e.get("starter", "") for e in json.loads(ex_file.read_text(encoding="utf-8"))["exercises"])
    code = [c for c in code if c not in public]
    sentences = [t for t in sentences if t not in public]  # boilerplate the package itself prints
    others = "\n".join(q.read_text(encoding="utf-8") for q in (root / "book").rglob("*.md")
                       if q.with_suffix("").relative_to(root).as_posix() not in INSTRUCTOR_ONLY)
    guide: list[str] = []
    for doc in INSTRUCTOR_ONLY:
        q = root / f"{doc}.md"
        if q.exists():
            for s in re.split(r"[。！？；\n]", _plain(q.read_text(encoding="utf-8"))):
                s = s.strip()
                if len(re.findall(r"[\u4e00-\u9fff]", s)) >= 14 and s not in _plain(others):
                    guide.append(s)
    return {"sentences": list(dict.fromkeys(sentences)), "code": list(dict.fromkeys(code)),
            "guide": list(dict.fromkeys(guide))}


def _text_files(tree: Path):
    for p in sorted(tree.rglob("*")):
        if p.is_file() and not (set(p.relative_to(tree).parts) & {".git"}):
            try:
                yield p, p.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue


def repo_leaks(tree: Path, fingerprints: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Every file under ``tree`` that contains a solution marker, a solution sentence or code
    line, an instructor-guide sentence, or an instructor-only file."""
    fp = fingerprints or solution_fingerprints()
    tree = Path(tree)
    found: dict[str, list[str]] = {}
    for f in INSTRUCTOR_FILES + [f"{d}.md" for d in INSTRUCTOR_ONLY]:
        if (tree / f).exists():
            found[f] = ["教师专用文件"]
    for p, text in _text_files(tree):
        plain = _plain(text) if p.suffix in (".md", ".html", ".ipynb") else text
        hits = source_leaks(text) if p.suffix in (".md", ".ipynb") else []
        hits += [s for s in fp["sentences"] + fp["guide"] if s in plain or s in text]
        hits += [c for c in fp["code"] if c in text]
        if hits:
            found[p.relative_to(tree).as_posix()] = hits[:5]
    return found


STUDENT_README = """# {title}

这是课程发给学生的仓库：各章练习保留，参考答案、教师指南和答案数据都已移除（由教师仓库中的
`python scripts/student_edition.py --export-repo` 生成，不含版本历史）。

## 运行（只需要 pip，不需要管理员权限，也不需要浏览器内核）

```bash
python3 -m venv .venv
.venv/bin/pip install -e .            # 本书的程序包及其依赖
.venv/bin/pip install jupyterlab      # 如果电脑上还没有 Jupyter
.venv/bin/jupyter lab                 # 打开 book/ 中的章节
```

笔记本要在 `book/` 文件夹里运行，程序包才能找到 `data/` 中的数据。每道计算练习后面有一个检查单元
（`grader.check("…")`），运行它就能看到“通过”或一条提示。

课程的 JupyterHub 链接、Binder 按钮和提交方式请听授课教师安排。
"""


def export_repo(dest: Path, launch_repo: str | None = None, branch: str = "main",
                fingerprints: dict[str, list[str]] | None = None) -> Path:
    """Write a clean student repository to ``dest``: the stripped book (no solutions, no
    instructor guide, no solution data), the package, its data and environment files, a
    student README, as ONE commit on ``branch`` with no history. Every text file is scanned for
    solution sentences and code lines and instructor-guide sentences before the commit; a leak
    raises :class:`StudentEditionError` and nothing is committed."""
    import tempfile

    dest = Path(dest).resolve()
    if dest == ROOT or dest in ROOT.parents or ROOT in dest.parents:
        raise StudentEditionError(f"拒绝导出到 {dest}：请选择本仓库之外的空文件夹")
    if dest.exists() and any(dest.iterdir()):
        raise StudentEditionError(f"{dest} 不是空文件夹：学生仓库必须从零开始（不带任何历史）")
    fp = fingerprints or solution_fingerprints()
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / "student"
        prepare(stage, launch_repo=launch_repo, launch_branch=branch if launch_repo else None)
        dest.mkdir(parents=True, exist_ok=True)
        ignore = shutil.ignore_patterns(*REPO_EXCLUDE)
        for item in sorted(stage.iterdir()):
            if item.name in REPO_EXCLUDE:
                continue
            if item.is_dir():
                shutil.copytree(item, dest / item.name, ignore=ignore)
            else:
                shutil.copy2(item, dest / item.name)
    for item in REPO_EXTRA:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=shutil.ignore_patterns(*REPO_EXCLUDE, "*.egg-info"))
        elif src.is_file():
            shutil.copy2(src, dest / item)
    import yaml

    title = yaml.safe_load((dest / "_config.yml").read_text(encoding="utf-8")).get("title", "")
    (dest / "README.md").write_text(STUDENT_README.format(title=title), encoding="utf-8")
    (dest / ".gitignore").write_text(".venv/\n_build/\nnode_modules/\n__pycache__/\n*.egg-info/\n.ipynb_checkpoints/\n",
                                     encoding="utf-8")
    leaks = repo_leaks(dest, fp)
    if leaks:
        shutil.rmtree(dest)
        raise StudentEditionError("学生仓库中仍有答案或教师内容：" + json.dumps(leaks, ensure_ascii=False)[:2000])
    env = {"GIT_AUTHOR_NAME": "ihbook student edition", "GIT_AUTHOR_EMAIL": "student-edition@invalid",
           "GIT_COMMITTER_NAME": "ihbook student edition", "GIT_COMMITTER_EMAIL": "student-edition@invalid",
           "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", str(dest))}
    for cmd in (["git", "init", "-q", "-b", branch], ["git", "add", "-A"],
                ["git", "commit", "-q", "-m", "学生版（无参考答案，无历史）"]):
        proc = subprocess.run(cmd, cwd=dest, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise StudentEditionError(f"git 失败：{' '.join(cmd)}：{proc.stderr[:300]}")
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python scripts/student_edition.py",
        description="生成学生版：去掉全部参考答案，导出学生笔记本到 student/notebooks/，并严格构建 HTML 到 student/_build/html。")
    ap.add_argument("--out", type=Path, default=STUDENT_DIR, help="学生版目录（默认 student/，已被 git 忽略）")
    ap.add_argument("--no-build", action="store_true", help="只去掉答案并导出笔记本，不构建 HTML")
    ap.add_argument("--execute", action="store_true", help="构建时重新执行去掉答案后的笔记本（较慢；可证明学生笔记本能独立运行）")
    ap.add_argument("--launch-repo", help="学生版网页的启动按钮指向的学生仓库，例如 https://github.com/课程/ihbook-student")
    ap.add_argument("--launch-branch", help="启动按钮使用的分支，例如 student")
    ap.add_argument("--pdf", action="store_true", help="构建后再打印学生版 PDF（student/_build/pdf/book.pdf）并检查其中没有答案")
    ap.add_argument("--export-repo", type=Path, metavar="DIR",
                    help="只导出一个干净的学生仓库到 DIR（空文件夹）：无答案、无教师指南、无历史，一次提交")
    args = ap.parse_args(argv)
    if args.export_repo:
        try:
            dest = export_repo(args.export_repo, launch_repo=args.launch_repo, branch=args.launch_branch or "main")
        except StudentEditionError as e:
            print(f"[student] 失败：{e}", file=sys.stderr)
            return 1
        print(f"[student] 学生仓库：{dest}（一次提交，已扫描：无答案、无教师内容）。推送：cd {dest} && git remote add origin URL && git push -u origin HEAD")
        return 0
    try:
        summary = make(args.out, build=not args.no_build, execute=args.execute, launch_repo=args.launch_repo,
                       launch_branch=args.launch_branch, pdf=args.pdf)
    except StudentEditionError as e:
        print(f"[student] 失败：{e}", file=sys.stderr)
        return 1
    n = sum(v["solutions"] for v in summary["notebooks"].values())
    print(f"[student] 去掉了 {n} 个参考答案（{len(summary['notebooks'])} 个笔记本）；"
          f"学生笔记本：{Path(args.out) / 'notebooks'}（{len(summary['exported'])} 个）")
    if "html" in summary:
        print(f"[student] 学生版网页：{summary['html']}/index.html（已检查：无答案残留）")
    if "pdf" in summary:
        print(f"[student] 学生版 PDF：{summary['pdf']}（已检查：无答案残留）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
