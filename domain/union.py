"""The Union (CLUN) aggregate: its groups, subscriptions, SAR, SYE, relief fund and hazards.

Commands validate first (domain.union_rules) and raise a typed DomainError, and only then
record exactly one event; event `apply` methods only mutate state (domain.union_state).
Every money command that is one side of a group↔union transfer takes the caller's
`transfer_id`, so the application saves the matching group event in the same transaction
and can find both sides again to reverse them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, TypeVar
from uuid import UUID, uuid4

from domain.errors import (
    ChangeAffectsHistory,
    InsufficientReserve,
    InsufficientSyeBalance,
    InvalidInput,
    InvariantViolation,
)
from domain.ledger import LedgerAggregate, Meta
from domain.money import Money, minor_unit
from domain.movements import Movement
from domain.relief import Hazard, ReliefPolicy
from domain.subscriptions import ScheduleChange, SubscriptionSchedule
from domain.union_records import Affiliation, MoneyKind, MoneyRecord
from domain.union_rules import UnionRules, require_amount, require_not_future, require_text
from domain.union_state import UnionState

# The value types kept in Union state and event payloads (besides Money, date, UUID and
# Decimal): the application registers a shallow dict transcoding for each (field by field,
# never dataclasses.asdict, so nested Money and dates keep their own transcodings).
SNAPSHOT_TYPES: tuple[type, ...] = (
    SubscriptionSchedule, ScheduleChange, ReliefPolicy, Hazard, Movement, Affiliation, MoneyRecord,
)

CODE_MAX = 32
TEXT_MAX = 200
DESCRIPTION_MAX = 2000

E = TypeVar("E", bound=LedgerAggregate.Event)


class GroupTransferEvent(LedgerAggregate.Event):
    """The union's side of a SAR or SYE transfer with one group (`money_kind` says which)."""

    group_id: UUID
    amount: Money
    transfer_id: UUID
    money_kind: ClassVar[MoneyKind]

    def record(self) -> MoneyRecord:
        return MoneyRecord(self.money_kind, self.on, self.amount, self.group_id)

    def apply(self, aggregate: UnionState) -> None:
        aggregate.book(self.event_id, self.record(), self.transfer_id)


