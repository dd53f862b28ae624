"""Checking and exporting the student edition: its PDF, leak scans and a clean student repository.

Split out of :mod:`ihbook.site.student`: everything that looks for solution text left in a built
PDF or an exported tree, and writes the student repository, lives here; ``student`` re-exports
every name here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from ihbook.evidence.paths import ROOT
from ihbook.site.student_strip import (
    INSTRUCTOR_FILES, INSTRUCTOR_ONLY, REPO_EXCLUDE, REPO_EXTRA, STUDENT_DIR, StudentEditionError,
    _notebook_text, _plain, distinctive_sentences, source_leaks, strip_notebook,
)
from ihbook.site.student_tree import prepare


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
