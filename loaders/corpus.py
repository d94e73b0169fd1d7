"""Check quotes and hashes against the corpus, and locate each quote in its document.

The project keeps short quotes, never the articles; given the corpus directory, this module
proves each quote occurs verbatim in its source and that each document is the one curated
(same SHA-256), and gives the quote's character offsets for Web Annotation position selectors.

Examples
--------
>>> sha256_of(b"abc")[:16]
'ba7816bf8f01cfea'
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from loaders.errors import Problem
from loaders.facts import FactSet

__all__ = ["CorpusReport", "check_corpus", "sha256_of"]


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


class CorpusReport:
    """Problems found in the corpus check, and the offsets of every quote that was found."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.positions: dict[tuple[str, str], tuple[int, int]] = {}


def check_corpus(facts: FactSet, corpus_dir: Path) -> CorpusReport:
    """Verify every source file's hash and every quote against the documents in ``corpus_dir``.

    Offsets count Unicode code points from the start of the document, as Web Annotation's
    ``TextPositionSelector`` does; a quote found more than once is located at its first occurrence.
    """
    report = CorpusReport()
    texts: dict[str, str] = {}
    for source_id, source in sorted(facts.sources.items()):
        where = facts.source_where[source_id]
        path = corpus_dir / source.file
        try:
            data = path.read_bytes()
        except OSError:
            report.problems.append(
                Problem(where, f"source {source_id!r}: file {source.file!r} not found in {corpus_dir}")
            )
            continue
        digest = sha256_of(data)
        if source.sha256 and source.sha256 != digest:
            report.problems.append(
                Problem(where, f"source {source_id!r}: sha256 is {digest}, the registry says {source.sha256}")
            )
        texts[source_id] = data.decode("utf-8", errors="replace")
    for fact_id, quotes in sorted(facts.evidence.items()):
        kind = facts.records[fact_id].kind
        for quote in quotes:
            text = texts.get(quote.source)
            if text is None:
                continue
            start = text.find(quote.quote)
            if start < 0:
                report.problems.append(
                    Problem(
                        quote.where,
                        f"{kind} {fact_id!r}: quote not found verbatim in source {quote.source!r}: {_short(quote.quote)}",
                    )
                )
                continue
            report.positions[(quote.source, quote.quote)] = (start, start + len(quote.quote))
    return report


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
