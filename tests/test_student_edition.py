"""The student edition contains every exercise and no solution.

The main tests strip every chapter notebook in memory and always run. They find the
solutions with their own, independent reading of the notebook (not the stripping code), take
the distinctive sentences and code lines of each one, and assert that none survives. The
`build` test checks the built student site (``python scripts/student_edition.py``) and is
skipped only when that site has not been built.
"""
import json
import re

import nbformat
import pytest
import yaml

from ihbook.site import student
from ihbook.evidence.paths import ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")
SEP = "\n\u241e\n"  # a cell separator that cannot occur in the book
SOLUTION = re.compile(r"^(?P<f>`{3,}|:{3,})\{solution\}.*?^(?P=f)[ \t]*$", re.S | re.M)
GATED = re.compile(r"^(?P<f>`{3,}|:{3,})\{solution-start\}.*?^(`{3,}|:{3,})\{solution-end\}[^\n]*\n(`{3,}|:{3,})[ \t]*$",
                   re.S | re.M)
EXERCISE = re.compile(r"^(`{3,}|:{3,})\{exercise\}[^\n]*\n:label: (\S+)", re.M)


def chapters():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for x in node:
                walk(x)
    walk(toc)
    return [f for f in files if (ROOT / f"{f}.ipynb").exists()]


def _joined(nb) -> str:
    return SEP.join(c.source for c in nb.cells)


def _outputs_text(cell) -> str:
    parts = []
    for o in cell.get("outputs", []):
        parts.append("".join(o.get("text", "")))
        for mime in ("text/plain", "text/html", "text/markdown"):
            v = o.get("data", {}).get(mime, "")
            parts.append("".join(v) if isinstance(v, list) else v)
    return "\n".join(parts)


def independent_solutions(nb) -> tuple[list[str], str]:
    """(solution texts, everything else) read straight from the notebook's cells.

    "Everything else" includes the outputs of every cell outside a gated solution, so a
    sentence a chapter also prints elsewhere is not taken as a solution's fingerprint."""
    text = _joined(nb)
    inside: set[int] = set()
    for m in GATED.finditer(text):
        first, last = text.count(SEP, 0, m.start()), text.count(SEP, 0, m.end())
        inside |= set(range(first + 1, last))  # the cells strictly between start and end
    found = [m.group(0) for m in GATED.finditer(text)]
    rest = GATED.sub("", text)
    found += [m.group(0) for m in SOLUTION.finditer(rest)]
    rest = SOLUTION.sub("", rest)
    rest += "\n".join(_outputs_text(c) for i, c in enumerate(nb.cells) if i not in inside)
    return found, rest


def distinctive(solution: str, rest: str) -> list[str]:
    items = []
    for part in solution.split(SEP):
        for s in re.split(r"[。！？；\n]", part):
            s = s.strip()
            if s.startswith(("```", ":::", ":class:", ":label:")) or not s:
                continue
            prose = len(CJK.findall(s)) >= 8
            code = len(s) >= 12 and re.search(r"[=(]", s) and not CJK.search(s)
            if (prose or code) and s not in rest:
                items.append(s)
    return items


def _student_text(nb) -> str:
    """All cell sources and text outputs of a (stripped) notebook."""
    return "\n".join(c.source + "\n" + _outputs_text(c) for c in nb.cells)


CHAPTERS = chapters()


def test_there_are_chapters_to_check():
    assert len(CHAPTERS) >= 1


