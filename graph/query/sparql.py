"""Run SPARQL safely on the graph: read-only, offline by default, with bound parameters.

Queries run on Oxigraph (``pyoxigraph``). Before a query runs, a small lexer (comments,
strings and IRIs skipped) decides its form and refuses what a read-only, offline tool must not
do: SPARQL Update (``INSERT``, ``LOAD`` …), and — unless federation is allowed — ``SERVICE`` and
``FROM``/``FROM NAMED``, which would make the engine fetch remote data. The project's prefixes
are bound without being declared; parameters are bound as RDF terms (SEP-0007 substitutions),
never pasted into query text.

Examples
--------
>>> query_form("PREFIX ag: <https://w3id.org/aidgraph/ontology#> SELECT * WHERE { ?s ?p ?o }")
'SELECT'
>>> query_form("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
Traceback (most recent call last):
...
graph.errors.QueryError: SPARQL Update (INSERT) is refused: aidgraph query is read-only
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from graph.errors import QueryError
from ontology.prefixes import PREFIXES, compact

__all__ = [
    "QUERY_FORMS",
    "QueryResult",
    "answer_query",
    "check_safety",
    "inline_bindings",
    "python_value",
    "query_form",
    "run_query",
    "term_text",
]

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_TOKENS = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                 |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\s]*>)
    | (?P<var>[?$]\w+)
    | (?P<word>[A-Za-z_][\w-]*(?::[^\s;,(){}\[\]]*)?)
    | (?P<other>\S)
    """,
    re.VERBOSE,
)


@dataclass
class QueryResult:
    """The answer to a query: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """SELECT rows as dicts of plain Python values (see :func:`python_value`)."""
        return [{v: python_value(t) for v, t in zip(self.variables, row, strict=True)} for row in self.rows]


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(kind, value) for kind, value, _ in _positioned_tokens(text)]


def _positioned_tokens(text: str) -> list[tuple[str, str, int]]:
    """Tokens of ``text`` with their offsets, comments and strings left out."""
    return [
        (m.lastgroup or "", m.group(), m.start())
        for m in _TOKENS.finditer(text)
        if m.lastgroup not in ("comment", "string")
    ]


def inline_bindings(text: str, bindings: Mapping[str, Any] | None) -> str:
    """``text`` with ``bindings`` joined in as a ``VALUES`` block at the start of the WHERE group.

    For engines without SEP-0007 substitutions (rdflib, remote servers). The values are RDF terms
    written in N-Triples syntax by Oxigraph, so no value can change the query's structure; joined
    first, they bind the variable everywhere in the query, as a substitution does.

    Examples
    --------
    >>> print(inline_bindings("SELECT ?x WHERE { ?x ag:p ?y }", {"y": ox.Literal("5 > 4")}))
    SELECT ?x WHERE { VALUES ?y { "5 > 4" } ?x ag:p ?y }
    """
    if not bindings:
        return text
    brace = next((start for kind, value, start in _positioned_tokens(text) if value == "{"), None)
    if brace is None:
        raise QueryError("the query has no WHERE group to bind parameters in")
    values = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in sorted(bindings.items()))
    return f"{text[: brace + 1]} {values}{text[brace + 1 :]}"


def query_form(text: str) -> str:
    """The query's form (SELECT, ASK, CONSTRUCT, DESCRIBE); refuses updates with a clear message."""
    words = [value for kind, value in _tokens(text) if kind == "word"]
    skip = 0
    for word in words:
        if skip:
            skip -= 1
            continue
        upper = word.upper()
        if upper == "PREFIX":
            skip = 1  # the prefix name that follows
        elif upper == "BASE":
            continue
        elif upper in QUERY_FORMS:
            return upper
        elif upper in _UPDATE_WORDS:
            raise QueryError(f"SPARQL Update ({upper}) is refused: aidgraph query is read-only")
        else:
            break
    raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")


def check_safety(text: str, *, allow_federation: bool = False) -> str:
    """Refuse updates, and unless ``allow_federation``, SERVICE and FROM; return the query form."""
    form = query_form(text)
    if allow_federation:
        return form
    tokens = _tokens(text)
    for index, (kind, value) in enumerate(tokens):
        upper = value.upper() if kind == "word" else ""
        if upper == "SERVICE":
            raise QueryError(
                "SERVICE is refused: queries do not reach the network (use --allow-federation to permit it)"
            )
        if upper == "FROM":
            following = [v for k, v in tokens[index + 1 : index + 3] if k in ("iri", "word")]
            target = next((v for v in following if v.upper() != "NAMED"), "")
            raise QueryError(
                f"FROM {target} is refused: the query runs on the aidgraph graph only and loads nothing else "
                "(use --allow-federation to permit it)"
            )
    return form


def answer_query(
    store: ox.Store,
    text: str,
    *,
    bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
    allow_federation: bool = False,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run ``text`` on ``store`` with the project's prefixes and bindings; Oxigraph's own answer.

    Raises
    ------
    QueryError
        For a refused query, or a syntax error (with line and column).
    """
    check_safety(text, allow_federation=allow_federation)
    substitutions = {ox.Variable(name): term for name, term in (bindings or {}).items()}
    try:
        return store.query(text, prefixes=PREFIXES, substitutions=substitutions or None)
    except SyntaxError as err:
        raise QueryError(_syntax_message(text, str(err))) from None
    except OSError as err:
        raise QueryError(f"query failed: {err}") from None


def run_query(
    store: ox.Store,
    text: str,
    *,
    bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
    allow_federation: bool = False,
) -> QueryResult:
    """Run ``text`` on ``store`` and collect the whole answer (see :func:`answer_query`)."""
    form = query_form(text)
    answer = answer_query(store, text, bindings=bindings, allow_federation=allow_federation)
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(form, boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        return QueryResult(form, variables, [[solution[v] for v in variables] for solution in answer])
    return QueryResult(form, triples=list(answer))


def _syntax_message(text: str, message: str) -> str:
    """Oxigraph's 'error at L:C: expected …' as one readable line, with the text near the error."""
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if not match:
        return f"SPARQL syntax error: {message}"
    line, column, detail = int(match[1]), int(match[2]), " ".join(match[3].split())
    if len(detail) > 100:
        detail = detail[:99].rsplit(",", 1)[0] + ", …"
    lines = text.splitlines() or [""]
    near = lines[min(line, len(lines)) - 1][max(column - 1, 0) :][:30].strip()
    return f"SPARQL syntax error at line {line}, column {column}: {detail}" + (f" (near {near!r})" if near else "")


def term_text(term: Any) -> str:
    """A term as an analyst reads it: prefixed names for IRIs, the lexical form of literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value)


_XSD = PREFIXES["xsd"]


def python_value(term: Any) -> Any:
    """A term as a Python value: Decimal, int, bool or str (IRIs as prefixed names).

    Examples
    --------
    >>> python_value(ox.Literal("5800000000", datatype=ox.NamedNode(_XSD + "decimal")))
    Decimal('5800000000')
    >>> python_value(ox.NamedNode("https://w3id.org/aidgraph/id/dfc"))
    'aid:dfc'
    """
    if not isinstance(term, ox.Literal):
        return term_text(term) if term is not None else None
    datatype = term.datatype.value
    if datatype == _XSD + "decimal":
        return Decimal(term.value)
    if datatype in (_XSD + "integer", _XSD + "long", _XSD + "int"):
        return int(term.value)
    if datatype == _XSD + "boolean":
        return term.value in ("true", "1")
    return term.value
