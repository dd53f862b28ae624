"""Every built page in headless Chromium: loads, offline, no errors, Chinese in a CJK font,
and the chapter-1 widget works with no kernel. Reads _build/html; never rebuilds."""
from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = [pytest.mark.build, pytest.mark.browser]

REPO_ROOT = Path(__file__).resolve().parents[1]
BOOK_DIR = Path(os.environ.get("IHBOOK_BOOK_DIR", REPO_ROOT)).resolve()
HTML_DIR = BOOK_DIR / "_build" / "html"
WIDGET_PAGE = os.environ.get("IHBOOK_WIDGET_PAGE", "book/01_pain_points.html")
LOCAL_SCHEMES = {"data", "blob", "about"}
CJK_FONT = re.compile(r"CJK|Source Han|IHBook CJK")
WRONG_CJK_VARIANT = re.compile(r"CJK (JP|KR|TC|HK)\b|Source Han Sans (JP|K|TC|HC)\b")


def pytest_generate_tests(metafunc):
    if "page_path" in metafunc.fixturenames:
        pages = sorted(
            p.relative_to(HTML_DIR).as_posix()
            for p in HTML_DIR.rglob("*.html")
            if "_static" not in p.relative_to(HTML_DIR).parts
        ) if HTML_DIR.is_dir() else []
        # An empty list would silently skip; the html_dir fixture then fails with a clear message.
        metafunc.parametrize("page_path", pages or ["index.html"])


class PageWatch:
    """Records everything that goes wrong while a page loads."""

    def __init__(self, page, site_url: str):
        self.origin = urlsplit(site_url).netloc
        self.failed: list[str] = []
        self.foreign: list[str] = []
        self.console_errors: list[str] = []
        page.route("**/*", self._route)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(f"{m.text} @ {m.location}"))
        page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))

    def _route(self, route):
        parts = urlsplit(route.request.url)
        if parts.scheme in LOCAL_SCHEMES or parts.netloc == self.origin:
            route.continue_()
        else:  # never let a request leave the machine; record it instead
            self.foreign.append(route.request.url)
            route.abort()

    def assert_clean(self):
        # An aborted foreign request also shows up as failed: report it once, as foreign.
        failed = [f for f in self.failed if not any(f.startswith(u) for u in self.foreign)]
        assert not self.foreign, "requests to other hosts:\n" + "\n".join(self.foreign)
        assert not failed, "failed requests:\n" + "\n".join(failed)
        assert not self.console_errors, "console errors:\n" + "\n".join(self.console_errors)


def load(page, url: str):
    response = page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    return response


def platform_fonts_of_chinese_paragraph(page) -> list[dict] | None:
    """CDP CSS.getPlatformFontsForNode on the first article paragraph with Chinese in its own text."""
    found = page.evaluate(
        """() => {
            const re = /[\\u4e00-\\u9fff]{4,}/;
            const ps = document.querySelectorAll('article p, main p, .bd-article p');
            for (const p of ps) {
                const own = Array.from(p.childNodes).filter(n => n.nodeType === 3).map(n => n.data).join('');
                if (re.test(own) && p.offsetParent !== null) { p.setAttribute('data-cjk-probe', '1'); return true; }
            }
            return false;
        }"""
    )
    if not found:
        return None
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-cjk-probe]"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return fonts


def test_page_loads_offline_without_errors(page, site_url, page_path, html_dir):
    watch = PageWatch(page, site_url)
    response = load(page, site_url + page_path)
    assert response is not None and response.status == 200, f"{page_path}: HTTP {response and response.status}"
    broken = page.evaluate(
        """() => Array.from(document.images)
                 .filter(img => img.complete && img.naturalWidth === 0 && img.getAttribute('src'))
                 .map(img => img.getAttribute('src').slice(0, 120))"""
    )
    assert not broken, f"{page_path}: broken images {broken}"
    watch.assert_clean()


def test_chinese_text_uses_a_cjk_font(page, site_url, page_path, toc_docnames, html_dir):
    load(page, site_url + page_path)
    fonts = platform_fonts_of_chinese_paragraph(page)
    if fonts is None:
        if page_path in {f"{f}.html" for f in toc_docnames}:
            pytest.fail(f"{page_path}: no paragraph with Chinese text found")
        pytest.skip(f"{page_path} has no Chinese paragraph (generated page)")
    names = [f["familyName"] for f in fonts]
    assert any(CJK_FONT.search(n) for n in names), f"{page_path}: Chinese rendered in {fonts}"
    assert not any(WRONG_CJK_VARIANT.search(n) for n in names), f"{page_path}: non-Simplified CJK face: {fonts}"


