"""A teaching triage demo that walks the pre-diagnosis flow iResearch (2020) draws.

**This is a teaching demonstration, not medical advice.** It shows, step by step, what an
online triage service does with a patient's free-text complaint (主诉) — the flow in the
iResearch report: patient information → medical information recognition (intent, disease,
symptom, symptom completion) → triage to a second-level department (with special mappings) →
matching a doctor → online consultation. Each step here is deliberately simple so a student
can read it in one sitting:

1. *患者信息采集* — :func:`check_input` refuses empty, huge, non-Chinese or markup input with a
   clear Chinese message (never a traceback).
2. *医疗信息识别* — jieba (the book's domain dictionary, plus every lexicon term) segments the
   complaint; symptoms and diseases are recognised from the book's own small, illustrative
   lexicon (``data/triage_lexicon.csv``); a negation just before a term (“没有发烧”) cancels
   it; simple keyword rules guess the intent; follow-up questions stand in for symptom completion.
3. *分诊到二级科室* — each recognised term votes for its department with its weight; a child
   or a pregnancy mentioned in the text maps internal-medicine departments to 儿科 / 产科.
   The matched words are the explanation.
4. Red flags (chest pain, breathing difficulty, stroke signs, heavy bleeding…) short-circuit
   everything: the answer is always “请立即线下就医或拨打 120”.

The lexicon and the labelled complaints (``data/triage_cases.csv``) were written by the
book's authors together, so the accuracy measured on them shows consistency, not how such a
system would fare with real patients.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from ihbook.evidence import text as ihtext
from ihbook.evidence.paths import DATA

LEXICON = DATA / "triage_lexicon.csv"
CASES = DATA / "triage_cases.csv"
MAX_CHARS = 300
EMERGENCY = "请立即线下就医或拨打 120"
EMERGENCY_DEPT = "急诊"
UNKNOWN = "未识别"
DISCLAIMER = "教学演示，不是医疗建议：本演示不能判断病情，身体不适请咨询医生。"
KINDS = {"symptom", "disease", "red_flag", "site"}
SENSE = re.compile(r"疼|痛|痒|肿|红|麻|酸|胀|晕|不舒服|难受|出血|流血|发炎|偏高|升高|高|发黄|流脓")
SITE_WINDOW = 8
DEPARTMENTS = ["急诊", "呼吸内科", "心血管内科", "消化内科", "神经内科", "内分泌科", "肾内科", "风湿免疫科",
               "精神心理科", "普通外科", "骨科", "泌尿外科", "肛肠科", "皮肤科", "眼科", "耳鼻喉科", "口腔科",
               "妇科", "产科", "儿科"]
INTERNAL = {"呼吸内科", "心血管内科", "消化内科", "神经内科", "内分泌科", "肾内科", "风湿免疫科"}
NEGATIONS = ("没有", "没", "无", "不", "未", "否认")
PUNCT = re.compile(r"[，,。.；;！!？?、\s]")
MARKUP = re.compile(r"<[^>]*>|&[#a-zA-Z0-9]+;|javascript:|\{\{|\}\}|\[\[|\]\(", re.I)
CJK = re.compile(r"[\u4e00-\u9fff]")
CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CHILD_WORDS = re.compile(r"孩子|宝宝|小孩|儿子|女儿|婴儿|幼儿|小朋友|新生儿|(?:\d+|[一二两三四五六七八九十]+)个?月大")
AGE = re.compile(r"(\d{1,3}|[一二两三四五六七八九十百]+)(?:周)?岁")
PREGNANT = re.compile(r"怀孕|孕妇|妊娠|孕期|怀了|孕\d+周|孕[一二三四五六七八九十]+周")
DURATION = re.compile(r"\d+|[一二两三四五六七八九十几半]+(?:天|周|个?星期|个?月|年|小时|分钟)|天|昨|今|前天|最近|一直|反复|老是|"
                      r"总是|经常|刚才|早上|晚上|这几|近来|长期|突然|又")
INTENTS = [
    ("挂号预约", re.compile(r"挂号|预约|挂个号|号源|挂哪个科|看哪个科|哪个科")),
    ("复诊开药", re.compile(r"复诊|开药|续方|配药|拿药")),
    ("用药咨询", re.compile(r"吃什么药|用什么药|用药|药量|剂量|副作用|能不能吃|能吃.{0,4}药")),
    ("报告解读", re.compile(r"报告|化验|检查结果|体检|单子|指标|CT|B超|彩超", re.I)),
    ("费用医保", re.compile(r"医保|报销|费用|多少钱|价格")),
]


class LexiconError(ValueError):
    """The lexicon file is malformed (reported with row and column, in Chinese)."""


@dataclass
class Match:
    """One recognised term in the complaint."""

    term: str        # the lexicon's canonical term
    word: str        # the words as written in the complaint
    kind: str        # symptom / disease / red_flag
    department: str
    weight: int
    start: int
    negated: bool
    method: str      # 分词 (a jieba token) or 子串 (substring fallback)


@dataclass
class Result:
    """What the demo concluded, with everything needed to explain it."""

    text: str
    status: str                      # ok / red_flag / unknown / invalid
    message: str
    department: str = ""
    tokens: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)
    scores: dict[str, int] = field(default_factory=dict)
    mapping: str = ""                # 特殊科室映射 that was applied, if any
    follow_ups: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The triage answer as one label, for evaluation: a department, 急诊, 未识别 or 无效输入."""
        return {"red_flag": EMERGENCY_DEPT, "unknown": UNKNOWN, "invalid": "无效输入"}.get(self.status, self.department)

    @property
    def present(self) -> list[Match]:
        return [m for m in self.matches if not m.negated]


