"""The application core: persistence wiring, loading aggregates, and saving with retries."""

from __future__ import annotations

import enum
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import JSONTranscoder, RecordConflictError, Transcoder

from domain import errors
from domain.group import Group
from domain.group_events import EntryReversed, MoneyEvent
from domain.group_state import CLOSED_ENTRIES_FOUND, ClosedEntryFacts
from domain.group_state import SNAPSHOT_TYPES as GROUP_STATE_TYPES
from domain.ledger import LedgerAggregate, Meta
from union_ledger.binary_inserts import use_binary_inserts, use_binary_results
from union_ledger.checkout import Attempt, Checkouts
from union_ledger.fast_json import FastJSONTranscoder
from union_ledger.holding_search import HoldingSearch
from union_ledger.pg_session import apply_session_options
from union_ledger.pre_ping import ping_when_idle
from union_ledger.settings import SNAPSHOT_INTERVAL_DEFAULT
from union_ledger.snapshot_spacing import snapshot_due
from union_ledger.state_compression import compress_states_with_lz4
from union_ledger.statements import render_statements_once
from union_ledger.transcodings import register_all

T = TypeVar("T")
A = TypeVar("A", bound=LedgerAggregate)

RETRIES_MAX = 8
RETRY_BACKOFF_S = 0.01
# Aggregates each process keeps loaded. More groups than this cycling through one process
# (weekly meetings of every group in turn) miss the cache every time and are rebuilt from
# their snapshots: an operator raises it with the library's own variable.
AGGREGATE_CACHE_MAXSIZE_DEFAULT = "1000"
# The latest business date that has begun anywhere on Earth (UTC+14): a date after it is
# in the future for every union, whatever its time zone.
EARLIEST_TIMEZONE_OFFSET = timedelta(hours=14)


