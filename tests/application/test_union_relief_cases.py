"""Relief through the application: entitlements with every term; payouts within them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from domain import errors
from domain.ledger import Meta
from domain.relief import ReliefPolicy
from tests.application.support import build_app, register_union
from tests.application.union_support import add_group, hazard_id_of, ugx
from tests.support.persistence import event_store_bytes
from union_ledger.application import LedgerApplication
from union_ledger.union_cases import PolicyInput, ScheduleInput

META = Meta("relief-officer", "req-relief")
AFFILIATED_ON = date(2026, 1, 5)
PAID_ON = date(2026, 2, 1)
DECLARED_ON = date(2026, 6, 1)
PAID_OUT_ON = date(2026, 6, 20)
POLICY = PolicyInput(
    sar_multiplier=Decimal(3), sye_multiplier=Decimal(1), cap_per_hazard="30000",
    waiting_period_days=90, require_paid_subscriptions=True, effective_on=date(2026, 1, 1),
)


@dataclass(frozen=True)
class Flood:
    union_id: UUID
    hazard_id: UUID
    eligible: UUID  # affiliated long ago, subscription paid, SAR 10000 and SYE 5000
    too_new: UUID  # affiliated 31 days before the flood
    in_arrears: UUID  # never paid the 2026 subscription, due 2026-02-04
    spared: UUID  # a group of the union the flood did not reach


@pytest.fixture
def app(persistence_env: dict[str, str]) -> Iterator[LedgerApplication]:
    application = build_app(persistence_env)
    try:
        yield application
    finally:
        application.close()


def declare_flood(app: LedgerApplication) -> Flood:
    union_id = app.register_union(
        code="LRA", name="Lira CLUN", currency="UGX",
        schedule=ScheduleInput("annual", "12000", 30), policy=POLICY, meta=META,
    ).value.id
    eligible = add_group(app, union_id, "Tusubira", affiliated_on=AFFILIATED_ON, cash="100000")
    app.pay_subscription(eligible, "2026", "12000", on=date(2026, 1, 10), meta=META)
    app.contribute_sar(eligible, "10000", on=PAID_ON, meta=META)
    app.deposit_sye(eligible, "5000", on=PAID_ON, meta=META)
    too_new = add_group(app, union_id, "Kica Ber", affiliated_on=date(2026, 5, 1), cash="20000")
    app.pay_subscription(too_new, "2026", "12000", on=date(2026, 5, 1), meta=META)
    app.contribute_sar(too_new, "2000", on=date(2026, 5, 1), meta=META)
    in_arrears = add_group(app, union_id, "Lacan", affiliated_on=AFFILIATED_ON, cash="5000")
    spared = add_group(app, union_id, "Piny Lonyo", affiliated_on=AFFILIATED_ON, cash="5000")
    # Relief fund: SAR 10000 + 2000 and a grant of 12000 make 24000 on the declaration date.
    app.receive_relief_fund_grant(union_id, "Red Cross", "12000", on=date(2026, 3, 1),
                                  meta=META)
    hazard_id = hazard_id_of(app.declare_hazard(
        union_id, kind="flood", description="Okole river burst its banks",
        declared_on=DECLARED_ON, affected_group_ids=[eligible, too_new, in_arrears],
        meta=META,
    ).value)
    # Contributed after the declaration: in the fund, never in this hazard's entitlement.
    app.contribute_sar(eligible, "1000", on=date(2026, 6, 15), meta=META)
    return Flood(union_id, hazard_id, eligible, too_new, in_arrears, spared)


def test_entitlements_show_every_term_of_the_policy(app: LedgerApplication) -> None:
    flood = declare_flood(app)
    union = app.load_union(flood.union_id)
    policy = ReliefPolicy(
        sar_multiplier=Decimal(3), sye_multiplier=Decimal(1), cap_per_hazard=ugx(30000),
        waiting_period_days=90, require_paid_subscriptions=True, effective_on=date(2026, 1, 1),
    )
    eligible, too_new, in_arrears = union.entitlements(flood.hazard_id)

    assert (eligible.group_id, eligible.hazard_id, eligible.declared_on) == (
        flood.eligible, flood.hazard_id, DECLARED_ON)
    assert (eligible.eligible, eligible.reasons, eligible.policy) == (True, [], policy)
    assert (eligible.sar_standing, eligible.sye_balance) == (ugx(10000), ugx(5000))
    assert (eligible.base, eligible.cap, eligible.paid) == (ugx(35000), ugx(30000), ugx(0))
    assert eligible.entitlement == ugx(30000)  # 3 × 10000 + 1 × 5000, capped at 30000

    assert (too_new.group_id, too_new.eligible, too_new.entitlement) == (
        flood.too_new, False, ugx(0))
    assert [r.split(":")[0] for r in too_new.reasons] == ["waiting_period"]
    assert (too_new.sar_standing, too_new.base) == (ugx(2000), ugx(6000))

    assert (in_arrears.group_id, in_arrears.eligible, in_arrears.entitlement) == (
        flood.in_arrears, False, ugx(0))
    assert [r.split(":")[0] for r in in_arrears.reasons] == ["arrears"]


def test_payouts_stop_at_the_entitlement_and_at_the_fund(app: LedgerApplication) -> None:
    flood = declare_flood(app)

    def pay(group_id: UUID, amount: str, on: date = PAID_OUT_ON) -> None:
        app.pay_relief(flood.union_id, flood.hazard_id, group_id, amount, on=on, meta=META)

    def entitlement() -> Decimal:
        union = app.load_union(flood.union_id)
        return union.entitlement(flood.hazard_id, flood.eligible).entitlement.amount

    pay(flood.eligible, "20000", on=date(2026, 6, 10))
    assert entitlement() == 10000
    assert app.load_union(flood.union_id).relief_fund_balance().amount == 25000 - 20000

    stored = event_store_bytes(app)
    with pytest.raises(errors.ReliefFundInsufficient):  # within the entitlement, not the fund
        pay(flood.eligible, "10000")
    assert event_store_bytes(app) == stored

    app.receive_relief_fund_grant(flood.union_id, "WFP", "20000", on=PAID_OUT_ON, meta=META)
    pay(flood.eligible, "10000")  # tops up to exactly the entitlement
    assert entitlement() == 0
    union, group = app.load_union(flood.union_id), app.load_group(flood.eligible)
    assert union.entitlement(flood.hazard_id, flood.eligible).paid == ugx(30000)
    assert union.relief_fund_balance() == ugx(25000 + 20000 - 30000)
    assert group.social_fund_cash == ugx(30000)

    stored = event_store_bytes(app)
    with pytest.raises(errors.EntitlementExceeded):
        pay(flood.eligible, "1")
    assert event_store_bytes(app) == stored


def test_payouts_to_groups_the_hazard_does_not_cover_are_refused(
    app: LedgerApplication,
) -> None:
    flood = declare_flood(app)
    other_union = register_union(app, code="KIT")
    stranger = add_group(app, other_union, "Kitgum Women", affiliated_on=AFFILIATED_ON,
                         cash="5000")
    stored = event_store_bytes(app)
    refusals: list[tuple[type[errors.DomainError], UUID]] = [
        (errors.GroupNotAffected, flood.spared),
        (errors.GroupNotEligible, flood.too_new),
        (errors.GroupNotEligible, flood.in_arrears),
        (errors.GroupNotFound, stranger),
    ]
    for error_class, group_id in refusals:
        with pytest.raises(error_class):
            app.pay_relief(flood.union_id, flood.hazard_id, group_id, "1", on=PAID_OUT_ON,
                           meta=META)
        assert event_store_bytes(app) == stored, error_class.code
    with pytest.raises(errors.GroupNotFound):
        app.declare_hazard(flood.union_id, kind="fire", description="market fire",
                           declared_on=PAID_OUT_ON, affected_group_ids=[stranger], meta=META)
    assert event_store_bytes(app) == stored
