"""The package helpers every chapter uses: charts, quotes, jieba, widgets."""
import pandas as pd
import pytest

from ihbook.show import charts
from ihbook.evidence import ledger
from ihbook.evidence import quotes
from ihbook.evidence import text
from ihbook.show import widgets
from ihbook.evidence.paths import CHART_DATA


@pytest.fixture
def one_claim():
    return ledger.load_claims().iloc[0].to_dict()


def _fig(title="标题", ylabel="人数（亿人）"):
    fig, ax = charts.figure(title, "年份", ylabel)
    ax.bar(["a"], [1])
    return fig


def test_publish_renders_caption_source_csv_and_alt(shown, one_claim):
    data = pd.DataFrame({"label": ["甲"], "value": [one_claim["value"]], "claim_id": [one_claim["claim_id"]]})
    charts.publish(_fig(), "test-chart", data, caption="说明<b>", alt=None)
    html = shown[-1]["text/html"]
    assert "来源：" in html and "下载图表数据（CSV）" in html and 'alt="标题。甲：' in html
    assert "说明&lt;b&gt;" in html  # captions are escaped
    csv = pd.read_csv(CHART_DATA / "test-chart.csv")
    assert csv.loc[0, "quote"] == one_claim["quote"]
    (CHART_DATA / "test-chart.csv").unlink()


@pytest.mark.parametrize("title,ylabel,ids,msg", [
    ("", "人数（亿人）", None, "标题"),
    ("标题", "人数", None, "单位"),
    ("标题", "人数（亿人）", [""], "claim_id"),
])
def test_publish_refuses_incomplete_charts(shown, one_claim, title, ylabel, ids, msg):
    data = pd.DataFrame({"label": ["甲"], "value": [1.0], "claim_id": ids or [one_claim["claim_id"]]})
    with pytest.raises(charts.ChartError, match=msg):
        charts.publish(_fig(title, ylabel), "bad-chart", data, caption="c")


def test_sources_line_names_publisher_title_year(one_claim):
    line = charts.sources_line([one_claim["claim_id"]])
    assert line.startswith("来源：") and "《" in line and one_claim["source_id"][-4:] in line


def test_quote_is_verbatim_escaped_and_attributed(shown, one_claim):
    quotes.quote(one_claim["claim_id"])
    html = shown[-1]["text/html"]
    assert "<blockquote" in html and "——" in html and one_claim["claim_id"] in html
    assert one_claim["quote"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in html


def test_quotes_table_is_verbatim():
    assert quotes.check_quotes() == []


def test_jieba_user_dictionary_keeps_domain_terms_whole():
    words = text.cut("互联网医院推动分级诊疗与处方外流")
    assert "互联网医院" in words and "分级诊疗" in words and "处方外流" in words
    plain = text.cut("互联网医院推动分级诊疗与处方外流", userdict=False)
    assert "处方外流" not in plain  # the dictionary is what makes the difference


def test_widget_model_ids_are_deterministic():
    def build():
        widgets.deterministic_ids("test")
        box = widgets.selector(["甲", "乙"], [widgets.message("一"), widgets.message("二")], "选择")
        return [c.model_id for c in (box, *box.children, *box.children[1].children)]

    assert build() == build()


def test_selector_links_control_to_stack_in_browser():
    box = widgets.selector(["甲", "乙"], [widgets.message("一"), widgets.message("二")], "选择", default=1)
    ctl, stack = box.children
    assert stack.selected_index == 1 and ctl.index == 1
    ctl.index = 0
    # jslink does its work in the browser; the kernel-side link exists as a Link widget
    assert any(type(x).__name__ == "Link" for x in widgets._instances().values())


def test_message_escapes_markup():
    m = widgets.message("<script>alert(1)</script>")
    assert "<script>" not in m.value and "&lt;script&gt;" in m.value


def test_publish_accepts_the_books_own_computations_with_a_source(shown):
    data = pd.DataFrame({"label": ["字数"], "value": [4616.0], "source_id": ["woshipm-2021"]})
    charts.publish(_fig(ylabel="字数（个）"), "test-computed", data, caption="本书计算")
    html = shown[-1]["text/html"]
    assert "来源：人人都是产品经理（2021）" in html
    csv = pd.read_csv(CHART_DATA / "test-computed.csv", keep_default_na=False)
    assert csv.loc[0, "kind"] == "computed"
    (CHART_DATA / "test-computed.csv").unlink()


def _reference_png(fig, fits: int = 1) -> bytes:
    """What to_png gave before it reused the fit's measurement: fit (``fits`` times, as publish
    did), then let savefig measure the tight box itself."""
    import io

    import matplotlib.pyplot as plt

    for _ in range(fits):
        charts.fit_to_content(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=charts.DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _wide_labels():  # long tick labels: the fit narrows the figure over several rounds
    fig, ax = charts.figure("很长的标签", "数值（个）", "", size=(9.0, 4.0))
    ax.barh(range(4), [3, 1, 4, 1])
    ax.set_yticks(range(4), ["一个非常非常长的类别名称甲" * 2, "乙", "丙" * 12, "丁"])
    return fig


def _long_labels():  # still overhanging after the fit's three rounds: publish's second fit goes on
    fig, ax = charts.figure("标签", "数值（个）", "")
    ax.barh(range(3), [3, 1, 4])
    ax.set_yticks(range(3), ["长" * 14, "乙", "丙"])
    return fig


def _heat():  # an image with equal aspect and rotated labels
    import numpy as np

    fig, ax = charts.figure("热图", "词（个）", "词", size=(5.0, 4.5))
    ax.imshow(np.arange(16).reshape(4, 4), cmap="Blues")
    ax.set_xticks(range(4), ["疫情", "医保", "监管", "数据安全"], rotation=45, ha="right")
    return fig


@pytest.mark.parametrize("make", [_fig, _wide_labels, _long_labels, _heat])
def test_png_is_what_savefig_tight_gives_for_the_fitted_figure(make):
    """to_png crops with the box the fit measured instead of drawing the figure again: the bytes
    are those of the plain path (fit, then savefig measuring the tight box)."""
    assert charts.to_png(make()) == _reference_png(make())


@pytest.mark.parametrize("make", [_fig, _wide_labels, _long_labels])
def test_publish_embeds_the_png_of_fitting_twice(shown, make):
    """publish fits the figure (for the smallest font size) and then saves it: the image is the
    one fitting twice and letting savefig measure gave (the second fit is not repeated)."""
    import base64
    import re

    data = pd.DataFrame({"label": ["字数"], "value": [1.0], "source_id": ["woshipm-2021"]})
    charts.publish(make(), "test-fit-once", data, caption="本书计算")
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', shown[-1]["text/html"]).group(1))
    assert png == _reference_png(make(), fits=2)
    (CHART_DATA / "test-fit-once.csv").unlink()
