"""Shared fixtures: the seed graph is built once per session; small fact sets are written per test."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

MINIMAL_SOURCES = """\
sources:
  - id: s1
    file: article.txt
    sha256: 3a5b2d3eac16a3b53b996779b66a80adf6524e58edd9d5dcbb5e90c70d32881f
    title: An article
"""
MINIMAL_FACTS = """\
source: s1
countries:
  - id: us
    label: United States
    iso_code: US
    evidence: [The United States pledged money]
  - id: sv
    label: El Salvador
    iso_code: SV
    evidence: [money to El Salvador]
agencies:
  - id: dfc
    label: Development Finance Corporation
    agency_of: us
    evidence: [The Development Finance Corporation pledged]
pledges:
  - id: dfc-sv
    label: DFC money for El Salvador
    pledged_by: dfc
    recipient: sv
    amount: 1 billion
    evidence: [pledged $1 billion to El Salvador]
"""
MINIMAL_ARTICLE = (
    "The United States pledged money. The Development Finance Corporation pledged "
    "$1 billion to El Salvador. It sent money to El Salvador.\n"
)


def edit_seed(seeds: Path, name: str, old: str, new: str) -> None:
    """Replace the first ``old`` in the fact file ``name`` under ``seeds`` by ``new`` (``old`` must be there)."""
    path = seeds / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def corpus_path() -> Path:
    """The corpus the seeds were curated from: $AIDGRAPH_CORPUS or ../shared/corpus."""
    return Path(os.environ.get("AIDGRAPH_CORPUS") or ROOT.parent / "shared" / "corpus")


# Commands under test read the corpus as `make test` and CI give it, wherever pytest runs.
os.environ.setdefault("AIDGRAPH_CORPUS", str(corpus_path()))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    path = corpus_path()
    assert path.is_dir(), f"the corpus is needed for these tests: {path} (set AIDGRAPH_CORPUS)"
    return path


@pytest.fixture(scope="session")
def seed_build(corpus_dir: Path):
    """The graph and facts built from the bundled seeds, with quote offsets."""
    from loaders import check_corpus, facts_to_graph, load_facts

    facts = load_facts(SEEDS)
    return facts_to_graph(facts, positions=check_corpus(facts, corpus_dir).positions), facts


@pytest.fixture(scope="session")
def seed_graph(seed_build) -> Graph:
    return seed_build[0]


@pytest.fixture
def write_seeds(tmp_path: Path) -> Callable[..., Path]:
    """Write fact files into a fresh seeds directory; defaults give a small valid set."""

    def write(files: dict[str, str | bytes] | None = None, *, minimal: bool = True) -> Path:
        seeds = tmp_path / "seeds"
        seeds.mkdir(exist_ok=True)
        contents: dict[str, str | bytes] = {}
        if minimal:
            contents = {"sources.yaml": MINIMAL_SOURCES, "facts.yaml": MINIMAL_FACTS}
        contents.update(files or {})
        for name, text in contents.items():
            path = seeds / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text), encoding="utf-8")
        return seeds

    return write


@pytest.fixture
def minimal_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "article.txt").write_text(MINIMAL_ARTICLE, encoding="utf-8")
    return corpus


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory):
    """An Oxigraph store of the seed graph, built in memory (no build/ directory involved)."""
    from graph.store import open_store

    return open_store(SEEDS, tmp_path_factory.mktemp("no-build"), corpus_path())


@contextmanager
def raises_exactly(error: type[BaseException], message: str) -> Iterator[None]:
    """Like ``pytest.raises``, but the whole message must be ``message``, word for word."""
    with pytest.raises(error) as raised:
        yield
    assert str(raised.value) == message


@pytest.fixture(autouse=True)
def _independent_of_the_working_directory(request: pytest.FixtureRequest, tmp_path_factory, monkeypatch) -> None:
    """Tests run in an empty scratch directory, so none depends on where pytest was started."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))



@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):
    """A real `oxigraph serve` on 127.0.0.1 (see tests/servers.py); its query URL."""
    from tests.servers import OxigraphServer

    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-server"))
    try:
        yield server.endpoint
    finally:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory):
    """Virtuoso Open Source (Debian's virtuoso-opensource) with a login that may update."""
    from tests.servers import VirtuosoServer

    if VirtuosoServer.binary() is None:
        pytest.skip("Virtuoso is not installed: `make system-deps` installs Debian's virtuoso-opensource")
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        server.stop()
