"""Multinomial naive Bayes over character n-grams: the small statistical model the triage demo uses twice.

Why a module of its own: the department fallback (:mod:`triage_fallback`) and the emergency
second net (:mod:`triage_alarm`) learn from different data with different classes, but the
model is the same — count character 1–3-grams per class, smooth them, add log-probabilities.
Plain Python and numpy, deterministic (sorted classes and n-grams), no new dependency.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ihbook.chapters.triage_normalize import normalize

NGRAMS = (1, 3)          # character n-gram lengths used
ALPHA = 0.05             # additive (Lidstone) smoothing
TEMPER = True            # temper the shares (see posterior)
LEXICON_WEIGHT = 1.0     # weight of a lexicon pseudo-document (case id ``LEX:…``) relative to one complaint
SPLIT = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fffa-z]+")


@dataclass(frozen=True)
class Model:
    """A trained multinomial naive Bayes model: one row of log-probabilities per known n-gram."""

    classes: tuple[str, ...]
    index: dict             # n-gram -> row of ``logp``
    logp: np.ndarray        # (n-grams × classes) smoothed log P(n-gram | class)
    alpha: float = ALPHA

    @property
    def vocab(self):
        return self.index.keys()


def ngrams(text: str, sizes=NGRAMS) -> list[str]:
    """Character n-grams of the normalized text, within runs of Chinese or Latin letters."""
    return list(_ngrams(text, tuple(sizes)))


@lru_cache(maxsize=16384)
def _ngrams(text: str, sizes: tuple[int, int]) -> tuple[str, ...]:
    out = []
    lo, hi = sizes
    for run in SPLIT.split(normalize(text).lower()):
        for n in range(lo, hi + 1):
            out += [run[i:i + n] for i in range(len(run) - n + 1)]
    return tuple(out)


def train(docs: pd.DataFrame, alpha: float = ALPHA, sizes=NGRAMS, lexicon_weight: float = LEXICON_WEIGHT) -> Model:
    """Count n-grams per class and smooth them (deterministic: sorted classes and n-grams)."""
    counts: dict[str, Counter] = {}
    for case_id, text, dept in zip(docs.case_id, docs.text, docs.department):
        w = lexicon_weight if str(case_id).startswith("LEX:") else 1.0
        c = counts.setdefault(dept, Counter())
        for g in ngrams(text, sizes):
            c[g] += w
    classes = tuple(sorted(counts))
    index = {g: i for i, g in enumerate(sorted({g for c in counts.values() for g in c}))}
    table = np.zeros((len(index), len(classes)))
    for k, cls in enumerate(classes):
        for g, n in counts[cls].items():
            table[index[g], k] = n
    logp = np.log(table + alpha) - np.log(table.sum(axis=0) + alpha * len(index))
    return Model(classes, index, logp, alpha)


def posterior(text: str, m: Model, sizes=NGRAMS, temper: bool = TEMPER) -> tuple[dict[str, float], int]:
    """Posterior share per class (uniform prior; unknown n-grams ignored; tempered) and the evidence count."""
    grams = [g for g in ngrams(text, sizes) if g in m.index]
    evidence = len({g for g in grams if len(g) >= 2})
    loglik = m.logp[[m.index[g] for g in grams]].sum(axis=0) if grams else np.zeros(len(m.classes))
    # naive Bayes multiplies one probability per n-gram as if they were independent, so its shares
    # are near 0 or 1 for any long text; dividing the log-likelihoods by sqrt(#n-grams) tempers them
    t = math.sqrt(max(len(grams), 1)) if temper else 1.0
    e = np.exp((loglik - loglik.max()) / t)
    return dict(zip(m.classes, (e / e.sum()).tolist())), evidence
