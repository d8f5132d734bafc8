"""Readable Group fixtures: a builder, fixed dates, the journal fold, the "nothing booked" check."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from domain.books import JournalEntry
from domain.errors import DomainError
from domain.group import Group
from domain.ledger import LedgerAggregate, Meta
from domain.money import Money
from domain.postings import journal_entry

META = Meta("test", "req")
TODAY = date(2026, 11, 1)
UNION_ID = UUID("00000000-0000-4000-8000-0000000000a1")
AFFILIATED_ON = date(2026, 1, 5)  # a Monday: the group meets on Mondays
CYCLE_START = date(2026, 1, 12)
ASSET_ACCOUNTS = ("1000", "1010", "1100", "1200")


def meeting(number: int) -> date:
    """The date of the weekly meeting `number` weeks after the cycle start (0: the start)."""
    return CYCLE_START + timedelta(weeks=number)


def ugx(value: str | int) -> Money:
    return Money.of(value, "UGX")


def kes(value: str | int) -> Money:
    return Money.of(value, "KES")


class GroupBuilder:
    """Builds a group the way its books read: register, members join, a cycle, entries.

    Every command uses `META` and `TODAY`; `on(day)` sets the business date of the next
    entries. Nothing is ever collected, so `group.pending_events` is the whole history.
    """

    def __init__(
        self, currency: str = "UGX", *, affiliated_on: date = AFFILIATED_ON,
        today: date = TODAY,
    ) -> None:
        self.today = today
        self.day = affiliated_on
        self.group = Group.register(
            union_id=UNION_ID, name="Tusubira Women's Group", enterprise="poultry",
            locality="Mbale", affiliated_on=affiliated_on, currency=currency, meta=META,
            today=today,
        )

    def money(self, value: str | int) -> Money:
        return Money.of(value, self.group.currency)

    def on(self, day: date) -> GroupBuilder:
        self.day = day
        return self

    def members(self, *member_ids: str) -> GroupBuilder:
        """Members join on the current date; ids are lower-case names ("amina")."""
        for index, member_id in enumerate(member_ids):
            self.group.join_member(
                name=member_id.capitalize(), gender="female" if index % 2 == 0 else "male",
                joined_on=self.day, meta=META, today=self.today, member_id=member_id,
            )
        return self

    def cycle(
        self, *, share_value: str = "2000", min_shares: int = 1, max_shares: int = 5,
        social_fund: str = "500", rate: str = "0.10", multiple: str = "3", max_term: int = 6,
        max_open_loans: int = 1,
    ) -> GroupBuilder:
        self.group.start_cycle(
            started_on=self.day, share_value=self.money(share_value), min_shares=min_shares,
            max_shares=max_shares, social_fund_contribution=self.money(social_fund),
            service_charge_rate_monthly=Decimal(rate), max_loan_multiple=Decimal(multiple),
            max_term_months=max_term, meta=META, today=self.today,
            max_open_loans_per_member=max_open_loans,
        )
        return self

    def shares(self, member_id: str, shares: int) -> GroupBuilder:
        self.group.buy_shares(member_id, shares, on=self.day, meta=META, today=self.today)
        return self

    def social_fund(self, *member_ids: str) -> GroupBuilder:
        """Each member pays the cycle's fixed social-fund contribution."""
        cycle = self.group.open_cycle
        if cycle is None:
            raise RuntimeError("social fund contributions need an open cycle")
        for member_id in member_ids:
            self.group.contribute_social_fund(
                member_id, cycle.social_fund_contribution, on=self.day, meta=META,
                today=self.today,
            )
        return self

    def loan(self, member_id: str, principal: str, term: int, loan_id: str) -> GroupBuilder:
        self.group.disburse_loan(
            member_id, self.money(principal), term, on=self.day, meta=META, today=self.today,
            loan_id=loan_id,
        )
        return self

    def repay(self, loan_id: str, amount: str) -> GroupBuilder:
        self.group.repay_loan(loan_id, self.money(amount), on=self.day, meta=META,
                              today=self.today)
        return self

    def fine(self, member_id: str, amount: str) -> GroupBuilder:
        self.group.charge_fine(member_id, self.money(amount), "late", on=self.day, meta=META,
                               today=self.today)
        return self

    def earnings(self, amount: str) -> GroupBuilder:
        self.group.record_enterprise_earnings(
            self.money(amount), "eggs sold", on=self.day, meta=META, today=self.today
        )
        return self

    def grant(self, member_id: str, amount: str) -> GroupBuilder:
        self.group.pay_social_fund_grant(
            member_id, self.money(amount), "funeral", on=self.day, meta=META, today=self.today
        )
        return self

    def sye_deposit(self, amount: str, transfer_id: str) -> GroupBuilder:
        self.group.deposit_sye(self.money(amount), transfer_id, on=self.day, meta=META,
                               today=self.today)
        return self

    def share_out(self) -> GroupBuilder:
        self.group.share_out(on=self.day, meta=META, today=self.today)
        return self

    @property
    def last(self) -> LedgerAggregate.Event:
        """The event recorded last."""
        event = self.group.pending_events[-1]
        assert isinstance(event, LedgerAggregate.Event)
        return event


