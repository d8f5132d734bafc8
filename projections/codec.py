"""Conversions between domain values and read-model columns (minor units, ISO dates, JSON)."""

from __future__ import annotations

import functools
import json
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.canonical import canonical_value
from domain.money import AMOUNT_DIGITS_MAX, Money, minor_unit


@functools.lru_cache(maxsize=1 << 14)
def text(aggregate_id: UUID) -> str:
    """An aggregate's id as read-model text (the few thousand ids of a log, remembered:
    every row of a group carries its id)."""
    return str(aggregate_id)


def minor(money: Money) -> int:
    """An amount as an integer count of the currency's minor unit (exact)."""
    places = minor_unit(money.currency)
    # A whole-unit currency's amount is already that count: no scaled copy to make.
    return int(money.amount) if places == 0 else int(money.amount.scaleb(places))


def money(units: int, currency: str) -> Money:
    return Money(Decimal(units).scaleb(-minor_unit(currency)), currency)


FAST_UNITS_MAX = 10**AMOUNT_DIGITS_MAX


def amount_text(units: int, currency: str) -> str:
    """An amount as API clients receive it: a decimal string with the minor unit's places.

    The text `money(units, currency).to_json()` gives, written from the integer directly:
    a report carries hundreds of amounts (an entitlements answer, six per group), and
    making each a `Money` first was a tenth of such a request's CPU."""
    if type(units) is not int or not -FAST_UNITS_MAX < units < FAST_UNITS_MAX:
        return money(units, currency).to_json()  # and its refusal of too large an amount
    places = minor_unit(currency)
    if places == 0:
        return str(units)
    whole, part = divmod(-units if units < 0 else units, 10 ** places)
    return f"{'-' if units < 0 else ''}{whole}.{part:0{places}d}"


def iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def to_json(value: Any) -> str:
    """A domain value (dataclass, Money, list …) as canonical JSON text."""
    if is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in fields(value)}
    return json.dumps(canonical_value(value), sort_keys=True, separators=(",", ":"))
