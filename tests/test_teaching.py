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
# Pages other than chapters that hold exercises (chapter 9's segmentation exercises live in the appendix).
EXTRA_EXERCISE_PAGES = [p.stem for p in (ROOT / "book").glob("methods_appendix.ipynb")]


def sessions(text):
    parts = re.split(r"^## (第 \d 次课[^\n]*)$", text, flags=re.M)
    return list(zip(parts[1::2], parts[2::2]))


def test_six_sessions_of_ninety_minutes_with_at_most_two_chapters_each():
    found = sessions(SYLLABUS)
    assert len(found) == 6
    for title, body in found:
        spans = [(int(a), int(b)) for a, b in re.findall(r"^\| (\d+)–(\d+) \|", body, re.M)]
        assert spans, title
        assert spans[0][0] == 0 and spans[-1][1] == 90, f"{title}: {spans}"
        assert all(b == c for (_, b), (c, _) in zip(spans, spans[1:])), f"{title}: gaps or overlaps {spans}"
        for part in ("**目标**", "**课前阅读**", "**讨论题**", "**课后练习**"):
            assert part in body, f"{title}: missing {part}"
        chapters = set(re.findall(r"\{doc\}`/book/(\d\d_\w+)`", body.split("**课前阅读**")[1].split("\n")[0]))
        assert 1 <= len(chapters) <= 2, f"{title}: {chapters} (no session may carry three chapters)"


def test_slides_follow_the_syllabus_sessions():
    from ihbook.site import slides

    found = sessions(SYLLABUS)
    for n, (title, body) in enumerate(found, 1):
        chapters = re.findall(r"\{doc\}`/book/(\d\d_\w+)`", body.split("**课前阅读**")[1].split("\n")[0])
        assert slides.SESSIONS[n][1] == chapters, (n, chapters)
        assert slides.SESSIONS[n][0] in title


def test_every_exercise_of_every_chapter_is_assigned():
    """Issue 17: exercises of chapters 3, 4 and 6-8 were never assigned."""
    import nbformat

    assigned = set(re.findall(r"<(ex-ch\d\d-[\w-]+)>`", SYLLABUS))
    for ch in CHAPTERS + EXTRA_EXERCISE_PAGES:
        nb = nbformat.read(ROOT / "book" / f"{ch}.ipynb", as_version=4)
        labels = re.findall(r"^:label: (ex-\S+)", "\n".join(c.source for c in nb.cells), re.M)
        assert labels, ch
        missing = set(labels) - assigned
        assert not missing, f"{ch}: exercises never assigned in the syllabus: {missing}"
    existing = {lab for ch in CHAPTERS + EXTRA_EXERCISE_PAGES for lab in re.findall(
        r"^:label: (ex-\S+)", "\n".join(c.source for c in nbformat.read(ROOT / "book" / f"{ch}.ipynb", as_version=4).cells), re.M)}
    assert assigned <= existing, f"the syllabus refers to exercises that do not exist: {assigned - existing}"


def test_presentation_timing_scales_beyond_five_groups():
    body = dict(sessions(SYLLABUS))
    last = [b for t, b in sessions(SYLLABUS) if "汇报" in t][0]
    table = last.split("(syllabus-presentation-timing)=")[1]
    rows = re.findall(r"^\| (\d+)(?:–(\d+))? 组(以内|以上)? \| (\d+) 分钟 \| (?:(\d+) 分钟|不设) \|", table, re.M)
    assert len(rows) == 4, rows
    span = next(b - a for a, b in ((int(x), int(y)) for x, y in re.findall(r"^\| (\d+)–(\d+) \| 审计汇报", last, re.M)))
    for lo, hi, _, talk, qa in rows:
        groups = int(hi or lo)
        if lo == "13":
            continue  # split into two rooms of at most 12 groups
        assert groups * (int(talk) + int(qa or 0)) <= span - 5, (lo, hi, talk, qa, span)
    assert body


def test_prerequisites_and_light_route_are_stated():
    assert "基础 Python" in SYLLABUS and "中文阅读" in SYLLABUS
    assert "python-primer" in SYLLABUS and "(python-primer)=" in (TEACHING / "cheatsheet.md").read_text(encoding="utf-8")
    assert "先修**：无硬性要求" not in SYLLABUS
    for text in (SYLLABUS, GUIDE):
        assert ".venv/bin/pip install -e ." in text
    assert "不需要浏览器内核（Chromium）" in SYLLABUS


def test_included_appendices_exist_and_their_labels_are_linked():
    for name in ("cheatsheet.md", "worksheets.md"):
        assert f"```{{include}} {name}" in SYLLABUS
        text = (TEACHING / name).read_text(encoding="utf-8")
        assert text.split("\n")[1].startswith("# "), f"{name}: line 2 must be the H1 skipped by :start-line: 2"
    worksheet_labels = re.findall(r"^\((worksheet-[\w-]+)\)=", (TEACHING / "worksheets.md").read_text(encoding="utf-8"), re.M)
    assert len(worksheet_labels) == 6
    for lab in worksheet_labels:
        assert f"<{lab}>`" in SYLLABUS, f"worksheet {lab} is not linked from the syllabus"


def test_every_chapter_is_read_in_some_session():
    linked = set(re.findall(r"\{doc\}`/book/([\w/]+)`", SYLLABUS))
    assert set(CHAPTERS) <= linked, set(CHAPTERS) - linked
    for doc in linked | set(re.findall(r"\{doc\}`/book/([\w/]+)`", GUIDE)):
        assert (ROOT / "book" / f"{doc}.ipynb").exists() or (ROOT / "book" / f"{doc}.md").exists(), doc


def test_weights_add_up():
    shares = [int(x) for x in re.findall(r"^\| [^|]+ \| (\d+)% \| [^|]+ \|$", SYLLABUS, re.M)]
    assert len(shares) == 3 and sum(shares) == 100, shares
    rubric = [int(x) for x in re.findall(r"^\| [^|（]+（(\d+)%）", SYLLABUS, re.M)]
    assert len(rubric) == 5 and sum(rubric) == 100, rubric
    exercise_rubric = SYLLABUS.split("(syllabus-exercise-rubric)=")[1].split("###")[1]
    weights = [int(x) for x in re.findall(r"^\| [^|]+ \| (\d+)% \| [^|]+ \| [^|]+ \| [^|]+ \|$", exercise_rubric, re.M)]
    assert len(weights) == 4 and sum(weights) == 100, weights


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
    pattern = ("https://HUB/hub/user-redirect/git-pull?repo=REPO_URL&urlpath=lab/tree/REPO_NAME/"
               "book/01_pain_points.ipynb&branch=main")
    assert pattern in GUIDE
    links = re.findall(r"https://HUB/hub/user-redirect/git-pull\?repo=https%3A\S+", GUIDE)
    assert len(links) >= 2, "the teacher-repo example and the student-repo link"
    for encoded in links:
        q = parse_qs(urlparse(encoded).query)
        repo = q["repo"][0]
        name = repo.rstrip("/").split("/")[-1]
        assert re.match(r"^https://github\.com/[\w.-]+/[\w.-]+$", repo), repo
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
