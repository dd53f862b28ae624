"""编者注: the one way an outside fact enters the book.

A fact that is not in the five sources (an official statistic, a filing, a rule) is shown as a
styled editor's note that names its row in ``data/reference/`` — publisher, document, date and
the address where it was read — so a reader can check it and a test can prove it is sourced:
:func:`unsourced_notes` scans notebooks, Markdown pages and CSV files for "编者注" and reports
every one without an existing reference id (``REF-…`` or ``R-…``). Known ids are those of
statistics.csv and rules.csv (:func:`ihbook.evidence.reference.ref_ids`) and of the guideline
pages in ``data/reference/guidelines.csv`` (:func:`known_ids`).
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

from ihbook.evidence import reference

LABEL = "编者注"
GUIDELINES = reference.REFERENCE / "guidelines.csv"   # published triage guidelines (chapter 3)


def _guidelines() -> dict[str, dict]:
    """The guideline pages (``data/reference/guidelines.csv``) by ``ref_id``; a note may cite them."""
    if not GUIDELINES.exists():
        return {}
    import pandas as pd

    df = pd.read_csv(GUIDELINES, dtype=str, keep_default_na=False)
    return {r["ref_id"]: {**r, "kind": "guideline"} for r in df.to_dict("records")}


def known_ids() -> set[str]:
    """Every id a note may cite: statistics, rules and guideline pages."""
    return reference.ref_ids() | set(_guidelines())


def _row(ref_id: str) -> dict:
    return _guidelines().get(ref_id) or reference.reference_row(ref_id)


class NoteError(ValueError):
    """An editor's note without a usable reference."""


def _ref_line(row: dict) -> str:
    parts = [row.get("publisher", ""), f"《{row.get('document', '')}》" if row.get("document") else "",
             row.get("date", "") or "", row.get("doc_number", "") or ""]
    return "，".join(p for p in parts if p)


def editor_note_html(ref_id: str, text: str) -> str:
    """The note as HTML (escaped): the text, then the reference row it rests on, with its link."""
    if not isinstance(text, str) or not text.strip():
        raise NoteError("编者注的正文不能为空")
    if not isinstance(ref_id, str) or not ref_id.strip():
        raise NoteError("编者注必须注明 data/reference 中的编号")
    ids = [r.strip() for r in ref_id.split(";") if r.strip()]
    rows = []
    for rid in ids:
        try:
            rows.append(_row(rid))
        except KeyError as e:
            raise NoteError(str(e).strip("'\"")) from None
    refs = []
    for row in rows:
        own = "" if row.get("publisher_own") == "true" else "（二手转述页）"
        url = row.get("url", "")
        link = (f'<a href="{html.escape(url, quote=True)}" rel="noopener nofollow">读到的网页{own}</a>'
                if url.startswith(("http://", "https://")) else "")
        refs.append(f'{html.escape(_ref_line(row))}　{link}'
                    f'<span class="ihbook-ref">〔{html.escape(row["ref_id"])}〕</span>')
    # No admonition background: text and links keep the page's own colours, so contrast holds in
    # light and dark mode alike; the orange rule marks the box as the editor's, not a source's.
    return ('<div class="ihbook-editor-note" role="note" aria-label="编者注" '
            'style="border-left:4px solid #a84300;padding:0.1em 0 0.1em 1em;margin:1em 0">'
            f'<p><strong>{LABEL}</strong>　{html.escape(text.strip())}</p>'
            f'<p class="ihbook-editor-note-ref">依据：{"；".join(refs)}</p></div>')


def editor_note_text(ref_id: str, text: str) -> str:
    rows = [_row(r.strip()) for r in ref_id.split(";") if r.strip()]
    refs = "；".join(f"{_ref_line(r)} {r.get('url', '')}〔{r['ref_id']}〕" for r in rows)
    return f"【{LABEL}】{text.strip()}\n依据：{refs}"


def editor_note(ref_id: str, text: str) -> None:
    """Display an editor's note resting on ``ref_id`` (several ids: separate with ``;``)."""
    from IPython.display import display

    body = editor_note_html(ref_id, text)
    display({"text/html": body, "text/plain": editor_note_text(ref_id, text)}, raw=True)


# --------------------------------------------------------------------------- the check

def _cells(path: Path) -> list[tuple[str, str]]:
    """``(where, text)`` chunks of a file: notebook cells (source and text outputs), Markdown
    paragraphs, CSV lines."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        out = []
        for i, cell in enumerate(nb.get("cells", []), start=1):
            src = "".join(cell.get("source", ""))
            texts = [src]
            for o in cell.get("outputs", []):
                if "text" in o:
                    texts.append("".join(o["text"]))
                for mime in ("text/html", "text/plain", "text/markdown"):
                    if mime in o.get("data", {}):
                        texts.append("".join(o["data"][mime]))
            out.append((f"单元格 {i}", "\n".join(texts)))
        return out
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".csv":
        return [(f"第 {i} 行", line) for i, line in enumerate(text.splitlines(), start=1)]
    return [(f"第 {i} 段", para) for i, para in enumerate(re.split(r"\n\s*\n", text), start=1)]


CROSS_REF = re.compile(r"见[^。；\n]{0,8}$")


def _has_note(chunk: str) -> bool:
    """Whether ``chunk`` holds an editor's note (not only a cross-reference to one)."""
    for m in re.finditer(LABEL, chunk):
        if not CROSS_REF.search(chunk[max(0, m.start() - 9):m.start()]):
            return True
    return False


def unsourced_notes(paths, known: set[str] | None = None) -> list[str]:
    """Every "编者注" in ``paths`` (files or folders) whose chunk names no existing reference id.

    A chunk is a notebook cell (its source and its outputs together), a Markdown paragraph or a
    CSV line. A cross-reference to a note ("见下面的编者注": "见" within a few characters before
    the word) is not a note. Returns readable problems (file, place, snippet); empty when all
    notes are sourced.
    """
    known = known_ids() if known is None else known
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files += sorted(q for q in p.rglob("*") if q.suffix in (".ipynb", ".md", ".csv")
                            and "_build" not in q.parts and ".ipynb_checkpoints" not in q.parts)
        elif p.exists():
            files.append(p)
    problems = []
    for f in files:
        for where, chunk in _cells(f):
            if not _has_note(chunk):
                continue
            ids = set(reference.ANY_ID.findall(chunk))
            if not ids & known:
                i = chunk.index(LABEL)
                snippet = chunk[max(0, i - 10): i + 40].replace("\n", " ")
                bad = f"（编号 {', '.join(sorted(ids))} 不存在）" if ids else ""
                problems.append(f"{f}：{where}：编者注没有注明 data/reference 中的编号{bad}：…{snippet}…")
    return problems
