"""The SHACL shapes accept the seeds and report violations at the fact's own line."""

from __future__ import annotations

from loaders import check_shapes, facts_to_graph, load_facts
from ontology import AG, entity_iri


def test_seeds_conform_to_the_shapes(seed_build) -> None:
    graph, facts = seed_build
    assert check_shapes(graph, facts) == []


def test_error_shape_violation_is_reported_at_fact_line(write_seeds) -> None:
    seeds = write_seeds(
        {
            "x.yaml": "source: s1\nstatistics:\n  - id: st\n    label: S\n    measure: m\n    value: 5\n    unit: u\n    evidence: [x]\n"
        }
    )
    facts = load_facts(seeds)
    graph = facts_to_graph(facts)
    graph.remove((entity_iri("st"), AG.unit, None))
    problems = [str(p) for p in check_shapes(graph, facts)]
    assert problems == [
        (f"{seeds / 'x.yaml'}:3:5: statistic 'st': shape violation on value: "
        "a statistic states a value with its unit and qualifier, or a trend without a value")
    ]


def test_error_agency_without_country_violates_shapes(write_seeds) -> None:
    facts = load_facts(write_seeds())
    graph = facts_to_graph(facts)
    graph.remove((entity_iri("dfc"), AG.agencyOf, None))
    problems = [str(p) for p in check_shapes(graph, facts)]
    assert len(problems) == 1
    assert "agency 'dfc': shape violation on ag:agencyOf: an agency belongs to exactly one country" in problems[0]
