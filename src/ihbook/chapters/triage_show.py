"""Showing the triage demo: the walk through the steps as escaped HTML and plain text, the
department-score figure, and the two widgets (kernel-free examples, live text box).

Everything the reader typed is escaped; a refused input is echoed only in part
(:func:`ihbook.chapters.triage_normalize.excerpt`).
"""
from __future__ import annotations

import html

from ihbook.chapters import triage as tr
from ihbook.chapters import triage_redflags as redflags
from ihbook.show import kit


def _esc(s) -> str:
    return html.escape(str(s))


def _safety(res) -> str:
    return (f'<p class="ihbook-triage-safety" role="note"><b>⚠ {_esc(res.safety_net)}</b></p>'
            if res.safety_net else "")


def _red_flag_html(res) -> str:
    cats = redflags.categories().set_index("category")
    present = redflags.present(res.red_flags)
    items = "".join(f"<li>{_esc(h.name)}：“{_esc(h.word)}”（规则 {_esc(h.rule_id)}；依据："
                    f"{_esc(cats.loc[h.category, 'guideline'])}）</li>" for h in present)
    if res.alarm:
        items += f"<li>{_esc(alarm_text(res))}</li>"
    return (f'<p class="ihbook-triage-emergency" role="alert"><b>⛔ {_esc(tr.EMERGENCY)}</b></p>'
            f"<p><b>⓪ 红旗优先</b>：识别到红旗症状，线上分诊到此为止，不再分科室、不再追问。</p><ul>{items}</ul>")


def explain_html(res) -> str:
    """The walk through the steps of the flow, as escaped HTML."""
    head = f'<div class="ihbook-triage"><p class="ihbook-triage-disclaimer"><b>⚠ {_esc(tr.DISCLAIMER)}</b></p>'
    if res.status == "red_flag":
        shown = tr.excerpt(res.text, 120)
        return head + f"<p><b>① 主诉</b>：“{_esc(shown)}”</p>" + _red_flag_html(res) + "</div>"
    if res.status == "invalid":
        return (head + f"<p><b>⓪ 红旗优先</b>：没有识别到红旗症状。</p><p><b>① 患者信息采集</b>：收到“{_esc(res.text)}”。</p>"
                f'{kit.message_html(res.message, "warning")}{_safety(res)}</div>')
    present = res.present
    negated = [m for m in res.matches if m.negated]

    def words(kind):
        ws = [f"{_esc(m.word)}→{_esc(m.term)}" for m in present if m.kind == kind]
        return "、".join(ws) if ws else "（无）"

    who = res.patient
    who_txt = "；".join(x for x in [f"年龄 {who.age:g} 岁" if who and who.age is not None else "",
                                   f"性别 {who.sex}" if who and who.sex else "",
                                   "儿童" if who and who.child else "", "怀孕" if who and who.pregnant else ""] if x)
    steps = [
        "<p><b>⓪ 红旗优先</b>：没有识别到红旗症状"
        + (f"（被否定的红旗说法：{'、'.join(_esc(m.word) for m in negated if m.kind == 'red_flag')}）"
           if any(m.kind == "red_flag" for m in negated) else "") + "。</p>",
        f"<p><b>① 患者信息采集</b>：主诉“{_esc(res.text)}”。{('患者信息：' + _esc(who_txt) + '。') if who_txt else ''}"
        f"分词：{_esc(' / '.join(res.tokens))}</p>",
        "<p><b>② 医疗信息识别</b></p><ul>"
        f"<li>意图：{_esc('、'.join(res.intents))}</li>"
        f"<li>疾病：{words('disease')}</li>"
        f"<li>症状：{words('symptom')}</li>"
        + (f"<li>被否定、不计入：{'、'.join(_esc(m.word) for m in negated)}</li>" if negated else "")
        + (f"<li>症状补充（追问）：{_esc(' '.join(res.follow_ups))}</li>" if res.follow_ups else "")
        + "</ul>",
    ]
    if res.status == "unknown":
        steps.append(f"<p><b>③ 分诊到二级科室</b>：{_esc(res.message)}</p>")
    else:
        score_txt = "；".join(f"{_esc(d)} {s} 分" for d, s in sorted(res.scores.items(), key=lambda kv: -kv[1]))
        steps.append(f"<p><b>③ 分诊到二级科室</b>：<b>{_esc(res.department)}</b>。得分：{score_txt or '（规则没有给出科室）'}。"
                     + (f"特殊科室映射：{_esc(res.mapping)}。" if res.mapping else "")
                     + f"依据：{_esc(res.message.split('依据：')[-1].rstrip('）'))}</p>")
        if res.routing:
            steps.append(f"<p><b>③′ 统计兜底</b>：{_esc(fallback_text(res))}</p>")
        steps.append("<p><b>④ 匹配擅长医生</b>：真实平台会在该科室里按擅长疾病、职称和排班匹配医生；"
                     "本演示没有医生数据，这一步只作示意。</p>")
        steps.append("<p><b>⑤ 线上问诊</b>：由医生接诊并做出诊断——诊断是诊前与诊后的分界线，本演示不做诊断。</p>")
    return head + "".join(steps) + _safety(res) + "</div>"


