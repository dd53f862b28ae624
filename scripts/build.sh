#!/usr/bin/env bash
# Build the HTML book strictly: every Sphinx warning is an error (-W), nitpicky references (-n),
# and --keep-going reports all of them before failing. Notebooks are executed (cached in
# _build/.jupyter_cache; only changed notebooks re-run; in parallel by scripts/preexecute.py);
# an error or any stderr output fails.
# Usage: bash scripts/build.sh [extra jupyter-book build options, e.g. --all]
# Output: _build/html/ (open _build/html/index.html), log: _build/build.log; the one-page
# briefing printed to PDF with the site (_build/html/book/briefing.pdf, linked from the briefing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
start=$SECONDS

bash scripts/setup.sh
# The kernel spec runs "python": make sure it is the venv's.
export PATH="$ROOT/.venv/bin:$PATH"
export PYTHONNOUSERSITE=1

mkdir -p _build
# Chapters write chart data to _static/chartdata/ while they execute (ihbook.evidence.paths). Jupyter
# Book only serves a root _static/ that exists when the build starts, so create it first.
mkdir -p _static
# Jupyter Book executes notebooks one at a time; first fill its execution cache with one kernel
# per CPU (only notebooks not cached yet; IHBOOK_BUILD_JOBS=1 turns this off). Same execution,
# same cache: Sphinx then reports "Using cached notebook". A notebook that fails here is run
# again by Jupyter Book, which reports the error.
.venv/bin/python scripts/preexecute.py || echo "[build] preexecute failed; Jupyter Book executes the notebooks itself"
echo "[build] jupyter-book build . -n -W --keep-going $*"
set +e
.venv/bin/jupyter-book build . -n -W --keep-going "$@" 2>&1 | tee _build/build.log
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 0 ] && ! grep -q "build succeeded" _build/build.log; then
    status=1  # belt and braces: never report success without Sphinx saying so
fi
if [ "$status" -ne 0 ]; then
    echo "[build] FAILED (exit $status) after $((SECONDS - start))s; execution tracebacks: _build/html/reports/" >&2
    exit "$status"
fi
# The briefing as PDF (headless Debian Chromium, scripts/pdf.py), served beside its page.
echo "[build] briefing PDF"
if ! .venv/bin/python scripts/pdf.py --briefing-only --out _build/pdf; then
    echo "[build] FAILED: the briefing PDF could not be printed (scripts/pdf.py)" >&2
    exit 1
fi
cp _build/pdf/briefing.pdf _build/html/book/briefing.pdf
elapsed=$((SECONDS - start))
echo "[build] OK in ${elapsed}s -> _build/html/index.html"
