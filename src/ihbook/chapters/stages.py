"""Chapter 2, the stages of China's internet healthcare: the names notebooks call, in one place.

The data, its checks and the questions asked of it (which stage a year falls in, which events
a stage holds) are in :mod:`~ihbook.chapters.stages_data`; the figures, the side-by-side table
and the stage explorer in :mod:`~ihbook.chapters.stages_charts`. Chapters 2, 3 and 4 import
this module (``from ihbook.chapters import stages``) and keep calling the same names.
"""
from __future__ import annotations

from ihbook.chapters.stages_charts import (  # noqa: F401
    SMART_LABEL, explorer, funding_chart, per_deal_chart, side_by_side, spread_labels, timeline_chart,
    timeline_figure)
from ihbook.chapters.stages_data import (  # noqa: F401
    ASPECTS, BAND_SOURCES, CATEGORY_COLORS, DATING_LABELS, IH_STAGES, QUOTES, SMART, SOURCE_ORDER, STAGE_COLORS,
    STAGES, TIMELINE, check_stages, check_timeline, conflict_ids, date_label, events_in, glue_numbers,
    glue_values, highlighted, load_stages, load_timeline, per_deal_growth, spans, stage_of)
