"""Relief policy and a group's entitlement for a declared hazard, with every term shown.

For group g and hazard h, judged by the policy in force on h.declared_on::

    eligible    = g is affected by h
                  and g.affiliated_on + waiting_period_days <= h.declared_on
                  and (not require_paid_subscriptions or g has no arrears as of h.declared_on)
    base        = sar_multiplier * SAR standing + sye_multiplier * SYE balance,
                  both as of h.declared_on; the sum rounded once to the minor unit, half-up
    entitlement = 0 if not eligible else max(min(base, cap_per_hazard) - paid, 0)

"As of" means: movements dated on or before h.declared_on, where a reversal is a movement
of its own on its own business date. So a contribution reversed after the declaration
still counts for that hazard, and one reversed on or before it does not. Why: the
entitlement then equals what the union's books (trial balance as of declared_on) said on
the declaration date, which an auditor can recompute from the journal alone; an
entitlement never changes under the relief officer because of a correction booked later
for a later date; and an accountant who means "this contribution never happened" dates the
reversal on the contribution's own date (a reversal may not be dated earlier), which
removes it from every hazard declared since. `paid` is every payout for (g, h) to date,
net of reversals, whatever its date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from domain.errors import InvalidPolicy
from domain.money import Money, quantum
from domain.movements import Movement, balance_as_of
from domain.subscriptions import ScheduleChange, arrears

WAITING_PERIOD_DAYS_MAX = 3660
MULTIPLIER_MAX = Decimal(1000)


@dataclass(frozen=True, kw_only=True)
class ReliefPolicy:
    """The published relief rules, from `effective_on` until the next policy."""

    sar_multiplier: Decimal = Decimal(3)
    sye_multiplier: Decimal = Decimal(1)
    cap_per_hazard: Money | None = None
    waiting_period_days: int = 90
    require_paid_subscriptions: bool = True
    effective_on: date

    def __post_init__(self) -> None:
        for name in ("sar_multiplier", "sye_multiplier"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Decimal | int):
                raise InvalidPolicy(f"{name} must be a decimal number, got {value!r}")
            number = Decimal(value)
            if not number.is_finite() or not 0 <= number <= MULTIPLIER_MAX:
                raise InvalidPolicy(f"{name} must be from 0 to {MULTIPLIER_MAX}, got {value}")
            object.__setattr__(self, name, number)
        cap = self.cap_per_hazard
        if cap is not None and (not isinstance(cap, Money) or cap.is_negative):
            raise InvalidPolicy(f"cap_per_hazard must be zero or more (or none), got {cap}")
        days = self.waiting_period_days
        if isinstance(days, bool) or not isinstance(days, int):
            raise InvalidPolicy(f"waiting_period_days must be a whole number, got {days!r}")
        if not 0 <= days <= WAITING_PERIOD_DAYS_MAX:
            raise InvalidPolicy(
                f"waiting_period_days must be from 0 to {WAITING_PERIOD_DAYS_MAX}, got {days}"
            )
        if not isinstance(self.require_paid_subscriptions, bool):
            raise InvalidPolicy("require_paid_subscriptions must be true or false")
        if not isinstance(self.effective_on, date):
            raise InvalidPolicy(f"effective_on must be a date, got {self.effective_on!r}")

    @classmethod
    def default(cls) -> ReliefPolicy:
        """The default policy of DESIGN.md, in force from the beginning of time."""
        return cls(effective_on=date.min)


def policy_in_force(history: Sequence[ReliefPolicy], on: date) -> ReliefPolicy:
    """The policy with the latest `effective_on` <= `on` (ties: the one set last); the
    default policy when none is in force yet."""
    found = None
    for policy in history:
        if policy.effective_on > on:
            continue
        if found is None or policy.effective_on >= found.effective_on:
            found = policy
    return ReliefPolicy.default() if found is None else found


@dataclass(frozen=True)
class Hazard:
    """A declared disaster and the groups of the union it affects."""

    hazard_id: UUID
    kind: str
    description: str
    declared_on: date
    affected_group_ids: list[UUID]


@dataclass(frozen=True)
class GroupRecord:
    """The dated facts about one group that its entitlement for one hazard depends on."""

    group_id: UUID
    affiliated_on: date
    sar: Sequence[Movement]
    sye: Sequence[Movement]
    subscriptions: Mapping[str, Sequence[Movement]]
    relief_paid: Sequence[Movement]


@dataclass(frozen=True)
class Entitlement:
    """Every term of a group's entitlement for a hazard, and why it is not eligible."""

    group_id: UUID
    hazard_id: UUID
    declared_on: date
    eligible: bool
    reasons: list[str]
    policy: ReliefPolicy
    sar_standing: Money
    sye_balance: Money
    base: Money
    cap: Money | None
    paid: Money
    entitlement: Money


def compute_entitlement(
    hazard: Hazard,
    group: GroupRecord,
    policies: Sequence[ReliefPolicy],
    schedules: Sequence[ScheduleChange],
    currency: str,
) -> Entitlement:
    """The entitlement of `group` for `hazard`, exactly as the module docstring states."""
    declared_on = hazard.declared_on
    policy = policy_in_force(policies, declared_on)
    reasons = ineligibility_reasons(hazard, group, policy, schedules)
    sar = balance_as_of(group.sar, currency, declared_on)
    sye = balance_as_of(group.sye, currency, declared_on)
    raw = policy.sar_multiplier * sar.amount + policy.sye_multiplier * sye.amount
    base = Money(raw.quantize(quantum(currency), rounding=ROUND_HALF_UP), currency)
    cap = policy.cap_per_hazard
    paid = balance_as_of(group.relief_paid, currency)
    limit = base if cap is None else base.min(cap)
    amount = Money.zero(currency) if reasons else (limit - paid).max(Money.zero(currency))
    return Entitlement(
        group_id=group.group_id,
        hazard_id=hazard.hazard_id,
        declared_on=declared_on,
        eligible=not reasons,
        reasons=reasons,
        policy=policy,
        sar_standing=sar,
        sye_balance=sye,
        base=base,
        cap=cap,
        paid=paid,
        entitlement=amount,
    )


def ineligibility_reasons(
    hazard: Hazard, group: GroupRecord, policy: ReliefPolicy, schedules: Sequence[ScheduleChange]
) -> list[str]:
    """Why the group is not eligible, one line each with a stable `code:` prefix."""
    reasons: list[str] = []
    declared_on = hazard.declared_on
    if group.group_id not in hazard.affected_group_ids:
        reasons.append(
            f"not_affected: group {group.group_id} is not among the groups affected by"
            f" hazard {hazard.hazard_id}"
        )
    waiting = policy.waiting_period_days
    days = (declared_on - group.affiliated_on).days
    if days < waiting:
        when = f"{days} days before" if days >= 0 else f"{-days} days after"
        reasons.append(
            f"waiting_period: affiliated {group.affiliated_on}, {when} declared_on"
            f" {declared_on}; policy requires {waiting}"
        )
    if policy.require_paid_subscriptions:
        for line in arrears(schedules, group.affiliated_on, group.subscriptions, declared_on):
            reasons.append(
                f"arrears: period {line.period} due {line.due_on} unpaid"
                f" {line.unpaid.amount} of {line.owed.amount}"
            )
    return reasons
