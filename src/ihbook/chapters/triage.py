"""A teaching triage demo that walks the pre-diagnosis flow iResearch (2020) draws.

**This is a teaching demonstration, not medical advice.** It shows, step by step, what an
online triage service does with a patient's free-text complaint (主诉) — the flow in the
iResearch report: patient information → medical information recognition → triage to a
second-level department (with special mappings) → matching a doctor → consultation.

Safety comes first (issue 12). The order of the steps is:

0. *红旗优先* — on every input that contains any Chinese, the complaint is normalized
   (:mod:`triage_normalize`) and scanned for red flags (:mod:`triage_redflags`: concept
   patterns for the emergency categories of published guidelines). A red flag ends the flow:
   the answer is always “请立即线下就医或拨打 120”, whatever else the input contains — even
   if it is long, full of emoji or contains ``<``/``>``.
1. *患者信息采集* — only then the gate (:func:`triage_normalize.check_input`) refuses empty,
   huge, non-Chinese or markup input with a clear Chinese message, never echoing it whole.
   Age and sex are parsed (:mod:`triage_cues`) before any redirect.
2. *医疗信息识别* — jieba and the lexicon (:mod:`triage_lexicon`) find symptoms and diseases;
   negation is scoped; the words around a term can discount it (:func:`triage_cues.discount`:
   what happens to someone else, a simile, a degree, a time reference); a few combinations
   of clues point to one department (:func:`triage_cues.combo_votes`); keyword rules guess the
   intent; follow-up questions stand in for symptom completion.
3. *分诊到二级科室* — each term votes for its department; a child (by age, not by the word
   儿子) maps internal medicine to 儿科, a pregnancy (not “没有怀孕”) to 产科.
   :data:`SAFETY_NET` is added to every 未识别 and low-confidence answer.

Display lives in :mod:`triage_show`, the evaluation in :mod:`triage_eval`. The public
functions chapters call are re-exported here: ``triage``, ``demo``, ``examples_widget``,
``live_widget``, ``explain_text``, ``explain_html``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import pandas as pd

from ihbook.chapters import triage_alarm as second_net
from ihbook.chapters import triage_cues as cues
from ihbook.chapters import triage_fallback as fallback
from ihbook.chapters import triage_redflags as redflags
from ihbook.chapters.triage_cues import cn_number  # noqa: F401  (public)
from ihbook.chapters.triage_lexicon import (CHILD_TO_PAEDIATRICS, DEPARTMENTS, INTERNAL, KINDS,  # noqa: F401
                                            PREGNANT_TO_OBSTETRICS, LexiconError, Match, check_lexicon, lexicon,
                                            recognise, tokenizer)
from ihbook.chapters.triage_normalize import MAX_CHARS, check_input, excerpt, has_chinese, normalize  # noqa: F401
from ihbook.evidence.paths import DATA

CASES = DATA / "triage_cases.csv"
EMERGENCY = redflags.EMERGENCY
EMERGENCY_DEPT = "急诊"
UNKNOWN = "未识别"
INVALID = "无效输入"
DISCLAIMER = "教学演示，不是医疗建议：本演示不能判断病情，身体不适请咨询医生。"
SAFETY_NET = "如果症状严重、突然出现或在加重，请立即线下就医或拨打 120。"
LOW_CONFIDENCE = 3       # a best score below this (one weak word) is a low-confidence answer


@dataclass
class Result:
    """What the demo concluded, with everything needed to explain it."""

    text: str                        # what the reader typed (shown escaped, shortened if refused)
    status: str                      # ok / red_flag / unknown / invalid
    message: str
    department: str = ""
    tokens: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)
    scores: dict[str, int] = field(default_factory=dict)
    mapping: str = ""                # 特殊科室映射 that was applied, if any
    follow_ups: list[str] = field(default_factory=list)
    red_flags: list = field(default_factory=list)      # triage_redflags.Hit, negated ones included
    normalized: str = ""
    patient: cues.Patient | None = None
    safety_net: str = ""
    routing: fallback.Routing | None = None   # set when the statistical fallback gave the department
    alarm: second_net.Alarm | None = None          # set when the statistical second net raised the red flag
    rules_said: str = ""             # then: what the rules had concluded (unknown / low / ok, and their label)

    @property
    def label(self) -> str:
        """The triage answer as one label, for evaluation: a department, 急诊, 未识别 or 无效输入."""
        return {"red_flag": EMERGENCY_DEPT, "unknown": UNKNOWN, "invalid": INVALID}.get(self.status, self.department)

    @property
    def present(self) -> list[Match]:
        return [m for m in self.matches if not m.negated]

    @property
    def red_flag(self) -> bool:
        return self.status == "red_flag"


def intents(text: str, matches: list[Match]) -> list[str]:
    """Step 2a (意图识别): what the user seems to want, by simple keyword rules."""
    found = []
    if any(m.kind == "red_flag" and not m.negated for m in matches):
        found.append("急症")
    if any(m.kind in ("symptom", "red_flag") and not m.negated for m in matches):
        found.append("症状问诊")
    if any(m.kind == "disease" and not m.negated for m in matches):
        found.append("疾病咨询")
    found += [name for name, pat in cues.intents_table() if pat.search(text)]
    return found or [UNKNOWN]


def special_mapping(text: str, department: str, who: cues.Patient | None = None) -> tuple[str, str]:
    """Step 3a (特殊科室映射): a child or a pregnancy redirects; age and sex are read first."""
    who = who or cues.patient(text)
    if who.child and department in CHILD_TO_PAEDIATRICS:
        return "儿科", f"儿童（{who.why}），内科和常见的耳鼻喉、皮肤问题映射到儿科"
    if who.pregnant and department in PREGNANT_TO_OBSTETRICS:
        return "产科", "提到怀孕，映射到产科"
    if who.sex == "男" and department in ("妇科", "产科"):
        return "泌尿外科", "男性：下腹或泌尿生殖问题不看妇产科，映射到泌尿外科"
    return department, ""


def follow_up_questions(text: str, matches: list[Match], who: cues.Patient | None = None) -> list[str]:
    """Step 2b (症状补充): what a triage service would ask next."""
    from ihbook.chapters.triage_lexicon import follow_up

    qs = []
    for m in matches:
        if m.negated or m.kind == "red_flag":
            continue
        q = follow_up(m.word)
        if q and q not in qs:
            qs.append(q)
    if not cues.regex("duration").search(text):
        qs.append("这种情况持续多久了？")
    who = who or cues.patient(text)
    if who.age is None and not who.child:
        qs.append("为便于分诊，请补充年龄和性别。")
    return qs[:3]


def _scores(matches: list[Match]) -> tuple[dict[str, int], dict[str, int]]:
    scores: dict[str, int] = {}
    first: dict[str, int] = {}
    for m in matches:
        scores[m.department] = scores.get(m.department, 0) + m.weight
        first.setdefault(m.department, m.start)
    return scores, first


def _red_flag_result(complaint: str, norm: str, hits, alarm: second_net.Alarm | None = None) -> Result:
    """The one red-flag answer, raised by the rules' ``hits`` or (when ``alarm`` is given) by the second net."""
    matches = [Match(h.name, h.word, "red_flag", EMERGENCY_DEPT, 9, h.start, False, f"红旗规则 {h.rule_id}")
               for h in redflags.present(hits)]
    if alarm:
        matches.append(Match("像急症的说法", "", "red_flag", EMERGENCY_DEPT, 9, 0, False, "统计模型"))
    shown = complaint if len(complaint) <= MAX_CHARS else excerpt(complaint, MAX_CHARS)
    return Result(shown, "red_flag", EMERGENCY, EMERGENCY_DEPT, [], matches, ["急症"],
                  {EMERGENCY_DEPT: 9 * len(matches)}, red_flags=hits, normalized=norm, alarm=alarm)


