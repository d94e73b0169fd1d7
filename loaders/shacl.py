"""Run the SHACL shapes on a built graph and report violations at the facts' own lines.

Two engines give the same results: ``sparql`` (the default) runs the shapes as SPARQL on an
Oxigraph store (:mod:`loaders.shapes_sparql`), in seconds at 100k pledges; ``pyshacl`` is the
reference implementation on an rdflib graph, in minutes. This module maps each result's focus
node back to the fact, source or quote it came from, so a violation reads like any other fact
problem.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any, Literal

from loaders.corpus import Positions
from loaders.errors import Location, Problem
from loaders.facts import FactSet
from loaders.rdf import evidence_id, inference_iri
from ontology import PREFIXES, shapes_path

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

__all__ = ["ENGINES", "Result", "check_shapes", "inverse_paths", "located", "shape_results", "shapes_store"]

Engine = Literal["sparql", "pyshacl"]
ENGINES: tuple[str, ...] = ("sparql", "pyshacl")


def check_shapes(
    data: Graph | ox.Store, facts: FactSet, *, engine: Engine = "sparql"
) -> list[Problem]:
    """Validate ``data`` (built from ``facts``, ontology included) against the project's shapes.

    ``data`` is an rdflib graph or a pyoxigraph store; each engine takes either (the other form is
    converted). Each violation becomes a :class:`Problem` at the line of the fact, source or quote
    it is about.
    """
    results = shape_results(data, engine=engine)
    if not results:
        return []
    namespaces = data if not _is_store(data) else _data_namespaces()
    return sorted(problem for _, problem in located(results, facts, namespaces))


Result = tuple[str, str | None, str]
"""One violation: its focus node's IRI, its path's IRI (None for a node shape or an inverse
path) and its message."""


def shapes_store(
    facts: FactSet, positions: Positions | None = None
) -> ox.Store:
    """The facts and the ontology in an in-memory Oxigraph store: what ``check`` runs the shapes on."""
    import pyoxigraph as ox

    from loaders.rdf import facts_to_ntriples, load_into_store

    store = ox.Store()
    load_into_store(store, facts_to_ntriples(facts, positions=positions), on_disk=False)
    return store


def shape_results(
    data: Graph | ox.Store, *, engine: Engine = "sparql", foci: Collection[str] | None = None
) -> list[Result]:
    """Every violation of the project's shapes in ``data``; with ``foci`` (``sparql`` only), only
    those whose focus node is one of these IRIs."""
    if engine == "pyshacl":
        return _pyshacl(_as_graph(data))
    return _sparql(_as_store(data), foci)


def located(
    results: Iterable[Result],
    facts: FactSet,
    namespaces: Graph | None = None,
    *,
    files: Collection[str] | None = None,
) -> list[tuple[str, Problem]]:
    """Each violation of ``results`` with its focus node, as a problem at the line of the fact,
    source or quote it is about (``namespaces``: the prefixes to write paths with; ``files``:
    the fact files whose nodes the results are about, when known, so that only their records
    are read)."""
    results = list(results)
    if not results:
        return []
    namespaces = namespaces if namespaces is not None else _data_namespaces()
    where = _locations(facts, files)
    found = []
    for focus, path, message in results:
        subject = where.get(focus, (Location("<graph>"), focus))
        prop = _compact(path, namespaces) if path else "value"
        found.append((focus, Problem(subject[0], f"{subject[1]}: shape violation on {prop}: {message}")))
    return found


def inverse_paths() -> set[str]:
    """The properties the shapes follow backwards (``sh:inversePath``): the triples through which a
    node's results depend on the nodes that point at it."""
    from loaders.shapes_sparql import PropertyCheck

    checks = _compiled(shapes_path().read_text(encoding="utf-8"))
    return {check.path for check in checks if isinstance(check, PropertyCheck) and check.inverse}


@functools.lru_cache(maxsize=2)
def _compiled(shapes: str) -> list[Any]:
    """The shapes' checks for the SPARQL engine (compiled once per shapes text)."""
    from loaders.shapes_sparql import compile_shapes

    return compile_shapes(shapes)


