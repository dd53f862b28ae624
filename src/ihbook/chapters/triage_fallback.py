"""A statistical routing fallback for the triage demo, trained on complaints this book did not tune on.

Why it exists: the rules (lexicon, cues, combinations) were tuned on the development split and
learned its *wordings*; on paraphrases they had not seen they stayed below the 70 % target.
This module learns from a **training corpus written for it** by six helpers who never saw the
engine, the lexicon or any evaluation row (``data/triage_train.csv``: five writers with
different voices, 30 complaints per department each, and one writer's 200 messages that are not
a complaint at all, class :data:`NONE`), together with the development rows and the lexicon.

The model (:mod:`triage_nb`) is **multinomial naive Bayes over character n-grams (1–3)**,
deterministic, no new dependency. Its place in the engine (:func:`ihbook.chapters.triage.triage`)
is fixed:

* red flags run first (rules, then the second net of :mod:`triage_alarm`); the fallback can
  never suppress one, never answers 急诊 (not a class);
* 儿科 and 产科 are not classes either (:data:`BY_PATIENT`): the rules decide them from age and
  pregnancy, and the fallback leaves those answers alone — otherwise it learns 儿子 → 儿科;
* it answers nothing when its best class is :data:`NONE`, when its evidence is thin or its share
  is below the threshold for what the rules concluded (:data:`ON`); it never reads negated terms
  (:func:`triage.unnegated`); every answer it gives carries the safety net and says it is a guess.

Settings were chosen by **cross-writer validation** (:func:`cross_writer`): train without one
writer's file, answer that writer's complaints with rules + fallback. Neither the rules nor the
model has seen the held-out writer. What was compared (at selection time, before the red-flag rework; department accuracy over the five
writers; rules alone 55.5 %): consulting only on 未识别 (+0.5 pt), also on low-confidence answers
(about +11 pts), also overruling confident answers at a high share (about +3 more); tempering the
shares by sqrt(#n-grams), which made the thresholds mean something (+1 pt); n-grams 1–2 vs 1–3 and
smoothing 0.02–1.0 (1–3 with 0.05 best); dropping 儿科/产科 as classes cost 0.4 pt and was kept
for the reason above. Chosen: ``ON = {unknown: 0.7, low: 0.5, ok: 0.7}`` → 78.1 %, non-complaints
still answered 未识别 90.0 % (rules alone 91.0 %). The evaluation files (test split, holdouts) are
never read here, except to drop a training row that repeats one of their sentences.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ihbook.chapters import triage_nb as nb
from ihbook.chapters.triage_nb import ALPHA, LEXICON_WEIGHT, NGRAMS, TEMPER, Model, ngrams, train  # noqa: F401
from ihbook.chapters.triage_normalize import normalize
from ihbook.evidence.paths import DATA

NONE = "无主诉"          # the class of messages that describe no complaint
MIN_EVIDENCE = 2         # at least this many known n-grams of length >= 2 in the complaint
MIN_PROB = 0.6           # default: the best department's posterior share must reach this
# When the fallback is consulted, by what the rules concluded, and the posterior share it needs there:
# the rules found nothing (unknown), only a low-confidence department (low), a confident one (ok).
ON = {"unknown": 0.7, "low": 0.5, "ok": 0.7}
NOT_A_CLASS = "急诊"     # red flags are rules-only
BY_PATIENT = ("儿科", "产科")   # decided by who the patient is (age, pregnancy), not by words: the rules' mapping does it


@dataclass(frozen=True)
class Routing:
    """What the fallback concluded for one complaint."""

    department: str          # "" when it declines to answer
    prob: float              # posterior share of the best class
    evidence: int            # known n-grams of length >= 2 in the complaint
    best: str = ""           # the best class even when declined (may be NONE)
    runner_up: str = ""


# --- training data ------------------------------------------------------------------------------

TRAIN = DATA / "triage_train.csv"
CROSS_WRITER = DATA / "triage_cross_writer.csv"   # cross_writer()'s result, written by python -m ihbook.generate triage


@lru_cache(maxsize=1)
def _corpus() -> pd.DataFrame:
    from ihbook.evidence import tables

    df = tables.load_table("triage_train")
    return pd.DataFrame({"case_id": df.row_id, "text": df.complaint, "department": df.department,
                         "writer": df.writer, "style": df["style"]})


def corpus(writers=None) -> pd.DataFrame:
    """The training corpus (``case_id, text, department, writer, style``), optionally some writers only."""
    df = _corpus()
    return df if writers is None else df[df.writer.isin(list(writers))].reset_index(drop=True)


def dev_rows(exclude: set[str] = frozenset()) -> pd.DataFrame:
    """Development rows with a department (ordinary, paraphrase) — never a ``test`` row."""
    from ihbook.chapters import triage_eval as te

    dev = te.load("dev")
    dev = dev[(dev.split == "dev") & dev.kind.isin(["ordinary", "paraphrase"]) & ~dev.case_id.isin(exclude)]
    dev = dev[dev.expected_department != NOT_A_CLASS]
    return pd.DataFrame({"case_id": dev.case_id, "text": dev.complaint, "department": dev.expected_department,
                         "writer": "dev"})


def lexicon_documents() -> pd.DataFrame:
    """One pseudo-document per lexicon row: its term and synonyms, separated so n-grams stay inside words."""
    from ihbook.chapters.triage_lexicon import LEXICON

    lex = pd.read_csv(LEXICON, dtype=str, keep_default_na=False)
    lex = lex[lex.department != NOT_A_CLASS]
    text = lex.term + "，" + lex.synonyms.str.replace("|", "，", regex=False)
    return pd.DataFrame({"case_id": "LEX:" + lex.term, "text": text, "department": lex.department,
                         "writer": "lexicon"})


def training_rows(without_writers=(), exclude: set[str] = frozenset(), by_patient: bool = True) -> pd.DataFrame:
    """Everything the fallback learns from, minus some writers' files and some case ids."""
    parts = [corpus(), dev_rows(exclude), lexicon_documents()]
    docs = pd.concat(parts, ignore_index=True)
    from ihbook.chapters import triage_eval as te

    docs = docs[~docs.writer.isin(list(without_writers)) & ~docs.case_id.isin(exclude)]
    docs = docs[~docs.text.map(normalize).isin(te.sealed_texts())]   # never train on an evaluation sentence
    return docs[(docs.department != NOT_A_CLASS) & ~docs.department.isin(BY_PATIENT if by_patient else [])
                ].reset_index(drop=True)


