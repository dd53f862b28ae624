#!/usr/bin/env python3
"""Re-execute every chapter notebook and normalize it, so that outputs are reproducible.

    .venv/bin/python scripts/reexecute.py              # re-run all notebooks in _toc.yml order, in place
    .venv/bin/python scripts/reexecute.py book/01_pain_points.ipynb   # only these
    .venv/bin/python scripts/reexecute.py --check      # re-run in a temp copy; exit 1 if anything differs

Each notebook runs top to bottom on a fresh ``python3`` kernel with the notebook's folder
(``book/``) as working directory, exactly as Jupyter Book and nbval run it. Then volatile
metadata is removed (per-cell execution timestamps, stale widget state) and the notebook is
written with nbformat's own writer (sorted keys, one-space indent), so that re-running on an
unchanged tree leaves ``git diff`` empty. Widget model ids are deterministic because the
package assigns them (``ihbook.show.widgets.deterministic_ids``); a widget created outside it gets
a random id and ``--check`` reports the notebook.

``--check`` copies the repository (without .git, .venv, node_modules, _build) to a temporary
directory, re-executes there and compares byte for byte with the notebooks and the chart CSVs
(``_static/chartdata/``) of this tree. The working tree is never touched. tests/test_reproducible.py
runs it.
"""
from __future__ import annotations

import argparse
import asyncio
import concurrent.futures as cf
import difflib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Never copied into a snapshot: version control, environments, build output, caches.
SNAPSHOT_EXCLUDE = {".git", ".venv", "node_modules", "_build", ".pytest_cache", "__pycache__",
                    ".ipynb_checkpoints", "student", ".jupyter_cache"}


def toc_notebooks(root: Path = ROOT) -> list[Path]:
    """Every ``.ipynb`` named in ``_toc.yml``, in reading order (root first)."""
    from ihbook.site import toc

    out = []
    for name in toc.docnames(root):
        path = root / f"{name}.ipynb"
        if path.is_file() and path not in out:
            out.append(path)
    return out


def snapshot(dest: Path, root: Path = ROOT, link_envs: bool = True) -> Path:
    """Copy the working tree (tracked and untracked files) to ``dest``; link .venv and node_modules."""
    def ignore(directory: str, names: list[str]) -> set[str]:
        return {n for n in names if n in SNAPSHOT_EXCLUDE}

    shutil.copytree(root, dest, ignore=ignore, symlinks=True, dirs_exist_ok=True)
    if link_envs:
        for name in (".venv", "node_modules"):
            if (root / name).exists() and not (dest / name).exists():
                (dest / name).symlink_to(root / name)
    return dest


def kernel_env(root: Path) -> dict[str, str]:
    """Environment for kernels run on ``root``: its own ``src/`` and data, never another tree's."""
    env = dict(os.environ)
    env["IHBOOK_ROOT"] = str(root)
    env.pop("IHBOOK_CHART_DATA", None)  # the tree's own _static/chartdata (compared by --check)
    env["PYTHONPATH"] = os.pathsep.join([str(root / "src"), *filter(None, [env.get("PYTHONPATH")])])
    # The kernel spec runs "python": make it this venv's (the tree's own, else the running one).
    venv_bin = root / ".venv" / "bin"
    bins = ([str(venv_bin)] if venv_bin.is_dir() else []) + [os.path.dirname(sys.executable)]
    env["PATH"] = os.pathsep.join([*bins, env.get("PATH", "")])
    env["PYTHONNOUSERSITE"] = "1"
    return env


