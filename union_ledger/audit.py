"""Audit: verify every hash chain, and find an aggregate's state at a version or a time.

Verify walks the whole log in order and, per aggregate, recomputes each event's chain hash
from the previous one (domain/canonical.py). It finds an edited event (its hash no longer
matches its bytes), a deleted event in the middle of a history (its successor's version
does not follow, and its hash no longer chains) and bytes that no longer decode. A chain
alone cannot show that the newest events of an aggregate were dropped, or that someone
with database access rewrote a whole chain consistently: signed checkpoints
(union_ledger/checkpoints.py) find those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.canonical import GENESIS_HASH, canonical_bytes, canonical_value, chain_hash
from domain.ledger import LedgerAggregate
from union_ledger.checkout import fold

PAGE_SIZE = 1000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Broken:
    aggregate_id: UUID
    version: int
    reason: str


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    events_checked: int
    first_broken: Broken | None
    heads: dict[UUID, tuple[int, str]]  # aggregate id → (version, chain hash) of its newest


def notifications(app: Application[Any], after: int = 0) -> Iterator[Notification]:
    """Every stored event in log order (positions may have gaps: failed writes)."""
    position = after
    while True:
        page = app.recorder.select_notifications(
            position, PAGE_SIZE, inclusive_of_start=False
        )
        if not page:
            return
        yield from page
        position = page[-1].id


def expected_hash(event: Any, previous: str) -> str:
    """The chain hash an event must carry, given its predecessor's."""
    return chain_hash(previous, canonical_bytes(
        get_topic(type(event)), event.originator_id, event.originator_version,
        event.timestamp, vars(event),
    ))


def verify(
    app: Application[Any], progress: Progress | None = None,
    visible: Callable[[UUID], bool] | None = None,
) -> VerifyReport:
    """Recompute every chain (or those `visible` accepts); report the first broken link."""
    total = app.recorder.max_notification_id() or 0
    heads: dict[UUID, tuple[int, str]] = {}
    first: Broken | None = None
    checked = 0
    for notification in notifications(app):
        if visible is not None and not visible(UUID(str(notification.originator_id))):
            continue
        checked += 1
        problem = _check(app, notification, heads)
        if problem is not None and first is None:
            first = problem
        if progress is not None and checked % PAGE_SIZE == 0:
            progress(notification.id, total)
    if progress is not None:
        progress(total, total)
    return VerifyReport(first is None, checked, first, heads)


def _check(
    app: Application[Any], notification: Notification, heads: dict[UUID, tuple[int, str]]
) -> Broken | None:
    aggregate_id = UUID(str(notification.originator_id))
    version = notification.originator_version
    previous_version, previous_hash = heads.get(aggregate_id, (0, GENESIS_HASH))
    try:
        recorded = stored_fields(app, notification)
        stored_hash = str(recorded["chain_hash"])
        digest = chain_hash(previous_hash, canonical_bytes(
            notification.topic, aggregate_id, version, recorded["timestamp"], recorded))
    except Exception as error:  # undecodable bytes are a broken link, not a crash
        heads[aggregate_id] = (version, "")
        return Broken(aggregate_id, version, f"event does not decode: {type(error).__name__}")
    heads[aggregate_id] = (version, stored_hash)
    if version != previous_version + 1:
        return Broken(aggregate_id, version,
                      f"version {version} follows version {previous_version}: events missing")
    if digest != stored_hash:
        return Broken(aggregate_id, version, "chain hash does not match the event's contents")
    return None


def stored_fields(app: Application[Any], notification: Notification) -> dict[str, Any]:
    """The event's fields exactly as recorded: decoded, but never upcast.

    Hashes cover what was recorded; an upcast (a newer class reading an older event)
    changes the decoded object, not the record, so verification reads the record.
    """
    data = notification.state
    mapper = app.mapper
    if mapper.cipher is not None:
        data = mapper.cipher.decrypt(data)
    if mapper.compressor is not None:
        data = mapper.compressor.decompress(data)
    fields: dict[str, Any] = mapper.transcoder.decode(data)
    return fields


def version_at(app: Application[Any], aggregate_id: UUID, moment: datetime) -> int:
    """The aggregate's version as recorded at `moment` (0: it did not exist yet)."""
    version = 0
    for event in app.events.get(aggregate_id):
        if event.timestamp > moment:  # type: ignore[attr-defined]
            break
        version = event.originator_version
    return version


def end_of_day(day: date) -> datetime:
    """The last moment of a UTC day: state "as of" a date is as recorded by its end."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC) - timedelta(
        microseconds=1
    )


@dataclass(frozen=True)
class AggregateState:
    aggregate_id: UUID
    aggregate_type: str
    version: int
    chain_hash: str
    state: dict[str, Any]


def state_at(
    app: Application[Any], aggregate_id: UUID, *, version: int | None = None,
    moment: datetime | None = None,
) -> AggregateState | None:
    """The aggregate replayed to a version, or as recorded at a moment (None: not yet)."""
    if moment is not None:
        version = version_at(app, aggregate_id, moment)
        if version == 0:
            return None
    try:
        aggregate: Any = app.repository.get(aggregate_id, version=version)
    except AggregateNotFoundError:
        return None
    if isinstance(aggregate, LedgerAggregate) and aggregate.left_out_of_snapshot():
        # The auditor sees the whole state, as the events give it (a group's closed entries).
        aggregate = fold(None, app.events.get(aggregate_id, lte=aggregate.version))
    state = {
        key.lstrip("_"): canonical_value(value)
        for key, value in vars(aggregate).items() if key != "_pending_events"
    }
    return AggregateState(
        aggregate_id, type(aggregate).__name__, aggregate.version,
        str(getattr(aggregate, "head_hash", "")), state,
    )
