"""Chinese glyphs in every chart.

matplotlib ships no CJK font, so a chart with Chinese labels silently draws empty boxes and
only warns ``Glyph … missing from font``. This module registers the OFL subset of Noto Sans
CJK SC shipped in ``data/fonts/`` and turns that warning into an error, so a missing glyph
fails the build instead of reaching a reader.
"""
from __future__ import annotations

import warnings
from functools import lru_cache

from ihbook.evidence.paths import DATA

FONT_FILE = DATA / "fonts" / "NotoSansCJKsc-subset.otf"
FAMILY = "IHBook Sans CJK"


def setup() -> str:
    """Register the shipped font, make it matplotlib's default, and return its family name.

    The warning filter is installed on every call (cheap), since test runners and
    ``warnings.catch_warnings`` blocks reset filters.
    """
    name = _register()
    # "Glyph 12345 (\N{...}) missing from font(s) …" becomes an exception.
    warnings.filterwarnings("error", message=r".*[Gg]lyph .* missing from.*")
    return name


@lru_cache(maxsize=None)
def _register() -> str:
    from matplotlib import font_manager, rcParams

    font_manager.fontManager.addfont(str(FONT_FILE))
    name = font_manager.FontProperties(fname=str(FONT_FILE)).get_name()
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    rcParams["axes.unicode_minus"] = False
    rcParams["svg.fonttype"] = "none"
    rcParams["pdf.fonttype"] = 42
    return name


@lru_cache(maxsize=None)
def charmap() -> frozenset[int]:
    """Code points the shipped font can draw."""
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(FONT_FILE)).getBestCmap())


def missing(text: str) -> list[str]:
    """Characters of ``text`` (CJK and full-width only) that the shipped font cannot draw."""
    cmap = charmap()
    out = []
    for ch in dict.fromkeys(text):
        cp = ord(ch)
        if (0x2E80 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0xFF00 <= cp <= 0xFFEF
                or 0x3000 <= cp <= 0x303F) and cp not in cmap:
            out.append(ch)
    return out
