"""The briefing messages as data: the table, its placeholders, and the checks a message must pass.

Split out of :mod:`ihbook.chapters.briefing_messages` so that what may back a message (a dated,
attributed or officially checked claim, shown in the chapters it names) is read apart from how
the messages are filled in and rendered; ``briefing_messages`` re-exports every name here.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache

import pandas as pd

from ihbook.evidence import ledger, reference, sources
from ihbook.evidence.ledger import DataError, LedgerError, missing_columns
from ihbook.evidence.paths import BOOK, DATA

MESSAGES = DATA / "briefing_messages.csv"
COLUMNS = ["order", "message_id", "headline", "text", "chapters"]
MIN_MESSAGES, MAX_MESSAGES = 5, 7
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
DIGIT = re.compile(r"[0-9０-９]")
CHAPTER = re.compile(r"^book/(\d{2})_[a-z_]+$")
WEAK_KINDS = {"unattributed", "anecdote"}
CARD_FIELDS = {"n_figures": "count", "n_attributed": "count", "share_attributed": "share",
               "n_checked": "count", "n_agrees": "count", "share_agrees": "share",
               "n_anecdote": "count", "share_anecdote": "share", "n_within_conflicts": "count"}
SHORT_PUBLISHERS = {"中国互联网络信息中心（CNNIC）": "CNNIC", "国家卫生健康委员会": "国家卫健委",
                    "国家统计局": "国家统计局"}
QUALIFIERS = {"over": "超过", "approx": "约", "under": "不足"}
E = html.escape


# ------------------------------------------------------------------------------- data

def _read(path=MESSAGES) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def placeholders(text: str) -> list[str]:
    """The ids in braces in a message text, in order."""
    return PLACEHOLDER.findall(text)


def chapters_of(cell: str) -> list[str]:
    return [c.strip() for c in cell.split(";") if c.strip()]


@lru_cache(maxsize=None)
def _notebook_text(docname: str) -> str:
    """A chapter notebook's sources and outputs as one string (what the reader can see)."""
    nb = json.loads((BOOK.parent / f"{docname}.ipynb").read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        parts.append("".join(cell["source"]))
        for o in cell.get("outputs", []):
            for v in o.get("data", {}).values():
                parts.append(v if isinstance(v, str) else "".join(v) if isinstance(v, list) else "")
            parts.append("".join(o.get("text", "")))
    return "\n".join(parts)


def shown_in(ident: str, docname: str) -> bool:
    """Whether a chapter shows an id (a claim, reference or rule id; for a card figure, the
    source cards)."""
    text = _notebook_text(docname)
    if ident.startswith("card:"):
        return "ihbook-source-card" in text
    return any(re.search(rf"(?<![A-Za-z0-9-]){re.escape(i)}(?![A-Za-z0-9])", text) is not None
               for i in same_statement(ident))


def same_statement(ident: str) -> set[str]:
    """A claim id and the ids of its repeats (``same_as`` either way): one statement, shown
    wherever any of its occurrences is."""
    if kind_of(ident) != "claim":
        return {ident}
    c = ledger.load_claims()
    first = c.loc[c.claim_id == ident, "same_as"]
    root = first.iloc[0] if len(first) and first.iloc[0] else ident
    return {root} | set(c.loc[c.same_as == root, "claim_id"])


@lru_cache(maxsize=None)
def _cards() -> pd.DataFrame:
    return reference.source_cards().set_index("source_id")


@lru_cache(maxsize=None)
def _relied() -> dict[str, bool]:
    rel = reference.not_relied_on(reference.source_cards())
    return dict(zip(rel.source_id, rel.relied_on))


@lru_cache(maxsize=None)
def _verdicts() -> dict[str, dict]:
    return {r["claim_id"]: r for r in reference.crosscheck().to_dict("records")}


def verdict(claim_id: str) -> dict | None:
    """The official cross-check of a claim (as :func:`ihbook.evidence.reference.verdict_for`,
    computed once per session)."""
    return _verdicts().get(claim_id)


def _rules() -> pd.DataFrame:
    return reference.load_rules().set_index("rule_id")


def kind_of(ident: str) -> str:
    """``claim``, ``ref``, ``rule``, ``card`` or ``unknown``."""
    if ident.startswith("card:"):
        return "card"
    if reference.RULE_ID.match(ident):
        return "rule"
    if reference.REF_ID.match(ident):
        return "ref"
    if ledger.CLAIM_ID.match(ident):
        return "claim"
    return "unknown"


def claim_may_back(claim_id: str) -> tuple[bool, str]:
    """Whether a claim may back a headline, and why not: dated and attributed, or officially
    checked; a claim of a source the book does not rely on only when officially checked."""
    c = ledger.claim(claim_id)
    v = verdict(claim_id)
    checked = v is not None and v["verdict"] in ("agrees", "disagrees", "definition")
    if checked:
        return True, ""
    if not _relied().get(c["source_id"], True):
        return False, f"{sources.short_name(c['source_id'])}的数字未经官方核对，不作要点依据"
    if c["kind"] in WEAK_KINDS:
        return False, f"类型为“{ledger.KIND_LABELS[c['kind']]}”，且未经官方核对"
    if not c["period"]:
        return False, "没有时期，且未经官方核对"
    return True, ""


def _without_names(text: str) -> str:
    """Text with the sources' publisher names removed (a name such as 36氪 is not a figure)."""
    for sid in sources.load_sources().source_id:
        text = text.replace(_publisher(sid), "")
    return text


def check_messages(path=MESSAGES) -> list[DataError]:
    """Every problem in the messages table, with file, row, column and reason."""
    name = "data/briefing_messages.csv"
    df = _read(path)
    missing = missing_columns(name, df.columns, COLUMNS)
    if missing:
        return missing
    errors: list[DataError] = []
    claims = set(ledger.load_claims().claim_id)
    refs = set(reference.load_statistics().ref_id)
    rules = set(reference.load_rules().rule_id)
    for line, row in enumerate(df.to_dict("records"), start=2):
        if not row["order"].isdigit():
            errors.append(DataError(name, line, "order", f"“{row['order']}”不是正整数"))
        for col in ("headline", "text"):
            bare = _without_names(PLACEHOLDER.sub("", row[col]))
            if not bare.strip():
                errors.append(DataError(name, line, col, "为空"))
            elif DIGIT.search(bare):
                errors.append(DataError(name, line, col, "正文中不能手写数字：数字只从编号来（写成 {编号}）"))
        chs = chapters_of(row["chapters"])
        bad_ch = [c for c in chs if not CHAPTER.match(c) or not (BOOK.parent / f"{c}.ipynb").is_file()]
        if not chs or bad_ch:
            errors.append(DataError(name, line, "chapters", f"“{row['chapters']}”不是已有的章节（book/NN_name，用 ; 分隔）"))
            chs = [c for c in chs if c not in bad_ch]
        ids = placeholders(row["text"])
        if not ids:
            errors.append(DataError(name, line, "text", "没有任何数字或依据（{编号}）"))
        for ident in ids:
            k = kind_of(ident)
            if k == "claim":
                if ident not in claims:
                    errors.append(DataError(name, line, "text", f"账本中没有“{ident}”"))
                    continue
                ok, why = claim_may_back(ident)
                if not ok:
                    errors.append(DataError(name, line, "text", f"{ident} 不能作要点依据：{why}"))
            elif k == "ref" and ident not in refs:
                errors.append(DataError(name, line, "text", f"官方统计表中没有“{ident}”"))
                continue
            elif k == "rule" and ident not in rules:
                errors.append(DataError(name, line, "text", f"规则表中没有“{ident}”"))
                continue
            elif k == "card":
                parts = ident.split(":")
                if len(parts) != 3 or parts[1] not in _cards().index or parts[2] not in CARD_FIELDS:
                    errors.append(DataError(name, line, "text", f"“{ident}”不是来源卡片上的数字（card:来源:字段）"))
                    continue
            elif k == "unknown":
                errors.append(DataError(name, line, "text", f"“{ident}”不是已知的编号"))
                continue
            if chs and not any(shown_in(ident, c) for c in chs):
                errors.append(DataError(name, line, "chapters", f"所链接的章节都没有展示 {ident}"))
    for col in ("order", "message_id"):
        for value in df[col][df[col].duplicated()]:
            errors.append(DataError(name, len(df) + 1, col, f"“{value}”重复"))
    if not MIN_MESSAGES <= len(df) <= MAX_MESSAGES:
        errors.append(DataError(name, len(df) + 1, "（整表）",
                                f"简报应有 {MIN_MESSAGES}–{MAX_MESSAGES} 条要点，实有 {len(df)} 条"))
    return errors


def load_messages(path=MESSAGES) -> pd.DataFrame:
    """The messages, checked, in display order."""
    errors = check_messages(path)
    if errors:
        raise LedgerError(errors)
    df = _read(path)
    df["order"] = df["order"].astype(int)
    return df.sort_values("order").reset_index(drop=True)


def _publisher(source_id: str) -> str:
    return sources.source(source_id)["publisher"].split("（")[0]
