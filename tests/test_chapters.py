"""Every chapter meets the book's bar (BOOK_GUIDE §4) and types no source number by hand."""
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
    counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"{name}: re-execute top to bottom"
    for o in _outputs(nb):
        assert o["output_type"] != "error", name
        assert not (o["output_type"] == "stream" and o.get("name") == "stderr"), f"{name}: stderr output"
