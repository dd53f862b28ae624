"""Offline link check of the built site: every internal link and anchor resolves, every chart
offers its data from its caption, and the data page serves every table it lists.

Reads _build/html (built by `bash scripts/build.sh`); never rebuilds and never goes online.
External links are not fetched: the sources' URLs are listed on the data page instead.
"""
from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.build

# Attributes whose value is a URL the reader follows or the page loads.
URL_ATTRS = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("iframe", "src"),
             ("source", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data"),
             ("area", "href"), ("form", "action")}


class _Page(HTMLParser):
    """Ids/names a page defines, and the URLs it uses (with the tag and attribute)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str]] = []
        self.csv_links: list[str] = []
        self._chart_depth = 0
        self.charts = 0
        self.charts_with_csv = 0
        self._stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        for t, attr in URL_ATTRS:
            if tag == t and a.get(attr):
                self.urls.append((f"<{tag} {attr}>", a[attr]))
        classes = set((a.get("class") or "").split())
        if tag in {"figure", "div"} and classes & {"ihbook-chart", "ihbook-chart-foot"}:
            self.charts += 1
            self._stack.append((tag, True))
            self._chart_depth += 1
            self._chart_has_csv = False
        elif tag in {"figure", "div"}:
            self._stack.append((tag, False))
        if tag == "a" and self._chart_depth and (a.get("href") or "").split("?")[0].endswith(".csv"):
            self._chart_has_csv = True
            self.csv_links.append(a["href"])

    def handle_endtag(self, tag):
        if tag in {"figure", "div"} and self._stack:
            _, is_chart = self._stack.pop()
            if is_chart:
                self._chart_depth -= 1
                self.charts_with_csv += bool(self._chart_has_csv)


def html_pages(html_dir: Path) -> list[Path]:
    return sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.relative_to(html_dir).parts)


@lru_cache(maxsize=None)
def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def _target(page: Path, url: str, html_dir: Path) -> tuple[Path | None, str]:
    """The file a relative URL points to (None for external/special URLs) and its fragment."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("mailto:", "javascript:", "data:")):
        return None, ""
    if not parts.path:
        return page, unquote(parts.fragment)
    target = (page.parent / unquote(parts.path)).resolve()
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def test_internal_links_and_anchors_resolve(html_dir):
    """Every relative href/src points at a file in the site, and every #anchor at an id in it."""
    broken = []
    checked = 0
    for page in html_pages(html_dir):
        for what, url in parse(page).urls:
            target, fragment = _target(page, url, html_dir)
            if target is None:
                continue
            checked += 1
            where = f"{page.relative_to(html_dir)}: {what} {url}"
            if not target.is_relative_to(html_dir.resolve()):
                broken.append(f"{where} (leaves the site)")
            elif not target.is_file():
                broken.append(f"{where} (no such file)")
            elif fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                broken.append(f"{where} (no id “{fragment}” in {target.relative_to(html_dir.resolve())})")
    assert checked > 100, f"only {checked} internal links found: is the site built?"
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(sorted(set(broken))[:60])


def test_every_chart_offers_its_data_from_its_caption(html_dir):
    """Each figure made by charts.publish / publish_states links a CSV that exists in the site."""
    missing, total = [], 0
    for page in html_pages(html_dir):
        parsed = parse(page)
        total += parsed.charts
        if parsed.charts_with_csv < parsed.charts:
            missing.append(f"{page.relative_to(html_dir)}: {parsed.charts - parsed.charts_with_csv} "
                           f"of {parsed.charts} charts without a CSV link")
        for href in parsed.csv_links:
            target, _ = _target(page, href, html_dir)
            if target is not None and not target.is_file():
                missing.append(f"{page.relative_to(html_dir)}: {href} (file missing)")
    assert total, "no charts found in the built book"
    assert not missing, "\n".join(missing)


def _csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def test_data_page_lists_and_serves_every_table(html_dir, book_dir):
    """book/data.html names every resource of data/datapackage.json with its current row count
    and a download link to an identical copy in the site; the source URLs are listed too."""
    page = html_dir / "book" / "data.html"
    assert page.is_file(), "the data page book/data.html was not built"
    text = page.read_text(encoding="utf-8")
    parsed = parse(page)
    hrefs = {u for _, u in parsed.urls}
    package = json.loads((book_dir / "data" / "datapackage.json").read_text(encoding="utf-8"))
    problems = []
    for res in package["resources"]:
        src = book_dir / "data" / res["path"]
        link = f"../data/{res['path']}"
        if link not in hrefs:
            problems.append(f"{res['path']}: no download link")
            continue
        served = html_dir / "data" / res["path"]
        if not served.is_file() or served.read_bytes() != src.read_bytes():
            problems.append(f"{res['path']}: not served, or differs from data/{res['path']}")
        if f'id="data-{res["name"]}"' not in text:
            problems.append(f"{res['path']}: no section id=data-{res['name']}")
        if not re.search(rf'id="data-{re.escape(res["name"])}".*?<p>{_csv_rows(src)} 行 ·', text, re.S):
            problems.append(f"{res['path']}: row count {_csv_rows(src)} not shown")
    assert not problems, "\n".join(problems)
    assert (html_dir / "data" / "datapackage.json").is_file()
    with (book_dir / "data" / "sources.csv").open(encoding="utf-8", newline="") as fh:
        urls = [r["url"] for r in csv.DictReader(fh) if r["url"]]
    assert urls and all(u in hrefs for u in urls), "the data page must list every source URL"
