#!/usr/bin/env python3
"""Benchmark the book: builds, chapter execution, widgets, jieba, page weight, the test suite.

    .venv/bin/python scripts/benchmark.py                 # 3 runs per figure (medians), ~20 min
    .venv/bin/python scripts/benchmark.py --quick         # 1 run, no test suite, ~5 min
    .venv/bin/python scripts/benchmark.py --baseline _build/benchmark-before.json   # adds a "before" column

Everything runs in a temporary copy of the working tree (tracked and untracked files; .venv and
node_modules are symlinked), so the working tree and its _build/ are never disturbed. The kernels
import the copy's own ``src/`` (PYTHONPATH) and read the copy's data (IHBOOK_ROOT).

Figures (medians of ``--runs`` runs unless noted):
  build    clean build (``bash scripts/build.sh`` after ``rm -rf _build``: execute + HTML), no-change
           rebuild, rebuild after touching one chapter (mtime only: Sphinx re-reads it, the
           execution cache hits), rebuild after editing one code cell (that chapter re-executes);
           the floor (the same clean build with every chapter reduced to its title and import
           cell) and the ratio clean/floor (target <= 1.5); whether two clean builds give
           byte-identical HTML.
  chapters per-chapter execution on a fresh kernel, as Jupyter Book runs it (target <= 5 s of
           cell time each), the import cell's share, and the import cost of each package module.
  widgets  every control a chapter creates (found by executing the chapter in a kernel): its update
           path is called directly in that kernel (set ``index``/``value``, or ``click()``), with
           sample inputs, and timed (target p95 <= 100 ms). Controls linked with ``jslink`` only
           have no kernel-side callback: their switch happens in the browser.
  jieba    dictionary load and segmentation of the whole corpus (data/sources/text), in a cold
           process (empty jieba cache) and a warm one (cache present); first and second pass.
  pages    weight of every page (HTML with inline images and widget state, plus page-specific
           files; shared theme/vendor assets under _static/ excluded; target <= 1.5 MB) and the
           total site size.
  imports  the import cost of every module of the package in layers (evidence/, show/, chapters/;
           site/ and the command-line tools are not imported by chapters).
  fast     ``bash scripts/test.sh --fast`` once (target <= 2 min).
  tests    the full ``bash scripts/test.sh`` once (target <= 10 min).

The table is printed and written to _build/benchmark.md, the raw figures to _build/benchmark.json.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reexecute import ROOT, kernel_env, snapshot, toc_notebooks  # noqa: E402

PY = ROOT / ".venv" / "bin" / "python"
TARGETS = {"ratio": 1.5, "chapter_s": 5.0, "widget_p95_ms": 100.0, "page_mb": 1.5, "tests_min": 10.0}

# --------------------------------------------------------------------------------------------
# small helpers


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def p95(xs):
    xs = sorted(xs)
    if not xs:
        return None
    k = max(0, min(len(xs) - 1, int(round(0.95 * (len(xs) - 1)))))
    return xs[k]


def fmt(x, unit="s", nd=1):
    if x is None:
        return "–"
    if unit == "ms":
        return f"{x:.1f} ms" if x < 100 else f"{x:.0f} ms"
    if unit == "s":
        return f"{x:.{nd}f} s"
    if unit == "KB":
        return f"{x / 1000:.0f} KB"
    if unit == "MB":
        return f"{x / 1e6:.2f} MB"
    if unit == "x":
        return f"{x:.2f}×"
    return f"{x}{unit}"


def mark(ok):
    return "–" if ok is None else ("✅" if ok else "❌")


def log(msg):
    print(f"[bench] {msg}", flush=True)


CPU: list[float] = []  # CPU seconds (user + system) of every run() call, in order


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run(cmd, cwd, env, logfile: Path, check=True) -> tuple[float, int]:
    """Run ``cmd``; return (seconds, exit status). Output goes to ``logfile``; the CPU time of the
    command and all its descendants (kernels included) is appended to ``CPU``."""
    cpu0 = _children_cpu()
    start = time.perf_counter()
    with logfile.open("ab") as fh:
        fh.write(f"\n$ {' '.join(map(str, cmd))}\n".encode())
        fh.flush()
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    CPU.append(_children_cpu() - cpu0)
    if check and proc.returncode != 0:
        tail = logfile.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}) in {cwd}:\n" + "\n".join(tail))
    return elapsed, proc.returncode


def tree_hashes(html: Path) -> dict[str, str]:
    return {str(p.relative_to(html)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(html.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------------------------
# builds


def bench_builds(copy: Path, env, runs: int, chapter: Path, logfile: Path) -> dict:
    import nbformat

    res = {"clean": [], "nochange": [], "touch": [], "edit": [], "hashes": [], "failures": [], "clean_cpu": []}

    def build(step):
        t, status = run(["bash", "scripts/build.sh"], copy, env, logfile, check=False)
        if status:
            res["failures"].append(f"{step} (exit {status})")
            log(f"  {step}: build FAILED (exit {status}); see {logfile}")
        return t

    original = chapter.read_bytes()
    for i in range(runs):
        shutil.rmtree(copy / "_build", ignore_errors=True)
        log(f"build run {i + 1}/{runs}: clean")
        t = build(f"clean #{i + 1}")
        res["clean"].append(t)
        res["clean_cpu"].append(CPU[-1])
        res["hashes"].append(tree_hashes(copy / "_build" / "html"))
        if i == 0:
            res["pages"] = page_weights(copy)
        log(f"build run {i + 1}/{runs}: clean {t:.1f} s; no-change rebuild")
        res["nochange"].append(build(f"no-change #{i + 1}"))
        os.utime(chapter)
        res["touch"].append(build(f"touch #{i + 1}"))
        nb = nbformat.reads(original.decode(), as_version=4)
        code = next(c for c in nb.cells if c.cell_type == "code")
        code.source += f"\n# benchmark edit {i} {time.time_ns()}"
        nbformat.write(nb, chapter)
        try:
            res["edit"].append(build(f"edit #{i + 1}"))
        finally:
            chapter.write_bytes(original)
        log(f"build run {i + 1}/{runs}: no-change {res['nochange'][-1]:.1f} s, touch {res['touch'][-1]:.1f} s, "
            f"edit {res['edit'][-1]:.1f} s")
    # byte-identical HTML across clean builds?
    if len(res["hashes"]) >= 2:
        a, b = res["hashes"][0], res["hashes"][1]
        res["html_differs"] = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        res["html_files"] = len(a)
    del res["hashes"]
    return res


def make_floor(copy: Path, dest: Path) -> Path:
    """A copy whose chapters keep only their title and their first (import) code cell."""
    import nbformat

    shutil.copytree(copy, dest, symlinks=True, ignore=shutil.ignore_patterns("_build"))
    for nb_path in toc_notebooks(dest):
        nb = nbformat.read(nb_path, as_version=4)
        title = next((c for c in nb.cells if c.cell_type == "markdown"), None)
        code = next((c for c in nb.cells if c.cell_type == "code"), None)
        cells = []
        if title is not None:
            first = next((ln for ln in title.source.splitlines() if ln.startswith("# ")), "# 章节")
            cells.append(nbformat.v4.new_markdown_cell(first))
        if code is not None:
            code.outputs, code.execution_count = [], None
            cells.append(code)
        nb.cells = cells
        nb.metadata.pop("widgets", None)
        nbformat.write(nb, nb_path)
    return dest


def bench_floor(copy: Path, env, runs: int, logfile: Path, tmp: Path) -> dict:
    floor = make_floor(copy, tmp / "floor")
    times, cpu, notes = [], [], []
    for i in range(runs):
        shutil.rmtree(floor / "_build", ignore_errors=True)
        # The same command as the clean build. Should the reduced chapters leave dangling
        # references (warnings under -W), fall back to the same build without -W.
        t, status = run(["bash", "scripts/build.sh"], floor, env, logfile, check=False)
        c = CPU[-1]
        if status:
            shutil.rmtree(floor / "_build", ignore_errors=True)
            t0 = time.perf_counter()
            run(["bash", "scripts/setup.sh"], floor, env, logfile)
            run(["bash", "-c", "python scripts/preexecute.py 2>/dev/null || true"], floor, env, logfile, check=False)
            run([str(floor / ".venv" / "bin" / "jupyter-book"), "build", ".", "-n", "--keep-going"], floor, env, logfile)
            t, c = time.perf_counter() - t0, CPU[-1] + CPU[-2] + CPU[-3]
            notes.append(f"run {i + 1}: strict build failed on the reduced chapters; timed without -W")
        times.append(t)
        cpu.append(c)
        log(f"floor run {i + 1}/{runs}: {t:.1f} s")
    return {"floor": times, "floor_cpu": cpu, "notes": notes}


# --------------------------------------------------------------------------------------------
# chapters and widgets (executed in a real kernel, as Jupyter Book and Jupyter run them)

PROBE = r'''
def __ihbook_probe():
    import json, time, traitlets
    import ipywidgets as w
    from ipywidgets.widgets.widget import _instances
    from ipywidgets.widgets.widget_selection import _Selection
    from ipywidgets.widgets.widget_int import _BoundedInt, _BoundedIntRange
    from ipywidgets.widgets.widget_float import _BoundedFloat, _BoundedFloatRange
    TEXTS = ["互联网医院", "医", "数据", "发烧咳嗽三天，喉咙痛", "", "<b>粗体</b><script>alert(1)</script>",
             "hello world 123", "医" * 5000]

    def user_handlers(wd, names):
        n = 0
        for name in names:
            for hs in wd._trait_notifiers.get(name, {}).values():
                n += sum(not isinstance(h, traitlets.EventHandler) for h in hs)
        if isinstance(wd, w.Button):
            n += len(wd._click_handlers.callbacks)
        return n

    out = []
    for mid, wd in list(_instances.items()):
        if getattr(wd, "comm", None) is None:
            continue
        if isinstance(wd, _Selection):
            n = len(wd.options)
            orig = wd.index
            if orig is None or n < 2:
                continue
            samples = [i for i in range(n) if i != orig][:12] + [orig]
            trait, names = "index", ("index", "value", "label")
        elif isinstance(wd, (_BoundedIntRange, _BoundedFloatRange)):
            orig = wd.value
            samples = [(wd.min, wd.max), (wd.min, wd.min), orig]
            trait, names = "value", ("value",)
        elif isinstance(wd, (_BoundedInt, _BoundedFloat)):
            orig = wd.value
            mid_v = wd.min + (wd.max - wd.min) / 2
            if isinstance(wd, _BoundedInt):
                mid_v = int(mid_v)
            samples = [v for v in (wd.min, wd.max, mid_v) if v != orig] + [orig]
            trait, names = "value", ("value",)
        elif isinstance(wd, (w.Text, w.Textarea, w.Combobox)):
            orig = wd.value
            samples = [t for t in TEXTS if t != orig] + [orig]
            trait, names = "value", ("value",)
        elif isinstance(wd, (w.Checkbox, w.ToggleButton)):
            orig = wd.value
            samples = [not orig, orig]
            trait, names = "value", ("value",)
        elif isinstance(wd, w.Button):
            # A button usually acts on text boxes beside it (e.g. the triage demo): click once
            # per sample input put in those boxes.
            boxes = [b for b in _instances.values() if isinstance(b, w.Box) and wd in b.children]
            fields = [c for b in boxes for c in b.children if isinstance(c, (w.Text, w.Textarea, w.Combobox))]
            samples = [(t, fields) for t in TEXTS] if fields else [None, None]
            trait, names = "click", ()
        else:
            continue
        times, errors = [], []
        for v in samples:
            t0 = time.perf_counter()
            try:
                if trait == "click":
                    if v is not None:
                        for f in v[1]:
                            f.value = v[0]
                        t0 = time.perf_counter()
                    wd.click()
                else:
                    setattr(wd, trait, v)
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
            times.append((time.perf_counter() - t0) * 1000)
        desc = getattr(wd, "description", "") or getattr(wd, "placeholder", "") or ""
        out.append({"model_id": mid, "cls": type(wd).__name__, "description": desc,
                    "callbacks": user_handlers(wd, names), "times_ms": times, "errors": errors})
    print("IHBOOK_PROBE " + json.dumps(out, ensure_ascii=False))

__ihbook_probe()
'''


async def _run_chapter(path: Path, probe: bool) -> dict:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.util import ensure_async

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.reset_execution_trackers()
    t0 = time.perf_counter()
    cell_times = []
    probe_out = None
    async with client.async_setup_kernel():
        msg_id = await ensure_async(client.kc.kernel_info())
        await client.async_wait_for_reply(msg_id)
        t1 = time.perf_counter()
        for index, cell in enumerate(list(nb.cells)):
            c0 = time.perf_counter()
            await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
            if cell.cell_type == "code":
                cell_times.append(time.perf_counter() - c0)
        t2 = time.perf_counter()
        try:
            import psutil

            ct = psutil.Process(client.km.provisioner.process.pid).cpu_times()
            kernel_cpu = ct.user + ct.system
        except Exception:
            kernel_cpu = None
        if probe:
            cell = nbformat.v4.new_code_cell(PROBE)
            nb.cells.append(cell)
            await client.async_execute_cell(cell, len(nb.cells) - 1, execution_count=client.code_cells_executed + 1)
            text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
            for line in text.splitlines():
                if line.startswith("IHBOOK_PROBE "):
                    probe_out = json.loads(line[len("IHBOOK_PROBE "):])
    return {"kernel_s": t1 - t0, "cells_s": t2 - t1, "cpu_s": kernel_cpu, "import_s": cell_times[0] if cell_times else 0.0,
            "slowest_cells": sorted(((round(t, 3), i) for i, t in enumerate(cell_times)), reverse=True)[:3],
            "probe": probe_out}


def bench_chapters(copy: Path, runs: int) -> dict:
    os.environ.update(kernel_env(copy))
    out = {}
    for path in toc_notebooks(copy):
        rel = str(path.relative_to(copy))
        rows = []
        try:
            for i in range(runs):
                rows.append(asyncio.run(_run_chapter(path, probe=True)))
        except Exception as exc:  # a chapter being written may fail: report it, go on
            first = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()
            out[rel] = {"error": f"{type(exc).__name__}: {first[-1] if first else ''}"[:300]}
            log(f"{rel}: FAILED {out[rel]['error']}")
            continue
        widgets: dict[str, dict] = {}
        for r in rows:
            for wd in r["probe"] or []:
                key = wd["model_id"]
                if key not in widgets:
                    widgets[key] = {k: wd[k] for k in ("cls", "description", "callbacks")} | {"times_ms": [], "errors": []}
                widgets[key]["times_ms"] += wd["times_ms"]
                widgets[key]["errors"] += wd["errors"]
        out[rel] = {
            "kernel_s": median([r["kernel_s"] for r in rows]),
            "cells_s": median([r["cells_s"] for r in rows]),
            "import_s": median([r["import_s"] for r in rows]),
            "cpu_s": median([r["cpu_s"] for r in rows]),
            "slowest_cells": rows[-1]["slowest_cells"],
            "widgets": list(widgets.values()),
        }
        log(f"{rel}: kernel {out[rel]['kernel_s']:.1f} s, cells {out[rel]['cells_s']:.1f} s "
            f"(import {out[rel]['import_s']:.1f} s), {len(widgets)} controls")
    return out


# Command-line tools and the build-time site layer: never imported by a chapter at run time.
NOT_CHAPTER_IMPORTS = {"validate", "generate", "evidence.normalize"}


def package_modules(copy: Path) -> list[str]:
    """Every module of the package in layers (``evidence.ledger``, ``show.kit``, ``chapters.stages`` …)
    that a chapter may import: ``site/`` and the command-line tools are left out."""
    pkg = copy / "src" / "ihbook"
    out = []
    for p in sorted(pkg.rglob("*.py")):
        parts = p.relative_to(pkg).with_suffix("").parts
        name = ".".join(parts)
        if parts[-1] == "__init__" or parts[0] == "site" or name in NOT_CHAPTER_IMPORTS:
            continue
        out.append(name)
    return out


def bench_imports(copy: Path, env, runs: int) -> dict:
    mods = package_modules(copy)

    def t(code):
        wall, cpu = [], []
        for _ in range(runs):
            c0 = _children_cpu()
            t0 = time.perf_counter()
            proc = subprocess.run([str(PY), "-c", code], cwd=copy / "book", env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if proc.returncode != 0:
                return None, None
            wall.append(time.perf_counter() - t0)
            cpu.append(_children_cpu() - c0)
        return median(wall), median(cpu)

    base, base_cpu = t("pass")
    res = {"python_s": base, "python_cpu": base_cpu, "modules": {}, "modules_cpu": {}, "failed": []}
    for m in mods:
        w, c = t(f"import ihbook.{m}")
        if w is None:  # a module that does not import is reported, not a crash of the benchmark
            res["failed"].append(m)
            log(f"imports: ihbook.{m} FAILED to import")
            continue
        res["modules"][m], res["modules_cpu"][m] = w - base, c - base_cpu
    mods = [m for m in mods if m not in res["failed"]]
    w, c = t("import " + ", ".join(f"ihbook.{m}" for m in mods))
    res["all_s"], res["all_cpu"] = w - base, c - base_cpu
    log(f"imports: all modules {res['all_s']:.2f} s ({res['all_cpu']:.2f} s CPU) over a bare interpreter")
    return res


# --------------------------------------------------------------------------------------------
# jieba

JIEBA_CODE = r'''
import json, time
p0 = time.process_time()
t0 = time.perf_counter()
import jieba
t1 = time.perf_counter()
from ihbook.evidence import sources
from ihbook.evidence import text
tk = text.setup()
t2 = time.perf_counter()
corpus = "\n".join(sources.text(s) for s in sources.load_sources().source_id)
w1 = text.cut(corpus)
t3 = time.perf_counter()
w2 = text.cut(corpus)
t4 = time.perf_counter()
print(json.dumps({"import_jieba": t1 - t0, "load": t2 - t1, "cut1": t3 - t2, "cut2": t4 - t3,
                  "cpu": time.process_time() - p0, "chars": len(corpus), "words": len(w1)}))
'''


def bench_jieba(copy: Path, env, runs: int, tmp: Path) -> dict:
    cold, warm = [], []
    for i in range(runs):
        d = tmp / f"jieba-{i}"
        d.mkdir()
        e = dict(env, TMPDIR=str(d))
        for bucket in (cold, warm):  # first process: no cache file; second: cache written by the first
            p = subprocess.run([str(PY), "-c", JIEBA_CODE], cwd=copy / "book", env=e, check=True,
                               capture_output=True, text=True)
            bucket.append(json.loads(p.stdout.strip().splitlines()[-1]))
    agg = lambda rows, k: median([r[k] for r in rows])  # noqa: E731
    res = {f"{name}_{k}": agg(rows, k) for name, rows in (("cold", cold), ("warm", warm))
           for k in ("import_jieba", "load", "cut1", "cut2", "cpu")}
    res["chars"], res["words"] = cold[0]["chars"], cold[0]["words"]
    log(f"jieba: load cold {res['cold_load']:.2f} s / warm {res['warm_load']:.2f} s; "
        f"corpus {res['chars']} chars cut in {res['warm_cut1']:.2f} s")
    return res


# --------------------------------------------------------------------------------------------
# page weight

LOAD_RE = re.compile(r"""<(?:script|img|source|iframe|embed)\b[^>]*?\bsrc=["']([^"']+)["']"""
                     r"""|<link\b[^>]*?\bhref=["']([^"']+)["'][^>]*>""", re.I)
DATA_URI = re.compile(r"""data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+""")
WIDGET_STATE = re.compile(r"""<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>""", re.S)


def page_weights(copy: Path) -> dict:
    """Per page: its HTML (inline images and widget state included) plus the files only it loads.
    Files under _static/ (theme, vendored widget manager, fonts) or loaded by several pages
    (e.g. searchindex.js) are shared: a reader's browser fetches them once."""
    html_dir = (copy / "_build" / "html").resolve()
    docs = ["book/intro"] + [str(p.relative_to(copy).with_suffix("")) for p in toc_notebooks(copy)]
    loads: dict[str, set[Path]] = {}
    texts: dict[str, str] = {}
    for doc in dict.fromkeys(docs):
        page = html_dir / f"{doc}.html"
        if not page.is_file():
            continue
        text = texts[doc] = page.read_text(encoding="utf-8")
        found = set()
        for m in LOAD_RE.finditer(text):
            url = (m.group(1) or m.group(2) or "").split("#")[0].split("?")[0]
            if not url or re.match(r"^(https?:|//|data:|mailto:)", url):
                continue
            if m.group(2) and not re.search(r'rel=["\'][^"\']*(stylesheet|icon|preload)', m.group(0)):
                continue
            target = (page.parent / url).resolve()
            if target.is_file():
                found.add(target)
        loads[doc] = found
    users: dict[Path, int] = {}
    for found in loads.values():
        for f in found:
            users[f] = users.get(f, 0) + 1
    pages = {}
    for doc, text in texts.items():
        own = shared = 0
        for f in loads[doc]:
            size = f.stat().st_size
            if "_static" in f.relative_to(html_dir).parts or users[f] > 1:
                shared += size
            else:
                own += size
        pages[doc] = {
            "html": len(text.encode()),
            "inline_images": sum(len(m.group(0)) for m in DATA_URI.finditer(text)),
            "widget_state": sum(len(m.group(1).encode()) for m in WIDGET_STATE.finditer(text)),
            "files": own,
            "shared": shared,
        }
        pages[doc]["total"] = pages[doc]["html"] + own
    total = sum(p.stat().st_size for p in html_dir.rglob("*") if p.is_file())
    parts = {}
    for p in html_dir.rglob("*"):
        if p.is_file():
            top = p.relative_to(html_dir).parts[0] if len(p.relative_to(html_dir).parts) > 1 else "(pages)"
            parts[top] = parts.get(top, 0) + p.stat().st_size
    return {"pages": pages, "site_total": total, "site_parts": parts}


