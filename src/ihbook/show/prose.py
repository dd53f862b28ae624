"""Numbers inside sentences, without typing them twice.

Prose that needs a number names its claim id instead: ``{WS21-016}`` in a template becomes
the value as the source wrote it plus source and id (``12.6%（人人都是产品经理（2021），
WS21-016）``). :func:`glue_claims` makes the same available to Markdown cells through
myst-nb's ``{glue:md}`` role, and :func:`points` renders a chapter's 要点速览.
"""
from __future__ import annotations

import re

from ihbook.evidence import ledger
from ihbook.evidence import quotes

PLACEHOLDER = re.compile(r"\{([A-Z]{1,3}\d{2}-\d{3})(?:\|(v|s))?\}")


def fill(template: str) -> str:
    """Replace ``{ID}`` by the cited number; ``{ID|v}`` by the bare number as written;
    ``{ID|s}`` by source and year only."""
    def sub(m: re.Match) -> str:
        cid, form = m.group(1), m.group(2)
        c = ledger.claim(cid)
        if form == "v":
            return ledger.display_value(c)
        if form == "s":
            from ihbook.evidence.sources import short_name

            return short_name(c["source_id"])
        return quotes.cite(cid)

    return PLACEHOLDER.sub(sub, template)


def points(items: list[str]) -> None:
    """Display a 要点速览 list; each item is a template with claim placeholders."""
    from IPython.display import Markdown, display

    display(Markdown("\n".join(f"- {fill(t)}" for t in items)))


def glue_claims(*claim_ids: str) -> None:
    """Glue each claim's cited number under its id, for ``{glue:md}`ID``` in Markdown cells."""
    from IPython.display import Markdown
    from myst_nb import glue

    for cid in claim_ids:
        glue(cid, Markdown(quotes.cite(cid)), display=False)
