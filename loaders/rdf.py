"""Turn a checked :class:`~loaders.facts.FactSet` into RDF in the aidgraph vocabulary.

The facts become N-Triples text: the form every store parses natively and fastest, and the one
place where the mapping from fact fields to properties lives. :func:`facts_to_graph` parses the
same text into an rdflib graph where rdflib is wanted (SHACL validation, the in-memory engine).

Every node gets a minted IRI (no blank nodes), so two builds of the same facts are the same
graph. Evidence IRIs are derived from the fact id, source and quote, so adding a quote elsewhere
never renames existing ones. Decimals are written in canonical form (``5800000000``,
``183018138.2``), as Oxigraph stores them, so every engine returns the same lexical forms.

Examples
--------
>>> from loaders.facts import FactSet
>>> from loaders.records import Country
>>> facts = FactSet(records={"mx": Country(id="mx", label="Mexico", iso_code="MX")})
>>> print("".join(facts_to_ntriples(facts)), end="")
<https://w3id.org/aidgraph/id/mx> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/aidgraph/ontology#Country> .
<https://w3id.org/aidgraph/id/mx> <http://www.w3.org/2000/01/rdf-schema#label> "Mexico" .
<https://w3id.org/aidgraph/id/mx> <https://w3id.org/aidgraph/ontology#isoCode> "MX" .
"""

from __future__ import annotations

import functools
import hashlib
import tempfile
from collections.abc import Collection, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from loaders.corpus import Positions
from loaders.errors import AidgraphError
from loaders.facts import FactSet, Quote, inferable_fields
from loaders.records import Record, Source
from loaders.values import canonical_decimal, date_precision
from ontology import ontology_path
from ontology.prefixes import AID_NS, EV_NS, PREFIXES, SRC_NS, XSD_NS
from ontology.terms import ag

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

__all__ = [
    "CLASSES",
    "CODES",
    "PREDICATES",
    "evidence_id",
    "facts_to_graph",
    "facts_to_ntriples",
    "inference_iri",
    "load_into_store",
    "new_graph",
    "nodes_by_file",
    "ntriples_by_file",
    "ntriples_of_nodes",
]

_RDF_TYPE = PREFIXES["rdf"] + "type"
_LABEL = PREFIXES["rdfs"] + "label"
_ALT_LABEL = PREFIXES["skos"] + "altLabel"
_NOTE = PREFIXES["skos"] + "note"
_TITLE = PREFIXES["dcterms"] + "title"
_ISSUED = PREFIXES["dcterms"] + "issued"
_OA_START = PREFIXES["oa"] + "start"
_OA_END = PREFIXES["oa"] + "end"
_SOURCE_DOCUMENT = ag("SourceDocument")
_FILE_NAME = ag("fileName")
_SHA256 = ag("sha256")
_OUTLET = ag("outlet")
_SCOPE = ag("scope")
_SCOPE_STATED = ag("scopeStated")
_INFERENCE = ag("inference")
_INFERENCE_CLASS = ag("Inference")
_INFERRED_PROPERTY = ag("inferredProperty")
_REASON = ag("reason")
_EVIDENCE = ag("evidence")
_EVIDENCE_CLASS = ag("Evidence")
_SOURCE = ag("source")
_QUOTE = ag("quote")

CLASSES: dict[str, str] = {
    kind: ag(name)
    for kind, name in {
        "country": "Country",
        "region": "Region",
        "agency": "Agency",
        "organization": "Organization",
        "person": "Person",
        "program": "Program",
        "policy": "Policy",
        "pledge": "Pledge",
        "statistic": "Statistic",
        "overlap": "Overlap",
        "event": "Event",
    }.items()
}
"""Record kind → its ontology class IRI."""

