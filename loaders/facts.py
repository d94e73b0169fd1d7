"""Load a directory of fact files into a checked :class:`FactSet`.

Loading is three steps, each testable alone: :mod:`loaders.yamlsource` reads a file safely with
line marks, :mod:`loaders.records` validates each entry with pydantic, and this module checks
what only the whole set can tell (duplicate ids, references, evidence sources, ``part_of``
cycles). Every problem of every file is collected; the caller gets all of them in one
:class:`~loaders.errors.FactError`, or a set of facts that is safe to turn into RDF.

Examples
--------
>>> facts = load_facts(Path("seeds"))
>>> facts.records["usaid"].label
'United States Agency for International Development'
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from loaders.errors import FactError, Location, Problem
from loaders.paths import fact_files
from loaders.records import (
    ACTOR_KINDS,
    ID_PATTERN,
    SECTIONS,
    Mention,
    NotCurated,
    Record,
    Source,
)
from loaders.yamlsource import YamlDocument, read_yaml

__all__ = ["FactSet", "Quote", "Waiver", "load_facts"]

_PLACES = frozenset({"country", "region"})
REFERENCES: dict[str, tuple[frozenset[str], str]] = {
    "agency_of": (frozenset({"country"}), "country"),
    "based_in": (frozenset({"country"}), "country"),
    "within": (frozenset({"country"}), "country"),
    "member_of": (frozenset({"country", "agency", "organization"}), "body"),
    "includes": (_PLACES, "country or region"),
    "targets": (_PLACES, "country or region"),
    "place": (_PLACES, "country or region"),
    "implemented_by": (ACTOR_KINDS, "actor"),
    "announced_by": (ACTOR_KINDS, "actor"),
    "pledged_by": (ACTOR_KINDS, "actor"),
    "recipient": (ACTOR_KINDS | {"region"}, "recipient"),
    "administration": (frozenset({"person"}), "person"),
    "for_program": (frozenset({"program", "policy"}), "program"),
    "part_of": (frozenset({"pledge"}), "pledge"),
    "participants": (ACTOR_KINDS, "actor"),
    "hosted_by": (ACTOR_KINDS, "actor"),
    "held_in": (_PLACES, "country or region"),
    "origin": (_PLACES, "country or region"),
    "concerns": (frozenset({"program", "policy", "pledge", "statistic"}), "program, policy, pledge or statistic"),
}
"""Reference field → (kinds of record it may point at, the noun used in messages)."""


@dataclass(frozen=True)
class Quote:
    """A verbatim quote supporting a fact, the source it is from, and where it was written."""

    source: str
    quote: str
    where: Location


@dataclass(frozen=True)
class Waiver:
    """A ``not_curated:`` entry: a quote holding numbers no fact records, and the curator's reason."""

    source: str
    quote: str
    reason: str
    where: Location
    name: str = "not_curated"


@dataclass
class FactSet:
    """Every validated source and fact, their evidence, and where each was defined."""

    sources: dict[str, Source] = field(default_factory=dict)
    records: dict[str, Record] = field(default_factory=dict)
    evidence: dict[str, list[Quote]] = field(default_factory=dict)
    where: dict[str, Location] = field(default_factory=dict)
    source_where: dict[str, Location] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Record]:
        """The records of one kind ('pledge', 'agency', …) in id order."""
        return [r for _, r in sorted(self.records.items()) if r.kind == kind]


def load_facts(
    seeds_dir: Path, *, workers: int | None = None, progress: Callable[[int, int], None] | None = None
) -> FactSet:
    """Read, validate and cross-check every fact file under ``seeds_dir``.

    Files are read and validated in parallel (``workers`` processes; by default one per core
    when the files are large enough to gain from it), then checked as a set. ``progress`` is
    called with (files done, files in all) after each file, for a progress bar.

    Raises
    ------
    FactError
        With every problem found, each naming file, line and column.
    """
    if not seeds_dir.is_dir():
        raise FactError([Problem(Location(str(seeds_dir)), "no such directory of fact files")])
    paths = fact_files(seeds_dir)
    if not paths:
        raise FactError([Problem(Location(str(seeds_dir)), "no fact files (*.yaml) in this directory")])
    loader = _Loader()
    for done, result in enumerate(_read_all(paths, workers), start=1):
        loader.merge(result)
        if progress is not None:
            progress(done, len(paths))
    loader.cross_check()
    if loader.problems:
        raise FactError(loader.problems)
    return loader.facts


