"""Chapter 10's tools for checking numbers: conflicts judged, the detector measured, sources profiled.

The conflict detector (:mod:`ihbook.evidence.conflicts`) says *where* the sources disagree. This
module helps a reader judge *why*, and how far to trust the detector itself:

* this module — the notes (``data/conflict_notes.csv``: a verdict, a likely reason and a note
  for every conflict), the conflict tables by kind and by rule, precision and recall
  (:mod:`ihbook.evidence.recall`), one claim column by column, and the glue for the prose;
* :mod:`~ihbook.chapters.checking_numbers_panels` — one conflict as an HTML panel (quotes, a bar
  per figure, no images), the conflict browser, the overview chart, every share or growth redone;
* :mod:`~ihbook.chapters.checking_numbers_sources` — the source profile (unnamed “某…” cases,
  round numbers, self-contradictions, reused figures, named data origins) and a text search.

The words for reasons, kinds and ledger columns live in data files (``data/conflict_reasons.csv``,
``conflict_generic_notes.csv``, ``ledger_fields.csv``, ``source_organisations.csv``), each with a
schema. Everything is computed when the chapter runs: a regenerated ``data/conflicts.csv`` is
shown in full.
"""
from __future__ import annotations

import html
from functools import lru_cache
from importlib import import_module
from pathlib import Path

import pandas as pd

from ihbook.evidence import conflicts
from ihbook.evidence import ledger
from ihbook.evidence import recall as quality
from ihbook.evidence import sources
from ihbook.evidence import vocabulary
from ihbook.evidence.paths import DATA
from ihbook.show import kit, labels

NOTES = DATA / "conflict_notes.csv"
NOTE_COLUMNS = ["conflict_id", "verdict", "likely_reason", "note"]
VERDICTS = quality.VERDICTS
KIND_ORDER = ["cross-source", "within-source", "arithmetic", "definition"]
RULE_ORDER = list(conflicts.RULE_LABELS)


@lru_cache(maxsize=None)
def _table(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)


def reasons() -> dict[str, str]:
    """Reason key → Chinese label (data/conflict_reasons.csv)."""
    return dict(zip(_table("conflict_reasons").reason, _table("conflict_reasons").label))


def reason_colors() -> dict[str, str]:
    """Chinese reason label → colour for the overview chart."""
    t = _table("conflict_reasons")
    return dict(zip(t.label, t.color))


def generic_notes() -> dict[str, tuple[str, str]]:
    """Conflict kind → (reason key, note) for a conflict the notes do not cover yet."""
    t = _table("conflict_generic_notes")
    return {r.kind: (r.reason, r.note) for r in t.itertuples()}


def organisations() -> dict[str, list[str]]:
    """Organisations a source may name as the origin of its numbers → their spellings."""
    t = _table("source_organisations")
    return {r.organisation: r.aliases.split(";") for r in t.itertuples()}


def field_notes() -> dict[str, str]:
    return dict(zip(_table("ledger_fields").column, _table("ledger_fields").meaning))


# One display kit (ihbook.show.kit): the chapter's names stay, the copies are gone.
_say = kit.say
_html = kit.show
show_table = kit.table  # a table without the pandas index, escaped, with a plain-text twin


# ---------------------------------------------------------------------------- the notes

