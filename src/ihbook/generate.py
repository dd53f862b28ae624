"""One command for every generated file: ``python -m ihbook.generate [--check] [step …]``.

Several files in the repository are outputs of code, committed so that a reader sees them
without running anything: the normalized texts, the conflict list, the company table, the
glossary page, the bibliography, the data package descriptor and the list of tables in
``data/README.md``. Each has its own generator
in the module that owns the logic; this command runs them in dependency order, so no one has
to remember which to re-run after editing the ledger or a source:

    normalize → conflicts → companies → glossary → bibliography → triage → datapackage

``--check`` writes nothing and exits 1 naming every stale file (``python -m ihbook.validate``
and the tests run it). Steps may be named to run only those.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ihbook.evidence.paths import DATA, ROOT


@dataclass(frozen=True)
class Step:
    name: str
    what: str
    expected: Callable[[], dict[Path, str]]  # path → the text a fresh run would write
    write: Callable[[], object]


def _normalize_expected() -> dict[Path, str]:
    from ihbook.evidence import normalize

    texts, removed = normalize.build()
    out = {normalize.TEXT / f"{sid}.txt": text for sid, text in texts.items()}
    out[normalize.REMOVED] = normalize.removed_csv(removed)
    return out


def _normalize_write() -> None:
    from ihbook.evidence import normalize

    normalize.build_all(write=True)


def _csv(df) -> str:
    return df.to_csv(index=False, lineterminator="\n")


def _conflicts_expected() -> dict[Path, str]:
    from ihbook.evidence import conflicts

    if hasattr(conflicts, "detect_all") and hasattr(conflicts, "UNDATED"):
        found, undated = conflicts.detect_all()
        return {conflicts.CONFLICTS: _csv(found), conflicts.UNDATED: _csv(undated)}
    return {conflicts.CONFLICTS: _csv(conflicts.detect())}


def _conflicts_write() -> None:
    from ihbook.evidence import conflicts

    conflicts.write()


def _companies_expected() -> dict[Path, str]:
    from ihbook.chapters import cases

    return {cases.COMPANIES: _csv(cases.build_companies())}


def _companies_write() -> None:
    from ihbook.chapters import cases

    cases.write_companies()


def _glossary_expected() -> dict[Path, str]:
    from ihbook.site import glossary

    return {glossary.GLOSSARY_MD: glossary.render()}


def _glossary_write() -> None:
    from ihbook.site import glossary

    glossary.write()


def _bibliography_expected() -> dict[Path, str]:
    from ihbook.site import bibliography

    return {bibliography.BIB_FILE: bibliography.render()}


def _bibliography_write() -> None:
    from ihbook.site import bibliography

    bibliography.write()


def _triage_expected() -> dict[Path, str]:
    from ihbook.chapters import triage_alarm, triage_fallback

    return {triage_fallback.CROSS_WRITER: _csv(triage_fallback.cross_writer()),
            triage_alarm.CROSS_WRITER: _csv(triage_alarm.cross_writer())}


def _triage_write() -> None:
    for path, text in _triage_expected().items():
        path.write_text(text, encoding="utf-8")


DATAPACKAGE = DATA / "datapackage.json"
README = DATA / "README.md"
TABLES_START = "<!-- tables:start (python -m ihbook.generate datapackage writes this list) -->"
TABLES_END = "<!-- tables:end -->"
# Tables written by a step of this command (the rest are written by hand or by a reader).
GENERATED_BY = {"removed": "normalize", "conflicts": "conflicts", "undated_pairs": "conflicts",
                "companies": "companies", "triage_cross_writer": "triage", "triage_alarm_cross_writer": "triage"}


def tables_markdown() -> str:
    """Every registered table as a Markdown table: name, file, title, how it is made, checks."""
    from ihbook.evidence import tables

    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| 表（`load_table` 名） | 文件 | 内容 | 来源 | 声明的检查 |", "| --- | --- | --- | --- | --- |"]
    for name, spec in tables.schemas().items():
        made = (f"`python -m ihbook.generate {GENERATED_BY[name]}`" if name in GENERATED_BY else "手工编写（schema 校验）")
        checks = "、".join(f"`{c.split(':')[0].rsplit('.', 1)[-1]}.{c.split(':')[1]}`" for c in spec.get("checks", [])) or "—"
        lines.append(f"| `{name}` | `data/{spec['path']}` | {cell(spec['title'])} | {made} | {checks} |")
    return "\n".join(lines)


def _readme_text() -> str:
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    block = f"{TABLES_START}\n{tables_markdown()}\n{TABLES_END}"
    if TABLES_START in text and TABLES_END in text:
        head, rest = text.split(TABLES_START, 1)
        return head + block + rest.split(TABLES_END, 1)[1]
    return text.rstrip("\n") + "\n\n## Every table\n\n" + block + "\n"


def _datapackage_expected() -> dict[Path, str]:
    from ihbook.evidence import tables

    return {DATAPACKAGE: tables.descriptor_text(), README: _readme_text()}


def _datapackage_write() -> None:
    from ihbook.evidence import tables

    DATAPACKAGE.write_text(tables.descriptor_text(), encoding="utf-8")
    README.write_text(_readme_text(), encoding="utf-8")


STEPS: list[Step] = [
    Step("normalize", "data/sources/text/*.txt 与 data/sources/removed.csv（来自 raw/、furniture.csv、repairs.csv）",
         _normalize_expected, _normalize_write),
    Step("conflicts", "data/conflicts.csv（来自账本）", _conflicts_expected, _conflicts_write),
    Step("companies", "data/companies.csv（来自账本与冲突清单）", _companies_expected, _companies_write),
    Step("glossary", "book/glossary.md（来自 data/glossary.csv）", _glossary_expected, _glossary_write),
    Step("bibliography", "book/references.bib（来自 data/sources.csv）", _bibliography_expected, _bibliography_write),
    Step("triage", "data/triage_cross_writer.csv 与 data/triage_alarm_cross_writer.csv（分诊演示两个统计模型换一位写作者的交叉验证）",
         _triage_expected, _triage_write),
    Step("datapackage", "data/datapackage.json 与 data/README.md 的表格清单（来自 data/schemas/*.json）",
         _datapackage_expected, _datapackage_write),
]
STEP_NAMES = [s.name for s in STEPS]


def _steps(names: list[str] | None) -> list[Step]:
    if not names:
        return STEPS
    unknown = [n for n in names if n not in STEP_NAMES]
    if unknown:
        raise SystemExit(f"未知步骤：{'、'.join(unknown)}；可选：{'、'.join(STEP_NAMES)}")
    return [s for s in STEPS if s.name in names]


def stale(names: list[str] | None = None) -> list[tuple[str, Path]]:
    """``(step, file)`` for every generated file that differs from a fresh run (or is missing)."""
    out = []
    for step in _steps(names):
        for path, text in step.expected().items():
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                out.append((step.name, path))
    return out


def generate(names: list[str] | None = None) -> list[str]:
    """Run the steps (all by default) in order, writing their files; returns the step names."""
    done = []
    for step in _steps(names):
        step.write()
        done.append(step.name)
    return done


def _rel(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ihbook.generate", description=__doc__.split("\n\n")[0])
    ap.add_argument("steps", nargs="*", metavar="step", help=f"只运行这些步骤（默认全部）：{' '.join(STEP_NAMES)}")
    ap.add_argument("--check", action="store_true", help="不写文件；有过期文件时列出并返回 1")
    args = ap.parse_args(argv)
    if args.check:
        found = stale(args.steps)
        for step, path in found:
            print(f"{_rel(path)} 已过期：请运行 python -m ihbook.generate {step}", file=sys.stderr)
        if not found:
            print("生成的文件都是最新的")
        return 1 if found else 0
    for step in _steps(args.steps):
        step.write()
        print(f"[generate] {step.name}: {step.what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