# --------------------------------------------------------------------------------------------
# test suite


def bench_fast(copy: Path, env, logfile: Path) -> dict:
    """The fast tier (``bash scripts/test.sh --fast``: no build, no browser, no notebook execution)."""
    log("fast test tier (bash scripts/test.sh --fast), once")
    c0 = _children_cpu()
    t, status = run(["bash", "scripts/test.sh", "--fast"], copy, env, logfile, check=False)
    return {"seconds": t, "cpu": _children_cpu() - c0, "status": status}


def bench_tests(copy: Path, env, logfile: Path) -> dict:
    log("full test suite (bash scripts/test.sh), once")
    t, status = run(["bash", "scripts/test.sh"], copy, env, logfile, check=False)
    summary = ""
    for line in logfile.read_text(encoding="utf-8", errors="replace").splitlines()[::-1]:
        if re.search(r"=+ .*(passed|failed|error).* in [\d.]+s", line):
            summary = re.sub(r"\x1b\[[0-9;]*m", "", line).strip("= ")
            break
    failed = sorted({re.sub(r"\x1b\[[0-9;]*m", "", ln).split(" - ")[0].strip()
                     for ln in logfile.read_text(encoding="utf-8", errors="replace").splitlines()
                     if re.sub(r"\x1b\[[0-9;]*m", "", ln).startswith(("FAILED ", "ERROR "))})
    log(f"tests: {t / 60:.1f} min, exit {status}: {summary}")
    return {"seconds": t, "status": status, "summary": summary, "failed": failed}


