"""One command that checks all of ``data/``: ``python -m ihbook.validate``.

The book promises that every number comes from a verbatim quote and that generated files are
what their generators produce. This command keeps the promise checkable in one step:

0. every schema file is readable (valid JSON with path, title, description, fields);
1. every CSV in ``data/`` is registered, and every registered table against its schema (Frictionless: types,
   required cells, patterns, enums, keys, foreign keys);
2. every check the schemas declare (``"checks"``: quotes verbatim in the normalized text,
   numbers as written, controlled keys, claim and quote ids that exist, raw files byte-identical
   to the seeds by SHA-256, reference rows with their quotes …);
3. every generated file against a fresh run of ``python -m ihbook.generate --check``.

Every problem is printed as file, row, column and reason; the exit status is 1 if there is any.
"""
from __future__ import annotations

import sys

from ihbook.evidence import tables
from ihbook.evidence.ledger import DataError
from ihbook.evidence.paths import ROOT


def stale_generated() -> list[DataError]:
    """Generated files that differ from a fresh run of their generator."""
    from ihbook import generate

    out = []
    for step, path in generate.stale():
        try:
            rel = path.relative_to(ROOT).as_posix()
        except ValueError:
            rel = str(path)
        out.append(DataError(rel, 1, "（全文）", f"与生成结果不同，请运行 python -m ihbook.generate {step}"))
    return out


def check_all() -> list[DataError]:
    """Schemas, then declared checks; generated files only when the inputs are sound (a stale
    file is noise while its inputs are broken)."""
    broken = tables.schema_errors()
    if broken:  # the registry itself is unusable: nothing else can be checked reliably
        return broken
    errors = tables.unregistered() + tables.validate() + tables.run_checks()
    return errors or stale_generated()


def main() -> int:
    errors = check_all()
    for e in errors:
        print(e)
    print("数据检查通过" if not errors else f"共 {len(errors)} 处问题")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
