"""Read-model storage: one small interface over SQLite and PostgreSQL connections.

SQL is written once with `?` placeholders and portable types (TEXT, BIGINT, INTEGER);
money is stored as BIGINT minor units so sums are exact in both databases. The read
models live in the same database (and schema) as the events, so a batch of read-model
writes and its tracking position commit in one transaction.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import psycopg
from psycopg import sql

Row = tuple[Any, ...]
Params = Sequence[Any]


class Cursor(Protocol):
    """What read-model code may do inside a transaction."""

    def execute(self, statement: str, params: Params = ()) -> None: ...

    def executemany(self, statement: str, rows: Sequence[Params]) -> None: ...

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]: ...

    def fetchone(self, statement: str, params: Params = ()) -> Row | None: ...


class ReadStore(Protocol):
    dialect: str

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Cursor]: ...

    def close(self) -> None: ...


class _SqliteCursor:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def execute(self, statement: str, params: Params = ()) -> None:
        self._connection.execute(statement, tuple(params))

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        self._connection.executemany(statement, [tuple(r) for r in rows])

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        return list(self._connection.execute(statement, tuple(params)).fetchall())

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        row: Row | None = self._connection.execute(statement, tuple(params)).fetchone()
        return row


class SqliteReadStore:
    """Read models in the events' SQLite file (or in memory, beside the in-memory store)."""

    dialect = "sqlite"
    BUSY_TIMEOUT_S = 30.0

    def __init__(self, path: Path | str) -> None:
        self._lock = threading.RLock()
        self._connection = sqlite3.connect(
            str(path), timeout=self.BUSY_TIMEOUT_S, isolation_level=None,
            check_same_thread=False,
        )
        if str(path) != ":memory:":
            self._connection.execute("PRAGMA journal_mode=WAL")

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Cursor]:
        with self._lock:
            self._connection.execute("BEGIN" if readonly else "BEGIN IMMEDIATE")
            try:
                yield _SqliteCursor(self._connection)
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def close(self) -> None:
        self._connection.close()


class _PostgresCursor:
    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    @staticmethod
    def _sql(statement: str) -> str:
        return statement.replace("?", "%s")

    def execute(self, statement: str, params: Params = ()) -> None:
        self._cursor.execute(self._sql(statement), tuple(params))

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        if rows:
            self._cursor.executemany(self._sql(statement), [tuple(r) for r in rows])

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        self.execute(statement, params)
        return list(self._cursor.fetchall())

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        self.execute(statement, params)
        row: Row | None = self._cursor.fetchone()
        return row


class PostgresReadStore:
    """Read models in the events' PostgreSQL database and schema."""

    dialect = "postgres"

    def __init__(self, conninfo: dict[str, str], schema: str | None = None) -> None:
        self._lock = threading.RLock()
        self._conninfo = conninfo
        self._schema = schema
        self._connection: psycopg.Connection[Any] | None = None

    def _connect(self) -> psycopg.Connection[Any]:
        if self._connection is None or self._connection.closed:
            connection = psycopg.connect(**self._conninfo)  # type: ignore[arg-type]
            if self._schema:
                connection.execute(
                    sql.SQL("SET search_path TO {}").format(sql.Identifier(self._schema))
                )
                connection.commit()
            self._connection = connection
        return self._connection

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Cursor]:
        with self._lock:
            connection = self._connect()
            try:
                with connection.transaction(), connection.cursor() as cursor:
                    yield _PostgresCursor(cursor)
            except psycopg.OperationalError:
                connection.close()
                raise

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
