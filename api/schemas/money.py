"""Schemas of money moving inside a group: shares, social fund, loans, fines, counts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import Amount, AmountOut, Day, PositiveCount, RequestBody, Text, Written

EXAMPLE_MEMBER = "0b7f3c1e-2a4d-4e5f-8a9b-1c2d3e4f5a6b"
EXAMPLE_LOAN = "5d6e7f80-91a2-4b3c-8d4e-5f60718293a4"


def _example(**fields: Any) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [fields]})


class SharePurchaseIn(RequestBody):
    member_id: UUID
    shares: PositiveCount
    on: Day

    model_config = _example(member_id=EXAMPLE_MEMBER, shares=2, on="2026-03-02")


class ContributionIn(RequestBody):
    member_id: UUID
    amount: Amount
    on: Day

    model_config = _example(member_id=EXAMPLE_MEMBER, amount="500", on="2026-03-02")


class GrantIn(RequestBody):
    member_id: UUID
    amount: Amount
    reason: Text
    on: Day

    model_config = _example(member_id=EXAMPLE_MEMBER, amount="3000", reason="funeral",
                            on="2026-03-02")


class LoanIn(RequestBody):
    member_id: UUID
    principal: Amount
    term_months: PositiveCount
    on: Day

    model_config = _example(member_id=EXAMPLE_MEMBER, principal="10000", term_months=3,
                            on="2026-03-02")


class RepaymentIn(RequestBody):
    amount: Amount
    on: Day

    model_config = _example(amount="4000", on="2026-04-06")


class WriteOffIn(RequestBody):
    on: Day
    reason: Text

    model_config = _example(on="2026-09-07", reason="member left the district")


class FineIn(RequestBody):
    member_id: UUID
    amount: Amount
    reason: Text
    on: Day

    model_config = _example(member_id=EXAMPLE_MEMBER, amount="200", reason="late",
                            on="2026-03-02")


class EarningsIn(RequestBody):
    amount: Amount
    description: Text
    on: Day

    model_config = _example(amount="20000", description="egg sales", on="2026-03-02")


class CashCountIn(RequestBody):
    loan_fund_cash: Amount
    social_fund_cash: Amount
    on: Day

    model_config = _example(loan_fund_cash="54000", social_fund_cash="7500", on="2026-03-02")


class ReversalIn(RequestBody):
    event_id: UUID
    reason: Text
    on: Day

    model_config = _example(event_id="9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
                            reason="typed twice", on="2026-03-02")


class EntryRecorded(Written):
    id: UUID = Field(description="The event id: what a reversal or an auditor names.")
    member_id: UUID | None = None
    amount: AmountOut
    shares: int | None = None


class LoanDisbursedOut(Written):
    id: UUID = Field(description="The event id of the disbursement (for reversals).")
    loan_id: UUID = Field(description="The loan's id, for repayments and write-offs.")
    member_id: UUID
    principal: AmountOut
    service_charge: AmountOut
    amount_due: AmountOut
    term_months: int
    due_on: date


class RepaymentOut(Written):
    id: UUID
    loan_id: UUID
    amount: AmountOut
    charge_paid: AmountOut
    principal_paid: AmountOut
    outstanding: AmountOut


class WriteOffOut(Written):
    id: UUID
    loan_id: UUID
    amount: AmountOut


class CashCountOut(Written):
    id: UUID
    difference_loan_fund: AmountOut
    difference_social_fund: AmountOut


class ReversalOut(Written):
    id: UUID = Field(description="The event id of the reversal in this book.")
    reversed_event_id: UUID
    other_side_id: UUID | None = Field(
        description="For a group ↔ union transfer: the reversal in the other book.")


# --- meetings ---------------------------------------------------------------------------


class ShareEntry(RequestBody):
    type: Literal["share_purchase"]
    member_id: UUID
    shares: PositiveCount


class ContributionEntry(RequestBody):
    type: Literal["social_fund_contribution"]
    member_id: UUID
    amount: Amount


class GrantEntry(RequestBody):
    type: Literal["social_fund_grant"]
    member_id: UUID
    amount: Amount
    reason: Text


class LoanEntry(RequestBody):
    type: Literal["loan"]
    member_id: UUID
    principal: Amount
    term_months: PositiveCount


class RepaymentEntry(RequestBody):
    type: Literal["repayment"]
    loan_id: UUID
    amount: Amount


class FineEntry(RequestBody):
    type: Literal["fine"]
    member_id: UUID
    amount: Amount
    reason: Text


class WriteOffEntry(RequestBody):
    type: Literal["write_off"]
    loan_id: UUID
    reason: Text


MeetingEntryIn = Annotated[
    ShareEntry | ContributionEntry | GrantEntry | LoanEntry | RepaymentEntry | FineEntry
    | WriteOffEntry,
    Field(discriminator="type"),
]


class MeetingIn(RequestBody):
    """A whole meeting sheet: every entry is booked, dated `held_on`, or none is."""

    held_on: Day
    attendance: Annotated[list[UUID], Field(max_length=1000)]
    entries: Annotated[list[MeetingEntryIn], Field(max_length=500)]

    model_config = _example(
        held_on="2026-03-02", attendance=[EXAMPLE_MEMBER],
        entries=[
            {"type": "share_purchase", "member_id": EXAMPLE_MEMBER, "shares": 2},
            {"type": "social_fund_contribution", "member_id": EXAMPLE_MEMBER,
             "amount": "500"},
            {"type": "repayment", "loan_id": EXAMPLE_LOAN, "amount": "4000"},
        ],
    )


class MeetingResult(BaseModel):
    """What one entry booked; which fields are set depends on its type."""

    index: int
    type: str
    id: UUID = Field(description="The entry's event id.")
    member_id: UUID | None = None
    loan_id: UUID | None = None
    shares: int | None = None
    amount: AmountOut | None = None
    service_charge: AmountOut | None = None
    amount_due: AmountOut | None = None
    due_on: date | None = None
    charge_paid: AmountOut | None = None
    principal_paid: AmountOut | None = None


class MeetingRecordedOut(Written):
    id: UUID = Field(description="The event id of the meeting itself.")
    meeting_id: UUID
    held_on: date
    results: list[MeetingResult]
