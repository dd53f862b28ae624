"""Step 2 of the triage demo (医疗信息识别): the symptom lexicon and how terms are found.

``data/triage_lexicon.csv`` lists symptoms, diseases and body sites with their department
and weight (the book's own small, illustrative lexicon — not a medical standard). A term is
found when it is a jieba token of the normalized complaint, or else as a substring not
already covered. A body site followed within a few characters by a sensation (膝盖……疼)
counts as a symptom of the site's department; a skin change on a body-surface site
(脖子上长了红点) counts for 皮肤科 instead. Negation is scoped (:mod:`triage_cues`).

Red flags are not here: they are patterns, not words (:mod:`triage_redflags`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ihbook.chapters import triage_cues as cues
from ihbook.evidence import text as ihtext
from ihbook.evidence.paths import DATA

LEXICON = DATA / "triage_lexicon.csv"
KINDS = {"symptom", "disease", "site"}
SITE_WINDOW = 8
DEPARTMENTS_FILE = DATA / "triage_departments.csv"


def _departments() -> pd.DataFrame:
    return pd.read_csv(DEPARTMENTS_FILE, dtype=str, keep_default_na=False)


def _flagged(column: str) -> set[str]:
    df = _departments()
    return set(df.department[df[column] == "true"])


DEPARTMENTS = list(_departments().department)                 # data/triage_departments.csv
INTERNAL = _flagged("internal")
CHILD_TO_PAEDIATRICS = _flagged("child_to_paediatrics")
PREGNANT_TO_OBSTETRICS = _flagged("pregnant_to_obstetrics")
SURFACE_KEEP = _flagged("site_keeps_skin")   # sites whose skin changes stay theirs (眼、耳、口、肛门…)
ITCH = {"痒", "痒痒", "痒得", "发痒", "刺挠", "痕"}
SAFE_SINGLE = {"咳", "痒", "喘"}    # one-character words safe to find inside other words


class LexiconError(ValueError):
    """The lexicon file is malformed (reported with row and column, in Chinese)."""


@dataclass
class Match:
    """One recognised term in the complaint."""

    term: str        # the lexicon's canonical term (or the red-flag category's name)
    word: str        # the words as written in the (normalized) complaint
    kind: str        # symptom / disease / red_flag
    department: str
    weight: int
    start: int
    negated: bool
    method: str      # 分词, 子串, 部位+感觉, 红旗规则 <id>


def check_lexicon(path=LEXICON) -> list[str]:
    """Every problem in the lexicon, as Chinese messages naming row and column."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    errors = []
    seen: dict[str, int] = {}
    for i, r in enumerate(df.to_dict("records"), start=2):
        if r["kind"] not in KINDS:
            errors.append(f"{path.name} 第 {i} 行，列 kind：“{r['kind']}”应为 {sorted(KINDS)} 之一")
        if r["department"] not in DEPARTMENTS or r["department"] == "急诊":
            errors.append(f"{path.name} 第 {i} 行，列 department：“{r['department']}”不在科室表中（红旗症状见红旗规则表）")
        if not r["weight"].isdigit():
            errors.append(f"{path.name} 第 {i} 行，列 weight：“{r['weight']}”不是正整数")
        for word in [r["term"]] + [s for s in r["synonyms"].split("|") if s]:
            if word in seen:
                errors.append(f"{path.name} 第 {i} 行：词“{word}”已在第 {seen[word]} 行出现")
            seen[word] = i
    return errors


@lru_cache(maxsize=None)
def lexicon() -> pd.DataFrame:
    """The lexicon, one row per written form (term or synonym), longest first."""
    errors = check_lexicon()
    if errors:
        raise LexiconError("分诊词表检查未通过：\n" + "\n".join(errors))
    df = pd.read_csv(LEXICON, dtype=str, keep_default_na=False)
    rows = []
    for r in df.to_dict("records"):
        for word in [r["term"]] + [s for s in r["synonyms"].split("|") if s]:
            rows.append({"word": word.lower(), "term": r["term"], "kind": r["kind"], "department": r["department"],
                         "weight": int(r["weight"]), "follow_up": r["follow_up"]})
    out = pd.DataFrame(rows)
    return out.assign(n=out.word.str.len()).sort_values(["n", "word"], ascending=[False, True]).drop(columns="n")


