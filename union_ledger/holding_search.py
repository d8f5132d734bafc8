"""An aggregate's stored events whose states hold given bytes, searched by PostgreSQL.

A reversal naming an entry outside its group's open cycle needs that entry's facts from
the group's history (`LedgerCore._find_closed_entry`). Read into Python, the 10,000
events of the bench's largest group cost about 115 ms (5 MB sent, 10,000 stored events
made); PostgreSQL finds the few that hold the entry's id where they lie and sends only
those. Other stores are searched in Python (`select_events`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Composed, Identifier

HOLDING = """\
SELECT originator_version, topic, state FROM {schema}.{events}
WHERE originator_id = %(id)s
  AND (position(%(first)s::bytea IN state) > 0 OR position(%(second)s::bytea IN state) > 0)
ORDER BY originator_version"""


class HoldingSearch:
    """Finds one aggregate's stored events whose state holds either of two byte strings."""

    def __init__(self, events: PostgresAggregateRecorder) -> None:
        self.datastore = events.datastore
        self.statement: Composed = SQL(HOLDING).format(
            schema=Identifier(self.datastore.schema),
            events=Identifier(events.events_table_name))

    @classmethod
    def of(cls, events: Any) -> HoldingSearch | None:
        """One for this recorder, or None unless it is PostgreSQL's."""
        return cls(events) if isinstance(events, PostgresAggregateRecorder) else None

    # Retried on a lost connection as the library retries its own reads.
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def find(self, aggregate_id: UUID, first: bytes, second: bytes) -> Sequence[StoredEvent]:
        """The aggregate's events whose state holds `first` or `second`, in order."""
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(self.statement, {"id": aggregate_id, "first": first,
                                            "second": second}, prepare=True)
            rows = cursor.fetchall()
        return [StoredEvent(originator_id=aggregate_id,
                            originator_version=row["originator_version"],
                            topic=row["topic"], state=bytes(row["state"])) for row in rows]
