"""Group posting rules: every money event books a balanced entry on the DESIGN.md chart."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from domain import group_events as ev
from domain.books import GROUP_ACCOUNTS, Posting, cr, dr
from domain.ledger import event_id_text
from domain.money import Money
from domain.postings import journal_entry
from tests.domain.builders import (
    CYCLE_START,
    ENTRY_DAY,
    META,
    MONEY_ENTRIES,
    TODAY,
    GroupBuilder,
    assert_books_agree,
    balances,
    busy_group,
    events_of,
    journal_of,
    meeting,
    sub_balances,
    ugx,
)

# What each entry of MONEY_ENTRIES (recorded in busy_group() on ENTRY_DAY) posts, and how it
# moves the two cash boxes (loan fund, social fund).
EXPECTED: dict[str, tuple[list[Posting], int, int]] = {
    "share_purchase": ([dr("1000", ugx("6000")), cr("3000", ugx("6000"), "amina")], 6000, 0),
    "social_fund_contribution": ([dr("1010", ugx("500")), cr("3100", ugx("500"))], 0, 500),
    "social_fund_grant": ([dr("3100", ugx("800")), cr("1010", ugx("800"))], 0, -800),
    # 4000 for 2 months at 10 %: charge 800, booked as income when disbursed
    "loan_disbursed": ([dr("1100", ugx("4800"), "amina"), cr("1000", ugx("4000")),
                        cr("4000", ugx("800"))], -4000, 0),
    "loan_repaid": ([dr("1000", ugx("1000")), cr("1100", ugx("1000"), "bosco")], 1000, 0),
    "loan_repaid_in_full": ([dr("1000", ugx("5500")), cr("1100", ugx("5500"), "bosco")],
                            5500, 0),
    "loan_written_off": ([dr("5000", ugx("5500")), cr("1100", ugx("5500"), "bosco")], 0, 0),
    "fine": ([dr("1000", ugx("300")), cr("4010", ugx("300"))], 300, 0),
    "enterprise_earnings": ([dr("1000", ugx("1200")), cr("4020", ugx("1200"))], 1200, 0),
    "subscription": ([dr("5020", ugx("1000")), cr("1000", ugx("1000"))], -1000, 0),
    "sar_contribution": ([dr("5010", ugx("1500")), cr("1000", ugx("1500"))], -1500, 0),
    "sye_deposit": ([dr("1200", ugx("1000")), cr("1000", ugx("1000"))], -1000, 0),
    "sye_withdrawal": ([dr("1000", ugx("2000")), cr("1200", ugx("2000"))], 2000, 0),
    "relief_received": ([dr("1010", ugx("5000")), cr("3100", ugx("5000"))], 0, 5000),
}


def test_every_reversible_kind_has_an_expected_posting() -> None:
    assert EXPECTED.keys() == MONEY_ENTRIES.keys()


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_money_event_posts_its_balanced_entry_on_the_group_chart(kind: str) -> None:
    group = busy_group()
    event = MONEY_ENTRIES[kind](group)
    entry = journal_entry(event)
    assert entry is not None and entry.on == ENTRY_DAY
    postings, _, _ = EXPECTED[kind]
    assert list(entry.postings) == postings
    assert sum((p.signed() for p in entry.postings), Decimal(0)) == 0
    assert {p.account for p in entry.postings} <= GROUP_ACCOUNTS.keys()


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_money_event_moves_the_right_cash_box(kind: str) -> None:
    group = busy_group()
    loan_fund, social_fund = group.loan_fund_cash, group.social_fund_cash
    MONEY_ENTRIES[kind](group)
    _, loan_fund_change, social_fund_change = EXPECTED[kind]
    assert group.loan_fund_cash - loan_fund == ugx(loan_fund_change)
    assert group.social_fund_cash - social_fund == ugx(social_fund_change)
    assert_books_agree(group)


def test_events_that_move_no_money_post_nothing() -> None:
    builder = GroupBuilder().members("amina").on(CYCLE_START).cycle()
    group = builder.group
    group.hold_meeting(held_on=meeting(1), attendance=["amina"], meta=META, today=TODAY)
    group.count_cash(ugx("10"), ugx("0"), on=meeting(1), meta=META, today=TODAY)
    group.exit_member("amina", on=meeting(1), meta=META, today=TODAY)  # no savings
    group.share_out(on=meeting(2), meta=META, today=TODAY)  # nothing to share
    for event in events_of(group):
        assert journal_entry(event) is None, type(event).__name__
    assert {type(e) for e in events_of(group)} == {
        ev.Registered, ev.MemberJoined, ev.CycleStarted, ev.MeetingHeld, ev.CashCounted,
        ev.MemberExited, ev.CycleSharedOut,
    }


def test_a_loan_without_a_service_charge_has_no_income_line() -> None:
    builder = GroupBuilder().members("amina").on(CYCLE_START).cycle(rate="0")
    builder.on(meeting(1)).shares("amina", 5).loan("amina", "1000", 3, "L1")
    entry = journal_entry(builder.last)
    assert entry is not None
    assert list(entry.postings) == [dr("1100", ugx("1000"), "amina"), cr("1000", ugx("1000"))]


def test_member_savings_have_a_sub_ledger_per_member() -> None:
    builder = GroupBuilder().members("amina", "bosco").on(CYCLE_START).cycle()
    builder.on(meeting(1)).shares("amina", 5).shares("bosco", 2)
    builder.on(meeting(2)).shares("amina", 1)
    entries = journal_of(events_of(builder.group))
    # credit balances: amina 6 × 2000 = 12000, bosco 2 × 2000 = 4000
    assert sub_balances(entries, "3000") == {"amina": Decimal(-12000), "bosco": Decimal(-4000)}


def test_the_books_of_a_whole_year_balance_and_agree_with_the_group() -> None:
    """Two cycles with every kind of entry, an exit, reversals and a share-out.

    After every entry the trial balance balances and assets (1000 + 1010 + 1100 + 1200)
    equal member savings (3000) + social fund (3100) + surplus (3200 + income − expenses).
    """
    builder = GroupBuilder().members("amina", "bosco", "cate", "dan").on(CYCLE_START).cycle()
    group = builder.group
    steps: list[Callable[[], object]] = [
        lambda: builder.on(meeting(1)).shares("amina", 5).shares("bosco", 4).shares("cate", 3),
        lambda: builder.shares("dan", 2).social_fund("amina", "bosco", "cate", "dan"),
        lambda: builder.on(meeting(2)).loan("amina", "12000", 3, "L1"),
        lambda: builder.loan("bosco", "8000", 2, "L2").fine("cate", "250"),
        lambda: builder.sye_deposit("1000", "t-1").earnings("3333"),
        lambda: group.contribute_sar(ugx("500"), "t-2", on=meeting(3), meta=META, today=TODAY),
        lambda: group.pay_subscription("2026", ugx("700"), "t-3", on=meeting(3), meta=META,
                                       today=TODAY),
        lambda: builder.on(meeting(4)).repay("L1", "5000").repay("L2", "9600"),
        lambda: builder.grant("dan", "1500"),
        lambda: group.receive_relief("h-1", ugx("9000"), "t-4", on=meeting(5), meta=META,
                                     today=TODAY),
        lambda: group.exit_member("dan", on=meeting(5), meta=META, today=TODAY),
        lambda: group.write_off_loan("L1", "moved away", on=meeting(6), meta=META,
                                     today=TODAY),
        lambda: builder.on(meeting(6)).shares("cate", 5).fine("bosco", "100"),
        lambda: group.reverse(str(builder.last.event_id), "wrong member", on=meeting(6),
                              meta=META, today=TODAY),
        lambda: group.withdraw_sye(ugx("400"), "t-5", on=meeting(7), meta=META, today=TODAY),
        lambda: builder.on(meeting(8)).share_out(),
        lambda: builder.on(meeting(9)).cycle(share_value="1000", social_fund="200"),
        lambda: builder.on(meeting(10)).shares("amina", 3).social_fund("amina", "bosco"),
        lambda: builder.loan("amina", "3000", 1, "L3"),
    ]
    for step in steps:
        step()
        assert_books_agree(group)
    totals = balances(journal_of(events_of(group)))
    assert sum(totals.values(), Decimal(0)) == 0
    assert set(totals) <= GROUP_ACCOUNTS.keys()
    # after the share-out, the closed cycle's income and expense accounts are back at zero
    # and only cycle 2's charge (3000 × 0.10 = 300) is income
    assert totals.get("4000") == Decimal(-300)
    assert all(totals.get(a, Decimal(0)) == 0 for a in ("4010", "4020", "5000", "5010", "5020"))
    assert group.assets == group.member_savings + group.social_fund_cash + group.surplus


def test_trial_balance_as_of_a_date_balances() -> None:
    builder = GroupBuilder().members("amina", "bosco").on(CYCLE_START).cycle()
    builder.on(meeting(1)).shares("amina", 5).shares("bosco", 5)
    builder.on(meeting(2)).loan("amina", "9000", 2, "L1").earnings("77")
    builder.on(meeting(3)).repay("L1", "2000")
    entries = journal_of(events_of(builder.group))
    for cut in (meeting(1), meeting(2), meeting(3)):
        as_of = balances(e for e in entries if e.on <= cut)
        assert sum(as_of.values(), Decimal(0)) == 0
    before_loan = balances(e for e in entries if e.on < meeting(2))
    assert before_loan == {"1000": Decimal(20000), "3000": Decimal(-20000)}


def test_a_reversal_entry_uses_the_reversal_date() -> None:
    group = busy_group()
    fine = group.charge_fine("bosco", ugx("300"), "late", on=ENTRY_DAY, meta=META, today=TODAY)
    reversal = group.reverse(str(fine.event_id), "wrong member", on=meeting(4), meta=META,
                             today=TODAY)
    entry = journal_entry(reversal)
    assert entry is not None and entry.on == meeting(4)
    assert list(entry.postings) == [cr("1000", ugx("300")), dr("4010", ugx("300"))]
    assert Money.zero("UGX") == group.income["4010"]


def test_an_events_id_text_is_its_own_whichever_event_was_asked_about_before() -> None:
    # `event_id_text` remembers the last event it was asked about: asked about events in
    # any order, each gets its own id's text, and its journal entry names that id.
    events = [event for event in events_of(busy_group()) if isinstance(event, ev.MoneyEvent)]
    assert len(events) > 2
    for event in [*events, events[0], events[-1], events[0], events[0]]:
        assert event_id_text(event) == str(event.event_id)
        entry = journal_entry(event)
        assert entry is not None and entry.description.endswith(str(event.event_id))
