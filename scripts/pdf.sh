#!/usr/bin/env bash
# Print the built book to PDF with headless Debian Chromium:
#   _build/pdf/briefing.pdf  the one-page briefing (book/briefing.ipynb)
#   _build/pdf/book.pdf      every page in table-of-contents order (needs pdfunite, poppler-utils)
# Usage: bash scripts/pdf.sh [--briefing-only] [--html DIR] [--out DIR]
# Needs a built book (bash scripts/build.sh); never rebuilds. Chinese text stays selectable.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ ! -f _build/html/index.html ]; then
    echo "[pdf] no built book in _build/html: run bash scripts/build.sh first" >&2
    exit 2
fi
export PYTHONNOUSERSITE=1
exec .venv/bin/python scripts/pdf.py "$@"
