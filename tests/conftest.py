"""Shared pytest fixtures: ``shown`` (what a notebook would display), the built book, a local
web server for it, and headless Chromium.

Chart CSVs go to a temporary folder for the whole session (``IHBOOK_CHART_DATA``, read by
``ihbook.evidence.paths`` at import, hence set before anything imports ihbook): unit tests and
nbval kernels never rewrite the tracked ``_static/chartdata/``.

Build and browser tests read the result of ``bash scripts/build.sh`` (``_build/html``); they
never rebuild. ``bash scripts/test.sh`` builds first. To test another built book (e.g. a
scratch copy), set ``IHBOOK_BOOK_DIR`` to its root (the folder holding ``_toc.yml`` and
``_build/html``).
"""
from __future__ import annotations

import functools
import http.server
import os
import tempfile
import threading
from pathlib import Path

os.environ.setdefault("IHBOOK_CHART_DATA", tempfile.mkdtemp(prefix="ihbook-chartdata-"))

import pytest  # noqa: E402

from ihbook.site import toc  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def shown(monkeypatch) -> list:
    """Everything passed to ``IPython.display.display`` during the test, in order."""
    out: list = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False, **kw: out.append(obj))
    return out


@pytest.fixture(autouse=True)
def _quick_charts(request, monkeypatch):
    """Unit tests draw every chart at a third of the book's resolution (same layout, glyph
    checks and data; a third of the pixels to rasterize and compress). Build and browser tests
    read the built book and are left alone."""
    if request.node.get_closest_marker("build") or request.node.get_closest_marker("browser"):
        return
    from ihbook.show import charts

    monkeypatch.setattr(charts, "DPI", 40)


@pytest.fixture(scope="session")
def book_dir() -> Path:
    """Root of the book under test (holds _config.yml, _toc.yml and _build/)."""
    return Path(os.environ.get("IHBOOK_BOOK_DIR", REPO_ROOT)).resolve()


@pytest.fixture(scope="session")
def toc_docnames(book_dir: Path) -> list[str]:
    """Every document named in _toc.yml (root first), as docnames without extension."""
    return toc.docnames(book_dir)


@pytest.fixture(scope="session")
def html_dir(book_dir: Path) -> Path:
    """The built HTML site. Fails (does not skip) when missing: CI must not pass silently."""
    html = book_dir / "_build" / "html"
    if not (html / "index.html").is_file():
        pytest.fail(f"没有找到构建结果 {html}/index.html：请先运行 bash scripts/build.sh", pytrace=False)
    return html


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="session")
def site_url(html_dir: Path):
    """Serve _build/html on 127.0.0.1 with a random free port; yields the base URL ('.../')."""
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="book-http", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.is_file():
        pytest.fail(
            "缺少 /usr/bin/chromium：请以 root 运行 bash scripts/setup.sh（安装 chromium 与 fonts-noto-cjk）",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def page(browser):
    """A fresh page in its own context (no shared cache, storage or dark-mode state)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


def pytest_configure(config):
    # tests/test_reproducible.py: executes small notebooks and compares the build's executions
    # with the committed notebooks (full tier only).
    config.addinivalue_line(
        "markers", "reproducible: executes notebooks or compares executions byte for byte (scripts/reexecute.py)")


FIXTURES = REPO_ROOT / "tests" / "fixtures"


@pytest.fixture
def small_conflicts(monkeypatch):
    """A four-row conflict list (tests/fixtures/conflicts_small.csv) in place of
    data/conflicts.csv, so logic tests do not change when the ledger or the detector does."""
    from ihbook.evidence import conflicts

    path = FIXTURES / "conflicts_small.csv"
    monkeypatch.setattr(conflicts, "CONFLICTS", path)
    return conflicts.load_conflicts()
