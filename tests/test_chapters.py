"""Every chapter meets the book's bar and types no source number by hand.

The bar (issue 16 and CONTRIBUTING.md): the skeleton 学习目标 → 要点速览 → sections → 小结 → 练习
→ 延伸阅读; enough original prose, quotes, charts, a widget and three solved exercises; at
least 30 visible lines of analysis outside solutions; and no visible plumbing (cells that only
glue numbers into prose or list key points are tagged ``remove-input``)."""
import json
import re

import pytest

from ihbook.site import toc
from ihbook.evidence.paths import ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")
TYPED_NUMBER = re.compile(r"(?<![\w.`{-])\d+(?:\.\d+)?\s*(?:%|‰|亿|万|千万|百万人)")
SKELETON = ["学习目标", "要点速览", "小结", "练习", "延伸阅读"]


def chapters():
    # the bar applies to numbered chapters (book/NN_name), not to the briefing or data pages
    return [f for f in toc.docnames() if re.fullmatch(r"book/\d\d_\w+", f) and (ROOT / f"{f}.ipynb").exists()]


def _load(name):
    return json.loads((ROOT / f"{name}.ipynb").read_text(encoding="utf-8"))


def _markdown(nb):
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def _outputs(nb):
    for c in nb["cells"]:
        for o in c.get("outputs", []):
            yield o


def _html(o):
    h = o.get("data", {}).get("text/html", "")
    return "".join(h) if isinstance(h, list) else h


MIN_VISIBLE_LINES = 30
PLUMBING = re.compile(r"\bprose\.points\(|\bglue_claims\(|\.glue_\w*\(|\bglue\(|deterministic_ids\(")


def test_the_chapters_are_found():
    """The tests below are parametrized over the chapters: an empty list would run none of them."""
    assert len(chapters()) >= 10, chapters()


def _visible_code(nb):
    """Code cells a reader sees (not removed, not inside a solution), as lists of lines."""
    in_solution = False
    for c in nb["cells"]:
        src = "".join(c["source"])
        if c["cell_type"] == "markdown":
            if "{solution-start}" in src:
                in_solution = True
            if "{solution-end}" in src:
                in_solution = False
            continue
        tags = set(c.get("metadata", {}).get("tags", []))
        if c["cell_type"] != "code" or in_solution or tags & {"remove-input", "remove-cell", "hide-input"}:
            continue
        yield [ln for ln in src.splitlines() if ln.strip() and not ln.strip().startswith("#")]


@pytest.mark.parametrize("name", chapters())
def test_chapter_shows_the_analysis_and_hides_the_plumbing(name):
    cells = list(_visible_code(_load(name)))
    lines = sum(len(c) for c in cells)
    assert lines >= MIN_VISIBLE_LINES, f"{name}: {lines} visible lines of analysis (at least {MIN_VISIBLE_LINES})"
    plumbing = [ln for c in cells for ln in c if PLUMBING.search(ln)]
    assert not plumbing, f"{name}: visible plumbing (tag these cells remove-input): {plumbing[:5]}"


@pytest.mark.parametrize("name", chapters())
def test_chapter_meets_the_bar(name):
    nb = _load(name)
    md = _markdown(nb)
    text = "\n".join(md)
    for heading in SKELETON:
        assert re.search(rf"^##\s*{heading}", text, re.M), f"{name}: missing ## {heading}"
    prose = "\n".join(m for m in md if "{exercise}" not in m and "{solution" not in m)
    assert len(CJK.findall(prose)) >= 2500, f"{name}: only {len(CJK.findall(prose))} characters of prose"
    outs = list(_outputs(nb))
    quotes = sum(_html(o).count('class="ihbook-quote"') for o in outs)
    charts = sum(_html(o).count('class="ihbook-chart"') + _html(o).count('class="ihbook-chart-foot"') for o in outs)
    widgets = sum("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outs)
    assert quotes >= 3, f"{name}: {quotes} quotes"
    assert charts >= 2, f"{name}: {charts} charts"
    assert widgets >= 1, f"{name}: no widget"
    exercises = re.findall(r"```\{exercise\}[^\n]*\n:label: (\S+)", text)
    solved = set(re.findall(r"```\{solution(?:-start)?\} (\S+)", text))
    assert len(exercises) >= 3, f"{name}: {len(exercises)} exercises"
    assert set(exercises) <= solved, f"{name}: exercises without solution {set(exercises) - solved}"


@pytest.mark.parametrize("name", chapters())
def test_no_source_number_typed_in_prose(name):
    for cell in _markdown(_load(name)):
        cell = re.sub(r"`[^`]*`", "", cell)  # code spans and glue roles
        hits = TYPED_NUMBER.findall(cell)
        assert not hits, f"{name}: numbers typed by hand in prose: {hits} — take them from the ledger"


@pytest.mark.parametrize("name", chapters())
def test_chapter_executed_in_order_with_no_errors(name):
    nb = _load(name)
    # student exercise cells (tagged skip-execution: left for the reader to fill in) never run
    counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"
              and "skip-execution" not in c.get("metadata", {}).get("tags", [])]
    assert counts == list(range(1, len(counts) + 1)), f"{name}: re-execute top to bottom"
    for o in _outputs(nb):
        assert o["output_type"] != "error", name
        assert not (o["output_type"] == "stream" and o.get("name") == "stderr"), f"{name}: stderr output"
