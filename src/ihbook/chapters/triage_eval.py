"""Measuring the triage demo on complaints written independently of its lexicon (issue 12).

``data/triage_eval.csv`` was written by a helper who had not read the engine or its lexicon:
emergencies in many phrasings (colloquial, indirect, third-person, traditional characters,
dialect, mixed Chinese–English, long, with symbols), ordinary complaints across departments,
paraphrases, and bad inputs. It is split in two: the engine was tuned on ``dev`` only;
``test`` was never read while tuning. ``data/triage_dev_extra.csv`` adds development rows.
Two sealed sets by other writers, never read row by row: ``data/triage_holdout.csv`` (run
twice: the first run exposed the red-flag rules' gap on new wordings) and
``data/triage_holdout2.csv`` (written before the red-flag rework, first run after it). Every run
on a sealed set is logged in ``data/triage_eval_runs.csv`` (:func:`runs`); a test keeps the last
row of each split equal to what the demo gives now.

:func:`evaluate` runs the demo on a split and returns one row per complaint with
``flagged`` (red-flag answer), ``predicted`` (the label) and ``correct``. The metrics are a
few lines of pandas that chapter 3 shows (:func:`metrics` computes the same for tests).
"""
from __future__ import annotations

import html
from functools import lru_cache

import pandas as pd

from ihbook.chapters import triage as tr
from ihbook.evidence.paths import DATA

EVAL = DATA / "triage_eval.csv"
EXTRA = DATA / "triage_dev_extra.csv"   # more development rows (paraphrases, emergencies), same writer's brief
HOLDOUT = DATA / "triage_holdout.csv"   # a sealed set by another writer (see the chapter for when it was run)
HOLDOUT2 = DATA / "triage_holdout2.csv"  # a second sealed set, written before the red-flag rework, first run after it
SPLIT_LABELS = {"dev": "开发集（调参用）", "test": "测试集（调参时未读过）", "holdout": "留出集（封存，调参时未读过）",
                "holdout2": "第二份留出集（封存，修改结束后运行）"}
KINDS = ["emergency", "ordinary", "paraphrase", "bad_input"]
ORDINARY = ["ordinary", "paraphrase"]
TARGETS = {"recall": 0.95, "false_alarm": 0.10, "ordinary": 0.85, "paraphrase": 0.70}
KIND_LABELS = {"emergency": "急症", "ordinary": "普通主诉", "paraphrase": "换说法的普通主诉", "bad_input": "无效输入"}
PHRASING_LABELS = {"plain": "直白", "traditional": "繁体字", "third_person": "第三人称", "with_symbols": "带符号或表情",
                   "mixed_en": "中英混杂", "colloquial": "口语", "indirect": "间接描述", "dialect": "方言",
                   "negated": "含“不、没”的急症", "negated_ordinary": "含否定的普通主诉", "long": "长文本"}


def load(split: str | None = None) -> pd.DataFrame:
    """The evaluation complaints (all, or one split: ``dev``, ``test`` or ``holdout``)."""
    df = _load()
    return df if split is None else df[df.split == split].reset_index(drop=True)


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    frames = [pd.read_csv(EVAL, dtype=str, keep_default_na=False).assign(file=EVAL.name)]
    for extra in (EXTRA, HOLDOUT, HOLDOUT2):   # their split column says dev / holdout / holdout2
        if extra.exists():
            frames.append(pd.read_csv(extra, dtype=str, keep_default_na=False).assign(file=extra.name))
    df = pd.concat(frames, ignore_index=True)
    return df.assign(expected_red_flag=df.expected_red_flag.astype(int))


ENGINES = {"rules": "只用规则", "full": "演示程序（规则＋两个统计模型）"}


@lru_cache(maxsize=1)
def sealed_texts() -> frozenset[str]:
    """The normalized complaints of every split but dev: training data that repeats one is dropped.

    Independent writers sometimes write the same sentence (我不想活了，药都准备好了); a model must
    not be scored on a sentence it was trained on.
    """
    df = _load()
    return frozenset(tr.normalize(c) for c in df[df.split != "dev"].complaint if c.strip())


