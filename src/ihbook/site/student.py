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
import json
import sys
from pathlib import Path

from ihbook.site.student_strip import (  # noqa: F401
    STUDENT_DIR, MARKER, COPY, INSTRUCTOR_ONLY, INSTRUCTOR_FILES, REPO_EXTRA, REPO_EXCLUDE,
    SOURCE_MARKERS, HTML_MARKERS, STUDENT_NOTE, FENCE, DIRECTIVE, StudentEditionError, Stripped,
    _directive, _close, strip_text, strip_notebook, strip_markdown_file, source_leaks, _plain,
    distinctive_sentences, _notebook_text,
)
from ihbook.site.student_tree import (  # noqa: F401
    _toc_without, prepare, export_notebooks, launch_environment, build_html, site_leaks,
)
from ihbook.site.student_export import (  # noqa: F401
    make_pdf, pdf_text, text_leaks, pdf_leaks, solution_fingerprints, _text_files, repo_leaks,
    STUDENT_README, export_repo,
)


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
