"""Relief entitlement, term by term: one table row per rule of the published policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from domain.errors import InvalidPolicy
from domain.money import Money
from domain.movements import Movement
from domain.relief import (
    GroupRecord,
    Hazard,
    ReliefPolicy,
    compute_entitlement,
    policy_in_force,
)
from domain.subscriptions import ScheduleChange
from tests.domain.union_fixtures import GROUP_A, GROUP_B, policy, quarterly, ugx

HAZARD_ID = UUID("00000000-0000-4000-8000-0000000000f1")
DECLARED_ON = date(2026, 4, 9)
SCHEDULES = [ScheduleChange(date.min, quarterly("10000", grace_days=30))]
DEFAULT = ReliefPolicy.default()

Dated = list[tuple[date, int]]

# Affiliated 2025-06-01: owes 2025-Q2 … 2026-Q1 before DECLARED_ON (2026-Q2 not yet due).
PAID_UP: dict[str, Dated] = {
    "2025-Q2": [(date(2025, 6, 1), 10000)],
    "2025-Q3": [(date(2025, 7, 1), 10000)],
    "2025-Q4": [(date(2025, 10, 1), 10000)],
    "2026-Q1": [(date(2026, 1, 1), 10000)],
}


def paid_up_but(label: str, *payments: tuple[date, int]) -> dict[str, Dated]:
    return {**PAID_UP, label: list(payments)}


@dataclass(frozen=True)
class Row:
    """Given a group's dated contributions and the policies, the expected terms."""

    sar: Dated = field(default_factory=lambda: [(date(2026, 1, 15), 10000)])
    sye: Dated = field(default_factory=lambda: [(date(2026, 2, 1), 5000)])
    subscriptions: dict[str, Dated] = field(default_factory=lambda: PAID_UP)
    policies: list[ReliefPolicy] = field(default_factory=lambda: [DEFAULT])
    affiliated_on: date = date(2025, 6, 1)
    affected: bool = True
    paid: Dated = field(default_factory=list)
    # expected
    eligible: bool = True
    reasons: list[str] = field(default_factory=list)
    sar_standing: int = 10000
    sye_balance: int = 5000
    base: int = 35000
    cap: int | None = None
    paid_total: int = 0
    entitlement: int = 35000
    policy_used: ReliefPolicy = DEFAULT


ARREARS_Q1 = "arrears: period 2026-Q1 due 2026-01-31 unpaid 5000 of 10000"

