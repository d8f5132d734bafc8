"""The one wiring place: settings in, a ready application out. Nothing connects at import."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from union_ledger.application import LedgerApplication
from union_ledger.core import business_today
from union_ledger.settings import (
    Settings,
    eventsourcing_env,
    library_view,
    postgres_connection,
    postgres_conninfo,
)

# Processes that start together (an API server's workers, the projection worker beside
# them) each set up the event store's tables, types and functions when they build the
# application, and PostgreSQL refuses concurrent set-ups of the same objects: on a new
# schema `CREATE TABLE IF NOT EXISTS` collides on the catalog ("duplicate key value"), on
# an existing one the library's `CREATE OR REPLACE FUNCTION` does ("tuple concurrently
# updated"). A worker that fails to start makes uvicorn stop the whole server. So the
# set-up is done by one process at a time, under this session advisory lock.
SETUP_LOCK_KEY = 0x756C5F6576  # "ul_ev"


def build_application(
    settings: Settings, *, clock: Callable[[], date] = business_today
) -> LedgerApplication:
    """The application for these settings (SQLite file, PostgreSQL or memory)."""
    env = eventsourcing_env(settings)
    if settings.persistence != "postgres":
        return LedgerApplication(env, snapshot_interval=settings.snapshot_interval, clock=clock)
    # The database and schema the library will use, whether named by the settings or by
    # the operator's own POSTGRES_* variables.
    library = library_view(env, LedgerApplication.name)
    with psycopg.connect(make_conninfo(**postgres_conninfo(library)), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (SETUP_LOCK_KEY,))
        try:
            schema = library.get("POSTGRES_SCHEMA")
            if schema:
                _create_schema(conn, schema)
            return LedgerApplication(env, snapshot_interval=settings.snapshot_interval,
                                     clock=clock)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK_KEY,))


def ensure_schema(env: dict[str, str], schema: str) -> None:
    """The library creates its tables inside POSTGRES_SCHEMA, but not the schema itself.
    `env` is an application's, read over the process's environment as the library does."""
    conninfo = postgres_conninfo(library_view(env, LedgerApplication.name))
    with psycopg.connect(make_conninfo(**conninfo), autocommit=True) as conn:
        _create_schema(conn, schema)


def _create_schema(conn: psycopg.Connection[Any], schema: str) -> None:
    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))


__all__ = ["build_application", "ensure_schema", "postgres_connection"]
