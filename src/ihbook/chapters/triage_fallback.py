"""An experiment, not part of the engine: a statistical routing fallback for the triage demo.

**Status: tried once and not kept.** :func:`ihbook.chapters.triage.triage` does not call this
module; chapter 3 reports the experiment (:func:`cv_summary`) as a lesson about memorising
wordings. The question was whether a small statistical model could route the paraphrases the
rules miss (the rules, tuned on the development split, match its wordings; on the untouched
test split paraphrase accuracy was 68.4 %, 13/19, below the 70 % target).

The model: **multinomial naive Bayes over character n-grams (1–3)**, plain Python,
deterministic (sorted classes, ties broken by name), no new dependency, no new data file.
The design it was tested in (:func:`combine`): red flags stay rules-only and run first, so the
fallback can never suppress one; it is consulted only when the rules found no department
(未识别) — or, in a variant, only a low-confidence one; it never answers 急诊 (not a class in
its training data, and :func:`route` refuses it anyway); its answer would carry the safety net.

Training data (built once, cached by :func:`model`):

1. ``data/triage_eval.csv`` rows with ``split == "dev"`` and kind ``ordinary`` or
   ``paraphrase`` (their ``expected_department``) — never a ``test`` row;
2. ``data/triage_dev_extra.csv`` rows of kind ``ordinary``/``paraphrase`` (all are dev);
3. ``data/triage_lexicon.csv``: each row's term and synonyms as one pseudo-document of its
   department (symptoms, diseases and body sites).

Settings were chosen on development rows only: 5-fold cross-validation (:func:`cross_validate`,
the fallback trained without the held-out fold) and a held-out check of the rules as they were
before they were tuned on ``triage_dev_extra.csv`` (commit 6391437: rules alone 66.7 % on its 120
rows; rules + fallback on 未识别 only, trained without those rows, 68.3 %; overriding
low-confidence answers did not help). Chosen: consult it only on 未识别, ``MIN_PROB = 0.6``,
``MIN_EVIDENCE = 2``. The single evaluation on the test split with that setting (overall
metrics only) left paraphrase accuracy unchanged at 68.4 % (13/19) — red-flag recall 96.3 %,
false alarms 1.2 %, ordinary 97.0 % as before — and lowered bad-input handling from 100 % to
94.4 % (17/18), so the engine was reverted to the rules alone.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ihbook.chapters.triage_normalize import normalize

NGRAMS = (1, 3)          # character n-gram lengths used
ALPHA = 0.1              # additive (Laplace/Lidstone) smoothing
MIN_EVIDENCE = 2         # at least this many known n-grams of length >= 2 in the complaint
MIN_PROB = 0.6           # the best department's posterior share must reach this
LEXICON_WEIGHT = 1.0     # weight of a lexicon pseudo-document relative to one complaint
FOLDS = 5
ON = ("unknown",)        # consult the fallback only when the rules found no department
NOT_A_CLASS = "急诊"     # red flags are rules-only
SPLIT = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffa-z]+")


@dataclass(frozen=True)
class Model:
    """Counts of a trained multinomial naive Bayes model."""

    classes: tuple[str, ...]
    counts: dict            # class -> Counter of n-grams
    totals: dict            # class -> total n-gram count
    vocab: frozenset
    alpha: float = ALPHA


@dataclass(frozen=True)
class Routing:
    """What the fallback concluded for one complaint."""

    department: str          # "" when the gate refuses to answer
    prob: float              # posterior share of the best department
    evidence: int            # known n-grams of length >= 2 in the complaint
    runner_up: str = ""


def ngrams(text: str, sizes=NGRAMS) -> list[str]:
    """Character n-grams of the normalized text, within runs of Chinese or Latin letters."""
    out = []
    lo, hi = sizes
    for run in SPLIT.split(normalize(text).lower()):
        for n in range(lo, hi + 1):
            out += [run[i:i + n] for i in range(len(run) - n + 1)]
    return out


def training_rows(exclude: set[str] = frozenset()) -> pd.DataFrame:
    """The labelled development complaints the fallback learns from (``case_id, text, department``).

    Only ``split == "dev"`` rows of kind ordinary/paraphrase; ``exclude`` drops case ids (a
    cross-validation fold).
    """
    from ihbook.chapters import triage_eval as te

    dev = te.load("dev")
    dev = dev[(dev.split == "dev") & dev.kind.isin(["ordinary", "paraphrase"]) & ~dev.case_id.isin(exclude)]
    dev = dev[dev.expected_department != NOT_A_CLASS]
    return pd.DataFrame({"case_id": dev.case_id, "text": dev.complaint, "department": dev.expected_department})


def lexicon_documents() -> pd.DataFrame:
    """One pseudo-document per lexicon row: its term and synonyms, separated so n-grams stay inside words."""
    from ihbook.chapters.triage_lexicon import LEXICON

    lex = pd.read_csv(LEXICON, dtype=str, keep_default_na=False)
    lex = lex[lex.department != NOT_A_CLASS]
    text = lex.term + "，" + lex.synonyms.str.replace("|", "，", regex=False)
    return pd.DataFrame({"case_id": "LEX:" + lex.term, "text": text, "department": lex.department})


def train(docs: pd.DataFrame, alpha: float = ALPHA, sizes=NGRAMS, lexicon_weight: float = LEXICON_WEIGHT) -> Model:
    """Count n-grams per department (deterministic: no sampling, sorted classes)."""
    counts: dict[str, Counter] = {}
    for case_id, text, dept in zip(docs.case_id, docs.text, docs.department):
        w = lexicon_weight if str(case_id).startswith("LEX:") else 1.0
        c = counts.setdefault(dept, Counter())
        for g in ngrams(text, sizes):
            c[g] += w
    classes = tuple(sorted(counts))
    vocab = frozenset(g for c in counts.values() for g in c)
    return Model(classes, counts, {k: sum(v.values()) for k, v in counts.items()}, vocab, alpha)


def build(exclude: set[str] = frozenset(), **settings) -> Model:
    """Train on the development rows (minus ``exclude``) and the lexicon's pseudo-documents."""
    docs = pd.concat([training_rows(exclude), lexicon_documents()], ignore_index=True)
    return train(docs, **settings)


