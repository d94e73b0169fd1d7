"""Parsing of the scalar values curators write: amounts, partial dates and durations.

Fact files are read with every scalar as text, so ``5.8 billion``, ``183018138.20`` and
``2019-02`` reach these functions exactly as written: no float rounding, no implicit dates.

Examples
--------
>>> parse_amount("$5.8 billion")
Decimal('5800000000')
>>> parse_amount("750-million")
Decimal('750000000')
>>> date_precision("2018-12")
'gYearMonth'
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

__all__ = [
    "ID_PATTERN",
    "MAX_AMOUNT",
    "canonical_decimal",
    "check_duration",
    "check_partial_date",
    "date_precision",
    "parse_amount",
    "plain_decimal",
]

ID_PATTERN = r"^[a-z0-9](?:[a-z0-9_-]{0,78}[a-z0-9])?$"
"""The syntax of an id: lower-case letters, digits, ``-`` and ``_``, at most 80 characters."""

MAX_AMOUNT = Decimal(10) ** 18
"""Amounts must stay below a quintillion: more is a typo, and engines lose precision beyond."""

_SCALES = {
    "": 1,
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
}
_AMOUNT = re.compile(
    r"""^(?:US)?\$?\s*
    (?P<number>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?
    (?:[\s-]*(?P<scale>thousand|million|billion|trillion))?$""",
    re.IGNORECASE | re.VERBOSE,
)
_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
_DURATION = re.compile(r"^P(?=\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?$")


def parse_amount(text: str) -> Decimal:
    """Read an amount written as a number or as the article writes it.

    Accepts digits with optional thousands separators and decimals, an optional ``$``/``US$``
    and a scale word (thousand, million, billion, trillion), joined by a space or a hyphen.

    Raises
    ------
    ValueError
        For anything else: negative numbers, exponents, NaN, words, or amounts of 10**18 or more.

    Examples
    --------
    >>> parse_amount("1,500,000")
    Decimal('1500000')
    >>> parse_amount("five")
    Traceback (most recent call last):
    ...
    ValueError: 'five' is not an amount: write digits with an optional scale, e.g. 5800000000, '5.8 billion' or '$750 million'
    """
    match = _AMOUNT.match(text.strip())
    if not match:
        raise ValueError(
            f"{text!r} is not an amount: write digits with an optional scale, "
            "e.g. 5800000000, '5.8 billion' or '$750 million'"
        )
    number = Decimal(match["number"].replace(",", "") + (match["fraction"] or ""))
    value = number * _SCALES[(match["scale"] or "").lower()]
    if value >= MAX_AMOUNT:
        raise ValueError(f"{text!r} is too large (amounts must be below 10**18)")
    return plain_decimal(value)


def plain_decimal(value: Decimal) -> Decimal:
    """``value`` without exponent or trailing zeros, for display and comparison.

    Examples
    --------
    >>> plain_decimal(Decimal("5.8E+9")), plain_decimal(Decimal("0.50"))
    (Decimal('5800000000'), Decimal('0.5'))
    """
    return Decimal(int(value)) if value == value.to_integral_value() else value.normalize()


def canonical_decimal(value: Decimal) -> str:
    """The canonical ``xsd:decimal`` text of ``value`` (XSD 1.1): no exponent, no needless zeros.

    This is the form Oxigraph stores, so every engine returns the same lexical form.

    Examples
    --------
    >>> canonical_decimal(Decimal("5.80E9"))
    '5800000000'
    >>> canonical_decimal(Decimal("183018138.20"))
    '183018138.2'
    """
    return format(plain_decimal(value), "f")


def check_partial_date(text: str) -> str:
    """Validate an ISO 8601 year, year-month or calendar date and return it unchanged.

    Raises
    ------
    ValueError
        When the text is not one of those forms or names a day that does not exist.

    Examples
    --------
    >>> check_partial_date("2019-02-30")
    Traceback (most recent call last):
    ...
    ValueError: '2019-02-30' is not a real date (day is out of range for month)
    """
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match["year"], match["month"], match["day"]
    try:
        datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError as err:
        raise ValueError(f"{text!r} is not a real date ({err})") from None
    return text.strip()


def date_precision(text: str) -> str:
    """The XSD datatype name for a partial date: ``gYear``, ``gYearMonth`` or ``date``."""
    return {4: "gYear", 7: "gYearMonth", 10: "date"}[len(text)]


def check_duration(text: str) -> str:
    """Validate an ISO 8601 duration of years, months, weeks or days ('P5Y', 'P6M').

    Examples
    --------
    >>> check_duration("P5Y")
    'P5Y'
    """
    if not _DURATION.match(text.strip()):
        raise ValueError(f"{text!r} is not a duration: write ISO 8601, e.g. P5Y for five years")
    return text.strip()
