"""Answers and how they are shown: one result type, one renderer for every command.

:class:`QueryResult` holds a whole answer — rows of RDF terms for SELECT, a truth value for ASK,
triples for CONSTRUCT and DESCRIBE — whichever engine gave it. Tables that are not SPARQL answers
(rankings, money totals) become a :class:`QueryResult` too (:meth:`QueryResult.from_records`), so
that every command prints through :func:`render`: an aligned table for people, and the W3C SPARQL
1.1 result formats or Turtle for programs. CSV of rows is written here, TSV and JSON by Oxigraph;
an answer that arrived as TSV text is written by Oxigraph from that text where the output is the
same (see :class:`QueryResult`). RDF 1.2 triple terms in an answer are refused in one line.

Examples
--------
>>> result = QueryResult.from_records(["name", "amount"], [("DFC", 1_000_000_000), ("Mexico", 30_000_000_000)])
>>> print(render(result, "table").decode(), end="")
name   |         amount
-------+---------------
DFC    |  1,000,000,000
Mexico | 30,000,000,000
(2 rows)
>>> print(render(result, "csv").decode(), end="")
name,amount
DFC,1000000000
Mexico,30000000000
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from graph.choices import RESULT_FORMATS, require
from graph.errors import QueryError
from graph.query.canonical import canonical_rows
from ontology.prefixes import PREFIXES, XSD_NS, compact

__all__ = ["MAX_CELL", "QueryResult", "python_value", "render", "term_text"]

MAX_CELL = 80
"""The widest cell of a table; longer text is cut with an ellipsis (CSV and JSON keep it whole)."""

_W3C = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}
_NUMERIC = {XSD_NS + t for t in ("decimal", "integer", "double", "float", "long", "int")}
_BOOLEAN = XSD_NS + "boolean"
_BOOLEAN_WRITTEN_LONG = f"^^<{_BOOLEAN}>".encode()
_NO_TRIPLE_TERMS = "the answer holds an RDF 1.2 triple term, which aidgraph does not print: select its parts (SUBJECT, PREDICATE, OBJECT)"
_TOO_LONG = "a row of the answer is longer than the 16 MB Oxigraph reads at once: select less of it (fewer parts in a GROUP_CONCAT, or SUBSTR)"
_BUFFER_LIMIT = "Reached the buffer maximal size"
"""How pyoxigraph's readers begin the MemoryError of their 16 MB limit."""
_TRIPLE_TERM = b"<<("
"""How TSV begins an RDF 1.2 triple term."""
_QUOTED = re.compile(rb'"((?:[^"\\]|\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[tbnrf"\'\\]))*)"(.*)', re.DOTALL)
"""A TSV cell that is a quoted string: its escaped text, then its language tag or datatype, if any."""
_ESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([tbnrf"\'\\]))')
"""One string escape of SPARQL's TSV (as in Turtle): ``\\t`` and the like, or a code point in hex."""
_UNESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
"""The characters Oxigraph's TSV writes escaped in a string, as it writes them (tests pin it)."""
_IRI_WITH_COMMA = re.compile(rb"<[^>]*,")
"""In TSV an IRI is ``<…>`` and holds no ``>``: this finds every IRI with a comma (and some text that only looks so)."""
_CSV_QUOTED = re.compile(r'[",\r\n]')
"""Characters that make a CSV field need quotes (RFC 4180)."""


class QueryResult:
    """The whole answer to a query: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE.

    A SELECT answer that comes from another process (a query run within :class:`Limits`) arrives
    as W3C TSV text (:meth:`from_tsv`). Its rows are made from the text when first asked for, and
    :func:`render` writes CSV, TSV and JSON from the text itself while it is still the whole
    answer and no cell needs rewriting: 100k rows of a listing are never 800k Python terms (0.6 s)
    on their way to the terminal.
    """

    def __init__(
        self,
        form: str,
        variables: list[str] | None = None,
        rows: list[list[Any]] | None = None,
        boolean: bool | None = None,
        triples: list[ox.Triple] | None = None,
    ) -> None:
        self.form = form
        self.variables = [] if variables is None else variables
        self._rows: list[list[Any]] | None = [] if rows is None else rows  # None: not read from the text yet
        self.boolean = boolean
        self.triples = [] if triples is None else triples
        self._text: _Text | None = None

    @property
    def rows(self) -> list[list[Any]]:
        """SELECT rows of RDF terms (None where a variable is unbound), in canonical form."""
        if self._rows is None:
            assert self._text is not None
            self._rows = self._text.rows()
        return self._rows

    @rows.setter
    def rows(self, rows: list[list[Any]]) -> None:
        self._rows = rows

    @property
    def tsv(self) -> bytes | None:
        """The rows as the engine wrote them in W3C TSV, when they came so (see :meth:`from_tsv`)."""
        return None if self._text is None else self._text.tsv

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, QueryResult):
            return NotImplemented
        return (self.form, self.variables, self.rows, self.boolean, self.triples) == (
            other.form, other.variables, other.rows, other.boolean, other.triples
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, like the rows it holds

    def __repr__(self) -> str:
        if self.form != "SELECT":
            return f"QueryResult({self.form!r}, boolean={self.boolean}, triples={len(self.triples)})"
        rows = "rows not read yet" if self._rows is None else f"rows={len(self._rows)}"
        return f"QueryResult({self.form!r}, variables={self.variables!r}, {rows})"

    @classmethod
    def from_tsv(cls, tsv: bytes, form: str, lists: Mapping[str, str] | None = None) -> QueryResult:
        """A SELECT answer from its W3C TSV text (``lists`` as in :meth:`from_answer`), rows made when asked for.

        Examples
        --------
        >>> result = QueryResult.from_tsv(b'?name\\t?n\\n"DFC"\\t1\\n', "SELECT")
        >>> result
        QueryResult('SELECT', variables=['name', 'n'], rows not read yet)
        >>> render(result, "csv")
        b'name,n\\r\\nDFC,1\\r\\n'
        >>> [[python_value(term) for term in row] for row in result.rows]
        [['DFC', 1]]
        """
        variables = [v.value for v in ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).variables]
        result = cls(form, list(variables))
        result._rows = None
        result._text = _Text(tsv, tuple(variables), tuple((lists or {}).get(v) for v in variables))
        return result

    def _printable_text(self, fmt: str) -> bytes | None:
        """The TSV text, if Oxigraph can write it in ``fmt`` exactly as :func:`render` writes the rows.

        Not once the rows are read (a caller may change them) or the columns renamed; not when a
        boolean needs rewriting (written ``1`` or ``0``, which TSV writes with its datatype where it
        writes ``true`` bare: see :func:`canonical_rows`); not with an RDF 1.2 triple term (the rows
        refuse those); and not for CSV with a comma in an IRI, which Oxigraph's CSV leaves unquoted.
        A list cell's parts are sorted in the text itself (:meth:`_Text.with_lists_sorted`).
        """
        text = self._text
        if text is None or self._rows is not None or tuple(self.variables) != text.variables:
            return None
        if _BOOLEAN_WRITTEN_LONG in text.tsv or _TRIPLE_TERM in text.tsv:
            return None
        if fmt == "csv" and _IRI_WITH_COMMA.search(text.tsv):
            return None
        return text.with_lists_sorted()  # None if a list cell is not a string

    @classmethod
    def from_answer(cls, answer: Any, form: str, lists: Mapping[str, str] | None = None) -> QueryResult:
        """Collect an Oxigraph answer (solutions, boolean, or triples) in canonical form.

        Booleans read ``true``/``false`` whatever the engine wrote, and the cells of the
        variables in ``lists`` (variable → separator, see :func:`graph.query.canonical.list_columns`)
        have their parts sorted, so every engine gives the same rows.
        """
        if isinstance(answer, ox.QueryBoolean):
            return cls(form, boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows = [list(solution) for solution in answer]
            canonical_rows(rows, [(lists or {}).get(v) for v in variables])
            return cls(form, variables, rows)
        return cls(form, triples=list(answer))

    @classmethod
    def from_records(cls, variables: Sequence[str], records: Iterable[Sequence[Any]]) -> QueryResult:
        """A table of Python values (str, int, Decimal, float, bool, None) as a SELECT answer."""
        return cls("SELECT", list(variables), [[_term(value) for value in record] for record in records])

    def records(self) -> list[dict[str, Any]]:
        """SELECT rows as dicts of plain Python values (see :func:`python_value`)."""
        return [{v: python_value(t) for v, t in zip(self.variables, row, strict=True)} for row in self.rows]

    def frame(self) -> Any:
        """SELECT rows as a pandas DataFrame (install the ``notebook`` extra for pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise QueryError("a DataFrame needs pandas: pip install 'aidgraph[notebook]'") from None
        return pd.DataFrame(self.records(), columns=self.variables)


@dataclass(frozen=True)
class _Text:
    """An answer's rows as the engine wrote them in W3C TSV, with what reading them needs."""

    tsv: bytes
    variables: tuple[str, ...]
    separators: tuple[str | None, ...]
    """Per column, the separator of a list column's parts (see :func:`canonical_rows`), else None."""

    def rows(self) -> list[list[Any]]:
        """The rows of terms, in canonical form."""
        with _oxigraph_reading():
            rows = [list(solution) for solution in ox.parse_query_results(self.tsv, format=ox.QueryResultsFormat.TSV)]
        canonical_rows(rows, list(self.separators))
        return rows

    def with_lists_sorted(self) -> bytes | None:
        """The text with each list cell's parts sorted, as :func:`canonical_rows` sorts them.

        A cell holds a separator only if it holds the separator as TSV writes it, so only those
        cells are read. A quoted one without a backslash holds its value as it is, and UTF-8 bytes
        sort as their code points do: its parts are sorted as bytes. One with escapes is read,
        sorted and written again as Oxigraph writes strings. At 100k pledges this takes 0.09 s
        for `pledge-kinds`, whose rows took 0.6 s to read. None (print the rows) if a cell with a
        separator is no string: GROUP_CONCAT makes strings, so only a hand-made list is not one.
        """
        try:
            lists = [(i, separator, _tsv_string(separator)) for i, separator in enumerate(self.separators) if separator]
        except UnicodeEncodeError:  # a lone surrogate, which no answer can hold
            return None
        if not lists:
            return self.tsv
        lines = self.tsv.split(b"\n")
        for n in range(1, len(lines)):
            cells = lines[n].split(b"\t")
            changed = False
            for i, separator, written in lists:
                if i < len(cells) and written in cells[i]:
                    cell = _sorted_cell(cells[i], separator, written)
                    if cell is None:
                        return None
                    cells[i] = cell
                    changed = True
            if changed:
                lines[n] = b"\t".join(cells)
        return b"\n".join(lines)


def _sorted_cell(cell: bytes, separator: str, written: bytes) -> bytes | None:
    """One TSV cell of a list column with its parts sorted, or None if it is no quoted string."""
    end = cell.find(b'"', 1) if cell.startswith(b'"') and b"\\" not in cell else -1
    if end > 0:
        return b'"' + written.join(sorted(cell[1:end].split(written))) + cell[end:]
    quoted = _QUOTED.fullmatch(cell)
    if quoted is None:
        return None
    text, rest = quoted.groups()
    try:
        parts = _ESCAPE.sub(_unescape, text.decode()).split(separator)
        return b'"' + _tsv_string(separator.join(sorted(parts))) + b'"' + rest
    except (ValueError, UnicodeEncodeError):  # a code point that is none, or a lone surrogate
        return None


def _unescape(escape: re.Match[str]) -> str:
    short, long, char = escape.groups()
    return chr(int(short or long, 16)) if char is None else _UNESCAPED[char]


def _tsv_string(text: str) -> bytes:
    """``text`` as Oxigraph's TSV writes it between the quotes of a string literal."""
    return text.translate(_ESCAPES).encode()


def render(result: QueryResult, fmt: str = "table") -> bytes:
    """``result`` as bytes in ``fmt``: table, csv, tsv or json; graphs are always Turtle.

    ASK answers print ``true`` or ``false`` (or the W3C JSON boolean document).
    """
    require(fmt, RESULT_FORMATS, what="result format", error=QueryError)
    text = result._printable_text(fmt) if fmt in _W3C else None
    if text is not None:
        with _oxigraph_reading():
            data = ox.parse_query_results(text, format=ox.QueryResultsFormat.TSV).serialize(format=_W3C[fmt])
        return data if data.endswith(b"\n") else data + b"\n"
    if result.boolean is not None:
        if fmt == "json":
            return (json.dumps({"head": {}, "boolean": result.boolean}, separators=(",", ":")) + "\n").encode()
        return b"true\n" if result.boolean else b"false\n"
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return ox.serialize(result.triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    if fmt == "table":
        return (_table(result) + "\n").encode()
    if fmt == "csv":
        return _csv(result)
    with _oxigraph_reading():
        data = ox.parse_query_results(_w3c_json(result), format=ox.QueryResultsFormat.JSON).serialize(format=_W3C[fmt])
    return data if data.endswith(b"\n") else data + b"\n"


@contextmanager
def _oxigraph_reading() -> Iterator[None]:
    """Oxigraph's readers of answers stop at 16 MB in one TSV row or JSON value, with MemoryError: one line instead.

    Only that limit is named so: a MemoryError with other words is the machine running out, and stays one.
    """
    try:
        yield
    except MemoryError as error:
        if not str(error).startswith(_BUFFER_LIMIT):
            raise
        raise QueryError(_TOO_LONG) from None


def term_text(term: Any) -> str:
    """A term as an analyst reads it: prefixed names for IRIs, the lexical form of literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        raise QueryError(_NO_TRIPLE_TERMS)
    return str(term.value)


def python_value(term: Any) -> Any:
    """A term as a Python value: Decimal, int, float, bool or str (IRIs as prefixed names).

    Examples
    --------
    >>> python_value(ox.Literal("5800000000", datatype=ox.NamedNode(XSD_NS + "decimal")))
    Decimal('5800000000')
    >>> python_value(ox.NamedNode("https://w3id.org/aidgraph/id/dfc"))
    'aid:dfc'
    """
    if not isinstance(term, ox.Literal):
        return term_text(term) if term is not None else None
    datatype = term.datatype.value
    if datatype == XSD_NS + "decimal":
        return Decimal(term.value)
    if datatype in (XSD_NS + "integer", XSD_NS + "long", XSD_NS + "int"):
        return int(term.value)
    if datatype in (XSD_NS + "double", XSD_NS + "float"):
        return float(term.value)
    if datatype == _BOOLEAN:
        return term.value in ("true", "1")
    return term.value


def _term(value: Any) -> Any:
    if value is None or isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, bool | int | float):
        return ox.Literal(value)
    if isinstance(value, Decimal):
        return ox.Literal(f"{value:f}", datatype=ox.NamedNode(XSD_NS + "decimal"))
    return ox.Literal(str(value))


def _csv(result: QueryResult) -> bytes:
    """The W3C SPARQL 1.1 CSV results of a SELECT answer: lexical forms, CRLF, RFC 4180 quoting.

    Written here rather than by Oxigraph because the rows are Python terms already: a round
    trip through Oxigraph's JSON reader cost seconds at 100k rows. IRIs are written whole, blank
    nodes as ``_:label``, unbound cells empty.
    """

    def field(term: Any) -> str:
        if term is None:
            return ""
        if isinstance(term, ox.Triple):
            raise QueryError(_NO_TRIPLE_TERMS)
        text = f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value
        if _CSV_QUOTED.search(text):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [",".join(result.variables)]
    lines += [",".join([field(term) for term in row]) for row in result.rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def _w3c_json(result: QueryResult) -> bytes:
    """The W3C JSON results document of a SELECT answer (read back by Oxigraph for TSV and JSON)."""

    def binding(term: Any) -> dict[str, str]:
        if isinstance(term, ox.NamedNode):
            return {"type": "uri", "value": term.value}
        if isinstance(term, ox.BlankNode):
            return {"type": "bnode", "value": term.value}
        if isinstance(term, ox.Triple):
            raise QueryError(_NO_TRIPLE_TERMS)
        entry = {"type": "literal", "value": term.value}
        if term.language:
            entry["xml:lang"] = term.language
            if term.direction:
                entry["its:dir"] = term.direction.value
        elif term.datatype.value != XSD_NS + "string":
            entry["datatype"] = term.datatype.value
        return entry

    bindings = [
        {v: binding(t) for v, t in zip(result.variables, row, strict=True) if t is not None} for row in result.rows
    ]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}).encode()


def _table(result: QueryResult) -> str:
    """An aligned text table with a header rule and a row count; numbers align right."""
    numeric = {
        i
        for i in range(len(result.variables))
        if result.rows and all(_is_number(r[i]) for r in result.rows if r[i] is not None)
    }
    cells = [[_cell(term, i in numeric) for i, term in enumerate(row)] for row in result.rows]
    header = result.variables
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]

    def line(values: list[str]) -> str:
        padded = (v.rjust(w) if i in numeric else v.ljust(w) for i, (v, w) in enumerate(zip(values, widths, strict=True)))
        return " | ".join(padded).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    count = f"({len(cells)} row{'s' * (len(cells) != 1)})"
    return "\n".join([line(header), rule, *(line(r) for r in cells), count])


def _is_number(term: Any) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC


def _cell(term: Any, numeric: bool) -> str:
    """One table cell: numbers with thousands separators, text on one line, escaped, cut at MAX_CELL."""
    from loaders.text import printable, shorten

    text = term_text(term)
    if numeric and text:
        try:
            number = Decimal(text)
        except InvalidOperation:
            return text
        if term.datatype.value in (XSD_NS + "double", XSD_NS + "float"):
            return f"{number:,.4f}" if abs(number) < 1000 else f"{number:,.0f}"
        return f"{number:,f}".rstrip("0").rstrip(".") if "." in text else f"{number:,}"
    return shorten(printable(" ".join(text.split())), MAX_CELL)
