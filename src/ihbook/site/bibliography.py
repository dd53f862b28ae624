"""The book's bibliography: ``book/references.bib`` generated from ``data/sources.csv``.

Why this module exists: the five source documents are described once, in
``data/sources.csv``; typing them again into a ``.bib`` file would let the two drift (a
corrected date or title in one and not the other). So the BibTeX file is generated: one entry
per source (``@online`` for web articles, ``@misc`` for report previews; the citation key is
the ``source_id``, so chapters cite ``{cite}`woshipm-2021```), plus the software the book is
built with (:data:`SOFTWARE`). ``python -m ihbook.site.bibliography`` writes the file, ``--check``
fails when the committed file is stale, and a test checks the same.

Fields are chosen so that both pybtex (which sphinxcontrib-bibtex uses to render the page:
author, title, howpublished, year, note, url, doi) and biblatex readers (date, organization,
version, langid) find what they need. Entries carry ``keywords`` (``source`` or ``software``)
so ``book/bibliography.md`` can list each group with a ``:filter:``.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from ihbook.evidence.paths import BOOK, ROOT
from ihbook.evidence.sources import load_sources
from ihbook.site.generated import check_current

BIB_FILE = BOOK / "references.bib"

KIND_LABELS = {"web-article": "网络文章", "report-preview": "报告预览（非全文）"}
LANGUAGE_LABELS = {"zh-Hans": "原文为简体中文", "zh-Hant": "原文为繁体中文，本书引用时转为简体"}

# Other works the book cites: the software it is built with. Only facts we can stand behind
# (the projects' own recommended citations, pinned versions from pyproject.toml); fields left
# out rather than guessed.
SOFTWARE: list[dict] = [
    {"type": "software", "key": "jupyterbook", "author": "{Executable Books Community}",
     "title": "Jupyter Book", "year": "2020", "doi": "10.5281/zenodo.4539666",
     "url": "https://jupyterbook.org", "version": "1.0.4.post1",
     "note": "本书的构建工具；本书使用 1.0.4.post1 版"},
    {"type": "software", "key": "jieba", "author": "Sun, Junyi",
     "title": "jieba：结巴中文分词", "year": "2020", "url": "https://github.com/fxsjy/jieba",
     "version": "0.42.1", "note": "中文分词；本书使用 0.42.1 版"},
    {"type": "software", "key": "pandas", "author": "{The pandas development team}",
     "title": "pandas-dev/pandas: Pandas", "year": "2020", "publisher": "Zenodo",
     "doi": "10.5281/zenodo.3509134", "url": "https://pandas.pydata.org",
     "note": "数据表处理"},
    {"type": "article", "key": "matplotlib", "author": "Hunter, J. D.",
     "title": "Matplotlib: A 2D Graphics Environment", "journal": "Computing in Science \\& Engineering",
     "volume": "9", "number": "3", "pages": "90--95", "year": "2007", "doi": "10.1109/MCSE.2007.55",
     "note": "绘图；这是 Matplotlib 项目推荐的引用方式"},
    {"type": "software", "key": "ipywidgets", "author": "{Jupyter Widgets Community}",
     "title": "ipywidgets: Interactive HTML Widgets for Jupyter", "url": "https://github.com/jupyter-widgets/ipywidgets",
     "note": "交互小部件"},
    {"type": "software", "key": "pypinyin", "author": "{mozillazg}",
     "title": "pypinyin：汉字拼音转换工具", "url": "https://github.com/mozillazg/python-pinyin",
     "note": "术语表的拼音"},
    {"type": "software", "key": "opencc", "author": "{OpenCC contributors}",
     "title": "OpenCC：开放中文转换", "url": "https://github.com/BYVoid/OpenCC",
     "note": "繁简转换；本书使用其纯 Python 实现 opencc-python-reimplemented 0.1.7 版"},
    {"type": "software", "key": "notosanscjk", "author": "{Google and Adobe}",
     "title": "Noto Sans CJK", "url": "https://github.com/notofonts/noto-cjk",
     "note": "图表字体；本书随附其 GB2312 子集，按 SIL Open Font License 1.1 分发"},
]

FIELD_ORDER = ["author", "title", "howpublished", "organization", "publisher", "journal", "volume",
               "number", "pages", "year", "date", "version", "url", "doi", "langid", "keywords", "note"]


def _escape(value: str) -> str:
    """Escape the characters BibTeX/LaTeX treat specially (URLs and DOIs are left raw)."""
    return re.sub(r"(?<!\\)([&%$#_])", r"\\\1", value)


def _brace(name: str) -> str:
    """A corporate or Chinese name as one BibTeX name (so it is not split into first/last)."""
    name = name.strip()
    return name if name.startswith("{") else "{" + name + "}"


def source_entries() -> list[dict]:
    """One entry per row of ``data/sources.csv``."""
    entries = []
    for s in load_sources().to_dict("records"):
        publisher = s["publisher"].strip()
        short = publisher.split("（")[0]
        author = s["author"].strip()
        entry = {
            "type": "online" if s["kind"] == "web-article" else "misc",
            "key": s["source_id"],
            # Person if named; otherwise the publisher stands in as corporate author, so the
            # author-year citation still says who published it.
            "author": _brace(author) if author else _brace(short),
            "title": s["title"],
            "howpublished": publisher,
            "organization": publisher,
            "year": s["date"][:4],
            "date": s["date"],
            "langid": "chinese",
            "keywords": "source",
            "note": "；".join(x for x in [KIND_LABELS.get(s["kind"], s["kind"]),
                                          LANGUAGE_LABELS.get(s["language"], ""), s["rights"].rstrip("。")] if x),
        }
        if s["url"].strip():
            entry["url"] = s["url"].strip()
        entries.append(entry)
    return entries


def software_entries() -> list[dict]:
    return [{**e, "keywords": "software"} for e in SOFTWARE]


def format_entry(entry: dict) -> str:
    lines = [f"@{entry['type']}{{{entry['key']},"]
    for name in FIELD_ORDER:
        if name not in entry or entry[name] in ("", None):
            continue
        value = entry[name]
        text = value if name in ("url", "doi", "author") else _escape(value)
        if name == "title":
            text = "{" + text + "}"  # keep the title's capitals (BibTeX styles lowercase titles)
        lines.append(f"  {name} = {{{text}}},")
    lines[-1] = lines[-1].rstrip(",")
    lines.append("}")
    return "\n".join(lines)


def render() -> str:
    """The text of ``book/references.bib``."""
    head = ("% 本文件由 python -m ihbook.site.bibliography 从 data/sources.csv（五份来源）和\n"
            "% src/ihbook/site/bibliography.py 的 SOFTWARE（本书使用的软件）生成，请勿手工编辑。\n"
            "% Generated file: edit data/sources.csv or ihbook.site.bibliography.SOFTWARE instead.\n")
    blocks = [format_entry(e) for e in source_entries()] + [format_entry(e) for e in software_entries()]
    return head + "\n" + "\n\n".join(blocks) + "\n"


def keys() -> list[str]:
    """Every citation key in the generated file."""
    return [e["key"] for e in source_entries()] + [e["key"] for e in software_entries()]


def write(path: Path = BIB_FILE) -> Path:
    new = render()
    if not path.exists() or path.read_text(encoding="utf-8") != new:
        path.write_text(new, encoding="utf-8")
    return path


def is_current(path: Path = BIB_FILE) -> bool:
    return path.exists() and path.read_text(encoding="utf-8") == render()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ihbook.site.bibliography", description="从 data/sources.csv 生成 book/references.bib。")
    ap.add_argument("--check", action="store_true", help="只检查 book/references.bib 是否为最新（过期则返回 1）")
    args = ap.parse_args(argv)
    if args.check:
        return check_current("book/references.bib", is_current(), "python -m ihbook.site.bibliography")
    print(f"wrote {write().relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
