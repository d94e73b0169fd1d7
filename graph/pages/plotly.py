"""Self-contained, deterministic HTML pages of Plotly figures.

plotly.js is inlined (no CDN, no MathJax), the figure's ``div`` id is fixed so the same figure
gives the same bytes, and the page carries a Content-Security-Policy that forbids any request.
Callers escape every string from the data before it reaches the figure: Plotly renders a subset
of HTML in labels and hover text.
"""

from __future__ import annotations

import html

__all__ = ["figure_page", "plot_text"]

_CSP = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:; font-src data:\">"
)


def figure_page(fig: object, *, div_id: str, title: str) -> str:
    """The full HTML page of a Plotly figure, with plotly.js inlined and a fixed div id."""
    page = fig.to_html(  # type: ignore[attr-defined]
        full_html=True,
        include_plotlyjs=True,
        include_mathjax=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )
    head = f'<meta charset="utf-8">{_CSP}<title>{html.escape(title)}</title>'
    return page.replace("<head>", f"<head>{head}", 1)


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
