"""Run SHACL shapes as SPARQL on an Oxigraph store, with pySHACL's results and messages.

pySHACL validates 1.35 M triples in minutes and gigabytes; the same shapes written as SPARQL run
on the store the facts are already in, in seconds. This module translates the shapes file
generically (nothing here knows aidgraph's shapes) for the SHACL Core constraints on property
shapes: ``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:datatype``, ``sh:nodeKind``,
``sh:in``, ``sh:pattern``, ``sh:minLength``, ``sh:maxLength``,
``sh:min/maxInclusive``, ``sh:min/maxExclusive`` and ``sh:or`` of value constraints, with a
path that is one property or its inverse; and on node shapes, an ``sh:or`` whose branches ask
properties to be present (``sh:minCount 1``) or absent (``sh:maxCount 0``). A shape using
anything else is refused (:class:`UnsupportedShape`), never silently skipped.

Each value constraint has two halves: a SPARQL condition that is *strict* (a value it accepts
pySHACL accepts too) and an exact check in Python with pySHACL's own semantics (rdflib's
ill-typed literals, Python's ``re``), applied only to the few values SPARQL did not accept. So
the store does the bulk of the work and the answer is pySHACL's, value for value. Messages are
pySHACL's too: its default texts, built with its own ``stringify_node`` (imported only when
there is a violation to word).

Examples
--------
>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.load(b'<http://x/a> a <http://x/C> .', format=ox.RdfFormat.TURTLE)
>>> shapes = '''@prefix sh: <http://www.w3.org/ns/shacl#> .
... <http://x/S> sh:targetClass <http://x/C> ;
...     sh:property [ sh:path <http://x/p> ; sh:minCount 1 ] .'''
>>> [(str(v.focus), v.component) for v in validate(store, compile_shapes(shapes))]
[('<http://x/a>', 'minCount')]
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from loaders.errors import AidgraphError

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

__all__ = [
    "PropertyCheck",
    "UnsupportedShape",
    "Violation",
    "compile_shapes",
    "validate",
    "violation_message",
]

SH = "http://www.w3.org/ns/shacl#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_XSD = "http://www.w3.org/2001/XMLSchema#"

_VALUE_COMPONENTS = {
    "class",
    "datatype",
    "nodeKind",
    "in",
    "pattern",
    "minLength",
    "maxLength",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "or",
}
_IGNORED = {
    "path",
    "message",
    "name",
    "description",
    "order",
    "group",
    "flags",
    "severity",
}
_RANGE_OPERATORS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
"""Each range constraint and the comparison a value must pass."""
_NODE_SHAPE_KEYS = {
    "targetClass",
    "property",
    "or",
    "name",
    "description",
    "message",
    "severity",
}

_FAST_FORMS = {
    # Lexical forms rdflib certainly parses for a datatype: SPARQL accepts these without asking
    # Python; anything else of that datatype is checked with rdflib, exactly as pySHACL does.
    _XSD + "decimal": r"^[+-]?[0-9]+(\\.[0-9]+)?$",
    _XSD + "integer": r"^[+-]?[0-9]+$",
    _XSD + "boolean": r"^(true|false)$",
}
_NO_ILL_TYPED = {_XSD + "string", _XSD + "gYear", _XSD + "gYearMonth", _XSD + "anyURI"}
"""Datatypes for which pySHACL accepts every literal of that datatype (rdflib never calls them ill-typed)."""


class UnsupportedShape(AidgraphError):
    """The shapes use a SHACL feature this engine does not translate (use pySHACL instead)."""


@dataclass(frozen=True)
class Constraint:
    """One constraint of a property shape: its component name and its parameter(s)."""

    component: str
    parameter: Any
    """An rdflib term; for ``or`` and ``in`` the list node (its items are in ``items``)."""
    items: tuple[Any, ...] = ()
    branches: tuple[tuple[Constraint, ...], ...] = ()
    flags: str = ""


@dataclass
class PropertyCheck:
    """One property shape with the classes whose instances it applies to."""

    shape: Any
    """The property shape's node in the shapes graph (for messages)."""
    targets: tuple[str, ...]
    path: str
    constraints: list[Constraint] = field(default_factory=list)
    message: Any = None
    graph: Any = field(default=None, repr=False)
    """The rdflib shapes graph the shape comes from (pySHACL words messages with it)."""
    inverse: bool = False
    """The path is ``sh:inversePath`` of :attr:`path`: values point at the focus node."""

    @property
    def sparql_path(self) -> str:
        """The path in SPARQL: ``<p>``, or ``^<p>`` for an inverse path."""
        return f"^<{self.path}>" if self.inverse else f"<{self.path}>"

    @property
    def result_path(self) -> str | None:
        """The path a result names: the property, or None for an inverse path (as pySHACL gives it)."""
        return None if self.inverse else self.path


