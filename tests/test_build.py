"""Checks on the built HTML book (run `bash scripts/build.sh` first; these never rebuild)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

build = pytest.mark.build  # tests that read _build/ (the reproducibility checks at the end do not)

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Widget model modules the vendored HTML manager ships; any other module would be fetched
# from a CDN at page load.
BUILTIN_WIDGET_MODULES = {"@jupyter-widgets/base", "@jupyter-widgets/controls", "@jupyter-widgets/output"}
VENDOR = "_static/ihbook-vendor"


def html_pages(html_dir: Path) -> list[Path]:
    return sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.relative_to(html_dir).parts)


class _Loads(HTMLParser):
    """Collects URLs a page *loads* (not plain links): scripts, stylesheets, images, fonts…"""

    LOADING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut", "manifest",
                    "apple-touch-icon"}

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self.script_types: list[str] = []
        self.links: list[str] = []  # <a href>: navigated to, not loaded

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "script":
            self.script_types.append(a.get("type") or "")
            if a.get("src"):
                self.loads.append((tag, a["src"]))
                self.scripts.append(a["src"])
        elif tag == "link":
            rels = set((a.get("rel") or "").lower().split())
            if rels & self.LOADING_RELS and a.get("href"):
                self.loads.append((tag, a["href"]))
        elif tag in {"img", "iframe", "embed", "audio", "video", "source", "track", "input"}:
            for key in ("src", "data-src", "poster"):
                if a.get(key):
                    self.loads.append((tag, a[key]))
            for key in ("srcset",):
                for part in (a.get(key) or "").split(","):
                    if part.strip():
                        self.loads.append((tag, part.strip().split()[0]))
        elif tag == "object" and a.get("data"):
            self.loads.append((tag, a["data"]))


def parse(page: Path) -> _Loads:
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def is_external(url: str) -> bool:
    return bool(re.match(r"^\s*(https?:)?//", url, re.I))


def css_external_urls(text: str) -> list[str]:
    """External url(...) / @import targets in CSS text, ignoring /* comments */."""
    hits = []
    for m in re.finditer(r"""(?:url\(\s*|@import\s+)(["']?)((?:https?:)?//[^"')\s]+)""", text, re.I):
        before = text[: m.start()]
        if before.rfind("/*") > before.rfind("*/"):
            continue  # inside a comment
        hits.append(m.group(2))
    return hits


# ---------------------------------------------------------------------------------------


@build
def test_strict_build_log_is_clean(book_dir):
    log = book_dir / "_build" / "build.log"
    assert log.is_file(), f"{log} missing: build with bash scripts/build.sh"
    text = ANSI.sub("", log.read_text(encoding="utf-8", errors="replace"))
    assert "build succeeded" in text, f"the strict build did not succeed; see {log}"
    bad = [
        line
        for line in text.splitlines()
        if re.search(r"\b(WARNING|ERROR|CRITICAL)\b", line)
        # ipykernel's own notice on its stderr about its local TCP transport: not a book issue
        and not line.startswith("[IPKernelApp] WARNING | Kernel is running over TCP without encryption")
    ]
    assert not bad, "warnings/errors in the build log:\n" + "\n".join(bad[:20])


@build
def test_every_toc_entry_has_a_page(toc_docnames, html_dir):
    missing = [f for f in toc_docnames if not (html_dir / f"{f}.html").is_file()]
    assert not missing, f"toc entries without an HTML page: {missing}"


@build
def test_no_external_loads_in_html(html_dir):
    offenders = []
    for page in html_pages(html_dir):
        for tag, url in parse(page).loads:
            if is_external(url):
                offenders.append(f"{page.relative_to(html_dir)}: <{tag}> {url}")
    assert not offenders, "pages load external resources:\n" + "\n".join(offenders)


@build
def test_local_links_and_loads_resolve(html_dir):
    """Every relative href/src in every page points at a file in the built site (catches
    e.g. chart-data CSV download links whose file was not copied)."""
    from urllib.parse import unquote, urlsplit

    broken = []
    for page in html_pages(html_dir):
        parsed = parse(page)
        for url in parsed.links + [u for _, u in parsed.loads]:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # external, mailto:, data:, javascript:, or a same-page #anchor
            target = (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(html_dir)}: {url}")
    assert not broken, "links to missing files:\n" + "\n".join(sorted(set(broken)))


@build
def test_no_external_loads_in_css_and_vendored_js(html_dir):
    files = list((html_dir / "_static").rglob("*.css")) + list((html_dir / VENDOR).rglob("*.js"))
    assert files
    offenders = []
    for f in files:
        for url in css_external_urls(f.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{f.relative_to(html_dir)}: {url}")
    assert not offenders, "external url()/@import in built CSS or vendored JS:\n" + "\n".join(offenders)


@build
def test_vendored_widget_files_present(html_dir):
    for rel in ("requirejs/require.js", "requirejs/config.js", "html-manager/embed-amd.js"):
        assert (html_dir / VENDOR / rel).is_file(), f"{VENDOR}/{rel} missing (scripts/setup.sh copies it)"


@build
def test_widget_pages_use_local_manager_and_builtin_models(html_dir):
    """Widget views need stored state, the local RequireJS + HTML manager, and only the
    built-in widget modules (anything else would be fetched from a CDN)."""
    for page in html_pages(html_dir):
        parsed = parse(page)
        text = page.read_text(encoding="utf-8")
        has_view = "application/vnd.jupyter.widget-view+json" in parsed.script_types
        has_state = "application/vnd.jupyter.widget-state+json" in parsed.script_types
        loads_manager = [s for s in parsed.scripts if "embed-amd" in s or "require" in s.lower()]
        name = page.relative_to(html_dir)
        if not has_view:
            # Guards against Jupyter Book injecting vendored scripts into every page.
            assert not loads_manager, f"{name} has no widgets but loads {loads_manager}"
            continue
        assert has_state, f"{name} shows widgets but stores no widget state (they would be blank)"
        # One lazy loader (ihbook-widgets.js) fetches require.js, config.js and embed-amd.js from
        # _static/ihbook-vendor/ when a widget nears the screen; the page itself loads none of them.
        assert not loads_manager, f"{name} loads the widget manager at once: {loads_manager}"
        assert any(s.split("?")[0].endswith("_static/ihbook-widgets.js") for s in parsed.scripts), (
            f"{name}: widgets but no ihbook-widgets.js loader")
        m = re.search(
            r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', text, re.S
        )
        state = json.loads(m.group(1))["state"]
        modules = {model["model_module"] for model in state.values()} | {
            model["state"].get("_view_module") for model in state.values() if model["state"].get("_view_module")
        }
        assert modules <= BUILTIN_WIDGET_MODULES, f"{name}: widget modules need a CDN: {modules - BUILTIN_WIDGET_MODULES}"


@build
def test_search_index_segments_chinese(html_dir):
    raw = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(raw[raw.index("(") + 1 : raw.rindex(")")])
    terms = set(index["terms"]) | set(index.get("titleterms", {}))
    words = {t for t in terms if len(t) >= 2 and all(CJK.match(c) for c in t)}
    assert words, "the search index has no multi-character Chinese terms (language must be zh_CN)"
    assert {"互联网", "医疗"} & terms, "neither 互联网 nor 医疗 is a search term"


@build
def test_search_uses_user_dictionary(book_dir, html_dir):
    """Words from data/lexicon/userdict.txt that appear in the book are search terms."""
    userdict = book_dir / "data" / "lexicon" / "userdict.txt"
    entries = [ln.split()[0] for ln in userdict.read_text(encoding="utf-8").splitlines() if ln.strip()]
    long_words = [w for w in entries if len(w) >= 4 and all(CJK.match(c) for c in w)]
    raw = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(raw[raw.index("(") + 1 : raw.rindex(")")])
    terms = set(index["terms"]) | set(index.get("titleterms", {}))
    text = "".join(p.read_text(encoding="utf-8") for p in html_pages(html_dir))
    present = [w for w in long_words if w in text]
    if not present:
        pytest.skip("no user-dictionary word of 4+ characters appears in the book yet")
    assert set(present) & terms, f"user-dictionary words {present[:5]} are not search terms: dict not loaded?"


# --- reproducibility of the environment (no build needed) -------------------------------

BUILD_ONLY = {"jupyter-book", "sphinx-exercise", "pagefind"}  # pagefind: indexes the built site


def _pins(path: Path) -> dict[str, str]:
    from packaging.utils import canonicalize_name

    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_constraints_pin_every_installed_package():
    """constraints.txt = pip freeze of the venv (minus the package): a new dependency added to
    pyproject.toml without re-freezing would install unpinned."""
    from importlib.metadata import distributions

    from packaging.utils import canonicalize_name

    root = Path(__file__).resolve().parents[1]
    pins = _pins(root / "constraints.txt")
    skip = {"ihbook", "pip", "setuptools", "wheel"}
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in distributions()}
    unpinned = sorted(n for n in installed if n not in pins and n not in skip)
    differ = sorted(f"{n} {installed[n]} != {pins[n]}" for n in installed if n in pins and installed[n] != pins[n])
    hint = "re-freeze: .venv/bin/pip freeze --exclude-editable (keep the header of constraints.txt)"
    assert not unpinned, f"installed but not in constraints.txt: {unpinned}; {hint}"
    assert not differ, f"installed versions differ from constraints.txt: {differ}; {hint}"


def test_binder_requirements_pin_the_runtime_closure():
    """binder/requirements.txt holds every runtime dependency of the package (transitively,
    minus build-only ones), at the versions in constraints.txt."""
    from importlib.metadata import distribution

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    root = Path(__file__).resolve().parents[1]
    pins = _pins(root / "constraints.txt")
    binder = _pins(root / "binder" / "requirements.txt")
    needed: set[str] = set()

    def visit(spec: str) -> None:
        req = Requirement(spec)
        if req.marker and not req.marker.evaluate({"extra": ""}):
            return
        name = canonicalize_name(req.name)
        if name in needed or name in BUILD_ONLY:
            return
        needed.add(name)
        for sub in distribution(req.name).requires or []:
            visit(sub)

    for spec in distribution("ihbook").requires or []:
        visit(spec)
    missing = sorted(needed - set(binder))
    wrong = sorted(f"{n}=={binder[n]} (constraints: {pins.get(n)})" for n in needed & set(binder) if binder[n] != pins.get(n))
    assert not missing, f"binder/requirements.txt lacks runtime dependencies: {missing}"
    assert not wrong, f"binder/requirements.txt pins differ from constraints.txt: {wrong}"
    assert (root / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


# --- Reader experience (issue 18): static checks of the built pages ------------------------

class _Text(HTMLParser):
    """Text a reader sees, with the tags it sits in (code, scripts and code cells left out)."""

    SKIP = {"script", "style", "pre", "code", "textarea", "noscript", "kbd", "samp"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base", "embed", "param", "track"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.chunks: list[tuple[str, tuple]] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.stack.append((tag, dict(attrs).get("class") or ""))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if any(t in self.SKIP or "cell_input" in c or "highlight" in c for t, c in self.stack):
            return
        if data.strip():
            self.chunks.append((data, tuple(self.stack)))


def page_text(page: Path) -> list[tuple[str, tuple]]:
    parser = _Text()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.chunks


def book_pages(html_dir: Path) -> list[Path]:
    return [p for p in html_pages(html_dir) if p.relative_to(html_dir).parts[0] == "book"]


MARKDOWN_LEFTOVER = re.compile(r"\*\*|(?<![\w/])__(?!_)\w|`|\]\(|\{(ref|term|doc|cite|numref|claim|glue)\}|^:::|:::\s*$|\$\$")


@build
def test_no_leftover_markdown_markers(html_dir):
    """Bold that touches Chinese punctuation (**“…”**) and similar slips show literally."""
    hits = []
    for page in book_pages(html_dir):
        for text, _ in page_text(page):
            for m in MARKDOWN_LEFTOVER.finditer(text):
                ctx = text[max(0, m.start() - 25): m.end() + 25].replace("\n", " ")
                hits.append(f"{page.relative_to(html_dir)}: …{ctx}…")
    assert not hits, "leftover Markdown markers in the built pages:\n" + "\n".join(hits)


EXERCISE_N = re.compile(r"练习\s*(\d+)")


@build
def test_exercise_numbers_are_references(html_dir):
    """“练习 N” in the text must be a {ref} link to the exercise (numbers run across the book:
    a hand-typed “练习 2” means the wrong exercise)."""
    hits = []
    for page in book_pages(html_dir):
        for text, stack in page_text(page):
            inside_link = any(t == "a" for t, _ in stack)
            is_title = any("caption-number" in c or "admonition-title" in c or "exercise" in c and t == "p"
                           for t, c in stack) or any(t in {"h1", "h2", "h3", "h4", "title"} for t, _ in stack)
            if inside_link or is_title:
                continue
            for m in EXERCISE_N.finditer(text):
                ctx = text[max(0, m.start() - 20): m.end() + 20].replace("\n", " ")
                hits.append(f"{page.relative_to(html_dir)}: …{ctx}…")
    assert not hits, "“练习 N” typed as text, not a {ref} to the exercise's label:\n" + "\n".join(hits)


@build
def test_briefing_links_its_pdf(html_dir):
    page = (html_dir / "book" / "briefing.html").read_text(encoding="utf-8")
    assert 'href="briefing.pdf"' in page, "the briefing page does not link its PDF"
    pdf = html_dir / "book" / "briefing.pdf"
    assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-", "book/briefing.pdf missing (scripts/build.sh prints it)"


@build
def test_excel_downloads_have_bom_and_chinese_headers(html_dir):
    tables = sorted((html_dir / "data").glob("*.csv"))
    assert tables
    for t in tables:
        xl = html_dir / "data" / "excel" / t.name
        assert xl.is_file(), f"no Excel version of data/{t.name}"
        raw = xl.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f"{xl.name}: no UTF-8 BOM"
        header = raw[3:].decode("utf-8").split("\r\n", 1)[0]
        assert CJK.search(header), f"excel/{t.name}: header not in Chinese: {header[:80]}"
        assert not t.read_bytes().startswith(b"\xef\xbb\xbf"), f"data/{t.name} must stay without BOM"
    for page in book_pages(html_dir):
        text = page.read_text(encoding="utf-8")
        for chart in re.findall(r'_static/chartdata/([a-z0-9-]+)\.csv" download>下载图表数据', text):
            assert f"_static/chartdata/excel/{chart}.csv" in text, f"{page.name}: chart {chart} has no Excel link"


@build
def test_no_placeholder_launch_targets_and_no_fontawesome_script(html_dir):
    for page in html_pages(html_dir):
        text = page.read_text(encoding="utf-8")
        name = page.relative_to(html_dir)
        assert not re.search(r'href="[^"]*(hub\.example\.org|ihbook/internet-healthcare-book)', text), (
            f"{name}: a launch or repository button points at a placeholder")
        assert "fontawesome.js" not in text, f"{name} still loads the 1.5 MB fontawesome.js"
        if name.parts[0] == "book":
            assert "searchindex.js" not in text, f"{name} loads the Sphinx search index (Pagefind is the search)"
    css = (html_dir / "_static" / "ihbook-icons.css").read_text(encoding="utf-8")
    used = set()
    for page in html_pages(html_dir):
        used |= set(re.findall(r'<i class="[^"]*\bfa-(?!solid|regular|brands|lg\b)([a-z0-9-]+)', page.read_text(encoding="utf-8")))
    missing = sorted(n for n in used if f"i.fa-{n} " not in css)
    assert not missing, f"icons without a CSS rule in ihbook-icons.css: {missing}"


# --- Reader experience: units (no build needed) -------------------------------------------

def test_launch_targets_come_from_configuration():
    from ihbook.site.reader import resolve_launch

    base = {"launch_buttons": {"binderhub_url": "https://mybinder.org", "jupyterhub_url": "https://hub.example.org"},
            "repository_url": "https://github.com/ihbook/internet-healthcare-book"}
    none = resolve_launch(base, environ={}, remote="")
    assert none["repository_url"] == "" and not none["use_repository_button"]
    assert none["launch_buttons"]["binderhub_url"] == "" and none["launch_buttons"]["jupyterhub_url"] == ""
    git = resolve_launch(base, environ={}, remote="https://github.com/org/book")
    assert git["repository_url"] == "https://github.com/org/book" and git["use_repository_button"]
    assert git["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert git["launch_buttons"]["jupyterhub_url"] == "", "a placeholder hub must stay hidden"
    env = resolve_launch(base, environ={"IHBOOK_REPOSITORY_URL": "https://gitlab.com/a/b",
                                        "IHBOOK_JUPYTERHUB_URL": "https://hub.school.edu.cn"}, remote="")
    assert env["repository_url"] == "https://gitlab.com/a/b"
    assert env["launch_buttons"]["jupyterhub_url"] == "https://hub.school.edu.cn"


def test_postprocess_is_idempotent_and_translates():
    from ihbook.site.reader import postprocess

    html = ('<html><head><script defer src="../_static/scripts/fontawesome.js?digest=1"></script></head>'
            '<body><article class="bd-article"><h1>T<a class="headerlink" href="#t" title="Link to this heading">#</a></h1>'
            '<table><tr><td>KR21-017</td><td><code>CF-335ee7</code></td></tr></table>'
            '<button title="列印成 PDF">x</button></article></body></html>')
    once = postprocess(html, "book/x.html")
    assert once == postprocess(once, "book/x.html")
    assert "fontawesome" not in once and "链接到本节" in once and "打印为 PDF" in once
    assert '<span class="ihbook-id">KR21-017</span>' in once and '<code><span class="ihbook-id">CF-335ee7</span></code>' in once
    assert "data-pagefind-body" in once


def test_claim_marker_and_quote_renderers():
    from ihbook.evidence import ledger
    from ihbook.show import cite

    cid = ledger.load_claims().claim_id.iloc[0]
    html = cite.claim(cid)
    assert ledger.display_value(ledger.claim(cid)) in html and 'class="ihbook-claim-mark"' in html
    page = cite.number_markers("<p>a " + html + " b " + cite.claim(cid, "约三成") + "</p>")
    assert 'id="claim-pop-1"' in page and 'id="claim-pop-2"' in page and "约三成" in page
    assert page.count('class="ihbook-claim-notes"') == 1 and cite.number_markers(page) == page
    q = cite.quote_html(cid)
    assert "<blockquote" in q and cid in q


def test_labels_and_excel_use_the_schemas(tmp_path):
    from ihbook.show import labels
    from ihbook.site import excel

    assert labels.column("claim_id") == "编号" and labels.value("kind", "observed") == "实测/报告值"
    assert labels.value("scheme", "smart_healthcare") != "smart_healthcare"
    assert labels.value("relation", "cagr") == "年均复合增长率"
    assert labels.options("kind", ["estimate"]) == [("估算", "estimate")]
    src = tmp_path / "t.csv"
    src.write_text("claim_id,kind,value\nWS21-001,observed,3.5\n", encoding="utf-8")
    raw = excel.excel_bytes(src)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode("utf-8").splitlines() == ["编号,类型,数值", "WS21-001,实测/报告值,3.5"]


def test_claim_role_and_quote_directive_in_a_sphinx_build(tmp_path):
    """{claim}`ID`, {claim}`text <ID>` and ```{quote-claim} ID``` render in a MyST page."""
    from sphinx.application import Sphinx

    from ihbook.evidence import ledger
    from ihbook.show import cite

    cid = ledger.load_claims().claim_id.iloc[0]
    qid = cite._quotes().index[0]
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("extensions = ['myst_parser', 'ihbook.show.cite']\n", encoding="utf-8")
    (src / "index.md").write_text(
        f"# 测试\n\n用户规模达 {{claim}}`{cid}`，另一说法是 {{claim}}`三亿多 <{cid}>`。\n\n"
        f"```{{quote-claim}} {qid}\n```\n", encoding="utf-8")
    app = Sphinx(str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
                 status=None, warning=None, freshenv=True)
    app.build()
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="ihbook-claim-mark"') == 2 and "三亿多" in html
    assert ledger.display_value(ledger.claim(cid)) in html
    assert '<blockquote class="ihbook-quote">' in html and qid in html


@build
def test_reader_tables_use_chinese_labels(html_dir):
    """Tables a reader sees show Chinese column names and labels for coded values
    (ihbook.show.labels.relabel), not `claim_id` or `exceeds`. Ids may stay."""
    from ihbook.show import labels

    names = {n for n in labels.fields() if n.isascii() and labels.column(n) != n}
    codes = {v for table in labels.VALUE_LABELS.values() for v, lab in table.items() if v and lab and v.isascii()}
    hits = []
    for page in book_pages(html_dir):
        html = re.sub(r"<script\b.*?</script>", "", page.read_text(encoding="utf-8"), flags=re.S)
        # Output of a code cell whose code the page shows (a student's `ledger.select(...)`) may
        # show the data as it is; output of hidden or removed code is the page's own text.
        parts = re.split(r'(?=<div class="cell[ "])', html)
        html = "".join(p for p in parts if not p.startswith('<div class="cell')
                        or re.match(r'<div class="cell[^"]*tag_(remove|hide)-input', p))
        for cell in re.findall(r"<t[hd][^>]*>([^<]{1,40})</t[hd]>", html):
            text = cell.strip()
            if text in names or text in codes:
                hits.append(f"{page.relative_to(html_dir)}: “{text}” → {labels.column(text) if text in names else '（代码值）'}")
    assert not hits, "English column names or codes in reader-facing tables:\n" + "\n".join(sorted(set(hits)))


def _literal_bold(md_text: str) -> list[str]:
    """`**` that CommonMark leaves literal (e.g. a closing `**` after 。 and before a Chinese
    character). Directive fences ({exercise} …) are parsed as Markdown too, as MyST does."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    hits = []
    for tok in md.parse(md_text):
        if tok.type == "fence" and tok.info.startswith("{"):
            body = "\n".join(line for line in tok.content.splitlines() if not re.match(r"\s*:\w[\w-]*:", line))
            hits += _literal_bold(body)
        for child in tok.children or []:
            if child.type == "text" and "**" in child.content:
                hits.append(child.content)
    return hits


def test_no_literal_bold_in_notebook_markdown():
    """A closing `**` right after Chinese punctuation and before a Chinese character
    (`**……。**更`) is not bold in MyST: it shows as two asterisks. Check the sources."""
    root = Path(__file__).resolve().parents[1]
    hits = []
    for nb_path in sorted((root / "book").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in nb_path.parts:
            continue
        for i, cell in enumerate(json.loads(nb_path.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] == "markdown":
                for text in _literal_bold("".join(cell["source"])):
                    hits.append(f"{nb_path.relative_to(root)} cell {i}: {text[:60]}")
    assert not hits, "literal ** in Markdown:\n" + "\n".join(hits)


def test_schema_descriptions_have_no_markup_roles():
    """Field descriptions show on the data page: no MyST role syntax such as "{term} 角色"."""
    root = Path(__file__).resolve().parents[1]
    hits = []
    for path in sorted((root / "data" / "schemas").glob("*.json")):
        for field in json.loads(path.read_text(encoding="utf-8")).get("fields", []):
            desc = field.get("description", "")
            if re.search(r"\{(term|ref|claim|doc|glue)\}|角色", desc):
                hits.append(f"{path.name}:{field['name']}: {desc}")
    assert not hits, "\n".join(hits)


def _png_width(png: bytes) -> int:
    import struct

    return struct.unpack(">I", png[16:20])[0]


def test_wide_label_charts_fit_the_content_width(monkeypatch):
    """ch07's case comparison and the official cross-check chart: labels wrapped so the PNG is not
    scaled down below 11 px labels in the ~740 px content column."""
    from ihbook.chapters import cases
    from ihbook.show import charts
    from ihbook.show import reference as view

    limit = 740 * charts.label_px() / 11
    for title, metrics, unit, axis, log in cases.COMPARE_STATES:
        fig, _, _ = cases._compare_figure(title, metrics, unit, axis, log)
        assert _png_width(charts.to_png(fig)) <= limit, title
    widths, to_png = [], charts.to_png
    monkeypatch.setattr(charts, "to_png", lambda fig: widths.append(_png_width(png := to_png(fig))) or png)
    monkeypatch.setattr(view, "_display", lambda *a, **k: None)
    monkeypatch.setattr(view, "CHART_DATA", Path(__import__("tempfile").mkdtemp()))
    view.crosscheck_chart(chart_id="crosscheck-width-test")
    assert widths and widths[0] <= limit


def test_checking_numbers_tables_have_chinese_headers_and_values():
    """ch10's hidden-code tables (ledger fields of one claim, arithmetic checks, the conflict list)
    and its conflict dropdown show Chinese, not `claim_id`, `observed`, `exceeds`, `cagr`."""
    from ihbook.chapters import checking_numbers as critique
    from ihbook.show import labels

    names = {n for n in labels.fields() if n.isascii() and labels.column(n) != n}
    codes = {v for table in labels.VALUE_LABELS.values() for v, lab in table.items() if v and lab and v.isascii()}
    claim = critique.ledger.load_claims().claim_id.iloc[0]
    for df in (critique.claim_fields(claim), critique.arithmetic_checks(), critique.conflicts_table()):
        assert all(CJK.search(str(c)) for c in df.columns), list(df.columns)
        cells = {str(v).strip() for v in df.values.ravel()}
        assert not cells & (names | codes), sorted(cells & (names | codes))
    assert "编号（claim_id）" in set(critique.claim_fields(claim)["列"])
