"""Reversals: the exact opposite state and entry, once only, never breaking another rule."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any, TypeVar

import pytest

from domain import group_events as ev
from domain.group import Group
from domain.ledger import LedgerAggregate
from domain.postings import journal_entry
from tests.domain.builders import (
    AT,
    CYCLE_START,
    ENTRY_DAY,
    META,
    MONEY_ENTRIES,
    TODAY,
    GroupBuilder,
    assert_books_agree,
    assert_refused,
    busy_group,
    meeting,
    ugx,
)

E = TypeVar("E")
REVERSAL_DAY = meeting(3)  # 2026-02-02


def first(group: Group, event_class: type[E]) -> E:
    """The group's first event of `event_class`."""
    return next(e for e in group.pending_events if isinstance(e, event_class))


def money_state(group: Group) -> dict[str, object]:
    """Everything an entry can move, with zero balances left out."""
    cycle = group.open_cycle
    assert cycle is not None
    return {
        "loan_fund_cash": group.loan_fund_cash,
        "social_fund_cash": group.social_fund_cash,
        "sye_balance": group.sye_balance,
        "sar_standing": group.sar_standing,
        "surplus": group.surplus,
        "income": {k: v for k, v in group.income.items() if not v.is_zero},
        "expenses": {k: v for k, v in group.expenses.items() if not v.is_zero},
        "shares": {k: n for k, n in cycle.shares.items() if n},
        "shares_by_day": {k: n for k, n in cycle.shares_by_day.items() if n},
        "loans": {
            loan_id: (loan.status, loan.charge_paid, loan.principal_paid, loan.written_off)
            for loan_id, loan in group.loans.items() if loan.status != "reversed"
        },
        "loans_outstanding": group.loans_outstanding,
        "member_savings": group.member_savings,
    }


def reverse(
    group: Group, event: LedgerAggregate.Event, on: date = REVERSAL_DAY
) -> ev.EntryReversed:
    return group.reverse(str(event.event_id), "typed in twice", on=on, meta=META, today=TODAY)


@pytest.mark.parametrize("kind", sorted(MONEY_ENTRIES))
def test_a_reversal_restores_the_exact_state_and_books_the_opposite_entry(kind: str) -> None:
    group = busy_group()
    before = money_state(group)
    original = MONEY_ENTRIES[kind](group)
    assert money_state(group) != before

    reversal = reverse(group, original)

    assert money_state(group) == before
    assert reversal.reversed_event_id == str(original.event_id)
    assert reversal.reason == "typed in twice" and reversal.on == REVERSAL_DAY
    assert reversal.reversed.kind == kind.removesuffix("_in_full")
    original_entry, reversal_entry = journal_entry(original), journal_entry(reversal)
    assert original_entry is not None and reversal_entry is not None
    assert reversal_entry == original_entry.reversed(REVERSAL_DAY, reversal_entry.description)
    assert str(original.event_id) in reversal_entry.description
    assert_books_agree(group)


@pytest.mark.parametrize("kind", sorted(MONEY_ENTRIES))
def test_an_entry_is_reversed_once_and_a_reversal_is_not_reversed(kind: str) -> None:
    group = busy_group()
    original = MONEY_ENTRIES[kind](group)
    reversal = reverse(group, original)
    assert_refused(group, "already_reversed", lambda: reverse(group, original),
                   str(reversal.event_id))
    assert_refused(group, "not_reversible", lambda: reverse(group, reversal), "reversal")


def test_registrations_cycle_starts_share_outs_and_other_facts_are_not_reversible() -> None:
    builder = GroupBuilder().members("amina").on(CYCLE_START).cycle()
    group = builder.group
    group.hold_meeting(held_on=meeting(1), attendance=["amina"], meta=META, today=TODAY)
    group.count_cash(ugx("0"), ugx("0"), on=meeting(1), meta=META, today=TODAY)
    group.exit_member("amina", on=meeting(1), meta=META, today=TODAY)
    group.share_out(on=meeting(2), meta=META, today=TODAY)
    names = {
        ev.Registered: "registration", ev.MemberJoined: "member joined",
        ev.CycleStarted: "cycle start", ev.MeetingHeld: "meeting",
        ev.CashCounted: "cash count", ev.MemberExited: "member exit",
        ev.CycleSharedOut: "share out",
    }
    for event in list(group.pending_events):
        assert isinstance(event, LedgerAggregate.Event)
        assert_refused(group, "not_reversible", partial(reverse, group, event, on=meeting(3)),
                       names[type(event)], "book a new entry")


def test_an_unknown_event_is_not_found() -> None:
    group = busy_group()
    assert_refused(group, "event_not_found", lambda: group.reverse(
        "00000000-0000-0000-0000-000000000000", "typo", on=REVERSAL_DAY, meta=META,
        today=TODAY), "00000000-0000-0000-0000-000000000000")