@dataclass
class PresenceCheck:
    """A node shape's ``sh:or`` of branches that each ask some properties to be present or absent.

    A branch is a list of (property IRI, present?) pairs: ``sh:minCount 1`` asks for a value,
    ``sh:maxCount 0`` for none. A focus node that satisfies no branch violates the shape.
    """

    shape: Any
    targets: tuple[str, ...]
    branches: tuple[tuple[tuple[str, bool], ...], ...]
    message: Any = None
    graph: Any = field(default=None, repr=False)
    path = None
    result_path = None


@dataclass(frozen=True)
class Violation:
    """One validation result: the focus node, the property path, the failed constraint and value."""

    focus: ox.NamedNode | ox.BlankNode
    path: str | None
    component: str
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None
    check: PropertyCheck = field(compare=False, hash=False)
    constraint: Constraint = field(compare=False, hash=False)


def compile_shapes(shapes: str | Graph) -> list[PropertyCheck]:
    """The property shapes of a shapes graph (Turtle text or an rdflib graph), ready to run.

    Raises
    ------
    UnsupportedShape
        For a node shape with constraints of its own, a target other than ``sh:targetClass``, a
        path that is not a single property, or a constraint this module does not translate.
    """
    from rdflib import Graph, URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import RDF

    graph = (
        shapes
        if isinstance(shapes, Graph)
        else Graph().parse(data=shapes, format="turtle")
    )

    def sh(local: str) -> URIRef:
        return URIRef(SH + local)

    checks: list[PropertyCheck] = []
    node_shapes = set(graph.subjects(sh("targetClass"), None)) | set(
        graph.subjects(RDF.type, sh("NodeShape"))
    )
    for node in sorted(node_shapes, key=str):
        for predicate in set(graph.predicates(node, None)) - {RDF.type}:
            local = str(predicate).removeprefix(SH)
            if str(predicate).startswith(SH) and local not in _NODE_SHAPE_KEYS:
                raise UnsupportedShape(
                    f"{node}: sh:{local} on a node shape is not translated to SPARQL"
                )
        targets = tuple(sorted(str(c) for c in graph.objects(node, sh("targetClass"))))
        for prop in sorted(
            graph.objects(node, sh("property")), key=lambda n: _shape_key(graph, n)
        ):
            path = graph.value(prop, sh("path"))
            inverse = graph.value(path, sh("inversePath")) if not isinstance(path, URIRef) else None
            if not isinstance(path, URIRef) and not isinstance(inverse, URIRef):
                raise UnsupportedShape(
                    f"{node}: only single-property paths and their inverses are translated to SPARQL"
                )
            check = PropertyCheck(
                prop,
                targets,
                str(inverse if inverse is not None else path),
                message=graph.value(prop, sh("message")),
                graph=graph,
                inverse=inverse is not None,
            )
            check.constraints = _constraints(graph, prop)
            if targets:
                checks.append(check)
        alternatives = graph.value(node, sh("or"))
        if alternatives is not None and targets:
            branches = tuple(_presence_branch(graph, node, branch) for branch in Collection(graph, alternatives))
            checks.append(PresenceCheck(node, targets, branches, graph.value(node, sh("message")), graph))
    return checks


def _presence_branch(graph: Graph, node: Node, branch: Node) -> tuple[tuple[str, bool], ...]:
    """One ``sh:or`` branch of a node shape as (property, present?) pairs, or UnsupportedShape."""
    from rdflib import URIRef

    pairs = []
    for predicate, prop in graph.predicate_objects(branch):
        if str(predicate) != SH + "property":
            raise UnsupportedShape(f"{node}: a node shape's sh:or branch may only hold sh:property")
        path = graph.value(prop, URIRef(SH + "path"))
        rules = {str(p).removeprefix(SH): int(o) for p, o in graph.predicate_objects(prop) if str(p) != SH + "path"}
        if not isinstance(path, URIRef) or rules not in ({"minCount": 1}, {"maxCount": 0}):
            raise UnsupportedShape(
                f"{node}: a node shape's sh:or is translated when each branch asks for presence "
                "(sh:minCount 1) or absence (sh:maxCount 0) of single properties"
            )
        pairs.append((str(path), "minCount" in rules))
    return tuple(sorted(pairs))


