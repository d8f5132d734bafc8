"""The projection engine: follows the notification log and applies it in batches.

Each batch of events, its read-model rows and the new tracking position commit in one
transaction, so a crash loses and repeats nothing: after a restart the engine resumes
from the last committed position. Positions may have gaps (a failed write consumes an id);
a gap is never a lost event, since the engine asks for everything after its position.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import Mapper, Notification

from domain.ledger import LedgerAggregate
from projections import readmodels, schema
from projections.store import Cursor, ReadStore

log = logging.getLogger(__name__)

# Events per batch at most (a batch is what the log holds beyond the position, up to this).
# SQLite: the batch's transaction holds the file's write lock, which the event store's
# writers wait for, so batches stay short. PostgreSQL: read models and events are locked
# apart, and each batch ends with a commit the projector waits for (PostgreSQL finishing
# the rows sent last): ten thousand events a batch rebuilt a log 30 % faster than 500
# (docs/PERFORMANCE.md). Following a live log, batches are as small as what is new.
BATCH_SIZE_DEFAULT = 500
BATCH_SIZE_POSTGRES = 10_000
POLL_INTERVAL_S = 0.2
RETRY_INTERVAL_S = 1.0
TABLES_LOCK_KEY = 0x756C5F726D  # "ul_rm": the read models' PostgreSQL advisory lock
RACE_RETRIES_MAX = 10  # batches lost in a row to another projector of the same store
STATES_CACHED_MAX = 5_000  # aggregates kept from one batch to the next: above a union's groups
WAIT_TIMEOUT_MAX_S = 30.0


class NotificationSource(Protocol):
    def select_notifications(
        self, start: int | None, limit: int, stop: int | None = None,
        topics: Sequence[str] = (), *, inclusive_of_start: bool = True,
    ) -> Sequence[Notification]: ...

    def max_notification_id(self) -> int | None: ...


Loader = Callable[[UUID, int], LedgerAggregate | None]
BeforeCommit = Callable[[int, int], None]
# Blocks until new events may have been recorded, or for at most the seconds it is given.
Wake = Callable[[float], None]


class Projector:
    """Keeps every read model exactly once in step with the event log."""

    def __init__(
        self, *, source: NotificationSource, mapper: Mapper[Any], load: Loader,
        store: ReadStore, name: str = "ledger", batch_size: int | None = None,
    ) -> None:
        self.source = source
        self.mapper = mapper
        self.load = load
        self.store = store
        self.name = name
        self.batch_size = batch_size or (
            BATCH_SIZE_POSTGRES if store.dialect == "postgres" else BATCH_SIZE_DEFAULT)
        self.before_commit: BeforeCommit | None = None  # fault injection in tests
        self._caught_up = threading.Condition()
        self._batches_committed = 0  # guarded by _caught_up: wakes waiters without a race
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Aggregates as this projector's last batches left them, so the next batch need
        # not load them from the event store again (most batches touch the same few).
        self._states: OrderedDict[UUID, LedgerAggregate] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.setup()

    def setup(self) -> None:
        """Create the tables (rebuilt when of another schema version) and the tracking row."""
        with self.store.transaction() as cursor:
            self._lock_tables(cursor, exclusive=True)
            schema.create_all(cursor, self.store.dialect)
            cursor.execute(
                f"INSERT INTO {schema.TRACKING_TABLE} (name, position) VALUES (?, 0) "
                "ON CONFLICT (name) DO NOTHING",
                (self.name,),
            )

    def _lock_tables(self, cursor: Cursor, *, exclusive: bool) -> None:
        """With PostgreSQL, changing the tables (exclusive) and writing rows (shared) take
        one advisory lock first, so they never interleave: processes starting together
        would otherwise race on CREATE TABLE IF NOT EXISTS, and an index being created
        would deadlock with a batch writing rows. (SQLite's BEGIN IMMEDIATE already lets
        one writer in at a time.)"""
        if self.store.dialect == "postgres":
            function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
            cursor.execute(f"SELECT {function}(?)", (TABLES_LOCK_KEY,))

    # --- positions ----------------------------------------------------------------------

    def position(self) -> int:
        with self.store.transaction(readonly=True) as cursor:
            return self._position(cursor, lock=False)

    def _position(self, cursor: Cursor, *, lock: bool) -> int:
        suffix = " FOR UPDATE" if lock and self.store.dialect == "postgres" else ""
        row = cursor.fetchone(
            f"SELECT position FROM {schema.TRACKING_TABLE} WHERE name = ?{suffix}", (self.name,)
        )
        return int(row[0]) if row else 0

    def log_position(self) -> int:
        return self.source.max_notification_id() or 0

    def lag_events(self) -> int:
        """How many positions of the log the read models have yet to apply (gaps count)."""
        return max(self.log_position() - self.position(), 0)

    # --- processing ---------------------------------------------------------------------

    def run_batch(self) -> int:
        """Apply the next batch; returns how many log positions it applied (0: caught up).

        The events are read and the aggregates loaded first, outside the transaction; the
        transaction then takes the tracking row's lock, checks no other projector moved it
        meanwhile, writes the rows and the new position, and commits: all or nothing.
        """
        for _ in range(RACE_RETRIES_MAX):
            start = self.position()
            notifications = self.source.select_notifications(
                start, self.batch_size, inclusive_of_start=False
            )
            if not notifications:
                return 0
            events = self._events(notifications)
            states = readmodels.states_before(events, self._load_cached)
            committed = self._commit(start, notifications[-1].id, events, states)
            # After a commit `states` hold the aggregates after the batch; after a lost
            # race, as they were. (When the commit fails they may be half-applied: the
            # exception skips this, and they are loaded afresh next time.)
            self._remember(states)
            if committed:
                return len(notifications)
        log.warning("other projectors kept moving %s; backing off", self.name)
        return 0

    def _load_cached(self, aggregate_id: UUID, version: int) -> LedgerAggregate | None:
        """The aggregate at `version`: the one this projector folded last, if it is at that
        version (taken out of the cache, as the batch will change it), else loaded."""
        with self._cache_lock:
            cached = self._states.pop(aggregate_id, None)
        if cached is not None and cached.version == version:
            return cached
        return self.load(aggregate_id, version)

    def _remember(self, states: dict[UUID, LedgerAggregate]) -> None:
        with self._cache_lock:
            for aggregate_id, state in states.items():
                self._states[aggregate_id] = state
                self._states.move_to_end(aggregate_id)
            while len(self._states) > STATES_CACHED_MAX:
                self._states.popitem(last=False)

    def _events(self, notifications: Sequence[Notification]) -> list[readmodels.Positioned]:
        events = []
        for notification in notifications:
            if readmodels.projects(notification.topic):
                event = self.mapper.to_domain_event(notification)
                if isinstance(event, LedgerAggregate.Event):
                    events.append((notification.id, event))
        return events

    def _commit(
        self, start: int, last: int, events: list[readmodels.Positioned],
        states: dict[UUID, LedgerAggregate],
    ) -> bool:
        """Write one batch with its position; False when another projector got there first."""
        with self.store.transaction() as cursor:
            self._lock_tables(cursor, exclusive=False)
            if self._position(cursor, lock=True) != start:
                return False
            batch = readmodels.Batch(cursor, states)
            for position, event in events:
                readmodels.apply(batch, position, event)
            readmodels.flush(batch)
            if self.before_commit is not None:
                self.before_commit(start, last)
            cursor.execute(
                f"UPDATE {schema.TRACKING_TABLE} SET position = ? WHERE name = ?",
                (last, self.name),
            )
        with self._caught_up:
            self._batches_committed += 1
            self._caught_up.notify_all()
        return True

    def catch_up(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Apply batches until the log's end as it was when called; returns events applied."""
        target = self.log_position()
        applied = 0
        while True:
            count = self.run_batch()
            applied += count
            if progress is not None:
                progress(self.position(), target)
            if count == 0 or self.position() >= target:
                return applied

    def wait_for(self, position: int, timeout_s: float) -> bool:
        """Block until the read models include `position`, for at most `timeout_s` (capped
        at WAIT_TIMEOUT_MAX_S); True when they do, False when the time ran out.

        It only waits: the events are applied by whoever projects (this projector's
        background thread, or the worker process with PostgreSQL). A batch committed in
        this process wakes it at once; one committed by another process is seen within
        POLL_INTERVAL_S.
        """
        deadline = time.monotonic() + min(max(timeout_s, 0.0), WAIT_TIMEOUT_MAX_S)
        while True:
            with self._caught_up:
                seen = self._batches_committed
            if self.position() >= position:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._wait_for_batch(seen, min(remaining, POLL_INTERVAL_S))

    def _wait_for_batch(self, seen: int, timeout_s: float) -> None:
        """Until a batch after the `seen`-th commits in this process, or the timeout."""
        with self._caught_up:
            self._caught_up.wait_for(lambda: self._batches_committed != seen, timeout_s)

    # --- rebuild ------------------------------------------------------------------------

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Drop every read model and rebuild it from the whole log. Readers see empty
        tables until it is done; stop other projectors of this store first."""
        with self.store.transaction() as cursor:
            self._lock_tables(cursor, exclusive=True)
            schema.drop_all(cursor)
        with self._cache_lock:
            self._states.clear()
        self.setup()
        return self.catch_up(progress)

    # --- running in the background ------------------------------------------------------

    def start(self, wake: Wake | None = None) -> None:
        """Follow the log in a background thread (the embedded default)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.run_forever, args=(wake,), name=f"projector-{self.name}", daemon=True
        )
        self._thread.start()

    def run_forever(self, wake: Wake | None = None) -> None:
        """Apply batches until stopped. When caught up, wait for `wake` (which returns when
        the log may have grown, or after the timeout it is given) or poll."""
        while not self._stop.is_set():
            try:
                applied = self.run_batch()
            except Exception:
                log.exception("projection batch failed; retrying")
                self._stop.wait(RETRY_INTERVAL_S)
                continue
            if applied == 0:
                self._idle(wake)

    def _idle(self, wake: Wake | None) -> None:
        if wake is None:
            self._stop.wait(POLL_INTERVAL_S)
            return
        try:
            wake(POLL_INTERVAL_S)
        except Exception:
            log.exception("waiting for new events failed; polling instead")
            self._stop.wait(POLL_INTERVAL_S)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
