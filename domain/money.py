"""Money: an immutable amount in one ISO 4217 currency, never more precise than its minor unit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from domain.errors import CurrencyMismatch, InvalidAmount, UnknownCurrency

# Decimal places of each currency's minor unit (ISO 4217). The currencies of DESIGN.md
# come first; the rest are the ones an East/West African union or its donors may use.
MINOR_UNITS: dict[str, int] = {
    "UGX": 0, "KES": 2, "XOF": 0, "MGA": 0, "INR": 2, "EUR": 2, "CHF": 2, "USD": 2,
    "TZS": 2, "RWF": 0, "BIF": 0, "ETB": 2, "SSP": 2, "SOS": 2, "CDF": 2, "MWK": 2,
    "ZMW": 2, "MZN": 2, "GHS": 2, "NGN": 2, "XAF": 0, "GNF": 0, "KMF": 0, "DJF": 0,
    "SLE": 2, "LRD": 2, "GMD": 2, "SDG": 2, "ZAR": 2, "GBP": 2, "JPY": 0, "KRW": 0,
    "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3, "LYD": 3, "IQD": 3,
}

AMOUNT_DIGITS_MAX = 18  # no group or union handles more than 10^18 of any currency


def minor_unit(currency: str) -> int:
    """Decimal places allowed for `currency`; refuses a code it does not know."""
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise UnknownCurrency(f"unknown currency {currency!r}", currency=currency) from None


def quantum(currency: str) -> Decimal:
    """The smallest amount of `currency` (1, 0.01, 0.001)."""
    return Decimal(1).scaleb(-minor_unit(currency))


def parse_amount(value: object, currency: str) -> Decimal:
    """Turn client input (a string, int or Decimal; never a float) into an exact Decimal.

    Refuses floats, booleans, non-numbers, infinities and more decimals than the currency
    allows. The result is quantized to the minor unit.
    """
    if isinstance(value, bool | float):
        raise InvalidAmount(
            f"amount {value!r} must be a decimal string such as \"1250\", not a float",
            value=str(value),
        )
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidAmount(f"amount {value!r} is not a number", value=value) from None
    else:
        raise InvalidAmount(f"amount {value!r} is not a number", value=str(value))
    return _exact(number, currency)


# quantum() of each currency seen: every Money is checked against it, so it is computed once.
_QUANTA: dict[str, Decimal] = {}


def _exact(number: Decimal, currency: str) -> Decimal:
    step = _QUANTA.get(currency)
    if step is None:
        step = _QUANTA.setdefault(currency, quantum(currency))  # refuses unknown codes
    if not number.is_finite():
        raise InvalidAmount(f"amount {number} is not a finite number", value=str(number))
    if number.adjusted() >= AMOUNT_DIGITS_MAX:
        raise InvalidAmount(f"amount {number} is too large", value=str(number))
    exact = number.quantize(step)
    # Equal after quantizing exactly when no digit below the minor unit is set.
    if exact != number:
        places = minor_unit(currency)
        raise InvalidAmount(
            f"amount {number} has more than {places} decimal places allowed for {currency}",
            value=str(number),
            currency=currency,
        )
    return exact


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount of one currency. Arithmetic refuses to mix currencies."""

    amount: Decimal
    currency: str

    def __deepcopy__(self, memo: dict[int, object]) -> Money:
        # Immutable, like Decimal, so its deep copy is itself: the aggregate cache deep-copies
        # an aggregate for every command, and copying every amount, movement and record made
        # each transfer with a union of a thousand groups about ten times slower.
        return self

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or isinstance(self.amount, bool):
            raise InvalidAmount(
                f"Money needs a Decimal amount, got {type(self.amount).__name__}",
                value=str(self.amount),
            )
        object.__setattr__(self, "amount", _exact(self.amount, self.currency))

    # --- construction ------------------------------------------------------------------

    @classmethod
    def of(cls, value: object, currency: str) -> Money:
        """Money from client input: a decimal string, int or Decimal (never a float)."""
        return cls(parse_amount(value, currency), currency)

    @classmethod
    def positive(cls, value: object, currency: str) -> Money:
        """Like `of`, and refuses zero or negative amounts."""
        money = cls.of(value, currency)
        money.require_positive()
        return money

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def stored(cls, text: str, currency: str) -> Money:
        """Money read back from an event or snapshot, its amount as `str` wrote it.

        The same checks as the constructor, without its call overhead (a group's snapshot
        holds thousands of amounts, each decoded at every cold load): an amount that is
        not already exact in the currency goes through the constructor, which refuses it.
        """
        number = Decimal(text)
        step = _QUANTA.get(currency)
        if step is None or not number.is_finite() or number.adjusted() >= AMOUNT_DIGITS_MAX:
            return cls(number, currency)
        exact = number.quantize(step)
        if exact != number:
            return cls(number, currency)
        money = cls.__new__(cls)
        _set(money, "amount", exact)
        _set(money, "currency", currency)
        return money

    def require_positive(self) -> Money:
        if self.amount <= 0:
            raise InvalidAmount(
                f"amount must be positive, got {self}", value=str(self.amount)
            )
        return self

    # --- arithmetic --------------------------------------------------------------------

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"cannot combine {self.currency} with {other.currency}",
                left=self.currency,
                right=other.currency,
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def times(self, factor: int | Decimal, rounding: str = ROUND_HALF_UP) -> Money:
        """Multiply by an exact factor, rounding to the minor unit (half-up by default)."""
        if isinstance(factor, bool | float):
            raise TypeError("factor must be an int or a Decimal")
        product = (self.amount * Decimal(factor)).quantize(
            quantum(self.currency), rounding=rounding
        )
        return Money(product, self.currency)

    def divided_by(self, divisor: int | Decimal, rounding: str = ROUND_DOWN) -> Money:
        """Divide, rounding to the minor unit (down by default, as in a share-out)."""
        quotient = (self.amount / Decimal(divisor)).quantize(
            quantum(self.currency), rounding=rounding
        )
        return Money(quotient, self.currency)

    def min(self, other: Money) -> Money:
        return self if self <= other else other

    def max(self, other: Money) -> Money:
        return self if self >= other else other

    # --- comparison --------------------------------------------------------------------

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def to_json(self) -> str:
        """The amount as sent over JSON: a string with exactly the minor unit's decimals."""
        return str(self.amount)


_set = object.__setattr__
