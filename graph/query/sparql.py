"""Safe SPARQL: what a query is, whether aidgraph may run it, and how parameters join it.

aidgraph's queries are read-only and offline by default. Before any engine sees a query, this
module decides its form and refuses what a read-only, offline tool must not do: SPARQL Update
(``INSERT``, ``LOAD`` …), and — unless federation is allowed — ``SERVICE`` and
``FROM``/``FROM NAMED``, which make an engine fetch other data.

The check sees exactly the text the engine will parse. SPARQL processes ``\\uXXXX`` escapes
before its grammar (SPARQL 1.1, section 19.2), so they are expanded here first and the expanded
text is what runs; an escape that would produce another escape is refused. Comments end at
either line terminator (``\\n`` or ``\\r``), as in the grammar. Queries are also refused when
they are larger than :data:`MAX_QUERY_CHARS` or nest brackets deeper than :data:`MAX_NESTING`,
before any parser sees them (a query of 5,000 nested parentheses crashes Oxigraph's parser; see
README, Design notes).

Parameters join a query as a ``VALUES`` block at the start of its WHERE group (never in a
CONSTRUCT template); the values are RDF terms written by Oxigraph, so no value can change the
query's structure.

Examples
--------
>>> check_query("PREFIX ag: <https://w3id.org/aidgraph/ontology#> SELECT * WHERE { ?s ?p ?o }").form
'SELECT'
>>> check_query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
Traceback (most recent call last):
...
graph.errors.QueryError: SPARQL Update (INSERT) is refused: aidgraph query is read-only
>>> check_query("SELECT * WHERE { \\\\u0053ERVICE <http://x/> { ?s ?p ?o } }")
Traceback (most recent call last):
...
graph.errors.QueryError: SERVICE is refused: queries do not reach the network (use --allow-federation to permit it)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.errors import QueryError

__all__ = [
    "MAX_NESTING",
    "MAX_QUERY_CHARS",
    "QUERY_FORMS",
    "SafeQuery",
    "check_query",
    "inline_bindings",
    "query_form",
]

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
MAX_QUERY_CHARS = 1_000_000
"""The longest query text accepted (one million characters)."""
MAX_NESTING = 100
"""The deepest nesting of ``(``, ``{`` and ``[`` accepted."""

_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKENS = re.compile(
    r"""
      (?P<comment>\#[^\r\n]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                 |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<word>[A-Za-z_][\w-]*(?::[^\s;,(){}\[\]]*)?)
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)
_OPEN, _CLOSE = "({[", ")}]"


@dataclass(frozen=True)
class SafeQuery:
    """A query that passed :func:`check_query`: the text an engine may run, and its form."""

    text: str
    form: str


@dataclass(frozen=True)
class _Token:
    kind: str
    value: str
    start: int
    depth: int  # bracket depth before the token


def check_query(text: str, *, allow_federation: bool = False) -> SafeQuery:
    """Check ``text`` and return what may run; refuse updates, and SERVICE and FROM unless allowed.

    Raises
    ------
    QueryError
        For an update, federation (unless ``allow_federation``), an oversized or overly nested
        query, or a text that is not a query at all.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text):,} characters long; the limit is {MAX_QUERY_CHARS:,}")
    expanded = _expand_escapes(text)
    tokens = _tokens(expanded)
    form = _form(tokens)
    if not allow_federation:
        _refuse_federation(tokens)
    return SafeQuery(expanded, form)


def query_form(text: str) -> str:
    """The form of a query (SELECT, ASK, CONSTRUCT, DESCRIBE), refusing updates.

    Examples
    --------
    >>> query_form("BASE <http://x/> PREFIX a: <http://y/> DESCRIBE a:b")
    'DESCRIBE'
    """
    return check_query(text, allow_federation=True).form


def inline_bindings(text: str, bindings: Mapping[str, Any] | None) -> str:
    """``text`` with ``bindings`` joined in as a ``VALUES`` block at the start of its WHERE group.

    Joined first, the values bind the variable in the whole pattern, as a substitution does.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> print(inline_bindings("SELECT ?x WHERE { ?x ag:unit ?y }", {"y": ox.Literal("5 > 4")}))
    SELECT ?x WHERE { VALUES ?y { "5 > 4" } ?x ag:unit ?y }
    >>> print(inline_bindings("CONSTRUCT { ?x ag:unit ?y } WHERE { ?x ag:measure ?y }", {"y": ox.Literal("a")}))
    CONSTRUCT { ?x ag:unit ?y } WHERE { VALUES ?y { "a" } ?x ag:measure ?y }
    """
    if not bindings:
        return text
    brace = _where_brace(_tokens(text), query_form(text))
    values = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in sorted(bindings.items()))
    return f"{text[: brace + 1]} {values}{text[brace + 1 :]}"


def _expand_escapes(text: str) -> str:
    """Expand SPARQL's codepoint escapes, as the grammar does before parsing; refuse nested ones."""

    def character(match: re.Match[str]) -> str:
        code = int(match[1] or match[2], 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError(f"{match[0]} is not a character")
        return chr(code)

    expanded = _ESCAPE.sub(character, text)
    if expanded != text and _ESCAPE.search(expanded):
        raise QueryError("an escape that spells another escape is refused: write the character itself")
    return expanded


def _tokens(text: str) -> list[_Token]:
    """Tokens of ``text`` with their offsets and bracket depth; comments and strings left out."""
    tokens = []
    depth = 0
    for match in _TOKENS.finditer(text):
        kind, value = match.lastgroup or "", match.group()
        if kind in ("comment", "string"):
            continue
        tokens.append(_Token(kind, value, match.start(), depth))
        if kind == "other" and value in _OPEN:
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(f"the query nests brackets more than {MAX_NESTING} deep; flatten it")
        elif kind == "other" and value in _CLOSE:
            depth = max(depth - 1, 0)
    return tokens


def _form(tokens: list[_Token]) -> str:
    words = [t.value for t in tokens if t.kind == "word"]
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


def _refuse_federation(tokens: list[_Token]) -> None:
    for index, token in enumerate(tokens):
        upper = token.value.upper() if token.kind == "word" else ""
        if upper == "SERVICE":
            raise QueryError(
                "SERVICE is refused: queries do not reach the network (use --allow-federation to permit it)"
            )
        if upper == "FROM":
            following = [t.value for t in tokens[index + 1 : index + 3] if t.kind in ("iri", "word")]
            target = next((v for v in following if v.upper() != "NAMED"), "")
            raise QueryError(
                f"FROM {target} is refused: the query runs on the aidgraph graph only and loads nothing else "
                "(use --allow-federation to permit it)"
            )


def _where_brace(tokens: list[_Token], form: str) -> int:
    """Offset of the ``{`` that opens the query's WHERE group (not a CONSTRUCT template)."""
    top = [t for t in tokens if t.depth == 0]
    for index, token in enumerate(top):
        if token.value == "{" and index and top[index - 1].value.upper() == "WHERE":
            return token.start
    braces = [t.start for t in top if t.value == "{"]
    position = 1 if form == "CONSTRUCT" else 0  # WHERE is optional: after a template, the next group
    if len(braces) <= position:
        raise QueryError("the query has no WHERE group to bind parameters in")
    return braces[position]
