"""The facts' triples into a store: in pieces, parsed alongside the making of the text, as one load would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

import loaders.rdf
from bench.generate import generate
from loaders import load_facts
from loaders.rdf import facts_to_ntriples, load_into_store

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _triples(store: ox.Store) -> list[str]:
    return sorted(str(quad) for quad in store)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("generated") / "seeds", 600, seed=3)


@pytest.mark.parametrize("piece_chars", [1, 5_000, 1 << 30])
def test_an_in_memory_store_loaded_in_pieces_equals_one_load(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece_chars: int
) -> None:
    facts = load_facts(generated)
    monkeypatch.setattr(loaders.rdf, "PIECE_CHARS", piece_chars)
    in_pieces = ox.Store()
    load_into_store(in_pieces, facts_to_ntriples(facts), on_disk=False)
    at_once = ox.Store(str(tmp_path / "disk"))
    load_into_store(at_once, facts_to_ntriples(facts), on_disk=True)
    assert _triples(in_pieces) == _triples(at_once)
    assert len(in_pieces) > 10_000


@pytest.mark.parametrize("seeds", ["project", "generated"])
def test_the_facts_triples_have_no_blank_nodes(seeds: str, generated: Path) -> None:
    facts = load_facts(SEEDS if seeds == "project" else generated)
    quads = list(ox.parse("".join(facts_to_ntriples(facts)).encode(), format=ox.RdfFormat.N_TRIPLES))
    assert quads
    assert not [q for q in quads if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)]


def test_a_failure_while_making_the_text_is_raised_not_hung(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loaders.rdf, "PIECE_CHARS", 10)

    def lines() -> Iterator[str]:
        for i in range(5):
            yield f"<urn:s{i}> <urn:p> <urn:o> .\n"
        raise RuntimeError("the facts went away")

    with pytest.raises(RuntimeError, match="went away"):
        load_into_store(ox.Store(), lines(), on_disk=False)


@pytest.mark.parametrize("where", ["first", "between", "last"])
def test_a_piece_that_does_not_parse_is_an_error(monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    monkeypatch.setattr(loaders.rdf, "PIECE_CHARS", 10)  # every line is a piece, parsed in the thread
    good = [f"<urn:s{i}> <urn:p> <urn:o> .\n" for i in range(3)]
    lines = {"first": ["not a triple\n", *good], "between": [*good[:2], "not a triple\n", good[2]], "last": [*good, "not a triple\n"]}
    with pytest.raises(SyntaxError):
        load_into_store(ox.Store(), iter(lines[where]), on_disk=False)


def test_a_short_last_piece_is_parsed_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loaders.rdf, "PIECE_CHARS", 60)
    store = ox.Store()
    load_into_store(store, iter([f"<urn:s{i}> <urn:p> <urn:o> .\n" for i in range(5)]), on_disk=False)
    assert {str(q.subject) for q in store.quads_for_pattern(None, ox.NamedNode("urn:p"), None)} == {f"<urn:s{i}>" for i in range(5)}
    with pytest.raises(SyntaxError):
        load_into_store(ox.Store(), iter([f"<urn:s{i}> <urn:p> <urn:o> .\n" for i in range(3)] + ["oops\n"]), on_disk=False)


@pytest.mark.parametrize("which", ["bundled", "generated"])
def test_each_subject_is_a_node_of_the_one_file_whose_text_holds_it(
    which: str, generated: Path, corpus_dir: Path
) -> None:
    """What ``check`` keeps per file rests on this: a node's own triples all come from its file,
    and the properties the shapes follow backwards link nodes of one file."""
    from loaders import check_corpus
    from loaders.rdf import nodes_by_file, ntriples_by_file
    from loaders.shacl import inverse_paths
    from loaders.shapes_increment import SAME_FILE_LINKS

    assert inverse_paths() == SAME_FILE_LINKS  # the shapes follow these backwards: each is checked below

    seeds = SEEDS if which == "bundled" else generated
    facts = load_facts(seeds)
    positions = check_corpus(facts, corpus_dir).positions if which == "bundled" else None
    owners = nodes_by_file(facts)
    inferences = 0
    for file, text in ntriples_by_file(facts, positions=positions):
        quads = list(ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES))
        assert {quad.subject.value for quad in quads} == {iri for iri, owner in owners.items() if owner == file}
        assert nodes_by_file(facts, only={file}) == {iri: file for iri, owner in owners.items() if owner == file}
        for quad in quads:
            if quad.predicate.value in SAME_FILE_LINKS:
                inferences += 1
                assert owners[quad.object.value] == file
    assert inferences > 0 or which == "generated"  # the generator writes no inferred fields