def _sparql(store: ox.Store, foci: Collection[str] | None = None) -> list[Result]:
    """(focus IRI, path IRI, message) for each violation, found with SPARQL."""
    from loaders.shapes_sparql import validate, violation_message

    violations = validate(store, _compiled(shapes_path().read_text(encoding="utf-8")))
    if foci is not None:
        violations = [v for v in violations if v.focus.value in foci]
    if not violations:
        return []
    namespaces = _data_namespaces()
    return [
        (v.focus.value, v.path, violation_message(v, namespaces)) for v in violations
    ]


def _pyshacl(graph: Graph) -> list[Result]:
    """(focus IRI, path IRI, message) for each violation, found with pySHACL (the reference)."""
    from pyshacl import validate  # slow to import: only this engine needs it
    from rdflib import Graph, URIRef
    from rdflib.namespace import SH

    shapes = Graph().parse(shapes_path(), format="turtle")
    conforms, results, _ = validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    if conforms:
        return []
    found = []
    for result in results.subjects(SH.focusNode, None):
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        focus = results.value(result, SH.focusNode)
        found.append(
            (str(focus), str(path) if isinstance(path, URIRef) else None, str(message))
        )
    return found


def _is_store(data: Any) -> bool:
    import pyoxigraph as ox

    return isinstance(data, ox.Store)


def _as_store(data: Graph | ox.Store) -> ox.Store:
    import pyoxigraph as ox

    if isinstance(data, ox.Store):
        return data
    from rdflib import BNode, Literal

    def term(
        node: Any,
    ) -> Any:  # lexical forms as they are (rdflib's serializer normalizes some)
        if isinstance(node, Literal):
            if node.language:
                return ox.Literal(str(node), language=node.language)
            return ox.Literal(
                str(node),
                datatype=ox.NamedNode(node.datatype) if node.datatype else None,
            )
        return (
            ox.BlankNode(str(node))
            if isinstance(node, BNode)
            else ox.NamedNode(str(node))
        )

    store = ox.Store()
    store.extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in data)
    return store


def _as_graph(data: Graph | ox.Store) -> Graph:
    import pyoxigraph as ox

    if not isinstance(data, ox.Store):
        return data
    from loaders.rdf import new_graph
    from ontology import ontology_path

    graph = new_graph()
    graph.parse(ontology_path(), format="turtle")
    graph.parse(
        data=data.dump(
            format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()
        ).decode(),
        format="nt",
    )
    return graph


def _data_namespaces() -> Graph:
    """A graph with the prefixes of the graph :func:`loaders.rdf.facts_to_graph` builds."""
    from loaders.rdf import new_graph
    from ontology import ontology_path

    graph = new_graph()
    graph.parse(ontology_path(), format="turtle")
    return graph


def _compact(iri: str, namespaces: Graph) -> str:
    from rdflib import URIRef

    return URIRef(iri).n3(namespaces.namespace_manager)


def _locations(facts: FactSet, files: Collection[str] | None = None) -> dict[str, tuple[Location, str]]:
    """IRI → (where it was written, how to name it) for every node the facts produce (with
    ``files``, every node of those fact files: a fact's evidence and inference notes are its file's)."""
    source_ns, entity_ns, evidence_ns = PREFIXES["src"], PREFIXES["aid"], PREFIXES["ev"]
    where: dict[str, tuple[Location, str]] = {}
    for source_id, at in facts.source_where.items():
        where[source_ns + source_id] = (at, f"source {source_id!r}")
    for fact_id, at in facts.where.items():
        if files is not None and at.path not in files:
            continue
        name = f"{facts.records[fact_id].kind} {fact_id!r}"
        where[entity_ns + fact_id] = (at, name)
        for quote in facts.evidence.get(fact_id, []):
            where[evidence_ns + evidence_id(fact_id, quote.source, quote.quote)] = (quote.where, f"{name} evidence")
    for inference in facts.inferences:
        if files is not None and facts.where[inference.fact].path not in files:
            continue
        name = f"{facts.records[inference.fact].kind} {inference.fact!r} inferred {inference.field!r}"
        where[inference_iri(inference.fact, inference.field)] = (inference.where, name)
    return where
