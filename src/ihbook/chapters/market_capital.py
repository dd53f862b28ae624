"""Chapter 8, market and capital: the names the notebook calls, in one place.

The chapter's computations live in :mod:`~ihbook.chapters.market_size` (five definitions of
market size), :mod:`~ihbook.chapters.market_users` (user counts and the metric explorer) and
:mod:`~ihbook.chapters.market_funding` (funding, deals and the lost digit). This module
re-exports them under the name the notebook imports (``from ihbook.chapters import
market_capital as market``) and glues the book's own computations the prose cites
(:func:`glue_checks`).
"""
from __future__ import annotations

from ihbook.chapters.market_funding import (  # noqa: F401
    LOST_CONTEXT, MAX_GAP, capital_chart, capital_points, clash_table, conflict_of, garble, garbled_on_page,
    implied_per_deal, listed_companies, lost_digit_candidates, lost_digit_span, lost_digit_table,
    segment_vs_total)
from ihbook.chapters.market_size import (  # noqa: F401
    MARKET_PANELS, convert, magnitude_table, market_claims, market_explorer, share_check)
from ihbook.chapters.market_users import (  # noqa: F401
    COMPANY_USER_METRICS, EXPLORER_TOPICS, LOG_RATIO, UNDATED_X, company_users, company_users_chart,
    explorer_metrics, metric_explorer, metric_figure, show_metric, users_chart)
from ihbook.evidence import conflicts
from ihbook.show.kit import table as show_table  # noqa: F401  (the notebook calls market.show_table)


# --------------------------------------------------------------------------- glue for prose

def glue_checks() -> None:
    """Glue the book's own computations that chapter 8's prose cites."""
    from IPython.display import Markdown
    from myst_nb import glue

    chk = share_check("WS21-004")
    glue("ch08-share-recomputed", Markdown(f"{chk['computed']:.1f}%（本书据 WS21-003 与 WS21-001 重算）"), display=False)
    glue("ch08-share-gap", Markdown(f"{chk['gap']:.1f} 个百分点（本书计算）"), display=False)
    data = market_claims().set_index("claim_id")
    spread = data.value.max() / data.value.min()
    glue("ch08-market-spread", Markdown(f"约 {spread:.0f} 倍（本书计算）"), display=False)
    tab = clash_table()
    for cid in ("GY24-015", "GY24-013"):
        row = tab[tab["数字A"].str.contains(cid) | tab["数字B"].str.contains(cid)]
        if len(row):
            glue(f"ch08-ratio-{cid}", Markdown(f"{float(row.iloc[0]['点值之比（本书计算）']):.0f} 倍（本书按点值计算）"),
                 display=False)
    for r in conflicts.load_conflicts().itertuples():
        glue(f"ch08-mag-{r.conflict_id}", Markdown(f"{float(r.magnitude):g} 倍（冲突清单记录的倍数）"), display=False)
    seg = segment_vs_total()
    if len(seg):
        glue("ch08-segment-max", Markdown(seg["细分÷全行业（本书计算）"].iloc[0] + "（本书计算）"), display=False)
    cand = lost_digit_candidates()
    fits = cand[cand["低于此前的高点？"] == "是"]
    glue("ch08-lost-range", Markdown(f"{fits['首位数字'].min()} 到 {fits['首位数字'].max()}"), display=False)
    imp = implied_per_deal()
    for r in imp.itertuples():
        glue(f"ch08-per-deal-{r.amount_id}", Markdown(f"{r.value:.2f}亿元/笔（本书计算）"), display=False)