def standard_group(currency: str = "UGX") -> Group:
    """Four members joined on affiliation; cycle 1 open from CYCLE_START.

    Rules: share value 2000, 1–5 shares a meeting, social fund 500, 10 %/month flat
    service charge, loans up to 3 × savings, terms up to 6 months, one open loan each.
    """
    builder = GroupBuilder(currency).members("amina", "bosco", "cate", "dan")
    return builder.on(CYCLE_START).cycle().group


def busy_group() -> Group:
    """Share value 2000, 10 %/month. On 2026-01-19 (meeting 1):

    amina and bosco buy 5 shares each and pay the social fund (500 each);
    bosco borrows 5000 for 1 month (charge 500, loan L0); an SYE deposit of 2000.
    loan-fund cash 20000 − 5000 − 2000 = 13000; social fund 1000; SYE 2000; owed 5500.
    """
    builder = GroupBuilder().members("amina", "bosco").on(CYCLE_START).cycle()
    builder.on(meeting(1)).shares("amina", 5).shares("bosco", 5).social_fund("amina", "bosco")
    builder.loan("bosco", "5000", 1, "L0").sye_deposit("2000", "t-0")
    return builder.group


ENTRY_DAY = meeting(2)  # 2026-01-26: the day of the entry under test in busy_group()
AT: dict[str, Any] = {"on": ENTRY_DAY, "meta": META, "today": TODAY}

# One entry of each reversible kind, recorded on ENTRY_DAY in busy_group().
MONEY_ENTRIES: dict[str, Callable[[Group], LedgerAggregate.Event]] = {
    "share_purchase": lambda g: g.buy_shares("amina", 3, **AT),
    "social_fund_contribution": lambda g: g.contribute_social_fund("amina", ugx("500"), **AT),
    "social_fund_grant": lambda g: g.pay_social_fund_grant("amina", ugx("800"), "funeral", **AT),
    "loan_disbursed": lambda g: g.disburse_loan("amina", ugx("4000"), 2, loan_id="L1", **AT),
    "loan_repaid": lambda g: g.repay_loan("L0", ugx("1000"), **AT),
    "loan_repaid_in_full": lambda g: g.repay_loan("L0", ugx("5500"), **AT),
    "loan_written_off": lambda g: g.write_off_loan("L0", "left the village", **AT),
    "fine": lambda g: g.charge_fine("bosco", ugx("300"), "late", **AT),
    "enterprise_earnings": lambda g: g.record_enterprise_earnings(ugx("1200"), "eggs", **AT),
    "subscription": lambda g: g.pay_subscription("2026", ugx("1000"), "t-1", **AT),
    "sar_contribution": lambda g: g.contribute_sar(ugx("1500"), "t-1", **AT),
    "sye_deposit": lambda g: g.deposit_sye(ugx("1000"), "t-1", **AT),
    "sye_withdrawal": lambda g: g.withdraw_sye(ugx("2000"), "t-1", **AT),
    "relief_received": lambda g: g.receive_relief("h-1", ugx("5000"), "t-1", **AT),
}