def alarm_text(res) -> str:
    """One sentence on a red flag raised by the statistical second net rather than a rule."""
    return (f"没有哪条红旗规则命中，但统计模型认为这段话像急症的说法（它给“急症”的份额 {res.alarm.prob:.0%}，"
            f"依据 {res.alarm.evidence} 个已知的字片段）。宁可多提醒一次，也不漏掉急症。")


def fallback_text(res) -> str:
    """One sentence on why the statistical fallback answered instead of the rules."""
    r = res.routing
    state, _, label = res.rules_said.partition(":")
    why = {"unknown": "规则没有认出症状",
           "low": f"规则的答案是{label}，但把握不够",
           "ok": f"规则的答案是{label}，但统计模型几乎确定是另一个科室"}.get(state, "规则拿不准")
    return (f"{why}；统计模型按与训练语料中相似主诉的字面相似度，推测为{r.best}"
            f"（模型给它的份额 {r.prob:.1%}，依据 {r.evidence} 个已知的字片段）。这是推测，不是识别。")


def explain_text(res) -> str:
    """The same walk as plain text (what nbval compares and a terminal shows)."""
    lines = [f"【{tr.DISCLAIMER}】", f"主诉：{tr.excerpt(res.text, 120)}"]
    if res.status == "red_flag":
        flags = "、".join([f"{h.name}（“{h.word}”，规则 {h.rule_id}）" for h in redflags.present(res.red_flags)]
                         + ([alarm_text(res)] if res.alarm else []))
        return "\n".join(lines + [f"红旗：{flags}", f"结论：{tr.EMERGENCY}"])
    if res.status == "invalid":
        return "\n".join(lines + [res.message, res.safety_net])
    lines.append("分词：" + " / ".join(res.tokens))
    lines.append("意图：" + "、".join(res.intents))
    lines.append("识别：" + ("、".join(f"{m.word}→{m.term}（{m.department}）" for m in res.present) or "（无）"))
    neg = [m.word for m in res.matches if m.negated]
    if neg:
        lines.append("被否定：" + "、".join(neg))
    if res.follow_ups:
        lines.append("追问：" + " ".join(res.follow_ups))
    if res.routing:
        lines.append("统计兜底：" + fallback_text(res))
    if res.mapping:
        lines.append("特殊科室映射：" + res.mapping)
    lines.append("结论：" + res.message)
    if res.safety_net:
        lines.append(res.safety_net)
    return "\n".join(lines)


