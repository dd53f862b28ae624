"""Self-check quizzes that work in the static HTML book: no kernel, no CDN, keyboard accessible.

Why this module exists: jupyterquiz renders its questions with JavaScript loaded into the
page and, in its usual setup, reads them from a URL; this book must work offline and for
readers in mainland China, and each question must be usable with a keyboard and a screen
reader. So a quiz here is plain HTML:

- each question is a ``<fieldset>`` with a ``<legend>`` and native radio buttons with
  ``<label>`` elements (arrow keys move between options, Tab reaches the button);
- a "检查答案" button gives immediate feedback in an ``aria-live`` region, in words (✓ 正确 /
  ✗ 再想想), never by colour alone — this needs the small inline script that comes with the
  quiz (no external file);
- without any script (a JupyterLab output, a printed page) a native ``<details>`` element
  still reveals the answer and the explanation.

The questions are data (``data/teaching/quizzes.json``); option order is shuffled
deterministically per question so the right answer is not always in the same place.
A chapter shows its quiz with one ``remove-input`` cell::

    from ihbook.site import quiz
    quiz.show("01")
"""
from __future__ import annotations

import hashlib
import html
import json

from ihbook.evidence.paths import DATA

QUIZZES = DATA / "teaching" / "quizzes.json"
LETTERS = "ABCDEFGH"

STYLE = """<style>
.ihbook-quiz{border:1px solid #8c959f;border-radius:6px;padding:.6em 1em;margin:1em 0}
.ihbook-quiz fieldset{border:0;border-top:1px solid #d0d7de;margin:.6em 0 0;padding:.6em 0 0}
.ihbook-quiz legend{font-weight:600;padding:0}
.ihbook-quiz .opt{margin:.2em 0}
.ihbook-quiz button{margin:.4em 0;padding:.2em .8em;border:1px solid #24292f;border-radius:4px;background:#f6f8fa;color:#24292f;cursor:pointer}
.ihbook-quiz button:focus-visible,.ihbook-quiz summary:focus-visible,.ihbook-quiz input:focus-visible{outline:3px solid #0969da;outline-offset:2px}
.ihbook-quiz .fb{min-height:1.4em;margin:.2em 0;font-weight:600}
.ihbook-quiz .fb.ok{color:#116329}.ihbook-quiz .fb.no{color:#a40e26}
.ihbook-quiz summary{cursor:pointer;color:#0550ae}
html[data-theme="dark"] .ihbook-quiz summary{color:#79c0ff}
html[data-theme="dark"] .ihbook-quiz .fb.ok{color:#56d364}html[data-theme="dark"] .ihbook-quiz .fb.no{color:#ff7b72}
@media print{.ihbook-quiz button,.ihbook-quiz .fb{display:none}}
</style>"""

SCRIPT = """<script>
(function(){var root=document.getElementById("%(root)s");if(!root)return;
root.querySelectorAll("fieldset").forEach(function(fs){
 var btn=fs.querySelector("button"),fb=fs.querySelector(".fb");
 btn.addEventListener("click",function(){
  var c=fs.querySelector("input:checked");
  if(!c){fb.textContent="请先选择一个选项。";fb.className="fb";return;}
  var ok=c.value===fs.getAttribute("data-answer");
  fb.textContent=ok?"✓ 正确。"+fs.getAttribute("data-explain"):"✗ 再想想。可以换一个选项再检查，或展开下面的“查看答案与解释”。";
  fb.className=ok?"fb ok":"fb no";});});})();
</script>"""


class QuizError(ValueError):
    """Unknown chapter or malformed quiz data (message in Chinese)."""


def load() -> list[dict]:
    return json.loads(QUIZZES.read_text(encoding="utf-8"))


def _key(chapter: str) -> str:
    stem = str(chapter).split("/")[-1].removesuffix(".ipynb")
    return stem[:2] if stem[:2].isdigit() else stem


def questions(chapter: str) -> list[dict]:
    key = _key(chapter)
    for q in load():
        if _key(q["chapter"]) == key:
            return q["questions"]
    raise QuizError(f"没有第“{str(chapter)[:40]}”章的小测验")


def check(data: list[dict] | None = None) -> list[str]:
    """Problems in the quiz data (empty list: fine)."""
    problems = []
    for block in data if data is not None else load():
        for i, q in enumerate(block["questions"], 1):
            where = f"{block['chapter']} 第 {i} 题"
            if not 2 <= len(q["options"]) <= len(LETTERS):
                problems.append(f"{where}：选项数应为 2–{len(LETTERS)}")
            if not 0 <= q["answer"] < len(q["options"]):
                problems.append(f"{where}：answer 超出选项范围")
            if len(set(q["options"])) != len(q["options"]):
                problems.append(f"{where}：选项重复")
            if not q.get("explain"):
                problems.append(f"{where}：缺少解释")
    return problems


def _order(q: dict) -> list[int]:
    n = len(q["options"])
    shift = int(hashlib.sha256(q["q"].encode("utf-8")).hexdigest(), 16) % n
    return [(i + shift) % n for i in range(n)]


def render(chapter: str) -> str:
    """The quiz of a chapter as one self-contained HTML fragment (style + markup + script)."""
    qs = questions(chapter)
    key = _key(chapter)
    root = f"ihbook-quiz-{key}"
    parts = [STYLE, f'<section class="ihbook-quiz" id="{root}" aria-label="本章自测">',
             '<p><strong>本章自测</strong>（不计分；选择后按“检查答案”，或展开“查看答案与解释”）</p>']
    for i, q in enumerate(qs, 1):
        order = _order(q)
        answer_pos = order.index(q["answer"])
        qid = f"{root}-q{i}"
        parts.append(f'<fieldset data-answer="{answer_pos}" data-explain="{html.escape(q["explain"], quote=True)}">')
        parts.append(f"<legend>{i}. {html.escape(q['q'])}</legend>")
        for pos, j in enumerate(order):
            oid = f"{qid}-o{pos}"
            parts.append(f'<div class="opt"><input type="radio" name="{qid}" id="{oid}" value="{pos}">'
                         f'<label for="{oid}">{LETTERS[pos]}. {html.escape(q["options"][j])}</label></div>')
        parts.append('<button type="button">检查答案</button>')
        parts.append('<p class="fb" role="status" aria-live="polite"></p>')
        parts.append(f"<details><summary>查看答案与解释</summary><p>答案：{LETTERS[answer_pos]}。"
                     f"{html.escape(q['explain'])}</p></details>")
        parts.append("</fieldset>")
    parts.append("</section>")
    parts.append(SCRIPT % {"root": root})
    return "\n".join(parts)


def show(chapter: str) -> None:
    """Display a chapter's quiz (a ``remove-input`` cell)."""
    from IPython.display import HTML, display

    display(HTML(render(chapter)))
