"""Reproducibility: a fresh execution of every notebook equals the committed notebook.

``scripts/reexecute.py`` re-runs notebooks on a fresh kernel and normalizes volatile metadata;
on an unchanged tree ``git diff`` must then be empty. The full test tier does not execute the
notebooks again for this: ``scripts/test.sh`` empties Jupyter Book's execution cache before
the build, so the build's own execution is a fresh run, and the tests here compare that run
(``_build/.jupyter_cache``) with every committed notebook byte for byte — outputs, widget state
and model ids — and the chart CSVs the build's kernels wrote with the committed ones. One
execution per notebook per CI run instead of three (build, nbval, a re-execution pass). The
small tests first show that both checks can fail.
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


def test_cache_comparison_fails_on_a_changed_output_and_on_an_unexecuted_notebook(tmp_path):
    """The comparison with the build's cache, on a throwaway tree and cache."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    import preexecute

    nb_path = _notebook(tmp_path / "book" / "steady.ipynb", "print(sum(range(10)))")
    assert reexecute.main(["--root", str(tmp_path), str(nb_path)]) == 0  # committed = a fresh run
    other = _notebook(tmp_path / "book" / "never.ipynb", "print(1)")
    cache = get_cache(str(tmp_path / "cache"))
    _, text, _, err = preexecute._execute(str(nb_path), 60, False)
    assert err is None
    stage = cache.add_nb_to_project(str(nb_path))
    cache.cache_notebook_bundle(CacheBundleIn(nbformat.reads(text, as_version=4), stage.uri),
                                check_validity=False, overwrite=True)
    assert reexecute.from_cache([nb_path], tmp_path / "cache", tmp_path) == []
    assert [k for _, k, _ in reexecute.from_cache([other], tmp_path / "cache", tmp_path)] == ["uncached"]
    nb_path.write_text(nb_path.read_text(encoding="utf-8").replace('"45', '"46'), encoding="utf-8")
    # same code cells, so the cache still matches; the committed output no longer does
    assert [k for _, k, _ in reexecute.from_cache([nb_path], tmp_path / "cache", tmp_path)] == ["differs"]


@pytest.mark.build
def test_the_builds_fresh_execution_equals_every_committed_notebook(book_dir):
    """The build executed every notebook (into _build/.jupyter_cache, emptied first by
    scripts/test.sh): each must equal its committed version byte for byte."""
    cache = book_dir / "_build" / ".jupyter_cache"
    if not cache.is_dir():
        pytest.fail(f"没有找到 {cache}：请先运行 bash scripts/build.sh", pytrace=False)
    problems = reexecute.from_cache(reexecute.toc_notebooks(book_dir), cache, book_dir)
    report = "\n\n".join(f"{name}: {kind}\n{detail}" for name, kind, detail in problems)
    assert not problems, (f"{len(problems)} notebook(s) differ from the build's fresh execution (nondeterministic "
                          f"output, random widget ids, or notebooks committed before a code change? re-execute with "
                          f"scripts/reexecute.py):\n{report[:8000]}")


@pytest.mark.build
def test_the_builds_chart_data_equals_the_committed_csvs(book_dir):
    """The build's kernels wrote _static/chartdata/: it must be what is committed."""
    import subprocess

    out = subprocess.run(["git", "diff", "--stat", "HEAD", "--", "_static/chartdata"], cwd=book_dir,
                         capture_output=True, text=True)
    if out.returncode != 0:
        pytest.fail(f"git diff failed (not a git checkout?): {out.stderr.strip()}", pytrace=False)
    assert out.stdout.strip() == "", f"chart CSVs changed when the build executed the notebooks:\n{out.stdout}"


def test_one_print_split_into_two_stream_messages_normalizes_to_one():
    """The kernel may flush one print as two messages (seen in CI on chapter 10); both forms
    must compare equal, and other outputs must not be merged."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('x')")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="精确率 100%"),
                    nbformat.v4.new_output("stream", name="stdout", text="\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="w\n"),
                    nbformat.v4.new_output("display_data", data={"text/plain": "d"}),
                    nbformat.v4.new_output("stream", name="stdout", text="y\n")]
    nb.cells = [cell]
    reexecute.normalize(nb)
    outs = nb.cells[0].outputs
    assert [o.get("name") for o in outs] == ["stdout", "stderr", None, "stdout"]
    assert outs[0]["text"] == "精确率 100%\n"
