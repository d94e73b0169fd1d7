"""Run the SHACL shapes on a built graph and report violations at the facts' own lines.

pyshacl does the validation; this module only maps each result's focus node back to the fact,
source or quote it came from, so a violation reads like any other fact problem.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from loaders.errors import Location, Problem
from loaders.facts import FactSet
from loaders.rdf import evidence_id, inference_iri
from ontology import entity_iri, evidence_iri, shapes_path, source_iri

__all__ = ["check_shapes"]


def check_shapes(graph: Graph, facts: FactSet) -> list[Problem]:
    """Validate ``graph`` (built from ``facts``, ontology included) against the project's shapes.

    Each violation becomes a :class:`Problem` at the line of the fact, source or quote it is about.
    """
    from pyshacl import validate  # slow to import: only `check` needs it

    shapes = Graph().parse(shapes_path(), format="turtle")
    conforms, results, _ = validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return []
    where = _locations(facts)
    problems = []
    for result in results.subjects(SH.focusNode, None):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        subject = where.get(focus, (Location("<graph>"), str(focus)))
        prop = path.n3(graph.namespace_manager) if isinstance(path, URIRef) else "value"
        problems.append(Problem(subject[0], f"{subject[1]}: shape violation on {prop}: {message}"))
    return sorted(problems)


def _locations(facts: FactSet) -> dict[URIRef, tuple[Location, str]]:
    """IRI → (where it was written, how to name it) for every node the facts produce."""
    where: dict[URIRef, tuple[Location, str]] = {}
    for source_id, at in facts.source_where.items():
        where[source_iri(source_id)] = (at, f"source {source_id!r}")
    for fact_id, record in facts.records.items():
        name = f"{record.kind} {fact_id!r}"
        where[entity_iri(fact_id)] = (facts.where[fact_id], name)
        for quote in facts.evidence.get(fact_id, []):
            node = evidence_iri(evidence_id(fact_id, quote.source, quote.quote))
            where[node] = (quote.where, f"{name} evidence")
    for inference in facts.inferences:
        name = f"{facts.records[inference.fact].kind} {inference.fact!r} inferred {inference.field!r}"
        where[URIRef(inference_iri(inference.fact, inference.field))] = (inference.where, name)
    return where
