"""The Union's state (snapshot-safe plain types) and the read-only questions it answers."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from domain import subscriptions
from domain.errors import GroupNotFound, HazardNotFound
from domain.money import Money
from domain.movements import Movement, balance_as_of, lowest_balance_from
from domain.relief import (
    Entitlement,
    GroupRecord,
    Hazard,
    ReliefPolicy,
    compute_entitlement,
    policy_in_force,
)
from domain.subscriptions import ArrearsLine, ScheduleChange, SubscriptionSchedule
from domain.union_records import Affiliation, MoneyRecord

Balance = Literal["fund", "income", "sar", "sye", "subscriptions", "relief_paid"]

# How each money event moves the union's balances (+1 up, -1 down); a reversal does the
# opposite on its own date. "fund" is account 3000, "income" is account 4000
# (subscription income not yet allocated to the fund), the rest are per group.
EFFECTS: dict[str, list[tuple[Balance, int]]] = {
    "subscription": [("income", 1), ("subscriptions", 1)],
    "sar_contribution": [("fund", 1), ("sar", 1)],
    "sye_deposit": [("sye", 1)],
    "sye_withdrawal": [("sye", -1)],
    "relief_fund_grant": [("fund", 1)],
    "income_allocation": [("fund", 1), ("income", -1)],
    "relief_payout": [("fund", -1), ("relief_paid", 1)],
}

BALANCE_NAMES: dict[Balance, str] = {
    "fund": "relief fund balance",
    "income": "unallocated subscription income",
    "sar": "group's SAR standing",
    "sye": "group's SYE balance",
    "subscriptions": "subscription paid for the period",
    "relief_paid": "relief paid to the group for the hazard",
}


class UnionState:
    """State and queries of a Union. Dict keys are str(UUID) so state survives JSON."""

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
        self.code: str = code
        self.name: str = name
        self.currency: str = currency
        self.registered_on: date = on
        self.schedule_history: list[ScheduleChange] = [
            ScheduleChange(date.min, subscription_schedule)
        ]
        self.policy_history: list[ReliefPolicy] = [relief_policy]
        self.affiliations: dict[str, Affiliation] = {}
        self.hazards: dict[str, Hazard] = {}
        self.sar_movements: dict[str, list[Movement]] = {}
        self.sye_movements: dict[str, list[Movement]] = {}
        self.subscription_payments: dict[str, dict[str, list[Movement]]] = {}
        self.relief_payouts: dict[str, dict[str, list[Movement]]] = {}  # group → hazard
        self.fund_movements: list[Movement] = []
        self.income_movements: list[Movement] = []
        self.money_events: dict[str, MoneyRecord] = {}
        self.other_events: dict[str, str] = {str(event_id): "union registration"}
        self.reversed_by: dict[str, str] = {}
        self.transfers: dict[str, str] = {}

    # --- mutation (called only from event apply methods) ----------------------------

    def book(self, event_id: UUID, record: MoneyRecord, transfer_id: UUID | None) -> None:
        self.money_events[str(event_id)] = record
        if transfer_id is not None:
            self.transfers[str(transfer_id)] = str(event_id)
        self._move(record, 1, record.on)

    def unbook(
        self,
        event_id: UUID,
        reversed_event_id: UUID,
        record: MoneyRecord,
        on: date,
        transfer_id: UUID | None,
    ) -> None:
        self.reversed_by[str(reversed_event_id)] = str(event_id)
        self.other_events[str(event_id)] = "reversal"
        if transfer_id is not None:
            self.transfers[str(transfer_id)] = str(event_id)
        self._move(record, -1, on)

    def _move(self, record: MoneyRecord, sign: int, on: date) -> None:
        for balance, effect in EFFECTS[record.kind]:
            amount = record.amount if effect * sign > 0 else -record.amount
            self._movements(balance, record, create=True).append(Movement(on, amount))

    def _movements(self, balance: Balance, record: MoneyRecord, create: bool) -> list[Movement]:
        """The movement list a money event touches (a fresh empty one when not `create`)."""
        if balance == "fund":
            return self.fund_movements
        if balance == "income":
            return self.income_movements
        group = str(record.group_id)
        if balance in ("sar", "sye"):
            per_group = self.sar_movements if balance == "sar" else self.sye_movements
            return per_group.setdefault(group, []) if create else per_group.get(group, [])
        outer = self.subscription_payments if balance == "subscriptions" else self.relief_payouts
        key = str(record.period if balance == "subscriptions" else record.hazard_id)
        if not create:
            return outer.get(group, {}).get(key, [])
        return outer.setdefault(group, {}).setdefault(key, [])

    # --- queries --------------------------------------------------------------------

    def has_group(self, group_id: UUID) -> bool:
        return str(group_id) in self.affiliations

    def groups(self) -> list[Affiliation]:
        """The union's groups, in order of affiliation recording."""
        return list(self.affiliations.values())

    def affiliation(self, group_id: UUID) -> Affiliation:
        found = self.affiliations.get(str(group_id))
        if found is None:
            raise GroupNotFound(
                f"group {group_id} is not a group of union {self.code}", group_id=str(group_id)
            )
        return found

    def hazard(self, hazard_id: UUID) -> Hazard:
        found = self.hazards.get(str(hazard_id))
        if found is None:
            raise HazardNotFound(
                f"union {self.code} has declared no hazard {hazard_id}", hazard_id=str(hazard_id)
            )
        return found

    def relief_fund_balance(self, as_of: date | None = None) -> Money:
        """Balance of account 3000 (credit), as of a date or now."""
        return balance_as_of(self.fund_movements, self.currency, as_of)

    def unallocated_income(self, as_of: date | None = None) -> Money:
        """Balance of account 4000: subscription income not allocated to the relief fund."""
        return balance_as_of(self.income_movements, self.currency, as_of)

    def subscriptions_received_total(self, as_of: date | None = None) -> Money:
        total = Money.zero(self.currency)
        for per_period in self.subscription_payments.values():
            for movements in per_period.values():
                total += balance_as_of(movements, self.currency, as_of)
        return total

    def sye_liability(self, as_of: date | None = None) -> Money:
        """Balance of account 2000: SYE deposits the union holds for all its groups."""
        total = Money.zero(self.currency)
        for movements in self.sye_movements.values():
            total += balance_as_of(movements, self.currency, as_of)
        return total

    def sye_balance(self, group_id: UUID, as_of: date | None = None) -> Money:
        self.affiliation(group_id)
        return balance_as_of(self.sye_movements.get(str(group_id), []), self.currency, as_of)

    def sar_standing(self, group_id: UUID, as_of: date | None = None) -> Money:
        self.affiliation(group_id)
        return balance_as_of(self.sar_movements.get(str(group_id), []), self.currency, as_of)

    def arrears(self, group_id: UUID, as_of: date) -> list[ArrearsLine]:
        group = self.affiliation(group_id)
        payments = self.subscription_payments.get(str(group_id), {})
        return subscriptions.arrears(self.schedule_history, group.affiliated_on, payments, as_of)

    def arrears_all(self, as_of: date) -> dict[UUID, list[ArrearsLine]]:
        """Every group in arrears as of `as_of`, with its unpaid periods."""
        result: dict[UUID, list[ArrearsLine]] = {}
        for group in self.affiliations.values():
            lines = self.arrears(group.group_id, as_of)
            if lines:
                result[group.group_id] = lines
        return result

    def policy_in_force(self, on: date) -> ReliefPolicy:
        return policy_in_force(self.policy_history, on)

    def schedule_in_force(self, on: date) -> SubscriptionSchedule | None:
        return subscriptions.schedule_in_force(self.schedule_history, on)

    def entitlement(
        self, hazard_id: UUID, group_id: UUID, pending: MoneyRecord | None = None, sign: int = 1
    ) -> Entitlement:
        """Every term of the group's relief entitlement for the hazard (see domain.relief).

        With `pending`: as if that money event were booked (sign 1) or reversed (sign -1)
        on `pending.on` — how the rules test a change before recording it.
        """
        hazard = self.hazard(hazard_id)
        group = self.affiliation(group_id)
        record = self._group_record(group, hazard_id, pending, sign)
        return compute_entitlement(
            hazard, record, self.policy_history, self.schedule_history, self.currency
        )

    def _group_record(
        self, group: Affiliation, hazard_id: UUID, pending: MoneyRecord | None, sign: int
    ) -> GroupRecord:
        """Copies of the group's dated movements, plus those of `pending` when given."""
        key = str(group.group_id)
        sar = list(self.sar_movements.get(key, []))
        sye = list(self.sye_movements.get(key, []))
        payments = self.subscription_payments.get(key, {})
        per_period = {label: list(lines) for label, lines in payments.items()}
        if pending is not None and pending.group_id == group.group_id:
            for balance, effect in EFFECTS[pending.kind]:
                movement = Movement(pending.on, pending.amount.times(effect * sign))
                if balance == "sar":
                    sar.append(movement)
                elif balance == "sye":
                    sye.append(movement)
                elif balance == "subscriptions":
                    per_period.setdefault(str(pending.period), []).append(movement)
        paid = self.relief_payouts.get(key, {}).get(str(hazard_id), [])
        return GroupRecord(group.group_id, group.affiliated_on, sar, sye, per_period, paid)

    def entitlements(self, hazard_id: UUID) -> list[Entitlement]:
        """The entitlement of each affected group, in the order the hazard lists them."""
        hazard = self.hazard(hazard_id)
        return [self.entitlement(hazard_id, group_id) for group_id in hazard.affected_group_ids]

    def event_for_transfer(self, transfer_id: UUID) -> UUID | None:
        """The union event booked for a group↔union transfer (to reverse both sides)."""
        found = self.transfers.get(str(transfer_id))
        return None if found is None else UUID(found)

    def money_event(self, event_id: UUID) -> MoneyRecord | None:
        return self.money_events.get(str(event_id))

    def is_reversed(self, event_id: UUID) -> bool:
        return str(event_id) in self.reversed_by

    def lowest(self, balance: Balance, record: MoneyRecord, on: date) -> Money:
        """The lowest the balance a money event touches stands on `on` or later."""
        return lowest_balance_from(self._movements(balance, record, False), self.currency, on)

    def shortfall(self, record: MoneyRecord, sign: int, on: date) -> tuple[Balance, Money] | None:
        """The first balance that booking (sign 1) or reversing (-1) `record` on `on` would
        take below zero at some date, with its lowest standing; None when all stay >= 0."""
        for balance, effect in EFFECTS[record.kind]:
            if effect * sign < 0:
                lowest = self.lowest(balance, record, on)
                if lowest < record.amount:
                    return balance, lowest
        return None

