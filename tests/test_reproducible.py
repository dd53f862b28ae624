"""Reproducibility: re-executing every notebook leaves the tree byte-identical.

``scripts/reexecute.py`` re-runs every notebook of _toc.yml on a fresh kernel and normalizes
volatile metadata; on an unchanged tree ``git diff`` must then be empty. These tests prove it
without touching the working tree: the notebooks are re-executed in a temporary copy (one pass
over all of them) and compared byte for byte, widget state and model ids included, together
with the chart CSVs they write. The small tests first show that the check can fail.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import reexecute  # noqa: E402

pytestmark = pytest.mark.reproducible

NOTEBOOKS = reexecute.toc_notebooks(ROOT)


def _notebook(path: Path, *sources: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_check_fails_on_a_nondeterministic_notebook_and_passes_on_a_written_one(tmp_path):
    """The mechanism itself, on a throwaway tree: random output is caught; a deterministic
    notebook written by the script passes; a timestamped one is reported as volatile."""
    steady = _notebook(tmp_path / "book" / "steady.ipynb", "print(sum(range(10)))")
    random_ = _notebook(tmp_path / "book" / "random.ipynb", "import uuid; print(uuid.uuid4())")
    assert reexecute.main(["--root", str(tmp_path), str(steady), str(random_)]) == 0  # writes both
    assert "45" in steady.read_text(encoding="utf-8")
    problems = reexecute.check([steady, random_], jobs=2, timeout=60, root=tmp_path)
    assert [(Path(f).name, kind) for f, kind, _ in problems] == [("random.ipynb", "differs")]

    nb = json.loads(steady.read_text(encoding="utf-8"))
    nb["cells"][0]["metadata"]["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00.000000Z"}
    steady.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    assert reexecute.volatile(steady.read_bytes())
    problems = reexecute.check([steady], jobs=1, timeout=60, root=tmp_path)
    assert [kind for _, kind, _ in problems] == ["volatile"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_notebook_has_no_volatile_metadata(path):
    """Execution timestamps (``jupyter execute`` writes them) would change on every run."""
    stale = reexecute.volatile(path.read_bytes())
    assert not stale, (
        f"{path.relative_to(ROOT)} keeps volatile metadata (execution timestamps): re-execute it with "
        f"`.venv/bin/python scripts/reexecute.py {path.relative_to(ROOT)}` and commit it")


def test_reexecuting_every_notebook_changes_nothing():
    """One pass over all notebooks in a temporary copy: outputs, widget state and model ids,
    and the chart CSVs must come out byte-identical (after the volatile metadata the test above
    checks for is removed)."""
    problems = reexecute.check(NOTEBOOKS, jobs=2, timeout=600)
    real = [p for p in problems if p[1] != "volatile"]
    report = "\n\n".join(f"{name}: {kind}\n{detail}" for name, kind, detail in real)
    assert not real, (f"{len(real)} file(s) change when re-executed (nondeterministic output, random widget ids, "
                      f"absolute paths, or notebooks committed before a code change?):\n{report[:8000]}")