@lru_cache(maxsize=8)
def _read_notes(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def load_notes(path=NOTES) -> pd.DataFrame:
    """data/conflict_notes.csv (a copy), read once per version of the file."""
    st = Path(path).stat()
    return _read_notes(str(path), st.st_mtime_ns, st.st_size).copy()


def check_notes(path=NOTES) -> list[ledger.DataError]:
    """Problems in the notes: bad verdict or reason, empty note, duplicate or stale id, and any
    conflict without a note (every conflict must carry a verdict)."""
    name = "data/conflict_notes.csv"
    df = load_notes(path)
    if list(df.columns) != NOTE_COLUMNS:
        return [ledger.DataError(name, 1, ",".join(df.columns), f"列应为 {','.join(NOTE_COLUMNS)}")]
    known = set(conflicts.load_conflicts().conflict_id)
    errors = []
    for i, r in enumerate(df.to_dict("records"), start=2):
        if r["verdict"] not in VERDICTS:
            errors.append(ledger.DataError(name, i, "verdict", f"“{r['verdict']}”不在 {'/'.join(VERDICTS)} 中"))
        if r["likely_reason"] not in reasons():
            errors.append(ledger.DataError(name, i, "likely_reason", f"“{r['likely_reason']}”不在 {'/'.join(reasons())} 中"))
        if not r["note"].strip():
            errors.append(ledger.DataError(name, i, "note", "说明为空"))
        if r["conflict_id"] not in known:
            errors.append(ledger.DataError(name, i, "conflict_id", f"“{r['conflict_id']}”不在 data/conflicts.csv 中（已过时？）"))
    for cid in sorted(known - set(df.conflict_id)):
        errors.append(ledger.DataError(name, len(df) + 2, "conflict_id", f"冲突 {cid} 没有判定与说明"))
    for cid in df.conflict_id[df.conflict_id.duplicated()]:
        errors.append(ledger.DataError(name, int(df.index[df.conflict_id == cid][-1]) + 2, "conflict_id", f"“{cid}”重复"))
    return errors


@lru_cache(maxsize=4)
def _conflicts_by_id(mtime_ns: int, size: int) -> dict[str, dict]:
    return {r["conflict_id"]: r for r in conflicts.load_conflicts().to_dict("records")}


def conflict(conflict_id: str) -> dict:
    """One row of data/conflicts.csv; an unknown id gives a clear Chinese error."""
    st = conflicts.CONFLICTS.stat()
    row = _conflicts_by_id(st.st_mtime_ns, st.st_size).get(conflict_id)
    if row is None:
        raise KeyError(f"冲突清单中没有“{conflict_id}”（编号形如 CF- 加六位十六进制数）")
    return dict(row)


def explain(conflict_id: str) -> tuple[str, str, bool]:
    """``(reason label, note, specific?)``: the note for this conflict, or the generic one by kind."""
    c = conflict(conflict_id)
    st = NOTES.stat()
    r = _notes_by_id(str(NOTES), st.st_mtime_ns, st.st_size).get(conflict_id)
    if r:
        return reasons()[r["likely_reason"]], r["note"], True
    reason, text = generic_notes().get(c["kind"], ("definition", "（暂无说明）"))
    return reasons()[reason], text, False


def verdict(conflict_id: str) -> str:
    """The chapter's verdict on a conflict in Chinese (真实分歧 / 微不足道 / 不是冲突 / 未判定)."""
    st = NOTES.stat()
    row = _notes_by_id(str(NOTES), st.st_mtime_ns, st.st_size).get(conflict_id)
    return VERDICTS.get(row["verdict"], "未判定") if row else "未判定"


@lru_cache(maxsize=4)
def _notes_by_id(path: str, mtime_ns: int, size: int) -> dict[str, dict]:
    return {r["conflict_id"]: r for r in _read_notes(path, mtime_ns, size).to_dict("records")}


def claims_of(conflict_id: str) -> pd.DataFrame:
    """The claims of one conflict, in the order the conflict lists them."""
    return pd.DataFrame([ledger.claim(i) for i in conflict(conflict_id)["claim_ids"].split(";")], columns=ledger.COLUMNS)


def stated_claim(conflict_id: str) -> dict:
    """In an arithmetic conflict, the claim that states the share/growth/sum (its relation names
    the others); otherwise the first claim."""
    recs = claims_of(conflict_id).to_dict("records")
    ids = {r["claim_id"] for r in recs}
    for r in recs:
        if r["relation"] and set(r["relation"].split(":")[1].split(",")) <= ids:
            return r
    return recs[0]


def arithmetic_working(conflict_id: str) -> str:
    """How an arithmetic conflict was found, in words: the recomputation, or the part and whole."""
    c = conflict(conflict_id)
    if c["rule"] != "stated-relation":
        return c["summary"]
    stated = stated_claim(conflict_id)
    if stated["relation"].startswith("exceeds"):
        return f"{stated['claim_id']} 称其数值大于所比较的数字，但并不更大。"
    by_id = {r["claim_id"]: r for r in ledger.load_claims().to_dict("records")}
    got = conflicts.recompute(stated, by_id)
    if got is None:
        return "无法重算（缺少时期）。"
    return f"来源称 {ledger.display_value(stated)}（{stated['claim_id']}）；重算：{got[1]}"


# ------------------------------------------------------------------------ conflict tables

def conflicts_table(kind: str | None = None) -> pd.DataFrame:
    """The conflict list with rule, verdict and reason attached (all kinds, or one)."""
    df = conflicts.load_conflicts()
    if kind is not None:
        df = df[df.kind == kind]
    rows = []
    for r in df.to_dict("records"):
        reason, note, specific = explain(r["conflict_id"])
        rows.append({"编号": r["conflict_id"], "类型": conflicts.KIND_LABELS.get(r["kind"], r["kind"]),
                     "规则": conflicts.RULE_LABELS.get(r["rule"], r["rule"]), "涉及数字": r["claim_ids"].replace(";", "、"),
                     "倍数": r["magnitude"], "判定": verdict(r["conflict_id"]), "可能原因": reason,
                     "说明": note + ("" if specific else "（一般说明）"), "摘要": r["summary"]})
    return pd.DataFrame(rows, columns=["编号", "类型", "规则", "涉及数字", "倍数", "判定", "可能原因", "说明", "摘要"])


def kinds_present() -> list[str]:
    """Kinds in the conflict list: the four known ones first, then any new kind."""
    kinds = list(dict.fromkeys(conflicts.load_conflicts().kind))
    return [k for k in KIND_ORDER if k in kinds] + [k for k in kinds if k not in KIND_ORDER]


def conflict_list(kind: str) -> None:
    """Display every conflict of one kind as a table: summary, rule, verdict, reason and note."""
    tab = conflicts_table(kind)
    if tab.empty:
        _say(f"冲突清单中没有“{conflicts.KIND_LABELS.get(kind, kind)}”类冲突。")
        return
    cols = ["编号", "摘要", "规则", "判定", "可能原因", "说明"]
    rows = [[html.escape(str(r[c])) for c in cols] for r in tab.to_dict("records")]
    plain = "\n".join(f"{r['编号']}｜{r['规则']}｜{r['判定']}｜{r['摘要']}" for r in tab.to_dict("records"))
    kit.show(kit.html_table(cols, rows, classes="ihbook-table ihbook-conflicts"), plain)


def other_kinds() -> None:
    """Conflicts of any kind the chapter has no section for (so none can go missing)."""
    extra = [k for k in kinds_present() if k not in KIND_ORDER]
    if not extra:
        _say("冲突清单中没有其他类型的冲突：以上各节已列出全部。")
        return
    for k in extra:
        conflict_list(k)


def coverage() -> dict:
    """How many conflicts the list holds, by kind, and how many have a specific note."""
    df = conflicts.load_conflicts()
    noted = set(load_notes().conflict_id)
    return {"total": len(df), "by_kind": {conflicts.KIND_LABELS.get(k, k): int(n)
                                          for k, n in df.kind.value_counts().reindex(kinds_present()).items()},
            "with_note": int(df.conflict_id.isin(noted).sum())}


def kind_counts_text() -> str:
    """‘来源之间 10 条、…’: the conflict list counted by kind (for the chapter's summary)."""
    cov = coverage()
    return "、".join(f"{k} {n} 条" for k, n in cov["by_kind"].items()) + f"，共 {cov['total']} 条"


def rule_examples() -> pd.DataFrame:
    """One row per rule of the detector: how many conflicts it found and one real example."""
    df = conflicts.load_conflicts()
    rows = []
    for rule in RULE_ORDER:
        hit = df[df.rule == rule].sort_values("magnitude", key=lambda s: s.astype(float))
        rows.append({"规则": conflicts.RULE_LABELS[rule], "rule": rule, "条数": len(hit),
                     "例子": hit.conflict_id.iloc[0] if len(hit) else "（账本中暂无）",
                     "摘要": hit.summary.iloc[0] if len(hit) else ""})
    return pd.DataFrame(rows)


def undated_table() -> pd.DataFrame:
    """The “not comparable (undated)” pairs, as the chapter shows them."""
    und = conflicts.load_undated()
    return pd.DataFrame({"编号": und.pair_id, "涉及数字": und.claim_ids.str.replace(";", "、"), "说明": und.summary})


# ------------------------------------------------------------------- precision and recall

def misses() -> pd.DataFrame:
    """The independent read's disagreements the detector did not cover, and those judged not to
    be disagreements, each with the reason (from data/conflict_recall.csv)."""
    table = quality.load_mapping()
    independent = pd.read_csv(quality.INDEPENDENT, dtype=str, keep_default_na=False).set_index("dis_id")
    out = table[table.status != "matched"].copy()
    out["状态"] = out.status.map({"missed": "漏检", "excluded": "判定不是分歧（不计入）"})
    out["审读者的说明"] = out.dis_id.map(independent["explanation"])
    return out.rename(columns={"dis_id": "编号", "measure": "审读者写的量", "reason": "本书的理由"})[
        ["编号", "状态", "审读者写的量", "审读者的说明", "本书的理由"]]


# ------------------------------------------------------------------------- the ledger

def _readable(col: str, text: str) -> str:
    """A ledger value as a reader sees it: coded values in Chinese, keys with their label first."""
    if not text:
        return text
    named = {"metric": ledger.label, "entity": ledger.entity_label}.get(col)
    if named is not None:
        readable = named(text)
        return f"{readable}（{text}）" if readable and readable != text else text
    return labels.value(col, text)


def claim_fields(claim_id: str) -> pd.DataFrame:
    """One claim laid out column by column, with what each column means."""
    c = ledger.claim(claim_id)
    notes = field_notes()
    rows = []
    for col in ledger.COLUMNS:
        v = c[col]
        text = "" if v is None or (isinstance(v, float) and pd.isna(v)) else (f"{v:g}" if isinstance(v, float) else str(v))
        name = labels.column(col)
        rows.append({"列": f"{name}（{col}）" if name != col else col, "含义": notes.get(col, ""),
                     "这一条的值": _readable(col, text)})
    return pd.DataFrame(rows)


def claim_card(claim_id: str) -> None:
    """Reader-callable: one claim with its quote, provenance, and the recomputation if any."""
    if not isinstance(claim_id, str) or not ledger.CLAIM_ID.match(claim_id.strip()):
        _say(f"“{str(claim_id)[:40]}”不是数字编号：编号形如 WS21-001。")
        return
    try:
        c = ledger.claim(claim_id.strip())
    except KeyError as exc:
        _say(str(exc).strip("'\""))
        return
    who = ledger.ATTRIBUTION_LABELS.get(c["attributed_to"], c["attributed_to"])
    lines = [f"{c['claim_id']}｜{sources.short_name(c['source_id'])}｜{c['period'] or '时期未说明'}"
             f"（{ledger.PERIOD_RULE_LABELS.get(c['period_rule'], '')}）｜"
             f"{ledger.label(c['metric'])}（{ledger.entity_label(c['entity'])}）：{ledger.display_value(c)}，"
             f"{ledger.KIND_LABELS[c['kind']]}，测得者：{who}", f"原文：{c['quote']}"]
    if c["same_as"]:
        lines.append(f"重复陈述：与 {c['same_as']} 是同一句话的再次出现，只算一次。")
    if c["relation"] and not c["relation"].startswith("exceeds"):
        by_id = {r["claim_id"]: r for r in ledger.load_claims().to_dict("records")}
        got = conflicts.recompute(c, by_id)
        if got:
            lines.append(f"重算：{got[1]}")
    body = "<br>".join(html.escape(x) for x in lines)
    _html(f'<div class="ihbook-claim">{body}</div>', "\n".join(lines))


# ------------------------------------------------------------------------ glue for prose

def glue_numbers() -> None:
    """Glue the chapter's computed figures (counts and rates) for {glue:md} in the prose."""
    from IPython.display import Markdown
    from myst_nb import glue
    from ihbook.chapters import checking_numbers_panels as panels, checking_numbers_sources as profile

    def g(key: str, text: str) -> None:
        glue(key, Markdown(text), display=False)

    found = conflicts.load_conflicts()
    cov = coverage()
    g("ch10-total", f"{cov['total']} 条")
    for kind in KIND_ORDER:
        g(f"ch10-n-{kind}", f"{int((found.kind == kind).sum())} 条")
    for rule in RULE_ORDER:
        g(f"ch10-rule-{rule}", f"{int((found.rule == rule).sum())} 条")
    g("ch10-with-note", f"{cov['with_note']} 条")
    g("ch10-undated", f"{len(conflicts.load_undated())} 对")
    p, r = quality.precision(), quality.recall()
    g("ch10-precision", f"{p['precision']:g}%（{p['real']}/{p['conflicts']}）")
    g("ch10-recall", f"{r['recall']:g}%（{r['matched']}/{r['counted']}）")
    g("ch10-recall-rows", f"{r['rows']} 条")
    g("ch10-recall-excluded", f"{r['excluded']} 条")
    g("ch10-recall-missed", f"{len(r['missed'])} 条")
    claims = ledger.load_claims()
    g("ch10-ledger-size", f"{len(claims)} 条")
    g("ch10-metric-keys", f"{len(ledger.metrics())} 个")
    g("ch10-measures", f"{len(vocabulary.measures())} 个")
    g("ch10-entity-keys", f"{len(ledger.entities())} 个")
    g("ch10-relations", f"{int((claims.relation != '').sum())} 条")
    g("ch10-repeats", f"{int((claims.same_as != '').sum())} 条")
    g("ch10-unattributed", f"{int((claims.kind == 'unattributed').sum())} 条")
    g("ch10-dated", f"{int((claims.period != '').sum())} 条")
    g("ch10-undated-claims", f"{int((claims.period == '').sum())} 条")
    g("ch10-narrative-present", f"{int((claims.period_rule == 'narrative-present').sum())} 条")
    legacy, cross, anyone = (vocabulary.comparable_share(claims, legacy=True), vocabulary.comparable_share(claims),
                             vocabulary.comparable_share(claims, cross=False))
    g("ch10-comparable-legacy", f"{legacy['share']:g}%")
    g("ch10-comparable-cross", f"{cross['share']:g}%（{cross['comparable']}/{cross['claims']}）")
    g("ch10-comparable-any", f"{anyone['share']:g}%（{anyone['comparable']}/{anyone['claims']}）")
    checks = panels.arithmetic_checks()
    g("ch10-arith-total", f"{len(checks)} 条")
    g("ch10-arith-fail", f"{int((checks['结论'] != '相符').sum())} 条")
    g("ch10-within-origin", profile.within_origin())
    prof = profile.source_profile().set_index("source_id")
    for sid, row in prof.iterrows():
        g(f"ch10-anon-{sid}", f"{row['“某”每万字']:g} 次")
        g(f"ch10-anecdote-{sid}", f"{row['个例占比（%）']:g}%")
        g(f"ch10-round-{sid}", f"{row['整数/约数占比（%）']:g}%")
        g(f"ch10-claims-{sid}", f"{row['数字条数']} 条")
        g(f"ch10-unsourced-{sid}", f"{row['无出处占比（%）']:g}%")
    g("ch10-anon-count-report-2025", f"{len(profile.ANON.findall(sources.text('report-2025')))} 处")
    g("ch10-reused-report-2025", f"{len(profile.reused_figures('report-2025'))} 组")
    g("ch10-within-report-2025", f"{prof.loc['report-2025', '内部冲突']} 条")


# Re-exported for the chapter, loaded on first use (both modules import this one: no import cycle).
_LAZY = {n: "checking_numbers_panels" for n in ("arithmetic_checks", "conflict_browser", "conflict_html",
         "conflict_values", "overview_chart", "show_conflict")} | {n: "checking_numbers_sources" for n in (
         "ANON", "anon_rate", "cited_organisations", "is_round", "kwic", "profile_bars", "profile_table",
         "reused_figures", "shared_number_sets", "source_profile", "within_conflicts", "within_origin")}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"ihbook.chapters.{_LAZY[name]}"), name)
