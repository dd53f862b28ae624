"""Cues the triage demo reads around the symptoms: negation, age, sex, children, pregnancy.

Every word list lives in ``data/triage_cues.csv`` (one row per cue, words as ``|``-separated
regular-expression alternatives), so the lexicon can be read and changed without Python.

Negation is *scoped* (issue 12): a negator (没有/不/无/未…) cancels a symptom only when it
stands directly before it — with at most a small filler (“没有**出现**胸痛”) or a list of
coordinated symptoms (“没有发烧、**咳嗽**”) in between — and never when it belongs to a
fixed expression that does not negate (止不住、停不下来、忍不住、无缘无故、是不是…).
Inside a pattern's gap (“胸口**不**疼”) the same rule applies.

Age and sex are parsed before any redirect: an adult's 儿子 is not a child, and
“没有怀孕” is not a pregnancy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ihbook.evidence.paths import DATA

CUES = DATA / "triage_cues.csv"
CHILD_AGE = 14          # 儿科 sees children under 14 in most Chinese hospitals
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CLAUSE = r"[^，,。.；;！!？?\n]"
AGE = re.compile(r"(\d{1,3}|[一二两三四五六七八九十百几]+)(?:多|来)?(?:周)?岁(?:半)?|(\d{1,3})\s*(?:yo|y/o|years? old)")
MONTHS = re.compile(r"(\d{1,2}|[一二两三四五六七八九十几]+)个?(?:多)?月(?:大|的宝宝|的孩子|的婴儿)")
AGE_BARE = re.compile(r"(?:今年|已经|都)(\d{2})了")


def words(cue: str) -> list[str]:
    """The alternatives of one cue, longest first (so 没有 is tried before 没)."""
    return sorted(_table().get(cue, []), key=len, reverse=True)


def split_words(s: str) -> list[str]:
    """``a|b(?:c|d)|e`` → ``[a, b(?:c|d), e]``: split on ``|`` outside parentheses and brackets."""
    out, depth, cur, esc = [], 0, "", False
    for ch in s:
        if esc:
            cur, esc = cur + ch, False
            continue
        if ch == "\\":
            cur, esc = cur + ch, True
            continue
        depth += ch in "([" and 1 or (-1 if ch in ")]" else 0)
        if ch == "|" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return [w for w in out + [cur] if w]


@lru_cache(maxsize=None)
def _table() -> dict[str, list[str]]:
    df = pd.read_csv(CUES, dtype=str, keep_default_na=False)
    return {r.cue: split_words(r.words) for r in df.itertuples()}


@lru_cache(maxsize=None)
def regex(cue: str) -> re.Pattern:
    """One cue as a compiled alternation."""
    return re.compile("(?:" + "|".join(words(cue)) + ")")


def intents_table() -> list[tuple[str, re.Pattern]]:
    return [(k.split(":", 1)[1], regex(k)) for k in _table() if k.startswith("intent:")]


def organ_votes(text: str) -> dict[str, int]:
    """The last fallback: how many (non-negated) body-system clues of each department the text has."""
    votes: dict[str, int] = {}
    for key in _table():
        if key.startswith("organ:"):
            # a clue may sit inside a two-character word (怀孕): its negator stands before the word
            n = sum(1 for m in regex(key).finditer(text)
                    if not any(negated_before(text, m.start() - k) for k in (0, 1) if m.start() - k >= 0))
            if n:
                votes[key.split(":", 1)[1]] = n
    return votes


def combo_votes(text: str) -> dict[str, int]:
    """Combinations of clues that point to one department (眼干 + 口干 → 风湿免疫科), by count."""
    votes: dict[str, int] = {}
    for key in _table():
        if key.startswith("combo:"):
            n = len(regex(key).findall(text))
            if n:
                votes[key.split(":", 1)[1]] = n
    return votes


def discount(text: str, matches) -> None:
    """Lower the weight of terms that the words around them turn into something else (in place).

    - after a *consequence* (“整得我老伴儿都睡不好”): someone else's trouble, not the patient's → 0;
    - after a *degree* “得” (“痒得坐不住”, “疼得睡不着”): how bad, not another symptom → 0;
    - a *descriptor* before 一样的／样的／似的 (“豆腐渣一样的东西”): a simile → 0;
    - a *time reference* (“那几天之前”): when, not what → 1.
    Red-flag matches are never discounted.
    """
    stops = "，,。.；;！!？?\n"
    for m in matches:
        if m.kind == "red_flag" or m.negated:
            continue
        left = max(text.rfind(ch, 0, m.start) for ch in stops) + 1
        clause_before = text[left:m.start]
        after = text[m.start + len(m.word):]
        if regex("consequence").search(clause_before) or regex("degree").search(text[max(0, m.start - 3):m.start]):
            m.weight = 0
        elif regex("descriptor").search(after):
            m.weight = 0
        elif regex("time_ref").search(after):
            m.weight = min(m.weight, 1)


def check_cues() -> list[str]:
    """Problems in the cue table (unknown cue names, empty or invalid patterns)."""
    needed = {"negator", "negation_filler", "negation_joiner", "non_negating", "contrast", "child", "family_child",
              "adult", "pregnant", "not_pregnant", "male", "female", "sense_pain", "sense_skin", "sense_lump", "duration",
              "symptom_end", "history", "not_child", "consequence", "degree", "descriptor", "time_ref"}
    table = _table()
    errors = [f"triage_cues.csv：缺少 cue“{c}”" for c in sorted(needed - set(table))]
    for cue, ws in table.items():
        if not ws:
            errors.append(f"triage_cues.csv：cue“{cue}”没有词")
        for w in ws:
            try:
                re.compile(w)
            except re.error as exc:
                errors.append(f"triage_cues.csv：cue“{cue}”中的“{w}”不是合法的正则表达式（{exc}）")
    return errors


# --- negation --------------------------------------------------------------------------------

def _mask(text: str) -> str:
    """``text`` with every non-negating expression blanked out (same length)."""
    return regex("non_negating").sub(lambda m: "#" * len(m.group()), text)


@lru_cache(maxsize=None)
def _prefix_negation() -> re.Pattern:
    neg, fill, join = regex("negator").pattern, regex("negation_filler").pattern, regex("negation_joiner").pattern
    item = CLAUSE.replace("]", "、和或及与跟]") + "{1,6}"
    bare = CLAUSE.replace("]", "、和或及与跟]") + "{0,3}" + regex("symptom_end").pattern  # 没有[胸闷]胸痛
    return re.compile(f"{neg}{fill}?(?:{item}{join}|{bare})*{fill}?$")


def negated_before(text: str, start: int) -> bool:
    """Is the term starting at ``start`` negated by what stands directly before it?"""
    left = text[max(0, start - 24):start]
    cut = max(left.rfind(ch) for ch in "，,。.；;！!？?\n")
    left = _mask(left[cut + 1:] if cut >= 0 else left)
    contrast = list(regex("contrast").finditer(left))
    if contrast:
        left = left[contrast[-1].end():]
    return bool(_prefix_negation().search(left))


def in_history(text: str, start: int, end: int) -> bool:
    """Is the term at ``start:end`` part of the patient's history (same clause as 以前、病史、多年…)?"""
    left = max(text.rfind(ch, 0, start) for ch in "，,。.；;！!？?\n") + 1
    rights = [i for i in (text.find(ch, end) for ch in "，,。.；;！!？?\n") if i >= 0]
    return bool(regex("history").search(text[left:min(rights) if rights else len(text)]))