PREDICATES: dict[str, tuple[str, str]] = {
    field: (ag(local), kind)
    for field, (local, kind) in {
        "agency_of": ("agencyOf", "entity"),
        "based_in": ("basedIn", "entity"),
        "within": ("within", "entity"),
        "member_of": ("memberOf", "entity"),
        "includes": ("includes", "entity"),
        "targets": ("targets", "entity"),
        "place": ("place", "entity"),
        "implemented_by": ("implementedBy", "entity"),
        "announced_by": ("announcedBy", "entity"),
        "pledged_by": ("pledgedBy", "entity"),
        "recipient": ("recipient", "entity"),
        "administration": ("administration", "entity"),
        "for_program": ("forProgram", "entity"),
        "part_of": ("partOf", "entity"),
        "announced_on": ("announcedOn", "date"),
        "started_on": ("startedOn", "date"),
        "ended_on": ("endedOn", "date"),
        "period": ("periodStart", "date"),
        "period_end": ("periodEnd", "date"),
        "position": ("position", "text"),
        "iso_code": ("isoCode", "text"),
        "unit": ("unit", "text"),
        "measure": ("measure", "text"),
        "currency": ("currency", "text"),
        "goals": ("goal", "text"),
        "amount": ("amount", "decimal"),
        "value": ("value", "decimal"),
        "qualifier": ("amountQualifier", "code"),
        "pledge_kind": ("pledgeKind", "code"),
        "funding": ("fundingType", "code"),
        "new_money": ("newMoney", "boolean"),
        "duration": ("duration", "duration"),
        "scope": ("scope", "code"),
        "purpose": ("purpose", "text"),
        "conditions": ("condition", "text"),
        "relation": ("overlapKind", "code"),
        "facts": ("overlapOf", "entity"),
        "participants": ("participant", "entity"),
        "hosted_by": ("hostedBy", "entity"),
        "held_in": ("heldIn", "entity"),
        "concerns": ("concerns", "entity"),
        "planned": ("planned", "boolean"),
        "trend": ("trend", "code"),
        "origin": ("origin", "entity"),
    }.items()
}
"""Record field → (property IRI, how its value is written)."""

CODES: dict[str, dict[str, str]] = {
    "qualifier": {"exact": "Exact", "about": "About", "at-least": "AtLeast", "up-to": "UpTo"},
    "pledge_kind": {
        "announced-pledge": "AnnouncedPledge",
        "pipeline-commitment": "PipelineCommitment",
        "budget-request": "BudgetRequest",
        "appropriation": "Appropriation",
        "planned-spending": "PlannedSpending",
        "development-finance": "DevelopmentFinance",
    },
    "funding": {"public": "PublicMoney", "private": "PrivateMoney", "loans": "Loans", "investment": "Investment"},
    "scope": {"cross-border": "CrossBorder", "domestic": "Domestic"},
    "relation": {"restatement": "Restatement", "possible-overlap": "PossibleOverlap"},
    "trend": {
        "rising": "Rising",
        "falling": "Falling",
        "record-high": "RecordHigh",
        "largest-share": "LargestShare",
        "majority": "Majority",
        "recurring": "Recurring",
    },
}
"""Code-list field → notation → concept local name; notations match ``skos:notation`` in the ontology."""

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def facts_to_ntriples(
    facts: FactSet, *, positions: Positions | None = None
) -> Iterator[str]:
    """The facts as N-Triples lines (each ending in a newline), sources first, then facts by id.

    Parameters
    ----------
    facts
        A checked fact set from :func:`loaders.facts.load_facts`.
    positions
        ``(source id, quote) → (start, end)`` character offsets of quotes in their documents; when
        given, evidence carries ``oa:start`` and ``oa:end`` like a Web Annotation position selector.
    """
    for source_id in sorted(facts.sources):
        yield from _source(facts.sources[source_id])
    for fact_id in sorted(facts.records):
        yield from _fact(facts, fact_id, positions)


def ntriples_by_file(
    facts: FactSet,
    *,
    positions: Positions | None = None,
    only: Collection[str] | None = None,
) -> Iterator[tuple[str, str]]:
    """Each fact file of ``facts`` (in the order read; with ``only``, those of them) and the N-Triples of what it defines.

    A file's text holds the sources and facts defined in it (sources first, each kind in id
    order), each fact with its scope, inferences and all its evidence, whichever file quoted it;
    a file that defines nothing has empty text. Every node's triples sit together, so a file's
    Turtle is whole subject blocks: the build writes its Turtle file as these texts' Turtle, one
    after another, and after an edit replaces only the files whose text changed.
    """
    sources: dict[str, list[str]] = {file: [] for file in facts.files}
    records: dict[str, list[str]] = {file: [] for file in facts.files}
    for source_id, where in facts.source_where.items():
        sources[where.path].append(source_id)
    for fact_id, where in facts.where.items():
        records[where.path].append(fact_id)
    for file in facts.files if only is None else [file for file in facts.files if file in only]:
        lines = [line for source_id in sorted(sources[file]) for line in _source(facts.sources[source_id])]
        lines += [line for fact_id in sorted(records[file]) for line in _fact(facts, fact_id, positions)]
        yield file, "".join(lines)


