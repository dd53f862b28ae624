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
        order = [s.split("?")[0].rsplit(f"{VENDOR}/", 1)[-1] for s in loads_manager]
        assert order == ["requirejs/require.js", "requirejs/config.js", "html-manager/embed-amd.js"], (
            f"{name}: unexpected widget scripts {loads_manager}"
        )
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

BUILD_ONLY = {"jupyter-book", "sphinx-exercise"}


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