def _shape_key(graph: Graph, node: Node) -> str:
    return " ".join(sorted(f"{p} {o}" for p, o in graph.predicate_objects(node)))


def _constraints(graph: Graph, node: Node, *, nested: bool = False) -> list[Constraint]:
    from rdflib import Literal, URIRef

    found = []
    flags = graph.value(node, URIRef(SH + "flags"))
    for predicate, value in sorted(graph.predicate_objects(node)):
        name = str(predicate)
        if not name.startswith(SH):
            continue
        local = name.removeprefix(SH)
        if local in _IGNORED:
            continue
        if local in ("minCount", "maxCount") and not nested:
            found.append(Constraint(local, value))
        elif local in ("or", "in"):
            items = tuple(graph.items(value))
            if local == "or":
                branches = tuple(
                    tuple(_constraints(graph, item, nested=True)) for item in items
                )
                if any(
                    c.component in ("or", "minCount", "maxCount")
                    for b in branches
                    for c in b
                ):
                    raise UnsupportedShape(
                        f"{node}: sh:or branches may only hold value constraints"
                    )
                found.append(Constraint(local, value, items, branches))
            else:
                found.append(Constraint(local, value, items))
        elif local in _VALUE_COMPONENTS:
            flag_text = (
                str(flags) if isinstance(flags, Literal) and local == "pattern" else ""
            )
            found.append(Constraint(local, value, flags=flag_text))
        else:
            raise UnsupportedShape(
                f"sh:{local} is not translated to SPARQL (use --shacl-engine pyshacl)"
            )
    return found


# -- running --------------------------------------------------------------------------------


THREADS = 4
"""At most this many checks at once: each holds its query's intermediate results (a grouping of
every focus node), so more would cost memory on a large machine for little more speed."""


def validate(store: ox.Store, checks: Iterable[PropertyCheck | PresenceCheck]) -> list[Violation]:
    """Every violation of ``checks`` in ``store``, one per (focus node, constraint, value), in the checks' order.

    Each property shape costs at most two scans of its focus nodes: one counting values (for
    ``sh:minCount`` / ``sh:maxCount``), one testing every value constraint at once. The checks
    run in threads, one per core up to :data:`THREADS`: Oxigraph evaluates a query without
    holding Python's lock (at 100k pledges on 2 cores, 7.5 -> 5.4 s).
    """
    classes = _Classes(store)
    with ThreadPoolExecutor(min(THREADS, os.cpu_count() or 1)) as pool:
        found = list(pool.map(partial(_violations, store, classes), checks))
    return [violation for violations in found for violation in violations]


def _violations(store: ox.Store, classes: _Classes, check: PropertyCheck | PresenceCheck) -> list[Violation]:
    """The violations of one check."""
    if isinstance(check, PresenceCheck):
        return _presence(store, classes, check)
    counts = [c for c in check.constraints if c.component in ("minCount", "maxCount")]
    values = [c for c in check.constraints if c.component not in ("minCount", "maxCount")]
    return [
        *(_counts(store, classes, check, counts) if counts else []),
        *(_values(store, classes, check, values) if values else []),
    ]


class _Classes:
    """Each class with its subclasses, from the store's ``rdfs:subClassOf`` read once, before the checks run.

    Matching ``?x a ?c`` against a short list is much faster on Oxigraph than the property path
    ``rdf:type/rdfs:subClassOf*``, and means the same.
    """

    def __init__(self, store: ox.Store) -> None:
        self.subclasses: dict[str, list[str]] = {}
        for quad in store.quads_for_pattern(None, ox.NamedNode(_SUBCLASS), None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.NamedNode):
                self.subclasses.setdefault(quad.object.value, []).append(quad.subject.value)

    def below(self, classes: Iterable[str]) -> str:
        """The SPARQL terms of ``classes`` and all their subclasses, sorted."""
        found: set[str] = set()
        todo = list(classes)
        while todo:
            cls = todo.pop()
            if cls not in found:
                found.add(cls)
                todo.extend(self.subclasses.get(cls, ()))
        return " ".join(f"<{c}>" for c in sorted(found))


