"""The Union aggregate: every command accepted, every rule refused with nothing booked."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from domain.errors import DomainError
from domain.money import Money
from domain.subscriptions import ArrearsLine, SubscriptionSchedule
from domain.union import Union
from domain.union_records import Affiliation
from tests.domain.union_fixtures import (
    AFFILIATED_ON,
    DECLARED_ON,
    GROUP_A,
    GROUP_B,
    META,
    REGISTERED_ON,
    STRANGER,
    TODAY,
    UNION_ID,
    declare,
    funded_union,
    new_union,
    pay_all_subscriptions,
    payout,
    policy,
    quarterly,
    refused,
    replayed,
    state_of,
    ugx,
)

# --- registration -----------------------------------------------------------------------


def test_register_records_the_union_with_the_default_policy() -> None:
    union = new_union(groups={})
    assert (union.id, union.code, union.name, union.currency, union.version) == (
        UNION_ID, "MBL", "Mbale CLUN", "UGX", 1,
    )
    [event] = union.pending_events
    assert isinstance(event, Union.Registered)
    assert (event.on, event.actor, event.request_id) == (REGISTERED_ON, "test", "req-1")
    assert union.policy_in_force(TODAY) == policy()
    assert union.schedule_in_force(TODAY) == quarterly()
    assert union.head_hash == event.chain_hash


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"currency": "XXX"}, "unknown_currency"),
        ({"code": "  "}, "invalid_input"),
        ({"name": ""}, "invalid_input"),
        ({"schedule": SubscriptionSchedule("monthly", Money.of(5, "KES"), 0)}, "currency_mismatch"),
        ({"policy": policy(cap_per_hazard=Money.of(5, "KES"))}, "currency_mismatch"),
        ({"on": date(2026, 11, 2)}, "date_in_future"),
    ],
)
def test_register_refuses(changes: dict[str, object], code: str) -> None:
    arguments: dict[str, object] = {
        "code": "MBL", "name": "Mbale CLUN", "currency": "UGX", "schedule": quarterly(),
        "policy": None, "on": REGISTERED_ON, "meta": META, "today": TODAY,
    }
    arguments.update(changes)
    with pytest.raises(DomainError) as caught:
        Union.register(**arguments)  # type: ignore[arg-type]
    assert caught.value.code == code


# --- schedule and policy ----------------------------------------------------------------


def test_schedule_change_applies_from_the_next_period() -> None:
    union = new_union()
    monthly = SubscriptionSchedule("monthly", ugx(4000), 10)
    union.change_subscription_schedule(monthly, effective_on=date(2026, 2, 15),
                                       on=date(2026, 2, 1), meta=META, today=TODAY)
    assert union.schedule_in_force(date(2026, 3, 31)) == quarterly()
    assert union.schedule_in_force(date(2026, 4, 1)) == monthly
    assert [line.period for line in union.arrears(GROUP_A, date(2026, 5, 1))][-2:] == [
        "2026-Q1", "2026-04",
    ]


def test_schedule_change_refuses() -> None:
    union = funded_union()
    declare(union)
    refused(union, "change_affects_history", lambda: union.change_subscription_schedule(
        quarterly("12000"), effective_on=DECLARED_ON, on=TODAY, meta=META, today=TODAY))
    refused(union, "change_affects_history", lambda: union.change_subscription_schedule(
        SubscriptionSchedule("monthly", ugx(3000), 0), effective_on=date(2025, 1, 1),
        on=TODAY, meta=META, today=TODAY))  # also orphans paid quarters
    refused(union, "currency_mismatch", lambda: union.change_subscription_schedule(
        SubscriptionSchedule("monthly", Money.of(3, "USD"), 0), effective_on=TODAY, on=TODAY,
        meta=META, today=TODAY))
    refused(union, "date_in_future", lambda: union.change_subscription_schedule(
        quarterly(), effective_on=TODAY, on=date(2026, 11, 2), meta=META, today=TODAY))


def test_schedule_change_refuses_to_orphan_paid_periods() -> None:
    union = new_union()
    pay_all_subscriptions(union, GROUP_A, date(2026, 4, 1))
    error = refused(union, "change_affects_history", lambda: union.change_subscription_schedule(
        SubscriptionSchedule("monthly", ugx(3000), 0), effective_on=date(2026, 1, 1),
        on=date(2026, 4, 2), meta=META, today=TODAY))
    assert "period 2026-Q2 (paid 10000) would no longer be owed" in error.message


def test_relief_policy_history_is_kept() -> None:
    union = new_union()
    generous = policy(date(2026, 3, 1), sar_multiplier="4")
    union.set_relief_policy(generous, on=date(2026, 2, 1), meta=META, today=TODAY)
    assert union.policy_in_force(date(2026, 2, 28)) == policy()
    assert union.policy_in_force(date(2026, 3, 1)) == generous
    assert union.policy_history == [policy(), generous]


def test_relief_policy_refuses() -> None:
    union = funded_union()
    declare(union)
    refused(union, "change_affects_history", lambda: union.set_relief_policy(
        policy(DECLARED_ON), on=TODAY, meta=META, today=TODAY))
    refused(union, "currency_mismatch", lambda: union.set_relief_policy(
        policy(TODAY, cap_per_hazard=Money.of(10, "EUR")), on=TODAY, meta=META, today=TODAY))
    refused(union, "date_in_future", lambda: union.set_relief_policy(
        policy(TODAY), on=date(2026, 12, 1), meta=META, today=TODAY))


# --- affiliation ------------------------------------------------------------------------


def test_affiliate_group() -> None:
    union = new_union(groups={})
    event = union.affiliate_group(GROUP_A, " Tusubira ", affiliated_on=AFFILIATED_ON, meta=META,
                                  today=TODAY)
    assert (event.on, event.group_name) == (AFFILIATED_ON, "Tusubira")
    assert union.has_group(GROUP_A) and not union.has_group(GROUP_B)
    assert union.groups() == [Affiliation(GROUP_A, "Tusubira", AFFILIATED_ON)]


def test_affiliate_group_refuses() -> None:
    union = new_union()
    refused(union, "group_already_affiliated", lambda: union.affiliate_group(
        GROUP_A, "Again", affiliated_on=AFFILIATED_ON, meta=META, today=TODAY))
    refused(union, "date_in_future", lambda: union.affiliate_group(
        GROUP_B, "Later", affiliated_on=date(2026, 11, 2), meta=META, today=TODAY))
    refused(union, "invalid_input", lambda: union.affiliate_group(
        GROUP_B, " ", affiliated_on=AFFILIATED_ON, meta=META, today=TODAY))


# --- subscriptions ----------------------------------------------------------------------


def test_subscriptions_may_be_partial_and_clear_arrears() -> None:
    union = new_union()
    pay_all_subscriptions(union, GROUP_A, date(2025, 12, 31))
    union.receive_subscription(GROUP_A, "2026-Q1", ugx(4000), transfer_id=uuid4(),
                               on=date(2026, 1, 20), meta=META, today=TODAY)
    assert union.arrears(GROUP_A, date(2026, 3, 1)) == [
        ArrearsLine("2026-Q1", date(2026, 1, 31), ugx(10000), ugx(4000))
    ]
    union.receive_subscription(GROUP_A, "2026-Q1", ugx(6000), transfer_id=uuid4(),
                               on=date(2026, 3, 2), meta=META, today=TODAY)
    assert union.arrears(GROUP_A, date(2026, 3, 1)) != []  # as of then, still short
    assert union.arrears(GROUP_A, date(2026, 3, 3)) == []
    assert union.subscriptions_received_total() == ugx(50000)  # 2025-Q1 … Q4 and 2026-Q1
    assert union.unallocated_income() == ugx(50000)


@pytest.mark.parametrize(
    ("group_id", "period", "amount", "on", "code"),
    [
        (STRANGER, "2026-Q1", 1000, date(2026, 2, 1), "group_not_found"),
        (GROUP_A, "2026-03", 1000, date(2026, 2, 1), "invalid_period"),
        (GROUP_A, "2026-Q5", 1000, date(2026, 2, 1), "invalid_period"),
        (GROUP_A, "2024-Q4", 1000, date(2026, 2, 1), "invalid_period"),
        (GROUP_A, "2026-Q1", 10001, date(2026, 2, 1), "subscription_overpaid"),
        (GROUP_A, "2026-Q1", 0, date(2026, 2, 1), "invalid_amount"),
        (GROUP_A, "2026-Q1", 1000, date(2025, 1, 9), "date_before_affiliation"),
        (GROUP_A, "2026-Q1", 1000, date(2026, 11, 2), "date_in_future"),
    ],
)
def test_subscription_refuses(
    group_id: UUID, period: str, amount: int, on: date, code: str
) -> None:
    union = new_union()
    refused(union, code, lambda: union.receive_subscription(
        group_id, period, ugx(amount), transfer_id=uuid4(), on=on, meta=META, today=TODAY))


def test_a_transfer_is_booked_once_and_found_again() -> None:
    union = new_union()
    transfer = uuid4()
    event = union.receive_sar_contribution(GROUP_A, ugx(500), transfer_id=transfer,
                                           on=date(2026, 2, 1), meta=META, today=TODAY)
    assert union.event_for_transfer(transfer) == event.event_id
    assert union.event_for_transfer(uuid4()) is None
    refused(union, "duplicate_transfer", lambda: union.receive_sye_deposit(
        GROUP_A, ugx(500), transfer_id=transfer, on=date(2026, 2, 1), meta=META, today=TODAY))
    refused(union, "currency_mismatch", lambda: union.receive_sar_contribution(
        GROUP_A, Money.of("5.00", "KES"), transfer_id=uuid4(), on=date(2026, 2, 1), meta=META,
        today=TODAY))


# --- SAR and SYE ------------------------------------------------------------------------


def test_sar_and_sye_standings_are_dated() -> None:
    union = funded_union(sar=10000, sye=5000)
    assert union.sar_standing(GROUP_A) == ugx(10000)
    assert union.sar_standing(GROUP_A, as_of=date(2026, 1, 31)) == ugx(0)
    assert union.sye_balance(GROUP_A) == ugx(5000)
    assert union.sye_liability() == ugx(5000)
    assert union.relief_fund_balance() == ugx(110000)
    assert union.relief_fund_balance(as_of=date(2026, 1, 31)) == ugx(100000)
    refused(union, "group_not_found", lambda: union.sar_standing(STRANGER))


def test_sye_withdrawal_within_balance() -> None:
    union = funded_union(sye=5000)
    union.withdraw_sye(GROUP_A, ugx(3000), transfer_id=uuid4(), on=date(2026, 3, 1), meta=META,
                       today=TODAY)
    assert union.sye_balance(GROUP_A) == ugx(2000)
    assert union.sye_balance(GROUP_A, as_of=date(2026, 2, 28)) == ugx(5000)


def test_sye_withdrawal_refuses_more_than_the_balance_at_any_date() -> None:
    union = funded_union(sye=5000)
    union.withdraw_sye(GROUP_A, ugx(3000), transfer_id=uuid4(), on=date(2026, 3, 1), meta=META,
                       today=TODAY)
    error = refused(union, "insufficient_sye_balance", lambda: union.withdraw_sye(
        GROUP_A, ugx(2001), transfer_id=uuid4(), on=date(2026, 4, 1), meta=META, today=TODAY))
    assert "2000 UGX" in error.message
    # back-dated before the deposit: the books would have been negative then
    refused(union, "insufficient_sye_balance", lambda: union.withdraw_sye(
        GROUP_A, ugx(100), transfer_id=uuid4(), on=date(2026, 1, 31), meta=META, today=TODAY))
    refused(union, "group_not_found", lambda: union.withdraw_sye(
        STRANGER, ugx(100), transfer_id=uuid4(), on=date(2026, 4, 1), meta=META, today=TODAY))


def test_sye_withdrawal_back_dated_below_relief_already_paid_is_refused() -> None:
    union = funded_union(sar=10000, sye=5000)
    hazard = declare(union)
    payout(union, hazard, 35000)
    refused(union, "change_affects_history", lambda: union.withdraw_sye(
        GROUP_A, ugx(1000), transfer_id=uuid4(), on=date(2026, 3, 1), meta=META, today=TODAY))
    union.withdraw_sye(GROUP_A, ugx(1000), transfer_id=uuid4(), on=date(2026, 5, 5), meta=META,
                       today=TODAY)  # after the declaration: allowed


# --- relief fund ------------------------------------------------------------------------


def test_grant_and_allocation_credit_the_fund() -> None:
    union = new_union()
    pay_all_subscriptions(union, GROUP_A, date(2025, 12, 31))  # 40000 of income
    union.receive_relief_fund_grant("Red Cross", ugx(1000), on=date(2026, 1, 5), meta=META,
                                    today=TODAY)
    union.allocate_income_to_relief_fund(ugx(15000), on=date(2026, 1, 6), meta=META, today=TODAY)
    assert union.relief_fund_balance() == ugx(16000)
    assert union.unallocated_income() == ugx(25000)
    assert union.subscriptions_received_total() == ugx(40000)


def test_grant_and_allocation_refuse() -> None:
    union = new_union()
    pay_all_subscriptions(union, GROUP_A, date(2025, 3, 31))  # 10000 on 2025-01-10
    refused(union, "invalid_input", lambda: union.receive_relief_fund_grant(
        "", ugx(1000), on=date(2026, 1, 5), meta=META, today=TODAY))
    refused(union, "invalid_amount", lambda: union.receive_relief_fund_grant(
        "Red Cross", ugx(0), on=date(2026, 1, 5), meta=META, today=TODAY))
    refused(union, "insufficient_reserve", lambda: union.allocate_income_to_relief_fund(
        ugx(10001), on=date(2026, 1, 6), meta=META, today=TODAY))
    refused(union, "insufficient_reserve", lambda: union.allocate_income_to_relief_fund(
        ugx(1), on=date(2025, 1, 9), meta=META, today=TODAY))  # before the income arrived
    refused(union, "date_in_future", lambda: union.allocate_income_to_relief_fund(
        ugx(1), on=date(2026, 11, 2), meta=META, today=TODAY))


# --- queries, books and replay ----------------------------------------------------------


def test_arrears_of_all_groups() -> None:
    union = new_union(groups={GROUP_A: AFFILIATED_ON, GROUP_B: date(2026, 1, 20)})
    pay_all_subscriptions(union, GROUP_A, date(2026, 6, 30))
    assert union.arrears_all(date(2026, 3, 1)) == {
        GROUP_B: [ArrearsLine("2026-Q1", date(2026, 2, 19), ugx(10000), ugx(0))]
    }
    refused(union, "group_not_found", lambda: union.arrears(STRANGER, TODAY))


def test_replaying_the_events_rebuilds_the_same_union() -> None:
    union = funded_union()
    hazard = declare(union)
    payout(union, hazard, 1000)
    rebuilt = replayed(union)
    assert rebuilt.entitlement(hazard, GROUP_A) == union.entitlement(hazard, GROUP_A)
    assert rebuilt.head_hash == union.head_hash
    assert state_of(rebuilt) == state_of(union)