# --------------------------------------------------------------------------------------------
# report


class Report:
    def __init__(self, baseline: dict | None):
        self.lines: list[str] = []
        self.flat: dict[str, float] = {}
        self.base = (baseline or {}).get("flat", {})

    def h(self, title):
        self.lines += ["", f"## {title}", ""]

    def p(self, text):
        self.lines += [text, ""]

    def table(self, header, rows):
        with_base = bool(self.base)
        head = list(header) + (["before"] if with_base else [])
        self.lines.append("| " + " | ".join(head) + " |")
        self.lines.append("|" + "|".join(" --- " for _ in head) + "|")
        for row in rows:
            key, cells = row[0], list(row[1:])
            if with_base:
                if key in self.base:
                    cells.append(self.base[key]["text"])
                elif key and (f"{key}_cold" in self.base or f"{key}_warm" in self.base):
                    cells.append(" / ".join(self.base.get(f"{key}_{k}", {}).get("text", "–") for k in ("cold", "warm")))
                else:
                    cells.append("–")
            self.lines.append("| " + " | ".join(str(c) for c in cells) + " |")
        self.lines.append("")

    def val(self, key, value, text):
        if key and value is not None:
            self.flat[key] = {"value": value, "text": text}
        return text


def report(res: dict, args, baseline: dict | None) -> tuple[str, dict]:
    R = Report(baseline)
    meta = res["meta"]
    R.lines.append("# Benchmark")
    R.p(f"{meta['date']} · commit `{meta['commit']}`{' (+ uncommitted changes)' if meta['dirty'] else ''} · "
        f"{meta['cpus']} CPUs ({meta['cpu']}) · Python {meta['python']} · runs per figure: {args.runs} (medians) · "
        f"load average at start {meta['load_start']}, at end {meta.get('load_end', '–')}")

    if "builds" in res:
        b, f = res["builds"], res.get("floor", {})
        clean, floor = median(b["clean"]), median(f.get("floor", []))
        ratio = clean / floor if clean and floor else None
        ccpu, fcpu = median(b.get("clean_cpu", [])), median(f.get("floor_cpu", []))
        cpu_ratio = ccpu / fcpu if ccpu and fcpu else None
        R.h("Build (bash scripts/build.sh, in a copy of the tree)")
        R.table(["figure", "median", "runs", "target"], [
            ("build_clean", "clean build: execute + HTML (`rm -rf _build`)", R.val("build_clean", clean, fmt(clean)),
             ", ".join(f"{x:.0f}" for x in b["clean"]), ""),
            ("build_nochange", "no-change rebuild", R.val("build_nochange", median(b["nochange"]), fmt(median(b["nochange"]))),
             ", ".join(f"{x:.1f}" for x in b["nochange"]), ""),
            ("build_touch", f"rebuild after touching {args.chapter} (mtime)",
             R.val("build_touch", median(b["touch"]), fmt(median(b["touch"]))), ", ".join(f"{x:.1f}" for x in b["touch"]), ""),
            ("build_edit", f"rebuild after editing a code cell of {args.chapter}",
             R.val("build_edit", median(b["edit"]), fmt(median(b["edit"]))), ", ".join(f"{x:.1f}" for x in b["edit"]), ""),
            ("build_floor", "floor: same clean build, chapters reduced to title + import cell",
             R.val("build_floor", floor, fmt(floor)), ", ".join(f"{x:.0f}" for x in f.get("floor", [])), ""),
            ("build_ratio", "ratio clean / floor", R.val("build_ratio", ratio, fmt(ratio, "x")), "",
             f"≤ {TARGETS['ratio']} {mark(ratio <= TARGETS['ratio'] if ratio else None)}"),
            ("build_clean_cpu", "clean build, CPU time (user + system, all processes)",
             R.val("build_clean_cpu", ccpu, fmt(ccpu)), ", ".join(f"{x:.0f}" for x in b.get("clean_cpu", [])), ""),
            ("build_floor_cpu", "floor, CPU time", R.val("build_floor_cpu", fcpu, fmt(fcpu)),
             ", ".join(f"{x:.0f}" for x in f.get("floor_cpu", [])), ""),
            ("build_ratio_cpu", "ratio clean / floor in CPU time (insensitive to other load on the machine)",
             R.val("build_ratio_cpu", cpu_ratio, fmt(cpu_ratio, "x")), "",
             f"≤ {TARGETS['ratio']} {mark(cpu_ratio <= TARGETS['ratio'] if cpu_ratio else None)}"),
        ])
        for note in f.get("notes", []):
            R.p(f"Floor: {note}.")
        if b.get("failures"):
            R.p("⚠ Some builds FAILED (a chapter raised or the strict build warned), so their times are not "
                "those of a good build: " + ", ".join(b["failures"]))
        if "html_differs" in b:
            d = b["html_differs"]
            R.p(f"Two clean builds: {b['html_files'] - len(d)}/{b['html_files']} files of _build/html byte-identical"
                + (f"; differing: {', '.join(d[:8])}{' …' if len(d) > 8 else ''}" if d else "."))

    if "chapters" in res:
        ch = res["chapters"]
        R.h("Chapters: execution on a fresh kernel (as Jupyter Book runs them)")
        rows = []
        for rel, c in ch.items():
            if "error" in c:
                rows.append((None, f"`{rel}`", "–", "–", "failed", "–", c["error"].replace("|", "\\|"), "❌"))
                continue
            cells = c["cells_s"]
            slow = ", ".join(f"#{i + 1} {t:.1f}s" for t, i in c["slowest_cells"])
            rows.append((f"exec:{rel}", f"`{rel}`", fmt(c["kernel_s"]), fmt(c["import_s"]),
                         R.val(f"exec:{rel}", cells, fmt(cells)), R.val(f"cpu:{rel}", c.get("cpu_s"), fmt(c.get("cpu_s"))),
                         slow, f"≤ {TARGETS['chapter_s']:.0f} s {mark(cells <= TARGETS['chapter_s'])}"))
        R.table(["chapter", "kernel start", "import cell", "all cells", "kernel CPU", "slowest code cells", "target"], rows)
        total = sum(c["cells_s"] + c["kernel_s"] for c in ch.values() if "error" not in c)
        R.p(f"Sum over chapters (kernel + cells): {R.val('exec_total', total, fmt(total))}.")

    if "imports" in res:
        im = res["imports"]
        R.h("Package import cost (fresh process, over a bare interpreter)")
        cpu = im.get("modules_cpu", {})
        rows = [("import_all", "all chapter modules together", R.val("import_all", im["all_s"], fmt(im["all_s"], nd=2)),
                 R.val("import_all_cpu", im.get("all_cpu"), fmt(im.get("all_cpu"), nd=2)))]
        for m, t in sorted(im["modules"].items(), key=lambda kv: -cpu.get(kv[0], kv[1])):
            rows.append((f"import:{m}", f"`ihbook.{m}`", R.val(f"import:{m}", t, fmt(t, nd=2)),
                         R.val(f"import_cpu:{m}", cpu.get(m), fmt(cpu.get(m), nd=2))))
        R.table(["import", "wall", "CPU"], rows)
        R.p(f"Bare interpreter start: {fmt(im['python_s'], nd=2)}. Rows sorted by CPU time."
            + (f" Did not import: {', '.join(f'`ihbook.{m}`' for m in im['failed'])}." if im.get("failed") else ""))

    if "chapters" in res:
        R.h("Widgets: update path called in the kernel (sample inputs)")
        rows, all_times = [], []
        for rel, c in res["chapters"].items():
            for wd in c.get("widgets", []):
                ts = wd["times_ms"]
                all_times += ts
                kind = ("kernel callback" if wd["callbacks"]
                        else "none in the kernel (jslink in the browser, or read by a button)")
                q = p95(ts)
                key = f"widget:{rel}:{wd['cls']}:{wd['description']}"
                errs = f" ⚠ {len(wd['errors'])} errors: {wd['errors'][0]}" if wd["errors"] else ""
                rows.append((key, f"`{Path(rel).stem}`", f"{wd['cls']} {wd['description']}".strip(), kind, len(ts),
                             fmt(median(ts), "ms"), R.val(key, q, fmt(q, "ms")),
                             f"{mark(q <= TARGETS['widget_p95_ms'] if q is not None else None)}{errs}"))
        R.table(["chapter", "control", "update path", "n", "median", "p95", f"≤ {TARGETS['widget_p95_ms']:.0f} ms"], rows)
        q = p95(all_times)
        R.p(f"All controls together: p95 {R.val('widget_p95_all', q, fmt(q, 'ms'))} over {len(all_times)} updates.")

    if "jieba" in res:
        j = res["jieba"]
        R.h(f"jieba: dictionary and the whole corpus ({j['chars']} characters, {j['words']} words)")
        R.table(["step", "cold (no cache file)", "warm (cache present)"], [
            ("jieba_import", "import jieba", R.val("jieba_import_cold", j["cold_import_jieba"], fmt(j["cold_import_jieba"], nd=2)),
             R.val("jieba_import_warm", j["warm_import_jieba"], fmt(j["warm_import_jieba"], nd=2))),
            ("jieba_load", "dictionary load (`text.setup()`: main + user dictionary)",
             R.val("jieba_load_cold", j["cold_load"], fmt(j["cold_load"], nd=2)),
             R.val("jieba_load_warm", j["warm_load"], fmt(j["warm_load"], nd=2))),
            ("jieba_cut1", "segment the corpus, first pass", R.val("jieba_cut1_cold", j["cold_cut1"], fmt(j["cold_cut1"], nd=2)),
             R.val("jieba_cut1_warm", j["warm_cut1"], fmt(j["warm_cut1"], nd=2))),
            ("jieba_cut2", "segment the corpus, second pass", R.val("jieba_cut2_cold", j["cold_cut2"], fmt(j["cold_cut2"], nd=2)),
             R.val("jieba_cut2_warm", j["warm_cut2"], fmt(j["warm_cut2"], nd=2))),
            ("jieba_cpu", "whole process, CPU time", R.val("jieba_cpu_cold", j.get("cold_cpu"), fmt(j.get("cold_cpu"), nd=2)),
             R.val("jieba_cpu_warm", j.get("warm_cpu"), fmt(j.get("warm_cpu"), nd=2))),
        ])

    pages = res.get("builds", {}).get("pages")
    if pages:
        R.h("Page weight (first clean build)")
        rows = []
        for doc, p in pages["pages"].items():
            mb = p["total"] / 1e6
            rows.append((f"page:{doc}", f"`{doc}`", R.val(f"page:{doc}", p["total"], fmt(p["total"], "KB")),
                         fmt(p["html"], "KB"), fmt(p["inline_images"], "KB"), fmt(p["widget_state"], "KB"),
                         fmt(p["files"], "KB"), fmt(p["shared"], "KB"),
                         f"≤ {TARGETS['page_mb']} MB {mark(mb <= TARGETS['page_mb'])}"))
        R.table(["page", "weight", "HTML", "of which inline images", "of which widget state", "page files",
                 "shared assets (cached, excluded)", "target"], rows)
        R.p("Weight = HTML + files only this page loads. Inline images are base64 PNGs, in the page or in its "
            "widget state (the two columns overlap). Shared assets (theme, vendored widget manager, fonts, "
            "search index) are fetched once per visit and excluded from the target.")
        parts = ", ".join(f"{k} {fmt(v, 'MB')}" for k, v in sorted(pages["site_parts"].items(), key=lambda kv: -kv[1])[:6])
        R.p(f"Total site (_build/html): {R.val('site_total', pages['site_total'], fmt(pages['site_total'], 'MB'))} ({parts}).")

    if "fast" in res:
        f = res["fast"]
        R.h("Fast test tier (bash scripts/test.sh --fast, once)")
        R.table(["figure", "value", "target"], [
            ("fast_min", "unit and data tests: no build, no browser, no notebook execution",
             R.val("fast_min", f["seconds"] / 60, f"{f['seconds'] / 60:.1f} min ({f['cpu']:.0f} s CPU)"),
             f"≤ 2 min {mark(f['seconds'] <= 120)}"),
            ("", "result", f"exit {f['status']}", ""),
        ])
    if "tests" in res:
        t = res["tests"]
        R.h("Test suite (bash scripts/test.sh, once)")
        mins = t["seconds"] / 60
        R.table(["figure", "value", "target"], [
            ("tests_min", "full tier: setup + fresh build (each notebook executed once) + pytest incl. browser",
             R.val("tests_min", mins, f"{mins:.1f} min"), f"≤ {TARGETS['tests_min']:.0f} min {mark(mins <= TARGETS['tests_min'])}"),
            ("", "result", f"exit {t['status']}: {t['summary']}", ""),
        ])
        if t.get("failed"):
            R.p("Failed: " + "; ".join(f"`{f}`" for f in t["failed"][:40]) + (" …" if len(t["failed"]) > 40 else ""))
    return "\n".join(R.lines) + "\n", R.flat


