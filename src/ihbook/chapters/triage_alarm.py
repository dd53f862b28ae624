"""A statistical second net for emergencies: catches what the red-flag rules miss in a new wording.

Why it exists: the red-flag rules (:mod:`triage_redflags`) match concept patterns written from
the development complaints. On 576 emergencies by three writers who never saw them
(``data/triage_redflag_dev.csv``) the rules as they stood flagged about three in four. A
missed emergency is the one error this demo must not make, and a false alarm costs far less,
so a second net is added *on top of* the rules — never instead of them:

* it only ever **adds** a red flag (rules OR model); it can never clear one;
* it runs where the rules run, first, on any input containing Chinese, before the input gate;
* its answer is the same as the rules': :data:`triage_redflags.EMERGENCY`, and the explanation
  says that a statistical model, not a rule, raised it.

The model is the naive Bayes of :mod:`triage_nb` with two classes: 急症 (the emergencies of the
red-flag corpus and of the development split) and 非急症 (the department training corpus, the
non-complaints, the near misses and the development split's ordinary complaints). The share it
needs (:data:`ALARM`) was chosen by **cross-writer validation** (:func:`cross_writer`): each
emergency writer is held out together with one or two ordinary writers and a third of the
non-complaints, so the model is always judged on people it has never read. What was compared
(at selection time, with the red-flag rules before their rework): one share for every case,
0.4–0.99 (0.5: recall 72.6 % → 96.9 %, false alarms 4.9 % → 7.1 %); a higher share where the
rules had already answered with confidence (0.9–0.95; it cut the false alarms on the authors'
own plain sentences from 6.4 % to 1.3 % for 0.7 pt of recall); 3, 8 or 12 known n-grams before
it may speak (8 keeps short plain complaints such as 孩子发烧 from alarming). The evaluation files
(test split, holdouts) are never read here, except to drop a training row that repeats one of
their sentences.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ihbook.chapters import triage_fallback as fallback
from ihbook.chapters import triage_nb as nb
from ihbook.chapters.triage_normalize import normalize
from ihbook.evidence import tables
from ihbook.evidence.paths import DATA

EMERGENCY, ORDINARY = "急症", "非急症"
# The share of 急症 at which the second net raises a red flag, by what the rules concluded: where the
# rules found a department with confidence the net needs more (an ordinary complaint in plain words).
ALARM = {"unknown": 0.5, "low": 0.5, "invalid": 0.5, "ok": 0.95}
MIN_EVIDENCE = 8         # known n-grams of length >= 2 needed before it may speak
# cross-writer folds: each emergency writer is held out with these department writers
FOLDS = {"h": ("a", "f"), "i": ("b", "g"), "j": ("e",)}
CROSS_WRITER = DATA / "triage_alarm_cross_writer.csv"   # cross_writer()'s result (python -m ihbook.generate triage)


@dataclass(frozen=True)
class Alarm:
    """The second net's verdict on one complaint."""

    raised: bool
    prob: float              # share of 急症
    evidence: int


@lru_cache(maxsize=1)
def documents() -> pd.DataFrame:
    """Every complaint the model may learn from: ``case_id, text, label, writer``."""
    from ihbook.chapters import triage_eval as te

    rf = tables.load_table("triage_redflag_dev")
    parts = [pd.DataFrame({"case_id": rf.row_id, "text": rf.complaint, "writer": rf.writer,
                           "label": rf.kind.map({"emergency": EMERGENCY, "near_miss": ORDINARY})})]
    c = fallback.corpus()
    parts.append(pd.DataFrame({"case_id": c.case_id, "text": c.text, "writer": c.writer, "label": ORDINARY}))
    dev = te.load("dev")
    dev = dev[dev.complaint.str.strip() != ""]
    parts.append(pd.DataFrame({"case_id": dev.case_id, "text": dev.complaint, "writer": "dev",
                               "label": [EMERGENCY if k == "emergency" else ORDINARY for k in dev.kind]}))
    docs = pd.concat(parts, ignore_index=True)
    return docs[~docs.text.map(normalize).isin(te.sealed_texts())].reset_index(drop=True)