@lru_cache(maxsize=None)
def _records() -> tuple[dict, ...]:
    """The lexicon rows as dicts, converted once (``recognise`` walks them for every complaint)."""
    return tuple(lexicon().to_dict("records"))


@lru_cache(maxsize=None)
def _substring_records() -> tuple[dict, ...]:
    """Terms looked for as substrings: not sites, and single characters only if safe."""
    return tuple(r for r in _records() if r["kind"] != "site" and (len(r["word"]) >= 2 or r["word"] in SAFE_SINGLE))


@lru_cache(maxsize=None)
def _site_records() -> tuple[dict, ...]:
    return tuple(r for r in _records() if r["kind"] == "site" and len(r["word"]) >= 2)


@lru_cache(maxsize=None)
def _by_word() -> dict[str, dict]:
    return {r["word"]: r for r in _records()}


@lru_cache(maxsize=None)
def tokenizer():
    """A jieba tokenizer with the book's domain dictionary and every lexicon word added.

    Its own instance, so adding the lexicon does not change how other chapters segment text.
    """
    tk = ihtext.new_tokenizer()
    if ihtext.USERDICT.exists():
        tk.load_userdict(str(ihtext.USERDICT))
    for word in lexicon().word:
        if " " not in word:
            tk.add_word(word, freq=50000)
    return tk


def _match(r: dict, word: str, start: int, negated: bool, method: str) -> Match:
    return Match(r["term"], word, r["kind"], r["department"], int(r["weight"]), start, negated, method)


def recognise(text: str) -> tuple[list[str], list[Match]]:
    """jieba tokens, and the lexicon terms found in the (normalized) complaint.

    A term counts when it is a jieba token; otherwise, when it appears as a substring not
    already covered by a recognised term (jieba may cut differently). Longer words win overlaps.
    """
    by_word = _by_word()
    tokens, matches, taken, sites = [], [], [], []
    for word, start, end in tokenizer().tokenize(text):
        if not word.strip():
            continue
        tokens.append(word)
        r = by_word.get(word)
        if r is not None and r["kind"] == "site":
            sites.append((word, start, end))
        elif r is not None:
            matches.append(_match(r, word, start, cues.negated_before(text, start), "分词"))
            taken.append((start, end))
    chars = set(text)
    for r in _substring_records():
        if r["word"][0] not in chars:
            continue
        pos = text.find(r["word"])
        while pos >= 0:
            end = pos + len(r["word"])
            if not any(pos < b and a < end for a, b in taken):
                matches.append(_match(r, r["word"], pos, cues.negated_before(text, pos), "子串"))
                taken.append((pos, end))
            pos = text.find(r["word"], end)
    for r in _site_records():   # sites jieba did not cut out (脖子上 → 脖子)
        if r["word"][0] not in chars:
            continue
        pos = text.find(r["word"])
        while pos >= 0:
            if not any(s <= pos < e for _, s, e in sites):
                sites.append((r["word"], pos, pos + len(r["word"])))
            pos = text.find(r["word"], pos + len(r["word"]))
    sites = sorted(sites, key=lambda s: s[1])
    matches = _site_matches(text, sites, matches)
    for word, start, end in sites:   # a site with no sensation: kept as a weak clue (kind "site")
        if not any(m.start <= start < m.start + len(m.word) for m in matches):
            r = by_word[word]
            matches.append(_match(r, word, start, cues.negated_before(text, start), "部位") )
            matches[-1].weight = 1
    matches.sort(key=lambda m: m.start)
    return tokens, matches


