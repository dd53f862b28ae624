"""Chapter 10's modules: conflicts judged, the detector measured (precision and recall), arithmetic
redone, sources profiled, text searched; and no dangling claim or conflict id anywhere."""
import json
import re

import pandas as pd
import pytest

from ihbook.evidence import conflicts
from ihbook.chapters import checking_numbers as critique
from ihbook.evidence import tables as datapackage
from ihbook.evidence import ledger
from ihbook.evidence import recall
from ihbook.evidence import sources
from ihbook.evidence.paths import BOOK, DATA

CHAPTER = BOOK / "10_checking_numbers.ipynb"


@pytest.fixture
def shown(monkeypatch):
    out = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: out.append(obj))
    return out


# --- notes --------------------------------------------------------------------------------

def test_notes_table_is_sound_and_valid_against_its_schema():
    assert critique.check_notes() == []
    assert datapackage.validate_file(critique.NOTES, "conflict_notes") == []


def test_every_conflict_has_a_note_with_a_verdict():
    """Each conflict was judged by reading both quotes: a verdict, a reason and a note."""
    notes = critique.load_notes().set_index("conflict_id")
    for cid in conflicts.load_conflicts().conflict_id:
        assert cid in notes.index, f"{cid} 没有判定"
        assert notes.loc[cid, "verdict"] in critique.VERDICTS and notes.loc[cid, "note"].strip()
        reason, note, specific = critique.explain(cid)
        assert specific and reason in critique.reasons().values()


def test_critique_words_live_in_data_files_with_schemas():
    for name in ("conflict_reasons", "conflict_generic_notes", "source_organisations", "ledger_fields"):
        assert datapackage.validate_file(DATA / f"{name}.csv", name) == [], name
    assert set(critique.field_notes()) == set(ledger.COLUMNS)
    assert set(critique.generic_notes()) == set(conflicts.KIND_LABELS)


# --- precision and recall ----------------------------------------------------------------

def test_committed_recall_mapping_equals_a_fresh_run():
    fresh = recall.mapping().to_csv(index=False, lineterminator="\n")
    assert recall.RECALL.read_text(encoding="utf-8") == fresh, "run: python -m ihbook.evidence.recall"


def test_precision_and_recall_meet_the_targets():
    p, r = recall.precision(), recall.recall()
    assert p["precision"] >= recall.TARGET, p
    assert r["recall"] >= recall.TARGET, r
    assert r["excluded"] <= r["rows"] // 4  # exclusions stay the exception, each with its reason
    table = recall.load_mapping()
    assert (table[table.status != "matched"].reason.str.len() > 10).all()


def test_recall_matching_uses_quotes_and_repeats():
    # the reader quoted the second telling of 7.8亿 (R25-072); the conflict lists the first (R25-027)
    row = recall.load_mapping().set_index("dis_id").loc["D01"]
    assert "R25-072" in row["claims_a"] and row["conflict_ids"] == conflicts.cid("cross-source", ["GY24-001", "R25-027"])
    assert recall.overlaps("在2023年6月我国互联网医疗用户规模已经达到了3.64 亿人", "3.64", "用户规模已经达到了3.64 亿人")
    assert not recall.overlaps("用户规模已经达到了3.64 亿人", "7.8", "用户规模已经达到了3.64 亿人")


# --- no dangling ids ---------------------------------------------------------------------

CONFLICT_ID = re.compile(r"CF-[0-9a-f]{6}")
CLAIM_ID = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,3}\d{2}-\d{3}(?!\d)")


def _texts():
    """(place, text) for every notebook cell source and text file in book/ and every table in data/."""
    for p in sorted(BOOK.rglob("*")):
        if "_build" in p.parts or not p.is_file():
            continue
        if p.suffix == ".ipynb":
            nb = json.loads(p.read_text(encoding="utf-8"))
            for i, cell in enumerate(nb["cells"]):
                yield f"{p.relative_to(BOOK.parent)} 第 {i} 格", "".join(cell["source"])
        elif p.suffix in (".md", ".py", ".yml", ".bib", ".txt"):
            yield str(p.relative_to(BOOK.parent)), p.read_text(encoding="utf-8", errors="ignore")
    for p in sorted(DATA.rglob("*.csv")):
        if "sources" in p.relative_to(DATA).parts[:1]:
            continue
        yield str(p.relative_to(BOOK.parent)), p.read_text(encoding="utf-8", errors="ignore")
    # the package writes captions and glue too: a typed id there dangles just the same
    for p in sorted((BOOK.parent / "src" / "ihbook").rglob("*")):
        if p.suffix in (".py", ".css", ".js") and p.is_file():
            yield str(p.relative_to(BOOK.parent)), p.read_text(encoding="utf-8", errors="ignore")


