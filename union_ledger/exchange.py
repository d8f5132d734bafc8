"""Export the event log as JSON Lines, and import it into an empty store.

Each line is one stored event, in log order: its position, aggregate id, version, topic,
chain hash and the stored state exactly as recorded (UTF-8 JSON text), plus the decoded
`data` for people to read. Import writes the same stored events, in the same order, into
an empty store: aggregates, chains and (after a rebuild) read models come out identical.
Positions in the new store are assigned afresh; their order is kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from domain import group_events
from domain.canonical import ENVELOPE_FIELDS, canonical_value
from domain.errors import DomainError
from union_ledger.audit import notifications

IMPORT_BATCH = 500
Progress = Callable[[int, int], None]


class StoreNotEmpty(DomainError):
    code = "store_not_empty"
    kind = "conflict"


class ImportRefused(DomainError):
    code = "import_refused"


@dataclass(frozen=True)
class ExchangeSummary:
    events: int
    aggregates: int


def export_lines(
    app: Application[Any], union_id: UUID | None = None, progress: Progress | None = None
) -> Iterator[str]:
    """One JSON line per stored event (of one union's union and group aggregates, if given)."""
    total = app.recorder.max_notification_id() or 0
    members: set[str] = set() if union_id is None else {str(union_id)}
    for count, notification in enumerate(notifications(app), start=1):
        event = app.mapper.to_domain_event(notification)
        aggregate_id = str(notification.originator_id)
        if union_id is not None:
            if isinstance(event, group_events.Registered) and event.union_id == union_id:
                members.add(aggregate_id)
            if aggregate_id not in members:
                continue
        data = {k: canonical_value(v) for k, v in vars(event).items()
                if k not in ENVELOPE_FIELDS}
        yield json.dumps({
            "position": notification.id, "aggregate_id": aggregate_id,
            "version": notification.originator_version, "topic": notification.topic,
            "timestamp": event.timestamp.isoformat(),  # type: ignore[attr-defined]
            "chain_hash": getattr(event, "chain_hash", None), "data": data,
            "state": notification.state.decode("utf-8"),
        }, sort_keys=True, ensure_ascii=False)
        if progress is not None and count % 1000 == 0:
            progress(notification.id, total)


def write_export(
    app: Application[Any], out: IO[str], union_id: UUID | None = None,
    progress: Progress | None = None,
) -> ExchangeSummary:
    events, aggregates = 0, set()
    for line in export_lines(app, union_id, progress):
        out.write(line + "\n")
        events += 1
        aggregates.add(json.loads(line)["aggregate_id"])
    return ExchangeSummary(events, len(aggregates))


def _stored(lines: Iterable[str]) -> Iterator[StoredEvent]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            yield StoredEvent(
                originator_id=UUID(record["aggregate_id"]),
                originator_version=int(record["version"]), topic=str(record["topic"]),
                state=str(record["state"]).encode("utf-8"),
            )
        except (KeyError, ValueError, TypeError) as error:
            raise ImportRefused(f"line {number} is not an exported event: {error}") from None


def import_lines(
    app: Application[Any], lines: Iterable[str], progress: Progress | None = None
) -> ExchangeSummary:
    """Write exported events into an EMPTY store, in their order, in batches."""
    if app.recorder.max_notification_id():
        raise StoreNotEmpty("import needs an empty store: this one already holds events")
    batch: list[StoredEvent] = []
    events, aggregates = 0, set()
    for stored in _stored(lines):
        batch.append(stored)
        aggregates.add(stored.originator_id)
        if len(batch) >= IMPORT_BATCH:
            events += _insert(app, batch, progress)
    events += _insert(app, batch, progress)
    return ExchangeSummary(events, len(aggregates))


def _insert(app: Application[Any], batch: list[StoredEvent], progress: Progress | None) -> int:
    if not batch:
        return 0
    app.recorder.insert_events(batch)
    count = len(batch)
    batch.clear()
    if progress is not None:
        position = app.recorder.max_notification_id() or 0
        progress(position, position)
    return count