def test_an_entry_of_a_closed_cycle_is_not_reversible() -> None:
    group = busy_group()
    fine = group.charge_fine("bosco", ugx("300"), "late", **AT)
    group.repay_loan("L0", ugx("5500"), **AT)
    group.share_out(on=ENTRY_DAY, meta=META, today=TODAY)
    assert_refused(group, "not_reversible", lambda: reverse(group, fine), "closed")


def test_a_reversal_needs_a_reason_and_a_date_not_before_its_entry() -> None:
    group = busy_group()
    fine = group.charge_fine("bosco", ugx("300"), "late", **AT)
    assert_refused(group, "invalid_input", lambda: group.reverse(
        str(fine.event_id), " ", on=REVERSAL_DAY, meta=META, today=TODAY), "reason")
    assert_refused(group, "invalid_date", lambda: reverse(group, fine, on=meeting(1)),
                   "2026-01-26")
    assert_refused(group, "date_in_future", lambda: reverse(
        group, fine, on=TODAY + timedelta(days=1)))
    reverse(group, fine, on=ENTRY_DAY)  # the same day is fine


# --- a reversal must not break another rule -----------------------------------------


def test_a_loan_with_repayments_is_reversed_only_after_its_repayments() -> None:
    group = busy_group()
    loan = first(group, ev.LoanDisbursed)
    repayment = group.repay_loan("L0", ugx("1000"), **AT)
    assert_refused(group, "reversal_breaks_rule", lambda: reverse(group, loan),
                   "1 repayment", "reverse those first")
    reverse(group, repayment)
    reverse(group, loan)
    assert group.loans["L0"].status == "reversed" and group.loans_outstanding == ugx("0")
    # cash 13000 + 5000 principal back; the charge of 500 is no longer income
    assert group.loan_fund_cash == ugx("18000") and group.surplus == ugx("0")
    assert_refused(group, "loan_not_found", lambda: group.repay_loan(
        "L0", ugx("1"), on=REVERSAL_DAY, meta=META, today=TODAY))
    assert_books_agree(group)


def test_a_written_off_loan_is_reversed_only_after_its_write_off() -> None:
    group = busy_group()
    loan = first(group, ev.LoanDisbursed)
    write_off = group.write_off_loan("L0", "gone", **AT)
    assert_refused(group, "reversal_breaks_rule", lambda: reverse(group, loan),
                   "write-off")
    reverse(group, write_off)
    assert group.loans["L0"].status == "open"
    reverse(group, loan)
    assert_books_agree(group)


def test_a_share_purchase_whose_cash_was_lent_out_is_not_reversed() -> None:
    # amina and bosco: 5 shares each, cash 20000; bosco borrows 15000 → cash 5000.
    builder = GroupBuilder().members("amina", "bosco").on(CYCLE_START).cycle()
    builder.on(meeting(1)).shares("amina", 5)
    purchase = builder.last
    builder.shares("bosco", 5).on(meeting(2)).loan("bosco", "15000", 1, "L1")
    group = builder.group
    assert_refused(group, "reversal_breaks_rule", lambda: reverse(group, purchase),
                   "5000", "10000")
    group.repay_loan("L1", ugx("5000"), on=REVERSAL_DAY, meta=META, today=TODAY)
    reverse(group, purchase)  # cash is 10000 again: now it can be given back
    assert group.loan_fund_cash == ugx("0")


def test_a_share_purchase_without_which_a_loan_exceeds_its_limit_is_not_reversed() -> None:
    # Loans ≤ 1 × savings. amina buys 5 shares at meetings 1 and 2 (20000 savings);
    # bosco and cate buy 10 shares each: cash 60000. amina borrows 20000: cash 40000.
    # Without the 2nd purchase amina's savings would be 10000 < her loan of 20000.
    builder = GroupBuilder().members("amina", "bosco", "cate").on(CYCLE_START)
    builder.cycle(multiple="1")
    for day in (meeting(1), meeting(2)):
        builder.on(day).shares("bosco", 5).shares("cate", 5).shares("amina", 5)
    second_purchase = builder.last
    builder.loan("amina", "20000", 1, "L1")
    group = builder.group
    assert_refused(group, "reversal_breaks_rule", lambda: reverse(group, second_purchase),
                   "L1", "20000", "limit 10000")
    group.repay_loan("L1", ugx("22000"), on=REVERSAL_DAY, meta=META, today=TODAY)
    reverse(group, second_purchase)
    assert_books_agree(group)


def test_shares_of_an_exited_member_are_not_reversed() -> None:
    builder = GroupBuilder().members("amina", "bosco").on(CYCLE_START).cycle()
    builder.on(meeting(1)).shares("amina", 5)
    purchase = builder.last
    group = builder.shares("bosco", 5).group
    group.exit_member("amina", on=meeting(2), meta=META, today=TODAY)
    assert_refused(group, "reversal_breaks_rule", lambda: reverse(group, purchase),
                   "Amina", "exited")


