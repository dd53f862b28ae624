"""The one-page briefing (ihbook.chapters.briefing) and the data page (ihbook.site.datapage): everything on
them comes from data, bad editorial input is caught, and the HTML is escaped and linked."""
from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import pytest

from ihbook.chapters import briefing
from ihbook.evidence import conflicts
from ihbook.site import datapage
from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.evidence.paths import BOOK


def test_briefing_table_is_sound():
    assert briefing.check_briefing() == []
    df = briefing.load_briefing()
    assert briefing.MIN_ITEMS <= len(df) <= briefing.MAX_ITEMS
    assert list(df.order) == sorted(df.order)


def test_items_come_from_the_ledger():
    for it in briefing.items():
        c = ledger.claim(it["claim_id"])
        assert it["value"] == ledger.display_value(c)
        assert it["source"] == sources.short_name(c["source_id"])
        assert it["kind_label"] == ledger.KIND_LABELS[c["kind"]]
        assert (BOOK.parent / f"{it['chapter']}.ipynb").is_file()


def test_the_briefing_mixes_kinds_of_numbers():
    kinds = {it["kind"] for it in briefing.items()}
    assert {"observed", "estimate", "forecast"} <= kinds


def test_every_conflict_of_a_claim_is_flagged():
    df = conflicts.load_conflicts()
    for it in briefing.items():
        expected = sorted(r.conflict_id for r in df.itertuples() if it["claim_id"] in r.claim_ids.split(";"))
        assert sorted(c["conflict_id"] for c in it["conflicts"]) == expected, it["claim_id"]
    assert any(it["conflicts"] for it in briefing.items()), "no flagged number: the ledger has conflicts"


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])


def test_html_links_resolve_and_flags_point_to_explanations():
    body = briefing.render_html()
    p = _Collect()
    p.feed(body)
    for href in p.hrefs:
        if href.startswith("#"):
            assert href[1:] in p.ids, f"flag {href} has no explanation on the page"
        else:
            assert (BOOK / href).with_suffix(".ipynb").is_file(), href
    assert body.count("<li class=\"ihbook-brief-item") == len(briefing.items())


def test_render_escapes_markup():
    item = dict(briefing.items()[0], metric="<script>alert(1)</script>", interpretation="a & b <b>")
    body = briefing.render_html([item])
    assert "<script>" not in body and "&lt;script&gt;" in body and "a &amp; b &lt;b&gt;" in body
    assert "<script>" in briefing.render_text([item])  # plain text is not HTML


def _write(tmp_path, rows):
    path = tmp_path / "briefing.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(briefing.COLUMNS)
        w.writerows(rows)
    return path


def test_bad_briefing_rows_are_reported_in_chinese(tmp_path):
    good = [[str(i + 1), cid, "book/01_pain_points", "一句足够长的解读文字，没有数字。"]
            for i, cid in enumerate(ledger.load_claims().claim_id[:10])]
    assert briefing.check_briefing(_write(tmp_path, good)) == []
    bad = good[:9] + [["10", "XX99-999", "book/99_nothing", "这里手写了 3.64 亿人"]]
    errors = briefing.check_briefing(_write(tmp_path, bad))
    columns = {e.column for e in errors}
    assert {"claim_id", "chapter", "interpretation"} <= columns
    assert all(e.row == 11 for e in errors if e.column != "（整表）")
    assert any("手写数字" in str(e) for e in errors)
    dup = good[:9] + [good[0]]
    assert {e.column for e in briefing.check_briefing(_write(tmp_path, dup))} >= {"order", "claim_id"}
    assert any("10–15" in str(e) for e in briefing.check_briefing(_write(tmp_path, good[:3])))


@pytest.mark.parametrize("period,label", [
    ("", "时期未说明"), ("2019", "2019年"), ("2023-06", "2023年6月"), ("2020-H1", "2020年上半年"),
    ("2024-Q1", "2024年第1季度"), ("2018/2020", "2018年至2020年"), ("2024-01/2024-03", "2024年1月至2024年3月"),
])
def test_period_label(period, label):
    assert briefing.period_label(period) == label


def test_chapter_label_and_href():
    assert briefing.chapter_label("book/08_market_capital") == "第8章"
    assert briefing.chapter_href("book/08_market_capital") == "08_market_capital.html"
    with pytest.raises(ValueError, match="不是章节名"):
        briefing.chapter_label("book/intro")


# --- data page ----------------------------------------------------------------------------

def test_data_page_lists_every_table_with_its_row_count():
    body = datapage.render_tables("../")
    for t in datapage.tables():
        assert t["exists"], f"data/{t['path']} is described but missing"
        assert f'href="../data/{t["path"]}"' in body
        assert re.search(rf'id="data-{re.escape(t["name"])}".*?<p>{t["rows"]} 行 ·', body, re.S)
        assert len(t["fields"]) == t["columns"] > 0
    assert datapage.row_count(datapage.DATA / "claims.csv") == len(ledger.load_claims())


def test_data_page_lists_source_urls_as_external_links():
    body = datapage.render_sources()
    srcs = sources.load_sources()
    for _, s in srcs.iterrows():
        assert s["title"] in body
        if s["url"]:
            assert f'href="{s["url"]}"' in body
    assert body.count("原文网址未随文本保存") == (srcs.url == "").sum()


def test_site_copy_of_the_data(tmp_path):
    copied = datapage.copy_to_site(tmp_path)
    files = datapage.site_files()
    assert "claims.csv" in files and "datapackage.json" in files
    assert len(copied) == len(files)
    for rel in files:
        assert (tmp_path / "data" / rel).read_bytes() == (datapage.DATA / rel).read_bytes()
    assert datapage.copy_to_site(tmp_path) == []  # unchanged files are not copied again