VISIBLE_IMG_JS = """(area) => {
    const imgs = Array.from(area.querySelectorAll('img')).filter(
        img => img.offsetParent !== null && img.getBoundingClientRect().width > 0);
    return imgs.length ? imgs[0].src : null;
}"""


def test_widget_switches_image_without_kernel(page, site_url, html_dir):
    """Chapter 1's first ToggleButtons, jslinked to a Stack of Images, must switch the
    visible image in the static page (no kernel)."""
    assert (html_dir / WIDGET_PAGE).is_file(), f"{WIDGET_PAGE} was not built"
    watch = PageWatch(page, site_url)
    load(page, site_url + WIDGET_PAGE)
    # the widget manager loads when a widget comes near the screen (ihbook-widgets.js)
    page.locator('script[type="application/vnd.jupyter.widget-view+json"]').first.evaluate(
        "el => el.parentElement.scrollIntoView()")
    buttons = page.locator(".widget-toggle-buttons").first.locator("button")
    buttons.first.wait_for(state="visible", timeout=30_000)
    assert buttons.count() >= 2, "the first ToggleButtons has fewer than two options"

    # The widget area: the notebook cell output holding the ToggleButtons.
    area = page.locator(".widget-toggle-buttons").first.evaluate_handle(
        "el => el.closest('.cell_output') || el.closest('.output') || el.closest('.jupyter-widgets').parentElement"
    ).as_element()
    page.wait_for_function(f"(area) => ({VISIBLE_IMG_JS})(area) !== null", arg=area, timeout=30_000)
    before = area.evaluate(VISIBLE_IMG_JS)
    shot_before = area.screenshot()

    buttons.nth(1).click()
    try:
        page.wait_for_function(
            f"([area, before]) => {{ const now = ({VISIBLE_IMG_JS})(area); return now !== null && now !== before; }}",
            arg=[area, before],
            timeout=10_000,
        )
    except PlaywrightTimeout:
        pytest.fail(
            f"{WIDGET_PAGE}: clicking the second toggle button did not change the visible image "
            "(is the ToggleButtons jslinked to a Stack of Images, and is widget state stored?)"
        )
    after = area.evaluate(VISIBLE_IMG_JS)
    assert after != before
    assert area.screenshot() != shot_before, "the widget area looks the same after switching"
    assert "mod-active" in (buttons.nth(1).get_attribute("class") or "")
    watch.assert_clean()


def test_dark_mode_text_is_readable(browser, site_url, html_dir):
    """In dark mode, body text and widget labels keep a WCAG AA contrast (4.5:1)."""
    page_path = WIDGET_PAGE if (html_dir / WIDGET_PAGE).is_file() else "book/intro.html"
    context = browser.new_context(color_scheme="dark", locale="zh-CN")
    page = context.new_page()
    try:
        load(page, site_url + page_path)
        page.wait_for_timeout(300)
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        ratios = page.evaluate(
            """() => {
                const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
                const lum = ([r, g, b]) => {
                    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
                    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
                };
                const bg = el => {
                    for (; el; el = el.parentElement) {
                        const c = rgb(getComputedStyle(el).backgroundColor);
                        if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
                    }
                    return [255, 255, 255];
                };
                const ratio = el => {
                    const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(bg(el));
                    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                };
                const out = {};
                const p = document.querySelector('.bd-article p');
                if (p) out['paragraph'] = ratio(p);
                document.querySelectorAll('.jupyter-widgets .widget-label, .jupyter-widgets button').forEach(
                    (el, i) => { if (el.offsetParent !== null && el.textContent.trim()) out['widget ' + i + ' ' + el.textContent.trim()] = ratio(el); });
                return out;
            }"""
        )
        assert ratios, "nothing measured"
        low = {k: round(v, 2) for k, v in ratios.items() if v < 4.5}
        assert not low, f"low contrast in dark mode on {page_path}: {low}"
    finally:
        context.close()


# --- Reader experience (issue 18) ------------------------------------------------------
# Phones and desktops, working sidebar buttons, Chinese interface, first-visit weight, search.

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}
MAX_FIRST_VISIT = 3 * 1024 * 1024  # bytes transferred on a first visit to any chapter
CHAPTER = os.environ.get("IHBOOK_CHAPTER_PAGE", "book/04_post_diagnosis.html")