def test_a_loan_settled_at_an_exit_is_not_reversed() -> None:
    group = busy_group()
    loan = first(group, ev.LoanDisbursed)
    repayment = group.repay_loan("L0", ugx("500"), **AT)
    group.exit_member("bosco", on=ENTRY_DAY, meta=META, today=TODAY)
    for event in (repayment, loan):
        assert_refused(group, "reversal_breaks_rule", partial(reverse, group, event),
                       "settled")


def test_money_already_spent_is_not_given_back() -> None:
    group = busy_group()
    relief = group.receive_relief("h-1", ugx("5000"), "t-1", **AT)
    group.pay_social_fund_grant("amina", ugx("5500"), "flood", **AT)
    assert_refused(group, "reversal_breaks_rule", lambda: reverse(group, relief),
                   "social-fund cash of 500", "5000")
    withdrawal = group.withdraw_sye(ugx("2000"), "t-2", **AT)
    group.disburse_loan("amina", ugx("15000"), 1, loan_id="L1", **AT)  # cash 15000 → 0
    assert_refused(group, "reversal_breaks_rule", lambda: reverse(group, withdrawal),
                   "loan-fund cash of 0", "2000")
    deposit = first(group, ev.SyeDeposited)
    assert_refused(group, "reversal_breaks_rule", lambda: reverse(group, deposit),
                   "SYE balance of 0")


def test_reversing_a_repayment_reopens_its_loan_only_where_a_loan_may_be_open() -> None:
    group = busy_group()
    repaid = group.repay_loan("L0", ugx("5500"), **AT)
    written_off = group.disburse_loan("bosco", ugx("1000"), 1, loan_id="L1", **AT)
    write_off = group.write_off_loan("L1", "gone", on=REVERSAL_DAY, meta=META, today=TODAY)
    group.disburse_loan("bosco", ugx("1000"), 1, loan_id="L2", on=REVERSAL_DAY, meta=META,
                        today=TODAY)
    # bosco has L2 open; reopening L0 or L1 would give him two open loans
    assert_refused(group, "reversal_breaks_rule", lambda: reverse(group, repaid),
                   "L0", "1 open loan")
    assert_refused(group, "reversal_breaks_rule", lambda: reverse(group, write_off),
                   "L1", "allows 1")
    group.repay_loan("L2", ugx("1100"), on=REVERSAL_DAY, meta=META, today=TODAY)
    reverse(group, repaid)
    assert group.loans["L0"].status == "open" and group.loans["L0"].outstanding == ugx("5500")
    assert written_off.loan_id == "L1"
    assert_books_agree(group)


def test_reversing_a_repayment_does_not_reopen_the_loan_of_an_exited_member() -> None:
    group = busy_group()
    repaid = group.repay_loan("L0", ugx("5500"), **AT)
    group.exit_member("bosco", on=ENTRY_DAY, meta=META, today=TODAY)
    assert_refused(group, "reversal_breaks_rule", lambda: reverse(group, repaid),
                   "Bosco", "exited")


def test_a_share_out_keeps_only_the_dates_and_reversers_of_its_cycle_entries() -> None:
    group = busy_group()
    fine = group.charge_fine("bosco", ugx("300"), "late", **AT)
    typo = group.charge_fine("bosco", ugx("200"), "late", **AT)
    reversal = reverse(group, typo, on=ENTRY_DAY)
    group.repay_loan("L0", ugx("5500"), **AT)
    open_entries = set(group.entries)
    group.share_out(on=ENTRY_DAY, meta=META, today=TODAY)
    assert group.entries == {}
    assert group.closed_entries is not None  # replayed: every one
    assert set(group.closed_entries) == open_entries
    assert len(group.closed_entries) == len(open_entries)
    assert group.closed_entries.get(str(fine.event_id)) == (ENTRY_DAY.isoformat(), None)
    assert group.closed_entries.get(str(typo.event_id)) == (
        ENTRY_DAY.isoformat(), str(reversal.event_id))
    assert group.closed_entries.get(str(reversal.event_id)) is None  # not an entry
    assert group.closed_entries.get(str(fine.event_id).upper()) is None
    assert group.closed_entries.get("not-an-id") is None
    # The cycle's loans leave with it, their status kept; its shares per day are dropped.
    assert group.loans == {}
    assert group.closed_loans == {"L0": "repaid"}
    assert group.cycles[-1].shares_by_day == {}
    later: dict[str, Any] = {"on": TODAY, "meta": META, "today": TODAY}
    assert_refused(group, "loan_not_open", lambda: group.repay_loan("L0", ugx("1"), **later),
                   "repaid")
    # Refused as before the records left: reversed once, or belonging to a closed cycle.
    assert_refused(group, "already_reversed", lambda: reverse(group, typo),
                   str(reversal.event_id))
    assert_refused(group, "not_reversible", lambda: reverse(group, fine), "closed",
                   ENTRY_DAY.isoformat())
