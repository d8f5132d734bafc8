"""The Group aggregate: one savings group's members, cycles, cash boxes and loans.

Every public command checks the rules of DESIGN.md first and raises a typed DomainError
(nothing recorded); only then does it record its event. State changes live in the
events' apply bodies (domain/group_events.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any, Self, TypeVar
from uuid import UUID, uuid4

from eventsourcing.domain import Snapshot as LibrarySnapshot

from domain import errors
from domain import group_events as ev
from domain.group_state import (
    CLOSED_ENTRIES_FOUND,
    ClosedEntries,
    Cycle,
    EntryRecord,
    EntryTable,
    ExitSettlement,
    Loan,
    Member,
    add_months,
    close_loans,
    flat_service_charge,
)
from domain.ledger import LedgerAggregate, Meta
from domain.money import Money

GENDERS = ("female", "male", "other")
SERVICE_CHARGE_RATE_MAX = Decimal("0.20")  # 20 %/month: above this the rules are a typo
MAX_TERM_MONTHS_LIMIT = 24
SHARES_PER_MEETING_LIMIT = 100
E = TypeVar("E")


class Group(LedgerAggregate):
    """A savings group (COLIG): registered under one union, in the union's currency."""

    # Version 2 keeps the entries of closed cycles in `closed_entries` (date and reverser
    # only); version 3 keeps those packed (`ClosedEntries`), moves closed cycles' loans to
    # `closed_loans` (id and status only) and drops closed cycles' shares per member and
    # day. Older snapshots are brought to it by `upcast_v1_v2` and `upcast_v2_v3`: the
    # state replaying the events gives. Version 4 snapshots leave the closed entries out
    # (`closed_entries` None, see `Snapshot`); a version-3 snapshot keeps those it holds.
    class_version = 4

    class Snapshot(LibrarySnapshot):
        """A group's state without its closed cycles' entries, its open ones as one table.

        The closed entries are only read when a reversal names an entry outside the open
        cycle (to refuse it with its reason), yet after a few cycles they are most of the
        state (the bench's group of 10,000 events: 202 kB of a 371 kB state), written with
        every snapshot and read back with every cold load. A snapshot leaves them out when
        there are any; a group restored from it holds `closed_entries` None, and a reversal
        that needs them raises `HistoryNeeded`, on which the application replays the group
        from its first event, which rebuilds them, and decides again.

        The open cycle's entries go in as one `EntryTable` (stored column by column, read
        back as the group's dict), not as one stored value per record.
        """

        @classmethod
        def take(cls, aggregate: Any) -> Self:
            snapshot = super().take(aggregate)
            state = snapshot.state  # a copy of the group's vars()
            if state.get("closed_entries"):
                state["closed_entries"] = None
            state["entries"] = EntryTable(state["entries"])  # stored column by column
            return snapshot

        def mutate(self, _: None) -> Any:
            group = super().mutate(_)
            entries = vars(group).get("entries")
            if isinstance(entries, EntryTable):  # a snapshot restored without being stored
                vars(group)["entries"] = entries.entries
            return group

    @staticmethod
    def upcast_v3_v4(state: dict[str, object]) -> None:
        """A version-3 snapshot holds every closed entry: the state as replayed, kept."""

    @staticmethod
    def upcast_v1_v2(state: dict[str, object]) -> None:
        """A snapshot taken before version 2: its closed cycles' entries move out, as the
        share-outs of version 2 moved them, to its `closed_entries` (id → [date, reverser])."""
        entries = state["entries"]
        closed: dict[str, list[str | None]] = {}
        shareout_on = state.get("last_shareout_on")
        if isinstance(entries, dict) and isinstance(shareout_on, date):
            kept = {}  # the snapshot's own dict is left as it was stored
            for event_id, record in entries.items():
                if record.on <= shareout_on:
                    closed[event_id] = [record.on.isoformat(), record.reversed_by]
                else:
                    kept[event_id] = record
            state["entries"] = kept
        state["closed_entries"] = closed

    @staticmethod
    def upcast_v2_v3(state: dict[str, object]) -> None:
        """A version-2 snapshot: closed entries packed, closed cycles' loans and shares per
        day moved out or dropped, as the share-outs of version 3 do."""
        closed = state["closed_entries"]
        packed = ClosedEntries()
        if isinstance(closed, dict):
            packed.add([(event_id, date.fromisoformat(on), reversed_by)
                        for event_id, (on, reversed_by) in closed.items()])
        state["closed_entries"] = packed
        cycles = state["cycles"]
        closed_loans: dict[str, str] = {}
        if isinstance(cycles, list):
            shared_out = [c.number for c in cycles if c.closed_on is not None]
            # New cycle objects: the snapshot's own are left as they were stored.
            state["cycles"] = [replace(c, shares_by_day={}) if c.closed_on is not None else c
                               for c in cycles]
            loans = state["loans"]
            if shared_out and isinstance(loans, dict):
                loans = dict(loans)
                close_loans(loans, closed_loans, max(shared_out))
                state["loans"] = loans
        state["closed_loans"] = closed_loans

    def __init__(
        self,
        union_id: UUID,
        name: str,
        enterprise: str,
        locality: str,
        affiliated_on: date,
        currency: str,
    ) -> None:
        self.union_id = union_id
        self.name = name
        self.enterprise = enterprise
        self.locality = locality
        self.affiliated_on = affiliated_on
        self.currency = currency
        zero = Money.zero(currency)
        self.members: dict[str, Member] = {}
        self.cycles: list[Cycle] = []
        self.loans: dict[str, Loan] = {}
        self.entries: dict[str, EntryRecord] = {}  # the open cycle's reversible entries
        # Earlier cycles' entries: date, reverser (None: left out by the snapshot).
        self.closed_entries: ClosedEntries | None = ClosedEntries()
        self.closed_loans: dict[str, str] = {}  # earlier cycles': status
        self.transfers: dict[str, str] = {}
        self.meetings: dict[str, str] = {}
        self.fixed_events: dict[str, str] = {}
        self.loan_fund_cash = zero
        self.social_fund_cash = zero
        self.sye_balance = zero
        self.sar_standing = zero
        self.retained_surplus = zero
        self.income: dict[str, Money] = {}
        self.expenses: dict[str, Money] = {}
        self.last_shareout_on: date | None = None

    # --- registration and members -------------------------------------------------------

    @classmethod
    def register(
        cls,
        *,
        union_id: UUID,
        name: str,
        enterprise: str,
        locality: str,
        affiliated_on: date,
        currency: str,
        meta: Meta,
        today: date,
        group_id: UUID | None = None,
    ) -> Group:
        _require_text(name, "name")
        if affiliated_on > today:
            raise errors.DateInFuture(
                f"affiliated_on {affiliated_on} is in the future", on=affiliated_on.isoformat()
            )
        Money.zero(currency)  # refuses an unknown currency
        return cls._register(
            ev.Registered, on=affiliated_on, meta=meta, aggregate_id=group_id,
            union_id=union_id, name=name.strip(), enterprise=enterprise.strip(),
            locality=locality.strip(), affiliated_on=affiliated_on, currency=currency,
        )

    def join_member(
        self, *, name: str, gender: str, joined_on: date, meta: Meta, today: date,
        member_id: str | None = None,
    ) -> ev.MemberJoined:
        _require_text(name, "name")
        if gender not in GENDERS:
            raise errors.InvalidInput(
                f"gender must be one of {', '.join(GENDERS)}, got {gender!r}", field="gender"
            )
        self._check_date(joined_on, today)
        if member_id is not None and member_id in self.members:
            # Re-using an id would overwrite the member, and re-activate one who exited.
            raise errors.InvalidInput(
                f"member id {member_id} is already taken in this group", field="member_id"
            )
        event = self._record(
            ev.MemberJoined, on=joined_on, meta=meta,
            member_id=member_id or str(uuid4()), name=name.strip(), gender=gender,
        )
        return _as(event, ev.MemberJoined)

    def exit_member(self, member_id: str, *, on: date, meta: Meta, today: date) -> ev.MemberExited:
        """Settle a leaving member: their shares at share value, less any outstanding loan."""
        self._check_date(on, today, member_id=member_id)
        cycle = self.open_cycle
        shares = cycle.shares.get(member_id, 0) if cycle else 0
        savings = cycle.savings_of(member_id) if cycle else self.zero
        loans = self._open_loans_of(member_id)
        owed = self.zero
        for loan in loans:
            owed += loan.outstanding
        if owed > savings:
            names = ", ".join(loan.loan_id for loan in loans)
            raise errors.LoanExceedsSavings(
                f"member {member_id} owes {owed.amount} on loan {names}, more than savings "
                f"of {savings.amount}: collect or write off the loan first",
                member_id=member_id, owed=str(owed.amount), savings=str(savings.amount),
            )
        net = savings - owed
        self._require_loan_fund(net, "pay the exit settlement")
        settlement = ExitSettlement(member_id, shares, savings, owed, net)
        event = self._record(
            ev.MemberExited, on=on, meta=meta, settlement=settlement,
            loan_ids=[loan.loan_id for loan in loans],
        )
        return _as(event, ev.MemberExited)

    # --- cycles and meetings ------------------------------------------------------------

    def start_cycle(
        self, *, started_on: date, share_value: Money, min_shares: int, max_shares: int,
        social_fund_contribution: Money, service_charge_rate_monthly: Decimal,
        max_loan_multiple: Decimal, max_term_months: int, meta: Meta, today: date,
        max_open_loans_per_member: int = 1,
    ) -> ev.CycleStarted:
        if self.open_cycle is not None:
            raise errors.CycleAlreadyOpen(
                f"cycle {self.open_cycle.number} is still open: share it out first"
            )
        self._check_date(started_on, today)
        self._money(share_value)
        self._money(social_fund_contribution, allow_zero=True)
        if social_fund_contribution.is_negative:
            raise errors.InvalidAmount(
                f"the social fund contribution cannot be negative, got "
                f"{social_fund_contribution.amount}", value=str(social_fund_contribution.amount),
            )
        _check_cycle_rules(
            min_shares, max_shares, service_charge_rate_monthly, max_loan_multiple,
            max_term_months, max_open_loans_per_member,
        )
        event = self._record(
            ev.CycleStarted, on=started_on, meta=meta, number=len(self.cycles) + 1,
            share_value=share_value, min_shares=min_shares, max_shares=max_shares,
            social_fund_contribution=social_fund_contribution,
            service_charge_rate_monthly=service_charge_rate_monthly,
            max_loan_multiple=max_loan_multiple, max_term_months=max_term_months,
            max_open_loans_per_member=max_open_loans_per_member,
        )
        return _as(event, ev.CycleStarted)

    def hold_meeting(
        self, *, held_on: date, attendance: list[str], meta: Meta, today: date,
        meeting_id: str | None = None,
    ) -> ev.MeetingHeld:
        self._check_cycle_date(held_on, today)
        if held_on.isoformat() in self.meetings:
            raise errors.MeetingAlreadyHeld(
                f"a meeting is already recorded on {held_on}", on=held_on.isoformat()
            )
        if len(set(attendance)) != len(attendance):
            raise errors.InvalidInput("attendance lists a member twice", field="attendance")
        for member_id in attendance:
            self._active_member(member_id, held_on)
        event = self._record(
            ev.MeetingHeld, on=held_on, meta=meta, meeting_id=meeting_id or str(uuid4()),
            attendance=list(attendance),
        )
        return _as(event, ev.MeetingHeld)

    # --- money in the group -------------------------------------------------------------

    def buy_shares(
        self, member_id: str, shares: int, *, on: date, meta: Meta, today: date
    ) -> ev.SharesPurchased:
        cycle = self._check_cycle_date(on, today, member_id=member_id)
        if isinstance(shares, bool) or not isinstance(shares, int) or shares < 1:
            raise errors.InvalidInput(f"shares must be a whole number ≥ 1, got {shares!r}")
        bought_today = cycle.shares_by_day.get(f"{member_id}|{on.isoformat()}", 0)
        if bought_today + shares > cycle.max_shares or shares < cycle.min_shares:
            raise errors.ShareLimitExceeded(
                f"member {member_id} may buy {cycle.min_shares}–{cycle.max_shares} shares per "
                f"meeting; {bought_today} already bought on {on}, {shares} more asked",
                member_id=member_id, shares=shares,
            )
        event = self._record(
            ev.SharesPurchased, on=on, meta=meta, member_id=member_id, shares=shares,
            amount=cycle.share_value.times(shares), cycle_number=cycle.number,
        )
        return _as(event, ev.SharesPurchased)

    def contribute_social_fund(
        self, member_id: str, amount: Money, *, on: date, meta: Meta, today: date
    ) -> ev.SocialFundContributed:
        cycle = self._check_cycle_date(on, today, member_id=member_id)
        self._money(amount)
        if amount != cycle.social_fund_contribution:
            raise errors.InvalidInput(
                f"the social fund contribution of cycle {cycle.number} is "
                f"{cycle.social_fund_contribution.amount}, not {amount.amount}", field="amount",
            )
        event = self._record(
            ev.SocialFundContributed, on=on, meta=meta, member_id=member_id, amount=amount
        )
        return _as(event, ev.SocialFundContributed)

    def pay_social_fund_grant(
        self, member_id: str, amount: Money, reason: str, *, on: date, meta: Meta, today: date
    ) -> ev.SocialFundGrantPaid:
        self._check_date(on, today, member_id=member_id)
        self._money(amount)
        _require_text(reason, "reason")
        if amount > self.social_fund_cash:
            raise errors.InsufficientSocialFund(
                f"grant of {amount.amount} exceeds social fund cash of "
                f"{self.social_fund_cash.amount}", amount=str(amount.amount),
            )
        event = self._record(
            ev.SocialFundGrantPaid, on=on, meta=meta, member_id=member_id, amount=amount,
            reason=reason.strip(),
        )
        return _as(event, ev.SocialFundGrantPaid)

    def disburse_loan(
        self, member_id: str, principal: Money, term_months: int, *, on: date, meta: Meta,
        today: date, loan_id: str | None = None,
    ) -> ev.LoanDisbursed:
        cycle = self._check_cycle_date(on, today, member_id=member_id)
        self._money(principal)
        if isinstance(term_months, bool) or not isinstance(term_months, int):
            # a fractional term has no calendar due date (add_months needs whole months)
            raise errors.InvalidInput(
                f"term must be a whole number of months, got {term_months!r}",
                field="term_months",
            )
        if not 1 <= term_months <= cycle.max_term_months:
            raise errors.LoanTermExceeded(
                f"term of {term_months} months is outside 1–{cycle.max_term_months} months "
                f"allowed in cycle {cycle.number}", term_months=term_months,
            )
        if loan_id is not None and (loan_id in self.loans or loan_id in self.closed_loans):
            # Re-using an id would overwrite the loan and lose what is still owed on it.
            raise errors.InvalidInput(
                f"loan id {loan_id} is already taken in this group", field="loan_id"
            )
        open_loans = self._open_loans_of(member_id)
        if len(open_loans) >= cycle.max_open_loans_per_member:
            raise errors.LoanAlreadyOpen(
                f"member {member_id} already has {len(open_loans)} open loan(s); the cycle "
                f"allows {cycle.max_open_loans_per_member}", member_id=member_id,
            )
        savings = cycle.savings_of(member_id)
        limit = savings.times(cycle.max_loan_multiple)
        if principal > limit:
            raise errors.LoanLimitExceeded(
                f"loan of {principal.amount} exceeds {cycle.max_loan_multiple} × savings of "
                f"{savings.amount} for member {member_id} (limit {limit.amount})",
                member_id=member_id, limit=str(limit.amount),
            )
        self._require_loan_fund(principal, "disburse the loan")
        charge = flat_service_charge(principal, cycle.service_charge_rate_monthly, term_months)
        event = self._record(
            ev.LoanDisbursed, on=on, meta=meta, loan_id=loan_id or str(uuid4()),
            member_id=member_id, principal=principal, service_charge=charge,
            term_months=term_months, due_on=add_months(on, term_months),
            cycle_number=cycle.number,
        )
        return _as(event, ev.LoanDisbursed)

    def repay_loan(
        self, loan_id: str, amount: Money, *, on: date, meta: Meta, today: date
    ) -> ev.LoanRepaid:
        """Repay a loan: the service charge is cleared first, then the principal."""
        loan = self._open_loan(loan_id, on, today)
        self._money(amount)
        if amount > loan.outstanding:
            raise errors.RepaymentExceedsOutstanding(
                f"repayment of {amount.amount} exceeds {loan.outstanding.amount} outstanding "
                f"on loan {loan_id}", outstanding=str(loan.outstanding.amount),
            )
        charge_paid = amount.min(loan.charge_outstanding)
        event = self._record(
            ev.LoanRepaid, on=on, meta=meta, loan_id=loan_id, member_id=loan.member_id,
            amount=amount, charge_paid=charge_paid, principal_paid=amount - charge_paid,
        )
        return _as(event, ev.LoanRepaid)

    def write_off_loan(
        self, loan_id: str, reason: str, *, on: date, meta: Meta, today: date
    ) -> ev.LoanWrittenOff:
        loan = self._open_loan(loan_id, on, today)
        _require_text(reason, "reason")
        event = self._record(
            ev.LoanWrittenOff, on=on, meta=meta, loan_id=loan_id, member_id=loan.member_id,
            amount=loan.outstanding, reason=reason.strip(),
        )
        return _as(event, ev.LoanWrittenOff)

    def charge_fine(
        self, member_id: str, amount: Money, reason: str, *, on: date, meta: Meta, today: date
    ) -> ev.FineCharged:
        self._check_cycle_date(on, today, member_id=member_id)
        self._money(amount)
        _require_text(reason, "reason")
        event = self._record(
            ev.FineCharged, on=on, meta=meta, member_id=member_id, amount=amount,
            reason=reason.strip(),
        )
        return _as(event, ev.FineCharged)

    def record_enterprise_earnings(
        self, amount: Money, description: str, *, on: date, meta: Meta, today: date
    ) -> ev.EnterpriseEarningsRecorded:
        self._check_date(on, today)
        self._money(amount)
        _require_text(description, "description")
        event = self._record(
            ev.EnterpriseEarningsRecorded, on=on, meta=meta, amount=amount,
            description=description.strip(),
        )
        return _as(event, ev.EnterpriseEarningsRecorded)

    # --- the group side of group ↔ union transfers ------------------------------------

    def pay_subscription(
        self, period: str, amount: Money, transfer_id: str, *, on: date, meta: Meta, today: date
    ) -> ev.SubscriptionPaid:
        self._check_transfer_out(amount, on, today, "pay the subscription")
        event = self._record(
            ev.SubscriptionPaid, on=on, meta=meta, period=period, amount=amount,
            transfer_id=transfer_id,
        )
        return _as(event, ev.SubscriptionPaid)

    def contribute_sar(
        self, amount: Money, transfer_id: str, *, on: date, meta: Meta, today: date
    ) -> ev.SarContributed:
        self._check_transfer_out(amount, on, today, "pay the SAR contribution")
        event = self._record(
            ev.SarContributed, on=on, meta=meta, amount=amount, transfer_id=transfer_id
        )
        return _as(event, ev.SarContributed)

    def deposit_sye(
        self, amount: Money, transfer_id: str, *, on: date, meta: Meta, today: date
    ) -> ev.SyeDeposited:
        self._check_transfer_out(amount, on, today, "deposit SYE with the union")
        event = self._record(
            ev.SyeDeposited, on=on, meta=meta, amount=amount, transfer_id=transfer_id
        )
        return _as(event, ev.SyeDeposited)

    def withdraw_sye(
        self, amount: Money, transfer_id: str, *, on: date, meta: Meta, today: date
    ) -> ev.SyeWithdrawn:
        self._check_date(on, today)
        self._money(amount)
        if amount > self.sye_balance:
            raise errors.InsufficientSyeBalance(
                f"withdrawal of {amount.amount} exceeds the group's SYE balance of "
                f"{self.sye_balance.amount}", amount=str(amount.amount),
            )
        event = self._record(
            ev.SyeWithdrawn, on=on, meta=meta, amount=amount, transfer_id=transfer_id
        )
        return _as(event, ev.SyeWithdrawn)

    def receive_relief(
        self, hazard_id: str, amount: Money, transfer_id: str, *, on: date, meta: Meta,
        today: date,
    ) -> ev.ReliefPayoutReceived:
        self._check_date(on, today)
        self._money(amount)
        event = self._record(
            ev.ReliefPayoutReceived, on=on, meta=meta, hazard_id=hazard_id, amount=amount,
            transfer_id=transfer_id,
        )
        return _as(event, ev.ReliefPayoutReceived)

    # --- reconciliation, share-out, reversal ---------------------------------------------

    def count_cash(
        self, loan_fund_cash: Money, social_fund_cash: Money, *, on: date, meta: Meta,
        today: date,
    ) -> ev.CashCounted:
        """Record a count of both boxes; the difference (counted − books) is reported."""
        self._check_date(on, today)
        for counted in (loan_fund_cash, social_fund_cash):
            self._money(counted, allow_zero=True)
            if counted.is_negative:
                raise errors.InvalidAmount("a counted cash box cannot be negative")
        event = self._record(
            ev.CashCounted, on=on, meta=meta, loan_fund_cash_counted=loan_fund_cash,
            social_fund_cash_counted=social_fund_cash,
            difference_loan_fund=loan_fund_cash - self.loan_fund_cash,
            difference_social_fund=social_fund_cash - self.social_fund_cash,
        )
        return _as(event, ev.CashCounted)

    def share_out(self, *, on: date, meta: Meta, today: date) -> ev.CycleSharedOut:
        """Close the open cycle and share the loan fund out (see domain/shareout.py)."""
        from domain.shareout import plan_share_out

        cycle = self._check_cycle_date(on, today)
        if cycle.latest_on is not None and on < cycle.latest_on:
            raise errors.InvalidDate(
                f"share-out on {on} is before the cycle's last entry on {cycle.latest_on}",
                on=on.isoformat(),
            )
        plan = plan_share_out(self, cycle)
        event = self._record(
            ev.CycleSharedOut, on=on, meta=meta, cycle_number=cycle.number, pool=plan.pool,
            total_shares=plan.total_shares, value_per_share=plan.value_per_share,
            share_value=cycle.share_value,
            payouts=plan.payouts, carried_forward=plan.carried_forward,
            book_savings=plan.book_savings, closed_income=dict(self.income),
            closed_expenses=dict(self.expenses),
        )
        return _as(event, ev.CycleSharedOut)

    def reverse(
        self, event_id: str, reason: str, *, on: date, meta: Meta, today: date
    ) -> ev.EntryReversed:
        """Book the exact opposite of a money entry (see domain/reversal.py for the rules)."""
        from domain.reversal import check_reversal

        self._check_date(on, today)
        _require_text(reason, "reason")
        # A copy: applying the reversal marks the group's own record `reversed_by`, which
        # must not change the event's payload after its chain hash was computed.
        record = replace(check_reversal(self, event_id, on))
        event = self._record(
            ev.EntryReversed, on=on, meta=meta, reversed_event_id=event_id,
            reason=reason.strip(), reversed=record,
        )
        return _as(event, ev.EntryReversed)

    # --- queries ------------------------------------------------------------------------

    def left_out_of_snapshot(self) -> bool:
        return self.closed_entries is None

    def closed_entry(self, event_id: str) -> tuple[str, str | None] | None:
        """A closed cycle's entry as (ISO date, reverser), or None when no closed cycle has
        it. A group restored from a snapshot, which leaves the closed entries out (see
        `Snapshot`), answers what the application found in its stored events
        (`CLOSED_ENTRIES_FOUND`), and raises `HistoryNeeded` for an entry not yet looked up.
        """
        if self.closed_entries is None:
            found = CLOSED_ENTRIES_FOUND.get()
            if found is not None and (self.id, event_id) in found:
                return found[self.id, event_id]
            raise errors.HistoryNeeded(self.id, "the closed cycles' entries",
                                       event_id=event_id)
        return self.closed_entries.get(event_id)

    @property
    def zero(self) -> Money:
        return Money.zero(self.currency)

    @property
    def open_cycle(self) -> Cycle | None:
        if self.cycles and self.cycles[-1].is_open:
            return self.cycles[-1]
        return None

    def cycle_by_number(self, number: int) -> Cycle:
        return self.cycles[number - 1]

    @property
    def loans_outstanding(self) -> Money:
        total = self.zero
        for loan in self.loans.values():
            if loan.status == "open":
                total += loan.outstanding
        return total

    @property
    def member_savings(self) -> Money:
        cycle = self.open_cycle
        return cycle.share_value.times(cycle.total_shares) if cycle else self.zero

    @property
    def surplus(self) -> Money:
        """Retained surplus plus this cycle's income less its expenses."""
        total = self.retained_surplus
        for amount in self.income.values():
            total += amount
        for amount in self.expenses.values():
            total -= amount
        return total

    @property
    def assets(self) -> Money:
        cash = self.loan_fund_cash + self.social_fund_cash
        return cash + self.loans_outstanding + self.sye_balance

    def active_members(self) -> list[Member]:
        return [m for m in self.members.values() if m.is_active]

    def touch(self, on: date) -> None:
        """Remember the latest business date of the open cycle (a share-out must follow it)."""
        cycle = self.open_cycle
        if cycle is not None and (cycle.latest_on is None or on > cycle.latest_on):
            cycle.latest_on = on

    # --- checks -------------------------------------------------------------------------

    def _check_cycle_date(
        self, on: date, today: date, *, member_id: str | None = None
    ) -> Cycle:
        """Check the date of cycle-bound activity; return the open cycle it belongs to."""
        self._check_date(on, today, member_id=member_id)
        cycle = self.open_cycle
        if cycle is None:
            raise errors.NoOpenCycle("the group has no open cycle: start one first")
        if on < cycle.started_on:
            raise errors.InvalidDate(
                f"date {on} is before cycle {cycle.number} started on {cycle.started_on}",
                on=on.isoformat(),
            )
        return cycle

    def _check_date(self, on: date, today: date, *, member_id: str | None = None) -> None:
        """Check a business date: not in the future, not before affiliation or a share-out."""
        if on > today:
            raise errors.DateInFuture(f"date {on} is in the future", on=on.isoformat())
        if on < self.affiliated_on:
            raise errors.DateBeforeAffiliation(
                f"date {on} is before the group's affiliation on {self.affiliated_on}",
                on=on.isoformat(),
            )
        if self.last_shareout_on is not None and on <= self.last_shareout_on:
            raise errors.DateInClosedCycle(
                f"date {on} is on or before the share-out of {self.last_shareout_on}, "
                "whose cycle is closed", on=on.isoformat(),
            )
        if member_id is not None:
            self._active_member(member_id, on)

    def _active_member(self, member_id: str, on: date) -> Member:
        member = self.members.get(member_id)
        if member is None:
            raise errors.MemberNotFound(
                f"member {member_id} does not belong to this group", member_id=member_id
            )
        if not member.is_active:
            raise errors.MemberNotActive(
                f"member {member.name} ({member_id}) exited on {member.exited_on}",
                member_id=member_id,
            )
        if on < member.joined_on:
            raise errors.DateBeforeJoining(
                f"date {on} is before member {member.name} joined on {member.joined_on}",
                member_id=member_id,
            )
        return member

    def _open_loan(self, loan_id: str, on: date, today: date) -> Loan:
        loan = self.loans.get(loan_id)
        status = loan.status if loan is not None else self.closed_loans.get(loan_id)
        if status is None or status == "reversed":
            raise errors.LoanNotFound(f"loan {loan_id} does not exist in this group")
        self._check_date(on, today)
        if loan is None or status != "open":
            raise errors.LoanNotOpen(f"loan {loan_id} is {status}", loan_id=loan_id)
        if on < loan.disbursed_on:
            raise errors.InvalidDate(
                f"date {on} is before loan {loan_id} was disbursed on {loan.disbursed_on}"
            )
        return loan

    def _open_loans_of(self, member_id: str) -> list[Loan]:
        return [x for x in self.loans.values() if x.member_id == member_id and x.status == "open"]

    def _money(self, amount: Money, *, allow_zero: bool = False) -> None:
        if amount.currency != self.currency:
            raise errors.CurrencyMismatch(
                f"amount is in {amount.currency}; this group keeps its books in {self.currency}"
            )
        if not allow_zero:
            amount.require_positive()

    def _require_loan_fund(self, amount: Money, purpose: str) -> None:
        if amount > self.loan_fund_cash:
            raise errors.InsufficientLoanFund(
                f"loan-fund cash of {self.loan_fund_cash.amount} is not enough to {purpose} "
                f"({amount.amount})", needed=str(amount.amount),
                available=str(self.loan_fund_cash.amount),
            )

    def _check_transfer_out(self, amount: Money, on: date, today: date, purpose: str) -> None:
        self._check_date(on, today)
        self._money(amount)
        self._require_loan_fund(amount, purpose)


