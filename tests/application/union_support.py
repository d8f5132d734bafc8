"""Builders and readers for union application tests: groups with cash, the log, the books."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.ledger import LedgerAggregate
from domain.money import Money
from domain.postings import journal_entry
from domain.union import Union
from tests.application.support import META
from union_ledger.application import LedgerApplication

NOTIFICATIONS_MAX = 10  # the notification log's section size: more than any one save

AccountKey = tuple[str, str | None]  # (account, sub-account)


def ugx(value: str | int) -> Money:
    return Money.of(value, "UGX")


def add_group(
    app: LedgerApplication, union_id: UUID, name: str, *, affiliated_on: date, cash: str
) -> UUID:
    """A group affiliated on `affiliated_on`, with `cash` of enterprise earnings that day."""
    group_id = app.register_group(
        union_id, name=name, enterprise="tailoring", locality="Lira",
        affiliated_on=affiliated_on, meta=META,
    ).value.id
    app.record_enterprise_earnings(group_id, cash, "sales", on=affiliated_on, meta=META)
    return group_id


def recorded_since(app: LedgerApplication, position: int) -> list[tuple[UUID, str]]:
    """(aggregate id, event topic) of every event recorded after `position`, in log order."""
    notifications = app.notification_log.select(start=position + 1, limit=NOTIFICATIONS_MAX)
    return [(UUID(str(n.originator_id)), n.topic) for n in notifications]


def hazard_id_of(event: LedgerAggregate.Event) -> UUID:
    """The hazard a declare_hazard outcome declared."""
    if not isinstance(event, Union.HazardDeclared):
        raise TypeError(f"expected a hazard declaration, got {type(event).__name__}")
    return event.hazard_id


def topic(event_class: type[LedgerAggregate.Event]) -> str:
    return get_topic(event_class)


def events_of(app: LedgerApplication, aggregate_id: UUID) -> list[LedgerAggregate.Event]:
    """Every stored event of one aggregate, oldest first."""
    events = list(app.events.get(aggregate_id))
    ledger_events = [e for e in events if isinstance(e, LedgerAggregate.Event)]
    if len(ledger_events) != len(events):
        raise TypeError(f"aggregate {aggregate_id} has events that are not ledger events")
    return ledger_events


def journal_balances(events: list[LedgerAggregate.Event]) -> dict[AccountKey, Decimal]:
    """Debit-positive balance of each account and sub-account after posting every event."""
    balances: dict[AccountKey, Decimal] = defaultdict(Decimal)
    for event in events:
        entry = journal_entry(event)
        if entry is None:
            continue
        for posting in entry.postings:
            balances[(posting.account, posting.sub_account)] += posting.signed()
    return dict(balances)


def account_balance(balances: dict[AccountKey, Decimal], account: str) -> Decimal:
    """Debit-positive balance of an account, all its sub-accounts together."""
    return sum((amount for (name, _), amount in balances.items() if name == account), Decimal(0))