def triage(complaint) -> Result:
    """Run every step on one complaint and return a :class:`Result` (never raises on bad input)."""
    return with_fallback(with_alarm(rules(complaint), complaint))


def unnegated(res: Result) -> str:
    """The normalized complaint without its negated terms (咳嗽，没有胸痛 → 咳嗽，), for the statistical models.

    They count character n-grams and cannot read negation; the rules' scoped negation decides
    what is negated (from the clause start, or the last 但/可是, to the end of the term).
    """
    text = res.normalized
    spans = {(m.start, m.start + len(m.word)) for m in res.matches if m.negated and m.word}
    spans |= {(h.start, h.start + len(h.word)) for h in res.red_flags if h.negated and h.word}
    spans |= {n.span() for n in cues.regex("not_pregnant").finditer(text)}   # 备孕、没怀上: not a pregnancy
    spans |= {n.span() for n in cues.regex("pregnant").finditer(text) if cues.negated_before(text, n.start())}
    keep = [True] * len(text)
    for start, end in spans:   # a span may cross clauses (孩子发烧，没有抽): the negation is in its last one
        begin = max(text.rfind(ch, 0, max(end - 1, 0)) for ch in "，,。.；;！!？?\n") + 1
        turns = list(cues.regex("contrast").finditer(text, begin, start))
        for i in range(turns[-1].end() if turns else begin, min(end, len(text))):
            keep[i] = False
    return "".join(ch for ch, k in zip(text, keep) if k)


