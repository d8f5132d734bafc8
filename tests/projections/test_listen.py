"""PostgreSQL: the projector wakes on the event store's NOTIFY; the `project` worker runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from projections.listen import PostgresWake
from projections.store import PostgresReadStore
from tests.application.support import META, build_app, register_demo_group, register_union
from tests.projections.support import postgres_read_store, projector_for, tracking_position
from union_ledger.application import LedgerApplication

pytestmark = pytest.mark.postgres

GENEROUS_S = 5.0  # what "quickly" must beat; the timeout of a wake is far longer
WORKER_START_S = 60.0


@pytest.fixture
def app(postgres_env: dict[str, str]) -> Iterator[LedgerApplication]:
    application = build_app(postgres_env)
    try:
        yield application
    finally:
        application.close()


@pytest.fixture
def store(postgres_env: dict[str, str]) -> Iterator[PostgresReadStore]:
    read_store = postgres_read_store(postgres_env)
    try:
        yield read_store
    finally:
        read_store.close()


def channel_of(app: LedgerApplication) -> str:
    channel = getattr(app.recorder, "channel_name", None)
    assert isinstance(channel, str)
    return channel


def test_a_write_wakes_the_waiting_projector(
    app: LedgerApplication, store: PostgresReadStore
) -> None:
    wake = PostgresWake(store.conninfo, channel_of(app))
    try:
        wake(0.01)  # connects and LISTENs
        writer = threading.Timer(0.2, register_union, args=(app,))
        started = time.monotonic()
        writer.start()
        wake(60.0)
        assert time.monotonic() - started < GENEROUS_S
        writer.join()
    finally:
        wake.close()


def test_a_wake_that_cannot_connect_waits_out_its_timeout() -> None:
    wake = PostgresWake({"host": "127.0.0.1", "port": "1", "dbname": "nowhere"}, "events")
    started = time.monotonic()
    wake(0.2)  # logs a warning; the projector then polls
    assert 0.2 <= time.monotonic() - started < GENEROUS_S
    wake.close()


def test_with_the_worker_listening_a_write_becomes_visible_quickly(
    app: LedgerApplication, store: PostgresReadStore
) -> None:
    group_id, (akello, _) = register_demo_group(app)
    projector = projector_for(app, store)
    wake = PostgresWake(store.conninfo, channel_of(app))
    projector.start(wake)
    try:
        assert projector.wait_for(app.position(), 30.0)
        bought = app.buy_shares(group_id, akello, 1, on=date(2026, 2, 2), meta=META)
        assert projector.wait_for(bought.position, GENEROUS_S)
    finally:
        projector.stop()
        wake.close()


def test_the_project_command_follows_the_log_until_sigterm(
    app: LedgerApplication, store: PostgresReadStore, postgres_database: str,
    postgres_env: dict[str, str],
) -> None:
    register_union(app)
    worker = subprocess.Popen(
        [sys.executable, "-c", "import sys; from union_ledger.cli import main; "
         "sys.exit(main(sys.argv[1:]))", "project", "--lag-interval", "0.2"],
        env={**os.environ, "UNION_LEDGER_PERSISTENCE": "postgres",
             "UNION_LEDGER_POSTGRES_URL": postgres_database,
             "UNION_LEDGER_POSTGRES_SCHEMA": postgres_env["POSTGRES_SCHEMA"]},
        stderr=subprocess.PIPE, text=True,
    )
    try:
        _wait_until(lambda: _position_or_zero(store) >= app.position(), WORKER_START_S)
        group_id, (akello, _) = register_demo_group(app)
        bought = app.buy_shares(group_id, akello, 1, on=date(2026, 2, 2), meta=META)
        _wait_until(lambda: _position_or_zero(store) >= bought.position, GENEROUS_S)
    finally:
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=30)
    assert worker.returncode == 0, errors
    assert "LISTEN/NOTIFY" in errors
    assert "lag" in errors
    assert "stopped at position" in errors


def _position_or_zero(store: PostgresReadStore) -> int:
    try:
        return tracking_position(store)
    except Exception:  # the worker has not created the tables yet
        return 0


def _wait_until(condition: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
