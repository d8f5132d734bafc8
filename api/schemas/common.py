"""Field types shared by every schema: money as strings, ISO dates, bounded text, pages."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    StringConstraints,
)

T = TypeVar("T")

# Money is a JSON string: digits, optionally a point and decimals. How many decimals the
# currency allows is checked against the book's currency (more: 422 invalid_amount).
MONEY_PATTERN = r"^[0-9]{1,18}(\.[0-9]{1,6})?$"
DECIMAL_PATTERN = re.compile(r"[0-9]{1,6}(\.[0-9]{1,8})?")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Amount = Annotated[str, StringConstraints(pattern=MONEY_PATTERN), Field(
    description="An amount as a decimal string (never a JSON number): \"1250\" (UGX), "
    "\"12.50\" (KES).", examples=["1250"])]
AmountOut = Annotated[str, Field(description="An amount as a decimal string.",
                                 examples=["1250"])]


def _iso_date(value: object) -> object:
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return value
    if isinstance(value, date):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


def _decimal_text(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError("must be a decimal string such as \"0.10\" (not a JSON number)")
    text = str(value)
    if not DECIMAL_PATTERN.fullmatch(text):
        raise ValueError("must be a decimal string such as \"0.10\"")
    return Decimal(text)


# Business dates are bounded: the rules add months, grace days and whole periods to them,
# which at the ends of Python's date range (years 1 and 9999) would leave the calendar.
DAY_MIN, DAY_MAX = date(1900, 1, 1), date(2999, 12, 31)
Day = Annotated[date, BeforeValidator(_iso_date), Field(
    ge=DAY_MIN, le=DAY_MAX, examples=["2026-03-02"],
    description="A business date YYYY-MM-DD, from 1900-01-01 to 2999-12-31.")]
DecimalText = Annotated[Decimal, BeforeValidator(_decimal_text),
                        PlainSerializer(str, return_type=str), Field(examples=["0.10"])]
# No NUL character: PostgreSQL text cannot hold one, so a name with it would be booked and
# then stop the read models at that event (tests/reliability/test_bad_input.py).
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=NO_NUL)]
Count = Annotated[StrictInt, Field(ge=0, le=1_000_000)]
PositiveCount = Annotated[StrictInt, Field(ge=1, le=1_000_000)]
Flag = StrictBool


class RequestBody(BaseModel):
    """Every request body: unknown fields are refused, so a typo is never ignored."""

    model_config = ConfigDict(extra="forbid")


class Written(BaseModel):
    """Every write's answer carries the log position its events reached."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    position: int = Field(default=0, description="The global log position of the write's "
                          "last event; pass it as ?min_position= to read your writes.")


class Page(BaseModel, Generic[T]):
    """One page of a list; pass `next` as ?cursor= for the following page."""

    items: list[T]
    next: str | None = Field(description="Opaque cursor of the next page; null on the last.")


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document (media type application/problem+json)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(examples=["insufficient_loan_fund"])
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


def money_text(value: Any) -> str:
    """A read model's or a domain value's amount as a string (Money, dict or text)."""
    amount = getattr(value, "amount", None)
    if amount is not None:
        return str(amount)
    if isinstance(value, dict):
        return str(value["amount"])
    return str(value)


PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": description,
             "content": {"application/problem+json": {}}}
    for status, description in (
        (401, "No or unknown API key"), (403, "The key's role may not do this"),
        (404, "Unknown id, or an id outside the key's union"),
        (422, "Invalid request (code validation_error, or a domain rule it breaks)"),
    )
}
WRITE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **PROBLEMS,
    409: {"model": Problem, "content": {"application/problem+json": {}},
          "description": "Conflicts with the current state, or idempotency_key_reused"},
    413: {"model": Problem, "content": {"application/problem+json": {}},
          "description": "Request body too large"},
}
READ_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **PROBLEMS,
    503: {"model": Problem, "content": {"application/problem+json": {}},
          "description": "Read models not yet at ?min_position= (see Retry-After)"},
}
