"""Classroom material as data: starters, difficulty tags, "想一想" prompts, one-call helpers.

Why this module exists: the chapters are owned by several authors; the teaching layer must not
be typed into each notebook by hand, or it drifts. Everything a chapter needs for teaching is
in ``data/teaching/``:

- ``exercises.json`` — per exercise: chapter, label, check name, difficulty (基础/进阶/挑战),
  minutes, whether the student chooses the input, the functions to use, the starter code
  with ``...`` blanks;
- ``think.json`` — 1–2 "想一想" prompts per chapter, with the section they follow;
- ``quizzes.json`` — the self-check quizzes (rendered by :mod:`ihbook.site.quiz`).

A chapter inserts them with a few cells (see :func:`insertion_plan`):

- :func:`exercise_overview` (``remove-input``): the table of the chapter's exercises with
  difficulty, kind and time, shown at the start of 练习;
- :func:`starter` (``skip-execution`` + ``nbval-skip``): the text of a starter cell;
- :func:`think_markdown`: the Markdown of a 想一想 box to paste into a Markdown cell
  (:func:`think` displays the same as HTML from a code cell);
- :func:`difficulty_badge`: the one-line tag to put as the first line of an exercise.

Also :func:`recompute`, a one-call version of ``conflicts.recompute(stated, by_id)`` so no
exercise needs a dictionary built only inside a solution.
"""
from __future__ import annotations

import html
import json
import re

import pandas as pd

from ihbook.evidence import conflicts
from ihbook.evidence import ledger
from ihbook.evidence.paths import DATA, ROOT
from ihbook.site import checks

THINK = DATA / "teaching" / "think.json"
DIFFICULTY = {"基础": "★☆☆", "进阶": "★★☆", "挑战": "★★★"}
STARTER_TAGS = ["skip-execution", "nbval-skip"]
CHECK_TAGS = ["skip-execution", "nbval-skip"]


class TeachingError(ValueError):
    """Unknown chapter, exercise or claim (message in Chinese)."""


def recompute(claim_id: str) -> tuple[float, str]:
    """What a claim's stated relation (share, growth, CAGR…) says its value should be, and the
    working in Chinese: ``value, working = teaching.recompute("R25-255")``."""
    rec = ledger.claim(claim_id.strip().upper() if isinstance(claim_id, str) else claim_id)
    if not rec.get("relation"):
        raise TeachingError(f"{rec['claim_id']} 在账本中没有登记可以重算的关系（relation 为空）")
    by_id = {r["claim_id"]: r for r in ledger.load_claims().to_dict("records")}
    out = conflicts.recompute(rec, by_id)
    if out is None:
        raise TeachingError(f"{rec['claim_id']} 的关系无法重算（时期不明）")
    return out


def exercise(label: str) -> dict:
    for e in checks.exercises():
        if e["label"] == label:
            return e
    raise TeachingError(f"没有标签为“{str(label)[:40]}”的练习")


def starter(label: str) -> str:
    """The starter cell's code for an exercise, ending with its check call."""
    e = exercise(label)
    code = e["starter"].rstrip()
    return code


def check_cell(label: str) -> str:
    e = exercise(label)
    return f'grader.check("{e["check"]}")' if e.get("check") else ""


def difficulty_badge(label: str) -> str:
    """One line for the top of an exercise: ``**难度**：★★☆ 进阶 · 计算 · 约 15 分钟 · 自选输入``."""
    e = exercise(label)
    parts = [f"**难度**：{DIFFICULTY[e['difficulty']]} {e['difficulty']}", e["kind"], f"约 {e['minutes']} 分钟"]
    if e.get("own_input"):
        parts.append("自选输入")
    return " · ".join(parts)


def exercise_overview(chapter: str) -> pd.DataFrame:
    """The chapter's computational exercises: label, difficulty, time, functions, check."""
    rows = [{"练习": e["label"], "难度": f"{DIFFICULTY[e['difficulty']]} {e['difficulty']}", "类型": e["kind"],
             "时间（分钟）": e["minutes"], "自选输入": "是" if e.get("own_input") else "",
             "用到的函数": "、".join(e["functions"]), "检查": e.get("check") or ""}
            for e in checks.exercises(chapter)]
    if not rows:
        raise TeachingError(f"没有第“{str(chapter)[:40]}”章的练习数据")
    return pd.DataFrame(rows)


def load_think() -> list[dict]:
    return json.loads(THINK.read_text(encoding="utf-8"))


