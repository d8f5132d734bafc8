"""Union reversals and posting rules: exact opposite entries, once, never breaking a rule."""

from __future__ import annotations

from datetime import date
from functools import partial
from uuid import uuid4

import pytest

from domain.ledger import LedgerAggregate
from domain.union import Union
from domain.union_postings import union_journal_entry
from tests.domain.union_fixtures import (
    GROUP_A,
    META,
    PAID_ON,
    TODAY,
    declare,
    entries,
    events,
    events_of,
    funded_union,
    new_union,
    pay_all_subscriptions,
    payout,
    refused,
    ugx,
)

# --- reversals --------------------------------------------------------------------------


def test_reversal_restores_every_balance_from_its_own_date() -> None:
    union = funded_union(sar=10000, sye=5000)
    sar = union.receive_sar_contribution(GROUP_A, ugx(2000), transfer_id=uuid4(),
                                         on=date(2026, 3, 1), meta=META, today=TODAY)
    transfer = uuid4()
    reversal = union.reverse(sar.event_id, "bounced", on=date(2026, 3, 10), meta=META,
                             today=TODAY, transfer_id=transfer)
    assert union.sar_standing(GROUP_A) == ugx(10000)
    assert union.sar_standing(GROUP_A, as_of=date(2026, 3, 9)) == ugx(12000)
    assert union.is_reversed(sar.event_id)
    assert union.event_for_transfer(transfer) == reversal.event_id
    assert (reversal.reversed_kind, reversal.amount, reversal.group_id) == (
        "sar_contribution", ugx(2000), GROUP_A,
    )


def test_a_sar_reversal_after_declaration_still_counts_for_that_hazard() -> None:
    union = funded_union(sar=10000, sye=0)
    hazard = declare(union)
    [sar_event] = events_of(union, Union.SarContributionReceived)
    union.reverse(sar_event.event_id, "bounced", on=date(2026, 5, 5), meta=META, today=TODAY)
    assert union.entitlement(hazard, GROUP_A).sar_standing == ugx(10000)
    assert union.sar_standing(GROUP_A) == ugx(0)


@pytest.mark.parametrize("kind", [Union.SubscriptionReceived, Union.SyeDepositReceived,
                                  Union.SyeWithdrawn, Union.ReliefFundGrantReceived,
                                  Union.IncomeAllocatedToReliefFund, Union.ReliefPayoutMade])
def test_every_money_event_can_be_reversed_once(kind: type[LedgerAggregate.Event]) -> None:
    union = funded_union()
    hazard = declare(union)
    union.withdraw_sye(GROUP_A, ugx(100), transfer_id=uuid4(), on=PAID_ON, meta=META, today=TODAY)
    union.allocate_income_to_relief_fund(ugx(100), on=PAID_ON, meta=META, today=TODAY)
    payout(union, hazard, 100)
    union.receive_sye_deposit(GROUP_A, ugx(1000), transfer_id=uuid4(), on=PAID_ON, meta=META,
                              today=TODAY)
    event = events_of(union, kind)[-1]
    union.reverse(event.event_id, "typing error", on=TODAY, meta=META, today=TODAY)
    original, reversal = union_journal_entry(event), entries(union)[-1]
    assert original is not None
    assert reversal == original.reversed(TODAY, reversal.description)
    assert "typing error" in reversal.description
    refused(union, "already_reversed", lambda: union.reverse(
        event.event_id, "again", on=TODAY, meta=META, today=TODAY))


