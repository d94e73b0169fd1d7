"""Load a directory of fact files into a checked :class:`FactSet`.

Loading is three steps, each testable alone: :mod:`loaders.yamlsource` reads a file safely with
line marks, :mod:`loaders.records` validates each entry with pydantic, and this module checks
what only the whole set can tell (duplicate ids, references, evidence sources, ``part_of``
cycles, inferred fields, overlaps between money facts) and derives what the set allows: whether
each pledge's money crosses a border (:attr:`FactSet.scopes`). Every problem of every file is collected; the caller gets all of them in one
:class:`~loaders.errors.FactError`, or a set of facts that is safe to turn into RDF. The checks
across files read a small :class:`_Sketch` of each fact, not its record, so a set read from the
record cache can be checked without unpickling its records (``load_facts(lazy=True)``).

Examples
--------
>>> facts = load_facts(Path("seeds"))
>>> facts.records["usaid"].label
'United States Agency for International Development'
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import pickle
import threading
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError

from loaders.errors import AidgraphError, FactError, Location, Problem
from loaders.paths import MAX_FILE_BYTES, read_regular, scan_fact_files
from loaders.record_cache import RecordCache, restricted_loads
from loaders.records import (
    ACTOR_KINDS,
    ID_PATTERN,
    SECTIONS,
    Agency,
    Mention,
    NotCurated,
    Overlap,
    Pledge,
    Record,
    Region,
    Source,
)
from loaders.text import did_you_mean, printable
from loaders.yamlsource import YamlDocument, read_yaml, read_yaml_bytes

__all__ = ["FactSet", "Inference", "Quote", "Waiver", "collector_paused", "inferable_fields", "inference_lines", "load_facts"]

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
    "facts": (frozenset({"pledge"}), "pledge"),
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
class Inference:
    """A field of a fact that the text does not state outright, why the curator set it, and where."""

    where: Location
    fact: str
    field: str
    reason: str

    def line(self) -> str:
        """``file:line: id field: reason``, as ``aidgraph check --inferences`` prints it."""
        return f"{self.where.path}:{self.where.line}: {self.fact} {self.field}: {self.reason}"


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
    """Every validated source and fact, their evidence, and where each was defined.

    ``scopes`` maps each pledge id to ``(scope, stated)``: ``cross-border`` or ``domestic``, and
    whether the curator stated it (else it was derived from the donor's country and the
    recipients' places); a pledge the facts cannot place has no entry.
    """

    sources: dict[str, Source] = field(default_factory=dict)
    records: Mapping[str, Record] = field(default_factory=dict)
    """Fact id → record. Loaded ``lazy``, a mapping that unpickles a cached file's records when
    one of them is first asked for."""
    evidence: Mapping[str, list[Quote]] = field(default_factory=dict)
    where: dict[str, Location] = field(default_factory=dict)
    source_where: dict[str, Location] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    scopes: dict[str, tuple[str, bool]] = field(default_factory=dict)
    inferences: list[Inference] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    mentioned: dict[str, set[str]] = field(default_factory=dict)
    """Fact file → the facts defined in other files that its mentions quote (their evidence)."""
    digests: dict[str, str] = field(default_factory=dict)
    """Fact file → the SHA-256 of the bytes its facts were read from (filled when read with a
    cache directory: what is kept per file is keyed by it). A file that could be read only at a
    second try has none, and whatever keeps something for it redoes it next time."""

    def of_kind(self, kind: str) -> list[Record]:
        """The records of one kind ('pledge', 'agency', …) in id order."""
        return [r for _, r in sorted(self.records.items()) if r.kind == kind]

    def quote_count(self) -> int:
        """How many quotes the evidence holds (loaded ``lazy``, without unpickling a record)."""
        if isinstance(self.evidence, _SetEvidence):
            return self.evidence.records.quote_count()
        return sum(len(quotes) for quotes in self.evidence.values())


def load_facts(
    seeds_dir: Path,
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cache_dir: Path | None = None,
    lazy: bool = False,
) -> FactSet:
    """Read, validate and cross-check every fact file under ``seeds_dir``.

    Files are read and validated in parallel (``workers`` processes; by default one per core
    when the files are large enough to gain from it), then checked as a set. An entry named like
    a fact file that cannot be read (a broken link, a FIFO, a directory) is a problem too.
    ``progress`` is called with (files done, files in all) after each file, for a progress bar.
    With ``cache_dir`` (a build directory), each file's validated entries are kept there and
    reused while the file's bytes are unchanged (:mod:`loaders.record_cache`); the set-wide checks
    always run again, so the result is the same as without a cache. They read each fact's
    :class:`_Sketch`, not its record: with ``lazy``, a cached file's records are unpickled only
    when ``records`` or ``evidence`` is asked for one of its facts (``check`` after an edit reads
    a few files' records, not every file's).

    Raises
    ------
    FactError
        With every problem found, each naming file, line and column.
    """
    if not seeds_dir.is_dir():
        raise FactError([Problem(Location(str(seeds_dir)), "no such directory of fact files")])
    scan = scan_fact_files(seeds_dir)
    paths = scan.files
    if not paths and not scan.refused:
        raise FactError([Problem(Location(str(seeds_dir)), "no fact files (*.yaml) in this directory")])
    with collector_paused():
        loader = _Loader()
        loader.problems.extend(Problem(Location(str(path)), reason) for path, reason in scan.refused)
        cache = RecordCache(cache_dir) if cache_dir is not None else None
        fresh_entries: list[tuple[str, bytes, _FileResult]] = []
        results = (
            _read_all(paths, workers)
            if cache is None
            else _read_cached(paths, workers, cache, fresh_entries, loader.facts.digests)
        )
        for done, result in enumerate(results, start=1):
            loader.merge(result)
            if progress is not None:
                progress(done, len(paths))
        loader.cross_check()
        if loader.problems:
            raise FactError(loader.problems)
        if cache is not None:
            for file, content, result in fresh_entries:
                cache.put(file, content, result)
            cache.prune([str(path) for path in paths])
        return loader.finish(lazy=lazy)


@contextlib.contextmanager
def collector_paused(*, freeze: bool = True) -> Generator[None, None, None]:
    """Python's cyclic garbage collector off while loading, back as it was afterwards.

    Loading allocates millions of objects that all live on, so each generation-2 collection scans
    everything loaded so far for nothing: at 100k pledges, 57 full collections took 18 s of a 37 s
    build. After a load the survivors are frozen (moved out of the collector's sight) so later
    collections do not scan them either; refcounting frees them as usual. The money totals of
    100k pledges pause it too (:func:`graph.summary.pledge_money`: 2.1 s with the collector running,
    0.7 s with it paused). Without ``freeze`` nothing is frozen: for a few records read later,
    when freezing would also keep from the collector whatever garbage the caller holds then.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()


_PARALLEL_BYTES = 2_000_000
"""Below this much YAML, starting worker processes costs more than it saves (measured on 2 cores:
3 files, 1.1 MB together, gain nothing; `check` of 11 files, 3.7 MB together, 2.84 -> 2.47 s)."""


def _read_all(
    paths: list[Path], workers: int | None, contents: list[bytes | None] | None = None
) -> Iterator[_FileResult]:
    """Each file read and validated (in ``workers`` processes); with ``contents``, from those bytes."""
    contents = contents if contents is not None else [None] * len(paths)
    if workers is None:
        big = sum(p.stat().st_size for p in paths) >= _PARALLEL_BYTES
        workers = min(os.cpu_count() or 1, len(paths)) if big else 1
    if workers <= 1:
        yield from map(_read_file, paths, contents)
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    pool = ProcessPoolExecutor(
        workers, mp_context=get_context("fork"), initializer=_die_with_parent, initargs=(os.getpid(),)
    )
    try:
        yield from pool.map(_read_file, paths, contents, chunksize=1)
    finally:  # on an error or an interruption, files not yet started are not read at all
        pool.shutdown(wait=True, cancel_futures=True)


def _die_with_parent(parent: int) -> None:
    """In a worker: ask Linux to kill this process when the build that started it dies.

    Without this, a build killed with SIGKILL leaves its workers running. ``PR_SET_PDEATHSIG``
    fires when the parent exits; if it already has, the worker leaves at once. Elsewhere than
    Linux the call is skipped (the pool's own pipe still ends idle workers).
    """
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _read_cached(
    paths: list[Path],
    workers: int | None,
    cache: RecordCache,
    fresh_entries: list[tuple[str, bytes, _FileResult]],
    digests: dict[str, str],
) -> Iterator[_FileResult]:
    """Like :func:`_read_all`, validating only the files whose bytes have no entry in ``cache``.

    Each file is read once: its bytes are the cache's key and what is validated, and their SHA-256
    goes into ``digests``, so whatever is kept per file describes exactly what was read. Files
    validated without problems are added to ``fresh_entries``; the caller stores them once the
    whole set is known to be valid, so a failed load writes nothing.
    """
    contents = [_bytes(path) for path in paths]
    for path, content in zip(paths, contents, strict=True):
        if content is not None:
            digests[str(path)] = cache.key(content)
    cached = [cache.get(str(p), c, _FileResult) if c is not None else None for p, c in zip(paths, contents, strict=True)]
    missed = [(p, c) for p, c, r in zip(paths, contents, cached, strict=True) if r is None]
    fresh = _read_all([p for p, _ in missed], workers, [c for _, c in missed])
    for path, content, result in zip(paths, contents, cached, strict=True):
        if result is None:
            result = next(fresh)
            if result.read and not result.problems and content is not None:
                fresh_entries.append((str(path), content, result))
        yield result


def _bytes(path: Path) -> bytes | None:
    try:
        return read_regular(path, MAX_FILE_BYTES, "fact file")
    except OSError:
        return None  # reading it again reports the error at the file


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
    """A source, mention or ``not_curated`` entry after validation, and its locations (a fact is
    kept as a :class:`_Sketch` and its record, apart)."""

    record: Any
    entry: _Entry
    name: str
    where: Location
    quote_where: Location | None
    """Where a mention's or a waiver's quote is written (None for a source)."""


class _Inferred(NamedTuple):
    """One field named under a fact's ``inferred:``: the curator's reason, where it is written,
    and what is wrong with it (None when the fact has that field, set)."""

    field: str
    reason: str
    where: Location
    problem: str | None


class _Sketch(NamedTuple):
    """What the checks across files read of one fact: its id, kind and place, how many quotes it
    has, and the few fields those checks follow (scopes, cycles, overlaps, inferences).

    The checks read sketches, not records, so a cached file's records (most of its entry) are
    unpickled only when something asks for them: ``check`` after a one-file edit reads the edited
    file's records and those its facts point at, not 100k others.
    """

    id: str
    kind: str
    entry: _Entry
    where: Location
    quotes: int
    inferred: tuple[_Inferred, ...] = ()
    repeated: tuple[str, ...] = ()
    """An overlap's facts listed more than once."""
    pledged_by: str | None = None
    recipient: tuple[str, ...] = ()
    part_of: tuple[str, ...] = ()
    scope: str | None = None
    agency_of: str | None = None
    within: str | None = None
    includes: tuple[str, ...] = ()


def _sketch(record: Record, entry: _Entry, where: Location) -> _Sketch:
    """The sketch of a valid ``record`` (its file's node tree still at hand, for the inferences' lines)."""
    name = f"{record.kind} {record.id!r}"
    names = inferable_fields(type(record))
    inferred = []
    for field_name, reason in record.inferred.items():
        problem = None
        if field_name not in names:
            problem = f"{name}: inferred names unknown field {field_name!r}{did_you_mean(field_name, names)}"
        elif getattr(record, names[field_name]) in (None, [], {}):
            problem = f"{name}: inferred field {field_name!r} is not set (set it, or remove it from 'inferred')"
        inferred.append(_Inferred(field_name, reason, entry.at("inferred", field_name), problem))
    sketch = _Sketch(record.id, record.kind, entry, where, len(record.evidence), tuple(inferred))
    if isinstance(record, Pledge):
        return sketch._replace(
            pledged_by=record.pledged_by, recipient=tuple(record.recipient), part_of=tuple(record.part_of), scope=record.scope
        )
    if isinstance(record, Agency):
        return sketch._replace(agency_of=record.agency_of)
    if isinstance(record, Region):
        return sketch._replace(within=record.within, includes=tuple(record.includes))
    if isinstance(record, Overlap):
        return sketch._replace(repeated=tuple(sorted({f for f in record.facts if record.facts.count(f) > 1})))
    return sketch


@dataclass
class _FileResult:
    """What reading and validating one file found; it crosses process boundaries, so it is plain.

    Its facts' records are pickled apart from the rest (:meth:`__getstate__`), so that a cached
    result is unpickled without them and :meth:`fact_records` unpickles them when asked.
    """

    file: str
    read: bool = False
    default_source: tuple[str, Location] | None = None
    items: list[_Validated] = field(default_factory=list)
    """The file's sources, mentions and ``not_curated`` entries, in file order."""
    facts: list[_Sketch] = field(default_factory=list)
    """The file's valid facts, in file order."""
    invalid_ids: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    references: dict[frozenset[str], set[str]] = field(default_factory=dict)
    """Kinds a reference may point at → the ids this file's facts reference with them: what the
    set-wide check tests against the set's ids in a few set operations per file (a file whose
    references all resolve is not walked fact by fact; one that has a bad one is, for its messages)."""
    quote_sources: set[str] = field(default_factory=set)
    """The sources the quotes of the file's facts name."""
    unsourced: bool = False
    """Whether a quote of the file's facts names no source (the file's default is its source)."""
    records: list[tuple[Record, list[Location]]] = field(default_factory=list, repr=False)
    """Each fact's record and its quotes' locations, as :attr:`facts` (empty while :attr:`pickled`)."""
    pickled: bytes | None = field(default=None, repr=False)
    """:attr:`records` pickled, in a result unpickled without them."""

    def add_fact(self, record: Record, entry: _Entry) -> None:
        """Keep a valid fact: its sketch, record, quotes' locations and the ids it references."""
        where = entry.at()
        self.facts.append(_sketch(record, entry, where))
        self.records.append((record, [entry.at("evidence", i) for i in range(len(record.evidence))]))
        for quote in record.evidence:
            if quote.source is None:
                self.unsourced = True
            else:
                self.quote_sources.add(quote.source)
        for field_name, (kinds, _) in _references(type(record)):
            targets = _targets(getattr(record, field_name))
            if targets:
                self.references.setdefault(kinds, set()).update(targets)

    def fact_records(self) -> list[tuple[Record, list[Location]]]:
        """Each fact's record and quotes' locations, unpickled on first use.

        Records that do not unpickle, or are not those of :attr:`facts` (a hand-made cache
        entry), are read from the file again; if it no longer gives the same facts, the load is
        refused with one line (it has changed since it was checked).
        """
        if self.pickled is not None:
            records, self.pickled = restricted_loads(self.pickled), None
            self.records = records if _records_match(records, self.facts) else self._read_again()
        return self.records

    def _read_again(self) -> list[tuple[Record, list[Location]]]:
        again = _read_file(Path(self.file))
        if again.problems or again.facts != self.facts:
            raise AidgraphError(f"{printable(self.file)}: the file changed while it was read: run again")
        return again.records

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if self.pickled is None:
            state["pickled"] = pickle.dumps(self.records, protocol=pickle.HIGHEST_PROTOCOL)
        state["records"] = []
        return state


def _records_match(records: Any, facts: list[_Sketch]) -> bool:
    """Are ``records`` (as unpickled) a file's records for these sketches, one each, in order?"""
    return (
        isinstance(records, list)
        and len(records) == len(facts)
        and all(
            isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], Record) and pair[0].id == sketch.id
            and pair[0].kind == sketch.kind and isinstance(pair[1], list) and len(pair[1]) == sketch.quotes
            for pair, sketch in zip(records, facts, strict=False)
        )
    )


