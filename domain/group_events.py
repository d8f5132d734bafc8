"""The events a Group records, and how each one changes the group's state.

Apply bodies only change state: every check lives in the command that records the event,
so history recorded under older rules always replays. Money events describe what they
moved as an `EntryRecord`; one function (`apply_entry`) turns a record into state changes,
with sign +1 when it happens and -1 when a reversal undoes it, so a reversal is by
construction the exact opposite of its original.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from domain.group_state import (
    Cycle,
    EntryRecord,
    ExitSettlement,
    Loan,
    Member,
    SharePayout,
    close_entries,
    close_loans,
    close_shares_by_day,
)
from domain.ledger import LedgerAggregate, event_id_text
from domain.money import Money

if TYPE_CHECKING:
    from domain.group import Group

INCOME_ACCOUNTS = ("4000", "4010", "4020")
EXPENSE_ACCOUNTS = ("5000", "5010", "5020")


def _bump(book: dict[str, Money], account: str, amount: Money) -> None:
    book[account] = book.get(account, Money.zero(amount.currency)) + amount


def _refresh_loan_status(loan: Loan) -> None:
    if loan.status in ("reversed", "settled"):
        return
    if not loan.outstanding.is_zero:
        loan.status = "open"
    elif loan.written_off.is_zero:
        loan.status = "repaid"
    else:
        loan.status = "written_off"


def apply_entry(group: Group, record: EntryRecord, sign: int) -> None:
    """Change the group's state by what `record` moved (sign -1 undoes it)."""
    amount = record.amount if sign > 0 else -record.amount
    kind = record.kind
    if kind == "share_purchase":
        group.loan_fund_cash += amount
        cycle = group.cycle_by_number(record.cycle_number or 0)
        member = record.member_id or ""
        cycle.shares[member] = cycle.shares.get(member, 0) + sign * record.shares
        day_key = f"{member}|{record.on.isoformat()}"
        cycle.shares_by_day[day_key] = cycle.shares_by_day.get(day_key, 0) + sign * record.shares
    elif kind == "social_fund_contribution" or kind == "relief_received":
        group.social_fund_cash += amount
    elif kind == "social_fund_grant":
        group.social_fund_cash -= amount
    elif kind == "loan_disbursed":
        _apply_disbursement(group, record, sign)
    elif kind == "loan_repaid":
        _apply_repayment(group, record, sign)
    elif kind == "loan_written_off":
        loan = group.loans[record.loan_id or ""]
        loan.written_off += amount
        _bump(group.expenses, "5000", amount)
        _refresh_loan_status(loan)
    elif kind in ("fine", "enterprise_earnings"):
        group.loan_fund_cash += amount
        _bump(group.income, "4010" if kind == "fine" else "4020", amount)
    elif kind in ("subscription", "sar_contribution"):
        group.loan_fund_cash -= amount
        _bump(group.expenses, "5020" if kind == "subscription" else "5010", amount)
        if kind == "sar_contribution":
            group.sar_standing += amount
    elif kind == "sye_deposit":
        group.loan_fund_cash -= amount
        group.sye_balance += amount
    elif kind == "sye_withdrawal":
        group.loan_fund_cash += amount
        group.sye_balance -= amount
    else:  # pragma: no cover - a record kind without a state rule is a programmer error
        raise ValueError(f"unknown entry kind {kind!r}")


def _apply_disbursement(group: Group, record: EntryRecord, sign: int) -> None:
    principal = record.principal or record.amount
    charge = record.charge or Money.zero(record.amount.currency)
    group.loan_fund_cash += -principal if sign > 0 else principal
    _bump(group.income, "4000", charge if sign > 0 else -charge)
    if sign < 0:
        group.loans[record.loan_id or ""].status = "reversed"


def _apply_repayment(group: Group, record: EntryRecord, sign: int) -> None:
    loan = group.loans[record.loan_id or ""]
    zero = Money.zero(record.amount.currency)
    charge = record.charge or zero
    principal = record.principal or zero
    group.loan_fund_cash += record.amount if sign > 0 else -record.amount
    loan.charge_paid += charge if sign > 0 else -charge
    loan.principal_paid += principal if sign > 0 else -principal
    _refresh_loan_status(loan)


