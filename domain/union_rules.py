"""The Union's rules: checks that refuse a command with a typed error before anything is booked."""

from __future__ import annotations

import dataclasses
from datetime import date
from uuid import UUID

from domain import subscriptions
from domain.errors import (
    AlreadyReversed,
    ChangeAffectsHistory,
    CurrencyMismatch,
    DateBeforeAffiliation,
    DateInFuture,
    DomainError,
    DuplicateTransfer,
    EntitlementExceeded,
    EventNotFound,
    GroupAlreadyAffiliated,
    GroupNotAffected,
    GroupNotEligible,
    GroupNotFound,
    InvalidAmount,
    InvalidDate,
    InvalidInput,
    InvalidPeriod,
    NotReversible,
    ReliefFundInsufficient,
    ReversalBreaksRule,
    SubscriptionOverpaid,
)
from domain.money import Money
from domain.relief import Hazard
from domain.subscriptions import ScheduleChange
from domain.union_records import MONEY_KIND_NAMES, Affiliation, MoneyRecord
from domain.union_state import BALANCE_NAMES, UnionState

AFFECTED_GROUPS_MAX = 10_000


def require_text(value: str, field: str, length_max: int) -> str:
    """A non-blank text of at most `length_max` characters, stripped."""
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > length_max:
        raise InvalidInput(f"{field} must be 1 to {length_max} characters", field=field)
    return text


def require_not_future(on: date, today: date, what: str) -> None:
    if on > today:
        raise DateInFuture(f"{what} dated {on} is in the future (today is {today})", on=str(on))


def require_amount(amount: Money, currency: str, what: str, allow_zero: bool = False) -> None:
    """Money in the union's currency, positive (or zero when allowed)."""
    if not isinstance(amount, Money):
        raise InvalidAmount(f"{what} must be an amount of money, got {amount!r}")
    if amount.currency != currency:
        raise CurrencyMismatch(
            f"{what} of {amount} is not in {currency}, the union's currency",
            left=amount.currency,
            right=currency,
        )
    if amount.is_negative or (amount.is_zero and not allow_zero):
        raise InvalidAmount(f"{what} must be positive, got {amount}", value=str(amount.amount))


