"""Turn the five raw seed files into clean, quotable text.

Every quote in the book must be a verbatim substring of ``data/sources/text/<source_id>.txt``,
so that text has to be produced by one deterministic command, and everything the command
takes away has to be written down. Run ``python -m ihbook.generate normalize`` (or this module,
``python -m ihbook.evidence.normalize``) to regenerate both the texts and
``data/sources/removed.csv`` (the record of what was cut or repaired, and why).

The steps, in order: YAML front matter out; HTML tags and image tags out (entities decoded);
pinyin annotations such as ``醫(yī)`` out; editorial repairs of garbled bytes
(``data/sources/repairs.csv``); Traditional to Simplified where ``sources.csv`` says the source
is ``zh-Hant``; long report lines split at the report's own table-of-contents headings; hard
line wraps of PDF extractions joined; page furniture dropped by the rules in
``data/sources/furniture.csv``; consecutive duplicate paragraphs dropped.
"""
from __future__ import annotations

import csv
import io
import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ihbook.evidence.paths import DATA

RAW = DATA / "sources" / "raw"
TEXT = DATA / "sources" / "text"
FURNITURE = DATA / "sources" / "furniture.csv"
REPAIRS = DATA / "sources" / "repairs.csv"
REMOVED = DATA / "sources" / "removed.csv"

PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+\)")
FRONT_MATTER = re.compile(r"\A\s*---\n.*?\n---\n", re.S)
BLOCK_TAG = re.compile(r"</?(?:p|div|h[1-6]|blockquote|li|ul|ol|br|tr|table)\b[^>]*>", re.I)
TAG = re.compile(r"<[^>]+>")
END_PUNCT = "。！？；：”」）)…!?;:"
ZHE = re.compile(r"(?<![显卓昭编论名])著(?![名作称述])")
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+\.\d+)\S{2,20}$")


@dataclass
class Record:
    """What one normalization run removed or changed in one source."""

    source_id: str
    rows: list[dict] = field(default_factory=list)

    def add(self, step: str, text: str, reason: str) -> None:
        self.rows.append({"source_id": self.source_id, "step": step, "text": text, "reason": reason})


def _read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def strip_html(text: str, rec: Record) -> str:
    images = re.findall(r"<img\b[^>]*>", text, re.I)
    if images:
        rec.add("html", f"{len(images)} 个 <img> 标签", "图片不随文本保留")
    tags = len(TAG.findall(text))
    text = BLOCK_TAG.sub("\n", text)
    text = TAG.sub("", text)
    if tags:
        rec.add("html", f"{tags} 个 HTML 标签", "只保留文字")
    return html.unescape(text)


def split_at_headings(lines: list[str], rec: Record) -> list[str]:
    """Split run-on report lines before the headings the report's own contents list names."""
    headings = [ln for ln in lines if HEADING.match(ln)]
    if not headings:
        return lines
    pattern = re.compile("(" + "|".join(re.escape(h) for h in sorted(set(headings), key=len, reverse=True)) + ")")
    out: list[str] = []
    splits = 0
    for ln in lines:
        if len(ln) > 200:
            parts = [p for p in pattern.split(ln) if p]
            merged: list[str] = []
            for p in parts:
                if p in headings:
                    merged.append(p)
                    splits += 1
                elif merged and merged[-1] in headings and not merged[-1].endswith("\n"):
                    merged[-1] = merged[-1] + "\n"
                    merged.append(p)
                else:
                    merged.append(p)
            out.extend(m.rstrip("\n") for m in merged)
        else:
            out.append(ln)
    if splits:
        rec.add("layout", f"在 {splits} 处目录标题前断行", "报告正文原为一整行")
    return out


def reflow(lines: list[str], rec: Record, width: int = 30) -> list[str]:
    """Join the hard line wraps of a PDF extraction (a long line that stops mid-sentence)."""
    out: list[str] = []
    joins = 0
    for ln in lines:
        if out and len(out[-1]) >= width and out[-1][-1] not in END_PUNCT and not HEADING.match(ln):
            out[-1] += ln
            joins += 1
        else:
            out.append(ln)
    if joins:
        rec.add("layout", f"合并 {joins} 处 PDF 硬换行", "PDF 抽取文本在句中换行")
    return out


