"""The glossary: table consistent, page generated and current, pinyin right, term links safe."""
import re

import nbformat
import pytest

from ihbook.site import glossary
from ihbook.evidence.paths import BOOK, DATA, ROOT

ENTRIES = glossary.load()


def test_table_is_consistent_and_big_enough():
    assert glossary.check(ENTRIES) == []
    assert 40 <= len(ENTRIES) <= 90, len(ENTRIES)
    for e in ENTRIES:
        assert e.english and re.search(r"[A-Za-z]", e.english), e.term
        assert len(e.definition) >= 30, f"{e.term}: definition too short"
        assert not re.search(r"\d+(\.\d+)?\s*(%|亿|万)", e.definition), f"{e.term}: a source number typed in a definition"


def test_core_terms_of_the_issue_are_there():
    forms = glossary.forms(ENTRIES)
    for t in ["分级诊疗", "医联体", "处方外流", "互联网医院", "诊前", "诊后", "慢病管理", "DRG"]:
        assert t in forms, t


def test_every_term_is_used_in_the_sources_or_the_book():
    texts = [p.read_text(encoding="utf-8") for p in (DATA / "sources" / "text").glob("*.txt")]
    for p in BOOK.rglob("*.md"):
        if p.name != "glossary.md":
            texts.append(p.read_text(encoding="utf-8"))
    for p in BOOK.rglob("*.ipynb"):  # cell sources only: outputs hold base64 images
        if ".ipynb_checkpoints" not in p.parts:
            texts += [c.source for c in nbformat.read(p, as_version=4).cells]
    corpus = "\n".join(texts)
    unused = [e.term for e in ENTRIES if not any(f in corpus for f in e.forms)]
    assert not unused, f"terms neither in the sources nor in the book: {unused}"


def test_check_reports_bad_rows():
    bad = [glossary.Entry("甲", "a", "释义" * 20, ["book/99_missing"], related=["乙"]),
           glossary.Entry("丙", "c", "释义" * 20, ["book/01_pain_points"], aliases=["甲"])]
    problems = "\n".join(glossary.check(bad))
    assert "乙" in problems and "99_missing" in problems and "已是“甲”" in problems


def test_page_is_generated_and_current():
    assert glossary.GLOSSARY_MD.exists(), "run: python -m ihbook.site.glossary"
    assert glossary.is_current(), "book/glossary.md is stale: run python -m ihbook.site.glossary"
    page = glossary.GLOSSARY_MD.read_text(encoding="utf-8")
    assert page.count("```{glossary}") >= 10
    for e in ENTRIES:
        assert re.search(rf"^{re.escape(e.term)}$", page, re.M), e.term
        assert e.definition in page
        for ch in e.chapters:
            assert f"{{doc}}`/{ch}`" in page


def test_page_is_sorted_by_pinyin():
    page = glossary.GLOSSARY_MD.read_text(encoding="utf-8")
    main_terms = {e.term for e in ENTRIES}
    order = [line for line in page.splitlines() if line in main_terms]
    keys = [glossary.sort_key(t) for t in order]
    assert keys == sorted(keys)


@pytest.mark.parametrize("term, expected", [
    ("分级诊疗", "fēnjí zhěnliáo"),
    ("处方外流", "chǔfāng wàiliú"),
    ("医联体", "yīliántǐ"),
    ("电子处方", "diànzǐ chǔfāng"),
    ("诊后服务", "zhěnhòu fúwù"),
    ("DRG", ""),
])
def test_pinyin(term, expected):
    assert glossary.pinyin(term) == expected


# ---------------------------------------------------------------- link_terms

E = [glossary.Entry("分级诊疗", "x", "d" * 30, ["book/05_policy"]),
     glossary.Entry("诊前服务", "x", "d" * 30, ["book/03_pre_diagnosis"], aliases=["诊前"]),
     glossary.Entry("个例", "x", "d" * 30, ["book/10_checking_numbers"]),
     glossary.Entry("分词", "x", "d" * 30, ["book/09_reading_texts"]),
     glossary.Entry("院外", "x", "d" * 30, ["book/04_post_diagnosis"]),
     glossary.Entry("慢性病", "x", "d" * 30, ["book/01_pain_points"], aliases=["慢病"]),
     glossary.Entry("慢病管理", "x", "d" * 30, ["book/04_post_diagnosis"], aliases=["慢性病管理"]),
     glossary.Entry("DRG", "x", "d" * 30, ["book/05_policy"]),
     glossary.Entry("医保", "x", "d" * 30, ["book/05_policy"]),
     glossary.Entry("医保支付", "x", "d" * 30, ["book/05_policy"])]


