"""CSV downloads that open correctly in Excel on Chinese Windows.

Excel reads a CSV without a byte-order mark in the system code page (GBK on Chinese Windows),
so UTF-8 Chinese text comes out garbled, and English headers mean little to most readers.
For every table of the data package and every chart's data, :func:`write_site` writes a copy
under ``excel/`` beside the clean file: UTF-8 with BOM, CRLF line ends, Chinese column labels
(:mod:`ihbook.show.labels`, from the schemas) and Chinese labels for coded values. ``data/``
itself stays clean for pandas (UTF-8, no BOM, English column names).

    _build/html/data/claims.csv                 clean (pandas)
    _build/html/data/excel/claims.csv           Excel
    _build/html/_static/chartdata/<id>.csv      clean
    _build/html/_static/chartdata/excel/<id>.csv
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

EXCEL_DIR = "excel"


def excel_bytes(src: Path) -> bytes:
    """The CSV at ``src`` as Excel on Chinese Windows reads it (BOM, CRLF, Chinese labels)."""
    from ihbook.show import labels

    with open(src, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return "\ufeff".encode("utf-8")
    header = rows[0]
    # Two columns may map to the same label: keep the original name beside the second one.
    seen: dict[str, int] = {}
    out_header = []
    for h in header:
        lab = labels.column(h)
        if lab in seen and lab != h:
            lab = f"{lab}（{h}）"
        seen[lab] = 1
        out_header.append(lab)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(out_header)
    for r in rows[1:]:
        w.writerow([labels.value(h, v) if v else v for h, v in zip(header, r)] + r[len(header):])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_dir(folder: Path) -> list[Path]:
    """An ``excel/`` copy of every CSV directly in ``folder`` and its subfolders (not in excel/)."""
    folder = Path(folder)
    written = []
    for src in sorted(folder.rglob("*.csv")):
        rel = src.relative_to(folder)
        if rel.parts[0] == EXCEL_DIR:
            continue
        dst = folder / EXCEL_DIR / rel
        data = excel_bytes(src)
        if dst.is_file() and dst.read_bytes() == data:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(data)
        written.append(dst)
    return written


def write_site(outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    written = []
    for folder in (outdir / "data", outdir / "_static" / "chartdata"):
        if folder.is_dir():
            written += write_dir(folder)
    return written
