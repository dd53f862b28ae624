"""One command that checks all of ``data/``: ``python -m ihbook.validate``.

Runs the Frictionless schemas, the ledger's deeper checks (verbatim quotes, numbers as written,
controlled keys, relations), the quotes table, and whether ``conflicts.csv`` and the texts are
what their generators produce today. Prints every problem as file, row, column and reason.
"""
from __future__ import annotations

import sys

from ihbook.evidence import conflicts
from ihbook.evidence import tables as datapackage
from ihbook.evidence import ledger
from ihbook.evidence import normalize
from ihbook.evidence import quotes
from ihbook.evidence import reference
from ihbook.evidence.ledger import DataError
from ihbook.evidence.paths import DATA


def stale_generated() -> list[DataError]:
    """Generated files that differ from a fresh run of their generator."""
    errors = []
    for sid, text in normalize.build_all(write=False).items():
        path = DATA / "sources" / "text" / f"{sid}.txt"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            errors.append(DataError(f"data/sources/text/{sid}.txt", 1, "（全文）",
                                    "与 python -m ihbook.evidence.normalize 的结果不同，请重新生成"))
    fresh = conflicts.detect().to_csv(index=False, lineterminator="\n")
    current = conflicts.CONFLICTS.read_text(encoding="utf-8") if conflicts.CONFLICTS.exists() else ""
    if fresh != current:
        errors.append(DataError("data/conflicts.csv", 1, "（全文）",
                                "与 python -m ihbook.evidence.conflicts 的结果不同，请重新生成"))
    return errors


def check_all() -> list[DataError]:
    errors = (datapackage.validate() + ledger.check_claims() + quotes.check_quotes()
              + reference.check_reference())
    return errors or stale_generated()


def main() -> int:
    errors = check_all()
    for e in errors:
        print(e)
    print("数据检查通过" if not errors else f"共 {len(errors)} 处问题")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
