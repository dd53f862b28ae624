"""Small helpers for the primer page (``book/primer.ipynb``) and chapters 1, 2 and 4.

Only what a notebook would otherwise repeat as plumbing lives here; the analysis itself (which
claims, what is computed, the chart) stays visible in the notebooks.

* :func:`claims_table` — ledger rows as a reader-facing table with Chinese column labels.
* :func:`conflicts_of` — conflict ids from ``data/conflicts.csv`` that involve given claims,
  as a readable phrase (never typed by hand).
* :func:`note` — an editor's note (编者注) naming rows of ``data/reference/*.csv``.
* :func:`journey_explorer` — the primer's illustrative patient journey, one button per step.
"""
from __future__ import annotations

import html

import pandas as pd

from ihbook.evidence import ledger
from ihbook.evidence import sources

TABLE_LABELS = {"metric": "指标", "entity": "主体", "period": "时期", "value": "数字（原文）",
                "kind": "类型", "source_id": "来源", "claim_id": "编号"}


def claims_table(df: pd.DataFrame, columns=("metric", "entity", "period", "value", "kind",
                                             "source_id", "claim_id")) -> pd.DataFrame:
    """Ledger rows (from ``ledger.select``) as a table a reader can read: Chinese labels and values,
    the number as the source wrote it, the claim id kept as the last column."""
    out = {}
    recs = df.to_dict("records")
    for col in columns:
        if col == "metric":
            out[TABLE_LABELS[col]] = [ledger.label(r["metric"]) for r in recs]
        elif col == "entity":
            out[TABLE_LABELS[col]] = [ledger.entity_label(r["entity"]) for r in recs]
        elif col == "period":
            out[TABLE_LABELS[col]] = [period_label(r) for r in recs]
        elif col == "value":
            out[TABLE_LABELS[col]] = [ledger.display_value(r) for r in recs]
        elif col == "kind":
            out[TABLE_LABELS[col]] = [ledger.KIND_LABELS.get(r["kind"], r["kind"]) for r in recs]
        elif col == "source_id":
            out[TABLE_LABELS[col]] = [sources.short_name(r["source_id"]) for r in recs]
        elif col == "claim_id":
            out[TABLE_LABELS[col]] = [r["claim_id"] for r in recs]
    return pd.DataFrame(out).reset_index(drop=True)


def period_label(rec: dict) -> str:
    """A claim's period as a reader should see it: the period, and how the ledger knows it when the
    quote itself does not say (``2025（文本所说的“现在”）``); ``未说明`` when there is none."""
    period = rec.get("period") or ""
    if not period:
        return "未说明"
    rule = rec.get("period_rule", "") or ""
    labels = getattr(ledger, "PERIOD_RULE_LABELS", {})
    return period if rule in ("", "quote") or rule not in labels else f"{period}（{labels[rule]}）"


def period_text(period: str) -> str:
    """``2018`` → ``2018年``; ``2020-11`` → ``2020年11月``; ``2023-H2`` and others as written."""
    import re

    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", str(period or ""))
    if not m:
        return str(period or "时期未说明")
    return f"{m.group(1)}年" + (f"{int(m.group(2))}月" if m.group(2) else "")


def conflict_list(claim_ids, within: bool = False) -> list[str]:
    """Ids of conflicts in ``data/conflicts.csv`` involving any of ``claim_ids`` (``within``: only
    conflicts among these claims alone). A thin name over :mod:`ihbook.evidence.involving`."""
    from ihbook.evidence import involving

    return involving.conflict_ids(list(claim_ids), how="within" if within else "any")


def conflicts_of(claim_ids, within: bool = False) -> str:
    """The same as a phrase for prose: ``CF-…、CF-…``, or ``暂无登记`` when there is none."""
    ids = conflict_list(claim_ids, within)
    return "、".join(ids) if ids else "暂无登记"


def note(text: str, *ref_ids: str) -> None:
    """Show an editor's note (编者注): ``text`` is the book's sentence, ``ref_ids`` the rows of
    ``data/reference/`` it rests on (rendered by :func:`ihbook.show.notes.editor_note`)."""
    from ihbook.show.notes import editor_note

    editor_note(";".join(ref_ids), text)


# --- the illustrative patient journey --------------------------------------------------------

JOURNEY_COLUMNS = ["步骤", "情景", "规则", "来源"]


def _ids(cell) -> list[str]:
    return [x.strip() for x in str(cell or "").split(";") if x.strip()]


