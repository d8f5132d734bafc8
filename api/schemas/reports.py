"""Schemas of the books and reports: balances, statements, journals, indicators, arrears."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, RootModel

from api.schemas.common import AmountOut
from api.schemas.groups import Balances


class MemberBalance(BaseModel):
    member_id: UUID
    name: str | None
    savings: AmountOut
    loan_outstanding: AmountOut


class BalancesOut(BaseModel):
    group_id: UUID
    as_of: date | None
    currency: str
    balances: Balances
    members: list[MemberBalance]


class StatementLine(BaseModel):
    """A passbook line with the member's running savings and loan balances."""

    position: int
    on: date
    event_id: UUID
    kind: str
    description: str
    amount: AmountOut
    shares: int
    savings_balance: AmountOut
    loan_balance: AmountOut


class Posting(BaseModel):
    account: str
    sub_account: str | None
    debit: AmountOut
    credit: AmountOut


class JournalEntry(BaseModel):
    entry_id: UUID
    position: int
    on: date
    description: str
    event_id: UUID
    event_type: str
    actor: str
    postings: list[Posting]


class TrialBalanceLine(BaseModel):
    code: str
    name: str
    debit: AmountOut
    credit: AmountOut


class TrialBalance(BaseModel):
    book_id: UUID
    as_of: date | None
    currency: str
    accounts: list[TrialBalanceLine]
    total_debit: AmountOut
    total_credit: AmountOut


class IndicatorsOut(BaseModel):
    """SAVIX-style indicators of the current cycle; a ratio with a zero denominator is null.
    Ratios are decimal strings (0.2500 = 25 %), amounts are money strings."""

    model_config = ConfigDict(extra="allow")

    as_of: date
    currency: str
    members: int
    women_ratio: str | None
    attendance_rate: str | None
    drop_out_rate: str | None
    savings_this_cycle: AmountOut
    loans_outstanding_count: int
    loans_outstanding: AmountOut
    average_loan_size: str | None
    portfolio_at_risk_30: str | None
    loan_fund_utilisation: str | None
    write_off_ratio: str | None
    written_off: AmountOut
    surplus_this_cycle: AmountOut
    return_on_savings: str | None
    annualised_return_on_assets: str | None
    assets: AmountOut


class GroupIndicators(IndicatorsOut):
    group_id: UUID


class UnionIndicators(IndicatorsOut):
    """The union's groups pooled: Σ numerators ÷ Σ denominators."""

    union_id: UUID
    groups: int


class ArrearsLineOut(BaseModel):
    group_id: UUID
    period: str
    due_on: date
    owed: AmountOut
    paid: AmountOut
    unpaid: AmountOut


class Arrears(RootModel[list[ArrearsLineOut]]):
    """Every unpaid subscription period due before the as-of date, group by group."""