def _targets(classes: _Classes, check: PropertyCheck) -> str:
    """The focus nodes of a check: instances of its target classes or of their subclasses."""
    return f"VALUES ?target {{ {classes.below(check.targets)} }} ?f <{_RDF_TYPE}> ?target ."


def _counts(
    store: ox.Store, classes: _Classes, check: PropertyCheck, constraints: list[Constraint]
) -> list[Violation]:
    """Focus nodes with too few or too many values on the check's path."""
    bounds = {c.component: (int(c.parameter), c) for c in constraints}
    targets, path = _targets(classes, check), check.sparql_path
    if set(bounds) == {"minCount"} and bounds["minCount"][0] == 1:
        query = f"SELECT DISTINCT ?f WHERE {{ {targets} FILTER NOT EXISTS {{ ?f {path} ?v }} }}"
        return [
            Violation(row["f"], check.result_path, "minCount", None, check, bounds["minCount"][1])
            for row in store.query(query)
        ]
    tests = []
    if "minCount" in bounds:
        tests.append(f"?n < {bounds['minCount'][0]}")
    if "maxCount" in bounds:
        tests.append(f"?n > {bounds['maxCount'][0]}")
    if set(bounds) == {"maxCount"}:  # only nodes with values can have too many: start from the values
        inner = f"{{ SELECT ?f (COUNT(DISTINCT ?v) AS ?n) WHERE {{ ?f {path} ?v }} GROUP BY ?f }} {targets}"
    else:
        inner = f"{{ SELECT ?f (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {targets} OPTIONAL {{ ?f {path} ?v }} }} GROUP BY ?f }}"
    query = f"SELECT DISTINCT ?f ?n WHERE {{ {inner} FILTER({' || '.join(tests)}) }}"
    found = []
    for row in store.query(query):
        n = int(row["n"].value)
        for component, (bound, constraint) in sorted(bounds.items()):
            if (component == "minCount" and n < bound) or (component == "maxCount" and n > bound):
                found.append(Violation(row["f"], check.result_path, component, None, check, constraint))
    return found


def _presence(store: ox.Store, classes: _Classes, check: PresenceCheck) -> list[Violation]:
    """Focus nodes that satisfy no branch of a node shape's ``sh:or`` of presence tests."""

    def branch(pairs: tuple[tuple[str, bool], ...]) -> str:
        return " && ".join(f"{'' if present else '!'}EXISTS {{ ?f <{path}> ?v }}" for path, present in pairs)

    either = " || ".join(f"({branch(pairs)})" for pairs in check.branches)
    query = f"SELECT DISTINCT ?f WHERE {{ {_targets(classes, check)} FILTER(!({either})) }}"
    constraint = Constraint("or", None)
    return [Violation(row["f"], None, "or", row["f"], check, constraint) for row in store.query(query)]


def _values(
    store: ox.Store, classes: _Classes, check: PropertyCheck, constraints: list[Constraint]
) -> list[Violation]:
    """Values SPARQL does not accept, checked exactly in Python, then the focus nodes that hold them."""
    where = f"{_targets(classes, check)} ?f {check.sparql_path} ?v ."
    binds = " ".join(
        f"BIND(COALESCE({_strict(c, '?v', classes)}, false) AS ?ok{i})" for i, c in enumerate(constraints)
    )
    failed = " || ".join(f"!?ok{i}" for i in range(len(constraints)))
    distinct = f"{{ SELECT DISTINCT ?v WHERE {{ {where} }} }}"  # each value tested once, not once per holder
    query = f"SELECT ?v {' '.join(f'?ok{i}' for i in range(len(constraints)))} WHERE {{ {distinct} {binds} FILTER({failed}) }}"
    bad: dict[Any, list[Constraint]] = {}
    for row in store.query(query):
        for i, constraint in enumerate(constraints):
            if row[f"ok{i}"].value != "true" and not _exact(store, constraint, row["v"]):
                bad.setdefault(row["v"], []).append(constraint)
    if not bad:
        return []
    named = [v for v in bad if not isinstance(v, ox.BlankNode)]
    rows: list[Any] = []
    if named:
        values = " ".join(str(v) for v in named)
        rows += store.query(f"SELECT DISTINCT ?f ?v WHERE {{ VALUES ?v {{ {values} }} {where} }}")
    if len(named) < len(bad):
        rows += [r for r in store.query(f"SELECT DISTINCT ?f ?v WHERE {{ {where} FILTER(isBlank(?v)) }}") if r["v"] in bad]
    return [
        Violation(r["f"], check.result_path, c.component, r["v"], check, c) for r in rows for c in bad[r["v"]]
    ]


