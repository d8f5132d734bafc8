"""Read-your-writes: waiting for a position, and the projector beside concurrent writers."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from projections import engine, queries
from tests.application.support import META, build_app, register_demo_group, register_union
from tests.projections.support import (
    assert_same_read_models,
    dump_read_models,
    fresh_projection,
    projector_for,
    read_store_for,
)
from union_ledger.settings import eventsourcing_env, load_settings

WAIT_S = 10.0
WRITERS = 4
WRITES_PER_WRITER = 30


def test_wait_for_answers_once_applied_and_times_out_when_stopped(
    database_env: dict[str, str],
) -> None:
    app = build_app(database_env)
    store = read_store_for(database_env)
    projector = projector_for(app, store)
    try:
        group_id, (akello, okot) = register_demo_group(app)
        projector.start()
        bought = app.buy_shares(group_id, akello, 2, on=date(2026, 2, 2), meta=META)
        assert projector.wait_for(bought.position, WAIT_S)
        with store.transaction(readonly=True) as cursor:
            found = queries.group(cursor, str(group_id))
        assert found is not None and found["balances"]["member_savings"] == "4000"

        projector.stop()
        later = app.buy_shares(group_id, okot, 1, on=date(2026, 2, 2), meta=META)
        started = time.monotonic()
        assert not projector.wait_for(later.position, 0.5)
        assert 0.5 <= time.monotonic() - started < 5.0
        assert projector.position() == bought.position  # nothing applied it meanwhile
    finally:
        projector.stop()
        store.close()
        app.close()


def test_every_wait_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    app = build_app({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    register_union(app)
    projector = projector_for(app, read_store_for({"PERSISTENCE_MODULE": "popo"}))
    monkeypatch.setattr(engine, "WAIT_TIMEOUT_MAX_S", 0.3)
    started = time.monotonic()
    assert not projector.wait_for(app.position(), timeout_s=3600)
    assert time.monotonic() - started < 3.0
    assert projector.wait_for(0, timeout_s=0)  # an empty log is always read


def test_the_projector_shares_the_sqlite_file_with_concurrent_writers(tmp_path: Path) -> None:
    """Writers in several threads and the background projector use one SQLite file (WAL):
    nobody waits too long for the lock, and every event is applied exactly once."""
    env = eventsourcing_env(load_settings(persistence="sqlite",
                                          sqlite_path=tmp_path / "ledger.sqlite3"))
    app = build_app(env)
    store = read_store_for(env)
    projector = projector_for(app, store, batch_size=5)
    failures: list[BaseException] = []
    try:
        union_id = register_union(app)
        groups = [register_demo_group(app, union_id) for _ in range(WRITERS)]
        projector.start()

        def write(group_id: UUID, members: tuple[str, str]) -> None:
            try:
                for index in range(WRITES_PER_WRITER):
                    day = date(2026, 2, 1) + timedelta(days=index)
                    app.buy_shares(group_id, members[index % 2], 1, on=day, meta=META)
            except BaseException as error:  # reported below, in the test's thread
                failures.append(error)

        threads = [threading.Thread(target=write, args=g) for g in groups]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        assert projector.wait_for(app.position(), WAIT_S)
        assert projector.running
        projector.stop()
        assert_same_read_models(dump_read_models(store), dump_read_models(
            fresh_projection(app)))
    finally:
        projector.stop()
        store.close()
        app.close()
