"""The interactive network page: a projection drawn with pyvis (vis-network).

Two forms, one template and one script (``templates/network.html``, ``templates/network.js``):
the page of ``aidgraph viz``, one self-contained file that works offline and when emailed
(vis-network's script and style, shipped inside the pyvis package, are inlined; pyvis's own
template links Bootstrap from a CDN and turns tooltips into HTML), and the network page of the
evidence site, which loads them from the site's ``assets/`` and opens an entity's page on click.
Every value taken from the data is escaped: labels are drawn on the canvas as text, tooltips are
built here from ``html.escape``-d values, and the data reach the page as JSON in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped. Physics settles the
layout from a fixed seed, then stops; the same seeds give the same bytes.
"""

from __future__ import annotations

import html
import math
import re
from collections import defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from graph.errors import AnalysisError
from graph.network.centrality import centrality
from graph.network.projections import project
from graph.pages.style import CLASS_STYLES, readable_amount
from graph.query.run import run_query
from loaders.text import did_you_mean, shorten
from loaders.values import ID_PATTERN
from ontology.prefixes import AID_NS

__all__ = ["narrow", "network_page", "network_script", "network_site_page"]

_OPTIONS = {
    "layout": {"randomSeed": 7, "improvedLayout": True},
    "physics": {
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -90, "springLength": 150, "avoidOverlap": 0.6},
        "stabilization": {"enabled": True, "iterations": 400, "fit": True},
    },
    "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
    "nodes": {
        "font": {"size": 13, "face": "system-ui, sans-serif"},
        "borderWidth": 1,
        # Sized by centrality; the page names only the most central nodes at the fitted view (in a
        # larger font) and the rest once zoomed in, so labels do not pile up in the centre.
        "scaling": {"min": 8, "max": 40, "label": {"enabled": False}},
    },
    "edges": {
        "font": {"size": 10, "align": "middle", "color": "#555"},
        "color": {"color": "#9aa5b1", "highlight": "#333"},
        "smooth": {"enabled": True, "type": "continuous"},
    },
}


def narrow(
    G: nx.Graph,
    *,
    focus: str | None = None,
    depth: int = 1,
    top: int | None = None,
    size_by: str = "degree",
) -> nx.Graph:
    """``G`` cut to the neighbourhood of ``focus`` (within ``depth`` steps), or to the ``top`` nodes.

    Examples
    --------
    >>> G = nx.path_graph(["a", "b", "c", "d"])
    >>> sorted(narrow(G, focus="b", depth=1))
    ['a', 'b', 'c']
    >>> sorted(narrow(G, top=2))
    ['b', 'c']
    """
    if focus is not None:
        if focus not in G:
            hint = did_you_mean(focus, [str(n) for n in G])
            raise AnalysisError(f"--focus {focus!r} is not a node of this projection{hint}")
        reach = nx.ego_graph(G.to_undirected(as_view=True), focus, radius=depth)
        G = G.subgraph(reach.nodes).copy()
    if top is not None:
        scores = centrality(G, size_by)
        keep = sorted(scores, key=lambda n: (-scores[n], str(n)))[:top]
        G = G.subgraph(keep).copy()
    return G


def network_page(
    store: ox.Store,
    *,
    projection: str = "entities",
    focus: str | None = None,
    depth: int = 1,
    top: int | None = None,
    size_by: str = "degree",
    title: str = "aidgraph: US–Mexico cooperation on Central American migration",
) -> str:
    """The HTML page of a projection, narrowed and sized as asked: one file, scripts inlined."""
    context = _network_context(store, projection=projection, focus=focus, depth=depth, top=top, size_by=size_by)
    return _render(context, title=title, site=False)


NAMED_AT_FIT = 12
"""Nodes named at the fitted view (the most central); the others are named once zoomed in."""

SITE_NODES = 300
"""The site's network page draws at most this many nodes (the most connected): beyond, a picture
is a hairball and the page outgrows a browser; every entity still has its own page."""


def network_site_page(store: ox.Store, *, projection: str = "entities", title: str = "The network") -> str:
    """The network page of the evidence site (``network.html`` at its root).

    It loads vis-network and its script from the site's ``assets/``, and a click on an entity's
    node opens that entity's page (``id/<id>.html``). A large graph is cut to its
    :data:`SITE_NODES` most connected nodes, and the page says so.
    """
    context = _network_context(store, projection=projection, top=SITE_NODES, links=True)
    return _render(context, title=title, site=True)


