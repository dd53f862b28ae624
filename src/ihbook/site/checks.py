"""Automatic checks for the computational exercises (otter-grader check files).

Why this module exists: a student who fills in a starter cell wants to know at once whether
the answer is right, and if not, which step to look at. The checks are otter-grader OK-format
test files in ``book/checks/<name>.py`` (one per exercise), generated from
``data/teaching/exercises.json`` (public: the starter, the structural cases and their hints)
and ``data/teaching/solutions.json`` (instructor only: the reference solution, used here to
compute the expected values). Exact expected values are stored as salted digests
(:func:`digest`), so the check files can ship to students without giving the answers away.

In a chapter::

    from ihbook.site import checks
    grader = checks.grader()
    ...                                  # the student's cell
    grader.check("ch01-population")      # ✅ 通过 / ❌ a hint in Chinese

:func:`grader` runs the checks with otter-grader when it is installed (``pip install
otter-grader``; otter's own ``otter.Notebook(tests_dir="checks").check(...)`` reads the same
files) and with a small built-in doctest runner when it is not, so a check cell never fails
for lack of a package. Both paths are tested (tests/test_teaching.py).

Commands::

    python -m ihbook.site.checks --write   # (re)write book/checks/*.py from the data
    python -m ihbook.site.checks --check   # exit 1 if the committed check files are stale
"""
from __future__ import annotations

import argparse
import doctest
import hashlib
import html
import inspect
import io
import json
import numbers
import os
import pprint
import sys
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

from ihbook.evidence.paths import BOOK, DATA

CHECKS_DIR = BOOK / "checks"
EXERCISES = DATA / "teaching" / "exercises.json"
SOLUTIONS = DATA / "teaching" / "solutions.json"  # instructor only: never in the student repository
SALT = "ihbook-check-v1:"
_DIGEST_CALL = "__import__('ihbook.site.checks', fromlist=['digest']).digest"


class CheckError(ValueError):
    """A check that cannot be found or written (message in Chinese)."""


# ------------------------------------------------------------------------------ digests

def _norm(value, ndigits: int | None) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        v = float(value)
        if ndigits is None:
            return repr(v)
        r = round(v, ndigits)
        return f"{0.0 if r == 0 else r:.{ndigits}f}"
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return "{" + ",".join(f"{_norm(k, None)}:{_norm(v, ndigits)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_norm(x, ndigits) for x in value) + "]"
    if value is None:
        return "None"
    return repr(value)


def digest(value, ndigits: int | None = None) -> str:
    """A short salted hash of a value (numbers rounded to ``ndigits`` decimals; lists, tuples,
    dicts and strings normalised), so a check can compare without showing the answer."""
    try:
        text = _norm(value, ndigits)
    except Exception:  # noqa: BLE001 - a student's odd value must not crash the check
        text = repr(value)
    return hashlib.sha256((SALT + text).encode("utf-8")).hexdigest()[:16]


# ------------------------------------------------------------------------------ data

def load_exercises() -> dict:
    return json.loads(EXERCISES.read_text(encoding="utf-8"))


def load_solutions() -> dict:
    if not SOLUTIONS.exists():
        raise CheckError(f"找不到 {SOLUTIONS.name}：参考答案只在教师版中提供")
    return json.loads(SOLUTIONS.read_text(encoding="utf-8"))


def doc_key(chapter: str) -> str:
    """``"book/01_pain_points"``, ``"01_pain_points"``, ``"01"`` → ``"01"``; other pages
    (``"book/methods_appendix"``) → their file name."""
    stem = str(chapter).split("/")[-1].removesuffix(".ipynb")
    return stem[:2] if stem[:2].isdigit() else stem


def exercises(chapter: str | None = None) -> list[dict]:
    """Exercise records (``data/teaching/exercises.json``), optionally of one chapter
    (``"book/01_pain_points"``, ``"01_pain_points"`` or ``"01"``; ``"methods_appendix"``)."""
    exs = load_exercises()["exercises"]
    if chapter is None:
        return exs
    key = doc_key(chapter)
    return [e for e in exs if doc_key(e["chapter"]) == key]


def preamble(chapter: str) -> str:
    """The chapter's import lines (the names its starters use)."""
    pre = load_exercises()["preambles"]
    key = doc_key(chapter)
    if key not in pre:
        raise CheckError(f"没有“{str(chapter)[:40]}”的导入行")
    return pre[key]["imports"]