# --- data ----------------------------------------------------------------------------------

def check_lexicon(path=LEXICON) -> list[str]:
    """Every problem in the lexicon, as Chinese messages naming row and column."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    errors = []
    seen: dict[str, int] = {}
    for i, r in enumerate(df.to_dict("records"), start=2):
        if r["kind"] not in KINDS:
            errors.append(f"{path.name} 第 {i} 行，列 kind：“{r['kind']}”应为 {sorted(KINDS)} 之一")
        if r["department"] not in DEPARTMENTS:
            errors.append(f"{path.name} 第 {i} 行，列 department：“{r['department']}”不在科室表中")
        if r["kind"] == "red_flag" and r["department"] != EMERGENCY_DEPT:
            errors.append(f"{path.name} 第 {i} 行：红旗症状归急诊")
        if r["department"] == EMERGENCY_DEPT and r["kind"] not in ("red_flag", "site"):
            errors.append(f"{path.name} 第 {i} 行：只有红旗症状（或红旗部位）归急诊")
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
            rows.append({"word": word, "term": r["term"], "kind": r["kind"], "department": r["department"],
                         "weight": int(r["weight"]), "follow_up": r["follow_up"]})
    out = pd.DataFrame(rows)
    return out.assign(n=out.word.str.len()).sort_values(["n", "word"], ascending=[False, True]).drop(columns="n")


@lru_cache(maxsize=None)
def _tokenizer():
    """A jieba tokenizer with the book's domain dictionary and every lexicon word added.

    Its own instance, so adding the lexicon does not change how other chapters segment text.
    """
    tk = ihtext.new_tokenizer()  # quiet; a copy of the main dictionary, not a second cache load
    if ihtext.USERDICT.exists():
        tk.load_userdict(str(ihtext.USERDICT))
    for word in lexicon().word:
        tk.add_word(word, freq=50000)
    return tk


def load_cases() -> pd.DataFrame:
    """The labelled complaints (``case_id, complaint, expected, note``)."""
    return pd.read_csv(CASES, dtype=str, keep_default_na=False)


# --- the steps -----------------------------------------------------------------------------

def check_input(complaint) -> str | None:
    """Step 1 (患者信息采集): ``None`` if the complaint can be processed, else the reason."""
    if not isinstance(complaint, str):
        return "请输入一段文字形式的主诉（例如：“咳嗽三天，有黄痰”）。"
    s = complaint.strip()
    if not s:
        return "主诉是空的：请用一两句话描述哪里不舒服、持续多久（例如：“咳嗽三天，有黄痰”）。"
    if len(s) > MAX_CHARS:
        return f"主诉过长（{len(s)} 字）：请用一两句话描述最主要的不适，不超过 {MAX_CHARS} 字。"
    if MARKUP.search(s):
        return "输入中含有网页标记或代码（如 <script>）：本演示只接受纯文字的症状描述。"
    letters = [ch for ch in s if not PUNCT.match(ch) and not ch.isdigit()]
    cjk = sum(1 for ch in letters if CJK.match(ch))
    if cjk == 0 or cjk < 0.3 * len(letters):
        return "本演示只识别中文主诉：请用中文描述症状（例如：“头痛两天”）。"
    return None


def _negated(text: str, start: int) -> bool:
    window = text[max(0, start - 4):start]
    window = PUNCT.split(window)[-1]
    return any(n in window for n in NEGATIONS)


def recognise(text: str) -> tuple[list[str], list[Match]]:
    """Step 2 (医疗信息识别): jieba tokens, and the lexicon terms found in the complaint.

    A term counts when it is a jieba token; otherwise, when it appears as a substring not already
    covered by a recognised term (jieba may cut differently). Longer words win overlaps.
    """
    tk = _tokenizer()
    lex = lexicon().set_index("word")
    tokens, matches, taken, sites = [], [], [], []
    for word, start, end in tk.tokenize(text):
        if not word.strip():
            continue
        tokens.append(word)
        if word in lex.index and lex.loc[word, "kind"] == "site":
            sites.append((word, start, end))
        elif word in lex.index:
            r = lex.loc[word]
            matches.append(Match(r.term, word, r.kind, r.department, int(r.weight), start,
                                 _negated(text, start), "分词"))
            taken.append((start, end))
    for r in lexicon().itertuples():
        if len(r.word) < 2 or r.kind == "site":
            continue
        pos = text.find(r.word)
        while pos >= 0:
            end = pos + len(r.word)
            if not any(pos < b and a < end for a, b in taken):
                matches.append(Match(r.term, r.word, r.kind, r.department, r.weight, pos,
                                     _negated(text, pos), "子串"))
                taken.append((pos, end))
            pos = text.find(r.word, end)
    matches = _site_matches(text, sites, matches, lex)
    matches.sort(key=lambda m: m.start)
    return tokens, matches


def _site_matches(text: str, sites, matches: list[Match], lex: pd.DataFrame) -> list[Match]:
    """A body site followed within a few characters by a sensation word (“膝盖……疼”, “血压一直偏高”).

    Skipped when a longer lexicon word already explains the sensation (e.g. 红疹); single-character
    matches inside the span (a lone 痒 after 眼睛) give way to the site, which says where it is.
    """
    for word, start, end in sites:
        if any(m.start <= start < m.start + len(m.word) for m in matches):
            continue
        seg = PUNCT.split(text[end:end + SITE_WINDOW + 3])[0]
        hits = [h for h in SENSE.finditer(seg) if h.start() <= SITE_WINDOW]
        if not hits:
            continue
        # the first sensation that is not negated (“肚子不疼但是胀”), else the first one
        neg = [any(n in seg[(hits[i - 1].end() if i else 0):h.start()] for n in NEGATIONS) for i, h in enumerate(hits)]
        pick = next((i for i, x in enumerate(neg) if not x), 0)
        hit = hits[pick]
        s0, s1 = end + hit.start(), end + hit.end()
        inside = [m for m in matches if s0 <= m.start < s1 or m.start <= s0 < m.start + len(m.word)]
        if any(len(m.word) > 1 for m in inside):
            continue
        matches = [m for m in matches if m not in inside
                   and not (start <= m.start < end + len(seg) and len(m.word) == 1)]
        r = lex.loc[word]
        negated = neg[pick] or _negated(text, start)
        kind = "red_flag" if r.department == EMERGENCY_DEPT else "symptom"
        matches.append(Match(f"{r.term}{hit.group()}", text[start:s1], kind, r.department, int(r.weight), start,
                             negated, "部位+感觉"))
    return matches


def intents(text: str, matches: list[Match]) -> list[str]:
    """Step 2a (意图识别): what the user seems to want, by simple keyword rules."""
    found = []
    if any(m.kind == "red_flag" and not m.negated for m in matches):
        found.append("急症")
    if any(m.kind in ("symptom", "red_flag") and not m.negated for m in matches):
        found.append("症状问诊")
    if any(m.kind == "disease" and not m.negated for m in matches):
        found.append("疾病咨询")
    found += [name for name, pat in INTENTS if pat.search(text)]
    return found or ["未识别"]


def cn_number(s: str) -> int | None:
    """A small Chinese numeral (up to 百) as an int: 五 → 5, 十三 → 13, 三十五 → 35, 一百零二 → 102."""
    if s.isdigit():
        return int(s)
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


def _age(text: str) -> int | None:
    m = AGE.search(text)
    return cn_number(m.group(1)) if m else None


def special_mapping(text: str, department: str) -> tuple[str, str]:
    """Step 3a (特殊科室映射): a child or a pregnancy in the text redirects internal medicine."""
    age = _age(text)
    child = bool(CHILD_WORDS.search(text)) or (age is not None and age < 14)
    if child and department in INTERNAL | {"精神心理科"}:
        return "儿科", f"提到儿童（{'年龄 ' + str(age) + ' 岁' if age is not None and age < 14 else '儿童用语'}），内科问题映射到儿科"
    if PREGNANT.search(text) and department in INTERNAL | {"妇科"}:
        return "产科", "提到怀孕，映射到产科"
    return department, ""


def follow_up_questions(text: str, matches: list[Match]) -> list[str]:
    """Step 2b (症状补充): what a triage service would ask next."""
    by_word = lexicon().set_index("word")
    qs = []
    for m in matches:
        if m.negated or m.kind == "red_flag":
            continue
        key = m.word if m.word in by_word.index else m.word[: next(
            (n for n in range(len(m.word), 0, -1) if m.word[:n] in by_word.index), 0)]
        q = by_word.loc[key, "follow_up"] if key in by_word.index else ""
        if q and q not in qs:
            qs.append(q)
    if not DURATION.search(text):
        qs.append("这种情况持续多久了？")
    if _age(text) is None and not CHILD_WORDS.search(text):
        qs.append("为便于分诊，请补充年龄和性别。")
    return qs[:3]


def triage(complaint) -> Result:
    """Run every step on one complaint and return a :class:`Result` (never raises on bad input)."""
    problem = check_input(complaint)
    if problem:
        return Result(text=complaint if isinstance(complaint, str) else repr(complaint), status="invalid",
                      message=problem)
    text = complaint.strip()
    tokens, matches = recognise(text)
    present = [m for m in matches if not m.negated]
    found = intents(text, matches)
    if any(m.kind == "red_flag" for m in present):
        return Result(text, "red_flag", EMERGENCY, EMERGENCY_DEPT, tokens, matches, found,
                      {EMERGENCY_DEPT: sum(m.weight for m in present if m.kind == "red_flag")})
    scores: dict[str, int] = {}
    first: dict[str, int] = {}
    for m in present:
        scores[m.department] = scores.get(m.department, 0) + m.weight
        first.setdefault(m.department, m.start)
    if not scores:
        return Result(text, "unknown",
                      "没有从主诉中识别出症状：请补充哪里不舒服、什么样的不适、持续多久；也可以先咨询全科医生。",
                      "", tokens, matches, found, {}, "", follow_up_questions(text, matches))
    best = sorted(scores, key=lambda d: (-scores[d], first[d], DEPARTMENTS.index(d)))[0]
    dept, why = special_mapping(text, best)
    words = "、".join(dict.fromkeys(m.word for m in present if m.department == best))
    msg = f"建议科室：{dept}（依据：{words}）"
    return Result(text, "ok", msg, dept, tokens, matches, found, scores, why, follow_up_questions(text, matches))


def evaluate(cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each labelled complaint with the demo's answer and whether it matches the label."""
    cases = load_cases() if cases is None else cases
    got = [triage(c).label for c in cases.complaint]
    return cases.assign(predicted=got, correct=[g == e for g, e in zip(got, cases.expected)])


