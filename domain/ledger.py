"""The base of every aggregate: events carry business date, actor, request id and chain hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Self, cast
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.canonical import GENESIS_HASH, canonical_bytes, chain_hash


@dataclass(frozen=True, slots=True)
class Meta:
    """Who asked for a change and under which request: stamped on every event it records."""

    actor: str
    request_id: str


SYSTEM = Meta(actor="system", request_id="system")

# The event `event_id_text` was last asked about, and its id's text.
_last_id_text: tuple[object, str] = (None, "")


def event_id_text(event: LedgerAggregate.Event) -> str:
    """`str(event.event_id)`, remembered for the last event asked about.

    Applying a money event and projecting it ask for its id's text several times in a
    row (the entry's key, the journal entry's description, the journal and statement
    rows): about 5 % of a projected event's CPU went to writing the same UUID again. The
    event is compared by identity and held until the next one is asked about (events are
    immutable); threads asking in turn only recompute.
    """
    global _last_id_text
    last = _last_id_text
    if last[0] is event:
        return last[1]
    text = str(event.event_id)
    _last_id_text = (event, text)
    return text


class LedgerAggregate(Aggregate):
    """An aggregate whose every event is dated, attributed and hash-chained.

    Subclasses record events only through `_record` / `_register`, which compute the chain
    hash from the head hash before the event is applied; `head_hash` is the chain hash of
    the newest event, restored with the rest of the state from snapshots.
    """

    head_hash: str

    class Event(Aggregate.Event):
        event_id: UUID
        on: date
        actor: str
        request_id: str
        chain_hash: str

        def mutate(self, aggregate: Any) -> Any:
            result = super().mutate(aggregate)
            if result is not None:
                result.head_hash = self.chain_hash
            return result

    class Created(Event, Aggregate.Created):
        pass

    def left_out_of_snapshot(self) -> bool:
        """Whether this state was restored from a snapshot that leaves part of the history
        out (`Group.Snapshot`): a full state is then had by replaying the events."""
        return False

    @classmethod
    def _register(
        cls,
        event_class: type[LedgerAggregate.Created],
        *,
        on: date,
        meta: Meta,
        aggregate_id: UUID | None = None,
        **facts: Any,
    ) -> Self:
        originator_id = aggregate_id or uuid4()
        timestamp = event_class.create_timestamp()
        kwargs = dict(facts, on=on, actor=meta.actor, request_id=meta.request_id)
        kwargs.setdefault("event_id", uuid4())
        kwargs["originator_topic"] = get_topic(cls)
        digest = chain_hash(
            GENESIS_HASH,
            canonical_bytes(get_topic(event_class), originator_id, 1, timestamp, kwargs),
        )
        return cls._create(
            event_class,
            id=originator_id,
            timestamp=timestamp,
            chain_hash=digest,
            **{k: v for k, v in kwargs.items() if k != "originator_topic"},
        )

    def _record(
        self, event_class: type[LedgerAggregate.Event], *, on: date, meta: Meta, **facts: Any
    ) -> LedgerAggregate.Event:
        """Record one event: compute its chain hash, apply it, queue it for saving.

        Every event gets an `event_id` (a UUID that reversals and auditors name) unless
        the caller passes one in `facts`.
        """
        timestamp: datetime = event_class.create_timestamp()
        kwargs = dict(facts, on=on, actor=meta.actor, request_id=meta.request_id)
        kwargs.setdefault("event_id", uuid4())
        digest = chain_hash(
            self.head_hash,
            canonical_bytes(get_topic(event_class), self.id, self.version + 1, timestamp, kwargs),
        )
        self.trigger_event(event_class, timestamp=timestamp, chain_hash=digest, **kwargs)
        return cast(LedgerAggregate.Event, self.pending_events[-1])
