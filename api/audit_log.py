"""Reading the event log for auditors: events as stored, filtered to one union if need be."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from api.schemas.audit import AuditEvent
from domain.canonical import ENVELOPE_FIELDS, canonical_value
from union_ledger.application import LedgerApplication

SCAN_BATCH_MAX = 500
# Events defined at module level, rather than inside their aggregate's class.
MODULE_AGGREGATES = {"domain.group_events": "Group"}


@dataclass(frozen=True)
class LogPage:
    events: list[AuditEvent]
    last_scanned: int
    at_end: bool


def audit_event(event: Any, position: int | None) -> AuditEvent:
    """An event as auditors read it; `data` is exactly what its chain hash covers."""
    topic = get_topic(type(event))
    module, _, qualname = topic.partition(":")
    aggregate_type = (qualname.split(".")[0] if "." in qualname
                      else MODULE_AGGREGATES.get(module, module))
    data = {name: canonical_value(value) for name, value in vars(event).items()
            if name not in ENVELOPE_FIELDS}
    return AuditEvent(
        position=position, aggregate_id=event.originator_id, aggregate_type=aggregate_type,
        version=event.originator_version, type=type(event).__name__, topic=topic,
        on=getattr(event, "on", None), recorded_at=event.timestamp,
        actor=getattr(event, "actor", None), data=data,
        chain_hash=getattr(event, "chain_hash", None),
    )


def read_log(
    app: LedgerApplication, after: int, limit: int, visible: Callable[[UUID], bool],
    scan_max: int,
) -> LogPage:
    """Up to `limit` visible events after `after`, scanning at most `scan_max` of the log."""
    events: list[AuditEvent] = []
    position, scanned = after, 0
    while len(events) < limit and scanned < scan_max:
        size = min(SCAN_BATCH_MAX, scan_max - scanned)
        batch: list[Notification] = list(app.recorder.select_notifications(
            position, size, inclusive_of_start=False))
        if not batch:
            return LogPage(events, position, True)
        for notification in batch:
            position, scanned = notification.id, scanned + 1
            if visible(UUID(str(notification.originator_id))):
                events.append(audit_event(app.mapper.to_domain_event(notification),
                                          notification.id))
                if len(events) == limit:
                    break
    return LogPage(events, position, False)


def union_filter(app: LedgerApplication, union_id: UUID | None) -> Callable[[UUID], bool]:
    """Which aggregates a key may see: all for admin keys (None), else its union's."""
    owners: dict[UUID, UUID | None] = {}

    def visible(aggregate_id: UUID) -> bool:
        if union_id is None:
            return True
        if aggregate_id not in owners:
            owners[aggregate_id] = app.owner_union(aggregate_id)
        return owners[aggregate_id] == union_id

    return visible


def aggregate_history(
    app: LedgerApplication, aggregate_id: UUID, after_version: int, limit: int
) -> list[AuditEvent]:
    events = app.events.get(aggregate_id, gt=after_version, limit=limit)
    return [audit_event(event, None) for event in events]
