"""Batches a projection batch's row writes: few statements per table, each many rows.

Projecting an event writes a handful of rows (journal entry, postings, balances, statement
line, loan rows …), each its own statement: thousands of statements a batch, each paying
the driver's per-call work even in pipeline mode (about 17 µs a row with `executemany` in
psycopg, against under 2 µs a row in statements of a hundred rows). `BufferedCursor`
holds the writes back and sends them at the end of the batch (or before any read), each
table's writes in the order they were made. Consecutive INSERTs of one statement go as
multi-row `VALUES` statements of up to ROWS_PER_STATEMENT rows, upserts (`ON CONFLICT (…)
DO …`) included: a row whose conflict key is already in the statement starts the next one,
because PostgreSQL refuses to update one row twice in one command. Other statements
(UPDATE, DELETE) go as one `executemany`.

Multi-row statements are cut into sizes that are powers of two below ROWS_PER_STATEMENT, so
that one statement shape has a handful of texts (the drivers cache what they prepare or
convert per text).

Once HELD_ROWS_MAX rows are held, they are sent without waiting for the end of the batch:
the connection is in pipeline mode, so PostgreSQL executes them on its own core while the
projector folds the next events, instead of the two taking turns.

Why the result is the same: the writes to one table keep their order (an UPDATE never
overtakes the INSERT of its row, and an upsert's rows are applied in order, a repeated key
in a later statement); writes to different tables never depend on each other (no
statement reads another table); and a read (`fetchall`/`fetchone`) first sends
everything held, so it sees every earlier write.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from itertools import chain

from projections.store import Cursor, Params, Query, Row

WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE)
# An INSERT of one row, maybe an upsert: many rows can go as one multi-row VALUES.
INSERT = re.compile(
    r"(\s*INSERT\s+INTO\s+\w+\s*\(([^)]*)\)\s*VALUES\s*)(\([^()]*\))"
    r"(\s*|\s+ON\s+CONFLICT\s*(?:\(([^)]*)\))?\s*DO\s.*)",
    re.IGNORECASE | re.DOTALL)
ROWS_PER_STATEMENT = 128
# Below SQLite's default limit of host parameters (32,766) and PostgreSQL's (65,535).
PARAMETERS_PER_STATEMENT_MAX = 2000
# Enough rows that each statement still goes as a few large executemany/VALUES calls.
HELD_ROWS_MAX = 1000


class BufferedCursor:
    """A `Cursor` that holds writes until `flush` (or a read)."""

    def __init__(self, cursor: Cursor) -> None:
        self._cursor = cursor
        # table → runs of (statement, rows), in the order the writes were made
        self._tables: dict[str, list[tuple[str, list[Params]]]] = {}
        self._held = 0

    def execute(self, statement: str, params: Params = ()) -> None:
        table = _table_written(statement)
        if table is None:
            self.flush()
            self._cursor.execute(statement, params)
            return
        runs = self._tables.setdefault(table, [])
        if runs and runs[-1][0] == statement:
            runs[-1][1].append(params)
        else:
            runs.append((statement, [params]))
        self._held += 1
        if self._held >= HELD_ROWS_MAX:
            self.flush()

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        for params in rows:
            self.execute(statement, params)

    def fetchall(self, statement: str, params: Params = ()) -> list[Row]:
        self.flush()
        return self._cursor.fetchall(statement, params)

    def fetchone(self, statement: str, params: Params = ()) -> Row | None:
        self.flush()
        return self._cursor.fetchone(statement, params)

    def fetch_many(self, queries: Sequence[Query]) -> list[list[Row]]:
        self.flush()
        return self._cursor.fetch_many(queries)

    def flush(self) -> None:
        """Send every held write: table by table, each run as one `executemany`."""
        tables, self._tables, self._held = self._tables, {}, 0
        for runs in tables.values():
            for statement, rows in runs:
                self._send(statement, rows)

    def _send(self, statement: str, rows: list[Params]) -> None:
        insert = INSERT.fullmatch(statement)
        if insert is None or len(rows) < 2:
            self._cursor.executemany(statement, rows)
            return
        head, columns, values, tail, conflict = insert.groups()
        width = max(len(rows[0]), 1)
        most = max(1, min(ROWS_PER_STATEMENT, PARAMETERS_PER_STATEMENT_MAX // width))
        for run in _runs(rows, _key_of(columns, conflict), most):
            # A run of n rows as statements of 2^k rows: few distinct statement texts.
            start = 0
            while start < len(run):
                size = 1 << ((len(run) - start).bit_length() - 1)
                chunk = run[start:start + size]
                flat = list(chain.from_iterable(chunk))
                self._cursor.execute(head + ", ".join([values] * size) + tail, flat)
                start += size


@functools.lru_cache(maxsize=256)  # the projector's few dozen statements
def _table_written(statement: str) -> str | None:
    """The table a write statement writes to; None for anything else."""
    match = WRITE.match(statement)
    return None if match is None else match.group(1).lower()


def _key_of(columns: str, conflict: str | None) -> tuple[int, ...] | None:
    """The positions of an upsert's conflict columns among its inserted columns."""
    if conflict is None:
        return None
    names = [name.strip().lower() for name in columns.split(",")]
    return tuple(names.index(name.strip().lower()) for name in conflict.split(","))


def _runs(rows: list[Params], key: tuple[int, ...] | None,
          most: int) -> list[list[Params]]:
    """The rows in order, cut into runs of at most `most` rows in which no conflict key
    repeats."""
    if key is None:
        return [rows[start:start + most] for start in range(0, len(rows), most)]
    runs: list[list[Params]] = [[]]
    seen: set[tuple[object, ...]] = set()
    for row in rows:
        row_key = tuple(row[i] for i in key)
        if row_key in seen or len(runs[-1]) >= most:
            runs.append([])
            seen = set()
        runs[-1].append(row)
        seen.add(row_key)
    return runs
