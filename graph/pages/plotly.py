"""Deterministic HTML pages of Plotly figures: self-contained files, or figures for the site.

A self-contained page inlines plotly.js (no CDN, no MathJax), fixes the figure's ``div`` id so the
same figure gives the same bytes, and carries a Content-Security-Policy that forbids any request.
For the evidence site, :func:`captured_figures` collects the figures that page builders hand to
:func:`figure_page` instead of rendering them, and :func:`figure_json` turns one into the JSON the
site's shared script draws (with ``assets/plotly.min.js``, one copy for every page).
Callers escape every string from the data before it reaches the figure: Plotly renders a subset
of HTML in labels and hover text.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

__all__ = ["CapturedFigure", "captured_figures", "figure_json", "figure_page", "plot_text"]

_CSP = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:\">"
)
CONFIG = {"displaylogo": False, "responsive": True}

CapturedFigure = tuple[Any, str, str, str]
"""A figure handed to :func:`figure_page` while captured: (figure, div id, title, HTML after it)."""

_captured: ContextVar[list[CapturedFigure] | None] = ContextVar("aidgraph_captured_figures", default=None)


def figure_page(fig: object, *, div_id: str, title: str, after: str = "") -> str:
    """The full HTML page of a Plotly figure, with plotly.js inlined and a fixed div id.

    ``after`` is HTML (already escaped) placed under the figure. While :func:`captured_figures`
    is active, the figure is collected instead and an empty string returned.
    """
    sink = _captured.get()
    if sink is not None:
        sink.append((fig, div_id, title, after))
        return ""
    page = fig.to_html(  # type: ignore[attr-defined]
        full_html=True,
        include_plotlyjs=True,
        include_mathjax=False,
        div_id=div_id,
        config=CONFIG,
    )
    head = f'<meta charset="utf-8">{_CSP}<title>{html.escape(title)}</title>'
    page = page.replace("<head>", f"<head>{head}", 1)
    if after:
        style = "<style>body{font:14px/1.4 system-ui,sans-serif;margin:0 14px}table{border-collapse:collapse}td,th{text-align:left;padding:3px 8px;border-bottom:1px solid #ddd;vertical-align:top}caption{text-align:left;color:#555}</style>"
        page = page.replace("</body>", f"{style}{after}</body>", 1)
    return page


@contextmanager
def captured_figures() -> Iterator[list[CapturedFigure]]:
    """Collect, instead of rendering, the figures that page builders pass to :func:`figure_page`.

    Examples
    --------
    >>> with captured_figures() as got:
    ...     figure_page("a figure", div_id="d", title="t")
    ''
    >>> got
    [('a figure', 'd', 't', '')]
    """
    sink: list[CapturedFigure] = []
    token = _captured.set(sink)
    try:
        yield sink
    finally:
        _captured.reset(token)


def figure_json(fig: Any) -> dict[str, Any]:
    """The figure's data and layout as plain JSON values, the same for the same figure."""
    import plotly.io as pio

    return json.loads(pio.to_json(fig, validate=False, engine="json"))


def plot_text(value: str) -> str:
    """Escape ``<``, ``>`` and ``&`` so Plotly's label markup shows data as text.

    Plotly renders a subset of HTML in labels and hover text (``<b>``, ``<a href>``); with the
    angle brackets escaped no tag can form, and quotes stay readable (Plotly does not decode
    ``&quot;``).

    Examples
    --------
    >>> plot_text('<a href="javascript:x">')
    '&lt;a href="javascript:x"&gt;'
    """
    return html.escape(value, quote=False)
