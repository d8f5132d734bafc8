"""PostgreSQL's own limit, measured in the same run: psycopg writing event-sized rows.

The table has the event table's shape and key ((uuid, version), a bigserial position, a
topic and ~500 bytes of state), and every write transaction first takes the lock the
eventsourcing library takes (`LOCK TABLE ... IN EXCLUSIVE MODE`), then inserts and
returns the positions, as the library does; the transaction is pipelined. Rows go one per
transaction, and 100 per transaction. Writers run on CLIENTS connections at once, as the
ledger's writes do, though the lock lets one transaction in at a time.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import psycopg

RAW_TABLE = "bench_raw_events"
STATE_BYTES = 500
TOPIC = "domain.group_events:SharesPurchased"


@dataclass(frozen=True)
class RawRate:
    rows_per_transaction: int
    rows: int
    seconds: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def prepare(conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        connection.execute(
            f"CREATE TABLE {RAW_TABLE} (originator_id uuid NOT NULL, "
            "originator_version bigint NOT NULL, topic text, state bytea, "
            "notification_id bigserial, PRIMARY KEY (originator_id, originator_version))"
        )
        connection.execute(
            f"CREATE UNIQUE INDEX {RAW_TABLE}_position ON {RAW_TABLE} (notification_id)")


def measure(conninfo: str, rows: int, rows_per_transaction: int, clients: int) -> RawRate:
    """Insert `rows` rows in transactions of `rows_per_transaction`, from `clients` threads."""
    prepare(conninfo)
    transactions = max(rows // rows_per_transaction, clients)
    shares = [transactions // clients + (1 if i < transactions % clients else 0)
              for i in range(clients)]
    connections = [psycopg.connect(conninfo, autocommit=True) for _ in range(clients)]
    failures: list[BaseException] = []
    try:
        start = threading.Barrier(clients + 1)
        threads = [threading.Thread(target=_writer, daemon=True,
                                    args=(c, n, rows_per_transaction, start, failures))
                   for c, n in zip(connections, shares, strict=True)]
        for thread in threads:
            thread.start()
        start.wait(timeout=30)
        began = time.perf_counter()
        for thread in threads:
            thread.join(timeout=600)
        seconds = time.perf_counter() - began
    finally:
        for connection in connections:
            connection.close()
    if failures:
        raise RuntimeError(f"raw writer failed: {failures[0]!r}")
    return RawRate(rows_per_transaction, sum(shares) * rows_per_transaction, seconds)


def _writer(
    connection: psycopg.Connection[Any], transactions: int, size: int,
    start: threading.Barrier, failures: list[BaseException],
) -> None:
    state = os.urandom(STATE_BYTES)
    statement = (f"INSERT INTO {RAW_TABLE} (originator_id, originator_version, topic, state) "
                 "VALUES (%s, %s, %s, %s) RETURNING notification_id")
    try:
        start.wait(timeout=30)
        for _ in range(transactions):
            originator = uuid4()
            rows = [(originator, version, TOPIC, state) for version in range(1, size + 1)]
            with connection.pipeline(), connection.transaction():
                connection.execute("SET LOCAL lock_timeout = '5s'")
                connection.execute(f"LOCK TABLE {RAW_TABLE} IN EXCLUSIVE MODE")
                with connection.cursor() as cursor:
                    cursor.executemany(statement, rows, returning=True)
    except BaseException as error:  # reported by `measure`
        failures.append(error)


def drop(conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
