"""Property-based tests: generated fact sets round-trip exactly; mutated files fail cleanly.

The examples are derandomized so that CI runs the same ones every time; run with more examples
(and randomness) locally when changing the loader or the RDF mapping.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS

from graph.build import build_store
from graph.export import RDF_FORMATS, dump
from loaders import FactError, load_facts
from loaders.rdf import facts_to_graph
from ontology.prefixes import AG_NS, AID_NS
from tests.conftest import MINIMAL_FACTS, MINIMAL_SOURCES

pytestmark = pytest.mark.slow

TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")),
        st.sampled_from(['"', "\\", "\n", "'", "\u202e", "\u05e9", "<", ">", "&", "#", ":", "-", " "]),
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip())
IDS = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True)


@st.composite
def fact_sets(draw: st.DrawFn) -> dict:
    ids = draw(st.lists(IDS, min_size=1, max_size=5, unique=True))
    countries = [
        {
            "id": f"c-{i}",
            "label": draw(TEXT),
            "aliases": draw(st.lists(TEXT, max_size=2)),
            "iso_code": "XX",
            "evidence": [{"source": "s1", "quote": draw(TEXT)}],
        }
        for i, _ in enumerate(ids)
    ]
    pledges = [
        {
            "id": f"p-{pledge_id}",
            "label": draw(TEXT),
            "pledged_by": f"c-{draw(st.integers(0, len(ids) - 1))}",
            "recipient": [f"c-{draw(st.integers(0, len(ids) - 1))}"],
            "amount": str(draw(st.integers(0, 10**15))),
            "note": draw(TEXT),
            "evidence": [draw(TEXT)],
        }
        for pledge_id in ids
    ]
    return {
        "source": "s1",
        "sources": [{"id": "s1", "file": "a.txt", "title": draw(TEXT)}],
        "countries": countries,
        "pledges": pledges,
    }


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(fact_sets())
def test_any_valid_fact_set_builds_and_round_trips_exactly(facts_data: dict) -> None:
    with tempfile.TemporaryDirectory() as folder:
        seeds = Path(folder)
        (seeds / "facts.yaml").write_text(yaml.safe_dump(facts_data, allow_unicode=True), encoding="utf-8")
        facts = load_facts(seeds)
        expected = facts_to_graph(facts)
        store, _ = build_store(seeds)
        for fmt in ("turtle", "nt", "jsonld"):
            back = Graph().parse(data=dump(store, fmt), format=RDF_FORMATS[fmt][1])
            assert isomorphic(back, expected), fmt
            for country in facts_data["countries"]:
                label = back.value(URIRef(AID_NS + country["id"]), RDFS.label)
                assert label == Literal(country["label"].strip())
            quotes = {str(o) for o in back.objects(None, URIRef(AG_NS + "quote"))}
            assert {c["evidence"][0]["quote"].strip() for c in facts_data["countries"]} <= quotes


MUTATIONS = st.lists(
    st.tuples(st.sampled_from(["delete", "insert", "duplicate", "swap"]), st.integers(0, 10**6), st.text(max_size=8)),
    min_size=1,
    max_size=4,
)


def _mutate(text: str, steps: list[tuple[str, int, str]]) -> str:
    for kind, position, extra in steps:
        lines = text.splitlines(keepends=True) or [""]
        at = position % max(len(text), 1)
        if kind == "delete":
            text = text[:at] + text[at + 1 + position % 7 :]
        elif kind == "insert":
            text = text[:at] + extra + text[at:]
        elif kind == "duplicate":
            line = position % len(lines)
            text = "".join(lines[: line + 1] + lines[line:])
        else:
            i, j = position % len(lines), (position // 7) % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
            text = "".join(lines)
    return text


@settings(max_examples=300, deadline=None, derandomize=True)
@given(MUTATIONS)
def test_any_mutation_builds_or_fails_with_the_projects_own_error(steps: list[tuple[str, int, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        seeds = Path(folder)
        (seeds / "sources.yaml").write_text(MINIMAL_SOURCES, encoding="utf-8")
        (seeds / "facts.yaml").write_text(_mutate(MINIMAL_FACTS, steps), encoding="utf-8")
        try:
            load_facts(seeds)
        except FactError as err:
            assert err.problems and all("\n" not in str(p) for p in err.problems)