def nodes_by_file(facts: FactSet, *, only: Collection[str] | None = None) -> dict[str, str]:
    """IRI → fact file, for every node whose triples a file's text (:func:`ntriples_by_file`) holds.

    A file's nodes are its sources and facts, each fact's inference notes and each fact's evidence
    (whichever file quoted it). Every subject of the facts' triples is the node of exactly one
    file, so whatever depends only on a node's own triples can be kept per file.
    """
    nodes: dict[str, str] = {}
    for source_id, where in facts.source_where.items():
        if only is None or where.path in only:
            nodes[SRC_NS + source_id] = where.path
    for fact_id, where in facts.where.items():
        file = where.path
        if only is not None and file not in only:
            continue
        nodes[AID_NS + fact_id] = file
        for field_name in facts.records[fact_id].inferred or ():
            nodes[inference_iri(fact_id, field_name)] = file
        for quote in facts.evidence.get(fact_id, []):
            nodes[EV_NS + evidence_id(fact_id, quote.source, quote.quote)] = file
    return nodes


def ntriples_of_nodes(
    facts: FactSet, iris: Iterable[str], *, positions: Positions | None = None
) -> str:
    """The N-Triples of the facts and sources named by ``iris`` (each fact whole, with its evidence
    and inference notes); an IRI that names neither adds nothing."""
    lines: list[str] = []
    for iri in sorted(set(iris)):
        if iri.startswith(SRC_NS) and iri.removeprefix(SRC_NS) in facts.sources:
            lines += _source(facts.sources[iri.removeprefix(SRC_NS)])
        elif iri.startswith(AID_NS) and iri.removeprefix(AID_NS) in facts.records:
            lines += _fact(facts, iri.removeprefix(AID_NS), positions)
    return "".join(lines)


def _fact(facts: FactSet, fact_id: str, positions: Positions | None) -> Iterator[str]:
    """One fact's triples: its own (links to its inference and evidence nodes included), then those nodes'."""
    record = facts.records[fact_id]
    stated = getattr(record, "scope", None)
    quotes = facts.evidence.get(fact_id, [])
    node = f"<{AID_NS}{fact_id}>"
    evidence = [f"<{EV_NS}{evidence_id(fact_id, quote.source, quote.quote)}>" for quote in quotes]
    yield from _record(record, facts.scopes.get(fact_id) or ((stated, True) if stated else None))
    inferences = list(_inferences(record))
    for inference, _ in inferences:
        yield f"{node} <{_INFERENCE}> {inference} .\n"
    for evidence_node in evidence:
        yield f"{node} <{_EVIDENCE}> {evidence_node} .\n"
    for _, lines in inferences:
        yield from lines
    for evidence_node, quote in zip(evidence, quotes, strict=True):
        yield from _evidence(evidence_node, quote, positions)


def load_into_store(store: ox.Store, ntriples: Iterable[str], *, on_disk: bool) -> None:
    """Load the ontology and the N-Triples text ``ntriples`` (whole lines, in order) into a new, empty ``store``.

    The text (226 MB at 100k pledges) is never whole in memory beside the records and the store.
    A store ``on_disk`` is bulk-loaded (no transaction: it is new) from a temporary file written
    piece by piece. A store in memory takes Oxigraph's plain load (about 10 % faster there) of
    pieces of about :data:`PIECE_CHARS`, each parsed in a thread while the next is made: Oxigraph
    parses without holding Python's lock, so making the text and parsing it overlap (the store
    ``check`` runs the shapes on, at 100k pledges: 7.8 -> 5.1 s). Oxigraph names the blank nodes
    of each load apart, so this needs text without blank nodes, as the facts' is (every node of
    theirs has an IRI; ``tests/test_rdf.py`` checks it).
    """
    import pyoxigraph as ox

    load = store.bulk_load if on_disk else store.load
    load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
    if not on_disk:
        _load_alongside(store, ntriples)
        return
    try:
        scratch = tempfile.TemporaryDirectory(prefix="aidgraph-triples-")
    except OSError as err:
        raise _no_scratch(err) from None
    with scratch as folder:
        triples = Path(folder) / "facts.nt"
        try:
            with open(triples, "w", encoding="utf-8", newline="\n") as out:
                out.writelines(ntriples)
        except OSError as err:
            raise _no_scratch(err) from None
        load(path=str(triples), format=ox.RdfFormat.N_TRIPLES)