@lru_cache(maxsize=8)
def _evaluate(split: str, engine: str = "full") -> pd.DataFrame:
    df = load(split)
    answer = {"full": tr.triage, "rules": tr.rules}[engine]
    results = [answer(c) for c in df.complaint]
    predicted = [r.label for r in results]
    handled = [lab in (tr.INVALID, tr.UNKNOWN) for lab in predicted]
    correct = [
        (p == tr.EMERGENCY_DEPT) if k == "emergency" else (h if k == "bad_input" else p == e)
        for k, p, e, h in zip(df.kind, predicted, df.expected_department, handled)]
    return df.assign(flagged=[r.status == "red_flag" for r in results], predicted=predicted, correct=correct,
                     safety_net=[bool(r.safety_net) or r.status == "red_flag" for r in results],
                     echoed=[len(r.text) for r in results])


def evaluate(split: str = "test", engine: str = "full") -> pd.DataFrame:
    """One row per complaint of ``split``: the label, ``flagged``, ``predicted``, ``correct``.

    ``engine="rules"`` answers with the rule layer alone (:func:`triage.rules`), to show what the
    statistical fallback adds.

    ``correct`` means: an emergency got the red-flag answer; an ordinary complaint or a
    paraphrase got its department; a bad input got a message (无效输入 or 未识别), no flag.
    """
    return _evaluate(split, engine).copy()


def metrics(split: str = "test", engine: str = "full") -> dict[str, float]:
    """Red-flag recall, false-alarm rate, department accuracy (ordinary / paraphrase), bad inputs."""
    c = counts(split, engine)
    rate = lambda part, whole: c[part] / c[whole] if c[whole] else float("nan")  # noqa: E731
    bad = evaluate(split, engine).query("kind == 'bad_input'")
    return {"recall": rate("flagged", "n_emergency"), "false_alarm": rate("false_alarms", "n_non_emergency"),
            "ordinary": rate("ordinary_correct", "n_ordinary"), "paraphrase": rate("paraphrase_correct", "n_paraphrase"),
            "bad_input": bad.correct.mean(), "n_emergency": c["n_emergency"], "n_ordinary": c["n_ordinary"],
            "n_paraphrase": c["n_paraphrase"], "n_bad": len(bad)}


def counts(split: str, engine: str = "full") -> dict[str, int]:
    """The counts behind :func:`metrics`, in the columns of ``data/triage_eval_runs.csv``."""
    ev = evaluate(split, engine)
    em, od = ev[ev.kind == "emergency"], ev[ev.kind.isin(ORDINARY)]
    return {"flagged": int(em.flagged.sum()), "n_emergency": len(em), "false_alarms": int(od.flagged.sum()),
            "n_non_emergency": len(od), "ordinary_correct": int(ev[ev.kind == "ordinary"].correct.sum()),
            "n_ordinary": int((ev.kind == "ordinary").sum()),
            "paraphrase_correct": int(ev[ev.kind == "paraphrase"].correct.sum()),
            "n_paraphrase": int((ev.kind == "paraphrase").sum())}


def runs() -> pd.DataFrame:
    """Every run on the sealed sets (``data/triage_eval_runs.csv``) with its four rates, as the chapter shows it."""
    from ihbook.evidence import tables

    r = tables.load_table("triage_eval_runs")
    pct = lambda a, b: (r[a] / r[b]).map("{:.1%}".format) + "（" + r[a].astype(str) + "/" + r[b].astype(str) + "）"  # noqa: E731
    engines = {"rules": "只有规则", "rules+fallback": "规则＋统计兜底", "rules+fallback+alarm": "规则＋统计兜底＋急症第二道网"}
    return pd.DataFrame({"次": r.run, "提交": r.commit, "数据": r.split.map(SPLIT_LABELS), "程序": r.engine.map(engines),
                         "红旗召回率": pct("flagged", "n_emergency"), "误报率": pct("false_alarms", "n_non_emergency"),
                         "科室准确率：普通": pct("ordinary_correct", "n_ordinary"),
                         "科室准确率：换说法": pct("paraphrase_correct", "n_paraphrase"), "说明": r.note})


