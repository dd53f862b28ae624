"""The red-flag layer: runs first, on every input that contains any Chinese (issue 12).

An emergency described in everyday words must never get a department or a request for more
detail. The layer matches **concept patterns**, not single words: a symptom plus a severity,
suddenness or inability cue (胸口 + 疼, 一边 + 手脚 + 没劲), intent phrases (不想活了), an
ingestion or overdose (吃了 + 一整瓶 + 药), a trauma mechanism plus altered consciousness
(摔到头 + 一直想吐). Everything is data:

- ``data/triage_redflags.csv`` — the categories, each with the published guideline it comes
  from (address and a verbatim quote);
- ``data/triage_concepts.csv`` — named word lists (``CHEST``, ``BREATH``, ``SUDDEN`` …);
- ``data/triage_redflag_rules.csv`` — the patterns: ``{CONCEPT}`` stands for a word list,
  ``unless`` (optional) names a context that switches the rule off — chronic, recurring or
  already-checked complaints (偶尔、好几年、痛经、检查正常) for chest, head and belly pain;
  ``~N`` for a gap of up to N characters inside one clause (a negator inside it cancels the
  match: 胸口不疼), ``~~N`` for a gap that may cross commas within one sentence (what follows
  it must not be negated: 怀孕十周，没有出血); each rule carries an example complaint that
  the tests run.

Negation is scoped (:mod:`ihbook.chapters.triage_cues`): “没有胸痛” and “胸口不疼” cancel the
flag, “血止不住”, “停不下来地抽” and “无缘无故晕倒” do not.

Time is scoped too, with two concept lists: ``PAST`` (去年、小时候、两年前、以前有过…) and ``NOW``
(今天、现在、刚才、这回、突然…). A hit that follows a past-time word closely, in the same clause,
is history (“两年前脑梗”“小时候发烧抽过一回”), not today's emergency. An ``unless`` context
that stands *before* the hit is cancelled by a ``NOW`` word between it and the end of the hit: “胆结石好几年了，今天
疼得打滚” is today's pain, “老毛病了，疼得打滚” stays off. Exclamation and question marks inside
a message (“怀孕28周!!!见红了”) are read as commas, not as the end of a sentence. Spoken
fillers (``FILLER``: 那个、嗯、啊、就是…) are read away in a second pass, so that “嘴啊就是有点歪了”
matches like “嘴有点歪了”. Whatever else the input contains,
the answer to a red flag is always :data:`EMERGENCY`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ihbook.chapters import triage_cues as cues
from ihbook.chapters.triage_normalize import normalize
from ihbook.evidence.paths import DATA

CATEGORIES = DATA / "triage_redflags.csv"
CONCEPTS = DATA / "triage_concepts.csv"
RULES = DATA / "triage_redflag_rules.csv"
GUIDELINES = DATA / "reference" / "guidelines.csv"
EMERGENCY = "请立即线下就医或拨打 120"
GAP = re.compile(r"~(\d+)")
CROSS = re.compile(r"~~(\d+)")
SENTENCE = r"[^。；;！!？?\n]"
SLOT = re.compile(r"\{([A-Z_]+)\}")
CLAUSE = cues.CLAUSE


@dataclass
class Hit:
    """One red-flag pattern found in the (normalized) complaint."""

    rule_id: str
    category: str
    name: str          # the category's Chinese name
    word: str          # the words matched, as normalized
    start: int
    negated: bool


@lru_cache(maxsize=None)
def categories() -> pd.DataFrame:
    """The red-flag categories with their guideline source (``url``, ``guideline_quote``)."""
    return pd.read_csv(CATEGORIES, dtype=str, keep_default_na=False)


@lru_cache(maxsize=None)
def guidelines() -> dict[str, dict]:
    """The guideline pages behind the categories (``data/reference/guidelines.csv``), by ``ref_id``."""
    df = pd.read_csv(GUIDELINES, dtype=str, keep_default_na=False)
    return {r["ref_id"]: r for r in df.to_dict("records")}


def guideline_ids() -> list[str]:
    """The ``ref_id`` of every page the categories rest on, in the categories' order (for a 编者注)."""
    return list(dict.fromkeys(categories().ref_id))