class Registered(LedgerAggregate.Created):
    union_id: UUID
    name: str
    enterprise: str
    locality: str
    affiliated_on: date
    currency: str

    def apply(self, group: Group) -> None:
        group.fixed_events[str(self.event_id)] = "registration"


class MemberJoined(LedgerAggregate.Event):
    member_id: str
    name: str
    gender: str

    def apply(self, group: Group) -> None:
        group.members[self.member_id] = Member(self.member_id, self.name, self.gender, self.on)
        group.fixed_events[str(self.event_id)] = "member_joined"


class MemberExited(LedgerAggregate.Event):
    settlement: ExitSettlement
    loan_ids: list[str]

    def apply(self, group: Group) -> None:
        member_id = self.settlement.member_id
        group.members[member_id].exited_on = self.on
        group.fixed_events[str(self.event_id)] = "member_exit"
        cycle = group.open_cycle
        if cycle is not None:
            cycle.shares[member_id] = 0
        group.loan_fund_cash -= self.settlement.net
        for loan_id in self.loan_ids:
            group.loans[loan_id].status = "settled"
        group.touch(self.on)  # the settlement is cycle activity: a share-out cannot precede it


class CycleStarted(LedgerAggregate.Event):
    number: int
    share_value: Money
    min_shares: int
    max_shares: int
    social_fund_contribution: Money
    service_charge_rate_monthly: Decimal
    max_loan_multiple: Decimal
    max_term_months: int
    max_open_loans_per_member: int

    def apply(self, group: Group) -> None:
        group.fixed_events[str(self.event_id)] = "cycle_start"
        group.cycles.append(
            Cycle(
                number=self.number,
                started_on=self.on,
                share_value=self.share_value,
                min_shares=self.min_shares,
                max_shares=self.max_shares,
                social_fund_contribution=self.social_fund_contribution,
                service_charge_rate_monthly=self.service_charge_rate_monthly,
                max_loan_multiple=self.max_loan_multiple,
                max_term_months=self.max_term_months,
                max_open_loans_per_member=self.max_open_loans_per_member,
                latest_on=self.on,
            )
        )


class MeetingHeld(LedgerAggregate.Event):
    meeting_id: str
    attendance: list[str]

    def apply(self, group: Group) -> None:
        group.meetings[self.on.isoformat()] = self.meeting_id
        group.fixed_events[str(self.event_id)] = "meeting"
        group.touch(self.on)


class MoneyEvent(LedgerAggregate.Event):
    """An event that moves money: it knows its own entry record."""

    def record(self) -> EntryRecord:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def apply(self, group: Group) -> None:
        record = self.record()
        apply_entry(group, record, +1)
        event_id = event_id_text(self)
        group.entries[event_id] = record
        if record.transfer_id is not None:
            group.transfers[record.transfer_id] = event_id
        group.touch(self.on)


class SharesPurchased(MoneyEvent):
    member_id: str
    shares: int
    amount: Money
    cycle_number: int

    def record(self) -> EntryRecord:
        return EntryRecord(
            "share_purchase", self.on, self.amount, member_id=self.member_id,
            shares=self.shares, cycle_number=self.cycle_number,
        )


class SocialFundContributed(MoneyEvent):
    member_id: str
    amount: Money

    def record(self) -> EntryRecord:
        return EntryRecord("social_fund_contribution", self.on, self.amount, self.member_id)


class SocialFundGrantPaid(MoneyEvent):
    member_id: str
    amount: Money
    reason: str

    def record(self) -> EntryRecord:
        return EntryRecord("social_fund_grant", self.on, self.amount, self.member_id)


class LoanDisbursed(MoneyEvent):
    loan_id: str
    member_id: str
    principal: Money
    service_charge: Money
    term_months: int
    due_on: date
    cycle_number: int

    def record(self) -> EntryRecord:
        return EntryRecord(
            "loan_disbursed", self.on, self.principal + self.service_charge,
            member_id=self.member_id, loan_id=self.loan_id, charge=self.service_charge,
            principal=self.principal, cycle_number=self.cycle_number,
        )

    def apply(self, group: Group) -> None:
        zero = Money.zero(self.principal.currency)
        group.loans[self.loan_id] = Loan(
            loan_id=self.loan_id, member_id=self.member_id, cycle_number=self.cycle_number,
            principal=self.principal, service_charge=self.service_charge,
            term_months=self.term_months, disbursed_on=self.on, due_on=self.due_on,
            charge_paid=zero, principal_paid=zero, written_off=zero,
        )
        super().apply(group)


