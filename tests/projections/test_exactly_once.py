"""Exactly once: crashes between applying a batch and committing it lose and repeat nothing."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.engine import BATCH_SIZE_DEFAULT, BATCH_SIZE_POSTGRES
from projections.store import ReadStore
from tests.application.support import build_app
from tests.projections.histories import record_rich_history
from tests.projections.support import (
    assert_same_read_models,
    dump_read_models,
    fresh_projection,
    projector_for,
    read_store_for,
    tracking_position,
)
from union_ledger.application import LedgerApplication
from union_ledger.readside import build_projector
from union_ledger.settings import eventsourcing_env, load_settings

BATCH_SIZE = 7
CRASH_CHANCE = 0.35
RESTARTS_MAX = 2_000
PROJECTORS = 2
RACING_BATCH_SIZE = 25  # racing makes each batch cost every projector a load: fewer batches


class InjectedCrash(Exception):
    """The process died after writing a batch's rows, before its commit."""


@pytest.fixture
def recorded(database_env: dict[str, str]) -> Iterator[LedgerApplication]:
    """A rich history in a real database (SQLite file or PostgreSQL schema)."""
    app = build_app(database_env)
    try:
        record_rich_history(app)
        yield app
    finally:
        app.close()


def crash_and_restart_until_caught_up(
    app: LedgerApplication, env: dict[str, str], seed: int
) -> tuple[ReadStore, int, int]:
    """Project with random crashes before commits; each restart is a new projector (and a
    new store connection, as a new process would have). Returns the store, crashes and
    restarts."""
    rng = random.Random(seed)
    crashes = restarts = 0

    def maybe_crash(start: int, last: int) -> None:
        nonlocal crashes
        if rng.random() < CRASH_CHANCE:
            crashes += 1
            raise InjectedCrash(f"crash applying {start + 1}..{last}")

    store = read_store_for(env)
    while restarts < RESTARTS_MAX:
        projector = projector_for(app, store, BATCH_SIZE)
        projector.before_commit = maybe_crash
        try:
            projector.catch_up()
        except InjectedCrash:
            restarts += 1
            store.close()
            store = read_store_for(env)
            continue
        if projector.position() >= app.position():
            return store, crashes, restarts
    raise AssertionError(f"not caught up after {RESTARTS_MAX} restarts")


def test_crashes_before_commit_lose_and_repeat_nothing(
    recorded: LedgerApplication, database_env: dict[str, str]
) -> None:
    store, crashes, restarts = crash_and_restart_until_caught_up(
        recorded, database_env, seed=20261122)
    try:
        assert crashes == restarts > 20  # the history is ~110 batches: many crashed
        assert tracking_position(store) == recorded.position()
        assert_same_read_models(dump_read_models(store), dump_read_models(
            fresh_projection(recorded)))
    finally:
        store.close()


def test_a_crash_leaves_the_read_models_as_they_were(tmp_path: Path) -> None:
    """The rows of a crashed batch are rolled back with its position, not half-kept."""
    env = eventsourcing_env(load_settings(persistence="sqlite",
                                          sqlite_path=tmp_path / "ledger.sqlite3"))
    app = build_app(env)
    try:
        record_rich_history(app)
        store = read_store_for(env)
        projector = projector_for(app, store, BATCH_SIZE)
        for _ in range(5):
            projector.run_batch()
        before = dump_read_models(store)

        def crash(start: int, last: int) -> None:
            raise InjectedCrash

        projector.before_commit = crash
        with pytest.raises(InjectedCrash):
            projector.run_batch()
        assert dump_read_models(store) == before
        assert projector.position() == tracking_position(store) == 5 * BATCH_SIZE
        store.close()
    finally:
        app.close()


def test_projectors_racing_on_one_store_apply_each_event_once(
    recorded: LedgerApplication, database_env: dict[str, str]
) -> None:
    """Several processes may project into one store (API workers beside the event store's
    SQLite file; a worker started twice): they set up the tables together and then share
    the batches, none applied twice."""
    stores = [read_store_for(database_env) for _ in range(PROJECTORS)]
    failures: list[BaseException] = []

    def project(store: ReadStore) -> None:
        try:
            projector_for(recorded, store, RACING_BATCH_SIZE).catch_up()
        except BaseException as error:  # reported in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=project, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert failures == []
        assert tracking_position(stores[0]) == recorded.position()
        assert_same_read_models(dump_read_models(stores[0]), dump_read_models(
            fresh_projection(recorded)))
    finally:
        for store in stores:
            store.close()


def test_default_batches_are_long_on_postgresql_and_short_on_sqlite(
    recorded: LedgerApplication, database_env: dict[str, str],
) -> None:
    """SQLite's batches hold the file's write lock that event writers wait for; on
    PostgreSQL one batch may take the whole history, and gives the same read models."""
    store = read_store_for(database_env)
    try:
        projector = build_projector(recorded, store)
        postgres = database_env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
        assert projector.batch_size == (BATCH_SIZE_POSTGRES if postgres else BATCH_SIZE_DEFAULT)
        events = recorded.position()
        assert events < BATCH_SIZE_POSTGRES
        projector.catch_up()
        assert tracking_position(store) == events
        assert_same_read_models(dump_read_models(store),
                                dump_read_models(fresh_projection(recorded, batch_size=7)))
    finally:
        store.close()
