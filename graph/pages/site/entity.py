"""One page per entity, with its Turtle and JSON-LD twins beside it.

The page shows the entity's class, names, every fact about it (each property named by its label in
the ontology, so new terms need no code), the entities that point at it, and the quotes behind it,
each linked to its spot in the article. Money reads as people say it ("about USD 2,000,000,000"),
dates at the precision they were stated, and a field the graph marks as inferred (an
``ag:Inference`` the entity points at with ``ag:inference``, naming the field with
``ag:inferredProperty``) carries an "inferred" mark with the curator's ``ag:reason``.

The twins hold the entity's bounded description: its own triples, its evidence nodes' triples and
any statements about its fields, in Turtle and in JSON-LD compacted with the project's prefixes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.pages.site.data import ALT_LABEL, LABEL, RDF_TYPE, SiteData
from graph.pages.site.layout import (
    XSD_DATE_TYPES,
    class_path,
    entity_path,
    page_path,
    readable_date,
    readable_number,
    render,
    source_path,
)
from graph.pages.site.ontology import term_anchor
from graph.pages.style import readable_amount
from ontology.prefixes import AG_NS, EV_NS, PREFIXES, SRC_NS, XSD_NS, compact

__all__ = ["Quote", "Row", "Value", "entity_files", "evidence_anchor", "published", "quotes_of", "value_of"]

MAX_LINKS = 2000
"""Incoming links listed per relation: past this a page would outgrow a reader (and 1 MB)."""

_NOTE = PREFIXES["skos"] + "note"
_INFERENCE = AG_NS + "inference"
_INFERRED_PROPERTY = AG_NS + "inferredProperty"
_REASON = AG_NS + "reason"
_OA_START, _OA_END = PREFIXES["oa"] + "start", PREFIXES["oa"] + "end"
_AMOUNT, _CURRENCY, _QUALIFIER = AG_NS + "amount", AG_NS + "currency", AG_NS + "amountQualifier"
_VALUE, _UNIT = AG_NS + "value", AG_NS + "unit"
_HIDDEN = {RDF_TYPE, LABEL, ALT_LABEL, AG_NS + "evidence", _NOTE, _INFERENCE}


@dataclass
class Value:
    """One value as shown: its text, the page it links to (root-relative), and a hover title."""

    text: str
    href: str | None = None
    title: str = ""
    datetime: str | None = None


@dataclass
class Row:
    """One property of an entity and its values; ``inferred`` holds the reasons when it is inferred."""

    label: str
    term: str
    definition: str
    values: list[Value]
    inferred: list[str] = field(default_factory=list)
    href: str | None = None


@dataclass
class Quote:
    """A quote behind a fact: its words, its source, and where in the article it sits."""

    anchor: str
    text: str
    source_title: str
    href: str
    where: str
    published: str = ""


def evidence_anchor(evidence_iri: str) -> str:
    """The fragment that marks a quote on its article's page: ``q-<evidence id>``.

    Examples
    --------
    >>> evidence_anchor("https://w3id.org/aidgraph/evidence/usaid-ae091f8d592a")
    'q-usaid-ae091f8d592a'
    """
    return "q-" + evidence_iri.removeprefix(EV_NS)


def value_of(data: SiteData, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Value:
    """A term as a reader sees it: a linked name, a concept's label, a date, a number or text."""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        if data.is_page(iri):
            return Value(data.label(iri), page_path(iri), title=data.term_label(data.class_of(iri)))
        if iri in data.outgoing:  # a concept of the ontology (a qualifier, a kind of money)
            return Value(data.label(iri), title=data.definition(iri))
        return Value(compact(iri))
    if isinstance(term, ox.BlankNode):
        return Value(f"_:{term.value}")
    datatype = term.datatype.value
    if datatype in XSD_DATE_TYPES:
        return Value(readable_date(term.value, XSD_DATE_TYPES[datatype]), datetime=term.value)
    if datatype in (XSD_NS + "decimal", XSD_NS + "integer"):
        return Value(readable_number(term.value))
    if datatype == XSD_NS + "boolean":
        return Value("yes" if term.value in ("true", "1") else "no")
    return Value(term.value)


