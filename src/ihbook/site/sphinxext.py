"""The book's own Sphinx extension (listed as ``ihbook.site.sphinxext`` in ``_config.yml``).

It gathers what the book needs from the build itself rather than from notebooks:

* the 数据下载 page's directives and the copy of the data package into
  ``_build/html/data/`` (:mod:`ihbook.site.datapage`);
* the reader experience of the whole site (:mod:`ihbook.site.reader`: working sidebar buttons,
  launch buttons from configuration, Chinese interface strings, light pages, Pagefind search,
  the briefing PDF link, Excel downloads);
* the ``{claim}`` role and ``{quote-claim}`` directive (:mod:`ihbook.show.cite`);
* an accessibility fix to myst-nb's HTML for cells tagged ``hide-input`` / ``hide-output``:
  myst-nb gives their ``<summary>`` the English ``aria-label="Toggle hidden content"``, which
  replaces the visible Chinese text ("显示代码单元输入") as the accessible name (axe:
  label-content-name-mismatch, WCAG 2.5.3). The override writes the same markup without it.
"""
from __future__ import annotations

from html import escape

from ihbook.site import datapage, reader
from ihbook.show import cite

CODE_PROMPTS = {"source": "代码", "outputs": "输出", "content": "代码与输出"}


def _prompt(text: str) -> str:
    """myst-nb's English "Show code cell source" -> "显示代码" (its {type} is not translatable)."""
    for verb, zh in (("Show", "显示"), ("Hide", "隐藏")):
        for kind, label in CODE_PROMPTS.items():
            if text == f"{verb} code cell {kind}":
                return zh + label
    return text


def _visit_hide_cell(self, node) -> None:
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n')
    self.body.append("<summary>\n")
    self.body.append(f'<p class="collapsed admonition-title">{escape(_prompt(node["prompt_show"]))}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(_prompt(node["prompt_hide"]))}</p>\n')
    self.body.append("</summary>\n")


def _depart_hide_cell(self, node) -> None:
    self.body.append("</details>\n")


def _citation_list_role(app, pagename, templatename, context, doctree):
    """Sphinx marks a citation list ``role="list"`` but its items are not ``listitem``s (axe:
    aria-required-children, critical); the plain ``div`` is what screen readers handle best."""
    body = context.get("body")
    if body and "citation-list" in body:
        context["body"] = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')


def setup(app):
    datapage.setup(app)
    reader.setup(app)
    cite.setup(app)
    app.connect("html-page-context", _citation_list_role)
    try:
        from myst_nb.sphinx_ import HideCodeCellNode
    except ImportError:  # a future myst-nb without this node: nothing to fix
        pass
    else:
        app.add_node(HideCodeCellNode, override=True, html=(_visit_hide_cell, _depart_hide_cell))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