def thinks(chapter: str) -> list[dict]:
    key = checks.doc_key(chapter)
    return [t for t in load_think() if checks.doc_key(t["chapter"]) == key]


def think_markdown(chapter: str, n: int = 0) -> str:
    """The Markdown of the chapter's ``n``-th 想一想 box (a colon-fence admonition)."""
    items = thinks(chapter)
    if not 0 <= n < len(items):
        raise TeachingError(f"第“{chapter}”章没有第 {n + 1} 个“想一想”")
    t = items[n]
    return f":::{{admonition}} 想一想\n:class: tip\n{t['prompt']}\n:::\n"


def think_html(chapter: str, n: int = 0) -> str:
    items = thinks(chapter)
    if not 0 <= n < len(items):
        raise TeachingError(f"第“{chapter}”章没有第 {n + 1} 个“想一想”")
    t = items[n]
    return (f'<aside class="admonition tip ihbook-think" aria-label="想一想">'
            f'<p class="admonition-title">想一想</p><p>{html.escape(t["prompt"])}</p></aside>')


def think(chapter: str, n: int = 0) -> None:
    """Display the ``n``-th 想一想 box of a chapter (from a ``remove-input`` code cell)."""
    from IPython.display import HTML, display

    display(HTML(think_html(chapter, n)))


def insertion_plan(chapter: str) -> list[dict]:
    """What a chapter owner inserts, in order: ``[{"where", "cell_type", "tags", "source"}]``."""
    key = checks.doc_key(chapter)
    plan = []
    for i, t in enumerate(thinks(key)):
        plan.append({"where": f"在标题含“{t['after']}”的一节的末尾", "cell_type": "markdown", "tags": [],
                     "source": think_markdown(key, i)})
    plan.append({"where": "“## 练习”标题之后", "cell_type": "code", "tags": ["remove-input"],
                 "source": f'from ihbook.site import teaching\nteaching.exercise_overview("{key}")'})
    plan.append({"where": "“## 练习”标题之后（紧接上一格）", "cell_type": "code", "tags": [],
                 "source": "from ihbook.site import checks\ngrader = checks.grader()"})
    for e in checks.exercises(key):
        new = not e.get("exists_in_chapter", True)
        if new:
            plan.append({"where": "“## 练习”中合适的位置（新增练习）", "cell_type": "markdown", "tags": [],
                         "source": f"```{{exercise}}\n:label: {e['label']}\n{difficulty_badge(e['label'])}\n\n"
                                   f"{e['prompt'].removeprefix('（新增练习）')}\n```\n"})
        else:
            plan.append({"where": f"{e['label']} 题目的第一行", "cell_type": "markdown-line", "tags": [],
                         "source": difficulty_badge(e["label"])})
        where = f"新增练习 {e['label']} 之后" if new else f"练习 {e['label']} 的 exercise 块之后、它的答案之前"
        plan.append({"where": where, "cell_type": "code", "tags": STARTER_TAGS, "source": starter(e["label"])})
        if e.get("check"):
            plan.append({"where": f"紧接 {e['label']} 的起始代码格之后", "cell_type": "code", "tags": CHECK_TAGS,
                         "source": check_cell(e["label"])})
        if new and e.get("check"):
            sol = checks.load_solutions()[e["check"]]["solution"]
            plan.append({"where": f"紧接 {e['label']} 的检查格之后（参考答案，学生版会删去）", "cell_type": "markdown", "tags": [],
                         "source": f"```{{solution-start}} {e['label']}\n:class: dropdown\n```\n"})
            plan.append({"where": "参考答案的代码", "cell_type": "code", "tags": [], "source": sol})
            plan.append({"where": "参考答案的解释（章节负责人按运行结果改写）", "cell_type": "markdown", "tags": [],
                         "source": "以上是一种选法的示范。每位学生的输入不同，结果也不同；评分看所选输入的理由、"
                                   "结果的解读是否与输入相符，以及是否指出了数字的局限。\n\n```{solution-end}\n```\n"})
    plan.append({"where": "“## 延伸阅读”之前", "cell_type": "code", "tags": ["remove-input"],
                 "source": f'from ihbook.site import quiz\nquiz.show("{key}")'})
    return plan


# ------------------------------------------------------------------------------ for chapter owners

_CALL = re.compile(r"\b([a-z_]+)\.([A-Za-z_]+)\b")