def _read_file(path: Path, content: bytes | None = None) -> _FileResult:
    """Read one fact file (or take its bytes, ``content``) and validate each entry with its model
    (no cross-file checks)."""
    result = _FileResult(str(path))
    try:
        doc = read_yaml(path) if content is None else read_yaml_bytes(content, str(path))
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
            hint = did_you_mean(section, [*SECTIONS, "source"])
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
    if isinstance(record, Mention | NotCurated):
        result.items.append(_Validated(record, entry, name, entry.at(), entry.at("quote")))
    elif isinstance(record, Source):
        result.items.append(_Validated(record, entry, name, entry.at(), None))
    else:
        result.add_fact(record, entry)


class _Loader:
    """Merges what each file held, then checks the set as a whole."""

    def __init__(self) -> None:
        self.facts = FactSet()
        self.problems: list[Problem] = []
        self.sketches: dict[str, _Sketch] = {}
        """Each fact's first definition, in the order read."""
        self.invalid_ids: set[str] = set()
        self.mentions: list[tuple[Mention, _Entry, Location]] = []
        self.default_sources: dict[str, tuple[str, Location]] = {}
        self.waivers: list[tuple[NotCurated, _Entry, Location]] = []
        self.defined: list[tuple[_FileResult, list[_Sketch]]] = []
        """Per file: what it held, and the facts it defined (first definitions)."""
        self.mention_quotes: dict[str, list[Quote]] = {}
        """Fact → the quotes mentions add to its evidence, in the order read."""

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
                self.mentions.append((record, item.entry, item.quote_where))
            elif isinstance(record, NotCurated):
                self.waivers.append((record, item.entry, item.quote_where))
            elif record.id in self.facts.sources:
                self._duplicate(item.name, item.entry, self.facts.source_where[record.id])
            else:
                self.facts.sources[record.id] = record
                self.facts.source_where[record.id] = item.where
        defined: list[_Sketch] = []
        self.defined.append((result, defined))
        sketches, where = self.sketches, self.facts.where
        for sketch in result.facts:
            if sketch.id in sketches:
                self._duplicate(f"{sketch.kind} {sketch.id!r}", sketch.entry, where[sketch.id])
            else:
                sketches[sketch.id] = sketch
                where[sketch.id] = sketch.where
                defined.append(sketch)

    def _duplicate(self, name: str, entry: _Entry, first: Location) -> None:
        self.problems.append(Problem(entry.at("id"), f"{name}: duplicate id (first defined at {first})"))

    def records_of(self, result: _FileResult, defined: list[_Sketch]) -> Iterator[tuple[Record, list[Location]]]:
        """The records (and their quotes' locations) of the facts ``result``'s file defined."""
        first = set(map(id, defined))
        for sketch, pair in zip(result.facts, result.fact_records(), strict=True):
            if id(sketch) in first:
                yield pair

    def finish(self, *, lazy: bool) -> FactSet:
        """The checked set, its records and evidence read from the files' results (``lazy``: a
        file's when first asked for)."""
        records = _SetRecords(self)
        if lazy:
            self.facts.records, self.facts.evidence = records, _SetEvidence(records)
        else:
            for result, defined in self.defined:
                records.read(result, defined)
            self.facts.records = records.records
            self.facts.evidence = {fact_id: records.quotes(fact_id) for fact_id in self.sketches}
        return self.facts

    # -- whole set --------------------------------------------------------------------------

    def cross_check(self) -> None:
        self._resolve_sources()
        mentioned = {mention.about for mention, _, _ in self.mentions}
        for mention, entry, quote_where in self.mentions:
            if self._known(mention.about, partial(entry.at, "about"), f"mention of {mention.about!r}", None, "fact"):
                quote = Quote(mention.source or "", mention.quote, quote_where)
                self.mention_quotes.setdefault(mention.about, []).append(quote)
                if quote_where.path != self.facts.where[mention.about].path:
                    self.facts.mentioned.setdefault(quote_where.path, set()).add(mention.about)
        resolved = self._resolved_by_kinds()
        for result, defined in self.defined:
            if not all(targets <= resolved(kinds) for kinds, targets in result.references.items()):
                for record, _ in self.records_of(result, defined):  # a reference does not resolve: find which, at its line
                    self._check_references(record)
            for sketch in defined:
                if not sketch.quotes and sketch.id not in mentioned:
                    message = f"{sketch.kind} {sketch.id!r}: no evidence (add a quote under 'evidence:')"
                    self.problems.append(Problem(sketch.entry.at(), message))
        self._check_cycles("part_of", "is part of itself through")
        self._check_cycles("includes", "includes itself through")
        self._check_inferred()
        self._check_overlaps()
        self._derive_scopes()

    def _resolved_by_kinds(self) -> Callable[[frozenset[str]], set[str]]:
        """A function giving the ids of the set's facts of any of some kinds (each set made once)."""
        by_kind: dict[str, set[str]] = {}
        for fact_id, sketch in self.sketches.items():
            by_kind.setdefault(sketch.kind, set()).add(fact_id)

        @functools.cache
        def resolved(kinds: frozenset[str]) -> set[str]:
            return set().union(*(by_kind.get(kind, ()) for kind in kinds))

        return resolved

    def _check_references(self, record: Record) -> None:
        """Report each reference of ``record`` to an unknown id or to a fact of the wrong kind."""
        entry, sketches = self.sketches[record.id].entry, self.sketches
        for field_name, (kinds, noun) in _references(type(record)):
            value = getattr(record, field_name)
            for i, target in enumerate(_targets(value)):
                known = sketches.get(target)
                if known is not None and known.kind in kinds:
                    continue  # the common case, checked without building a message's parts
                at = partial(entry.at, field_name, i) if isinstance(value, list) else partial(entry.at, field_name)
                self._known(target, at, f"{record.kind} {record.id!r}", kinds, noun, field_name)

    def _check_inferred(self) -> None:
        """Each field named under ``inferred:`` must exist on the record and be set."""
        for fact_id, sketch in sorted((i, s) for i, s in self.sketches.items() if s.inferred):
            for inferred in sketch.inferred:
                if inferred.problem is not None:
                    self.problems.append(Problem(inferred.where, inferred.problem))
                else:
                    self.facts.inferences.append(Inference(inferred.where, fact_id, inferred.field, inferred.reason))

    def _check_overlaps(self) -> None:
        for fact_id, sketch in sorted((i, s) for i, s in self.sketches.items() if s.repeated):
            message = f"overlap {fact_id!r}: lists {', '.join(map(repr, sketch.repeated))} more than once"
            self.problems.append(Problem(sketch.entry.at("facts"), message))

    def _derive_scopes(self) -> None:
        """Whether each pledge's money crosses a border: derived where the facts tell, else as stated."""
        sketches, scopes, records = self.sketches, self.facts.scopes, _SetRecords(self)
        pledges = [sketches[i] for i in sorted(i for i, s in sketches.items() if s.kind == "pledge")]
        for pledge in pledges:
            derived = derive_scope(pledge, sketches)
            if pledge.scope is not None:
                if derived is not None and derived[0] != pledge.scope:
                    why = scope_reason(*derived, records)  # the labels, read only for a message
                    message = f"pledge {pledge.id!r}: scope {pledge.scope!r} contradicts the facts: {why}"
                    self.problems.append(Problem(pledge.entry.at("scope"), message))
                scopes[pledge.id] = (pledge.scope, True)
            elif derived is not None:
                scopes[pledge.id] = (derived[0], False)
        pending = [pledge for pledge in pledges if pledge.part_of and pledge.id not in scopes]
        changed = True
        while changed:  # a portion of money whose wholes agree shares their scope
            changed = False
            for pledge in pending:
                wholes = {scopes.get(w, (None,))[0] for w in pledge.part_of}
                if pledge.id not in scopes and len(wholes) == 1 and None not in wholes:
                    scopes[pledge.id] = (wholes.pop(), False)
                    changed = True

    def _resolve_sources(self) -> None:
        """Check every source id is registered and each quote has one (its own, or its file's default).

        A file whose quotes all name registered sources, or have a registered default, is not walked."""
        for source_id, at in self.default_sources.values():
            self._known_source(source_id, at, "file's default source")
        sources = self.facts.sources
        for result, defined in self.defined:
            default = self.default_sources.get(result.file, ("",))[0]
            if result.quote_sources <= sources.keys() and (not result.unsourced or default in sources):
                continue  # the usual case
            for record, wheres in self.records_of(result, defined):
                quotes = [Quote(quote.source or "", quote.quote, where) for quote, where in zip(record.evidence, wheres, strict=True)]
                for _ in self._with_sources(record.kind, record.id, quotes):
                    pass  # each quote without a known source is reported
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

    def _with_sources(self, kind: str, record_id: str, quotes: list[Quote]) -> Iterator[Quote]:
        """Each of a fact's quotes with its source (its file's default when it names none); a quote
        with no known source is reported, not yielded."""
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
        hint = did_you_mean(source_id, self.facts.sources)
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
        sketch = self.sketches.get(target)
        if sketch is None:
            if target not in self.invalid_ids:
                hint = did_you_mean(target, self.sketches)
                self.problems.append(Problem(at(), f"{name}: unknown {noun} {target!r}{hint}"))
            return False
        if kinds is not None and sketch.kind not in kinds:
            expected = " or ".join(sorted(kinds))
            self.problems.append(
                Problem(at(), f"{name}: {field_name} {target!r} is a {sketch.kind}, expected {expected}")
            )
            return False
        return True

    def _check_cycles(self, field_name: str, wording: str) -> None:
        """Report each cycle of ``field_name`` references once, in time linear in the references.

        Every list element counts (a region's second ``includes`` can close a cycle). Each
        strongly connected group of records is one cycle report, named from its smallest id,
        at the reference that starts the shortest way back to it. The standard library's
        :mod:`graphlib` tells first whether there is any cycle at all, so the usual, acyclic set
        does not import networkx (0.1 s of a check after a one-file edit).
        """
        sketches = self.sketches
        targets_of: dict[str, list[str]] = {}
        for fact_id, sketch in sketches.items():
            known = [target for target in getattr(sketch, field_name) if target in sketches]
            if known:
                targets_of[fact_id] = known
        try:
            TopologicalSorter(targets_of).prepare()
            return
        except CycleError:
            pass
        import networkx as nx

        links = nx.DiGraph(targets_of)
        for group in nx.strongly_connected_components(links):
            start = min(group)
            if len(group) == 1 and not links.has_edge(start, start):
                continue
            targets = getattr(sketches[start], field_name)
            back = nx.single_target_shortest_path_length(links, start)
            distance = dict(back) if not isinstance(back, dict) else back
            index = min((i for i, t in enumerate(targets) if t in group), key=lambda i: distance[targets[i]])
            path = nx.shortest_path(links, targets[index], start)
            shown = " → ".join(_elide([start, *path]))
            at = sketches[start].entry.at(field_name, index)
            self.problems.append(Problem(at, f"{sketches[start].kind} {start!r} {wording} {shown}"))


