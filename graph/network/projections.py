"""Projections of the knowledge graph that network measures can be explained on.

Centrality on the raw RDF graph (literals, classes, evidence nodes) means nothing. Each
projection here has nodes and edges an analyst can describe in one sentence:

``actors`` (undirected, :class:`networkx.Graph`)
    Nodes are agencies, organizations, people and countries. Two actors are linked when one
    belongs to the other (a person's membership, an agency's country, an organization's base) or
    both take part in the same program, policy or pledge (carrying it out, announcing it, running
    the administration behind it, giving or receiving the money). The edge ``weight`` counts the
    facts that link them.
``funding`` (directed, :class:`networkx.DiGraph`)
    Money flows donor → recipient, or donor → program → recipient when a program is named, as
    :func:`graph.network.flows.flow_links` computes it: cross-border money only (domestic plans
    when asked), pledges that are part of no other pledge, a sum announced for several recipients
    together to one joint node ("A + B"), money with no stated recipient to "(recipient not
    stated)". The edge ``weight`` is the amount in USD counting every fact (the ``high`` end);
    ``low`` counts possibly overlapping facts once. Pledges in other currencies are kept apart
    in ``other_currencies`` and never added to it.
``entities`` (directed, :class:`networkx.DiGraph`)
    Every curated entity (actors, regions, programs, policies, pledges, statistics) with the
    object relations between them (``pledgedBy``, ``recipient``, ``implementedBy``, ``targets``,
    ``includes`` …). No literals, classes, evidence or source nodes. The edge ``weight`` counts the
    relations between the two nodes, named in ``relations``.

Node ids are the curated ids (``usaid``); every node has ``label`` and ``class`` attributes.

Examples
--------
>>> from pathlib import Path
>>> from graph.store import open_store
>>> G = project(open_store(Path("seeds")), "actors")
>>> G.nodes["usaid"]["label"], G.nodes["usaid"]["class"]
('United States Agency for International Development', 'Agency')
>>> G.edges["usaid", "mark-green"]["weight"]  # membership (the 2017 collaboration names no agency)
1
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from itertools import combinations
from typing import Any

import networkx as nx
import pyoxigraph as ox

from graph.choices import require
from graph.errors import AnalysisError
from graph.query.run import run_query
from ontology.prefixes import AID_NS

__all__ = [
    "PROJECTIONS",
    "actors_projection",
    "entities_projection",
    "funding_projection",
    "project",
]

_ACTOR_CLASSES = "ag:Agency ag:Organization ag:Person ag:Country"
_ENTITY_CLASSES = _ACTOR_CLASSES + " ag:Region ag:Program ag:Policy ag:Pledge ag:Statistic"
_RELATIONS = [
    "agencyOf",
    "basedIn",
    "memberOf",
    "includes",
    "within",
    "implementedBy",
    "targets",
    "announcedBy",
    "administration",
    "pledgedBy",
    "recipient",
    "forProgram",
    "partOf",
    "place",
]
_PARTICIPATION = ["implementedBy", "announcedBy", "administration", "pledgedBy", "recipient"]
_MEMBERSHIP = ["memberOf", "agencyOf", "basedIn"]


def project(store: ox.Store, name: str) -> nx.Graph:
    """The projection called ``name`` (``actors``, ``funding`` or ``entities``) of the graph in ``store``."""
    return PROJECTIONS[require(name, tuple(PROJECTIONS), what="projection", error=AnalysisError)](store)


def actors_projection(store: ox.Store) -> nx.Graph:
    """Actors linked by membership or by taking part in the same program, policy or pledge."""
    G = nx.Graph(projection="actors")
    _add_nodes(G, store, _ACTOR_CLASSES)
    links: dict[tuple[str, str], int] = defaultdict(int)
    for row in _rows(store, _fill(_RELATION_QUERY, classes=_ACTOR_CLASSES, relations=_values(_MEMBERSHIP))):
        if row["target"] in G and row["source"] != row["target"]:
            links[_pair(row["source"], row["target"])] += 1
    participants: dict[str, set[str]] = defaultdict(set)
    statistics = {row["item"] for row in _rows(store, _STATISTICS_QUERY)}
    # The participation rows number several per pledge: read raw IRIs, strip the prefix here.
    for item_term, actor_term in run_query(store, _PARTICIPATION_QUERY, limits=None).rows:
        item, actor = item_term.value, actor_term.value.removeprefix(AID_NS)
        if actor in G and item not in statistics:
            participants[item].add(actor)
    for actors in participants.values():
        for a, b in combinations(sorted(actors), 2):
            links[(a, b)] += 1
    G.add_edges_from((a, b, {"weight": w}) for (a, b), w in sorted(links.items()))
    return G


def funding_projection(store: ox.Store, *, include: tuple[str, ...] = ()) -> nx.DiGraph:
    """Money flowing donor → (program →) recipient; weights in USD, nothing counted twice."""
    from graph.network.flows import flow_links

    G = nx.DiGraph(projection="funding")
    for link in flow_links(store, include=include):
        for node in (link.source, link.target):
            G.add_node(node[0], label=node[1], **{"class": node[2]})
        u, v = link.source[0], link.target[0]
        if not G.has_edge(u, v):
            G.add_edge(u, v, weight=0.0, low=0.0, pledges=[], other_currencies={}, scopes=[])
        edge = G.edges[u, v]
        edge["pledges"] = sorted({*edge["pledges"], *link.total.facts})
        edge["scopes"] = sorted({*edge["scopes"], link.total.scope})
        if link.total.currency == "USD":
            edge["weight"] += float(link.total.high)
            edge["low"] += float(link.total.low)
        else:
            other = edge["other_currencies"]
            other[link.total.currency] = other.get(link.total.currency, Decimal(0)) + link.total.high
    return G


def entities_projection(store: ox.Store) -> nx.DiGraph:
    """Every curated entity and the object relations between them (no literals, classes or evidence)."""
    G = nx.DiGraph(projection="entities")
    _add_nodes(G, store, _ENTITY_CLASSES)
    relations: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in _rows(store, _fill(_RELATION_QUERY, classes=_ENTITY_CLASSES, relations=_values(_RELATIONS))):
        if row["target"] in G:
            relations[(row["source"], row["target"])].append(row["relation"])
    for (source, target), names in sorted(relations.items()):
        G.add_edge(source, target, weight=len(names), relations=" ".join(sorted(names)))
    return G


PROJECTIONS: dict[str, Callable[[ox.Store], nx.Graph]] = {
    "actors": actors_projection,
    "funding": funding_projection,
    "entities": entities_projection,
}
"""Projection name → the function that builds it."""


def _add_nodes(G: nx.Graph, store: ox.Store, classes: str) -> None:
    for row in _rows(store, _fill(_NODE_QUERY, classes=classes)):
        G.add_node(row["node"], label=row["label"], **{"class": row["class"]})


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _values(local_names: list[str]) -> str:
    return " ".join(f"ag:{name}" for name in local_names)


def _fill(template: str, **values: str) -> str:
    """Fill ``{name}`` slots of a query template with fixed vocabulary (never with user input)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _rows(store: ox.Store, text: str) -> list[dict[str, Any]]:
    """Rows of a projection query as plain values; ids and labels arrive as plain strings."""
    return run_query(store, text, limits=None).records()


_ID = "STRAFTER(STR({var}), STR(aid:))"
_NODE_QUERY = f"""
SELECT ?node ?label ?class WHERE {{
  VALUES ?type {{ {{classes}} }}
  ?n a ?type ; rdfs:label ?label .
  BIND({_ID.format(var="?n")} AS ?node)
  BIND(STRAFTER(STR(?type), STR(ag:)) AS ?class)
}}"""
_RELATION_QUERY = f"""
SELECT ?source ?relation ?target WHERE {{
  VALUES ?p {{ {{relations}} }}
  VALUES ?type {{ {{classes}} }}
  ?s ?p ?t . ?s a ?type .
  BIND({_ID.format(var="?s")} AS ?source)
  BIND({_ID.format(var="?t")} AS ?target)
  BIND(STRAFTER(STR(?p), STR(ag:)) AS ?relation)
}}"""
_PARTICIPATION_QUERY = _fill(
    "SELECT ?item ?actor WHERE { VALUES ?p { {relations} } ?item ?p ?actor }", relations=_values(_PARTICIPATION)
)
_STATISTICS_QUERY = "SELECT ?item WHERE { ?s a ag:Statistic BIND(STR(?s) AS ?item) }"