class Union(UnionRules, LedgerAggregate):
    """A CLUN: the tenant boundary of the ledger."""

    def __init__(
        self,
        code: str,
        name: str,
        currency: str,
        subscription_schedule: SubscriptionSchedule,
        relief_policy: ReliefPolicy,
        on: date,
        event_id: UUID,
    ) -> None:
        UnionState.__init__(
            self, code, name, currency, subscription_schedule, relief_policy, on, event_id
        )

    def _emit(self, event_class: type[E], *, on: date, meta: Meta, **facts: Any) -> E:
        """Record one event (after every check passed) and return it, typed."""
        event = self._record(event_class, on=on, meta=meta, **facts)
        if not isinstance(event, event_class):
            raise InvariantViolation(f"recorded {type(event).__name__}, not {event_class}")
        return event

    class Registered(LedgerAggregate.Created):
        code: str
        name: str
        currency: str
        subscription_schedule: SubscriptionSchedule
        relief_policy: ReliefPolicy

    class SubscriptionScheduleChanged(LedgerAggregate.Event):
        schedule: SubscriptionSchedule
        effective_on: date

        def apply(self, aggregate: Union) -> None:
            aggregate.schedule_history.append(ScheduleChange(self.effective_on, self.schedule))
            aggregate.other_events[str(self.event_id)] = "subscription schedule change"

    class ReliefPolicySet(LedgerAggregate.Event):
        policy: ReliefPolicy

        def apply(self, aggregate: Union) -> None:
            aggregate.policy_history.append(self.policy)
            aggregate.other_events[str(self.event_id)] = "relief policy"

    class GroupAffiliated(LedgerAggregate.Event):
        group_id: UUID
        group_name: str
        affiliated_on: date

        def apply(self, aggregate: Union) -> None:
            affiliation = Affiliation(self.group_id, self.group_name, self.affiliated_on)
            aggregate.affiliations[str(self.group_id)] = affiliation
            aggregate.other_events[str(self.event_id)] = "group affiliation"

    class SubscriptionReceived(LedgerAggregate.Event):
        group_id: UUID
        period: str
        amount: Money
        transfer_id: UUID

        def record(self) -> MoneyRecord:
            return MoneyRecord("subscription", self.on, self.amount, self.group_id, self.period)

        def apply(self, aggregate: Union) -> None:
            aggregate.book(self.event_id, self.record(), self.transfer_id)

    class SarContributionReceived(GroupTransferEvent):
        money_kind = "sar_contribution"

    class SyeDepositReceived(GroupTransferEvent):
        money_kind = "sye_deposit"

    class SyeWithdrawn(GroupTransferEvent):
        money_kind = "sye_withdrawal"

    class ReliefFundGrantReceived(LedgerAggregate.Event):
        donor: str
        amount: Money

        def record(self) -> MoneyRecord:
            return MoneyRecord("relief_fund_grant", self.on, self.amount)

        def apply(self, aggregate: Union) -> None:
            aggregate.book(self.event_id, self.record(), None)

    class IncomeAllocatedToReliefFund(LedgerAggregate.Event):
        amount: Money

        def record(self) -> MoneyRecord:
            return MoneyRecord("income_allocation", self.on, self.amount)

        def apply(self, aggregate: Union) -> None:
            aggregate.book(self.event_id, self.record(), None)

    class HazardDeclared(LedgerAggregate.Event):
        hazard_id: UUID
        kind: str
        description: str
        declared_on: date
        affected_group_ids: list[UUID]

        def apply(self, aggregate: Union) -> None:
            groups = list(self.affected_group_ids)
            hazard = Hazard(self.hazard_id, self.kind, self.description, self.declared_on, groups)
            aggregate.hazards[str(self.hazard_id)] = hazard
            aggregate.other_events[str(self.event_id)] = "hazard declaration"

    class ReliefPayoutMade(LedgerAggregate.Event):
        hazard_id: UUID
        group_id: UUID
        amount: Money
        transfer_id: UUID

        def record(self) -> MoneyRecord:
            return MoneyRecord(
                "relief_payout", self.on, self.amount, self.group_id, hazard_id=self.hazard_id
            )

        def apply(self, aggregate: Union) -> None:
            aggregate.book(self.event_id, self.record(), self.transfer_id)

    class EntryReversed(LedgerAggregate.Event):
        """Reverses one money event; carries its facts so its entry is rebuilt without lookup."""

        reversed_event_id: UUID
        reason: str
        transfer_id: UUID | None
        reversed_kind: MoneyKind
        reversed_on: date
        amount: Money
        group_id: UUID | None
        period: str | None
        hazard_id: UUID | None

        def reversed_record(self) -> MoneyRecord:
            return MoneyRecord(
                self.reversed_kind, self.reversed_on, self.amount, self.group_id, self.period,
                self.hazard_id,
            )

        def apply(self, aggregate: Union) -> None:
            aggregate.unbook(
                self.event_id, self.reversed_event_id, self.reversed_record(), self.on,
                self.transfer_id,
            )

    # --- commands: registration and rules ----------------------------------------------

    @classmethod
    def register(
        cls,
        code: str,
        name: str,
        currency: str,
        schedule: SubscriptionSchedule,
        policy: ReliefPolicy | None,
        *,
        on: date,
        meta: Meta,
        today: date,
        union_id: UUID | None = None,
    ) -> Union:
        """Register a union; without a policy, the default policy of DESIGN.md applies."""
        minor_unit(currency)
        code = require_text(code, "union code", CODE_MAX)
        name = require_text(name, "union name", TEXT_MAX)
        require_not_future(on, today, "registration")
        require_amount(schedule.amount, currency, "subscription amount")
        chosen = ReliefPolicy.default() if policy is None else policy
        if chosen.cap_per_hazard is not None:
            require_amount(chosen.cap_per_hazard, currency, "cap_per_hazard", allow_zero=True)
        return cls._register(
            cls.Registered, on=on, meta=meta, aggregate_id=union_id, code=code, name=name,
            currency=currency, subscription_schedule=schedule, relief_policy=chosen,
        )

    def change_subscription_schedule(
        self, schedule: SubscriptionSchedule, *, effective_on: date, on: date, meta: Meta,
        today: date,
    ) -> Union.SubscriptionScheduleChanged:
        """New dues from `effective_on` (domain.subscriptions says when a change bites)."""
        require_not_future(on, today, "schedule change")
        require_amount(schedule.amount, self.currency, "subscription amount")
        self.require_after_hazards(effective_on, "subscription schedule change")
        history = [*self.schedule_history, ScheduleChange(effective_on, schedule)]
        self.require_payments_explained(history, effective_on)
        return self._emit(
            self.SubscriptionScheduleChanged, on=on, meta=meta, schedule=schedule,
            effective_on=effective_on,
        )

    def set_relief_policy(
        self, policy: ReliefPolicy, *, on: date, meta: Meta, today: date
    ) -> Union.ReliefPolicySet:
        """Publish a policy from `policy.effective_on`; earlier ones stay in the history."""
        require_not_future(on, today, "relief policy")
        if policy.cap_per_hazard is not None:
            require_amount(policy.cap_per_hazard, self.currency, "cap_per_hazard", allow_zero=True)
        self.require_after_hazards(policy.effective_on, "relief policy")
        return self._emit(self.ReliefPolicySet, on=on, meta=meta, policy=policy)

    def affiliate_group(
        self, group_id: UUID, group_name: str, *, affiliated_on: date, meta: Meta, today: date
    ) -> Union.GroupAffiliated:
        group_name = require_text(group_name, "group name", TEXT_MAX)
        require_not_future(affiliated_on, today, "affiliation")
        self.require_not_affiliated(group_id)
        return self._emit(
            self.GroupAffiliated, on=affiliated_on, meta=meta, group_id=group_id,
            group_name=group_name, affiliated_on=affiliated_on,
        )

    # --- commands: money from and to groups --------------------------------------------

    def receive_subscription(
        self, group_id: UUID, period: str, amount: Money, *, transfer_id: UUID, on: date,
        meta: Meta, today: date,
    ) -> Union.SubscriptionReceived:
        group = self.group_transfer(group_id, amount, transfer_id, on, today, "subscription")
        self.require_subscription_owed(group, period, amount)
        return self._emit(
            self.SubscriptionReceived, on=on, meta=meta, group_id=group_id, period=period,
            amount=amount, transfer_id=transfer_id,
        )

    def receive_sar_contribution(
        self, group_id: UUID, amount: Money, *, transfer_id: UUID, on: date, meta: Meta,
        today: date,
    ) -> Union.SarContributionReceived:
        self.group_transfer(group_id, amount, transfer_id, on, today, "SAR contribution")
        return self._emit(
            self.SarContributionReceived, on=on, meta=meta, group_id=group_id, amount=amount,
            transfer_id=transfer_id,
        )

    def receive_sye_deposit(
        self, group_id: UUID, amount: Money, *, transfer_id: UUID, on: date, meta: Meta,
        today: date,
    ) -> Union.SyeDepositReceived:
        self.group_transfer(group_id, amount, transfer_id, on, today, "SYE deposit")
        return self._emit(
            self.SyeDepositReceived, on=on, meta=meta, group_id=group_id, amount=amount,
            transfer_id=transfer_id,
        )

    def withdraw_sye(
        self, group_id: UUID, amount: Money, *, transfer_id: UUID, on: date, meta: Meta,
        today: date,
    ) -> Union.SyeWithdrawn:
        """Return SYE savings to the group, never more than its balance at any date."""
        self.group_transfer(group_id, amount, transfer_id, on, today, "SYE withdrawal")
        record = MoneyRecord("sye_withdrawal", on, amount, group_id)
        self.require_available(record, InsufficientSyeBalance, "SYE withdrawal")
        self.require_paid_relief_covered(record, 1, ChangeAffectsHistory, "SYE withdrawal")
        return self._emit(
            self.SyeWithdrawn, on=on, meta=meta, group_id=group_id, amount=amount,
            transfer_id=transfer_id,
        )

    # --- commands: the relief fund ------------------------------------------------------

    def receive_relief_fund_grant(
        self, donor: str, amount: Money, *, on: date, meta: Meta, today: date
    ) -> Union.ReliefFundGrantReceived:
        donor = require_text(donor, "donor", TEXT_MAX)
        require_amount(amount, self.currency, "grant")
        require_not_future(on, today, "grant")
        return self._emit(
            self.ReliefFundGrantReceived, on=on, meta=meta, donor=donor, amount=amount
        )

    def allocate_income_to_relief_fund(
        self, amount: Money, *, on: date, meta: Meta, today: date
    ) -> Union.IncomeAllocatedToReliefFund:
        """Set subscription income aside for relief: Dr 4000 / Cr 3000."""
        require_amount(amount, self.currency, "allocation")
        require_not_future(on, today, "allocation")
        record = MoneyRecord("income_allocation", on, amount)
        self.require_available(record, InsufficientReserve, "allocation")
        return self._emit(self.IncomeAllocatedToReliefFund, on=on, meta=meta, amount=amount)

    def declare_hazard(
        self, kind: str, description: str, affected_group_ids: list[UUID], *,
        declared_on: date, meta: Meta, today: date, hazard_id: UUID | None = None,
    ) -> Union.HazardDeclared:
        """Declare a hazard affecting some of the union's groups (duplicates ignored)."""
        kind = require_text(kind, "hazard kind", TEXT_MAX)
        description = require_text(description, "hazard description", DESCRIPTION_MAX)
        require_not_future(declared_on, today, "hazard declaration")
        groups = self.affected_groups(affected_group_ids)
        hazard_id = hazard_id or uuid4()
        if str(hazard_id) in self.hazards:
            raise InvalidInput(f"hazard {hazard_id} is already declared", hazard_id=str(hazard_id))
        return self._emit(
            self.HazardDeclared, on=declared_on, meta=meta, hazard_id=hazard_id, kind=kind,
            description=description, declared_on=declared_on, affected_group_ids=groups,
        )

    def make_relief_payout(
        self, hazard_id: UUID, group_id: UUID, amount: Money, *, transfer_id: UUID, on: date,
        meta: Meta, today: date,
    ) -> Union.ReliefPayoutMade:
        """Pay relief for a hazard: within the remaining entitlement and the relief fund."""
        record = MoneyRecord("relief_payout", on, amount, group_id, hazard_id=hazard_id)
        self.require_payout_allowed(hazard_id, group_id, record, transfer_id, today)
        return self._emit(
            self.ReliefPayoutMade, on=on, meta=meta, hazard_id=hazard_id, group_id=group_id,
            amount=amount, transfer_id=transfer_id,
        )

    # --- commands: reversal -------------------------------------------------------------

    def reverse(
        self, event_id: UUID, reason: str, *, on: date, meta: Meta, today: date,
        transfer_id: UUID | None = None,
    ) -> Union.EntryReversed:
        """Book the exact opposite of one money event, on `on`, once."""
        reason = require_text(reason, "reversal reason", TEXT_MAX)
        record = self.reversible(event_id, on, today)
        if transfer_id is not None:
            self.require_new_transfer(transfer_id)
        return self._emit(
            self.EntryReversed, on=on, meta=meta, reversed_event_id=event_id, reason=reason,
            transfer_id=transfer_id, reversed_kind=record.kind, reversed_on=record.on,
            amount=record.amount, group_id=record.group_id, period=record.period,
            hazard_id=record.hazard_id,
        )


# The events that move money (each has `record()`), for the posting rules.
MONEY_EVENTS = (
    Union.SubscriptionReceived, Union.SarContributionReceived, Union.SyeDepositReceived,
    Union.SyeWithdrawn, Union.ReliefFundGrantReceived, Union.IncomeAllocatedToReliefFund,
    Union.ReliefPayoutMade,
)
