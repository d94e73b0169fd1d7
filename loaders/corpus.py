"""Check quotes and hashes against the corpus, and locate each quote in its document.

The project keeps short quotes, never the articles; given the corpus directory, this module
proves each quote occurs verbatim in its source and that each document is the one curated
(same SHA-256; a source without ``sha256`` is a problem, since nothing then proves it), and gives
the quote's character offsets for Web Annotation position selectors.

A source's file is read only from inside the corpus directory (its name was checked when the
facts were loaded; here a symbolic link out of the directory is refused too), only if it is a
regular file, and only up to :data:`MAX_ARTICLE_BYTES`.

Examples
--------
>>> sha256_of(b"abc")[:16]
'ba7816bf8f01cfea'
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from loaders.errors import Problem
from loaders.facts import FactSet
from loaders.paths import MAX_ARTICLE_BYTES, ReadRefused, read_inside
from loaders.text import shorten

__all__ = ["CorpusReport", "Positions", "check_corpus", "read_article_bytes", "sha256_of"]

Positions = Mapping[tuple[str, str], tuple[int, int]]
"""Where each quote sits in its article: ``(source id, quote) → (start, end)`` character offsets."""

"""A news article is tens of kilobytes; anything over 4 MiB is refused, not read."""


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


class CorpusReport:
    """Problems found in the corpus check, and the offsets of every quote that was found."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.positions: dict[tuple[str, str], tuple[int, int]] = {}
        self.read: dict[str, str | None] = {}
        """Each source file looked for → the SHA-256 of the bytes read (None when unreadable)."""


def read_article_bytes(corpus_dir: Path, name: str) -> bytes:
    """The bytes of the article ``name`` of ``corpus_dir``, refusing anything that leads out of it.

    Raises
    ------
    ReadRefused
        With a one-line reason: outside the corpus, not a regular file, too large, unreadable.
    """
    return read_inside(corpus_dir, name, MAX_ARTICLE_BYTES, "article")


def check_corpus(facts: FactSet, corpus_dir: Path) -> CorpusReport:
    """Verify every source file's hash and every quote against the documents in ``corpus_dir``.

    Offsets count Unicode code points from the start of the document, as Web Annotation's
    ``TextPositionSelector`` does; a quote found more than once is located at its first occurrence.
    """
    report = CorpusReport()
    texts: dict[str, str] = {}
    for source_id, source in sorted(facts.sources.items()):
        where = facts.source_where[source_id]
        report.read[source.file] = None
        if not (corpus_dir / source.file).exists() and not (corpus_dir / source.file).is_symlink():
            report.problems.append(
                Problem(where, f"source {source_id!r}: file {source.file!r} not found in {corpus_dir}")
            )
            continue
        try:
            data = read_article_bytes(corpus_dir, source.file)
        except ReadRefused as err:
            report.problems.append(Problem(where, f"source {source_id!r}: {err.reason}"))
            continue
        digest = sha256_of(data)
        report.read[source.file] = digest
        if source.sha256 is None:
            report.problems.append(
                Problem(where, f"source {source_id!r}: no sha256 to prove the article is the one curated (add 'sha256: {digest}')")
            )
        elif source.sha256 != digest:
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
    return repr(shorten(text, limit))