def functions_not_shown(chapter: str) -> dict[str, list[str]]:
    """For each exercise of a chapter: the functions its starter asks for that the chapter's
    visible code (cells not tagged remove-input, before "## 练习") never uses. Each of these
    should appear once in the chapter text before the exercise."""
    import nbformat

    ex = checks.exercises(chapter)
    if not ex:
        return {}
    nb = nbformat.read(ROOT / f"{ex[0]['chapter']}.ipynb", as_version=4)
    shown: set[str] = set()
    for c in nb.cells:
        if c.cell_type == "markdown" and re.search(r"^## 练习", c.source, re.M):
            break
        if c.cell_type == "code" and "remove-input" not in c.metadata.get("tags", []):
            shown |= {f"{a}.{b}" for a, b in _CALL.findall(c.source)}
    return {e["label"]: [f for f in e["functions"] if not f.startswith("DataFrame.") and f not in shown] for e in ex}


def plan_markdown(chapter: str) -> str:
    """The insertion plan of a chapter as Markdown (what ``python -m ihbook.site.teaching 01`` prints)."""
    lines = [f"# 教学材料插入清单：{chapter}", ""]
    missing = {k: v for k, v in functions_not_shown(chapter).items() if v}
    if missing:
        lines += ["## 正文应先用到的函数（练习要求使用，但正文可见代码中没有出现）", ""]
        lines += [f"- {k}：{'、'.join(f'`{f}`' for f in v)}" for k, v in missing.items()]
        lines.append("")
    for e in checks.exercises(chapter):
        if e.get("helper"):
            lines += [f"- 注意（{e['label']}）：{e['helper']}"]
    lines += ["", "## 按顺序插入的单元", ""]
    for i, p in enumerate(insertion_plan(chapter), 1):
        tags = f"，标签 {p['tags']}" if p["tags"] else ""
        lines += [f"### {i}. {p['where']}（{p['cell_type']}{tags}）", "", "```", p["source"].rstrip(), "```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    ap = argparse.ArgumentParser(prog="python -m ihbook.site.teaching",
                                 description="打印一章的教学材料插入清单（起始代码、检查、难度、想一想、小测验）")
    ap.add_argument("chapter", help="章节编号或文件名，例如 01、09_reading_texts、methods_appendix")
    args = ap.parse_args(argv)
    try:
        print(plan_markdown(args.chapter))
    except (TeachingError, checks.CheckError) as e:
        print(f"[teaching] {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def chapter_status() -> "pd.DataFrame":
    """For every chapter: which teaching items are inserted and whether each inserted copy is
    still the current one (starter and check cells, 想一想 boxes, the quiz output). A chapter
    owner re-inserts or re-executes where 状态 is not “当前”. Command:
    ``python -c "from ihbook.site import teaching; print(teaching.chapter_status().to_string())"``."""
    import nbformat

    from ihbook.site import quiz

    rows = []
    docs = sorted({e["chapter"] for e in checks.exercises()} | {t["chapter"] for t in load_think()})
    for doc in docs:
        path = ROOT / f"{doc}.ipynb"
        if not path.exists():
            continue
        nb = nbformat.read(path, as_version=4)
        code = [c.source.strip() for c in nb.cells if c.cell_type == "code"]
        md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        for e in checks.exercises(doc):
            st = starter(e["label"]).strip()
            rows.append({"章节": doc, "项目": f"起始代码 {e['label']}",
                         "状态": "当前" if st in code else ("未插入" if f":label: {e['label']}" in md or not e.get("exists_in_chapter", True) else "未插入或已改动")})
            if e.get("check"):
                rows.append({"章节": doc, "项目": f"检查 {e['check']}", "状态": "当前" if check_cell(e["label"]) in code else "未插入"})
        key = checks.doc_key(doc)
        for i, t in enumerate(thinks(key)):
            body = t["prompt"]
            state = "当前" if body in md else ("旧版本" if "想一想" in md else "未插入")
            rows.append({"章节": doc, "项目": f"想一想 {i + 1}", "状态": state})
        quiz_cells = [c for c in nb.cells if c.cell_type == "code" and "quiz.show" in c.source]
        if key.isdigit():
            if not quiz_cells:
                rows.append({"章节": doc, "项目": "小测验", "状态": "未插入"})
            else:
                out = "".join("".join(o.get("data", {}).get("text/html", "")) for o in quiz_cells[0].get("outputs", []))
                rows.append({"章节": doc, "项目": "小测验", "状态": "当前" if out.strip() == quiz.render(key).strip() else "需重新执行"})
    return pd.DataFrame(rows, columns=["章节", "项目", "状态"])