def rows_of(data: SiteData, iri: str) -> list[Row]:
    """The facts about ``iri``, one row per property, money and figures read as one phrase."""
    by_property: dict[str, list[Value]] = {}
    skip = set(_HIDDEN)
    if data.values(iri, _AMOUNT):
        by_property[_AMOUNT] = [_amount(data, iri)]
        skip |= {_AMOUNT, _CURRENCY, _QUALIFIER}
    elif data.values(iri, _VALUE):
        by_property[_VALUE] = [_figure(data, iri)]
        skip |= {_VALUE, _UNIT, _QUALIFIER}
    for predicate, term in data.outgoing.get(iri, ()):
        if predicate not in skip:
            by_property.setdefault(predicate, []).append(value_of(data, term))
    inferred = _inferences(data, iri)
    rows = [
        Row(data.term_label(p), compact(p), data.definition(p), values, inferred.get(p, []), term_anchor(data, p))
        for p, values in by_property.items()
    ]
    return sorted(rows, key=lambda r: (_rank(r), r.label, r.term))


def quotes_of(data: SiteData, iri: str) -> list[Quote]:
    """The quotes behind ``iri``, each with its source and its anchor in the article page."""
    quotes = []
    for evidence in data.evidence_of(iri):
        source = next((t.value for t in data.values(evidence, AG_NS + "source") if isinstance(t, ox.NamedNode)), "")
        start, end = data.text(evidence, _OA_START), data.text(evidence, _OA_END)
        where = f"characters {int(start):,}–{int(end):,}" if start and end else ""
        quotes.append(
            Quote(
                anchor=evidence_anchor(evidence),
                text=data.text(evidence, AG_NS + "quote") or "",
                source_title=data.label(source) if source else "(no source)",
                href=f"{source_path(source)}#{evidence_anchor(evidence)}" if source.startswith(SRC_NS) else "",
                where=where,
                published=published(data, source),
            )
        )
    return sorted(quotes, key=lambda q: (q.source_title, q.text, q.anchor))


def linked_from(data: SiteData, iri: str) -> list[tuple[Row, int]]:
    """The entities that point at ``iri``, one row per relation, with how many were left out."""
    groups: dict[str, list[Value]] = {}
    for subject, predicate in data.incoming.get(iri, ()):
        if predicate == RDF_TYPE or not data.is_page(subject):
            continue
        groups.setdefault(predicate, []).append(
            Value(data.label(subject), page_path(subject), title=data.term_label(data.class_of(subject)))
        )
    rows = []
    for predicate, values in sorted(groups.items(), key=lambda g: (data.term_label(g[0]), g[0])):
        values.sort(key=lambda v: (v.text, v.href or ""))
        row = Row(
            data.term_label(predicate),
            compact(predicate),
            data.definition(predicate),
            values[:MAX_LINKS],
            href=term_anchor(data, predicate),
        )
        rows.append((row, max(0, len(values) - MAX_LINKS)))
    return rows


def description(data: SiteData, iri: str) -> list[ox.Triple]:
    """The bounded description of ``iri``: its triples, its evidence's, and the notes of its inferred fields."""
    subjects = [iri, *data.evidence_of(iri), *_inference_nodes(data, iri)]
    triples = []
    for subject in subjects:
        node = ox.NamedNode(subject) if not subject.startswith("_:") else ox.BlankNode(subject[2:])
        triples.extend(ox.Triple(node, ox.NamedNode(p), o) for p, o in data.outgoing.get(subject, ()))
    return triples


def entity_files(data: SiteData, iri: str) -> dict[str, bytes]:
    """The page of ``iri`` and its twins: ``id/<id>.html``, ``.ttl`` and ``.jsonld``."""
    path = entity_path(iri)
    stem = path.removesuffix(".html")
    cls = data.class_of(iri)
    triples = description(data, iri)
    page = render(
        "site-entity.html",
        path,
        title=data.label(iri),
        iri=iri,
        label=data.label(iri),
        aliases=data.aliases(iri),
        class_label=data.term_label(cls),
        class_definition=data.definition(cls),
        class_href=class_path(cls),
        notes=sorted(t.value for t in data.values(iri, _NOTE) if isinstance(t, ox.Literal)),
        rows=rows_of(data, iri),
        incoming=linked_from(data, iri),
        quotes=quotes_of(data, iri),
        turtle_href=stem + ".ttl",
        jsonld_href=stem + ".jsonld",
    )
    return {path: page, stem + ".ttl": turtle(triples), stem + ".jsonld": jsonld(triples)}