def business_today() -> date:
    return (datetime.now(UTC) + EARLIEST_TIMEZONE_OFFSET).date()


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a use case decided, and the global log position of its last recorded event."""

    value: T
    position: int


Decision = tuple[T, list[LedgerAggregate]]


@dataclass(frozen=True)
class SaveWith:
    """What a caller adds to every save made under `saving_with` (e.g. an idempotency
    record): `check` runs before each attempt and may raise to stop it; `build` makes
    the extra aggregates from the decided value, so they commit with the decision."""

    check: Callable[[], None]
    build: Callable[[Any], list[LedgerAggregate]]


_SAVE_WITH: ContextVar[SaveWith | None] = ContextVar("save_with", default=None)
# The command attempt running in this context: `_load` borrows aggregates for it.
_ATTEMPT: ContextVar[Attempt | None] = ContextVar("command_attempt", default=None)


class Unsearchable(enum.Enum):
    """Stored states the application cannot search by their bytes (encrypted, compressed)."""

    UNSEARCHABLE = "unsearchable"


UNSEARCHABLE = Unsearchable.UNSEARCHABLE


@contextmanager
def saving_with(extra: SaveWith) -> Iterator[None]:
    """Within this block, every `run` also saves what `extra` builds, in its transaction."""
    token = _SAVE_WITH.set(extra)
    try:
        yield
    finally:
        _SAVE_WITH.reset(token)


class LedgerCore(Application[UUID]):
    """Wiring shared by every use case. Use cases follow load → decide → save."""

    name = "UnionLedger"

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        snapshot_interval: int = SNAPSHOT_INTERVAL_DEFAULT,
        clock: Callable[[], date] = business_today,
    ) -> None:
        full_env = dict(env or {})
        full_env.setdefault("IS_SNAPSHOTTING_ENABLED", "y")
        full_env.setdefault(
            "AGGREGATE_CACHE_MAXSIZE",
            os.environ.get("AGGREGATE_CACHE_MAXSIZE", AGGREGATE_CACHE_MAXSIZE_DEFAULT),
        )
        if full_env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            apply_session_options()  # before the library's pool opens its connections
        super().__init__(full_env)
        # The interval is a setting, so it is set per instance (the library reads it there).
        self.snapshotting_intervals = self._snapshot_intervals(snapshot_interval)  # type: ignore[misc]
        self.clock = clock
        self.conflicts_retried = 0
        self.events_written = 0
        self.checkouts = Checkouts(self.repository)
        self._holding_search = HoldingSearch.of(self.recorder)
        for recorder in (self.recorder, self.snapshots.recorder if self.snapshots else None):
            use_binary_inserts(recorder)
            use_binary_results(recorder)
            render_statements_once(recorder)  # after the binary inserts' change of text
            ping_when_idle(recorder)
            compress_states_with_lz4(recorder)

    def _snapshot_intervals(self, interval: int) -> dict[type[Any], int]:
        return {Group: interval}

    def construct_transcoder(self) -> Transcoder:
        """The library's JSON format, encoded by orjson (see fast_json.py)."""
        transcoder = FastJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_all(transcoder, self.snapshot_state_types())

    def snapshot_state_types(self) -> tuple[type, ...]:
        return GROUP_STATE_TYPES

    # --- loading ------------------------------------------------------------------------

    def _load(self, aggregate_id: UUID, cls: type[A], missing: type[errors.DomainError]) -> A:
        """Inside `run`, the aggregate checked out for the command (see checkout.py);
        elsewhere a copy of it, to read."""
        aggregate: object
        attempt = _ATTEMPT.get()
        if attempt is not None:
            aggregate = self.checkouts.borrow(attempt, aggregate_id)
        else:
            aggregate = self.checkouts.copy(aggregate_id)
        if not isinstance(aggregate, cls):
            raise missing(f"{cls.__name__.lower()} {aggregate_id} not found", id=str(aggregate_id))
        return aggregate

    def load_group(self, group_id: UUID) -> Group:
        return self._load(group_id, Group, errors.GroupNotFound)

    # --- deciding and saving ------------------------------------------------------------

    def run(
        self, decide: Callable[[], Decision[T]], *, extra: list[Any] | None = None
    ) -> Outcome[T]:
        """Decide and save as one transaction, retrying a bounded number of times when
        another writer saved the same aggregate first (the decision is re-made on fresh
        state, so its rules are checked again). Under `saving_with`, its extra aggregates
        join the same save.

        A decision that needs history an aggregate's snapshot left out (`HistoryNeeded`)
        is made again at once: with the closed entry it asked about looked up in the
        aggregate's stored events, or else on that aggregate replayed from its first
        event."""
        with_extra = _SAVE_WITH.get()
        replayed: set[UUID] = set()
        found: dict[tuple[UUID, str], ClosedEntryFacts | None] = {}
        for attempt_number in range(RETRIES_MAX):
            attempt = Attempt(replay=frozenset(replayed))
            token = _ATTEMPT.set(attempt)
            found_token = CLOSED_ENTRIES_FOUND.set(found)
            saved = history_needed = False
            try:
                if with_extra is not None:
                    with_extra.check()
                value, aggregates = decide()
                added = with_extra.build(value) if with_extra is not None else []
                try:
                    recordings = self.save(*aggregates, *(extra or []), *added)
                    saved = True
                except RecordConflictError:
                    self.conflicts_retried += 1
            except errors.HistoryNeeded as needed:
                key = (needed.aggregate_id, needed.event_id or "")
                facts = (UNSEARCHABLE if needed.event_id is None
                         else self._find_closed_entry(*key))
                if facts is UNSEARCHABLE:
                    errors.invariant(needed.aggregate_id not in replayed,
                                     f"{needed} after a replay from the first event")
                    replayed.add(needed.aggregate_id)
                else:
                    errors.invariant(key not in found, f"{needed} after looking it up")
                    found[key] = facts
                history_needed = True
            finally:
                CLOSED_ENTRIES_FOUND.reset(found_token)
                _ATTEMPT.reset(token)
                self.checkouts.give_back(attempt, saved=saved)
            if saved:
                self.events_written += len(recordings)
                position = recordings[-1].notification.id if recordings else self.position()
                return Outcome(value, position)
            if not history_needed:
                time.sleep(RETRY_BACKOFF_S * (2**attempt_number) * random.random())
        raise errors.ConcurrencyConflict(
            f"the records changed under {RETRIES_MAX} attempts in a row; try again"
        )

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        """Snapshot each saved aggregate whose events reached a multiple of its spacing
        (its interval, or more for a large state: see snapshot_spacing.py).

        The library rebuilds the aggregate from the store at that version (a read of the
        previous snapshot and up to an interval of events) for every snapshot. The saved
        aggregate is already in memory at its stored version, so it is snapshotted as it
        is: at that multiple when its last event reached it (single-event commands), or at
        its last version when a batch (a meeting sheet) went past one.
        """
        if self.snapshots is None or not self.snapshotting_intervals:
            return
        versions: dict[UUID, tuple[int, int]] = {}
        for event in processing_event.events:
            first, _ = versions.get(event.originator_id, (event.originator_version, 0))
            versions[event.originator_id] = (first, event.originator_version)
        for aggregate_id, aggregate in processing_event.aggregates.items():
            interval = self.snapshotting_intervals.get(type(aggregate))
            first, last = versions.get(aggregate_id, (0, 0))
            if interval is None or last == 0 or aggregate.version != last:
                continue
            if snapshot_due(aggregate, interval, first, last):
                snapshot_class: Any = getattr(type(aggregate), "Snapshot", self.snapshot_class)
                self.snapshots.put([snapshot_class.take(aggregate)])

    def _find_closed_entry(
        self, group_id: UUID, event_id: str
    ) -> ClosedEntryFacts | Unsearchable | None:
        """A group's closed entry looked up in its stored events, as its `ClosedEntries`
        would answer (date and reverser, or None), without replaying the group.

        A reversal naming an entry outside the open cycle (an old one, or a mistyped id)
        needs it. Replaying the bench's 10,000-event group took 0.35-0.67 s; this decodes
        only the stored events whose bytes hold the id (an entry holds it as a UUID's hex
        digits, a reversal as its text), found by PostgreSQL where they lie
        (`HoldingSearch`), or by reading the group's events on other stores. Only an entry (a
        `MoneyEvent`) leaves the open cycle, at a share-out, so an entry of the group not
        in its open cycle is a closed one. States stored encrypted or compressed cannot be
        searched by their bytes: UNSEARCHABLE, and the group is replayed instead.
        """
        if self.mapper.cipher is not None or self.mapper.compressor is not None:
            return UNSEARCHABLE
        try:
            as_uuid = UUID(event_id)
        except ValueError:
            return None
        if str(as_uuid) != event_id:
            return None  # `ClosedEntries` finds an id only in its canonical text
        hex_digits, text = as_uuid.hex.encode(), event_id.encode()
        if self._holding_search is not None:
            holding = self._holding_search.find(group_id, hex_digits, text)
        else:
            holding = [stored for stored in self.recorder.select_events(group_id)
                       if hex_digits in stored.state or text in stored.state]
        entry_on: str | None = None
        reverser: str | None = None
        for stored in holding:
            event = self.mapper.to_domain_event(stored)
            if isinstance(event, MoneyEvent) and event.event_id == as_uuid:
                entry_on = event.on.isoformat()
            elif isinstance(event, EntryReversed) and event.reversed_event_id == event_id:
                reverser = str(event.event_id)
        return None if entry_on is None else (entry_on, reverser)

    def position(self) -> int:
        """The newest position of the global log (0 when empty)."""
        return self.recorder.max_notification_id() or 0

    def today(self) -> date:
        return self.clock()


def meta_of(actor: str, request_id: str) -> Meta:
    return Meta(actor=actor, request_id=request_id)