def chapter_pages(toc_docnames) -> list[str]:
    return [f"{d}.html" for d in toc_docnames if d != "book/intro"]


def _visible(page, selector: str):
    loc = page.locator(selector)
    for i in range(loc.count()):
        if loc.nth(i).is_visible():
            return loc.nth(i)
    raise AssertionError(f"no visible {selector}")


def test_phone_menu_opens_and_lists_every_chapter(browser, site_url, html_dir, toc_docnames):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        load(page, site_url + CHAPTER)
        _visible(page, ".primary-toggle").tap()
        dialog = page.locator("#pst-primary-sidebar-modal")
        page.wait_for_function("() => document.querySelector('#pst-primary-sidebar-modal').open", timeout=5_000)
        hrefs = dialog.locator("a.reference.internal, nav a").evaluate_all(
            "els => els.filter(a => a.offsetParent !== null).map(a => new URL(a.href).pathname)")
        listed = {h.lstrip("/").removesuffix(".html") for h in hrefs}
        missing = [d for d in toc_docnames if d not in listed and d != "book/intro"]
        assert not missing, f"the phone menu does not list: {missing}"
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        assert not page.evaluate("document.querySelector('#pst-primary-sidebar-modal').open")
        # no tooltip left standing after the tap (an English one used to cover the search icon)
        tips = page.locator(".tooltip").evaluate_all("els => els.filter(e => e.offsetParent !== null).map(e => e.textContent)")
        assert not tips, f"tooltips still shown after a tap: {tips}"
    finally:
        context.close()


def test_phone_page_contents_button_opens(browser, site_url, html_dir):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        load(page, site_url + CHAPTER)
        _visible(page, ".secondary-toggle").tap()
        page.wait_for_function("() => document.querySelector('#pst-secondary-sidebar-modal').open", timeout=5_000)
        links = page.locator("#pst-secondary-sidebar-modal a").evaluate_all(
            "els => els.filter(a => a.offsetParent !== null).length")
        assert links >= 3, f"the page-contents dialog shows {links} links"
    finally:
        context.close()


def test_desktop_chapter_list_button_hides_and_shows_the_sidebar(browser, site_url, html_dir):
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    try:
        load(page, site_url + CHAPTER)
        sidebar = page.locator("#pst-primary-sidebar")
        assert sidebar.is_visible(), "the chapter list is not shown on a 1366 px desktop"
        _visible(page, ".primary-toggle").click()
        page.wait_for_timeout(400)
        assert not sidebar.is_visible(), "☰ did not hide the chapter list on the desktop"
        _visible(page, ".primary-toggle").click()
        page.wait_for_timeout(400)
        assert sidebar.is_visible(), "☰ did not bring the chapter list back"
        _visible(page, ".secondary-toggle").click() if page.locator(".secondary-toggle:visible").count() else None
    finally:
        context.close()


ENGLISH_UI = re.compile(
    r"Show code cell|Hide code cell|Click to (show|hide)|Link to this|Launch on|Launch interactive|"
    r"Toggle (primary|secondary|hidden)|Skip to main|Back to top|Copyright|Print to PDF|Download (source|this)|"
    r"Search Results|Contents\b|On this page|Previous|Next\b|By the|Last updated|列印")
UI_TEXT_JS = r"""() => {
  const skip = 'pre, code, script, style, noscript, .cell_input, .highlight, math, mjx-container, .ihbook-claim-quote';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest(skip)) continue;
    const t = walker.currentNode.data.trim();
    if (t) out.push(t);
  }
  document.querySelectorAll('[title],[aria-label],[placeholder],[data-bs-title]').forEach(el => {
    for (const a of ['title', 'aria-label', 'placeholder', 'data-bs-title']) {
      const v = el.getAttribute(a);
      if (v) out.push(a + '="' + v + '"');
    }
  });
  return out;
}"""


@pytest.fixture(scope="module")
def _ui_texts(browser, site_url, html_dir, toc_docnames):
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    texts = {}
    try:
        for p in chapter_pages(toc_docnames) + ["book/intro.html", "search.html"]:
            load(page, site_url + p)
            page.wait_for_timeout(200)
            texts[p] = page.evaluate(UI_TEXT_JS)
    finally:
        context.close()
    return texts