def with_alarm(res: Result, complaint, m=None, alarm=second_net.ALARM, min_evidence: int = second_net.MIN_EVIDENCE) -> Result:
    """Step 0b: the statistical second net for emergencies (:mod:`triage_alarm`) — it can only add a red flag.

    It reads every input the red-flag rules read (any Chinese, before the gate); the share it
    needs depends on what the rules concluded (:func:`triage_alarm.threshold`).
    """
    need = second_net.threshold(res, alarm)
    if need is None or not has_chinese(res.normalized):
        return res
    a = second_net.check(unnegated(res), m, alarm=need, min_evidence=min_evidence)
    return _red_flag_result(complaint, res.normalized, res.red_flags, a) if a.raised else res


def with_fallback(res: Result, m: fallback.Model | None = None, on=fallback.ON,
                  min_evidence: int = fallback.MIN_EVIDENCE) -> Result:
    """Step 3b: ask the statistical fallback (:mod:`triage_fallback`) where it may overrule the rules.

    Never after a red flag or a refused input; the share it needs depends on how sure the rules
    were (:data:`triage_fallback.ON`). Its answer is mapped like any other (child, pregnancy, sex)
    and always carries the safety net.
    """
    need = fallback.threshold(res, on)
    if need is None:
        return res
    got = fallback.route(unnegated(res), m, min_prob=need, min_evidence=min_evidence)
    if not got.department:
        return res
    dept, why = special_mapping(res.normalized, got.department, res.patient)
    if res.status == "ok" and dept == res.department:
        return res
    said = fallback.state(res) + (f":{res.label}" if res.status == "ok" else "")
    return replace(res, status="ok", department=dept, mapping=why, routing=got, rules_said=said, safety_net=SAFETY_NET,
                   message=f"建议科室：{dept}（依据：与相似主诉的字面相似度推测，把握不高）")


def rules(complaint) -> Result:
    """Steps 0–3a by the rules alone (red flags, gate, lexicon, cues, mapping).

    A text's result is remembered (the evaluations and both cross-validations read the same
    complaints again); treat it as read-only.
    """
    return _rules_of_text(complaint) if isinstance(complaint, str) else _rules(complaint)


@lru_cache(maxsize=16384)
def _rules_of_text(complaint: str) -> Result:
    return _rules(complaint)


