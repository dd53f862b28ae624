#!/usr/bin/env python3
"""Execute the book's notebooks in parallel into Jupyter Book's execution cache.

Jupyter Book 1.x (myst-nb, ``execute_notebooks: cache``) runs the notebooks one after another
while Sphinx reads them; its command line has no option for parallel jobs. On a machine with
several cores this step fills the same cache first, with one kernel per core, so that Sphinx
then finds every notebook cached ("Using cached notebook") and only renders HTML.

It mirrors myst-nb's own cache execution exactly (jupyter_cache ``single_nb_execution`` with
the timeout and allow_errors of _config.yml, the notebook's folder as working directory) and
writes to the same cache (``_build/.jupyter_cache``), so the result is the same as a serial
build. A notebook that fails here is left out of the cache: Sphinx executes it again and
reports the error as usual. Notebooks already cached are skipped, so a rebuild after editing
one chapter executes only that chapter.

    .venv/bin/python scripts/preexecute.py [--jobs N]     (scripts/build.sh runs it)
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _config() -> dict:
    import yaml

    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")) or {}
    ex = cfg.get("execute") or {}
    return {
        "mode": ex.get("execute_notebooks", "auto"),
        "timeout": ex.get("timeout", 30),
        "allow_errors": bool(ex.get("allow_errors", False)),
        "in_temp": bool(ex.get("run_in_temp", False)),
        "cache": ex.get("cache") or str(ROOT / "_build" / ".jupyter_cache"),
        "exclude": ex.get("exclude_patterns") or [],
    }


def _execute(path: str, timeout: int, allow_errors: bool) -> tuple[str, str | None, float, str | None]:
    """Worker: execute one notebook the way myst-nb does; return it as JSON text."""
    import asyncio

    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    asyncio.set_event_loop(asyncio.new_event_loop())
    nb = nbformat.read(path, as_version=4)
    result = single_nb_execution(nb, cwd=str(Path(path).parent), timeout=timeout, allow_errors=allow_errors,
                                 meta_override=True)
    if result.err is not None:
        return path, None, result.time, f"{type(result.err).__name__}"
    return path, nbformat.writes(nb), result.time, None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("IHBOOK_BUILD_JOBS", os.cpu_count() or 1)),
                    help="kernels at a time (default: IHBOOK_BUILD_JOBS or the number of CPUs)")
    args = ap.parse_args(argv)
    cfg = _config()
    if cfg["mode"] != "cache" or cfg["in_temp"] or args.jobs < 2:
        print(f"[preexecute] skipped (execute_notebooks={cfg['mode']}, run_in_temp={cfg['in_temp']}, "
              f"jobs={args.jobs}): Jupyter Book executes the notebooks itself")
        return 0

    import fnmatch

    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from reexecute import toc_notebooks

    cache = get_cache(cfg["cache"])
    todo = []
    for path in toc_notebooks(ROOT):
        rel = str(path.relative_to(ROOT))
        if any(fnmatch.fnmatch(rel, pat) for pat in cfg["exclude"]):
            continue
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            todo.append(path)
    if not todo:
        print("[preexecute] every notebook is cached")
        return 0
    start = time.perf_counter()
    print(f"[preexecute] executing {len(todo)} notebook(s) with {min(args.jobs, len(todo))} kernels", flush=True)
    failed = 0
    with cf.ProcessPoolExecutor(max_workers=min(args.jobs, len(todo))) as pool:
        futures = [pool.submit(_execute, str(p), cfg["timeout"], cfg["allow_errors"]) for p in todo]
        for fut in cf.as_completed(futures):
            path, text, seconds, err = fut.result()
            rel = Path(path).relative_to(ROOT)
            if err:
                failed += 1
                print(f"[preexecute] {rel}: {err} after {seconds:.1f} s (Jupyter Book will run it and report)")
                continue
            # Database writes stay in this process (SQLite), as myst-nb does them.
            stage = cache.add_nb_to_project(path)
            nb = nbformat.reads(text, as_version=4)
            cache.cache_notebook_bundle(CacheBundleIn(nb, stage.uri, data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            print(f"[preexecute] {rel}: {seconds:.1f} s", flush=True)
    print(f"[preexecute] done in {time.perf_counter() - start:.1f} s" + (f", {failed} failed" if failed else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