def build(without_writers=(), exclude: set[str] = frozenset(), by_patient: bool = True, **settings) -> Model:
    """Train on the corpus, the development rows and the lexicon (minus what is held out)."""
    return train(training_rows(without_writers, exclude, by_patient), **settings)


@lru_cache(maxsize=1)
def model() -> Model:
    """The fallback trained on everything it may learn from (built once per process)."""
    return build()


# --- answering ----------------------------------------------------------------------------------

def posterior(text: str, m: Model | None = None, **kw) -> tuple[dict[str, float], int]:
    """Share per class (see :func:`triage_nb.posterior`) under the fallback model or ``m``."""
    return nb.posterior(text, m or model(), **kw)


def route(text: str, m: Model | None = None, min_prob: float = MIN_PROB, min_evidence: int = MIN_EVIDENCE) -> Routing:
    """The fallback's department for ``text``, or ``""`` if it is not a complaint or the evidence is thin.

    Never 急诊. Ties are broken by class name, so the answer is deterministic.
    """
    post, evidence = posterior(text, m)
    ranked = sorted((c for c in post if c != NOT_A_CLASS), key=lambda c: (-post[c], c))
    if not ranked:
        return Routing("", 0.0, evidence)
    best, second = ranked[0], (ranked[1] if len(ranked) > 1 else "")
    ok = best != NONE and evidence >= min_evidence and post[best] >= min_prob
    return Routing(best if ok else "", round(post[best], 6), evidence, best, second)


def state(res) -> str:
    """What the rules concluded, in the terms of :data:`ON`: unknown, low, ok, or red_flag/invalid."""
    if res.status == "ok":
        return "low" if res.safety_net else "ok"
    return res.status


def threshold(res, on=ON) -> float | None:
    """The posterior share the fallback needs to answer instead of the rules, or None if it may not.

    Not after a red flag or a refused input, and not when the rules answered 儿科 or 产科 from who the
    patient is (the model has no such class, so it cannot judge that answer).
    """
    if state(res) not in ("unknown", "low", "ok") or res.department in BY_PATIENT:
        return None
    return on.get(state(res))


# --- cross-writer validation (never the test split or the holdout) ------------------------------

def writers() -> list[str]:
    """The department writers of the corpus (every file but the non-complaints)."""
    return sorted(w for w in corpus().writer.unique() if w != "none")


def cross_writer(on=ON, min_evidence: int = MIN_EVIDENCE, folds: int = 2, **settings) -> pd.DataFrame:
    """Every corpus complaint answered by rules alone and by rules + a fallback that never saw it.

    A department writer's file is held out whole (the model learns from the other writer, the
    non-complaints, the development rows and the lexicon); the non-complaints are held out in
    ``folds`` parts by position. Columns: ``writer, case_id, style, expected, rules, combined,
    model, correct_rules, correct``. The rules were never tuned on the corpus either, so both
    columns are held-out figures.
    """
    from ihbook.chapters import triage as tr

    nones = corpus(["none"]).case_id.tolist()
    plan = [((w,), corpus([w])) for w in writers()]
    for k in range(folds):
        held = set(nones[k::folds])
        plan.append(((), corpus(["none"])[lambda d: d.case_id.isin(held)]))
    rows = []
    for without, part in plan:
        m = build(without_writers=without, exclude=set() if without else set(part.case_id), **settings)
        for r in part.itertuples():
            base = tr.rules(r.text)
            res = tr.with_fallback(base, m, on=on, min_evidence=min_evidence)
            rows.append({"writer": r.writer, "case_id": r.case_id, "style": r.style, "expected": r.department,
                         "rules": base.label, "combined": res.label,
                         "model": route(r.text, m, min_prob=0.0, min_evidence=0).best})
    out = pd.DataFrame(rows)
    right = lambda col: [(lab in (tr.UNKNOWN, tr.INVALID)) if e == NONE else lab == e  # noqa: E731
                         for lab, e in zip(out[col], out.expected)]
    return out.assign(correct_rules=right("rules"), correct=right("combined"))


def cross_writer_results() -> pd.DataFrame:
    """:func:`cross_writer` as ``python -m ihbook.generate triage`` stored it (a test keeps it current)."""
    from ihbook.evidence import tables

    return tables.load_table("triage_cross_writer").astype({"correct_rules": bool, "correct": bool})


def cross_writer_summary(cv: pd.DataFrame | None = None) -> pd.DataFrame:
    """Accuracy per held-out writer: rules alone, rules + fallback (the non-complaints: answered 未识别)."""
    cv = cross_writer_results() if cv is None else cv
    t = cv.groupby("writer").agg(条数=("correct", "size"), 仅规则=("correct_rules", "mean"), 规则加兜底=("correct", "mean"))
    return t.rename(index=lambda w: "无主诉的消息" if w == "none" else f"写作者 {w.upper()}")
