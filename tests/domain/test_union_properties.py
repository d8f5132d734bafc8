"""Properties of any union history: relief within entitlement, no negative fund, balanced books."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain.books import JournalEntry
from domain.errors import DomainError
from domain.money import Money
from domain.movements import Movement, balance_as_of
from domain.union import Union
from tests.domain.union_fixtures import (
    GROUP_A,
    GROUP_B,
    GROUP_C,
    META,
    STRANGER,
    TODAY,
    entries,
    events,
    new_union,
    pay_all_subscriptions,
    policy,
    state_of,
    ugx,
)

START = date(2025, 1, 1)
GROUPS = {GROUP_A: date(2025, 1, 10), GROUP_B: date(2025, 9, 1), GROUP_C: date(2026, 3, 1)}
PERIODS = [f"{year}-Q{quarter}" for year in (2025, 2026) for quarter in (1, 2, 3, 4)]

days = st.integers(0, 660).map(lambda offset: START + timedelta(days=offset))
later_days = st.integers(300, 660).map(lambda offset: START + timedelta(days=offset))
amounts = st.one_of(st.integers(-100, 60000), st.sampled_from([0, 1, 5000, 10000, 30000]))
groups = st.sampled_from([GROUP_A, GROUP_A, GROUP_B, GROUP_C, STRANGER])
index = st.integers(0, 1000)
operations = st.one_of(
    st.tuples(st.just("grant"), amounts, days),
    st.tuples(st.just("sar"), groups, amounts, days),
    st.tuples(st.just("sye"), groups, amounts, days),
    st.tuples(st.just("withdraw"), groups, amounts, days),
    st.tuples(st.just("subscription"), groups, st.sampled_from([*PERIODS, "2026-07"]),
              st.sampled_from([2500, 5000, 10000, 10001]), days),
    st.tuples(st.just("allocate"), amounts, days),
    st.tuples(st.just("policy"), days, st.sampled_from(["1", "2.5", "4"]),
              st.sampled_from([None, 20000]), st.booleans()),
    st.tuples(st.just("hazard"), st.lists(groups, min_size=1, max_size=3), later_days),
    st.tuples(st.just("payout"), index, groups, amounts, later_days),
    st.tuples(st.just("payout_share"), index, groups, st.integers(1, 120), later_days),
    st.tuples(st.just("payout_share"), index, groups, st.integers(1, 120), later_days),
    st.tuples(st.just("reverse"), index, days),
)


def command(union: Union, operation: tuple[Any, ...]) -> Callable[[], object]:
    """The union command an operation stands for (run later, so refusals can be checked)."""
    kind, *args = operation
    transfer: dict[str, Any] = {"transfer_id": uuid4(), "meta": META, "today": TODAY}
    if kind == "grant":
        return lambda: union.receive_relief_fund_grant(
            "Donor", ugx(args[0]), on=args[1], meta=META, today=TODAY)
    if kind == "sar":
        return lambda: union.receive_sar_contribution(args[0], ugx(args[1]), on=args[2], **transfer)
    if kind == "sye":
        return lambda: union.receive_sye_deposit(args[0], ugx(args[1]), on=args[2], **transfer)
    if kind == "withdraw":
        return lambda: union.withdraw_sye(args[0], ugx(args[1]), on=args[2], **transfer)
    if kind == "subscription":
        return lambda: union.receive_subscription(
            args[0], args[1], ugx(args[2]), on=args[3], **transfer)
    if kind == "allocate":
        return lambda: union.allocate_income_to_relief_fund(
            ugx(args[0]), on=args[1], meta=META, today=TODAY)
    if kind == "policy":
        cap = None if args[2] is None else ugx(args[2])
        terms = policy(args[0], sar_multiplier=args[1], cap_per_hazard=cap,
                       require_paid_subscriptions=args[3])
        return lambda: union.set_relief_policy(terms, on=args[0], meta=META, today=TODAY)
    if kind == "hazard":
        return lambda: union.declare_hazard(
            "flood", "river burst", args[0], declared_on=args[1], meta=META, today=TODAY)
    if kind in ("payout", "payout_share"):
        return payout_command(union, kind, args, transfer)
    history = events(union)
    event_id = history[args[0] % len(history)].event_id
    return lambda: union.reverse(event_id, "correction", on=args[1], meta=META, today=TODAY)


def payout_command(
    union: Union, kind: str, args: list[Any], transfer: dict[str, Any]
) -> Callable[[], object]:
    hazards = list(union.hazards.values())
    hazard_id: UUID = hazards[args[0] % len(hazards)].hazard_id if hazards else uuid4()
    amount = ugx(args[2])
    if kind == "payout_share" and hazards and union.has_group(args[1]):
        remaining = union.entitlement(hazard_id, args[1]).entitlement
        amount = remaining.times(Decimal(args[2]) / 100)
    return lambda: union.make_relief_payout(hazard_id, args[1], amount, on=args[3], **transfer)


def run(union: Union, operation: tuple[Any, ...]) -> None:
    """Run one operation: accepted, or refused with nothing booked and nothing changed."""
    version, before = union.version, state_of(union)
    try:
        command(union, operation)()
    except DomainError as error:
        event(f"refused {error.code}")
        assert union.version == version
        assert state_of(union) == before
    else:
        event(f"accepted {operation[0]}")
        assert union.version == version + 1


def never_negative(movements: list[Movement]) -> bool:
    return all(not balance_as_of(movements, "UGX", m.on).is_negative for m in movements)


def check_relief(union: Union) -> None:
    """Paid per (group, hazard) never exceeds the limit; no balance is ever negative."""
    for hazard in union.hazards.values():
        for terms in union.entitlements(hazard.hazard_id):
            limit = terms.base if terms.cap is None else terms.base.min(terms.cap)
            assert terms.paid <= (limit if terms.eligible else ugx(0))
            assert not terms.paid.is_negative
    assert never_negative(union.fund_movements)
    assert never_negative(union.income_movements)
    assert all(never_negative(movements) for movements in union.sye_movements.values())


def balances(journal: list[JournalEntry], as_of: date | None = None) -> dict[str, Decimal]:
    """Net debit (+) or credit (-) of each account, and of each 2000 sub-account."""
    totals: dict[str, Decimal] = {}
    for entry in journal:
        if as_of is not None and entry.on > as_of:
            continue
        assert sum(p.signed() for p in entry.postings) == 0
        for posting in entry.postings:
            keys = [posting.account]
            if posting.sub_account is not None:
                keys.append(f"2000:{posting.sub_account}")
            for key in keys:
                totals[key] = totals.get(key, Decimal(0)) + posting.signed()
    return totals


def check_books(union: Union, as_of: date | None) -> None:
    """The trial balance balances and agrees with the union's own balances."""
    totals = balances(entries(union), as_of)
    assert sum(v for k, v in totals.items() if ":" not in k) == 0
    credit = {k: Money(-v, "UGX") for k, v in totals.items()}
    zero = ugx(0)
    assert credit.get("3000", zero) == union.relief_fund_balance(as_of)
    assert credit.get("2000", zero) == union.sye_liability(as_of)
    assert credit.get("4000", zero) == union.unallocated_income(as_of)
    for group in union.groups():
        expected = union.sye_balance(group.group_id, as_of)
        assert credit.get(f"2000:{group.group_id}", zero) == expected


