"""The one wiring place: settings in, a ready application out. Nothing connects at import."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from union_ledger.application import LedgerApplication
from union_ledger.core import business_today
from union_ledger.settings import Settings, eventsourcing_env, postgres_connection


def build_application(
    settings: Settings, *, clock: Callable[[], date] = business_today
) -> LedgerApplication:
    """The application for these settings (SQLite file, PostgreSQL or memory)."""
    env = eventsourcing_env(settings)
    if settings.persistence == "postgres" and settings.postgres_schema:
        ensure_schema(env, settings.postgres_schema)
    return LedgerApplication(env, snapshot_interval=settings.snapshot_interval, clock=clock)


def ensure_schema(env: dict[str, str], schema: str) -> None:
    """The library creates its tables inside POSTGRES_SCHEMA, but not the schema itself."""
    params = {
        "dbname": env.get("POSTGRES_DBNAME"),
        "host": env.get("POSTGRES_HOST"),
        "port": env.get("POSTGRES_PORT"),
        "user": env.get("POSTGRES_USER"),
        "password": env.get("POSTGRES_PASSWORD") or None,
    }
    conninfo = make_conninfo(**{k: v for k, v in params.items() if v})
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))


__all__ = ["build_application", "ensure_schema", "postgres_connection"]
