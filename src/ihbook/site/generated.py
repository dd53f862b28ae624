"""The ``--check`` answer every generated page gives (bibliography, glossary, …).

Why this module exists: each generator's command line says the same two things — "current" or
"stale: run this" with exit code 1 — and CI relies on that exit code; one function says it.
"""
from __future__ import annotations

import sys


def check_current(label: str, current: bool, command: str) -> int:
    """Print whether ``label`` is current; 0 if it is, 1 (and how to regenerate it) if not."""
    if current:
        print(f"{label} 是最新的")
        return 0
    print(f"{label} 已过期：请运行 {command}", file=sys.stderr)
    return 1
