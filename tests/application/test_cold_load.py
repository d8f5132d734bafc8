"""A cold load (latest snapshot and the events after it) gives the aggregate the library's
own repository gives, on every store; on PostgreSQL it is read in one statement."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import OperationalError, StoredEvent

from tests.application.support import META, build_app, register_demo_group
from union_ledger.application import LedgerApplication
from union_ledger.cold_load import ColdLoad

FIRST_MEETING = date(2026, 1, 12)


def _group_of(app: LedgerApplication, purchases: int) -> UUID:
    group_id, (akello, okot) = register_demo_group(app)
    for week in range(purchases):
        member = akello if week % 2 else okot
        app.buy_shares(group_id, member, 1, on=FIRST_MEETING + timedelta(weeks=week),
                       meta=META)
    return group_id


def _library_reads(app: LedgerApplication, group_id: UUID) -> tuple[Any, list[StoredEvent]]:
    assert app.snapshots is not None
    snapshots = app.snapshots.recorder.select_events(group_id, desc=True, limit=1)
    snapshot = snapshots[0] if snapshots else None
    after = snapshot.originator_version if snapshot else None
    return snapshot, list(app.recorder.select_events(group_id, gt=after))


@pytest.mark.parametrize("purchases", [0, 3, 10])
def test_a_cold_load_is_the_aggregate_the_library_loads(
    persistence_env: dict[str, str], purchases: int,
) -> None:
    app = build_app(persistence_env, snapshot_interval=5)
    try:
        group_id = _group_of(app, purchases)
        cold = app.checkouts.rebuild(group_id)
        library: Any = app.repository.get(group_id)
        assert cold is not library
        assert cold.version == library.version
        assert vars(cold) == vars(library)
        assert app.checkouts.rebuild(uuid4()) is None
    finally:
        app.close()


@pytest.mark.parametrize(("interval", "purchases"), [
    (1_000, 4),  # no snapshot: every event
    (5, 4),      # a snapshot at version 5, then the events after it
    (5, 7),      # the latest of two snapshots, and the events after it
    (3, 3),      # a snapshot at the last version: no event after it
])
def test_postgres_reads_the_latest_snapshot_and_the_events_after_it_in_one_statement(
    postgres_env: dict[str, str], interval: int, purchases: int,
) -> None:
    app = build_app(postgres_env, snapshot_interval=interval)
    try:
        assert app.snapshots is not None
        cold_load = ColdLoad.of(app.snapshots.recorder, app.recorder)
        assert cold_load is not None
        group_id = _group_of(app, purchases)
        snapshot, events = cold_load.read(group_id)
        assert (snapshot, list(events)) == _library_reads(app, group_id)
        if interval < 1_000:
            assert snapshot is not None
        else:
            assert snapshot is None
            assert [e.originator_version for e in events] == list(
                range(1, app.repository.get(group_id).version + 1))
        assert cold_load.read(uuid4()) == (None, [])
    finally:
        app.close()


def test_other_stores_are_read_as_the_library_reads_them(
    persistence_env: dict[str, str],
) -> None:
    app = build_app(persistence_env)
    try:
        assert app.snapshots is not None
        cold_load = ColdLoad.of(app.snapshots.recorder, app.recorder)
        is_postgres = persistence_env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres"
        assert (cold_load is not None) == is_postgres
    finally:
        app.close()


def test_a_lost_connection_is_retried_as_the_library_retries_its_reads(
    postgres_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = build_app(postgres_env, snapshot_interval=5)
    try:
        assert app.snapshots is not None
        cold_load = ColdLoad.of(app.snapshots.recorder, app.recorder)
        assert cold_load is not None
        group_id = _group_of(app, 3)
        expected = cold_load.read(group_id)
        get_connection = cold_load.datastore.get_connection
        failures = [OperationalError("server closed the connection unexpectedly")]

        def flaky() -> Any:
            if failures:
                raise failures.pop()
            return get_connection()

        monkeypatch.setattr(cold_load.datastore, "get_connection", flaky)
        assert cold_load.read(group_id) == expected
        assert not failures
    finally:
        app.close()
