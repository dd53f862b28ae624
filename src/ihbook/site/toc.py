"""The book's reading order, read from ``_toc.yml`` in one place.

Tests, the PDF printer and the re-execution script all need "every document in the table of
contents, root first"; they call :func:`entries` instead of walking the YAML themselves.
"""
from __future__ import annotations

from pathlib import Path

from ihbook.evidence.paths import ROOT


def entries(root: Path = ROOT) -> list[str]:
    """Every ``file`` in ``_toc.yml`` as written (extension kept if given), root first."""
    import yaml

    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for key, value in node.items():
                if key != "root":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return found


def docnames(root: Path = ROOT) -> list[str]:
    """Every document in reading order, without extension (``book/01_pain_points``)."""
    return [f.removesuffix(".md").removesuffix(".ipynb") for f in entries(root)]
