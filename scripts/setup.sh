#!/usr/bin/env bash
# Prepare everything the build and the tests need. Idempotent and fast when already done:
#   1. system packages (Debian): chromium, fonts-noto-cjk, nodejs/npm, python3-venv, poppler-utils — only if missing
#   2. Python venv at .venv with the package and its pinned dependencies (constraints.txt)
#   3. npm packages from package-lock.json (npm ci)
#   4. vendored browser files copied from node_modules into the git-ignored _vendor/
# Usage: bash scripts/setup.sh        (the build and test scripts call it first)
# Only PyPI, Debian apt and the npm registry are used. No browser download, no CDN.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }
hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

# ---------------------------------------------------------------------------------------
# 1. System packages
# ---------------------------------------------------------------------------------------
missing=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
[ -x /usr/bin/chromium ] || missing+=(chromium)
if command -v dpkg-query >/dev/null 2>&1; then
    have_pkg fonts-noto-cjk || missing+=(fonts-noto-cjk)
elif ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then
    missing+=(fonts-noto-cjk)
fi
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
# pdftotext/pdffonts/pdfunite: scripts/pdf.sh merges the whole-book PDF, tests/test_pdf.py reads PDFs back
command -v pdftotext >/dev/null 2>&1 && command -v pdfunite >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ! -x .venv/bin/python ] && ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing+=(python3-venv)
fi

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing system packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
    else
        say "WARNING: missing system packages: ${missing[*]}"
        say "WARNING: not root (or no apt-get), so they were not installed. As root run:"
        say "WARNING:   apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
        say "WARNING: browser tests need /usr/bin/chromium and fonts-noto-cjk; npm is needed for the build."
    fi
fi

# ---------------------------------------------------------------------------------------
# 2. Python environment
# ---------------------------------------------------------------------------------------
# constraints.txt was frozen on Python 3.11 (Binder uses 3.11 too): prefer it when present.
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
    if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi
if [ ! -x .venv/bin/python ]; then
    say "creating .venv with $($PYTHON --version 2>&1)"
    "$PYTHON" -m venv .venv || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
fi
pyver="$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
[ "$pyver" = "3.11" ] || say "WARNING: .venv uses Python $pyver; constraints.txt was frozen on 3.11"

py_stamp=".venv/.ihbook-setup-stamp"
# extras: test (pytest, nbval, playwright) and grading (otter-grader, which the exercise checks use)
PY_EXTRAS="test,grading"
py_hash="$( (cat pyproject.toml constraints.txt; echo "$PY_EXTRAS") | sha256sum | cut -d' ' -f1)"
if [ ! -f "$py_stamp" ] || [ "$(cat "$py_stamp")" != "$py_hash" ]; then
    say "installing Python dependencies (pyproject.toml or constraints.txt changed)"
    .venv/bin/python -m pip install --disable-pip-version-check -q -c constraints.txt -e ".[$PY_EXTRAS]"
    echo "$py_hash" > "$py_stamp"
else
    say "Python environment up to date"
fi

# ---------------------------------------------------------------------------------------
# 3. npm packages (exact versions from package-lock.json)
# ---------------------------------------------------------------------------------------
command -v npm >/dev/null 2>&1 || die "npm not found (Debian: apt-get install nodejs npm)"
npm_stamp="node_modules/.ihbook-setup-stamp"
npm_hash="$(hash_of package.json package-lock.json)"
if [ ! -f "$npm_stamp" ] || [ "$(cat "$npm_stamp")" != "$npm_hash" ]; then
    say "installing npm packages (package-lock.json changed)"
    # --ignore-scripts: we only copy files out of these packages; nothing needs to run.
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error </dev/null
    echo "$npm_hash" > "$npm_stamp"
else
    say "npm packages up to date"
fi

# ---------------------------------------------------------------------------------------
# 4. Vendored browser files -> _vendor/_static/ihbook-vendor/ (served as /_static/ihbook-vendor/ in the
#    built site; see html_extra_path in _config.yml for why it is an "extra" path).
# ---------------------------------------------------------------------------------------
HM=node_modules/@jupyter-widgets/html-manager/dist
VENDOR=_vendor/_static/ihbook-vendor
# require.js and the HTML manager's AMD bundle embed-amd.js (which defines the
# @jupyter-widgets/* modules and renders the widget state stored in the page).
declare -A files=(
    [node_modules/requirejs/require.js]="$VENDOR/requirejs/require.js"
    [$HM/embed-amd.js]="$VENDOR/html-manager/embed-amd.js"
)
# embed-amd.js carries two copies of the Font Awesome 5 CSS (for @jupyter-widgets/base and
# @jupyter-widgets/html-manager/dist/libembed-amd); webpack resolves their font URLs against
# each module's RequireJS URL, i.e. <baseUrl>/@jupyter-widgets/ and
# <baseUrl>/@jupyter-widgets/html-manager/dist/. Browsers take the first format they support,
# woff2, so only the .woff2 files are ever requested (checked in Chromium: tests/test_browser.py).
for f in "$HM"/*.woff2; do
    files[$f]="$VENDOR/html-manager/@jupyter-widgets/$(basename "$f")"
    files[$f#dist]="$VENDOR/html-manager/@jupyter-widgets/html-manager/dist/$(basename "$f")"
done
for key in "${!files[@]}"; do
    src="${key%#dist}"
    dst="${files[$key]}"
    [ -f "$src" ] || die "missing $src (npm ci incomplete?)"
    cmp -s "$src" "$dst" 2>/dev/null || install -D -m 0644 "$src" "$dst"
done
# Point RequireJS's baseUrl at html-manager/ (default: the page's own folder, where the fonts
# are not). Loaded between require.js and embed-amd.js (nb_ipywidgets_js in _config.yml).
config_js="$VENDOR/requirejs/config.js"
config_body='/* Generated by scripts/setup.sh: RequireJS baseUrl for the vendored ipywidgets HTML manager. */
require.config({ baseUrl: new URL("../html-manager/", document.currentScript.src).href });'
[ "$(cat "$config_js" 2>/dev/null)" = "$config_body" ] || printf '%s\n' "$config_body" > "$config_js"
say "vendored: $(cd _vendor && find . -type f | sort | tr '\n' ' ')"
