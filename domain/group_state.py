"""The state records a Group keeps: members, cycles, loans and reversible entries."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from domain.money import Money


@dataclass
class Member:
    member_id: str
    name: str
    gender: str
    joined_on: date
    exited_on: date | None = None

    @property
    def is_active(self) -> bool:
        return self.exited_on is None


@dataclass
class Cycle:
    """A savings cycle with its fixed rules; `shares` counts each member's shares in it."""

    number: int
    started_on: date
    share_value: Money
    min_shares: int
    max_shares: int
    social_fund_contribution: Money
    service_charge_rate_monthly: Decimal
    max_loan_multiple: Decimal
    max_term_months: int
    max_open_loans_per_member: int
    shares: dict[str, int] = field(default_factory=dict)
    shares_by_day: dict[str, int] = field(default_factory=dict)
    latest_on: date | None = None
    closed_on: date | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def total_shares(self) -> int:
        return sum(self.shares.values())

    def savings_of(self, member_id: str) -> Money:
        # Whole shares of an exact share value: exact, nothing to round.
        return Money(self.share_value.amount * self.shares.get(member_id, 0),
                     self.share_value.currency)


@dataclass
class Loan:
    """A member loan; the flat service charge is due with the principal."""

    loan_id: str
    member_id: str
    cycle_number: int
    principal: Money
    service_charge: Money
    term_months: int
    disbursed_on: date
    due_on: date
    charge_paid: Money
    principal_paid: Money
    written_off: Money
    status: str = "open"  # open | repaid | written_off | settled | reversed

    @property
    def amount_due(self) -> Money:
        return self.principal + self.service_charge

    @property
    def outstanding(self) -> Money:
        return Money(self.outstanding_amount, self.principal.currency)

    @property
    def outstanding_amount(self) -> Decimal:
        """`outstanding` as a bare Decimal, for sums over many loans (every amount of a
        loan is in its group's currency, so the terms need no currency check)."""
        return (self.principal.amount + self.service_charge.amount - self.charge_paid.amount
                - self.principal_paid.amount - self.written_off.amount)

    @property
    def charge_outstanding(self) -> Money:
        return self.service_charge - self.charge_paid


# What a group keeps of an entry of a closed cycle: its date and what reversed it, if
# anything (enough to refuse its reversal with the reason), as a JSON-ready pair.
ClosedEntry = list[str | None]


def close_entries(
    entries: dict[str, EntryRecord], closed: dict[str, ClosedEntry], shareout_on: date
) -> None:
    """Move the entries dated on or before a share-out out of the open cycle's records.

    A share-out closes its cycle: its entries can no longer be reversed (`reversal.py`),
    so the group keeps only their dates, and its state (every snapshot, every cold load)
    holds one cycle's records instead of its whole history's.
    """
    for event_id in [e for e, record in entries.items() if record.on <= shareout_on]:
        record = entries.pop(event_id)
        closed[event_id] = [record.on.isoformat(), record.reversed_by]


@dataclass
class EntryRecord:
    """What a reversible money event moved: enough to post it, and to post its opposite."""

    kind: str
    on: date
    amount: Money
    member_id: str | None = None
    loan_id: str | None = None
    shares: int = 0
    charge: Money | None = None
    principal: Money | None = None
    transfer_id: str | None = None
    hazard_id: str | None = None
    period: str | None = None
    cycle_number: int | None = None
    reversed_by: str | None = None


@dataclass
class SharePayout:
    """One member's line of a share-out."""

    member_id: str
    shares: int
    gross: Money
    loan_deducted: Money
    net: Money


@dataclass
class ExitSettlement:
    """What a member takes when leaving mid-cycle."""

    member_id: str
    shares: int
    savings: Money
    loan_deducted: Money
    net: Money


def add_months(start: date, months: int) -> date:
    """Calendar months later; the day is clamped to the end of a shorter month."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def flat_service_charge(principal: Money, rate_monthly: Decimal, term_months: int) -> Money:
    """charge = principal × monthly rate × term, half-up to the minor unit."""
    return principal.times(rate_monthly * term_months, rounding=ROUND_HALF_UP)


SNAPSHOT_TYPES: tuple[type, ...] = (Member, Cycle, Loan, EntryRecord, SharePayout, ExitSettlement)
