"""The "source audit" assignment's toolkit: check a ledger claim against its source.

Why this module exists: the course module's assessment (book/teaching/syllabus.md) asks a
student to pick five numbers from the ledger, verify each one and write a memo. The checks are
the same every time — is the quote really in the source, what does the surrounding passage
say, which other sources report the same measure, is the number part of a recorded conflict —
so they live here, once, instead of in every student's notebook:

- :func:`context` — the sentence(s) around a claim's quote in the normalized source text;
- :func:`related` — other claims on the same metric and entity (any source, any period);
- :func:`conflicts_of` — the conflicts in ``data/conflicts.csv`` that involve the claim;
- :func:`audit` — one row per claim with all of the above, as a table to paste into a memo.

A student types claim ids by hand, so bad ids (unknown, empty, not text) never raise: the
row says what is wrong, in Chinese.
"""
from __future__ import annotations

import re

import pandas as pd

from ihbook.evidence import involving
from ihbook.evidence import ledger
from ihbook.evidence import sources

COLUMNS = ["编号", "来源", "指标", "主体", "时期", "数值", "类型", "引文在原文中", "冲突", "同指标其他数字", "问题"]


def _lookup(claim_id) -> tuple[dict | None, str]:
    if not isinstance(claim_id, str) or not claim_id.strip():
        return None, "请输入账本编号，例如 WS21-016"
    cid = claim_id.strip().upper()
    if not ledger.CLAIM_ID.match(cid):
        return None, f"“{claim_id[:40]}”不是账本编号的格式（例如 WS21-016）"
    try:
        return ledger.claim(cid), ""
    except KeyError:
        return None, f"账本中没有编号为“{cid}”的数字"


def context(claim_id: str, width: int = 60) -> str:
    """The quote with up to ``width`` characters of the source text on each side, cut at
    sentence ends where possible; the quote itself is marked 【…】. Empty string if the quote
    is not found (which :func:`audit` reports as a problem)."""
    rec, problem = _lookup(claim_id)
    if rec is None:
        return problem
    text = sources.text(rec["source_id"])
    at = text.find(rec["quote"])
    if at < 0:
        return ""
    start, end = max(0, at - width), min(len(text), at + len(rec["quote"]) + width)
    before, after = text[start:at], text[at + len(rec["quote"]):end]
    cut = max(before.rfind(ch) for ch in "。！？\n")
    if cut >= 0:
        before = before[cut + 1:]
    stops = [i for i in (after.find(ch) for ch in "。！？\n") if i >= 0]
    if stops:
        after = after[:min(stops) + 1]
    return (before + "【" + rec["quote"] + "】" + after).strip()


def related(claim_id: str) -> pd.DataFrame:
    """Other claims on the same metric and entity, from any source and period."""
    rec, _ = _lookup(claim_id)
    if rec is None:
        return ledger.load_claims().iloc[0:0]
    df = ledger.select(metric=rec["metric"], entity=rec["entity"])
    return df[df.claim_id != rec["claim_id"]].reset_index(drop=True)


def conflicts_of(claim_id: str) -> pd.DataFrame:
    """The recorded conflicts that involve this claim."""
    cid = claim_id.strip().upper() if isinstance(claim_id, str) else ""
    return involving.conflicts([cid])


def audit(claim_ids) -> pd.DataFrame:
    """One row per claim id: where it comes from, whether its quote is verbatim in the
    normalized source, the conflicts it is part of and the other numbers on the same measure.
    ``claim_ids`` is a list or a string separated by spaces, commas or semicolons."""
    if isinstance(claim_ids, str):
        claim_ids = [x for x in re.split(r"[\s,，;；、]+", claim_ids) if x]
    if not isinstance(claim_ids, (list, tuple)) or not claim_ids:
        return pd.DataFrame([{**{c: "" for c in COLUMNS}, "问题": "请至少给出一个账本编号，例如 WS21-016"}],
                            columns=COLUMNS)
    rows = []
    for raw in claim_ids:
        rec, problem = _lookup(raw)
        if rec is None:
            rows.append({**{c: "" for c in COLUMNS}, "编号": str(raw)[:40], "问题": problem})
            continue
        cid = rec["claim_id"]
        found = rec["quote"] in sources.text(rec["source_id"])
        others = related(cid)
        cf = conflicts_of(cid)
        rows.append({
            "编号": cid,
            "来源": sources.short_name(rec["source_id"]),
            "指标": ledger.label(rec["metric"]),
            "主体": ledger.entity_label(rec["entity"]),
            "时期": rec["period"] or "未说明",
            "数值": ledger.display_value(rec),
            "类型": ledger.KIND_LABELS[rec["kind"]],
            "引文在原文中": "是" if found else "否",
            "冲突": "；".join(cf.conflict_id) if len(cf) else "无",
            "同指标其他数字": "；".join(f"{r.claim_id}（{sources.short_name(r.source_id)}，{r.period or '时期未说明'}）"
                                       for r in others.itertuples()) or "无",
            "问题": "" if found else "引文不在规范化文本中",
        })
    return pd.DataFrame(rows, columns=COLUMNS)