@pytest.mark.parametrize("name", CHAPTERS)
def test_stripping_removes_every_solution_and_keeps_every_exercise(name):
    nb = nbformat.read(ROOT / f"{name}.ipynb", as_version=4)
    solutions, rest = independent_solutions(nb)
    exercises = EXERCISE.findall(_joined(nb))
    stripped, report = student.strip_notebook(nb, name)
    out = _student_text(stripped)

    assert report.solutions == len(solutions), f"{name}: stripped {report.solutions}, found {len(solutions)}"
    assert student.source_leaks(out) == [], f"{name}: solution markers remain"
    assert EXERCISE.findall(_joined(stripped)) == exercises, f"{name}: an exercise was lost"
    for sol in solutions:
        probes = distinctive(sol, rest)
        assert probes, f"{name}: a solution with nothing distinctive in it:\n{sol[:300]}"
        left = [p for p in probes if p in out]
        assert not left, f"{name}: solution text survived: {left[:3]}"


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_chapter_has_three_solved_exercises(name):
    nb = nbformat.read(ROOT / f"{name}.ipynb", as_version=4)
    text = _joined(nb)
    labels = [m[1] for m in EXERCISE.findall(text)]
    solved = set(re.findall(r"\{solution(?:-start)?\}\s+(\S+)", text))
    if not re.match(r"^book/\d\d_", name):
        assert set(labels) <= solved, f"{name}: no solution for {set(labels) - solved}"
        return  # an appendix may hold a chapter's extra exercises; the mix below is per chapter
    assert len(labels) >= 3, f"{name}: {len(labels)} exercises"
    assert set(labels) <= solved, f"{name}: no solution for {set(labels) - solved}"
    # the mix the course needs: computation on the ledger (gated, executed, checked by nbval)
    # and recall or discussion (a written solution)
    assert re.search(r"\{solution-start\}", text), f"{name}: no computational (gated) solution"
    assert re.search(r"\{solution\}", text), f"{name}: no written (recall/discussion) solution"


def test_chapter_one_known_solutions_are_removed():
    """Hand-picked sentences from chapter 1's solutions: present before, absent after."""
    nb = nbformat.read(ROOT / "book" / "01_pain_points.ipynb", as_version=4)
    probes = ["估算依赖估算者的方法和假设", "implied_ir = people", "参考思路：信息错配",
              "金额范围是两者相乘的结果"]
    before = _student_text(nb)
    for p in probes:
        assert p in before, f"chapter 1 changed: update this probe: {p}"
    after = _student_text(student.strip_notebook(nb, "ch1")[0])
    assert [p for p in probes if p in after] == []
    assert "```{exercise}" in after


def test_the_leak_check_can_fail():
    nb = nbformat.read(ROOT / "book" / "01_pain_points.ipynb", as_version=4)
    assert student.source_leaks(_student_text(nb)), "the unstripped chapter must be reported"


# ------------------------------------------------------------------------- edge cases

def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c[1:]) if c.startswith("!") else nbformat.v4.new_markdown_cell(c)
                for c in cells]
    return nb


def test_gated_solution_across_cells_keeps_text_around_it():
    nb = _nb("前言\n\n```{exercise}\n:label: ex-a\n题目甲\n```\n\n```{solution-start} ex-a\n:class: dropdown\n```\n答案开头",
             "!secret_answer = 42\nprint(secret_answer)",
             "答案结尾\n\n```{solution-end}\n```\n\n后记")
    out, rep = student.strip_notebook(nb)
    text = _student_text(out)
    assert "题目甲" in text and "前言" in text and "后记" in text
    for gone in ("答案开头", "secret_answer", "答案结尾", "solution"):
        assert gone not in text
    assert rep.solutions == 1 and rep.code_cells == 1
    assert [c.cell_type for c in out.cells] == ["markdown", "markdown"]


def test_gated_solution_inside_one_cell():
    text, gated = student.strip_text("甲\n```{solution-start} ex\n```\n答案\n```{solution-end}\n```\n乙")
    assert text == "甲\n乙" and not gated


def test_colon_fence_nested_and_longer_fences():
    md = ("::::{admonition} 提示\n:::{solution} ex-b\n答案一\n:::\n仍在提示里\n::::\n"
          "````{solution} ex-c\n```python\nanswer_two()\n```\n答案二\n````\n"
          "```python\n# {solution} 出现在代码里：原样保留\n```\n尾")
    text, _ = student.strip_text(md)
    assert "答案一" not in text and "答案二" not in text and "answer_two" not in text
    assert "仍在提示里" in text and text.startswith("::::{admonition} 提示") and "::::" in text.split("仍在提示里")[1]
    assert "# {solution} 出现在代码里：原样保留" in text and text.endswith("尾")


def test_unclosed_gated_solution_is_an_error():
    with pytest.raises(student.StudentEditionError, match="solution-end"):
        student.strip_notebook(_nb("```{solution-start} ex\n```\n答案", "!x = 1"))


def test_solution_text_that_repeats_the_exercise_is_not_a_probe():
    sents = student.distinctive_sentences(["```{solution} e\n题目里也有的一句话很长很长\n这句只在答案里而且足够长\n```"],
                                          "题目里也有的一句话很长很长")
    assert sents == ["这句只在答案里而且足够长"]


