"""Print the built book to PDF with headless Debian Chromium (no downloaded browser).

    bash scripts/pdf.sh                  # _build/pdf/briefing.pdf and _build/pdf/book.pdf
    bash scripts/pdf.sh --briefing-only  # only the one-page briefing

Reads _build/html (run `bash scripts/build.sh` first), serves it on 127.0.0.1 and prints pages
with Playwright's page.pdf() through /usr/bin/chromium, in light mode with the book's print
stylesheet (book/_static/print.css: no sidebars or navigation). Chinese text is embedded as
font subsets and stays selectable and searchable. The whole book is printed page by page in
table-of-contents order and merged with poppler's `pdfunite`; without it only the briefing is
made. tests/test_pdf.py imports this module and reads the result back with pdftotext/pdffonts.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
BRIEFING_PAGE = "book/briefing.html"
FOOTER = ('<div style="width:100%;font-size:8px;color:#555;text-align:center;'
          'font-family:\'Noto Sans CJK SC\',sans-serif">'
          '<span class="title"></span> · <span class="pageNumber"></span>/<span class="totalPages"></span></div>')
PDF_OPTIONS = {"format": "A4", "print_background": True, "display_header_footer": True,
               "header_template": "<span></span>", "footer_template": FOOTER,
               "margin": {"top": "14mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@contextmanager
def serve(html_dir: Path):
    """Serve ``html_dir`` on 127.0.0.1 (random free port); yields the base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html_dir)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def toc_pages(book_dir: Path = ROOT) -> list[str]:
    """Built pages in table-of-contents order (``book/intro.html``, …)."""
    from ihbook.site import toc

    return [f"{name}.html" for name in toc.docnames(book_dir)]


def print_page(browser, url: str, out: Path) -> Path:
    """Print one page to ``out``: light mode, fonts loaded, widgets rendered."""
    context = browser.new_context(color_scheme="light", locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready.then(() => true)")
        if page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
            # static widgets are drawn by the vendored HTML manager, which the page loads when a
            # widget comes near the screen (ihbook-widgets.js): load it now
            page.evaluate("() => window.ihbookLoadWidgets ? window.ihbookLoadWidgets() : null")
            page.wait_for_selector(".jupyter-widgets", state="attached", timeout=30_000)
            page.wait_for_timeout(500)
        page.emulate_media(media="print")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(out), **PDF_OPTIONS)
    finally:
        context.close()
    return out


def make_briefing(browser, base_url: str, out_dir: Path) -> Path:
    return print_page(browser, base_url + BRIEFING_PAGE, out_dir / "briefing.pdf")


def make_book(browser, base_url: str, html_dir: Path, out_dir: Path, pages: list[str] | None = None) -> Path | None:
    """Every page in TOC order, merged into ``book.pdf`` with pdfunite (None without it)."""
    pdfunite = shutil.which("pdfunite")
    if not pdfunite:
        print("[pdf] pdfunite (poppler-utils) not found: whole-book PDF skipped", file=sys.stderr)
        return None
    pages = [p for p in (pages or toc_pages()) if (html_dir / p).is_file()]
    with tempfile.TemporaryDirectory(prefix="ihbook-pdf-") as tmp:
        parts = [print_page(browser, base_url + p, Path(tmp) / f"{i:03d}.pdf") for i, p in enumerate(pages)]
        out = out_dir / "book.pdf"
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([pdfunite, *map(str, parts), str(out)], check=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Print the built book to PDF with headless Chromium.")
    ap.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="built site (default: _build/html)")
    ap.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf", help="output folder (default: _build/pdf)")
    ap.add_argument("--briefing-only", action="store_true", help="print only the one-page briefing")
    args = ap.parse_args(argv)
    html_dir = args.html.resolve()
    if not (html_dir / BRIEFING_PAGE).is_file():
        print(f"[pdf] {html_dir / BRIEFING_PAGE} not found: run bash scripts/build.sh first", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).is_file():
        print(f"[pdf] {CHROMIUM} not found: run bash scripts/setup.sh as root", file=sys.stderr)
        return 2
    start = time.monotonic()
    with serve(html_dir) as base, chromium() as browser:
        made = [make_briefing(browser, base, args.out)]
        if not args.briefing_only:
            book = make_book(browser, base, html_dir, args.out)
            if book:
                made.append(book)
    for f in made:
        print(f"[pdf] {f.relative_to(ROOT) if f.is_relative_to(ROOT) else f} ({f.stat().st_size / 1024:.0f} KB)")
    print(f"[pdf] done in {time.monotonic() - start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