def link(md, linked=None):
    return glossary.link_terms(md, E, linked)


def test_links_first_occurrence_only():
    out = link("分级诊疗是目标。推进分级诊疗很难。")
    assert out == "{term}`分级诊疗`是目标。推进分级诊疗很难。"


def test_longest_form_wins_and_aliases_link_to_their_entry():
    assert link("慢性病管理很重要") == "{term}`慢性病管理`很重要"
    assert link("医保支付与医保") == "{term}`医保支付`与{term}`医保`"
    assert link("慢病患者") == "{term}`慢病`患者"


@pytest.mark.parametrize("md", ["在就诊前得到建议", "举一个例子", "部分词语", "医院外的管理"])
def test_parts_of_everyday_words_are_not_terms(md):
    assert link(md) == md


def test_real_occurrences_next_to_those_words_are_linked():
    assert link("我们谈诊前的准备") == "我们谈{term}`诊前`的准备"
    assert link("这是个例，不是总体") == "这是{term}`个例`，不是总体"
    assert link("先分词再统计") == "先{term}`分词`再统计"
    assert link("院外管理") == "{term}`院外`管理"


def test_no_double_linking():
    once = link("分级诊疗与慢病")
    assert link(once) == once
    assert link("见 {term}`分级诊疗`。分级诊疗……") == "见 {term}`分级诊疗`。分级诊疗……"
    assert link("见 {term}`分级 <分级诊疗>`。分级诊疗") == "见 {term}`分级 <分级诊疗>`。分级诊疗"
    linked = set()
    link("分级诊疗", linked)
    assert link("分级诊疗", linked) == "分级诊疗"


@pytest.mark.parametrize("md", [
    "## 分级诊疗的由来",
    "# 第五章 分级诊疗",
    "运行 `分级诊疗` 函数",
    "数字 {glue:md}`分级诊疗` 与 {cite}`分级诊疗`",
    "[分级诊疗](https://example.org/分级诊疗)",
    "<span>分级诊疗</span>",
    "$分级诊疗$",
    "(分级诊疗)=",
    "% 分级诊疗 注释",
    "```python\nx = '分级诊疗'\n```",
    "```{code-cell}\n分级诊疗\n```",
    "```{glossary}\n分级诊疗\n  释义\n```",
    "```{exercise}\n:label: 分级诊疗\n```",
    "```{admonition} 分级诊疗\n正文\n```",
    "https://example.org/a?q=DRG",
    "DRGs 与 ADRG 不是 DRG 的独立写法吗",
])
def test_protected_contexts_are_left_alone(md):
    out = link(md)
    if md.startswith("DRGs"):
        assert out == "DRGs 与 ADRG 不是 {term}`DRG` 的独立写法吗"
    else:
        assert out == md


def test_links_inside_prose_directives_and_lists():
    md = "```{exercise}\n:label: ex-x\n说明分级诊疗的含义。\n```\n\n- 慢病患者"
    out = link(md)
    assert ":label: ex-x" in out
    assert "说明{term}`分级诊疗`的含义。" in out
    assert "- {term}`慢病`患者" in out


def test_text_after_literal_block_is_linked():
    md = "````md\n```{exercise}\n分级诊疗\n```\n````\n分级诊疗之后"
    out = link(md)
    assert out.endswith("{term}`分级诊疗`之后")
    assert "```{exercise}\n分级诊疗\n```" in out


def test_link_notebook_links_once_per_chapter():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 第一章\n\n分级诊疗与慢病"),
                nbformat.v4.new_code_cell("x = '分级诊疗'"),
                nbformat.v4.new_markdown_cell("再谈分级诊疗与医保")]
    new = glossary.link_notebook(nb, E)
    assert new == ["分级诊疗", "慢性病", "医保"] or set(new) == {"分级诊疗", "慢性病", "医保"}
    assert nb.cells[0].source == "# 第一章\n\n{term}`分级诊疗`与{term}`慢病`"
    assert nb.cells[1].source == "x = '分级诊疗'"
    assert nb.cells[2].source == "再谈分级诊疗与{term}`医保`"


def test_linked_chapter_keeps_passing_the_typed_number_check():
    """Linking must not create text the chapter test would read as a typed number."""
    src = (ROOT / "book" / "01_pain_points.ipynb")
    nb = nbformat.read(src, as_version=4)
    glossary.link_notebook(nb)
    typed = re.compile(r"(?<![\w.`{-])\d+(?:\.\d+)?\s*(?:%|‰|亿|万|千万|百万人)")
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert not typed.findall(re.sub(r"`[^`]*`", "", cell.source))