PIECE_CHARS = 8 << 20
"""Characters of N-Triples text parsed at once into an in-memory store (the piece being parsed
and the next one, as lines, text and bytes: about 32 MB live)."""


def _load_alongside(store: ox.Store, ntriples: Iterable[str]) -> None:
    """Parse each piece of whole lines of ``ntriples`` into ``store`` in a thread while the next piece is made."""
    import pyoxigraph as ox

    with ThreadPoolExecutor(1) as parser:
        loading: Future[None] | None = None
        piece: list[str] = []
        size = 0
        for text in ntriples:
            piece.append(text)
            size += len(text)
            if size >= PIECE_CHARS:
                data = "".join(piece).encode("utf-8")
                piece, size = [], 0
                if loading is not None:
                    loading.result()
                loading = parser.submit(store.load, data, format=ox.RdfFormat.N_TRIPLES)
        if loading is not None:
            loading.result()
        if piece:
            store.load("".join(piece).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)


def _no_scratch(err: OSError) -> AidgraphError:
    return AidgraphError(
        f"cannot write the triples to a temporary file in {tempfile.gettempdir()}: "
        f"{err.strerror or err} (free space there, or point TMPDIR elsewhere)"
    )


def facts_to_graph(
    facts: FactSet,
    *,
    positions: Positions | None = None,
    with_ontology: bool = True,
) -> Graph:
    """The facts (and, unless told otherwise, the ontology) as an rdflib graph."""
    graph = new_graph()
    if with_ontology:
        graph.parse(ontology_path(), format="turtle")
    graph.parse(data="".join(facts_to_ntriples(facts, positions=positions)), format="nt")
    return graph


def new_graph() -> Graph:
    """An empty rdflib graph with the project's prefixes bound (and no others)."""
    from rdflib import Graph

    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def evidence_id(fact_id: str, source_id: str, quote: str) -> str:
    """A stable id for one quote of one source supporting one fact.

    Examples
    --------
    >>> evidence_id("usaid", "aljazeera-2021", "USAID")
    'usaid-ae091f8d592a'
    """
    digest = hashlib.sha256(f"{source_id}\n{quote}".encode()).hexdigest()[:12]
    return f"{fact_id}-{digest}"


def _source(source: Source) -> Iterator[str]:
    node = f"<{SRC_NS}{source.id}>"
    yield f"{node} <{_RDF_TYPE}> <{_SOURCE_DOCUMENT}> .\n"
    yield f"{node} <{_TITLE}> {_text(source.title)} .\n"
    yield f"{node} <{_FILE_NAME}> {_text(source.file)} .\n"
    if source.sha256:
        yield f"{node} <{_SHA256}> {_text(source.sha256)} .\n"
    if source.outlet:
        yield f"{node} <{_OUTLET}> {_text(source.outlet)} .\n"
    if source.published:
        yield f"{node} <{_ISSUED}> {_date(source.published)} .\n"
    if source.note:
        yield f"{node} <{_NOTE}> {_text(source.note)} .\n"


