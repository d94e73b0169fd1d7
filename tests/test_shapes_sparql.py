"""The SPARQL shapes engine reports exactly what pySHACL reports: same focus nodes, paths, messages.

Each broken graph below is validated by both engines; the Problem lines must be equal as lists
(both are sorted), duplicates included.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from loaders import check_shapes, facts_to_graph, load_facts
from loaders.shapes_sparql import (
    UnsupportedShape,
    compile_shapes,
    validate,
    violation_message,
)
from ontology import AG, OA, entity_iri, ontology_path

DCTERMS = URIRef("http://purl.org/dc/terms/")


def _both(graph: Graph, facts) -> list[str]:
    reference = [str(p) for p in check_shapes(graph, facts, engine="pyshacl")]
    fast = [str(p) for p in check_shapes(graph, facts, engine="sparql")]
    assert fast == reference
    return fast


def _evidence(graph: Graph, fact: str) -> URIRef:
    node = graph.value(entity_iri(fact), AG.evidence)
    assert isinstance(node, URIRef)
    return node


def _set(graph: Graph, subject: URIRef, predicate: URIRef, value) -> None:
    graph.remove((subject, predicate, None))
    graph.add((subject, predicate, value))


BREAKS = {
    "agency without country": lambda g: g.remove(
        (entity_iri("dfc"), AG.agencyOf, None)
    ),
    "two labels": lambda g: g.add((entity_iri("us"), RDFS.label, Literal("USA"))),
    "label with a language": lambda g: _set(
        g, entity_iri("sv"), RDFS.label, Literal("El Salvador", lang="es")
    ),
    "empty label": lambda g: _set(g, entity_iri("sv"), RDFS.label, Literal("")),
    "label not a string": lambda g: _set(g, entity_iri("sv"), RDFS.label, Literal(5)),
    "label an IRI": lambda g: _set(
        g, entity_iri("sv"), RDFS.label, URIRef("http://example.org/x")
    ),
    "empty alias": lambda g: g.add((entity_iri("dfc"), SKOS.altLabel, Literal(""))),
    "amount ill-typed": lambda g: _set(
        g, entity_iri("dfc-sv"), AG.amount, Literal("abc", datatype=XSD.decimal)
    ),
    "amount negative": lambda g: _set(
        g, entity_iri("dfc-sv"), AG.amount, Literal("-5", datatype=XSD.decimal)
    ),
    "amount a string": lambda g: _set(g, entity_iri("dfc-sv"), AG.amount, Literal("5")),
    "amount an integer": lambda g: _set(g, entity_iri("dfc-sv"), AG.amount, Literal(5)),
    "two amounts": lambda g: g.add(
        (entity_iri("dfc-sv"), AG.amount, Literal("7", datatype=XSD.decimal))
    ),
    "currency lowercase": lambda g: _set(
        g, entity_iri("dfc-sv"), AG.currency, Literal("usd")
    ),
    "currency with newline": lambda g: _set(
        g, entity_iri("dfc-sv"), AG.currency, Literal("USD\n")
    ),
    "no currency": lambda g: g.remove((entity_iri("dfc-sv"), AG.currency, None)),
    "iso code too long": lambda g: _set(
        g, entity_iri("us"), AG.isoCode, Literal("USA")
    ),
    "date impossible": lambda g: g.add(
        (entity_iri("dfc-sv"), AG.announcedOn, Literal("2019-02-30", datatype=XSD.date))
    ),
    "date as text": lambda g: g.add(
        (entity_iri("dfc-sv"), AG.announcedOn, Literal("2019"))
    ),
    "month out of range": lambda g: g.add(
        (
            entity_iri("dfc-sv"),
            AG.announcedOn,
            Literal("2019-13", datatype=XSD.gYearMonth),
        )
    ),
    "two dates": lambda g: (
        g.add(
            (entity_iri("dfc-sv"), AG.announcedOn, Literal("2019", datatype=XSD.gYear))
        ),
        g.add(
            (entity_iri("dfc-sv"), AG.announcedOn, Literal("2020", datatype=XSD.gYear))
        ),
    ),
    "donor untyped": lambda g: _set(
        g, entity_iri("dfc-sv"), AG.pledgedBy, URIRef("http://example.org/nobody")
    ),
    "donor a literal": lambda g: _set(
        g, entity_iri("dfc-sv"), AG.pledgedBy, Literal("dfc")
    ),
    "recipient a pledge": lambda g: g.add(
        (entity_iri("dfc-sv"), AG.recipient, entity_iri("dfc-sv"))
    ),
    "program a country": lambda g: g.add(
        (entity_iri("dfc-sv"), AG.forProgram, entity_iri("us"))
    ),
    "new money as text": lambda g: g.add(
        (entity_iri("dfc-sv"), AG.newMoney, Literal("yes"))
    ),
    "duration not text": lambda g: g.add(
        (entity_iri("dfc-sv"), AG.duration, Literal("P5Y", datatype=XSD.duration))
    ),
    "duration fine": lambda g: g.add((entity_iri("dfc-sv"), AG.duration, Literal("P5Y"))),
    "evidence without source": lambda g: g.remove(
        (_evidence(g, "dfc-sv"), AG.source, None)
    ),
    "empty quote": lambda g: _set(g, _evidence(g, "us"), AG.quote, Literal("")),
    "negative start": lambda g: g.add((_evidence(g, "us"), OA.start, Literal(-1))),
    "start ill-typed": lambda g: g.add(
        (_evidence(g, "us"), OA.start, Literal("x", datatype=XSD.integer))
    ),
    "start a decimal": lambda g: g.add(
        (_evidence(g, "us"), OA.start, Literal("1.5", datatype=XSD.decimal))
    ),
    "agency without evidence": lambda g: g.remove(
        (entity_iri("dfc"), AG.evidence, None)
    ),
    "bare typed node": lambda g: g.add(
        (URIRef("http://example.org/ghost"), RDF.type, AG.Agency)
    ),
    "source hash bad": lambda g: g.add(
        (URIRef("https://w3id.org/aidgraph/source/s1"), AG.sha256, Literal("ABC"))
    ),
    "source two titles": lambda g: g.add(
        (URIRef("https://w3id.org/aidgraph/source/s1"), DCTERMS + "title", Literal("B"))
    ),
    "blank node value": lambda g: g.add((entity_iri("dfc-sv"), AG.recipient, BNode())),
    "statistic with neither figure nor trend": lambda g: g.add((entity_iri("st"), RDF.type, AG.Statistic)),
    "statistic with a figure and a trend but no unit": lambda g: (
        g.add((entity_iri("st"), RDF.type, AG.Statistic)),
        g.add((entity_iri("st"), AG.value, Literal("5", datatype=XSD.decimal))),
        g.add((entity_iri("st"), AG.trend, AG.Rising)),
    ),
    "inference of no fact": lambda g: g.add((URIRef("https://w3id.org/aidgraph/id/x/inferred/label"), RDF.type, AG.Inference)),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_sparql_engine_reports_what_pyshacl_reports(write_seeds, name: str) -> None:
    facts = load_facts(write_seeds())
    graph = facts_to_graph(facts)
    BREAKS[name](graph)
    problems = _both(graph, facts)
    accepted = {
        "month out of range",
        "duration fine",
        "currency with newline",
    }  # Python's `$` matches before \n
    assert bool(problems) == (name not in accepted), name


ILL_TYPED = {
    "boolean": ("newMoney", '"maybe"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
    "decimal": ("amount", '"12abc"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
    "decimal with exponent": (
        "amount",
        '"1e3"^^<http://www.w3.org/2001/XMLSchema#decimal>',
    ),
    "date": ("announcedOn", '"2019-02-30"^^<http://www.w3.org/2001/XMLSchema#date>'),
    "duration": ("duration", '"5Y"^^<http://www.w3.org/2001/XMLSchema#duration>'),
}


@pytest.mark.parametrize("name", sorted(ILL_TYPED))
def test_ill_typed_literals_as_parsed_from_ntriples(write_seeds, name: str) -> None:
    """rdflib normalizes some lexical forms it parses; each engine reads the same N-Triples text."""
    from loaders.rdf import facts_to_ntriples
    from loaders.shacl import shapes_store

    facts = load_facts(write_seeds())
    prop, literal = ILL_TYPED[name]
    text = "".join(facts_to_ntriples(facts))
    if prop == "amount":
        text = text.replace(
            '"1000000000"^^<http://www.w3.org/2001/XMLSchema#decimal>', literal
        )
    else:
        text += f"<{entity_iri('dfc-sv')}> <{AG[prop]}> {literal} .\n"
    assert literal in text
    graph = facts_to_graph(facts)
    graph.remove((None, None, None))
    graph.parse(ontology_path(), format="turtle")
    graph.parse(data=text, format="nt")
    store = shapes_store(facts)
    store.clear()
    store.load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
    store.load(text.encode(), format=ox.RdfFormat.N_TRIPLES)
    reference = [str(p) for p in check_shapes(graph, facts, engine="pyshacl")]
    assert bool(reference) == (
        name != "decimal with exponent"
    )  # Python's Decimal reads 1e3
    assert [str(p) for p in check_shapes(store, facts, engine="sparql")] == reference


def test_every_break_at_once_in_the_seed_graph(seed_build) -> None:
    graph, facts = seed_build
    broken = Graph()
    broken.namespace_manager = graph.namespace_manager
    for triple in graph:
        broken.add(triple)
    broken.remove((entity_iri("usaid"), AG.agencyOf, None))
    broken.add((entity_iri("usaid"), RDFS.label, Literal("")))
    problems = _both(broken, facts)
    assert len(problems) == 3


def test_the_seeds_conform_in_both_engines(seed_build) -> None:
    graph, facts = seed_build
    assert _both(graph, facts) == []


def test_problem_line_of_the_sparql_engine(write_seeds) -> None:
    seeds = write_seeds()
    facts = load_facts(seeds)
    graph = facts_to_graph(facts)
    graph.add((entity_iri("dfc-sv"), AG.newMoney, Literal("yes")))
    assert [str(p) for p in check_shapes(graph, facts)] == [
        f"{seeds / 'facts.yaml'}:17:5: pledge 'dfc-sv': shape violation on ag:newMoney: "
        + "Value is not Literal with datatype xsd:boolean"
    ]


GENERIC_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:kind ; sh:in ( ex:a ex:b "c" ) ] ;
    sh:property [ sh:path ex:ref ; sh:nodeKind sh:IRI ] ;
    sh:property [ sh:path ex:code ; sh:maxLength 3 ; sh:pattern "^x" ; sh:flags "i" ] ;
    sh:property [ sh:path ex:n ; sh:minCount 2 ; sh:maxCount 3 ; sh:maxExclusive 10 ; sh:minExclusive 0 ] ;
    sh:property [ sh:path ex:m ; sh:maxInclusive 5.5 ; sh:class ex:C ] .
ex:D rdfs:subClassOf ex:C .
"""
GENERIC_DATA = """
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:D rdfs:subClassOf ex:C .
ex:ok a ex:C ; ex:kind ex:a ; ex:ref ex:ok ; ex:code "Xy" ; ex:n 1, 2 .
ex:bad a ex:D ; ex:kind ex:z, "c", "d" ; ex:ref "lit" ; ex:code "abcd", "xyzzy" ; ex:n 0, 10, 11, 5 ;
    ex:m 6, 5.5, "five", ex:ok .
ex:thin a ex:C ; ex:n 3 .
"""


