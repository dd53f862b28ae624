"""The one-page briefing (ihbook.chapters.briefing) and the data page (ihbook.site.datapage): everything on
them comes from data, bad editorial input is caught, and the HTML is escaped and linked."""
from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import pytest

from ihbook.chapters import briefing
from ihbook.chapters import briefing_messages as brief
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


def test_the_numbers_are_dated_attributed_or_officially_checked():
    """Fewer, better numbers: none from the source the book does not rely on unless officially
    checked, no unattributed or anecdotal figure unless officially checked, no forecast."""
    for it in briefing.items():
        ok, why = brief.claim_may_back(it["claim_id"])
        assert ok, f"{it['claim_id']}: {why}"
        assert it["kind"] not in ("forecast", "target"), it["claim_id"]
    assert len({it["kind"] for it in briefing.items()}) >= 2  # still more than one kind of number


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


def _write_csv(path, columns, rows):
    """A table in ``path`` with its header row: the bad-row tests feed it to the checks."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)
    return path


def _write(tmp_path, rows):
    return _write_csv(tmp_path / "briefing.csv", briefing.COLUMNS, rows)


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


# --- key messages (ihbook.chapters.briefing_messages) --------------------------------------

def test_messages_table_is_sound():
    assert brief.check_messages() == []
    df = brief.load_messages()
    assert brief.MIN_MESSAGES <= len(df) <= brief.MAX_MESSAGES
    assert list(df.order) == sorted(df.order)


def test_every_message_figure_comes_from_data():
    from ihbook.evidence import reference

    cards = reference.source_cards().set_index("source_id")
    n = 0
    for m in brief.messages():
        assert m["figures"], m["message_id"]
        for f in m["figures"]:
            n += 1
            if f["kind"] == "claim":
                c = ledger.claim(f["id"])
                assert f["value"] == ledger.display_value(c)
                assert sorted(f["conflicts"]) == sorted(
                    r.conflict_id for r in conflicts.load_conflicts().itertuples() if f["id"] in r.claim_ids.split(";"))
                v = brief.verdict(f["id"])
                if v and v["verdict"] != "no_counterpart":
                    assert f["verdict"] == v["verdict_label"]
                assert f["value"] in m["body"]
            elif f["kind"] == "ref":
                r = reference.reference_row(f["id"])
                assert r["value_text"] in f["value"] and r["unit"] in f["value"]
            elif f["kind"] == "rule":
                assert f["id"] in set(reference.load_rules().rule_id)
            else:
                _, sid, field = f["id"].split(":")
                x = cards.loc[sid, field]
                assert f["value"] == (f"{x:.0%}" if brief.CARD_FIELDS[field] == "share" else f"{int(x)}")
    assert n >= 10


def test_linked_chapters_show_every_id():
    """Every id behind a message appears in a chapter the message links; every number of the
    table appears in the chapter its row links."""
    for m in brief.messages():
        for f in m["figures"]:
            assert any(brief.shown_in(f["id"], ch) for ch, _, _ in m["chapters"]), (m["message_id"], f["id"])
    for it in briefing.items():
        assert brief.shown_in(it["claim_id"], it["chapter"]), (it["claim_id"], it["chapter"])


def test_messages_carry_source_year_and_flags():
    items = brief.messages()
    text = brief.render_messages_text(items)
    for m in items:
        for f in m["figures"]:
            if f["kind"] == "claim":
                c = ledger.claim(f["id"])
                assert sources.short_name(c["source_id"]) in f["evidence"]  # source and its year
                for cid in f["conflicts"]:
                    assert cid in text
    assert any(f["conflicts"] for m in items for f in m["figures"]), "no conflict flag at all"
    assert any(f["verdict"] for m in items for f in m["figures"]), "no official verdict at all"


def test_the_reliance_rule_holds_in_the_messages():
    from ihbook.evidence import reference

    cards = reference.source_cards()
    unreliable = set(reference.not_relied_on(cards).query("not relied_on").source_id)
    for m in brief.messages():
        for f in m["figures"]:
            if f["kind"] == "claim" and f["source_id"] in unreliable:
                assert brief.verdict(f["id"])["verdict"] in ("agrees", "disagrees", "definition"), f["id"]


def test_messages_html_is_escaped_and_linked():
    item = dict(brief.messages()[0], headline="<script>x</script>")
    body = brief.render_messages_html([item])
    assert "<script>x" not in body and "&lt;script&gt;" in body
    p = _Collect()
    p.feed(brief.render_messages_html() + brief.render_numbers_html())
    for href in p.hrefs:
        assert (BOOK / href).with_suffix(".ipynb").is_file(), href


def _write_messages(tmp_path, rows):
    return _write_csv(tmp_path / "briefing_messages.csv", brief.COLUMNS, rows)


def test_bad_messages_are_reported_in_chinese(tmp_path):
    good = list(csv.reader((brief.MESSAGES).open(encoding="utf-8")))[1:]
    assert brief.check_messages(_write_messages(tmp_path, good)) == []
    weak = next(c for c in ledger.load_claims().itertuples()
                if c.source_id == "report-2025" and brief.verdict(c.claim_id) is None)
    bad = good[:-1] + [["9", "bad", "一个判断。", f"手写了 3.64 亿人，{{{weak.claim_id}}}、{{XX99-999}}、{{REF-NOPE-1}}、{{IR20-012}}",
                        "book/05_policy"]]
    errors = brief.check_messages(_write_messages(tmp_path, bad))
    reasons = " ".join(e.reason for e in errors)
    assert "手写数字" in reasons
    assert f"{weak.claim_id} 不能作要点依据" in reasons
    assert "账本中没有“XX99-999”" in reasons and "官方统计表中没有“REF-NOPE-1”" in reasons
    assert "所链接的章节都没有展示 IR20-012" in reasons  # chapter 5 does not show it
    assert all(e.row == len(bad) + 1 for e in errors if e.column != "（整表）")
    assert any("5–7" in str(e) for e in brief.check_messages(_write_messages(tmp_path, good[:2])))


def test_briefing_page_calls_the_messages_then_the_numbers():
    import json

    nb = json.loads((BOOK / "briefing.ipynb").read_text(encoding="utf-8"))
    code = [("".join(c["source"])) for c in nb["cells"] if c["cell_type"] == "code"]
    assert any("show_messages()" in c for c in code) and any("show_numbers()" in c for c in code)
    assert [i for i, c in enumerate(code) if "show_messages" in c][0] < [i for i, c in enumerate(code) if "show_numbers" in c][0]


@pytest.mark.build
@pytest.mark.browser
def test_briefing_prints_on_one_a4_page(browser, site_url, html_dir, tmp_path):
    """The briefing fits ONE printed A4 page (scripts/pdf.py, the code behind
    `bash scripts/pdf.sh --briefing-only`, after `bash scripts/build.sh`)."""
    import importlib.util
    import shutil
    import subprocess

    spec = importlib.util.spec_from_file_location("ihbook_pdf_script", BOOK.parent / "scripts" / "pdf.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    pdf = mod.make_briefing(browser, site_url, tmp_path)
    pdfinfo = shutil.which("pdfinfo")
    assert pdfinfo, "pdfinfo not found: run bash scripts/setup.sh as root (installs poppler-utils)"
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    w, h = (float(x) for x in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    # A4 is 595.28 x 841.89 pt; Chromium rounds the page box to whole CSS pixels (≈ 595.92 x 842.88)
    assert abs(w - 595.28) < 1.5 and abs(h - 841.89) < 1.5, f"not A4: {w} x {h} pt"
    assert pages == 1, f"the briefing prints on {pages} A4 pages, not one"
