"""The backend fixtures and `event_store_bytes`, checked on every backend with a toy aggregate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar
from uuid import UUID

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from tests.support.persistence import event_store_bytes, event_store_rows


class Counter(Aggregate):
    """A test-only aggregate: counts up, refuses to go past its limit."""

    @event("Created")
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0

    def increment(self) -> None:
        if self.count >= self.limit:
            raise ValueError("limit reached")
        self._incremented()

    @event("Incremented")
    def _incremented(self) -> None:
        self.count += 1


class Counters(Application[UUID]):
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Counter: 2}

    def create(self, limit: int) -> UUID:
        counter = Counter(limit)
        self.save(counter)
        return counter.id

    def increment(self, counter_id: UUID) -> None:
        counter: Counter = self.repository.get(counter_id)
        counter.increment()
        self.save(counter)


@pytest.fixture
def app(persistence_env: dict[str, str]) -> Iterator[Counters]:
    application = Counters(env=persistence_env)
    try:
        yield application
    finally:
        application.close()


def test_a_new_store_is_empty(app: Counters) -> None:
    assert event_store_bytes(app) == b""


def test_saving_changes_the_store_and_reading_does_not(app: Counters) -> None:
    counter_id = app.create(limit=1)
    after_create = event_store_bytes(app)
    assert after_create != b""

    app.repository.get(counter_id)
    assert event_store_bytes(app) == after_create

    app.increment(counter_id)
    after_increment = event_store_bytes(app)
    assert after_increment != after_create
    assert after_increment.startswith(after_create)


def test_a_refused_command_leaves_the_store_byte_identical(app: Counters) -> None:
    counter_id = app.create(limit=0)
    before = event_store_bytes(app)
    with pytest.raises(ValueError, match="limit reached"):
        app.increment(counter_id)
    assert event_store_bytes(app) == before


def test_rows_name_aggregate_version_and_topic(app: Counters) -> None:
    counter_id = app.create(limit=5)
    app.increment(counter_id)  # version 2: snapshotting interval reached
    rows = event_store_rows(app)
    events = [row for row in rows if row.store == "events"]
    snapshots = [row for row in rows if row.store == "snapshots"]
    assert [(row.originator_id, row.originator_version) for row in events] == [
        (str(counter_id), 1),
        (str(counter_id), 2),
    ]
    assert events[0].topic.endswith("Counter.Created")
    assert [row.originator_version for row in snapshots] == [2]


def test_each_backend_gets_a_fresh_store(persistence_env: dict[str, str]) -> None:
    # Run after other tests on the same backend: nothing they saved is visible.
    application = Counters(env=persistence_env)
    try:
        assert event_store_rows(application) == []
    finally:
        application.close()


@pytest.mark.parametrize("attempt", [1, 2])
def test_postgres_env_is_isolated_per_test(postgres_env: dict[str, str], attempt: int) -> None:
    assert postgres_env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert postgres_env["POSTGRES_SCHEMA"].startswith("t_")
    assert "POSTGRES_ENABLE_DB_FUNCTIONS" not in postgres_env
    application = Counters(env=postgres_env)
    try:
        assert event_store_rows(application) == []
        application.create(limit=attempt)
        assert len(event_store_rows(application)) == 1
    finally:
        application.close()