def check_journey(journey: pd.DataFrame) -> list[str]:
    """Problems in a journey table (missing columns, unknown rule or quote ids); empty if sound."""
    from ihbook.evidence import quotes, reference

    if not isinstance(journey, pd.DataFrame):
        return ["旅程应为一个 DataFrame（列：" + "、".join(JOURNEY_COLUMNS) + "）"]
    missing = [c for c in JOURNEY_COLUMNS if c not in journey.columns]
    if missing:
        return [f"旅程表缺少列：{'、'.join(missing)}"]
    if journey.empty:
        return ["旅程表是空的"]
    known_rules = set(reference.load_rules().rule_id)
    known_quotes = set(quotes._quotes().index)
    problems = []
    for i, r in enumerate(journey.to_dict("records"), start=1):
        if not str(r["情景"]).strip():
            problems.append(f"第 {i} 步没有情景")
        if not _ids(r["规则"]):
            problems.append(f"第 {i} 步没有注明规则（data/reference/rules.csv 的编号）")
        problems += [f"第 {i} 步：规则表中没有“{x}”" for x in _ids(r["规则"]) if x not in known_rules]
        for x in _ids(r["来源"]):
            if x.startswith("Q-") and x not in known_quotes:
                problems.append(f"第 {i} 步：引文表中没有“{x}”")
            elif not x.startswith("Q-"):
                try:
                    ledger.claim(x)
                except KeyError:
                    problems.append(f"第 {i} 步：账本中没有“{x}”")
    return problems


def _step_html(step: dict, number: int) -> tuple[str, str]:
    from ihbook.evidence import quotes, reference
    from ihbook.show.notes import editor_note_html

    rule_ids = _ids(step["规则"])
    rows = [reference.reference_row(r) for r in rule_ids]
    rule_text = "规则（据规则表）：" + "；".join(
        r["provision"] + ("（规则表标为“" + r["status"] + "”）" if r.get("status") not in ("现行", "") else "")
        for r in rows)
    parts = [f'<p><strong>第 {number} 步　{html.escape(str(step["步骤"]))}</strong>'
             f'<br>示意情景：{html.escape(str(step["情景"]))}</p>',
             editor_note_html(";".join(rule_ids), rule_text)]
    plain = [f"第 {number} 步 {step['步骤']}：{step['情景']}", rule_text + "〔" + "；".join(rule_ids) + "〕"]
    for x in _ids(step["来源"]):
        if x.startswith("Q-"):
            q = quotes._quotes().loc[x]
            parts.append(quotes._render(q["quote"], q["source_id"], x))
            plain.append(f"“{q['quote']}”——{quotes.attribution(q['source_id'])}〔{x}〕")
        else:
            c = ledger.claim(x)
            parts.append(quotes._render(c["quote"], c["source_id"], x, f"，{ledger.KIND_LABELS.get(c['kind'], c['kind'])}"))
            plain.append(f"“{c['quote']}”——{quotes.attribution(c['source_id'])}〔{x}〕")
    return '<div class="ihbook-journey-step">' + "".join(parts) + "</div>", "\n".join(plain)


def journey_explorer(journey: pd.DataFrame, default: int = 0) -> None:
    """An illustrative patient journey, one button per step. Each panel shows the step (the book's
    scenario, labelled as such), the rule it rests on (an editor's note naming its rules.csv rows)
    and what a source says about it (verified quotes). Works in the static page without a kernel."""
    import ipywidgets as ipw
    from IPython.display import display

    from ihbook.show import kit, widgets

    problems = check_journey(journey)
    if problems:
        kit.say("旅程表有问题：" + "；".join(problems), "error")
        return
    widgets.deterministic_ids("primer-journey")
    panels, plains = [], []
    for i, step in enumerate(journey.to_dict("records"), start=1):
        body, plain = _step_html(step, i)
        panels.append(ipw.HTML(value=body))
        plains.append(plain)
    labels = [f"{i}. {s}" for i, s in enumerate(journey["步骤"], start=1)]
    default = default if 0 <= default < len(panels) else 0
    display(widgets.selector(labels, panels, "步骤：", default=default))
    display({"text/html": kit.message_html("这是本书依据规则表和来源构造的示意情景，不是真实病例。"
                                           "每一步的规则以编者注给出（编号见 data/reference/rules.csv），来源原句附在其后。", "info"),
             "text/plain": "\n\n".join(plains)}, raw=True)
