"""数据下载: the page that lists every table in ``data/`` and serves it from the built site.

Everything on the page comes from ``data/datapackage.json`` (title, description and schema
of each table), from the CSV files themselves (row count, size) and from
``data/sources.csv`` (links to the original articles). It is rendered *while Sphinx builds*,
by a directive, not by a notebook with committed output, so that the page and the files it
offers can never drift from the data: every build recounts the rows, and Sphinx re-reads
the page whenever any of those files changes (``note_dependency``).

Through the book's Sphinx extension (``ihbook.site.sphinxext``) this module also copies every
table of the data package, ``datapackage.json`` and the schemas into ``_build/html/data/``
when the HTML build finishes, so the page's download links work on any static host. (An
``html_extra_path`` entry cannot do this: Sphinx drops any extra file whose path matches
``exclude_patterns``, and ``data`` is excluded from the sources on purpose.)

Usage in MyST: ``{ihbook-data-tables}`` and ``{ihbook-source-links}`` directives.
"""
from __future__ import annotations

import csv
import html
import json
import shutil
from pathlib import Path

from ihbook.evidence.paths import DATA

DATAPACKAGE = DATA / "datapackage.json"
SITE_DIR = "data"  # where the tables are served, relative to the site root
TYPE_LABELS = {"string": "文本", "integer": "整数", "number": "数值", "boolean": "是/否",
               "date": "日期", "year": "年份"}


def resources() -> list[dict]:
    """The resources of ``data/datapackage.json``, in its order."""
    return json.loads(DATAPACKAGE.read_text(encoding="utf-8"))["resources"]


