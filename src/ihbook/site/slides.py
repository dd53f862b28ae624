"""Slides for each class session, generated from the chapter notebooks (reveal.js, offline).

Why this module exists: an instructor needs something to project in class, and slides typed
by hand drift from the book. Here each session's deck is built from the notebooks the
syllabus assigns to it:

- per chapter: a title slide, the 学习目标 list, the 要点速览 (the rendered output of the
  chapter's key-point cell), one slide per section with its first paragraph and its first
  chart (embedded as a data URI, with alt text), the chapter's "想一想" prompts and its
  self-check questions (answers revealed as a fragment);
- per session: an overview slide and a closing slide with the exercises to do after class.

reveal.js comes from npm (``package.json`` pins it; ``npm ci`` installs it into
``node_modules/``) and is copied next to the decks, so they open from the file system with
no network. MyST roles are reduced to their text; claim numbers glued into the prose
(``{glue:md}`ID```) are filled in from the ledger.

Command::

    python -m ihbook.site.slides              # every session → _build/slides/session-N.html
    python -m ihbook.site.slides --session 3  # one session
"""
from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
from pathlib import Path

from ihbook.evidence.paths import BOOK, ROOT
from ihbook.site import checks, quiz, teaching

OUT = ROOT / "_build" / "slides"
REVEAL = ROOT / "node_modules" / "reveal.js"
REVEAL_FILES = ["dist/reveal.js", "dist/reveal.css", "dist/reset.css", "dist/theme/white.css", "LICENSE"]

# The syllabus's six sessions (book/teaching/syllabus.md); tests/test_teaching.py keeps them in step.
SESSIONS = {
    1: ("医疗困境与本书的读法", ["01_pain_points"]),
    2: ("发展阶段与政策", ["02_stages", "05_policy"]),
    3: ("诊前与诊后服务", ["03_pre_diagnosis", "04_post_diagnosis"]),
    4: ("商业模式与案例", ["06_business_models", "07_cases"]),
    5: ("市场、资本与核对数字", ["08_market_capital", "10_checking_numbers"]),
    6: ("读文本；审计汇报", ["09_reading_texts"]),
}

CSS = """
.reveal{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;font-size:30px}
.reveal h1,.reveal h2,.reveal h3{font-family:inherit;text-transform:none;letter-spacing:0}
.reveal h1{font-size:1.6em}.reveal h2{font-size:1.15em}
.reveal section{text-align:left}
.reveal ul,.reveal ol{display:block;margin-left:1em}
.reveal li{font-size:.8em;line-height:1.35;margin:.15em 0}
.reveal p{font-size:.75em;line-height:1.45}
.reveal img{max-height:52vh;margin:.2em auto;display:block}
.reveal .src{font-size:.5em;color:#444}
.reveal .think{border-left:6px solid #116329;padding-left:.6em}
.reveal .answer{color:#116329}
"""


class SlidesError(RuntimeError):
    """Slides cannot be built (message in Chinese)."""