def _strict(constraint: Constraint, var: str, classes: _Classes) -> str:
    """A SPARQL condition on ``var`` that holds only for values pySHACL accepts (maybe not all of them)."""
    kind, param = constraint.component, constraint.parameter
    if kind == "class":
        return f"EXISTS {{ VALUES ?c {{ {classes.below([str(param)])} }} {var} <{_RDF_TYPE}> ?c }}"
    if kind == "datatype":
        dt = str(param)
        condition = f"(isLiteral({var}) && DATATYPE({var}) = <{dt}>)"
        if dt in _FAST_FORMS:
            return f"({condition} && REGEX(STR({var}), {_string(_FAST_FORMS[dt])}))"
        if dt == _XSD + "string":
            return f'({condition} && LANG({var}) = "")'
        return condition if dt in _NO_ILL_TYPED else "false"
    if kind == "or":
        return (
            "("
            + " || ".join(
                "(" + " && ".join(_strict(c, var, classes) for c in b) + ")"
                for b in constraint.branches
            )
            + ")"
        )
    if kind == "nodeKind":
        tests = {
            "IRI": "isIRI(?)",
            "BlankNode": "isBlank(?)",
            "Literal": "isLiteral(?)",
            "BlankNodeOrIRI": "(isBlank(?) || isIRI(?))",
            "BlankNodeOrLiteral": "(isBlank(?) || isLiteral(?))",
            "IRIOrLiteral": "(isIRI(?) || isLiteral(?))",
        }
        return tests[str(param).removeprefix(SH)].replace("?", var)
    if kind in ("minLength", "maxLength"):
        op = ">=" if kind == "minLength" else "<="
        return f"(!isBlank({var}) && STRLEN(STR({var})) {op} {int(param)})"
    if kind in _RANGE_OPERATORS:
        op = _RANGE_OPERATORS[kind]
        return f"(isLiteral({var}) && COALESCE({var} {op} {_term(param)}, false))"
    return "false"  # in, pattern: decided in Python on the distinct values


def _exact(store: ox.Store, constraint: Constraint, value: Any) -> bool:
    """Whether pySHACL accepts ``value`` for ``constraint`` (its own semantics, in Python)."""
    kind, param = constraint.component, constraint.parameter
    if kind == "or":
        return any(
            all(_exact(store, c, value) for c in branch)
            for branch in constraint.branches
        )
    if kind == "class":
        if isinstance(value, ox.Literal):
            return False
        return _has_class(store, value, str(param))
    if kind == "datatype":
        return _datatype_ok(_rdflib(value), param)
    if kind == "pattern":
        if isinstance(value, ox.BlankNode):
            return False
        return (
            re.search(str(param), value.value, _re_flags(constraint.flags)) is not None
        )
    if kind == "in":
        return _rdflib(value) in constraint.items
    if kind in _RANGE_OPERATORS:
        return _range_ok(kind, _rdflib(value), param)
    return False  # the strict SPARQL condition is exact for the other components


def _has_class(store: ox.Store, node: Any, cls: str) -> bool:
    """Whether ``node`` is an instance of ``cls`` or of a subclass (through the store's rdfs:subClassOf)."""
    seen: set[Any] = set()
    todo = [
        q.object for q in store.quads_for_pattern(node, ox.NamedNode(_RDF_TYPE), None)
    ]
    while todo:
        current = todo.pop()
        if isinstance(current, ox.NamedNode) and current.value == cls:
            return True
        if current not in seen:
            seen.add(current)
            todo += [
                q.object
                for q in store.quads_for_pattern(current, ox.NamedNode(_SUBCLASS), None)
            ]
    return False