ROWS = [
    pytest.param(Row(), id="sar-and-sye-as-of-declared-on"),
    pytest.param(
        Row(sar=[(date(2026, 1, 15), 10000), (date(2026, 4, 10), 7000)]),
        id="contribution-one-day-after-declared-on-does-not-count",
    ),
    pytest.param(
        Row(sar=[(date(2026, 1, 15), 10000), (DECLARED_ON, 7000)], sar_standing=17000,
            base=56000, entitlement=56000),
        id="contribution-on-declared-on-counts",
    ),
    pytest.param(
        Row(sye=[(date(2026, 2, 1), 5000), (date(2026, 4, 10), -5000)]),
        id="sye-withdrawal-after-declared-on-does-not-count",
    ),
    pytest.param(
        Row(policies=[DEFAULT, policy(date(2026, 4, 10), sar_multiplier="5")]),
        id="policy-effective-after-declared-on-does-not-apply",
    ),
    pytest.param(
        Row(policies=[DEFAULT, policy(DECLARED_ON, sar_multiplier="5")], base=55000,
            entitlement=55000, policy_used=policy(DECLARED_ON, sar_multiplier="5")),
        id="policy-effective-on-declared-on-applies",
    ),
    pytest.param(
        Row(affiliated_on=date(2026, 1, 10),
            subscriptions={"2026-Q1": [(date(2026, 1, 10), 10000)]}, eligible=False,
            entitlement=0, reasons=[
                "waiting_period: affiliated 2026-01-10, 89 days before declared_on 2026-04-09;"
                " policy requires 90"]),
        id="affiliated-89-days-before-is-ineligible",
    ),
    pytest.param(
        Row(affiliated_on=date(2026, 1, 9), subscriptions={"2026-Q1": [(date(2026, 1, 9), 10000)]}),
        id="affiliated-90-days-before-is-eligible",
    ),
    pytest.param(
        Row(affiliated_on=date(2026, 4, 20), subscriptions={}, sar=[], sye=[], sar_standing=0,
            sye_balance=0, base=0, eligible=False, entitlement=0, reasons=[
                "waiting_period: affiliated 2026-04-20, 11 days after declared_on 2026-04-09;"
                " policy requires 90"]),
        id="affiliated-after-declared-on-is-ineligible",
    ),
    pytest.param(
        Row(affiliated_on=DECLARED_ON, subscriptions={}, policies=[policy(waiting_period_days=0)],
            policy_used=policy(waiting_period_days=0)),
        id="no-waiting-period-same-day-affiliation-is-eligible",
    ),
    pytest.param(
        Row(subscriptions=paid_up_but("2026-Q1", (date(2026, 1, 20), 5000)), eligible=False,
            entitlement=0, reasons=[ARREARS_Q1]),
        id="arrears-make-it-ineligible-when-policy-requires",
    ),
    pytest.param(
        Row(subscriptions=paid_up_but("2026-Q1", (date(2026, 1, 20), 5000)),
            policies=[policy(require_paid_subscriptions=False)],
            policy_used=policy(require_paid_subscriptions=False)),
        id="arrears-do-not-matter-when-policy-does-not-require",
    ),
    pytest.param(
        Row(subscriptions=paid_up_but("2026-Q1", (date(2026, 4, 10), 10000)), eligible=False,
            entitlement=0,
            reasons=["arrears: period 2026-Q1 due 2026-01-31 unpaid 10000 of 10000"]),
        id="payment-after-declared-on-does-not-cure-arrears",
    ),
    pytest.param(
        Row(subscriptions=paid_up_but("2026-Q1", (DECLARED_ON, 10000))),
        id="payment-on-declared-on-cures-arrears",
    ),
    pytest.param(
        Row(policies=[policy(cap_per_hazard=ugx(20000))], cap=20000, entitlement=20000,
            policy_used=policy(cap_per_hazard=ugx(20000))),
        id="cap-applies",
    ),
    pytest.param(
        Row(policies=[policy(cap_per_hazard=ugx(0))], cap=0, entitlement=0,
            policy_used=policy(cap_per_hazard=ugx(0))),
        id="zero-cap-eligible-but-nothing-to-pay",
    ),
    pytest.param(
        Row(paid=[(date(2026, 4, 12), 12000)], paid_total=12000, entitlement=23000),
        id="paid-is-subtracted",
    ),
    pytest.param(
        Row(policies=[policy(cap_per_hazard=ugx(20000))], paid=[(date(2026, 4, 12), 12000)],
            cap=20000, paid_total=12000, entitlement=8000,
            policy_used=policy(cap_per_hazard=ugx(20000))),
        id="paid-is-subtracted-from-the-cap",
    ),
    pytest.param(
        Row(paid=[(date(2026, 4, 12), 30000), (date(2026, 4, 13), 10000)], paid_total=40000,
            entitlement=0),
        id="paid-beyond-base-floors-at-zero",
    ),
    pytest.param(
        Row(paid=[(date(2026, 4, 12), 30000), (date(2026, 4, 13), -30000)], paid_total=0),
        id="reversed-payout-is-not-paid",
    ),
    pytest.param(
        Row(sar=[(date(2026, 1, 15), 10000), (date(2026, 4, 20), -10000)]),
        id="reversal-after-declared-on-still-counts",
    ),
    pytest.param(
        Row(sar=[(date(2026, 1, 15), 10000), (DECLARED_ON, -10000)], sar_standing=0,
            base=5000, entitlement=5000),
        id="reversal-on-declared-on-no-longer-counts",
    ),
    pytest.param(
        Row(affected=False, eligible=False, entitlement=0, reasons=[
            f"not_affected: group {GROUP_A} is not among the groups affected by hazard"
            f" {HAZARD_ID}"]),
        id="not-affected-is-ineligible",
    ),
    pytest.param(
        Row(sar=[(date(2026, 1, 15), 333)], sye=[(date(2026, 2, 1), 1)],
            policies=[policy(sar_multiplier="1.5", sye_multiplier="0.5")],
            policy_used=policy(sar_multiplier="1.5", sye_multiplier="0.5"),
            sar_standing=333, sye_balance=1, base=500, entitlement=500),
        id="base-rounded-once-half-up",
    ),
    pytest.param(
        Row(sar=[(date(2026, 1, 15), 333)], sye=[],
            policies=[policy(sar_multiplier="1.5")], policy_used=policy(sar_multiplier="1.5"),
            sar_standing=333, sye_balance=0, base=500, entitlement=500),
        id="half-rounds-up",
    ),
    pytest.param(
        Row(affiliated_on=date(2026, 1, 10), subscriptions={}, eligible=False, entitlement=0,
            reasons=[
                "waiting_period: affiliated 2026-01-10, 89 days before declared_on 2026-04-09;"
                " policy requires 90",
                "arrears: period 2026-Q1 due 2026-02-09 unpaid 10000 of 10000"]),
        id="every-reason-is-listed",
    ),
]


