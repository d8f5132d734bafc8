"""Money: exact amounts of one currency, never floats, never finer than the minor unit."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.money import Money, minor_unit, parse_amount, quantum

# --- accepted input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("1250", "UGX", Decimal("1250")),
        (" 1250 ", "UGX", Decimal("1250")),
        (1250, "UGX", Decimal("1250")),
        (Decimal("1250"), "UGX", Decimal("1250")),
        ("12.50", "KES", Decimal("12.50")),
        ("12.5", "KES", Decimal("12.50")),
        (12, "KES", Decimal("12.00")),
        ("1.500", "KES", Decimal("1.50")),  # trailing zeros are not extra precision
        ("1.000", "UGX", Decimal("1")),
        ("1.234", "BHD", Decimal("1.234")),
        ("999999999999999999", "UGX", Decimal("999999999999999999")),  # 18 digits: the most
    ],
)
def test_accepts_exact_amounts_and_quantizes_to_the_minor_unit(
    value: object, currency: str, expected: Decimal
) -> None:
    money = Money.of(value, currency)
    assert money.amount == expected
    assert money.amount.as_tuple().exponent == -minor_unit(currency)
    assert money.currency == currency


def test_the_minor_units_of_the_design_currencies() -> None:
    expected = {"UGX": 0, "KES": 2, "XOF": 0, "MGA": 0, "INR": 2, "EUR": 2, "CHF": 2, "USD": 2}
    assert {code: minor_unit(code) for code in expected} == expected
    assert quantum("KES") == Decimal("0.01")
    assert quantum("UGX") == Decimal("1")
    assert quantum("BHD") == Decimal("0.001")


# --- refused input --------------------------------------------------------------------


@pytest.mark.parametrize("value", [12.5, 0.1, 1e3, float("nan"), float("inf"), True, False])
def test_refuses_floats_and_booleans(value: object) -> None:
    with pytest.raises(DomainError) as caught:
        Money.of(value, "KES")
    assert caught.value.code == "invalid_amount"


def test_a_float_refusal_says_to_send_a_decimal_string() -> None:
    with pytest.raises(DomainError) as caught:
        Money.of(12.5, "KES")
    assert "not a float" in caught.value.message


@pytest.mark.parametrize(
    "value", ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", "", "  ", "12,50", "abc",
              "1.2.3", None, [], b"12"],
)
def test_refuses_what_is_not_a_finite_number(value: object) -> None:
    with pytest.raises(DomainError) as caught:
        Money.of(value, "KES")
    assert caught.value.code == "invalid_amount"


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_the_constructor_refuses_non_finite_decimals(value: Decimal) -> None:
    with pytest.raises(DomainError) as caught:
        Money(value, "KES")
    assert caught.value.code == "invalid_amount"


@pytest.mark.parametrize(
    ("value", "currency", "places"),
    [
        ("1.005", "KES", "2"),
        ("0.001", "KES", "2"),
        ("12345678901234567.891", "KES", "2"),
        ("1.5", "UGX", "0"),
        ("0.1", "UGX", "0"),
        ("1999.99", "UGX", "0"),
        ("1.0001", "BHD", "3"),
    ],
)
def test_refuses_more_decimals_than_the_currency_allows(
    value: str, currency: str, places: str
) -> None:
    with pytest.raises(DomainError) as caught:
        Money.of(value, currency)
    assert caught.value.code == "invalid_amount"
    assert f"more than {places} decimal places" in caught.value.message
    assert currency in caught.value.message


def test_the_constructor_refuses_excess_decimals_too() -> None:
    with pytest.raises(DomainError) as caught:
        Money(Decimal("10.001"), "KES")
    assert caught.value.code == "invalid_amount"


@pytest.mark.parametrize(
    "value", ["1000000000000000000", "1e18", "1E+30", "-1e40", str(10**40)],
)
def test_refuses_huge_amounts(value: str) -> None:
    with pytest.raises(DomainError) as caught:
        Money.of(value, "UGX")
    assert caught.value.code == "invalid_amount"
    assert "too large" in caught.value.message


@pytest.mark.parametrize(
    "value", ["123456789012345678901234567890.123", "1234567890123456789.5", "9" * 40 + ".99"],
)
def test_refuses_huge_amounts_with_decimals(value: str) -> None:
    # checked for size before decimals: quantizing 30 digits would overflow the context
    with pytest.raises(DomainError) as caught:
        Money.of(value, "KES")
    assert caught.value.code == "invalid_amount"
    assert "too large" in caught.value.message


def test_the_constructor_refuses_ints_and_floats() -> None:
    for value in (12, 12.5):
        with pytest.raises(DomainError) as caught:
            Money(value, "KES")  # type: ignore[arg-type]
        assert caught.value.code == "invalid_amount"


def test_refuses_an_unknown_currency() -> None:
    with pytest.raises(DomainError) as caught:
        Money.of("10", "XYZ")
    assert caught.value.code == "unknown_currency"
    assert "XYZ" in caught.value.message


@pytest.mark.parametrize("value", ["0", "0.00", "-0", "-1", "-0.01"])
def test_positive_refuses_zero_and_negative(value: str) -> None:
    with pytest.raises(DomainError) as caught:
        Money.positive(value, "KES")
    assert caught.value.code == "invalid_amount"
    assert "positive" in caught.value.message


def test_positive_accepts_the_smallest_unit() -> None:
    assert Money.positive("0.01", "KES").amount == Decimal("0.01")
    assert Money.positive("1", "UGX").amount == Decimal("1")


def test_parse_amount_is_the_same_as_money_of() -> None:
    assert parse_amount("7.1", "KES") == Money.of("7.1", "KES").amount == Decimal("7.10")


# --- mixed currencies ----------------------------------------------------------------


def test_arithmetic_and_comparison_refuse_mixed_currencies() -> None:
    shillings, dollars = Money.of("10", "KES"), Money.of("10", "USD")
    operations: list[Callable[[], object]] = [
        lambda: shillings + dollars, lambda: shillings - dollars,
        lambda: shillings < dollars, lambda: shillings <= dollars,
        lambda: shillings > dollars, lambda: shillings >= dollars,
        lambda: shillings.min(dollars), lambda: shillings.max(dollars),
    ]
    for operation in operations:
        with pytest.raises(DomainError) as caught:
            operation()
        assert caught.value.code == "currency_mismatch"
        assert "KES" in caught.value.message and "USD" in caught.value.message


def test_money_does_not_combine_with_bare_numbers() -> None:
    with pytest.raises(TypeError):
        Money.of("10", "KES") + Decimal("1")  # type: ignore[operator]


def test_equal_amounts_of_different_currencies_are_not_equal() -> None:
    assert Money.of("10", "KES") != Money.of("10", "USD")
    assert Money.of("10", "KES") == Money.of("10.00", "KES")


# --- arithmetic and quantization ------------------------------------------------------


def test_addition_subtraction_and_negation() -> None:
    a, b = Money.of("10.25", "KES"), Money.of("0.75", "KES")
    assert a + b == Money.of("11", "KES")
    assert a - b == Money.of("9.50", "KES")
    assert -a == Money.of("-10.25", "KES")
    assert (b - a).is_negative
    assert (a - a).is_zero


def test_times_rounds_half_up_to_the_minor_unit() -> None:
    # 0.05 × 0.5 = 0.025: half-up gives 0.03 (banker's rounding would give 0.02)
    assert Money.of("0.05", "KES").times(Decimal("0.5")) == Money.of("0.03", "KES")
    assert Money.of("0.05", "KES").times(Decimal("0.5"), ROUND_HALF_EVEN) == Money.of(
        "0.02", "KES"
    )
    # 10.10 × 0.05 = 0.505 → 0.51
    assert Money.of("10.10", "KES").times(Decimal("0.05")) == Money.of("0.51", "KES")
    # UGX has no minor unit: 2500 × 0.0002 = 0.5 → 1
    assert Money.of("2500", "UGX").times(Decimal("0.0002")) == Money.of("1", "UGX")
    assert Money.of("2000", "UGX").times(3) == Money.of("6000", "UGX")


def test_times_refuses_a_float_factor() -> None:
    with pytest.raises(TypeError):
        Money.of("1", "KES").times(0.5)  # type: ignore[arg-type]


def test_divided_by_rounds_down_as_a_share_out_does() -> None:
    assert Money.of("100", "KES").divided_by(3) == Money.of("33.33", "KES")
    assert Money.of("0.02", "KES").divided_by(3) == Money.of("0", "KES")
    assert Money.of("100", "UGX").divided_by(3) == Money.of("33", "UGX")
    assert Money.of("200", "UGX").divided_by(3) == Money.of("66", "UGX")


def test_min_max_and_ordering() -> None:
    small, large = Money.of("1.00", "KES"), Money.of("2.00", "KES")
    assert small.min(large) is small and small.max(large) is large
    assert small < large <= large and large > small >= small
    assert sorted([large, small]) == [small, large]


def test_text_forms() -> None:
    assert str(Money.of("12.5", "KES")) == "12.50 KES"
    assert Money.of("12.5", "KES").to_json() == "12.50"
    assert Money.of("7", "UGX").to_json() == "7"


def test_money_is_immutable() -> None:
    money = Money.of("1", "KES")
    with pytest.raises(dataclasses.FrozenInstanceError):
        money.amount = Decimal(2)  # type: ignore[misc]


cents = st.integers(min_value=-(10**15), max_value=10**15)


@given(cents, cents)
def test_sums_of_shillings_are_exact(a: int, b: int) -> None:
    x, y = Money(Decimal(a).scaleb(-2), "KES"), Money(Decimal(b).scaleb(-2), "KES")
    assert (x + y).amount == Decimal(a + b).scaleb(-2)
    assert (x + y) - y == x
    assert Money.of(x.to_json(), "KES") == x


@given(cents, st.integers(min_value=1, max_value=1000))
def test_a_division_never_gives_out_more_than_it_divides(a: int, divisor: int) -> None:
    total = Money(Decimal(abs(a)).scaleb(-2), "KES")
    part = total.divided_by(divisor)
    assert part.times(divisor) <= total
    assert total - part.times(divisor) < Money.of("0.01", "KES").times(divisor)
