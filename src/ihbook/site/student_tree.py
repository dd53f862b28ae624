"""The student tree: the stripped copy of the book, its exported notebooks and its strict HTML build.

Split out of :mod:`ihbook.site.student`: writing ``student/`` (copy, strip, drop instructor-only
pages, export notebooks) and building and scanning its HTML is one step of the edition;
``student`` re-exports every name here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ihbook.evidence.paths import ROOT
from ihbook.site.student_strip import (
    COPY, HTML_MARKERS, INSTRUCTOR_FILES, INSTRUCTOR_ONLY, MARKER, STUDENT_DIR, STUDENT_NOTE,
    StudentEditionError, _notebook_text, _plain, distinctive_sentences, source_leaks,
    strip_markdown_file, strip_notebook,
)


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