def meets_targets(m: dict[str, float]) -> dict[str, bool]:
    return {"recall": m["recall"] >= TARGETS["recall"], "false_alarm": m["false_alarm"] <= TARGETS["false_alarm"],
            "ordinary": m["ordinary"] >= TARGETS["ordinary"], "paraphrase": m["paraphrase"] >= TARGETS["paraphrase"]}


def summary_table(splits=("dev", "test", "holdout", "holdout2"), engine: str = "full") -> pd.DataFrame:
    """The four measurements with their targets, one row per split (for the chapter)."""
    rows = []
    for s in splits:
        if load(s).empty:
            continue
        m = metrics(s, engine)
        rows.append({"数据": SPLIT_LABELS.get(s, s),
                     "红旗召回率": f"{m['recall']:.1%}（{round(m['recall'] * m['n_emergency'])}/{m['n_emergency']}）",
                     "误报率": f"{m['false_alarm']:.1%}",
                     "科室准确率：普通": f"{m['ordinary']:.1%}（n={m['n_ordinary']}）",
                     "科室准确率：换说法": f"{m['paraphrase']:.1%}（n={m['n_paraphrase']}）",
                     "无效输入处理": f"{m['bad_input']:.0%}（n={m['n_bad']}）" if m["n_bad"] else "（无此类）"})
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
    """Glue every split's measurements (demo and rules alone) and verdicts for chapter 3's prose."""
    from IPython.display import Markdown
    from myst_nb import glue

    keys = ("recall", "false_alarm", "ordinary", "paraphrase")
    for split in ("dev", "test", "holdout", "holdout2"):
        if load(split).empty:
            continue
        for engine, tag in (("full", ""), ("rules", "-rules")):
            m = metrics(split, engine)
            for key in keys:
                glue(f"ch03-{split}{tag}-{key.replace('_', '-')}", Markdown(f"{m[key]:.1%}"), display=False)
        met = meets_targets(metrics(split))
        for key, ok in met.items():
            glue(f"ch03-{split}-{key.replace('_', '-')}-verdict", Markdown("达到了" if ok else "没有达到"), display=False)
        glue(f"ch03-{split}-all-verdict", Markdown("都达到了" if all(met.values()) else "没有全部达到"), display=False)
        ev = evaluate(split)
        glue(f"ch03-{split}-n", Markdown(str(len(ev))), display=False)
        glue(f"ch03-{split}-n-emergency", Markdown(str(int((ev.kind == "emergency").sum()))), display=False)
        glue(f"ch03-{split}-missed", Markdown(str(int(((ev.kind == "emergency") & ~ev.flagged).sum()))), display=False)
    for key, value in TARGETS.items():
        glue(f"ch03-target-{key.replace('_', '-')}", Markdown(f"{value:.0%}"), display=False)
    met = meets_targets(metrics("test"))
    first3 = all(met[k] for k in ("recall", "false_alarm", "ordinary"))
    glue("ch03-test-first3-verdict", Markdown("都达到了" if first3 else "没有全部达到"), display=False)
    dev = load("dev")
    glue("ch03-dev-extra-n", Markdown(str(int((dev.file == EXTRA.name).sum()))), display=False)


def by_phrasing(split: str = "test") -> pd.DataFrame:
    """Share answered correctly per phrasing, for emergencies and for ordinary complaints."""
    ev = evaluate(split)
    ev = ev[ev.kind != "bad_input"].assign(group=lambda d: d.kind.map(
        {"emergency": "急症（提示就医）", "ordinary": "普通主诉（科室）", "paraphrase": "普通主诉（科室）"}))
    t = ev.groupby(["phrasing", "group"]).agg(n=("correct", "size"), correct=("correct", "sum")).reset_index()
    return t.assign(share=t.correct / t.n * 100, label=t.phrasing.map(PHRASING_LABELS).fillna(t.phrasing))


