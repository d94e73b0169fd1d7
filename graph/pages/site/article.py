"""One page per source article: its metadata and, with the corpus, its text with every quote highlighted.

Offsets come from the graph (``oa:start``/``oa:end``, recorded when it was built with the corpus)
and are checked against the text before use: a span that does not hold its quote is listed, not
highlighted. Overlapping quotes are drawn as one highlight. A highlight is focusable; hovering or
focusing it shows the facts it supports, each a link to its page (plain CSS, no script). Each
quote keeps an anchor ``#q-<evidence id>`` that the entity pages link to. Without the corpus the
page lists the quotes alone and says why: the project keeps short quotes, never the articles.

Examples
--------
>>> [(c.start, c.end, sorted(c.evidence)) for c in clusters([(0, 5, "a"), (3, 8, "b"), (10, 12, "c")])]
[(0, 8, ['a', 'b']), (10, 12, ['c'])]
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.errors import AnalysisError
from graph.pages.site.data import SiteData
from graph.pages.site.entity import Row, Value, evidence_anchor, rows_of
from graph.pages.site.layout import page_path, render, source_path
from ontology.prefixes import AG_NS, PREFIXES

__all__ = ["MAX_ARTICLE_BYTES", "ArticleText", "Cluster", "article_page", "clusters", "read_article"]

MAX_ARTICLE_BYTES = 5_000_000
"""A news article is a few kilobytes; a file past this is not one, and is not read."""

_OA_START, _OA_END = PREFIXES["oa"] + "start", PREFIXES["oa"] + "end"


@dataclass
class ArticleText:
    """An article's text as read from the corpus, or why there is none."""

    text: str | None
    reason: str = ""
    sha256_differs: bool = False


@dataclass
class Cluster:
    """Quotes whose spans overlap, shown as one highlight from ``start`` to ``end``."""

    start: int
    end: int
    evidence: list[str] = field(default_factory=list)


@dataclass
class QuoteItem:
    """One quote of the article: its anchor, words, the facts it supports, and whether it is highlighted."""

    anchor: str
    text: str
    facts: list[Value]
    located: bool


def read_article(data: SiteData, source: str, corpus_dir: Path | None) -> ArticleText:
    """The text of ``source`` from ``corpus_dir``, bounded in size and confined to that folder."""
    if corpus_dir is None:
        return ArticleText(
            None,
            "This site was built without the corpus (aidgraph site --corpus DIR): the project keeps short "
            "quotes of its articles, never their text, so only the quotes are shown.",
        )
    name = data.text(source, AG_NS + "fileName") or ""
    root = corpus_dir.resolve()
    path = (root / name).resolve()
    if not name or root not in path.parents:
        return ArticleText(None, f"The file name {name!r} does not name a file inside the corpus folder.")
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_ARTICLE_BYTES + 1)
    except OSError:
        return ArticleText(None, f"The file {name!r} was not found in the corpus folder.")
    if len(raw) > MAX_ARTICLE_BYTES:
        raise AnalysisError(f"{path}: larger than {MAX_ARTICLE_BYTES:,} bytes; not an article, not read")
    expected = data.text(source, AG_NS + "sha256")
    differs = bool(expected) and hashlib.sha256(raw).hexdigest() != expected
    return ArticleText(raw.decode("utf-8", errors="replace"), sha256_differs=differs)


def clusters(spans: list[tuple[int, int, str]]) -> list[Cluster]:
    """Spans ``(start, end, evidence)`` merged where they overlap, in text order."""
    merged: list[Cluster] = []
    for start, end, evidence in sorted(spans):
        if merged and start < merged[-1].end:
            merged[-1].end = max(merged[-1].end, end)
            merged[-1].evidence.append(evidence)
        else:
            merged.append(Cluster(start, end, [evidence]))
    return merged


def article_page(data: SiteData, source: str, corpus_dir: Path | None) -> tuple[str, bytes]:
    """The path and bytes of the page of ``source``."""
    article = read_article(data, source, corpus_dir)
    evidence = sorted(s for s, p in data.incoming.get(source, ()) if p == AG_NS + "source")
    spans = []
    quotes: dict[str, tuple[str, list[Value]]] = {}
    for node in evidence:
        quote = data.text(node, AG_NS + "quote") or ""
        facts = sorted(
            (
                Value(data.label(s), page_path(s), title=data.term_label(data.class_of(s)))
                for s, p in data.incoming.get(node, ())
                if p == AG_NS + "evidence" and data.is_page(s)
            ),
            key=lambda v: (v.text, v.href or ""),
        )
        quotes[node] = (quote, facts)
        start, end = data.text(node, _OA_START), data.text(node, _OA_END)
        if article.text is not None and start and end and article.text[int(start) : int(end)] == quote and quote:
            spans.append((int(start), int(end), node))
    located = {node for _, _, node in spans}
    items = [
        QuoteItem(evidence_anchor(node), quote, facts, node in located)
        for node, (quote, facts) in sorted(quotes.items(), key=lambda q: (q[1][0], q[0]))
    ]
    path = source_path(source)
    page = render(
        "site-article.html",
        path,
        title=data.label(source),
        label=data.label(source),
        iri=source,
        rows=[r for r in rows_of(data, source) if r.term != "dcterms:title"] + _notes(data, source),
        pieces=_pieces(article.text, spans, quotes) if article.text is not None else [],
        has_text=article.text is not None,
        reason=article.reason,
        sha256_differs=article.sha256_differs,
        quotes=items,
        located=len(located),
        facts=sorted({(f.text, f.href, f.title) for _, fs in quotes.values() for f in fs}),
    )
    return path, page


def _notes(data: SiteData, source: str) -> list[Row]:
    notes = [Value(t.value) for t in data.values(source, PREFIXES["skos"] + "note") if isinstance(t, ox.Literal)]
    return [Row("note", "skos:note", "", notes)] if notes else []


def _pieces(text: str, spans: list[tuple[int, int, str]], quotes: dict[str, tuple[str, list[Value]]]) -> list[dict]:
    """The text cut into plain runs and highlights; a highlight holds its quotes' anchors and facts."""
    starts = {node: start for start, _, node in spans}
    pieces: list[dict] = []
    at = 0
    for number, cluster in enumerate(clusters(spans), start=1):
        if cluster.start > at:
            pieces.append({"text": text[at : cluster.start]})
        inner: list[dict] = []
        cursor = cluster.start
        for node in sorted(cluster.evidence, key=lambda n: (starts[n], n)):
            if starts[node] > cursor:
                inner.append({"text": text[cursor : starts[node]]})
                cursor = starts[node]
            inner.append({"anchor": evidence_anchor(node)})
        inner.append({"text": text[cursor : cluster.end]})
        facts: dict[tuple[str, str], Value] = {}
        for node in cluster.evidence:
            for fact in quotes[node][1]:
                facts[(fact.text, fact.href or "")] = fact
        pieces.append({"mark": inner, "id": f"h-{number}", "facts": [facts[k] for k in sorted(facts)]})
        at = cluster.end
    if at < len(text):
        pieces.append({"text": text[at:]})
    return pieces