# --------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="runs per figure (default 3; medians)")
    ap.add_argument("--quick", action="store_true", help="1 run, skip the test suite")
    ap.add_argument("--only", default="builds,floor,chapters,imports,jieba,fast,tests",
                    help="comma-separated parts to run (default: all)")
    ap.add_argument("--chapter", default="book/01_pain_points.ipynb", help="chapter touched/edited in rebuilds")
    ap.add_argument("--baseline", type=Path, help="an earlier _build/benchmark.json: adds a 'before' column")
    ap.add_argument("--out", type=Path, default=ROOT / "_build" / "benchmark.md")
    ap.add_argument("--keep", action="store_true", help="keep the temporary copy")
    ap.add_argument("--root", type=Path, default=ROOT,
                    help="benchmark another checkout of the book (e.g. one with a fix reverted)")
    args = ap.parse_args(argv)
    if args.quick:
        args.runs = 1
        if "tests" in args.only:
            args.only = ",".join(p for p in args.only.split(",") if p != "tests")
    parts = set(args.only.split(","))

    tmp = Path(tempfile.mkdtemp(prefix="ihbook-bench-"))
    logfile = tmp / "bench.log"
    log(f"snapshot of {args.root} -> {tmp / 'repo'} (log: {logfile})")
    copy = snapshot(tmp / "repo", args.root.resolve())
    shutil.rmtree(copy / "_build", ignore_errors=True)
    env = kernel_env(copy)
    chapter = copy / args.chapter

    def git(*a):
        return subprocess.run(["git", *a], cwd=args.root, capture_output=True, text=True).stdout.strip()

    res = {"meta": {
        "date": time.strftime("%Y-%m-%d %H:%M"), "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "cpus": os.cpu_count(), "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(), "load_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }}
    try:
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "")
        res["meta"]["cpu"] = cpu or res["meta"]["cpu"]
    except OSError:
        pass
    try:
        if "builds" in parts:
            res["builds"] = bench_builds(copy, env, args.runs, chapter, logfile)
        if "floor" in parts:
            res["floor"] = bench_floor(copy, env, args.runs, logfile, tmp)
        if "chapters" in parts:
            res["chapters"] = bench_chapters(copy, args.runs)
        if "imports" in parts:
            res["imports"] = bench_imports(copy, env, args.runs)
        if "jieba" in parts:
            res["jieba"] = bench_jieba(copy, env, args.runs, tmp)
        if "fast" in parts:
            res["fast"] = bench_fast(copy, env, logfile)
        if "tests" in parts:
            res["tests"] = bench_tests(copy, env, logfile)
    finally:
        res["meta"]["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        baseline = json.loads(args.baseline.read_text()) if args.baseline else None
        text, flat = report(res, args, baseline)
        print(text)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps({"flat": flat, "raw": res}, ensure_ascii=False, indent=1),
                                                 encoding="utf-8")
        log(f"wrote {args.out} and {args.out.with_suffix('.json')}")
        if args.keep:
            log(f"copy kept at {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