class LoanRepaid(MoneyEvent):
    loan_id: str
    member_id: str
    amount: Money
    charge_paid: Money
    principal_paid: Money

    def record(self) -> EntryRecord:
        return EntryRecord(
            "loan_repaid", self.on, self.amount, member_id=self.member_id,
            loan_id=self.loan_id, charge=self.charge_paid, principal=self.principal_paid,
        )


class LoanWrittenOff(MoneyEvent):
    loan_id: str
    member_id: str
    amount: Money
    reason: str

    def record(self) -> EntryRecord:
        return EntryRecord(
            "loan_written_off", self.on, self.amount, member_id=self.member_id,
            loan_id=self.loan_id,
        )


class FineCharged(MoneyEvent):
    """A fine charged to a member and paid into the loan fund at the meeting."""

    member_id: str
    amount: Money
    reason: str

    def record(self) -> EntryRecord:
        return EntryRecord("fine", self.on, self.amount, member_id=self.member_id)


class EnterpriseEarningsRecorded(MoneyEvent):
    amount: Money
    description: str

    def record(self) -> EntryRecord:
        return EntryRecord("enterprise_earnings", self.on, self.amount)


class SubscriptionPaid(MoneyEvent):
    period: str
    amount: Money
    transfer_id: str

    def record(self) -> EntryRecord:
        return EntryRecord(
            "subscription", self.on, self.amount, transfer_id=self.transfer_id,
            period=self.period,
        )


class SarContributed(MoneyEvent):
    amount: Money
    transfer_id: str

    def record(self) -> EntryRecord:
        return EntryRecord("sar_contribution", self.on, self.amount, transfer_id=self.transfer_id)


class SyeDeposited(MoneyEvent):
    amount: Money
    transfer_id: str

    def record(self) -> EntryRecord:
        return EntryRecord("sye_deposit", self.on, self.amount, transfer_id=self.transfer_id)


class SyeWithdrawn(MoneyEvent):
    amount: Money
    transfer_id: str

    def record(self) -> EntryRecord:
        return EntryRecord("sye_withdrawal", self.on, self.amount, transfer_id=self.transfer_id)


class ReliefPayoutReceived(MoneyEvent):
    hazard_id: str
    amount: Money
    transfer_id: str

    def record(self) -> EntryRecord:
        return EntryRecord(
            "relief_received", self.on, self.amount, transfer_id=self.transfer_id,
            hazard_id=self.hazard_id,
        )


class CashCounted(LedgerAggregate.Event):
    """A count of the boxes against the books. Differences are reported, not booked."""

    loan_fund_cash_counted: Money
    social_fund_cash_counted: Money
    difference_loan_fund: Money
    difference_social_fund: Money

    def apply(self, group: Group) -> None:
        group.fixed_events[str(self.event_id)] = "cash_count"
        group.touch(self.on)


class CycleSharedOut(LedgerAggregate.Event):
    cycle_number: int
    pool: Money
    total_shares: int
    value_per_share: Decimal
    share_value: Money
    payouts: list[SharePayout]
    carried_forward: Money
    book_savings: Money
    closed_income: dict[str, Money]
    closed_expenses: dict[str, Money]

    def apply(self, group: Group) -> None:
        cycle = group.cycle_by_number(self.cycle_number)
        cycle.closed_on = self.on
        group.fixed_events[str(self.event_id)] = "share_out"
        for loan in group.loans.values():
            if loan.cycle_number <= self.cycle_number and loan.status == "open":
                loan.status = "settled"
        group.loan_fund_cash = self.carried_forward
        group.retained_surplus = self.carried_forward + group.sye_balance
        group.income.clear()
        group.expenses.clear()
        group.last_shareout_on = self.on
        close_entries(group.entries, group.closed_entries, self.on)
        close_loans(group.loans, group.closed_loans, self.cycle_number)
        close_shares_by_day(cycle)


class EntryReversed(LedgerAggregate.Event):
    reversed_event_id: str
    reason: str
    reversed: EntryRecord

    def apply(self, group: Group) -> None:
        apply_entry(group, self.reversed, -1)
        group.entries[self.reversed_event_id].reversed_by = str(self.event_id)
        group.fixed_events[str(self.event_id)] = "reversal"
        group.touch(self.on)
