"""Pooled event-store connections are pinged before use only after sitting idle."""

from __future__ import annotations

import time
from typing import Any

import psycopg
from eventsourcing.postgres import PostgresDatastore
from psycopg_pool import ConnectionPool

from union_ledger.application import LedgerApplication
from union_ledger.pre_ping import IDLE_BEFORE_PING_S, ping_when_idle

RETRY_WAIT_S = 0.19  # the library waits 0.2 s (±5 %) before retrying a lost connection


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_connection_is_pinged_first_and_then_only_after_sitting_idle(
    postgres_env: dict[str, str],
) -> None:
    app = LedgerApplication({**postgres_env, "POSTGRES_POOL_SIZE": "1",
                             "POSTGRES_MAX_OVERFLOW": "0"})
    try:
        pinged: list[Any] = []

        def counting(connection: Any) -> None:
            pinged.append(connection)
            ConnectionPool.check_connection(connection)

        pool = app.recorder.datastore.pool  # type: ignore[attr-defined]
        pool._check = counting  # a ping at every check-out, as the library sets it up
        clock = Clock()
        # The application's start handed the connection out already (the state columns'
        # compression is checked then), by the real clock: the fake one starts later.
        clock.now = time.monotonic() + 10 * IDLE_BEFORE_PING_S
        assert ping_when_idle(app.recorder, clock=clock)
        for _ in range(5):
            app.position()
            clock.now += IDLE_BEFORE_PING_S / 2
        assert len(pinged) == 1  # the first check-out; each later one came soon after
        clock.now += IDLE_BEFORE_PING_S
        app.position()
        assert len(pinged) == 2
    finally:
        app.close()


def test_the_application_pings_only_idle_connections(postgres_env: dict[str, str]) -> None:
    app = LedgerApplication(postgres_env)
    try:
        pools = {app.recorder.datastore.pool}  # type: ignore[attr-defined]
        if app.snapshots is not None:
            pools.add(app.snapshots.recorder.datastore.pool)  # type: ignore[attr-defined]
        for pool in pools:
            assert pool._check.idle_s == IDLE_BEFORE_PING_S
    finally:
        app.close()


def test_a_connection_lost_a_moment_after_its_use_is_replaced_by_the_retry(
    postgres_env: dict[str, str],
) -> None:
    """Not pinged (it answered a moment ago), the lost connection fails its statement, and
    the library's retry takes another: the caller still gets its answer."""
    app = LedgerApplication({**postgres_env, "POSTGRES_POOL_SIZE": "1",
                             "POSTGRES_MAX_OVERFLOW": "0"})
    try:
        before = app.position()
        with app.recorder.datastore.get_connection() as connection:  # type: ignore[attr-defined]
            backend = connection.info.backend_pid
        database = postgres_env["POSTGRES_DBNAME"]
        host, port = postgres_env["POSTGRES_HOST"], postgres_env["POSTGRES_PORT"]
        user = postgres_env["POSTGRES_USER"]
        with psycopg.connect(host=host, port=port, user=user, dbname=database,
                             password=postgres_env.get("POSTGRES_PASSWORD") or None,
                             autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
            # It only signals the backend: wait until it is gone.
            deadline = time.monotonic() + 10
            while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s",
                                (backend,)).fetchone() is not None:
                assert time.monotonic() < deadline, "the backend outlived its termination"
                time.sleep(0.01)
        began = time.monotonic()
        assert app.position() == before
        # It went the retry's way (its first wait), not the ping's.
        assert time.monotonic() - began >= RETRY_WAIT_S
    finally:
        app.close()


def test_recorders_that_do_not_ping_are_left_as_they_are(tmp_path: Any) -> None:
    assert not ping_when_idle(object())
    datastore = PostgresDatastore.__new__(PostgresDatastore)
    datastore.pool = ConnectionPool.__new__(ConnectionPool)  # type: ignore[arg-type]
    datastore.pool._check = None

    class Recorder:
        pass

    recorder = Recorder()
    recorder.datastore = datastore  # type: ignore[attr-defined]
    assert not ping_when_idle(recorder)
    assert datastore.pool._check is None