class UnionRules(UnionState):
    """Checks over the Union's state; each raises a DomainError that says what to fix."""

    def require_not_affiliated(self, group_id: UUID) -> None:
        existing = self.affiliations.get(str(group_id))
        if existing is not None:
            raise GroupAlreadyAffiliated(
                f"group {group_id} is already affiliated to union {self.code} as"
                f" {existing.name!r} since {existing.affiliated_on}",
                group_id=str(group_id),
            )

    def affected_groups(self, group_ids: list[UUID]) -> list[UUID]:
        """The affected groups of a hazard, without duplicates: all of them this union's."""
        groups = list(dict.fromkeys(group_ids))
        if not groups or len(groups) > AFFECTED_GROUPS_MAX:
            raise InvalidInput(
                f"a hazard lists 1 to {AFFECTED_GROUPS_MAX} affected groups, got {len(groups)}"
            )
        unknown = [str(group_id) for group_id in groups if not self.has_group(group_id)]
        if unknown:
            raise GroupNotFound(
                f"not groups of union {self.code}: {', '.join(unknown)}", group_ids=unknown
            )
        return groups

    def group_transfer(
        self, group_id: UUID, amount: Money, transfer_id: UUID, on: date, today: date, what: str
    ) -> Affiliation:
        """The common checks of a group↔union transfer; returns the group."""
        require_amount(amount, self.currency, what)
        group = self.affiliation(group_id)
        require_not_future(on, today, what)
        if on < group.affiliated_on:
            raise DateBeforeAffiliation(
                f"{what} dated {on} is before group {group.name} was affiliated on"
                f" {group.affiliated_on}",
                on=str(on),
            )
        self.require_new_transfer(transfer_id)
        return group

    def require_new_transfer(self, transfer_id: UUID) -> None:
        booked = self.transfers.get(str(transfer_id))
        if booked is not None:
            raise DuplicateTransfer(
                f"transfer {transfer_id} is already booked as union event {booked}",
                transfer_id=str(transfer_id),
            )

    def require_available(
        self, record: MoneyRecord, error: type[DomainError], what: str
    ) -> None:
        """Refuse booking `record` if a balance it lowers would go below zero at any date."""
        shortfall = self.shortfall(record, 1, record.on)
        if shortfall is not None:
            balance, lowest = shortfall
            raise error(
                f"{what} of {record.amount} exceeds the {BALANCE_NAMES[balance]} of {lowest}"
                f" on {record.on} (or on a later date already booked)",
                available=str(lowest.amount),
            )

    def require_after_hazards(self, effective_on: date, what: str) -> None:
        """A rule change may not alter how an already declared hazard is judged."""
        for hazard in self.hazards.values():
            if effective_on <= hazard.declared_on:
                raise ChangeAffectsHistory(
                    f"{what} effective {effective_on} would change how hazard {hazard.kind}"
                    f" ({hazard.hazard_id}) declared on {hazard.declared_on} is judged:"
                    f" make it effective after {hazard.declared_on}",
                    hazard_id=str(hazard.hazard_id),
                )

    def require_payments_explained(self, history: list[ScheduleChange], effective_on: date) -> None:
        """A schedule change may not orphan or overfill a period already paid."""
        problems: list[str] = []
        for group in self.affiliations.values():
            payments = self.subscription_payments.get(str(group.group_id), {})
            for problem in subscriptions.payment_conflicts(history, group.affiliated_on, payments):
                problems.append(f"group {group.name}: {problem}")
        if problems:
            raise ChangeAffectsHistory(
                f"schedule change effective {effective_on} conflicts with recorded payments: "
                + "; ".join(problems)
                + "; reverse those payments or choose a later effective date",
                problems=problems,
            )

    def require_paid_relief_covered(
        self, record: MoneyRecord, sign: int, error: type[DomainError], what: str
    ) -> None:
        """Booking (sign 1) or reversing (-1) `record` may not cut the relief limit of a hazard
        already declared (0 when ineligible, else min(base, cap)) below what was paid for it."""
        if record.group_id is None:
            return
        for hazard in self.hazards.values():
            if record.group_id not in hazard.affected_group_ids or record.on > hazard.declared_on:
                continue
            terms = self.entitlement(hazard.hazard_id, record.group_id, record, sign)
            if terms.paid.is_zero:
                continue
            limit = terms.base if terms.cap is None else terms.base.min(terms.cap)
            if not terms.eligible:
                limit = Money.zero(self.currency)
            if limit < terms.paid:
                raise error(
                    f"{what} dated {record.on} would cut the relief limit of group"
                    f" {record.group_id} for hazard {hazard.kind} declared on"
                    f" {hazard.declared_on} to {limit}, below the {terms.paid} already paid;"
                    f" date it after {hazard.declared_on} or reverse the payout first",
                    hazard_id=str(hazard.hazard_id),
                )

    def require_subscription_owed(self, group: Affiliation, period: str, amount: Money) -> None:
        """The period is one the group owes, and this payment does not overpay it."""
        owed = subscriptions.owed_period(self.schedule_history, group.affiliated_on, period)
        if owed is None:
            raise InvalidPeriod(self._not_owed_message(group, period), period=period)
        payments = self.subscription_payments.get(str(group.group_id), {})
        paid = subscriptions.paid_as_of(payments, period, self.currency, None)
        if paid + amount > owed.amount:
            raise SubscriptionOverpaid(
                f"subscription of {amount} for period {period} exceeds the"
                f" {owed.amount - paid} group {group.name} still owes for it"
                f" ({owed.amount} owed, {paid} already paid)",
                period=period,
            )

    def _not_owed_message(self, group: Affiliation, period: str) -> str:
        named = subscriptions.parse_period(period)
        if named.end < group.affiliated_on:
            return (
                f"group {group.name} was affiliated on {group.affiliated_on}, after period"
                f" {period} ended: it does not owe that period"
            )
        schedule = self.schedule_in_force(named.start)
        frequency = "no" if schedule is None else schedule.frequency
        return (
            f"period {period} is not a subscription period of group {group.name}: the"
            f" schedule for that time is {frequency}"
        )

    def require_payout_allowed(
        self, hazard_id: UUID, group_id: UUID, record: MoneyRecord, transfer_id: UUID,
        today: date,
    ) -> None:
        """A payout to an affected, eligible group: within its entitlement and the fund."""
        require_amount(record.amount, self.currency, "relief payout")
        hazard = self.hazard(hazard_id)
        if group_id not in hazard.affected_group_ids:
            raise GroupNotAffected(
                f"group {group_id} is not among the groups affected by hazard {hazard.kind}"
                f" declared on {hazard.declared_on}",
                group_id=str(group_id),
            )
        on = record.on
        group = self.group_transfer(group_id, record.amount, transfer_id, on, today, "payout")
        if on < hazard.declared_on:
            raise InvalidDate(
                f"a relief payout dated {on} cannot precede the declaration of the hazard"
                f" on {hazard.declared_on}"
            )
        self.require_within_entitlement(hazard, group, record.amount)
        self.require_available(record, ReliefFundInsufficient, "relief payout")

    def require_within_entitlement(self, hazard: Hazard, group: Affiliation, amount: Money) -> None:
        terms = self.entitlement(hazard.hazard_id, group.group_id)
        if not terms.eligible:
            raise GroupNotEligible(
                f"group {group.name} is not eligible for relief for hazard {hazard.kind}"
                f" declared on {hazard.declared_on}: " + "; ".join(terms.reasons),
                reasons=terms.reasons,
            )
        if amount > terms.entitlement:
            cap = "none" if terms.cap is None else str(terms.cap)
            raise EntitlementExceeded(
                f"payout of {amount} exceeds remaining entitlement of {terms.entitlement} for"
                f" group {group.name} (base {terms.base}, cap {cap}, already paid {terms.paid})",
                entitlement=str(terms.entitlement.amount),
            )

    def reversible(self, event_id: UUID, on: date, today: date) -> MoneyRecord:
        """The money event to reverse on `on`, once every reversal rule is met."""
        record = self._money_event_to_reverse(event_id)
        require_not_future(on, today, "reversal")
        name = MONEY_KIND_NAMES[record.kind]
        if on < record.on:
            raise InvalidDate(
                f"a reversal dated {on} cannot precede the {name} it reverses, dated {record.on}"
            )
        shortfall = self.shortfall(record, -1, on)
        if shortfall is not None:
            balance, lowest = shortfall
            raise ReversalBreaksRule(
                f"reversing the {name} of {record.amount} would take the"
                f" {BALANCE_NAMES[balance]} below zero: it stands at {lowest} on {on} or later",
                balance=balance,
            )
        as_reversed = dataclasses.replace(record, on=on)
        self.require_paid_relief_covered(
            as_reversed, -1, ReversalBreaksRule, f"reversing the {name}"
        )
        return record

    def _money_event_to_reverse(self, event_id: UUID) -> MoneyRecord:
        key = str(event_id)
        if key in self.reversed_by:
            raise AlreadyReversed(
                f"event {event_id} was already reversed by event {self.reversed_by[key]}",
                event_id=key,
            )
        if key in self.other_events:
            kind = self.other_events[key]
            advice = "; book a new entry instead" if kind == "reversal" else ""
            raise NotReversible(f"a {kind} cannot be reversed{advice}", event_id=key)
        record = self.money_events.get(key)
        if record is None:
            raise EventNotFound(f"union {self.code} has no event {event_id}", event_id=key)
        return record
