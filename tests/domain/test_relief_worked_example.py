"""The worked example of docs/RELIEF_POLICY.md, figure by figure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from domain import errors
from domain.ledger import Meta
from domain.money import Money
from domain.relief import ReliefPolicy
from domain.subscriptions import SubscriptionSchedule
from domain.union import Union

META = Meta("test", "req")
TODAY = date(2026, 11, 1)
TUSUBIRA, KWO_BER, CAN_DEG = UUID(int=1), UUID(int=2), UUID(int=3)


def ugx(amount: int) -> Money:
    return Money.of(amount, "UGX")


@pytest.fixture
def union() -> Union:
    policy = ReliefPolicy(
        sar_multiplier=Decimal(3), sye_multiplier=Decimal(1), cap_per_hazard=ugx(400000),
        waiting_period_days=90, require_paid_subscriptions=True,
        effective_on=date(2025, 1, 1),
    )
    schedule = SubscriptionSchedule(frequency="annual", amount=ugx(24000), grace_days=30)
    u = Union.register("GUL", "Gulu CLUN", "UGX", schedule, policy, on=date(2025, 1, 1),
                       meta=META, today=TODAY)
    for group, name, affiliated in ((TUSUBIRA, "Tusubira", date(2025, 2, 3)),
                                    (KWO_BER, "Kwo Ber", date(2026, 1, 25)),
                                    (CAN_DEG, "Can Deg", date(2025, 6, 1))):
        u.affiliate_group(group, name, affiliated_on=affiliated, meta=META, today=TODAY)
    u.receive_subscription(TUSUBIRA, "2025", ugx(24000), transfer_id=uuid4(),
                           on=date(2025, 2, 10), meta=META, today=TODAY)
    u.receive_subscription(CAN_DEG, "2025", ugx(24000), transfer_id=uuid4(),
                           on=date(2025, 6, 10), meta=META, today=TODAY)
    for group, amount, on in ((TUSUBIRA, 30000, date(2025, 3, 1)),
                              (TUSUBIRA, 30000, date(2025, 9, 1)),
                              (KWO_BER, 20000, date(2026, 2, 1)),
                              (CAN_DEG, 25000, date(2025, 7, 1))):
        u.receive_sar_contribution(group, ugx(amount), transfer_id=uuid4(), on=on, meta=META,
                                   today=TODAY)
    for group, amount, on in ((TUSUBIRA, 50000, date(2025, 12, 1)),
                              (CAN_DEG, 10000, date(2026, 3, 1))):
        u.receive_sye_deposit(group, ugx(amount), transfer_id=uuid4(), on=on, meta=META,
                              today=TODAY)
    for group, amount, on in ((TUSUBIRA, 24000, date(2026, 1, 20)),
                              (KWO_BER, 24000, date(2026, 1, 25)),
                              (CAN_DEG, 10000, date(2026, 1, 15))):
        u.receive_subscription(group, "2026", ugx(amount), transfer_id=uuid4(), on=on,
                               meta=META, today=TODAY)
    return u


def _declare_flood(u: Union) -> UUID:
    event = u.declare_hazard("flood", "Aswa river flood", [TUSUBIRA, KWO_BER, CAN_DEG],
                             declared_on=date(2026, 4, 20), meta=META, today=TODAY)
    return UUID(str(getattr(event, "hazard_id")))  # noqa: B009


def test_tusubira_is_entitled_to_230000_and_no_more(union: Union) -> None:
    # The third SAR contribution is dated the day after the declaration: it never counts.
    union.receive_sar_contribution(TUSUBIRA, ugx(30000), transfer_id=uuid4(),
                                   on=date(2026, 4, 21), meta=META, today=TODAY)
    hazard = _declare_flood(union)
    union.receive_relief_fund_grant("donor", ugx(1000000), on=date(2026, 4, 21), meta=META,
                                    today=TODAY)
    terms = union.entitlement(hazard, TUSUBIRA)
    assert terms.eligible and terms.reasons == []
    assert (terms.sar_standing, terms.sye_balance) == (ugx(60000), ugx(50000))
    assert terms.base == ugx(230000)  # 3 × 60000 + 1 × 50000
    assert terms.entitlement == ugx(230000)
    union.make_relief_payout(hazard, TUSUBIRA, ugx(100000), transfer_id=uuid4(),
                             on=date(2026, 4, 21), meta=META, today=TODAY)
    assert union.entitlement(hazard, TUSUBIRA).entitlement == ugx(130000)
    with pytest.raises(errors.EntitlementExceeded):
        union.make_relief_payout(hazard, TUSUBIRA, ugx(130001), transfer_id=uuid4(),
                                 on=date(2026, 4, 21), meta=META, today=TODAY)


def test_kwo_ber_waited_85_days_of_90(union: Union) -> None:
    terms = union.entitlement(_declare_flood(union), KWO_BER)
    assert not terms.eligible
    assert terms.entitlement == ugx(0)
    assert terms.base == ugx(60000)
    assert terms.reasons == ["waiting_period: affiliated 2026-01-25, 85 days before "
                             "declared_on 2026-04-20; policy requires 90"]


def test_can_deg_owes_14000_of_its_2026_subscription(union: Union) -> None:
    terms = union.entitlement(_declare_flood(union), CAN_DEG)
    assert not terms.eligible
    assert terms.entitlement == ugx(0)
    assert terms.base == ugx(85000)  # 3 × 25000 + 1 × 10000, shown all the same
    assert terms.reasons == ["arrears: period 2026 due 2026-01-31 unpaid 14000 of 24000"]


def test_a_fund_of_150000_pays_150000_now_and_the_rest_later(union: Union) -> None:
    hazard = _declare_flood(union)
    # The pooled SAR contributions (60000 + 20000 + 25000) plus a donor grant of 45000.
    union.receive_relief_fund_grant("donor", ugx(45000), on=date(2026, 4, 20), meta=META,
                                    today=TODAY)
    assert union.relief_fund_balance() == ugx(150000)
    with pytest.raises(errors.ReliefFundInsufficient):
        union.make_relief_payout(hazard, TUSUBIRA, ugx(230000), transfer_id=uuid4(),
                                 on=date(2026, 4, 21), meta=META, today=TODAY)
    union.make_relief_payout(hazard, TUSUBIRA, ugx(150000), transfer_id=uuid4(),
                             on=date(2026, 4, 21), meta=META, today=TODAY)
    union.receive_relief_fund_grant("donor", ugx(80000), on=date(2026, 4, 28), meta=META,
                                    today=TODAY)
    union.make_relief_payout(hazard, TUSUBIRA, ugx(80000), transfer_id=uuid4(),
                             on=date(2026, 4, 28), meta=META, today=TODAY)
    assert union.entitlement(hazard, TUSUBIRA).entitlement == ugx(0)
    assert union.relief_fund_balance() == ugx(0)
