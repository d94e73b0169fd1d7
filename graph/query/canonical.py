"""The same rows from every engine: lists sorted, booleans written ``true``/``false``.

SPARQL leaves the order of ``GROUP_CONCAT`` unspecified, so Oxigraph, rdflib and a server may
join the same values in different orders; and some servers (Virtuoso) write ``xsd:boolean`` as
``1``/``0``. :func:`canonical_answer` rewrites an answer so that both come out one way: the
parts of each ``GROUP_CONCAT(…; separator=S) AS ?v`` cell are sorted (:func:`list_columns`
finds them), and booleans get their canonical lexical form (:func:`canonical_term`).
:meth:`graph.query.results.QueryResult.from_answer` applies both to every answer, whichever
engine gave it.

Examples
--------
>>> list_columns('SELECT (GROUP_CONCAT(DISTINCT COALESCE(?n, ""); separator=" + ") AS ?names) {}')
{'names': ' + '}
>>> canonical_term(ox.Literal("b, a"), ", ").value
'a, b'
"""

from __future__ import annotations

import json
import re
from typing import Any

import pyoxigraph as ox

__all__ = ["canonical_rows", "canonical_term", "list_columns"]

_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_GROUP_CONCAT = re.compile(
    r"""GROUP_CONCAT\s*\((?:[^;()]|\((?:[^()]|\([^()]*\))*\))*;\s*SEPARATOR\s*=\s*
        (?P<separator>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\)\s*AS\s*[?$](?P<variable>\w+)""",
    re.IGNORECASE | re.VERBOSE,
)


_ASSIGNMENT = re.compile(r"\bAS\s*[?$](?P<variable>\w+)", re.IGNORECASE)


def list_columns(query: str) -> dict[str, str]:
    """The variables ``query`` fills with ``GROUP_CONCAT(…; separator=S)``, each with its ``S``.

    A variable bound from an expression over such a list (``BIND(IF(…, ?names) AS ?shown)``)
    is a list too: sorting a value without the separator changes nothing.

    Examples
    --------
    >>> list_columns('SELECT ?b { { SELECT (GROUP_CONCAT(?x; separator="|") AS ?a) {} } BIND(UCASE(?a) AS ?b) }')
    {'a': '|', 'b': '|'}
    """
    lists = {m["variable"]: json.loads('"' + m["separator"][1:-1].replace("\\'", "'") + '"')
             for m in _GROUP_CONCAT.finditer(query)}
    assignments = [(m["variable"], _expression_before(query, m.start())) for m in _ASSIGNMENT.finditer(query)]
    changed = True
    while changed:
        changed = False
        for variable, expression in assignments:
            if variable in lists:
                continue
            used = next((v for v in re.findall(r"[?$](\w+)", expression) if v in lists), None)
            if used is not None:
                lists[variable] = lists[used]
                changed = True
    return lists


def canonical_term(term: Any, separator: str | None = None) -> Any:
    """``term`` with a canonical boolean, or with its ``separator``-joined parts sorted."""
    if not isinstance(term, ox.Literal):
        return term
    if term.datatype.value == _XSD_BOOLEAN and term.value in ("1", "0"):
        return ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
    if separator:
        value = separator.join(sorted(term.value.split(separator)))
        if term.language:
            return ox.Literal(value, language=term.language, direction=term.direction)
        return ox.Literal(value, datatype=term.datatype)
    return term


def canonical_rows(rows: list[list[Any]], separators: list[str | None]) -> None:
    """Rewrite ``rows`` in place as :func:`canonical_term` would, visiting only what can change.

    ``separators`` has one entry per column: a list column's cells are sorted; elsewhere only
    boolean literals can be rewritten. At 100k rows a call per cell cost more than the query.
    """
    lists = [(i, separator) for i, separator in enumerate(separators) if separator]
    others = [i for i, separator in enumerate(separators) if not separator]
    for row in rows:
        for i, separator in lists:
            row[i] = canonical_term(row[i], separator)
        for i in others:
            term = row[i]
            if type(term) is ox.Literal and term.value in ("1", "0") and term.datatype.value == _XSD_BOOLEAN:
                row[i] = canonical_term(term)


def _expression_before(query: str, end: int) -> str:
    """The expression between the parenthesis opened before ``end`` and ``end`` (``(expr AS ?v)``)."""
    depth = 0
    for index in range(end - 1, -1, -1):
        if query[index] == ")":
            depth += 1
        elif query[index] == "(":
            if depth == 0:
                return query[index + 1 : end]
            depth -= 1
    return ""
