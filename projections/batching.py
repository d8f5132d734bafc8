"""Batches a projection batch's row writes: one `executemany` per statement run, per table.

Projecting an event writes a handful of rows (journal entry, postings, balances, statement
line, loan rows …), each its own statement: thousands of statements a batch, each paying
the driver's per-call work even in pipeline mode. `BufferedCursor` holds the writes back
and sends them at the end of the batch (or before any read), each table's writes in the
order they were made, consecutive writes of one statement as one `executemany` (plain
INSERTs as multi-row VALUES statements of up to ROWS_PER_STATEMENT rows).

Once HELD_ROWS_MAX rows are held, they are sent without waiting for the end of the batch:
the connection is in pipeline mode, so PostgreSQL executes them on its own core while the
projector folds the next events, instead of the two taking turns.

Why the result is the same: the writes to one table keep their order (an UPDATE never
overtakes the INSERT of its row); writes to different tables never depend on each other
(no statement reads another table); and a read (`fetchall`/`fetchone`) first sends
everything held, so it sees every earlier write.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from projections.store import Cursor, Params, Query, Row

WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.IGNORECASE)
# A plain INSERT of one row (no ON CONFLICT): many rows can go as one multi-row VALUES.
PLAIN_INSERT = re.compile(r"(\s*INSERT\s+INTO\s+\w+\s*\([^)]*\)\s*VALUES\s*)(\([^()]*\))\s*",
                          re.IGNORECASE)
ROWS_PER_STATEMENT = 200
# psycopg parses a statement again on every call once it has more parameters or text than
# these (its cache of converted queries keeps only smaller ones): a larger statement costs
# more to parse than the round trips it saves.
PARAMETERS_PER_STATEMENT_MAX = 50
STATEMENT_LENGTH_MAX = 4000
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
        match = WRITE.match(statement)
        if match is None:
            self.flush()
            self._cursor.execute(statement, params)
            return
        runs = self._tables.setdefault(match.group(1).lower(), [])
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
        insert = PLAIN_INSERT.fullmatch(statement)
        if insert is None or len(rows) < 2:
            self._cursor.executemany(statement, rows)
            return
        head, values = insert.groups()
        width = max(len(rows[0]), 1)
        # Each `?` becomes psycopg's `%s`: one character more.
        row_length = len(values) + width + 2
        per_statement = max(1, min(ROWS_PER_STATEMENT, PARAMETERS_PER_STATEMENT_MAX // width,
                                   (STATEMENT_LENGTH_MAX - len(head)) // row_length))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            flat = [value for row in chunk for value in row]
            self._cursor.execute(head + ", ".join([values] * len(chunk)), flat)
