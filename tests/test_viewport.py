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


# --- Chart labels at the size the reader sees them (issue 18) -----------------------------
MIN_LABEL_PX = 11
LABEL_JS = """(defaultPx) => Array.from(document.querySelectorAll('.ihbook-chart img, .ihbook-state img'))
    .filter(img => img.offsetParent !== null && img.naturalWidth > 0)
    .map(img => { const px = parseFloat(img.dataset.labelPx || defaultPx);
                  return {alt: (img.alt || '').slice(0, 30), natural: img.naturalWidth, shown: img.clientWidth,
                          px: px * img.clientWidth / img.naturalWidth}; })"""


def _charts_at(browser, site_url, page_path, viewport):
    from ihbook.show import charts

    context = browser.new_context(locale="zh-CN", viewport=viewport, has_touch=viewport["width"] < 600)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        load(page, site_url + page_path)
        return page.evaluate(LABEL_JS, charts.label_px()), page, context
    except Exception:
        context.close()
        raise


def test_chart_labels_readable_at_desktop_width(browser, site_url, page_path, html_dir):
    """At 1366 px every chart label shows at >= 11 px (drawn for the content width, not scaled down)."""
    shown, page, context = _charts_at(browser, site_url, page_path, {"width": 1366, "height": 900})
    context.close()
    if not shown:
        pytest.skip(f"{page_path}: no chart")
    small = [f"“{c['alt']}”: {c['px']:.1f} px ({c['natural']} px drawn, {c['shown']} px shown)"
             for c in shown if c["px"] < MIN_LABEL_PX]
    print(f"\n{page_path}: smallest label {min(c['px'] for c in shown):.1f} px over {len(shown)} charts")
    assert not small, f"{page_path}: chart labels below {MIN_LABEL_PX} px at 1366 px:\n" + "\n".join(small)


def test_chart_opens_full_size_on_a_phone(browser, site_url, html_dir):
    """On a 375 px phone a chart is narrower than drawn; a tap opens it at full size (labels >= 11 px)."""
    page_path = "book/01_pain_points.html"
    shown, page, context = _charts_at(browser, site_url, page_path, {"width": 375, "height": 812})
    try:
        assert shown, f"{page_path}: no chart"
        img = page.locator(".ihbook-chart img").first
        img.scroll_into_view_if_needed()
        img.tap()
        page.wait_for_selector("dialog.ihbook-lightbox[open] img", timeout=5_000)
        big = page.evaluate("""() => { const i = document.querySelector('dialog.ihbook-lightbox[open] img');
                                       return {w: i.clientWidth, n: i.naturalWidth}; }""")
        assert big["w"] == big["n"], f"the opened chart is scaled: {big}"
        from ihbook.show import charts

        assert charts.label_px() >= MIN_LABEL_PX
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
        assert not page.evaluate("!!document.querySelector('dialog.ihbook-lightbox[open]')")
        # keyboard: Enter on a focused chart opens it too
        img.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("dialog.ihbook-lightbox[open] img", timeout=5_000)
    finally:
        context.close()