def _record(record: Record, scope: tuple[str, bool] | None = None) -> Iterator[str]:
    node = f"<{AID_NS}{record.id}>"
    yield f"{node} <{_RDF_TYPE}> <{CLASSES[record.kind]}> .\n"
    yield f"{node} <{_LABEL}> {_text(record.label)} .\n"
    for alias in record.aliases:
        yield f"{node} <{_ALT_LABEL}> {_text(alias)} .\n"
    if record.note:
        yield f"{node} <{_NOTE}> {_text(record.note)} .\n"
    for name, predicate, form in _value_fields(type(record)):
        value = getattr(record, name)
        if isinstance(value, list):
            for item in value:
                if item is not None:
                    yield f"{node} <{predicate}> {_object(name, form, item)} .\n"
        elif value is not None:
            yield f"{node} <{predicate}> {_object(name, form, value)} .\n"
    if scope is not None:
        yield f"{node} <{_SCOPE}> {_object('scope', 'code', scope[0])} .\n"
        yield f'{node} <{_SCOPE_STATED}> "{str(scope[1]).lower()}"^^<{XSD_NS}boolean> .\n'


_WRITTEN_APART = frozenset({"id", "label", "aliases", "note", "evidence", "inferred", "scope"})


@functools.cache
def _value_fields(model: type[Record]) -> tuple[tuple[str, str, str], ...]:
    """``(field, predicate, form)`` of each field of ``model`` that :func:`_record` writes as is, in
    the model's order (worked out once per model: 1.2M records' triples at 100k pledges). Every
    such field has a predicate; one without fails at once, whether or not a record sets it."""
    return tuple((name, *PREDICATES[name]) for name in model.model_fields if name not in _WRITTEN_APART)


def inference_iri(fact_id: str, field_name: str) -> str:
    """The IRI of the note that one field of one fact was inferred (no blank nodes: diffs see it).

    Examples
    --------
    >>> inference_iri("opic-2018-new-money", "announced_on")
    'https://w3id.org/aidgraph/id/opic-2018-new-money/inferred/announced_on'
    """
    return f"{AID_NS}{fact_id}/inferred/{field_name}"


_PLAIN_PROPERTIES = {"label": _LABEL, "aliases": _ALT_LABEL, "note": _NOTE}


def _inferences(record: Record) -> Iterator[tuple[str, list[str]]]:
    """One ``ag:Inference`` node per inferred field (the property it qualifies and the reason), with its triples."""
    if not record.inferred:
        return
    attributes = inferable_fields(type(record))
    for field_name, reason in sorted(record.inferred.items()):
        attribute = attributes[field_name]
        prop = _PLAIN_PROPERTIES.get(attribute) or PREDICATES[attribute][0]
        inference = f"<{inference_iri(record.id, field_name)}>"
        yield inference, [
            f"{inference} <{_RDF_TYPE}> <{_INFERENCE_CLASS}> .\n",
            f"{inference} <{_INFERRED_PROPERTY}> <{prop}> .\n",
            f"{inference} <{_REASON}> {_text(reason)} .\n",
        ]


def _object(name: str, form: str, value: object) -> str:
    if form == "entity":
        return f"<{AID_NS}{value}>"
    if form == "date":
        return _date(str(value))
    if form == "text":
        return _text(str(value))
    if form == "decimal":
        assert isinstance(value, Decimal)
        return f'"{canonical_decimal(value)}"^^<{XSD_NS}decimal>'
    if form == "code":
        return f"<{ag(CODES[name][str(value)])}>"
    if form == "boolean":
        return f'"{str(value).lower()}"^^<{XSD_NS}boolean>'
    return _text(str(value))  # a duration: ISO 8601 text, as xsd:duration is outside OWL 2's datatype map


def _evidence(node: str, quote: Quote, positions: Positions | None) -> Iterator[str]:
    yield f"{node} <{_RDF_TYPE}> <{_EVIDENCE_CLASS}> .\n"
    yield f"{node} <{_SOURCE}> <{SRC_NS}{quote.source}> .\n"
    yield f"{node} <{_QUOTE}> {_text(quote.quote)} .\n"
    span = positions.get((quote.source, quote.quote)) if positions else None
    if span:
        yield f'{node} <{_OA_START}> "{span[0]}"^^<{XSD_NS}integer> .\n'
        yield f'{node} <{_OA_END}> "{span[1]}"^^<{XSD_NS}integer> .\n'


def _text(value: str) -> str:
    return f'"{value.translate(_ESCAPES)}"'


def _date(text: str) -> str:
    return f'"{text}"^^<{XSD_NS}{date_precision(text)}>'