@lru_cache(maxsize=None)
def concepts() -> dict[str, list[str]]:
    df = pd.read_csv(CONCEPTS, dtype=str, keep_default_na=False)
    return {r.concept: sorted(cues.split_words(r.words), key=len, reverse=True) for r in df.itertuples()}


@lru_cache(maxsize=None)
def rules() -> pd.DataFrame:
    return pd.read_csv(RULES, dtype=str, keep_default_na=False)


def expand(template: str) -> str:
    """A rule's pattern as a regular expression: ``{X}`` → the concept's words, ``~N`` → a gap."""
    known = concepts()

    def slot(m):
        if m.group(1) not in known:
            raise KeyError(m.group(1))
        return "(?:" + "|".join(known[m.group(1)]) + ")"

    counter = iter(range(1000))
    out = CROSS.sub(lambda m: f"(?P<x{next(counter)}>{SENTENCE}{{0,{m.group(1)}}}?)", SLOT.sub(slot, template))
    return GAP.sub(lambda m: f"({CLAUSE}{{0,{m.group(1)}}}?)", out)


def check() -> list[str]:
    """Every problem in the three red-flag tables, as Chinese messages naming the row."""
    errors = []
    cats = categories()
    for i, r in enumerate(cats.to_dict("records"), start=2):
        for col in ("category", "name", "url", "guideline_quote"):
            if not r[col].strip():
                errors.append(f"triage_redflags.csv 第 {i} 行，列 {col}：不能为空")
        if not r["url"].startswith("http"):
            errors.append(f"triage_redflags.csv 第 {i} 行，列 url：应为网址")
        page = guidelines().get(r.get("ref_id", ""))
        if page is None:
            errors.append(f"triage_redflags.csv 第 {i} 行，列 ref_id：“{r.get('ref_id', '')}”不在 {GUIDELINES.name} 中")
        elif page["url"] != r["url"]:
            errors.append(f"triage_redflags.csv 第 {i} 行，列 url：与 {GUIDELINES.name} 中 {r['ref_id']} 的网址不同")
    known = set(cats.category)
    seen = set()
    for i, r in enumerate(rules().to_dict("records"), start=2):
        if r["rule_id"] in seen:
            errors.append(f"triage_redflag_rules.csv 第 {i} 行：编号 {r['rule_id']} 重复")
        seen.add(r["rule_id"])
        if r["category"] not in known:
            errors.append(f"triage_redflag_rules.csv 第 {i} 行，列 category：“{r['category']}”不在 triage_redflags.csv 中")
        try:
            re.compile(expand(r["pattern"]))
            re.compile(r["unless"])
        except KeyError as exc:
            errors.append(f"triage_redflag_rules.csv 第 {i} 行，列 pattern：未知概念 {exc}")
        except re.error as exc:
            errors.append(f"triage_redflag_rules.csv 第 {i} 行，列 pattern：不是合法的正则表达式（{exc}）")
    missing = known - set(rules().category)
    errors += [f"triage_redflags.csv：类别 {c} 没有任何规则" for c in sorted(missing)]
    return errors + cues.check_cues()


@lru_cache(maxsize=None)
def compiled() -> list[tuple[str, str, str, re.Pattern]]:
    errors = check()
    if errors:
        raise ValueError("红旗规则检查未通过：\n" + "\n".join(errors))
    names = dict(zip(categories().category, categories().name))
    return [(r.rule_id, r.category, names[r.category], re.compile(expand(r.pattern), re.I),
             re.compile(r.unless, re.I) if r.unless else None) for r in rules().itertuples()]


EMPHASIS = re.compile(r"[!?]")
PAST_GAP = 3            # at most this many characters between a past-time word and the hit


@lru_cache(maxsize=None)
def _time_words(concept: str) -> re.Pattern | None:
    words = concepts().get(concept)
    return re.compile("(?:" + "|".join(words) + ")") if words else None


def in_past(text: str, start: int) -> bool:
    """Does a past-time word (``PAST``) stand just before ``start``, in the same clause, with no ``NOW`` word after it?"""
    past, now = _time_words("PAST"), _time_words("NOW")
    if past is None:
        return False
    left = text[max(0, start - 16):start]
    cut = max(left.rfind(ch) for ch in "，,。.；;！!？?\n")
    left = left[cut + 1:] if cut >= 0 else left
    found = list(past.finditer(left))
    if not found:
        return False
    last = found[-1]
    return len(left) - last.end() <= PAST_GAP and not (now and now.search(left[last.end():]))


