"""Reader experience of the built site (issue 18), as Sphinx hooks of ``ihbook.site.sphinxext``.

* **Buttons that work**: the themes bind the ☰ (chapter list) and page-contents buttons to the
  first ``.primary-toggle`` / ``.secondary-toggle`` of the page, which sphinx-book-theme hides;
  ``assets/ihbook-reader.js`` forwards clicks from the visible buttons and closes tooltips after
  a tap.
* **Launch buttons from configuration**: the repository comes from ``IHBOOK_REPOSITORY_URL``,
  else ``repository.url`` in ``_config.yml``, else the git remote ``origin``; the JupyterHub from
  ``IHBOOK_JUPYTERHUB_URL`` or ``launch_buttons.jupyterhub_url``. A button without a working
  target is not shown (Binder and JupyterHub need a public repository).
* **Simplified Chinese interface**: theme strings the zh_CN catalogues miss or word the Taiwan
  way (``UI_STRINGS``) are replaced in every page when the build finishes.
* **Weight**: Font Awesome's 1.5 MB script is replaced by a stylesheet holding only the icons
  the pages use (masks made from the same SVG paths); the Sphinx search index is not loaded on
  every page (Pagefind loads its index on the search page only); the widget manager is
  loaded when a widget comes near the screen (``assets/ihbook-widgets.js``).
* **Search**: Pagefind indexes the article only (:mod:`ihbook.site.search`).
* **Briefing PDF**: ``scripts/build.sh`` prints ``book/briefing.pdf``; the briefing page links it.
* **Excel downloads**: every data table and chart CSV also as ``excel/<name>.csv`` (UTF-8 with BOM,
  Chinese column labels from the schemas) next to the clean file (:mod:`ihbook.site.excel`).
* **Compact references**: numbering and printed notes of ``{claim}`` markers (:mod:`ihbook.show.cite`).
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ASSETS = Path(__file__).with_name("assets")
ROOT = Path(__file__).resolve().parents[3]
BRIEFING_DOC = "book/briefing"
BRIEFING_PDF = "briefing.pdf"  # next to book/briefing.html (written by scripts/build.sh)
PLACEHOLDER_HOSTS = ("hub.example.org", "example.org", "example.com", "ihbook/internet-healthcare-book")

# English (or Taiwan-worded) strings of the theme and extensions -> Simplified Chinese.
UI_STRINGS = {
    'title="Link to this heading"': 'title="链接到本节"',
    'title="Link to this term"': 'title="链接到此术语"',
    'title="Link to this definition"': 'title="链接到此定义"',
    'title="Link to this table"': 'title="链接到此表"',
    'title="Link to this image"': 'title="链接到此图"',
    'title="Link to this code"': 'title="链接到此代码"',
    'title="Permalink to this heading"': 'title="链接到本节"',
    'title="Toggle primary sidebar"': 'title="章节目录"',
    'title="Toggle secondary sidebar"': 'title="本页目录"',
    'aria-label="Launch interactive content"': 'aria-label="在线运行本章"',
    'title="Launch on Binder"': 'title="在 Binder 上运行"',
    'title="Launch on JupyterHub"': 'title="在 JupyterHub 上运行"',
    'alt="Binder logo"': 'alt="Binder 标志"',
    'alt="JupyterHub logo"': 'alt="JupyterHub 标志"',
    'aria-label="Main"': 'aria-label="全书目录"',
    'aria-label="Page"': 'aria-label="本页"',
    'aria-label="Section Navigation"': 'aria-label="本节导航"',
    'aria-label="Site navigation"': 'aria-label="网站导航"',
    "列印成 PDF": "打印为 PDF",
    "列印": "打印",
    ">Show code cell source<": ">显示代码<",
    ">Hide code cell source<": ">隐藏代码<",
    ">Show code cell outputs<": ">显示输出<",
    ">Hide code cell outputs<": ">隐藏输出<",
    ">Show code cell content<": ">显示代码与输出<",
    ">Hide code cell content<": ">隐藏代码与输出<",
    'aria-label="Toggle hidden content"': 'aria-label="展开或收起"',
    "© Copyright ": "© 版权所有 ",
    "Skip to main content": "跳到正文",
    "Back to top": "回到顶部",
}
CODE_PROMPTS = {"source": "代码", "outputs": "输出", "content": "代码与输出"}


# --- launch buttons ---------------------------------------------------------------------

def git_remote_url(root: Path = ROOT) -> str:
    """The ``origin`` remote as a browsable https URL ('' when there is none)."""
    try:
        out = subprocess.run(["git", "-C", str(root), "remote", "get-url", "origin"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    url = out.stdout.strip() if out.returncode == 0 else ""
    m = re.match(r"^(?:git@|ssh://git@)([^:/]+)[:/](.+?)(?:\.git)?/?$", url)
    if m:
        return f"https://{m.group(1)}/{m.group(2)}"
    m = re.match(r"^https?://(?:[^@/]+@)?([^/]+)/(.+?)(?:\.git)?/?$", url)
    return f"https://{m.group(1)}/{m.group(2)}" if m else ""


def _usable(url: str) -> bool:
    return bool(url) and url.startswith("https://") and not any(h in url for h in PLACEHOLDER_HOSTS)


def resolve_launch(theme_options: dict, environ=os.environ, remote: str | None = None) -> dict:
    """Repository and launch targets: environment, then configuration, then the git remote.
    Returns the updated theme options (a button without a working target is switched off)."""
    opts = dict(theme_options)
    launch = dict(opts.get("launch_buttons") or {})
    repo = environ.get("IHBOOK_REPOSITORY_URL", "").strip()
    if not _usable(repo):
        repo = opts.get("repository_url", "") if _usable(opts.get("repository_url", "")) else ""
    if not repo:
        repo = git_remote_url() if remote is None else remote
    repo = repo.rstrip("/") if _usable(repo) else ""
    hub = environ.get("IHBOOK_JUPYTERHUB_URL", "").strip() or launch.get("jupyterhub_url", "")
    hosted = any(h in repo for h in ("github.com", "gitlab.com", "bitbucket.org"))
    launch["jupyterhub_url"] = hub if (_usable(hub) and repo) else ""
    launch["binderhub_url"] = launch.get("binderhub_url", "") if (repo and hosted) else ""
    for key in ("colab_url", "deepnote_url"):
        launch[key] = launch.get(key, "") if repo and hosted else ""
    opts["launch_buttons"] = launch
    opts["repository_url"] = repo
    opts["use_repository_button"] = bool(repo)
    if not repo:
        for key in ("use_issues_button", "use_edit_page_button", "use_source_button"):
            opts[key] = False
    return opts


def _config_inited(app, config) -> None:
    config.html_static_path = list(config.html_static_path) + [str(ASSETS)]
    config.togglebutton_hint = "点击展开"
    config.togglebutton_hint_hide = "点击收起"
    config.html_theme_options = resolve_launch(config.html_theme_options or {})


# --- page context: briefing PDF link, claim notes ---------------------------------------

def _page_context(app, pagename, templatename, context, doctree) -> None:
    if pagename == "search":
        import json

        from ihbook.site import search

        context["ihbook_search_ranking"] = json.dumps(search.RANKING)
    body = context.get("body")
    if not body:
        return
    if pagename == BRIEFING_DOC:
        link = ('<p class="ihbook-pdf-link"><a href="briefing.pdf" download>下载打印版简报（PDF，A4）</a>'
                '：与本页内容相同，随网站一起生成。</p>')
        body = re.sub(r"(</h1>)", r"\1" + link, body, count=1)
    from ihbook.show import cite

    body = cite.number_markers(body)
    context["body"] = body


# --- post-processing of the written pages -----------------------------------------------

SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)[^"]*"></script>')
FONTAWESOME = re.compile(r'\s*<(?:script defer|link rel="preload" as="script" href)(?: src)?="[^"]*fontawesome\.js[^"]*"\s*/?>(?:</script>)?')
ID_TEXT = re.compile(r"(?<![\w-])((?:[A-Z]{1,4}\d{0,2}|CF|Q)-[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])(?![\w-])")
TD = re.compile(r"(<t[dh]\b[^>]*>)(.*?)(</t[dh]>)", re.S)


def _nowrap_ids(cell: str) -> str:
    """Wrap ids (KR21-017, CF-335ee7, Q-ch01-x) in a table cell's text with a no-break span;
    inside <code>, only a code whose whole text is an id (other code may wrap)."""
    if 'class="ihbook-id"' in cell:
        return cell
    parts = re.split(r"(<[^>]+>)", cell)
    in_code = False
    for i, part in enumerate(parts):
        if part.startswith("<"):
            if part.startswith("<code"):
                in_code = True
            elif part.startswith("</code"):
                in_code = False
            continue
        if in_code:
            if ID_TEXT.fullmatch(part.strip()):
                parts[i] = f'<span class="ihbook-id">{part}</span>'
        else:
            parts[i] = ID_TEXT.sub(r'<span class="ihbook-id">\1</span>', part)
    return "".join(parts)


def postprocess(html: str, page: str, pagefind: bool = True) -> str:
    """Every change a written page needs (idempotent: running it twice changes nothing)."""
    for en, zh in UI_STRINGS.items():
        html = html.replace(en, zh)
    html = FONTAWESOME.sub("", html)
    if pagefind:  # Pagefind's index is loaded by the search page alone
        html = SEARCH_SCRIPTS.sub("", html)
    if pagefind and page.startswith("book/"):  # the book's pages only (not genindex, search)
        html = html.replace('<article class="bd-article">', '<article class="bd-article" data-pagefind-body>')
    if pagefind:
        html = re.sub(r'<div class="cell_input docutils container"(?! data-pagefind-ignore)',
                      '<div class="cell_input docutils container" data-pagefind-ignore', html)
        html = re.sub(r'<details class="admonition hide above-input"(?! data-pagefind-ignore)',
                      '<details class="admonition hide above-input" data-pagefind-ignore', html)
        html = re.sub(r'<a class="headerlink"(?! data-pagefind-ignore)', '<a class="headerlink" data-pagefind-ignore', html)
    # ids in table cells: outside <script> (widget state holds HTML inside JSON strings)
    parts = re.split(r"(<script\b.*?</script>)", html, flags=re.S)
    html = "".join(p if p.startswith("<script") else TD.sub(lambda m: m.group(1) + _nowrap_ids(m.group(2)) + m.group(3), p)
                   for p in parts)
    # chart data: an Excel version beside every chart CSV link
    html = re.sub(
        r'(<a href="([^"]*?)_static/chartdata/([a-z0-9-]+)\.csv" download>下载图表数据（CSV）</a>)(?!<span class="ihbook-excel">)',
        r'\1<span class="ihbook-excel">（<a href="\2_static/chartdata/excel/\3.csv" download>Excel 版</a>）</span>',
        html)
    return html


def postprocess_site(outdir: Path, pagefind: bool = True) -> int:
    changed = 0
    for path in Path(outdir).rglob("*.html"):
        rel = path.relative_to(outdir).as_posix()
        if rel.startswith(("_static/", "pagefind/")):
            continue
        text = path.read_text(encoding="utf-8")
        new = postprocess(text, rel, pagefind)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def _build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from ihbook.site import excel, icons, search

    outdir = Path(app.outdir)
    pagefind = app.config.ihbook_search == "pagefind"
    postprocess_site(outdir, pagefind)
    icons.write_css(outdir)
    excel.write_site(outdir)
    if pagefind:
        search.build_index(outdir)


def setup(app):
    app.add_config_value("ihbook_search", "pagefind", "html")
    app.connect("config-inited", _config_inited, priority=400)
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _build_finished, priority=900)
    app.add_css_file("ihbook-icons.css")
    app.add_css_file("ihbook-reader.css")
    app.add_js_file("ihbook-reader.js", loading_method="defer")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