# --------------------------------------------------------------------------------------------
# Per-student assignments

class AssignmentError(ValueError):
    """A student id that cannot be used for an assignment (message in Chinese)."""


def _rng(student_id, salt: str):
    import hashlib
    import random

    if not isinstance(student_id, (str, int)) or isinstance(student_id, bool) or not str(student_id).strip():
        raise AssignmentError("请给出学生编号（学号或姓名拼音），例如 audit.assign(\"2026001\")")
    key = f"{salt}\u241f{str(student_id).strip()}".encode("utf-8")
    return random.Random(int(hashlib.sha256(key).hexdigest(), 16))


def _eligible() -> pd.DataFrame:
    """Claims a student can audit: quote verbatim in the source, one per repeated statement."""
    df = ledger.load_claims()
    df = df[df.apply(lambda r: r["quote"] in sources.text(r["source_id"]), axis=1)]
    df = df[df["same_as"].fillna("").astype(str) == ""] if "same_as" in df else df
    return df.sort_values("claim_id").reset_index(drop=True)


def requirements(ids: list[str]) -> list[str]:
    """The syllabus's selection rules that ``ids`` breaks (empty list: all met)."""
    recs = [ledger.claim(c) for c in ids]
    conflicted = set(involving.by_claim())
    problems = []
    if len({r["source_id"] for r in recs}) < 3:
        problems.append("至少来自三份不同的来源")
    if not any(r["claim_id"] in conflicted for r in recs):
        problems.append("至少一个出现在冲突清单中")
    if not any(r["kind"] in ("estimate", "anecdote") for r in recs):
        problems.append("至少一个的类型是“估算”或“个例”")
    if not any(r["claim_id"].startswith("R25-") for r in recs):
        problems.append("至少一个来自 2025 年的报告（R25- 开头）")
    return problems


def assign(student_id, n: int = 5, salt: str = "") -> list[str]:
    """Five claim ids for one student, the same every time for the same ``student_id`` and
    ``salt`` (an instructor sets a course-specific ``salt`` so ids cannot be predicted from the
    book). The set meets the syllabus's rules: three or more sources, one in the conflict list,
    one estimate or anecdote, one from the 2025 report; every quote is verbatim in its source."""
    if not isinstance(n, int) or isinstance(n, bool) or not 4 <= n <= 10:
        raise AssignmentError("n 应为 4 到 10 之间的整数")
    rng = _rng(student_id, salt)
    df = _eligible()
    conflicted = set(involving.by_claim())
    pools = [
        sorted(set(df.claim_id) & conflicted),
        sorted(df.claim_id[df.kind.isin(["estimate", "anecdote"])]),
        sorted(df.claim_id[df.source_id == "report-2025"]),
        sorted(df.claim_id[df.source_id != "report-2025"]),
    ]
    everything = sorted(df.claim_id)
    for _ in range(200):
        picked: list[str] = []
        for pool in pools:
            choices = [c for c in pool if c not in picked]
            picked.append(rng.choice(choices))
        while len(picked) < n:
            c = rng.choice(everything)
            if c not in picked:
                picked.append(c)
        if not requirements(picked):
            return sorted(picked)
    raise AssignmentError("无法为这个编号生成满足要求的题目组合")  # pragma: no cover - data-dependent


def assign_class(student_ids, n: int = 5, salt: str = "") -> pd.DataFrame:
    """One row per student: 学生, 编号 (the assigned ids, ；-separated) — the instructor's roster."""
    ids = [s for s in (re.split(r"[\s,，;；、]+", student_ids) if isinstance(student_ids, str) else list(student_ids or [])) if str(s).strip()]
    if not ids:
        raise AssignmentError("请给出至少一个学生编号")
    return pd.DataFrame([{"学生": str(s).strip(), "编号": "；".join(assign(s, n, salt))} for s in ids])