def row_count(path: Path) -> int:
    """Data rows of a CSV file (header excluded; quoted line breaks handled)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def tables() -> list[dict]:
    """One dict per table: name, title, description, path, rows, columns, size and fields."""
    out = []
    for res in resources():
        path = DATA / res["path"]
        fields = res.get("schema", {}).get("fields", [])
        out.append({
            "name": res["name"], "title": res.get("title", res["name"]),
            "description": res.get("description", ""), "path": res["path"],
            "exists": path.is_file(),
            "rows": row_count(path) if path.is_file() else 0,
            "columns": len(fields), "size": path.stat().st_size if path.is_file() else 0,
            "fields": fields,
            "primary_key": res.get("schema", {}).get("primaryKey", []),
        })
    return out


def _constraints(field: dict) -> str:
    c = field.get("constraints", {})
    parts = []
    if c.get("unique"):
        parts.append("唯一")
    if "enum" in c:
        parts.append("取值：" + "、".join(str(v) if v != "" else "（空）" for v in c["enum"]))
    if "pattern" in c:
        parts.append(f"格式：{c['pattern']}")
    if "minimum" in c or "maximum" in c:
        parts.append(f"范围：{c.get('minimum', '')}–{c.get('maximum', '')}")
    if "minLength" in c or "maxLength" in c:
        parts.append(f"长度：{c.get('minLength', '')}–{c.get('maxLength', '')}")
    return "；".join(parts)


def render_tables(prefix: str = "../") -> str:
    """An overview table of all tables, then each table's schema, as one HTML fragment.
    ``prefix`` leads from the page to the site root (``../`` for a page in ``book/``)."""
    e = html.escape
    ts = tables()
    href = {t["name"]: f"{prefix}{SITE_DIR}/{t['path']}" for t in ts}
    # UTF-8 with BOM and Chinese headers, for Excel on Chinese Windows (ihbook.site.excel)
    xls = {t["name"]: f"{prefix}{SITE_DIR}/excel/{t['path']}" for t in ts}
    overview_rows = "".join(
        f'<tr><th scope="row"><a href="#data-{e(t["name"])}">{e(t["title"])}</a></th>'
        f"<td><code>{e(t['path'])}</code></td><td>{t['rows']}</td>"
        f'<td><a href="{e(href[t["name"]], quote=True)}" download>CSV，{e(human_size(t["size"]))}</a>'
        f'<br><a href="{e(xls[t["name"]], quote=True)}" download>Excel 版</a></td></tr>'
        for t in ts
    )
    overview = (
        '<div class="ihbook-scroll" role="region" aria-label="数据表一览" tabindex="0">'
        '<table class="table ihbook-data-overview"><caption>本书的全部数据表（行数不含表头）</caption>'
        '<thead><tr><th scope="col">表</th><th scope="col">文件</th><th scope="col">行数</th>'
        f'<th scope="col">下载</th></tr></thead><tbody>{overview_rows}</tbody></table></div>'
    )
    blocks = []
    for t in ts:
        key = set(t["primary_key"])
        rows = "".join(
            f"<tr><th scope=\"row\"><code>{e(f['name'])}</code>{'（主键）' if f['name'] in key else ''}</th>"
            f"<td>{e(TYPE_LABELS.get(f.get('type', 'string'), f.get('type', '')))}</td>"
            f"<td>{'是' if f.get('constraints', {}).get('required') else '否'}</td>"
            f"<td>{e(f.get('description', ''))}"
            + (f'<br><span class="ihbook-data-constraint">{e(_constraints(f))}</span>' if _constraints(f) else "")
            + "</td></tr>"
            for f in t["fields"]
        )
        blocks.append(
            f'<section class="ihbook-data-table" id="data-{e(t["name"])}" aria-labelledby="data-{e(t["name"])}-title">'
            f'<p class="ihbook-data-title" id="data-{e(t["name"])}-title"><strong>{e(t["title"])}</strong>'
            f" <code>data/{e(t['path'])}</code></p>"
            f"<p>{e(t['description'])}</p>"
            f"<p>{t['rows']} 行 · {t['columns']} 列 · {e(human_size(t['size']))} · "
            f'<a href="{e(href[t["name"]], quote=True)}" download>下载 {e(Path(t["path"]).name)}</a>'
            f'（<a href="{e(xls[t["name"]], quote=True)}" download>Excel 版：中文表头，Windows 版 Excel 可直接打开</a>）</p>'
            f"<details><summary>字段说明（{t['columns']} 列）</summary>"
            f'<div class="ihbook-scroll" role="region" aria-label="{e(t["path"])} 的字段" tabindex="0">'
            f'<table class="table ihbook-data-fields"><caption>{e(t["title"])}的字段</caption>'
            '<thead><tr><th scope="col">字段</th><th scope="col">类型</th><th scope="col">必填</th>'
            f'<th scope="col">说明与约束</th></tr></thead><tbody>{rows}</tbody></table></div></details>'
            "</section>"
        )
    package = (f'<p>整个数据包的机器可读描述：<a href="{e(prefix + SITE_DIR)}/datapackage.json" download>'
               "datapackage.json</a>（Frictionless Data Package 格式，含以上全部字段和约束）。</p>")
    return f'<div class="ihbook-datapage">{overview}{package}{"".join(blocks)}</div>'


def source_links() -> list[dict]:
    """Every source with its original URL (empty when the URL was not kept with the text)."""
    with (DATA / "sources.csv").open(encoding="utf-8", newline="") as fh:
        return [{k: r[k] for k in ("source_id", "title", "publisher", "author", "date", "url")}
                for r in csv.DictReader(fh)]


def render_sources() -> str:
    """The list of sources and their original URLs (external links, marked as such)."""
    e = html.escape
    items = []
    for s in source_links():
        who = s["publisher"] + (f"，{s['author']}" if s["author"] else "")
        link = (f'<a href="{e(s["url"], quote=True)}" rel="noopener noreferrer" class="ihbook-external">'
                f'{e(s["url"])}<span class="ihbook-visually-hidden">（外部网站）</span></a>'
                if s["url"] else "原文网址未随文本保存")
        items.append(f"<li><strong>《{e(s['title'])}》</strong>，{e(who)}，{e(s['date'])}。"
                     f"<code>{e(s['source_id'])}</code>。原文：{link}</li>")
    return f'<ul class="ihbook-source-links">{"".join(items)}</ul>'


def site_files() -> list[str]:
    """Paths (relative to ``data/``) that the built site serves under ``/data/``."""
    files = [r["path"] for r in resources() if (DATA / r["path"]).is_file()]
    files.append("datapackage.json")
    files += sorted(p.relative_to(DATA).as_posix() for p in (DATA / "schemas").glob("*.json"))
    return files


def copy_to_site(outdir: Path) -> list[Path]:
    """Copy the data package into ``outdir/data/`` (only files that changed)."""
    copied = []
    for rel in site_files():
        src, dst = DATA / rel, Path(outdir) / SITE_DIR / rel
        if dst.is_file() and dst.read_bytes() == src.read_bytes():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        copied.append(dst)
    return copied


# --- Sphinx glue ------------------------------------------------------------------------

def _directive(render):
    from docutils import nodes
    from sphinx.util.docutils import SphinxDirective

    class _Directive(SphinxDirective):
        has_content = False

        def run(self):
            # Re-read this page whenever the data behind it changes.
            self.env.note_dependency(str(DATAPACKAGE))
            self.env.note_dependency(str(DATA / "sources.csv"))
            for r in resources():
                if (DATA / r["path"]).is_file():
                    self.env.note_dependency(str(DATA / r["path"]))
            prefix = "../" * self.env.docname.count("/")
            body = render(prefix) if render is render_tables else render()
            return [nodes.raw("", body, format="html")]

    return _Directive


def _build_finished(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_to_site(Path(app.outdir))


def setup(app):
    app.add_directive("ihbook-data-tables", _directive(render_tables))
    app.add_directive("ihbook-source-links", _directive(render_sources))
    app.connect("build-finished", _build_finished)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