_PARALLEL_BYTES = 4_000_000
"""Below this much YAML, starting worker processes costs more than it saves."""


def _read_all(paths: list[Path], workers: int | None) -> Iterator[_FileResult]:
    if workers is None:
        big = sum(p.stat().st_size for p in paths) >= _PARALLEL_BYTES
        workers = min(os.cpu_count() or 1, len(paths)) if big else 1
    if workers <= 1:
        yield from map(_read_file, paths)
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        yield from pool.map(_read_file, paths, chunksize=1)


@dataclass
class _Entry:
    """Where an entry was written: its file and its path in the file's data.

    Locations are found through the file's node tree; after a file is validated the tree is
    released (or never crosses a process boundary), and :meth:`at` composes the file again, once,
    when a problem needs a line.
    """

    file: str
    path: tuple[str | int, ...]
    doc: YamlDocument | None = field(default=None, repr=False, compare=False)

    def at(self, *more: str | int) -> Location:
        if self.doc is None:
            self.doc = _document(self.file)
        return self.doc.location((*self.path, *more))

    def __getstate__(self) -> dict[str, Any]:
        return {"file": self.file, "path": self.path, "doc": None}


@functools.lru_cache(maxsize=16)
def _document(file: str) -> YamlDocument:
    return read_yaml(Path(file))


@dataclass
class _Validated:
    """One entry of a file after validation: the record (None if invalid) and its locations."""

    record: Any
    entry: _Entry
    name: str
    where: Location
    quote_wheres: list[Location]


@dataclass
class _FileResult:
    """What reading and validating one file found; it crosses process boundaries, so it is plain."""

    file: str
    read: bool = False
    default_source: tuple[str, Location] | None = None
    items: list[_Validated] = field(default_factory=list)
    invalid_ids: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


def _read_file(path: Path) -> _FileResult:
    """Read one fact file and validate each entry with its model (no cross-file checks)."""
    result = _FileResult(str(path))
    try:
        doc = read_yaml(path)
    except FactError as err:
        result.problems.extend(err.problems)
        return result
    result.read = True
    if not isinstance(doc.data, dict):
        result.problems.append(
            Problem(doc.location(()), "a fact file is a mapping of sections (sources:, pledges:, …)")
        )
        return result
    default = doc.data.get("source")
    if default is not None:
        if isinstance(default, str):
            result.default_source = (default, doc.location(("source",)))
        else:
            result.problems.append(Problem(doc.location(("source",)), "'source' must be one source id"))
    for section, items in doc.data.items():
        if section == "source":
            continue
        model = SECTIONS.get(section)
        if model is None:
            hint = _did_you_mean(section, [*SECTIONS, "source"])
            result.problems.append(Problem(doc.location((section,)), f"unknown section {section!r}{hint}"))
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            result.problems.append(Problem(doc.location((section,)), f"section {section!r} must be a list of entries"))
            continue
        for index, item in enumerate(items):
            _validate(model, item, _Entry(doc.path, (section, index), doc), result)
    doc.release()
    return result


def _validate(model: type[BaseModel], item: Any, entry: _Entry, result: _FileResult) -> None:
    kind = model.kind  # type: ignore[attr-defined]
    raw_id = item.get("id") if isinstance(item, dict) else None
    name = f"{kind} {raw_id!r}" if isinstance(raw_id, str) else f"{kind} #{entry.path[1] + 1}"  # type: ignore[operator]
    if model is Mention and isinstance(item, dict) and isinstance(item.get("about"), str):
        name = f"mention of {item['about']!r}"
    if isinstance(item, dict) and "draft" in item:
        if isinstance(raw_id, str):
            result.invalid_ids.add(raw_id)
        message = "unconfirmed draft: check it against the article, then delete its 'draft: true' line (or the entry)"
        result.problems.append(Problem(entry.at("draft"), f"{name}: {message}"))
        return
    try:
        record = model.model_validate(item)
    except ValidationError as err:
        if isinstance(raw_id, str):
            result.invalid_ids.add(raw_id)
        for error in err.errors():
            result.problems.append(Problem(entry.at(*error["loc"]), f"{name}: {_explain(error, model)}"))
        return
    evidence = record.evidence if isinstance(record, Record) else []
    quote_wheres = [entry.at("evidence", i) for i in range(len(evidence))]
    if isinstance(record, Mention | NotCurated):
        quote_wheres = [entry.at("quote")]
    result.items.append(_Validated(record, entry, name, entry.at(), quote_wheres))