# --------------------------------------------------------------------------------------------
# The transfer task: the same five questions on an article the book has never seen

NUMBER = re.compile(r"(?P<q>约|近|超过|逾|达到?|不到|仅)?(?P<num>\d+(?:[.,]\d+)*)\s*(?P<unit>个百分点|万人次|亿人次|人次|亿元|万元|亿人|万人|亿|万|倍|家|个|名|岁|人|元|天|分钟|%|％)?")
YEAR = re.compile(r"^(19|20)\d{2}$")
CUES = {
    "出处": ("据", "获悉", "数据显示", "统计", "调查", "报告", "公布", "发布", "表示", "介绍"),
    "估算或预测": ("预计", "预测", "估计", "估算", "有望", "将达", "到20"),
    "未具名": ("某平台", "某医院", "某市", "某省", "某企业", "业内人士", "有关人士", "一位"),
    "模糊限定": ("约", "近", "超过", "逾", "左右", "上下", "数十", "上百", "大幅"),
}
TRANSFER_QUESTIONS = [
    "原句支持这个数字吗？数值、单位、时期、限定词（约、超过）各是什么？",
    "文章说明了数字从哪里来、由谁测量的吗？",
    "它是实测、估算、预测、目标，还是个例？你的判断依据是哪几个字？",
    "文章内部的其他数字和它对得上吗？（能否用另外两个数字算出它？）",
    "如果要在简报中引用，你会怎样写这一句（包括限定词和出处）？",
]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[。！？；])|\n+", text) if s and s.strip()]


def scan_article(text: str) -> pd.DataFrame:
    """Every number in an article with its sentence and the wording cues that matter for an
    audit (出处, 估算或预测, 未具名, 模糊限定). Years are reported as periods, not as numbers.
    ``text`` is the article itself or the path of a UTF-8 .txt/.md file."""
    from pathlib import Path

    cols = ["序号", "数字", "原句", "时期", "出处", "估算或预测", "未具名", "模糊限定"]
    if isinstance(text, Path) or (isinstance(text, str) and len(text) < 300 and text.strip().endswith((".txt", ".md"))):
        p = Path(text)
        if not p.is_file():
            return pd.DataFrame([{c: "" for c in cols} | {"原句": f"找不到文件：{str(text)[:80]}"}], columns=cols)
        text = p.read_text(encoding="utf-8")
    if not isinstance(text, str) or not text.strip():
        return pd.DataFrame([{c: "" for c in cols} | {"原句": "请给出文章的文字或 .txt 文件的路径"}], columns=cols)
    rows = []
    for s in _sentences(text[:200_000]):
        years = [m["num"] for m in NUMBER.finditer(s) if YEAR.match(m["num"]) and not m["unit"]]
        for m in NUMBER.finditer(s):
            if YEAR.match(m["num"]) and not m["unit"]:
                continue
            rows.append({"数字": m.group(0).strip(), "原句": s, "时期": "、".join(years) or "未说明",
                         **{k: "、".join(w for w in words if w in s) for k, words in CUES.items()}})
    df = pd.DataFrame(rows, columns=cols[1:])
    df.insert(0, "序号", range(1, len(df) + 1))
    return df


def transfer_worksheet(text: str, title: str = "迁移任务：核查一篇新文章") -> str:
    """A Markdown worksheet for an unseen article: each number, its sentence and the cues,
    followed by the five audit questions to answer for it."""
    df = scan_article(text)
    lines = [f"# {title}", "", "对下面每个数字回答五个问题（与来源审计作业相同，但这里没有账本可查，只能读原文）：", ""]
    lines += [f"{i}. {q}" for i, q in enumerate(TRANSFER_QUESTIONS, 1)]
    for r in df.itertuples():
        if not r.数字:
            lines += ["", f"> {r.原句}"]
            continue
        cues = "；".join(f"{k}：{getattr(r, k)}" for k in CUES if getattr(r, k)) or "无"
        lines += ["", f"## 数字 {r.序号}：{r.数字}", "", f"> {r.原句}", "", f"时期：{r.时期}。措辞线索：{cues}。", "",
                  *[f"{i}. ____" for i in range(1, len(TRANSFER_QUESTIONS) + 1)]]
    return "\n".join(lines) + "\n"