def _network_context(
    store: ox.Store,
    *,
    projection: str,
    focus: str | None = None,
    depth: int = 1,
    top: int | None = None,
    size_by: str = "degree",
    links: bool = False,
) -> dict[str, Any]:
    """Nodes, edges, options, names and legend of the page, built with pyvis's node and edge format."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    whole = project(store, projection)
    G = narrow(whole, focus=focus, depth=depth, top=top, size_by=size_by)
    if G.number_of_nodes() == 0:
        raise AnalysisError("nothing to draw: the projection is empty")
    scores = centrality(G, size_by)
    low, high = min(scores.values()), max(scores.values())
    details = _details(store, [str(n) for n in G])
    net = Network(directed=G.is_directed())
    names: set[tuple[str, str]] = set()
    rank = {n: i for i, n in enumerate(sorted(G, key=lambda n: (-scores[n], str(n))))}
    for node in sorted(G, key=str):
        data = G.nodes[node]
        color, shape = CLASS_STYLES.get(data["class"], ("#999999", "dot"))
        spread = (scores[node] - low) / (high - low) if high > low else 0.5
        extra = {"href": f"id/{node}.html"} if links and _SAFE_ID.match(str(node)) else {}
        net.add_node(
            str(node),
            label=shorten(data["label"], 40),
            title=_tooltip(data["label"], data["class"], details.get(str(node), {})),
            color=color,
            shape=shape,
            value=round(1 + 99 * spread, 2),
            searchName=data["label"],
            rank=rank[node],
            font={"size": 30 if rank[node] < NAMED_AT_FIT else 16},
            **extra,
        )
        names.add((data["label"], str(node)))
        names.update((alias, str(node)) for alias in details.get(str(node), {}).get("aliases", []))
    amounts = [d.get("amount", 0) for _, _, d in _edges(G, details)]
    largest = max(amounts, default=0)
    for source, target, data in _edges(G, details):
        edge: dict[str, Any] = {"label": data["label"], "title": html.escape(data["label"])}
        if data.get("amount"):
            edge["width"] = round(1 + 9 * math.log1p(data["amount"]) / math.log1p(largest), 2)
        # pyvis's own edge format, appended directly: Network.add_edge scans every edge already
        # added for duplicates (quadratic: 70 s for 19,000 edges), and a networkx graph has none.
        net.edges.append(Edge(str(source), str(target), G.is_directed(), **edge).options)
    present = sorted({G.nodes[n]["class"] for n in G})
    return {
        "payload": {"nodes": net.nodes, "edges": net.edges, "options": _OPTIONS, "names": sorted(names), "namedAtFit": NAMED_AT_FIT},
        "summary": f"{G.number_of_nodes()} nodes, {G.number_of_edges()} links · {projection} projection · sized by {size_by}"
        + (f" · the {G.number_of_nodes()} most connected of {whole.number_of_nodes():,}" if focus is None and len(G) < len(whole) else ""),
        "names": sorted(names),
        "legend": [(cls, *CLASS_STYLES.get(cls, ("#999999", "dot"))) for cls in present],
    }


def _render(context: dict[str, Any], *, title: str, site: bool) -> str:
    from graph.pages.site.layout import environment

    template = environment().get_template("network.html")
    assets = {} if site else {
        "vis_js": _vis_asset("vis-network.min.js"),
        "vis_css": _vis_asset("vis-network.css"),
        "network_js": network_script(),
    }
    return template.render(page_title=title, site=site, root="", **assets, **context)


def network_script() -> str:
    """The page's own script (search, edge labels, click-through), shared by both kinds of page."""
    return resources.files("graph.pages").joinpath("templates", "network.js").read_text(encoding="utf-8")


