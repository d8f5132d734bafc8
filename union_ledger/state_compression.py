"""PostgreSQL compresses the stored states of events and snapshots with LZ4, not pglz.

A value larger than about 2 kB is compressed by PostgreSQL before it is stored (TOAST),
with the column's method, `pglz` unless set otherwise. A group's snapshot is its whole
state: 0.5–1.1 MB of JSON after a year of weekly meetings, written at most sheets of a
long cycle. pglz took about 25 ms of PostgreSQL's CPU to store one such snapshot of
1.1 MB, more than the API spent encoding it; LZ4 about 4 ms. LZ4 even made it a little
smaller: a 0.7 MB snapshot took 233 kB with pglz and 194 kB with LZ4
(docs/PERFORMANCE.md). Events are mostly under the threshold; a large one (a share-out
of a big group) is compressed the same way.

So the `state` columns of the event and snapshot tables are set to LZ4 once, when the
server was built with it (PostgreSQL 14 and later; the official images and Debian's
are). Values already stored keep their method and still read back: PostgreSQL records
the method with each value. Setting it is a change of the table's definition (a brief
exclusive lock): it is done only when the column does not have it yet, and a role that
may not alter the table leaves it as it is, with a warning in the log.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from eventsourcing.persistence import ProgrammingError
from eventsourcing.postgres import PostgresAggregateRecorder
from psycopg.sql import SQL, Identifier

logger = logging.getLogger(__name__)

SERVER_HAS_LZ4 = (
    "SELECT 'lz4' = ANY(enumvals) AS has_lz4 FROM pg_settings "
    "WHERE name = 'default_toast_compression'"
)
COLUMN_METHOD = (
    "SELECT attcompression AS method FROM pg_attribute "
    "WHERE attrelid = to_regclass(%(table)s) AND attname = 'state' AND NOT attisdropped"
)
LZ4 = "l"  # pg_attribute.attcompression for lz4 ('p' for pglz, '' for the default)


def compress_states_with_lz4(recorder: Any) -> bool:
    """Set the `state` column of a PostgreSQL recorder's table to LZ4 compression.
    True when it has it (now or already); False, and nothing changes, when the recorder
    is not PostgreSQL's, the server has no LZ4, or the role may not alter the table."""
    if not isinstance(recorder, PostgresAggregateRecorder):
        return False
    datastore = recorder.datastore
    schema, table = datastore.schema or "public", recorder.events_table_name
    qualified = Identifier(schema, table).as_string(None)
    try:
        with datastore.transaction(commit=True) as cursor:
            cursor.execute(SERVER_HAS_LZ4)
            row = cursor.fetchone()
            if row is None or not row["has_lz4"]:
                return False
            cursor.execute(COLUMN_METHOD, {"table": qualified})
            row = cursor.fetchone()
            if row is None:
                return False
            if row["method"] == LZ4:
                return True
            cursor.execute(SQL("ALTER TABLE {} ALTER COLUMN state SET COMPRESSION lz4").format(
                Identifier(schema, table)))
            return True
    except ProgrammingError as error:  # the library's, around psycopg's
        if not isinstance(error.__cause__, psycopg.errors.InsufficientPrivilege):
            raise
        logger.warning("the state column of %s keeps its compression: %s", qualified, error)
        return False
