"""Read-model amounts become the API's amount text exactly as `Money` writes it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidAmount
from domain.money import MINOR_UNITS, Money
from projections.codec import amount_text, minor, money


@given(st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1),
       st.sampled_from(sorted(MINOR_UNITS)))
def test_amount_text_is_the_text_of_the_money(units: int, currency: str) -> None:
    assert amount_text(units, currency) == money(units, currency).to_json()


def test_amount_text_of_edges() -> None:
    assert amount_text(0, "UGX") == "0"
    assert amount_text(0, "KES") == "0.00"
    assert amount_text(-5, "KES") == "-0.05"
    assert amount_text(-1000, "BHD") == "-1.000"
    assert amount_text(123456, "KES") == "1234.56"
    assert amount_text(-123456, "UGX") == "-123456"


def test_amount_text_of_a_decimal_column_or_a_huge_amount_goes_through_money() -> None:
    assert amount_text(Decimal(250), "KES") == "2.50"  # type: ignore[arg-type]
    with pytest.raises(InvalidAmount):
        amount_text(10**30, "UGX")


@given(st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1),
       st.sampled_from(sorted(MINOR_UNITS)))
def test_minor_is_the_count_of_minor_units(units: int, currency: str) -> None:
    # Whole-unit currencies take a shorter way; every currency gets the same count back.
    amount = Money(Decimal(units).scaleb(-MINOR_UNITS[currency]), currency)
    assert minor(amount) == units == int(amount.amount.scaleb(MINOR_UNITS[currency]))
    assert type(minor(amount)) is int
