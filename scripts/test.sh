#!/usr/bin/env bash
# The project's test command, in two tiers.
#
#   bash scripts/test.sh --fast   unit and data tests: no build, no browser, no notebook execution
#                                 (about a minute; run it before every commit)
#   bash scripts/test.sh          the full tier (CI, .ci/run): a strict build that executes every
#                                 notebook on a fresh kernel, then every test (build, browser and
#                                 reproducibility tests: tests/test_reproducible.py compares the
#                                 build's execution with the committed notebooks byte for byte)
#                                 and nbval over book/*.ipynb, cell by cell with the sanitizer.
#
# Extra arguments go to pytest, e.g.: bash scripts/test.sh --fast -x -k widget
# --no-nbval (full tier) skips nbval (the second execution) for a quicker local run.
# Unit tests write chart CSVs to a temporary folder (IHBOOK_CHART_DATA),
# never into the tracked _static/chartdata/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
start=$SECONDS

tier=full
nbval=1
args=()
for a in "$@"; do
    case "$a" in
        --fast) tier=fast ;;
        --nbval) nbval=1 ;;
        --no-nbval) nbval=0 ;;
        *) args+=("$a") ;;
    esac
done

export PATH="$ROOT/.venv/bin:$PATH"
export PYTHONNOUSERSITE=1
chartdata="$(mktemp -d -t ihbook-chartdata-XXXXXX)"
trap 'rm -rf "$chartdata"' EXIT

if [ "$tier" = fast ]; then
    [ -x .venv/bin/python ] || bash scripts/setup.sh
    echo "[test] fast tier: pytest -m 'not build and not browser and not reproducible' ${args[*]:-}"
    set +e
    IHBOOK_CHART_DATA="$chartdata" .venv/bin/python -m pytest tests \
        -m "not build and not browser and not reproducible" \
        -n "${PYTEST_WORKERS:-2}" --dist loadfile -q -ra "${args[@]}"
    status=$?
    set -e
else
    # A fresh execution: an execution cache filled before the package last changed would let a
    # stale output pass (Jupyter Book keys its cache on the notebook's code cells only).
    rm -rf _build/.jupyter_cache
    bash scripts/build.sh
    notebooks=()
    if [ "$nbval" -eq 1 ]; then
        shopt -s nullglob
        notebooks=(book/*.ipynb)
        shopt -u nullglob
    fi
    echo "[test] full tier: pytest tests ${notebooks[*]:+--nbval ${notebooks[*]}} ${args[*]:-}"
    set +e
    # -n: pytest-xdist workers (default 2; one file per worker).
    IHBOOK_CHART_DATA="$chartdata" .venv/bin/python -m pytest tests "${notebooks[@]}" \
        ${notebooks[*]:+--nbval --nbval-sanitize-with tests/sanitize.cfg} \
        -n "${PYTEST_WORKERS:-2}" --dist loadfile -ra "${args[@]}"
    status=$?
    set -e
fi

elapsed=$((SECONDS - start))
if [ "$status" -eq 5 ]; then
    echo "[test] FAILED: pytest collected no tests (exit 5)" >&2
    exit 5
elif [ "$status" -ne 0 ]; then
    echo "[test] FAILED (pytest exit $status) after ${elapsed}s" >&2
    exit "$status"
fi
echo "[test] OK in ${elapsed}s ($tier tier)"