def build(exclude: set[str] = frozenset(), **settings) -> nb.Model:
    """Train the two-class model on every document except ``exclude`` (case ids)."""
    docs = documents()
    docs = docs[~docs.case_id.isin(exclude)]
    return nb.train(docs.rename(columns={"label": "department"}), **settings)


@lru_cache(maxsize=1)
def model() -> nb.Model:
    """The second net trained on everything it may learn from (built once per process)."""
    return build()


def check(text: str, m: nb.Model | None = None, alarm: float = ALARM["unknown"],
          min_evidence: int = MIN_EVIDENCE) -> Alarm:
    """Whether the model thinks ``text`` describes an emergency (the share of 急症 reaches ``alarm``)."""
    post, evidence = nb.posterior(text, m or model())
    p = post.get(EMERGENCY, 0.0)
    return Alarm(evidence >= min_evidence and p >= alarm, round(p, 6), evidence)


# --- cross-writer validation --------------------------------------------------------------------

def held_out(fold: str) -> set[str]:
    """Case ids held out in one fold: an emergency writer, its department writers, a third of the non-complaints."""
    docs = documents()
    nones = sorted(docs[docs.writer == "none"].case_id)
    k = sorted(FOLDS).index(fold)
    writers = {fold, *FOLDS[fold]}
    return set(docs[docs.writer.isin(writers)].case_id) | set(nones[k::len(FOLDS)])


def threshold(res, alarm=ALARM) -> float | None:
    """The share the second net needs after the rules' :class:`~ihbook.chapters.triage.Result`, or None.

    None when the rules already raised a red flag or there is no text. (Negated terms never reach
    the model: :func:`triage.unnegated` removes them.) Where the rules mapped to 儿科 or 产科 by who
    the patient is, the net needs as much as after a confident answer: 宝宝 and 怀孕 are frequent
    in the emergencies it learned from, but they say who is ill, not how.
    """
    if res.status == "red_flag" or not res.normalized:
        return None
    if res.department in fallback.BY_PATIENT:
        return alarm["ok"]
    return alarm.get(fallback.state(res))


def cross_writer(alarm=ALARM, min_evidence: int = MIN_EVIDENCE, **settings) -> pd.DataFrame:
    """Every held-out document with the rules' verdict, the model's share, and rules OR model.

    Columns: ``fold, case_id, writer, label, rules, prob, model, either``.
    """
    from ihbook.chapters import triage as tr

    docs = documents()
    rows = []
    for fold in sorted(FOLDS):
        held = held_out(fold)
        m = build(exclude=held, **settings)
        for r in docs[docs.case_id.isin(held)].itertuples():
            res = tr.rules(r.text)
            got = tr.with_alarm(res, r.text, m, alarm=alarm, min_evidence=min_evidence)
            rows.append({"fold": fold, "case_id": r.case_id, "writer": r.writer, "label": r.label,
                         "rules": res.red_flag, "prob": round(got.alarm.prob, 3) if got.alarm else None,
                         "model": got.alarm is not None, "either": got.red_flag})
    return pd.DataFrame(rows)


def cross_writer_results() -> pd.DataFrame:
    """:func:`cross_writer` as ``python -m ihbook.generate triage`` stored it (a test keeps it current)."""
    return tables.load_table("triage_alarm_cross_writer").astype({"rules": bool, "model": bool, "either": bool})


def cross_writer_summary(cv: pd.DataFrame | None = None) -> pd.DataFrame:
    """Recall on held-out emergencies and false alarms on held-out non-emergencies: rules, and rules OR model."""
    cv = cross_writer_results() if cv is None else cv
    em, ordinary = cv[cv.label == EMERGENCY], cv[cv.label == ORDINARY]
    return pd.DataFrame({
        "仅规则": {"急症召回率": em.rules.mean(), "误报率": ordinary.rules.mean()},
        "规则或统计模型": {"急症召回率": em.either.mean(), "误报率": ordinary.either.mean()},
    }).T.assign(急症条数=len(em), 非急症条数=len(ordinary))