def test_no_dangling_claim_or_conflict_id_in_book_or_data():
    """Every CF-xxxxxx and every claim id cited in book/, data/ or the package exists."""
    claims = set(ledger.load_claims().claim_id)
    found = set(conflicts.load_conflicts().conflict_id)
    dangling = []
    for place, text in _texts():
        dangling += [f"{place}：{c}" for c in sorted(set(CONFLICT_ID.findall(text)) - found)]
        dangling += [f"{place}：{c}" for c in sorted(set(CLAIM_ID.findall(text)) - claims)]
    assert not dangling, "这些编号已不存在：\n" + "\n".join(dangling)


def test_generic_explanation_when_a_conflict_has_no_note(monkeypatch):
    monkeypatch.setattr(critique, "_notes_by_id", lambda *a: {})
    cid = conflicts.load_conflicts().query("kind == 'arithmetic'").conflict_id.iloc[0]
    reason, note, specific = critique.explain(cid)
    assert not specific and note == critique.generic_notes()["arithmetic"][1]
    assert critique.verdict(cid) == "未判定"


def test_check_notes_reports_bad_rows(tmp_path):
    bad = tmp_path / "notes.csv"
    bad.write_text("conflict_id,verdict,likely_reason,note\nCF-000000,maybe,guess,\n", encoding="utf-8")
    errors = [str(e) for e in critique.check_notes(bad)]
    assert any("likely_reason" in e for e in errors) and any("verdict" in e for e in errors)
    assert any("没有判定" in e for e in errors)
    assert any("说明为空" in e for e in errors)
    assert any("不在 data/conflicts.csv" in e for e in errors)


def test_unknown_conflict_is_a_clear_error():
    with pytest.raises(KeyError, match="冲突清单中没有"):
        critique.conflict("CF-zzzzzz")


# --- arithmetic --------------------------------------------------------------------------

def test_stated_claim_is_the_one_with_the_relation():
    assert critique.stated_claim("CF-cee915")["claim_id"] == "WS21-004"
    assert critique.stated_claim("CF-ea555e")["claim_id"] == "R25-255"


def test_conflict_values_show_stated_and_recomputed():
    vals = critique.conflict_values("CF-cee915").set_index("computed")
    assert vals.loc[False, "lo"] == 47.7
    assert vals.loc[True, "lo"] == pytest.approx(117.6 / 271.7 * 100, abs=1e-3)
    assert "43.3" in critique.arithmetic_working("CF-cee915")


def test_arithmetic_checks_agree_with_the_conflict_list():
    checks = critique.arithmetic_checks().set_index("编号")
    flagged = {critique.stated_claim(c)["claim_id"]
               for c in conflicts.load_conflicts().query("rule == 'stated-relation'").conflict_id}
    failed = set(checks.index[checks["结论"] != "相符"])
    assert failed == flagged
    assert checks.loc["R25-268", "结论"] == "相符"  # 120 ÷ 400 = 30 %: the report can add up


def test_conflict_values_of_a_value_conflict_share_one_unit():
    vals = critique.conflict_values("CF-68a112")
    assert set(vals.unit) == {"亿元"} and set(vals.claim_id) == {"GY24-015", "R25-260"}


def test_conflict_values_show_a_derived_figure():
    cid = conflicts.cid("cross-source", ["KR21-001", "KR21-002", "R25-026"])
    vals = critique.conflict_values(cid).set_index("computed")
    assert vals.loc[True, "lo"] == pytest.approx(74.4 / 100 * 14 / 1.02, rel=1e-3)  # widened for the base's year
    assert vals.loc[False, "claim_id"] == "R25-026" and set(vals.unit) == {"亿人"}


# --- source profile ----------------------------------------------------------------------

@pytest.mark.parametrize("vt,value,expected", [
    ("3", 3, True), ("45", 45, True), ("7000", 7000, True), ("上千", 1000, True), ("20几", 20, True),
    ("1/3", 0.3333, True), ("3.64", 3.64, False), ("162", 162, False), ("2,839.6", 2839.6, False),
    ("47", 47, False), ("1007579", 1007579, False),
])
def test_is_round(vt, value, expected):
    assert critique.is_round(vt, value) is expected


def test_anon_rate_counts_unnamed_examples():
    text = sources.text("report-2025")
    n = text.count("某") - sum(text.count(w) for w in ("某些", "某种", "某个", "某一"))
    assert critique.anon_rate("report-2025") == pytest.approx(n / len(text) * 10000)
    assert critique.anon_rate("iresearch-2020") == 0


def test_cited_organisations_exclude_the_publisher_itself():
    assert "艾瑞咨询" not in critique.cited_organisations("iresearch-2020")
    assert "观研天下" not in critique.cited_organisations("chinabaogao-2024")
    assert "IT桔子" in critique.cited_organisations("chinabaogao-2024")
    assert set(critique.cited_organisations("woshipm-2021")) >= {"艾瑞咨询", "易观"}
    assert critique.cited_organisations("report-2025") == []


def test_reused_figures_catch_the_same_numbers_for_two_entities():
    reused = critique.reused_figures("report-2025")
    row = reused[reused["编号"].str.contains("R25-049")]
    assert len(row) == 1 and "R25-180" in row["编号"].iloc[0]
    assert critique.reused_figures("chinabaogao-2024").empty