def accuracy(cases: pd.DataFrame | None = None) -> float:
    """Share of labelled complaints the demo answers as labelled."""
    return float(evaluate(cases).correct.mean())


# --- showing it ----------------------------------------------------------------------------

def _esc(s: str) -> str:
    return html.escape(str(s))


def explain_html(res: Result) -> str:
    """The walk through the five steps of the flow, as escaped HTML."""
    head = f'<div class="ihbook-triage"><p class="ihbook-triage-disclaimer"><b>⚠ {_esc(DISCLAIMER)}</b></p>'
    shown = res.text if len(res.text) <= 60 else res.text[:60] + "…"
    if res.status == "invalid":
        return (head + f"<p><b>① 患者信息采集</b>：收到“{_esc(shown)}”。</p>"
                f'<p class="ihbook-msg ihbook-msg-warning" role="status">{_esc(res.message)}</p></div>')
    present = res.present
    negated = [m for m in res.matches if m.negated]
    def words(kind):
        ws = [f"{_esc(m.word)}→{_esc(m.term)}" for m in present if m.kind == kind]
        return "、".join(ws) if ws else "（无）"
    steps = [
        f"<p><b>① 患者信息采集</b>：主诉“{_esc(res.text)}”。分词：{_esc(' / '.join(res.tokens))}</p>",
        "<p><b>② 医疗信息识别</b></p><ul>"
        f"<li>意图：{_esc('、'.join(res.intents))}</li>"
        f"<li>疾病：{words('disease')}</li>"
        f"<li>症状：{words('symptom')}</li>"
        f"<li>红旗症状：{words('red_flag')}</li>"
        + (f"<li>被否定、不计入：{'、'.join(_esc(m.word) for m in negated)}</li>" if negated else "")
        + (f"<li>症状补充（追问）：{_esc(' '.join(res.follow_ups))}</li>" if res.follow_ups else "")
        + "</ul>",
    ]
    if res.status == "red_flag":
        steps.append(f'<p class="ihbook-triage-emergency"><b>⛔ {_esc(EMERGENCY)}</b>（识别到红旗症状：'
                     f"{'、'.join(_esc(m.word) for m in present if m.kind == 'red_flag')}）。线上分诊到此为止。</p>")
    elif res.status == "unknown":
        steps.append(f"<p><b>③ 分诊到二级科室</b>：{_esc(res.message)}</p>")
    else:
        score_txt = "；".join(f"{_esc(d)} {s} 分" for d, s in sorted(res.scores.items(), key=lambda kv: -kv[1]))
        steps.append(f"<p><b>③ 分诊到二级科室</b>：<b>{_esc(res.department)}</b>。得分：{score_txt}。"
                     + (f"特殊科室映射：{_esc(res.mapping)}。" if res.mapping else "")
                     + f"依据：{_esc(res.message.split('依据：')[-1].rstrip('）'))}</p>")
        steps.append("<p><b>④ 匹配擅长医生</b>：真实平台会在该科室里按擅长疾病、职称和排班匹配医生；"
                     "本演示没有医生数据，这一步只作示意。</p>")
        steps.append("<p><b>⑤ 线上问诊</b>：由医生接诊并做出诊断——诊断是诊前与诊后的分界线，本演示不做诊断。</p>")
    return head + "".join(steps) + "</div>"