def events_of(group: Group) -> list[LedgerAggregate.Event]:
    """The group's whole history (tests never collect, so it is all still pending)."""
    return [event for event in group.pending_events if isinstance(event, LedgerAggregate.Event)]


def state_of(group: Group) -> dict[str, Any]:
    """A deep copy of the aggregate's state, without its queue of pending events."""
    return copy.deepcopy({k: v for k, v in vars(group).items() if k != "_pending_events"})


def assert_refused(
    group: Group, code: str, command: Callable[[], object], *mentions: str
) -> DomainError:
    """Run `command`, expect a DomainError with `code`, and prove nothing was recorded.

    Nothing recorded means: no new pending event (what `collect_events()` would return is
    exactly what was pending before), the version is unchanged, and so is every other
    attribute of the aggregate. `mentions` are figures the message must name.
    """
    pending_before = list(group.pending_events)
    version_before = group.version
    state_before = state_of(group)
    with pytest.raises(DomainError) as caught:
        command()
    error = caught.value
    assert error.code == code, f"expected {code}, got {error.code}: {error.message}"
    assert group.version == version_before
    assert [id(e) for e in group.pending_events] == [id(e) for e in pending_before]
    assert state_of(group) == state_before
    for text in mentions:
        assert text in error.message, f"{text!r} not in {error.message!r}"
    return error


def journal_of(events: Iterable[LedgerAggregate.Event]) -> list[JournalEntry]:
    """Every journal entry the events post, in order."""
    entries = (journal_entry(event) for event in events)
    return [entry for entry in entries if entry is not None]


def balances(entries: Iterable[JournalEntry]) -> dict[str, Decimal]:
    """Signed balance per account: debits positive, credits negative."""
    totals: dict[str, Decimal] = {}
    for entry in entries:
        for posting in entry.postings:
            totals[posting.account] = totals.get(posting.account, Decimal(0)) + posting.signed()
    return totals


def sub_balances(entries: Iterable[JournalEntry], account: str) -> dict[str | None, Decimal]:
    """Signed balance of each sub-account (member) of one account."""
    totals: dict[str | None, Decimal] = {}
    for entry in entries:
        for posting in entry.postings:
            if posting.account == account:
                key = posting.sub_account
                totals[key] = totals.get(key, Decimal(0)) + posting.signed()
    return totals


def assert_books_agree(group: Group) -> None:
    """The trial balance balances, and the journal says what the aggregate says.

    assets (1000 + 1010 + 1100 + 1200 debit balances) = member savings (3000)
    + social fund (3100) + surplus (3200 and this cycle's income less expenses).
    """
    totals = balances(journal_of(events_of(group)))
    assert sum(totals.values(), Decimal(0)) == 0
    amount = {account: totals.get(account, Decimal(0)) for account in
              (*ASSET_ACCOUNTS, "3000", "3100")}
    assets = sum((amount[a] for a in ASSET_ACCOUNTS), Decimal(0))
    surplus = -sum((v for k, v in totals.items() if k[0] in "45" or k == "3200"), Decimal(0))
    assert amount["1000"] == group.loan_fund_cash.amount
    assert amount["1010"] == group.social_fund_cash.amount
    assert amount["1100"] == group.loans_outstanding.amount
    assert amount["1200"] == group.sye_balance.amount
    assert assets == group.assets.amount
    assert -amount["3000"] == group.member_savings.amount
    assert -amount["3100"] == group.social_fund_cash.amount
    assert surplus == group.surplus.amount
    assert group.assets == group.member_savings + group.social_fund_cash + group.surplus

