"""Accessibility and narrow screens, every built page, in headless Debian Chromium.

* axe-core (npm, node_modules/axe-core/axe.min.js, injected by Playwright) audits every page in
  light mode: no serious or critical violation is allowed (dark mode: tests/test_viewport.py).
* Every image in the article has meaningful alt text (charts generate theirs from the data).
* At 375 px wide (a phone) no page scrolls sideways; screenshots in _build/screenshots/mobile/.
* The chapter-1 ToggleButtons widget can be reached with Tab and switched with Enter and Space,
  with no mouse and no kernel.

Each page is loaded once per test session (measurements are cached; the tests of this file run
on one pytest-xdist worker with --dist loadfile). Reads _build/html; never rebuilds. Violations
are reported with page, rule, impact, the first offending elements and axe's advice.
"""
from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.build, pytest.mark.browser]

REPO_ROOT = Path(__file__).resolve().parents[1]
BOOK_DIR = Path(os.environ.get("IHBOOK_BOOK_DIR", REPO_ROOT)).resolve()
HTML_DIR = BOOK_DIR / "_build" / "html"
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDGET_PAGE = os.environ.get("IHBOOK_WIDGET_PAGE", "book/01_pain_points.html")
BLOCKING = {"serious", "critical"}

# Known serious violations in HTML written by other modules, with the owner and the fix. They are
# reported as XFAIL (visible in the `-ra` summary), never hidden: any *other* serious violation
# on the same page still fails. Remove an entry once its module is fixed.
KNOWN: list[tuple[str, str, str, str]] = [
    # (page glob, axe rule, substring of the offending element's selector, owner and fix):
    # a known, owned violation shows as XFAIL instead of failing. Empty: none known.
]

AXE_RUN = """async (options) => {
    const r = await axe.run(document, options);
    return r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: (n.failureSummary || '').slice(0, 300)}))
    }));
}"""


def is_redirect(path: Path) -> bool:
    """Jupyter Book's root index.html only redirects to the first page (meta refresh)."""
    return 'http-equiv="Refresh"' in path.read_text(encoding="utf-8", errors="replace")[:2000]


def pytest_generate_tests(metafunc):
    if "page_path" in metafunc.fixturenames:
        pages = sorted(
            p.relative_to(HTML_DIR).as_posix()
            for p in HTML_DIR.rglob("*.html")
            if "_static" not in p.relative_to(HTML_DIR).parts and not is_redirect(p)
        ) if HTML_DIR.is_dir() else []
        metafunc.parametrize("page_path", pages or ["book/intro.html"])


def load(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    if page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
        # the page loads the widget manager when a widget nears the screen (ihbook-widgets.js):
        # audit the page as a reader who scrolled to its widgets sees it
        page.evaluate("() => window.ihbookLoadWidgets ? window.ihbookLoadWidgets() : null")
        page.wait_for_selector(".jupyter-widgets", state="attached", timeout=30_000)
        page.wait_for_timeout(300)


def audit(page, options: dict | None = None) -> list[dict]:
    assert AXE.is_file(), f"{AXE} missing: run bash scripts/setup.sh (npm ci installs axe-core)"
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN, options or {"resultTypes": ["violations"]})


def _known(page_path: str, rule: str, target: str) -> str | None:
    for glob, rid, sel, fix in KNOWN:
        if fnmatch.fnmatch(page_path, glob) and rid == rule and sel in target:
            return fix
    return None


def check(page_path: str, violations: list[dict], mode: str) -> None:
    new, known = [], set()
    for v in violations:
        if v["impact"] not in BLOCKING:
            continue
        nodes = []
        for n in v["nodes"]:
            fix = _known(page_path, v["id"], n["target"])
            if fix:
                known.add(f"{v['id']}: {fix}")
            else:
                nodes.append(n)
        if nodes:
            shown = "\n".join(f"      {n['target']}\n        {n['summary']}" for n in nodes[:4])
            new.append(f"  [{v['impact']}] {v['id']} ({len(nodes)}×): {v['help']}\n{shown}")
    assert not new, f"{page_path} ({mode}): serious/critical accessibility violations:\n" + "\n".join(new)
    if known:
        pytest.xfail(f"{page_path} ({mode}): known issues owned by other modules: " + "; ".join(sorted(known)))


FILENAME_ALT = re.compile(r"^\S+\.(png|jpe?g|svg|gif|webp)$|^(image|img|figure|chart|图|图片|png)$", re.I)
MOBILE = {"width": 375, "height": 812}
SHOTS = BOOK_DIR / "_build" / "screenshots"
_MEASURED: dict[str, dict] = {}

IMAGES_JS = """() => Array.from(document.querySelectorAll('.bd-article img'))
    .filter(img => img.getAttribute('role') !== 'presentation')
    .map(img => ({src: (img.getAttribute('src') || '').slice(0, 60), alt: img.getAttribute('alt')}))"""

WIDEST_JS = """() => {
    const vw = document.documentElement.clientWidth, out = [];
    for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.right <= vw + 1) continue;
        let p = el.parentElement, inner = false;   // inside a box that scrolls or clips itself?
        while (p) { if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) { inner = true; break; }
                    p = p.parentElement; }
        if (!inner) out.push(el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className.trim()
            ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '') + ' right=' + Math.round(r.right));
        if (out.length >= 5) break;
    }
    return out;
}"""


