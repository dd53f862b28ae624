"""The book in the theme's dark mode, every built page, in headless Debian Chromium.

* axe-core's colour-contrast rule finds no serious or critical violation in dark mode (text in
  charts' captions, quotes, widgets and tables stays readable).
* Every chart image (published figures and widget panels) sits on a light background, so the
  chart's dark text and axes stay readable.

Screenshots of each page with a chart, in dark mode, go to _build/screenshots/dark/ for the
record (phone-width screenshots: tests/test_a11y.py). Each page is loaded once (cached).
Reads _build/html; never rebuilds.
"""
from __future__ import annotations

import pytest

from test_a11y import BOOK_DIR, audit, check, load, pytest_generate_tests  # noqa: F401 - parametrizes page_path

pytestmark = [pytest.mark.build, pytest.mark.browser]

SHOTS = BOOK_DIR / "_build" / "screenshots" / "dark"
_MEASURED: dict[str, dict] = {}

CHART_BACKGROUNDS_JS = """() => {
    const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const bg = el => {
        for (; el; el = el.parentElement) {
            const c = rgb(getComputedStyle(el).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
        }
        return [0, 0, 0];
    };
    return Array.from(document.querySelectorAll('.ihbook-chart img, .ihbook-state img, .cell_output img'))
        .filter(img => img.offsetParent !== null)
        .map(img => ({alt: (img.alt || '').slice(0, 40), lum: lum(bg(img))}));
}"""


def measure_dark(browser, site_url: str, page_path: str) -> dict:
    if page_path not in _MEASURED:
        context = browser.new_context(color_scheme="dark", locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            load(page, site_url + page_path)
            result = {"theme": page.evaluate("document.documentElement.dataset.theme"),
                      "axe": audit(page, {"runOnly": ["color-contrast"], "resultTypes": ["violations"]}),
                      "charts": page.evaluate(CHART_BACKGROUNDS_JS)}
            first = page.locator(".ihbook-chart, .ihbook-state").first
            if first.count() and first.is_visible():
                first.scroll_into_view_if_needed()
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / (page_path.removesuffix(".html").replace("/", "__") + ".png")))
        finally:
            context.close()
        _MEASURED[page_path] = result
    return _MEASURED[page_path]


def test_axe_dark_mode_contrast(browser, site_url, page_path, html_dir):
    m = measure_dark(browser, site_url, page_path)
    assert m["theme"] == "dark", f"{page_path}: the theme did not switch to dark mode"
    check(page_path, m["axe"], "dark")


def test_charts_sit_on_a_light_background_in_dark_mode(browser, site_url, page_path, html_dir):
    charts = measure_dark(browser, site_url, page_path)["charts"]
    dark = [f"“{c['alt']}” on background luminance {c['lum']:.2f}" for c in charts if c["lum"] < 0.6]
    assert not dark, f"{page_path}: chart images on a dark background in dark mode:\n" + "\n".join(dark)


def test_dark_mode_check_measures_charts(browser, site_url, html_dir):
    """Guard: the chapter-1 page has charts, and the dark-mode check finds and measures them."""
    charts = measure_dark(browser, site_url, "book/01_pain_points.html")["charts"]
    assert len(charts) >= 2, "no chart image measured on book/01_pain_points.html in dark mode"
