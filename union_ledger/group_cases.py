"""Use cases inside one group: members, cycles, meetings, shares, loans, fines, share-out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain import errors
from domain import group_events as ev
from domain.group import Group
from domain.ledger import Meta
from domain.money import Money
from union_ledger.core import Decision, LedgerCore, Outcome, T

Amount = str | Decimal | int
MEETING_ENTRIES_MAX = 500


@dataclass(frozen=True)
class CycleRules:
    share_value: Amount
    min_shares: int
    max_shares: int
    social_fund_contribution: Amount
    service_charge_rate_monthly: Decimal
    max_loan_multiple: Decimal
    max_term_months: int
    max_open_loans_per_member: int = 1


@dataclass(frozen=True)
class MeetingEntry:
    """One line of a meeting sheet; which fields matter depends on `type`."""

    type: str
    member_id: str | None = None
    shares: int | None = None
    amount: Amount | None = None
    principal: Amount | None = None
    term_months: int | None = None
    loan_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class MeetingRecorded:
    meeting: ev.MeetingHeld
    results: list[ev.MoneyEvent]


class GroupCases(LedgerCore):
    """Commands on a single Group aggregate: each is one save."""

    def _on_group(
        self, group_id: UUID, command: Callable[[Group], T]
    ) -> Outcome[T]:
        def decide() -> Decision[T]:
            group = self.load_group(group_id)
            return command(group), [group]

        return self.run(decide)

    def join_member(
        self, group_id: UUID, *, name: str, gender: str, joined_on: date, meta: Meta
    ) -> Outcome[ev.MemberJoined]:
        return self._on_group(group_id, lambda g: g.join_member(
            name=name, gender=gender, joined_on=joined_on, meta=meta, today=self.today()))

    def exit_member(
        self, group_id: UUID, member_id: str, *, on: date, meta: Meta
    ) -> Outcome[ev.MemberExited]:
        return self._on_group(group_id, lambda g: g.exit_member(
            member_id, on=on, meta=meta, today=self.today()))

    def start_cycle(
        self, group_id: UUID, rules: CycleRules, *, started_on: date, meta: Meta
    ) -> Outcome[ev.CycleStarted]:
        def command(g: Group) -> ev.CycleStarted:
            return g.start_cycle(
                started_on=started_on, share_value=Money.of(rules.share_value, g.currency),
                min_shares=rules.min_shares, max_shares=rules.max_shares,
                social_fund_contribution=Money.of(rules.social_fund_contribution, g.currency),
                service_charge_rate_monthly=rules.service_charge_rate_monthly,
                max_loan_multiple=rules.max_loan_multiple,
                max_term_months=rules.max_term_months,
                max_open_loans_per_member=rules.max_open_loans_per_member,
                meta=meta, today=self.today(),
            )

        return self._on_group(group_id, command)

    def buy_shares(
        self, group_id: UUID, member_id: str, shares: int, *, on: date, meta: Meta
    ) -> Outcome[ev.SharesPurchased]:
        return self._on_group(group_id, lambda g: g.buy_shares(
            member_id, shares, on=on, meta=meta, today=self.today()))

    def contribute_social_fund(
        self, group_id: UUID, member_id: str, amount: Amount, *, on: date, meta: Meta
    ) -> Outcome[ev.SocialFundContributed]:
        return self._on_group(group_id, lambda g: g.contribute_social_fund(
            member_id, Money.of(amount, g.currency), on=on, meta=meta, today=self.today()))

    def pay_social_fund_grant(
        self, group_id: UUID, member_id: str, amount: Amount, reason: str, *, on: date,
        meta: Meta,
    ) -> Outcome[ev.SocialFundGrantPaid]:
        return self._on_group(group_id, lambda g: g.pay_social_fund_grant(
            member_id, Money.of(amount, g.currency), reason, on=on, meta=meta,
            today=self.today()))

    def disburse_loan(
        self, group_id: UUID, member_id: str, principal: Amount, term_months: int, *,
        on: date, meta: Meta,
    ) -> Outcome[ev.LoanDisbursed]:
        return self._on_group(group_id, lambda g: g.disburse_loan(
            member_id, Money.of(principal, g.currency), term_months, on=on, meta=meta,
            today=self.today()))

    def repay_loan(
        self, group_id: UUID, loan_id: str, amount: Amount, *, on: date, meta: Meta
    ) -> Outcome[tuple[ev.LoanRepaid, Money]]:
        def command(g: Group) -> tuple[ev.LoanRepaid, Money]:
            event = g.repay_loan(loan_id, Money.of(amount, g.currency), on=on, meta=meta,
                                 today=self.today())
            return event, g.loans[loan_id].outstanding

        return self._on_group(group_id, command)

    def write_off_loan(
        self, group_id: UUID, loan_id: str, reason: str, *, on: date, meta: Meta
    ) -> Outcome[ev.LoanWrittenOff]:
        return self._on_group(group_id, lambda g: g.write_off_loan(
            loan_id, reason, on=on, meta=meta, today=self.today()))

    def charge_fine(
        self, group_id: UUID, member_id: str, amount: Amount, reason: str, *, on: date,
        meta: Meta,
    ) -> Outcome[ev.FineCharged]:
        return self._on_group(group_id, lambda g: g.charge_fine(
            member_id, Money.of(amount, g.currency), reason, on=on, meta=meta,
            today=self.today()))

    def record_enterprise_earnings(
        self, group_id: UUID, amount: Amount, description: str, *, on: date, meta: Meta
    ) -> Outcome[ev.EnterpriseEarningsRecorded]:
        return self._on_group(group_id, lambda g: g.record_enterprise_earnings(
            Money.of(amount, g.currency), description, on=on, meta=meta, today=self.today()))

    def count_cash(
        self, group_id: UUID, loan_fund_cash: Amount, social_fund_cash: Amount, *, on: date,
        meta: Meta,
    ) -> Outcome[ev.CashCounted]:
        return self._on_group(group_id, lambda g: g.count_cash(
            Money.of(loan_fund_cash, g.currency), Money.of(social_fund_cash, g.currency),
            on=on, meta=meta, today=self.today()))

    def share_out(self, group_id: UUID, *, on: date, meta: Meta) -> Outcome[ev.CycleSharedOut]:
        return self._on_group(group_id, lambda g: g.share_out(
            on=on, meta=meta, today=self.today()))

    def record_meeting(
        self, group_id: UUID, *, held_on: date, attendance: list[str],
        entries: list[MeetingEntry], meta: Meta,
    ) -> Outcome[MeetingRecorded]:
        """A whole meeting sheet in one save: every entry is booked, or none is.

        A refused entry raises its own error, with `entry_index` (0-based) and the entry
        type added to its details and message.
        """
        if len(entries) > MEETING_ENTRIES_MAX:
            raise errors.InvalidInput(
                f"a meeting may carry at most {MEETING_ENTRIES_MAX} entries, got {len(entries)}"
            )

        def command(g: Group) -> MeetingRecorded:
            today = self.today()
            meeting = g.hold_meeting(held_on=held_on, attendance=attendance, meta=meta,
                                     today=today)
            results = []
            for index, entry in enumerate(entries):
                try:
                    results.append(_apply_entry(g, entry, held_on, meta, today))
                except errors.DomainError as error:
                    error.details["entry_index"] = index
                    error.details["entry_type"] = entry.type
                    error.message = f"entry {index} ({entry.type}): {error.message}"
                    error.args = (error.message,)
                    raise
            return MeetingRecorded(meeting, results)

        return self._on_group(group_id, command)


def _need(value: T | None, field: str, entry_type: str) -> T:
    if value is None:
        raise errors.InvalidInput(f"a {entry_type} entry needs {field}", field=field)
    return value


ENTRY_TYPES = (
    "share_purchase", "social_fund_contribution", "social_fund_grant", "loan", "repayment",
    "fine", "write_off",
)


def _apply_entry(
    g: Group, e: MeetingEntry, on: date, meta: Meta, today: date
) -> ev.MoneyEvent:
    """Book one meeting-sheet line on the group, dated the meeting's date."""
    t = e.type

    def money(value: Amount | None, field: str) -> Money:
        return Money.of(_need(value, field, t), g.currency)

    def member() -> str:
        return _need(e.member_id, "member_id", t)

    if t == "share_purchase":
        return g.buy_shares(member(), _need(e.shares, "shares", t), on=on, meta=meta,
                            today=today)
    if t == "social_fund_contribution":
        return g.contribute_social_fund(member(), money(e.amount, "amount"), on=on, meta=meta,
                                        today=today)
    if t == "social_fund_grant":
        return g.pay_social_fund_grant(member(), money(e.amount, "amount"),
                                       _need(e.reason, "reason", t), on=on, meta=meta,
                                       today=today)
    if t == "loan":
        return g.disburse_loan(member(), money(e.principal, "principal"),
                               _need(e.term_months, "term_months", t), on=on, meta=meta,
                               today=today)
    if t == "repayment":
        return g.repay_loan(_need(e.loan_id, "loan_id", t), money(e.amount, "amount"), on=on,
                            meta=meta, today=today)
    if t == "fine":
        return g.charge_fine(member(), money(e.amount, "amount"), _need(e.reason, "reason", t),
                             on=on, meta=meta, today=today)
    if t == "write_off":
        return g.write_off_loan(_need(e.loan_id, "loan_id", t), _need(e.reason, "reason", t),
                                on=on, meta=meta, today=today)
    raise errors.InvalidInput(
        f"unknown entry type {t!r}; expected one of {', '.join(ENTRY_TYPES)}", field="type"
    )
