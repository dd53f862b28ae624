"""Measuring the triage demo on complaints written independently of its lexicon (issue 12).

``data/triage_eval.csv`` was written by a helper who had not read the engine or its lexicon:
emergencies in many phrasings (colloquial, indirect, third-person, traditional characters,
dialect, mixed Chinese–English, long, with symbols), ordinary complaints across departments,
paraphrases, and bad inputs. It is split in two: the engine was tuned on ``dev`` only;
``test`` was never read while tuning — the book reports what it gives.

:func:`evaluate` runs the demo on a split and returns one row per complaint with
``flagged`` (red-flag answer), ``predicted`` (the label) and ``correct``. The metrics are a
few lines of pandas that chapter 3 shows (:func:`metrics` computes the same for tests).
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from ihbook.chapters import triage as tr
from ihbook.evidence.paths import DATA

EVAL = DATA / "triage_eval.csv"
KINDS = ["emergency", "ordinary", "paraphrase", "bad_input"]
ORDINARY = ["ordinary", "paraphrase"]
TARGETS = {"recall": 0.95, "false_alarm": 0.10, "ordinary": 0.85, "paraphrase": 0.70}
KIND_LABELS = {"emergency": "急症", "ordinary": "普通主诉", "paraphrase": "换说法的普通主诉", "bad_input": "无效输入"}
PHRASING_LABELS = {"plain": "直白", "traditional": "繁体字", "third_person": "第三人称", "with_symbols": "带符号或表情",
                   "mixed_en": "中英混杂", "colloquial": "口语", "indirect": "间接描述", "dialect": "方言",
                   "negated": "含“不、没”的急症", "negated_ordinary": "含否定的普通主诉", "long": "长文本"}


def load(split: str | None = None) -> pd.DataFrame:
    """The evaluation complaints (all, or one split: ``dev`` or ``test``)."""
    df = _load()
    return df if split is None else df[df.split == split].reset_index(drop=True)


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    df = pd.read_csv(EVAL, dtype=str, keep_default_na=False)
    return df.assign(expected_red_flag=df.expected_red_flag.astype(int))


@lru_cache(maxsize=4)
def _evaluate(split: str) -> pd.DataFrame:
    df = load(split)
    results = [tr.triage(c) for c in df.complaint]
    predicted = [r.label for r in results]
    handled = [lab in (tr.INVALID, tr.UNKNOWN) for lab in predicted]
    correct = [
        (p == tr.EMERGENCY_DEPT) if k == "emergency" else (h if k == "bad_input" else p == e)
        for k, p, e, h in zip(df.kind, predicted, df.expected_department, handled)]
    return df.assign(flagged=[r.status == "red_flag" for r in results], predicted=predicted, correct=correct,
                     safety_net=[bool(r.safety_net) or r.status == "red_flag" for r in results],
                     echoed=[len(r.text) for r in results])


def evaluate(split: str = "test") -> pd.DataFrame:
    """One row per complaint of ``split``: the label, ``flagged``, ``predicted``, ``correct``.

    ``correct`` means: an emergency got the red-flag answer; an ordinary complaint or a
    paraphrase got its department; a bad input got a message (无效输入 or 未识别), no flag.
    """
    return _evaluate(split).copy()


def metrics(split: str = "test") -> dict[str, float]:
    """Red-flag recall, false-alarm rate, department accuracy (ordinary / paraphrase), bad inputs."""
    ev = evaluate(split)
    emergencies = ev[ev.kind == "emergency"]
    ordinary = ev[ev.kind.isin(ORDINARY)]
    return {
        "recall": emergencies.flagged.mean(),
        "false_alarm": ordinary.flagged.mean(),
        "ordinary": ev[ev.kind == "ordinary"].correct.mean(),
        "paraphrase": ev[ev.kind == "paraphrase"].correct.mean(),
        "bad_input": ev[ev.kind == "bad_input"].correct.mean(),
        "n_emergency": len(emergencies), "n_ordinary": int((ev.kind == "ordinary").sum()),
        "n_paraphrase": int((ev.kind == "paraphrase").sum()), "n_bad": int((ev.kind == "bad_input").sum()),
    }


def meets_targets(m: dict[str, float]) -> dict[str, bool]:
    return {"recall": m["recall"] >= TARGETS["recall"], "false_alarm": m["false_alarm"] <= TARGETS["false_alarm"],
            "ordinary": m["ordinary"] >= TARGETS["ordinary"], "paraphrase": m["paraphrase"] >= TARGETS["paraphrase"]}


def summary_table(splits=("dev", "test")) -> pd.DataFrame:
    """The four measurements with their targets, one column per split (for the chapter)."""
    rows = []
    for s in splits:
        m = metrics(s)
        rows.append({"数据": {"dev": "开发集（调参用）", "test": "测试集（未调参）"}.get(s, s),
                     "红旗召回率": f"{m['recall']:.1%}（{round(m['recall'] * m['n_emergency'])}/{m['n_emergency']}）",
                     "误报率": f"{m['false_alarm']:.1%}",
                     "科室准确率：普通": f"{m['ordinary']:.1%}（n={m['n_ordinary']}）",
                     "科室准确率：换说法": f"{m['paraphrase']:.1%}（n={m['n_paraphrase']}）",
                     "无效输入处理": f"{m['bad_input']:.0%}（n={m['n_bad']}）"})
    rows.append({"数据": "目标（测试集）", "红旗召回率": "≥ 95%", "误报率": "≤ 10%", "科室准确率：普通": "≥ 85%",
                 "科室准确率：换说法": "≥ 70%", "无效输入处理": "全部"})
    return pd.DataFrame(rows).set_index("数据")


def errors(split: str = "test") -> pd.DataFrame:
    """The complaints the demo got wrong, with what it answered (for the chapter's error table)."""
    ev = evaluate(split)
    wrong = ev[~ev.correct]
    out = wrong.assign(类型=wrong.kind.map(KIND_LABELS), 说法=wrong.phrasing.map(PHRASING_LABELS).fillna(wrong.phrasing),
                       主诉=[tr.excerpt(c, 60) for c in wrong.complaint],
                       应答=wrong.expected_department.where(wrong.kind != "bad_input", "提示信息"), 演示=wrong.predicted)
    return out[["case_id", "类型", "category", "说法", "主诉", "应答", "演示"]].rename(
        columns={"case_id": "编号", "category": "类别"}).reset_index(drop=True)


def misses_by(split: str, column: str) -> pd.DataFrame:
    """Aggregate miss counts by ``category`` or ``phrasing`` (what tuning may look at on test)."""
    ev = evaluate(split)
    return ev.groupby([ev.kind, ev[column]]).agg(条数=("correct", "size"), 答错=("correct", lambda s: int((~s).sum())))


def glue_metrics() -> None:
    """Glue the test-split measurements for chapter 3's prose (the book's own measurement)."""
    from IPython.display import Markdown
    from myst_nb import glue

    for split in ("dev", "test"):
        m = metrics(split)
        glue(f"ch03-{split}-recall", Markdown(f"{m['recall']:.1%}"), display=False)
        glue(f"ch03-{split}-false-alarm", Markdown(f"{m['false_alarm']:.1%}"), display=False)
        glue(f"ch03-{split}-ordinary", Markdown(f"{m['ordinary']:.1%}"), display=False)
        glue(f"ch03-{split}-paraphrase", Markdown(f"{m['paraphrase']:.1%}"), display=False)
    ev = evaluate("test")
    missed = ev[(ev.kind == "emergency") & ~ev.flagged]
    glue("ch03-test-missed", Markdown(f"{len(missed)}/{int((ev.kind == 'emergency').sum())}"), display=False)
    glue("ch03-test-n", Markdown(str(len(ev))), display=False)
    glue("ch03-dev-n", Markdown(str(len(load("dev")))), display=False)
