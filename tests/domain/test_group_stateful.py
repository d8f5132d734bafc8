"""A Hypothesis state machine over group cycles: whatever is accepted, the books hold."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from eventsourcing.utils import get_topic
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from domain.canonical import GENESIS_HASH, canonical_bytes, chain_hash
from domain.errors import DomainError
from domain.group import Group
from domain.money import Money
from tests.domain.builders import (
    AFFILIATED_ON,
    META,
    UNION_ID,
    assert_books_agree,
    events_of,
    state_of,
)

CURRENCY = "KES"
TODAY = date(2030, 1, 1)  # the machine's weeks never reach it
CYCLE_START = AFFILIATED_ON + timedelta(days=7)

cents = st.integers(min_value=1, max_value=400_000)
pick = st.integers(min_value=0, max_value=1_000)
percent = st.integers(min_value=1, max_value=130)  # of what the rules allow: mostly within
back_days = st.sampled_from([0, 0, 0, 0, 0, 0, 1, 8])  # now and then back-dated


def kes_cents(amount: int) -> Money:
    return Money(Decimal(amount).scaleb(-2), CURRENCY)


def share_of(base: Money, percent: int) -> Money:
    """`percent` % of `base`, at least one cent: amounts near the limits of the rules."""
    return kes_cents(1).max(base.times(Decimal(percent) / 100))


class GroupCycles(RuleBasedStateMachine):
    """Members come and go, meetings, shares, loans, transfers, reversals, share-outs.

    Commands may be refused; a refusal must record nothing. After every step the books
    balance, the cash boxes are not negative, assets = savings + social fund + surplus,
    the hash chain verifies, and replaying the history rebuilds exactly the live group.
    """

    def __init__(self) -> None:
        super().__init__()
        self.group = Group.register(
            union_id=UNION_ID, name="Stateful group", enterprise="tailoring",
            locality="Kisumu", affiliated_on=AFFILIATED_ON, currency=CURRENCY, meta=META,
            today=TODAY,
        )
        self.day = AFFILIATED_ON
        self.member_count = 0
        self.transfer_count = 0
        self.accepted = 0
        self.refused = 0
        self.attempts_in_cycle = 0
        for _ in range(3):
            self.attempt(self._join)
        self.day = CYCLE_START
        self.attempt(lambda: self._start_cycle(5000, 3))

    # --- helpers ----------------------------------------------------------------------

    def attempt(self, command: Callable[[], object]) -> None:
        """Run a command; on refusal, prove that nothing at all was recorded."""
        self.attempts_in_cycle = self.attempts_in_cycle + 1 if self.group.open_cycle else 0
        pending = list(self.group.pending_events)
        version = self.group.version
        before = state_of(self.group)
        try:
            command()
        except DomainError:
            self.refused += 1
            assert self.group.version == version
            assert [id(e) for e in self.group.pending_events] == [id(e) for e in pending]
            assert state_of(self.group) == before
        else:
            self.accepted += 1
            assert self.group.version == version + 1
            assert len(self.group.pending_events) == len(pending) + 1

    def member(self, index: int) -> str:
        """Mostly an active member; now and then an exited one or one who never joined."""
        if index % 13 == 12:
            return "ghost"
        active = sorted(m.member_id for m in self.group.active_members())
        everyone = sorted(self.group.members)
        pool = everyone if index % 7 == 6 or not active else active
        return pool[index % len(pool)]

    def loan_id(self, index: int) -> str:
        """Mostly an open loan; now and then any loan, or one that does not exist."""
        # In recording order, not sorted: loan ids are random, a replayed example is not.
        open_ids = [k for k, loan in self.group.loans.items() if loan.status == "open"]
        ids = open_ids if open_ids and index % 5 != 4 else list(self.group.loans)
        return ids[index % len(ids)] if ids else "no-loan"

    def transfer_id(self) -> str:
        self.transfer_count += 1
        return f"t-{self.transfer_count}"

    def on(self, days_back: int = 0) -> dict[str, Any]:
        return {"on": self.day - timedelta(days=days_back), "meta": META, "today": TODAY}

    def _join(self) -> None:
        self.member_count += 1
        gender = ("female", "male", "other")[self.member_count % 3]
        self.group.join_member(name=f"Member {self.member_count}", gender=gender,
                               joined_on=self.day, meta=META, today=TODAY,
                               member_id=f"m{self.member_count}")

    def _start_cycle(self, share_value_cents: int, rate_percent: int) -> None:
        self.group.start_cycle(
            started_on=self.day, share_value=kes_cents(share_value_cents), min_shares=1,
            max_shares=5, social_fund_contribution=kes_cents(1000),
            service_charge_rate_monthly=Decimal(rate_percent) / 100,
            max_loan_multiple=Decimal(3), max_term_months=6, meta=META, today=TODAY,
            max_open_loans_per_member=2,
        )

    # --- time and membership ----------------------------------------------------------

    @rule(weeks=st.integers(min_value=1, max_value=2))
    def advance(self, weeks: int) -> None:
        self.day += timedelta(weeks=weeks)

    @precondition(lambda self: len(self.group.members) < 10)
    @rule()
    def join(self) -> None:
        self.attempt(self._join)

    @precondition(lambda self: len(self.group.active_members()) > 3)
    @rule(index=pick)
    def exit(self, index: int) -> None:
        self.attempt(lambda: self.group.exit_member(self.member(index), **self.on()))

    @rule(indices=st.lists(pick, max_size=4))
    def hold_meeting(self, indices: list[int]) -> None:
        attendance = sorted({self.member(i) for i in indices})
        self.attempt(lambda: self.group.hold_meeting(
            held_on=self.day, attendance=attendance, meta=META, today=TODAY))

    @rule(sheet=st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=8),
          index=pick, loan_size=percent, repay_size=percent)
    def meeting_day(self, sheet: list[int], index: int, loan_size: int, repay_size: int) -> None:
        """A week later, a typical meeting: shares and social fund, a loan, a repayment."""
        self.day += timedelta(weeks=1)
        cycle = self.group.open_cycle
        for member, shares in zip(self.group.active_members(), sheet, strict=False):
            if shares:
                self.attempt(partial(self.group.buy_shares, member.member_id, shares,
                                     **self.on()))
            if cycle is not None and shares % 2:
                self.attempt(partial(self.group.contribute_social_fund, member.member_id,
                                     cycle.social_fund_contribution, **self.on()))
        self.disburse_loan(index, loan_size, 1 + index % 6)
        if self.group.loans:
            self.repay_loan(index, repay_size)

    # --- money in ---------------------------------------------------------------------

    @rule(index=pick, sheet=st.lists(st.integers(min_value=0, max_value=6), min_size=1,
                                     max_size=4), days_back=back_days)
    def buy_shares(self, index: int, sheet: list[int], days_back: int) -> None:
        """A meeting sheet: several members in turn buy shares."""
        for offset, shares in enumerate(sheet):
            member_id = self.member(index + offset)
            self.attempt(partial(self.group.buy_shares, member_id, shares,
                                 **self.on(days_back)))

    @rule(index=pick, exact=st.booleans())
    def contribute_social_fund(self, index: int, exact: bool) -> None:
        amount = kes_cents(1000 if exact else 999)
        self.attempt(lambda: self.group.contribute_social_fund(self.member(index), amount,
                                                               **self.on()))

    @rule(index=pick, amount=cents)
    def fine(self, index: int, amount: int) -> None:
        self.attempt(lambda: self.group.charge_fine(self.member(index), kes_cents(amount),
                                                    "late", **self.on()))

    @rule(amount=cents)
    def enterprise_earnings(self, amount: int) -> None:
        self.attempt(lambda: self.group.record_enterprise_earnings(
            kes_cents(amount), "sales", **self.on()))

    @rule(amount=cents)
    def receive_relief(self, amount: int) -> None:
        self.attempt(lambda: self.group.receive_relief(
            "hazard-1", kes_cents(amount), self.transfer_id(), **self.on()))

    # --- money out --------------------------------------------------------------------

    @rule(index=pick, size=percent)
    def social_fund_grant(self, index: int, size: int) -> None:
        amount = share_of(self.group.social_fund_cash, size)
        self.attempt(lambda: self.group.pay_social_fund_grant(
            self.member(index), amount, "illness", **self.on()))

    @rule(index=pick, size=percent, term=st.sampled_from([1, 2, 3, 6, 0, 7]))
    def disburse_loan(self, index: int, size: int, term: int) -> None:
        """Mostly to a member with savings, for up to the limit and the cash."""
        cycle = self.group.open_cycle
        savers = sorted(m for m, n in cycle.shares.items() if n) if cycle else []
        member_id = savers[index % len(savers)] if savers and index % 4 != 3 else (
            self.member(index))
        savings = cycle.savings_of(member_id) if cycle else kes_cents(1)
        principal = share_of(savings.times(3).min(self.group.loan_fund_cash), size)
        self.attempt(lambda: self.group.disburse_loan(member_id, principal, term,
                                                      **self.on()))

    @precondition(lambda self: bool(self.group.loans))
    @rule(index=pick, size=percent)
    def repay_loan(self, index: int, size: int) -> None:
        loan_id = self.loan_id(index)
        loan = self.group.loans.get(loan_id)
        amount = share_of(loan.outstanding if loan else kes_cents(100), size)
        self.attempt(lambda: self.group.repay_loan(loan_id, amount, **self.on()))

    @precondition(lambda self: bool(self.group.loans))
    @rule(index=pick)
    def write_off_loan(self, index: int) -> None:
        self.attempt(lambda: self.group.write_off_loan(self.loan_id(index), "lost",
                                                       **self.on()))

    @rule(size=percent, kind=st.sampled_from(["subscription", "sar", "sye"]))
    def transfer_to_union(self, size: int, kind: str) -> None:
        money, transfer = share_of(self.group.loan_fund_cash, size // 2), self.transfer_id()
        commands: dict[str, Callable[[], object]] = {
            "subscription": lambda: self.group.pay_subscription(
                str(self.day.year), money, transfer, **self.on()),
            "sar": lambda: self.group.contribute_sar(money, transfer, **self.on()),
            "sye": lambda: self.group.deposit_sye(money, transfer, **self.on()),
        }
        self.attempt(commands[kind])

    @precondition(lambda self: not self.group.sye_balance.is_zero)
    @rule(size=percent)
    def withdraw_sye(self, size: int) -> None:
        amount = share_of(self.group.sye_balance, size)
        self.attempt(lambda: self.group.withdraw_sye(amount, self.transfer_id(), **self.on()))

    # --- reconciliation, corrections, cycles ------------------------------------------

    @rule(loan_fund=st.integers(min_value=0, max_value=10_000_000),
          social_fund=st.integers(min_value=0, max_value=1_000_000))
    def count_cash(self, loan_fund: int, social_fund: int) -> None:
        self.attempt(lambda: self.group.count_cash(kes_cents(loan_fund),
                                                   kes_cents(social_fund), **self.on()))

    @rule(index=pick, days_back=back_days)
    def reverse(self, index: int, days_back: int) -> None:
        """Mostly a money entry not yet reversed; now and then any event at all."""
        open_entries = [k for k, r in self.group.entries.items() if not r.reversed_by]
        events = [str(e.event_id) for e in events_of(self.group)]
        targets = open_entries if open_entries and index % 4 != 3 else events
        target = targets[index % len(targets)]
        self.attempt(lambda: self.group.reverse(target, "correction", **self.on(days_back)))

    @precondition(lambda self: self.attempts_in_cycle >= 12 or self.group.open_cycle is None)
    @rule(share_value=st.integers(min_value=1, max_value=20_000), restart=st.booleans())
    def share_out(self, share_value: int, restart: bool) -> None:
        self.attempt(lambda: self.group.share_out(**self.on()))
        if self.group.open_cycle is None:
            self.day += timedelta(weeks=1)  # the next cycle starts after the share-out
            if restart:
                self.attempt(lambda: self._start_cycle(share_value, 10))

    @precondition(lambda self: self.group.open_cycle is None)
    @rule(share_value=st.integers(min_value=1, max_value=20_000),
          rate=st.integers(min_value=0, max_value=20))
    def start_cycle(self, share_value: int, rate: int) -> None:
        self.attempt(lambda: self._start_cycle(share_value, rate))

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def books_balance_and_agree(self) -> None:
        assert_books_agree(self.group)

    @invariant()
    def cash_boxes_are_never_negative(self) -> None:
        assert not self.group.loan_fund_cash.is_negative
        assert not self.group.social_fund_cash.is_negative
        assert not self.group.sye_balance.is_negative
        for loan in self.group.loans.values():
            assert not loan.outstanding.is_negative

    @invariant()
    def replay_rebuilds_the_live_group(self) -> None:
        replayed: Any = None
        for event in events_of(self.group):
            replayed = event.mutate(replayed)
        assert isinstance(replayed, Group)
        live = {k: v for k, v in vars(self.group).items() if k != "_pending_events"}
        rebuilt = {k: v for k, v in vars(replayed).items() if k != "_pending_events"}
        assert rebuilt == live

    @invariant()
    def the_hash_chain_verifies(self) -> None:
        previous = GENESIS_HASH
        for event in events_of(self.group):
            data = vars(event)
            canonical = canonical_bytes(get_topic(type(event)), event.originator_id,
                                        event.originator_version, event.timestamp, data)
            assert chain_hash(previous, canonical) == event.chain_hash
            previous = event.chain_hash


GroupCycles.TestCase.settings = settings(
    max_examples=60, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestGroupCycles = GroupCycles.TestCase