# ------------------------------------------------------------------------------ Markdown

ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<body>[^`]*)`")
CLAIM = re.compile(r"^[A-Z]{1,3}\d{2}-\d{3}$")


def _role(m: re.Match) -> str:
    role, body = m["role"], m["body"]
    label = re.match(r"^(.*?)\s*<[^>]+>$", body)
    if label:
        return label[1]
    if role.startswith("glue") and CLAIM.match(body):
        from ihbook.evidence import ledger

        try:
            return ledger.display_value(ledger.claim(body))
        except KeyError:
            return body
    if role in ("cite:t", "cite:p", "cite"):
        return ""
    return body


def plain_markdown(text: str) -> str:
    """MyST → plain Markdown: roles reduced to text, directives and label lines dropped."""
    out, skip = [], None
    for line in text.split("\n"):
        fence = re.match(r"^\s*(`{3,}|:{3,})", line)
        if skip:
            if fence and fence[1][0] == skip[0] and len(fence[1]) >= len(skip) and not line.strip()[len(fence[1]):].strip():
                skip = None
            continue
        if fence and "{" in line:
            skip = fence[1]
            continue
        if re.match(r"^\([\w-]+\)=\s*$", line):
            continue
        out.append(ROLE.sub(_role, line))
    return "\n".join(out)


def md_html(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(plain_markdown(text))


def _first_paragraph(text: str, limit: int = 160) -> str:
    for block in re.split(r"\n\s*\n", plain_markdown(text)):
        b = block.strip()
        if b and not b.startswith(("#", "|", "-", "1.", ">", "```", ":::")):
            return b if len(b) <= limit else b[:limit].rstrip("，、；：") + "……"
    return ""


# ------------------------------------------------------------------------------ notebooks

FIGURE = re.compile(r'<img src="(?P<src>data:image/(?:png|svg\+xml);base64,[^"]+)"[^>]*?alt="(?P<alt>[^"]*)"')
SOURCE_LINE = re.compile(r"来源：[^<\n]+")


def _image(cell) -> tuple[str, str, str] | None:
    """The first chart of a cell: (data URI, alt text, 来源 line)."""
    for o in cell.get("outputs", []):
        data = o.get("data", {})
        if "image/png" in data:
            return "data:image/png;base64," + "".join(data["image/png"]).replace("\n", ""), "", ""
        h = data.get("text/html")
        if h:
            h = "".join(h) if isinstance(h, list) else h
            m = FIGURE.search(h)
            if m:
                src = SOURCE_LINE.search(h)
                return m["src"], html.unescape(m["alt"]), src.group(0) if src else ""
    return None


def _markdown_output(cell) -> str:
    for o in cell.get("outputs", []):
        md = o.get("data", {}).get("text/markdown")
        if md:
            return "".join(md)
    return ""


def chapter_slides(name: str) -> list[str]:
    """The slides (``<section>`` HTML strings) of one chapter notebook."""
    import nbformat

    path = BOOK / f"{name}.ipynb"
    if not path.exists():
        raise SlidesError(f"找不到章节 {path.name}")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    title = next((c.source.split("\n")[0].lstrip("# ").strip() for c in cells
                  if c.cell_type == "markdown" and c.source.startswith("# ")), name)
    slides = [f'<section><h1>{html.escape(title)}</h1><p>{html.escape(_first_paragraph(cells[0].source, 120))}</p></section>']
    sections: list[tuple[str, list]] = []
    for c in cells:
        if c.cell_type == "markdown" and re.match(r"^## ", c.source):
            head = c.source.split("\n")[0][3:].strip()
            sections.append((head, [c]))
        elif sections:
            sections[-1][1].append(c)
    for head, group in sections:
        if head in ("练习", "延伸阅读", "小结"):
            continue
        if head == "学习目标":
            body = "\n".join(group[0].source.split("\n")[1:])
            slides.append(f"<section><h2>学习目标</h2>{md_html(body)}</section>")
            continue
        if head == "要点速览":
            md = next((_markdown_output(c) for c in group if c.cell_type == "code" and _markdown_output(c)), "")
            slides.append(f"<section><h2>要点速览</h2>{md_html(md)}</section>")
            continue
        para = next((_first_paragraph(c.source) for c in group if c.cell_type == "markdown" and _first_paragraph(c.source)), "")
        img = next((i for i in (_image(c) for c in group if c.cell_type == "code") if i), None)
        parts = [f"<h2>{html.escape(head)}</h2>"]
        if para:
            parts.append(f"<p>{html.escape(para)}</p>")
        if img:
            data, alt, source = img
            parts.append(f'<img src="{data}" alt="{html.escape(alt or head, quote=True)}">')
            if source:
                parts.append(f'<p class="src">{html.escape(source)}</p>')
        slides.append(f"<section>{''.join(parts)}</section>")
    for t in teaching.thinks(name):
        slides.append(f'<section><h2>想一想</h2><p class="think">{html.escape(t["prompt"])}</p>'
                      f'<p class="src">（接在“{html.escape(t["after"])}”之后）</p></section>')
    try:
        qs = quiz.questions(name)
    except quiz.QuizError:
        qs = []
    for i, q in enumerate(qs, 1):
        opts = "".join(f"<li>{quiz.LETTERS[k]}. {html.escape(o)}</li>" for k, o in enumerate(q["options"]))
        slides.append(f'<section><h2>自测 {i}</h2><p>{html.escape(q["q"])}</p><ol style="list-style:none">{opts}</ol>'
                      f'<p class="fragment answer">答案：{quiz.LETTERS[q["answer"]]}。{html.escape(q["explain"])}</p></section>')
    return slides


def session_html(n: int) -> str:
    if n not in SESSIONS:
        raise SlidesError(f"没有第 {n} 次课（共 {len(SESSIONS)} 次）")
    title, chapters = SESSIONS[n]
    slides = [f"<section><h1>第 {n} 次课：{html.escape(title)}</h1>"
              f"<p>《中国互联网医疗：一本可执行的读本》 · 本课对应章节：{'、'.join(chapters)}</p>"
              "<p class=\"src\">幻灯片由章节笔记本自动生成；数字均来自本书的数字账本，出处见各章正文。</p></section>"]
    for ch in chapters:
        slides += chapter_slides(ch)
    rows = []
    for ch in chapters:
        for e in checks.exercises(ch):
            rows.append(f"<li>{html.escape(e['label'])}：{teaching.DIFFICULTY[e['difficulty']]} {html.escape(e['difficulty'])}，"
                        f"约 {e['minutes']} 分钟{'，自选输入' if e.get('own_input') else ''}</li>")
    slides.append(f"<section><h2>课后练习（计算题）</h2><ul>{''.join(rows)}</ul>"
                  "<p>每道题先运行起始代码单元，填好 <code>...</code>，再运行 <code>grader.check(\"…\")</code>。</p></section>")
    body = "\n".join(slides)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>第 {n} 次课：{html.escape(title)}</title>
<link rel="stylesheet" href="reveal/dist/reset.css">
<link rel="stylesheet" href="reveal/dist/reveal.css">
<link rel="stylesheet" href="reveal/dist/theme/white.css">
<style>{CSS}</style>
</head>
<body>
<div class="reveal"><div class="slides">
{body}
</div></div>
<script src="reveal/dist/reveal.js"></script>
<script>Reveal.initialize({json.dumps({"hash": True, "slideNumber": True, "controls": True, "progress": True})});</script>
</body>
</html>
"""


def copy_reveal(out: Path) -> None:
    if not (REVEAL / "dist" / "reveal.js").exists():
        raise SlidesError("找不到 node_modules/reveal.js：先在仓库根目录运行 npm ci（package.json 固定了 reveal.js 的版本）")
    for f in REVEAL_FILES:
        dest = out / "reveal" / f
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REVEAL / f, dest)


def build(sessions: list[int] | None = None, out: Path = OUT) -> list[Path]:
    """Write the decks (and a copy of reveal.js) to ``out``; returns the deck paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    copy_reveal(out)
    written = []
    for n in sessions or sorted(SESSIONS):
        p = out / f"session-{n}.html"
        p.write_text(session_html(n), encoding="utf-8")
        written.append(p)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ihbook.site.slides", description="由章节笔记本生成每次课的 reveal.js 幻灯片（离线可用）")
    ap.add_argument("--session", type=int, action="append", help="只生成这一次课（可重复）")
    ap.add_argument("--out", type=Path, default=OUT, help="输出文件夹（默认 _build/slides）")
    args = ap.parse_args(argv)
    try:
        paths = build(args.session, args.out)
    except SlidesError as e:
        print(f"[slides] 失败：{e}", file=sys.stderr)
        return 1
    for p in paths:
        print(f"[slides] {p}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
