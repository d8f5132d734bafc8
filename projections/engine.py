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
from collections.abc import Callable, Sequence
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import Mapper, Notification

from domain.ledger import LedgerAggregate
from projections import readmodels, schema
from projections.store import Cursor, ReadStore

log = logging.getLogger(__name__)

BATCH_SIZE_DEFAULT = 500
POLL_INTERVAL_S = 0.2
WAIT_TIMEOUT_MAX_S = 30.0


class NotificationSource(Protocol):
    def select_notifications(
        self, start: int | None, limit: int, stop: int | None = None,
        topics: Sequence[str] = (), *, inclusive_of_start: bool = True,
    ) -> Sequence[Notification]: ...

    def max_notification_id(self) -> int | None: ...


Loader = Callable[[UUID, int], LedgerAggregate | None]
BeforeCommit = Callable[[int, int], None]


class Projector:
    """Keeps every read model exactly once in step with the event log."""

    def __init__(
        self, *, source: NotificationSource, mapper: Mapper[Any], load: Loader,
        store: ReadStore, name: str = "ledger", batch_size: int = BATCH_SIZE_DEFAULT,
    ) -> None:
        self.source = source
        self.mapper = mapper
        self.load = load
        self.store = store
        self.name = name
        self.batch_size = batch_size
        self.before_commit: BeforeCommit | None = None  # fault injection in tests
        self._caught_up = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.setup()

    def setup(self) -> None:
        with self.store.transaction() as cursor:
            schema.create_all(cursor)
            cursor.execute(
                f"INSERT INTO {schema.TRACKING_TABLE} (name, position) VALUES (?, 0) "
                "ON CONFLICT (name) DO NOTHING",
                (self.name,),
            )

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

    # --- processing ---------------------------------------------------------------------

    def run_batch(self) -> int:
        """Apply the next batch; returns how many events it applied (0: caught up)."""
        with self.store.transaction() as cursor:
            start = self._position(cursor, lock=True)
            notifications = self.source.select_notifications(
                start, self.batch_size, inclusive_of_start=False
            )
            if not notifications:
                return 0
            batch = readmodels.Batch(cursor, self.load)
            for notification in notifications:
                event = self.mapper.to_domain_event(notification)
                if isinstance(event, LedgerAggregate.Event):
                    readmodels.apply(batch, notification.id, event)
            readmodels.flush(batch)
            last = notifications[-1].id
            if self.before_commit is not None:
                self.before_commit(start, last)
            cursor.execute(
                f"UPDATE {schema.TRACKING_TABLE} SET position = ? WHERE name = ?",
                (last, self.name),
            )
        with self._caught_up:
            self._caught_up.notify_all()
        return len(notifications)

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
        """Block until the read models include `position` (bounded); True when they do."""
        deadline = time.monotonic() + min(timeout_s, WAIT_TIMEOUT_MAX_S)
        while True:
            if self.position() >= position:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self._thread is None:
                self.run_batch()
                continue
            with self._caught_up:
                self._caught_up.wait(min(remaining, POLL_INTERVAL_S))

    # --- rebuild ------------------------------------------------------------------------

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Drop every read model and rebuild it from the whole log."""
        with self.store.transaction() as cursor:
            schema.drop_all(cursor)
        self.setup()
        return self.catch_up(progress)

    # --- running in the background ------------------------------------------------------

    def start(self, wake: Callable[[float], None] | None = None) -> None:
        """Follow the log in a background thread (the embedded default)."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.run_forever, args=(wake,), name=f"projector-{self.name}", daemon=True
        )
        self._thread.start()

    def run_forever(self, wake: Callable[[float], None] | None = None) -> None:
        """Apply batches until stopped; sleep (or wait for `wake`) when caught up."""
        while not self._stop.is_set():
            try:
                applied = self.run_batch()
            except Exception:
                log.exception("projection batch failed; retrying")
                self._stop.wait(POLL_INTERVAL_S * 5)
                continue
            if applied == 0:
                if wake is not None:
                    wake(POLL_INTERVAL_S)
                else:
                    self._stop.wait(POLL_INTERVAL_S)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
