"""The network, money and timeline pages inside the site, linked both ways.

They share the site's header and its single copy of each script library (``assets/``). A click on
a node, a flow or a timeline mark opens the page of the entity it stands for: the network's nodes
carry their page, and a Plotly mark's ``customdata`` is ``[what it names, hover text]``: an
entity id (a Sankey node, a timeline mark), a list of ids (a flow's pledges) or null, which the
page maps to the site's pages. A page with nothing to draw says so instead of failing the whole
site.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from graph.errors import AnalysisError
from graph.pages.plotly import CONFIG, captured_figures, figure_json
from graph.pages.site.data import SiteData
from graph.pages.site.layout import (
    json_script,
    page_path,
    relative,
    render,
    render_fragment,
)
from ontology.prefixes import AID_NS, SRC_NS

__all__ = ["chart_pages", "page_tokens"]


TIMELINE_MARKS = 1500
"""Past this many dated facts, the timeline is one page per year (``timeline-<year>.html``)."""


def chart_pages(data: SiteData, store: ox.Store) -> dict[str, bytes]:
    """``network.html``, ``money.html`` and ``timeline.html`` (and its pages per year when large)."""
    return {
        "network.html": _network(store),
        "money.html": _money(data, store),
        **_timelines(data, store),
    }


def page_tokens(data: SiteData, figure: dict[str, Any]) -> list[list[Any]]:
    """``[token, [page, label]]`` for every id a mark's ``customdata`` names that has a page.

    A mark's ``customdata`` is ``[named, hover text]``; ``named`` is a token, a list of tokens or
    null. A token is an entity id (``usaid``) or ``src:<id>`` for a source; the hover text is
    never read as one.
    """
    found: set[str] = set()
    _named_in_customdata(figure.get("data", []), found)
    pages = []
    for token in sorted(found):
        iri = SRC_NS + token[4:] if token.startswith("src:") else AID_NS + token
        if data.is_page(iri):
            pages.append([token, [page_path(iri), data.label(iri)]])
    return pages


def _network(store: ox.Store) -> bytes:
    from graph.pages.network import network_site_page

    try:
        return network_site_page(store).encode("utf-8")
    except AnalysisError as err:
        return _plot_page(None, "network.html", "The network", "", f"Nothing to draw: {err}")


MAX_FLOWS = 400
"""The largest flows the site's money page draws; the tables under it list every total."""


def _money(data: SiteData, store: ox.Store) -> bytes:
    from graph.pages.money import sankey_page

    intro = (
        "Where the money goes: donor → program → recipient. Hover a flow for its amount and pledges; "
        "click a node or a flow to open its page."
    )
    try:
        with captured_figures() as got:
            sankey_page(store, most=MAX_FLOWS)
    except AnalysisError as err:
        return _plot_page(None, "money.html", "The money", intro, f"Nothing to draw: {err}")
    if not got:  # the money page was drawn without graph.pages.plotly.figure_page: show the totals alone
        return _plot_page(None, "money.html", "The money", intro, "The diagram is not available.", after=_totals(store))
    return _plot_page(data, "money.html", "The money", intro, "", figure=got[0][0], after=got[0][3] + _totals(store))


def _totals(store: ox.Store) -> str:
    """The totals by donor, recipient and program under the diagram: every amount as text."""
    from graph.pages.site.index import money_summary

    return render_fragment("site-totals.html", tables=[(by, *money_summary(store, by)) for by in ("donor", "recipient", "program")])


def _timelines(data: SiteData, store: ox.Store) -> dict[str, bytes]:
    from graph.pages.timeline import timeline_items

    intro = "Every dated fact, at the precision its source gives. Click a mark to open its page; every fact is also listed below."
    items = timeline_items(store)
    if not items:
        return {"timeline.html": _plot_page(None, "timeline.html", "The timeline", intro, "Nothing to draw: no dated facts in the graph")}
    if len(items) <= TIMELINE_MARKS:
        return {"timeline.html": _timeline(data, store, "timeline.html", "The timeline", intro, items)}
    years: dict[str, list[Any]] = {}
    for item in items:
        years.setdefault(item.date[:4], []).append(item)
    pages = {
        f"timeline-{year}.html": _timeline(data, store, f"timeline-{year}.html", f"The timeline: {year}", intro, chosen)
        for year, chosen in sorted(years.items())
    }
    rows = "".join(
        f'<li><a href="timeline-{year}.html">{year}</a> <span class="cls">({len(chosen):,} facts)</span></li>'
        for year, chosen in sorted(years.items())
    )
    after = f'<ul class="columns">{rows}</ul>'
    overview = f"{len(items):,} dated facts: too many for one picture, so the timeline has a page for each year."
    pages["timeline.html"] = _plot_page(None, "timeline.html", "The timeline", overview, "", after=after)
    return pages


def _timeline(data: SiteData, store: ox.Store, path: str, title: str, intro: str, items: list[Any]) -> bytes:
    from graph.pages.timeline import timeline_figure, timeline_list

    figure, drawn = timeline_figure(store, group_by="kind", items=items)

    def link(item: Any) -> str | None:
        iri = SRC_NS + item.token[4:] if item.token.startswith("src:") else AID_NS + item.token
        return relative(path, page_path(iri)) if item.token and data.is_page(iri) else None

    return _plot_page(data, path, title, intro, "", figure=figure, after=timeline_list(drawn, link))


def _plot_page(
    data: SiteData | None, path: str, title: str, intro: str, empty: str, *, figure: Any = None, after: str = ""
) -> bytes:
    payload = None
    if figure is not None and data is not None:
        drawn = figure_json(figure)
        drawn.get("layout", {}).pop("title", None)
        drawn.setdefault("layout", {}).setdefault("margin", {})["t"] = 20
        payload = json_script({"figure": drawn, "pages": page_tokens(data, drawn), "config": CONFIG})
    return render("site-plot.html", path, title=title, intro=intro, empty=empty, figure=payload, after=after)


def _named_in_customdata(value: Any, found: set[str]) -> None:
    """Add to ``found`` the tokens named by the first element of every mark's ``customdata``."""
    if isinstance(value, list):
        for item in value:
            _named_in_customdata(item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "customdata" and isinstance(item, list):
                for mark in item:
                    named = mark[0] if isinstance(mark, list) and mark else None
                    found.update(t for t in (named if isinstance(named, list) else [named]) if isinstance(t, str))
            else:
                _named_in_customdata(item, found)