@lru_cache(maxsize=1)
def model() -> Model:
    """The fallback trained on all development rows and the lexicon (built once per process)."""
    return build()


def posterior(text: str, m: Model | None = None, sizes=NGRAMS) -> tuple[dict[str, float], int]:
    """Posterior share per department (uniform prior; unknown n-grams ignored) and the evidence count."""
    m = m or model()
    grams = [g for g in ngrams(text, sizes) if g in m.vocab]
    evidence = len({g for g in grams if len(g) >= 2})
    v = len(m.vocab)
    logp = {}
    for c in m.classes:
        denom = math.log(m.totals[c] + m.alpha * v)
        cnt = m.counts[c]
        logp[c] = sum(math.log(cnt.get(g, 0.0) + m.alpha) - denom for g in grams)
    top = max(logp.values()) if logp else 0.0
    z = sum(math.exp(x - top) for x in logp.values()) or 1.0
    return {c: math.exp(x - top) / z for c, x in logp.items()}, evidence


def route(text: str, m: Model | None = None, min_prob: float = MIN_PROB, min_evidence: int = MIN_EVIDENCE) -> Routing:
    """The fallback's department for ``text``, or ``""`` if its evidence or confidence is too thin.

    Never 急诊. Ties are broken by department name, so the answer is deterministic.
    """
    post, evidence = posterior(text, m)
    ranked = sorted((c for c in post if c != NOT_A_CLASS), key=lambda c: (-post[c], c))
    if not ranked:
        return Routing("", 0.0, evidence)
    best, second = ranked[0], (ranked[1] if len(ranked) > 1 else "")
    ok = evidence >= min_evidence and post[best] >= min_prob
    return Routing(best if ok else "", round(post[best], 6), evidence, second)