def publish_chart(split: str = "test") -> None:
    """The test-split results by phrasing as a figure with alt text, caption, CSV and 来源 line."""
    import base64

    from IPython.display import display

    from ihbook.evidence.paths import CHART_DATA
    from ihbook.show import charts

    t = by_phrasing(split)
    order = t.groupby("label").share.min().sort_values().index.tolist()
    groups = ["急症（提示就医）", "普通主诉（科室）"]
    name = SPLIT_LABELS.get(split, split).split("（")[0]
    fig, ax = charts.figure(f"分诊演示在{name}上的表现，按说法分",
                            "答对的比例（%）", "", size=(7.2, 0.9 + 0.42 * len(order)))
    for k, (g, color) in enumerate(zip(groups, ["#d1495b", "#1f5aa6"])):
        sub = t[t.group == g].set_index("label").reindex(order)
        ys = [i + (k - 0.5) * 0.38 for i in range(len(order))]
        ax.barh(ys, sub.share.fillna(0), height=0.36, color=color, label=g)
        for y, r in zip(ys, sub.itertuples()):
            if r.n == r.n:  # not NaN: this phrasing has complaints of this kind
                ax.annotate(f"{int(r.correct)}/{int(r.n)}", (r.share, y), xytext=(3, -3), textcoords="offset points",
                            fontsize=8)
    ax.set_yticks(range(len(order)), order, fontsize=9)
    ax.set_xlim(0, 118)
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    png = base64.b64encode(charts.to_png(fig)).decode()
    data = t[["label", "group", "n", "correct", "share"]].assign(split=split, source=f"data/{load(split).file.iloc[0]}（本书测量）")
    CHART_DATA.mkdir(parents=True, exist_ok=True)
    data.round(1).to_csv(CHART_DATA / f"ch03-triage-{split}.csv", index=False, lineterminator="\n")
    alt = "；".join(f"{r.label}·{r.group}：{int(r.correct)}/{int(r.n)}" for r in t.itertuples())
    caption = ("每一行是一种说法（方言、繁体字、第三人称……）：红条是急症中得到“请立即线下就医或拨打 120”的比例，"
               f"蓝条是普通主诉分对科室的比例；条末是答对数/总数。数据：{SPLIT_LABELS.get(split, split)}。")
    src = f"来源：本书的分诊评测集 data/{load(split).file.iloc[0]}（独立编写，本书测量）"
    body = (f'<figure class="ihbook-chart" id="fig-ch03-triage-{split}"><img src="data:image/png;base64,{png}" '
            f'alt="{html.escape(alt, quote=True)}" style="max-width:100%;height:auto">'
            f"<figcaption>{html.escape(caption)}"
            f'<br><a href="../_static/chartdata/ch03-triage-{split}.csv" download>下载图表数据（CSV）</a>'
            f"<br>{html.escape(src)}</figcaption></figure>")
    display({"text/html": body, "text/plain": f"[图] 分诊演示的表现，按说法分\n{caption}\n{src}"}, raw=True)


def glue_examples() -> None:
    """Glue the misrouted and missed test complaints for the exercise solution (never typed by hand)."""
    from IPython.display import Markdown
    from myst_nb import glue

    err = errors("test")
    wrong = err[(err["类型"].isin([KIND_LABELS["ordinary"], KIND_LABELS["paraphrase"]]))
                & ~err["演示"].isin([tr.UNKNOWN, tr.EMERGENCY_DEPT])]
    text = "；".join(f"{r.编号}（应为{r.应答}，演示答{r.演示}）" for r in wrong.itertuples()) or "没有"
    glue("ch03-misrouted", Markdown(text), display=False)
    glue("ch03-n-misrouted", Markdown(str(len(wrong))), display=False)
    unknown = err[err["演示"] == tr.UNKNOWN]
    glue("ch03-n-unknown", Markdown(str(len(unknown))), display=False)
    authors = tr.evaluate()
    rewrite = authors[(authors.set == "改写挑战") & ~authors.correct]
    glue("ch03-rewrite-n", Markdown(str(int((authors.set == "改写挑战").sum()))), display=False)
    glue("ch03-rewrite-unknown", Markdown(str(int((rewrite.predicted == tr.UNKNOWN).sum()))), display=False)
    glue("ch03-rewrite-wrong-dept", Markdown(str(int((rewrite.predicted != tr.UNKNOWN).sum()))), display=False)
