"""Chinese glyphs: every CJK character the book uses is in the shipped font; gaps are errors."""
import pytest

from ihbook.show import fonts
from ihbook.evidence.paths import BOOK, DATA, ROOT

SUFFIXES = {".md", ".ipynb", ".csv", ".txt", ".json", ".yml", ".bib"}


def _files():
    for folder in (BOOK, DATA, ROOT / "_static"):
        for p in folder.rglob("*"):
            if p.is_file() and p.suffix in SUFFIXES and "raw" not in p.parts:
                yield p


def test_every_cjk_character_in_book_and_data_has_a_glyph():
    gaps = {}
    for p in _files():
        miss = fonts.missing(p.read_text(encoding="utf-8", errors="ignore"))
        if miss:
            gaps[p.relative_to(ROOT).as_posix()] = "".join(miss)
    assert not gaps, f"rebuild the subset (python scripts/make_font.py): {gaps}"


def test_missing_glyph_is_an_error():
    import matplotlib.pyplot as plt

    fonts.setup()
    assert fonts.missing("中文") == []
    assert fonts.missing("\U0002A700") == []  # outside the CJK ranges we check: not reported
    fig, ax = plt.subplots()
    ax.set_title("\u9fa5\u9fa6\u9fa7\u9fa8\u9fa9")  # rare ideographs outside GB2312
    assert fonts.missing(ax.get_title()), "these ideographs are outside GB2312 and unused: not in the subset"
    with pytest.raises(UserWarning, match="missing"):
        fig.canvas.draw()
    plt.close(fig)


def test_font_is_registered_as_default():
    import matplotlib

    name = fonts.setup()
    assert matplotlib.rcParams["font.sans-serif"][0] == name
    assert (DATA / "fonts" / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE") >= 1