def combine(res, m: Model | None = None, on=ON, min_prob: float = MIN_PROB, min_evidence: int = MIN_EVIDENCE) -> str:
    """The label rules + fallback would give, from the rules' :class:`~ihbook.chapters.triage.Result`.

    A red flag or an invalid input is returned unchanged (the fallback never runs there); the
    fallback is consulted only for 未识别 (``"unknown"`` in ``on``) or a low-confidence department
    (``"low"`` in ``on``: the rules added the safety net), and never answers 急诊.
    """
    from ihbook.chapters import triage as tr

    low = res.status == "ok" and bool(res.safety_net)
    if not ((res.status == "unknown" and "unknown" in on) or (low and "low" in on)):
        return res.label
    got = route(res.normalized, m, min_prob=min_prob, min_evidence=min_evidence).department
    if not got or got == NOT_A_CLASS:
        return res.label
    return tr.special_mapping(res.normalized, got, res.patient)[0]


# --- cross-validation on the development rows (never the test split) ----------------------------

def folds(k: int = FOLDS) -> dict[str, int]:
    """Deterministic fold of every development department row: position in case-id order, modulo k."""
    ids = sorted(training_rows().case_id)
    return {cid: i % k for i, cid in enumerate(ids)}


def cross_validate(k: int = FOLDS, min_prob: float = MIN_PROB, min_evidence: int = MIN_EVIDENCE,
                   on=ON, **settings) -> pd.DataFrame:
    """Each development department row, answered by rules alone and by rules + fallback trained without its fold.

    Columns: ``case_id, kind, expected, rules, fallback, combined, fired``. The rule layer was
    itself tuned on these rows, so ``rules`` is an in-sample figure; ``fallback`` (the model
    alone) and ``fired`` rows are held out.
    """
    from ihbook.chapters import triage as tr
    from ihbook.chapters import triage_eval as te

    dev = te.load("dev")
    dev = dev[(dev.split == "dev") & dev.kind.isin(["ordinary", "paraphrase", "bad_input"])]
    fold_of = folds(k)
    rows = []
    for i in range(k):
        held = {cid for cid, f in fold_of.items() if f == i}
        m = build(exclude=held, **settings)
        part = dev[dev.case_id.isin(held) | ((dev.kind == "bad_input") & (i == 0))]
        for r in part.itertuples():
            rules = tr.triage(r.complaint)
            combined = combine(rules, m, on=on, min_prob=min_prob, min_evidence=min_evidence)
            alone = route(r.complaint, m, min_prob=0.0, min_evidence=0).department
            rows.append({"case_id": r.case_id, "kind": r.kind, "expected": r.expected_department,
                         "rules": rules.label, "fallback": alone or tr.UNKNOWN, "combined": combined,
                         "fired": combined != rules.label})
    return pd.DataFrame(rows)


def cv_summary(cv: pd.DataFrame | None = None) -> pd.DataFrame:
    """Accuracy by kind for rules alone, the fallback alone and rules + fallback (held-out dev rows)."""
    cv = cross_validate() if cv is None else cv   # ~7 s: five models, 177 complaints
    dept = cv[cv.kind != "bad_input"]
    ok_bad = lambda s: s.isin(["未识别", "无效输入"]).mean()  # noqa: E731
    out = {}
    for col, name in [("rules", "仅规则（规则在这些行上调过，非留出）"), ("fallback", "仅统计模型（留出）"),
                      ("combined", "规则 + 统计兜底（兜底留出）")]:
        out[name] = {kind: (dept[dept.kind == kind][col] == dept[dept.kind == kind].expected).mean()
                     for kind in ("ordinary", "paraphrase")}
        out[name]["bad_input"] = ok_bad(cv[cv.kind == "bad_input"][col])
    return pd.DataFrame(out).T.rename(columns={"ordinary": "普通主诉", "paraphrase": "换说法", "bad_input": "无效输入处理"})