def test_reversal_refuses() -> None:
    union = funded_union(sar=10000, sye=5000, grant=1000)
    hazard = declare(union)
    history = events(union)
    registration, affiliation, hazard_event = history[0], history[1], history[-1]
    sar = events_of(union, Union.SarContributionReceived)[0]
    grant = events_of(union, Union.ReliefFundGrantReceived)[0]
    sye = events_of(union, Union.SyeDepositReceived)[0]
    for fixed in (registration, affiliation, hazard_event):
        refused(union, "not_reversible", partial(
            union.reverse, fixed.event_id, "x", on=TODAY, meta=META, today=TODAY))
    refused(union, "event_not_found", lambda: union.reverse(
        uuid4(), "x", on=TODAY, meta=META, today=TODAY))
    refused(union, "invalid_input", lambda: union.reverse(
        sar.event_id, " ", on=TODAY, meta=META, today=TODAY))
    refused(union, "invalid_date", lambda: union.reverse(
        sar.event_id, "x", on=date(2026, 1, 31), meta=META, today=TODAY))
    payout(union, hazard, 10500)  # the fund now holds 500
    refused(union, "reversal_breaks_rule", lambda: union.reverse(
        sar.event_id, "x", on=TODAY, meta=META, today=TODAY))
    refused(union, "reversal_breaks_rule", lambda: union.reverse(
        grant.event_id, "x", on=TODAY, meta=META, today=TODAY))
    union.withdraw_sye(GROUP_A, ugx(4000), transfer_id=uuid4(), on=TODAY, meta=META, today=TODAY)
    refused(union, "reversal_breaks_rule", lambda: union.reverse(
        sye.event_id, "x", on=TODAY, meta=META, today=TODAY))


def test_a_reversal_cannot_be_reversed() -> None:
    union = funded_union()
    sar = events_of(union, Union.SarContributionReceived)[0]
    reversal = union.reverse(sar.event_id, "bounced", on=TODAY, meta=META, today=TODAY)
    error = refused(union, "not_reversible", lambda: union.reverse(
        reversal.event_id, "undo", on=TODAY, meta=META, today=TODAY))
    assert "book a new entry instead" in error.message


def test_a_back_dated_reversal_may_not_undercut_relief_already_paid() -> None:
    union = funded_union(sar=10000, sye=5000)
    hazard = declare(union)
    payout(union, hazard, 30000)
    sar = events_of(union, Union.SarContributionReceived)[0]
    refused(union, "reversal_breaks_rule", lambda: union.reverse(
        sar.event_id, "bounced", on=date(2026, 2, 1), meta=META, today=TODAY))
    subscription = events_of(union, Union.SubscriptionReceived)
    refused(union, "reversal_breaks_rule", lambda: union.reverse(
        subscription[0].event_id, "bounced", on=date(2026, 5, 1), meta=META, today=TODAY))


def test_reversing_a_subscription_already_allocated_is_refused() -> None:
    union = new_union()
    pay_all_subscriptions(union, GROUP_A, date(2025, 3, 31))
    [subscription] = events_of(union, Union.SubscriptionReceived)
    union.allocate_income_to_relief_fund(ugx(10000), on=date(2025, 2, 1), meta=META, today=TODAY)
    refused(union, "reversal_breaks_rule", lambda: union.reverse(
        subscription.event_id, "x", on=TODAY, meta=META, today=TODAY))



# --- posting rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "debit", "credit"),
    [
        (Union.SubscriptionReceived, "1000", "4000"),
        (Union.SarContributionReceived, "1000", "3000"),
        (Union.ReliefFundGrantReceived, "1000", "3000"),
        (Union.IncomeAllocatedToReliefFund, "4000", "3000"),
        (Union.SyeDepositReceived, "1000", "2000"),
        (Union.SyeWithdrawn, "2000", "1000"),
        (Union.ReliefPayoutMade, "3000", "1000"),
    ],
)
def test_each_money_event_posts_to_the_union_chart(
    kind: type[LedgerAggregate.Event], debit: str, credit: str
) -> None:
    union = funded_union()
    hazard = declare(union)
    union.withdraw_sye(GROUP_A, ugx(100), transfer_id=uuid4(), on=PAID_ON, meta=META, today=TODAY)
    union.allocate_income_to_relief_fund(ugx(100), on=PAID_ON, meta=META, today=TODAY)
    payout(union, hazard, 100)
    event = events_of(union, kind)[0]
    entry = union_journal_entry(event)
    assert entry is not None and entry.on == event.on
    sides = {(p.side, p.account) for p in entry.postings}
    assert sides == {("debit", debit), ("credit", credit)}
    sub_accounts = {p.sub_account for p in entry.postings if p.account == "2000"}
    assert sub_accounts <= {str(GROUP_A)}
