"""Read-model storage: one small interface over SQLite and PostgreSQL connections.

SQL is written once with `?` placeholders and portable types (TEXT, BIGINT, INTEGER);
money is stored as BIGINT minor units so sums are exact in both databases. The read
models live in the same database (and schema) as the events; a batch of read-model
writes and its tracking position commit in one transaction of the read store.

The two databases answer alike: PostgreSQL's `SUM` of a BIGINT is NUMERIC (a Decimal in
Python), so a whole NUMERIC is loaded as an int, as SQLite returns it. That is done as the
value is loaded (`WholeNumericLoader`, on the read store's connections), not by walking
every value of every row afterwards: only NUMERIC columns pay for it.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import psycopg
from psycopg import sql
from psycopg.abc import Buffer
from psycopg.adapt import Loader
from psycopg.conninfo import make_conninfo
from psycopg_pool import ConnectionPool

Row = tuple[Any, ...]
Params = Sequence[Any]
Query = tuple[str, Params]


class Cursor(Protocol):
    """What read-model code may do inside a transaction."""

    def execute(self, statement: str, params: Params = ()) -> None: ...

    def executemany(self, statement: str, rows: Sequence[Params]) -> None: ...

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]: ...

    def fetchone(self, statement: str, params: Params = ()) -> Row | None: ...

    def fetch_many(self, queries: Sequence[Query]) -> list[list[Row]]:
        """Every query's rows, in order; on PostgreSQL all sent in one round trip."""
        ...


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

    def fetch_many(self, queries: Sequence[Query]) -> list[list[Row]]:
        return [self.fetchall(statement, params) for statement, params in queries]


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
        """A transaction; a writing one takes the database's write lock at once (waiting up
        to BUSY_TIMEOUT_S for the event store's writers), so it never fails half-way
        for want of the lock."""
        with self._lock:
            self._connection.execute("BEGIN" if readonly else "BEGIN IMMEDIATE")
            try:
                yield _SqliteCursor(self._connection)
                self._connection.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back (e.g. after an I/O error).
                if self._connection.in_transaction:
                    self._connection.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self._connection.close()


@functools.lru_cache(maxsize=512)  # the read side has a few dozen distinct statements
def postgres_sql(statement: str) -> str:
    """`?` placeholders as psycopg's `%s`; a literal `%` doubled so psycopg keeps it.

    Text between single quotes is copied unchanged apart from the doubling, so a `?`
    inside a string literal stays a question mark.
    """
    parts: list[str] = []
    quoted = False
    for char in statement:
        if char == "'":
            quoted = not quoted
            parts.append(char)
        elif char == "%":
            parts.append("%%")
        elif char == "?" and not quoted:
            parts.append("%s")
        else:
            parts.append(char)
    return "".join(parts)


QUOTED = re.compile(r"('[^']*')")


@functools.lru_cache(maxsize=1024)  # statement shapes × the few multi-row sizes of each
def postgres_raw_sql(statement: str) -> str:
    """`?` placeholders as PostgreSQL's own `$1`, `$2`, … for psycopg's raw cursor, which
    sends a statement as it is: the `%s` of `postgres_sql` are parsed again on every call
    once a statement has 50 parameters or more (psycopg caches only smaller ones), so
    multi-row writes use this form. Text between single quotes is copied unchanged."""
    parts: list[str] = []
    number = 0
    for index, piece in enumerate(QUOTED.split(statement)):
        if index % 2:  # a quoted literal
            parts.append(piece)
            continue
        pieces = piece.split("?")
        parts.append(pieces[0])
        for rest in pieces[1:]:
            number += 1
            parts.append(f"${number}")
            parts.append(rest)
    return "".join(parts)


class WholeNumericLoader(Loader):
    """A NUMERIC as SQLite would give it: a whole one (a SUM of BIGINT) as an int, any
    other as a Decimal."""

    def load(self, data: Buffer) -> int | Decimal:
        value = Decimal(str(data, "utf-8"))
        return int(value) if value == value.to_integral_value() else value


def _load_whole_numerics(connection: psycopg.Connection[Any]) -> None:
    connection.adapters.register_loader("numeric", WholeNumericLoader)