def measure(browser, site_url: str, page_path: str) -> dict:
    """Load a page once: axe audit and images at desktop width, then overflow at phone width."""
    if page_path not in _MEASURED:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            load(page, site_url + page_path)
            result = {"axe": audit(page), "images": page.evaluate(IMAGES_JS)}
            page.set_viewport_size(MOBILE)
            page.wait_for_timeout(150)
            result["width"] = page.evaluate(
                "() => { const s = document.scrollingElement; return [s.scrollWidth, s.clientWidth]; }")
            result["widest"] = page.evaluate(WIDEST_JS) if result["width"][0] > result["width"][1] else []
            (SHOTS / "mobile").mkdir(parents=True, exist_ok=True)
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(SHOTS / "mobile" / (page_path.removesuffix(".html").replace("/", "__") + ".png")))
        finally:
            context.close()
        _MEASURED[page_path] = result
    return _MEASURED[page_path]


def test_axe_light_mode(browser, site_url, page_path, html_dir):
    check(page_path, measure(browser, site_url, page_path)["axe"], "light")


def test_images_have_meaningful_alt_text(browser, site_url, page_path, html_dir):
    """Every rendered image in the article (widget panels included) has alt text that says
    something: not empty, not a file name, at least a few characters."""
    images = measure(browser, site_url, page_path)["images"]
    bad = [i for i in images if not i["alt"] or len(i["alt"].strip()) < 6 or FILENAME_ALT.match(i["alt"].strip())]
    assert not bad, f"{page_path}: images without meaningful alt text: {bad[:5]}"


def test_no_horizontal_overflow_on_a_phone(browser, site_url, page_path, html_dir):
    m = measure(browser, site_url, page_path)
    scroll_width, client_width = m["width"]
    assert scroll_width <= client_width, (
        f"{page_path}: at {MOBILE['width']} px the page scrolls sideways (scrollWidth {scroll_width} > "
        f"clientWidth {client_width}); elements sticking out: {m['widest']}")


def test_toggle_buttons_work_from_the_keyboard(page, site_url, html_dir):
    """Tab reaches the chapter-1 ToggleButtons; Enter and Space switch the visible panel."""
    assert (html_dir / WIDGET_PAGE).is_file(), f"{WIDGET_PAGE} was not built"
    load(page, site_url + WIDGET_PAGE)
    group = page.locator(".widget-toggle-buttons").first
    buttons = group.locator("button")
    buttons.first.wait_for(state="visible", timeout=30_000)
    assert buttons.count() >= 2
    area = group.evaluate_handle("el => el.closest('.cell_output') || el.closest('.jupyter-widgets').parentElement")
    visible_img = """(area) => { const i = Array.from(area.querySelectorAll('img')).find(
        img => img.offsetParent !== null && img.getBoundingClientRect().width > 0); return i ? i.src : null; }"""
    page.wait_for_function(f"(area) => ({visible_img})(area) !== null", arg=area, timeout=30_000)

    # Put the focus on the last focusable element before the widget, then Tab into it.
    page.evaluate(
        """(group) => {
            const all = Array.from(document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]'))
                .filter(el => el.tabIndex >= 0 && !el.disabled && el.offsetParent !== null);
            const first = group.querySelector('button');
            // the last element before the widget that really takes the focus (a heading's "#"
            // link, for one, may not)
            const before = all.filter(el => el.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING);
            while (before.length) { const el = before.pop(); el.focus(); if (document.activeElement === el) return; }
            document.body.focus();
        }""",
        group.element_handle(),
    )
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("(g) => g.contains(document.activeElement) && document.activeElement.tagName === 'BUTTON'",
                         group.element_handle()):
            break
    else:
        pytest.fail(f"{WIDGET_PAGE}: Tab does not reach the first ToggleButtons")
    focused = page.evaluate("(g) => Array.from(g.querySelectorAll('button')).indexOf(document.activeElement)",
                            group.element_handle())
    before = page.evaluate(visible_img, area)
    # Move to another button with Tab and press Enter; then back with Shift+Tab and press Space.
    page.keyboard.press("Tab")
    target = page.evaluate("(g) => Array.from(g.querySelectorAll('button')).indexOf(document.activeElement)",
                           group.element_handle())
    assert target >= 0 and target != focused, "Tab does not move between the toggle buttons"
    page.keyboard.press("Enter")
    page.wait_for_function(f"([a, b]) => {{ const n = ({visible_img})(a); return n && n !== b; }}",
                           arg=[area, before], timeout=10_000)
    assert "mod-active" in (buttons.nth(target).get_attribute("class") or "")
    after_enter = page.evaluate(visible_img, area)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    page.wait_for_function(f"([a, b]) => {{ const n = ({visible_img})(a); return n && n !== b; }}",
                           arg=[area, after_enter], timeout=10_000)
    assert "mod-active" in (buttons.nth(focused).get_attribute("class") or "")
