"""The corpus: raw seeds byte-identical, normalized texts reproducible and clean."""
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from ihbook.evidence import normalize
from ihbook.evidence import sources
from ihbook.evidence.paths import DATA

def test_raw_files_match_sources_csv():
    df = sources.load_sources()
    assert len(df) == 5
    for f in df.raw_file:
        assert (DATA / "sources" / "raw" / f).is_file(), f


def test_raw_files_are_byte_identical_to_the_seeds():
    """sources.csv records each seed's SHA-256 (taken from ../shared/seeds): checked anywhere."""
    assert sources.check_sources() == []


def test_a_changed_or_unlisted_raw_file_is_reported(tmp_path):
    shutil.copytree(DATA / "sources" / "raw", tmp_path / "sources" / "raw")
    shutil.copy(DATA / "sources.csv", tmp_path / "sources.csv")
    first = sources.load_sources().raw_file.iloc[0]
    with (tmp_path / "sources" / "raw" / first).open("ab") as fh:
        fh.write(b" ")
    (tmp_path / "sources" / "raw" / "extra.txt").write_text("x", encoding="utf-8")
    found = {(e.row, e.column) for e in sources.check_sources(tmp_path)}
    assert (2, "sha256") in found and (1, "raw_file") in found


def test_regenerating_texts_changes_nothing():
    fresh = normalize.build_all(write=False)
    for sid, text in fresh.items():
        assert (DATA / "sources" / "text" / f"{sid}.txt").read_text(encoding="utf-8") == text, sid


@pytest.mark.parametrize("sid", sources.load_sources().source_id)
def test_text_is_clean(sid):
    text = sources.text(sid)
    assert "<" not in text and "&nbsp;" not in text, "HTML left in text"
    assert not normalize.PINYIN.search(text), "pinyin annotations left"
    assert "http" not in text, "links/furniture left"
    for furniture in ("下载本文档", "版权说明", "咨询热线", "微信客服", "温馨提示", "打赏", "预览已结束"):
        assert furniture not in text
    lines = text.splitlines()
    assert all(a != b for a, b in zip(lines, lines[1:])), "consecutive duplicate paragraph"


def test_traditional_converted_and_repairs_applied():
    t = sources.text("report-2025")
    assert "互联网医疗" in t and "互聯網" not in t and "醫療" not in t
    assert "随着" in t and "随著" not in t
    assert "患者在基层医院" in t
    assert "回落至?50亿元" in t  # the lost digit is kept visible, not guessed


def test_removed_record_names_every_cut():
    removed = pd.read_csv(DATA / "sources" / "removed.csv", dtype=str, keep_default_na=False)
    assert set(removed.source_id) == set(sources.load_sources().source_id)
    assert (removed.reason != "").all()
    cut_teasers = removed[(removed.source_id == "chinabaogao-2024") & removed.text.str.contains("康复机器人")]
    assert len(cut_teasers) >= 2
    assert "智慧医疗行业大体可分为1.0-4.0四个阶段" in sources.text("chinabaogao-2024")


def test_reflow_joins_pdf_wraps():
    t = sources.text("iresearch-2020")
    assert "千人医生数已达到2.4人" in t
    assert re.search(r"制定的\n标准化", t) is None