class _PostgresCursor:
    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor
        self._raw: psycopg.RawCursor[Any] | None = None

    def _writer(self) -> psycopg.RawCursor[Any]:
        if self._raw is None:
            self._raw = psycopg.RawCursor(self._cursor.connection)
        return self._raw

    def execute(self, statement: str, params: Params = ()) -> None:
        self._writer().execute(postgres_raw_sql(statement), tuple(params))

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        if rows:
            self._writer().executemany(postgres_raw_sql(statement), [tuple(r) for r in rows])

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        # A cursor of its own: in pipeline mode a cursor that sent several statements
        # would answer with the first statement's result, not this query's.
        with self._cursor.connection.cursor() as cursor:
            cursor.execute(postgres_sql(statement), tuple(params))
            return cursor.fetchall()

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        with self._cursor.connection.cursor() as cursor:
            cursor.execute(postgres_sql(statement), tuple(params))
            row: Row | None = cursor.fetchone()
        return row

    def fetch_many(self, queries: Sequence[Query]) -> list[list[Row]]:
        connection = self._cursor.connection
        cursors = [connection.cursor() for _ in queries]
        try:
            with connection.pipeline():  # one round trip for all of them
                for cursor, (statement, params) in zip(cursors, queries, strict=True):
                    cursor.execute(postgres_sql(statement), tuple(params))
            return [cursor.fetchall() for cursor in cursors]
        finally:
            for cursor in cursors:
                cursor.close()


class PostgresReadStore:
    """Read models in the events' PostgreSQL database and schema."""

    dialect = "postgres"

    READERS_MAX = 4  # connections for read-only transactions, per process
    READER_WAIT_S = 10.0

    def __init__(self, conninfo: dict[str, str], schema: str | None = None) -> None:
        self._lock = threading.RLock()
        self.conninfo = conninfo
        self.schema = schema
        self._connection: psycopg.Connection[Any] | None = None
        self._readers: ConnectionPool[psycopg.Connection[Any]] | None = None
        self._readers_lock = threading.Lock()

    def _connect(self) -> psycopg.Connection[Any]:
        if self._connection is None or self._connection.closed:
            # Autocommit: every unit of work is an explicit `transaction()` block, and
            # nothing is left open (idle in transaction) between them.
            connection = psycopg.connect(**self.conninfo, autocommit=True)  # type: ignore[arg-type]
            _load_whole_numerics(connection)
            if self.schema:
                connection.execute(
                    sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema))
                )
            self._connection = connection
        return self._connection

    def _configure(self, connection: psycopg.Connection[Any]) -> None:
        if self.schema:
            connection.execute(
                sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))

    def _configure_reader(self, connection: psycopg.Connection[Any]) -> None:
        _load_whole_numerics(connection)
        self._configure(connection)
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True

    def _reader_pool(self) -> ConnectionPool[psycopg.Connection[Any]]:
        """Read-only transactions use a small pool, so the requests of one API process
        read side by side instead of queueing for the one connection writes use."""
        with self._readers_lock:
            if self._readers is None:
                self._readers = ConnectionPool(
                    make_conninfo(**self.conninfo), min_size=1, max_size=self.READERS_MAX,
                    kwargs={"autocommit": True}, configure=self._configure_reader,
                    timeout=self.READER_WAIT_S, open=True, name="read-models")
            return self._readers

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Cursor]:
        if readonly:
            # One snapshot for every query of the transaction: REPEATABLE READ READ ONLY,
            # set on the pool's connections (a report's totals and its lines agree even
            # while the projector commits).
            with self._reader_pool().connection() as connection, \
                    connection.transaction(), connection.cursor() as cursor, \
                    closing(_PostgresCursor(cursor)) as reader:
                yield reader
            return
        with self._lock:
            connection = self._connect()
            try:
                with self._pipeline(connection, readonly), connection.transaction(), \
                        connection.cursor() as cursor:
                    if readonly:
                        cursor.execute("SET TRANSACTION READ ONLY")
                    else:
                        # Read models are derived from the log, and each batch commits
                        # with its tracking position: a commit lost in a crash loses both
                        # together, and they are projected again. So the commit need not
                        # wait for the WAL to reach the disk.
                        cursor.execute("SET LOCAL synchronous_commit = off")
                    with closing(_PostgresCursor(cursor)) as writer:
                        yield writer
            except psycopg.OperationalError:
                connection.close()
                raise

    @staticmethod
    def _pipeline(
        connection: psycopg.Connection[Any], readonly: bool
    ) -> AbstractContextManager[object]:
        """Writes go out in pipeline mode: the statements of a projection batch are sent
        without waiting for each answer (a read, or the commit, collects them), so a batch
        costs a few round trips instead of one per row. An error still fails the whole
        transaction, only reported at that later sync."""
        return nullcontext() if readonly else connection.pipeline()

    def close(self) -> None:
        with self._readers_lock:
            if self._readers is not None:
                self._readers.close()
                self._readers = None
        if self._connection is not None:
            self._connection.close()
