"""The front page (what the graph holds, the money in brief, the sources, a search) and the class lists.

The search works offline from ``file://``: its index is a script file in ``assets/`` (no
``fetch``), one entry per page with every name (label and ``skos:altLabel``); the browser
matches ignoring case and accents. The money summary is the table ``aidgraph flows --table``
prints (:func:`graph.network.flows.flow_table`): cross-border money, one row per key and
currency, each total ``low – high`` where pledges may overlap.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from graph.pages.site.data import SiteData
from graph.pages.site.entity import Value, published
from graph.pages.site.layout import (
    class_path,
    entity_path,
    page_path,
    render,
    source_path,
)
from ontology.prefixes import AG_NS

__all__ = ["PAGE_SIZE", "class_pages", "index_page", "money_summary", "search_index"]

PAGE_SIZE = 1000
"""Members listed per class page; longer lists are paged so no page outgrows a reader."""


def money_summary(store: ox.Store, by: str = "donor") -> tuple[list[str], list[list[str]]]:
    """The money in brief: the totals ``by`` donor (or recipient, program, year) as ``aidgraph flows --table`` shows them.

    The columns are the key, currency, total (``low – high`` where pledges may overlap), the
    number of pledges added, their scope and the hedges of their figures; numbers read with
    thousands separators.
    """
    from graph.network.flows import flow_table, flow_totals

    table = flow_table(flow_totals(store, by=by), by=by, table=True)
    return table.variables, [[_cell(value) for value in record.values()] for record in table.records()]


def search_index(data: SiteData) -> bytes:
    """``assets/search-index.js``: every page with its label, class and other names."""
    entries = [
        [entity_path(iri), data.label(iri), data.term_label(data.class_of(iri)), data.aliases(iri)]
        for iri in data.entities()
    ]
    entries += [[source_path(iri), data.label(iri), "Source document", []] for iri in data.sources()]
    text = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
    return f"window.AIDGRAPH_SEARCH = {text};\n".encode()


def index_page(data: SiteData, store: ox.Store, *, with_corpus: bool) -> bytes:
    """``index.html``: counts by class, the money in brief, the sources, and the search box."""
    members = _members(data)
    counts = [
        Value(data.term_label(cls), class_path(cls), title=data.definition(cls)) for cls in sorted(members, key=data.term_label)
    ]
    header, money = money_summary(store)
    sources = [
        {
            "title": Value(data.label(iri), source_path(iri)),
            "outlet": data.text(iri, AG_NS + "outlet") or "",
            "published": published(data, iri),
            "quotes": sum(1 for _, p in data.incoming.get(iri, ()) if p == AG_NS + "source"),
        }
        for iri in data.sources()
    ]
    return render(
        "site-index.html",
        "index.html",
        title="aidgraph: the evidence",
        counts=[(value, len(members[cls])) for value, cls in zip(counts, sorted(members, key=data.term_label), strict=True)],
        total=sum(len(m) for m in members.values()),
        money_header=header,
        money=money,
        sources=sources,
        with_corpus=with_corpus,
    )


def class_pages(data: SiteData) -> dict[str, bytes]:
    """One list per class of its members, paged by :data:`PAGE_SIZE`."""
    pages = {}
    for cls, iris in sorted(_members(data).items()):
        ordered = sorted(iris, key=lambda i: (data.label(i).casefold(), i))
        chunks = [ordered[i : i + PAGE_SIZE] for i in range(0, len(ordered), PAGE_SIZE)]
        for number, chunk in enumerate(chunks, start=1):
            path = class_path(cls, number)
            pages[path] = render(
                "site-class.html",
                path,
                title=f"{data.term_label(cls)} ({len(ordered):,})",
                class_label=data.term_label(cls),
                definition=data.definition(cls),
                count=len(ordered),
                members=[(Value(data.label(i), page_path(i)), data.aliases(i)) for i in chunk],
                pages=[(n, class_path(cls, n)) for n in range(1, len(chunks) + 1)] if len(chunks) > 1 else [],
                current=number,
            )
    return pages


def _members(data: SiteData) -> dict[str, list[str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for iri in data.entities():
        members[data.class_of(iri)].append(iri)
    return dict(members)


def _cell(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)
