"""An aggregate's latest snapshot and the events after it, read in one statement.

A cold load (a new process, or the first command after a failed one) needs both. Through
the library's stores that is two queries, each on a connection of its own from the pool,
each after the pool's pre-ping: four round trips, and the events' query could see a later
snapshot than the one read (harmless, but two views). On PostgreSQL, when the events and
the snapshots are in one database, one statement returns both, from one view of the
database: the snapshot's row and the rows of the events after its version (all of them
when there is no snapshot). The 10,000-event group of the bench paid about 0.5–0.7 ms for
the second query's round trips and pool checkout, a seventh of its cold load.

Anything else (SQLite, in-memory stores, snapshots switched off) reads the two stores as
the library does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Composed, Identifier

LATEST_AND_AFTER = """\
WITH latest AS (
    SELECT originator_version, topic, state FROM {schema}.{snapshots}
    WHERE originator_id = %(id)s ORDER BY originator_version DESC LIMIT 1
)
SELECT true AS is_snapshot, originator_version, topic, state FROM latest
UNION ALL
SELECT false, originator_version, topic, state FROM {schema}.{events}
WHERE originator_id = %(id)s
  AND originator_version > COALESCE((SELECT originator_version FROM latest), 0)"""


class ColdLoad:
    """Reads one aggregate's latest snapshot and later events as stored events."""

    def __init__(self, snapshots: PostgresAggregateRecorder,
                 events: PostgresAggregateRecorder) -> None:
        self.datastore = events.datastore
        self.statement: Composed = SQL(LATEST_AND_AFTER).format(
            schema=Identifier(self.datastore.schema),
            snapshots=Identifier(snapshots.events_table_name),
            events=Identifier(events.events_table_name),
        )

    @classmethod
    def of(cls, snapshots: Any, events: Any) -> ColdLoad | None:
        """One for these recorders, or None unless both are PostgreSQL's on one database."""
        if not (isinstance(snapshots, PostgresAggregateRecorder)
                and isinstance(events, PostgresAggregateRecorder)):
            return None
        if snapshots.datastore is not events.datastore:
            return None
        return cls(snapshots, events)

    # Retried on a lost connection as the library retries its own reads.
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def read(self, aggregate_id: UUID) -> tuple[StoredEvent | None, Sequence[StoredEvent]]:
        """The latest snapshot (None when there is none) and the events after it, in order."""
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(self.statement, {"id": aggregate_id}, prepare=True)
            rows = cursor.fetchall()
        snapshot: StoredEvent | None = None
        events: list[StoredEvent] = []
        for row in rows:
            stored = StoredEvent(originator_id=aggregate_id,
                                 originator_version=row["originator_version"],
                                 topic=row["topic"], state=bytes(row["state"]))
            if row["is_snapshot"]:
                snapshot = stored
            else:
                events.append(stored)
        events.sort(key=lambda stored: stored.originator_version)
        return snapshot, events