def check_names() -> list[str]:
    return [e["check"] for e in exercises() if e.get("check")]


@contextmanager
def _in_book():
    old = os.getcwd()
    os.chdir(BOOK)
    try:
        yield
    finally:
        os.chdir(old)


def run_code(chapter: str, code: str) -> dict:
    """Run the chapter's imports and ``code`` in a fresh namespace (in ``book/``, as a
    notebook runs); returns the namespace."""
    env: dict = {"__name__": "__exercise__"}
    with _in_book(), redirect_stdout(io.StringIO()):
        exec(compile(preamble(chapter) + "\n" + code, f"<{chapter}>", "exec"), env)  # noqa: S102 - our own data
    return env


# ------------------------------------------------------------------------------ check files

def _case(code: str, hint: str) -> dict:
    return {"code": code, "hidden": False, "locked": False, "points": 1,
            "failure_message": hint, "success_message": None}


def build_check(ex: dict, solution: str) -> dict:
    """The OK-format dict of one exercise: structural cases, then digests of the exact values
    computed by running the reference solution."""
    env = run_code(ex["chapter"], solution)
    cases = [_case(f">>> bool({c['test']})\nTrue", c["hint"]) for c in ex["cases"]]
    for h in ex.get("hashed", []):
        with _in_book():
            value = eval(h["expr"], env)  # noqa: S307 - our own data
        want = digest(value, h["ndigits"])
        nd = "None" if h["ndigits"] is None else str(h["ndigits"])
        cases.append(_case(f">>> {_DIGEST_CALL}({h['expr']}, {nd}) == {want!r}\nTrue", h["hint"]))
    return {"name": ex["check"], "points": len(cases),
            "suites": [{"cases": cases, "scored": True, "setup": "", "teardown": "", "type": "doctest"}]}


def render_check(spec: dict, ex: dict) -> str:
    head = (f'"""Check for {ex["label"]} ({ex["chapter"]}). Generated by python -m ihbook.site.checks --write\n'
            f'from data/teaching/exercises.json: do not edit by hand. Expected values are salted digests."""\n')
    return head + "OK_FORMAT = True\n\ntest = " + pprint.pformat(spec, width=110, sort_dicts=False) + "\n"


def expected_files() -> dict[Path, str]:
    sols = load_solutions()
    out = {}
    for ex in exercises():
        if not ex.get("check"):
            continue
        if ex["check"] not in sols:
            raise CheckError(f"{ex['check']}：solutions.json 里没有参考答案")
        out[CHECKS_DIR / f"{ex['check']}.py"] = render_check(build_check(ex, sols[ex["check"]]["solution"]), ex)
    return out


def write() -> list[Path]:
    CHECKS_DIR.mkdir(parents=True, exist_ok=True)
    files = expected_files()
    for old in CHECKS_DIR.glob("*.py"):
        if old not in files:
            old.unlink()
    for p, text in files.items():
        p.write_text(text, encoding="utf-8")
    (CHECKS_DIR / "README.md").write_text(
        "# 练习的自动检查\n\n这里每个文件对应一道计算练习，是 otter-grader 的 OK 格式测试文件。"
        "在笔记本中运行：\n\n```python\nfrom ihbook.site import checks\ngrader = checks.grader()\n"
        "grader.check(\"ch01-population\")\n```\n\n也可以直接用 otter：`otter.Notebook(tests_dir=\"checks\").check(\"ch01-population\")`。"
        "文件由 `python -m ihbook.site.checks --write` 生成，不要手改；期望值以加盐摘要保存，不会泄露答案。\n",
        encoding="utf-8")
    return list(files)


def stale() -> list[str]:
    """Check files that differ from what the data would generate (empty: current)."""
    out = []
    for p, text in expected_files().items():
        if not p.exists() or p.read_text(encoding="utf-8") != text:
            out.append(p.name)
    return out


# ------------------------------------------------------------------------------ running

@dataclass
class CaseResult:
    passed: bool
    hint: str