def _edges(G: nx.Graph, details: dict[str, dict[str, Any]]) -> list[tuple[Any, Any, dict[str, Any]]]:
    """Edges with a display label and, for money, the USD amount they carry."""
    out = []
    for source, target, data in sorted(G.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        amount = 0.0
        if "pledges" in data:  # funding projection: the edge is money
            amount = float(data.get("weight", 0))
            label = readable_amount(amount)
        elif "relations" in data:  # entities projection: relations, with the pledge's amount
            label = data["relations"]
            pledge = details.get(str(source), {})
            if pledge.get("currency") == "USD" and set(label.split()) & {"pledgedBy", "recipient"}:
                amount = float(pledge["amount"])
                label = f"{label} · {readable_amount(amount)}"
        else:
            label = f"{data.get('weight', 1)} link{'s' * (data.get('weight', 1) != 1)}"
        out.append((source, target, {"label": label, "amount": amount}))
    return out


def _details(store: ox.Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Aliases, key facts and evidence of the drawn entities, for their tooltips."""
    # The ids are the graph's own (checked at load to be IRI-safe); as a VALUES block they keep
    # the queries to the drawn nodes instead of the whole graph.
    values = "VALUES ?x { " + " ".join(f"<{AID_NS}{i}>" for i in sorted(ids) if _SAFE_ID.match(i)) + " }"
    details: dict[str, dict[str, Any]] = defaultdict(lambda: {"aliases": [], "facts": [], "quotes": []})
    for row in _rows(store, _DETAIL_QUERY.replace("{values}", values)):
        entry = details[row["id"]]
        if row["kind"] == "alias":
            entry["aliases"].append(row["value"])
        elif row["kind"] in ("amount", "currency"):
            entry[row["kind"]] = row["value"]
        else:
            entry["facts"].append(f"{row['kind']}: {row['value']}")
    for row in _rows(store, _EVIDENCE_QUERY.replace("{values}", values)):
        details[row["id"]]["quotes"].append((row["quote"], row["source"]))
    for entry in details.values():
        entry["aliases"].sort()
        entry["facts"].sort()
        entry["quotes"].sort()
        if "amount" in entry:
            entry["facts"].insert(0, f"amount: {entry.get('currency', '')} {entry['amount']:,}")
    return details


def _tooltip(label: str, cls: str, details: dict[str, Any]) -> str:
    """Tooltip HTML; every value from the data goes through ``html.escape``."""
    e = html.escape
    parts = [f'<div class="tip"><b>{e(label)}</b><span class="cls">{e(cls)}</span>']
    if details.get("aliases"):
        parts.append(f'<div class="aka">Also: {e("; ".join(details["aliases"]))}</div>')
    if details.get("facts"):
        parts.append('<div class="facts">' + "<br>".join(e(f) for f in details["facts"][:6]) + "</div>")
    for quote, source in details.get("quotes", [])[:2]:
        parts.append(f"<blockquote>“{e(quote)}”<cite>{e(source)}</cite></blockquote>")
    more = len(details.get("quotes", [])) - 2
    if more > 0:
        parts.append(f'<div class="cls">and {more} more quote{"s" * (more != 1)}</div>')
    return "".join(parts) + "</div>"




def _vis_asset(name: str) -> str:
    import pyvis

    return (Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def _rows(store: ox.Store, text: str) -> list[dict[str, Any]]:
    return run_query(store, text, limits=None).records()


_SAFE_ID = re.compile(ID_PATTERN)  # joint-recipient nodes ("a + b") are not entities: no details

_DETAIL_QUERY = """
SELECT ?id ?kind ?value WHERE {
  {values}
  {
    { ?x skos:altLabel ?value BIND("alias" AS ?kind) }
    UNION { ?x ag:position ?value BIND("position" AS ?kind) }
    UNION { ?x ag:isoCode ?value BIND("ISO code" AS ?kind) }
    UNION { ?x ag:amount ?value BIND("amount" AS ?kind) }
    UNION { ?x ag:currency ?value BIND("currency" AS ?kind) }
    UNION { ?x ag:amountQualifier/skos:notation ?value BIND("how exact" AS ?kind) }
    UNION { ?x ag:value ?v ; ag:unit ?u BIND(CONCAT(STR(?v), " ", ?u) AS ?value) BIND("value" AS ?kind) }
    UNION { ?x ag:announcedOn ?d BIND(STR(?d) AS ?value) BIND("announced" AS ?kind) }
    UNION { ?x ag:startedOn ?d BIND(STR(?d) AS ?value) BIND("started" AS ?kind) }
    UNION { ?x ag:endedOn ?d BIND(STR(?d) AS ?value) BIND("ended" AS ?kind) }
    UNION { ?x ag:goal ?value BIND("goal" AS ?kind) }
  }
  BIND(STRAFTER(STR(?x), STR(aid:)) AS ?id)
}"""
_EVIDENCE_QUERY = """
SELECT ?id ?quote ?source WHERE {
  {values}
  ?x ag:evidence ?e . ?e ag:quote ?quote ; ag:source/dcterms:title ?source .
  BIND(STRAFTER(STR(?x), STR(aid:)) AS ?id)
}"""
