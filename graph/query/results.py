"""Render query answers: an aligned table for people, W3C formats for programs, Turtle for graphs.

CSV, TSV and JSON are the W3C SPARQL 1.1 result formats, written by Oxigraph itself; the table
is for reading in a terminal (numbers right-aligned with thousands separators, long cells cut).

Examples
--------
>>> print(format_table(["name", "amount"], [["DFC", "1,000,000,000"], ["Mexico", "30,000,000,000"]], {1}))
name   |         amount
-------+---------------
DFC    |  1,000,000,000
Mexico | 30,000,000,000
(2 rows)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from graph.query.sparql import term_text
from ontology.prefixes import PREFIXES, XSD_NS

__all__ = ["RESULT_FORMATS", "Rendered", "format_table", "render"]

RESULT_FORMATS = ("table", "csv", "tsv", "json")
_W3C = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}
_NUMERIC = {XSD_NS + t for t in ("decimal", "integer", "double", "float", "long", "int")}
MAX_CELL = 80


@dataclass(frozen=True)
class Rendered:
    """A rendered answer and, for ASK, its truth value (which sets the exit code)."""

    data: bytes
    boolean: bool | None = None


def render(answer: Any, fmt: str = "table") -> Rendered:
    """Render an Oxigraph answer (solutions, boolean or triples) in ``fmt``."""
    if isinstance(answer, ox.QueryBoolean):
        value = bool(answer)
        data = answer.serialize(format=ox.QueryResultsFormat.JSON) if fmt == "json" else str(value).lower().encode()
        return Rendered(data.rstrip(b"\n") + b"\n", value)
    if isinstance(answer, ox.QuerySolutions):
        if fmt in _W3C:
            data = answer.serialize(format=_W3C[fmt])
            return Rendered(data if data.endswith(b"\n") else data + b"\n")
        variables = [v.value for v in answer.variables]
        rows = [[solution[v] for v in variables] for solution in answer]
        numeric = {i for i in range(len(variables)) if rows and all(_is_number(r[i]) for r in rows if r[i] is not None)}
        cells = [[_cell(term, i in numeric) for i, term in enumerate(row)] for row in rows]
        return Rendered((format_table(variables, cells, numeric) + "\n").encode())
    return Rendered(ox.serialize(answer, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"")


def format_table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    """An aligned text table with a header rule and a row count; columns in ``right`` align right."""
    right = right or set()
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
        return " | ".join(padded).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    count = f"({len(rows)} row{'s' * (len(rows) != 1)})"
    return "\n".join([line(header), rule, *(line(r) for r in rows), count])


def _is_number(term: Any) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC


def _cell(term: Any, numeric: bool) -> str:
    text = term_text(term)
    if numeric and text:
        try:
            number = Decimal(text)
        except InvalidOperation:
            return text
        return f"{number:,f}".rstrip("0").rstrip(".") if "." in text else f"{number:,}"
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"