def after_contrast(text: str) -> str:
    """What follows the last 但是/可是/就是 in ``text`` (the scope of an earlier negation ends there)."""
    found = list(regex("contrast").finditer(text))
    return text[found[-1].end():] if found else text


def negated_inside(gap: str) -> bool:
    """Does a gap inside a pattern (“胸口[不]疼”) contain a negator that negates?"""
    return bool(gap) and bool(regex("negator").search(_mask(gap)))


# --- numbers, age, sex, children, pregnancy ----------------------------------------------------

def cn_number(s: str) -> int | None:
    """A small Chinese numeral (up to 百) as an int: 五 → 5, 十三 → 13, 三十五 → 35, 一百零二 → 102."""
    if s.isdigit():
        return int(s)
    if "几" in s:
        s = s.replace("几", "")
        if not s:
            return None
    total, unit_seen, cur = 0, False, 0
    for ch in s.replace("零", ""):
        if ch in CN_DIGITS:
            cur = CN_DIGITS[ch]
        elif ch in "十百":
            total += (cur or 1) * (10 if ch == "十" else 100)
            cur, unit_seen = 0, True
        else:
            return None
    return total + cur if (unit_seen or cur) else None


def age(text: str) -> float | None:
    """The age stated in the complaint, in years (8 个月大 → 0.67), or ``None``."""
    m = MONTHS.search(text)
    if m and cn_number(m.group(1)) is not None:
        return round(cn_number(m.group(1)) / 12, 2)
    for m in AGE.finditer(text):
        n = cn_number(m.group(1) or m.group(2))
        if n is not None and n <= 120:
            return float(n)
    m = AGE_BARE.search(text)
    if m and 14 <= int(m.group(1)) <= 110:
        return float(m.group(1))
    return None


def _present(text: str, cue: str) -> bool:
    return any(not negated_before(text, m.start()) for m in regex(cue).finditer(text))


def sex(text: str) -> str:
    """``男``, ``女`` or ``""`` (unknown), from the first sex cue in the complaint."""
    hits = [(m.start(), "男") for m in regex("male").finditer(text)] + \
           [(m.start(), "女") for m in regex("female").finditer(text)]
    return min(hits)[1] if hits else ""


@dataclass(frozen=True)
class Patient:
    """What the complaint says about who is ill, parsed before any redirect."""

    age: float | None
    sex: str
    child: bool
    pregnant: bool
    why: str


def patient(text: str) -> Patient:
    """Age first; then child words; family words (儿子、女儿) only without an adult age or cue."""
    a = age(text)
    masked = regex("not_child").sub(lambda m: "#" * len(m.group()), text)   # 生孩子那会儿: not a child patient
    child_word = bool(regex("child").search(masked))
    family = bool(regex("family_child").search(masked))
    adult_cue = bool(regex("adult").search(text))
    if a is not None:
        child, why = a < CHILD_AGE, f"年龄 {a:g} 岁" if a >= 1 else f"年龄 {round(a * 12)} 个月"
    elif child_word:
        child, why = True, "儿童用语"
    elif family and not adult_cue:
        child, why = True, "提到儿子或女儿，未说明年龄"
    else:
        child, why = False, ""
    pregnant = _present(text, "pregnant") and not regex("not_pregnant").search(text)
    if pregnant and a is not None and a < 12:
        pregnant = False
    if pregnant and (a is None or a >= CHILD_AGE):   # 宝宝、娃 in a pregnancy is the fetus
        child, why = False, ""
    s = sex(text)
    if pregnant:
        s = "女"
    return Patient(a, s, child, pregnant, why)
