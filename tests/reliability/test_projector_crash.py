"""Crash safety of the projection worker: kill -9 mid-batch, read models equal a rebuild.

A real `union-ledger project` process is killed with SIGKILL many times while it catches up
a large-ish log, and the read models still end identical to a clean rebuild.

Half of the kills wait until PostgreSQL shows the worker holding an uncommitted write
transaction (a batch's rows written, its position not yet committed) and strike then; the
others strike a random moment after one of its batches committed (inside the next batch,
reading events, loading aggregates), so every such round makes progress, or, once the
whole log is projected, while it idles.
The in-process version of this (a hook raising between apply and commit) is in
tests/projections/test_exactly_once.py; this one kills the whole process, so nothing of
it can clean up: the server alone rolls the open transaction back.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest

from projections.store import ReadStore
from tests.application.support import build_app
from tests.projections.support import (
    assert_same_read_models,
    dump_read_models,
    fresh_projection,
    postgres_read_store,
    tracking_position,
)
from tests.reliability import budget
from tests.reliability.bank_checks import wait_caught_up
from tests.reliability.processes import PROJECTING, Service, ledger_env, services
from tests.support.persistence import create_schema, drop_schema
from union_ledger.application import LedgerApplication
from union_ledger.settings import eventsourcing_env, load_settings
from union_ledger.simulation import simulate

ADMIN_KEY = "crash-test-admin-key-0123456789abcdef"
SIMULATION_END = date(2026, 10, 1)
GROUPS = 3
SEED = 20261122
WRITE_WAIT_S = 60.0  # the longest wait for the worker to open a write transaction
AFTER_COMMIT_S = (0.0, 0.3)
COMMIT_POLL_S = 0.02
LOOKS_PER_POSITION = 20  # pg_stat_activity looks between two reads of the position
# After the open transaction is seen: short, as the default log (1,709 events) is one
# batch of about a tenth of a second, the only one a strike round can cut.
STRIKE_DELAY_S = (0.0, 0.01)
SAMPLE_INTERVAL_S = 0.005
ROLLBACK_WAIT_S = 30.0
# The worker's connections carry this name in pg_stat_activity (libpq reads PGAPPNAME).
APPLICATION_NAME = "ul-crash-projector"
# A batch in flight: a transaction that has written rows (it has a transaction id) and
# whose latest statement is not the table set-up's DDL.
CONNECTIONS = ("SELECT count(*) FILTER (WHERE backend_xid IS NOT NULL AND query !~* "
               "'^\\s*(CREATE|DROP)'), count(*) FROM pg_stat_activity "
               "WHERE application_name = %s AND datname = current_database()")


@dataclass
class Recorded:
    app: LedgerApplication
    store: ReadStore
    database: str
    schema: str


@pytest.fixture
def recorded(postgres_database: str) -> Iterator[Recorded]:
    """A simulated federation's log in a fresh schema, not yet projected."""
    schema = create_schema(postgres_database)
    env = eventsourcing_env(load_settings(
        persistence="postgres", postgres_url=postgres_database, postgres_schema=schema))
    app = build_app(env)
    store = postgres_read_store(env)
    try:
        simulate(app, groups=GROUPS, weeks=budget.CRASH_WEEKS, seed=SEED,
                 end_on=SIMULATION_END)
        yield Recorded(app, store, postgres_database, schema)
    finally:
        store.close()
        app.close()
        drop_schema(postgres_database, schema)


def connections(monitor: psycopg.Connection[Any]) -> tuple[int, int]:
    """The worker's connections inside an uncommitted batch, and all of them."""
    row = monitor.execute(CONNECTIONS, (APPLICATION_NAME,)).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def open_writes(monitor: psycopg.Connection[Any]) -> int:
    return connections(monitor)[0]


def wait_connected(worker: Service, monitor: psycopg.Connection[Any]) -> None:
    """Until the worker has started and connected to the database (or exited)."""
    deadline = time.monotonic() + WRITE_WAIT_S
    while worker.running and connections(monitor)[1] == 0 and time.monotonic() < deadline:
        time.sleep(SAMPLE_INTERVAL_S)


