"""Rebuild the shipped CJK font subset (maintainers only; the build never runs this).

Source: Debian's ``fonts-noto-cjk`` (Noto Sans CJK SC Regular, SIL OFL 1.1). Output:
``data/fonts/NotoSansCJKsc-subset.otf`` for matplotlib and ``book/_static/fonts/...woff`` for
the web pages. The subset keeps GB2312 (the common simplified characters), ASCII, CJK and
full-width punctuation, and every character used anywhere in ``book/`` and ``data/``; a test
checks that last promise. Run: ``python scripts/make_font.py`` after ``apt-get install
fonts-noto-cjk``, then commit the two files.
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parents[1]
TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUT_OTF = ROOT / "data" / "fonts" / "NotoSansCJKsc-subset.otf"
OUT_WOFF = ROOT / "book" / "_static" / "fonts" / "NotoSansCJKsc-subset.woff"
FAMILY = "IHBook Sans CJK"
TEXT_SUFFIXES = {".md", ".ipynb", ".csv", ".txt", ".json", ".py", ".yml", ".bib"}


def gb2312() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def used_chars() -> set[str]:
    chars: set[str] = set()
    for folder in ("book", "data", "src", "_static"):
        if not (ROOT / folder).is_dir():
            continue
        for p in (ROOT / folder).rglob("*"):
            if p.is_file() and p.suffix in TEXT_SUFFIXES and "raw" not in p.parts:
                chars |= set(p.read_text(encoding="utf-8", errors="ignore"))
    return chars


def main() -> int:
    coll = TTCollection(str(TTC))
    font = next(f for f in coll.fonts if "Noto Sans CJK SC" in f["name"].getDebugName(1))
    cmap = font.getBestCmap()
    wanted = gb2312() | used_chars() | {chr(c) for c in range(0x20, 0x7F)}
    wanted |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF01, 0xFF5F)}
    codepoints = sorted(ord(c) for c in wanted if ord(c) in cmap)
    opts = Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    sub = Subsetter(opts)
    sub.populate(unicodes=codepoints)
    sub.subset(font)
    # A modified font must not pose as the original (and must not be confused with a system
    # copy of Noto Sans CJK SC, which would hide missing glyphs): give it its own name.
    for rec in font["name"].names:
        if rec.nameID in (1, 16):
            rec.string = FAMILY
        elif rec.nameID == 4:
            rec.string = f"{FAMILY} Regular"
        elif rec.nameID in (3, 6):
            rec.string = FAMILY.replace(" ", "") + "-Regular"
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [FAMILY.replace(" ", "") + "-Regular"]
    OUT_OTF.parent.mkdir(parents=True, exist_ok=True)
    OUT_WOFF.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = None
    font.save(str(OUT_OTF))
    font.flavor = "woff"
    font.save(str(OUT_WOFF))
    print(f"{len(codepoints)} glyphs → {OUT_OTF.stat().st_size/1e6:.2f} MB otf, {OUT_WOFF.stat().st_size/1e6:.2f} MB woff")
    return 0


if __name__ == "__main__":
    sys.exit(main())
