#!/usr/bin/env bash
# The project's one test command: set up, build the book strictly, then run
#   - pytest over tests/ (data, package, build and browser tests), and
#   - nbval over book/*.ipynb (re-runs every chapter on a fresh kernel, compares outputs).
# Extra arguments go to pytest, e.g.: bash scripts/test.sh -x -k widget
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
start=$SECONDS

bash scripts/build.sh
export PATH="$ROOT/.venv/bin:$PATH"
export PYTHONNOUSERSITE=1

shopt -s nullglob
notebooks=(book/*.ipynb)
shopt -u nullglob
[ ${#notebooks[@]} -gt 0 ] || echo "[test] note: no notebooks in book/ yet; nbval has nothing to run"

echo "[test] pytest tests/ ${notebooks[*]:+--nbval ${notebooks[*]}} $*"
set +e
# -n: pytest-xdist workers (default 2; browser tests, nbval kernels and unit tests run in
# parallel, one file per worker). --nbval applies to the .ipynb files only.
.venv/bin/python -m pytest tests "${notebooks[@]}" \
    ${notebooks[*]:+--nbval --nbval-sanitize-with tests/sanitize.cfg} \
    -n "${PYTEST_WORKERS:-2}" --dist loadfile -ra "$@"
status=$?
set -e
elapsed=$((SECONDS - start))
if [ "$status" -eq 5 ]; then
    echo "[test] FAILED: pytest collected no tests (exit 5)" >&2
    exit 5
elif [ "$status" -ne 0 ]; then
    echo "[test] FAILED (pytest exit $status) after ${elapsed}s" >&2
    exit "$status"
fi
echo "[test] OK in ${elapsed}s (build + tests)"