def test_shared_number_sets_find_the_copied_sentence():
    pairs = critique.shared_number_sets("report-2025")
    assert len(pairs) >= 1
    first = pairs.iloc[0]
    assert "89%" in first["数字"] and "某平台" in first["句一"] + first["句二"]
    assert "平安好医生" in first["句一"] + first["句二"]


def test_profile_has_one_row_per_source_and_consistent_counts():
    prof = critique.source_profile().set_index("source_id")
    assert set(prof.index) == set(sources.load_sources().source_id)
    claims = ledger.counted_once(ledger.load_claims())
    for sid, r in prof.iterrows():
        assert r["数字条数"] == (claims.source_id == sid).sum()
    assert prof.loc["report-2025", "无出处占比（%）"] > 50 and prof.loc["chinabaogao-2024", "无出处占比（%）"] == 0
    assert prof.loc["report-2025", "个例占比（%）"] > 0
    assert (prof.drop(index="report-2025")["个例占比（%）"] == 0).all()
    within = conflicts.load_conflicts().query("kind == 'within-source'")
    assert prof.loc["report-2025", "内部冲突"] >= len(within)


# --- reader-callable functions: bad input is a message -----------------------------------

@pytest.mark.parametrize("source_id,word,width,msg", [
    ("nope", "某", 10, "未知来源"), ("report-2025", "", 10, "不能为空"),
    ("report-2025", "某" * 60, 10, "太长"), ("report-2025", "某", 0, "宽度"),
    ("report-2025", "不存在的词语xyz", 10, "没有找到"),
])
def test_kwic_bad_input(shown, source_id, word, width, msg):
    out = critique.kwic(source_id, word, width)
    assert out.empty and msg in shown[-1]["text/plain"]


def test_kwic_finds_every_occurrence_up_to_the_limit(shown):
    out = critique.kwic("chinabaogao-2024", "投融资", 5)
    assert len(out) == sources.text("chinabaogao-2024").count("投融资")
    assert (out["词"] == "投融资").all() and not shown


@pytest.mark.parametrize("bad", ["", "WS21", "<b>x</b>", "ZZ99-999"])
def test_claim_card_bad_id(shown, bad):
    critique.claim_card(bad)
    assert "编号" in shown[-1]["text/plain"] or "没有" in shown[-1]["text/plain"]
    assert "<b>" not in shown[-1]["text/html"]


def test_claim_card_shows_recomputation(shown):
    critique.claim_card("WS21-004")
    assert "重算" in shown[-1]["text/plain"] and "43.3%" in shown[-1]["text/plain"]


@pytest.mark.parametrize("bad", ["", "CF-", "cf-zzz", "<script>", "CF-000000"])
def test_show_conflict_bad_id(shown, bad):
    critique.show_conflict(bad)
    assert "<script>" not in shown[-1]["text/html"]
    assert "冲突" in shown[-1]["text/plain"]


def test_conflict_html_escapes_and_names_every_claim():
    cid = "CF-ea555e"
    body = critique.conflict_html(cid)
    for claim_id in conflicts.load_conflicts().set_index("conflict_id").loc[cid, "claim_ids"].split(";"):
        assert claim_id in body
    assert "<q>" in body and "重算" in body and "R25-255" in body


def test_coverage_counts_by_kind():
    cov = critique.coverage()
    df = conflicts.load_conflicts()
    assert cov["total"] == len(df) == sum(cov["by_kind"].values())


# --- the chapter itself ------------------------------------------------------------------

def _outputs_text(nb_path) -> str:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for mime in ("text/plain", "text/html", "text/markdown"):
                if mime in data:
                    parts.append("".join(data[mime]) if isinstance(data[mime], list) else data[mime])
            if "text" in out:
                parts.append("".join(out["text"]) if isinstance(out["text"], list) else out["text"])
    return "\n".join(parts)


def test_chapter_10_outputs_show_every_conflict():
    """Every row of data/conflicts.csv appears in the executed chapter's outputs."""
    assert CHAPTER.is_file(), "第十章笔记本不存在"
    text = _outputs_text(CHAPTER)
    missing = [c for c in conflicts.load_conflicts().conflict_id if c not in text]
    assert not missing, f"第十章的输出中缺少这些冲突（请重新执行笔记本）：{missing}"


@pytest.mark.parametrize("module", ["checking_numbers_panels", "checking_numbers_sources", "checking_numbers"])
def test_each_chapter_10_module_imports_on_its_own(module):
    """The chapter module re-exports the panels and the source profile; they import helpers from
    it. Each must import first in a fresh interpreter (no circular import), and the re-exported
    names stay reachable from the chapter module."""
    import subprocess
    import sys

    code = (f"import ihbook.chapters.{module}; from ihbook.chapters import checking_numbers as c; "
            "assert c.conflict_browser and c.profile_bars and c.ANON and 'kwic' in c._LAZY")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-800:]