def turtle(triples: list[ox.Triple]) -> bytes:
    """Triples as Turtle with the project's prefixes, in a stable order."""
    ordered = sorted(triples, key=str)
    return ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""


def jsonld(triples: list[ox.Triple]) -> bytes:
    """Triples as JSON-LD: Oxigraph's expanded form, compacted with the project's prefixes as ``@context``.

    Examples
    --------
    >>> t = ox.Triple(ox.NamedNode(PREFIXES["aid"] + "x"), ox.NamedNode(RDF_TYPE), ox.NamedNode(AG_NS + "Country"))
    >>> json.loads(jsonld([t]))["@graph"]
    [{'@id': 'aid:x', '@type': ['ag:Country']}]
    """
    expanded = json.loads(ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.JSON_LD) or b"[]")
    nodes = [_compact_node(node) for node in expanded]
    document = {"@context": dict(PREFIXES), "@graph": sorted(nodes, key=lambda n: n.get("@id", ""))}
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def _compact_node(node: dict) -> dict:
    out: dict = {}
    for key, values in node.items():
        if key == "@id":
            out["@id"] = compact(values)
        elif key == RDF_TYPE and all("@id" in v for v in values):
            out["@type"] = [compact(v["@id"]) for v in values]
        else:
            out[compact(key)] = [
                {k: compact(v) if k in ("@id", "@type") else v for k, v in value.items()} for value in values
            ]
    return out


def _amount(data: SiteData, iri: str) -> Value:
    """'about USD 2,000,000,000' — the qualifier, the currency and the amount exactly as stored."""
    amount = data.text(iri, _AMOUNT) or ""
    currency = data.text(iri, _CURRENCY) or ""
    qualifier = _qualifier(data, iri)
    text = " ".join(part for part in (qualifier if qualifier != "exact" else "", currency, readable_number(amount)) if part)
    if qualifier == "exact":
        text += " (exact)"
    title = ""
    if currency == "USD":
        try:
            title = readable_amount(float(amount))
        except ValueError:
            pass
    return Value(text, title=title)


def _figure(data: SiteData, iri: str) -> Value:
    """'about 1,700,000 people' — a statistic's value with its qualifier and unit."""
    qualifier = _qualifier(data, iri)
    parts = (qualifier if qualifier != "exact" else "", readable_number(data.text(iri, _VALUE) or ""), data.text(iri, _UNIT) or "")
    return Value(" ".join(p for p in parts if p))


def published(data: SiteData, source: str) -> str:
    """When the source was published, at the precision the registry gives."""
    for term in data.values(source, PREFIXES["dcterms"] + "issued"):
        if isinstance(term, ox.Literal):
            return value_of(data, term).text
    return ""


def _qualifier(data: SiteData, iri: str) -> str:
    for term in data.values(iri, _QUALIFIER):
        return data.label(term.value) if isinstance(term, ox.NamedNode) else str(term.value)
    return ""


def _inference_nodes(data: SiteData, iri: str) -> list[str]:
    """The ``ag:Inference`` nodes of ``iri``: one per field the curators inferred."""
    return sorted(t.value for t in data.values(iri, _INFERENCE) if isinstance(t, ox.NamedNode))


def _inferences(data: SiteData, iri: str) -> dict[str, list[str]]:
    """Field → the reasons the curators gave for inferring it."""
    marks: dict[str, list[str]] = {}
    for node in _inference_nodes(data, iri):
        reasons = [t.value for t in data.values(node, _REASON)] or ["inferred, not stated in the text"]
        for field_iri in data.values(node, _INFERRED_PROPERTY):
            marks.setdefault(field_iri.value, []).extend(reasons)
    return marks


def _rank(row: Row) -> int:
    """Money first, then relations to other pages, then dates, then the rest."""
    if row.term in ("ag:amount", "ag:value"):
        return 0
    if any(v.href for v in row.values):
        return 1
    if any(v.datetime for v in row.values):
        return 2
    return 3
