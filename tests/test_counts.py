"""The store's counts a build keeps: counted once, then adjusted by exactly what a patch changes."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.counts import Counts, count_store
from graph.increment import patch_store
from graph.summary import pledge_money, summarize, summary_of
from loaders import load_facts
from ontology.prefixes import AG_NS
from tests.conftest import SEEDS

A, B = "<urn:a>", "<urn:b>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
PLEDGE, AGENCY = f"<{AG_NS}Pledge>", f"<{AG_NS}Agency>"


def _store(path: Path, ntriples: str) -> Counts:
    store = ox.Store(str(path))
    store.load(ntriples.encode(), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    counts = count_store(store)
    del store
    return counts


def test_a_patch_counts_only_what_it_removes_and_adds(tmp_path: Path) -> None:
    before = _store(tmp_path / "before", f'{A} {TYPE} {PLEDGE} .\n{A} {LABEL} "a" .\n{B} {TYPE} {AGENCY} .\n')
    assert before == Counts(3, {"Pledge": 1, "Agency": 1})
    removed = [
        f'{A} {TYPE} {PLEDGE} .\n{A} {LABEL} "a" .\n'.encode(),
        f'{A} {TYPE} {PLEDGE} .\n<urn:c> {TYPE} {AGENCY} .\n'.encode(),  # one removed already, one never there
    ]
    added = [
        f'{A} {TYPE} {AGENCY} .\n{A} {TYPE} {AGENCY} .\n{B} {TYPE} {AGENCY} .\n',  # a repeat, and one the store holds
        f'{A} {TYPE} "{AG_NS}Pledge" .\n',  # the class query reads a literal's text too
    ]
    store, counts = patch_store(tmp_path / "before", removed, added, before)
    assert counts == count_store(store) == Counts(3, {"Agency": 2, "Pledge": 1})


def test_two_spellings_of_one_value_are_counted_as_the_one_triple_the_store_holds(tmp_path: Path) -> None:
    before = _store(tmp_path / "before", f"{A} {TYPE} {PLEDGE} .\n")
    decimal = "<http://www.w3.org/2001/XMLSchema#decimal>"
    added = [f'{A} <urn:amount> "1.0"^^{decimal} .\n{A} <urn:amount> "1"^^{decimal} .\n']
    store, counts = patch_store(tmp_path / "before", [], added, before)
    assert counts == count_store(store) == Counts(2, {"Pledge": 1})


def test_a_class_left_without_instances_is_not_kept(tmp_path: Path) -> None:
    before = _store(tmp_path / "before", f"{A} {TYPE} {PLEDGE} .\n")
    store, counts = patch_store(tmp_path / "before", [f"{A} {TYPE} {PLEDGE} .\n".encode()], [], before)
    assert counts == count_store(store) == Counts(0, {})
    assert counts.to_json() == {"triples": 0, "classes": {}}


@pytest.mark.parametrize(
    "kept",
    [{"triples": -1, "classes": {}}, {"triples": 1, "classes": {"Pledge": 0}}, {"triples": 1.5, "classes": {}},
     {"triples": False, "classes": {}}, {"triples": 1}, {"triples": 1, "classes": []}],
)
def test_counts_kept_wrong_are_refused(kept: object) -> None:
    with pytest.raises((ValueError, TypeError, KeyError, AttributeError)):
        Counts.from_json(kept)


def test_counts_round_trip() -> None:
    counts = Counts(7, {"Pledge": 2, "Agency": 1})
    assert Counts.from_json(counts.to_json()) == counts


def test_the_summary_from_kept_counts_equals_the_counted_one(seed_store: ox.Store) -> None:
    kept = Counts.from_json(count_store(seed_store).to_json())
    money = pledge_money(load_facts(SEEDS))
    assert summary_of(kept, money) == summarize(seed_store)
    assert summary_of(Counts(1, {}), money).triples == 1  # the kept counts are what it reports