def explain_text(res: Result) -> str:
    """The same walk as plain text (what nbval compares and a terminal shows)."""
    lines = [f"【{DISCLAIMER}】", f"主诉：{res.text}"]
    if res.status == "invalid":
        return "\n".join(lines + [res.message])
    lines.append("分词：" + " / ".join(res.tokens))
    lines.append("意图：" + "、".join(res.intents))
    lines.append("识别：" + ("、".join(f"{m.word}→{m.term}（{m.department}）" for m in res.present) or "（无）"))
    neg = [m.word for m in res.matches if m.negated]
    if neg:
        lines.append("被否定：" + "、".join(neg))
    if res.follow_ups:
        lines.append("追问：" + " ".join(res.follow_ups))
    if res.mapping:
        lines.append("特殊科室映射：" + res.mapping)
    lines.append("结论：" + res.message)
    return "\n".join(lines)


def demo(complaint) -> None:
    """Show the walk-through for one complaint (escaped; bad input gets a message, not an error)."""
    from IPython.display import display

    res = triage(complaint)
    display({"text/html": explain_html(res), "text/plain": explain_text(res)}, raw=True)


def score_figure(res: Result, title: str):
    """Department scores for one complaint (the book's demo computation, not source data)."""
    from ihbook.show import charts

    n = max(len(res.scores), 1)
    fig, ax = charts.figure(title, "得分（分）", "", size=(6.4, 1.3 + 0.45 * n))
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    if res.scores:
        items = sorted(res.scores.items(), key=lambda kv: (kv[1], -DEPARTMENTS.index(kv[0])))
        colors = ["#d1495b" if d == EMERGENCY_DEPT else ("#1f5aa6" if d == res.department or (
            res.mapping and d == max(res.scores, key=res.scores.get)) else "#9db4d3") for d, _ in items]
        ax.barh([d for d, _ in items], [s for _, s in items], color=colors)
        for i, (_, s) in enumerate(items):
            ax.annotate(f"{s}", (s, i), xytext=(3, -3), textcoords="offset points", fontsize=9)
        ax.set_xlim(0, max(res.scores.values()) * 1.25)
    else:
        ax.set_yticks([])
        ax.text(0.5, 0.5, "没有可计算的科室得分", transform=ax.transAxes, ha="center", va="center", color="#555")
    return fig


