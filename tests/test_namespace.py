"""The closed namespace, the ontology file and the code lists name exactly the same terms."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from loaders.rdf import CLASSES, CODES, PREDICATES
from ontology import AG, ONTOLOGY_IRI, ontology_path, shapes_path


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_path(), format="turtle")


def _ontology_terms(ontology: Graph) -> set[URIRef]:
    namespace = str(AG._NS)
    return {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(namespace)}


def test_namespace_and_ontology_declare_the_same_terms(ontology: Graph) -> None:
    declared = {AG[name] for name in AG.__annotations__}
    assert declared == _ontology_terms(ontology)


def test_every_term_has_label_and_definition(ontology: Graph) -> None:
    for term in _ontology_terms(ontology) | {ONTOLOGY_IRI}:
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, SKOS.definition) is not None, term


def test_properties_have_a_domain_or_range_and_classes_a_superclass(ontology: Graph) -> None:
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        assert (prop, RDFS.domain, None) in ontology or (prop, RDFS.range, None) in ontology, prop
    for cls in ontology.subjects(RDF.type, OWL.Class):
        assert (cls, RDFS.subClassOf, None) in ontology, cls


def test_misspelled_term_is_an_error() -> None:
    with pytest.raises(AttributeError):
        AG.pledgeBy  # noqa: B018


def test_code_list_notations_match_the_ontology(ontology: Graph) -> None:
    for concepts in CODES.values():
        for notation, local in concepts.items():
            assert str(ontology.value(AG[local], SKOS.notation)) == notation


def test_record_kinds_map_to_ontology_classes(ontology: Graph) -> None:
    for cls in CLASSES.values():
        assert (URIRef(cls), RDF.type, OWL.Class) in ontology


def test_every_field_maps_to_an_ontology_property(ontology: Graph) -> None:
    for predicate, _ in PREDICATES.values():
        kinds = set(ontology.objects(URIRef(predicate), RDF.type))
        assert kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}, predicate


def test_every_record_field_has_a_mapping() -> None:
    from loaders.records import SECTIONS, Record

    for model in SECTIONS.values():
        if issubclass(model, Record):
            # `inferred` becomes ag:Inference nodes (loaders.rdf._inferences), not one property
            assert set(model.model_fields) - {"id", "label", "aliases", "note", "evidence", "inferred"} <= set(PREDICATES)


def test_shapes_parse_and_target_ontology_classes(ontology: Graph) -> None:
    shapes = Graph().parse(shapes_path(), format="turtle")
    sh_target = URIRef("http://www.w3.org/ns/shacl#targetClass")
    targets = set(shapes.objects(None, sh_target))
    assert AG.Pledge in targets and AG.Evidence in targets
    assert all((t, RDF.type, OWL.Class) in ontology for t in targets)


def test_every_ag_term_in_queries_and_code_exists_in_the_ontology() -> None:
    """A misspelt ``ag:`` term in a named query or a SPARQL string would silently match nothing."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    declared = set(AG.__annotations__)
    used: dict[str, set[str]] = {}
    for path in [*root.glob("graph/**/*.rq"), *root.glob("graph/**/*.py"), *root.glob("loaders/**/*.py")]:
        for term in re.findall(r"\bag:([A-Za-z_]\w*)", path.read_text(encoding="utf-8")):
            used.setdefault(term, set()).add(path.relative_to(root).as_posix())
    assert len(used) > 20  # the scan reads the queries
    unknown = {term: sorted(files) for term, files in used.items() if term not in declared}
    assert unknown == {}


def test_plain_string_terms_are_the_ontology_terms_and_refuse_a_misspelling() -> None:
    from ontology.terms import ag, terms

    assert terms() == set(AG.__annotations__)
    assert ag("pledgedBy") == str(AG.pledgedBy)
    with pytest.raises(AttributeError) as raised:
        ag("pledgeBy")
    assert str(raised.value) == "'pledgeBy' is not a term of the aidgraph ontology (did you mean 'pledgedBy'?)"