def _require_text(value: str, field: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise errors.InvalidInput(f"{field} must not be empty", field=field)
    if len(value) > 200:
        raise errors.InvalidInput(f"{field} is longer than 200 characters", field=field)


def _check_cycle_rules(
    min_shares: int, max_shares: int, rate: Decimal, multiple: Decimal, max_term: int,
    max_open_loans: int,
) -> None:
    problems: list[str] = []
    if not 1 <= min_shares <= max_shares <= SHARES_PER_MEETING_LIMIT:
        problems.append(f"shares per meeting must satisfy 1 ≤ min ≤ max ≤ "
                        f"{SHARES_PER_MEETING_LIMIT} (got {min_shares}–{max_shares})")
    if not (rate.is_finite() and Decimal(0) <= rate <= SERVICE_CHARGE_RATE_MAX):
        problems.append(f"monthly service charge rate must be 0–{SERVICE_CHARGE_RATE_MAX} "
                        f"(got {rate})")
    if not (multiple.is_finite() and Decimal(0) < multiple <= Decimal(10)):
        problems.append(f"max loan multiple must be above 0 and at most 10 (got {multiple})")
    if not 1 <= max_term <= MAX_TERM_MONTHS_LIMIT:
        problems.append(f"max term must be 1–{MAX_TERM_MONTHS_LIMIT} months (got {max_term})")
    if not 1 <= max_open_loans <= 5:
        problems.append(f"open loans per member must be 1–5 (got {max_open_loans})")
    if problems:
        raise errors.InvalidCycleRules("; ".join(problems), problems=problems)


def _as(event: LedgerAggregate.Event, cls: type[E]) -> E:
    if not isinstance(event, cls):  # pragma: no cover - _record returns what it was given
        raise TypeError(f"expected {cls.__name__}, got {type(event).__name__}")
    return event