def _switched_off(text: str, end: int, contexts: list[re.Match]) -> bool:
    """An ``unless`` context applies unless a ``NOW`` word stands between it and the end of the hit.

    A context after the hit always applies (“胸口疼，老毛病了”); one before it, or inside it, is
    cancelled by a ``NOW`` word that follows it within the hit (“胆结石好几年了，今天疼得……”).
    """
    now = _time_words("NOW")
    for c in contexts:
        if c.end() >= end or now is None or not now.search(text[c.end():end]):
            return True
    return False


def _scan_once(text: str) -> list[Hit]:
    hits = []
    masked = cues._mask(text)          # same length
    negator = cues.regex("negator")
    for rule_id, category, name, pat, unless in compiled():
        contexts = list(unless.finditer(text)) if unless is not None else []
        for m in pat.finditer(text):
            if not m.group():
                continue
            if contexts and _switched_off(text, m.end(), contexts):
                continue
            cross = set(pat.groupindex.values())
            # a gap is read with the non-negating expressions of the whole text blanked out, so that
            # one that straddles the gap's edge (活着[没啥]意思, 血[止]不住) does not negate the match
            inside = [masked[m.start(i):m.end(i)] for i in range(1, (pat.groups or 0) + 1) if i not in cross and m.group(i)]
            after = [m.end(i) for i in cross if m.group(i) is not None]
            negated = (cues.negated_before(text, m.start()) or any(negator.search(g) for g in inside)
                       or any(cues.negated_before(text, e) for e in after) or in_past(text, m.start()))
            hits.append(Hit(rule_id, category, name, m.group(), m.start(), negated))
    return hits


def without_fillers(text: str) -> tuple[str, list[int]]:
    """``text`` with spoken fillers (``FILLER``: 那个、嗯、啊、然后…) removed, and where each kept character was."""
    filler = _time_words("FILLER")
    if filler is None:
        return text, list(range(len(text)))
    out, where, pos = [], [], 0
    for m in filler.finditer(text):
        out.append(text[pos:m.start()])
        where.extend(range(pos, m.start()))
        pos = m.end()
    out.append(text[pos:])
    where.extend(range(pos, len(text)))
    return "".join(out), where


def scan_normalized(text: str) -> list[Hit]:
    """All red-flag hits in an already normalized text, negated ones included (flagged).

    The text is read twice: as it is, and without spoken fillers (“胸口那个就是特别疼”,
    “嘴啊就是有点歪了”), so that a filler does not stretch a pattern's gap; a hit found only
    in the second reading is reported at its position in the text.
    """
    text = EMPHASIS.sub("，", text)   # same length: positions stay valid
    hits = _scan_once(text)
    short, where = without_fillers(text)
    if short != text and short:
        seen = {(h.rule_id, h.start) for h in hits}
        for h in _scan_once(short):
            start = where[h.start] if h.start < len(where) else len(text)
            if (h.rule_id, start) not in seen:
                hits.append(Hit(h.rule_id, h.category, h.name, h.word, start, h.negated))
                seen.add((h.rule_id, start))
    hits.sort(key=lambda h: (h.start, h.rule_id))
    return hits


def scan(complaint: str) -> list[Hit]:
    """The red-flag hits of a raw complaint (normalized first; see :func:`normalize`)."""
    if not isinstance(complaint, str):
        return []
    return scan_normalized(normalize(complaint))


def present(hits: list[Hit]) -> list[Hit]:
    """The hits that count: not negated; one per category, in order of appearance."""
    out, seen = [], set()
    for h in hits:
        if not h.negated and h.category not in seen:
            out.append(h)
            seen.add(h.category)
    return out


def guideline_table() -> pd.DataFrame:
    """One row per category: Chinese name, the guideline, its address, verbatim quote and reference id."""
    df = categories()
    n = rules().groupby("category").size()
    return pd.DataFrame({"类别": df.name, "规则数": [int(n.get(c, 0)) for c in df.category],
                         "依据": df.guideline, "原文": df.guideline_quote, "网址": df.url,
                         "编号": df.ref_id}).set_index("类别")