def apply_furniture(lines: list[str], rules: list[dict], rec: Record) -> list[str]:
    out = list(lines)
    for rule in rules:
        pat = re.compile(rule["pattern"])
        if rule["action"] == "drop-line":
            kept = []
            for ln in out:
                if pat.search(ln):
                    rec.add("furniture", ln, rule["reason"])
                else:
                    kept.append(ln)
            out = kept
        elif rule["action"] == "drop-from":
            for i, ln in enumerate(out):
                if pat.search(ln):
                    for gone in out[i:]:
                        rec.add("furniture", gone, rule["reason"])
                    out = out[:i]
                    break
        elif rule["action"] == "drop-until":
            for i, ln in enumerate(out):
                if pat.search(ln):
                    for gone in out[:i]:
                        rec.add("furniture", gone, rule["reason"])
                    out = out[i:]
                    break
        elif rule["action"] != "reflow":
            raise ValueError(f"{FURNITURE.name}: 未知的 action “{rule['action']}”")
    return out


def dedupe(lines: list[str], rec: Record) -> list[str]:
    out: list[str] = []
    for ln in lines:
        if out and ln == out[-1]:
            rec.add("duplicate", ln, "网页重复显示同一段落")
        else:
            out.append(ln)
    return out


def normalize(source: dict, furniture: list[dict], repairs: list[dict]) -> tuple[str, Record]:
    sid = source["source_id"]
    rec = Record(sid)
    text = (RAW / source["raw_file"]).read_text(encoding="utf-8")
    m = FRONT_MATTER.match(text)
    if m:
        rec.add("front-matter", m.group(0).strip(), "元数据已记入 sources.csv")
        text = text[m.end():]
    text = strip_html(text, rec)
    n = len(PINYIN.findall(text))
    if n:
        text = PINYIN.sub("", text)
        rec.add("pinyin", f"{n} 处拼音注音", "文档网站自动加注的拼音")
    for rep in repairs:
        if rep["source_id"] != sid:
            continue
        count = text.count(rep["garbled"])
        if count != 1:
            raise ValueError(f"{REPAIRS.name}: “{rep['garbled']}” 在 {sid} 中出现 {count} 次，应为 1 次")
        text = text.replace(rep["garbled"], rep["repaired"])
        rec.add("repair", f"{rep['garbled']} → {rep['repaired']}", rep["note"])
    if source["language"] == "zh-Hant":
        import opencc

        text = opencc.OpenCC("t2s").convert(text)
        rec.add("t2s", "全文", "繁体转简体（OpenCC t2s）")
        text, n = ZHE.subn("着", text)
        if n:
            rec.add("t2s", f"{n} 处“著”改为“着”", "t2s 未区分助词“着”（随着、面临着）与“著”（显著）")
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    lines = split_at_headings(lines, rec)
    rules = [r for r in furniture if r["source_id"] == sid]
    if any(r["action"] == "reflow" for r in rules):
        lines = reflow(lines, rec)
    lines = apply_furniture(lines, rules, rec)
    lines = dedupe(lines, rec)
    return "\n".join(lines) + "\n", rec


def build() -> tuple[dict[str, str], list[dict]]:
    """Normalize every source: ``(texts by source id, rows of the removal record)``; writes nothing."""
    from ihbook.evidence.sources import load_sources

    furniture = _read_csv(FURNITURE)
    repairs = _read_csv(REPAIRS)
    texts: dict[str, str] = {}
    rows: list[dict] = []
    for src in load_sources().to_dict("records"):
        text, rec = normalize(src, furniture, repairs)
        texts[src["source_id"]] = text
        rows.extend(rec.rows)
    return texts, rows


REMOVED_COLUMNS = ["source_id", "step", "text", "reason"]


def removed_csv(rows: list[dict]) -> str:
    """The removal record as ``data/sources/removed.csv`` holds it."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=REMOVED_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def build_all(write: bool = True) -> dict[str, str]:
    """Normalize every source; write texts and the removal record when ``write``."""
    texts, rows = build()
    if write:
        TEXT.mkdir(parents=True, exist_ok=True)
        for sid, text in texts.items():
            (TEXT / f"{sid}.txt").write_text(text, encoding="utf-8")
        with REMOVED.open("w", encoding="utf-8", newline="") as fh:
            fh.write(removed_csv(rows))
    return texts


def main() -> int:
    texts = build_all()
    for sid, text in texts.items():
        print(f"{sid}: {len(text)} 字符")
    return 0


if __name__ == "__main__":
    sys.exit(main())