def examples_widget(complaints: list[tuple[str, str]], default: int = 0):
    """Worked examples as a kernel-free selector: each view shows the walk-through and the scores."""
    import ipywidgets as ipw

    from ihbook.show import charts
    from ihbook.show import widgets

    widgets.deterministic_ids("ch03-triage-examples")
    panels = []
    for label, complaint in complaints:
        res = triage(complaint)
        fig = score_figure(res, f"科室得分：{label}（教学演示）")
        alt = explain_text(res).replace("\n", "；")
        panels.append(ipw.VBox([ipw.HTML(value=explain_html(res)), widgets.state_panel(charts.to_png(fig), alt)]))
    return widgets.selector([c[0] for c in complaints], panels, "例子：", default=default)


def live_widget():
    """A text box and a button: type a complaint and see the walk-through (needs a kernel)."""
    import ipywidgets as ipw

    from ihbook.show import widgets

    widgets.deterministic_ids("ch03-triage-live")
    box = ipw.Textarea(value="", placeholder="在这里输入主诉，例如：咳嗽三天，有黄痰，没有发烧",
                       layout=ipw.Layout(width="100%", height="4em"))
    button = ipw.Button(description="分诊（教学演示）")
    out = ipw.HTML(value=f'<p class="ihbook-msg">{_esc(DISCLAIMER)} 输入主诉后点击按钮。</p>')

    def run(_=None):
        out.value = explain_html(triage(box.value))

    button.on_click(run)
    ui = ipw.VBox([box, button, out])
    ui.add_class("ihbook-widget")
    return ui