def test_generic_constraints_match_pyshacl() -> None:
    """Constraints the project's shapes do not use yet, on a made-up graph and shapes."""
    from pyshacl import validate as reference
    from rdflib.namespace import SH

    shapes_text = (
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + GENERIC_SHAPES
    )
    data = Graph().parse(data=GENERIC_DATA, format="turtle")
    shapes = Graph().parse(data=shapes_text, format="turtle")
    _, results, _ = reference(data, shacl_graph=shapes, inference="none")
    expected = Counter(
        (
            str(results.value(r, SH.focusNode)),
            str(results.value(r, SH.resultPath)),
            str(results.value(r, SH.resultMessage)),
        )
        for r in results.subjects(SH.focusNode, None)
    )
    store = ox.Store()
    store.load(
        data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES
    )
    found = Counter(
        (v.focus.value, v.path, violation_message(v, data))
        for v in validate(store, compile_shapes(shapes))
    )
    assert found == expected
    assert sum(expected.values()) >= 12


def test_error_unsupported_shape_is_refused() -> None:
    shapes = """@prefix sh: <http://www.w3.org/ns/shacl#> .
    <http://x/S> sh:targetClass <http://x/C> ; sh:property [ sh:path <http://x/p> ; sh:qualifiedMinCount 1 ] ."""
    with pytest.raises(
        UnsupportedShape,
        match=r"^sh:qualifiedMinCount is not translated to SPARQL \(use --shacl-engine pyshacl\)$",
    ):
        compile_shapes(shapes)