def normalize(nb) -> None:
    """Remove what changes from run to run without the content changing."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # iopub/shell timestamps (nbclient record_timing)
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            out.get("metadata", {}).pop("execution", None)
        cell["outputs"] = _coalesce_streams(cell.get("outputs", []))


def _coalesce_streams(outputs: list) -> list:
    """One print can reach the notebook as one stream message or as two (the kernel flushes on
    a timer): join consecutive messages of the same stream, as Jupyter's own display does."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and prev is not None
                and prev.get("output_type") == "stream" and prev.get("name") == out.get("name")):
            prev["text"] = "".join(prev["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def serialize(nb) -> bytes:
    """The bytes ``nbformat.write`` would produce (sorted keys, indent 1, final newline)."""
    import nbformat

    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    return text.encode("utf-8")


def execute(path: Path, timeout: int = 600) -> tuple[bytes, float]:
    """Execute one notebook on a fresh kernel; return its normalized bytes and the seconds taken."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)  # rebuilt from this run's comm messages (none: stays absent)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            record_timing=False, resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    normalize(nb)
    return serialize(nb), elapsed


def _run_one(path: str, timeout: int) -> tuple[str, bytes | None, float, str]:
    # ProcessPool worker: nbclient needs its own event loop per process.
    asyncio.set_event_loop(asyncio.new_event_loop())
    try:
        data, elapsed = execute(Path(path), timeout)
        return path, data, elapsed, ""
    except Exception as exc:  # report every failing notebook, not just the first
        return path, None, 0.0, f"{type(exc).__name__}: {exc}"


def run_all(paths: list[Path], root: Path, jobs: int, timeout: int) -> dict[Path, tuple[bytes | None, float, str]]:
    """Execute ``paths`` (inside ``root``) with ``jobs`` kernels at a time."""
    saved = dict(os.environ)
    os.environ.update(kernel_env(root))  # inherited by the worker processes and their kernels
    results: dict[Path, tuple[bytes | None, float, str]] = {}
    try:
        with cf.ProcessPoolExecutor(max_workers=max(1, min(jobs, len(paths)))) as pool:
            futures = [pool.submit(_run_one, str(p), timeout) for p in paths]
            for fut in cf.as_completed(futures):
                path, data, elapsed, err = fut.result()
                results[Path(path)] = (data, elapsed, err)
                rel = Path(path).relative_to(root)
                print(f"[reexecute] {rel}: {'FAILED ' + err.splitlines()[0] if err else f'{elapsed:.1f} s'}",
                      flush=True)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return results


def _normalized(raw: bytes) -> bytes:
    import nbformat

    nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    normalize(nb)
    return serialize(nb)


def _diff(old: bytes, new: bytes, name: str, limit: int = 30) -> str:
    lines = list(difflib.unified_diff(old.decode("utf-8", "replace").splitlines(),
                                      new.decode("utf-8", "replace").splitlines(),
                                      f"{name} (committed)", f"{name} (re-executed)", lineterm="", n=1))
    shown = [ln if len(ln) < 200 else ln[:200] + "…" for ln in lines[:limit]]
    more = f"\n… {len(lines) - limit} more diff lines" if len(lines) > limit else ""
    return "\n".join(shown) + more


def volatile(raw: bytes) -> bool:
    """Whether a notebook file still carries metadata that re-execution removes (static check)."""
    return _normalized(raw) != raw


def check(paths: list[Path], jobs: int, timeout: int, keep: bool = False,
          root: Path = ROOT) -> list[tuple[str, str, str]]:
    """Re-execute in a temporary copy of ``root`` and compare with ``root``.

    Returns the problems as ``(file, kind, detail)``; kind is ``failed`` (execution raised),
    ``differs`` (outputs, widget state or ids changed), ``volatile`` (same content, but the file
    in ``root`` keeps volatile metadata, i.e. it was not written by this script) or ``csv`` (a
    chart data file changed).
    """
    tmp = Path(tempfile.mkdtemp(prefix="ihbook-reexec-"))
    copy = snapshot(tmp / "repo", root)
    chart_dir = copy / "_static" / "chartdata"
    before = {p.name: p.read_bytes() for p in chart_dir.glob("*.csv")} if chart_dir.is_dir() else {}
    problems: list[tuple[str, str, str]] = []
    try:
        rel = [p.resolve().relative_to(root.resolve()) for p in paths]
        # Compare with the files as they were when copied (others may edit the tree meanwhile).
        originals = {r: (copy / r).read_bytes() for r in rel}
        results = run_all([copy / r for r in rel], copy, jobs, timeout)
        for r in rel:
            data, _, err = results[copy / r]
            if err:
                problems.append((str(r), "failed", err))
                continue
            committed = originals[r]
            if data == committed:
                continue
            if _normalized(committed) == data:
                problems.append((str(r), "volatile", "same outputs, but the file keeps volatile metadata "
                                 "(execution timestamps): run `.venv/bin/python scripts/reexecute.py` on it"))
            else:
                problems.append((str(r), "differs", _diff(_normalized(committed), data, str(r))))
        for csv in sorted(chart_dir.glob("*.csv")) if chart_dir.is_dir() else []:
            old = before.get(csv.name)
            if old is not None and csv.read_bytes() != old:
                problems.append((f"_static/chartdata/{csv.name}", "csv", _diff(old, csv.read_bytes(), csv.name)))
    finally:
        if keep:
            print(f"[check] copy kept at {copy}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for name, kind, detail in problems:
        print(f"[check] {name}: {kind}\n{detail}")
    if problems:
        print(f"[check] {len(problems)} file(s) not reproducible. If the change is intended, run "
              "`.venv/bin/python scripts/reexecute.py` and commit the notebooks (and _static/chartdata).")
    else:
        print(f"[check] OK: {len(paths)} notebook(s) and the chart CSVs are byte-identical after re-execution")
    return problems


def from_cache(paths: list[Path], cache_dir: Path, root: Path = ROOT) -> list[tuple[str, str, str]]:
    """Compare each notebook with its execution in Jupyter Book's cache (``_build/.jupyter_cache``).

    The build executes every notebook on a fresh kernel; on a fresh clone (CI) that execution
    *is* the reproducibility check, so the notebooks need not run again. Problems as in
    :func:`check`, plus ``uncached`` (the build did not execute that version of the notebook).
    A cache filled before the package last changed is stale: remove it before the build
    (``scripts/test.sh`` does) when the result must be a fresh run.
    """
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    problems: list[tuple[str, str, str]] = []
    for path in paths:
        rel = str(path.resolve().relative_to(root.resolve()))
        committed = path.read_bytes()
        try:
            _, merged = cache.merge_match_into_notebook(nbformat.reads(committed.decode("utf-8"), as_version=4))
        except KeyError:
            problems.append((rel, "uncached", "no execution of this version in the build's cache"))
            continue
        normalize(merged)
        data = serialize(merged)
        if data == committed:
            continue
        if _normalized(committed) == data:
            problems.append((rel, "volatile", "same outputs, but the file keeps volatile metadata"))
        else:
            problems.append((rel, "differs", _diff(_normalized(committed), data, rel)))
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in _toc.yml")
    ap.add_argument("--check", action="store_true", help="re-run in a temp copy and compare; change nothing")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="kernels at a time (default 2)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    ap.add_argument("--keep", action="store_true", help="with --check: keep the temp copy")
    ap.add_argument("--root", type=Path, default=ROOT, help="the book's root (default: this repository)")
    args = ap.parse_args(argv)

    root = args.root.resolve()
    paths = [p.resolve() for p in args.notebooks] or toc_notebooks(root)
    missing = [str(p) for p in paths if not p.is_file() or p.suffix != ".ipynb"]
    if missing:
        print(f"[reexecute] not notebooks: {missing}", file=sys.stderr)
        return 2
    if args.check:
        return 1 if check(paths, args.jobs, args.timeout, args.keep, root) else 0

    start = time.perf_counter()
    results = run_all(paths, root, args.jobs, args.timeout)
    failed = 0
    for p in paths:
        data, _, err = results[p]
        if err:
            failed += 1
            continue
        if p.read_bytes() != data:
            p.write_bytes(data)
            print(f"[reexecute] wrote {p.relative_to(root)}")
    print(f"[reexecute] {len(paths) - failed}/{len(paths)} notebooks in {time.perf_counter() - start:.0f} s"
          + (f"; {failed} FAILED (left unchanged)" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