def strike_in_a_write(worker: Service, monitor: psycopg.Connection[Any], store: ReadStore,
                      target: int, rng: random.Random) -> bool:
    """Kill the worker once it holds an uncommitted write transaction; True when the last
    look before the kill saw one (False: it exited, caught up, or never wrote in time)."""
    deadline = time.monotonic() + WRITE_WAIT_S
    looks = 0
    while time.monotonic() < deadline and worker.running:
        if open_writes(monitor):
            time.sleep(rng.uniform(*STRIKE_DELAY_S))
            seen = open_writes(monitor) > 0
            worker.kill()
            return seen
        looks += 1
        if looks % LOOKS_PER_POSITION == 0 and position_or_none(store) == target:
            break  # nothing left to write
        time.sleep(SAMPLE_INTERVAL_S)
    worker.kill()
    return False


def kill_after_a_commit(worker: Service, store: ReadStore, before: int,
                        rng: random.Random) -> None:
    """Kill the worker a random moment after its next batch committed (so the run makes
    progress); the moment may fall in the batch after, or between batches."""
    deadline = time.monotonic() + WRITE_WAIT_S
    while worker.running and time.monotonic() < deadline:
        if (position_or_none(store) or 0) > before:
            break
        time.sleep(COMMIT_POLL_S)
    time.sleep(rng.uniform(*AFTER_COMMIT_S))
    worker.kill()


def crash_round(round_number: int, worker: Service, monitor: psycopg.Connection[Any],
                store: ReadStore, target: int, rng: random.Random) -> bool:
    """Start the worker and kill it; True when the kill came inside an uncommitted batch."""
    worker.start()
    before = position_or_none(store)
    if before == target:  # everything is projected: a crash while it idles
        wait_connected(worker, monitor)
        time.sleep(rng.uniform(*AFTER_COMMIT_S))
        worker.kill()
        return False
    if round_number % 2 == 0:
        worker.wait_for_output(PROJECTING)  # its tables are set up: batches follow
        return strike_in_a_write(worker, monitor, store, target, rng)
    wait_connected(worker, monitor)
    kill_after_a_commit(worker, store, before or 0, rng)
    return False


def position_or_none(store: ReadStore) -> int | None:
    """The tracking position, or None when a kill came before the tables were made."""
    try:
        return tracking_position(store)
    except psycopg.errors.UndefinedTable:
        return None


def wait_for_no_open_writes(monitor: psycopg.Connection[Any]) -> bool:
    deadline = time.monotonic() + ROLLBACK_WAIT_S
    while open_writes(monitor):
        if time.monotonic() > deadline:
            return False
        time.sleep(SAMPLE_INTERVAL_S)
    return True


@pytest.mark.postgres
def test_kill_9_while_catching_up_loses_and_repeats_nothing(
    recorded: Recorded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(SEED)
    env = {**ledger_env(recorded.database, recorded.schema, ADMIN_KEY),
           "PGAPPNAME": APPLICATION_NAME}
    target = recorded.app.position()
    struck_in_writes = 0
    positions = []
    with services(tmp_path, env) as found, psycopg.connect(
            recorded.database, autocommit=True) as monitor:
        worker = found.projector()
        for round_number in range(budget.CRASH_KILLS):
            struck_in_writes += crash_round(round_number, worker, monitor, recorded.store,
                                            target, rng)
            positions.append(position_or_none(recorded.store))
            # The server notices the dead connection and rolls its open batch back.
            assert wait_for_no_open_writes(monitor)
        worker.start()
        worker.wait_for_output(PROJECTING)
        wait_caught_up(recorded.app, recorded.store)
        assert worker.stop() == 0
    with capsys.disabled():
        print(f"\nprojector crashes: {worker.kills} kill -9 of `union-ledger project` "
              f"({struck_in_writes} inside an uncommitted batch), log of {target} events, "
              f"positions after each kill {positions}")
    assert worker.kills == budget.CRASH_KILLS
    assert struck_in_writes >= 1
    assert tracking_position(recorded.store) == target
    assert_same_read_models(dump_read_models(recorded.store),
                            dump_read_models(fresh_projection(recorded.app)))
