"""Hazards and relief payouts: declared for the union's groups, paid within entitlement and fund."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from tests.domain.union_fixtures import (
    DECLARED_ON,
    GROUP_A,
    GROUP_B,
    GROUP_C,
    META,
    STRANGER,
    TODAY,
    declare,
    funded_union,
    new_union,
    pay_all_subscriptions,
    payout,
    refused,
    ugx,
)

# --- hazards and payouts ----------------------------------------------------------------


def test_declare_hazard_lists_each_group_once() -> None:
    union = funded_union()
    event = union.declare_hazard("flood", "Mbale floods", [GROUP_A, GROUP_B, GROUP_A],
                                 declared_on=DECLARED_ON, meta=META, today=TODAY)
    assert event.affected_group_ids == [GROUP_A, GROUP_B]
    assert event.on == DECLARED_ON
    assert [e.group_id for e in union.entitlements(event.hazard_id)] == [GROUP_A, GROUP_B]


def test_declare_hazard_refuses() -> None:
    union = funded_union()
    error = refused(union, "group_not_found", lambda: union.declare_hazard(
        "flood", "x", [GROUP_A, STRANGER, GROUP_C], declared_on=DECLARED_ON, meta=META,
        today=TODAY))
    assert str(STRANGER) in error.message and str(GROUP_C) in error.message
    refused(union, "invalid_input", lambda: union.declare_hazard(
        "flood", "x", [], declared_on=DECLARED_ON, meta=META, today=TODAY))
    refused(union, "date_in_future", lambda: union.declare_hazard(
        "flood", "x", [GROUP_A], declared_on=date(2026, 11, 2), meta=META, today=TODAY))


def test_partial_payouts_may_be_topped_up_to_the_entitlement() -> None:
    union = funded_union(sar=10000, sye=5000)
    hazard = declare(union)
    assert union.entitlement(hazard, GROUP_A).entitlement == ugx(35000)
    payout(union, hazard, 20000)
    assert union.entitlement(hazard, GROUP_A).entitlement == ugx(15000)
    payout(union, hazard, 15000)
    terms = union.entitlement(hazard, GROUP_A)
    assert (terms.paid, terms.entitlement) == (ugx(35000), ugx(0))
    assert union.relief_fund_balance() == ugx(110000 - 35000)
    error = refused(union, "entitlement_exceeded", lambda: payout(union, hazard, 1))
    assert "remaining entitlement of 0 UGX" in error.message


def test_payout_refuses() -> None:
    union = funded_union(sar=10000, sye=5000, grant=1000)
    hazard = declare(union, GROUP_A, GROUP_B)
    refused(union, "hazard_not_found", lambda: payout(union, uuid4(), 100))
    refused(union, "group_not_affected", lambda: payout(union, hazard, 100, group_id=GROUP_C))
    error = refused(union, "group_not_eligible", lambda: payout(union, hazard, 100, GROUP_B))
    assert "arrears: period 2025-Q1" in error.message
    error = refused(union, "entitlement_exceeded", lambda: payout(union, hazard, 35001))
    assert "payout of 35001 UGX exceeds remaining entitlement of 35000 UGX" in error.message
    refused(union, "relief_fund_insufficient", lambda: payout(union, hazard, 11001))
    refused(union, "invalid_date", lambda: payout(union, hazard, 100, on=date(2026, 5, 3)))
    refused(union, "date_in_future", lambda: payout(union, hazard, 100, on=date(2026, 11, 2)))
    refused(union, "invalid_amount", lambda: payout(union, hazard, 0))


def test_waiting_period_refusal_explains_itself() -> None:
    union = new_union(groups={GROUP_A: date(2026, 2, 4)})
    pay_all_subscriptions(union, GROUP_A, DECLARED_ON)
    union.receive_relief_fund_grant("Red Cross", ugx(1000), on=date(2026, 2, 5), meta=META,
                                    today=TODAY)
    hazard = declare(union)
    error = refused(union, "group_not_eligible", lambda: payout(union, hazard, 100))
    assert ("waiting_period: affiliated 2026-02-04, 89 days before declared_on 2026-05-04;"
            " policy requires 90") in error.message