def accuracy_table(cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Accuracy per case set, plus how many red-flag complaints were missed (the dangerous error)."""
    ev = evaluate(cases)
    rows = []
    for name, grp in ev.groupby("set", sort=False):
        flags = grp[grp.expected == EMERGENCY_DEPT]
        rows.append({"例句集": name, "条数": len(grp), "答对": int(grp.correct.sum()),
                     "准确率": f"{grp.correct.mean():.1%}", "红旗例句": len(flags),
                     "漏掉的红旗": int((~flags.correct).sum())})
    return pd.DataFrame(rows).set_index("例句集")


def glue_accuracy() -> None:
    """Glue the demo's measured accuracy for chapter 3's prose (the book's own measurement)."""
    from IPython.display import Markdown
    from myst_nb import glue

    ev = evaluate()
    for key, name in (("authors", "作者例句"), ("challenge", "改写挑战")):
        grp = ev[ev.set == name]
        glue(f"ch03-acc-{key}", Markdown(f"{grp.correct.mean():.1%}（{int(grp.correct.sum())}/{len(grp)}，本书测量）"),
             display=False)
        flags = grp[grp.expected == EMERGENCY_DEPT]
        glue(f"ch03-missed-{key}", Markdown(f"{int((~flags.correct).sum())}/{len(flags)}"), display=False)
