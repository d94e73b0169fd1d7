"""The same rows from every engine: lists sorted, booleans written ``true``/``false``.

SPARQL leaves the order of ``GROUP_CONCAT`` unspecified, so Oxigraph, rdflib and a server may
join the same values in different orders; and some servers (Virtuoso) write ``xsd:boolean`` as
``1``/``0``. :func:`canonical_answer` rewrites an answer so that both come out one way: the
parts of each ``GROUP_CONCAT(…; separator=S) AS ?v`` cell are sorted, and booleans get their
canonical lexical form. :class:`Canonical` applies it to any engine, in one place.

Examples
--------
>>> list_columns('SELECT (GROUP_CONCAT(DISTINCT COALESCE(?n, ""); separator=" + ") AS ?names) {}')
{'names': ' + '}
>>> store = ox.Store()
>>> query = 'SELECT ("b, a" AS ?x) (GROUP_CONCAT(?y; separator=", ") AS ?l) WHERE { VALUES ?y { "b" "a" } }'
>>> [s["l"].value for s in Canonical(store).query(query)]
['a, b']
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox

__all__ = ["Canonical", "canonical_answer", "canonical_term", "list_columns", "solutions"]

_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_GROUP_CONCAT = re.compile(
    r"""GROUP_CONCAT\s*\((?:[^;()]|\((?:[^()]|\([^()]*\))*\))*;\s*SEPARATOR\s*=\s*
        (?P<separator>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*\)\s*AS\s*[?$](?P<variable>\w+)""",
    re.IGNORECASE | re.VERBOSE,
)


_ASSIGNMENT = re.compile(r"\bAS\s*[?$](?P<variable>\w+)", re.IGNORECASE)


class Canonical:
    """An engine whose answers go through :func:`canonical_answer` (see the module docstring)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def query(self, query: str, **options: Any) -> Any:
        return canonical_answer(self.engine.query(query, **options), query)


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
        return ox.Literal(value, language=term.language) if term.language else ox.Literal(value, datatype=term.datatype)
    return term


def canonical_answer(answer: Any, query: str, *, booleans: bool = False) -> Any:
    """``answer`` with its list cells sorted (and with ``booleans``, booleans canonical).

    Answers that need no change are returned as they are, so engines pay nothing for queries
    without ``GROUP_CONCAT``.
    """
    if not isinstance(answer, ox.QuerySolutions):
        return answer
    lists = list_columns(query)
    if not lists and not booleans:
        return answer
    variables = [v.value for v in answer.variables]
    rows = [[canonical_term(s[v], lists.get(v)) for v in variables] for s in answer]
    return solutions(variables, rows)


def solutions(variables: list[str], rows: Iterable[list[Any]]) -> ox.QuerySolutions:
    """Oxigraph query solutions holding ``rows`` (terms, or None for unbound)."""
    bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
    document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return ox.parse_query_results(json.dumps(document).encode(), format=ox.QueryResultsFormat.JSON)


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


def _json_term(term: Any) -> Mapping[str, Any]:
    """One RDF term in the W3C SPARQL 1.1 JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        parts = ("subject", "predicate", "object")
        return {"type": "triple", "value": {p: _json_term(getattr(term, p)) for p in parts}}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
