"""The ontology under an OWL 2 RL reasoner: countries stay countries, people stay people.

The W3C vocabularies aidgraph aligns to declare domains and ranges that a reasoner applies to
everything a sub-property links. Those few axioms are restated below (from the ORG and PROV-O
recommendations; nothing is fetched), so the test sees what a user's reasoner would see.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import FOAF, OWL, PROV, RDF, RDFS, XSD

from ontology.prefixes import PREFIXES

AG = Namespace(PREFIXES["ag"])
AID = Namespace(PREFIXES["aid"])
ORG = Namespace("http://www.w3.org/ns/org#")

# https://www.w3.org/TR/vocab-org/ and https://www.w3.org/TR/prov-o/: the domains and ranges.
W3C_AXIOMS = """
@prefix org: <http://www.w3.org/ns/org#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
org:subOrganizationOf rdfs:domain org:Organization ; rdfs:range org:Organization .
org:memberOf rdfs:domain foaf:Agent ; rdfs:range org:Organization .
org:Organization rdfs:subClassOf foaf:Agent . org:OrganizationalUnit rdfs:subClassOf org:Organization .
prov:wasDerivedFrom rdfs:domain prov:Entity ; rdfs:range prov:Entity .
prov:wasAttributedTo rdfs:domain prov:Entity ; rdfs:range prov:Agent .
prov:hadPrimarySource rdfs:subPropertyOf prov:wasDerivedFrom ; rdfs:domain prov:Entity ; rdfs:range prov:Entity .
"""


@pytest.fixture(scope="module")
def closure(seed_graph: Graph) -> Graph:
    """The OWL RL closure, computed in a child process: owlrl changes rdflib's datatype handling
    for the whole process, which would change what later tests see as ill-typed literals."""
    import multiprocessing

    data = seed_graph.serialize(format="nt", encoding="utf-8")
    with multiprocessing.get_context("fork").Pool(1) as pool:
        expanded = pool.apply(_expand, (data,))
    return Graph().parse(data=expanded, format="nt")


def _expand(data: bytes) -> bytes:
    import owlrl

    graph = Graph().parse(data=data, format="nt")
    graph.parse(data=W3C_AXIOMS, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    plain = Graph()  # OWL RL also derives triples about literals, which N-Triples cannot hold
    for triple in graph.triples((None, RDF.type, None)):
        if not isinstance(triple[0], Literal):
            plain.add(triple)
    return plain.serialize(format="nt", encoding="utf-8")


def classes(graph: Graph, node) -> set:
    return {c for c in graph.objects(node, RDF.type) if not str(c).startswith(str(OWL))}


pytestmark = pytest.mark.slow  # the reasoner takes a few seconds


def test_a_country_is_an_actor_and_a_place_not_an_organization_or_an_entity(closure: Graph) -> None:
    found = classes(closure, AID.mx)
    assert {AG.Country, AG.Actor, AG.Place, PROV.Agent, PROV.Location} <= found
    assert not found & {ORG.Organization, PROV.Entity, AG.Organization}, found


def test_a_person_is_a_person_not_an_entity_or_an_organization(closure: Graph) -> None:
    found = classes(closure, AID["donald-trump"])
    assert {AG.Person, AG.Actor, FOAF.Person, PROV.Agent} <= found
    assert not found & {ORG.Organization, PROV.Entity}, found


def test_the_alignments_that_hold_still_infer(closure: Graph) -> None:
    assert {AG.Organization, ORG.Organization, ORG.OrganizationalUnit} <= classes(closure, AID.dfc)
    pledge = next(closure.subjects(RDF.type, AG.Pledge))
    assert PROV.Entity in classes(closure, pledge)


def test_every_range_is_in_the_owl2_datatype_map(seed_graph: Graph) -> None:
    """OWL 2 DL reasoners refuse other datatypes as ranges (xsd:duration was one)."""
    names = (
        "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short byte "
        "unsignedLong unsignedInt unsignedShort unsignedByte double float string normalizedString token language "
        "Name NCName NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp"
    )
    owl2 = {XSD[t] for t in names.split(" ")}
    owl2 |= {RDF.PlainLiteral, RDF.XMLLiteral, RDF.langString, OWL.real, OWL.rational, RDFS.Literal}
    ranges = {r for r in seed_graph.objects(None, RDFS.range) if str(r).startswith(str(XSD))}
    assert ranges - owl2 == set()
    durations = {(str(o), o.datatype or XSD.string) for o in seed_graph.objects(None, AG.duration)}
    assert durations == {("P5Y", XSD.string)}
