"""The methods appendix (方法附录): method-heavy material moved out of chapters 8 and 9.

Chapters keep a short paragraph and a link; the appendix holds the forensics of the lost digit
and the segmentation-scoring detail, executed like every chapter.
"""
import json
import re

import pytest

from ihbook.evidence.paths import ROOT
from ihbook.site import toc

APPENDIX = "book/methods_appendix"
LABELS = {"methods-lost-digit": "book/08_market_capital", "methods-segmentation": "book/09_reading_texts"}


def _nb(name):
    return json.loads((ROOT / f"{name}.ipynb").read_text(encoding="utf-8"))


def _source(nb, kind=None):
    return "\n".join("".join(c["source"]) for c in nb["cells"] if kind is None or c["cell_type"] == kind)


def test_appendix_is_in_the_toc_after_the_chapters():
    names = toc.docnames()
    assert APPENDIX in names
    assert names.index(APPENDIX) > names.index("book/10_checking_numbers")


@pytest.mark.parametrize("label,chapter", LABELS.items())
def test_each_section_is_labelled_and_linked_from_its_chapter(label, chapter):
    assert re.search(rf"^\({label}\)=$", _source(_nb(APPENDIX), "markdown"), re.M), label
    text = _source(_nb(chapter), "markdown")
    assert f"{{ref}}`{label}`" in text or "{doc}`methods_appendix`" in text, chapter


def test_the_moved_material_left_the_chapters():
    ch08, ch09 = _source(_nb("book/08_market_capital")), _source(_nb("book/09_reading_texts"))
    assert "lost_digit_table" not in ch08 and "garble" not in ch08
    assert "**领域术语作一个词**" not in ch09 and "segmentation_errors" not in ch09
    app = _source(_nb(APPENDIX))
    for moved in ("lost_digit_table", "**领域术语作一个词**", "segmentation_errors", "corpus.score("):
        assert moved in app, moved


def test_moved_exercises_keep_their_labels_and_solutions():
    text = _source(_nb(APPENDIX), "markdown")
    for label in ("ex-ch09-spans", "ex-ch09-numbers"):
        assert f":label: {label}" in text
        assert re.search(rf"```\{{solution(?:-start)?\}} {label}", text), label
    assert ":label: ex-ch09-spans" not in _source(_nb("book/09_reading_texts"), "markdown")


def test_appendix_executed_in_order_with_no_errors():
    nb = _nb(APPENDIX)
    counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"
              and "skip-execution" not in c.get("metadata", {}).get("tags", [])]  # exercise stubs never run
    assert counts == list(range(1, len(counts) + 1))
    for c in nb["cells"]:
        for o in c.get("outputs", []):
            assert o["output_type"] != "error"
            assert not (o["output_type"] == "stream" and o.get("name") == "stderr")


def test_plumbing_is_hidden():
    for c in _nb(APPENDIX)["cells"]:
        src = "".join(c["source"])
        if c["cell_type"] == "code" and re.search(r"glue|quotes\.passage|prose\.", src):
            assert "remove-input" in c.get("metadata", {}).get("tags", []), src[:60]


def test_the_lost_digit_cannot_be_recovered():
    from ihbook.chapters import market_capital as market

    table = market.lost_digit_table()
    assert len(table) == 10 and table["错位读取后"].nunique() == 1
    assert market.garbled_on_page().endswith(table["错位读取后"].iloc[0].lstrip("?"))