@dataclass
class CheckResult:
    """The result of one check: ``passed`` and, for each failed case, its hint."""
    name: str
    cases: list[CaseResult] = field(default_factory=list)
    engine: str = "builtin"

    @property
    def passed(self) -> bool:
        return bool(self.cases) and all(c.passed for c in self.cases)

    @property
    def hints(self) -> list[str]:
        return [c.hint for c in self.cases if not c.passed]

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        if self.passed:
            return f"✅ {self.name}：全部 {len(self.cases)} 项检查通过。"
        n = len(self.hints)
        lines = [f"❌ {self.name}：{n} 项检查未通过（共 {len(self.cases)} 项）。提示："]
        lines += [f"  · {h}" for h in dict.fromkeys(self.hints)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        if self.passed:
            return (f'<div class="ihbook-check ihbook-check-pass" role="status"><strong>✅ {html.escape(self.name)}</strong>：'
                    f'全部 {len(self.cases)} 项检查通过。</div>')
        items = "".join(f"<li>{html.escape(h)}</li>" for h in dict.fromkeys(self.hints))
        return (f'<div class="ihbook-check ihbook-check-fail" role="status"><strong>❌ {html.escape(self.name)}</strong>：'
                f'{len(self.hints)} 项检查未通过（共 {len(self.cases)} 项）。提示：<ul>{items}</ul></div>')


def _load_spec(path: Path) -> dict:
    env: dict = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), env)  # noqa: S102 - our check files
    return env["test"]


def _run_builtin(path: Path, env: dict) -> list[CaseResult]:
    spec = _load_spec(path)
    results = []
    for i, case in enumerate(spec["suites"][0]["cases"]):
        examples = [e for e in doctest.DocTestParser().parse(case["code"], f"{spec['name']} {i}") if isinstance(e, doctest.Example)]
        test = doctest.DocTest(examples, env, f"{spec['name']} {i}", None, None, case["code"])
        runner = doctest.DocTestRunner(verbose=False)
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            runner.run(test, clear_globs=False)
        results.append(CaseResult(runner.failures == 0, case.get("failure_message") or "这一项没有通过。"))
    return results


def _run_otter(path: Path, env: dict) -> list[CaseResult]:
    from otter.nbmeta_config import NBMetadataConfig
    from otter.test_files import create_test_file

    test = create_test_file(str(path), NBMetadataConfig())
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        test.run(env)
    return [CaseResult(r.passed, r.test_case.failure_message or "这一项没有通过。") for r in test.test_case_results]


def otter_available() -> bool:
    try:
        import otter  # noqa: F401
    except Exception:  # noqa: BLE001
        return False
    return True


def run(name: str, env: dict, engine: str = "auto") -> CheckResult:
    """Run check ``name`` against the variables in ``env``. ``engine``: "otter", "builtin" or
    "auto" (otter when installed)."""
    if not isinstance(name, str) or not (CHECKS_DIR / f"{name}.py").exists():
        known = "、".join(sorted(p.stem for p in CHECKS_DIR.glob("*.py"))[:40])
        raise CheckError(f"没有名为“{str(name)[:40]}”的检查。可用的检查：{known}")
    path = CHECKS_DIR / f"{name}.py"
    if engine == "auto":
        engine = "otter" if otter_available() else "builtin"
    with _in_book():
        cases = _run_otter(path, env) if engine == "otter" else _run_builtin(path, env)
    return CheckResult(name, cases, engine)


class Grader:
    """What a chapter's check cell calls: ``grader.check("ch01-population")``."""

    def __init__(self, engine: str = "auto"):
        self.engine = engine

    def check(self, name: str, global_env: dict | None = None) -> CheckResult:
        if global_env is None:
            global_env = inspect.currentframe().f_back.f_globals
        return run(name, global_env, self.engine)

    def names(self) -> list[str]:
        return sorted(p.stem for p in CHECKS_DIR.glob("*.py"))


def grader(engine: str = "auto") -> Grader:
    """The grader a chapter creates once, before its exercises."""
    return Grader(engine)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ihbook.site.checks", description="生成或核对练习的检查文件（book/checks/）")
    ap.add_argument("--write", action="store_true", help="由 data/teaching/ 重新生成 book/checks/*.py")
    ap.add_argument("--check", action="store_true", help="检查文件与数据不一致时退出码为 1")
    args = ap.parse_args(argv)
    if args.write:
        files = write()
        print(f"[checks] 写入 {len(files)} 个检查文件到 {CHECKS_DIR}")
    if args.check or not args.write:
        bad = stale()
        if bad:
            print(f"[checks] 过期：{bad}；运行 python -m ihbook.site.checks --write", file=sys.stderr)
            return 1
        print("[checks] 检查文件是最新的")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
