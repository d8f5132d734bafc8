"""Use cases of a union, and the group ↔ union transfers that move both books in one save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

from domain import errors
from domain import group_events as gev
from domain.group import Group
from domain.ledger import LedgerAggregate, Meta
from domain.money import Money
from domain.relief import ReliefPolicy
from domain.subscriptions import SubscriptionSchedule
from domain.union import Union
from union_ledger.core import Decision, LedgerCore, Outcome, T

Amount = str | Decimal | int


@dataclass(frozen=True)
class ScheduleInput:
    frequency: str
    amount: Amount
    grace_days: int


@dataclass(frozen=True)
class PolicyInput:
    sar_multiplier: Decimal
    sye_multiplier: Decimal
    cap_per_hazard: Amount | None
    waiting_period_days: int
    require_paid_subscriptions: bool
    effective_on: date


@dataclass(frozen=True)
class Transfer:
    """Both sides of a group ↔ union transfer, booked in one save."""

    group_event: LedgerAggregate.Event
    union_event: LedgerAggregate.Event
    transfer_id: UUID


def _schedule(value: ScheduleInput, currency: str) -> SubscriptionSchedule:
    return SubscriptionSchedule(
        frequency=value.frequency,  # type: ignore[arg-type]  # checked by the schedule
        amount=Money.positive(value.amount, currency),
        grace_days=value.grace_days,
    )


def _policy(value: PolicyInput, currency: str) -> ReliefPolicy:
    cap = None if value.cap_per_hazard is None else Money.of(value.cap_per_hazard, currency)
    return ReliefPolicy(
        sar_multiplier=value.sar_multiplier, sye_multiplier=value.sye_multiplier,
        cap_per_hazard=cap, waiting_period_days=value.waiting_period_days,
        require_paid_subscriptions=value.require_paid_subscriptions,
        effective_on=value.effective_on,
    )


class UnionCases(LedgerCore):
    """Commands on a Union, alone or together with one of its groups."""

    def load_union(self, union_id: UUID) -> Union:
        return self._load(union_id, Union, errors.UnionNotFound)

    def _on_union(self, union_id: UUID, command: Callable[[Union], T]) -> Outcome[T]:
        def decide() -> Decision[T]:
            union = self.load_union(union_id)
            return command(union), [union]

        return self.run(decide)

    def _on_both(
        self, group_id: UUID, command: Callable[[Group, Union], T]
    ) -> Outcome[T]:
        def decide() -> Decision[T]:
            group = self.load_group(group_id)
            union = self.load_union(group.union_id)
            return command(group, union), [group, union]

        return self.run(decide)

    # --- the union itself ----------------------------------------------------------------

    def register_union(
        self, *, code: str, name: str, currency: str, schedule: ScheduleInput,
        policy: PolicyInput | None, meta: Meta,
    ) -> Outcome[Union]:
        def decide() -> Decision[Union]:
            today = self.today()
            union = Union.register(
                code, name, currency, _schedule(schedule, currency),
                _policy(policy, currency) if policy else None, on=today, meta=meta, today=today,
            )
            return union, [union]

        return self.run(decide)

    def set_relief_policy(
        self, union_id: UUID, policy: PolicyInput, *, meta: Meta
    ) -> Outcome[LedgerAggregate.Event]:
        return self._on_union(union_id, lambda u: u.set_relief_policy(
            _policy(policy, u.currency), on=self.today(), meta=meta, today=self.today()))

    def change_subscription_schedule(
        self, union_id: UUID, schedule: ScheduleInput, *, effective_on: date, meta: Meta
    ) -> Outcome[LedgerAggregate.Event]:
        return self._on_union(union_id, lambda u: u.change_subscription_schedule(
            _schedule(schedule, u.currency), effective_on=effective_on, on=self.today(),
            meta=meta, today=self.today()))

    def receive_relief_fund_grant(
        self, union_id: UUID, donor: str, amount: Amount, *, on: date, meta: Meta
    ) -> Outcome[LedgerAggregate.Event]:
        return self._on_union(union_id, lambda u: u.receive_relief_fund_grant(
            donor, Money.of(amount, u.currency), on=on, meta=meta, today=self.today()))

    def allocate_income_to_relief_fund(
        self, union_id: UUID, amount: Amount, *, on: date, meta: Meta
    ) -> Outcome[LedgerAggregate.Event]:
        return self._on_union(union_id, lambda u: u.allocate_income_to_relief_fund(
            Money.of(amount, u.currency), on=on, meta=meta, today=self.today()))

    def declare_hazard(
        self, union_id: UUID, *, kind: str, description: str, declared_on: date,
        affected_group_ids: list[UUID], meta: Meta,
    ) -> Outcome[LedgerAggregate.Event]:
        return self._on_union(union_id, lambda u: u.declare_hazard(
            kind, description, affected_group_ids, declared_on=declared_on, meta=meta,
            today=self.today()))

    # --- groups joining the union ---------------------------------------------------------

    def register_group(
        self, union_id: UUID, *, name: str, enterprise: str, locality: str,
        affiliated_on: date, meta: Meta,
    ) -> Outcome[Group]:
        """A group is registered under exactly one union: both records in one save."""

        def decide() -> Decision[Group]:
            union = self.load_union(union_id)
            today = self.today()
            group = Group.register(
                union_id=union_id, name=name, enterprise=enterprise, locality=locality,
                affiliated_on=affiliated_on, currency=union.currency, meta=meta, today=today,
            )
            union.affiliate_group(group.id, group.name, affiliated_on=affiliated_on,
                                  meta=meta, today=today)
            return group, [group, union]

        return self.run(decide)

    # --- transfers: both sides or neither -----------------------------------------------

    def pay_subscription(
        self, group_id: UUID, period: str, amount: Amount, *, on: date, meta: Meta
    ) -> Outcome[Transfer]:
        def command(g: Group, u: Union) -> Transfer:
            money, transfer_id, today = Money.of(amount, g.currency), uuid4(), self.today()
            union_event = u.receive_subscription(
                g.id, period, money, transfer_id=transfer_id, on=on, meta=meta, today=today)
            group_event = g.pay_subscription(
                period, money, str(transfer_id), on=on, meta=meta, today=today)
            return Transfer(group_event, union_event, transfer_id)

        return self._on_both(group_id, command)

    def contribute_sar(
        self, group_id: UUID, amount: Amount, *, on: date, meta: Meta
    ) -> Outcome[Transfer]:
        def command(g: Group, u: Union) -> Transfer:
            money, transfer_id, today = Money.of(amount, g.currency), uuid4(), self.today()
            group_event = g.contribute_sar(money, str(transfer_id), on=on, meta=meta,
                                           today=today)
            union_event = u.receive_sar_contribution(
                g.id, money, transfer_id=transfer_id, on=on, meta=meta, today=today)
            return Transfer(group_event, union_event, transfer_id)

        return self._on_both(group_id, command)

    def deposit_sye(
        self, group_id: UUID, amount: Amount, *, on: date, meta: Meta
    ) -> Outcome[Transfer]:
        def command(g: Group, u: Union) -> Transfer:
            money, transfer_id, today = Money.of(amount, g.currency), uuid4(), self.today()
            group_event = g.deposit_sye(money, str(transfer_id), on=on, meta=meta, today=today)
            union_event = u.receive_sye_deposit(
                g.id, money, transfer_id=transfer_id, on=on, meta=meta, today=today)
            return Transfer(group_event, union_event, transfer_id)

        return self._on_both(group_id, command)

    def withdraw_sye(
        self, group_id: UUID, amount: Amount, *, on: date, meta: Meta
    ) -> Outcome[Transfer]:
        def command(g: Group, u: Union) -> Transfer:
            money, transfer_id, today = Money.of(amount, g.currency), uuid4(), self.today()
            union_event = u.withdraw_sye(
                g.id, money, transfer_id=transfer_id, on=on, meta=meta, today=today)
            group_event = g.withdraw_sye(money, str(transfer_id), on=on, meta=meta, today=today)
            return Transfer(group_event, union_event, transfer_id)

        return self._on_both(group_id, command)

    def pay_relief(
        self, union_id: UUID, hazard_id: UUID, group_id: UUID, amount: Amount, *, on: date,
        meta: Meta,
    ) -> Outcome[Transfer]:
        """Pay a group relief for a hazard: never above its entitlement or the fund."""

        def command(g: Group, u: Union) -> Transfer:
            if u.id != union_id:
                raise errors.GroupNotFound(f"group {group_id} is not in union {union_id}")
            money, transfer_id, today = Money.of(amount, g.currency), uuid4(), self.today()
            union_event = u.make_relief_payout(
                hazard_id, g.id, money, transfer_id=transfer_id, on=on, meta=meta, today=today)
            group_event = g.receive_relief(
                str(hazard_id), money, str(transfer_id), on=on, meta=meta, today=today)
            return Transfer(group_event, union_event, transfer_id)

        return self._on_both(group_id, command)

    # --- reversals ------------------------------------------------------------------------

    def reverse_group_entry(
        self, group_id: UUID, event_id: UUID, reason: str, *, on: date, meta: Meta
    ) -> Outcome[list[LedgerAggregate.Event]]:
        """Reverse a group entry; a transfer is reversed on both sides in one save."""

        def command(g: Group, u: Union) -> list[LedgerAggregate.Event]:
            today = self.today()
            reversal = g.reverse(str(event_id), reason, on=on, meta=meta, today=today)
            transfer = reversal.reversed.transfer_id
            if transfer is None:
                return [reversal]
            return [reversal, _reverse_union_side(u, UUID(transfer), reason, on, meta, today)]

        return self._on_both(group_id, command)

    def reverse_union_entry(
        self, union_id: UUID, event_id: UUID, reason: str, *, on: date, meta: Meta
    ) -> Outcome[list[LedgerAggregate.Event]]:
        """Reverse a union entry; a transfer is reversed on both sides in one save."""

        def decide() -> Decision[list[LedgerAggregate.Event]]:
            union = self.load_union(union_id)
            record = union.money_event(event_id)
            today = self.today()
            transfer_id = _transfer_of(union, event_id) if record else None
            if transfer_id is None or record is None or record.group_id is None:
                event = union.reverse(event_id, reason, on=on, meta=meta, today=today)
                return [event], [union]
            group = self.load_group(record.group_id)
            group_event_id = group.transfers.get(str(transfer_id))
            if group_event_id is None:  # pragma: no cover - both sides are saved together
                raise errors.EventNotFound(f"no group side for transfer {transfer_id}")
            group_reversal = group.reverse(group_event_id, reason, on=on, meta=meta,
                                           today=today)
            union_reversal = _reverse_union_side(union, transfer_id, reason, on, meta, today)
            return [union_reversal, group_reversal], [group, union]

        return self.run(decide)


def _transfer_of(union: Union, event_id: UUID) -> UUID | None:
    for transfer, union_event in union.transfers.items():
        if union_event == str(event_id):
            return UUID(transfer)
    return None


def _reverse_union_side(
    union: Union, transfer_id: UUID, reason: str, on: date, meta: Meta, today: date
) -> LedgerAggregate.Event:
    union_event_id = union.event_for_transfer(transfer_id)
    if union_event_id is None:  # pragma: no cover - both sides are saved together
        raise errors.EventNotFound(f"no union side for transfer {transfer_id}")
    return union.reverse(union_event_id, reason, on=on, meta=meta, today=today,
                         transfer_id=uuid4())


__all__ = ["PolicyInput", "ScheduleInput", "Transfer", "UnionCases", "gev"]