def _datatype_ok(value: Any, datatype: Any) -> bool:
    """pySHACL's DatatypeConstraintComponent for one value (rdflib decides ill-typed literals)."""
    from datetime import date, datetime, time
    from decimal import Decimal

    from rdflib import Literal

    if not isinstance(value, Literal):
        return False
    dt = str(datatype)
    plain_string = (
        value.datatype is None and value.language is None and dt == _XSD + "string"
    )
    lang_string = (
        bool(value.language)
        and dt == "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
    )
    if value.datatype is not None and str(value.datatype) == dt:
        if getattr(value, "ill_typed", None) is True:
            return False
    elif not (plain_string or lang_string):
        rdfs = "http://www.w3.org/2000/01/rdf-schema#"
        return dt == rdfs + "Literal" or (dt == rdfs + "Datatype" and value.datatype is not None)
    kinds: dict[str, Any] = {
        _XSD + "string": (str, bytes),
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString": (str, bytes),
        _XSD + "integer": int,
        _XSD + "float": float,
        _XSD + "decimal": Decimal,
        _XSD + "boolean": bool,
        _XSD + "date": date,
        _XSD + "time": time,
        _XSD + "dateTime": datetime,
    }
    return dt not in kinds or isinstance(value.value, kinds[dt])


def _range_ok(kind: str, value: Any, bound: Any) -> bool:
    """pySHACL's value-range components for one value."""
    from pyshacl.rdfutil.compare import compare_literal
    from rdflib import Literal

    if not isinstance(value, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(value.value, str):
        return False
    try:
        cmp = compare_literal(value, bound)
    except (TypeError, NotImplementedError):
        return False
    return {
        "minInclusive": cmp >= 0,
        "maxInclusive": cmp <= 0,
        "minExclusive": cmp > 0,
        "maxExclusive": cmp < 0,
    }[kind]


def _re_flags(flags: str) -> int:
    table = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}
    result = 0
    for flag in flags:
        result |= table.get(flag, 0)
    return result


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _term(node: Any) -> str:
    """An rdflib term as SPARQL text."""
    from rdflib import Literal

    if isinstance(node, Literal):
        escaped = (
            str(node)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
        if node.language:
            return f'"{escaped}"@{node.language}'
        return f'"{escaped}"^^<{node.datatype or _XSD + "string"}>'
    return f"<{node}>"


def _rdflib(term: Any) -> Any:
    """A pyoxigraph term as the rdflib term pySHACL would see."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(
        term.value, datatype=None if datatype == _XSD + "string" else URIRef(datatype)
    )


# -- messages -------------------------------------------------------------------------------


def violation_message(violation: Violation, data_namespaces: Graph) -> str:
    """The result message pySHACL gives: the shape's ``sh:message``, else its default text.

    ``data_namespaces`` is a graph whose prefixes are those of the data graph pySHACL would see.
    """
    from pyshacl.rdfutil.stringify import stringify_node

    check, constraint = violation.check, violation.constraint
    if check.message is not None:
        return str(check.message)
    shapes = check.graph
    focus = stringify_node(data_namespaces, _rdflib(violation.focus))
    kind, param = constraint.component, constraint.parameter
    if kind in ("minCount", "maxCount"):
        word = "Less" if kind == "minCount" else "More"
        return f"{word} than {param.value} values on {focus}->{stringify_node(shapes, _uri(check.path))}"
    if kind == "class":
        return f"Value does not have class {stringify_node(shapes, param)}"
    if kind == "datatype":
        return f"Value is not Literal with datatype {stringify_node(shapes, param)}"
    if kind == "nodeKind":
        return f"Value is not of Node Kind {stringify_node(shapes, param)}"
    if kind in ("minLength", "maxLength"):
        op = ">=" if kind == "minLength" else "<="
        return f"String length not {op} {stringify_node(data_namespaces, param)}"
    if kind == "pattern":
        return f"Value does not match pattern '{param.value}'"
    if kind in _RANGE_OPERATORS:
        op = _RANGE_OPERATORS[kind]
        return f"Value is not {op} {stringify_node(shapes, param)}"
    value = stringify_node(data_namespaces, _rdflib(violation.value))
    if kind == "in":
        members: set[Any] = (
            set()
        )  # pySHACL words the list from a set built in list order: so do we
        for item in constraint.items:
            members.add(item)
        return (
            f"Value {value} not in list {[stringify_node(shapes, i) for i in members]}"
        )
    options = " , ".join(stringify_node(shapes, item) for item in constraint.items)
    return f"Node {value} must conform to one or more shapes in {options}"


def _uri(iri: str) -> Any:
    from rdflib import URIRef

    return URIRef(iri)
