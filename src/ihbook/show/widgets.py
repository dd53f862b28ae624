"""Widgets that still work in the static HTML book, with no kernel.

Where a widget's choices are discrete, every state is rendered in advance and put in an
``ipywidgets.Stack``; the control's ``index`` is linked to the stack's ``selected_index`` with
``jslink``, which runs in the browser. The page therefore shows the default state as it is
and switches states by itself. Model ids are made deterministic so that re-executing a
notebook leaves it byte-identical (nbval and ``git diff`` both rely on that).
"""
from __future__ import annotations

import base64
import html
import itertools
import uuid

import ipywidgets as w

_counter = itertools.count()


def _instances() -> dict:
    from ipywidgets.widgets import widget as _w

    return _w._instances


def deterministic_ids(namespace: str) -> None:
    """Give every widget created from now on a model id derived from ``namespace`` and a counter."""
    global _counter
    _counter = itertools.count()
    base = uuid.uuid5(uuid.NAMESPACE_URL, f"ihbook:{namespace}")

    def _next_id() -> str:
        return uuid.uuid5(base, str(next(_counter))).hex

    w.Widget._ihbook_next_id = staticmethod(_next_id)  # type: ignore[attr-defined]
    if not getattr(w.Widget, "_ihbook_patched", False):
        original_open = w.Widget.open

        def open_(self):
            if self.comm is None and getattr(w.Widget, "_ihbook_next_id", None):
                self._model_id = w.Widget._ihbook_next_id()
                # re-running a cell re-creates the same ids: retire the old widget first
                old = _instances().get(self._model_id)
                if old is not None and old is not self:
                    old.close()
            return original_open(self)

        w.Widget.open = open_
        w.Widget._ihbook_patched = True


def state_panel(png: bytes, alt: str, caption_html: str = "") -> w.HTML:
    """One precomputed state: the image with alt text and, below it, a caption.

    An HTML widget rather than ``ipywidgets.Image`` because only ``<img>`` carries alt text.
    ``caption_html`` must already be escaped by the caller.
    """
    data = base64.b64encode(png).decode()
    body = (f'<figure class="ihbook-state"><img src="data:image/png;base64,{data}" '
            f'alt="{html.escape(alt, quote=True)}" style="max-width:100%;height:auto">'
            f'<figcaption class="ihbook-state-caption">{caption_html}</figcaption></figure>')
    return w.HTML(value=body)


def selector(labels: list[str], panels: list[w.Widget], description: str, default: int = 0,
             style: str = "toggle") -> w.VBox:
    """A control over precomputed panels, linked in the browser so it works without a kernel."""
    if len(labels) != len(panels) or not labels:
        raise ValueError("selector 需要同样多的标签与面板（至少一个）")
    if style == "toggle":
        ctl = w.ToggleButtons(options=[(lab, i) for i, lab in enumerate(labels)], index=default,
                              description=description,
                              style={"description_width": "initial", "button_width": "auto"})
    else:
        ctl = w.Dropdown(options=[(lab, i) for i, lab in enumerate(labels)], index=default,
                         description=description, style={"description_width": "initial"})
    stack = w.Stack(panels, selected_index=default)
    w.jslink((ctl, "index"), (stack, "selected_index"))
    box = w.VBox([ctl, stack])
    box.add_class("ihbook-widget")
    return box


def message(text: str, level: str = "info") -> w.HTML:
    """A clear, escaped message for the reader (used for bad input)."""
    return w.HTML(value=f'<div class="ihbook-msg ihbook-msg-{level}" role="status">{html.escape(text)}</div>')


def scroll_region(inner_html: str, label: str, max_height_em: float = 30) -> str:
    """A scrolling box for a long table that keyboard and screen-reader users can reach
    (focusable, a named region); ``inner_html`` must already be escaped."""
    return (f'<div class="ihbook-table-scroll" tabindex="0" role="region" aria-label="{html.escape(label, quote=True)}" '
            f'style="max-height:{max_height_em:g}em;overflow:auto">{inner_html}</div>')