def test_no_english_ui_strings(_ui_texts):
    bad = {}
    for p, texts in _ui_texts.items():
        hits = sorted({t[:80] for t in texts if ENGLISH_UI.search(t)
                       or re.fullmatch(r'(title|aria-label|placeholder|data-bs-title)="[A-Za-z][A-Za-z ]+ [A-Za-z ]+"', t)})
        if hits:
            bad[p] = hits
    assert not bad, "English (or Taiwan-worded) interface strings:\n" + "\n".join(f"{p}: {h}" for p, h in bad.items())


def first_visit_bytes(browser, url: str, viewport=DESKTOP) -> tuple[int, dict]:
    """Bytes transferred (encoded body + headers, as DevTools counts) on a first visit: fresh
    context (empty cache), load + network idle, nothing scrolled."""
    context = browser.new_context(locale="zh-CN", viewport=viewport)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    try:
        load(page, url)
        page.wait_for_timeout(500)
    finally:
        context.close()
    by_url = {urls.get(k, k).split("?")[0].rsplit("/", 1)[-1]: v for k, v in sizes.items()}
    return sum(sizes.values()), dict(sorted(by_url.items(), key=lambda kv: -kv[1])[:6])


def test_first_visit_to_any_chapter_is_light(browser, site_url, html_dir, toc_docnames, record_property):
    report, heavy = {}, {}
    for p in chapter_pages(toc_docnames) + ["book/intro.html"]:
        total, top = first_visit_bytes(browser, site_url + p)
        report[p] = total
        if total > MAX_FIRST_VISIT:
            heavy[p] = f"{total / 1e6:.2f} MB: {top}"
    record_property("first_visit_bytes", report)
    print("\nfirst visit (bytes):\n" + "\n".join(f"  {p}: {n:,}" for p, n in report.items()))
    assert not heavy, "first visit over 3 MB:\n" + "\n".join(f"{p}: {v}" for p, v in heavy.items())


def test_widgets_load_when_scrolled_to(browser, site_url, html_dir):
    """The widget manager is not part of the first visit, and arrives when a widget comes near."""
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    try:
        load(page, site_url + WIDGET_PAGE)
        view = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').first
        view.evaluate("el => el.parentElement.scrollIntoView()")
        page.wait_for_selector(".jupyter-widgets", state="attached", timeout=30_000)
        assert page.evaluate("document.documentElement.classList.contains('ihbook-widgets-loaded')")
    finally:
        context.close()


# --- search -----------------------------------------------------------------------------
# Measured (python -m ihbook.site.search, test split): see ihbook.site.search and the README.
SEARCH_TOP1_MIN = 0.55
SEARCH_TOP3_MIN = 0.78


def test_search_query_set_test_split(page, site_url, html_dir, record_property):
    from ihbook.site import search

    assert (html_dir / "pagefind" / "pagefind.js").is_file(), "no Pagefind index (built when the HTML build finishes)"
    result = search.evaluate(page, site_url, "pagefind", "test")
    record_property("search_test_split", {k: result[k] for k in ("n", "top1", "top3")})
    print(f"\npagefind test split: top-1 {result['top1']:.1%}, top-3 {result['top3']:.1%} (n={result['n']})")
    assert result["n"] >= 25
    assert result["top1"] >= SEARCH_TOP1_MIN and result["top3"] >= SEARCH_TOP3_MIN, (
        f"top-1 {result['top1']:.1%} / top-3 {result['top3']:.1%} below {SEARCH_TOP1_MIN:.0%} / {SEARCH_TOP3_MIN:.0%}:\n"
        + "\n".join(result["misses"]))


def test_search_page_shows_sentences_not_code(page, site_url, html_dir):
    """The search page (Pagefind UI) answers a query from the address, once per page, with excerpts
    from the prose (code cells are not indexed)."""
    watch = PageWatch(page, site_url)
    load(page, site_url + "search.html?q=" + "复诊")
    page.wait_for_selector(".pagefind-ui__result", timeout=15_000)
    page.wait_for_timeout(500)
    links = page.locator(".pagefind-ui__result-link").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    pages = [h.split("#")[0] for h in links]
    assert len(pages) == len(set(pages)), f"a page is listed twice: {pages}"
    excerpts = " ".join(page.locator(".pagefind-ui__result-excerpt").all_inner_texts())
    assert "复诊" in excerpts
    assert not re.search(r"ledger\.|quotes\.|import |\(\"", excerpts), f"code in the excerpts: {excerpts[:300]}"
    watch.assert_clean()
