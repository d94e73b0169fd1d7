"""``aidgraph check``: every check of the facts in one report.

Three layers, each reported at the facts' own lines: the loader's validation (YAML, pydantic
records, references), the SHACL shapes on the built graph, and — given the corpus — verbatim
quotes and document hashes. On request, a fourth: the coverage ledger of every number in the
articles (:mod:`loaders.coverage`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from loaders import (
    FactError,
    Problem,
    check_corpus,
    check_shapes,
    load_facts,
)
from loaders.coverage import CoverageReport, coverage_of
from loaders.facts import inference_lines
from loaders.shacl import Engine, shapes_store
from loaders.shapes_increment import kept_shape_problems

__all__ = ["CheckReport", "check_all"]


@dataclass
class CheckReport:
    """Problems found, and what was checked."""

    problems: list[Problem] = field(default_factory=list)
    facts: int = 0
    files: int = 0
    quotes: int = 0
    corpus_checked: bool = False
    inferences: list[str] = field(default_factory=list)
    """Every inferred field, one line each (``file:line: id field: reason``), in file order."""
    coverage: CoverageReport | None = None
    """The ledger of every number in the articles, when asked for."""
    shapes_redone: list[str] | None = None
    """The fact files the shapes validated again, the others' results kept from the last check
    (None: the shapes ran on the whole set)."""

    def lines(self) -> list[str]:
        """A one-line verdict per layer, for the terminal."""
        if not self.facts:
            return ["facts: not loaded"]
        corpus = (
            f"quotes: {self.quotes} checked against the corpus"
            if self.corpus_checked
            else "quotes: not verified (give --corpus or set AIDGRAPH_CORPUS)"
        )
        counts = [f"{len(self.problems)} problem(s)"] if self.problems else []
        coverage = [] if self.coverage is None else [a.summary() for a in self.coverage.articles]
        if self.coverage is not None and self.coverage.missing:
            missing = self.coverage.missing
            counts.append(f"{missing} number{'s' * (missing != 1)} not covered")
        status = ", ".join(counts) or "OK"
        return [f"facts: {self.facts} loaded", self._shapes_line(), corpus, *coverage, f"result: {status}"]

    def _shapes_line(self) -> str:
        if self.shapes_redone is None:
            return "shapes: SHACL validation run"
        return (
            f"shapes: SHACL validation run on the nodes of {len(self.shapes_redone)} of {self.files} fact files, "
            "the others' results kept from the last check"
        )

    def missing_lines(self) -> list[str]:
        """One line per number of the articles that no fact covers and no waiver excuses."""
        if self.coverage is None:
            return []
        return [line for article in self.coverage.articles for line in article.missing_lines()]


def check_all(
    seeds_dir: Path,
    corpus_dir: Path | None = None,
    *,
    coverage: bool = False,
    shacl_engine: Engine = "sparql",
    cache_dir: Path | None = None,
) -> CheckReport:
    """Run every check; the facts' own errors stop the later layers, which need valid facts.

    Given the corpus, waivers (``not_curated:``) are checked against their articles; with
    ``coverage`` too, the report holds the ledger of every number in the articles. The shapes
    run on an in-memory Oxigraph store of the facts and the ontology (``sparql``, the default)
    or with pySHACL on an rdflib graph (``pyshacl``, the reference; minutes at 100k). With
    ``cache_dir`` (a build directory), files unchanged since the last run are not re-read (see
    :mod:`loaders.record_cache`), and the ``sparql`` shapes validate only the nodes of the files
    an edit changed (see :mod:`loaders.shapes_increment`). The facts are read lazy: the checks
    across files read each fact's sketch, and a cached file's records are unpickled only when
    something asks for one of them (the shapes' files; the corpus, given one).
    """
    report = CheckReport()
    try:
        facts = load_facts(seeds_dir, cache_dir=cache_dir, lazy=True)
    except FactError as err:
        report.problems = err.problems
        return report
    report.facts, report.files = len(facts.records), len(facts.files)
    report.inferences = inference_lines(facts)
    report.quotes = facts.quote_count()
    positions = articles = None
    if corpus_dir is not None:
        corpus = check_corpus(facts, corpus_dir)
        report.problems.extend(corpus.problems)
        report.corpus_checked = True
        positions, articles = corpus.positions, corpus.read
        ledger = coverage_of(facts, corpus_dir)
        report.problems.extend(ledger.problems)
        report.coverage = ledger if coverage else None
    if cache_dir is not None and shacl_engine == "sparql":
        shapes = kept_shape_problems(facts, cache_dir, positions=positions, articles=articles)
        report.problems.extend(shapes.problems)
        report.shapes_redone = shapes.redone
    else:
        report.problems.extend(check_shapes(shapes_store(facts, positions), facts, engine=shacl_engine))
    report.problems.sort()
    return report