def demo(complaint) -> None:
    """Show the walk-through for one complaint (escaped; bad input gets a message, not an error)."""
    from IPython.display import display

    res = tr.triage(complaint)
    display({"text/html": explain_html(res), "text/plain": explain_text(res)}, raw=True)


def score_figure(res, title: str):
    """Department scores for one complaint (the book's demo computation, not source data)."""
    from ihbook.show import charts

    n = max(len(res.scores), 1)
    fig, ax = charts.figure(title, "得分（分）", "", size=(6.4, 1.3 + 0.45 * n))
    ax.grid(axis="x", alpha=0.3)
    ax.grid(axis="y", visible=False)
    if res.scores:
        items = sorted(res.scores.items(), key=lambda kv: (kv[1], -tr.DEPARTMENTS.index(kv[0])))
        best = max(res.scores, key=res.scores.get)
        colors = ["#d1495b" if d == tr.EMERGENCY_DEPT else ("#1f5aa6" if d in (res.department, best) else "#9db4d3")
                  for d, _ in items]
        ax.barh([d for d, _ in items], [s for _, s in items], color=colors)
        for i, (_, s) in enumerate(items):
            ax.annotate(f"{s}", (s, i), xytext=(3, -3), textcoords="offset points", fontsize=9)
        ax.set_xlim(0, max(res.scores.values()) * 1.25)
    else:
        ax.set_yticks([])
        ax.text(0.5, 0.5, "没有可计算的科室得分", transform=ax.transAxes, ha="center", va="center", color="#555")
    return fig


def examples_widget(complaints: list[tuple[str, str]], default: int = 0):
    """Worked examples as a kernel-free selector: each view shows the walk-through and the scores."""
    import ipywidgets as ipw

    from ihbook.show import charts, widgets

    widgets.deterministic_ids("ch03-triage-examples")
    panels = []
    for label, complaint in complaints:
        res = tr.triage(complaint)
        fig = score_figure(res, f"科室得分：{label}（教学演示）")
        alt = explain_text(res).replace("\n", "；")
        panels.append(ipw.VBox([ipw.HTML(value=explain_html(res)), widgets.state_panel(charts.to_png(fig), alt)]))
    return widgets.selector([c[0] for c in complaints], panels, "例子：", default=default)


def live_widget():
    """A text box and a button: type a complaint and see the walk-through (needs a kernel)."""
    import ipywidgets as ipw

    from ihbook.show import widgets

    widgets.deterministic_ids("ch03-triage-live")
    box = ipw.Textarea(value="", placeholder="在这里输入主诉，例如：咳嗽三天，有黄痰，没有发烧",
                       layout=ipw.Layout(width="100%", height="4em"))
    box.description = "主诉："
    button = ipw.Button(description="分诊（教学演示）")
    out = ipw.HTML(value=kit.message_html(f"{tr.DISCLAIMER} 输入主诉后点击按钮。"))

    def run(_=None):
        out.value = explain_html(tr.triage(box.value))

    button.on_click(run)
    ui = ipw.VBox([box, button, out])
    ui.add_class("ihbook-widget")
    return ui


GUIDELINE_NOTE = ("五份来源都没有给出急症的清单。演示的红旗类别取自公开的急救指南和医院的急诊分级文件（下列页面），"
                  "每一类依据哪一页、页面原文是什么，见下表和 data/triage_redflags.csv。它们只用来决定“哪些情况必须让病人"
                  "马上线下就医”，不是诊断标准。")


def guideline_note_html() -> str:
    """The 编者注 naming the published guideline pages behind the red-flag categories (escaped)."""
    from ihbook.show.notes import editor_note_html

    return editor_note_html(";".join(redflags.guideline_ids()), GUIDELINE_NOTE)


def guideline_note() -> None:
    """Display the 编者注 (rows of data/reference/guidelines.csv, via ihbook.show.notes.editor_note)."""
    from ihbook.show.notes import editor_note

    editor_note(";".join(redflags.guideline_ids()), GUIDELINE_NOTE)