# ------------------------------------------------------------------- the student tree

def test_prepare_and_export(tmp_path):
    out = tmp_path / "student"
    summary = student.prepare(out)
    exported = student.export_notebooks(out)
    assert {p.name for p in exported} == {p.name for p in (ROOT / "book").glob("*.ipynb")}
    for p in exported:
        assert student.source_leaks(p.read_text(encoding="utf-8")) == [], p.name
    toc = (out / "_toc.yml").read_text(encoding="utf-8")
    for doc in student.INSTRUCTOR_ONLY:
        assert doc not in toc and not (out / f"{doc}.md").exists()
    cfg = yaml.safe_load((out / "_config.yml").read_text(encoding="utf-8"))
    assert cfg["title"].endswith("（学生版）") and cfg["execute"]["execute_notebooks"] == "off"
    assert "学生版" in (out / "book" / "intro.md").read_text(encoding="utf-8")
    assert sum(v["solutions"] for v in summary["notebooks"].values()) >= 3
    assert summary["sentences"]


def test_prepare_refuses_to_wipe_a_foreign_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(student.StudentEditionError, match="拒绝清空"):
        student.prepare(tmp_path)
    assert (tmp_path / "keep.txt").exists()


@pytest.mark.build
def test_built_student_site_has_exercises_and_no_solutions():
    html = ROOT / "student" / "_build" / "html"
    if not (html / "index.html").is_file():
        pytest.skip("student edition not built: run python scripts/student_edition.py")
    sentences = json.loads((ROOT / "student" / "solution_sentences.json").read_text(encoding="utf-8"))
    for name in CHAPTERS:
        nb = nbformat.read(ROOT / f"{name}.ipynb", as_version=4)
        solutions, rest = independent_solutions(nb)
        sentences += [s for sol in solutions for s in distinctive(sol, rest) if CJK.search(s)]
    assert student.site_leaks(html, sentences) == {}
    for name in CHAPTERS:
        page = (html / f"{name}.html").read_text(encoding="utf-8")
        built_from = ROOT / "student" / f"{name}.ipynb"  # the stripped notebook the page was built from
        n_ex = len(EXERCISE.findall(_joined(nbformat.read(built_from, as_version=4))))
        assert page.count('class="exercise admonition"') == n_ex, name
    for doc in student.INSTRUCTOR_ONLY:
        assert not (html / f"{doc}.html").exists()


# ------------------------------------------------------------------- safe distribution

def test_launch_buttons_can_point_at_the_student_repository(tmp_path):
    out = tmp_path / "student"
    student.prepare(out, launch_repo="https://github.com/course/ihbook-student", launch_branch="student")
    cfg = yaml.safe_load((out / "_config.yml").read_text(encoding="utf-8"))
    assert cfg["repository"]["url"] == "https://github.com/course/ihbook-student"
    assert cfg["repository"]["branch"] == "student"
    assert not (out / "data" / "teaching" / "solutions.json").exists()
    for bad in ("javascript:alert(1)", "https://github.com/a b/c"):
        with pytest.raises(student.StudentEditionError):
            student.prepare(tmp_path / "bad", launch_repo=bad)
    with pytest.raises(student.StudentEditionError, match="分支"):
        student.prepare(tmp_path / "bad2", launch_branch="../main")


@pytest.fixture(scope="module")
def fingerprints():
    return student.solution_fingerprints()


def test_fingerprints_cover_sentences_code_and_the_guide(fingerprints):
    assert len(fingerprints["sentences"]) >= 30
    assert len(fingerprints["code"]) >= 10
    assert len(fingerprints["guide"]) >= 10
    assert "估算依赖估算者的方法和假设" in "\n".join(fingerprints["sentences"])


