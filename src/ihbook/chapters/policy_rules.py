"""Chapter 5's national rulebook and the check of the policy table against it.

Split out of :mod:`ihbook.chapters.policy`: the rulebook (``data/reference/rules.csv``), the
insurance-pilot selection and the title/issuer/date/status comparison are one topic of their own;
``policy`` re-exports every name here.
"""

from __future__ import annotations

import html

import pandas as pd

from ihbook.evidence import reference
from ihbook.evidence import sources
from ihbook.show import widgets
from ihbook.chapters.policy_data import PolicyInputError, TOPIC_KEYS, _policies, display_title

# The report's three counts of provinces piloting online 医保 settlement (sections 2.1, 5.3, 10.2).
INSURANCE_PILOT = ("R25-025", "R25-156", "R25-302")


def insurance_pilot_ids(claim_ids=INSURANCE_PILOT) -> dict[str, list[str]]:
    """Selected from data, never typed: the conflicts of ``data/conflicts.csv`` among these claims
    and the pairs of ``data/undated_pairs.csv`` (“not comparable, undated”) among them."""
    from ihbook.evidence import conflicts, involving

    want = set(claim_ids)
    undated = [r.pair_id for r in conflicts.load_undated().itertuples()
               if set(involving.claim_list(r.claim_ids)) <= want]
    return {"conflicts": involving.conflict_ids(want, how="within"), "undated": undated}


# --------------------------------------------------------------------------- the rulebook

TOPICS = {"first_visit": "首诊与复诊：什么可以在网上看", "who_may_run": "谁可以办互联网医院",
          "who_may_practise": "谁可以在网上看病", "prescriptions": "处方", "drugs_online": "网上卖药",
          "insurance": "医保支付", "telemedicine": "远程医疗", "epidemic": "疫情期间的通知",
          "promotion": "总体方向", "supervision": "监管"}
TODAY_ORDER = ["first_visit", "who_may_run", "who_may_practise", "prescriptions", "drugs_online", "insurance"]


def rules(topic: str | None = None) -> pd.DataFrame:
    """The national rulebook (``data/reference/rules.csv``), optionally one topic, oldest first."""
    df = reference.load_rules()
    if topic is not None:
        if topic not in TOPICS:
            raise PolicyInputError(f"没有领域“{topic}”；可选：{'、'.join(TOPICS)}")
        df = df[df.topic == topic]
    return df.sort_values(["date", "rule_id"]).reset_index(drop=True)


def rules_table_html(topics: list[str] | None = None) -> str:
    """The rules of some topics as an escaped table: what the rule says, who, when, status, source page."""
    topics = topics or TODAY_ORDER
    rows = []
    for t in topics:
        for r in rules(t).to_dict("records"):
            who = f"{r['issuer']}《{r['title']}》" + (f"（{r['doc_number']}）" if r["doc_number"] else "")
            link = (f'<a href="{html.escape(r["url"], quote=True)}" rel="noopener nofollow">网页</a>'
                    if r["url"].startswith(("http://", "https://")) else "")
            own = "" if r["publisher_own"] == "true" else "（二手）"
            cells = [html.escape(TOPICS[t]), html.escape(r["provision"]), html.escape(who),
                     html.escape(r["date"] or "未见"), html.escape(r["status"]),
                     f"<small>“{html.escape(r['quote'])}”</small><br>{link}{html.escape(own)}"
                     f'<span class="ihbook-ref">〔{html.escape(r["rule_id"])}〕</span>']
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th>{c}</th>" for c in ["领域", "规定", "发布机关与文件", "日期", "状态", "读到的网页原文"])
    return widgets.scroll_region(f'<table class="ihbook-table"><thead><tr>{header}</tr></thead>'
                                 f"<tbody>{''.join(rows)}</tbody></table>", "全国规则（可滚动）")


def show_rules(topics: list[str] | None = None) -> None:
    """Display :func:`rules_table_html` with a plain-text twin."""
    from IPython.display import display

    df = pd.concat([rules(t) for t in (topics or TODAY_ORDER)])
    plain = "\n".join(f"{r.rule_id}  {r.provision}（{r.issuer}，{r.date or '日期未见'}，{r.status}）"
                      for r in df.itertuples())
    display({"text/html": rules_table_html(topics), "text/plain": plain}, raw=True)


ISSUER_SYNONYMS = [("国家卫健委", "国家卫生健康委员会"), ("国家卫计委", "国家卫生和计划生育委员会"),
                   ("原国家卫生和计划生育委员会", "国家卫生和计划生育委员会"),
                   ("国家医保局", "国家医疗保障局"), ("国家药监局", "国家药品监督管理局"),
                   ("国家中医药局", "国家中医药管理局"), ("国家发改委", "国家发展和改革委员会")]
STATUS_MAP = {"现行": "issued", "试点": "practice", "征求意见稿": "draft", "已废止": "issued",
              "已被替代": "issued"}
CHECK_LABELS = {"same": "一致", "differs": "不一致", "unstated": "来源未写", "unknown": "规则表未核实",
                "na": "—"}

# Online first visits: the rulebook limits internet diagnosis to follow-up visits; a mention that
# says first visits are allowed (可以首诊 / 允许首诊) without calling it a pilot contradicts it.
FIRST_VISIT_ALLOWED = ("可以首诊", "允许首诊", "首诊放开", "放开首诊")


def _norm_title(t: str) -> str:
    import re

    t = t.replace("(", "（").replace(")", "）")
    return re.sub(r"[《》“”\"'\s、，,。·]", "", t)