def _site_matches(text: str, sites, matches: list[Match]) -> list[Match]:
    """A body site followed within a few characters by a sensation (膝盖……疼, 血压一直偏高).

    Skipped when a longer lexicon word already explains the sensation (e.g. 红疹); single-character
    matches inside the span give way to the site, which says where it is. A skin change on a
    body-surface site (脖子上长了红点) goes to 皮肤科.
    A lump under a body-surface site (胳膊上长了个软疙瘩) goes to 普通外科; on 眼、耳、
    口、肛门 skin changes and lumps stay with the site. When another site stands between a site and
    the sensation (嗓子眼下面气管那儿痒), the nearer site owns it.
    """
    by_word = _by_word()
    pain, skin, lump = cues.regex("sense_pain"), cues.regex("sense_skin"), cues.regex("sense_lump")
    done = set()
    for k, (word, start, end) in enumerate(sites):
        if any(m.start <= start < m.start + len(m.word) and len(m.word) > len(word) for m in matches):
            continue
        seg = re.split(r"[，,。.；;！!？?\s]", text[end:end + SITE_WINDOW + 3])[0]
        later = [s for _, s, _ in sites[k + 1:] if s >= end]
        if later and 0 < later[0] - end < len(seg):   # 嗓子眼下面气管那儿痒: the nearer site owns the sensation
            seg = seg[:later[0] - end]
        r = by_word[word]
        site_skin = r["department"] not in SURFACE_KEEP
        hits = []
        for h in lump.finditer(seg):   # a lump under the skin is surgery's; on 眼、耳、口、肛门 it stays the site's
            if h.start() <= SITE_WINDOW:
                hits.append((h, r["department"] if r["department"] in SURFACE_KEEP else "普通外科"))
        for h in skin.finditer(seg):
            if h.start() <= SITE_WINDOW and site_skin:
                hits.append((h, "皮肤科"))
        for h in pain.finditer(seg):
            # a pain or swelling on 腿上/手上 says nothing about the skin: only itching counts there
            if h.start() <= SITE_WINDOW and (r["department"] != "皮肤科" or h.group() in ITCH):
                hits.append((h, r["department"]))
        if not hits:
            continue
        hits.sort(key=lambda x: (x[0].start(), x[1] != "皮肤科"))
        neg = [cues.negated_inside(cues.after_contrast(seg[:h.start()])) for h, _ in hits]
        pick = next((i for i, x in enumerate(neg) if not x), 0)
        hit, dept = hits[pick]
        s0, s1 = end + hit.start(), end + hit.end()
        if (start, s1) in done:
            continue
        inside = [m for m in matches if s0 <= m.start < s1 or m.start <= s0 < m.start + len(m.word)]
        generic = r["department"] in SURFACE_KEEP and all(m.department in ("皮肤科", "普通外科") for m in inside)
        weak = all(m.weight <= 1 and m.department != r["department"] for m in inside)   # 牙顶着: the site says where
        if any(len(m.word) > 1 for m in inside) and not generic and not weak:   # 嗓子里痒痒: the site says where
            continue
        matches = [m for m in matches if m not in inside
                   and not (start <= m.start < end + len(seg) and len(m.word) == 1)]
        done.add((start, s1))
        negated = neg[pick] or cues.negated_before(text, start)
        weight = 2 if dept == "皮肤科" else int(r["weight"])
        matches.append(Match(f"{r['term']}{hit.group()}", text[start:s1], "symptom", dept, weight, start,
                             negated, "部位+感觉"))
    return matches


def follow_up(word: str) -> str:
    """The lexicon's follow-up question for a matched word (or its longest known prefix)."""
    by_word = _by_word()
    for n in range(len(word), 0, -1):
        if word[:n] in by_word and by_word[word[:n]]["follow_up"]:
            return by_word[word[:n]]["follow_up"]
    return ""
