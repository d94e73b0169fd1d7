"""Amounts, partial dates and durations are read exactly as curators write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loaders.values import (
    canonical_decimal,
    check_duration,
    check_partial_date,
    date_precision,
    parse_amount,
)
from tests.conftest import raises_exactly


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5800000000", "5800000000"),
        ("5.8 billion", "5800000000"),
        ("$5.8 billion", "5800000000"),
        ("$750-million", "750000000"),
        ("750 Million", "750000000"),
        ("US$1,500,000", "1500000"),
        ("183018138.20", "183018138.2"),
        ("1.7 million", "1700000"),
        ("30 thousand", "30000"),
    ],
)
def test_amounts_are_normalized_to_exact_decimals(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["-5", "NaN", "inf", "five", "1e400", "1,50", "5.8 zillion", "", "$"])
def test_error_bad_amounts(text: str) -> None:
    hint = "write digits with an optional scale, e.g. 5800000000, '5.8 billion' or '$750 million'"
    with raises_exactly(ValueError, f"{text!r} is not an amount: {hint}"):
        parse_amount(text)


def test_error_amount_too_large() -> None:
    with pytest.raises(ValueError, match="too large"):
        parse_amount("5 trillion trillion".replace(" trillion trillion", "000000 trillion"))


def test_canonical_decimal_is_xsd_canonical() -> None:
    assert canonical_decimal(Decimal("5.8E+9")) == "5800000000"
    assert canonical_decimal(Decimal("0.50")) == "0.5"


@pytest.mark.parametrize(("text", "precision"), [("2018", "gYear"), ("2018-12", "gYearMonth"), ("2017-10-26", "date")])
def test_partial_dates_keep_their_precision(text: str, precision: str) -> None:
    assert check_partial_date(text) == text
    assert date_precision(text) == precision


@pytest.mark.parametrize("text", ["2019-02-30", "2018-13", "18-12-01", "Dec 2018", "2018/12"])
def test_error_bad_dates(text: str) -> None:
    with pytest.raises(ValueError, match=r"not a (real )?date"):
        check_partial_date(text)


def test_durations() -> None:
    assert check_duration("P5Y") == "P5Y"
    assert check_duration("P6M") == "P6M"
    for bad in ["P", "5 years", "PT5H"]:
        with pytest.raises(ValueError, match="not a duration"):
            check_duration(bad)
