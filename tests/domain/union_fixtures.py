"""Readable Union fixtures: fixed dates and ids, a registered union, the "nothing booked" check."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast
from uuid import UUID, uuid4

import pytest

from domain.books import JournalEntry
from domain.errors import DomainError
from domain.ledger import LedgerAggregate, Meta
from domain.money import Money
from domain.relief import ReliefPolicy
from domain.subscriptions import SubscriptionSchedule, periods_owed
from domain.union import Union
from domain.union_postings import union_journal_entry

E = TypeVar("E", bound=LedgerAggregate.Event)

META = Meta("test", "req-1")
TODAY = date(2026, 11, 1)
REGISTERED_ON = date(2025, 1, 2)
UNION_ID = UUID("00000000-0000-4000-8000-00000000c001")
GROUP_A = UUID("00000000-0000-4000-8000-00000000a001")
GROUP_B = UUID("00000000-0000-4000-8000-00000000a002")
GROUP_C = UUID("00000000-0000-4000-8000-00000000a003")
STRANGER = UUID("00000000-0000-4000-8000-00000000dead")
AFFILIATED_ON = date(2025, 1, 10)
DECLARED_ON = date(2026, 5, 4)
PAID_ON = date(2026, 5, 6)


def ugx(value: str | int) -> Money:
    return Money.of(value, "UGX")


def quarterly(amount: str = "10000", grace_days: int = 30) -> SubscriptionSchedule:
    return SubscriptionSchedule("quarterly", ugx(amount), grace_days)


def policy(effective_on: date = date.min, **terms: Any) -> ReliefPolicy:
    """A relief policy; multipliers may be given as strings ("1.5")."""
    for name in ("sar_multiplier", "sye_multiplier"):
        if isinstance(terms.get(name), str):
            terms[name] = Decimal(terms[name])
    return ReliefPolicy(effective_on=effective_on, **terms)


def new_union(
    relief_policy: ReliefPolicy | None = None,
    schedule: SubscriptionSchedule | None = None,
    groups: dict[UUID, date] | None = None,
) -> Union:
    """A union registered on REGISTERED_ON; `groups` maps group ids to affiliation dates."""
    union = Union.register(
        "MBL", "Mbale CLUN", "UGX", schedule or quarterly(), relief_policy,
        on=REGISTERED_ON, meta=META, today=TODAY, union_id=UNION_ID,
    )
    chosen = {GROUP_A: AFFILIATED_ON} if groups is None else groups
    for group_id, affiliated_on in chosen.items():
        union.affiliate_group(
            group_id, f"Group {str(group_id)[-1]}", affiliated_on=affiliated_on, meta=META,
            today=TODAY,
        )
    return union


def pay_all_subscriptions(union: Union, group_id: UUID, through: date) -> None:
    """Pay every period the group owes up to the period containing `through`, on time."""
    affiliated_on = union.affiliation(group_id).affiliated_on
    for owed in periods_owed(union.schedule_history, affiliated_on, through):
        union.receive_subscription(
            group_id, owed.period.label, owed.amount, transfer_id=uuid4(),
            on=max(owed.period.start, affiliated_on), meta=META, today=TODAY,
        )


def funded_union(sar: int = 10000, sye: int = 5000, grant: int = 100000) -> Union:
    """Group A paid up, with SAR and SYE before the hazard; the fund has a donor grant."""
    union = new_union(groups={GROUP_A: AFFILIATED_ON, GROUP_B: AFFILIATED_ON})
    pay_all_subscriptions(union, GROUP_A, DECLARED_ON)
    if sar:
        union.receive_sar_contribution(GROUP_A, ugx(sar), transfer_id=uuid4(),
                                       on=date(2026, 2, 1), meta=META, today=TODAY)
    if sye:
        union.receive_sye_deposit(GROUP_A, ugx(sye), transfer_id=uuid4(), on=date(2026, 2, 1),
                                  meta=META, today=TODAY)
    union.receive_relief_fund_grant("Red Cross", ugx(grant), on=date(2026, 1, 5), meta=META,
                                    today=TODAY)
    return union


def declare(union: Union, *groups: UUID, on: date = DECLARED_ON) -> UUID:
    event = union.declare_hazard("flood", "Mbale floods", list(groups or [GROUP_A]),
                                 declared_on=on, meta=META, today=TODAY)
    return event.hazard_id


def payout(union: Union, hazard_id: UUID, amount: int, group_id: UUID = GROUP_A,
           on: date = PAID_ON) -> Union.ReliefPayoutMade:
    return union.make_relief_payout(hazard_id, group_id, ugx(amount), transfer_id=uuid4(),
                                    on=on, meta=META, today=TODAY)


def state_of(union: Union) -> dict[str, Any]:
    """A deep copy of the union's state, for comparing before and after a refusal."""
    return copy.deepcopy({k: v for k, v in union.__dict__.items() if k != "_pending_events"})


def refused(union: Union, code: str, command: Callable[[], object]) -> DomainError:
    """Run a command that must be refused with `code`, and check nothing changed."""
    version, pending, before = union.version, len(union.pending_events), state_of(union)
    with pytest.raises(DomainError) as caught:
        command()
    assert caught.value.code == code, caught.value.message
    assert union.version == version
    assert len(union.pending_events) == pending
    assert state_of(union) == before
    return caught.value


def events(union: Union) -> list[LedgerAggregate.Event]:
    """The union's uncollected events: its whole history in these tests."""
    return [cast(LedgerAggregate.Event, event) for event in union.pending_events]


def events_of(union: Union, kind: type[E]) -> list[E]:
    """The union's events of one class, oldest first."""
    return [event for event in events(union) if isinstance(event, kind)]


def entries(union: Union) -> list[JournalEntry]:
    """The journal of the union's uncollected events."""
    journal = [union_journal_entry(event) for event in events(union)]
    return [entry for entry in journal if entry is not None]


def replayed(union: Union) -> Union:
    """The union rebuilt from its uncollected events (the whole history in these tests)."""
    rebuilt: LedgerAggregate | None = None
    for event in events(union):
        rebuilt = event.mutate(rebuilt)
    assert isinstance(rebuilt, Union)
    return rebuilt