def test_export_repo_is_clean_and_has_no_history(tmp_path, fingerprints):
    import subprocess

    dest = student.export_repo(tmp_path / "ihbook-student", launch_repo="https://github.com/course/ihbook-student",
                               fingerprints=fingerprints)
    log = subprocess.run(["git", "-C", str(dest), "log", "--oneline"], capture_output=True, text=True).stdout.strip().split("\n")
    assert len(log) == 1, log
    tracked = subprocess.run(["git", "-C", str(dest), "ls-files"], capture_output=True, text=True).stdout.split("\n")
    assert "book/01_pain_points.ipynb" in tracked and "src/ihbook/site/checks.py" in tracked
    assert "book/checks/ch01-population.py" in tracked and "pyproject.toml" in tracked
    for gone in ("book/teaching/instructor_guide.md", "data/teaching/solutions.json"):
        assert gone not in tracked
    assert not any(t.startswith(("tests/", "student/", "_build/", "node_modules/", "_vendor/")) for t in tracked)
    assert student.repo_leaks(dest, fingerprints) == {}
    for p in dest.rglob("*.ipynb"):
        text = p.read_text(encoding="utf-8")
        assert "{solution" not in text, p
    assert "instructor_guide" not in (dest / "_toc.yml").read_text(encoding="utf-8")
    cfg = yaml.safe_load((dest / "_config.yml").read_text(encoding="utf-8"))
    assert cfg["repository"]["url"] == "https://github.com/course/ihbook-student"
    assert "pip install -e ." in (dest / "README.md").read_text(encoding="utf-8")


def test_export_repo_refuses_leaks_and_unsafe_targets(tmp_path, fingerprints, monkeypatch):
    planted = dict(fingerprints)
    planted["sentences"] = fingerprints["sentences"] + ["模块的主线是一种习惯"]  # a sentence the syllabus has
    with pytest.raises(student.StudentEditionError, match="仍有答案"):
        student.export_repo(tmp_path / "leaky", fingerprints=planted)
    assert not (tmp_path / "leaky").exists(), "a failed export leaves nothing behind"
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(student.StudentEditionError, match="不是空文件夹"):
        student.export_repo(tmp_path / "full", fingerprints=fingerprints)
    with pytest.raises(student.StudentEditionError, match="拒绝导出"):
        student.export_repo(ROOT / "student-repo-inside", fingerprints=fingerprints)


def test_repo_leaks_finds_a_solution_line_anywhere(tmp_path, fingerprints):
    (tmp_path / "notes.txt").write_text("学生笔记：\n" + fingerprints["sentences"][0] + "\n", encoding="utf-8")
    (tmp_path / "code.py").write_text(fingerprints["code"][0] + "\n", encoding="utf-8")
    (tmp_path / "data" / "teaching").mkdir(parents=True)
    (tmp_path / "data" / "teaching" / "solutions.json").write_text("{}", encoding="utf-8")
    leaks = student.repo_leaks(tmp_path, fingerprints)
    assert set(leaks) == {"notes.txt", "code.py", "data/teaching/solutions.json"}


def test_pdf_text_check_ignores_line_breaks(fingerprints):
    s = fingerprints["sentences"][0]
    broken = s[:5] + "\n" + s[5:]
    assert student.text_leaks("前言 " + broken + " 后记", [s]) == [s]
    assert student.text_leaks("没有答案的一页", [s]) == []


@pytest.mark.build
def test_student_pdf_has_no_solution_text():
    pdf = ROOT / "student" / "_build" / "pdf" / "book.pdf"
    if not pdf.is_file():
        pytest.skip("student PDF not built: run python scripts/student_edition.py --pdf")
    fp = student.solution_fingerprints()
    text = student.pdf_text(pdf)
    assert "练习" in text
    assert student.text_leaks(text, fp["sentences"] + fp["guide"]) == []


def test_student_build_never_falls_back_to_the_instructors_git_remote(tmp_path, monkeypatch):
    """The student tree sits inside the instructor's work tree: git would report the
    instructor's remote, and the launch buttons would open the repository with the solutions."""
    import subprocess

    from ihbook.site import reader

    out = ROOT / "student-test-tree-tmp"
    out.mkdir(exist_ok=True)
    try:
        monkeypatch.setenv("IHBOOK_REPOSITORY_URL", "https://github.com/teacher/private-book")
        env = student.launch_environment(out)
        assert "IHBOOK_REPOSITORY_URL" not in env
        probe = subprocess.run(["git", "-C", str(out), "rev-parse", "--show-toplevel"], capture_output=True, text=True, env=env)
        assert probe.returncode != 0, "git must not find the instructor's repository from the student tree"
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        assert reader.git_remote_url(out) == ""
        env = student.launch_environment(out, "https://github.com/course/ihbook-student")
        opts = reader.resolve_launch({"launch_buttons": {"binderhub_url": "https://mybinder.org"}}, environ=env, remote="")
        assert opts["repository_url"] == "https://github.com/course/ihbook-student"
    finally:
        out.rmdir()
