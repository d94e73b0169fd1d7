"""What every page of the site shares: where a page lives, how it links, how values read, the shell.

Paths mirror the IRIs (``https://w3id.org/aidgraph/id/usaid`` → ``id/usaid.html``, sources under
``source/``), and every link is relative, so the folder works from ``file://``, a USB stick or
any static host. Pages are rendered by Jinja with autoescape on; data reach scripts only as
JSON in ``<script type="application/json">`` blocks (never executed), and scripts come from
``assets/`` under a Content-Security-Policy that allows nothing from elsewhere.

Examples
--------
>>> relative("id/usaid.html", "source/a.html")
'../source/a.html'
>>> relative("index.html", "id/usaid.html")
'id/usaid.html'
>>> readable_date("2018-12", "gYearMonth"), readable_date("2017-10-26", "date"), readable_date("2018", "gYear")
('December 2018', '26 October 2017', '2018')
>>> json_script({"a": "</script><b>"})
'{"a":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
"""

from __future__ import annotations

import json
import posixpath
from decimal import Decimal
from functools import cache
from typing import Any

from ontology.prefixes import AG_NS, AID_NS, SRC_NS, XSD_NS

__all__ = [
    "CSP",
    "class_path",
    "entity_path",
    "environment",
    "json_script",
    "page_path",
    "readable_date",
    "readable_number",
    "relative",
    "render",
    "render_fragment",
    "source_path",
]

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)
"""Scripts, styles and images from the site's own folder only: nothing is requested from elsewhere.

Inline styles stay allowed for Plotly and vis-network, which style their own elements; no inline
script runs, so a string that slipped past escaping could still not execute."""

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def entity_path(iri: str) -> str:
    """The page of an ``aid:`` entity: ``id/<id>.html``."""
    return f"id/{iri.removeprefix(AID_NS)}.html"


def source_path(iri: str) -> str:
    """The page of a source document: ``source/<id>.html``."""
    return f"source/{iri.removeprefix(SRC_NS)}.html"


def class_path(class_iri: str, page: int = 1) -> str:
    """The listing of a class's members, ``class/<Name>.html`` (``-2``, ``-3`` … when paged)."""
    name = class_iri.removeprefix(AG_NS).rsplit("/", 1)[-1].rsplit("#", 1)[-1] or "Thing"
    return f"class/{name}.html" if page == 1 else f"class/{name}-{page}.html"


def page_path(iri: str) -> str:
    """The page of an entity or a source."""
    return source_path(iri) if iri.startswith(SRC_NS) else entity_path(iri)


def relative(from_page: str, to: str) -> str:
    """The relative link from the page at ``from_page`` to ``to`` (both relative to the site root)."""
    return posixpath.relpath(to, posixpath.dirname(from_page) or ".")


def readable_date(text: str, precision: str) -> str:
    """A date at the precision it was stated: '2018', 'December 2018' or '26 October 2017'."""
    try:
        if precision == "gYearMonth":
            return f"{_MONTHS[int(text[5:7]) - 1]} {text[:4]}"
        if precision == "date":
            return f"{int(text[8:10])} {_MONTHS[int(text[5:7]) - 1]} {text[:4]}"
    except (ValueError, IndexError):
        pass
    return text


def readable_number(text: str) -> str:
    """A decimal with thousands separators, exactly as stored: '7,800,000,000', '183,018,138.2'."""
    try:
        return f"{Decimal(text):,}"
    except ArithmeticError:
        return text


def json_script(value: Any) -> str:
    """``value`` as JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&``."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def environment() -> Any:
    """The Jinja environment of the site's templates, with autoescape on."""
    from jinja2 import (
        Environment,
        PackageLoader,
        StrictUndefined,
        pass_context,
        select_autoescape,
    )

    env = Environment(
        loader=PackageLoader("graph.pages", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["CSP"] = CSP
    env.filters["json_script"] = json_script
    env.filters["value"] = pass_context(_value_html)
    env.filters["values"] = pass_context(_values_html)
    return env


def _value_html(context: Any, value: Any) -> Any:
    """One value as HTML, built here rather than in a template macro: pages have thousands."""
    from markupsafe import Markup, escape

    text = escape(value.text)
    title = f' title="{escape(value.title)}"' if value.title else ""
    if value.href:
        return Markup(f'<a href="{escape(context["root"] + value.href)}"{title}>{text}</a>')
    if value.datetime:
        return Markup(f'<time datetime="{escape(value.datetime)}">{text}</time>')
    if title:
        return Markup(f"<span{title}>{text}</span>")
    return text


def _values_html(context: Any, values: list[Any]) -> Any:
    """Values joined as a reader lists them: 'a', 'a and b', 'a, b and c'."""
    from markupsafe import Markup

    parts = [_value_html(context, v) for v in values]
    if len(parts) <= 1:
        return Markup("".join(parts))
    return Markup(", ").join(parts[:-1]) + Markup(" and ") + parts[-1]


def render(template: str, path: str, **context: Any) -> bytes:
    """The page at ``path`` (relative to the site root) from ``template``, as UTF-8 bytes.

    The template gets ``root`` (the way back to the site root, '' or '../'), ``link`` (a function
    from a root-relative path to a link from this page) and the ``value`` filter (a
    :class:`~graph.pages.site.entity.Value` as HTML: a link, a date or text, escaped).
    """
    root = "../" * path.count("/")
    page = environment().get_template(template).render(root=root, link=lambda to: root + to, path=path, **context)
    return page.encode("utf-8")


def render_fragment(template: str, **context: Any) -> str:
    """A piece of HTML from ``template`` (autoescaped), to place inside a page."""
    return environment().get_template(template).render(**context)


XSD_DATE_TYPES = {XSD_NS + name: name for name in ("date", "gYearMonth", "gYear")}
"""Datatypes of partial dates → their precision."""
