"""Schemas of groups, their members and their savings cycles."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import (
    Amount,
    AmountOut,
    Day,
    DecimalText,
    PositiveCount,
    RequestBody,
    Text,
    Written,
    money_text,
)

Gender = Literal["female", "male", "other"]


class GroupIn(RequestBody):
    name: Text
    enterprise: Text
    locality: Text
    affiliated_on: Day

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "Tusubira", "enterprise": "poultry", "locality": "Gulu",
        "affiliated_on": "2026-01-05"}]})


class GroupCreated(Written):
    id: UUID
    union_id: UUID
    name: str
    enterprise: str
    locality: str
    affiliated_on: date
    currency: str


class Balances(BaseModel):
    loan_fund_cash: AmountOut
    social_fund_cash: AmountOut
    loans_outstanding: AmountOut
    member_savings: AmountOut
    surplus: AmountOut
    sar_standing: AmountOut
    sye_balance: AmountOut


class CycleOut(BaseModel):
    number: int
    started_on: date
    closed_on: date | None
    share_value: AmountOut
    min_shares: int
    max_shares: int
    social_fund_contribution: AmountOut
    service_charge_rate_monthly: str
    max_loan_multiple: str
    max_term_months: int
    max_open_loans_per_member: int

    @classmethod
    def of(cls, cycle: dict[str, Any] | None) -> CycleOut | None:
        """From the read model's canonical JSON (money as {amount, currency})."""
        if not cycle:
            return None
        money_fields = ("share_value", "social_fund_contribution")
        return cls.model_validate(
            {k: money_text(v) if k in money_fields else v for k, v in cycle.items()})


class GroupOut(BaseModel):
    id: UUID
    union_id: UUID
    name: str
    enterprise: str
    locality: str
    affiliated_on: date
    currency: str
    members_count: int
    women_count: int
    cycle: CycleOut | None
    balances: Balances

    @classmethod
    def of(cls, record: dict[str, Any]) -> GroupOut:
        return cls.model_validate({**record, "cycle": CycleOut.of(record.get("cycle"))})


class MemberIn(RequestBody):
    name: Text
    gender: Gender
    joined_on: Day

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "Akello Grace", "gender": "female", "joined_on": "2026-01-05"}]})


class MemberCreated(Written):
    id: UUID
    group_id: UUID
    name: str
    gender: str
    joined_on: date


class MemberOut(BaseModel):
    id: UUID
    name: str
    gender: str
    joined_on: date
    exited_on: date | None
    shares: int
    savings: AmountOut
    loan_outstanding: AmountOut


class OnIn(RequestBody):
    on: Day


class Settlement(BaseModel):
    member_id: UUID
    shares: int
    savings: AmountOut
    loan_deducted: AmountOut
    net: AmountOut


class MemberExited(Written):
    id: UUID = Field(description="The event id of the exit.")
    settlement: Settlement


class CycleIn(RequestBody):
    started_on: Day
    share_value: Amount
    min_shares: PositiveCount
    max_shares: PositiveCount
    social_fund_contribution: Amount
    service_charge_rate_monthly: DecimalText
    max_loan_multiple: DecimalText
    max_term_months: PositiveCount
    max_open_loans_per_member: Annotated[PositiveCount, Field(le=5)] = 1

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "started_on": "2026-01-05", "share_value": "2000", "min_shares": 1, "max_shares": 5,
        "social_fund_contribution": "500", "service_charge_rate_monthly": "0.10",
        "max_loan_multiple": "3", "max_term_months": 3}]})


class CycleStarted(Written):
    id: UUID = Field(description="The event id of the cycle start.")
    number: int
    started_on: date
    share_value: AmountOut
    min_shares: int
    max_shares: int
    social_fund_contribution: AmountOut
    service_charge_rate_monthly: str
    max_loan_multiple: str
    max_term_months: int
    max_open_loans_per_member: int


class SharePayoutOut(BaseModel):
    member_id: UUID
    shares: int
    gross: AmountOut
    loan_deducted: AmountOut
    net: AmountOut


class SharedOut(Written):
    id: UUID = Field(description="The event id of the share-out.")
    cycle_number: int
    value_per_share: str
    pool: AmountOut
    carried_forward: AmountOut
    payouts: list[SharePayoutOut]
