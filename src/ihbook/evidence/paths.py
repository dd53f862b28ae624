"""Where things live, resolved from the repository root (works from notebooks and tests).

Every module asks here instead of computing paths itself, so a notebook run from ``book/``, a
test run from the root and a copy of the tree in a temporary folder all find the same data.
``IHBOOK_ROOT`` overrides the root; ``IHBOOK_CHART_DATA`` sends chart CSVs elsewhere (the tests
set it to a temporary folder, so a unit test never rewrites the tracked ``_static/chartdata/``).
"""
from __future__ import annotations

import os
from pathlib import Path


def _find_root() -> Path:
    env = os.environ.get("IHBOOK_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in [Path.cwd().resolve(), *Path.cwd().resolve().parents, *here.parents]:
        if (parent / "data" / "sources.csv").exists() and (parent / "_config.yml").exists():
            return parent
    raise FileNotFoundError("找不到本书的根目录（含 data/sources.csv 与 _config.yml）。请在仓库内运行。")


ROOT = _find_root()
DATA = ROOT / "data"
BOOK = ROOT / "book"
STATIC = ROOT / "_static"
CHART_DATA = Path(os.environ["IHBOOK_CHART_DATA"]).resolve() if os.environ.get("IHBOOK_CHART_DATA") \
    else STATIC / "chartdata"
