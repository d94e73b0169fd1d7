"""Turn a checked :class:`~loaders.facts.FactSet` into an rdflib graph in the aidgraph vocabulary.

Every node gets a minted IRI (no blank nodes), so two builds of the same facts are the same
graph and serialize to the same bytes. Evidence IRIs are derived from the fact id, source and
quote, so adding a quote elsewhere never renames existing ones.

Examples
--------
>>> from loaders.facts import FactSet
>>> from loaders.records import Country
>>> facts = FactSet(records={"mx": Country(id="mx", label="Mexico", iso_code="MX")})
>>> g = facts_to_graph(facts, with_ontology=False)
>>> g.value(entity_iri("mx"), AG.isoCode)
rdflib.term.Literal('MX')
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from loaders.facts import FactSet, Quote
from loaders.records import Record, Source
from loaders.values import canonical_decimal, date_precision
from ontology import AG, OA, PREFIXES, entity_iri, evidence_iri, ontology_path, source_iri

__all__ = ["CLASSES", "evidence_id", "facts_to_graph", "new_graph"]

CLASSES: dict[str, URIRef] = {
    "country": AG.Country,
    "region": AG.Region,
    "agency": AG.Agency,
    "organization": AG.Organization,
    "person": AG.Person,
    "program": AG.Program,
    "policy": AG.Policy,
    "pledge": AG.Pledge,
    "statistic": AG.Statistic,
}
"""Record kind → its ontology class."""

_OBJECT_FIELDS = {
    "agency_of": AG.agencyOf,
    "based_in": AG.basedIn,
    "within": AG.within,
    "member_of": AG.memberOf,
    "includes": AG.includes,
    "targets": AG.targets,
    "place": AG.place,
    "implemented_by": AG.implementedBy,
    "announced_by": AG.announcedBy,
    "pledged_by": AG.pledgedBy,
    "recipient": AG.recipient,
    "administration": AG.administration,
    "for_program": AG.forProgram,
    "part_of": AG.partOf,
}
_DATE_FIELDS = {
    "announced_on": AG.announcedOn,
    "started_on": AG.startedOn,
    "ended_on": AG.endedOn,
    "period": AG.periodStart,
    "period_end": AG.periodEnd,
}
_TEXT_FIELDS = {
    "position": AG.position,
    "iso_code": AG.isoCode,
    "unit": AG.unit,
    "measure": AG.measure,
    "currency": AG.currency,
    "goals": AG.goal,
}
_DECIMAL_FIELDS = {"amount": AG.amount, "value": AG.value}
_CODES = {
    "qualifier": (
        AG.amountQualifier,
        {"exact": AG.Exact, "about": AG.About, "at-least": AG.AtLeast, "up-to": AG.UpTo},
    ),
    "pledge_kind": (
        AG.pledgeKind,
        {
            "announced-pledge": AG.AnnouncedPledge,
            "pipeline-commitment": AG.PipelineCommitment,
            "budget-request": AG.BudgetRequest,
            "appropriation": AG.Appropriation,
            "planned-spending": AG.PlannedSpending,
            "development-finance": AG.DevelopmentFinance,
        },
    ),
    "funding": (
        AG.fundingType,
        {"public": AG.PublicMoney, "private": AG.PrivateMoney, "loans": AG.Loans, "investment": AG.Investment},
    ),
}
"""Code-list field → (property, notation → concept); notations match ``skos:notation`` in the ontology."""


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound (and no others)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def facts_to_graph(
    facts: FactSet,
    *,
    positions: Mapping[tuple[str, str], tuple[int, int]] | None = None,
    with_ontology: bool = True,
) -> Graph:
    """Build the RDF graph of ``facts``.

    Parameters
    ----------
    facts
        A checked fact set from :func:`loaders.facts.load_facts`.
    positions
        ``(source id, quote) → (start, end)`` character offsets of quotes in their documents; when
        given, evidence carries ``oa:start`` and ``oa:end`` like a Web Annotation position selector.
    with_ontology
        Include the ontology's own triples, so the graph is self-describing.
    """
    graph = new_graph()
    if with_ontology:
        graph.parse(ontology_path(), format="turtle")
    for source in facts.sources.values():
        _add_source(graph, source)
    for record in facts.records.values():
        _add_record(graph, record)
        for quote in facts.evidence.get(record.id, []):
            node = _add_evidence(graph, record.id, quote, positions)
            graph.add((entity_iri(record.id), AG.evidence, node))
    return graph


def evidence_id(fact_id: str, source_id: str, quote: str) -> str:
    """A stable id for one quote of one source supporting one fact.

    Examples
    --------
    >>> evidence_id("usaid", "aljazeera-2021", "USAID")
    'usaid-ae091f8d592a'
    """
    digest = hashlib.sha256(f"{source_id}\n{quote}".encode()).hexdigest()[:12]
    return f"{fact_id}-{digest}"


def _add_source(graph: Graph, source: Source) -> None:
    node = source_iri(source.id)
    graph.add((node, RDF.type, AG.SourceDocument))
    graph.add((node, DCTERMS.title, Literal(source.title)))
    graph.add((node, AG.fileName, Literal(source.file)))
    if source.sha256:
        graph.add((node, AG.sha256, Literal(source.sha256)))
    if source.outlet:
        graph.add((node, AG.outlet, Literal(source.outlet)))
    if source.published:
        graph.add((node, DCTERMS.issued, _date(source.published)))
    if source.note:
        graph.add((node, SKOS.note, Literal(source.note)))


def _add_record(graph: Graph, record: Record) -> None:
    node = entity_iri(record.id)
    graph.add((node, RDF.type, CLASSES[record.kind]))
    graph.add((node, RDFS.label, Literal(record.label)))
    for alias in record.aliases:
        graph.add((node, SKOS.altLabel, Literal(alias)))
    if record.note:
        graph.add((node, SKOS.note, Literal(record.note)))
    fields = record.model_dump(exclude={"id", "label", "aliases", "note", "evidence"}, exclude_none=True)
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            graph.add((node, *_predicate_object(name, item)))


def _predicate_object(name: str, value: object) -> tuple[URIRef, URIRef | Literal]:
    if name in _OBJECT_FIELDS:
        return _OBJECT_FIELDS[name], entity_iri(str(value))
    if name in _DATE_FIELDS:
        return _DATE_FIELDS[name], _date(str(value))
    if name in _TEXT_FIELDS:
        return _TEXT_FIELDS[name], Literal(str(value))
    if name in _DECIMAL_FIELDS:
        assert isinstance(value, Decimal)
        return _DECIMAL_FIELDS[name], Literal(canonical_decimal(value), datatype=XSD.decimal)
    if name in _CODES:
        predicate, concepts = _CODES[name]
        return predicate, concepts[str(value)]
    if name == "new_money":
        return AG.newMoney, Literal(bool(value))
    if name == "duration":
        return AG.duration, Literal(str(value), datatype=XSD.duration)
    raise AssertionError(f"field {name!r} has no RDF mapping")  # a new model field needs one


def _add_evidence(
    graph: Graph, fact_id: str, quote: Quote, positions: Mapping[tuple[str, str], tuple[int, int]] | None
) -> URIRef:
    node = evidence_iri(evidence_id(fact_id, quote.source, quote.quote))
    graph.add((node, RDF.type, AG.Evidence))
    graph.add((node, AG.source, source_iri(quote.source)))
    graph.add((node, AG.quote, Literal(quote.quote)))
    span = positions.get((quote.source, quote.quote)) if positions else None
    if span:
        graph.add((node, OA.start, Literal(span[0], datatype=XSD.integer)))
        graph.add((node, OA.end, Literal(span[1], datatype=XSD.integer)))
    return node


def _date(text: str) -> Literal:
    return Literal(text, datatype=XSD[date_precision(text)])