def movements(dated: Dated) -> list[Movement]:
    return [Movement(on, ugx(amount)) for on, amount in dated]


def run(row: Row) -> Any:
    hazard = Hazard(HAZARD_ID, "flood", "Mbale floods", DECLARED_ON,
                    [GROUP_A] if row.affected else [GROUP_B])
    group = GroupRecord(
        GROUP_A, row.affiliated_on, movements(row.sar), movements(row.sye),
        {label: movements(paid) for label, paid in row.subscriptions.items()},
        movements(row.paid),
    )
    return compute_entitlement(hazard, group, row.policies, SCHEDULES, "UGX")


@pytest.mark.parametrize("row", ROWS)
def test_entitlement_terms(row: Row) -> None:
    result = run(row)
    assert result.reasons == row.reasons
    assert result.eligible is row.eligible
    assert result.policy == row.policy_used
    assert result.sar_standing == ugx(row.sar_standing)
    assert result.sye_balance == ugx(row.sye_balance)
    assert result.base == ugx(row.base)
    assert result.cap == (None if row.cap is None else ugx(row.cap))
    assert result.paid == ugx(row.paid_total)
    assert result.entitlement == ugx(row.entitlement)
    assert (result.group_id, result.hazard_id, result.declared_on) == (
        GROUP_A, HAZARD_ID, DECLARED_ON,
    )


# --- the policy itself ------------------------------------------------------------------


def test_the_default_policy_is_the_published_one() -> None:
    default = ReliefPolicy.default()
    assert (default.sar_multiplier, default.sye_multiplier, default.cap_per_hazard,
            default.waiting_period_days, default.require_paid_subscriptions) == (
        Decimal(3), Decimal(1), None, 90, True,
    )


@pytest.mark.parametrize(
    "terms",
    [
        {"sar_multiplier": Decimal(-1)},
        {"sye_multiplier": Decimal("-0.5")},
        {"sar_multiplier": Decimal("NaN")},
        {"sar_multiplier": 1.5},
        {"sar_multiplier": True},
        {"cap_per_hazard": Money.of(-1, "UGX")},
        {"waiting_period_days": -1},
        {"waiting_period_days": 1.0},
        {"waiting_period_days": 100_000},
        {"require_paid_subscriptions": "yes"},
    ],
)
def test_a_policy_refuses_impossible_terms(terms: dict[str, Any]) -> None:
    with pytest.raises(InvalidPolicy):
        ReliefPolicy(effective_on=date(2026, 1, 1), **terms)


def test_policy_in_force_is_the_latest_effective_on_or_before_the_date() -> None:
    january = policy(date(2026, 1, 1), sar_multiplier="4")
    march = policy(date(2026, 3, 1), sar_multiplier="5")
    march_again = policy(date(2026, 3, 1), sar_multiplier="6")
    history = [march, january, march_again]
    assert policy_in_force(history, date(2025, 12, 31)) == ReliefPolicy.default()
    assert policy_in_force(history, date(2026, 2, 28)) == january
    assert policy_in_force(history, date(2026, 3, 1)) == march_again  # ties: the one set last