def _elide(chain: list[str], keep: int = 12) -> list[str]:
    """A long cycle shown by its ends, so a message stays one readable line."""
    if len(chain) <= keep:
        return chain
    return [*chain[: keep // 2], f"… ({len(chain) - keep} more) …", *chain[-keep // 2 :]]


def inference_lines(facts: FactSet) -> list[str]:
    """Every inferred field of the facts, one line each (``file:line: id field: reason``), in file order."""
    return [i.line() for i in sorted(facts.inferences, key=lambda i: (i.where, i.field))]


class _SetRecords(Mapping[str, Record]):
    """The set's records by id, a file's unpickled when one of its facts is first asked for.

    Iterating gives every id without unpickling anything; :meth:`quotes` gives a fact's evidence.
    """

    def __init__(self, loader: _Loader) -> None:
        self._loader = loader
        self._files = {result.file: (result, defined) for result, defined in loader.defined}
        self.records: dict[str, Record] = {}
        """The records unpickled so far (all of them, in the order read, after :meth:`read` of every file)."""
        self._wheres: dict[str, list[Location]] = {}
        self._taken: set[str] = set()
        self._reading = threading.Lock()  # the build totals the money in a thread beside its writes

    def read(self, result: _FileResult, defined: list[_Sketch]) -> None:
        """Take the records of the facts a file defined, once (unpickling them, the collector paused)."""
        with self._reading, collector_paused(freeze=False):  # freezing would keep the caller's garbage too
            if result.file in self._taken:
                return
            self._taken.add(result.file)
            for record, wheres in self._loader.records_of(result, defined):
                self.records[record.id] = record
                self._wheres[record.id] = wheres

    def __getitem__(self, fact_id: str) -> Record:
        record = self.records.get(fact_id)
        if record is None:
            self.read(*self._files[self._loader.sketches[fact_id].entry.file])
            record = self.records[fact_id]
        return record

    def __iter__(self) -> Iterator[str]:
        return iter(self._loader.sketches)

    def __len__(self) -> int:
        return len(self._loader.sketches)

    def __contains__(self, fact_id: object) -> bool:
        return fact_id in self._loader.sketches

    def quotes(self, fact_id: str) -> list[Quote]:
        """A fact's evidence: its own quotes (a quote naming no source has its file's default), then
        those mentions add."""
        record, loader = self[fact_id], self._loader
        default = loader.default_sources.get(loader.sketches[fact_id].entry.file, ("",))[0]
        own = [Quote(q.source or default, q.quote, w) for q, w in zip(record.evidence, self._wheres[fact_id], strict=True)]
        return [*own, *loader.mention_quotes.get(fact_id, ())]

    def quote_count(self) -> int:
        """How many quotes the evidence holds, without unpickling a record."""
        loader = self._loader
        return sum(s.quotes for s in loader.sketches.values()) + sum(map(len, loader.mention_quotes.values()))


class _SetEvidence(Mapping[str, list[Quote]]):
    """Each fact's evidence (:meth:`_SetRecords.quotes`), made when first asked for."""

    def __init__(self, records: _SetRecords) -> None:
        self.records = records
        self._quotes: dict[str, list[Quote]] = {}

    def __getitem__(self, fact_id: str) -> list[Quote]:
        quotes = self._quotes.get(fact_id)
        if quotes is None:
            quotes = self._quotes[fact_id] = self.records.quotes(fact_id)
        return quotes

    def __iter__(self) -> Iterator[str]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __contains__(self, fact_id: object) -> bool:
        return fact_id in self.records


def derive_scope(pledge: _Sketch, facts: Mapping[str, _Sketch]) -> tuple[str, str, set[str]] | None:
    """``(scope, donor's country, recipients' countries)`` when the facts tell whether the pledge's
    money crosses a border, else None (:func:`scope_reason` words why, when a message needs it).

    The donor's country is the donor itself (a country) or the country an agency belongs to
    (``agency_of``); a recipient's countries are the country itself, the country a region lies
    ``within``, or every country a region ``includes``. Money that stays in the donor's country is
    ``domestic``; money that goes only to other countries is ``cross-border``. Money for the
    donor's country and others together, or with no recipient stated, cannot be derived.
    """
    donor = _country_of(pledge.pledged_by, facts)
    places: set[str] = set()
    for recipient in pledge.recipient:
        countries = _countries_in(recipient, facts, 0)
        if not countries:
            return None
        places |= countries
    if donor not in facts or not places or not places <= facts.keys():
        return None
    if places == {donor}:
        return "domestic", donor, places
    if donor not in places:
        return "cross-border", donor, places
    return None


def scope_reason(scope: str, donor: str, places: set[str], records: Mapping[str, Record]) -> str:
    """Why :func:`derive_scope` found ``scope``, in words, for a message."""
    where = ", ".join(sorted(records[c].label for c in places))
    goes = "stays in" if scope == "domestic" else "goes to"
    return f"the donor's country is {records[donor].label} and the money {goes} {where} ({scope})"


def _country_of(actor: str | None, facts: Mapping[str, _Sketch]) -> str | None:
    sketch = facts.get(actor) if actor is not None else None
    if sketch is None:
        return None
    if sketch.kind == "country":
        return sketch.id
    return sketch.agency_of if sketch.kind == "agency" else None


def _countries_in(place: str, facts: Mapping[str, _Sketch], depth: int) -> set[str]:
    """The countries a recipient lies in or includes; empty when the facts do not tell."""
    sketch = facts.get(place)
    if sketch is None:
        return set()
    if sketch.kind == "country":
        return {sketch.id}
    if sketch.kind == "agency" and sketch.agency_of is not None:
        return {sketch.agency_of}
    if sketch.kind == "region" and depth < 32:
        if sketch.within:
            return {sketch.within}
        found: set[str] = set()
        for member in sketch.includes:
            countries = _countries_in(member, facts, depth + 1)
            if not countries:
                return set()
            found |= countries
        return found
    return set()


@functools.cache
def inferable_fields(model: type[Record]) -> dict[str, str]:
    """YAML field name → attribute name, for the fields ``inferred:`` may name."""
    return {
        info.alias or name: name
        for name, info in model.model_fields.items()
        if name not in ("id", "evidence", "inferred")
    }


def _resolve(at: Location | Callable[[], Location]) -> Location:
    """Locations are found lazily: composing a file again costs more than most checks."""
    return at if isinstance(at, Location) else at()


def _targets(value: str | list[str] | None) -> list[str]:
    """The ids a reference field holds: a list's items, one id, or none."""
    return value if isinstance(value, list) else [value] if value else []


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
        return f"unknown field {field_name!r}{did_you_mean(loc[-1], model.model_fields)}"
    message = error["msg"].removeprefix("Value error, ").replace("Input should be", "should be")
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == ID_PATTERN:
        message = (
            f"id {error['input']!r} cannot form an IRI: use lowercase ASCII letters, digits, '-' and '_' "
            "(e.g. 'usaid', 'dfc-el-salvador'), at most 80 characters"
        )
    return f"{field_name}: {message}" if field_name else message


