"""The ledger's PostgreSQL connections compile no query to machine code (JIT off)."""

from __future__ import annotations

import os

import pytest

from projections.store import PostgresReadStore
from union_ledger.application import LedgerApplication
from union_ledger.pg_session import apply_session_options
from union_ledger.readside import build_read_store
from union_ledger.settings import load_settings


def test_the_event_store_and_the_read_store_connections_have_jit_off(
    postgres_database: str, postgres_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGOPTIONS", raising=False)
    app = LedgerApplication(postgres_env)
    store = build_read_store(load_settings(persistence="postgres",
                                           postgres_url=postgres_database))
    try:
        with app.recorder.datastore.get_connection() as connection:  # type: ignore[attr-defined]
            assert connection.execute("SHOW jit").fetchone() == {"jit": "off"}
        assert isinstance(store, PostgresReadStore)
        with store.transaction(readonly=True) as cursor:
            assert cursor.fetchone("SHOW jit") == ("off",)
        with store.transaction() as cursor:
            assert cursor.fetchone("SHOW jit") == ("off",)
    finally:
        store.close()
        app.close()


def test_an_operators_own_jit_setting_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGOPTIONS", "-c jit=on -c work_mem=8MB")
    apply_session_options()
    assert os.environ["PGOPTIONS"] == "-c jit=on -c work_mem=8MB"
    monkeypatch.setenv("PGOPTIONS", "-c work_mem=8MB")
    apply_session_options()
    apply_session_options()
    assert os.environ["PGOPTIONS"] == "-c work_mem=8MB -c jit=off"