def _rules(complaint) -> Result:
    norm, hits = "", []
    if isinstance(complaint, str) and complaint.strip():
        norm = normalize(complaint)
        hits = redflags.scan_normalized(norm)
        if redflags.present(hits):
            return _red_flag_result(complaint, norm, hits)
    problem = check_input(complaint)
    if problem:
        return Result(excerpt(complaint), "invalid", problem, red_flags=hits, normalized=norm, safety_net=SAFETY_NET)
    text = complaint.strip()
    tokens, matches = recognise(norm)
    for h in hits:   # negated red flags are shown as such
        matches.append(Match(h.name, h.word, "red_flag", EMERGENCY_DEPT, 0, h.start, True, f"红旗规则 {h.rule_id}"))
    matches.sort(key=lambda m: m.start)
    who = cues.patient(norm)
    for m in matches:   # a disease named as history (有高血压十几年了) is a weak clue for today's visit
        if m.kind == "disease" and cues.in_history(norm, m.start, m.start + len(m.word)):
            m.weight = 1
    cues.discount(norm, matches)   # what the words around a term say about it (speaker, simile, degree, time)
    present = [m for m in matches if not m.negated and m.kind != "red_flag"]
    found = intents(norm, matches)
    scores, first = _scores([m for m in present if m.kind != "site"])
    for dept, n in cues.combo_votes(norm).items():   # 眼干 + 口干, 面部红斑 + 关节痛 …: a pattern, not a word
        scores[dept] = scores.get(dept, 0) + 4 * n
        first.setdefault(dept, 0)
    if not scores:   # fallbacks, all low confidence: a body site named; a child; a pregnancy
        scores, first = _scores([m for m in present if m.kind == "site"])
    if not scores:
        scores = cues.organ_votes(norm)
        first = {d: 0 for d in scores}
    if not scores and (who.child or who.pregnant):
        scores, first = {("儿科" if who.child else "产科"): 1}, {("儿科" if who.child else "产科"): 0}
    common = dict(tokens=tokens, matches=matches, intents=found, red_flags=hits, normalized=norm, patient=who)
    if not scores:
        return Result(text, "unknown", "没有从主诉中识别出症状：请补充哪里不舒服、什么样的不适、持续多久；也可以先咨询全科医生。",
                      follow_ups=follow_up_questions(norm, matches, who), safety_net=SAFETY_NET, **common)
    symptoms = {d: sum(1 for m in present if m.department == d and m.kind == "symptom") for d in scores}
    low_evidence = not any(m.kind in ("symptom", "disease") for m in present)
    ranked = sorted(scores, key=lambda d: (-scores[d], -symptoms[d], first[d], DEPARTMENTS.index(d)))
    best = ranked[0]
    dept, why = special_mapping(norm, best, who)
    words = "、".join(dict.fromkeys(m.word for m in present if m.department == best)) or (
        "儿童" if who.child else "怀孕" if who.pregnant else "提到的身体部位或系统（把握很低）")
    low = low_evidence or scores[best] < LOW_CONFIDENCE or (len(ranked) > 1 and scores[ranked[1]] == scores[best])
    return Result(text, "ok", f"建议科室：{dept}（依据：{words}）", dept, scores=scores, mapping=why,
                  follow_ups=follow_up_questions(norm, matches, who), safety_net=SAFETY_NET if low else "", **common)


def answer(res: Result) -> str:
    """The answer a reader sees in one or two lines: the message plus the safety net if any."""
    return res.message + (f"\n{res.safety_net}" if res.safety_net else "")


# --- the authors' labelled complaints (kept: the chapter contrasts them with the eval set) ---

def load_cases() -> pd.DataFrame:
    """The authors' labelled complaints (``case_id, set, complaint, expected, note``)."""
    return pd.read_csv(CASES, dtype=str, keep_default_na=False)


def evaluate(cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each labelled complaint with the demo's answer and whether it matches the label."""
    cases = load_cases() if cases is None else cases
    got = [triage(c).label for c in cases.complaint]
    return cases.assign(predicted=got, correct=[g == e for g, e in zip(got, cases.expected)])


def accuracy(cases: pd.DataFrame | None = None) -> float:
    """Share of labelled complaints the demo answers as labelled."""
    return float(evaluate(cases).correct.mean())


def __getattr__(name):  # display helpers live in triage_show; keep ``triage.demo(...)`` working
    if name in {"demo", "explain_html", "explain_text", "examples_widget", "live_widget", "score_figure",
                "guideline_note", "guideline_note_html"}:
        from ihbook.chapters import triage_show

        return getattr(triage_show, name)
    raise AttributeError(name)