class _Loader:
    """Merges what each file held, then checks the set as a whole."""

    def __init__(self) -> None:
        self.facts = FactSet()
        self.problems: list[Problem] = []
        self.entries: dict[str, _Entry] = {}
        self.invalid_ids: set[str] = set()
        self.mentions: list[tuple[Mention, _Entry, Location]] = []
        self.default_sources: dict[str, tuple[str, Location]] = {}
        self.waivers: list[tuple[NotCurated, _Entry, Location]] = []

    def merge(self, result: _FileResult) -> None:
        self.problems.extend(result.problems)
        self.invalid_ids |= result.invalid_ids
        if result.read:
            self.facts.files.append(result.file)
        if result.default_source is not None:
            self.default_sources[result.file] = result.default_source
        for item in result.items:
            record = item.record
            if isinstance(record, Mention):
                self.mentions.append((record, item.entry, item.quote_wheres[0]))
            elif isinstance(record, NotCurated):
                self.waivers.append((record, item.entry, item.quote_wheres[0]))
            elif isinstance(record, Source):
                self._define(self.facts.sources, self.facts.source_where, item)
            elif self._define(self.facts.records, self.facts.where, item):
                self.entries[record.id] = item.entry
                self.facts.evidence[record.id] = [
                    Quote(quote.source or "", quote.quote, where)
                    for quote, where in zip(record.evidence, item.quote_wheres, strict=True)
                ]

    def _define(self, table: dict[str, Any], where: dict[str, Location], item: _Validated) -> bool:
        record = item.record
        if record.id in table:
            message = f"{item.name}: duplicate id (first defined at {where[record.id]})"
            self.problems.append(Problem(item.entry.at("id"), message))
            return False
        table[record.id] = record
        where[record.id] = item.where
        return True

    # -- whole set --------------------------------------------------------------------------

    def cross_check(self) -> None:
        self._resolve_sources()
        mentioned = {mention.about for mention, _, _ in self.mentions}
        for mention, entry, quote_where in self.mentions:
            if self._known(mention.about, partial(entry.at, "about"), f"mention of {mention.about!r}", None, "fact"):
                self.facts.evidence[mention.about].append(Quote(mention.source or "", mention.quote, quote_where))
        for record_id, record in self.facts.records.items():
            entry = self.entries[record_id]
            name = f"{record.kind} {record_id!r}"
            for field_name, (kinds, noun) in _references(type(record)):
                value = getattr(record, field_name)
                targets = value if isinstance(value, list) else [value] if value else []
                for i, target in enumerate(targets):
                    at = partial(entry.at, field_name, i) if isinstance(value, list) else partial(entry.at, field_name)
                    self._known(target, at, name, kinds, noun, field_name)
            if not record.evidence and record_id not in mentioned:
                self.problems.append(Problem(entry.at(), f"{name}: no evidence (add a quote under 'evidence:')"))
        self._check_cycles("part_of", "is part of itself through")
        self._check_cycles("includes", "includes itself through")

    def _resolve_sources(self) -> None:
        """Fill in each quote's default source and check every source id is registered."""
        for source_id, at in self.default_sources.values():
            self._known_source(source_id, at, "file's default source")
        for record_id, quotes in self.facts.evidence.items():
            self.facts.evidence[record_id] = list(self._with_sources(record_id, quotes))
        for i, (mention, entry, quote_where) in enumerate(self.mentions):
            if mention.source is not None:
                self._known_source(mention.source, partial(entry.at, "source"), f"mention of {mention.about!r}")
            elif entry.file in self.default_sources:
                mention = mention.model_copy(update={"source": self.default_sources[entry.file][0]})
                self.mentions[i] = (mention, entry, quote_where)
            else:
                self.problems.append(Problem(entry.at(), f"mention of {mention.about!r}: {_NO_SOURCE}"))
        for waiver, entry, quote_where in self.waivers:
            name = f"not_curated #{entry.path[1] + 1}"  # type: ignore[operator]
            if waiver.source is not None:
                if self._known_source(waiver.source, partial(entry.at, "source"), name):
                    self.facts.waivers.append(Waiver(waiver.source, waiver.quote, waiver.reason, quote_where, name))
            elif entry.file in self.default_sources:
                source = self.default_sources[entry.file][0]
                if source in self.facts.sources:  # an unknown default is reported once, above
                    self.facts.waivers.append(Waiver(source, waiver.quote, waiver.reason, quote_where, name))
            else:
                self.problems.append(Problem(entry.at(), f"{name}: {_NO_SOURCE}"))

    def _with_sources(self, record_id: str, quotes: list[Quote]) -> Iterator[Quote]:
        kind = self.facts.records[record_id].kind
        for quote in quotes:
            if quote.source:
                if self._known_source(quote.source, quote.where, f"{kind} {record_id!r}"):
                    yield quote
            elif quote.where.path in self.default_sources:
                source = self.default_sources[quote.where.path][0]
                if source in self.facts.sources:  # an unknown default is reported once, above
                    yield Quote(source, quote.quote, quote.where)
            else:
                self.problems.append(Problem(quote.where, f"{kind} {record_id!r}: {_NO_SOURCE}"))

    def _known_source(self, source_id: str, at: Location | Callable[[], Location], name: str) -> bool:
        if source_id in self.facts.sources:
            return True
        hint = _did_you_mean(source_id, self.facts.sources)
        self.problems.append(Problem(_resolve(at), f"{name}: unknown source {source_id!r}{hint}"))
        return False

    def _known(
        self,
        target: str,
        at: Callable[[], Location],
        name: str,
        kinds: frozenset[str] | None,
        noun: str,
        field_name: str = "",
    ) -> bool:
        record = self.facts.records.get(target)
        if record is None:
            if target not in self.invalid_ids:
                hint = _did_you_mean(target, self.facts.records)
                self.problems.append(Problem(at(), f"{name}: unknown {noun} {target!r}{hint}"))
            return False
        if kinds is not None and record.kind not in kinds:
            expected = " or ".join(sorted(kinds))
            self.problems.append(
                Problem(at(), f"{name}: {field_name} {target!r} is a {record.kind}, expected {expected}")
            )
            return False
        return True

    def _check_cycles(self, field_name: str, wording: str) -> None:
        reported: set[str] = set()
        for start in sorted(self.facts.records):
            chain = [start]
            while True:
                value = getattr(self.facts.records[chain[-1]], field_name, None)
                nexts = [v for v in (value if isinstance(value, list) else [value]) if v in self.facts.records]
                cycle_at = next((n for n in nexts if n in chain), None)
                if cycle_at is not None:
                    if start == cycle_at and start not in reported:
                        reported.update(chain)
                        path = " → ".join([*chain, cycle_at])
                        record = self.facts.records[start]
                        self.problems.append(
                            Problem(self.entries[start].at(field_name), f"{record.kind} {start!r} {wording} {path}")
                        )
                    break
                if not nexts or len(chain) > len(self.facts.records):
                    break
                chain.append(nexts[0])


