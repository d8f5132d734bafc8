"""The application core: persistence wiring, loading aggregates, and saving with retries."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import JSONTranscoder, RecordConflictError

from domain import errors
from domain.group import Group
from domain.group_state import SNAPSHOT_TYPES as GROUP_STATE_TYPES
from domain.ledger import LedgerAggregate, Meta
from union_ledger.transcodings import register_all

T = TypeVar("T")
A = TypeVar("A", bound=LedgerAggregate)

RETRIES_MAX = 8
RETRY_BACKOFF_S = 0.01
SNAPSHOT_INTERVAL_DEFAULT = 100
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
        full_env.setdefault("AGGREGATE_CACHE_MAXSIZE", "1000")
        super().__init__(full_env)
        # The interval is a setting, so it is set per instance (the library reads it there).
        self.snapshotting_intervals = self._snapshot_intervals(snapshot_interval)  # type: ignore[misc]
        self.clock = clock
        self.conflicts_retried = 0

    def _snapshot_intervals(self, interval: int) -> dict[type[Any], int]:
        return {Group: interval}

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_all(transcoder, self.snapshot_state_types())

    def snapshot_state_types(self) -> tuple[type, ...]:
        return GROUP_STATE_TYPES

    # --- loading ------------------------------------------------------------------------

    def _load(self, aggregate_id: UUID, cls: type[A], missing: type[errors.DomainError]) -> A:
        aggregate: object
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            aggregate = None
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
        state, so its rules are checked again)."""
        for attempt in range(RETRIES_MAX):
            value, aggregates = decide()
            try:
                recordings = self.save(*aggregates, *(extra or []))
            except RecordConflictError:
                self.conflicts_retried += 1
                time.sleep(RETRY_BACKOFF_S * (2**attempt) * random.random())
                continue
            position = recordings[-1].notification.id if recordings else self.position()
            return Outcome(value, position)
        raise errors.ConcurrencyConflict(
            f"the records changed under {RETRIES_MAX} attempts in a row; try again"
        )

    def position(self) -> int:
        """The newest position of the global log (0 when empty)."""
        return self.recorder.max_notification_id() or 0

    def today(self) -> date:
        return self.clock()


def meta_of(actor: str, request_id: str) -> Meta:
    return Meta(actor=actor, request_id=request_id)
