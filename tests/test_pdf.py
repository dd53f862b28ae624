"""The briefing prints to a PDF whose Chinese text is embedded and can be read back.

Uses scripts/pdf.py (the code behind `bash scripts/pdf.sh`) with the session's Chromium and
local server, writes to a temporary folder, and reads the PDF with poppler's pdftotext and
pdffonts (installed by scripts/setup.sh as poppler-utils). Also checks that printing several
pages and merging them (the whole-book path) works.
"""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.build, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]


def _pdf_module():
    spec = importlib.util.spec_from_file_location("ihbook_pdf_script", ROOT / "scripts" / "pdf.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} not found: run bash scripts/setup.sh as root (installs poppler-utils)", pytrace=False)
    return path


def pdf_text(pdf: Path) -> str:
    return subprocess.run([_tool("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_fonts(pdf: Path) -> list[dict]:
    out = subprocess.run([_tool("pdffonts"), str(pdf)], check=True, capture_output=True, text=True).stdout
    lines = out.splitlines()[2:]  # header and ruler
    fonts = []
    for line in lines:
        # name type encoding emb sub uni object ID; type may contain spaces ("CID Type 0C")
        m = re.match(r"^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line)
        if m:
            fonts.append({"name": m.group(1), "type": m.group(2), "emb": m.group(4) == "yes",
                          "uni": m.group(6) == "yes"})
    return fonts


@pytest.fixture(scope="module")
def briefing_pdf(browser, site_url, html_dir, tmp_path_factory) -> Path:
    assert (html_dir / "book" / "briefing.html").is_file(), "book/briefing.html was not built"
    out = tmp_path_factory.mktemp("pdf")
    return _pdf_module().make_briefing(browser, site_url, out)


def test_briefing_pdf_has_selectable_chinese_and_the_numbers(briefing_pdf):
    from ihbook.chapters import briefing

    assert briefing_pdf.stat().st_size > 20_000
    text = re.sub(r"\s+", "", pdf_text(briefing_pdf))
    assert "一页纸简报" in text, "the title is not in the PDF's text layer"
    items = briefing.items()
    missing = [it["claim_id"] for it in items if it["claim_id"] not in text]
    assert not missing, f"claim ids missing from the PDF text: {missing}"
    values = [it["value"] for it in items]
    found = [v for v in values if re.sub(r"\s+", "", v) in text]
    assert len(found) >= len(values) - 1, f"values missing from the PDF text: {set(values) - set(found)}"
    for it in items[:3]:
        assert re.sub(r"\s+", "", it["interpretation"])[:12] in text
    # print stylesheet: no navigation in the printout
    assert "搜索" not in text and "Ctrl+K" not in text, "navigation (search box) was printed"


def test_briefing_pdf_embeds_its_fonts(briefing_pdf):
    fonts = pdf_fonts(briefing_pdf)
    assert fonts, "pdffonts found no fonts"
    not_embedded = [f["name"] for f in fonts if not f["emb"]]
    assert not not_embedded, f"fonts not embedded: {not_embedded}"
    # Chromium (Skia) embeds CFF-based OpenType fonts such as Noto Sans CJK as Type 3 subsets
    # without a name; what matters is that every font is embedded and maps back to Unicode.
    no_unicode = [f"{f['name']} ({f['type']})" for f in fonts if not f["uni"]]
    assert not no_unicode, f"fonts without a ToUnicode map (text not selectable): {no_unicode}"
    cjk = re.findall(r"[\u4e00-\u9fff]", pdf_text(briefing_pdf))
    assert len(cjk) > 500, f"only {len(cjk)} Chinese characters can be extracted from the PDF"


def test_pages_merge_into_one_book_pdf(browser, site_url, html_dir, tmp_path):
    """The whole-book path on two pages (the full run is `bash scripts/pdf.sh`)."""
    _tool("pdfunite")
    mod = _pdf_module()
    pages = ["book/intro.html", "book/briefing.html"]
    book = mod.make_book(browser, site_url, html_dir, tmp_path, pages=pages)
    assert book is not None and book.is_file()
    info = subprocess.run([_tool("pdfinfo"), str(book)], capture_output=True, text=True, check=True).stdout
    n_pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert n_pages >= 2
    text = re.sub(r"\s+", "", pdf_text(book))
    assert "本书的承诺" in text and "一页纸简报" in text
    assert mod.toc_pages()[0] == "book/intro.html" and "book/briefing.html" in mod.toc_pages()