def _resolve(at: Location | Callable[[], Location]) -> Location:
    """Locations are found lazily: composing a file again costs more than most checks."""
    return at if isinstance(at, Location) else at()


@functools.cache
def _references(model: type[Record]) -> list[tuple[str, tuple[frozenset[str], str]]]:
    """The reference fields a model has, with the kinds they may point at."""
    return [(name, REFERENCES[name]) for name in model.model_fields if name in REFERENCES]


_NO_SOURCE = "quote has no source (add 'source:' to the quote or at the top of the file)"


def _explain(error: Any, model: type[BaseModel]) -> str:
    """A pydantic error as a sentence a curator understands."""
    loc = [str(part) for part in error["loc"] if not str(part).startswith(("function-", "constrained-"))]
    field_name = ".".join(loc)
    kind = error["type"]
    if kind == "missing":
        return f"missing required field {field_name!r}"
    if kind == "extra_forbidden":
        return f"unknown field {field_name!r}{_did_you_mean(loc[-1], model.model_fields)}"
    message = error["msg"].removeprefix("Value error, ").replace("Input should be", "should be")
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == ID_PATTERN:
        message = (
            f"id {error['input']!r} cannot form an IRI: use lowercase ASCII letters, digits, '-' and '_' "
            "(e.g. 'usaid', 'dfc-el-salvador'), at most 80 characters"
        )
    return f"{field_name}: {message}" if field_name else message


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