def _norm_issuer(s: str) -> str:
    for a, b in ISSUER_SYNONYMS:
        s = s.replace(a, b)
    return s


def _issuer_same(p: str, r: str) -> bool:
    """Whether a mention's issuer names the rule's issuer (every issuer the rule lists, or the
    mention's issuer is one of them; ``等部门`` is read as "and others")."""
    p = _norm_issuer(p).replace("等部门", "").replace("等", "")
    parts = [x for x in _norm_issuer(r).replace("、", ",").split(",") if x]
    return any(x in p or p in x for x in parts) and bool(p)


def check_against_rules() -> pd.DataFrame:
    """Every policy mention linked to the rulebook (``rule_key``), checked on title, year, issuer and
    status against the rule rows of that document, and on content where the rule is about first
    visits. Computed, one row per mention."""
    df = _policies()
    rb = reference.load_rules()
    out = []
    for p in df[df.rule_key != ""].to_dict("records"):
        if p["rule_key"] in TOPIC_KEYS:
            out.append(_topic_check(p, rb))
            continue
        doc = rb[rb.doc_key == p["rule_key"]]
        r = doc.iloc[0].to_dict()
        named = "页面只写简称" not in r["title"]     # the rulebook knows the document's full title
        # title
        if not p["title"]:
            title = "unstated"
        elif not named:
            title = "unknown"
        else:
            title = "same" if _norm_title(p["title"]) == _norm_title(r["title"]) else "differs"
        # year
        ryear = r["date"][:4] if r["date"] else ""
        if not p["year"]:
            year = "unstated"
        elif not ryear:
            year = "unknown"
        else:
            year = "same" if p["year"] == ryear else "differs"
        # issuer
        issuer_text = p["issuer"]
        if not issuer_text or "未具名" in issuer_text:
            issuer = "unstated"
        elif r["issuer"].startswith("（"):
            issuer = "unknown"
        else:
            issuer = "same" if _issuer_same(issuer_text, r["issuer"]) else "differs"
        # status: was the document issued, a draft, a pilot? (not whether it is still in force)
        rstatus = STATUS_MAP.get(r["status"]) or ("issued" if r["date"] and named else "")
        status = "unknown" if not rstatus else ("same" if rstatus == p["status"] else "differs")
        content = ""
        checks = {"title": title, "year": year, "issuer": issuer, "status": status}
        bad = [k for k, v in checks.items() if v == "differs"] + (["content"] if content.startswith("与规则不符") else [])
        out.append({"policy_id": p["policy_id"], "source_id": p["source_id"],
                    "mention": display_title(p),
                    "rule_doc": r["title"] if r["title"].startswith("《") else f"《{r['title']}》",
                    "rule_ids": ";".join(doc.rule_id),
                    **{f"{k}_check": CHECK_LABELS[v] for k, v in checks.items()},
                    "content_check": content,
                    "verdict": "与规则表不一致" if bad else (
                        "无法核实" if all(v in ("unknown", "unstated") for v in checks.values()) else "未见不一致"),
                    "differs_on": "、".join({"title": "标题", "year": "年份", "issuer": "发布机关",
                                            "status": "状态", "content": "内容"}[b] for b in bad)})
    return pd.DataFrame(out)


def _topic_check(p: dict, rb: pd.DataFrame) -> dict:
    """A mention that names no document but says what the rules of a topic are: compare its
    content with the national rules in force on that topic (only first visits, for now)."""
    topic = TOPIC_KEYS[p["rule_key"]]
    fv = rb[(rb.topic == topic) & (rb.level == "national") & (rb.status == "现行")]
    text_all = p["content"] + p["quote"]
    if any(k in text_all for k in FIRST_VISIT_ALLOWED):
        content, bad = f"与规则不符：全国规则只允许复诊（{'、'.join(fv.rule_id)}）", True
    elif "试点" in text_all:
        content, bad = "与规则一致：首诊仍是试点，全国规则只允许复诊", False
    else:
        content, bad = "未见不一致", False
    return {"policy_id": p["policy_id"], "source_id": p["source_id"], "mention": display_title(p),
            "rule_doc": f"{TOPICS[topic]}（{len(fv)} 条现行规定）", "rule_ids": ";".join(fv.rule_id),
            **{f"{k}_check": CHECK_LABELS["na"] for k in ("title", "year", "issuer", "status")},
            "content_check": content, "verdict": "与规则表不一致" if bad else "未见不一致",
            "differs_on": "内容" if bad else ""}


def rule_checks_html(df: pd.DataFrame | None = None) -> str:
    df = check_against_rules() if df is None else df
    rows = []
    for r in df.to_dict("records"):
        cells = [r["policy_id"], sources.short_name(r["source_id"]), r["mention"], r["rule_doc"],
                 r["title_check"], r["year_check"], r["issuer_check"], r["status_check"],
                 r["content_check"] or "—", f"{r['verdict']}" + (f"（{r['differs_on']}）" if r["differs_on"] else "")]
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th>{c}</th>" for c in ["编号", "来源", "来源所说", "规则表中的文件", "标题", "年份",
                                                "发布机关", "状态", "内容", "结论"])
    return widgets.scroll_region(f'<table class="ihbook-table"><thead><tr>{header}</tr></thead>'
                                 f"<tbody>{''.join(rows)}</tbody></table>", "来源的政策说法与全国规则（可滚动）")


def show_rule_checks() -> None:
    from IPython.display import display

    df = check_against_rules()
    plain = "\n".join(f"{r.policy_id}  {r.mention} → {r.verdict} {r.differs_on}" for r in df.itertuples())
    display({"text/html": rule_checks_html(df), "text/plain": plain}, raw=True)
