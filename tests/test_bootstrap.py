"""Processes that start together on one PostgreSQL database (an API server's workers, the
projection worker) all get their application: the event store's set-up takes turns."""

from __future__ import annotations

import secrets
import threading

import pytest

from tests.support.persistence import drop_schema
from union_ledger.application import LedgerApplication
from union_ledger.bootstrap import build_application
from union_ledger.readside import build_read_store
from union_ledger.settings import load_settings, postgres_connection

STARTING_TOGETHER = 6


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["new", "set up before"])
def test_processes_starting_together_all_start(postgres_database: str, store: str) -> None:
    # A schema of this test's own, which the first application creates (`new`), or which
    # one application set up before the others start (`set up before`: the API's workers
    # after `union-ledger migrate`). Without the set-up lock both failed nearly every time.
    schema = f"t_start_{secrets.token_hex(6)}"
    settings = load_settings(persistence="postgres", postgres_url=postgres_database,
                             postgres_schema=schema)
    try:
        if store == "set up before":
            build_application(settings).close()
        start = threading.Barrier(STARTING_TOGETHER)
        failures: list[BaseException] = []
        positions: list[int] = []

        def start_one() -> None:
            start.wait(timeout=30)
            try:
                app = build_application(settings)
                try:
                    positions.append(app.position())
                finally:
                    app.close()
            except BaseException as error:  # reported by the assertion below
                failures.append(error)

        threads = [threading.Thread(target=start_one) for _ in range(STARTING_TOGETHER)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == []
        assert positions == [0] * STARTING_TOGETHER
    finally:
        drop_schema(postgres_database, schema)


@pytest.mark.postgres
def test_the_librarys_own_variables_reach_every_connection(
    postgres_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The README's second way: no UNION_LEDGER_POSTGRES_URL, the library's POSTGRES_*
    # variables read as they are, POSTGRES_SCHEMA included (created on first start, as
    # UNION_LEDGER_POSTGRES_SCHEMA is). libpq's own defaults point nowhere, so a
    # connection that ignored the variables would fail, not find another database.
    schema = f"t_vars_{secrets.token_hex(6)}"
    for key, value in postgres_connection(postgres_database).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("POSTGRES_SCHEMA", schema)
    monkeypatch.setenv("PGHOST", "/nonexistent")
    monkeypatch.setenv("PGDATABASE", "nonexistent")
    # And as the library does, a variable under the application's prefix comes first.
    database = postgres_connection(postgres_database)["POSTGRES_DBNAME"]
    monkeypatch.setenv("POSTGRES_DBNAME", "nonexistent")
    monkeypatch.setenv(f"{LedgerApplication.name.upper()}_POSTGRES_DBNAME", database)
    settings = load_settings(persistence="postgres")
    try:
        app = build_application(settings)
        try:
            assert app.position() == 0
        finally:
            app.close()
        store = build_read_store(settings)
        try:
            with store.transaction(readonly=True) as cursor:
                row = cursor.fetchone("SELECT current_database(), current_schema()")
        finally:
            store.close()
        assert row is not None
        assert (row[0], row[1]) == (database, schema)
    finally:
        drop_schema(postgres_database, schema)
