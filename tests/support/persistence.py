"""Test databases on the real PostgreSQL server, and a byte-exact dump of an event store."""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import AggregateRecorder
from eventsourcing.popo import POPOAggregateRecorder
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder, SQLiteConnectionPool
from psycopg import sql
from psycopg.conninfo import make_conninfo

TEST_POSTGRES_VARIABLE = "UNION_LEDGER_TEST_POSTGRES"
TEST_POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
CONNECT_TIMEOUT_S = 3


def postgres_server_url() -> str:
    """The server the PostgreSQL tests use (its database is only used to create ours)."""
    return os.environ.get(TEST_POSTGRES_VARIABLE) or TEST_POSTGRES_DEFAULT


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def with_database(url: str, dbname: str) -> str:
    """The same server URL (or key=value conninfo) naming another database."""
    if "://" in url:
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path="/" + dbname))
    return make_conninfo(url, dbname=dbname)


def admin_connection(url: str) -> psycopg.Connection[Any]:
    """An autocommit connection, as CREATE/DROP DATABASE need; fails fast if unreachable."""
    return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)


def create_test_database(server_url: str) -> str:
    """Create a uniquely named database on the server; returns its URL."""
    dbname = f"ul_test_{os.getpid()}_{secrets.token_hex(4)}"
    with admin_connection(server_url) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    return with_database(server_url, dbname)


def drop_test_database(server_url: str, database_url: str) -> None:
    """Drop a database made by `create_test_database`, closing whatever still uses it."""
    dbname = psycopg.conninfo.conninfo_to_dict(database_url)["dbname"]
    if not isinstance(dbname, str) or not dbname.startswith("ul_test_"):
        raise ValueError(f"refusing to drop {dbname!r}: not a test database")
    with admin_connection(server_url) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )


def create_schema(database_url: str) -> str:
    """Create a fresh schema in the test database; returns its name."""
    schema = f"t_{secrets.token_hex(6)}"
    with admin_connection(database_url) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    return schema


def drop_schema(database_url: str, schema: str) -> None:
    with admin_connection(database_url) as connection:
        connection.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )


# --- event store dump ------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class StoredRow:
    """One stored event or snapshot exactly as recorded."""

    store: str  # "events" or "snapshots"
    originator_id: str
    originator_version: int
    topic: str
    state: bytes


def event_store_rows(app: Application[Any]) -> list[StoredRow]:
    """Every stored event and snapshot row of `app`, in a deterministic order.

    SQLite and PostgreSQL are read through a new connection to the database, so what is
    compared is what was committed; the in-memory store is read from its recorder.
    """
    stores: list[tuple[str, AggregateRecorder]] = [("events", app.recorder)]
    if app.snapshots is not None:
        stores.append(("snapshots", app.snapshots.recorder))
    rows: list[StoredRow] = []
    for store, recorder in stores:
        for originator_id, version, topic, state in _recorded(app, recorder):
            rows.append(StoredRow(store, _canonical_id(originator_id), version, topic, state))
    return sorted(rows)


def event_store_bytes(app: Application[Any]) -> bytes:
    """`event_store_rows` as one byte string: equal bytes mean an unchanged store."""
    return b"".join(
        f"{row.store}\t{row.originator_id}\t{row.originator_version}\t{row.topic}\t".encode()
        + row.state.hex().encode()
        + b"\n"
        for row in event_store_rows(app)
    )


Recorded = tuple[object, int, str, bytes]


def _recorded(app: Application[Any], recorder: AggregateRecorder) -> Iterator[Recorded]:
    if isinstance(recorder, POPOAggregateRecorder):
        with recorder._database_lock:
            stored = list(recorder._stored_events)
        for event in stored:
            yield event.originator_id, event.originator_version, event.topic, event.state
    elif isinstance(recorder, SQLiteAggregateRecorder):
        yield from _sqlite_rows(recorder)
    elif isinstance(recorder, PostgresAggregateRecorder):
        yield from _postgres_rows(app, recorder)
    else:
        raise TypeError(f"no dump for recorder {type(recorder).__name__}")


def _sqlite_rows(recorder: SQLiteAggregateRecorder) -> Iterator[Recorded]:
    db_name = recorder.datastore.pool.db_name
    if SQLiteConnectionPool.detect_memory_mode(db_name):
        raise ValueError("an in-memory SQLite database cannot be read from outside")
    uri = Path(db_name).resolve().as_uri() + "?mode=ro"
    statement = (
        "SELECT originator_id, originator_version, topic, state "
        f'FROM "{recorder.events_table_name}"'
    )
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        for originator_id, version, topic, state in connection.execute(statement):
            yield originator_id, int(version), str(topic), bytes(state)


def _postgres_rows(
    app: Application[Any], recorder: PostgresAggregateRecorder
) -> Iterator[Recorded]:
    # app.env merges the process environment, exactly as the library read it.
    conninfo = make_conninfo(
        dbname=app.env.get("POSTGRES_DBNAME", ""),
        host=app.env.get("POSTGRES_HOST", ""),
        port=app.env.get("POSTGRES_PORT", "5432"),
        user=app.env.get("POSTGRES_USER", ""),
        password=app.env.get("POSTGRES_PASSWORD", ""),
    )
    statement = sql.SQL(
        "SELECT originator_id::text, originator_version, topic, state FROM {}.{}"
    ).format(
        sql.Identifier(recorder.datastore.schema), sql.Identifier(recorder.events_table_name)
    )
    with psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT_S) as connection:
        for originator_id, version, topic, state in connection.execute(statement):
            yield originator_id, int(version), str(topic), bytes(state)


def _canonical_id(originator_id: object) -> str:
    # SQLite stores UUIDs as 32 hex digits, PostgreSQL and memory as UUID objects.
    try:
        return str(UUID(str(originator_id)))
    except ValueError:
        return str(originator_id)
