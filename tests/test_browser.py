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
