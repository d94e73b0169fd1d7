"""The library of named queries: ``.rq`` files shipped in ``graph/queries`` with a comment header.

A header names the query and its parameters::

    # title: Pledges
    # description: Every pledge with donor, recipients, amount, date and the source that says so.
    # param: donor (id): only pledges by this actor, e.g. dfc
    # param: entity (id, required): the entity to explain

Parameter types say how a value is bound: ``id`` (an entity, ``aid:<id>``), ``source`` (a source
document, ``src:<id>``), ``text`` (a string literal) and ``date`` (``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``). Optional parameters left out leave their variable free, so the query answers
for every value.

A query may also ship a text for when a parameter is given: ``queries/bound/<query>.<param>.rq``
answers exactly the rows of ``<query>.rq`` with ``<param>`` bound, written so that the engine starts
from the bound value (``pledges`` lists every pledge fastest as a join of sub-SELECTs, which
Oxigraph evaluates in full even for one donor; its ``donor`` text takes 0.01 s at 100k pledges
where the whole listing's takes 2 s). ``tests/test_bound_queries.py`` proves each such text
equal to its query, value by value.

Examples
--------
>>> queries = named_queries()
>>> queries["pledges"].title
'Pledges'
>>> get_named("totals-by-doner")
Traceback (most recent call last):
...
graph.errors.QueryError: unknown named query 'totals-by-doner' (did you mean 'totals-by-donor'...?); ...
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from graph.errors import QueryError
from loaders.text import did_you_mean
from loaders.values import ID_PATTERN
from ontology.prefixes import AID_NS, SRC_NS, XSD_NS, compact

__all__ = ["NAMESPACES", "NamedQuery", "Parameter", "bind_parameters", "get_named", "named_queries", "parse_named_query", "with_bound_texts"]

_PARAM = re.compile(r"^(?P<name>\w+) \((?P<type>id|source|text|date)(?P<required>, required)?\): (?P<help>.+)$")
NAMESPACES = {"id": AID_NS, "source": SRC_NS}
"""Parameter type → the namespace its values are ids in."""
_ID = re.compile(ID_PATTERN)
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


@dataclass(frozen=True)
class Parameter:
    """A parameter of a named query: its variable name, type, whether it is required, and help."""

    name: str
    type: str
    required: bool
    help: str


@dataclass(frozen=True)
class NamedQuery:
    """A named query: its name (file stem), title, description, parameters and SPARQL text."""

    name: str
    title: str
    description: str
    text: str
    parameters: tuple[Parameter, ...] = field(default=())
    bound_texts: tuple[tuple[str, str], ...] = field(default=())
    """(parameter, text): the text to run instead of ``text`` when that parameter is given."""

    def text_for(self, bindings: Mapping[str, Any]) -> str:
        """The text to run with ``bindings``: the first bound text whose parameter is given, else ``text``.

        Examples
        --------
        >>> query = get_named("pledges")
        >>> query.text_for({}) == query.text, query.text_for({"donor": "aid:dfc"}) == query.text
        (True, False)
        """
        return next((text for name, text in self.bound_texts if name in bindings), self.text)


def parse_named_query(name: str, text: str) -> NamedQuery:
    """Read the header of a ``.rq`` file; every named query needs a title and a description."""
    header: dict[str, str] = {}
    parameters = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line.lstrip("# ").partition(": ")
        if key == "param":
            match = _PARAM.match(value.strip())
            if not match:
                raise QueryError(f"named query {name!r}: bad parameter line {line!r}")
            parameters.append(Parameter(match["name"], match["type"], bool(match["required"]), match["help"]))
        elif key in ("title", "description"):
            header[key] = value.strip()
    if "title" not in header or "description" not in header:
        raise QueryError(f"named query {name!r} needs '# title:' and '# description:' header lines")
    return NamedQuery(name, header["title"], header["description"], text, tuple(parameters))


@cache
def named_queries() -> dict[str, NamedQuery]:
    """Every named query shipped with the package, by name, with its bound texts."""
    folder = resources.files("graph.query").joinpath("queries")
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name.removesuffix(".rq")
            found[name] = parse_named_query(name, entry.read_text(encoding="utf-8"))
    bound = folder.joinpath("bound")
    texts = {entry.name.removesuffix(".rq"): entry.read_text(encoding="utf-8")
             for entry in bound.iterdir() if entry.name.endswith(".rq")} if bound.is_dir() else {}
    return with_bound_texts(found, texts)


def with_bound_texts(queries: dict[str, NamedQuery], texts: Mapping[str, str]) -> dict[str, NamedQuery]:
    """``queries`` with the bound texts named ``<query>.<param>`` attached; a stray name is an error.

    Examples
    --------
    >>> with_bound_texts(named_queries(), {"pledges.year": "SELECT * {}"})
    Traceback (most recent call last):
    ...
    graph.errors.QueryError: bound text 'pledges.year': named query 'pledges' has no parameter 'year'
    """
    attached = {name: list(query.bound_texts) for name, query in queries.items()}
    for key in sorted(texts):
        name, _, param = key.partition(".")
        if name not in queries:
            raise QueryError(f"bound text {key!r}: there is no named query {name!r}")
        if param not in {p.name for p in queries[name].parameters}:
            raise QueryError(f"bound text {key!r}: named query {name!r} has no parameter {param!r}")
        attached[name].append((param, texts[key]))
    return {name: replace(query, bound_texts=tuple(attached[name])) for name, query in queries.items()}


def get_named(name: str) -> NamedQuery:
    """The named query ``name``, or an error suggesting the closest names."""
    queries = named_queries()
    if name in queries:
        return queries[name]
    hint = did_you_mean(name, queries, n=3, cutoff=0.5)
    raise QueryError(f"unknown named query {name!r}{hint}; `aidgraph queries` lists them")


def bind_parameters(query: NamedQuery, values: dict[str, str]) -> dict[str, Any]:
    """Check ``values`` against the query's parameters and turn them into RDF terms.

    Raises
    ------
    QueryError
        For a missing required parameter, an unknown one, or a value of the wrong form.
    """
    import pyoxigraph as ox

    known = {p.name: p for p in query.parameters}
    for name in values:
        if name not in known:
            expected = ", ".join(known) or "none"
            raise QueryError(f"named query {query.name!r} has no parameter {name!r} (parameters: {expected})")
    bindings: dict[str, Any] = {}
    for param in query.parameters:
        value = values.get(param.name)
        if value is None:
            if param.required:
                raise QueryError(
                    f"named query {query.name!r} needs --param {param.name}=… ({param.type}: {param.help})"
                )
            continue
        if param.type in ("id", "source"):
            namespace = NAMESPACES[param.type]
            local = _local_name(value, namespace)
            if not _ID.fullmatch(local):
                raise QueryError(f"parameter {param.name}: {value!r} is not an id")
            bindings[param.name] = ox.NamedNode(namespace + local)
        elif param.type == "date":
            if not _DATE.fullmatch(value):
                raise QueryError(f"parameter {param.name}: {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
            datatype = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]
            bindings[param.name] = ox.Literal(value, datatype=ox.NamedNode(XSD_NS + datatype))
        else:
            bindings[param.name] = ox.Literal(value)
    return bindings


def _local_name(value: str, namespace: str) -> str:
    """An id as the user may write it: ``dfc``, ``aid:dfc`` or the full IRI."""
    for prefix in (namespace, compact(namespace + "x")[:-1]):
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value
