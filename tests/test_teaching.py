"""The teaching layer: syllabus timings add up, every chapter is taught, the assessment's code
runs, the run instructions are right, and the audit toolkit copes with bad input."""
import os
import re
from urllib.parse import parse_qs, unquote, urlparse

import pytest
import yaml

from ihbook.site import audit
from ihbook.evidence import conflicts
from ihbook.evidence import ledger
from ihbook.evidence import sources
from ihbook.evidence.paths import ROOT

TEACHING = ROOT / "book" / "teaching"
SYLLABUS = (TEACHING / "syllabus.md").read_text(encoding="utf-8")
GUIDE = (TEACHING / "instructor_guide.md").read_text(encoding="utf-8")
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("[0-9][0-9]_*.ipynb"))


def sessions(text):
    parts = re.split(r"^## (第 \d 次课[^\n]*)$", text, flags=re.M)
    return list(zip(parts[1::2], parts[2::2]))


def test_five_sessions_of_ninety_minutes():
    found = sessions(SYLLABUS)
    assert len(found) == 5
    for title, body in found:
        spans = [(int(a), int(b)) for a, b in re.findall(r"^\| (\d+)–(\d+) \|", body, re.M)]
        assert spans, title
        assert spans[0][0] == 0 and spans[-1][1] == 90, f"{title}: {spans}"
        assert all(b == c for (_, b), (c, _) in zip(spans, spans[1:])), f"{title}: gaps or overlaps {spans}"
        for part in ("**目标**", "**课前阅读**", "**讨论题**"):
            assert part in body, f"{title}: missing {part}"


def test_every_chapter_is_read_in_some_session():
    linked = set(re.findall(r"\{doc\}`/book/([\w/]+)`", SYLLABUS))
    assert set(CHAPTERS) <= linked, set(CHAPTERS) - linked
    for doc in linked | set(re.findall(r"\{doc\}`/book/([\w/]+)`", GUIDE)):
        assert (ROOT / "book" / f"{doc}.ipynb").exists() or (ROOT / "book" / f"{doc}.md").exists(), doc


def test_weights_add_up():
    shares = [int(x) for x in re.findall(r"^\| [^|]+ \| (\d+)% \|", SYLLABUS, re.M)]
    assert sum(shares) == 100, shares
    rubric = [int(x) for x in re.findall(r"^\| [^|（]+（(\d+)%）", SYLLABUS, re.M)]
    assert len(rubric) == 5 and sum(rubric) == 100, rubric


def test_syllabus_code_runs_and_its_claims_are_sound(monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", SYLLABUS, re.S)
    assert blocks
    monkeypatch.chdir(ROOT / "book")
    for code in blocks:
        env = {}
        exec(compile(code, "syllabus.md", "exec"), env)  # noqa: S102 - our own page
        table = audit.audit(env["ids"])
        assert (table["问题"] == "").all(), table[["编号", "问题"]]
        assert set(table["引文在原文中"]) == {"是"}


def test_syllabus_stays_student_safe():
    assert "instructor_guide" not in SYLLABUS, "the student edition drops the guide: do not link to it"
    for text in (SYLLABUS, GUIDE):
        assert not re.search(r"^(`{3,}|:{3,})\{solution", text, re.M)


def test_run_instructions_match_the_config():
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = cfg["repository"]["url"]
    name = repo.rstrip("/").split("/")[-1]
    pattern = ("https://HUB/hub/user-redirect/git-pull?repo=REPO_URL&urlpath=lab/tree/REPO_NAME/"
               "book/01_pain_points.ipynb&branch=main")
    assert pattern in GUIDE
    encoded = re.search(r"https://HUB/hub/user-redirect/git-pull\?repo=https%3A\S+", GUIDE)[0]
    q = parse_qs(urlparse(encoded).query)
    assert q["repo"] == [repo]
    assert q["urlpath"] == [f"lab/tree/{name}/book/01_pain_points.ipynb"]
    assert q["branch"] == [cfg["repository"]["branch"]]
    assert unquote(encoded).count("&") == 2
    assert "https://mybinder.org/v2/gh/ORG/REPO/BRANCH?urlpath=lab/tree/book/01_pain_points.ipynb" in GUIDE
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for cmd in ("bash scripts/build.sh", "bash scripts/test.sh"):
        assert cmd in readme and cmd in GUIDE and cmd in SYLLABUS
    assert "python scripts/student_edition.py" in GUIDE
    assert (ROOT / "scripts" / "student_edition.py").exists()


# ------------------------------------------------------------------------------ audit

def test_audit_row_for_a_good_claim():
    row = audit.audit(["WS21-016"]).iloc[0]
    rec = ledger.claim("WS21-016")
    assert row["编号"] == "WS21-016" and row["问题"] == ""
    assert row["数值"] == ledger.display_value(rec)
    assert row["引文在原文中"] == "是"
    listed = {c for c in row["冲突"].split("；") if c != "无"}
    cf = conflicts.load_conflicts()
    expected = {r.conflict_id for r in cf.itertuples() if "WS21-016" in r.claim_ids.split(";")}
    assert listed == expected and expected


def test_related_and_context():
    rel = audit.related("WS21-016")
    rec = ledger.claim("WS21-016")
    assert len(rel) and "WS21-016" not in set(rel.claim_id)
    assert set(rel.metric) == {rec["metric"]} and set(rel.entity) == {rec["entity"]}
    ctx = audit.context("WS21-016")
    assert f"【{rec['quote']}】" in ctx
    assert ctx.replace("【", "").replace("】", "") in sources.text(rec["source_id"])


@pytest.mark.parametrize("bad", [None, "", "   ", 123, [], "<script>alert(1)</script>", "ZZ99-999", ["WS21-016", "x" * 500]])
def test_audit_never_raises_on_bad_input(bad):
    table = audit.audit(bad)
    assert list(table.columns) == audit.COLUMNS
    assert (table["问题"] != "").any()
    assert all(len(str(v)) <= 200 for v in table["编号"])


def test_audit_accepts_a_typed_list():
    table = audit.audit("ws21-016，IR20-030；  KR21-022")
    assert list(table["编号"]) == ["WS21-016", "IR20-030", "KR21-022"]


def test_a_quote_missing_from_the_text_is_reported(monkeypatch):
    real = ledger.claim("WS21-016")
    monkeypatch.setattr(ledger, "claim", lambda cid: {**real, "quote": "这句话不在任何来源里"})
    row = audit.audit(["WS21-016"]).iloc[0]
    assert row["引文在原文中"] == "否" and "不在" in row["问题"]
    assert audit.context("WS21-016") == ""


def test_student_edition_is_documented_for_the_lead():
    assert os.access(ROOT / "scripts" / "student_edition.py", os.R_OK)
