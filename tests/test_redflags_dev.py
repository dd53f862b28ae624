"""The red-flag rules on complaints written by people who never saw them (issue 12).

``data/triage_redflag_dev.csv``: 576 emergencies and 144 near misses by three blind writers
(h, i, j). The rules were tuned on writers h and i only; writer j is the held-out check of
generalisation. ``data/triage_train.csv`` (writers a–g, not ``none``): ordinary complaints, where
a red flag is a false alarm. The floors are a little below what the rules reach, so that a
change that loses recall or adds false alarms fails here.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pytest

from ihbook.chapters import triage as tr
from ihbook.chapters import triage_redflags as redflags
from ihbook.evidence.paths import DATA

RECALL_FLOOR = {"h": 0.97, "i": 0.97, "j": 0.78}   # reached: h 1.00, i 1.00, j 0.84 (held out; 0.72 before)
NEAR_MISS_CEILING = 0.10                            # reached 0.03 (was 0.17 before the time scope)
CORPUS_CEILING = 0.06                               # reached 0.04 (the chapter allows 0.08)


def _red(complaint: str) -> bool:
    return tr.rules(complaint).status == "red_flag"


@lru_cache(maxsize=None)
def _dev() -> pd.DataFrame:
    d = pd.read_csv(DATA / "triage_redflag_dev.csv", dtype=str, keep_default_na=False)
    d["flag"] = [_red(c) for c in d.complaint]
    return d


@pytest.mark.parametrize("writer", sorted(RECALL_FLOOR))
def test_recall_per_writer(writer):
    d = _dev()
    em = d[(d.kind == "emergency") & (d.writer == writer)]
    assert len(em) >= 150
    recall = em.flag.mean()
    missed = em[~em.flag].complaint.head(5).tolist()
    assert recall >= RECALL_FLOOR[writer], (writer, round(recall, 3), missed)


def test_near_miss_false_alarms():
    d = _dev()
    nm = d[d.kind == "near_miss"]
    assert len(nm) >= 100
    rate = nm.flag.mean()
    assert rate <= NEAR_MISS_CEILING, (round(rate, 3), nm[nm.flag].complaint.head(5).tolist())


def test_corpus_false_alarms():
    t = pd.read_csv(DATA / "triage_train.csv", dtype=str, keep_default_na=False)
    t = t[t.writer != "none"]
    rate = sum(_red(c) for c in t.complaint) / len(t)
    assert rate <= CORPUS_CEILING, round(rate, 4)


@pytest.mark.parametrize("complaint", [
    "我爸两年前脑梗，现在恢复得还可以，来开药复查",          # a past-time word just before: history
    "孩子小时候发烧抽过一次，现在六岁了，想问要不要查",
    "上个月晕倒过一次，当时很快醒了，之后没再发生",
    "眼皮老是跳，会不会是 seizure 前兆",                      # worry about a named disease
    "孩子昨天可能吞了一颗小塑料珠，今天大便排出来了",        # resolved
    "孕20周，有时候肚子发紧一下，不痛没出血，胎动正常",      # occasional
    "痛风一年犯三四次了，每次都疼得要死",                    # recurring
    "怀孕七个月，这两天血压有点高",                          # 血压 is not bleeding
])
def test_not_a_red_flag(complaint):
    assert not redflags.present(redflags.scan(complaint)), [(h.rule_id, h.word) for h in redflags.scan(complaint)]


@pytest.mark.parametrize("complaint", [
    "我婆婆胆结石好几年了，今天疼得厉害，发烧打寒战，眼珠子都黄了",   # NOW cancels the chronic context
    "我爸前年放的支架，刚才跟人吵架，突然捂着胸口坐地上了",           # past word, then today
    "儿媳怀孕28周!!!肚子一阵一阵疼 5分钟一次 已经见红了",             # !!! is not the end of a sentence
    "人叫不行了",                                                     # voice-to-text for 叫不醒
    "我妈她那个嘴啊就是有点歪了",                                     # spoken fillers do not stretch the gap
    "我哥说活着没啥意思，把农药瓶子藏在床底下",                       # 没啥意思 does not negate
])
def test_red_flag(complaint):
    assert redflags.present(redflags.scan(complaint)), complaint


def test_time_concepts_exist():
    known = redflags.concepts()
    assert {"PAST", "NOW"} <= set(known)


def test_fillers_are_read_away():
    short, where = redflags.without_fillers("胸口那个就是特别疼")
    assert short == "胸口特别疼"
    assert [ "胸口那个就是特别疼"[i] for i in where] == list(short)