def seeded_union() -> Union:
    """Groups A and B paid up, with SAR and SYE; C never pays; a grant and a flood declared."""
    union = new_union(groups=GROUPS)
    for group_id in (GROUP_A, GROUP_B):
        pay_all_subscriptions(union, group_id, TODAY)
    union.receive_relief_fund_grant("Red Cross", ugx(20000), on=START, meta=META, today=TODAY)
    for group_id, on in ((GROUP_A, date(2025, 2, 1)), (GROUP_B, date(2025, 10, 1))):
        union.receive_sar_contribution(group_id, ugx(10000), transfer_id=uuid4(), on=on,
                                       meta=META, today=TODAY)
        union.receive_sye_deposit(group_id, ugx(4000), transfer_id=uuid4(), on=on, meta=META,
                                  today=TODAY)
    union.declare_hazard("flood", "Mbale floods", [GROUP_A, GROUP_B, GROUP_C],
                         declared_on=date(2026, 1, 15), meta=META, today=TODAY)
    return union


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=1, max_size=40), days)
def test_any_history_keeps_relief_within_entitlement_and_the_books_balanced(
    history: list[tuple[Any, ...]], as_of: date
) -> None:
    union = seeded_union()
    for operation in history:
        run(union, operation)
        check_relief(union)
    check_books(union, None)
    check_books(union, as_of)
